"""lab.regression: the exact MSE, batch gradients, batching and mini-batch runs.

References are independent of the code under test: a direct loop over the data for J, central
finite differences for every gradient, np.polyfit for the least-squares line, and the engine's
own `optim.run` for full-batch gradient descent.
"""

import numpy as np
import pytest

import optim
from lab.regression import (
    RegressionCost,
    batch_labels,
    batch_order,
    iterations_per_epoch,
    make_linear_data,
    minibatch_run,
)

RNG = np.random.default_rng(7)
POINTS = RNG.uniform((-3, -3.5), (4, 3.5), size=(50, 2))
H = 1e-6


@pytest.fixture(scope="module")
def cost():
    return RegressionCost(make_linear_data(size=97, noise=0.8, seed=3))


def central_difference(f, p):
    """∂f/∂pⱼ by (f(p + h eⱼ) − f(p − h eⱼ)) / 2h, one column per coordinate."""
    eye = np.eye(2) * H
    return np.stack([(f(p + e) - f(p - e)) / (2 * H) for e in eye], axis=-1)


def test_cost_equals_direct_mean_of_squared_residuals(cost):
    x, y = cost.data
    direct = [0.5 * np.mean((w * x + b - y) ** 2) for w, b in POINTS]
    np.testing.assert_allclose(cost(POINTS), direct, rtol=1e-12)


def test_cost_evaluates_grids_of_any_shape(cost):
    grid = POINTS.reshape(5, 10, 2)
    np.testing.assert_allclose(cost(grid), cost(POINTS).reshape(5, 10))
    assert cost.grad(grid).shape == (5, 10, 2)


def test_gradient_matches_finite_differences(cost):
    np.testing.assert_allclose(
        cost.grad(POINTS), central_difference(cost, POINTS), rtol=1e-6, atol=1e-7
    )


@pytest.mark.parametrize("batch", [[0], [3, 50, 96], list(range(0, 97, 2)), list(range(97))])
def test_batch_gradient_is_the_gradient_of_the_batch_loss(cost, batch):
    index = np.array(batch)
    numeric = central_difference(lambda p: cost.batch_loss(p, index), POINTS)
    np.testing.assert_allclose(cost.batch_grad(POINTS, index), numeric, rtol=1e-6, atol=1e-7)


def test_whole_data_batch_is_the_full_cost(cost):
    everything = np.arange(len(cost.data.x))
    np.testing.assert_allclose(cost.batch_loss(POINTS, everything), cost(POINTS), rtol=1e-12)
    np.testing.assert_allclose(cost.batch_grad(POINTS, everything), cost.grad(POINTS), atol=1e-12)


def test_minimum_is_the_least_squares_line(cost):
    w, b = np.polyfit(cost.data.x, cost.data.y, 1)
    np.testing.assert_allclose(cost.optimum, (w, b), rtol=1e-10)
    np.testing.assert_allclose(cost.grad(np.array(cost.optimum)), 0, atol=1e-12)
    assert cost.minima[0].value == pytest.approx(cost(np.array([w, b])), rel=1e-12)
    assert np.all(cost(POINTS) >= cost.minimum_value)


def test_data_is_seeded_and_noise_free_data_lies_on_the_line():
    a, b = make_linear_data(50, 0.3, seed=1), make_linear_data(50, 0.3, seed=1)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, make_linear_data(50, 0.3, seed=2).y)
    clean = make_linear_data(30, 0.0, seed=4, w=2.0, b=-0.5)
    np.testing.assert_allclose(clean.y, 2.0 * clean.x - 0.5)
    assert RegressionCost(clean).minimum_value == pytest.approx(0, abs=1e-20)


@pytest.mark.parametrize(("size", "noise"), [(1, 0.1), (10**6, 0.1), (10, -1.0), (10, np.nan)])
def test_bad_data_settings_raise(size, noise):
    with pytest.raises(ValueError, match=r"size|noise"):
        make_linear_data(size, noise)


@pytest.mark.parametrize(("size", "batch_size"), [(10, 1), (10, 3), (10, 10), (10, 25), (97, 16)])
def test_each_epoch_partitions_the_data(size, batch_size):
    for epoch in range(3):
        batches = batch_order(size, batch_size, epoch, seed=5)
        assert len(batches) == iterations_per_epoch(size, batch_size)
        assert sorted(np.concatenate(batches).tolist()) == list(range(size))
        assert all(len(b) == min(batch_size, size) for b in batches[:-1])
    labels = batch_labels(size, batch_size, seed=5)
    for k, index in enumerate(batch_order(size, batch_size, 0, seed=5)):
        assert set(np.flatnonzero(labels == k)) == set(index.tolist())


def test_epochs_reshuffle_reproducibly():
    first, second = batch_order(50, 5, 0, seed=1), batch_order(50, 5, 1, seed=1)
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))
    again = batch_order(50, 5, 1, seed=1)
    assert all(np.array_equal(p, q) for p, q in zip(second, again, strict=True))


def test_full_batch_equals_gradient_descent_on_the_exact_cost(cost):
    lr, epochs = 0.1, 30
    mini = minibatch_run(optim.gd(lr=lr), cost, len(cost.data.x), epochs, start=(-2.0, 2.5))
    full = optim.run(optim.gd(lr=lr), cost.grad, np.array([[-2.0, 2.5]]), epochs, value_fn=cost)
    np.testing.assert_allclose(mini.path, full.path[:, 0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mini.loss, full.values[:, 0], rtol=1e-12)
    np.testing.assert_array_equal(mini.epoch, np.arange(epochs + 1))


def test_stochastic_gradient_descent_steps_on_one_example_at_a_time(cost):
    lr, size = 0.05, len(cost.data.x)
    run = minibatch_run(optim.gd(lr=lr), cost, 1, 2, start=(0.0, 0.0), seed=9)
    assert run.path.shape == (2 * size + 1, 2)
    np.testing.assert_array_equal(run.examples, np.arange(2 * size + 1))
    # replay by hand: each step is −lr times the gradient of that single example's loss
    theta = np.zeros(2)
    for epoch in range(2):
        for index in batch_order(size, 1, epoch, seed=9):
            (i,) = index
            r = theta[0] * cost.data.x[i] + theta[1] - cost.data.y[i]
            theta = theta - lr * r * np.array([cost.data.x[i], 1.0])
    np.testing.assert_allclose(run.path[-1], theta, rtol=1e-10)


def test_mini_batches_make_more_progress_per_epoch_than_the_full_batch(cost):
    full = minibatch_run(optim.gd(lr=0.1), cost, len(cost.data.x), 3)
    mini = minibatch_run(optim.gd(lr=0.1), cost, 8, 3)
    assert mini.examples[-1] == full.examples[-1] == 3 * len(cost.data.x)
    assert mini.loss[-1] < full.loss[-1]


def test_a_diverging_run_is_frozen_and_marked(cost):
    run = minibatch_run(optim.gd(lr=50.0), cost, 10, 5)
    assert run.diverged_at > 0
    assert np.all(np.isfinite(run.path))
    assert np.all(run.path[run.diverged_at :] == run.path[run.diverged_at - 1])


@pytest.mark.parametrize(
    ("batch_size", "epochs", "match"),
    [(0, 5, "batch_size"), (5, 0, "epochs"), (5, 10**4, "epochs")],
)
def test_bad_run_settings_raise(cost, batch_size, epochs, match):
    with pytest.raises(ValueError, match=match):
        minibatch_run(optim.gd(lr=0.1), cost, batch_size, epochs)


def test_too_many_iterations_raise():
    big = RegressionCost(make_linear_data(2000, 0.1))
    with pytest.raises(ValueError, match="too many"):
        minibatch_run(optim.gd(lr=0.1), big, 1, 100)
