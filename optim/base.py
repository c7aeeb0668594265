"""The transformation protocol, composition, and hyperparameter checking.

An optimizer is a pair of pure functions over float arrays of any shape (Optax's design):
``state = opt.init(params)`` and ``updates, state = opt.update(grads, state, params)``;
the caller applies ``params + updates``. Hyperparameters are floats, arrays that broadcast
against the params (one value per point, say), or for learning rates a schedule ``step -> value``.

Extras. A transformation that needs more than the gradient at the current params names what it
asks for in ``asks``, and its ``update`` takes those as keyword arguments (Optax's SAM takes a
``grad_fn`` the same way); every other transformation is untouched and ``asks`` is empty:

* ``grad_fn(params) -> grads``: the gradient anywhere (SAM takes it at a perturbed point);
* ``hvp_fn(params, v) -> H(params)·v``: the Hessian-vector product, v of the params' shape
  (Sophia estimates the Hessian diagonal from it);
* ``hessian_diagonal_fn(params) -> diag H(params)``: the exact diagonal (Sophia's option on
  2-D surfaces; for a network it would take one product per weight, so the lab has none).

``chain`` asks for the union of what its parts ask for and hands each part only its own.
Whoever steps an optimizer supplies them, via ``extras(opt, grad_fn=..., hvp_fn=...)``:
``optim.run`` (hvp_fn and hessian_diagonal_fn as arguments), the Atlas and the Playground (a
surface's exact ``hvp`` and ``hessian_diagonal``), the Training lab (backprop on the same
mini-batch, and exact products by forward over backward for ``hvp_fn``). Where the
steps' gradients pass through noise or clipping, ``through`` gives the asked-for gradient the
same treatment (the Playground and the Atlas).
"""

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

State = Any
Hyper = float | np.ndarray
Schedule = Callable[[int], Hyper]


class GradientTransformation(NamedTuple):
    """``init(params) -> state`` and ``update(grads, state, params) -> (updates, state)``.

    ``fused`` (optional, see optim.fused) is a batched form of the same rule for ``run``:
    ``fused(params) -> apply(g, params, out)``, returning the updates written into ``out``
    with its state kept in buffers of its own. It computes the same floating-point
    operations as ``update`` in the same order, so the two agree bit for bit.

    ``asks``: the extras (see the module docstring) ``update`` takes as keyword arguments,
    e.g. ``frozenset({"grad_fn"})``; empty for the common ``update(grads, state, params)``.
    """

    init: Callable[[np.ndarray], State]
    update: Callable[..., tuple[np.ndarray, State]]
    fused: Callable[[np.ndarray], Callable] | None = None
    asks: frozenset[str] = frozenset()


EXTRAS = {  # what a transformation may ask for, by keyword, and what that is
    "grad_fn": "the gradient anywhere",
    "hvp_fn": "Hessian-vector products",
    "hessian_diagonal_fn": "the exact Hessian diagonal (on 2-D surfaces)",
}


def extras(opt: GradientTransformation, **available) -> dict[str, Callable]:
    """The keyword arguments ``opt.update`` asks for, taken from ``available`` (name ->
    function or None); ValueError naming the first one asked for and not supplied."""
    for name in sorted(opt.asks):
        if name not in EXTRAS:
            raise ValueError(f"unknown extra {name!r}: an update may ask for {list(EXTRAS)}")
        if available.get(name) is None:
            raise ValueError(f"this optimizer asks for {EXTRAS[name]} ({name}), none was given")
    return {name: available[name] for name in opt.asks}


class EmptyState(NamedTuple):
    """State of a transformation that remembers nothing."""


def through(transform: GradientTransformation, grad_fn: Callable) -> Callable:
    """``grad_fn`` followed by ``transform`` (noise, clipping), with a state of its own that
    advances once per call: handed as the ``grad_fn`` extra, the gradients an optimizer asks for
    get what its steps' gradients get. The k-th call is stepped as the k-th step's gradient, so
    ``add_noise`` with the step's seed adds the k-th step's ξ to SAM's k-th probe gradient (as
    SAM's two gradients share a mini-batch)."""
    state = None

    def transformed(params):
        nonlocal state
        g = grad_fn(params)
        if state is None:
            state = transform.init(params)
        g, state = transform.update(g, state, params)
        return g

    return transformed


def stateless(fn: Callable[[np.ndarray, np.ndarray | None], np.ndarray]) -> GradientTransformation:
    """A transformation without state from ``fn(updates, params) -> updates``."""

    def update(updates, state, params=None):
        return fn(updates, params), state

    return GradientTransformation(lambda params: EmptyState(), update)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` one after the other; the state is the tuple of their states.

    A chain of one keeps that transform's fused form (a wrapper that adds nothing). It asks for
    every extra its parts ask for and passes each part only those it asks for."""

    def init(params):
        return tuple(t.init(params) for t in transforms)

    def update(updates, state, params=None, **extras):
        new_state = []
        for t, s in zip(transforms, state, strict=True):
            asked = {name: extras[name] for name in t.asks} if t.asks else {}
            updates, s = t.update(updates, s, params, **asked)
            new_state.append(s)
        return updates, tuple(new_state)

    fused = getattr(transforms[0], "fused", None) if len(transforms) == 1 else None
    asks = frozenset().union(*(t.asks for t in transforms))
    return GradientTransformation(init, update, fused, asks)


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
