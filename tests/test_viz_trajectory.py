"""The animated race figure: what frames carry, how size grows, panels, and the background."""

import json
from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import optim
import surfaces
from viz.background import (
    contour_levels,
    contour_lines,
    normalize,
    sample_surface,
    simplify_lines,
    spans_decades,
)
from viz.encode import decimals_for, decode, rounded, typed
from viz.trajectory import PALETTE, Trajectory, frame_steps, panel_grid, trajectory_figure

STATIC_NAMES = {"contours", "start grid", "minima", "saddles"}


class Bowl:
    """J = (x − 1)² + 4 (y + 0.5)², a synthetic surface with one minimum and one fake saddle."""

    domain = ((-3.0, 3.0), (-2.0, 2.0))
    log_scale = False
    minima = (SimpleNamespace(x=1.0, y=-0.5, value=0.0, is_global=True),)
    saddles = ((0.0, 1.5),)

    def __call__(self, p):
        p = np.asarray(p, float)
        return (p[..., 0] - 1) ** 2 + 4 * (p[..., 1] + 0.5) ** 2


def spiral(steps: int, turn: float, color: str = "#e4572e", label: str = "spiral") -> Trajectory:
    """A synthetic path spiralling into the minimum, with its exact values."""
    t = np.arange(steps + 1)
    radius = 2.0 * 0.99**t
    path = np.stack([1 + radius * np.cos(turn * t), -0.5 + 0.5 * radius * np.sin(turn * t)], -1)
    return Trajectory(label, color, path, Bowl()(path))


def orbit(steps: int, label: str = "orbit") -> Trajectory:
    """A synthetic path circling the minimum forever at a steady pace: it never settles."""
    t = np.arange(steps + 1)
    path = np.stack([1 + 1.5 * np.cos(0.05 * t), -0.5 + 1.0 * np.sin(0.05 * t)], -1)
    return Trajectory(label, "#29bf12", path, Bowl()(path))


def runs(count: int, steps: int) -> list[Trajectory]:
    return [spiral(steps, 0.1 * (i + 1), PALETTE[i], f"run {i}") for i in range(count)]


@pytest.mark.parametrize("panels", ["overlay", "side"])
@pytest.mark.parametrize("trail", [1, 10, None])
def test_frames_only_update_the_moving_traces(panels, trail):
    fig = trajectory_figure(Bowl(), runs(3, 60), trail=trail, panels=panels)
    go.Figure(fig)  # plotly's own validation accepts the hand-built dict
    names = [trace["name"] for trace in fig["data"]]
    for frame in fig["frames"]:
        moving = [names[i] for i in frame["traces"]]
        assert moving == [f"run {i}" for i in range(3) for _ in range(2)] + ["step counter"]
        assert not STATIC_NAMES & set(moving)
        assert all(set(update) <= {"x", "y", "marker"} for update in frame["data"][:-1])
        assert frame["data"][-1] == {"text": [f"step {frame['name']}"]}  # the counter's text
    assert STATIC_NAMES - {"saddles", "minima"} <= set(names)
    layout_images = fig["layout"]["images"]
    assert len(layout_images) == (3 if panels == "side" else 1)
    assert all(image["source"].startswith("data:image/webp;base64,") for image in layout_images)


@pytest.mark.parametrize("trail", [1, 4, 10])
def test_trail_holds_the_last_points_and_the_marker_the_current_one(trail):
    run = spiral(40, 0.3)
    fig = trajectory_figure(Bowl(), [run], trail=trail, max_frames=1000)
    decimals = decimals_for(6.0)
    for frame in fig["frames"]:
        step = int(frame["name"])
        line, point, _ = frame["data"]
        expected = [run.path[k] for k in range(max(0, step - trail + 1), step + 1)]
        assert len(line["x"]) == len(expected) == min(step + 1, trail)
        np.testing.assert_allclose(line["x"], [p[0] for p in expected], atol=10**-decimals)
        np.testing.assert_allclose(line["y"], [p[1] for p in expected], atol=10**-decimals)
        assert (point["x"][0], point["y"][0]) == (line["x"][-1], line["y"][-1])


def test_full_path_is_drawn_once_not_in_frames():
    run = spiral(80, 0.2)
    fig = trajectory_figure(Bowl(), [run], trail=None)
    full = [t for t in fig["data"] if t["name"] == "spiral path"]
    assert len(full) == 1
    np.testing.assert_allclose(decode(full[0]["x"]), run.path[:, 0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(decode(full[0]["y"]), run.path[:, 1], rtol=1e-6, atol=1e-6)
    assert all(len(update["x"]) <= 10 for frame in fig["frames"] for update in frame["data"][:-1])


@pytest.mark.parametrize("panels", ["overlay", "side"])
def test_figure_size_grows_linearly_with_steps(panels):
    def frame_bytes(steps):
        fig = trajectory_figure(Bowl(), runs(6, steps), panels=panels, max_frames=10_000)
        return len(json.dumps(fig["frames"])), len(json.dumps(fig))

    (f100, total100), (f200, _), (f400, total400) = map(frame_bytes, (100, 200, 400))
    # Equal increments for equal step increments: linear, not quadratic (a quadratic
    # figure would make the second increment about three times the first).
    assert (f400 - f200) / (f200 - f100) == pytest.approx(2.0, rel=0.1)
    assert total400 - total100 == pytest.approx(f400 - f100, rel=0.15)


def rosenbrock_race(steps: int) -> tuple[object, list[Trajectory]]:
    """Six optimizers from the registry on Rosenbrock, as the Playground would draw them."""
    surface = surfaces.SURFACES["rosenbrock"]
    drawn = []
    for i, name in enumerate(("gd", "momentum", "rmsprop", "adam", "nadam", "lion")):
        result = optim.run(
            optim.OPTIMIZERS[name].build(), surface.grad, np.array([surface.start]), steps
        )
        path = result.path[:, 0]
        drawn.append(Trajectory(name, PALETTE[i], path, surface(path)))
    return surface, drawn


@pytest.mark.parametrize("panels", ["overlay", "side"])
def test_six_runs_of_500_steps_fit_the_size_budget_in_either_view(panels):
    surface, drawn = rosenbrock_race(500)
    fig = trajectory_figure(surface, drawn, panels=panels)
    assert len(pio.to_json(fig, validate=False)) < 600_000  # the JSON Streamlit ships


def test_frames_are_capped_and_spread_over_the_run():
    fig = trajectory_figure(Bowl(), [orbit(2000), spiral(2000, 0.1)], max_frames=300)
    steps = [int(frame["name"]) for frame in fig["frames"]]
    assert len(steps) <= 300 and steps[0] == 0 and steps[-1] == 2000
    assert steps == sorted(set(steps))
    # the slider stops at 100 of the 300 frames, evenly spread, ends kept
    frames = [frame["name"] for frame in fig["frames"]]
    stops = [frames.index(s["args"][0][0]) for s in fig["layout"]["sliders"][0]["steps"]]
    assert len(stops) == 100 and stops[0] == 0 and stops[-1] == len(frames) - 1
    assert set(np.diff(stops).tolist()) <= {3, 4} and sum(np.diff(stops)) == len(frames) - 1


@pytest.mark.parametrize("steps", [3, 10, 100, 500, 2000])
def test_slider_stops_at_up_to_100_frames_and_labels_a_few_round_steps(steps):
    fig = trajectory_figure(Bowl(), runs(2, steps), max_frames=300)
    slider = fig["layout"]["sliders"][0]
    frames = [frame["name"] for frame in fig["frames"]]
    names = [s["value"] for s in slider["steps"]]
    assert names == frames if len(frames) <= 100 else len(names) == 100 and set(names) < set(frames)
    # one empty label for all: plotly.js measures each distinct label on first paint
    assert {s["label"] for s in slider["steps"]} == {""}
    assert not slider["currentvalue"]["visible"]  # the counter is a trace (see frames)
    counter = next(t for t in fig["data"] if t["name"] == "step counter")
    assert counter["text"] == ["step 0"] and counter["mode"] == "text"
    labels = [a for a in fig["layout"]["annotations"] if a["yref"] == "paper" and a["y"] == 0]
    numbers = [int(a["text"]) for a in labels]
    assert 2 <= len(numbers) <= 8 and numbers[0] == 0 and numbers[-1] <= steps
    gaps = set(np.diff(numbers).tolist())
    assert len(gaps) == 1 and str(gaps.pop()).rstrip("0") in {"1", "2", "25", "5"}  # round
    # a label naming a frame's step sits where plotly.js puts that frame on the rail
    for label in labels:
        if label["text"] in names:
            f = names.index(label["text"]) / (len(names) - 1)
            assert label["x"] == pytest.approx(slider["x"] + slider["len"] * f)
            # plotly.js: the rail starts pad.l px in, and steps sit 10 px inside its ends
            pad = slider["pad"]
            assert label["xshift"] == pytest.approx(pad["l"] + 10 - f * (pad["l"] + pad["r"] + 20))


@pytest.mark.parametrize(
    ("steps", "max_frames", "expected"),
    [(5, 300, [0, 1, 2, 3, 4, 5]), (10, 3, [0, 5, 10]), (0, 300, [0])],
)
def test_frame_steps(steps, max_frames, expected):
    assert frame_steps(steps, max_frames).tolist() == expected


def test_side_by_side_panels_share_one_scale_and_one_slider():
    fig = trajectory_figure(Bowl(), runs(6, 30), panels="side")
    layout = fig["layout"]
    xaxes = [k for k in layout if k.startswith("xaxis")]
    yaxes = [k for k in layout if k.startswith("yaxis")]
    assert len(xaxes) == len(yaxes) == 6
    assert {tuple(layout[k]["range"]) for k in xaxes} == {(-3.0, 3.0)}
    assert {tuple(layout[k]["range"]) for k in yaxes} == {(-2.0, 2.0)}
    assert len(layout["sliders"]) == 1 and len(layout["updatemenus"]) == 1
    # each run's moving traces sit on its own panel
    axes = [fig["data"][i]["xaxis"] for i in fig["frames"][0]["traces"]]
    assert axes[:-1] == ["x", "x", "x2", "x2", "x3", "x3", "x4", "x4", "x5", "x5", "x6", "x6"]
    # the step counter: on the top-right panel, drawn above it (clear of every panel)
    counter = fig["data"][fig["frames"][0]["traces"][-1]]
    x_domains = [layout[k]["domain"] for k in xaxes]
    y_domains = [layout[k]["domain"] for k in yaxes]
    index = xaxes.index("xaxis" + counter["xaxis"][1:])
    assert x_domains[index][1] == max(d[1] for d in x_domains)
    assert y_domains[index][1] == max(d[1] for d in y_domains)
    assert counter["y"] == [2.0] and counter["textposition"] == "top left"


@pytest.mark.parametrize(
    ("count", "grid"),
    [(1, (1, 1)), (2, (1, 2)), (3, (1, 3)), (4, (2, 2)), (6, (2, 3)), (8, (2, 4))],
)
def test_panel_grid_of_square_panels(count, grid):
    assert panel_grid(count, aspect=1.0) == grid


def test_a_diverging_run_never_moves_the_axes():
    path = np.array([[0.0, 0.0], [5.0, 5.0], [5e5, -5e5], [5e5, -5e5]])
    run = Trajectory("boom", "#ffffff", path, Bowl()(path), diverged_at=3)
    fig = trajectory_figure(Bowl(), [run, spiral(3, 0.1)])
    assert fig["layout"]["xaxis"]["range"] == [-3.0, 3.0]
    assert fig["layout"]["yaxis"]["range"] == [-2.0, 2.0]
    last = fig["frames"][-1]["data"][1]  # run 0's current point
    assert last["marker"]["symbol"] == "x"  # the current point shows the divergence


def test_minima_and_saddles_are_marked():
    fig = trajectory_figure(Bowl(), runs(1, 5))
    by_name = {t["name"]: t for t in fig["data"]}
    assert (by_name["minima"]["x"], by_name["minima"]["y"]) == ([1.0], [-0.5])
    assert by_name["minima"]["marker"]["symbol"] == "star"
    assert (by_name["saddles"]["x"], by_name["saddles"]["y"]) == ([0.0], [1.5])


# ------------------------------------------------------------------------ background


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.7])
def test_contour_of_a_cone_is_one_closed_circle(radius):
    xs = np.linspace(-2, 2, 81)
    ys = np.linspace(-2, 2, 81)
    gx, gy = np.meshgrid(xs, ys)
    values = np.hypot(gx, gy)  # J = r: linear interpolation along an edge is nearly exact
    x, y = contour_lines(xs, ys, values, [radius])
    assert np.isnan(x).sum() == 1  # one line
    points = np.stack([x[:-1], y[:-1]], -1)
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), radius, atol=2e-3)
    np.testing.assert_allclose(points[0], points[-1])  # closed
    angles = np.unwrap(np.arctan2(points[:, 1], points[:, 0]))
    assert abs(angles[-1] - angles[0]) == pytest.approx(2 * np.pi, abs=1e-6)  # goes round once


def distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Shortest distance from each point to a polyline, by brute force over its segments."""
    a, b = line[:-1], line[1:]
    ab = b - a
    t = np.einsum("psk,sk->ps", points[:, None] - a, ab) / np.einsum("sk,sk->s", ab, ab)
    nearest = a + np.clip(t, 0, 1)[..., None] * ab
    return np.linalg.norm(points[:, None] - nearest, axis=-1).min(axis=1)


@pytest.mark.parametrize("tolerance", [1e-3, 1e-2, 5e-2])
def test_simplified_contours_stay_within_the_tolerance(tolerance):
    xs = ys = np.linspace(-2, 2, 81)
    gx, gy = np.meshgrid(xs, ys)
    x, y = contour_lines(xs, ys, gx**2 - gy**2 + 0.3 * gx, [0.25, -0.5])  # open branches
    cx, cy = contour_lines(xs, ys, np.hypot(gx, gy), [1.3])  # and a closed loop
    x, y = np.concatenate([x, cx]), np.concatenate([y, cy])
    sx, sy = simplify_lines(x, y, tolerance)
    assert np.isnan(sx).sum() == np.isnan(x).sum()  # the same lines
    assert len(sx) < 0.6 * len(x)
    breaks, kept_breaks = np.flatnonzero(np.isnan(x)), np.flatnonzero(np.isnan(sx))
    for (a, b), (c, d) in zip(
        zip([-1, *breaks[:-1]], breaks, strict=True),
        zip([-1, *kept_breaks[:-1]], kept_breaks, strict=True),
        strict=True,
    ):
        line = np.stack([x[a + 1 : b], y[a + 1 : b]], -1)
        kept = np.stack([sx[c + 1 : d], sy[c + 1 : d]], -1)
        np.testing.assert_array_equal(kept[[0, -1]], line[[0, -1]])  # same ends, loops closed
        assert {tuple(p) for p in kept} <= {tuple(p) for p in line}  # points kept, not moved
        assert distance_to_polyline(line, kept).max() <= tolerance * (1 + 1e-9)


def test_contour_of_a_saddle_splits_into_open_branches():
    xs = ys = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(xs, ys)
    x, y = contour_lines(xs, ys, gx**2 - gy**2, [0.25])
    assert np.isnan(x).sum() == 2  # the two branches x = ±√(0.25 + y²)
    ok = ~np.isnan(x)
    np.testing.assert_allclose(np.abs(x[ok]), np.sqrt(0.25 + y[ok] ** 2), atol=5e-3)


def test_log_levels_are_geometric_above_the_minimum():
    values = np.array([[0.0, 1.0], [10.0, 1e6]])
    levels = contour_levels(values, count=5, log=True)
    assert np.all(np.diff(levels) > 0) and levels[0] > 0
    # L_k = c + a·r^k  <=>  successive gaps grow by the same ratio r
    gaps = np.diff(levels)
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], gaps[1] / gaps[0], rtol=1e-6)
    assert gaps[1] / gaps[0] > 2  # spread over decades, not evenly


def test_decades_decide_log_shading():
    assert spans_decades(np.logspace(0, 6, 1000))
    assert not spans_decades(np.linspace(0, 5, 1000))
    t = normalize(np.array([np.nan, 0.0, 1.0, 2.0]), log=False)
    assert np.isnan(t[0]) and t[1] == 0 and t[3] == pytest.approx(1.0)


def test_sample_surface_orients_rows_along_y():
    grid = sample_surface(Bowl(), 21)
    i, j = np.unravel_index(np.argmin(grid.values), grid.values.shape)
    assert grid.xs[j] == pytest.approx(1.0, abs=0.15) and grid.ys[i] == pytest.approx(-0.5, abs=0.1)


def test_typed_arrays_round_trip_and_rounding_drops_non_finite():
    values = np.array([1.5, np.nan, -2.25])
    np.testing.assert_array_equal(decode(typed(values, "f8")), values)
    assert rounded([1.23456, np.inf, np.nan], 2) == [1.23, None, None]
    assert decimals_for(6.0) == 4 and decimals_for(600.0) == 2
