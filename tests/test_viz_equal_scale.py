"""Race charts drawn to equal scale, ending where every run has settled: checked on hand-made
trajectories and on the figures' own geometry (px per unit of θ₁ and of θ₂ at the nominal
width), without a browser (tests/test_browser_race_chart.py measures the same in Chromium)."""

import math

import numpy as np
import pytest

from viz.surface3d import surface_3d_figure
from viz.trajectory import CHART_WIDTH, MARGIN, Trajectory, settled_step, trajectory_figure


class Bowl:
    def __init__(self, domain=((-3.0, 3.0), (-3.0, 3.0))):
        self.domain = domain

    log_scale = False
    minima = ()
    saddles = ()

    def __call__(self, p):
        p = np.asarray(p, float)
        return p[..., 0] ** 2 + p[..., 1] ** 2


def run(path, diverged_at=-1, label="run") -> Trajectory:
    path = np.asarray(path, float)
    return Trajectory(label, "#e4572e", path, (path**2).sum(axis=1), diverged_at)


def walk_then_rest(arrive: int, steps: int, end=(2.0, 0.0)) -> np.ndarray:
    """From the origin to ``end`` in ``arrive`` equal steps, then standing still."""
    t = np.minimum(np.arange(steps + 1), arrive) / arrive
    return np.outer(t, end)


SIX = ((-3.0, 3.0), (-3.0, 3.0))  # longer side 6: within reach is 0.005 · 6 = 0.03


# ------------------------------------------------------------------ settled_step


def test_a_run_that_arrives_and_rests_has_settled_where_it_arrived():
    # steps of 0.1 to (2, 0) at step 20: step 19 is 0.1 away from the end, step 20 on it
    assert settled_step([run(walk_then_rest(20, 300))], SIX) == 20


def test_a_wobble_within_reach_is_settled_and_one_beyond_it_is_not():
    path = walk_then_rest(20, 300)
    small, large = path.copy(), path.copy()
    small[30::2, 1] += 0.02  # 0.02 < 0.03 from the end point, for every later step
    large[30::2, 1] += 0.05
    small[-1], large[-1] = path[-1], path[-1]
    assert settled_step([run(small)], SIX) == 20
    assert settled_step([run(large)], SIX) == 299  # the last step that is 0.05 away


def test_a_late_move_keeps_the_run_unsettled_until_it_happens():
    path = np.zeros((101, 2))
    path[90:] = [1.0, 1.0]  # still for 89 steps, then one jump
    assert settled_step([run(path)], SIX) == 90


def test_the_latest_run_decides_and_a_diverged_run_counts_from_its_divergence():
    frozen = np.zeros((301, 2))
    frozen[:40, 0] = np.linspace(0, 2.9, 40)
    frozen[40:] = frozen[39]  # the engine froze it at its last good point
    runs = [run(walk_then_rest(20, 300)), run(frozen, diverged_at=40)]
    assert settled_step(runs, SIX) == 40  # not 39: the ✕ shows from step 40
    assert settled_step([*runs, run(walk_then_rest(70, 300, end=(2.8, 0.0)))], SIX) == 70


def test_non_finite_points_never_count_as_settled_and_no_runs_settle_at_zero():
    path = walk_then_rest(20, 300)
    path[150] = np.nan
    assert settled_step([run(path)], SIX) == 151
    assert settled_step([], SIX) == 0


def test_the_reach_scales_with_the_domain():
    path = walk_then_rest(20, 300)
    path[30::2, 1] += 0.05
    path[-1] = [2.0, 0.0]
    # 0.005 · 20 = 0.1 on a domain of side 20: the same wobble is now within reach
    assert settled_step([run(path)], ((-10.0, 10.0), (-10.0, 10.0))) == 20


# ------------------------------------------------------------------ the animation's end


def test_the_animation_ends_where_every_run_has_settled_and_the_counter_says_so():
    runs = [run(walk_then_rest(20, 300), label="a"), run(walk_then_rest(50, 300), label="b")]
    fig = trajectory_figure(Bowl(), runs, max_frames=300)
    steps = [int(frame["name"]) for frame in fig["frames"]]
    assert steps == list(range(51))
    assert fig["layout"]["sliders"][0]["steps"][-1]["value"] == "50"
    assert fig["frames"][-1]["data"][-1]["text"] == ["step 50 · all runs settled"]
    assert fig["frames"][-2]["data"][-1]["text"] == ["step 49"]


def test_a_run_that_keeps_moving_plays_to_the_end_without_a_note():
    t = np.arange(301)
    circling = np.stack([np.cos(0.1 * t), np.sin(0.1 * t)], axis=1)
    fig = trajectory_figure(Bowl(), [run(walk_then_rest(20, 300)), run(circling)])
    assert fig["frames"][-1]["name"] == "300"
    assert fig["frames"][-1]["data"][-1]["text"] == ["step 300"]


# ------------------------------------------------------------------ equal scale


def px_per_unit(layout: dict, axis: str, length: float, span: float) -> float:
    low, high = layout[axis]["domain"]
    return (high - low) * length / span


DOMAINS = [
    ((-3.0, 3.0), (-3.0, 3.0)),  # peaks
    ((-5.0, 5.0), (-2.0, 2.0)),  # ravine: wide
    ((-2.0, 2.0), (-1.0, 3.0)),  # rosenbrock
    ((-1.0, 1.0), (-3.0, 3.0)),  # tall
]


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize(("panels", "count"), [("overlay", 4), *(("side", n) for n in range(1, 9))])
def test_one_unit_of_theta1_and_of_theta2_take_the_same_pixels(domain, panels, count):
    runs = [run(walk_then_rest(5, 10), label=f"r{k}") for k in range(count)]
    fig = trajectory_figure(Bowl(domain), runs, panels=panels)
    layout = fig["layout"]
    width = CHART_WIDTH - MARGIN["l"] - MARGIN["r"]
    height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    (x0, x1), (y0, y1) = domain
    boxes = []
    for k in range(1 if panels == "overlay" else count):
        suffix = "" if k == 0 else str(k + 1)
        x = px_per_unit(layout, f"xaxis{suffix}", width, x1 - x0)
        y = px_per_unit(layout, f"yaxis{suffix}", height, y1 - y0)
        assert x == pytest.approx(y, rel=1e-6)  # as laid out at the nominal width
        # and kept at any other width by plotly.js
        assert layout[f"yaxis{suffix}"]["scaleanchor"] == f"x{suffix}"
        assert layout[f"yaxis{suffix}"]["constrain"] == layout[f"xaxis{suffix}"]["constrain"]
        assert layout[f"xaxis{suffix}"]["range"] == [x0, x1]
        boxes.append((*layout[f"xaxis{suffix}"]["domain"], *layout[f"yaxis{suffix}"]["domain"]))
        # no slivers: a panel's shorter side at least 180 px, less only by the domain's aspect
        aspect = (y1 - y0) / (x1 - x0)
        assert min(x * (x1 - x0), y * (y1 - y0)) >= 180 * min(aspect, 1 / aspect) - 1e-6
    for i, a in enumerate(boxes):  # panels never overlap
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
    assert all(0 <= v <= 1 for box in boxes for v in box)


@pytest.mark.parametrize("count", range(2, 9))
def test_the_side_by_side_step_counter_sits_above_every_panel(count):
    runs = [run(walk_then_rest(5, 10), label=f"r{k}") for k in range(count)]
    fig = trajectory_figure(Bowl(), runs, panels="side")
    layout = fig["layout"]
    counter = next(t for t in fig["data"] if t["name"] == "step counter")
    suffix = counter["yaxis"][1:]
    top = layout[f"yaxis{suffix}"]["domain"][1]
    assert top == max(layout[k]["domain"][1] for k in layout if k.startswith("yaxis"))
    # anchored on the panel's top edge and drawn upwards: above it, where no panel is
    assert counter["y"] == [3.0] and counter["textposition"].startswith("top")
    assert counter["cliponaxis"] is False


def test_a_domain_too_long_for_one_scale_keeps_two_scales():
    fig = trajectory_figure(Bowl(((-100.0, 100.0), (-1.0, 1.0))), [run(walk_then_rest(5, 10))])
    assert "scaleanchor" not in fig["layout"]["yaxis"]
    assert fig["layout"]["height"] >= 250  # not a one-pixel strip


def test_play_and_pause_carry_their_own_colours():
    fig = trajectory_figure(Bowl(), [run(walk_then_rest(5, 10))])
    menu = fig["layout"]["updatemenus"][0]
    # the theme's grey (#808495 in Streamlit's plotly template) reads as disabled
    assert menu["font"]["color"] not in (None, "#808495") and menu["bgcolor"]


# ------------------------------------------------------------------ 3-D


def test_3d_view_plays_the_same_frames_with_moving_points():
    runs = [run(walk_then_rest(20, 300), label="a"), run(walk_then_rest(50, 300), label="b")]
    fig = surface_3d_figure(Bowl(), runs, trail=5)
    assert [frame["name"] for frame in fig["frames"]] == [str(k) for k in range(51)]
    play = fig["layout"]["updatemenus"][0]["buttons"][0]
    assert play["args"][1]["frame"]["redraw"] is True  # 3-D traces move only when redrawn
    points = [frame["data"][1] for frame in fig["frames"]]  # run a's current point
    xs = [p["x"][0] for p in points]
    np.testing.assert_allclose(xs[:21], np.linspace(0, 2, 21), atol=1e-4)
    trails = [frame["data"][0] for frame in fig["frames"]]
    assert [len(t["x"]) for t in trails[:7]] == [1, 2, 3, 4, 5, 5, 5]
    assert fig["layout"]["scene"]["aspectratio"]["x"] == fig["layout"]["scene"]["aspectratio"]["y"]
    assert "all runs settled" in fig["frames"][-1]["layout"]["title"]["text"]
    assert math.isclose(fig["frames"][-1]["data"][3]["x"][0], 2.0, abs_tol=1e-4)
