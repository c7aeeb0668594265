"""Basins of attraction: a grid of starts, each stepped with each setting for one budget.

Each start ends in one of four ways: at a minimum (within ``tol`` of it, where it got for good
after ``steps`` steps), not settled (not within ``tol`` of any minimum at the end of the budget),
or diverged (it left the bound; optim.run froze it there). For a typed function the minima
are those Newton finds from seeds plus those the runs reached (atlas.minima), so a minimum the
seeds missed still gets its own label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from atlas.batch import Setting, check_memory, sweep
from atlas.minima import basin_minima, cluster_radius, ranked, reached_minima, uses_catalog_minima
from atlas.tracking import MinimaTracker
from surfaces import Minimum, Surface

NOT_SETTLED, DIVERGED = -1, -2


@dataclass(frozen=True)
class Basins:
    """Per setting (first axis) and start (grid rows y, columns x): ``label`` the index into
    ``minima`` or NOT_SETTLED / DIVERGED, ``steps`` to the tolerance (−1 unless at a minimum),
    ``final`` the endpoints (…, 2), ``diverged_at`` (−1 never); ``cluster_radius`` the radius
    within which endpoints were clustered into minima (nan: the catalog's minima)."""

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
    cluster_radius: float = math.nan

    def shares(self) -> np.ndarray:
        """(s, m + 2): share of starts at each minimum, then not settled, then diverged."""
        codes = [*range(len(self.minima)), NOT_SETTLED, DIVERGED]
        flat = self.label.reshape(len(self.settings), -1)
        return np.stack([(flat == c).mean(axis=1) for c in codes], axis=1)

    def starts(self) -> np.ndarray:
        """(ny·nx, 2) the start points, row by row (the order of the flattened grids)."""
        gx, gy = np.meshgrid(self.xs, self.ys)
        return np.stack([gx.ravel(), gy.ravel()], axis=-1)


def start_grid(domain, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """``resolution`` starts per side at the centres of equal cells of the domain."""
    (x0, x1), (y0, y1) = domain
    centres = (np.arange(resolution) + 0.5) / resolution
    return x0 + (x1 - x0) * centres, y0 + (y1 - y0) * centres


def default_tol(surface: Surface) -> float:
    """1/1000 of the domain's larger side."""
    (x0, x1), (y0, y1) = surface.domain
    return 1e-3 * max(x1 - x0, y1 - y0)


def _centres(minima) -> np.ndarray:
    return np.array([(m.x, m.y) for m in minima]).reshape(-1, 2)


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
    parts = []
    for i, setting in enumerate(settings):
        tracker = lambda n: MinimaTracker(n, _centres(minima), tol)  # noqa: E731
        parts.append(sweep(setting, surface.grad, x0, steps, tracker))
        if progress is not None:
            progress(i + 1, len(settings))
    shape = (len(settings), len(ys), len(xs))
    diverged = np.stack([p["diverged_at"] for p in parts]).reshape(shape)
    label = np.stack([p["label"] for p in parts]).reshape(shape).astype(int)
    label = np.where(diverged >= 0, DIVERGED, label)
    since = np.stack([p["since"] for p in parts]).reshape(shape).astype(int)
    result = Basins(
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
    return result if uses_catalog_minima(surface) else with_reached_minima(result, surface)


def with_reached_minima(result: Basins, surface: Surface) -> Basins:
    """``result`` with the minima its not-settled runs reached added (atlas.minima)."""
    radius = cluster_radius(surface)
    ends = result.final[result.label == NOT_SETTLED]
    extra = reached_minima(surface, ends, result.minima, result.tol, radius)
    relabelled = with_minima(result, surface, ranked((*result.minima, *extra)))
    return replace(relabelled, cluster_radius=radius)


def with_minima(result: Basins, surface: Surface, minima) -> Basins:
    """``result`` against ``minima``, which hold its own (within ``tol``) and maybe more.
    Runs that ended not settled within ``tol`` of a new one are run again against them all:
    rows are independent, so each gives again the numbers it gave, now with its steps."""
    old, new = _centres(result.minima), _centres(minima)
    if not len(new):
        return result
    to_new = np.array([np.argmin(np.linalg.norm(new - c, axis=1)) for c in old], dtype=int)
    label = np.where(result.label >= 0, to_new[np.maximum(result.label, 0)], result.label)
    steps = result.steps.copy()
    fresh = np.ones(len(new), bool)
    fresh[to_new] = False
    near = np.linalg.norm(result.final[..., None, :] - new[fresh], axis=-1) <= result.tol
    again = (result.label == NOT_SETTLED) & near.any(axis=-1)
    starts = result.starts()
    for s, setting in enumerate(result.settings):
        rows = np.flatnonzero(again[s].ravel())
        if rows.size:
            tracker = lambda n: MinimaTracker(n, new, result.tol)  # noqa: E731
            out = sweep(setting, surface.grad, starts[rows], result.steps_budget, tracker)
            same = np.all(out["final"] == result.final[s].reshape(-1, 2)[rows], axis=1)
            rows = rows[same]  # only runs that gave again what they gave (all, unless random)
            label[s].flat[rows] = out["label"][same]
            steps[s].flat[rows] = np.where(out["label"][same] >= 0, out["since"][same], -1)
    return replace(result, minima=tuple(minima), label=label, steps=steps)


def joined(surface: Surface, parts) -> Basins:
    """One Basins of the settings of ``parts`` (same grid, budget and tolerance), each
    relabelled against the union of their minima (see ``with_minima``)."""
    union = list(parts[0].minima)
    for part in parts[1:]:
        for m in part.minima:
            if all(math.hypot(m.x - u.x, m.y - u.y) > part.tol for u in union):
                union.append(m)
    union = ranked(union) if not uses_catalog_minima(surface) else tuple(union)
    parts = [with_minima(p, surface, union) for p in parts]
    stacked = {
        name: np.concatenate([getattr(p, name) for p in parts])
        for name in ("label", "steps", "final", "diverged_at")
    }
    settings = tuple(s for p in parts for s in p.settings)
    return replace(parts[0], settings=settings, **stacked)
