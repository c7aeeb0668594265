"""Loss charts with a diverged run (issue #11, 2.2 and 2.11): the other runs stay readable.

The runs are real: the optimizers stepped on the surfaces the Playground offers, or mini-batch
regressions, and every expected number is computed here with NumPy from the runs themselves.
"""

import numpy as np
import plotly.graph_objects as go
import pytest

import optim
import surfaces
from lab.regression import RegressionCost, make_linear_data, minibatch_run
from viz.encode import decode
from viz.loss import loss_figure
from viz.minibatch import (
    FULL_BATCH_COLOUR,
    batch_run_label,
    loss_clocks_figure,
    solid_full_batch_path,
)
from viz.trajectory import Trajectory, trajectory_figure

CONTOUR_MAP = ("#f3f1e7", "#a9cbe0", "#5d93b8")  # viz.background's pale end down to its middle


def race(surface_name: str, runs: dict[str, tuple[str, dict]], steps: int = 300):
    """Trajectories of optimizers from the surface's start, as the Playground computes them."""
    surface = surfaces.SURFACES[surface_name]
    made = []
    for label, (name, kwargs) in runs.items():
        result = optim.run(
            optim.OPTIMIZERS[name].build(**kwargs),
            surface.grad,
            np.array([surface.start], dtype=float),
            steps,
            value_fn=surface,
        )
        diverged = int(result.diverged_at[0])
        made.append(Trajectory(label, "#e4572e", result.path[:, 0], result.values[:, 0], diverged))
    return made


def lines_and_crosses(fig: dict) -> tuple[dict, dict]:
    lines = {t["name"]: decode(t["y"]) for t in fig["data"] if t["mode"] == "lines"}
    crosses = {t["name"]: t for t in fig["data"] if t["mode"] == "markers+text"}
    return lines, crosses


def first_exit(values: np.ndarray, low: float, high: float) -> int:
    """Index of the first value outside [low, high] (len(values) when none is)."""
    outside = np.flatnonzero(~((values >= low) & (values <= high)))
    return int(outside[0]) if outside.size else len(values)


def test_monkey_saddle_blow_up_keeps_the_axis_on_the_healthy_runs():
    # gradient descent at α = 0.1 leaves the monkey saddle towards −10¹¹; the others do not
    runs = race(
        "monkey_saddle",
        {
            "gd": ("gd", {"lr": 0.1}),
            "momentum": ("momentum", {"lr": 0.01}),
            "rmsprop": ("rmsprop", {"lr": 0.01}),
            "adam": ("adam", {"lr": 0.05}),
        },
    )
    gd, *healthy = runs
    assert gd.diverged_at > 0 and all(run.diverged_at < 0 for run in healthy)
    before = gd.values[: gd.diverged_at]
    assert before.min() < -1e10  # the blow-up that squashed the chart

    fig = loss_figure(runs)
    go.Figure(fig)
    axis = fig["layout"]["yaxis"]
    assert axis["type"] == "linear"
    low, high = axis["range"]
    healthy_values = np.concatenate([run.values for run in healthy])
    span = healthy_values.max() - healthy_values.min()
    assert low <= healthy_values.min() and high >= healthy_values.max()
    assert high - low <= 1.2 * span  # the healthy runs fill the chart: no room for −10¹¹

    lines, crosses = lines_and_crosses(fig)
    for run in healthy:
        np.testing.assert_array_equal(lines[run.label], run.values)  # drawn whole
    cut = first_exit(before, low, high)
    assert 0 < cut < len(before)
    np.testing.assert_array_equal(lines["gd"], before[:cut])  # up to its last point in range
    cross = crosses["gd"]
    assert cross["x"] == [cut - 1] and cross["y"] == [before[cut - 1]]
    assert cross["text"] == [f"diverged at step {gd.diverged_at}"]
    assert cross["marker"]["symbol"] == "x"
    assert fig["layout"]["yaxis"]["automargin"]  # the "J" title moves clear of the labels


def test_rosenbrock_blow_up_on_a_log_axis_stops_at_the_healthy_range():
    runs = race(
        "rosenbrock",
        {"gd": ("gd", {"lr": 0.001}), "adam": ("adam", {"lr": 0.05}), "wild": ("gd", {"lr": 0.1})},
    )
    *healthy, wild = runs
    assert wild.diverged_at > 0 and all(run.diverged_at < 0 for run in healthy)
    fig = loss_figure(runs)
    axis = fig["layout"]["yaxis"]
    assert axis["type"] == "log"
    low, high = axis["range"]  # log10 units
    logs = np.log10(np.concatenate([run.values for run in healthy]))
    assert low <= logs.min() and high >= logs.max()
    assert high - low <= 1.2 * (logs.max() - logs.min())
    lines, crosses = lines_and_crosses(fig)
    before = wild.values[: wild.diverged_at]
    cut = first_exit(np.log10(before), low, high)
    np.testing.assert_array_equal(lines["wild"], before[:cut])
    assert crosses["wild"]["y"] == [before[cut - 1]]
    assert fig["layout"]["xaxis"]["range"] == [0, 300]


def test_when_every_run_diverges_the_axis_still_shows_where_they_started():
    runs = race("saddle", {"a": ("gd", {"lr": 0.3}), "b": ("gd", {"lr": 1.0})})
    assert all(run.diverged_at > 0 for run in runs)
    assert min(run.values[: run.diverged_at].min() for run in runs) < -1e10
    fig = loss_figure(runs)
    low, high = fig["layout"]["yaxis"]["range"]
    start = runs[0].values[0]
    assert low < start < high and high - low < 1e4  # not stretched to −10¹¹
    lines, crosses = lines_and_crosses(fig)
    for run in runs:
        assert lines[run.label].size >= 2 and np.all(lines[run.label] >= low)
        assert crosses[run.label]["text"] == [f"diverged at step {run.diverged_at}"]


COST = RegressionCost(make_linear_data(200, 0.5, seed=0))


def minibatch_pair(lr: float, batch: int, epochs: int = 5):
    full, small = (minibatch_run(optim.gd(lr=lr), COST, b, epochs) for b in (200, batch))
    return {batch_run_label(full, 200): full, batch_run_label(small, 200): small}


def test_minibatch_chart_keeps_the_full_batch_readable_when_sgd_diverges():
    runs = minibatch_pair(lr=1.0, batch=1)
    full, sgd = runs.values()
    assert full.diverged_at < 0 < sgd.diverged_at
    fig = loss_clocks_figure(runs, dict.fromkeys(runs, "#555555"), COST.minimum_value)
    go.Figure(fig)  # a valid figure
    low, high = fig["layout"]["yaxis"]["range"]
    reference = np.log10(np.r_[full.loss, COST.minimum_value])
    assert low <= reference.min() and high >= reference.max()
    assert high - low <= 1.2 * (reference.max() - reference.min())
    for panel in ("yaxis", "yaxis2", "yaxis3"):  # matched panels share the log type
        assert fig["layout"][panel]["type"] == "log"
    sgd_lines = [t for t in fig["data"] if t["name"] == "SGD (batch 1)" and t["mode"] == "lines"]
    cut = first_exit(np.log10(sgd.loss[: sgd.diverged_at]), low, high)
    np.testing.assert_allclose(decode(sgd_lines[0]["y"]), sgd.loss[:cut])
    crosses = [t for t in fig["data"] if t["mode"] == "markers+text"]
    assert len(crosses) == 3 and list(crosses[0]["text"]) == ["diverged at iteration 23"]
    assert all(list(c["y"]) == [sgd.loss[cut - 1]] for c in crosses)


def test_minibatch_chart_draws_the_full_batch_on_top_with_a_dot_per_update():
    runs = minibatch_pair(lr=0.1, batch=16)
    fig = loss_clocks_figure(runs, dict.fromkeys(runs, "#555555"), COST.minimum_value)
    names = [t["name"] for t in fig["data"]]
    assert names[-3:] == ["full batch (200)"] * 3  # drawn last, so on top
    full = fig["data"][-3]
    assert full["mode"] == "lines+markers" and len(decode(full["x"])) == 6  # 5 updates + start
    assert fig["data"][-1]["showlegend"] is False and full["showlegend"] is True


def luminance(colour: str) -> float:
    channels = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("background", CONTOUR_MAP)
def test_full_batch_colour_stands_out_on_the_contour_map(background):
    assert contrast(FULL_BATCH_COLOUR, background) >= 3.0


def test_solid_full_batch_path_draws_only_the_full_batch_path_solid_in_its_colour():
    runs = minibatch_pair(lr=0.1, batch=16)
    drawn = [
        Trajectory(label, colour, run.path, COST(run.path))
        for (label, run), colour in zip(runs.items(), (FULL_BATCH_COLOUR, "#e4572e"), strict=True)
    ]
    fig = solid_full_batch_path(trajectory_figure(COST, drawn, trail=None), "full batch (200)")
    go.Figure(fig)
    full = [t for t in fig["data"] if t.get("legendgroup") == "full batch (200)"]
    other = [t for t in fig["data"] if t.get("legendgroup") == "mini-batch (16)"]
    assert len(full) == 3 and len(other) == 3  # path, trail, current point each
    assert all(t["line"]["color"] == FULL_BATCH_COLOUR for t in full if "line" in t)
    assert all(t["marker"]["color"] == FULL_BATCH_COLOUR for t in full if "marker" in t)
    for trace in other:  # the mini-batch run keeps its colour
        assert {trace.get(part, {}).get("color") for part in ("line", "marker")} <= {
            "#e4572e",
            None,
        }
    path = next(t for t in full if t["name"] == "full batch (200) path")
    assert path["line"]["dash"] == "solid" and path["line"]["width"] >= 2
    assert path["mode"] == "lines+markers" and path["opacity"] == 1.0
    other_path = next(t for t in other if t["name"] == "mini-batch (16) path")
    assert other_path["line"]["dash"] == "dot" and other_path["mode"] == "lines"
