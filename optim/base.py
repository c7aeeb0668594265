"""The transformation protocol, composition, and hyperparameter checking.

An optimizer is a pair of pure functions over float arrays of any shape (Optax's design):
``state = opt.init(params)`` and ``updates, state = opt.update(grads, state, params)``;
the caller applies ``params + updates``. Hyperparameters are floats, arrays that broadcast
against the params (one value per point, say), or for learning rates a schedule ``step -> value``.
"""

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

State = Any
Hyper = float | np.ndarray
Schedule = Callable[[int], Hyper]


class GradientTransformation(NamedTuple):
    """``init(params) -> state`` and ``update(grads, state, params) -> (updates, state)``."""

    init: Callable[[np.ndarray], State]
    update: Callable[[np.ndarray, State, np.ndarray | None], tuple[np.ndarray, State]]


class EmptyState(NamedTuple):
    """State of a transformation that remembers nothing."""


def transformation(
    init, update, *hypers, rowwise=True, kernel=None, floats=None, folds=False
) -> GradientTransformation:
    """Wrap ``init``/``update`` with four hints for ``run``'s fast paths.

    ``update.rowwise``: run may step blocks of points separately. That is safe when the update
    treats each row of params on its own and every hyperparameter is shared by all points (a
    float, a bool, or a schedule of ours built from floats).

    ``update.kernel``: the same rule for ``run``'s inner loop, ``kernel(params) -> apply``
    where ``apply(g, params, out)`` returns the update, written into the buffer ``out`` (which
    may be g itself, and may serve as scratch once g is read) or a new array, never into g
    otherwise; it keeps its state in buffers it allocated once. Stateful, so only ``run``
    uses it; the tests check that it agrees with ``update`` bit for bit, or to rounding where
    it rearranges the arithmetic (Adam's).

    ``update.floats``: the same rule once more on plain Python floats, for a handful of
    entries (one trajectory), where NumPy's cost per call outweighs the arithmetic:
    ``floats(size) -> apply(g, params) -> updates``, each a list of the ``size`` flattened
    entries. Python floats round as NumPy's float64 does, so it agrees exactly too. Only
    used when rowwise.

    ``update.folds``: ``floats`` also takes ``factor=k -> f`` and multiplies the output of
    its k-th update (from 0) by f, as f·u: ``chain`` folds a last learning-rate step into it.
    """
    update.rowwise = rowwise and all(is_shared(h) for h in hypers)
    update.kernel = kernel
    update.floats = floats
    update.folds = folds
    return GradientTransformation(init, update)


def is_shared(hyper) -> bool:
    """True when ``hyper`` is the same for every point (so blocks of points may be split)."""
    if callable(hyper):
        return getattr(hyper, "rowwise", False)
    return hyper is None or isinstance(hyper, bool | int | float | str)


def stateless(fn: Callable[[np.ndarray, np.ndarray | None], np.ndarray], *hypers, kernel=None):
    """A transformation without state from ``fn(updates, params) -> updates`` (which is its
    own kernel unless an in-place one is given)."""

    def update(updates, state, params=None):
        return fn(updates, params), state

    kernel = kernel or (lambda params: lambda g, params, out: fn(g, params))
    return transformation(lambda params: EmptyState(), update, *hypers, kernel=kernel)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` one after the other; the state is the tuple of their states."""

    def init(params):
        return tuple(t.init(params) for t in transforms)

    def update(updates, state, params=None):
        new_state = []
        for t, s in zip(transforms, state, strict=True):
            updates, s = t.update(updates, s, params)
            new_state.append(s)
        return updates, tuple(new_state)

    def kernel(params):
        steps = [t.update.kernel(params) for t in transforms]

        def apply(g, params, out):
            for step in steps:
                g = step(g, params, out)
            return g

        return apply

    # On plain floats a last descent step −α·u folds into the rule before it when that one can
    # scale its own output (``update.folds``): a third of Adam's overhead per step.
    lr = getattr(transforms[-1].update, "descent", None) if transforms else None
    folds = lr is not None and len(transforms) > 1 and getattr(transforms[-2].update, "folds", 0)

    def floats(size):
        if folds:  # the rules before the last two, then the last but one with the step in it
            steps = [t.update.floats(size) for t in transforms[:-2]]
            steps.append(transforms[-2].update.floats(size, factor=lambda k: -value_at(lr, k)))
        else:
            steps = [t.update.floats(size) for t in transforms]

        def apply(g, params):
            for step in steps:
                g = step(g, params)
            return g

        return apply

    update.rowwise = all(getattr(t.update, "rowwise", False) for t in transforms)
    fast = all(getattr(t.update, "kernel", None) for t in transforms)
    update.kernel = kernel if fast else None
    update.floats = floats if all(getattr(t.update, "floats", None) for t in transforms) else None
    return GradientTransformation(init, update)


def value_at(hyper: Hyper | Schedule, step: int) -> Hyper:
    """The value of a hyperparameter at ``step`` (0 for the first update)."""
    return hyper(step) if callable(hyper) else hyper


def check(
    value,
    name: str,
    low: float = 0.0,
    high: float = np.inf,
    *,
    high_open: bool = False,
    allow_schedule: bool = False,
) -> Hyper | Schedule:
    """Return ``value`` as a float (or float array), or raise ValueError naming ``name``.

    Every entry must be finite and lie in ``[low, high]`` (``[low, high)`` with ``high_open``).
    Schedules are accepted where ``allow_schedule`` and checked when called.
    """
    if allow_schedule and callable(value):
        return value
    plain = type(value) is float and math.isfinite(value)  # the common case, without NumPy
    if plain and low <= value and (value < high if high_open else value <= high):
        return value
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from None
    inside = (array >= low) & ((array < high) if high_open else (array <= high))
    if not (np.all(np.isfinite(array)) and np.all(inside)):
        interval = f"[{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be finite and in {interval}, got {value!r}")
    return float(array) if array.ndim == 0 else array


def check_count(value, name: str, low: int = 0) -> int:
    """A whole number ≥ ``low`` (a step count, a seed), or ValueError naming ``name``."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= low:
        return int(value)  # exact even beyond 2⁵³ (seeds)
    number = check(value, name, low)
    if np.ndim(number) or number != int(number):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(number)


def check_betas(betas, name: str = "betas") -> tuple[Hyper, Hyper]:
    """Two decay rates, each in [0, 1)."""
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (beta1, beta2), got {betas!r}") from None
    return (
        check(beta1, f"{name}[0]", 0.0, 1.0, high_open=True),
        check(beta2, f"{name}[1]", 0.0, 1.0, high_open=True),
    )


def check_flag(value, name: str) -> bool:
    """A boolean option (numpy bools welcome)."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)
