"""Numerical minimum of a surface on its domain: grid search, then local refinement.

Refinement uses the exact gradient: line searches along Newton's direction (Hessian from
central differences of the gradient) where the surface is locally convex, along the steepest
descent direction elsewhere, projected onto the domain. No scipy.
"""

from __future__ import annotations

import numpy as np

from surfaces.surface import Minimum, Point, Surface

RESOLUTION = 161  # grid points per axis
CANDIDATES = 8  # lowest grid points refined in parallel
ITERATIONS = 60
FACTORS = 2.0 ** -np.arange(0, 48)  # step fractions tried along each search direction


def _grid(domain, n: int) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.stack([gx, gy], axis=-1).reshape(-1, 2)


def _clip(points: np.ndarray, domain) -> np.ndarray:
    low, high = np.array(domain).T
    return np.clip(points, low, high)


def _newton_or_gradient(surface: Surface, points: np.ndarray, h: float, size: float):
    """Newton's direction where the Hessian is positive definite, else -∇J scaled to `size`.

    The Hessian comes from central differences of the exact gradient, all in one call.
    """
    shifts = h * np.array([[1, 0], [-1, 0], [0, 1], [0, -1]])
    plus_x, minus_x, plus_y, minus_y = surface.grad(points[None] + shifts[:, None])
    a = (plus_x[:, 0] - minus_x[:, 0]) / (2 * h)  # Hessian [[a, b], [b, c]]
    c = (plus_y[:, 1] - minus_y[:, 1]) / (2 * h)
    b = (plus_x[:, 1] - minus_x[:, 1] + plus_y[:, 0] - minus_y[:, 0]) / (4 * h)
    g = surface.grad(points)
    det = a * c - b * b
    newton = (
        np.stack([b * g[:, 1] - c * g[:, 0], b * g[:, 0] - a * g[:, 1]], axis=-1) / det[:, None]
    )
    steepest = -g * (size / np.linalg.norm(g, axis=-1, keepdims=True))
    convex = (a > 0) & (det > 0) & np.isfinite(newton).all(axis=-1)
    return np.where(convex[:, None], newton, steepest)


def _refine(surface: Surface, points, values, h: float, size: float):
    """Line searches along Newton (or steepest-descent) directions, projected onto the domain.

    Every step fraction in FACTORS is tried at once and the lowest point is kept, so each
    iteration costs two gradient calls and one value call, whatever the number of points.
    """
    for _ in range(ITERATIONS):
        direction = _newton_or_gradient(surface, points, h, size)
        trials = _clip(points[:, None] + FACTORS[:, None] * direction[:, None], surface.domain)
        trial_values = surface(trials)
        best = np.argmin(np.where(np.isnan(trial_values), np.inf, trial_values), axis=1)
        rows = np.arange(len(points))
        better = trial_values[rows, best] < values
        if not better.any():
            break
        points = np.where(better[:, None], trials[rows, best], points)
        values = np.where(better, trial_values[rows, best], values)
    return points, values


def estimate_minimum(surface: Surface) -> Minimum | None:
    """The lowest point found on `surface.domain` (None if J is undefined on the whole grid)."""
    grid = _grid(surface.domain, RESOLUTION)
    values = surface(grid)
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size == 0:
        return None
    lowest = finite[np.argsort(values[finite])[:CANDIDATES]]
    (x0, x1), (y0, y1) = surface.domain
    size = max(x1 - x0, y1 - y0)
    with np.errstate(all="ignore"):  # huge or undefined values are simply not chosen
        points, values = _refine(surface, grid[lowest], values[lowest], 1e-6 * size, size / 4)
    best = int(np.argmin(values))
    x, y = points[best]
    return Minimum(float(x), float(y), float(values[best]), is_global=True)


def pick_start(surface: Surface, minimum: Minimum | None) -> Point:
    """Of four points a fifth in from each corner, the defined one farthest from the minimum."""
    (x0, x1), (y0, y1) = surface.domain
    fractions = np.array([(0.2, 0.8), (0.8, 0.8), (0.2, 0.2), (0.8, 0.2)])
    candidates = np.array([x0, y0]) + fractions * np.array([x1 - x0, y1 - y0])
    target = np.zeros(2) if minimum is None else np.array([minimum.x, minimum.y])
    distance = np.linalg.norm(candidates - target, axis=-1)
    distance[~np.isfinite(surface(candidates))] = -np.inf
    x, y = candidates[int(np.argmax(distance))]
    return float(x), float(y)
