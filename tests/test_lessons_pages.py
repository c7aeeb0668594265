"""Lesson pages under AppTest: each renders, every control works and reaches the URL and the
"Open in Playground" link, hostile links warn without an exception, figures stay small, and a
lesson's link opens the Playground on exactly the lesson's runs."""

from urllib.parse import parse_qsl, urlparse

import numpy as np
import pytest

from ui.presets import PRESETS
from viz.minibatch import FULL_BATCH_COLOUR

PAGES = {
    "learning_rate": "views/learning_rate.py",
    "traps": "views/traps.py",
    "minibatch": "views/minibatch.py",
    "ewa": "views/ewa.py",
    "momentum": "views/momentum_rmsprop_adam.py",
    "figures": "views/article_figures.py",
}
FIGURE_BUDGET = 600_000  # bytes of figure JSON, the Playground's budget for 6 runs × 500 steps

# (page, widget kind, key, new value, URL text): every control of every lesson page once.
CHANGES = [
    ("learning_rate", "select_slider", "learning_rate.r0.lr", 0.05, "0.05"),
    ("learning_rate", "select_slider", "learning_rate.r1.lr", 0.3, "0.3"),
    ("traps", "select_slider", "local_minimum.r0.lr", 0.02, "0.02"),
    ("traps", "select_slider", "saddle.r0.lr", 0.02, "0.02"),
    ("traps", "select_slider", "plateau.r0.lr", 0.5, "0.5"),
    ("traps", "select_slider", "plateau.r1.lr", 0.01, "0.01"),
    ("traps", "select_slider", "cliff.r0.lr", 0.05, "0.05"),
    ("traps", "toggle", "cliff.clip", False, "0"),
    ("traps", "select_slider", "cliff.clip_at", 0.5, "0.5"),
    ("minibatch", "slider", "mb.size", 120, "120"),
    ("minibatch", "slider", "mb.noise", 1.0, "1"),
    ("minibatch", "slider", "mb.seed", 5, "5"),
    ("minibatch", "slider", "mb.batch_size", 1, "1"),
    ("minibatch", "slider", "mb.batch_size", 500, "500"),  # more than the data: a full batch
    ("minibatch", "slider", "mb.epochs", 3, "3"),
    ("minibatch", "select_slider", "mb.lr", 0.05, "0.05"),
    ("ewa", "slider", "beta", 0.7, "0.7"),
    ("ewa", "toggle", "bias", True, "1"),
    ("ewa", "selectbox", "stock", "NFLX", "NFLX"),
    ("ewa", "radio", "source", "upload", "upload"),
    ("momentum", "select_slider", "ravine.r0.lr", 0.01, "0.01"),
    ("momentum", "select_slider", "ravine.r1.lr", 0.01, "0.01"),
    ("momentum", "slider", "ravine.r1.beta", 0.5, "0.5"),
    ("momentum", "select_slider", "comparison.r0.lr", 0.05, "0.05"),
    ("momentum", "select_slider", "comparison.r1.lr", 0.05, "0.05"),
    ("momentum", "select_slider", "comparison.r2.lr", 0.01, "0.01"),
    ("momentum", "select_slider", "comparison.r3.lr", 0.05, "0.05"),
    ("momentum", "select_slider", "comparison.r4.lr", 0.05, "0.05"),
    ("momentum", "selectbox", "anatomy.run", "rmsprop", "rmsprop"),
    ("momentum", "slider", "anatomy.t", 50, "50"),
    *[("figures", "radio", "figure", key, key) for key in [*PRESETS, "minibatch", "ewa"][1:]],
]


def figure_sizes(at) -> list[int]:
    return [len(chart.proto.spec) for chart in at.get("plotly_chart")]


def url_value(at, key: str) -> str:
    """The page's URL value for ``key`` (AppTest keeps a list where the URL repeated it)."""
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def links(at) -> list[str]:
    return [button.proto.url for button in at.get("link_button")]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_equations_figures_and_a_playground_link(app_test, page):
    at = app_test(PAGES[page])
    assert not at.exception and not at.error and not at.warning
    assert at.title and len(at.get("plotly_chart")) >= 1
    assert all(0 < size < FIGURE_BUDGET for size in figure_sizes(at))
    if page != "figures":
        assert at.get("latex") or at.get("markdown")
        assert len(at.get("latex")) >= 1
    assert links(at) and all(link.startswith("./?surface=") for link in links(at))


@pytest.mark.parametrize(
    ("page", "kind", "key", "value", "url_text"),
    CHANGES,
    ids=[f"{c[0]}:{c[2]}={c[3]}" for c in CHANGES],
)
def test_every_control_changes_the_page_and_its_url(
    app_test, chart_figures, page, kind, key, value, url_text
):
    at = app_test(PAGES[page])
    before = (chart_figures(at), links(at))
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert url_value(at, key) == url_text
    assert (chart_figures(at), links(at)) != before, f"changing {key} changed nothing"
    assert all(size < FIGURE_BUDGET for size in figure_sizes(at))


def test_a_lesson_url_restores_its_settings(app_test):
    query = {"learning_rate.r0.lr": "0.02", "learning_rate.r1.lr": "0.4"}
    at = app_test(PAGES["learning_rate"], query=query)
    assert not at.warning
    assert at.select_slider(key="learning_rate.r1.lr").value == 0.4
    link = dict(parse_qsl(urlparse(links(at)[0]).query))
    assert (link["r0.lr"], link["r1.lr"]) == ("0.02", "0.4")


HOSTILE = [
    ("learning_rate", {"learning_rate.r0.lr": "nan"}, "learning_rate.r0.lr"),
    ("learning_rate", {"learning_rate.r1.lr": "1e309"}, "learning_rate.r1.lr"),
    ("traps", {"cliff.clip_at": "-1"}, "cliff.clip_at"),
    ("traps", {"cliff.clip": "maybe"}, "cliff.clip"),
    ("minibatch", {"mb.size": "99999999"}, "mb.size"),
    ("minibatch", {"mb.batch_size": "0"}, "mb.batch_size"),
    ("minibatch", {"mb.epochs": ["3", "4"]}, "mb.epochs"),
    ("ewa", {"stock": "../../etc/passwd"}, "stock"),
    ("ewa", {"beta": "1"}, "beta"),
    ("ewa", {"source": "<script>alert(1)</script>"}, "source"),
    ("momentum", {"anatomy.run": "lion"}, "anatomy.run"),
    ("momentum", {"anatomy.t": "inf"}, "anatomy.t"),
    ("momentum", {"ravine.r1.beta": "9" * 5000}, "ravine.r1.beta"),
    ("figures", {"figure": "__import__('os')"}, "figure"),
    ("figures", {"y" * 3000: "1"}, "yyyy"),
]


@pytest.mark.parametrize(("page", "query", "named"), HOSTILE, ids=[h[2] for h in HOSTILE])
def test_hostile_links_warn_and_fall_back(app_test, page, query, named):
    at = app_test(PAGES[page], query=query)
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and named in at.warning[0].value
    assert len(at.warning[0].value) < 600 and "<script>" not in at.warning[0].value
    assert at.get("plotly_chart")  # the page still works, with defaults


def test_the_largest_minibatch_settings_still_render_within_budget(app_test):
    query = {"mb.size": "1000", "mb.batch_size": "1", "mb.epochs": "50"}  # 50,000 updates
    at = app_test(PAGES["minibatch"], query=query)
    assert not at.exception and not at.error and not at.warning
    assert all(size < FIGURE_BUDGET for size in figure_sizes(at))


def test_the_minibatch_race_counts_examples_seen(app_test, chart_figures):
    at = app_test(PAGES["minibatch"], query={"mb.size": "100", "mb.batch_size": "10"})
    epochs = at.slider(key="mb.epochs").value
    (race,) = [f for f in chart_figures(at) if f.get("frames")]
    counts = [frame["data"][-1]["text"][0] for frame in race["frames"]]
    assert counts[0] == "examples seen 0" and counts[-1] == f"examples seen {100 * epochs}"


def last_points(figure: dict) -> np.ndarray:
    """Current point of every run in the race figure's last frame."""
    markers = figure["frames"][-1]["data"][1::2]
    return np.array([[m["x"][0], m["y"][0]] for m in markers])


@pytest.mark.parametrize("key", ["learning_rate", "ravine", "comparison"])
def test_open_in_playground_shows_the_same_race(app_test, chart_figures, key):
    lesson = app_test(PAGES["figures"], query={"figure": key})
    (lesson_race,) = [f for f in chart_figures(lesson) if f.get("frames")]
    query = dict(parse_qsl(urlparse(PRESETS[key].playground_link()).query))
    playground = app_test("views/playground.py", query=query)
    assert not playground.warning and not playground.exception
    playground_race = next(f for f in chart_figures(playground) if f.get("frames"))
    np.testing.assert_allclose(last_points(playground_race), last_points(lesson_race))
    assert run_names(playground_race) == run_names(lesson_race)


def run_names(figure: dict) -> list[str]:
    return [t["name"] for t in figure["data"] if t.get("mode") == "lines+markers"]


@pytest.mark.parametrize(
    ("page", "query"), [("minibatch", {}), ("figures", {"figure": "minibatch"})]
)
def test_the_full_batch_is_drawn_near_black_with_a_solid_path(app_test, chart_figures, page, query):
    """Both pages show the mini-batch race alike: the full batch in FULL_BATCH_COLOUR (clear on
    the contour map), its path solid with a dot at each of its few updates."""
    at = app_test(PAGES[page], query=query)
    full = [
        trace
        for figure in chart_figures(at)
        for trace in figure["data"]
        if str(trace.get("name", "")).startswith("full batch") and "line" in trace
    ]
    assert full and {trace["line"]["color"] for trace in full} == {FULL_BATCH_COLOUR}
    (race,) = [f for f in chart_figures(at) if f.get("frames")]
    path = next(t for t in race["data"] if t.get("name") == "full batch (200) path")
    assert path["line"] == path["line"] | {"color": FULL_BATCH_COLOUR, "dash": "solid"}
    assert path["mode"] == "lines+markers"
