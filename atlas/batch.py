"""Every start × setting as a row of one batched loop, with online reductions only.

The loop is ``optim.run`` itself (without ``record``): the gradient function it calls once a
step with the current points (x_{k−1} at step k) is where a ``Tracker`` observes them, so the
atlas keeps what it needs (labels, steps to tolerance, rates) and never a path. Rows go to
``run`` in blocks of at most ``BLOCK_ROWS`` (below the size at which ``run`` splits points across
its own threads, so each call sees its rows in order); the blocks run on ``CORES`` threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

import optim
from optim.runner import CORES, SHARE_POINTS

BLOCK_ROWS = SHARE_POINTS
MEMORY_LIMIT = 200 * 2**20  # bytes: the largest atlas must stay below this
# Bytes a row costs while it is stepped (points, two position buffers, gradient, optimizer
# state and the temporaries of a reference update: about 40 float pairs) and once done (its
# results and inputs); bench/atlas.py and tests/test_atlas_engine.py measure both.
ROW_BYTES_STEPPING = 640
ROW_BYTES_KEPT = 96
BOUND = 1e6  # a coordinate beyond this counts as diverged (optim.run's bound)


@dataclass(frozen=True)
class Setting:
    """One optimizer of ``optim.OPTIMIZERS`` with flat hyperparameter values."""

    optimizer: str
    values: tuple[tuple[str, float | bool], ...] = ()

    @classmethod
    def of(cls, optimizer: str, **values) -> Setting:
        return cls(optimizer, tuple(values.items()))

    @property
    def label(self) -> str:
        return optim.OPTIMIZERS[self.optimizer].label


class Tracker:
    """Online reductions over the rows of one block: ``observe(k, points)`` sees x_k for
    k = 0 … steps; ``results()`` returns a dict of (rows,) arrays."""

    def observe(self, k: int, points: np.ndarray) -> None:  # pragma: no cover - interface
        pass

    def results(self) -> dict[str, np.ndarray]:
        return {}


def memory_estimate(rows: int, extra_per_row: int = 0) -> int:
    """Peak bytes of a sweep of ``rows`` rows: the rows in flight plus every row's results."""
    in_flight = min(rows, CORES * BLOCK_ROWS) * ROW_BYTES_STEPPING
    return in_flight + rows * (ROW_BYTES_KEPT + extra_per_row)


def check_memory(rows: int, extra_per_row: int = 0) -> None:
    """ValueError naming the limit when ``rows`` rows would need more than MEMORY_LIMIT."""
    need = memory_estimate(rows, extra_per_row)
    if need > MEMORY_LIMIT:
        raise ValueError(
            f"these settings need {rows:,} runs, about {need / 2**20:,.0f} MB, over the atlas "
            f"memory limit of {MEMORY_LIMIT / 2**20:.0f} MB: use fewer starts, values or seeds"
        )


def _blocks(rows: int) -> list[slice]:
    """Equal blocks of at most BLOCK_ROWS rows, a multiple of CORES of them when there are
    more rows than one block holds (so the threads finish together)."""
    count = -(-rows // BLOCK_ROWS)
    if count > 1:
        count = -(-count // CORES) * CORES
    size = -(-rows // count)
    return [slice(i, min(i + size, rows)) for i in range(0, rows, size)]


def sweep(
    setting: Setting, grad_fn, x0, steps, tracker, *, per_row=None, noise=0.0, seed=0, hvp_fn=None
):
    """Step the rows ``x0`` (n, 2) ``steps`` times with ``setting``, whose hyperparameters in
    ``per_row`` (name -> (n,) array) take one value per row. ``tracker(rows) -> Tracker`` makes
    the reductions of one block. Returns a dict: ``final`` (n, 2), ``diverged_at`` (n,) (−1
    never) and the trackers' results; with ``noise`` σ > 0 every gradient gets σ·ξ added
    (``optim.add_noise``, one stream per block keyed by ``seed`` and the block's index).

    An optimizer that asks for extras (SAM, Sophia) gets ``grad_fn`` itself (not the observed
    one: its probes are not steps; with noise, the k-th step's ξ added, ``optim.through``),
    ``hvp_fn`` and the Hessian diagonal, by default the surface's exact ``hvp`` and
    ``hessian_diagonal`` when ``grad_fn`` is a surface's ``grad``."""
    x0 = np.asarray(x0, dtype=float)
    surface = getattr(grad_fn, "__self__", None)
    if hvp_fn is None:
        hvp_fn = getattr(surface, "hvp", None)
    hessian_diagonal_fn = getattr(surface, "hessian_diagonal", None)
    per_row = {k: np.asarray(v, dtype=float) for k, v in (per_row or {}).items()}
    blocks = _blocks(len(x0))
    spec = optim.OPTIMIZERS[setting.optimizer]

    def block_run(index_rows):
        index, rows = index_rows
        values = dict(setting.values) | {k: v[rows, None] for k, v in per_row.items()}
        opt, asked_grad_fn = spec.build(**values), grad_fn
        if noise:  # pure: the steps' chain and the asked-for gradient each keep its state
            noisy = optim.add_noise(noise, seed * 1_000_003 + index)
            opt, asked_grad_fn = optim.chain(noisy, opt), optim.through(noisy, grad_fn)
        track = tracker(rows.stop - rows.start)
        counter = iter(range(steps))

        def observed_grad(points):
            track.observe(next(counter), points)
            return grad_fn(points)

        result = optim.run(
            opt,
            observed_grad,
            x0[rows],
            steps,
            record=False,
            bound=BOUND,
            hvp_fn=hvp_fn,
            hessian_diagonal_fn=hessian_diagonal_fn,
            asked_grad_fn=asked_grad_fn,
        )
        track.observe(steps, result.final)
        return {"final": result.final, "diverged_at": result.diverged_at, **track.results()}

    threads = max(1, min(CORES, len(blocks)))
    if threads == 1:
        parts = [block_run(b) for b in enumerate(blocks)]
    else:
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(block_run, enumerate(blocks)))
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
