"""Cached atlas computations for the Atlas page: one bounded cache entry per setting, so a
changed run recomputes that run only, and a redraw (a table, a download) recomputes nothing.

Keys are the small frozen specs of ui.engine (``SurfaceSpec``, ``RunSpec``) and plain numbers;
typed functions go to ``cached``'s own bounded LRU like every other engine call.
"""

from __future__ import annotations

import dataclasses

import numpy as np

import atlas
from ui.engine import RunSpec, SurfaceSpec, cached, get_surface


def setting_of(run: RunSpec) -> atlas.Setting:
    return atlas.Setting(run.optimizer, run.values)


@cached(max_entries=24)
def basins_one(spec: SurfaceSpec, run: RunSpec, resolution: int, steps: int) -> atlas.Basins:
    return atlas.basins(get_surface(spec), [setting_of(run)], resolution=resolution, steps=steps)


@cached(max_entries=24)
def sensitivity_one(
    spec: SurfaceSpec,
    run: RunSpec,
    lr_range: tuple,
    count: int,
    starts: int,
    seed: int,
    steps: int,
    noise: float,
    noise_seeds: int,
) -> atlas.Sensitivity:
    return atlas.sensitivity(
        get_surface(spec),
        [setting_of(run)],
        lr_range=lr_range,
        lr_count=count,
        starts=starts,
        seed=seed,
        steps=steps,
        noise=noise,
        noise_seeds=noise_seeds,
    )


@cached(max_entries=8)
def hyper_map_cached(
    spec: SurfaceSpec, run: RunSpec, x: tuple, y_name: str, y: tuple, start: tuple, steps: int
) -> atlas.HyperMap:
    return atlas.hyper_map(
        get_surface(spec),
        setting_of(run),
        "lr",
        np.array(x),
        y_name,
        np.array(y),
        start=start,
        steps=steps,
    )


def stack(parts: list, settings: tuple):
    """One Basins or Sensitivity of several settings from single-setting results."""
    arrays = {
        f.name: np.concatenate([getattr(p, f.name) for p in parts])
        for f in dataclasses.fields(parts[0])
        if isinstance(getattr(parts[0], f.name), np.ndarray) and f.name not in _SHARED
    }
    return dataclasses.replace(parts[0], settings=settings, **arrays)


_SHARED = {"xs", "ys", "lrs", "starts"}
