"""Basins of attraction: a grid of starts, each stepped with each setting for one budget.

Each start ends in one of four ways: at a minimum (within ``tol`` of it, where it got for good
after ``steps`` steps), not settled (not within ``tol`` of any minimum at the end of the budget),
or diverged (it left the bound; optim.run froze it there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.batch import Setting, check_memory, sweep
from atlas.minima import basin_minima
from atlas.tracking import MinimaTracker
from surfaces import Minimum, Surface

NOT_SETTLED, DIVERGED = -1, -2


@dataclass(frozen=True)
class Basins:
    """Per setting (first axis) and start (grid rows y, columns x): ``label`` the index into
    ``minima`` or NOT_SETTLED / DIVERGED, ``steps`` to the tolerance (−1 unless at a minimum),
    ``final`` the endpoints (…, 2), ``diverged_at`` (−1 never)."""

    xs: np.ndarray  # (nx,)
    ys: np.ndarray  # (ny,)
    settings: tuple[Setting, ...]
    minima: tuple[Minimum, ...]
    tol: float
    steps_budget: int
    label: np.ndarray  # (s, ny, nx) int
    steps: np.ndarray  # (s, ny, nx) int
    final: np.ndarray  # (s, ny, nx, 2)
    diverged_at: np.ndarray  # (s, ny, nx)

    def shares(self) -> np.ndarray:
        """(s, m + 2): share of starts at each minimum, then not settled, then diverged."""
        codes = [*range(len(self.minima)), NOT_SETTLED, DIVERGED]
        flat = self.label.reshape(len(self.settings), -1)
        return np.stack([(flat == c).mean(axis=1) for c in codes], axis=1)


def start_grid(domain, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """``resolution`` starts per side at the centres of equal cells of the domain."""
    (x0, x1), (y0, y1) = domain
    centres = (np.arange(resolution) + 0.5) / resolution
    return x0 + (x1 - x0) * centres, y0 + (y1 - y0) * centres


def default_tol(surface: Surface) -> float:
    """1/1000 of the domain's larger side."""
    (x0, x1), (y0, y1) = surface.domain
    return 1e-3 * max(x1 - x0, y1 - y0)


def basins(surface: Surface, settings, *, resolution=120, steps=500, tol=None, progress=None):
    """Basins of ``settings`` (a list of Setting) from resolution² starts (see ``start_grid``).
    ``progress(done, total)`` is called after each setting."""
    if not 2 <= int(resolution) <= 1000:
        raise ValueError(f"resolution must be between 2 and 1000, got {resolution!r}")
    settings = tuple(settings)
    check_memory(int(resolution) ** 2 * len(settings))
    tol = default_tol(surface) if tol is None else float(tol)
    minima = basin_minima(surface, tol)
    xs, ys = start_grid(surface.domain, int(resolution))
    gx, gy = np.meshgrid(xs, ys)
    x0 = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    centres = np.array([(m.x, m.y) for m in minima]).reshape(-1, 2)
    parts = []
    for i, setting in enumerate(settings):
        parts.append(
            sweep(setting, surface.grad, x0, steps, lambda n: MinimaTracker(n, centres, tol))
        )
        if progress is not None:
            progress(i + 1, len(settings))
    shape = (len(settings), len(ys), len(xs))
    diverged = np.stack([p["diverged_at"] for p in parts]).reshape(shape)
    label = np.stack([p["label"] for p in parts]).reshape(shape).astype(int)
    label = np.where(diverged >= 0, DIVERGED, label)
    since = np.stack([p["since"] for p in parts]).reshape(shape).astype(int)
    return Basins(
        xs,
        ys,
        settings,
        minima,
        tol,
        int(steps),
        label,
        np.where(label >= 0, since, -1),
        np.stack([p["final"] for p in parts]).reshape((*shape, 2)),
        diverged,
    )
