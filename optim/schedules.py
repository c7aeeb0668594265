"""Learning-rate schedules: callables ``step -> value``, with step 0 for the first update.

They accept an integer or an array of steps (to plot a schedule in one call), and their
parameters may be arrays that broadcast over points. Each follows the torch.optim.lr_scheduler
of the same name where one exists.
"""

import numpy as np

from optim.base import check, check_count


def constant_schedule(value) -> callable:
    """``value`` at every step."""
    value = check(value, "value")
    return lambda step: value + 0.0 * np.asarray(step)


def step_schedule(init_value, step_size: int, gamma=0.1) -> callable:
    """``init_value · gamma^⌊step / step_size⌋`` (torch StepLR)."""
    init_value = check(init_value, "init_value")
    step_size = check_count(step_size, "step_size", 1)
    gamma = check(gamma, "gamma")
    return lambda step: init_value * gamma ** (np.asarray(step) // step_size)


def exponential_schedule(init_value, gamma) -> callable:
    """``init_value · gammaᵗ`` (torch ExponentialLR)."""
    init_value = check(init_value, "init_value")
    gamma = check(gamma, "gamma")
    return lambda step: init_value * gamma ** np.asarray(step)


def _cosine(fraction):
    """Half a cosine from 1 down to 0 as ``fraction`` goes from 0 to 1 (clamped after)."""
    return 0.5 * (1.0 + np.cos(np.pi * np.clip(fraction, 0.0, 1.0)))


def cosine_schedule(init_value, decay_steps: int, min_value=0.0) -> callable:
    """``min + (init − min)·(1 + cos(π·min(t, T)/T))/2`` with T = decay_steps (CosineAnnealingLR,
    held at ``min_value`` after T steps instead of rising again)."""
    init_value = check(init_value, "init_value")
    decay_steps = check_count(decay_steps, "decay_steps", 1)
    min_value = check(min_value, "min_value")
    return lambda step: (
        min_value + (init_value - min_value) * _cosine(np.asarray(step) / decay_steps)
    )


def warmup_cosine_schedule(
    peak_value, warmup_steps: int, decay_steps: int, init_value=0.0, end_value=0.0
) -> callable:
    """Linear from ``init_value`` to ``peak_value`` over ``warmup_steps``, then a cosine from
    ``peak_value`` down to ``end_value`` over the next ``decay_steps``, then ``end_value``."""
    peak_value = check(peak_value, "peak_value")
    warmup_steps = check_count(warmup_steps, "warmup_steps")
    decay_steps = check_count(decay_steps, "decay_steps", 1)
    init_value = check(init_value, "init_value")
    end_value = check(end_value, "end_value")

    def schedule(step):
        step = np.asarray(step)
        warm = init_value + (peak_value - init_value) * step / max(warmup_steps, 1)
        cool = end_value + (peak_value - end_value) * _cosine((step - warmup_steps) / decay_steps)
        return np.where(step < warmup_steps, warm, cool)

    return schedule
