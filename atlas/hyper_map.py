"""Two-hyperparameter maps: one optimizer, a grid over two of its hyperparameters, one start,
a measured convergence figure per cell: steps until J − J* stays within ``tol`` and the rate
(the contraction per step of √(J − J*), see atlas.tracking). Each cell is a row of one loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.basins import default_tol
from atlas.batch import Setting, check_memory, sweep
from atlas.minima import basin_minima
from atlas.tracking import CHECKPOINTS, GapTracker
from surfaces import Surface


@dataclass(frozen=True)
class HyperMap:
    """Per cell (rows: values of ``y_name``, columns: values of ``x_name``): ``steps`` to the
    tolerance (−1 when never within it for good), ``rate``, final ``gap``, ``diverged``."""

    setting: Setting
    x_name: str
    y_name: str
    x_values: np.ndarray
    y_values: np.ndarray
    start: tuple[float, float]
    best_value: float
    steps: np.ndarray
    rate: np.ndarray
    gap: np.ndarray
    diverged: np.ndarray


def hyper_map(
    surface: Surface,
    setting: Setting,
    x_name: str,
    x_values,
    y_name: str,
    y_values,
    *,
    start=None,
    steps=500,
    tol=1e-8,
    progress=None,
):
    """Step ``setting`` from ``start`` (the surface's by default) at every (x, y) pair of the
    two hyperparameters' values; ``tol`` bounds J − J*, J* the lowest minimum known."""
    x_values, y_values = np.asarray(x_values, float), np.asarray(y_values, float)
    rows = x_values.size * y_values.size
    check_memory(rows, extra_per_row=8 * (CHECKPOINTS + 8))
    gx, gy = np.meshgrid(x_values, y_values)
    start = surface.start if start is None else tuple(map(float, start))
    minima = basin_minima(surface, default_tol(surface))
    best = min((m.value for m in minima), default=np.nan)
    x0 = np.tile(np.asarray(start, float), (rows, 1))
    out = sweep(
        setting,
        surface.grad,
        x0,
        steps,
        lambda n: GapTracker(n, surface, best, tol, steps),
        per_row={x_name: gx.ravel(), y_name: gy.ravel()},
    )
    if progress is not None:
        progress(1, 1)
    shape = gx.shape
    diverged = (out["diverged_at"] >= 0).reshape(shape)
    since = out["since"].reshape(shape)
    settled = ~diverged & (since <= steps)
    return HyperMap(
        setting,
        x_name,
        y_name,
        x_values,
        y_values,
        start,
        best,
        np.where(settled, since, -1),
        np.where(diverged, np.nan, out["rate"].reshape(shape)),
        np.where(diverged, np.nan, out["gap"].reshape(shape)),
        diverged,
    )
