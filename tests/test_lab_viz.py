"""viz.training: curves carry the histories on the chosen clock, boundary panels are oriented
and scaled right, the summary counts epochs to the target, every figure is valid Plotly."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lab import MLP, History, make_dataset, sigmoid
from viz.encode import decode
from viz.training import (
    boundaries_figure,
    curves_figure,
    data_figure,
    grid_extent,
    summary_table,
)

DATA = make_dataset("moons", n=40, seed=1)


def history(label, losses, diverged_at=None, params=None):
    epochs = list(range(len(losses)))
    return History(
        label,
        epochs=epochs,
        seconds=[0.25 * e for e in epochs],
        train_loss=list(losses),
        test_loss=[v * 1.1 for v in losses],
        train_accuracy=[0.5 + 0.1 * e for e in epochs],
        test_accuracy=[0.45 + 0.1 * e for e in epochs],
        diverged_at=diverged_at,
        params=params,
    )


HISTORIES = [history("A", [0.7, 0.4, 0.2, 0.1]), history("B", [0.7, 0.6], diverged_at=2)]


@pytest.mark.parametrize(("clock", "scale"), [("epoch", 1.0), ("seconds", 0.25)])
def test_curves_follow_the_histories_on_either_clock(clock, scale):
    fig = curves_figure(HISTORIES, ["#111111", "#222222"], clock=clock)
    go.Figure(fig)  # valid
    lines = [t for t in fig["data"] if t["mode"] == "lines"]
    assert len(lines) == 8  # 2 optimizers × (loss, accuracy) × (train, test)
    a_train_loss, a_test_loss, a_train_acc, a_test_acc = lines[:4]
    np.testing.assert_allclose(decode(a_train_loss["x"]), np.arange(4) * scale)
    np.testing.assert_allclose(decode(a_train_loss["y"]), [0.7, 0.4, 0.2, 0.1])
    np.testing.assert_allclose(decode(a_test_loss["y"]), [0.77, 0.44, 0.22, 0.11])
    assert (a_train_acc["yaxis"], a_test_acc["line"]["dash"]) == ("y2", "dash")
    markers = [t for t in fig["data"] if t["mode"] == "markers+text"]
    assert [m["text"] for m in markers] == [["diverged in epoch 2"]] * 2
    assert markers[0]["x"] == [1 * scale] and markers[0]["y"] == [0.6]


def test_an_unknown_clock_is_refused():
    with pytest.raises(ValueError, match="clock"):
        curves_figure(HISTORIES, ["#111111", "#222222"], clock="steps")


def test_boundary_panels_put_x_along_columns_and_show_the_probability():
    network = MLP((1,), "relu")
    # logit = relu(x₁) − ½: class 1 to the right of x₁ = ½, whatever x₂
    params = np.array([1.0, 0.0, 0.0, 1.0, -0.5])
    runs = [history("A", [0.5], params=params), history("B", [0.5], params=-params)]
    fig = boundaries_figure(network, runs, ["#111111", "#222222"], DATA, resolution=30)
    go.Figure(fig)
    contours = [t for t in fig["data"] if t["type"] == "contour"]
    assert len(contours) == 2 and contours[1]["xaxis"] == "x2"
    xs = decode(contours[0]["x"])
    z_spec = contours[0]["z"]
    assert z_spec["shape"] == "30, 30"  # plotly.py's form, which plotly.js reads as rows
    z = decode({k: v for k, v in z_spec.items() if k != "shape"}).reshape(30, 30)
    expected = sigmoid(np.maximum(xs, 0) - 0.5)
    np.testing.assert_allclose(z, np.broadcast_to(expected, (30, 30)), rtol=1e-6)
    (x0, x1), (y0, y1) = grid_extent(DATA)
    assert xs[0] == pytest.approx(x0) and xs[-1] == pytest.approx(x1)
    assert fig["layout"]["yaxis"]["range"] == [y0, y1]


def test_grid_extent_pads_the_data_by_a_tenth():
    low, high = DATA.x.min(axis=0), DATA.x.max(axis=0)
    span = high - low
    expected = [(lo - 0.1 * s, hi + 0.1 * s) for lo, hi, s in zip(low, high, span, strict=True)]
    np.testing.assert_allclose(np.array(grid_extent(DATA)), np.array(expected), rtol=1e-12)


@pytest.mark.parametrize(("count", "columns"), [(1, 1), (2, 2), (3, 3), (4, 2), (5, 3), (6, 3)])
def test_panels_are_laid_out_in_rows(count, columns):
    network = MLP((2,))
    runs = [history(str(i), [0.5], params=network.init(i)) for i in range(count)]
    fig = boundaries_figure(network, runs, ["#111111"] * count, DATA, resolution=5)
    lefts = {fig["layout"][f"xaxis{'' if i == 0 else i + 1}"]["domain"][0] for i in range(count)}
    assert len(lefts) == columns


def test_summary_counts_epochs_and_seconds_to_the_target():
    table = summary_table(HISTORIES, target=0.3)
    assert list(table["optimizer"]) == ["A", "B"]
    assert list(table["epochs to target"]) == ["2", "not reached"]
    assert list(table["seconds to target"]) == ["0.50", "not reached"]
    assert list(table["final test accuracy"]) == pytest.approx([0.75, 0.55])
    assert list(table["status"]) == ["3 epochs", "diverged in epoch 2"]


def test_data_figure_shows_every_point_once_by_class_and_split():
    fig = data_figure(DATA)
    go.Figure(fig)
    counts = {t["name"]: decode(t["x"]).size for t in fig["data"]}
    assert counts == {
        "class 0 (train)": int((DATA.y_train == 0).sum()),
        "class 1 (train)": int((DATA.y_train == 1).sum()),
        "class 0 (test)": int((DATA.y_test == 0).sum()),
        "class 1 (test)": int((DATA.y_test == 1).sum()),
    }
    assert sum(counts.values()) == 40


def test_a_blow_up_does_not_flatten_the_loss_axis():
    wild = history("wild", [0.7, 50.0, 1e11], diverged_at=3)
    fig = curves_figure([HISTORIES[0], wild], ["#111111", "#222222"])
    low, high = fig["layout"]["yaxis"]["range"]
    # from the best loss reached (0.1) to ten times the largest first loss (0.77), padded
    assert 0.07 < 10**low < 0.1 and 7.7 < 10**high < 11  # 50 and 1e11 are off the chart
