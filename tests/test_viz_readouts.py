"""Loss chart, per-run table, tidy CSV, standalone HTML and the 3-D view, on synthetic runs."""

import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from viz.encode import decode
from viz.loss import loss_figure
from viz.summary import markdown_table, run_table, standalone_html, tidy_trajectories
from viz.surface3d import surface_3d_figure
from viz.trajectory import Trajectory, trajectory_figure


class Bowl:
    domain = ((-2.0, 2.0), (-2.0, 2.0))
    log_scale = False
    minima = (
        SimpleNamespace(x=1.0, y=1.0, value=0.5, is_global=True),
        SimpleNamespace(x=-1.0, y=-1.0, value=0.7, is_global=False),
    )
    saddles = ()

    def __call__(self, p):
        p = np.asarray(p, float)
        return 0.5 + np.minimum(
            (p[..., 0] - 1) ** 2 + (p[..., 1] - 1) ** 2,
            0.2 + (p[..., 0] + 1) ** 2 + (p[..., 1] + 1) ** 2,
        )


def line_run(label, end, steps=20, color="#e4572e", diverged_at=-1):
    path = np.linspace([-1.5, 1.8], end, steps + 1)
    return Trajectory(label, color, path, Bowl()(path), diverged_at)


def blow_up_run():
    path = np.array([[0.0, 0.0], [1.0, -1.0], [40.0, 40.0], [900.0, -900.0], [900.0, -900.0]])
    values = np.array([1.0, 3.0, 2e3, 1.6e6, 1.6e6])
    return Trajectory("blow-up", "#ffffff", path, values, diverged_at=4)


def test_loss_axis_is_log_when_every_value_is_positive_and_linear_otherwise():
    positive = loss_figure([line_run("a", [1.0, 1.0])])
    assert positive["layout"]["yaxis"]["type"] == "log"
    path = np.zeros((3, 2))
    signed = Trajectory("signed", "#000000", path, np.array([1.0, 0.0, -1.0]))
    assert loss_figure([signed])["layout"]["yaxis"]["type"] == "linear"


def test_a_diverged_run_stops_inside_the_healthy_range_and_does_not_stretch_the_axis():
    calm = line_run("calm", [1.0, 1.0])
    fig = loss_figure([calm, blow_up_run()])
    go.Figure(fig)
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    np.testing.assert_array_equal(decode(lines[1]["y"]), [1.0, 3.0])  # 2e3 is off the chart
    low, high = fig["layout"]["yaxis"]["range"]
    assert 10**low <= calm.values.min() and 10**high >= calm.values.max()
    assert 10**high < 2e3  # the axis is the calm run's, not the blow-up's
    badge = [t for t in fig["data"] if t.get("mode") == "markers+text"]
    assert badge[0]["text"] == ["diverged at step 4"]


def test_run_table_against_hand_computed_numbers():
    runs = [line_run("to global", [1.0, 1.0]), line_run("to local", [-1.0, -1.0]), blow_up_run()]
    table = run_table(runs, Bowl(), tolerance=1e-2)
    assert list(table["run"]) == ["to global", "to local", "blow-up"]
    for row, run in zip(table.itertuples(index=False), runs[:2], strict=False):
        final = run.path[-1]
        expected_distance = min(
            math.hypot(final[0] - 1, final[1] - 1), math.hypot(final[0] + 1, final[1] + 1)
        )
        assert row[2] == pytest.approx(expected_distance)
        assert row[1] == pytest.approx(run.values[-1])
    assert pd.isna(table.iloc[2, 1]) and pd.isna(table.iloc[2, 2])  # diverged: no result
    steps_column = table.columns[3]
    # plain loop: first k with J_k − 0.5 ≤ 0.01 on the line towards (1, 1)
    first = next(k for k, v in enumerate(runs[0].values) if v - 0.5 <= 1e-2)
    assert table[steps_column][0] == first
    assert pd.isna(table[steps_column][1])  # the local minimum (0.7) never gets within 0.01 of 0.5
    assert list(table["status"]) == ["ok", "ok", "diverged at step 4"]


def test_markdown_table_reads_back_as_the_same_literal_text(markdown_rows):
    hostile = [
        "a | b",
        "*not bold* _nor this_",
        "$x^2$ `code`",
        ":red[no colour]",
        "<b>x</b>",
        "[link](http://x)",
        "# not a heading",
        "two\nlines",
        "back\\slash",
        "J − J* ≤ 0.001",
    ]
    table = pd.DataFrame({"run": hostile, "status": [f"ok {i}" for i in range(len(hostile))]})
    rows = markdown_rows(markdown_table(table))
    expected = [" ".join(run.split()) for run in hostile]  # a line break becomes a space
    assert [row["run"] for row in rows] == expected
    assert [row["status"] for row in rows] == list(table["status"])


def test_table_without_known_minima_leaves_distance_and_steps_empty():
    surface = SimpleNamespace(minima=())
    table = run_table([line_run("a", [1.0, 1.0])], surface, tolerance=1e-3)
    assert table.iloc[0, 2] is None or pd.isna(table.iloc[0, 2])
    assert pd.isna(table.iloc[0, 3])


def test_tidy_trajectories_are_one_row_per_run_and_step():
    runs = [line_run("a", [1.0, 1.0], steps=3), line_run("b", [0.0, 0.0], steps=5)]
    tidy = tidy_trajectories(runs)
    assert list(tidy.columns) == ["run", "step", "x", "y", "loss"]
    assert len(tidy) == 4 + 6
    expected = [(r.label, k, *r.path[k], r.values[k]) for r in runs for k in range(len(r.path))]
    assert [tuple(row) for row in tidy.itertuples(index=False)] == expected
    assert pd.read_csv(pd.io.common.StringIO(tidy.to_csv(index=False))).shape == (10, 5)


def test_standalone_html_carries_plotly_and_the_frames():
    fig = trajectory_figure(Bowl(), [line_run("a", [1.0, 1.0], steps=12)])
    html = standalone_html(fig)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<title>Optimizer Playground</title>" in html
    external = re.search(r"<script[^>]*src=", html)
    assert external is None and len(html) > 1_000_000  # plotly.js inlined, nothing fetched
    assert html.count('"name":"12"') + html.count('"name": "12"') >= 1  # the last frame


def test_3d_view_lifts_paths_onto_the_surface_and_hides_the_diverged_tail():
    fig = surface_3d_figure(Bowl(), [line_run("a", [1.0, 1.0]), blow_up_run()], trail=None)
    go.Figure(fig)
    surface, first, _, _, second, _, _ = fig["data"]  # per run: full path, trail, current point
    assert surface["type"] == "surface" and np.shape(surface["z"]) == (70, 70)
    z = decode(first["z"])
    assert np.all(np.diff(z) <= 1e-9)  # J falls along the line to the minimum, and so does z
    assert len(decode(second["x"])) == 5  # every step: the diverged tail is blank, not cut
    assert not np.isnan(decode(second["x"])[:2]).any()
    assert np.isnan(decode(second["x"])[2:]).all()  # outside the domain or diverged: not drawn
