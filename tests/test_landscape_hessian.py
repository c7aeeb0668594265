"""lab.hessian's exact Hessian-vector products against facts that do not use it: central
differences of the plain backprop gradient, second differences of the loss alone, the closed
form of the output layer's block (logistic regression on the last hidden features) and the
symmetry of the Hessian; sharpness on a full Hessian built column by column."""

import numpy as np
import pytest

from lab import MLP, hessian, landscape, make_dataset

DATA = make_dataset("moons", n=120, seed=2)
X, Y = DATA.x_train, DATA.y_train
NETWORKS = [MLP(hidden=(6, 5), activation=a) for a in ("relu", "tanh")]


def _point(network, seed):
    """Weights with nonzero biases (so every term of the R-pass is exercised) and a direction."""
    rng = np.random.default_rng(seed)
    theta = network.init(seed) + 0.1 * rng.normal(size=network.n_params)
    return theta, rng.normal(size=network.n_params)


@pytest.mark.parametrize("network", NETWORKS, ids=["relu", "tanh"])
def test_exact_product_equals_central_differences_of_backprop(network):
    theta, v = _point(network, 1)
    h = 1e-5
    plus = network.loss_and_grad(theta + h * v, X, Y)[1]
    minus = network.loss_and_grad(theta - h * v, X, Y)[1]
    want = (plus - minus) / (2 * h)
    got = hessian.hessian_vector(network, theta, v, X, Y)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7 * np.abs(want).max())


@pytest.mark.parametrize("network", NETWORKS, ids=["relu", "tanh"])
def test_bilinear_form_equals_second_differences_of_the_loss(network):
    """wᵀHv = [L(θ+hv+hw) − L(θ+hv−hw) − L(θ−hv+hw) + L(θ−hv−hw)] / 4h²: no gradient used."""
    theta, v = _point(network, 2)
    w = np.random.default_rng(9).normal(size=network.n_params)
    h = 1e-4
    loss = [network.loss(theta + h * (s * v + t * w), X, Y) for s, t in ((1, 1), (1, -1), (-1, 1))]
    loss.append(network.loss(theta - h * (v + w), X, Y))
    want = (loss[0] - loss[1] - loss[2] + loss[3]) / (4 * h * h)
    got = w @ hessian.hessian_vector(network, theta, v, X, Y)
    assert got == pytest.approx(want, rel=1e-5)
    # and the Hessian is symmetric: wᵀ(Hv) = vᵀ(Hw)
    assert got == pytest.approx(v @ hessian.hessian_vector(network, theta, w, X, Y), rel=1e-10)


@pytest.mark.parametrize("network", NETWORKS, ids=["relu", "tanh"])
def test_output_block_is_logistic_regression_on_the_last_features(network):
    """With the hidden layers fixed the loss is logistic regression on A = [a⁽ᴸ⁻¹⁾, 1], whose
    Hessian is Aᵀ diag(p(1 − p)) A / n: so for v on the output layer only, that block of Hv is
    Aᵀ (p(1 − p) ⊙ A v_out) / n."""
    theta, _ = _point(network, 3)
    act = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[network.activation]
    a = X
    for w, b in network.unflatten(theta)[:-1]:  # the forward pass written out plainly
        a = act(a @ w + b)
    features = np.column_stack([a, np.ones(len(a))])
    block = network.layers[-1].block
    v = np.zeros(network.n_params)
    v[block] = np.random.default_rng(4).normal(size=block.stop - block.start)
    z = features @ theta[block]
    p = 1 / (1 + np.exp(-z))
    want = features.T @ (p * (1 - p) * (features @ v[block])) / len(Y)
    got = hessian.hessian_vector(network, theta, v, X, Y)
    np.testing.assert_allclose(got[block], want, rtol=1e-12, atol=1e-15)
    assert np.abs(got[: block.start]).max() > 0  # the cross terms reach the hidden layers


def test_landscape_uses_the_exact_product_for_the_network():
    network = NETWORKS[1]
    theta, v = _point(network, 5)
    got = landscape.hessian_vector(network, theta, v, X, Y)
    np.testing.assert_array_equal(got, hessian.hessian_vector(network, theta, v, X, Y))


@pytest.mark.parametrize("network", NETWORKS, ids=["relu", "tanh"])
def test_top_eigenvalue_matches_the_full_hessian(network):
    theta, _ = _point(network, 6)
    h = 1e-5  # the full Hessian, column by column, from central differences of backprop
    cols = [
        (
            network.loss_and_grad(theta + h * e, X, Y)[1]
            - network.loss_and_grad(theta - h * e, X, Y)[1]
        )
        / (2 * h)
        for e in np.eye(network.n_params)
    ]
    values = np.linalg.eigvalsh((np.stack(cols) + np.stack(cols).T) / 2)
    want = values[np.argmax(np.abs(values))]
    got = landscape.top_eigenvalue(network, theta, X, Y, iters=3000, tol=1e-12)
    assert got == pytest.approx(want, rel=1e-6)
