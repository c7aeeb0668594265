"""The step view reads any optimizer's own averages: its arrows against closed forms.

Each reference below is the optimizer's published rule (as torch.optim writes it) in plain
NumPy, stepped from the same start on a coupled, badly scaled quadratic; it returns the path
and, per step, the gradient g, the average m̂ the step follows and the scale √v̂ + ε.
"""

import numpy as np
import pytest

import optim
import surfaces
from viz.background import surface_background
from viz.step_anatomy import AVERAGING_OPTIMIZERS, arrow_annotations, step_anatomy, step_figure
from viz.trajectory import Trajectory

START = np.array([1.0, -2.0])
STEPS = 6


def quadratic_grad(p):
    """∇ of J = ½(4x² + 2xy + y²/50)."""
    x, y = p[..., 0], p[..., 1]
    return np.stack([4 * x + y, x + y / 50], axis=-1)


def adamw_reference(lr, beta1, beta2, eps, weight_decay):
    """θ ← θ(1 − αλ); m, v as Adam; θ ← θ − α m̂ / (√v̂ + ε)."""
    theta, m, v = START.copy(), np.zeros(2), np.zeros(2)
    path, rows = [theta], []
    for t in range(1, STEPS + 1):
        g = quadratic_grad(theta)
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        m_hat, scale = m / (1 - beta1**t), np.sqrt(v / (1 - beta2**t)) + eps
        theta = theta * (1 - lr * weight_decay) - lr * m_hat / scale
        path.append(theta)
        rows.append((g, m_hat, scale))
    return np.array(path), rows


def nadam_reference(lr, beta1, beta2, eps, momentum_decay):
    """μₜ = β₁(1 − ½·0.96^{tψ}); m̂ = m / (1 − ∏_{i≤t+1}μᵢ);
    θ ← θ − α[μₜ₊₁ m̂ + (1 − μₜ) g / (1 − ∏_{i≤t}μᵢ)] / (√v̂ + ε)."""
    theta, m, v, product = START.copy(), np.zeros(2), np.zeros(2), 1.0
    path, rows = [theta], []
    for t in range(1, STEPS + 1):
        g = quadratic_grad(theta)
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        product *= mu_t
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        m_hat, scale = m / (1 - product * mu_next), np.sqrt(v / (1 - beta2**t)) + eps
        theta = theta - lr * (mu_next * m_hat + (1 - mu_t) * g / (1 - product)) / scale
        path.append(theta)
        rows.append((g, m_hat, scale))
    return np.array(path), rows


def rmsprop_momentum_reference(lr, alpha, eps, momentum):
    """v = αv + (1 − α)g²; b = μb + g / (√v + ε); θ ← θ − α_lr b: the average is b."""
    theta, v, b = START.copy(), np.zeros(2), np.zeros(2)
    path, rows = [theta], []
    for _ in range(STEPS):
        g = quadratic_grad(theta)
        v = alpha * v + (1 - alpha) * g * g
        scale = np.sqrt(v) + eps
        b = momentum * b + g / scale
        theta = theta - lr * b
        path.append(theta)
        rows.append((g, b, scale))
    return np.array(path), rows


def adamax_reference(lr, beta1, beta2, eps):
    """m as Adam, u = max(β₂u, |g| + ε), θ ← θ − α m̂ / u: no v kept, so no √v scale."""
    theta, m, u = START.copy(), np.zeros(2), np.zeros(2)
    path, rows = [theta], []
    for t in range(1, STEPS + 1):
        g = quadratic_grad(theta)
        m, u = beta1 * m + (1 - beta1) * g, np.maximum(beta2 * u, np.abs(g) + eps)
        m_hat = m / (1 - beta1**t)
        theta = theta - lr * m_hat / u
        path.append(theta)
        rows.append((g, m_hat, np.ones(2)))
    return np.array(path), rows


CASES = [
    ("adamw", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.3},
     adamw_reference),
    ("nadam", {"lr": 0.05, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "momentum_decay": 0.1},
     nadam_reference),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.7},
     rmsprop_momentum_reference),
    ("adamax", {"lr": 0.05, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}, adamax_reference),
]  # fmt: skip


@pytest.mark.parametrize(("name", "hyper", "reference"), CASES, ids=[c[0] for c in CASES])
def test_arrows_equal_the_closed_form_of_the_rule(name, hyper, reference):
    path, rows = reference(**hyper)
    engine = optim.run(optim.OPTIMIZERS[name].build(**hyper), quadratic_grad, START[None], STEPS)
    np.testing.assert_allclose(engine.path[:, 0], path, rtol=1e-12, atol=1e-15)
    anatomy = step_anatomy(name, hyper, path, quadratic_grad)
    grads, averages, scales = (np.array(column) for column in zip(*rows, strict=True))
    lr = hyper["lr"]
    np.testing.assert_allclose(anatomy.descent, -lr * grads, rtol=1e-12)
    np.testing.assert_allclose(anatomy.heading, -lr * averages, rtol=1e-12)
    np.testing.assert_allclose(anatomy.step, np.diff(path, axis=0), rtol=1e-12)
    np.testing.assert_allclose(anatomy.scale, scales, rtol=1e-12)
    assert anatomy.adaptive == (name != "adamax")
    notes = arrow_annotations(path[3], anatomy, 3, length=1.0)
    assert len(notes) == 3  # gradient, the average it follows, the step


def test_every_optimizer_keeping_averages_is_offered():
    assert set(AVERAGING_OPTIMIZERS) == {
        "gd", "sgd", "momentum", "nesterov", "rmsprop", "adadelta", "adam", "adamw", "adamax",
        "nadam", "radam", "lion", "muon",
    }  # fmt: skip


@pytest.mark.parametrize("name", ["adagrad", "no-such-optimizer"])
def test_optimizers_without_averages_have_no_anatomy(name):
    with pytest.raises(ValueError, match="no step anatomy"):
        step_anatomy(name, {"lr": 0.1}, np.zeros((3, 2)), quadratic_grad)


def test_the_still_step_view_shows_step_t_even_after_the_run_has_settled():
    """A gradient-descent run on a bowl settles long before step 150; the step view at
    t = 150 must still put the point at θ₁₅₀ and say "step 150" (it stopped where the run had
    settled)."""
    bowl = surfaces.parse("x^2 + y^2", domain=((-2, 2), (-2, 2)))
    run = optim.run(optim.gd(lr=0.3), bowl.grad, np.array([[1.5, -1.0]]), 200, value_fn=bowl)
    trajectory = Trajectory("GD", "#d62728", run.path[:, 0], run.values[:, 0])
    figure = step_figure(bowl, surface_background(bowl), trajectory, None, 150)
    texts = [t for trace in figure["data"] for t in np.atleast_1d(trace.get("text") or [])]
    assert any("step 150" in str(t) for t in texts), texts
