"""Log axes label their ticks with full values ("0.5", "0.01", "1"), never plotly's bare "5"
(issue #11, 2.6), and every log axis in viz gets them from one helper, viz.axes."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

import optim
from lab import History
from lab.regression import RegressionCost, make_linear_data, minibatch_run
from viz.axes import log_axis, log_ticks
from viz.loss import loss_figure
from viz.minibatch import batch_run_label, loss_clocks_figure
from viz.step_anatomy import scale_figure, step_anatomy, step_size_figure
from viz.training import curves_figure
from viz.trajectory import Trajectory

VIZ = Path(__file__).resolve().parents[1] / "viz"
POWER = re.compile(r"^(?:(\d)×)?10<sup>([−-]?\d+)</sup>$")


def label_value(text: str) -> float:
    """The number a tick label shows: "0.05", "20", "10<sup>−6</sup>", "2×10<sup>7</sup>"."""
    match = POWER.match(text)
    if match:
        mantissa = int(match.group(1) or 1)
        return mantissa * 10.0 ** int(match.group(2).replace("−", "-"))
    return float(text)


def assert_full_values(axis: dict) -> None:
    """Each label reads as the value it sits at, and ticks cover the range."""
    values, texts = axis["tickvals"], axis["ticktext"]
    assert len(values) == len(texts) >= 2
    for value, text in zip(values, texts, strict=True):
        assert label_value(text) == pytest.approx(value, rel=1e-12), (value, text)
    low, high = axis["range"]
    assert all(low <= math.log10(v) <= high for v in values)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.13, 9.0, ["0.2", "0.5", "1", "2", "5"]),  # the mini-batch lesson's default losses
        (0.004, 0.6, ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5"]),
        (1e-3, 1e3, ["0.001", "0.01", "0.1", "1", "10", "100", "1000"]),  # no room for 2, 5
        (0.35, 0.95, ["0.4", "0.5", "0.6", "0.7", "0.8", "0.9"]),  # within a decade: 1…9
    ],
)
def test_ticks_are_full_values(low, high, expected):
    values, texts = log_ticks(math.log10(low), math.log10(high), length=250)
    assert texts == expected
    np.testing.assert_allclose(values, [float(t) for t in expected])


def test_wide_ranges_keep_one_notation_and_space_their_labels():
    values, texts = log_ticks(-12.3, 0.4, length=250)
    assert texts[-1] == "1" and texts[0] == "10<sup>−12</sup>"
    assert all(POWER.match(t) for t in texts[:-1])  # not "0.0001" next to 10⁻⁶
    gaps = np.diff(np.log10(values)) * 250 / 12.7
    assert gaps.min() >= 22  # px between neighbouring labels
    values, texts = log_ticks(-0.2, 0.25, length=250)
    assert "5" not in texts or 5.0 in values  # "5" only ever means five


def test_no_range_falls_back_to_decades_in_powers_of_ten():
    assert log_axis(None) == {
        "type": "log",
        "automargin": True,
        "dtick": 1,
        "exponentformat": "power",
    }


COST = RegressionCost(make_linear_data(200, 0.5, seed=0))


def minibatch_chart():
    runs = [minibatch_run(optim.gd(lr=0.1), COST, b, 5) for b in (200, 16)]
    named = {batch_run_label(r, 200): r for r in runs}
    return loss_clocks_figure(named, dict.fromkeys(named, "#000000"), COST.minimum_value)


def history(label: str, losses) -> History:
    h = History(label, params=np.zeros(2))
    for epoch, loss in enumerate(losses):
        h.record(epoch, 0.1 * epoch, (loss, 0.5), (1.3 * loss, 0.5))
    return h


def playground_loss_chart():
    path = np.zeros((51, 2))
    values = 30.0 * np.exp(-0.15 * np.arange(51)) + 0.002
    return loss_figure([Trajectory("a", "#000000", path, values)])


def anatomy_charts():
    """|g| and √v, and step sizes, of Adam on a badly scaled bowl."""
    grad = lambda p: np.stack([4 * p[..., 0], p[..., 1] / 50], axis=-1)  # noqa: E731
    hyper = {**optim.OPTIMIZERS["adam"].defaults(), "lr": 0.05}
    path = optim.run(optim.adam(lr=0.05), grad, np.array([[1.0, 2.0]]), 60).path[:, 0]
    anatomy = step_anatomy("adam", hyper, path, grad)
    run = Trajectory("adam", "#000000", path, np.zeros(len(path)))
    return scale_figure(anatomy, 10, True), step_size_figure([run])


def every_log_axis() -> list[tuple[str, dict]]:
    """(chart, axis settings) of every log axis the viz modules draw."""
    mini = minibatch_chart()["layout"]
    lab = curves_figure([history("GD", 0.7 * 0.8 ** np.arange(30))], ["#000000"])["layout"]
    scale, steps = (fig["layout"]["yaxis"] for fig in anatomy_charts())
    return [
        ("mini-batch loss", mini["yaxis"]),
        ("training lab loss", lab["yaxis"]),
        ("playground loss", playground_loss_chart()["layout"]["yaxis"]),
        ("|g| and √v", scale),
        ("step size", steps),
    ]


@pytest.mark.parametrize(("chart", "axis"), every_log_axis(), ids=lambda v: str(v)[:20])
def test_every_log_axis_in_viz_labels_full_values(chart, axis):
    assert axis["type"] == "log", chart
    assert_full_values(axis)


def test_minibatch_default_shows_tenths_as_tenths():
    axis = minibatch_chart()["layout"]["yaxis"]
    assert dict(zip(axis["ticktext"], axis["tickvals"], strict=True))["0.5"] == 0.5
    assert {"0.2", "0.5", "1", "2", "5"} <= set(axis["ticktext"])


def test_log_axes_are_set_up_only_through_viz_axes():
    pattern = re.compile(r"""["']type["']\s*:\s*["']log["']|type\s*=\s*["']log["']""")
    found = {p.name for p in VIZ.glob("*.py") if pattern.search(p.read_text(encoding="utf-8"))}
    assert found == {"axes.py"}
