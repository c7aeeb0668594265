"""lab's data sets and network: geometry of the generators, backprop against finite differences,
the loss against the textbook formula, the flat layout against a hand-written forward pass."""

import itertools
import math
import re

import numpy as np
import pytest

from lab import (
    ACTIVATIONS,
    DATASETS,
    MLP,
    binary_cross_entropy,
    make_dataset,
    parse_widths,
    sigmoid,
)

# -- data sets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_dataset_shapes_balance_split_and_seed(name):
    data = make_dataset(name, n=201, seed=3, test_fraction=0.2)
    assert data.x_train.shape == (161, 2) and data.x_test.shape == (40, 2)
    assert set(np.unique(data.y)) == {0.0, 1.0}
    assert data.y.sum() == 101  # class 1 gets the odd point
    again = make_dataset(name, n=201, seed=3, test_fraction=0.2)
    other = make_dataset(name, n=201, seed=4, test_fraction=0.2)
    assert all(np.array_equal(a, b) for a, b in zip(data, again, strict=True))
    assert not np.array_equal(data.x, other.x)


def _on_its_curve(name, x, y):
    """Distance-free descriptions of each noiseless data set, written from the geometry."""
    u, v = x[:, 0], x[:, 1]
    one = y == 1
    if name == "moons":
        radius = np.where(one, np.hypot(u - 1, v - 0.5), np.hypot(u, v))
        upper = np.where(one, v <= 0.5 + 1e-12, v >= -1e-12)
        return np.allclose(radius, 1.0) and upper.all()
    if name == "circles":
        return np.allclose(np.hypot(u, v), np.where(one, 0.5, 1.0))
    if name == "spiral":
        r = np.hypot(u, v)
        turned = np.angle((u + 1j * v) * np.exp(-1j * (3 * math.pi * r + math.pi * one)))
        return np.allclose(turned, 0.0) and ((r >= 0.1 - 1e-12) & (r <= 1 + 1e-12)).all()
    if name == "xor":
        return (np.abs(x) <= 1).all() and np.array_equal(u * v < 0, one)
    if name == "blobs":
        return np.allclose(x, np.where(one, 1.0, -1.0)[:, None])
    raise AssertionError(name)


@pytest.mark.parametrize("name", DATASETS)
def test_noiseless_points_lie_on_their_shapes(name):
    data = make_dataset(name, n=300, noise=0.0, seed=1)
    assert _on_its_curve(name, data.x, data.y)


@pytest.mark.parametrize("name", DATASETS)
def test_noise_is_gaussian_jitter_of_the_given_spread(name):
    clean = make_dataset(name, n=4000, noise=0.0, seed=2)
    noisy = make_dataset(name, n=4000, noise=0.3, seed=2)
    assert np.array_equal(clean.y, noisy.y)
    assert np.std(noisy.x - clean.x) == pytest.approx(0.3, rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"name": "moon"}, "name"),
        ({"n": 3}, "n"),
        ({"n": 10.5}, "n"),
        ({"noise": -0.1}, "noise"),
        ({"noise": math.nan}, "noise"),
        ({"test_fraction": 0.0}, "test_fraction"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"n": 4, "test_fraction": 0.9}, "test_fraction"),
    ],
)
def test_bad_dataset_settings_name_the_argument(kwargs, word):
    with pytest.raises(ValueError, match=f"^{word}:"):
        make_dataset(**kwargs)


# -- the network ---------------------------------------------------------------------------------

ARCHITECTURES = [((3,), "relu"), ((3,), "tanh"), ((4, 5, 3), "relu"), ((4, 5, 3), "tanh")]


def _batch(n=9, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), (rng.random(n) < 0.5).astype(float)


@pytest.mark.parametrize(("hidden", "activation"), ARCHITECTURES)
def test_backprop_matches_central_differences(hidden, activation):
    network = MLP(hidden, activation)
    x, y = _batch()
    params = network.init(seed=5) + np.random.default_rng(6).normal(0, 0.1, network.n_params)
    loss, grad = network.loss_and_grad(params, x, y)
    h = 1e-6
    numeric = np.array(
        [
            (network.loss(params + h * e, x, y) - network.loss(params - h * e, x, y)) / (2 * h)
            for e in np.eye(network.n_params)
        ]
    )
    assert loss == pytest.approx(network.loss(params, x, y), rel=1e-14)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    # every layer's weights and biases take part, so a layer left out would show
    for w, b in network.unflatten(grad):
        assert np.abs(w).max() > 0 and np.abs(b).max() > 0


@pytest.mark.parametrize(("hidden", "activation"), ARCHITECTURES)
def test_forward_follows_the_documented_flat_layout(hidden, activation):
    network = MLP(hidden, activation)
    rng = np.random.default_rng(1)
    sizes = (2, *hidden, 1)
    weights = [rng.normal(size=(i, o)) for i, o in itertools.pairwise(sizes)]
    biases = [rng.normal(size=o) for o in sizes[1:]]
    flat = np.concatenate([np.r_[w.ravel(), b] for w, b in zip(weights, biases, strict=True)])
    assert flat.size == network.n_params
    act = {"relu": lambda z: np.where(z > 0, z, 0.0), "tanh": np.tanh}[activation]
    x, _ = _batch()
    a = x
    for w, b in zip(weights[:-1], biases[:-1], strict=True):
        a = act(a @ w + b)
    expected = (a @ weights[-1] + biases[-1])[:, 0]
    np.testing.assert_allclose(network.logits(flat, x), expected, rtol=1e-12)
    np.testing.assert_allclose(network.probabilities(flat, x), 1 / (1 + np.exp(-expected)))


def test_cross_entropy_matches_the_textbook_formula_and_survives_huge_logits():
    z = np.linspace(-8, 8, 17)
    y = (np.arange(17) % 2).astype(float)
    p = 1 / (1 + np.exp(-z))
    textbook = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert binary_cross_entropy(z, y) == pytest.approx(textbook, rel=1e-12)
    # a confident wrong answer costs |z|, a confident right one costs e^(−|z|) ≈ 0
    assert binary_cross_entropy(np.array([800.0, -800.0]), np.array([0.0, 1.0])) == 800.0
    assert binary_cross_entropy(np.array([800.0, -800.0]), np.array([1.0, 0.0])) == 0.0
    np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])


def test_evaluate_counts_the_right_side_of_the_boundary():
    network = MLP((1,), "relu")
    # logit = relu(x₁) − 0.5: class 1 exactly where x₁ > 0.5
    params = np.array([1.0, 0.0, 0.0, 1.0, -0.5])
    x = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.2, 0.0]])
    loss, accuracy = network.evaluate(params, x, np.array([0.0, 1.0, 0.0, 1.0]))
    assert accuracy == 0.5
    assert loss == pytest.approx(
        binary_cross_entropy(np.array([-0.5, 0.5, 1.5, -0.3]), np.array([0.0, 1.0, 0.0, 1.0]))
    )


def test_default_network_is_the_articles():
    network = MLP()
    assert network.sizes == (2, 25, 50, 50, 25, 1)
    assert network.n_params == 2 * 25 + 25 + 25 * 50 + 50 + 50 * 50 + 50 + 50 * 25 + 25 + 25 + 1
    assert str(network) == "2-25-50-50-25-1 ReLU"


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_initial_weights_are_seeded_and_scaled_by_fan_in(activation):
    network = MLP((400, 400), activation)
    params = network.init(seed=2)
    assert np.array_equal(params, network.init(seed=2))
    assert not np.array_equal(params, network.init(seed=3))
    (_, b1), (w2, b2), _ = network.unflatten(params)
    assert not b1.any() and not b2.any()
    assert w2.std() == pytest.approx(math.sqrt(ACTIVATIONS[activation].gain / 400), rel=0.02)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden": ()}, "at least one hidden layer"),
        ({"hidden": (5, 0)}, "layer 2 has width 0"),
        ({"hidden": (5, -3)}, "layer 2 has width -3"),
        ({"hidden": (2.5,)}, "layer 1 has width 2.5"),
        ({"activation": "sigmoid"}, "unknown 'sigmoid'"),
    ],
)
def test_bad_network_settings_give_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_params_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match=r"expected shape \(13,\)"):
        MLP((3,)).loss(np.zeros(16), *_batch())


@pytest.mark.parametrize(("hidden", "activation"), [*ARCHITECTURES, ((25, 50, 50, 25), "relu")])
@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_fast_backprop_agrees_with_the_plain_one(hidden, activation, batch_size):
    network = MLP(hidden, activation)
    backprop = network.backprop(batch_size)
    params = network.init(seed=1) + 0.05
    grads = []
    for seed in (2, 3):  # buffers reused: the first result must not change on the second call
        x, y = _batch(batch_size, seed)
        grads.append((backprop(params, x, y), network.loss_and_grad(params, x, y)[1]))
    for fast, plain in grads:
        np.testing.assert_allclose(fast, plain, rtol=1e-12, atol=1e-15)
    fast_loss, fast_accuracy = backprop.evaluate(params, x, y)
    plain_loss, plain_accuracy = network.evaluate(params, x, y)
    assert fast_loss == pytest.approx(plain_loss, rel=1e-12) and fast_accuracy == plain_accuracy


@pytest.mark.parametrize(
    ("text", "widths"),
    [("25, 50, 50, 25", (25, 50, 50, 25)), ("25-50-50-25", (25, 50, 50, 25)), (" 7 ", (7,))],
)
def test_widths_are_read_from_typed_text(text, widths):
    assert parse_widths(text) == widths


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one hidden layer"),
        ("5, 0", "layer 2 has width 0; widths must be 1 to 256"),
        ("5, x", "layer 2 width 'x' is not a whole number"),
        ("2.5", "layer 1 width '2.5' is not a whole number"),
        ("1 2 3 4 5 6 7 8 9", "at most 8 hidden layers, got 9"),
        ("300", "layer 1 has width 300"),
        ("__import__('os')", "not a whole number"),
    ],
)
def test_typed_widths_that_cannot_be_used_give_a_clear_message(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_widths(text)
