"""Exponentially weighted averages: the building block of momentum, RMSProp and Adam, and the
averages an optimizer's state keeps (``averages``), read under common names."""

from typing import NamedTuple

import numpy as np

from optim.base import check, check_flag


def ewa(values, beta, *, bias_correction=False) -> np.ndarray:
    """Exponentially weighted average along axis 0: ``v_t = β·v_{t−1} + (1−β)·x_t`` with
    v₀ = 0, for t = 1..T; returns the T averages (same shape as ``values``).

    With ``bias_correction`` each v_t is divided by ``1 − βᵗ``, the total weight it carries, so
    the first averages are not pulled towards zero. ``beta`` is in [0, 1) and may be an array
    broadcasting over the trailing axes (several averages side by side).
    """
    values = np.asarray(values, dtype=float)
    beta = check(beta, "beta", 0.0, 1.0, high_open=True)
    bias_correction = check_flag(bias_correction, "bias_correction")
    if values.ndim == 0:
        raise ValueError("values must have at least one axis (the time axis)")
    shape = np.broadcast_shapes(values.shape[1:], np.shape(beta))
    averages = np.empty((len(values), *shape))
    v = np.zeros(shape)
    for t, x in enumerate(values):
        v = beta * v + (1.0 - beta) * x
        averages[t] = v
    if bias_correction:
        steps = np.arange(1, len(values) + 1).reshape(-1, *[1] * len(shape))
        averages /= 1.0 - np.asarray(beta) ** steps
    return averages


class Averages(NamedTuple):
    """The running averages an optimizer's state keeps, under common names (None: not kept).

    ``mu`` is m, the running average of the incoming update (the gradient, for a transform
    first in its chain), ``nu`` is v, that of its square. The rule uses ``mu / mu_correction``
    and ``nu / nu_correction``: the corrections are 1 − βᵗ where it corrects the bias (Adam,
    momentum with ``bias_correction``), NAdam's 1 − ∏_{i≤t+1}μ_i for its m, and 1 where it
    does not correct (RMSProp, Lion).
    """

    mu: np.ndarray | None
    nu: np.ndarray | None
    mu_correction: float | np.ndarray
    nu_correction: float | np.ndarray


def averages(state) -> Averages:
    """The averages in ``state``, an optimizer's state as ``init``/``update`` return it: for a
    chain the first ``mu`` and the first ``nu`` in chain order (for ``rmsprop`` with momentum
    ``mu`` is the momentum buffer of the scaled steps), each with its state's correction."""
    found = {}
    for part in state_parts(state):
        for name in ("mu", "nu"):
            if name not in found and getattr(part, name, None) is not None:
                found[name] = (getattr(part, name), getattr(part, f"{name}_correction", 1.0))
    (mu, mu_correction), (nu, nu_correction) = (found.get(n, (None, 1.0)) for n in ("mu", "nu"))
    return Averages(mu, nu, mu_correction, nu_correction)


def state_parts(state, wrapped: bool = False):
    """The transformation states in ``state``, depth first, outermost first (a chain's state is
    a tuple); with ``wrapped`` also the inner optimizer's state a wrapper keeps in a field
    (Lookahead, Schedule-Free, SAM), after the wrapper's own."""
    if hasattr(state, "_fields"):
        yield state
        if wrapped:
            for value in state:
                if isinstance(value, tuple):
                    yield from state_parts(value, wrapped)
    elif isinstance(state, tuple):
        for part in state:
            yield from state_parts(part, wrapped)
