"""Exponentially weighted averages: the building block of momentum, RMSProp and Adam."""

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
