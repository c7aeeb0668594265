"""Adan (Xie et al. 2022): Nesterov momentum estimated from gradient differences.

Its two building blocks: ``scale_by_adan``, the direction built from three running averages,
and ``proximal_weight_decay``, the shrink θ ← θ/(1 + αλ) that Adan's paper applies after the
step (the proximal step of the penalty λ/2·‖θ‖²) where AdamW would subtract αλθ.
Betas follow pytorch-optimizer's convention: each is the weight kept by its average
(β₁ = 0.98 is the paper's 1 − 0.02).
"""

from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_betas, value_at
from optim.transforms import _ewa  # the building blocks' one average step, shared


class ScaleByAdanState(NamedTuple):
    """m, n and v are not named ``mu``/``nu`` (read by ``optim.averages``): the step mixes
    two first moments, so neither alone is what the step anatomy would draw."""

    step: int
    m: np.ndarray  # the average of g (β₁)
    n: np.ndarray  # the average of the differences g_t − g_{t−1} (β₂); the first one is 0
    v: np.ndarray  # the average of (g_t + β₂(g_t − g_{t−1}))² (β₃)
    previous: np.ndarray  # g_{t−1} (unused before the first step)


def scale_by_adan(betas=(0.98, 0.92), beta3=0.99, eps=1e-8) -> GradientTransformation:
    """With Δ_t = g_t − g_{t−1} (Δ₁ = 0) and m₀ = n₀ = v₀ = 0:
    ``m_t = β₁m + (1−β₁)g_t``, ``n_t = β₂n + (1−β₂)Δ_t``,
    ``v_t = β₃v + (1−β₃)(g_t + β₂Δ_t)²``; output
    ``(m_t/(1−β₁ᵗ) + β₂·n_t/(1−β₂ᵗ)) / (√v_t/√(1−β₃ᵗ) + ε)``.

    m + β₂n approximates the average of the gradient at the Nesterov look-ahead point
    (g_t + β₂Δ_t) without evaluating it there; v averages that look-ahead gradient's square."""
    beta1, beta2 = check_betas(betas)
    beta3 = check(beta3, "beta3", 0.0, 1.0, high_open=True)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        # np.power, not **: Python's and NumPy's powers differ in the last bit for some t, and a
        # point must step alike alone (float betas) and in a batch (an array per point).
        t = state.step + 1
        difference = g - state.previous if t > 1 else np.zeros_like(g)
        m, n = _ewa(state.m, beta1, g), _ewa(state.n, beta2, difference)
        v = beta2 * difference  # the look-ahead gradient g_t + β₂Δ_t, then its weighted square
        v += g
        v *= v
        v *= 1.0 - beta3
        v += beta3 * state.v
        denominator = np.sqrt(v)
        denominator /= np.sqrt(1.0 - np.power(beta3, t))
        denominator += eps
        out = m / denominator
        out /= 1.0 - np.power(beta1, t)
        lagged = n / denominator
        lagged *= beta2 / (1.0 - np.power(beta2, t))
        out += lagged
        return out, ScaleByAdanState(t, m, n, v, np.array(g, dtype=float))

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByAdanState(0, zeros, zeros, zeros, zeros)

    return GradientTransformation(init, update)


class ProximalDecayState(NamedTuple):
    step: int  # the lr schedule's argument


def proximal_weight_decay(lr, weight_decay=0.0) -> GradientTransformation:
    """After the descent step u (its −α included): ``θ_t = (θ_{t−1} + u)/(1 + α(t)·λ)``, so the
    output is that point minus θ_{t−1}. The proximal step of λ/2·‖θ‖²: every coordinate shrinks
    by the same factor, whatever the step's scaling did."""
    lr = check(lr, "lr", allow_schedule=True)
    weight_decay = check(weight_decay, "weight_decay")

    def update(u, state, params=None):
        shrunk = params + u
        shrunk /= 1.0 + value_at(lr, state.step) * weight_decay
        shrunk -= params
        return shrunk, ProximalDecayState(state.step + 1)

    return GradientTransformation(lambda params: ProximalDecayState(0), update)


__all__ = ["ProximalDecayState", "ScaleByAdanState", "proximal_weight_decay", "scale_by_adan"]
