"""The minima a basin map colours by: a catalog surface's own, or for a typed function (whose
only known minimum is the estimated global one) every local minimum that Newton's method
finds from a grid of seeds, merged when closer than the tolerance.

Newton: x ← x − H⁻¹∇J with H from central differences of the exact gradient, the step capped
at an eighth of the domain; a seed counts when it ends inside the domain with |∇J| tiny and H
positive definite (so saddles and maxima are dropped). A minimum is global when its value is
within 1e-9·(1 + |J|) of the lowest.
"""

from __future__ import annotations

import numpy as np

from surfaces import Minimum, Surface

SEEDS = 24  # per side
ITERATIONS = 60


def _hessians(surface: Surface, p: np.ndarray, h: float) -> np.ndarray:
    """(n, 2, 2) Hessians by central differences of the exact gradient, symmetrised."""
    columns = [(surface.grad(p + h * e) - surface.grad(p - h * e)) / (2 * h) for e in np.eye(2)]
    hess = np.stack(columns, axis=-1)
    return (hess + np.swapaxes(hess, 1, 2)) / 2


def _newton(surface: Surface, p: np.ndarray, size: float) -> np.ndarray:
    h = 1e-5 * size
    for _ in range(ITERATIONS):
        hess, g = _hessians(surface, p, h), surface.grad(p)
        det = hess[:, 0, 0] * hess[:, 1, 1] - hess[:, 0, 1] ** 2
        step = (
            np.stack(
                [
                    hess[:, 1, 1] * g[:, 0] - hess[:, 0, 1] * g[:, 1],
                    hess[:, 0, 0] * g[:, 1] - hess[:, 0, 1] * g[:, 0],
                ],
                axis=-1,
            )
            / det[:, None]
        )
        length = np.linalg.norm(step, axis=-1, keepdims=True)
        step = np.where(length > size / 8, step * (size / 8) / length, step)
        p = np.where(np.isfinite(step), p - step, p)
    return p


def found_minima(surface: Surface, tol: float) -> tuple[Minimum, ...]:
    """Local minima of ``surface`` inside its domain, at least ``tol`` apart (see module)."""
    (x0, x1), (y0, y1) = surface.domain
    size = max(x1 - x0, y1 - y0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, SEEDS), np.linspace(y0, y1, SEEDS))
    seeds = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    known = np.array([(m.x, m.y) for m in surface.minima]).reshape(-1, 2)
    with np.errstate(all="ignore"):
        p = np.concatenate([known, _newton(surface, seeds, size)])
        g = np.linalg.norm(surface.grad(p), axis=-1)
        eig = np.linalg.eigvalsh(np.nan_to_num(_hessians(surface, p, 1e-5 * size)))
        values = surface(p)
    scale = 1e-7 * (1 + np.abs(values))
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    ok = inside & (g <= scale) & (eig[:, 0] > 0) & np.isfinite(values)
    ok[: len(known)] = True
    kept: list[int] = []
    for i in np.flatnonzero(ok):
        if all(np.linalg.norm(p[i] - p[j]) > tol for j in kept):
            kept.append(i)
    lowest = min(values[kept], default=0.0)
    return tuple(
        Minimum(
            float(p[i, 0]),
            float(p[i, 1]),
            float(values[i]),
            bool(values[i] <= lowest + 1e-9 * (1 + abs(lowest))),
        )
        for i in sorted(kept, key=lambda i: values[i])
    )


def basin_minima(surface: Surface, tol: float) -> tuple[Minimum, ...]:
    """The catalog's minima for a catalog surface, else ``found_minima``."""
    if surface.group != "custom" and surface.minima:
        return surface.minima
    return found_minima(surface, tol)
