"""Muon's building blocks: the Newton–Schulz orthogonalization and the transform around it.

Muon (Jordan et al. 2024, "MomentUm Orthogonalized by Newton–Schulz") keeps a momentum of the
gradients of a weight matrix and steps along that momentum's orthogonalization: the SVD
M = U·S·Vᵀ is replaced by about U·Vᵀ, every direction of M at about the same size.

Shapes: with ``matrices`` the last two axes of an array are one m × n matrix and any leading
axes batch several of them. Without it (the default, this engine's convention for ``run``) the
last axis is one parameter vector, seen as a 1 × d matrix, so (n, d) points are n parameters.
A 1 × d matrix's orthogonalization is its direction m/‖m‖: Muon on a point is normalized
momentum, steps of one length (≈ 0.7·α after five Newton–Schulz steps, see ``newton_schulz``).
"""

from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_count, check_flag

# The quintic's coefficients (Jordan et al.): chosen for a steep slope at 0, so small singular
# values grow fast; the price is that the iteration does not settle at 1 but oscillates
# in about [0.7, 1.2] (a unit singular value comes out as 0.696 after 5 steps).
NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
NS_EPS = 1e-7  # added to the Frobenius norm before dividing by it (a zero matrix stays zero)


def newton_schulz(g: np.ndarray, steps: int = 5) -> np.ndarray:
    """About U·Vᵀ for each matrix G = U·S·Vᵀ over the last two axes of ``g``.

    X₀ = G/(‖G‖_F + 10⁻⁷) (all singular values ≤ 1), then ``steps`` times
    X ← aX + (bA + cA²)X with A = XXᵀ, which maps each singular value σ to
    aσ + bσ³ + cσ⁵ and leaves U and V alone. A tall matrix (m > n) is iterated as its
    transpose, so A is the smaller Gram matrix. float64 throughout (the reference runs in
    bfloat16 on a GPU).
    """
    a, b, c = NS_COEFFICIENTS
    tall = g.shape[-2] > g.shape[-1]
    x = np.swapaxes(g, -1, -2) if tall else g
    x = x / (np.sqrt(np.sum(x * x, axis=(-2, -1), keepdims=True)) + NS_EPS)
    for _ in range(steps):
        gram = x @ np.swapaxes(x, -1, -2)
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return np.swapaxes(x, -1, -2) if tall else x


def newton_schulz_rows(u: np.ndarray, steps: int = 5) -> np.ndarray:
    """``newton_schulz`` of each vector along the last axis as a 1 × d matrix, in fewer
    operations: there A = XXᵀ is the scalar σ² = ‖X‖², so each step multiplies X by
    f = a + bσ² + cσ⁴ and σ² by f². X₀ = u/(‖u‖ + 10⁻⁷) as there, so the output is u times
    the product of the factors over ‖u‖ + 10⁻⁷ (the matrix form on (..., 1, d) is its
    reference); the arrays of one number per vector are updated in place."""
    a, b, c = NS_COEFFICIENTS
    norm = np.sqrt(np.einsum("...i,...i->...", u, u))[..., None]
    denominator = norm + NS_EPS
    square = norm / denominator
    square *= square  # σ₀²
    gain = 1.0 / denominator
    factor = np.empty_like(square)
    for _ in range(steps):
        np.multiply(square, c, out=factor)
        factor += b
        factor *= square
        factor += a  # f = a + bσ² + cσ⁴
        gain *= factor
        factor *= factor
        square *= factor
    return u * gain


def orthogonalized(u: np.ndarray, steps: int, matrices: bool) -> np.ndarray:
    """Muon's direction for ``u``: ``newton_schulz`` times √max(1, m/n) (the reference's shape
    scaling: a tall matrix's rows get the RMS they would have if it were square). Without
    ``matrices`` each vector along the last axis is a 1 × d matrix (m/n ≤ 1: no scaling)."""
    if not matrices:
        return newton_schulz_rows(u, steps)
    if u.ndim < 2:
        raise ValueError(f"matrices: Muon needs arrays of at least 2 axes, got shape {u.shape}")
    rows, columns = u.shape[-2:]
    return newton_schulz(u, steps) * max(1.0, rows / columns) ** 0.5


class ScaleByMuonState(NamedTuple):
    step: int
    mu: np.ndarray  # the momentum m (the averages' common name)


def scale_by_muon(momentum=0.95, nesterov=True, ns_steps=5, matrices=False):
    """Muon's direction: m_t = μm + (1−μ)g_t (m₀ = 0); u = (1−μ)g_t + μm_t with ``nesterov``,
    else u = m_t; output ``orthogonalized(u)``. ``matrices`` as in this module's docstring."""
    momentum = check(momentum, "momentum", 0.0, 1.0, high_open=True)
    nesterov = check_flag(nesterov, "nesterov")
    ns_steps = check_count(ns_steps, "ns_steps", 1)
    matrices = check_flag(matrices, "matrices")

    def update(g, state, params=None):
        fresh = (1.0 - momentum) * g
        m = momentum * state.mu
        m += fresh
        if nesterov:
            u = momentum * m
            u += fresh
        else:
            u = m
        return orthogonalized(u, ns_steps, matrices), ScaleByMuonState(state.step + 1, m)

    def init(params):
        return ScaleByMuonState(0, np.zeros_like(params, dtype=float))

    return GradientTransformation(init, update)
