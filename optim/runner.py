"""Step many independent points with one optimizer and record what they do."""

import math
import operator
import os
import struct
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_count

# Points stepped together when the path is not recorded: 4,096 points of 2 coordinates keep
# an optimizer's few state and scratch arrays (64 KiB each) inside the CPU's L2 cache.
BLOCK_POINTS = 4096
# Up to this many entries (points × coordinates) an optimizer with a plain-float rule steps on
# Python floats: a NumPy call costs ~0.5 µs whatever its size, a float operation ~30 ns.
FLOAT_ENTRIES = 16
# Without record, at least this many points per thread make run share them among up to
# THREADS threads (NumPy lets go of the GIL inside each call), in blocks of THREAD_BLOCK_POINTS:
# far larger blocks than alone: every NumPy call hands the GIL over between the threads, which
# costs ~8 µs on this 2-core VM (measured: 2 threads of 20,000-entry calls run slower than 1),
# so fewer and longer calls beat cache-sized ones here.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
THREADS = min(2, CORES or 1)
THREAD_POINTS = 32768
THREAD_BLOCK_POINTS = 65536


class RunResult(NamedTuple):
    path: np.ndarray | None  # (steps+1, n, d) when recorded
    final: np.ndarray  # (n, d)
    values: np.ndarray | None  # (steps+1, n) when recorded and value_fn given
    final_values: np.ndarray | None  # (n,) when value_fn given
    grad_norms: np.ndarray | None  # (steps, n) when recorded: |g| over the last axis
    diverged_at: np.ndarray  # (n,) step (1-based) whose update left the bound; −1 never


def run(
    opt: GradientTransformation,
    grad_fn,
    x0,
    steps: int,
    *,
    value_fn=None,
    record: bool = True,
    bound: float = 1e6,
) -> RunResult:
    """Step the n points of ``x0`` (shape (n, d)) ``steps`` times with ``opt``.

    ``grad_fn`` maps (n, d) points to their (n, d) gradients, ``value_fn`` (optional) to their
    (n,) values. A point whose update makes it non-finite or puts a coordinate beyond
    ``bound`` is frozen at its last good position and marked in ``diverged_at``. NumPy's
    floating-point warnings are silenced inside (a divergence is a result, not an error).
    Without ``record`` only final points are kept, and the points are stepped in cache-sized
    blocks when the optimizer allows it (no per-point hyperparameters, no noise stream).
    Up to ``FLOAT_ENTRIES`` coordinates in all (one trajectory) step on plain Python floats
    when every transform has such a rule (gd, Adam): same numbers, a third of the overhead.
    """
    x0 = _check_points(x0)
    steps = check_count(steps, "steps")
    bound = check(bound, "bound", np.finfo(float).tiny, 1e150)  # bound² must stay finite
    with np.errstate(all="ignore"):
        if record:
            path = np.empty((steps + 1, *x0.shape))
            grads = np.empty((steps, *x0.shape))
            diverged_at = _trajectory(opt, grad_fn, x0, steps, bound, path, grads)
            final = path[-1]
            grad_norms = np.sqrt(np.sum(grads * grads, axis=-1))
            values = None if value_fn is None else _values(value_fn, path)
            final_values = None if values is None else values[-1]
        else:
            path = grad_norms = values = None
            final, diverged_at = _in_blocks(opt, grad_fn, x0, steps, bound)
            final_values = None if value_fn is None else _values(value_fn, final)
    return RunResult(path, final, values, final_values, grad_norms, diverged_at)


def _in_blocks(opt, grad_fn, x0, steps, bound) -> tuple[np.ndarray, np.ndarray]:
    """Final points and divergence steps, stepping blocks of points one after the other when
    the optimizer treats points independently, and for many points on up to ``THREADS``
    threads at once (each its own share of the rows; grad_fn is then called from several
    threads at once, which NumPy functions of their argument allow)."""
    final, diverged_at = x0.copy(), np.empty(len(x0), dtype=int)
    rowwise = getattr(opt.update, "rowwise", False)
    threads = max(1, min(THREADS, len(x0) // THREAD_POINTS)) if rowwise else 1
    block = (BLOCK_POINTS if threads == 1 else THREAD_BLOCK_POINTS) if rowwise else len(x0)
    share = -(-len(x0) // threads)

    def step_share(first):
        with np.errstate(all="ignore"):  # per thread
            end = min(first + share, len(x0))
            for start in range(first, end, block):
                rows = slice(start, min(start + block, end))
                # Column-major: each coordinate of the block lies contiguous in memory, so the
                # p[:, 0], p[:, 1] of a grad_fn are contiguous too (NumPy's SIMD loops need it).
                points = np.asfortranarray(final[rows])
                diverged_at[rows] = _trajectory(opt, grad_fn, points, steps, bound)
                final[rows] = points

    if threads == 1:
        step_share(0)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(step_share, range(0, len(x0), share)))
    return final, diverged_at


def _all_within(flat: np.ndarray, bound: float) -> bool:
    """Every |x| ≤ bound, and no NaN (which fails every comparison). For up to 8,192 numbers one
    dot product answers (Σx² ≤ bound² implies it); OpenBLAS would add threads above 10,000."""
    if flat.size <= 8192:
        return bool(np.dot(flat, flat) <= bound * bound)
    return bool(flat.max() <= bound and flat.min() >= -bound)


def _check_points(x0) -> np.ndarray:
    try:
        x0 = np.array(x0, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be an (n, d) array of numbers, got {x0!r}") from None
    if x0.ndim != 2 or 0 in x0.shape:
        raise ValueError(f"x0 must have shape (n, d) with n, d ≥ 1, got shape {x0.shape}")
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 must be finite")
    return x0


def _values(value_fn, points: np.ndarray) -> np.ndarray:
    """``value_fn`` on points of shape (..., n, d), one call on all of them."""
    flat = points.reshape(-1, points.shape[-1])
    return np.asarray(value_fn(flat), dtype=float).reshape(points.shape[:-1])


def _stepper(opt, x0):
    """``step(g, x, out) -> updates``: the optimizer's kernel writing them into ``out`` (a
    buffer of ours; the kernel only reads g, which may belong to the caller) when it has one,
    else the pure update."""
    kernel = getattr(opt.update, "kernel", None)
    if kernel is not None:
        apply = kernel(x0)
        return lambda g, x, out: apply(np.asarray(g, dtype=float), x, out)
    state = opt.init(x0)

    def step(g, x, out):
        nonlocal state
        # A copy: the state may keep g (momentum's first step), and g may be a view of x,
        # which lives in a buffer of ours that is overwritten later.
        updates, state = opt.update(np.array(g, dtype=float), state, x)
        return updates

    return step


def _trajectory(opt, grad_fn, x, steps, bound, path=None, grads=None) -> np.ndarray:
    """Step ``x`` (n, d); write the final points into ``x`` and, when given, every position
    into ``path`` and every gradient into ``grads``. Returns the divergence steps."""
    floats = getattr(opt.update, "floats", None)
    if floats is not None and opt.update.rowwise and x.size <= FLOAT_ENTRIES:
        return _float_trajectory(floats(x.size), grad_fn, x, steps, bound, path, grads)
    diverged_at = np.full(len(x), -1)
    step = _stepper(opt, x)
    # Positions go straight into the path, or alternate between two buffers of ours.
    if path is not None:
        path[0] = x
        buffers = list(path)
    else:
        buffers = [x, np.empty_like(x)]
    flats = [b.ravel(order="K") for b in buffers]  # views (any layout), for the bound check
    current, left_count = x, 0
    for k in range(1, steps + 1):
        g = grad_fn(current)
        if k == 1:
            _checked_gradient(g, x.shape)
        if grads is not None:
            grads[k - 1] = g
        slot = k if path is not None else k % 2
        new, flat = buffers[slot], flats[slot]
        # The update lands in the buffer of the new positions, then the positions join it in
        # place: one array less for the CPU's caches to hold than a separate update buffer.
        np.add(current, step(g, current, new), out=new)
        if left_count or not _all_within(flat, bound):
            left_count += _freeze(new, current, diverged_at, k, bound)
        current = new
    if current is not x:
        x[...] = current
    return diverged_at


def _float_trajectory(apply, grad_fn, x, steps, bound, path, grads) -> np.ndarray:
    """``_trajectory`` for a few entries with the optimizer's plain-float rule ``apply``: the
    positions live in a list of floats, packed as bytes into the path (or into one of two rows
    of ours) for grad_fn, and checked against the bound by one norm |x| ≤ bound (as
    ``_all_within``; NaN fails it, and an infinite entry makes the norm infinite)."""
    diverged_at = np.full(len(x), -1)
    rows = path if path is not None else np.empty((2, *x.shape))
    rows[0] = x
    slots = len(rows)  # k % slots: every row of the path, or two rows taking turns
    pack, raw = struct.Struct(f"{x.size}d"), memoryview(rows).cast("B")
    pack_into, row_bytes, add, hypot, shape = (
        pack.pack_into,
        pack.size,
        operator.add,
        math.hypot,
        x.shape,
    )
    seen = [] if grads is not None else None
    coords, current, left_count = x.ravel().tolist(), rows[0], 0
    for k in range(1, steps + 1):
        g = grad_fn(current)
        if k == 1 or type(g) is not np.ndarray:  # shape and dtype: as the array path
            g = _checked_gradient(g, shape)
        g = g.ravel().tolist()
        if len(g) != len(coords):
            raise ValueError(f"grad_fn must return shape {shape}, got {len(g)} numbers")
        if seen is not None:
            seen.append(g)
        coords = list(map(add, coords, apply(g, coords)))
        slot = k % slots
        pack_into(raw, slot * row_bytes, *coords)
        new = rows[slot]
        if left_count or not hypot(*coords) <= bound:
            left_count += _freeze(new, current, diverged_at, k, bound)
            coords = new.ravel().tolist()
        current = new
    if seen is not None:
        grads[...] = np.reshape(seen, grads.shape)
    x[...] = current
    return diverged_at


def _checked_gradient(g, shape) -> np.ndarray:
    """``g`` as a float array of ``shape``, or ValueError."""
    if np.shape(g) != shape:
        raise ValueError(f"grad_fn must return shape {shape}, got {np.shape(g)}")
    return np.asarray(g, dtype=float)


def _freeze(new, current, diverged_at, k, bound) -> int:
    """Mark the live points of ``new`` that left the bound as diverged at step ``k``, put every
    diverged point back where it was in ``current``; returns how many left now."""
    alive = diverged_at < 0
    left = alive & ~(np.abs(new).max(axis=-1) <= bound)
    diverged_at[left] = k
    frozen = ~alive | left
    new[frozen] = current[frozen]
    return int(left.sum())
