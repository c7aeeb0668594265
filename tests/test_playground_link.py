"""A link built by ``ui.playground_link`` opens the Playground with exactly its settings.

Each case builds the query for chosen settings, runs the Playground page on it under AppTest and
reads back what its widgets hold: surface (registry with parameters, or a typed f(x, y) with its
domain), start, steps, every run's optimizer, hyperparameters and colour, noise and seed,
clipping, schedule, trail and view. The reference is the settings themselves.
"""

from urllib.parse import parse_qsl, urlparse

import pytest

from ui.engine import RunSpec, Settings, SurfaceSpec
from ui.playground_link import playground_query, playground_url
from ui.presets import PRESETS

CASES = {
    "registry surface, every shared setting": (
        SurfaceSpec("rosenbrock", params=(("a", 0.5), ("b", 50.0))),
        (
            RunSpec("adam", (("lr", 0.02), ("beta1", 0.8), ("amsgrad", True)), "#123abc", "A"),
            RunSpec("rmsprop", (("lr", 0.005), ("eps", 1e-6), ("centered", True)), "#00ff00", "R"),
            RunSpec("gd", (("lr", 0.0015),), "#e4572e", "G"),
        ),
        Settings(
            start=(-1.5, 2.25),
            steps=120,
            noise=0.3,
            seed=7,
            clip="value",
            clip_at=2.0,
            schedule="step",
            schedule_params=(("every", 40), ("gamma", 0.25)),
        ),
        50,
        "side",
    ),
    "typed surface on its own domain": (
        SurfaceSpec("custom", expression="x**2 + 3*y**2", domain=((-2.0, 4.0), (-1.0, 1.5))),
        (
            RunSpec("gd", (("lr", 0.1),), "#111111", "G"),
            RunSpec("momentum", (("lr", 0.03), ("beta", 0.5), ("bias_correction", True)),
                    "#aa00aa", "M"),
        ),
        Settings(
            start=(3.5, -0.75),
            steps=80,
            clip="norm",
            clip_at=0.5,
            schedule="warmup_cosine",
            schedule_params=(("warmup", 10),),
        ),
        None,
        "overlay",
    ),
}  # fmt: skip


def preset_case(key: str):
    preset = PRESETS[key]
    return preset.surface, preset.runs, preset.settings, preset.trail, preset.panels


def number_input(at, label: str) -> float:
    (widget,) = [w for w in at.number_input if w.label == label]
    return widget.value


def assert_opens_with(at, surface, runs, settings, trail, panels):
    state = at.session_state
    if surface.name == "custom":
        assert state["surface_group"] == "custom"
        assert state["f"] == surface.expression
        (x0, x1), (y0, y1) = surface.domain
        assert [state[k] for k in ("xmin", "xmax", "ymin", "ymax")] == [x0, x1, y0, y1]
    else:
        group = state["surface_group"]
        assert state[f"surface.{group}"] == surface.name
        for name, value in surface.params:
            assert state[f"s.{surface.name}.{name}"] == value, name
    assert (number_input(at, "start θ₁"), number_input(at, "start θ₂")) == settings.start
    assert state["runs"] == len(runs)
    for index, run in enumerate(runs):
        assert state[f"r{index}.opt"] == run.optimizer
        for name, value in run.values:
            assert state[f"r{index}.{run.optimizer}.{name}"] == value, (index, name)
        assert state[f"r{index}.color"] == run.color
    shared = {"steps": settings.steps, "noise": settings.noise, "seed": settings.seed}
    shared |= {"clip": settings.clip, "schedule": settings.schedule}
    if settings.clip != "none":
        shared["clip_at"] = settings.clip_at
    for name, value in settings.schedule_params:
        shared[f"sched.{settings.schedule}.{name}"] = value
    shared |= {"trail": "full" if trail is None else str(trail), "view": panels}
    assert {key: state[key] for key in shared} == shared


@pytest.mark.parametrize(
    "case",
    [*CASES.values(), preset_case("ravine"), preset_case("learning_rate")],
    ids=[*CASES, "preset ravine", "preset learning_rate"],
)
def test_a_link_opens_the_playground_with_exactly_its_settings(app_test, case):
    query = playground_query(*case)
    at = app_test("views/playground.py", query=query)
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert not at.error, [e.value for e in at.error]
    assert_opens_with(at, *case)


def test_the_url_carries_the_same_query():
    case = CASES["typed surface on its own domain"]
    assert dict(parse_qsl(urlparse(playground_url(*case)).query)) == playground_query(*case)
    assert playground_url(*case).startswith("./?surface=custom")


def test_a_link_with_internals_opens_the_playground_with_them_switched_on(app_test):
    surface, runs, settings, trail, panels = CASES["typed surface on its own domain"]
    query = playground_query(surface, runs, settings, trail, panels, internals=True)
    assert query["internals"] == "1"
    at = app_test("views/playground.py", query=query)
    assert not at.exception, at.exception
    assert at.session_state["internals"] is True
    assert "internals" not in playground_query(surface, runs, settings, trail, panels)
