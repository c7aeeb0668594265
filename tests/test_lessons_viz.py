"""Figures of the lesson pages: mini-batch clocks and curves, and the step anatomy of one run."""

import json

import numpy as np
import pytest

import optim
from lab.regression import RegressionCost, batch_labels, make_linear_data, minibatch_run
from viz.encode import decode
from viz.minibatch import (
    batch_run_label,
    batches_figure,
    loss_clocks_figure,
    on_common_clock,
    thin,
)
from viz.step_anatomy import ANATOMY_OPTIMIZERS, arrow_annotations, scale_figure, step_anatomy

COST = RegressionCost(make_linear_data(120, 0.5, seed=2))


def runs(*batch_sizes, epochs=4, lr=0.1):
    return [minibatch_run(optim.gd(lr=lr), COST, b, epochs) for b in batch_sizes]


@pytest.mark.parametrize(("length", "most"), [(5, 10), (10, 10), (11, 10), (100_001, 600)])
def test_thin_keeps_ends_and_bounds_the_count(length, most):
    keep = thin(length, most)
    assert keep[0] == 0 and keep[-1] == length - 1
    assert len(keep) <= most and np.all(np.diff(keep) > 0)


def test_common_clock_holds_each_run_at_its_latest_point():
    full, mini = runs(120, 10)
    clock, points = on_common_clock([full, mini], frames=48)
    assert points.shape == (49, 2, 2)
    np.testing.assert_allclose(clock[[0, -1]], [0, 4 * 120])
    # the full batch moves only when a whole epoch is done: clock 0..119 -> start, 120 -> step 1
    for examples, point in zip(clock, points[:, 0], strict=True):
        np.testing.assert_array_equal(point, full.path[int(examples // 120)])
    # both end where their runs end, having processed the same data
    np.testing.assert_array_equal(points[-1, 0], full.path[-1])
    np.testing.assert_array_equal(points[-1, 1], mini.path[-1])


def test_loss_clocks_figure_has_three_clocks_per_run_with_consistent_x():
    full, sgd = runs(120, 1)
    named = {batch_run_label(r, 120): r for r in (full, sgd)}
    assert list(named) == ["full batch (120)", "SGD (batch 1)"]
    fig = loss_clocks_figure(named, {n: "#000" for n in named}, COST.minimum_value)
    assert len(fig["data"]) == 6
    sgd_traces = [t for t in fig["data"] if t["name"] == "SGD (batch 1)"]
    iteration, epoch, examples = (decode(t["x"]).astype(float) for t in sgd_traces)
    np.testing.assert_allclose(epoch * 120, examples)
    assert iteration[-1] == 4 * 120 and len(iteration) <= 600  # thinned, last point kept
    np.testing.assert_allclose(decode(sgd_traces[0]["y"])[-1], sgd.loss[-1])
    assert len(json.dumps(fig)) < 120_000


def test_batches_figure_colours_every_point_by_its_batch():
    labels = batch_labels(120, 25, seed=0)
    fig = batches_figure(COST.data, labels, COST.optimum)
    data, line = fig["data"]
    np.testing.assert_array_equal(decode(data["marker"]["color"]), labels)
    assert "5 batches" in fig["layout"]["title"]["text"]
    w, b = COST.optimum
    np.testing.assert_allclose(decode(line["y"]), w * decode(line["x"]) + b)


def quadratic_grad(p):
    """∇ of J = ½(4x² + 2xy + y²/50): coupled and badly scaled, as a ravine."""
    x, y = p[..., 0], p[..., 1]
    return np.stack([4 * x + y, x + y / 50], axis=-1)


SETTINGS = {
    "gd": {"lr": 0.05},
    "momentum": {"lr": 0.05, "beta": 0.9},
    "rmsprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
    "adam": {"lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


@pytest.mark.parametrize("name", ANATOMY_OPTIMIZERS)
def test_rebuilt_step_equals_the_engines_step(name):
    hyper = {**optim.OPTIMIZERS[name].defaults(), **SETTINGS[name]}
    opt = optim.OPTIMIZERS[name].build(**hyper)
    path = optim.run(opt, quadratic_grad, np.array([[1.0, -2.0]]), 60).path[:, 0]
    anatomy = step_anatomy(name, hyper, path, quadratic_grad)
    np.testing.assert_allclose(anatomy.predicted, anatomy.step, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(anatomy.grad, quadratic_grad(path[:-1]))


def test_adam_first_step_moves_every_coordinate_by_about_lr():
    hyper = SETTINGS["adam"]
    path = np.array([[1.0, -2.0], [0.0, 0.0]])  # only the first point is used for the pieces
    anatomy = step_anatomy("adam", hyper, path, quadratic_grad)
    g = quadratic_grad(path[0])
    np.testing.assert_allclose(anatomy.scale[0], np.abs(g) + 1e-8)  # v̂₁ = g₁²
    np.testing.assert_allclose(anatomy.predicted[0], -0.02 * np.sign(g), rtol=1e-6)


def test_arrows_share_one_scale_and_start_at_the_point():
    hyper = SETTINGS["momentum"]
    path = optim.run(optim.momentum(lr=0.05, beta=0.9), quadratic_grad, np.array([[1.0, -2.0]]), 9)
    anatomy = step_anatomy("momentum", hyper, path.path[:, 0], quadratic_grad)
    notes = arrow_annotations(path.path[5, 0], anatomy, 5, length=0.5)
    vectors = np.array([[n["x"] - n["ax"], n["y"] - n["ay"]] for n in notes])
    assert max(np.hypot(*v) for v in vectors) == pytest.approx(0.5)
    # one common factor: the drawn arrows are proportional to the true vectors
    truth = np.array([anatomy.descent[5], anatomy.heading[5], anatomy.step[5]])
    ratios = vectors / truth
    np.testing.assert_allclose(ratios, ratios[0, 0])
    assert all(n["ax"] == path.path[5, 0, 0] for n in notes)


def test_velocity_arrow_only_where_gradients_are_averaged():
    path = optim.run(optim.gd(lr=0.05), quadratic_grad, np.array([[1.0, -2.0]]), 5).path[:, 0]
    plain = step_anatomy("gd", SETTINGS["gd"], path, quadratic_grad)
    assert [a[0] for a in plain.arrows()] == ["descent", "step"]
    assert len(arrow_annotations(path[2], plain, 2, length=1.0)) == 2
    averaged = step_anatomy("adam", SETTINGS["adam"], path, quadratic_grad)
    assert [a[0] for a in averaged.arrows()] == ["descent", "heading", "step"]


def test_scale_figure_shows_sqrt_v_only_for_adaptive_methods():
    path = np.array([[1.0, -2.0], [0.9, -1.9], [0.8, -1.8]])
    anatomy = step_anatomy("rmsprop", SETTINGS["rmsprop"], path, quadratic_grad)
    assert len(scale_figure(anatomy, 1, adaptive=True)["data"]) == 4
    assert len(scale_figure(anatomy, 1, adaptive=False)["data"]) == 2
    json.dumps(scale_figure(anatomy, 1, adaptive=True))  # JSON-ready, as the page sends it


def test_unknown_optimizer_has_no_anatomy():
    with pytest.raises(ValueError, match="no step anatomy"):
        step_anatomy("adagrad", {"lr": 0.1}, np.zeros((3, 2)), quadratic_grad)
