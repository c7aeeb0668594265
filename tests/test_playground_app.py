"""Playground under AppTest: it renders, every control works, links round-trip, bad links warn."""

import re

import numpy as np
import pytest

import optim
import surfaces
from viz.encode import decode

START = "start.peaks.-3,3,-3,3"


def race(figures, at) -> dict:
    """The animated chart: the figure with frames."""
    return next(f for f in figures(at) if f.get("frames"))


def link(at) -> dict[str, str]:
    """The page's query parameters as the browser's address bar would show them."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def run_rows(rows, at) -> list[dict[str, str]]:
    """The per-run table under the loss chart (a Markdown table), read back row by row."""
    (text,) = [md.value for md in at.markdown if md.value.startswith("| run |")]
    return rows(text)


def moving_points(fig) -> np.ndarray:
    """Current point of every run in the last frame, shape (runs, 2)."""
    points = fig["frames"][-1]["data"][1::2]
    return np.array([[p["x"][0], p["y"][0]] for p in points])


def test_default_page_renders_the_race(app_test, chart_figures, markdown_rows):
    at = app_test()
    assert not at.exception
    assert not at.warning
    fig = race(chart_figures, at)
    names = [trace["name"] for trace in fig["data"]]
    labels = [optim.OPTIMIZERS[n].label for n in ("gd", "momentum", "rmsprop", "adam")]
    assert [names[i] for i in fig["frames"][0]["traces"][:-1:2]] == [  # the last: step counter
        label + f" α={optim.OPTIMIZERS[n].defaults()['lr']:g}"
        for label, n in zip(labels, ("gd", "momentum", "rmsprop", "adam"), strict=True)
    ]
    # the animation stops where every run has settled (tests/test_viz_equal_scale.py pins the
    # rule); the runs' points there still give the table's final losses (below)
    assert fig["frames"][0]["name"] == "0" and 0 < int(fig["frames"][-1]["name"]) < 300
    peaks = surfaces.SURFACES["peaks"]
    np.testing.assert_allclose(fig["frames"][0]["data"][1]["x"], [peaks.start[0]])
    assert fig["layout"]["xaxis"]["range"] == list(peaks.domain[0])
    loss = next(f for f in chart_figures(at) if not f.get("frames"))
    first_loss = decode(loss["data"][0]["y"])[0]
    assert first_loss == pytest.approx(float(peaks(np.array(peaks.start))), rel=1e-9)
    table = run_rows(markdown_rows, at)
    assert [row["run"] for row in table] == [names[i] for i in fig["frames"][0]["traces"][:-1:2]]
    final_losses = peaks(moving_points(fig))  # J at each run's last point, from the chart
    shown = [float(row["final loss"]) for row in table]
    np.testing.assert_allclose(shown, final_losses, rtol=1e-3)  # printed to 4 digits


# (widget kind, key, new value, URL name, URL text): every control is changed once.
CHANGES = [
    ("select_slider", "r0.gd.lr", 0.15, "r0.lr", "0.15"),
    ("color_picker", "r0.color", "#123456", "r0.color", "#123456"),
    ("slider", "r1.momentum.beta", 0.5, "r1.beta", "0.5"),
    ("toggle", "r1.momentum.bias_correction", True, "r1.bias_correction", "1"),
    ("slider", "r2.rmsprop.alpha", 0.5, "r2.alpha", "0.5"),
    ("select_slider", "r2.rmsprop.eps", 1e-4, "r2.eps", "0.0001"),
    ("slider", "r2.rmsprop.momentum", 0.3, "r2.momentum", "0.3"),
    ("toggle", "r2.rmsprop.centered", True, "r2.centered", "1"),
    ("slider", "r2.rmsprop.weight_decay", 0.1, "r2.weight_decay", "0.1"),
    ("slider", "r3.adam.beta1", 0.8, "r3.beta1", "0.8"),
    ("slider", "r3.adam.beta2", 0.99, "r3.beta2", "0.99"),
    ("select_slider", "r3.adam.eps", 1e-3, "r3.eps", "0.001"),
    ("toggle", "r3.adam.amsgrad", True, "r3.amsgrad", "1"),
    ("slider", "r3.adam.weight_decay", 0.2, "r3.weight_decay", "0.2"),
    ("select_slider", "r3.adam.lr", 0.2, "r3.lr", "0.2"),
    ("selectbox", "r0.opt", "lion", "r0.opt", "lion"),
    ("number_input", f"{START}.x", 1.0, "x0", "1"),
    ("number_input", f"{START}.y", -1.5, "y0", "-1.5"),
    ("slider", "steps", 120, "steps", "120"),
    ("slider", "noise", 0.5, "noise", "0.5"),
    ("slider", "seed", 7, "seed", "7"),
    ("selectbox", "clip", "norm", "clip", "norm"),
    ("select_slider", "clip_at", 0.5, "clip_at", "0.5"),
    ("selectbox", "schedule", "step", "schedule", "step"),
    ("slider", "sched.step.every", 30, "sched.step.every", "30"),
    ("slider", "sched.step.gamma", 0.3, "sched.step.gamma", "0.3"),
    ("radio", "view", "side", "view", "side"),
    ("select_slider", "trail", "full", "trail", "full"),
    ("select_slider", "speed", "2", "speed", "2"),
    ("select_slider", "tol", 0.1, "tol", "0.1"),
    ("toggle", "3d", True, "3d", "1"),
]


def test_every_control_changes_the_page_and_the_link(app_test, chart_figures, markdown_rows):
    def shown(at):
        return chart_figures(at), run_rows(markdown_rows, at)

    at = app_test()
    for kind, key, value, url_key, url_text in CHANGES:
        before = shown(at)
        getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, (key, at.exception)
        assert not at.error, (key, [e.value for e in at.error])
        assert link(at)[url_key] == url_text, key
        assert shown(at) != before, f"changing {key} changed neither a chart nor the table"


def test_surface_picker_groups_parameters_and_typed_function(app_test, chart_figures):
    at = app_test()
    at.radio(key="surface_group").set_value("classic").run()
    at.selectbox(key="surface.classic").set_value("rosenbrock").run()
    assert link(at)["surface"] == "rosenbrock"
    fig = race(chart_figures, at)
    assert fig["layout"]["xaxis"]["range"] == list(surfaces.SURFACES["rosenbrock"].domain[0])
    at.select_slider(key="s.rosenbrock.b").set_value(20.0).run()
    at.slider(key="s.rosenbrock.a").set_value(0.5).run()
    assert link(at)["s.b"] == "20" and link(at)["s.a"] == "0.5"
    minima = next(t for t in race(chart_figures, at)["data"] if t["name"] == "minima")
    assert minima["x"][0] == pytest.approx(0.5)  # Rosenbrock's minimum moves to (a, a²)

    at.radio(key="surface_group").set_value("custom").run()
    at.text_input(key="f").set_value("(x - 1)**2 + (y + 2)**2").run()
    at.number_input(key="ymin").set_value(-4.0).run()
    at.number_input(key="xmin").set_value(-2.0).run()
    at.number_input(key="ymax").set_value(2.5).run()
    assert not at.exception and not at.error
    fig = race(chart_figures, at)
    assert fig["layout"]["yaxis"]["range"] == [-4.0, 2.5]
    assert fig["layout"]["xaxis"]["range"] == [-2.0, 3.0]
    assert link(at)["f"] == "(x - 1)**2 + (y + 2)**2" and link(at)["ymin"] == "-4"

    # a typo: the parser's message under the box, the last good surface stays
    at.text_input(key="f").set_value("(x - 1)**2 + (y + ").run()
    assert not at.exception
    assert len(at.error) == 1 and "last good surface" in at.error[0].value
    assert race(chart_figures, at)["layout"]["yaxis"]["range"] == [-4.0, 2.5]
    at.number_input(key="xmax").set_value(-3.5).run()  # xmin > xmax
    assert any("xmin < xmax" in e.value for e in at.error)


def test_typed_function_help_is_text_a_user_can_copy(app_test, chart_figures):
    at = app_test()
    at.radio(key="surface_group").set_value("custom").run()
    help_text = at.text_input(key="f").help  # markdown: * and ^ escaped to show as typed
    assert re.search(r"(?<!\\)[*^_`]", help_text) is None
    shown = help_text.replace("\\", "")
    assert shown.isascii()  # no Unicode minus the parser would refuse
    for token in ("-", "^", "**", "pi", " e,", "sqrt", "2*x"):
        assert token in shown
    at.text_input(key="f").set_value("sqrt(x^2 + 1) - pi*y/e").run()  # built from the help
    assert not at.exception and not at.error
    minus = at.text_input(key="f").set_value("x − y").run()  # the Unicode minus is refused
    assert len(minus.error) == 1


@pytest.mark.parametrize(
    ("schedule", "knobs"),
    [
        ("exponential", [("sched.exponential.gamma", 0.95)]),
        ("cosine", []),
        ("warmup_cosine", [("sched.warmup_cosine.warmup", 100)]),
    ],
)
def test_schedules_and_clipping_by_value_reshape_the_losses(
    app_test, chart_figures, schedule, knobs
):
    at = app_test()
    constant = chart_figures(at)[1]
    at.selectbox(key="schedule").set_value(schedule).run()
    for key, value in knobs:
        at.slider(key=key).set_value(value).run()
    at.selectbox(key="clip").set_value("value").run()
    assert not at.exception and not at.error
    assert link(at)["schedule"] == schedule and link(at)["clip"] == "value"
    changed = chart_figures(at)[1]
    for before, after in zip(constant["data"], changed["data"], strict=True):
        start_before, start_after = decode(before["y"])[:1], decode(after["y"])[:1]
        np.testing.assert_array_equal(start_before, start_after)  # same start point
    assert changed != constant


def test_runs_can_repeat_an_optimizer_and_be_added_and_removed(app_test, chart_figures):
    at = app_test(query={"runs": "2", "r0.opt": "gd", "r1.opt": "gd", "r1.lr": "0.15"})
    labels = [t["name"] for t in race(chart_figures, at)["data"] if t.get("showlegend")]
    assert labels == ["Gradient descent α=0.01", "Gradient descent α=0.15"]
    at.button(key="add_run").click().run()
    assert len(race(chart_figures, at)["frames"][0]["traces"]) == 3 * 2 + 1  # + step counter
    at.button(key="r0.remove").click().run()  # the 0.15 run moves to first place
    legend = [t["name"] for t in race(chart_figures, at)["data"] if t.get("showlegend")]
    assert legend[0] == "Gradient descent α=0.15" and len(legend) == 2
    for _ in range(10):
        if not any(b.key == "add_run" for b in at.button):
            break
        at.button(key="add_run").click().run()
    assert not any(b.key == "add_run" for b in at.button)  # 8 runs: no more
    assert len(race(chart_figures, at)["frames"][0]["traces"]) == 8 * 2 + 1
    assert link(at)["runs"] == "8"


def test_same_duplicate_runs_get_distinct_labels(app_test, chart_figures):
    at = app_test(query={"runs": "2", "r0.opt": "adam", "r1.opt": "adam"})
    labels = [t["name"] for t in race(chart_figures, at)["data"] if t.get("showlegend")]
    assert labels == ["Adam α=0.05 (1)", "Adam α=0.05 (2)"]


def test_a_link_round_trips(app_test, chart_figures):
    at = app_test()
    at.radio(key="surface_group").set_value("traps").run()
    at.selectbox(key="surface.traps").set_value("ravine").run()
    at.select_slider(key="r1.momentum.lr").set_value(0.002).run()
    at.slider(key="steps").set_value(222).run()
    at.radio(key="view").set_value("side").run()
    at.select_slider(key="trail").set_value("50").run()
    shared = link(at)
    again = app_test(query=shared)
    assert not again.exception and not again.warning
    assert link(again) == shared
    assert race(chart_figures, again) == race(chart_figures, at)
    assert again.slider(key="steps").value == 222
    assert again.select_slider(key="r1.momentum.lr").value == 0.002


HOSTILE = [
    ({"r0.lr": "nan"}, "r0.lr"),
    ({"r0.lr": "inf"}, "r0.lr"),
    ({"steps": "1e309"}, "steps"),
    ({"steps": "-5"}, "steps"),
    ({"steps": "99999"}, "steps"),
    ({"noise": "-1"}, "noise"),
    ({"x0": "1e3"}, "x0"),
    ({"surface": "../../etc/passwd"}, "surface"),
    ({"r0.opt": "sgd; rm -rf"}, "r0.opt"),
    ({"r0.color": "javascript:alert(1)"}, "r0.color"),
    ({"runs": "0"}, "runs"),
    ({"trail": "<script>"}, "trail"),
    ({"steps": ["10", "20"]}, "steps"),
    ({"r0.lr": "9" * 5000}, "r0.lr"),
    ({"x" * 3000: "1"}, "xxxx"),
]


@pytest.mark.parametrize(("query", "named"), HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_links_fall_back_to_defaults_with_a_warning(app_test, chart_figures, query, named):
    at = app_test(query=query)
    assert not at.exception
    assert len(at.warning) == 1 and named in at.warning[0].value
    assert len(at.warning[0].value) < 600  # huge values are not echoed back
    assert "<script>" not in at.warning[0].value
    assert race(chart_figures, at)["frames"]  # the page still works, with defaults
    assert at.slider(key="steps").value == 300
    assert at.select_slider(key="r0.gd.lr").value == optim.OPTIMIZERS["gd"].defaults()["lr"]


def test_a_diverging_run_gets_a_badge_and_keeps_the_axes(app_test, chart_figures, markdown_rows):
    at = app_test(query={"runs": "2", "r0.opt": "gd", "r0.lr": "1", "surface": "rosenbrock"})
    assert not at.exception
    table = run_rows(markdown_rows, at)
    assert table[0]["status"].startswith("diverged at step")
    assert table[0]["final loss"] == "—" and table[1]["status"] == "ok"
    assert any("diverged at step" in md.value for md in at.markdown)  # the badge
    fig = race(chart_figures, at)
    assert fig["layout"]["xaxis"]["range"] == list(surfaces.SURFACES["rosenbrock"].domain[0])
    assert np.isfinite(moving_points(fig)).all()


def test_link_warnings_belong_to_their_page(app_test):
    at = app_test(query={"steps": "nan"})
    assert len(at.warning) == 1
    at.switch_page("views/ewa.py").run()
    assert not at.exception
    assert not any("steps" in w.value for w in at.warning)  # not carried to another page
