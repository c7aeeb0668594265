"""The article's forms worked out by hand, known equivalences, and optim.ewa.

Hand computations use J(θ) = ½|θ|², so g = θ, from θ₀ = (1, −2) with α = 0.1 and β = μ = ½;
for the first four rules every θ_t stays a multiple of θ₀.
"""

from fractions import Fraction

import numpy as np
import pytest

import optim


def identity_grad(p):
    return p.copy()


START = np.array([[1.0, -2.0]])

HAND = [
    # gd: θ ← 0.9 θ
    ("gd", {"lr": 0.1}, [(0.9, -1.8), (0.81, -1.62), (0.729, -1.458)]),
    # v₁ = ½·1 = 0.5 → 0.95; v₂ = ½·0.5 + ½·0.95 = 0.725 → 0.8775;
    # v₃ = ½·0.725 + ½·0.8775 = 0.80125 → 0.797375
    ("momentum", {"lr": 0.1, "beta": 0.5}, [(0.95, -1.9), (0.8775, -1.755), (0.797375, -1.59475)]),
    # v̂₁ = 0.5/0.5 = 1 → 9/10; v₂ = ½·0.5 + ½·0.9 = 0.7, v̂₂ = 0.7/0.75 → 121/150;
    # v₃ = ½·0.7 + ½·121/150 = 113/150, v̂₃ = (113/150)/(7/8) → 1261/1750
    (
        "momentum",
        {"lr": 0.1, "beta": 0.5, "bias_correction": True},
        [(0.9, -1.8), (121 / 150, -242 / 150), (1261 / 1750, -2522 / 1750)],
    ),
    # v₁ = g₁ = 1, step g + ½v = 1.5 → 0.85; v₂ = 0.5 + 0.85 = 1.35, step 0.85 + 0.675 = 1.525
    # → 0.6975; v₃ = 0.675 + 0.6975 = 1.3725, step 0.6975 + 0.68625 = 1.38375 → 0.559125
    (
        "nesterov",
        {"lr": 0.1, "momentum": 0.5},
        [(0.85, -1.7), (0.6975, -1.395), (0.559125, -1.11825)],
    ),
    # Adam with ε = 0 steps by exactly α·sign(g) at first: m̂₁ = g₁, v̂₁ = g₁²
    ("adam", {"lr": 0.1, "eps": 0.0}, [(0.9, -1.9)]),
    # RMSProp with β = ½, ε = 0: s₁ = ½g², step α·g/√(½g²) = α√2·sign(g)
    ("rmsprop", {"lr": 0.1, "alpha": 0.5, "eps": 0.0}, [(1 - 0.1 * 2**0.5, -2 + 0.1 * 2**0.5)]),
]


@pytest.mark.parametrize(("name", "kwargs", "first_points"), HAND)
def test_first_steps_by_hand(name, kwargs, first_points):
    result = optim.run(getattr(optim, name)(**kwargs), identity_grad, START, 3)
    steps = len(first_points)
    expected = np.array(first_points)
    np.testing.assert_allclose(result.path[1 : steps + 1, 0], expected, rtol=1e-14)


def test_hand_fractions_are_right():
    """The bias-corrected momentum fractions above, recomputed exactly."""
    theta, v, beta, lr = Fraction(1), Fraction(0), Fraction(1, 2), Fraction(1, 10)
    seen = []
    for t in range(1, 4):
        v = beta * v + (1 - beta) * theta
        theta -= lr * v / (1 - beta**t)
        seen.append(theta)
    assert seen == [Fraction(9, 10), Fraction(121, 150), Fraction(1261, 1750)]


# ---------------------------------------------------------------- equivalences

A = np.array([[2.0, 0.7], [0.7, 1.0]])


def quadratic_grad(p):
    return p @ A


STARTS = np.random.default_rng(3).uniform(-2.5, 2.5, size=(6, 2))


def path_of(opt, steps=60):
    return optim.run(opt, quadratic_grad, STARTS, steps).path


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (optim.sgd(lr=0.05), optim.gd(lr=0.05)),
        (optim.sgd(lr=0.05, momentum=0.0, dampening=0.3), optim.gd(lr=0.05)),
        (optim.adamw(lr=0.05, weight_decay=0.0), optim.adam(lr=0.05)),
        (optim.adamw(lr=0.05, weight_decay=0.0, amsgrad=True), optim.adam(lr=0.05, amsgrad=True)),
        (optim.nesterov(lr=0.02, momentum=0.8), optim.sgd(lr=0.02, momentum=0.8, nesterov=True)),
        (optim.rmsprop(lr=0.01, weight_decay=0.0), optim.rmsprop(lr=0.01)),
    ],
    ids=["sgd=gd", "sgd-dampening=gd", "adamw=adam", "amsgrad", "nesterov", "wd0"],
)
def test_equivalent_optimizers_give_the_same_path(left, right):
    np.testing.assert_allclose(path_of(left), path_of(right), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("bias_correction", [False, True])
def test_momentum_velocity_is_the_ewa_of_gradients_on_its_path(beta, bias_correction):
    lr = 0.05
    opt = optim.momentum(lr=lr, beta=beta, bias_correction=bias_correction)
    path = path_of(opt)
    velocity = (path[:-1] - path[1:]) / lr
    gradients = quadratic_grad(path[:-1])
    expected = optim.ewa(gradients, beta, bias_correction=bias_correction)
    np.testing.assert_allclose(velocity, expected, rtol=1e-9, atol=1e-12)


def test_adamw_decay_is_decoupled_and_adam_decay_is_not():
    """AdamW: θ(1 − αλ) then the Adam step of the raw gradient; Adam: λθ joins g."""
    lr, wd = 0.1, 0.5
    grad = np.array([[0.3, -4.0]])
    theta = np.array([[1.0, 2.0]])
    adamw_step, _ = optim.adamw(lr=lr, weight_decay=wd, eps=0.0).update(
        grad, optim.adamw(lr=lr, weight_decay=wd).init(theta), theta
    )
    # first Adam step is α·sign(g) when ε = 0
    np.testing.assert_allclose(theta + adamw_step, theta * (1 - lr * wd) - lr * np.sign(grad))
    adam = optim.adam(lr=lr, weight_decay=wd, eps=0.0)
    adam_step, _ = adam.update(grad, adam.init(theta), theta)
    np.testing.assert_allclose(adam_step, -lr * np.sign(grad + wd * theta))


# ---------------------------------------------------------------- ewa


def ewa_recursion(values, beta):
    v, out = 0.0, []
    for x in values:
        v = beta * v + (1 - beta) * x
        out.append(v)
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.98])
def test_ewa_matches_the_recursion(beta):
    values = np.random.default_rng(5).normal(20, 5, size=200)
    np.testing.assert_allclose(optim.ewa(values, beta), ewa_recursion(values, beta), rtol=1e-13)
    corrected = ewa_recursion(values, beta) / (1 - beta ** np.arange(1, 201))
    np.testing.assert_allclose(optim.ewa(values, beta, bias_correction=True), corrected, rtol=1e-13)


def test_ewa_of_a_constant_is_exact_with_bias_correction_and_biased_without():
    values = np.full(10, 7.0)
    np.testing.assert_allclose(optim.ewa(values, 0.9, bias_correction=True), 7.0, rtol=1e-13)
    np.testing.assert_allclose(optim.ewa(values, 0.9), 7.0 * (1 - 0.9 ** np.arange(1, 11)))


def test_ewa_works_along_axis_0_with_betas_side_by_side():
    values = np.random.default_rng(6).normal(size=(50, 3))
    betas = np.array([0.5, 0.9, 0.99])
    both = optim.ewa(values[:, :, None], betas)  # (50, 3, 3): every series at every β
    for i in range(3):
        for j, beta in enumerate(betas):
            np.testing.assert_allclose(both[:, i, j], ewa_recursion(values[:, i], beta), rtol=1e-13)


@pytest.mark.parametrize(("kwargs", "word"), [({"beta": 1.0}, "beta"), ({"beta": -0.1}, "beta")])
def test_ewa_rejects_bad_beta(kwargs, word):
    with pytest.raises(ValueError, match=word):
        optim.ewa(np.ones(3), **kwargs)
