"""Equal-budget learning-rate sensitivity: a log grid of α × K seeded random starts × noise
seeds, every cell with the same step budget, every cell a row of one batched loop.

Success: the endpoint lies within ``tol`` of a global minimum. The good range of a setting is
the longest run of consecutive grid values of α whose success rate is at least ``GOOD``; its
width in decades is log10(α_last/α_first) of that run (0 for a single value, nan for none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.basins import default_tol
from atlas.batch import Setting, check_memory, sweep
from atlas.minima import basin_minima
from atlas.tracking import Nothing
from surfaces import Surface

GOOD = 0.9


@dataclass(frozen=True)
class Sensitivity:
    """Per setting (first axis), α (second) and run (third: K starts × seeds): the final
    suboptimality ``gap`` = J − J* (nan when diverged), ``success`` and ``diverged``."""

    lrs: np.ndarray  # (a,)
    starts: np.ndarray  # (K, 2)
    seeds: int
    settings: tuple[Setting, ...]
    best_value: float  # J*
    gap: np.ndarray  # (s, a, K·seeds)
    success: np.ndarray  # (s, a, K·seeds) bool
    diverged: np.ndarray  # (s, a, K·seeds) bool

    def quartiles(self) -> np.ndarray:
        """(3, s, a): 25th, 50th, 75th percentiles of the gap, a diverged run counting as +∞
        (nan where more than the quantile diverged)."""
        gap = np.where(self.diverged, np.inf, self.gap)
        q = np.quantile(gap, [0.25, 0.5, 0.75], axis=2, method="lower")
        return np.where(np.isinf(q), np.nan, q)

    def success_rate(self) -> np.ndarray:
        return self.success.mean(axis=2)

    def good_range(self) -> np.ndarray:
        """(s,) width in decades of the good range (see module)."""
        return np.array([good_range_width(self.lrs, rate) for rate in self.success_rate()])

    def best(self) -> list[tuple[float, float]]:
        """Per setting: (α with the lowest median gap, that median)."""
        medians = self.quartiles()[1]
        picks = [int(np.nanargmin(m)) if np.isfinite(m).any() else 0 for m in medians]
        return [(float(self.lrs[i]), float(m[i])) for i, m in zip(picks, medians, strict=True)]


def good_range_width(lrs, rate) -> float:
    """log10(α_last/α_first) over the longest run of consecutive α with rate ≥ GOOD."""
    best, run_start = None, None
    for i, good in enumerate(np.append(np.asarray(rate) >= GOOD, False)):
        if good and run_start is None:
            run_start = i
        elif not good and run_start is not None:
            if best is None or i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    if best is None:
        return float("nan")
    return float(np.log10(lrs[best[1] - 1] / lrs[best[0]]))


def random_starts(domain, count: int, seed: int) -> np.ndarray:
    """``count`` starts uniform on the domain, from NumPy's PCG64 keyed by ``seed``."""
    (x0, x1), (y0, y1) = domain
    return np.random.default_rng(seed).uniform([x0, y0], [x1, y1], size=(int(count), 2))


def sensitivity(
    surface: Surface,
    settings,
    *,
    lr_range=(1e-4, 1.0),
    lr_count=25,
    starts=64,
    seed=0,
    steps=500,
    noise=0.0,
    noise_seeds=1,
    tol=None,
    progress=None,
):
    """Final gaps of every setting at each of ``lr_count`` log-spaced α in ``lr_range`` from
    ``starts`` random starts (seeded), each repeated for ``noise_seeds`` gradient-noise seeds."""
    settings = tuple(settings)
    lrs = np.geomspace(*lr_range, int(lr_count))
    points = random_starts(surface.domain, starts, seed)
    runs = len(points) * int(noise_seeds)
    check_memory(len(lrs) * runs * len(settings))
    tol = default_tol(surface) if tol is None else float(tol)
    minima = basin_minima(surface, tol)
    best_value = min((m.value for m in minima), default=np.nan)
    targets = np.array([(m.x, m.y) for m in minima if m.is_global]).reshape(-1, 2)
    x0 = np.tile(points, (len(lrs) * int(noise_seeds), 1))
    lr_rows = np.repeat(lrs, runs)
    results = []
    for i, setting in enumerate(settings):
        out = sweep(
            setting,
            surface.grad,
            x0,
            steps,
            lambda n: Nothing(),
            per_row={"lr": lr_rows},
            noise=noise,
            seed=seed,
        )
        diverged = out["diverged_at"] >= 0
        gap = np.where(diverged, np.nan, surface(out["final"]) - best_value)
        near = np.linalg.norm(out["final"][:, None] - targets[None], axis=-1).min(
            axis=1, initial=np.inf
        )
        results.append((gap, ~diverged & (near <= tol), diverged))
        if progress is not None:
            progress(i + 1, len(settings))
    shape = (len(settings), len(lrs), runs)
    gap, success, diverged = (np.stack(r).reshape(shape) for r in zip(*results, strict=True))
    return Sensitivity(lrs, points, int(noise_seeds), settings, best_value, gap, success, diverged)
