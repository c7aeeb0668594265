"""Every lesson figure builder in viz returns a plain figure dict (as ``viz/__init__`` says),
JSON-ready and valid for plotly, with the lessons' shared layout from ``viz.layout``."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

import optim
from lab.regression import RegressionCost, batch_labels, make_linear_data, minibatch_run
from viz.ewa import ewa_figure, weights_figure
from viz.layout import lesson_layout
from viz.minibatch import batch_run_label, batches_figure, loss_clocks_figure
from viz.step_anatomy import scale_figure, step_anatomy, step_size_figure
from viz.trajectory import Trajectory

COST = RegressionCost(make_linear_data(60, 0.5, seed=1))


def minibatch_runs():
    runs = [minibatch_run(optim.gd(lr=0.1), COST, b, 3) for b in (60, 8)]
    return {batch_run_label(run, 60): run for run in runs}


def anatomy():
    grad = lambda p: np.stack([4 * p[..., 0], p[..., 1] / 50], axis=-1)  # noqa: E731
    path = optim.run(optim.adam(lr=0.05), grad, np.array([[1.0, 2.0]]), 20).path[:, 0]
    hyper = {**optim.OPTIMIZERS["adam"].defaults(), "lr": 0.05}
    return step_anatomy("adam", hyper, path, grad), path


BUILDERS = {
    "ewa_figure": lambda: ewa_figure(np.arange(30), np.sin(np.arange(30.0)), own_beta=0.7),
    "weights_figure": weights_figure,
    "batches_figure": lambda: batches_figure(COST.data, batch_labels(60, 8, seed=0), COST.optimum),
    "loss_clocks_figure": lambda: loss_clocks_figure(
        minibatch_runs(), dict.fromkeys(minibatch_runs(), "#111111"), COST.minimum_value
    ),
    "scale_figure": lambda: scale_figure(anatomy()[0], 5, adaptive=True),
    "step_size_figure": lambda: step_size_figure(
        [Trajectory("adam", "#e4572e", anatomy()[1], np.zeros(21))]
    ),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_lesson_builders_return_valid_json_ready_dicts(name):
    figure = BUILDERS[name]()
    assert type(figure) is dict and set(figure) >= {"data", "layout"}
    json.dumps(figure)  # no numpy arrays or plotly objects left inside
    go.Figure(figure)  # plotly validates it
    legend = figure["layout"]["legend"]
    assert (legend["orientation"], legend["y"]) == ("h", -0.22)  # the lessons' shared layout


def test_lesson_layout_sets_title_axis_height_and_extra_settings():
    figure = lesson_layout(
        go.Figure(go.Scatter(x=[0, 1], y=[2, 3])), "T", "x", 300, yaxis_title="y"
    )
    assert figure["layout"]["title"]["text"] == "T" and figure["layout"]["height"] == 300
    assert figure["layout"]["xaxis"]["title"]["text"] == "x"
    assert figure["layout"]["yaxis"]["title"]["text"] == "y"
