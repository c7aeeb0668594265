"""Exact Hessian-vector products of the lab's MLP, by forward-over-backward differentiation.

Pearlmutter's R-operator, R{f} = d/dt f(θ + t v) at t = 0, applied to every line of backprop
gives Hv = R{∇ℓ} exactly, for the cost of about two gradients. With V⁽ˡ⁾, c⁽ˡ⁾ the parts of v
that sit where W⁽ˡ⁾, b⁽ˡ⁾ sit in θ, and R a⁽⁰⁾ = R x = 0:

    forward   z⁽ˡ⁾ = a⁽ˡ⁻¹⁾W⁽ˡ⁾ + b⁽ˡ⁾      R z⁽ˡ⁾ = R a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + a⁽ˡ⁻¹⁾ V⁽ˡ⁾ + c⁽ˡ⁾
              a⁽ˡ⁾ = act(z⁽ˡ⁾)             R a⁽ˡ⁾ = act′ ⊙ R z⁽ˡ⁾
    output    δ⁽ᴸ⁾ = (σ(z) − y) / n        R δ⁽ᴸ⁾ = σ(z)(1 − σ(z)) R z / n
    backward  ∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾         R ∂W⁽ˡ⁾ = R a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾ + a⁽ˡ⁻¹⁾ᵀ R δ⁽ˡ⁾
              ∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾              R ∂b⁽ˡ⁾ = Σₙ R δ⁽ˡ⁾
              g = δ⁽ˡ⁾ W⁽ˡ⁾ᵀ               R g = R δ⁽ˡ⁾ W⁽ˡ⁾ᵀ + δ⁽ˡ⁾ V⁽ˡ⁾ᵀ
              δ⁽ˡ⁻¹⁾ = g ⊙ act′            R δ⁽ˡ⁻¹⁾ = R g ⊙ act′ + g ⊙ act″ ⊙ R z⁽ˡ⁻¹⁾

act′ and act″·Rz are written in terms of the layer's output a: tanh′ = 1 − a² and
tanh″·Rz = −2a(1 − a²)Rz = −2a ⊙ R a; ReLU′ = [a > 0] and ReLU″ = 0 (the Hessian of the
piecewise-linear network wherever it exists: no point sits exactly on a kink).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from lab.network import ACTIVATIONS, MLP, sigmoid


class Curvature(NamedTuple):
    """act′ and act″ ⊙ R z as functions of the layer's output a (and R a = act′ ⊙ R z)."""

    slope: Callable[[np.ndarray], np.ndarray]
    bend: Callable[[np.ndarray, np.ndarray], np.ndarray | float]


CURVATURES = {
    "relu": Curvature(lambda a: (a > 0).astype(float), lambda a, ra: 0.0),
    "tanh": Curvature(lambda a: 1.0 - a * a, lambda a, ra: -2.0 * a * ra),
}


def _forward(network: MLP, layers, directions, x) -> tuple[list, list, list]:
    """Hidden outputs [x, a⁽¹⁾, …], their R a (0 for x) and slopes act′ per hidden layer."""
    apply, slope = ACTIVATIONS[network.activation].apply, CURVATURES[network.activation].slope
    outputs, tangents, slopes = [x], [np.zeros_like(x)], []
    for (w, b), (vw, vb) in zip(layers[:-1], directions[:-1], strict=True):
        a, ra = outputs[-1], tangents[-1]
        z = a @ w + b
        rz = ra @ w + a @ vw + vb
        apply(z)  # z now holds a⁽ˡ⁾
        slopes.append(slope(z))
        outputs.append(z)
        tangents.append(slopes[-1] * rz)
    return outputs, tangents, slopes


def hessian_vector(network: MLP, theta: np.ndarray, v: np.ndarray, x, y) -> np.ndarray:
    """H v at θ for the mean binary cross-entropy of ``network`` on (x, y), exactly (see the
    module docstring); a new flat vector laid out like θ."""
    layers, directions = network.unflatten(theta), network.unflatten(v)
    outputs, tangents, slopes = _forward(network, layers, directions, x)
    (w, b), (vw, vb) = layers[-1], directions[-1]
    z = (outputs[-1] @ w + b)[:, 0]
    rz = (tangents[-1] @ w + outputs[-1] @ vw + vb)[:, 0]
    p, n = sigmoid(z), len(y)
    delta, rdelta = ((p - y) / n)[:, None], (p * (1 - p) * rz / n)[:, None]
    bend = CURVATURES[network.activation].bend
    parts = []
    for i in range(len(layers) - 1, -1, -1):
        a, ra = outputs[i], tangents[i]
        parts.append(np.r_[(ra.T @ delta + a.T @ rdelta).ravel(), rdelta.sum(axis=0)])
        if i:
            w, vw = layers[i][0], directions[i][0]
            g = delta @ w.T
            rg = rdelta @ w.T + delta @ vw.T
            rdelta = rg * slopes[i - 1] + g * bend(a, ra)
            delta = g * slopes[i - 1]
    return np.concatenate(parts[::-1])
