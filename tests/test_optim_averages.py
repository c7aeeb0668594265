"""optim.averages: an optimizer's state exposes m, v and their corrections under common names.

The expected values are the closed form of the exponentially weighted average,
m_t = Σᵢ (1−β)·β^{t−i}·gᵢ (and v_t likewise over gᵢ²), summed directly over a fixed list of
gradients fed to ``update`` by hand, not by a recursion like the code under test.
"""

import numpy as np
import pytest

import optim

GRADS = np.random.default_rng(5).normal(size=(6, 3, 2)) * [1.0, 10.0]  # 6 steps, 3 points
PARAMS = np.zeros((3, 2))  # the updates do not depend on the params here (no decay)


def closed_form(values, beta):
    """Σᵢ (1−β)·β^{t−i}·xᵢ for t = len(values), summed term by term."""
    t = len(values)
    return sum((1 - beta) * beta ** (t - i) * x for i, x in enumerate(values, start=1))


def states_after(opt, steps):
    """The state after each of the first ``steps`` updates on GRADS, and their updates."""
    state, seen = opt.init(PARAMS), []
    for g in GRADS[:steps]:
        updates, state = opt.update(g, state, PARAMS)
        seen.append((state, updates))
    return seen


@pytest.mark.parametrize("bias_correction", [False, True])
def test_momentum_exposes_its_velocity_as_mu(bias_correction):
    beta = 0.8
    opt = optim.momentum(lr=0.1, beta=beta, bias_correction=bias_correction)
    for t, (state, updates) in enumerate(states_after(opt, 6), start=1):
        found = optim.averages(state)
        np.testing.assert_allclose(found.mu, closed_form(GRADS[:t], beta), rtol=1e-13)
        assert found.mu_correction == pytest.approx(1 - beta**t if bias_correction else 1.0)
        assert found.nu is None and found.nu_correction == 1.0
        np.testing.assert_allclose(updates, -0.1 * found.mu / found.mu_correction, rtol=1e-13)


def test_rmsprop_exposes_its_mean_square_as_nu():
    alpha, eps = 0.9, 1e-8
    opt = optim.rmsprop(lr=0.01, alpha=alpha, eps=eps)
    for t, (state, updates) in enumerate(states_after(opt, 5), start=1):
        found = optim.averages(state)
        np.testing.assert_allclose(found.nu, closed_form(GRADS[:t] ** 2, alpha), rtol=1e-13)
        assert found.mu is None and found.nu_correction == 1.0 and found.mu_correction == 1.0
        expected = -0.01 * GRADS[t - 1] / (np.sqrt(found.nu / found.nu_correction) + eps)
        np.testing.assert_allclose(updates, expected, rtol=1e-13)


@pytest.mark.parametrize("wrap", [False, True], ids=["adam", "chain-of-adam"])
def test_adam_exposes_both_moments_and_their_bias_corrections(wrap):
    (beta1, beta2), eps, lr = (0.8, 0.95), 1e-8, 0.05
    opt = optim.adam(lr=lr, betas=(beta1, beta2), eps=eps)
    opt = optim.chain(optim.clip_by_value(1e3), opt) if wrap else opt  # as the Playground
    for t, (state, updates) in enumerate(states_after(opt, 6), start=1):
        found = optim.averages(state)
        np.testing.assert_allclose(found.mu, closed_form(GRADS[:t], beta1), rtol=1e-13)
        np.testing.assert_allclose(found.nu, closed_form(GRADS[:t] ** 2, beta2), rtol=1e-13)
        assert found.mu_correction == pytest.approx(1 - beta1**t, rel=1e-15)
        assert found.nu_correction == pytest.approx(1 - beta2**t, rel=1e-15)
        m_hat, v_hat = found.mu / found.mu_correction, found.nu / found.nu_correction
        np.testing.assert_allclose(updates, -lr * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-12)


def test_per_point_betas_give_per_point_corrections():
    betas = np.array([[0.5], [0.9], [0.99]])
    opt = optim.adam(lr=0.1, betas=(betas, 0.999))
    state, _ = states_after(opt, 4)[-1]
    found = optim.averages(state)
    np.testing.assert_allclose(found.mu_correction, 1 - betas**4, rtol=1e-15)
    for i, beta in enumerate(betas[:, 0]):
        np.testing.assert_allclose(found.mu[i], closed_form(GRADS[:4, i], beta), rtol=1e-13)


def test_a_state_without_averages_has_none():
    opt = optim.gd(lr=0.1)
    found = optim.averages(opt.init(PARAMS))
    assert found == optim.Averages(None, None, 1.0, 1.0)
