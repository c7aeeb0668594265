"""The minima a basin map colours by: a catalog surface's own; for a typed function (whose
only known minimum is the estimated global one) every local minimum that Newton's method
finds from a grid of seeds, merged when closer than the tolerance, and then every minimum
the runs themselves reached that the seeds missed (``reached_minima``).

Newton: x ← x − H⁻¹∇J with H from central differences of the exact gradient, the step capped
at an eighth of the domain; a point counts when it ends with |∇J| ≤ 1e-7·(1 + |J|) and H
positive definite (so saddles and maxima are dropped). A minimum is global when its value is
within 1e-9·(1 + |J|) of the lowest.

Reached minima: the endpoints of runs that settled at no known minimum are clustered, greedily
and densest first: every endpoint within ``CLUSTER_SHARE`` (1 %) of the domain's diagonal of
a cluster's seed joins it. Each cluster's mean is polished by Newton and kept when it is a
minimum within that radius of the mean, farther than the tolerance from the known ones.
"""

from __future__ import annotations

import math

import numpy as np

from surfaces import Minimum, Surface

SEEDS = 24  # per side
ITERATIONS = 60
CLUSTER_SHARE = 0.01  # the clustering radius as a share of the domain's diagonal
MAX_CLUSTERS = 64  # densest first: scattered endpoints (runs still moving) stop here


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


def _size(surface: Surface) -> float:
    (x0, x1), (y0, y1) = surface.domain
    return max(x1 - x0, y1 - y0)


def _polished(surface: Surface, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton from ``points``: (where it ended, J there, whether that is a minimum)."""
    size = _size(surface)
    with np.errstate(all="ignore"):
        p = _newton(surface, np.asarray(points, float).reshape(-1, 2), size)
        g = np.linalg.norm(surface.grad(p), axis=-1)
        eig = np.linalg.eigvalsh(np.nan_to_num(_hessians(surface, p, 1e-5 * size)))
        values = surface(p)
    ok = (g <= 1e-7 * (1 + np.abs(values))) & (eig[:, 0] > 0) & np.isfinite(values)
    return p, values, ok


def _apart(points: np.ndarray, candidates, tol: float, taken=()) -> list[int]:
    """Greedily, the candidates farther than ``tol`` from ``taken`` and from each other."""
    kept: list[int] = []
    for i in candidates:
        others = [*taken, *(points[j] for j in kept)]
        if all(np.linalg.norm(points[i] - q) > tol for q in others):
            kept.append(int(i))
    return kept


def ranked(minima) -> tuple[Minimum, ...]:
    """``minima`` sorted by value, each global when within 1e-9·(1 + |J|) of the lowest."""
    minima = sorted(minima, key=lambda m: m.value)
    lowest = minima[0].value if minima else 0.0
    return tuple(
        Minimum(m.x, m.y, m.value, bool(m.value <= lowest + 1e-9 * (1 + abs(lowest))))
        for m in minima
    )


def found_minima(surface: Surface, tol: float) -> tuple[Minimum, ...]:
    """Local minima of ``surface`` inside its domain, at least ``tol`` apart (see module)."""
    (x0, x1), (y0, y1) = surface.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, SEEDS), np.linspace(y0, y1, SEEDS))
    known = [Minimum(m.x, m.y, float(surface(np.array([m.x, m.y])))) for m in surface.minima]
    p, values, ok = _polished(surface, np.stack([gx.ravel(), gy.ravel()], axis=-1))
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    taken = [(m.x, m.y) for m in known]
    kept = _apart(p, np.flatnonzero(ok & inside), tol, taken)
    return ranked(known + [Minimum(float(p[i, 0]), float(p[i, 1]), float(values[i])) for i in kept])


def cluster_radius(surface: Surface) -> float:
    """CLUSTER_SHARE of the domain's diagonal."""
    (x0, x1), (y0, y1) = surface.domain
    return CLUSTER_SHARE * math.hypot(x1 - x0, y1 - y0)


def endpoint_clusters(points, radius: float) -> np.ndarray:
    """(k, 2) cluster means of the finite ``points``: the densest cell of a grid of side
    ``radius`` seeds a cluster of every cell whose mean lies within ``radius`` of its own,
    then the densest cell left, and so on (at most MAX_CLUSTERS)."""
    points = np.asarray(points, float).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return np.empty((0, 2))
    cells, inverse, counts = np.unique(
        np.floor(points / radius).astype(np.int64), axis=0, return_inverse=True, return_counts=True
    )
    sums = np.zeros((len(cells), 2))
    np.add.at(sums, inverse.ravel(), points)
    means, left, centres = sums / counts[:, None], np.ones(len(cells), bool), []
    while left.any() and len(centres) < MAX_CLUSTERS:
        seed = int(np.argmax(np.where(left, counts, -1)))
        near = left & (np.linalg.norm(means - means[seed], axis=1) <= radius)
        centres.append(sums[near].sum(axis=0) / counts[near].sum())
        left &= ~near
    return np.array(centres)


def reached_minima(surface: Surface, endpoints, known, tol: float, radius: float):
    """Minima the runs ended at that ``known`` (Minimum list) lacks: see the module."""
    centres = endpoint_clusters(endpoints, radius)
    if not len(centres):
        return ()
    p, values, ok = _polished(surface, centres)
    ok &= np.linalg.norm(p - centres, axis=1) <= radius
    kept = _apart(p, np.flatnonzero(ok), tol, [(m.x, m.y) for m in known])
    return tuple(Minimum(float(p[i, 0]), float(p[i, 1]), float(values[i])) for i in kept)


def uses_catalog_minima(surface: Surface) -> bool:
    return surface.group != "custom" and bool(surface.minima)


def basin_minima(surface: Surface, tol: float) -> tuple[Minimum, ...]:
    """The catalog's minima for a catalog surface, else ``found_minima``."""
    if uses_catalog_minima(surface):
        return surface.minima
    return found_minima(surface, tol)
