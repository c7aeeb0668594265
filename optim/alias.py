"""Named optimizers: short chains of the building blocks in optim.transforms.

Keyword names and defaults are torch.optim's (the article's forms ``gd``, ``momentum`` and
``nesterov`` have none there). In the rules below g_t is the gradient at θ_{t−1}, α the learning
rate (a float, an array broadcasting over points, or a schedule), λ the weight decay, and
products and divisions are elementwise.
"""

import numpy as np

from optim import fused
from optim.adan import proximal_weight_decay, scale_by_adan
from optim.base import (
    GradientTransformation,
    chain,
    check,
    check_betas,
    check_count,
    check_flag,
    value_at,
)
from optim.orthogonalize import scale_by_muon
from optim.partition import Layout, partition
from optim.sharpness import sam
from optim.sophia import scale_by_sophia
from optim.transforms import (
    add_decayed_weights,
    lookahead,
    prodigy_update,
    scale_by_adadelta,
    scale_by_adagrad,
    scale_by_adam,
    scale_by_adamax,
    scale_by_ademamix,
    scale_by_adopt,
    scale_by_belief,
    scale_by_lion,
    scale_by_lr,
    scale_by_nadam,
    scale_by_radam,
    scale_by_rms,
    scale_by_signum,
    scale_by_yogi,
    schedule_free,
    trace,
)
from optim.trust_ratio import lamb_update, scale_by_lars


def _nonzero(value) -> bool:
    """True when a (checked) hyperparameter is not zero everywhere."""
    return bool(np.any(np.asarray(value) != 0))


def _with_weight_decay(scaler, lr, weight_decay, decoupled=False) -> GradientTransformation:
    """``scaler`` between L2 weight decay (added to g) or decoupled decay, and the lr step."""
    weight_decay = check(weight_decay, "weight_decay")
    if not _nonzero(weight_decay):
        return chain(scaler, scale_by_lr(lr))
    if decoupled:
        return chain(scaler, add_decayed_weights(weight_decay), scale_by_lr(lr))
    return chain(add_decayed_weights(weight_decay), scaler, scale_by_lr(lr))


def gd(lr=0.01) -> GradientTransformation:
    """Plain gradient descent (the article): θ_t = θ_{t−1} − α·g_t."""
    return scale_by_lr(lr)


def momentum(lr=0.01, beta=0.9, bias_correction=False) -> GradientTransformation:
    """Momentum in the article's exponentially-weighted-average form:
    v_t = β·v_{t−1} + (1−β)·g_t with v₀ = 0, θ_t = θ_{t−1} − α·v_t
    (with ``bias_correction``: − α·v_t/(1−βᵗ)).

    PyTorch's SGD momentum differs in two conventions, both options of the same ``trace``
    block: it adds the undamped gradient (v_t = β·v + g, steps 1/(1−β) times larger at steady
    state) and starts the buffer at v₁ = g₁. ``sgd(momentum=β, dampening=β)`` differs from this
    only by that first buffer value, whose trace then fades as βᵗ.
    """
    beta = check(beta, "beta", 0.0, 1.0, high_open=True)
    return chain(
        trace(beta, dampening=beta, init="zero", bias_correction=bias_correction),
        scale_by_lr(lr),
    )


def nesterov(lr=0.01, momentum=0.9) -> GradientTransformation:
    """Nesterov momentum in Sutskever et al.'s form as PyTorch writes it:
    v_t = μ·v_{t−1} + g_t (v₁ = g₁), θ_t = θ_{t−1} − α·(g_t + μ·v_t).

    This is Nesterov's look-ahead step (the gradient taken where momentum is about to carry θ)
    rewritten so that the gradient is taken at the current params; identical to
    ``sgd(lr, momentum, nesterov=True)``.
    """
    return sgd(lr, momentum=momentum, nesterov=True)


def sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """torch.optim.SGD: g ← g_t + λθ; if μ ≠ 0: b_t = μ·b_{t−1} + (1−τ)·g with b₁ = g (PyTorch's
    first step, the raw gradient), and g ← g + μ·b_t with ``nesterov`` else g ← b_t;
    θ_t = θ_{t−1} − α·g. τ is ``dampening``. Without momentum this is ``gd``."""
    nesterov = check_flag(nesterov, "nesterov")
    momentum = check(momentum, "momentum")
    dampening = check(dampening, "dampening", 0.0, 1.0)
    if nesterov or _nonzero(momentum):  # trace refuses nesterov without momentum
        return _with_weight_decay(
            trace(momentum, dampening=dampening, nesterov=nesterov), lr, weight_decay
        )
    return _with_weight_decay(chain(), lr, weight_decay)


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    """torch.optim.RMSprop: g ← g_t + λθ; s_t = α·s_{t−1} + (1−α)·g² (s₀ = 0); with
    ``centered`` s̃ = s_t − ḡ_t² where ḡ_t = α·ḡ + (1−α)·g, else s̃ = s_t; d = g/(√s̃ + ε)
    (ε outside the root); with μ ≠ 0: b_t = μ·b_{t−1} + d, d ← b_t; θ_t = θ_{t−1} − α_lr·d.

    The article's RMSProp is ``rmsprop(alpha=β)``: the same rule with its decay called β.
    """
    momentum = check(momentum, "momentum")
    scaler = scale_by_rms(alpha, eps, centered)
    if _nonzero(momentum):
        scaler = chain(scaler, trace(momentum))  # b₀ = 0 gives b₁ = d₁, as trace's v₁ = g₁
    return _with_weight_decay(scaler, lr, weight_decay)


def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    """torch.optim.Adagrad: α_t = α/(1 + (t−1)·η) with η = ``lr_decay``; g ← g_t + λθ;
    S_t = S_{t−1} + g² (S₀ = initial_accumulator_value); θ_t = θ_{t−1} − α_t·g/(√S_t + ε)."""
    lr = check(lr, "lr", allow_schedule=True)
    lr_decay = check(lr_decay, "lr_decay")
    if _nonzero(lr_decay):
        base_lr = lr

        def lr(step):
            return value_at(base_lr, step) / (1.0 + step * lr_decay)

    return _with_weight_decay(scale_by_adagrad(initial_accumulator_value, eps), lr, weight_decay)


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    """torch.optim.Adadelta: g ← g_t + λθ; v_t = ρv + (1−ρ)g²;
    Δ_t = √(u_{t−1} + ε)/√(v_t + ε)·g (ε inside both roots); u_t = ρu + (1−ρ)Δ_t²;
    θ_t = θ_{t−1} − α·Δ_t."""
    return _with_weight_decay(scale_by_adadelta(rho, eps), lr, weight_decay)


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    """torch.optim.Adam: g ← g_t + λθ (L2, coupled); m_t = β₁m + (1−β₁)g,
    v_t = β₂v + (1−β₂)g² (m₀ = v₀ = 0); m̂ = m_t/(1−β₁ᵗ); v̂ = v_t/(1−β₂ᵗ), or with
    ``amsgrad`` v̂ = max_{i≤t} v_i/(1−β₂ᵗ) (the max of the raw v, then corrected);
    θ_t = θ_{t−1} − α·m̂/(√v̂ + ε) (ε outside the root). The article's Adam is this rule.
    With float hyperparameters, no decay and no amsgrad it carries optim.fused's form."""
    opt = _with_weight_decay(scale_by_adam(betas, eps, amsgrad), lr, weight_decay)
    return opt._replace(fused=fused.adam(lr, betas, eps, weight_decay, amsgrad))


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """torch.optim.AdamW (Loshchilov & Hutter): decoupled decay θ ← θ_{t−1}·(1 − αλ), then
    the Adam step on the raw gradient: θ_t = θ − α·m̂/(√v̂ + ε). Equal to ``adam`` when λ = 0
    (with its fused form then)."""
    opt = _with_weight_decay(scale_by_adam(betas, eps, amsgrad), lr, weight_decay, True)
    return opt._replace(fused=fused.adam(lr, betas, eps, weight_decay, amsgrad))


def adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """torch.optim.Adamax: g ← g_t + λθ; m_t = β₁m + (1−β₁)g; u_t = max(β₂u, |g| + ε)
    (ε added to |g|); θ_t = θ_{t−1} − α·m_t/((1−β₁ᵗ)·u_t)."""
    return _with_weight_decay(scale_by_adamax(betas, eps), lr, weight_decay)


def nadam(
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
):
    """torch.optim.NAdam: g ← g_t + λθ (or decoupled decay as AdamW);
    μ_t = β₁(1 − ½·0.96^{tψ}) with ψ = momentum_decay; m, v as Adam; v̂ = v_t/(1−β₂ᵗ);
    θ_t = θ_{t−1} − α·[μ_{t+1}m_t/(1 − ∏_{i≤t+1}μ_i) + (1−μ_t)g/(1 − ∏_{i≤t}μ_i)]/(√v̂ + ε)."""
    decoupled = check_flag(decoupled_weight_decay, "decoupled_weight_decay")
    scaler = scale_by_nadam(betas, eps, momentum_decay)
    return _with_weight_decay(scaler, lr, weight_decay, decoupled)


def radam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False):
    """torch.optim.RAdam: g ← g_t + λθ (or decoupled decay); m, v as Adam;
    ρ_∞ = 2/(1−β₂) − 1, ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ); if ρ_t > 5:
    θ_t = θ_{t−1} − α·m̂·r_t·√(1−β₂ᵗ)/(√v_t + ε) with
    r_t = √((ρ_t−4)(ρ_t−2)ρ_∞/((ρ_∞−4)(ρ_∞−2)ρ_t)), else θ_t = θ_{t−1} − α·m̂."""
    decoupled = check_flag(decoupled_weight_decay, "decoupled_weight_decay")
    return _with_weight_decay(scale_by_radam(betas, eps), lr, weight_decay, decoupled)


def lion(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
    """Lion (Chen et al. 2023, Algorithm 2): c_t = β₁m + (1−β₁)g_t;
    θ_t = θ_{t−1} − α·(sign(c_t) + λθ_{t−1}) (decoupled decay); m_t = β₂m + (1−β₂)g_t.
    Defaults are the paper's (not in torch.optim)."""
    return _with_weight_decay(scale_by_lion(betas), lr, weight_decay, True)


def adopt(lr=1e-3, betas=(0.9, 0.9999), eps=1e-6, weight_decay=0.0, decouple=False, clip=True):
    """ADOPT (Taniguchi et al. 2024), matching pytorch-optimizer's ``ADOPT``: g ← g_t + λθ
    (or decoupled decay θ ← θ(1 − αλ) with ``decouple``); step 1 sets v₁ = g₁² and does not
    move θ (except for decoupled decay); for t ≥ 2, n = clip(g/max(√v_{t−1}, ε), ±t^{1/4}),
    m_t = β₁m + (1−β₁)n (m₁ = 0), θ_t = θ_{t−1} − α·m_t, then v_t = β₂v + (1−β₂)g².

    Unlike Adam, g_t is normalized by the second moment of the *earlier* gradients and before
    the momentum average; there is no bias correction. ε clamps the root from below (it is not
    added). ``clip=False`` drops the clamp (the paper's ADOPT without clipping)."""
    decouple = check_flag(decouple, "decouple")
    return _with_weight_decay(scale_by_adopt(betas, eps, clip), lr, weight_decay, decouple)


def _warmed_up(lr, warmup_steps):
    """schedulefree's linear warm-up: α_k = α·min(1, (k+1)/warmup_steps) (k from 0)."""
    lr = check(lr, "lr", allow_schedule=True)
    warmup_steps = check_count(warmup_steps, "warmup_steps")
    if warmup_steps == 0:
        return lr
    return lambda k: value_at(lr, k) * min(1.0, (k + 1) / warmup_steps)


def sgd_schedule_free(
    lr=1.0, momentum=0.9, weight_decay=0.0, warmup_steps=0, r=0.0, weight_lr_power=2.0
):
    """Schedule-Free SGD (Defazio et al. 2024), matching schedulefree's
    ``SGDScheduleFreeReference``: with the gradient g_k taken at y_k (the params),
    z_{k+1} = z_k − α_k·(g_k + λy_k); x_{k+1} = (1−c_{k+1})·x_k + c_{k+1}·z_{k+1} with
    c_{k+1} = w_k/Σ_{i≤k}w_i, w_k = (k+1)^r·max_{i≤k}α_i^{p}; y_{k+1} = β·x_{k+1} + (1−β)·z_{k+1}
    (β = ``momentum``), x₀ = y₀ = z₀ = θ₀. α_k warms up linearly over ``warmup_steps``.

    The trajectory is y, where gradients are taken (train mode); the averaged x that
    schedulefree reports in eval mode is ``state.x`` (see ``schedule_free``). With r = 0 and no
    warm-up x is the plain mean of z₁..z_k. β = 0 is allowed (then y = z)."""
    warm = _warmed_up(lr, warmup_steps)
    base = _with_weight_decay(chain(), warm, weight_decay)
    return schedule_free(base, warm, momentum, r, weight_lr_power)


def adamw_schedule_free(
    lr=0.0025,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    warmup_steps=0,
    r=0.0,
    weight_lr_power=2.0,
):
    """Schedule-Free AdamW (Defazio et al. 2024), matching schedulefree's
    ``AdamWScheduleFreeReference``: v_{k+1} = β₂v_k + (1−β₂)g_k² (g_k at y_k, the params);
    z_{k+1} = z_k − α_k·(g_k/(√(v_{k+1}/(1−β₂^{k+1})) + ε) + λy_k) (decoupled decay at y);
    x and y as ``sgd_schedule_free`` with β = β₁ (β₁ only interpolates y; there is no first
    moment). The trajectory is y; the averaged x is ``state.x``. (The reference's option to
    decay at z is not offered.)"""
    beta1, beta2 = check_betas(betas)
    warm = _warmed_up(lr, warmup_steps)
    scaler = scale_by_adam((0.0, beta2), eps)  # β₁ = 0: m̂ = g, the RMS-scaled gradient
    base = _with_weight_decay(scaler, warm, weight_decay, decoupled=True)
    return schedule_free(base, warm, beta1, r, weight_lr_power)


def prodigy(
    lr=1.0,
    betas=(0.9, 0.999),
    beta3=None,
    eps=1e-8,
    weight_decay=0.0,
    decouple=True,
    use_bias_correction=False,
    safeguard_warmup=False,
    d0=1e-6,
    d_coef=1.0,
    growth_rate=float("inf"),
):
    """Prodigy (Mishchenko & Defazio 2024), matching prodigyopt's ``Prodigy``: Adam whose
    step size d·α is estimated on the fly. With k the point's step, c = √(1−β₂^{k+1})/(1−β₁^{k+1})
    under ``use_bias_correction`` (else 1), dα = d_k·α·c and g ← g + λθ unless ``decouple``:
    m ← β₁m + d_k(1−β₁)g; v ← β₂v + d_k²(1−β₂)g²; s ← β₃s + (d_k/d₀)·dα·g (d_k in place of
    dα with ``safeguard_warmup``); r ← β₃r + (d_k/d₀)·dα·⟨g, θ₀ − θ⟩;
    d̂ = d_coef·r/Σ|s|; d_max ← max(d_max, d̂); d_{k+1} = min(d_max, growth·max(d_k, d̂) on the
    first growth else growth·d_k); θ ← θ − dα·m/(√v + d_{k+1}ε) − λ·dα·θ (decoupled), or
    with β₁ = 0, θ − dα·d_{k+1}·g/(√v + d_{k+1}ε). β₃ defaults to √β₂.

    The reference's d is one number for all its parameters; here each point (the last axis
    of the params) estimates its own, as if each had its own optimizer. While Σ|s| = 0 (no
    gradient yet) a point does not move, as the reference returns early."""
    beta1, beta2 = check_betas(betas)
    beta3 = beta2**0.5 if beta3 is None else check(beta3, "beta3", 0.0, 1.0)
    growth_rate = (
        check(growth_rate, "growth_rate", 1.0) if growth_rate != float("inf") else growth_rate
    )
    return prodigy_update(
        check(lr, "lr", allow_schedule=True),
        (beta1, beta2),
        beta3,
        check(eps, "eps"),
        check(weight_decay, "weight_decay"),
        check_flag(decouple, "decouple"),
        check_flag(use_bias_correction, "use_bias_correction"),
        check_flag(safeguard_warmup, "safeguard_warmup"),
        check(d0, "d0", 1e-300),
        check(d_coef, "d_coef"),
        growth_rate,
    )


def ademamix(
    lr=1e-3,
    betas=(0.9, 0.999),
    beta3=0.9999,
    alpha=5.0,
    t_alpha_beta3=0.0,
    eps=1e-8,
    weight_decay=0.0,
    decouple=False,
):
    """AdEMAMix (Pagliardini et al. 2024), matching pytorch-optimizer's ``AdEMAMix``: Adam plus
    a slow average of g: g ← g_t + λθ (or θ ← θ(1 − αλ) with ``decouple``);
    m, v as Adam; s_t = β₃(t)·s + (1−β₃(t))·g (s₀ = 0, not bias-corrected);
    θ_t = θ − α_lr·(m_t/(1−β₁ᵗ) + α_t·s_t)/(√v_t/√(1−β₂ᵗ) + ε). With T = ``t_alpha_beta3`` > 0
    both warm up: α_t = min(tα/T, α) and β₃(t) rises from β₁ to β₃ so that the slow average's
    half-life grows linearly in t; T = 0 means no warm-up (the reference's ``None``). β₃ is
    the reference's ``betas[2]``, a keyword of its own here."""
    decouple = check_flag(decouple, "decouple")
    scaler = scale_by_ademamix(betas, beta3, alpha, t_alpha_beta3, eps)
    return _with_weight_decay(scaler, lr, weight_decay, decouple)


def lookahead_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, k=5, alpha=0.5):
    """Lookahead (Zhang et al. 2019) over ``adam(lr, betas, eps)``: Adam's steps move the fast
    weights; after every k-th step the slow weights φ ← φ + α·(θ − φ) and θ ← φ (φ₀ = θ₀).
    Adam's moments carry on across syncs. ``optim.lookahead`` wraps any optimizer."""
    return lookahead(adam(lr, betas, eps), k, alpha)


def adabelief(lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0, decouple=True):
    """AdaBelief (Zhuang et al. 2020), matching pytorch-optimizer's ``AdaBelief`` without
    rectification: θ ← θ(1 − αλ) (decoupled, its default; else g ← g + λθ);
    m_t = β₁m + (1−β₁)g; s_t = β₂s + (1−β₂)(g − m_t)² + ε;
    θ_t = θ − α·m_t/((1−β₁ᵗ)(√s_t/√(1−β₂ᵗ) + ε)). Adam with v replaced by the variance of g
    around its own average: large steps where the gradient is steady, small where it jumps."""
    decouple = check_flag(decouple, "decouple")
    return _with_weight_decay(scale_by_belief(betas, eps), lr, weight_decay, decouple)


def yogi(
    lr=1e-2, betas=(0.9, 0.999), eps=1e-3, initial_accumulator=1e-6, weight_decay=0.0, decouple=True
):
    """Yogi (Zaheer et al. 2018), matching pytorch-optimizer's ``Yogi``: θ ← θ(1 − αλ)
    (decoupled, its default; else g ← g + λθ); m₀ = v₀ = the initial accumulator;
    m_t = β₁m + (1−β₁)g; v_t = v − (1−β₂)·sign(v − g²)·g²;
    θ_t = θ − α·m_t/((1−β₁ᵗ)(√v_t/√(1−β₂ᵗ) + ε))."""
    decouple = check_flag(decouple, "decouple")
    scaler = scale_by_yogi(betas, eps, initial_accumulator)
    return _with_weight_decay(scaler, lr, weight_decay, decouple)


def signum(lr=1e-3, momentum=0.9, weight_decay=0.0, decouple=True):
    """Signum (Bernstein et al. 2018), matching pytorch-optimizer's ``SignSGD``:
    θ ← θ(1 − αλ) (decoupled, its default; else g ← g + λθ); m_t = μm + (1−μ)g (m₀ = 0);
    θ_t = θ − α·sign(m_t). μ = 0 is signSGD, θ_t = θ − α·sign(g_t)."""
    decouple = check_flag(decouple, "decouple")
    return _with_weight_decay(scale_by_signum(momentum), lr, weight_decay, decouple)


def adan(lr=1e-3, betas=(0.98, 0.92), beta3=0.99, eps=1e-8, weight_decay=0.0, decouple=False):
    """Adan (Xie et al. 2022), matching pytorch-optimizer's ``Adan`` (no gradient clipping):
    with Δ_t = g_t − g_{t−1} (Δ₁ = 0), m_t = β₁m + (1−β₁)g_t, n_t = β₂n + (1−β₂)Δ_t,
    v_t = β₃v + (1−β₃)(g_t + β₂Δ_t)²; u = α·(m_t/(1−β₁ᵗ) + β₂n_t/(1−β₂ᵗ))/(√v_t/√(1−β₃ᵗ) + ε);
    θ_t = (θ_{t−1} − u)/(1 + αλ) (the paper's proximal decay, the reference's default), or
    θ_{t−1}(1 − αλ) − u with ``decouple``. β₃ is the reference's ``betas[2]``, a keyword of
    its own here (the registry packs betas as a pair); betas are the weights the averages
    keep (the paper's β are one minus these)."""
    decouple = check_flag(decouple, "decouple")
    scaler = scale_by_adan(betas, beta3, eps)
    weight_decay = check(weight_decay, "weight_decay")
    if decouple or not _nonzero(weight_decay):
        return _with_weight_decay(scaler, lr, weight_decay, decoupled=True)
    lr = check(lr, "lr", allow_schedule=True)
    return chain(scaler, scale_by_lr(lr), proximal_weight_decay(lr, weight_decay))


def lamb(
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-6,
    weight_decay=0.0,
    decouple=True,
    grad_averaging=True,
    bias_correction=True,
    clamp=10.0,
):
    """LAMB (You et al. 2019), matching pytorch-optimizer's ``Lamb`` (not rectified, no
    pre-norm): m_t = β₁m + (1−β₁)g_t (+ g_t without ``grad_averaging``), v_t = β₂v + (1−β₂)g_t²
    (m₀ = v₀ = 0); θ' = θ_{t−1}(1 − αλ) (decoupled, its default; else θ' = θ_{t−1});
    u = m_t/(√v_t + ε) (+ λθ' when not decoupled); r = min(‖θ'‖, clamp)/(‖u‖ + ε), r = 1
    where either norm is 0; θ_t = θ' − α/(1−β₁ᵗ)·r·u (α·r·u without ``bias_correction``:
    the reference's ``adam_debias``). Only the first moment's bias is corrected, through the
    step size; the norms are per point."""
    return lamb_update(
        lr, betas, eps, weight_decay, decouple, grad_averaging, bias_correction, clamp
    )


def lars(
    lr=1e-3, momentum=0.9, dampening=0.0, weight_decay=0.0, trust_coefficient=1e-3, nesterov=False
):
    """LARS (You et al. 2017), matching pytorch-optimizer's ``LARS`` on a parameter of two or
    more axes (it leaves vectors and scalars to plain SGD; here every point is one parameter,
    the trust ratio over its coordinates): r = η‖θ‖/(‖g_t‖ + λ‖θ‖) (1 where ‖θ‖ or the
    denominator is 0), d = r·(g_t + λθ); with μ > 0, b_t = μb + (1−τ)d (b₀ = 0), d ← d + μb_t
    with ``nesterov`` else d ← b_t; θ_t = θ_{t−1} − α·d. η is ``trust_coefficient``."""
    scaler = scale_by_lars(momentum, dampening, nesterov, weight_decay, trust_coefficient)
    return chain(scaler, scale_by_lr(lr))


def sam_sgd(lr=1e-3, momentum=0.0, weight_decay=0.0, nesterov=False, rho=0.05, adaptive=False):
    """SAM (Foret et al. 2021) over ``sgd(lr, momentum, weight_decay=…, nesterov=…)``:
    e = ρ·s²⊙g/(‖s⊙g‖ + 10⁻¹²) with g = ∇J(θ) and s = |θ| (``adaptive``) or 1; SGD steps θ with
    ∇J(θ + e). Asks for ``grad_fn`` (optim.sharpness.sam wraps any optimizer)."""
    return sam(sgd(lr, momentum, weight_decay=weight_decay, nesterov=nesterov), rho, adaptive)


def sam_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, rho=0.05, adaptive=False):
    """SAM (Foret et al. 2021) over ``adam(lr, betas, eps, weight_decay)``: Adam's moments are
    fed ∇J(θ + e), e as in ``sam_sgd``. Asks for ``grad_fn``."""
    return sam(adam(lr, betas, eps, weight_decay), rho, adaptive)


def sophia(
    lr=6e-2,
    betas=(0.96, 0.99),
    rho=1e-2,
    weight_decay=0.0,
    decouple=True,
    update_period=10,
    eps=1e-12,
    exact_hessian=False,
    seed=0,
):
    """SophiaH (Liu et al. 2023, Sophia with the Hutchinson estimate), matching
    pytorch-optimizer's ``SophiaH`` (one Gaussian sample, no fixed decay): θ ← θ(1 − αλ)
    (decoupled, its default; else g ← g + λθ); every k-th step from the first
    h ← β₂h + (1−β₂)·z⊙(H·z) (z ~ N(0, I) from ``seed``; the exact diag H with
    ``exact_hessian``); m ← β₁m + (1−β₁)g; θ_t = θ − α·clip(m/max(h, ε), ±ρ).
    ρ is the reference's ``p``, k its ``update_period``. Asks for ``hvp_fn``
    (``hessian_diagonal_fn`` with ``exact_hessian``)."""
    decouple = check_flag(decouple, "decouple")
    scaler = scale_by_sophia(betas, rho, eps, update_period, exact_hessian, seed)
    return _with_weight_decay(scaler, lr, weight_decay, decouple)


def muon(lr=0.02, momentum=0.95, nesterov=True, ns_steps=5, weight_decay=0.0, matrices=False):
    """Muon (Jordan et al. 2024), matching Keller Jordan's ``SingleDeviceMuon`` (muon-optimizer
    0.1.0) in float64: m_t = μm + (1−μ)g_t (m₀ = 0); u = (1−μ)g_t + μm_t (Nesterov, what
    the reference class always does; ``nesterov=False`` steps along u = m_t, as its
    ``muon_update(nesterov=False)``); O = NS_k(u)·√max(1, r/c)
    for an r × c matrix u, NS_k being k = ``ns_steps`` Newton–Schulz steps of the quintic
    (3.4445, −4.7750, 2.0315) on u/(‖u‖_F + 10⁻⁷) (``optim.orthogonalize``);
    θ_t = θ_{t−1}(1 − αλ) − α·O (decoupled decay).

    ``matrices=False`` (for ``run``, the Playground, the Atlas): each vector along the last
    axis is one 1 × d matrix, so Muon is normalized momentum, every step ≈ 0.7·α long;
    ``matrices=True``: the last two axes are one matrix (a network's hidden weights)."""
    scaler = scale_by_muon(momentum, nesterov, ns_steps, matrices)
    return _with_weight_decay(scaler, lr, weight_decay, decoupled=True)


def muon_adamw(
    lr=0.02,
    momentum=0.95,
    ns_steps=5,
    adam_lr=3e-4,
    betas=(0.9, 0.95),
    eps=1e-10,
    weight_decay=0.0,
    layout: Layout | None = None,
):
    """Muon on a network's hidden weight matrices and AdamW on everything else (biases, the
    first and the output layer), as Keller Jordan recommends and his
    ``SingleDeviceMuonWithAuxAdam`` does (its defaults): ``muon(lr, momentum, ns_steps,
    weight_decay, matrices=True)`` on each view of ``layout.hidden`` seen as its matrix,
    ``adamw(adam_lr, betas, eps, weight_decay)`` on the other views (``optim.partition``).

    Without a ``layout`` there is no hidden weight matrix (a surface's point is one vector),
    so every coordinate takes the AdamW step: what the reference does with no Muon group."""
    adam = adamw(adam_lr, betas, eps, weight_decay)
    if layout is None:
        return adam
    orthogonal = muon(lr, momentum, True, ns_steps, weight_decay, matrices=True)
    labels = {
        view: "muon" if name in layout.hidden else "adamw" for name, view in layout.views.items()
    }
    return partition({"muon": orthogonal, "adamw": adam}, labels)
