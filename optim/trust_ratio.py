"""Layer-wise trust ratios: LARS (You et al. 2017) and LAMB (You et al. 2019).

Both rescale a parameter's step by ‖θ‖ over the norm of the step itself, so the step's length
follows the size of the weights and not the size of the gradient. The reference
implementations take those norms over one parameter tensor (a layer); here each point, the
last axis of the params, is one parameter: the norms are per row, so (n, 2) points step as n
independent optimizers, and a single 2-D point is one 2-vector with one ratio.
"""

from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_betas, check_flag, value_at
from optim.transforms import _accumulate, _sum_points  # shared with the building blocks


def row_norm(x: np.ndarray) -> np.ndarray:
    """The Euclidean norm of each point (the last axis), kept as an axis of length 1."""
    return np.sqrt(_sum_points(x * x))


def _ratio_or_one(numerator, denominator, valid):
    """``numerator/denominator`` where ``valid``, 1 elsewhere (no division by 0 evaluated)."""
    if np.all(valid):
        return numerator / denominator
    return np.where(valid, numerator / np.where(valid, denominator, 1.0), 1.0)


class ScaleByLarsState(NamedTuple):
    step: int
    b: np.ndarray  # the momentum buffer of the trust-scaled gradients, b₀ = 0 (not ``mu``)


def scale_by_lars(
    momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0, trust_coefficient=1e-3
) -> GradientTransformation:
    """LARS as pytorch-optimizer computes it for a parameter of two or more axes:
    ``r = η‖θ‖/(‖g‖ + λ‖θ‖)`` (r = 1 where ‖θ‖ = 0 or the denominator is 0; η is
    ``trust_coefficient``), ``d = r·(g + λθ)``; with μ > 0 ``b_t = μb + (1−τ)d`` (b₀ = 0, so
    b₁ = (1−τ)d, unlike torch's SGD), output ``d + μb_t`` with ``nesterov`` else ``b_t``;
    with μ = 0 output d."""
    momentum = check(momentum, "momentum", 0.0, 1.0)
    dampening = check(dampening, "dampening", 0.0, 1.0)
    nesterov = check_flag(nesterov, "nesterov")
    weight_decay = check(weight_decay, "weight_decay")
    trust_coefficient = check(trust_coefficient, "trust_coefficient")
    # Where μ = 0 the reference skips the buffer: b_t = 1·d then gives the same output.
    weight = 1.0 - np.where(np.asarray(momentum) > 0, dampening, 0.0)
    weight = float(weight) if weight.ndim == 0 else weight
    buffered = bool(np.any(np.asarray(momentum) > 0))

    def update(g, state, params=None):
        params_norm = row_norm(params)
        denominator = row_norm(g) + weight_decay * params_norm
        valid = (params_norm > 0) & (denominator > 0)
        ratio = _ratio_or_one(trust_coefficient * params_norm, denominator, valid)
        scaled = g + weight_decay * params if np.any(weight_decay) else np.array(g, dtype=float)
        scaled *= ratio
        if not buffered:
            return scaled, ScaleByLarsState(state.step + 1, state.b)
        b = _accumulate(state.b, momentum, weight, scaled)
        if nesterov:
            scaled += momentum * b
            return scaled, ScaleByLarsState(state.step + 1, b)
        return b, ScaleByLarsState(state.step + 1, b)

    return GradientTransformation(
        lambda params: ScaleByLarsState(0, np.zeros_like(params, dtype=float)), update
    )


class LambState(NamedTuple):
    step: int
    m: np.ndarray  # the average of g (β₁; weight 1 on g without ``grad_averaging``), not ``mu``
    v: np.ndarray  # the average of g² (β₂), never bias-corrected, not ``nu``


def lamb_update(
    lr, betas, eps, weight_decay, decouple, grad_averaging, bias_correction, clamp
) -> GradientTransformation:
    """LAMB's whole step, weight decay and −α included; see ``optim.alias.lamb``."""
    lr = check(lr, "lr", allow_schedule=True)
    beta1, beta2 = check_betas(betas)
    eps, weight_decay = check(eps, "eps"), check(weight_decay, "weight_decay")
    decouple = check_flag(decouple, "decouple")
    weight = 1.0 - beta1 if check_flag(grad_averaging, "grad_averaging") else 1.0
    bias_correction = check_flag(bias_correction, "bias_correction")
    clamp = check(clamp, "clamp")
    decays = bool(np.any(weight_decay))

    def update(g, state, params=None):
        t, alpha = state.step + 1, value_at(lr, state.step)
        m = _accumulate(state.m, beta1, weight, g)
        v = g * g
        v *= 1.0 - beta2
        v += beta2 * state.v
        direction = np.sqrt(v)
        direction += eps
        np.divide(m, direction, out=direction)
        if decays and not decouple:
            direction += weight_decay * params
        shrunk = params * (1.0 - alpha * weight_decay) if decays and decouple else params
        weights_norm = np.minimum(row_norm(shrunk), clamp)
        direction_norm = row_norm(direction)
        if weights_norm.all() and direction_norm.all():  # no norm is 0: no mask to build
            direction_norm += eps
            ratio = weights_norm / direction_norm
        else:
            valid = (weights_norm != 0) & (direction_norm != 0)
            ratio = _ratio_or_one(weights_norm, direction_norm + eps, valid)
        # np.power, not **, so one point steps alike alone and in a batch (see optim.adan)
        step_size = alpha / (1.0 - np.power(beta1, t)) if bias_correction else alpha
        direction *= -step_size * ratio
        if decays and decouple:  # θ(1 − αλ) − step, as the reference shrinks θ first
            direction -= (alpha * weight_decay) * params
        return direction, LambState(t, m, v)

    def init(params):
        return LambState(0, np.zeros_like(params, dtype=float), np.zeros_like(params, dtype=float))

    return GradientTransformation(init, update)


__all__ = ["LambState", "ScaleByLarsState", "lamb_update", "row_norm", "scale_by_lars"]
