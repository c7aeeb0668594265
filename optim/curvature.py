"""Hessian-vector products and the Hessian diagonal, for optimizers that ask for curvature.

``hvp_fn(params, v) -> H(params)·v`` with v of the params' shape (n points on the last axis'
rows, or one flat weight vector). Surfaces give exact ones (``Surface.hvp``); where only a
gradient is known, ``central_difference_hvp`` makes one from it.
"""

import numpy as np

from optim.base import check


def hessian_diagonal(hvp_fn, params) -> np.ndarray:
    """diag H exactly (as exact as ``hvp_fn``), one product per coordinate of the last axis:
    Σᵢ eᵢ⊙(H·eᵢ)."""
    params = np.asarray(params, dtype=float)
    diagonal = np.empty_like(params)
    for i in range(params.shape[-1]):
        unit = np.zeros_like(params)
        unit[..., i] = 1.0
        diagonal[..., i] = hvp_fn(params, unit)[..., i]
    return diagonal


def central_difference_hvp(grad_fn, step=1e-5):
    """``hvp_fn`` from ``grad_fn`` by a central difference along v:
    H·v ≈ ‖v‖·(∇J(θ + δv̂) − ∇J(θ − δv̂))/(2δ) with v̂ = v/‖v‖ and δ = step·(1 + ‖θ‖), norms over
    the last axis (each point its own). Its error is O(δ²·‖∇³J‖) plus a rounding error of about
    ε_mach·‖∇J‖/δ; step = 10⁻⁵ balances the two for gradients of order 1 (about 10⁻¹⁰
    relative on a smooth J). v = 0 gives 0."""
    step = check(step, "step", 1e-12, 1.0)

    def hvp_fn(params, v):
        params, v = np.asarray(params, dtype=float), np.asarray(v, dtype=float)
        length = np.sqrt(np.sum(v * v, axis=-1, keepdims=True))
        direction = np.divide(v, length, out=np.zeros_like(v), where=length > 0)
        delta = step * (1.0 + np.sqrt(np.sum(params * params, axis=-1, keepdims=True)))
        ahead = grad_fn(params + delta * direction)
        behind = grad_fn(params - delta * direction)
        return (ahead - behind) * (length / (2.0 * delta))

    return hvp_fn
