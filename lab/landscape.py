"""Loss on a 2-D slice of weight space, paths projected onto it, 1-D interpolation, sharpness.

A plane is θ(α, β) = c + α d₁ + β d₂ (directions from ``lab.directions``). Losses on it are
computed exactly, never interpolated: the grid and the projected points go through the
network's batched forward (``model.batch_loss(thetas, x, y)``, k weight vectors at once) in
chunks bounded in memory. Any model with ``batch_loss`` works, the lab's ``MLP`` or a
stand-in. Sharpness uses exact Hessian-vector products for the MLP (``lab.hessian``) and
central differences of ``loss_and_grad`` for a stand-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lab import hessian
from lab.network import MLP, batch_cross_entropy

CHUNK_BYTES = 4 * 2**20  # activations of one chunk of weight vectors, at most (cache-sized)


@dataclass(frozen=True)
class Plane:
    """θ(α, β) = centre + α d₁ + β d₂; ``explained`` holds PCA's variance shares, else None."""

    centre: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    label: str = ""
    explained: tuple[float, float] | None = None

    def points(self, coords: np.ndarray) -> np.ndarray:
        """Weight vectors (k, n_params) at coords (k, 2) = [(α, β), …]."""
        coords = np.atleast_2d(coords)
        return self.centre + coords[:, :1] * self.d1 + coords[:, 1:2] * self.d2

    def project(self, path: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(coords (T, 2), off (T,), share (T,)) for a path (T, n_params).

        coords solve the least squares min ‖θₜ − c − D a‖ with D = [d₁ d₂] (normal equations
        DᵀD a = Dᵀ(θₜ − c), so d₁, d₂ need not be orthogonal); off = ‖θₜ − c − D a‖ is the
        distance off the plane and share = off / ‖θₜ − c‖ (0 at the centre itself).
        """
        rel = np.atleast_2d(path) - self.centre
        basis = np.stack([self.d1, self.d2])  # (2, n_params)
        coords = np.linalg.solve(basis @ basis.T, basis @ rel.T).T
        off = np.linalg.norm(rel - coords @ basis, axis=1)
        dist = np.linalg.norm(rel, axis=1)
        share = np.divide(off, dist, out=np.zeros_like(off), where=dist > 0)
        return coords, off, share


def _chunk(model, x: np.ndarray) -> int:
    """How many weight vectors fit one chunk: CHUNK_BYTES / (points × widest layer × 8)."""
    widest = max(getattr(model, "sizes", (1,)))
    return max(1, CHUNK_BYTES // (8 * len(x) * widest))


def _chunk_loss(model, k: int, x, y) -> Callable[[np.ndarray], np.ndarray]:
    """Loss of a chunk of up to k weight vectors: through one ``BatchForward`` whose buffers
    every chunk reuses when the model has one (the lab's MLP), else ``model.batch_loss``."""
    if not hasattr(model, "batch_forward"):
        return lambda thetas: model.batch_loss(thetas, x, y)
    forward = model.batch_forward(k, len(x))
    return lambda thetas: batch_cross_entropy(forward(thetas, x), y)


def losses_at(model, thetas: np.ndarray, x, y, progress: Callable | None = None) -> np.ndarray:
    """The loss at each of k weight vectors (k, n_params), in chunks; ``progress(done, k)``
    after each chunk."""
    return _chunked_losses(model, np.atleast_2d(thetas), lambda chunk: chunk, x, y, progress)


def plane_losses(model, plane: Plane, coords: np.ndarray, x, y, progress=None) -> np.ndarray:
    """L(c + α d₁ + β d₂) at each (α, β) of coords (k, 2), built and evaluated chunk by chunk."""
    return _chunked_losses(model, np.atleast_2d(coords), plane.points, x, y, progress)


def _chunked_losses(model, rows: np.ndarray, weights_of, x, y, progress) -> np.ndarray:
    """The loss at ``weights_of(chunk)`` for each chunk of ``rows``, so no more than one chunk
    of weight vectors exists at a time; ``progress(done, len(rows))`` after each chunk."""
    out, step = np.empty(len(rows)), _chunk(model, x)
    loss = _chunk_loss(model, min(step, len(rows)), x, y)
    with np.errstate(all="ignore"):
        for start in range(0, len(rows), step):
            stop = min(start + step, len(rows))
            out[start:stop] = loss(weights_of(rows[start:stop]))
            if progress:
                progress(stop, len(rows))
    return out


def grid(model, plane: Plane, alphas, betas, x, y, progress=None) -> np.ndarray:
    """Loss on the grid: Z[i, j] = L(c + alphas[j] d₁ + betas[i] d₂), shape (len(betas),
    len(alphas)) (rows along β, as a contour plot reads it)."""
    a, b = np.meshgrid(np.asarray(alphas, float), np.asarray(betas, float))
    coords = np.column_stack([a.ravel(), b.ravel()])
    return plane_losses(model, plane, coords, x, y, progress).reshape(a.shape)


def interpolate(model, start: np.ndarray, end: np.ndarray, x, y, steps: int = 51):
    """(t, L((1 − t) θ_start + t θ_end)) at ``steps`` evenly spaced t in [0, 1] (Goodfellow
    et al. 2015)."""
    t = np.linspace(0.0, 1.0, steps)
    return t, losses_at(model, (1 - t)[:, None] * start + t[:, None] * end, x, y)


def barrier(t: np.ndarray, losses: np.ndarray) -> float:
    """Height of the bump over the straight line between the ends:
    max over t of L(t) − [(1 − t) L(0) + t L(1)], 0 when the loss never rises above the chord."""
    chord = (1 - t) * losses[0] + t * losses[-1]
    return float(max(0.0, np.max(losses - chord)))


def hessian_vector(model, theta: np.ndarray, v: np.ndarray, x, y, step: float = 1e-4):
    """H v at θ. For the lab's ``MLP``: exact, by forward-over-backward differentiation
    (``lab.hessian``). For any other model (a stand-in with ``loss_and_grad`` only): central
    differences of its gradient, [∇L(θ + h v̂) − ∇L(θ − h v̂)] ‖v‖ / (2h) with v̂ = v/‖v‖ and
    h = ``step``·(1 + ‖θ‖), exact for a quadratic loss up to rounding, else off by O(h²)."""
    if isinstance(model, MLP):
        return hessian.hessian_vector(model, theta, v, x, y)
    norm = np.linalg.norm(v)
    if norm == 0:
        return np.zeros_like(theta)
    h = step * (1.0 + np.linalg.norm(theta))
    unit = v / norm
    plus = model.loss_and_grad(theta + h * unit, x, y)[1]
    minus = model.loss_and_grad(theta - h * unit, x, y)[1]
    return (plus - minus) * (norm / (2 * h))


def top_eigenvalue(model, theta, x, y, *, iters: int = 100, tol: float = 1e-6, seed: int = 0):
    """The Hessian eigenvalue of largest magnitude at θ (sign kept), by power iteration on
    ``hessian_vector`` (exact for the lab's MLP): v ← Hv / ‖Hv‖ from a seeded Gaussian v,
    λ = vᵀHv (Rayleigh quotient), stopping when λ changes by less than ``tol``·|λ| or after
    ``iters`` products."""
    v = np.random.default_rng(seed).standard_normal(theta.shape)
    v /= np.linalg.norm(v)
    value = 0.0
    for _ in range(iters):
        hv = hessian_vector(model, theta, v, x, y)
        new = float(v @ hv)
        norm = np.linalg.norm(hv)
        if norm == 0:
            return 0.0
        v = hv / norm
        if abs(new - value) <= tol * abs(new):
            return new
        value = new
    return value


def trace_path(model, plane: Plane, path: np.ndarray, x, y) -> dict:
    """A path (T, n_params) as seen on the plane: coords (T, 2), off-plane ``share`` (T,), the
    ``true`` loss at each θₜ and the ``plane`` loss at its projection c + αₜ d₁ + βₜ d₂."""
    coords, _, share = plane.project(path)
    true = losses_at(model, path, x, y)
    return {
        "coords": coords,
        "share": share,
        "true": true,
        "plane": losses_at(model, plane.points(coords), x, y),
    }
