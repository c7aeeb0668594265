"""The atlas: many starts × many settings at once, each a row of one batched ``optim.run``
loop with online reductions only (no paths). Streamlit-free, for notebooks too:

>>> import atlas, surfaces
>>> s = surfaces.SURFACES["himmelblau"]
>>> b = atlas.basins(s, [atlas.Setting.of("gd", lr=0.01)], resolution=120, steps=500)
>>> b.shares()                                   # per setting: each minimum, not settled, diverged
>>> r = atlas.sensitivity(s, [atlas.Setting.of("adam")], lr_range=(1e-4, 1), lr_count=25)
>>> r.good_range()                               # decades of α with ≥ 90 % success
>>> m = atlas.hyper_map(s, atlas.Setting.of("sgd"), "lr", lrs, "momentum", betas)
"""

from atlas import theory
from atlas.basins import (
    DIVERGED,
    NOT_SETTLED,
    Basins,
    basins,
    default_tol,
    joined,
    start_grid,
    with_minima,
)
from atlas.batch import MEMORY_LIMIT, Setting, check_memory, memory_estimate, sweep
from atlas.hyper_map import HyperMap, hyper_map
from atlas.minima import CLUSTER_SHARE, basin_minima, found_minima, reached_minima
from atlas.sensitivity import GOOD, Sensitivity, good_range_width, random_starts, sensitivity

__all__ = [
    "CLUSTER_SHARE",
    "DIVERGED",
    "GOOD",
    "MEMORY_LIMIT",
    "NOT_SETTLED",
    "Basins",
    "HyperMap",
    "Sensitivity",
    "Setting",
    "basin_minima",
    "basins",
    "check_memory",
    "default_tol",
    "found_minima",
    "good_range_width",
    "hyper_map",
    "joined",
    "memory_estimate",
    "random_starts",
    "reached_minima",
    "sensitivity",
    "start_grid",
    "sweep",
    "theory",
    "with_minima",
]
