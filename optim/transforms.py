"""Building blocks. Each named optimizer (optim.alias) is a short chain of these.

Notation: g is the incoming update (the gradient at the start of a chain), t = 1, 2, ... the
step, θ the params. Every state is a small immutable NamedTuple declared right above the
transformation that owns it; ``update`` returns a new one and never mutates its input.

Common names (read by ``optim.averages``): ``mu`` is a running (weighted) average or sum of the
incoming update (m), ``nu`` one of its square (v), and ``mu_correction``/``nu_correction`` the
numbers the rule divides them by at this step (1 − βᵗ for a bias correction of an average).

Each new array is built once and then finished in place (``new = β·a; new += w·x``): the same
floating-point operations as ``β·a + w·x``, one temporary fewer, which counts for many points.
"""

import math
from typing import NamedTuple

import numpy as np

from optim.base import (
    EmptyState,
    GradientTransformation,
    check,
    check_betas,
    check_count,
    check_flag,
    stateless,
    value_at,
)


def _accumulate(average, decay, weight, x):
    """``decay·average + weight·x`` as a new array (``average`` is left as it was)."""
    new = decay * average
    new += weight * x
    return new


def _ewa(average, decay, x):
    """The exponentially weighted average's step ``β·a + (1−β)·x``."""
    return _accumulate(average, decay, 1.0 - decay, x)


def _zeros(params) -> np.ndarray:
    return np.zeros_like(params, dtype=float)


# ---------------------------------------------------------------- stateless transforms


def add_decayed_weights(weight_decay=0.0) -> GradientTransformation:
    """``g + λ·θ``. Before a scaler this is L2 regularisation (torch's ``weight_decay``);
    after it and before ``scale_by_lr`` it is decoupled decay θ ← θ − α·λ·θ (AdamW, Lion)."""
    weight_decay = check(weight_decay, "weight_decay")
    return stateless(lambda g, params: g + weight_decay * params)


def clip_by_value(max_value) -> GradientTransformation:
    """Clamp every entry of g to ``[−max_value, max_value]``."""
    max_value = check(max_value, "max_value")
    return stateless(lambda g, params: np.clip(g, -max_value, max_value))


def clip_by_norm(max_norm) -> GradientTransformation:
    """Rescale each point's g (the last axis) to Euclidean norm at most ``max_norm``."""
    max_norm = check(max_norm, "max_norm")

    def clip(g, params):
        norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True))
        return g * (max_norm / np.maximum(norm, max_norm)) if np.any(norm > max_norm) else g

    return stateless(clip)


class ScaleByLrState(NamedTuple):
    step: int  # updates applied so far: the schedule's argument


def scale_by_lr(lr) -> GradientTransformation:
    """``−α(t)·g``: the descent step, with ``lr`` a float, an array or a schedule."""
    lr = check(lr, "lr", allow_schedule=True)

    def update(g, state, params=None):
        return -value_at(lr, state.step) * g, ScaleByLrState(state.step + 1)

    return GradientTransformation(lambda params: ScaleByLrState(0), update)


class AddNoiseState(NamedTuple):
    step: int


def add_noise(sigma, seed: int = 0) -> GradientTransformation:
    """``g + σ(t)·ξ_t`` with ξ_t standard normal, drawn from a Philox stream keyed by ``seed``
    with its own counter block per step, so runs are reproducible and ``update`` stays pure.
    Put it first in a chain to mimic stochastic gradients."""
    sigma = check(sigma, "sigma", allow_schedule=True)
    seed = check_count(seed, "seed")

    def update(g, state, params=None):
        stream = np.random.Generator(np.random.Philox(key=seed, counter=[0, state.step, 0, 0]))
        noisy = g + value_at(sigma, state.step) * stream.standard_normal(np.shape(g))
        return noisy, AddNoiseState(state.step + 1)

    return GradientTransformation(lambda params: AddNoiseState(0), update)


# ---------------------------------------------------------------- momentum


class TraceState(NamedTuple):
    step: int
    mu: np.ndarray  # the velocity v_t
    mu_correction: float | np.ndarray  # 1 − βᵗ with bias_correction, else 1


def trace(beta, *, dampening=0.0, nesterov=False, init="gradient", bias_correction=False):
    """Momentum buffer: ``v_t = β·v_{t−1} + (1 − dampening)·g_t``, output ``v_t``
    (``g_t + β·v_t`` with ``nesterov``), divided by ``1 − βᵗ`` with ``bias_correction``.

    ``init="gradient"`` is PyTorch's convention: the first step fills the buffer with the raw
    gradient, v₁ = g₁. ``init="zero"`` is the article's: v₀ = 0, so v₁ = (1 − dampening)·g₁;
    with dampening = β that is the exponentially weighted average of the gradients, and
    bias correction turns it into their weighted mean.
    """
    beta = check(beta, "momentum")
    dampening = check(dampening, "dampening", 0.0, 1.0)
    nesterov = check_flag(nesterov, "nesterov")
    bias_correction = check_flag(bias_correction, "bias_correction")
    if init not in ("gradient", "zero"):
        raise ValueError(f"init must be 'gradient' or 'zero', got {init!r}")
    if nesterov and (np.any(np.asarray(beta) <= 0) or np.any(np.asarray(dampening) != 0)):
        raise ValueError("nesterov requires momentum > 0 and dampening = 0")

    def update(g, state, params=None):
        t = state.step + 1
        if t == 1 and init == "gradient":
            v = np.array(g, dtype=float)
        else:
            v = _accumulate(state.mu, beta, 1.0 - dampening, g)
        out = g + beta * v if nesterov else v
        correction = 1.0 - np.power(beta, t) if bias_correction else 1.0
        if bias_correction:
            out = out / correction
        return out, TraceState(t, v, correction)

    return GradientTransformation(lambda params: TraceState(0, _zeros(params), 1.0), update)


# ---------------------------------------------------------------- adaptive scalers


class ScaleByRmsState(NamedTuple):
    step: int
    nu: np.ndarray  # running mean of g²
    mu: np.ndarray | None  # running mean of g, only when centered


def scale_by_rms(alpha=0.99, eps=1e-8, centered=False) -> GradientTransformation:
    """``s_t = α·s_{t−1} + (1−α)·g²`` (s₀ = 0), output ``g / (√s_t + ε)`` (ε outside the root,
    as PyTorch). ``centered`` subtracts the squared running mean ``ḡ_t²`` under the root; that
    difference is clamped at 0 against rounding (where PyTorch would take √ of −1e-17)."""
    alpha = check(alpha, "alpha", 0.0, 1.0, high_open=True)
    eps = check(eps, "eps")
    centered = check_flag(centered, "centered")

    def update(g, state, params=None):
        s = _ewa(state.nu, alpha, g * g)
        mean = _ewa(state.mu, alpha, g) if centered else None
        variance = np.maximum(s - mean * mean, 0.0) if centered else s
        root = np.sqrt(variance)
        root += eps
        return g / root, ScaleByRmsState(state.step + 1, s, mean)

    def init(params):
        return ScaleByRmsState(0, _zeros(params), _zeros(params) if centered else None)

    return GradientTransformation(init, update)


class ScaleByAdagradState(NamedTuple):
    step: int
    sum_sq: np.ndarray


def scale_by_adagrad(initial_accumulator_value=0.0, eps=1e-10) -> GradientTransformation:
    """``S_t = S_{t−1} + g²`` (S₀ = initial_accumulator_value), output ``g / (√S_t + ε)``."""
    initial = check(initial_accumulator_value, "initial_accumulator_value")
    eps = check(eps, "eps")

    def update(g, state, params=None):
        total = state.sum_sq + g * g
        root = np.sqrt(total)
        root += eps
        return g / root, ScaleByAdagradState(state.step + 1, total)

    return GradientTransformation(
        lambda params: ScaleByAdagradState(0, _zeros(params) + initial), update
    )


class ScaleByAdadeltaState(NamedTuple):
    step: int
    nu: np.ndarray  # v: running mean of g²
    acc_delta: np.ndarray  # u: running mean of Δ²


def scale_by_adadelta(rho=0.9, eps=1e-6) -> GradientTransformation:
    """``v_t = ρv + (1−ρ)g²``, ``Δ_t = √(u_{t−1} + ε) / √(v_t + ε) · g``,
    ``u_t = ρu + (1−ρ)Δ_t²`` (ε inside both roots, as PyTorch); output Δ_t."""
    rho = check(rho, "rho", 0.0, 1.0)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        v = _ewa(state.nu, rho, g * g)
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(v + eps) * g
        u = _ewa(state.acc_delta, rho, delta * delta)
        return delta, ScaleByAdadeltaState(state.step + 1, v, u)

    return GradientTransformation(
        lambda params: ScaleByAdadeltaState(0, _zeros(params), _zeros(params)), update
    )


class ScaleByAdamState(NamedTuple):
    """Adam's undivided sums (see scale_by_adam), read as the averages m and v (``mu``, ``nu``,
    with their bias corrections) under the common names."""

    step: int
    sum_g: np.ndarray  # M, the undivided sum of gradients: m = (1−β₁)M
    sum_g2: np.ndarray  # S, the undivided sum of their squares: v = (1−β₂)S
    sum_g2_max: np.ndarray | None  # the running maximum of S, only with amsgrad
    mu_correction: float | np.ndarray  # 1 − β₁ᵗ
    nu_correction: float | np.ndarray  # 1 − β₂ᵗ
    weights: tuple  # (1 − β₁, 1 − β₂), to read the sums as averages

    @property
    def mu(self) -> np.ndarray:
        """m_t = (1−β₁)M_t."""
        return self.weights[0] * self.sum_g

    @property
    def nu(self) -> np.ndarray:
        """v_t = (1−β₂)S_t."""
        return self.weights[1] * self.sum_g2


def adam_scalars(t: int, beta1, beta2):
    """Adam's corrections at step t, c₁ = 1−β₁ᵗ and c₂ = 1−β₂ᵗ, then r = √((1−β₂)/c₂) and the
    output's scale (1−β₁)/(c₁r) (see scale_by_adam). optim.fused shares it.

    Powers and roots here (and βᵗ everywhere in this module) are NumPy's for floats and arrays
    alike: Python's ``**`` rounds differently from NumPy's array loops in the last place, and a
    point must step the same whether its β came as a float or as a row of an array (the Atlas)."""
    c1, c2 = 1.0 - np.power(beta1, t), 1.0 - np.power(beta2, t)
    r = np.sqrt((1.0 - beta2) / c2)
    return c1, c2, r, (1.0 - beta1) / (c1 * r)


def scale_by_adam(betas=(0.9, 0.999), eps=1e-8, amsgrad=False) -> GradientTransformation:
    """``m_t = β₁m + (1−β₁)g``, ``v_t = β₂v + (1−β₂)g²`` (m₀ = v₀ = 0), output
    ``m̂ / (√v̂ + ε)`` with ``m̂ = m_t/(1−β₁ᵗ)``, ``v̂ = v_t/(1−β₂ᵗ)``. With ``amsgrad`` v̂ uses
    the running maximum of the raw v_t, bias-corrected afterwards (as PyTorch).

    Computed from the undivided sums ``M_t = β₁M + g`` and ``S_t = β₂S + g²`` (so m = (1−β₁)M,
    v = (1−β₂)S; the state reads them as ``mu`` and ``nu``). With c₁ = 1−β₁ᵗ, c₂ = 1−β₂ᵗ and
    r = √((1−β₂)/c₂) the output is ``(1−β₁)/(c₁r) · M/(√S + ε/r)``: five array operations for
    the sums and four for the output, two fewer than with the averages themselves (the cost of
    stepping many points; optim.fused does the same ones in place)."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")
    amsgrad = check_flag(amsgrad, "amsgrad")
    weights = (1.0 - beta1, 1.0 - beta2)

    def update(g, state, params=None):
        t = state.step + 1
        m = beta1 * state.sum_g
        m += g
        v = beta2 * state.sum_g2
        v += g * g
        v_max = np.maximum(state.sum_g2_max, v) if amsgrad else None
        c1, c2, r, scale = adam_scalars(t, beta1, beta2)
        out = np.sqrt(v_max if amsgrad else v)
        out += eps / r
        np.divide(m, out, out=out)
        out *= scale
        return out, ScaleByAdamState(t, m, v, v_max, c1, c2, weights)

    def init(params):
        maximum = _zeros(params) if amsgrad else None
        return ScaleByAdamState(0, _zeros(params), _zeros(params), maximum, 1.0, 1.0, weights)

    return GradientTransformation(init, update)


class ScaleByAdamaxState(NamedTuple):
    step: int
    mu: np.ndarray  # m
    exp_inf: np.ndarray  # u: decaying infinity norm
    mu_correction: float | np.ndarray  # 1 − β₁ᵗ


def scale_by_adamax(betas=(0.9, 0.999), eps=1e-8) -> GradientTransformation:
    """``m_t = β₁m + (1−β₁)g``, ``u_t = max(β₂u, |g| + ε)`` (ε added to |g|, as PyTorch),
    output ``m_t / ((1−β₁ᵗ)·u_t)``."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        t = state.step + 1
        m = _ewa(state.mu, beta1, g)
        u = np.maximum(beta2 * state.exp_inf, np.abs(g) + eps)
        correction = 1.0 - np.power(beta1, t)
        return m / (correction * u), ScaleByAdamaxState(t, m, u, correction)

    return GradientTransformation(
        lambda params: ScaleByAdamaxState(0, _zeros(params), _zeros(params), 1.0), update
    )


class ScaleByNadamState(NamedTuple):
    step: int
    mu_product: float | np.ndarray  # ∏ μ_i up to t
    mu: np.ndarray
    nu: np.ndarray
    mu_correction: float | np.ndarray  # 1 − ∏_{i≤t+1}μ_i (the rule also weighs m by μ_{t+1})
    nu_correction: float | np.ndarray  # 1 − β₂ᵗ


def scale_by_nadam(betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3) -> GradientTransformation:
    """Dozat's NAdam as PyTorch: ``μ_t = β₁(1 − ½·0.96^{tψ})`` (ψ = momentum_decay),
    m and v as Adam, ``v̂ = v_t/(1−β₂ᵗ)``, output
    ``[μ_{t+1}·m_t/(1 − ∏_{i≤t+1}μ_i) + (1−μ_t)·g/(1 − ∏_{i≤t}μ_i)] / (√v̂ + ε)``."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")
    psi = check(momentum_decay, "momentum_decay")

    def update(g, state, params=None):
        t = state.step + 1
        mu = beta1 * (1.0 - 0.5 * np.power(0.96, t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        product = state.mu_product * mu
        correction1 = 1.0 - product * mu_next
        m_weight, g_weight = mu_next / correction1, (1.0 - mu) / (1.0 - product)
        m, v = _ewa(state.mu, beta1, g), _ewa(state.nu, beta2, g * g)
        correction2 = 1.0 - np.power(beta2, t)
        denom = np.sqrt(v / correction2)
        denom += eps
        out = m_weight * m / denom + g_weight * g / denom
        return out, ScaleByNadamState(t, product, m, v, correction1, correction2)

    def init(params):
        return ScaleByNadamState(0, 1.0, _zeros(params), _zeros(params), 1.0, 1.0)

    return GradientTransformation(init, update)


class ScaleByRadamState(NamedTuple):
    step: int
    mu: np.ndarray
    nu: np.ndarray
    mu_correction: float | np.ndarray  # 1 − β₁ᵗ
    nu_correction: float | np.ndarray  # 1 − β₂ᵗ


def _rectification(t, beta2):
    """RAdam's ρ_t > 5 (where the adaptive step applies) and its factor r_t·√(1−β₂ᵗ) there
    (plain Python floats when β₂ is a float: this runs every step)."""
    correction2 = 1.0 - np.power(beta2, t)
    rho_inf = 2.0 / (1.0 - beta2) - 1.0
    rho = rho_inf - 2.0 * t * np.power(beta2, t) / correction2
    rectified = rho > 5.0
    if isinstance(rectified, bool):
        if not rectified:
            return False, 0.0
        sqrt = math.sqrt
    else:  # where not rectified ρ ≤ ρ_∞ ≤ 5: substitute 6 there so r_t stays defined
        rho, rho_inf = np.where(rectified, rho, 6.0), np.where(rectified, rho_inf, 6.0)
        sqrt = np.sqrt
    r = sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return rectified, r * sqrt(correction2)


def scale_by_radam(betas=(0.9, 0.999), eps=1e-8) -> GradientTransformation:
    """Liu et al.'s RAdam as PyTorch: m, v as Adam, ``ρ_∞ = 2/(1−β₂) − 1``,
    ``ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)``. When ρ_t > 5 the output is
    ``m̂·r_t·√(1−β₂ᵗ)/(√v_t + ε)`` with ``r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t))``,
    otherwise plain ``m̂`` (SGD with momentum while the variance estimate is unreliable)."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        t = state.step + 1
        m, v = _ewa(state.mu, beta1, g), _ewa(state.nu, beta2, g * g)
        correction1 = 1.0 - np.power(beta1, t)
        new_state = ScaleByRadamState(t, m, v, correction1, 1.0 - np.power(beta2, t))
        m_hat = m / correction1
        rectified, factor = _rectification(t, beta2)
        if not np.any(rectified):
            return m_hat, new_state
        adaptive = m_hat * factor / (np.sqrt(v) + eps)
        out = adaptive if np.all(rectified) else np.where(rectified, adaptive, m_hat)
        return out, new_state

    return GradientTransformation(
        lambda params: ScaleByRadamState(0, _zeros(params), _zeros(params), 1.0, 1.0), update
    )


class ScaleByLionState(NamedTuple):
    step: int
    mu: np.ndarray


def scale_by_lion(betas=(0.9, 0.99)) -> GradientTransformation:
    """Chen et al. (2023): output ``sign(β₁m + (1−β₁)g)``, then ``m_t = β₂m + (1−β₂)g``."""
    beta1, beta2 = check_betas(betas)

    def update(g, state, params=None):
        direction = np.sign(_ewa(state.mu, beta1, g))
        return direction, ScaleByLionState(state.step + 1, _ewa(state.mu, beta2, g))

    return GradientTransformation(lambda params: ScaleByLionState(0, _zeros(params)), update)


class ScaleByAdoptState(NamedTuple):
    """m and v are not named ``mu``/``nu`` on purpose: m averages the normalized gradients
    (not g) and step t divides by v_{t−1}, so neither is what ``optim.averages`` promises."""

    step: int
    m: np.ndarray  # running average of the clipped normalized gradients, m₁ = 0
    v: np.ndarray  # running average of g², v₁ = g₁² (full weight: no bias correction)


def scale_by_adopt(betas=(0.9, 0.9999), eps=1e-6, clip=True) -> GradientTransformation:
    """ADOPT (Taniguchi et al. 2024), as pytorch-optimizer's ``ADOPT``: step 1 only sets
    ``v₁ = g₁²`` and outputs 0; from t = 2 on, ``n = g_t / max(√v_{t−1}, ε)`` (the second
    moment of the *previous* steps, so g_t and its scale are independent), clamped to
    ``±t^{1/4}`` with ``clip``; ``m_t = β₁m + (1−β₁)n`` (m₁ = 0); output ``m_t``; then
    ``v_t = β₂v + (1−β₂)g_t²``. No bias correction of either average."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")
    clip = check_flag(clip, "clip")

    def update(g, state, params=None):
        t = state.step + 1
        if t == 1:
            return np.zeros_like(state.m), ScaleByAdoptState(1, state.m, g * g)
        normed = g / np.maximum(np.sqrt(state.v), eps)
        if clip:
            bound = t**0.25
            normed = np.clip(normed, -bound, bound)
        m = _ewa(state.m, beta1, normed)
        return m.copy(), ScaleByAdoptState(t, m, _ewa(state.v, beta2, g * g))

    return GradientTransformation(
        lambda params: ScaleByAdoptState(0, _zeros(params), _zeros(params)), update
    )


def _ratio(a, b):
    """``a/b``, and 0 where b = 0 (schedulefree's c when every weight so far is 0)."""
    if np.all(b > 0):
        return a / b
    return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)


class ScheduleFreeState(NamedTuple):
    step: int  # k: updates so far
    z: np.ndarray  # the base optimizer's iterate (its plain steps)
    x: np.ndarray  # the weighted average of the z's: the point schedule-free reports (eval)
    weight_sum: float | np.ndarray  # Σ of the averaging weights so far
    lr_max: float | np.ndarray  # the largest α so far (the weights grow with it in warm-up)
    base: object  # the base optimizer's state


def schedule_free(
    base: GradientTransformation, lr, momentum=0.9, r=0.0, weight_lr_power=2.0
) -> GradientTransformation:
    """Schedule-Free averaging (Defazio et al. 2024) around ``base``, whose update is the step
    of the iterate z (it must include −α_k). At step k (from 0), with α_k = ``lr``(k):
    ``z_{k+1} = z_k + base(g at y_k)``; weight ``w = (k+1)^r·max_{i≤k}α_i^{p}`` (p =
    ``weight_lr_power``), ``c = w/Σw``; ``x_{k+1} = (1−c)·x_k + c·z_{k+1}``;
    ``y_{k+1} = β·x_{k+1} + (1−β)·z_{k+1}`` (β = ``momentum``), with x₀ = y₀ = z₀ = θ₀.

    The params are y, the point where the next gradient is taken (schedulefree's train mode),
    and the update is y_{k+1} − θ. The averaged x (what it evaluates and reports in eval
    mode) and z are in the state. ``lr`` here only sets the averaging weights."""
    lr = check(lr, "lr", allow_schedule=True)
    momentum = check(momentum, "momentum", 0.0, 1.0, high_open=True)
    r = check(r, "r")
    weight_lr_power = check(weight_lr_power, "weight_lr_power")

    def update(g, state, params=None):
        k = state.step
        lr_max = np.maximum(state.lr_max, value_at(lr, k))
        weight = (k + 1) ** r * lr_max**weight_lr_power
        weight_sum = state.weight_sum + weight
        c = _ratio(weight, weight_sum)
        step, base_state = base.update(g, state.base, params)
        z = state.z + step
        x = _accumulate(state.x, 1.0 - c, c, z)
        y = _accumulate(z, 1.0 - momentum, momentum, x)
        new = ScheduleFreeState(k + 1, z, x, weight_sum, lr_max, base_state)
        return y - params, new

    def init(params):
        params = np.asarray(params, dtype=float)
        return ScheduleFreeState(0, params.copy(), params.copy(), 0.0, 0.0, base.init(params))

    return GradientTransformation(init, update)


class ProdigyState(NamedTuple):
    """Per point (reductions over the last axis): each point estimates its own d."""

    step: int  # updates so far (a schedule's argument)
    k: np.ndarray  # steps each point has taken (the reference skips a step while Σ|s| = 0)
    m: np.ndarray  # d-weighted average of g (not ``mu``: scaled by d, see ``prodigy``)
    v: np.ndarray  # d²-weighted average of g²
    s: np.ndarray  # d-weighted sum of gradients, decayed by β₃
    p0: np.ndarray  # the starting point θ₀
    d: np.ndarray  # the step-size estimate, from d₀ up
    d_max: np.ndarray
    d_numerator: np.ndarray  # Σ of (d/d₀)·dα·⟨g, θ₀ − θ⟩, decayed by β₃


def _sum_points(x: np.ndarray) -> np.ndarray:
    """Σ over the last axis, kept as an axis of length 1. For two coordinates x₀ + x₁, the number
    NumPy's sum gives (up to the sign of a zero), without a reduction's overhead."""
    if x.shape[-1] == 2:
        return x[..., :1] + x[..., 1:]
    return np.sum(x, axis=-1, keepdims=True)


def _prodigy_d(state, g, params, dlr, d0, beta3, d_coef, growth_rate, safeguard):
    """The new s, Σ|s|, numerator and the d, d_max it gives (as prodigyopt orders them)."""
    d = state.d
    ratio = d / d0
    travelled = state.p0 - params
    travelled *= g
    numerator = state.d_numerator * beta3
    numerator += (ratio * dlr) * _sum_points(travelled)
    s = _accumulate(state.s, beta3, ratio * (d if safeguard else dlr), g)
    denominator = _sum_points(np.abs(s))
    moved = denominator > 0
    all_moved = bool(moved.all())  # the common case: no masking needed
    d_hat = d_coef * numerator
    d_hat /= denominator if all_moved else np.where(moved, denominator, 1.0)
    new_d = np.where(d == d0, np.maximum(d, d_hat), d)
    d_max = np.maximum(state.d_max, d_hat)
    new_d *= growth_rate
    np.minimum(d_max, new_d, out=new_d)
    if all_moved:
        return s, moved, all_moved, numerator, new_d, d_max
    keep = ~moved
    numerator = np.where(keep, state.d_numerator, numerator)
    new_d, d_max = np.where(keep, d, new_d), np.where(keep, state.d_max, d_max)
    return s, moved, all_moved, numerator, new_d, d_max


def prodigy_update(
    lr, betas, beta3, eps, weight_decay, decouple, bias_correction, safeguard, d0, d_coef, growth
) -> GradientTransformation:
    """Prodigy's whole step, −(its own step size)·direction; see ``optim.alias.prodigy``."""
    beta1, beta2 = betas

    def update(g, state, params=None):
        # Written for many points: new arrays finished in place, and the terms that are 0
        # (no weight decay) or masks that keep everything (every point moved) skipped.
        k, d = state.k, state.d
        dlr = d * value_at(lr, state.step)
        if bias_correction:
            dlr = dlr * (np.sqrt(1.0 - beta2 ** (k + 1)) / (1.0 - beta1 ** (k + 1)))
        decays = bool(np.any(weight_decay))
        if decays and not decouple:
            g = g + weight_decay * params
        m = _accumulate(state.m, beta1, d * (1.0 - beta1), g) if beta1 > 0 else state.m
        squares = g * g
        squares *= d * d * (1.0 - beta2)
        v = beta2 * state.v
        v += squares
        s, moved, all_moved, numerator, new_d, d_max = _prodigy_d(
            state, g, params, dlr, d0, beta3, d_coef, growth, safeguard
        )
        out = np.sqrt(v)
        out += new_d * eps
        if beta1 > 0:
            np.divide(m, out, out=out)
            out *= -dlr
        else:
            np.divide(g, out, out=out)
            out *= -dlr * new_d
        if decays and decouple:
            out -= weight_decay * dlr * params
        if not all_moved:
            out = np.where(moved, out, 0.0)
        new = ProdigyState(state.step + 1, k + moved, m, v, s, state.p0, new_d, d_max, numerator)
        return out, new

    def init(params):
        params = np.asarray(params, dtype=float)
        d = np.full((*params.shape[:-1], 1), d0, dtype=float)
        zeros, k = _zeros(params), np.zeros(d.shape, dtype=int)
        return ProdigyState(0, k, zeros, zeros, zeros, params.copy(), d, d.copy(), d * 0.0)

    return GradientTransformation(init, update)


class ScaleByAdemamixState(NamedTuple):
    """Adam's m and v are here as ``m`` and ``v``, not ``mu``/``nu``: the step anatomy reads
    those as the whole step's average, which the slow average changes."""

    step: int
    m: np.ndarray  # fast average of g (β₁), bias-corrected in the output
    v: np.ndarray  # average of g² (β₂), bias-corrected in the output
    slow: np.ndarray  # slow average of g (β₃), not corrected


def ademamix_warmups(t: int, alpha, beta1, beta3, t_warmup):
    """α_t = min(tα/T, α) and β₃(t) = min(exp(ln β₁ ln β₃/((1−f) ln β₃ + f ln β₁)), β₃) with
    f = t/T, for T = ``t_warmup`` > 0 (the paper's schedulers); (α, β₃) when T = 0. f is held
    at 1 past T, which changes nothing when β₃ ≥ β₁ (β₃(t) is then β₃ from T on) and keeps
    the denominator from crossing 0 when β₃ < β₁."""
    if not np.any(t_warmup):
        return alpha, beta3
    frac = np.minimum(t / t_warmup, 1.0)
    log1, log3 = np.log(beta1), np.log(beta3)
    return np.minimum(t * alpha / t_warmup, alpha), np.minimum(
        np.exp(log1 * log3 / ((1.0 - frac) * log3 + frac * log1)), beta3
    )


def scale_by_ademamix(
    betas=(0.9, 0.999), beta3=0.9999, alpha=5.0, t_alpha_beta3=0.0, eps=1e-8
) -> GradientTransformation:
    """AdEMAMix (Pagliardini et al. 2024): ``m = β₁m + (1−β₁)g``, ``v = β₂v + (1−β₂)g²``,
    ``s = β₃(t)s + (1−β₃(t))g`` (m = v = s = 0 at first); output
    ``(m/(1−β₁ᵗ) + α_t·s)/(√v/√(1−β₂ᵗ) + ε)`` with the warm-ups of ``ademamix_warmups``.
    With a warm-up β₁ and β₃ must be above 0 (their logarithms)."""
    beta1, beta2 = check_betas(betas)
    beta3 = check(beta3, "beta3", 0.0, 1.0, high_open=True)
    alpha = check(alpha, "alpha")
    t_alpha_beta3 = check(t_alpha_beta3, "t_alpha_beta3")
    eps = check(eps, "eps")
    if np.any(t_alpha_beta3) and np.any((np.asarray(beta1) <= 0) | (np.asarray(beta3) <= 0)):
        raise ValueError("betas[0] and beta3 must be above 0 with a warm-up t_alpha_beta3")

    def update(g, state, params=None):
        t = state.step + 1
        alpha_t, beta3_t = ademamix_warmups(t, alpha, beta1, beta3, t_alpha_beta3)
        m, v = _ewa(state.m, beta1, g), _ewa(state.v, beta2, g * g)
        slow = _ewa(state.slow, beta3_t, g)
        denominator = np.sqrt(v) / np.sqrt(1.0 - np.power(beta2, t)) + eps
        out = m / (1.0 - np.power(beta1, t)) + alpha_t * slow
        return out / denominator, ScaleByAdemamixState(t, m, v, slow)

    def init(params):
        return ScaleByAdemamixState(0, _zeros(params), _zeros(params), _zeros(params))

    return GradientTransformation(init, update)


class LookaheadState(NamedTuple):
    step: int  # inner steps so far
    slow: np.ndarray  # the slow weights φ (θ₀ at first)
    inner: object  # the inner optimizer's state (never reset)


def lerp(start, end, weight):
    """``start + w·(end − start)``, evaluated as torch.lerp does: from the nearer end (w < ½
    from ``start``), for a float w or one per point."""
    if np.ndim(weight) == 0:
        if weight < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1.0 - weight)
    near_start = start + weight * (end - start)
    return np.where(weight < 0.5, near_start, end - (end - start) * (1.0 - weight))


def lookahead(inner: GradientTransformation, k=5, alpha=0.5) -> GradientTransformation:
    """Lookahead (Zhang et al. 2019) around ``inner``: the fast weights θ take inner's steps;
    after every k-th step φ ← φ + α·(θ − φ) and θ ← φ (slow weights φ₀ = θ₀), as
    pytorch-optimizer's ``Lookahead`` (pullback_momentum 'none': inner's state carries on).
    The params are the fast weights; φ is ``state.slow``."""
    k = check_count(k, "k", 1)
    alpha = check(alpha, "alpha", 0.0, 1.0)
    if np.ndim(alpha):
        raise ValueError(f"alpha must be one number, got {alpha!r}")

    def update(g, state, params=None, **extras):  # extras: what inner asks for (optim.base)
        step, inner_state = inner.update(g, state.inner, params, **extras)
        t = state.step + 1
        if t % k:
            return step, LookaheadState(t, state.slow, inner_state)
        slow = lerp(params + step, state.slow, 1.0 - alpha)
        return slow - params, LookaheadState(t, slow, inner_state)

    def init(params):
        params = np.asarray(params, dtype=float)
        return LookaheadState(0, params.copy(), inner.init(params))

    return GradientTransformation(init, update, asks=inner.asks)


class ScaleByBeliefState(NamedTuple):
    """AdaBelief's, Yogi's and Signum's m is not named ``mu`` (read by ``optim.averages``) for
    now: the step-anatomy view would then offer them, and it has not been checked with them."""

    step: int
    m: np.ndarray  # the average of g
    belief: np.ndarray  # s: the average of (g − m)² plus ε per step (not g²: no ``nu``)
    m_correction: float | np.ndarray  # 1 − β₁ᵗ


def scale_by_belief(betas=(0.9, 0.999), eps=1e-16) -> GradientTransformation:
    """AdaBelief (Zhuang et al. 2020) as pytorch-optimizer computes it (no rectification):
    ``m_t = β₁m + (1−β₁)g``; ``s_t = β₂s + (1−β₂)(g − m_t)² + ε`` (the new m, and ε added
    inside every step); output ``m_t/((1−β₁ᵗ)·(√s_t/√(1−β₂ᵗ) + ε))``."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        t = state.step + 1
        m = _ewa(state.m, beta1, g)
        residual = g - m
        belief = _ewa(state.belief, beta2, residual * residual) + eps
        correction = 1.0 - np.power(beta1, t)
        out = m / (np.sqrt(belief) / np.sqrt(1.0 - np.power(beta2, t)) + eps)
        return out / correction, ScaleByBeliefState(t, m, belief, correction)

    return GradientTransformation(
        lambda params: ScaleByBeliefState(0, _zeros(params), _zeros(params), 1.0), update
    )


class ScaleByYogiState(NamedTuple):
    step: int
    m: np.ndarray  # the average of g, starting at the initial accumulator (not 0)
    v: np.ndarray  # Yogi's additive second moment (not an average: no ``nu``)
    m_correction: float | np.ndarray  # 1 − β₁ᵗ


def scale_by_yogi(betas=(0.9, 0.999), eps=1e-3, initial_accumulator=1e-6):
    """Yogi (Zaheer et al. 2018) as pytorch-optimizer computes it: m₀ = v₀ = the initial
    accumulator; ``m_t = β₁m + (1−β₁)g``; ``v_t = v − (1−β₂)·sign(v − g²)·g²`` (v moves
    towards g² by at most (1−β₂)g², never multiplicatively); output
    ``m_t/((1−β₁ᵗ)·(√v_t/√(1−β₂ᵗ) + ε))``."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")
    initial_accumulator = check(initial_accumulator, "initial_accumulator")

    def update(g, state, params=None):
        t = state.step + 1
        m = _ewa(state.m, beta1, g)
        square = g * g
        v = state.v - (1.0 - beta2) * np.sign(state.v - square) * square
        correction = 1.0 - np.power(beta1, t)
        out = m / (np.sqrt(v) / np.sqrt(1.0 - np.power(beta2, t)) + eps)
        return out / correction, ScaleByYogiState(t, m, v, correction)

    def init(params):
        start = np.full_like(params, initial_accumulator, dtype=float)
        return ScaleByYogiState(0, start, start.copy(), 1.0)

    return GradientTransformation(init, update)


class ScaleBySignumState(NamedTuple):
    step: int
    m: np.ndarray  # the momentum average of g, m₀ = 0


def scale_by_signum(momentum=0.9) -> GradientTransformation:
    """Signum (Bernstein et al. 2018): ``m_t = μm + (1−μ)g`` (m₀ = 0), output ``sign(m_t)``;
    with μ = 0, signSGD: ``sign(g)``."""
    momentum = check(momentum, "momentum", 0.0, 1.0, high_open=True)

    def update(g, state, params=None):
        m = _ewa(state.m, momentum, g)
        return np.sign(m), ScaleBySignumState(state.step + 1, m)

    return GradientTransformation(lambda params: ScaleBySignumState(0, _zeros(params)), update)


__all__ = [
    "AddNoiseState",
    "EmptyState",
    "LookaheadState",
    "ProdigyState",
    "ScaleByAdadeltaState",
    "ScaleByAdagradState",
    "ScaleByAdamState",
    "ScaleByAdamaxState",
    "ScaleByAdemamixState",
    "ScaleByAdoptState",
    "ScaleByBeliefState",
    "ScaleByLionState",
    "ScaleByLrState",
    "ScaleByNadamState",
    "ScaleByRadamState",
    "ScaleByRmsState",
    "ScaleBySignumState",
    "ScaleByYogiState",
    "ScheduleFreeState",
    "TraceState",
    "add_decayed_weights",
    "add_noise",
    "clip_by_norm",
    "clip_by_value",
    "lookahead",
    "prodigy_update",
    "scale_by_adadelta",
    "scale_by_adagrad",
    "scale_by_adam",
    "scale_by_adamax",
    "scale_by_ademamix",
    "scale_by_adopt",
    "scale_by_belief",
    "scale_by_lion",
    "scale_by_lr",
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_rms",
    "scale_by_signum",
    "scale_by_yogi",
    "schedule_free",
    "trace",
]
