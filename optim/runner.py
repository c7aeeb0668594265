"""Step many independent points with one optimizer and record what they do."""

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_count, extras
from optim.curvature import hessian_diagonal

# Without record, an optimizer's fused form steps a share of the points on a thread of its own
# for each CPU core run may use (NumPy lets go of the GIL inside each call; the hyperparameters of
# a fused form are shared by all points, so the shares are independent). A share has at least
# SHARE_POINTS points: below that, NumPy's calls are too short for handing the GIL over to pay.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
SHARE_POINTS = 16384


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
    hvp_fn=None,
    hessian_diagonal_fn=None,
    asked_grad_fn=None,
) -> RunResult:
    """Step the n points of ``x0`` (shape (n, d)) ``steps`` times with ``opt``.

    ``grad_fn`` maps (n, d) points to their (n, d) gradients, ``value_fn`` (optional) to their
    (n,) values. A point whose update makes it non-finite or puts a coordinate beyond
    ``bound`` is frozen at its last good position and marked in ``diverged_at``. NumPy's
    floating-point warnings are silenced inside (a divergence is a result, not an error).
    Without ``record`` only final points are kept. An optimizer's fused form (optim.fused),
    where it has one, steps the points instead of its ``update`` (the same numbers), and
    without ``record`` on up to ``CORES`` threads (see ``SHARE_POINTS``).

    An optimizer that asks for extras (optim.base) gets ``grad_fn`` (or ``asked_grad_fn``, where
    the caller's grad_fn does more than compute: the Atlas's observes the points of each step),
    ``hvp_fn(points, v) -> H·v`` (shapes (n, d)) and ``hessian_diagonal_fn(points)`` (by
    default d products of hvp_fn); ValueError when it asks for one that was not given. Its
    ``update`` then steps the points (no fused form, one thread).
    """
    supplied = _supplied(opt, asked_grad_fn or grad_fn, hvp_fn, hessian_diagonal_fn)
    x0 = _check_points(x0)
    steps = check_count(steps, "steps")
    bound = check(bound, "bound", np.finfo(float).tiny, 1e150)  # bound² must stay finite
    with np.errstate(all="ignore"):
        if record:
            path = np.empty((steps + 1, *x0.shape))
            grads = np.empty((steps, *x0.shape))
            stepper = _stepper(opt, x0, supplied)
            diverged_at = _trajectory(stepper, grad_fn, x0, steps, bound, path, grads)
            final = path[-1]
            grad_norms = np.sqrt(np.sum(grads * grads, axis=-1))
            values = None if value_fn is None else _values(value_fn, path)
            final_values = None if values is None else values[-1]
        else:
            path = grad_norms = values = None
            final, diverged_at = _final_points(opt, grad_fn, x0, steps, bound, supplied)
            final_values = None if value_fn is None else _values(value_fn, final)
    return RunResult(path, final, values, final_values, grad_norms, diverged_at)


def _supplied(opt, grad_fn, hvp_fn, hessian_diagonal_fn) -> dict:
    """The extras ``opt`` asks for (optim.base.extras); the Hessian diagonal from one product of
    ``hvp_fn`` per coordinate when only that is given."""
    if hessian_diagonal_fn is None and hvp_fn is not None:

        def hessian_diagonal_fn(points):
            return hessian_diagonal(hvp_fn, points)

    available = {"grad_fn": grad_fn, "hvp_fn": hvp_fn, "hessian_diagonal_fn": hessian_diagonal_fn}
    return extras(opt, **available)


def _final_points(opt, grad_fn, x0, steps, bound, supplied) -> tuple[np.ndarray, np.ndarray]:
    """Final points and divergence steps: all points at once, or with a fused form one share of
    them per thread (grad_fn is then called from several threads at once, which NumPy
    functions of their argument allow)."""
    final, diverged_at = x0.copy(), np.empty(len(x0), dtype=int)
    fused = getattr(opt, "fused", None) is not None and not supplied
    threads = max(1, min(CORES, len(x0) // SHARE_POINTS)) if fused else 1
    size = -(-len(x0) // threads)

    def step_share(start):
        rows = slice(start, start + size)
        with np.errstate(all="ignore"):  # per thread
            # Column-major: each coordinate of the share lies contiguous in memory, so the
            # p[:, 0], p[:, 1] of a grad_fn are contiguous too (NumPy's SIMD loops need it).
            points = np.asfortranarray(final[rows])
            stepper = _stepper(opt, points, supplied)
            diverged_at[rows] = _trajectory(stepper, grad_fn, points, steps, bound)
            final[rows] = points

    if threads == 1:
        step_share(0)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(step_share, range(0, len(x0), size)))
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


def _stepper(opt, x0, supplied):
    """``step(g, x, out) -> updates``: the optimizer's fused form writing them into ``out`` (a
    buffer of ours; it only reads g, which may belong to the caller) when it has one and asks
    for no extras, else its ``update`` with the state kept here and the ``supplied`` extras."""
    fused = getattr(opt, "fused", None)
    if fused is not None and not supplied:
        apply = fused(x0)
        return lambda g, x, out: apply(np.asarray(g, dtype=float), x, out)
    state = opt.init(x0)

    def step(g, x, out):
        nonlocal state
        # A copy: the state may keep g (momentum's first step), and g may be a view of x,
        # which lives in a buffer of ours that is overwritten later.
        updates, state = opt.update(np.array(g, dtype=float), state, x, **supplied)
        return updates

    return step


def _trajectory(step, grad_fn, x, steps, bound, path=None, grads=None) -> np.ndarray:
    """Step ``x`` (n, d) with ``step`` (see _stepper); write the final points into ``x`` and,
    when given, every position into ``path`` and every gradient into ``grads``. Returns the
    divergence steps."""
    diverged_at = np.full(len(x), -1)
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
        if np.shape(g) != x.shape:  # every step: a wrong shape could broadcast silently
            raise ValueError(f"grad_fn must return shape {x.shape}, got {np.shape(g)}")
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


def _freeze(new, current, diverged_at, k, bound) -> int:
    """Mark the live points of ``new`` that left the bound as diverged at step ``k``, put every
    diverged point back where it was in ``current``; returns how many left now."""
    alive = diverged_at < 0
    left = alive & ~(np.abs(new).max(axis=-1) <= bound)
    diverged_at[left] = k
    frozen = ~alive | left
    new[frozen] = current[frozen]
    return int(left.sum())
