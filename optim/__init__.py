"""Optimizer engine: optimizers as composable transformations over NumPy arrays.

>>> import numpy as np, optim
>>> opt = optim.adam(lr=0.1)
>>> params = np.array([[1.0, -2.0]])
>>> state = opt.init(params)
>>> updates, state = opt.update(2 * params, state, params)   # gradient of |θ|²
>>> params = params + updates
"""

from optim.alias import (
    adadelta,
    adagrad,
    adam,
    adamax,
    adamw,
    adamw_schedule_free,
    ademamix,
    adopt,
    gd,
    lion,
    lookahead_adam,
    momentum,
    nadam,
    nesterov,
    prodigy,
    radam,
    rmsprop,
    sgd,
    sgd_schedule_free,
)
from optim.averages import Averages, averages, ewa
from optim.base import EmptyState, GradientTransformation, chain
from optim.registry import OPTIMIZERS, Hyperparameter, OptimizerSpec
from optim.runner import RunResult, run
from optim.schedules import (
    constant_schedule,
    cosine_schedule,
    exponential_schedule,
    step_schedule,
    warmup_cosine_schedule,
)
from optim.transforms import (
    add_decayed_weights,
    add_noise,
    clip_by_norm,
    clip_by_value,
    lookahead,
    scale_by_adadelta,
    scale_by_adagrad,
    scale_by_adam,
    scale_by_adamax,
    scale_by_adopt,
    scale_by_lion,
    scale_by_lr,
    scale_by_nadam,
    scale_by_radam,
    scale_by_rms,
    schedule_free,
    trace,
)

__all__ = [
    "OPTIMIZERS",
    "Averages",
    "EmptyState",
    "GradientTransformation",
    "Hyperparameter",
    "OptimizerSpec",
    "RunResult",
    "adadelta",
    "adagrad",
    "adam",
    "adamax",
    "adamw",
    "adamw_schedule_free",
    "add_decayed_weights",
    "add_noise",
    "ademamix",
    "adopt",
    "averages",
    "chain",
    "clip_by_norm",
    "clip_by_value",
    "constant_schedule",
    "cosine_schedule",
    "ewa",
    "exponential_schedule",
    "gd",
    "lion",
    "lookahead",
    "lookahead_adam",
    "momentum",
    "nadam",
    "nesterov",
    "prodigy",
    "radam",
    "rmsprop",
    "run",
    "scale_by_adadelta",
    "scale_by_adagrad",
    "scale_by_adam",
    "scale_by_adamax",
    "scale_by_adopt",
    "scale_by_lion",
    "scale_by_lr",
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_rms",
    "schedule_free",
    "sgd",
    "sgd_schedule_free",
    "step_schedule",
    "trace",
    "warmup_cosine_schedule",
]
