"""Numerical minimum of a surface on its domain: grid search, then local refinement.

Refinement uses the exact gradient: normalized gradient steps whose length grows by 1.5 on
success and halves on failure (a simple trust region), projected onto the domain, then a few
Newton steps with the Hessian from central differences of the gradient to reach full precision.
"""

from __future__ import annotations

import numpy as np

from surfaces.surface import Minimum, Point, Surface

RESOLUTION = 161  # grid points per axis
CANDIDATES = 8  # lowest grid points refined in parallel
DESCENT_STEPS = 600
NEWTON_STEPS = 8


def _grid(domain, n: int) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.stack([gx, gy], axis=-1).reshape(-1, 2)


def _clip(points: np.ndarray, domain) -> np.ndarray:
    low, high = np.array(domain).T
    return np.clip(points, low, high)


def _descend(surface: Surface, points, values, step):
    """Normalized gradient steps with an adaptive length; keeps only improvements."""
    for _ in range(DESCENT_STEPS):
        g = surface.grad(points)
        norm = np.linalg.norm(g, axis=-1, keepdims=True)
        usable = np.isfinite(norm) & (norm > 0)
        direction = np.where(usable, g / np.where(usable, norm, 1.0), 0.0)
        trial = _clip(points - step * direction, surface.domain)
        trial_values = surface(trial)
        better = usable[:, 0] & (trial_values < values)
        points = np.where(better[:, None], trial, points)
        values = np.where(better, trial_values, values)
        step = np.where(better[:, None], step * 1.5, step * 0.5)
        if np.all(step < 1e-13):
            break
    return points, values


def _hessian(surface: Surface, points, h: float) -> np.ndarray:
    """(n, 2, 2) by central differences of the exact gradient, symmetrized."""
    columns = [
        (surface.grad(points + h * e) - surface.grad(points - h * e)) / (2 * h) for e in np.eye(2)
    ]
    hessian = np.stack(columns, axis=-1)
    return (hessian + np.swapaxes(hessian, -1, -2)) / 2


def _polish(surface: Surface, points, values, h: float):
    """Newton steps, projected onto the domain, each kept only where it does not go uphill."""
    for _ in range(NEWTON_STEPS):
        hessian = _hessian(surface, points, h)
        g = surface.grad(points)
        with np.errstate(all="ignore"):
            det = hessian[:, 0, 0] * hessian[:, 1, 1] - hessian[:, 0, 1] ** 2
            dx = (hessian[:, 1, 1] * g[:, 0] - hessian[:, 0, 1] * g[:, 1]) / det
            dy = (hessian[:, 0, 0] * g[:, 1] - hessian[:, 0, 1] * g[:, 0]) / det
        trial = _clip(points - np.stack([dx, dy], axis=-1), surface.domain)
        trial_values = surface(trial)
        better = trial_values <= values
        points = np.where(better[:, None], trial, points)
        values = np.where(better, trial_values, values)
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
    cell = min(x1 - x0, y1 - y0) / (RESOLUTION - 1)
    step = np.full((lowest.size, 1), cell)
    points, values = _descend(surface, grid[lowest], values[lowest], step)
    points, values = _polish(surface, points, values, h=1e-6 * cell)
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
