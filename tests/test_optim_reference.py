"""Every optimizer against a plain per-point loop written from its published algorithm.

The reference loops below follow PyTorch's documented pseudocode (torch.optim pages) and, for
Lion and the article's forms, the papers; they step one point at a time with no vectorisation
and share no code with optim. The engine steps all points at once through ``optim.run``; the
two must agree to 1e-10 (relative) over 100 steps in float64, on a coupled quadratic and on
Rosenbrock, for several settings each.

The loops were also checked once against torch.optim 2.13 in float64 (they agree to 1e-12;
torch is not needed here). The settings keep every path well conditioned: an adaptive method
rattling around a minimum amplifies a one-ulp difference chaotically, so each case was checked
to move by under 5% of the tolerance when its start is perturbed by 1e-14.
"""

import math

import numpy as np
import pytest

import optim

# ------------------------------------------------ surfaces (defined here on purpose)

A = np.array([[3.0, 1.2], [1.2, 1.0]])  # coupled quadratic J = ½ θᵀAθ − bᵀθ
B = np.array([1.0, -0.5])


def quadratic_grad(p):
    return p @ A - B


def rosenbrock_grad(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)


SURFACES = {
    "quadratic": (quadratic_grad, np.array([[2.0, -1.5], [-1.0, 2.5], [0.3, 0.1]])),
    "rosenbrock": (rosenbrock_grad, np.array([[-1.2, 1.0], [0.5, -0.4], [1.2, 1.8]])),
}

# ---------------------------------------------------------------- reference loops, one point


def ref_sgd(grad, x, steps, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    b = None
    for t in range(1, steps + 1):
        g = grad(x) + weight_decay * x
        if momentum != 0:
            b = g if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        x = x - lr * g
        yield x


def ref_rmsprop(
    grad, x, steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    v = np.zeros_like(x)
    g_ave = np.zeros_like(x)
    b = np.zeros_like(x)
    for _ in range(steps):
        g = grad(x) + weight_decay * x
        v = alpha * v + (1 - alpha) * g**2
        v_tilde = v
        if centered:
            g_ave = g_ave * alpha + (1 - alpha) * g
            v_tilde = v_tilde - g_ave**2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            x = x - lr * b
        else:
            x = x - lr * g / (np.sqrt(v_tilde) + eps)
        yield x


def ref_adagrad(
    grad,
    x,
    steps,
    lr=1e-2,
    lr_decay=0.0,
    weight_decay=0.0,
    initial_accumulator_value=0.0,
    eps=1e-10,
):
    state_sum = np.full_like(x, initial_accumulator_value)
    for t in range(1, steps + 1):
        g = grad(x) + weight_decay * x
        lr_t = lr / (1 + (t - 1) * lr_decay)
        state_sum = state_sum + g**2
        x = x - lr_t * g / (np.sqrt(state_sum) + eps)
        yield x


def ref_adadelta(grad, x, steps, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    v = np.zeros_like(x)
    u = np.zeros_like(x)
    for _ in range(steps):
        g = grad(x) + weight_decay * x
        v = v * rho + g**2 * (1 - rho)
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = u * rho + delta**2 * (1 - rho)
        x = x - lr * delta
        yield x


def ref_adam(
    grad,
    x,
    steps,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled=False,
):
    beta1, beta2 = betas
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    v_max = np.zeros_like(x)
    for t in range(1, steps + 1):
        g = grad(x)
        if decoupled:
            x = x - lr * weight_decay * x
        else:
            g = g + weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield x


def ref_adamw(grad, x, steps, weight_decay=1e-2, **kwargs):
    return ref_adam(grad, x, steps, weight_decay=weight_decay, decoupled=True, **kwargs)


def ref_adamax(grad, x, steps, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    beta1, beta2 = betas
    m = np.zeros_like(x)
    u = np.zeros_like(x)
    for t in range(1, steps + 1):
        g = grad(x) + weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g) + eps)
        x = x - lr * m / ((1 - beta1**t) * u)
        yield x


def ref_nadam(
    grad,
    x,
    steps,
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
):
    beta1, beta2 = betas
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    mu = [None] + [beta1 * (1 - 0.5 * 0.96 ** (i * momentum_decay)) for i in range(1, steps + 2)]
    for t in range(1, steps + 1):
        g = grad(x)
        if decoupled_weight_decay:
            x = x - lr * weight_decay * x
        else:
            g = g + weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_hat = v / (1 - beta2**t)
        x = (
            x
            - lr * mu[t + 1] * m / (1 - math.prod(mu[1 : t + 2])) / (np.sqrt(v_hat) + eps)
            - lr * (1 - mu[t]) * g / (1 - math.prod(mu[1 : t + 1])) / (np.sqrt(v_hat) + eps)
        )
        yield x


def ref_radam(
    grad,
    x,
    steps,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    decoupled_weight_decay=False,
):
    beta1, beta2 = betas
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    rho_inf = 2 / (1 - beta2) - 1
    for t in range(1, steps + 1):
        g = grad(x)
        if decoupled_weight_decay:
            x = x - lr * weight_decay * x
        else:
            g = g + weight_decay * x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:
            l_t = math.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)
            r_t = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            x = x - lr * m_hat * l_t * r_t
        else:
            x = x - lr * m_hat
        yield x


def ref_lion(grad, x, steps, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
    """Chen et al. (2023), Algorithm 2."""
    beta1, beta2 = betas
    m = np.zeros_like(x)
    for _ in range(steps):
        g = grad(x)
        c = beta1 * m + (1 - beta1) * g
        x = x - lr * (np.sign(c) + weight_decay * x)
        m = beta2 * m + (1 - beta2) * g
        yield x


def ref_gd(grad, x, steps, lr=0.01):
    for _ in range(steps):
        x = x - lr * grad(x)
        yield x


def ref_momentum(grad, x, steps, lr=0.01, beta=0.9, bias_correction=False):
    """The article: v = βv + (1−β)g from v₀ = 0; θ ← θ − αv (or αv/(1−βᵗ))."""
    v = np.zeros_like(x)
    for t in range(1, steps + 1):
        v = beta * v + (1 - beta) * grad(x)
        x = x - lr * (v / (1 - beta**t) if bias_correction else v)
        yield x


def ref_nesterov(grad, x, steps, lr=0.01, momentum=0.9):
    return ref_sgd(grad, x, steps, lr=lr, momentum=momentum, nesterov=True)


# ---------------------------------------------------------------- the table

CASES = [
    ("gd", {"lr": 1e-3}),
    ("gd", {"lr": 2e-3}),
    ("momentum", {"lr": 1e-3, "beta": 0.9}),
    ("momentum", {"lr": 2e-3, "beta": 0.5, "bias_correction": True}),
    ("nesterov", {"lr": 5e-4, "momentum": 0.9}),
    ("sgd", {"lr": 1e-3}),
    ("sgd", {"lr": 5e-4, "momentum": 0.9}),
    ("sgd", {"lr": 5e-4, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}),
    ("sgd", {"lr": 5e-4, "momentum": 0.7, "nesterov": True, "weight_decay": 0.05}),
    ("rmsprop", {}),
    ("rmsprop", {"lr": 1e-3, "alpha": 0.9, "eps": 1e-3, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.8, "centered": True}),
    ("rmsprop", {"lr": 1e-3, "alpha": 0.95, "momentum": 0.5, "centered": False}),
    ("adagrad", {}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("adagrad", {"lr": 0.05, "weight_decay": 0.2, "eps": 1e-6}),
    ("adadelta", {}),
    ("adadelta", {"lr": 0.2, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.1}),
    ("adam", {}),
    ("adam", {"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("adam", {"lr": 5e-3, "amsgrad": True}),
    ("adamw", {}),
    ("adamw", {"lr": 1e-2, "betas": (0.5, 0.9), "weight_decay": 0.3, "amsgrad": True}),
    ("adamax", {}),
    ("adamax", {"lr": 1e-2, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("nadam", {}),
    ("nadam", {"lr": 3e-3, "betas": (0.8, 0.99), "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("nadam", {"lr": 2e-3, "weight_decay": 0.2, "decoupled_weight_decay": True}),
    ("radam", {}),
    ("radam", {"lr": 1e-3, "betas": (0.9, 0.9), "weight_decay": 0.1}),
    (
        "radam",
        {"lr": 1e-3, "betas": (0.7, 0.99), "weight_decay": 0.2, "decoupled_weight_decay": True},
    ),
    ("radam", {"lr": 1e-3, "betas": (0.9, 0.6)}),  # ρ∞ = 4: never rectified
    ("lion", {}),
    ("lion", {"lr": 1e-3, "betas": (0.95, 0.98), "weight_decay": 0.5}),
]
REFERENCES = {name: globals()[f"ref_{name}"] for name, _ in CASES}
STEPS = 100


def reference_paths(name, kwargs, grad, starts):
    """(STEPS, n, d) from the reference loop, one point at a time."""
    return np.stack(
        [np.array(list(REFERENCES[name](grad, x, STEPS, **kwargs))) for x in starts], axis=1
    )


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    ("name", "kwargs"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_engine_matches_reference_loop(name, kwargs, surface):
    grad, starts = SURFACES[surface]
    expected = reference_paths(name, kwargs, grad, starts)
    assert np.abs(expected).max() < 100 and np.ptp(expected, axis=0).max() > 1e-3  # moved, stayed
    result = optim.run(getattr(optim, name)(**kwargs), grad, starts, STEPS)
    np.testing.assert_allclose(result.path[1:], expected, rtol=1e-10, atol=1e-12)
    assert np.all(result.diverged_at == -1)


@pytest.mark.parametrize(("name", "kwargs"), CASES[::3], ids=[n for n, _ in CASES[::3]])
def test_update_function_matches_reference_loop(name, kwargs):
    """Driving ``init``/``update`` by hand (no ``run``) gives the same steps."""
    grad, starts = SURFACES["quadratic"]
    opt = getattr(optim, name)(**kwargs)
    params, state, path = starts, opt.init(starts), []
    for _ in range(STEPS):
        updates, state = opt.update(grad(params), state, params)
        params = params + updates
        path.append(params)
    expected = reference_paths(name, kwargs, grad, starts)
    np.testing.assert_allclose(np.array(path), expected, rtol=1e-10, atol=1e-12)
