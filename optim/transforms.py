"""Building blocks. Each named optimizer (optim.alias) is a short chain of these.

Notation: g is the incoming update (the gradient at the start of a chain), t = 1, 2, ... the
step, θ the params. Every state is a small immutable NamedTuple declared right above the
transformation that owns it; ``update`` returns a new one and never mutates its input.
"""

import itertools
import math
from typing import NamedTuple

import numpy as np

from optim.base import (
    EmptyState,
    check,
    check_betas,
    check_count,
    check_flag,
    stateless,
    transformation,
    value_at,
)


def _accumulate(average, decay, weight, x, tmp):
    """In place, for the kernels: ``average ← decay·average + weight·x``, rounded exactly as
    the pure form ``decay * average + weight * x``. ``tmp`` may be ``x`` itself."""
    np.multiply(average, decay, out=average)
    np.add(average, np.multiply(weight, x, out=tmp), out=average)


def _unit(step: int) -> float:
    """The factor of a transform whose output no learning rate was folded into."""
    return 1.0


def _moments(m, v, g, beta1, beta2):
    """Adam's running means of g and g²: ``β₁m + (1−β₁)g`` and ``β₂v + (1−β₂)g²``."""
    return beta1 * m + (1.0 - beta1) * g, beta2 * v + (1.0 - beta2) * (g * g)


def _moments_in_place(m, v, g, beta1, beta2, tmp):
    """``_moments`` for the kernels, into m and v."""
    _accumulate(m, beta1, 1.0 - beta1, g, tmp)
    _accumulate(v, beta2, 1.0 - beta2, np.multiply(g, g, out=tmp), tmp)


# ---------------------------------------------------------------- stateless transforms


def add_decayed_weights(weight_decay=0.0):
    """``g + λ·θ``. Before a scaler this is L2 regularisation (torch's ``weight_decay``);
    after it and before ``scale_by_lr`` it is decoupled decay θ ← θ − α·λ·θ (AdamW, Lion)."""
    weight_decay = check(weight_decay, "weight_decay")

    def kernel(params):
        decay = np.empty_like(params, dtype=float)

        def apply(g, params, out):
            return np.add(g, np.multiply(weight_decay, params, out=decay), out=out)

        return apply

    return stateless(lambda g, params: g + weight_decay * params, weight_decay, kernel=kernel)


def clip_by_value(max_value):
    """Clamp every entry of g to ``[−max_value, max_value]``."""
    max_value = check(max_value, "max_value")
    return stateless(lambda g, params: np.clip(g, -max_value, max_value), max_value)


def clip_by_norm(max_norm):
    """Rescale each point's g (the last axis) to Euclidean norm at most ``max_norm``."""
    max_norm = check(max_norm, "max_norm")

    def clip(g, params):
        norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True))
        return g * (max_norm / np.maximum(norm, max_norm)) if np.any(norm > max_norm) else g

    return stateless(clip, max_norm)


class ScaleByLrState(NamedTuple):
    step: int  # updates applied so far: the schedule's argument


def scale_by_lr(lr):
    """``−α(t)·g``: the descent step, with ``lr`` a float, an array or a schedule."""
    lr = check(lr, "lr", allow_schedule=True)

    def update(g, state, params=None):
        return -value_at(lr, state.step) * g, ScaleByLrState(state.step + 1)

    def kernel(params):
        steps = itertools.count()

        def apply(g, params, out):
            return np.multiply(g, -value_at(lr, next(steps)), out=out)

        return apply

    def floats(size):
        if not callable(lr):
            times = (-float(lr)).__mul__  # −α·g, entry by entry
            return lambda g, params: list(map(times, g))
        steps = itertools.count()
        return lambda g, params: list(map((-float(lr(next(steps)))).__mul__, g))

    update.descent = lr  # what chain folds into the transform before this one
    return transformation(
        lambda params: ScaleByLrState(0), update, lr, kernel=kernel, floats=floats
    )


class AddNoiseState(NamedTuple):
    step: int


def add_noise(sigma, seed: int = 0):
    """``g + σ(t)·ξ_t`` with ξ_t standard normal, drawn from a Philox stream keyed by ``seed``
    with its own counter block per step, so runs are reproducible and ``update`` stays pure.
    Put it first in a chain to mimic stochastic gradients."""
    sigma = check(sigma, "sigma", allow_schedule=True)
    seed = check_count(seed, "seed")

    def noisy(g, step):
        stream = np.random.Generator(np.random.Philox(key=seed, counter=[0, step, 0, 0]))
        return g + value_at(sigma, step) * stream.standard_normal(np.shape(g))

    def update(g, state, params=None):
        return noisy(g, state.step), AddNoiseState(state.step + 1)

    def kernel(params):
        steps = itertools.count()
        return lambda g, params, out: noisy(g, next(steps))

    # Splitting points into blocks would restart the noise stream in each block.
    return transformation(lambda params: AddNoiseState(0), update, rowwise=False, kernel=kernel)


# ---------------------------------------------------------------- momentum


class TraceState(NamedTuple):
    step: int
    velocity: np.ndarray


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
        first = t == 1 and init == "gradient"
        v = np.array(g, dtype=float) if first else beta * state.velocity + (1.0 - dampening) * g
        out = g + beta * v if nesterov else v
        if bias_correction:
            out = out / (1.0 - beta**t)
        return out, TraceState(t, v)

    def init_fn(params):
        return TraceState(0, np.zeros_like(params, dtype=float))

    def kernel(params):
        v, tmp = np.zeros_like(params, dtype=float), np.empty_like(params, dtype=float)
        steps = itertools.count(1)

        def apply(g, params, out):
            t = next(steps)
            if t == 1 and init == "gradient":
                v[...] = g
            else:
                _accumulate(v, beta, 1.0 - dampening, g, tmp)
            if nesterov:
                np.add(g, np.multiply(beta, v, out=tmp), out=out)
            else:
                np.copyto(out, v)
            return np.divide(out, 1.0 - beta**t, out=out) if bias_correction else out

        return apply

    return transformation(init_fn, update, beta, dampening, kernel=kernel)


# ---------------------------------------------------------------- adaptive scalers


class ScaleByRmsState(NamedTuple):
    step: int
    square_avg: np.ndarray
    grad_avg: np.ndarray | None  # only when centered


def scale_by_rms(alpha=0.99, eps=1e-8, centered=False):
    """``s_t = α·s_{t−1} + (1−α)·g²`` (s₀ = 0), output ``g / (√s_t + ε)`` (ε outside the root,
    as PyTorch). ``centered`` subtracts the squared running mean ``ḡ_t²`` under the root; that
    difference is clamped at 0 against rounding (where PyTorch would take √ of −1e-17)."""
    alpha = check(alpha, "alpha", 0.0, 1.0, high_open=True)
    eps = check(eps, "eps")
    centered = check_flag(centered, "centered")

    def update(g, state, params=None):
        s = alpha * state.square_avg + (1.0 - alpha) * (g * g)
        mean = alpha * state.grad_avg + (1.0 - alpha) * g if centered else None
        variance = np.maximum(s - mean * mean, 0.0) if centered else s
        return g / (np.sqrt(variance) + eps), ScaleByRmsState(state.step + 1, s, mean)

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByRmsState(0, zeros, zeros if centered else None)

    def kernel(params):
        s, mean, tmp = (np.zeros_like(params, dtype=float) for _ in range(3))

        def apply(g, params, out):
            _accumulate(s, alpha, 1.0 - alpha, np.multiply(g, g, out=tmp), tmp)
            if centered:
                _accumulate(mean, alpha, 1.0 - alpha, g, tmp)
                np.maximum(np.subtract(s, np.multiply(mean, mean, out=tmp), out=tmp), 0.0, out=tmp)
                np.sqrt(tmp, out=tmp)
            else:
                np.sqrt(s, out=tmp)
            np.add(tmp, eps, out=tmp)
            return np.divide(g, tmp, out=out)

        return apply

    return transformation(init, update, alpha, eps, kernel=kernel)


class ScaleByAdagradState(NamedTuple):
    step: int
    sum_sq: np.ndarray


def scale_by_adagrad(initial_accumulator_value=0.0, eps=1e-10):
    """``S_t = S_{t−1} + g²`` (S₀ = initial_accumulator_value), output ``g / (√S_t + ε)``."""
    initial = check(initial_accumulator_value, "initial_accumulator_value")
    eps = check(eps, "eps")

    def update(g, state, params=None):
        total = state.sum_sq + g * g
        return g / (np.sqrt(total) + eps), ScaleByAdagradState(state.step + 1, total)

    def init(params):
        return ScaleByAdagradState(0, np.zeros_like(params, dtype=float) + initial)

    def kernel(params):
        total, tmp = init(params).sum_sq, np.empty_like(params, dtype=float)

        def apply(g, params, out):
            np.add(total, np.multiply(g, g, out=tmp), out=total)
            return np.divide(g, np.add(np.sqrt(total, out=tmp), eps, out=tmp), out=out)

        return apply

    return transformation(init, update, initial, eps, kernel=kernel)


class ScaleByAdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray  # v: running mean of g²
    acc_delta: np.ndarray  # u: running mean of Δ²


def scale_by_adadelta(rho=0.9, eps=1e-6):
    """``v_t = ρv + (1−ρ)g²``, ``Δ_t = √(u_{t−1} + ε) / √(v_t + ε) · g``,
    ``u_t = ρu + (1−ρ)Δ_t²`` (ε inside both roots, as PyTorch); output Δ_t."""
    rho = check(rho, "rho", 0.0, 1.0)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        v = rho * state.square_avg + (1.0 - rho) * (g * g)
        delta = np.sqrt(state.acc_delta + eps) / np.sqrt(v + eps) * g
        u = rho * state.acc_delta + (1.0 - rho) * (delta * delta)
        return delta, ScaleByAdadeltaState(state.step + 1, v, u)

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByAdadeltaState(0, zeros, zeros)

    def kernel(params):
        v, u, tmp, root = (np.zeros_like(params, dtype=float) for _ in range(4))

        def apply(g, params, out):
            _accumulate(v, rho, 1.0 - rho, np.multiply(g, g, out=tmp), tmp)
            np.sqrt(np.add(u, eps, out=tmp), out=tmp)
            np.divide(tmp, np.sqrt(np.add(v, eps, out=root), out=root), out=tmp)
            delta = np.multiply(tmp, g, out=out)
            _accumulate(u, rho, 1.0 - rho, np.multiply(delta, delta, out=tmp), tmp)
            return delta

        return apply

    return transformation(init, update, rho, eps, kernel=kernel)


class ScaleByAdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray  # m
    exp_avg_sq: np.ndarray  # v
    max_exp_avg_sq: np.ndarray | None  # only with amsgrad


def scale_by_adam(betas=(0.9, 0.999), eps=1e-8, amsgrad=False):
    """``m_t = β₁m + (1−β₁)g``, ``v_t = β₂v + (1−β₂)g²`` (m₀ = v₀ = 0), output
    ``m̂ / (√v̂ + ε)`` with ``m̂ = m_t/(1−β₁ᵗ)``, ``v̂ = v_t/(1−β₂ᵗ)``. With ``amsgrad`` v̂ uses
    the running maximum of the raw v_t, bias-corrected afterwards (as PyTorch).

    Computed as PyTorch's implementation arranges it, ``(c₂/c₁)·m_t/(√v_t + ε·c₂)`` with
    c₁ = 1−β₁ᵗ and c₂ = √(1−β₂ᵗ): the corrections fold into two scalars, leaving one root and
    one division per entry (those dominate the cost)."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")
    amsgrad = check_flag(amsgrad, "amsgrad")

    def update(g, state, params=None):
        t = state.step + 1
        m, v = _moments(state.exp_avg, state.exp_avg_sq, g, beta1, beta2)
        v_max = np.maximum(state.max_exp_avg_sq, v) if amsgrad else None
        root2, scale = corrections(t)
        out = m / (np.sqrt(v_max if amsgrad else v) + eps * root2) * scale
        return out, ScaleByAdamState(t, m, v, v_max)

    def corrections(t):
        """c₂ = √(1−β₂ᵗ) and c₂/c₁."""
        root2 = (1.0 - beta2**t) ** 0.5  # a float stays a float: this runs every step
        return root2, root2 / (1.0 - beta1**t)

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByAdamState(0, zeros, zeros, zeros if amsgrad else None)

    def kernel(params):
        # The moments are kept divided by their weights, M = m/(1−β₁) and S = v/(1−β₂), so
        # each step is M ← β₁M + g and S ← β₂S + g² (a multiplication less for each), and
        # the weights fold into the step's two scalars: m̂/(√v̂ + ε) = s·M/(√S + f) with
        # s = (c₂/c₁)·(1−β₁)/√(1−β₂) and f = ε·c₂/√(1−β₂). Equal to ``update`` up to rounding.
        # g is read twice, first thing, so ``out`` (which may be g) serves as the only scratch:
        # fewer arrays for the CPU's caches to hold.
        m, v = np.zeros_like(params, dtype=float), np.zeros_like(params, dtype=float)
        v_max = np.zeros_like(v) if amsgrad else v
        steps = itertools.count(1)
        weight1, root_weight2 = 1.0 - beta1, (1.0 - beta2) ** 0.5

        def apply(g, params, out):
            root2, scale = corrections(next(steps))
            np.multiply(m, beta1, out=m)
            np.add(m, g, out=m)
            np.multiply(v, beta2, out=v)
            np.add(v, np.multiply(g, g, out=out), out=v)
            if amsgrad:
                np.maximum(v_max, v, out=v_max)
            floor = eps * root2 / root_weight2
            np.add(np.sqrt(v_max, out=out), floor, out=out)
            return np.multiply(np.divide(m, out, out=out), scale * weight1 / root_weight2, out=out)

        return apply

    def floats(size, factor=_unit):
        m, v = [0.0] * size, [0.0] * size
        weight1, weight2, sqrt = 1.0 - beta1, 1.0 - beta2, math.sqrt
        steps = itertools.count(1)

        def apply(g, params):
            t = next(steps)
            root2, scale = corrections(t)
            floor, out, f = eps * root2, [], float(factor(t - 1))  # f·u: as update, 1·u = u
            for i, entry in enumerate(g):  # one loop: three list comprehensions cost 3× more
                m[i] = mi = beta1 * m[i] + weight1 * entry
                v[i] = vi = beta2 * v[i] + weight2 * (entry * entry)
                out.append(f * (mi / (sqrt(vi) + floor) * scale))
            return out

        return apply

    # Python raises on x/0 where NumPy gives inf or NaN: plain floats only when the
    # denominator √v + ε·c₂ cannot vanish (ε·c₂ ≥ ε·√(1−β₂) stays above zero), and no amsgrad.
    shared = isinstance(eps, float) and isinstance(beta2, float)
    positive = shared and eps * math.sqrt(1.0 - beta2) > 0.0
    return transformation(
        init,
        update,
        beta1,
        beta2,
        eps,
        kernel=kernel,
        floats=floats if positive and not amsgrad else None,
        folds=True,
    )


class ScaleByAdamaxState(NamedTuple):
    step: int
    exp_avg: np.ndarray  # m
    exp_inf: np.ndarray  # u: decaying infinity norm


def scale_by_adamax(betas=(0.9, 0.999), eps=1e-8):
    """``m_t = β₁m + (1−β₁)g``, ``u_t = max(β₂u, |g| + ε)`` (ε added to |g|, as PyTorch),
    output ``m_t / ((1−β₁ᵗ)·u_t)``."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")

    def update(g, state, params=None):
        t = state.step + 1
        m = beta1 * state.exp_avg + (1.0 - beta1) * g
        u = np.maximum(beta2 * state.exp_inf, np.abs(g) + eps)
        return m / ((1.0 - beta1**t) * u), ScaleByAdamaxState(t, m, u)

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByAdamaxState(0, zeros, zeros)

    def kernel(params):
        m, u, tmp = (np.zeros_like(params, dtype=float) for _ in range(3))
        steps = itertools.count(1)

        def apply(g, params, out):
            t = next(steps)
            _accumulate(m, beta1, 1.0 - beta1, g, tmp)
            np.multiply(u, beta2, out=u)
            np.maximum(u, np.add(np.abs(g, out=tmp), eps, out=tmp), out=u)
            return np.divide(m, np.multiply(1.0 - beta1**t, u, out=tmp), out=out)

        return apply

    return transformation(init, update, beta1, beta2, eps, kernel=kernel)


class ScaleByNadamState(NamedTuple):
    step: int
    mu_product: float | np.ndarray  # ∏ μ_i up to t
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def scale_by_nadam(betas=(0.9, 0.999), eps=1e-8, momentum_decay=4e-3):
    """Dozat's NAdam as PyTorch: ``μ_t = β₁(1 − ½·0.96^{tψ})`` (ψ = momentum_decay),
    m and v as Adam, ``v̂ = v_t/(1−β₂ᵗ)``, output
    ``[μ_{t+1}·m_t/(1 − ∏_{i≤t+1}μ_i) + (1−μ_t)·g/(1 − ∏_{i≤t}μ_i)] / (√v̂ + ε)``."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")
    psi = check(momentum_decay, "momentum_decay")

    def coefficients(t, previous_product):
        """μ_t-product and the weights of m_t and g_t at step t."""
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        product = previous_product * mu
        return product, mu_next / (1.0 - product * mu_next), (1.0 - mu) / (1.0 - product)

    def update(g, state, params=None):
        t = state.step + 1
        product, m_weight, g_weight = coefficients(t, state.mu_product)
        m, v = _moments(state.exp_avg, state.exp_avg_sq, g, beta1, beta2)
        denom = np.sqrt(v / (1.0 - beta2**t)) + eps
        out = m_weight * m / denom + g_weight * g / denom
        return out, ScaleByNadamState(t, product, m, v)

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByNadamState(0, 1.0, zeros, zeros)

    def kernel(params):
        m, v, denom, tmp = (np.zeros_like(params, dtype=float) for _ in range(4))
        steps, product = itertools.count(1), 1.0

        def apply(g, params, out):
            nonlocal product
            t = next(steps)
            product, m_weight, g_weight = coefficients(t, product)
            _moments_in_place(m, v, g, beta1, beta2, tmp)
            np.add(np.sqrt(np.divide(v, 1.0 - beta2**t, out=denom), out=denom), eps, out=denom)
            np.divide(np.multiply(m_weight, m, out=tmp), denom, out=tmp)
            np.divide(np.multiply(g_weight, g, out=out), denom, out=out)
            return np.add(out, tmp, out=out)

        return apply

    return transformation(init, update, beta1, beta2, eps, psi, kernel=kernel)


class ScaleByRadamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def scale_by_radam(betas=(0.9, 0.999), eps=1e-8):
    """Liu et al.'s RAdam as PyTorch: m, v as Adam, ``ρ_∞ = 2/(1−β₂) − 1``,
    ``ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)``. When ρ_t > 5 the output is
    ``m̂·r_t·√(1−β₂ᵗ)/(√v_t + ε)`` with ``r_t = √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t))``,
    otherwise plain ``m̂`` (SGD with momentum while the variance estimate is unreliable)."""
    beta1, beta2 = check_betas(betas)
    eps = check(eps, "eps")

    def rectification(t):
        """Where ρ_t > 5, and the factor r_t·√(1−β₂ᵗ) of the adaptive step there (plain
        Python floats when β₂ is a float: this runs every step)."""
        correction2 = 1.0 - beta2**t
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho = rho_inf - 2.0 * t * beta2**t / correction2
        rectified = rho > 5.0
        if isinstance(rectified, bool):
            if not rectified:
                return False, 0.0
            sqrt = math.sqrt
        else:  # where not rectified ρ ≤ ρ_∞ ≤ 5: substitute 6 there so r_t stays defined
            rho, rho_inf, sqrt = (
                np.where(rectified, rho, 6.0),
                np.where(rectified, rho_inf, 6.0),
                np.sqrt,
            )
        r = sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        return rectified, r * sqrt(correction2)

    def update(g, state, params=None):
        t = state.step + 1
        m, v = _moments(state.exp_avg, state.exp_avg_sq, g, beta1, beta2)
        m_hat = m / (1.0 - beta1**t)
        rectified, factor = rectification(t)
        if not np.any(rectified):
            return m_hat, ScaleByRadamState(t, m, v)
        adaptive = m_hat * factor / (np.sqrt(v) + eps)
        out = adaptive if np.all(rectified) else np.where(rectified, adaptive, m_hat)
        return out, ScaleByRadamState(t, m, v)

    def init(params):
        zeros = np.zeros_like(params, dtype=float)
        return ScaleByRadamState(0, zeros, zeros)

    def kernel(params):
        m, v, tmp, adaptive = (np.zeros_like(params, dtype=float) for _ in range(4))
        steps = itertools.count(1)

        def apply(g, params, out):
            t = next(steps)
            _moments_in_place(m, v, g, beta1, beta2, tmp)
            m_hat = np.divide(m, 1.0 - beta1**t, out=out)
            rectified, factor = rectification(t)
            if rectified is False or not np.any(rectified):
                return m_hat
            denom = np.add(np.sqrt(v, out=tmp), eps, out=tmp)
            if rectified is True or np.all(rectified):
                return np.divide(np.multiply(m_hat, factor, out=m_hat), denom, out=m_hat)
            np.divide(np.multiply(m_hat, factor, out=adaptive), denom, out=adaptive)
            np.copyto(m_hat, adaptive, where=np.broadcast_to(rectified, m_hat.shape))
            return m_hat

        return apply

    return transformation(init, update, beta1, beta2, eps, kernel=kernel)


class ScaleByLionState(NamedTuple):
    step: int
    exp_avg: np.ndarray


def scale_by_lion(betas=(0.9, 0.99)):
    """Chen et al. (2023): output ``sign(β₁m + (1−β₁)g)``, then ``m_t = β₂m + (1−β₂)g``."""
    beta1, beta2 = check_betas(betas)

    def update(g, state, params=None):
        direction = np.sign(beta1 * state.exp_avg + (1.0 - beta1) * g)
        m = beta2 * state.exp_avg + (1.0 - beta2) * g
        return direction, ScaleByLionState(state.step + 1, m)

    def init(params):
        return ScaleByLionState(0, np.zeros_like(params, dtype=float))

    def kernel(params):
        m, c, tmp = (np.zeros_like(params, dtype=float) for _ in range(3))

        def apply(g, params, out):
            np.multiply(m, beta1, out=c)
            np.add(c, np.multiply(1.0 - beta1, g, out=tmp), out=c)
            _accumulate(m, beta2, 1.0 - beta2, g, tmp)
            return np.sign(c, out=out)

        return apply

    return transformation(init, update, beta1, beta2, kernel=kernel)


__all__ = [
    "AddNoiseState",
    "EmptyState",
    "ScaleByAdadeltaState",
    "ScaleByAdagradState",
    "ScaleByAdamState",
    "ScaleByAdamaxState",
    "ScaleByLionState",
    "ScaleByLrState",
    "ScaleByNadamState",
    "ScaleByRadamState",
    "ScaleByRmsState",
    "TraceState",
    "add_decayed_weights",
    "add_noise",
    "clip_by_norm",
    "clip_by_value",
    "scale_by_adadelta",
    "scale_by_adagrad",
    "scale_by_adam",
    "scale_by_adamax",
    "scale_by_lion",
    "scale_by_lr",
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_rms",
    "trace",
]
