"""Every optimizer of the registry, as each part of the app uses it: the Playground's engine
(with and without the shared settings: noise, clipping, a schedule; with its internals), a
lesson's run editor and preset, the Playground opened on it, and a short Training lab run —
each with its 2-D defaults and with the library's."""

import numpy as np
import pytest

import lab
import optim
from ui.controls import MAX_RUNS
from ui.engine import RunSpec, Settings, SurfaceSpec, compute_internals, compute_trajectory
from ui.playground_link import playground_query
from ui.presets import make_preset

NAMES = tuple(optim.OPTIMIZERS)
ON_SURFACES = tuple(n for n in NAMES if not optim.OPTIMIZERS[n].needs_layout)
SURFACE = SurfaceSpec("peaks")  # the Playground's first surface, [−3, 3]² as the defaults expect
PLAIN = Settings(start=(-0.5, -1.0), steps=25)
EVERYTHING = Settings(
    start=(-0.5, -1.0), steps=25, noise=0.5, seed=3, clip="norm", clip_at=2.0, schedule="cosine"
)
DEFAULTS = {"2-D": False, "library": True}


def values(name: str, library: bool) -> dict:
    spec = optim.OPTIMIZERS[name]
    return spec.library_defaults() if library else spec.defaults()


def run_spec(name: str, library: bool) -> RunSpec:
    return RunSpec(name, tuple(values(name, library).items()), "#e4572e", name)


@pytest.mark.parametrize("defaults", DEFAULTS)
@pytest.mark.parametrize("settings", [PLAIN, EVERYTHING], ids=["plain", "noise-clip-cosine"])
@pytest.mark.parametrize("name", ON_SURFACES)
def test_playground_engine_runs_it(name, settings, defaults):
    run = run_spec(name, DEFAULTS[defaults])
    trajectory = compute_trajectory(SURFACE, run, settings)
    assert trajectory.path.shape == (26, 2) and np.all(np.isfinite(trajectory.path))
    assert np.all(np.isfinite(trajectory.values))
    assert not np.array_equal(trajectory.path[-1], trajectory.path[0])  # it moved
    assert trajectory.diverged_at == -1
    for name_, kept in compute_internals(SURFACE, run, settings).items():
        assert len(kept) == 26 and np.all(np.isfinite(kept)), name_


@pytest.mark.parametrize("name", ON_SURFACES)
def test_a_lesson_preset_of_it_states_and_links_its_settings(name):
    """A lesson's preset and run editor with every hyperparameter of the optimizer."""
    chosen = values(name, False)
    preset = make_preset("p", "title", "rosenbrock", ((name, chosen),), steps=25)
    caption = preset.caption()
    assert optim.OPTIMIZERS[name].label in caption
    query = playground_query(preset.surface, preset.runs, preset.settings)
    assert query["r0.opt"] == name
    assert set(chosen) == {k.split(".", 1)[1] for k in query if k.startswith("r0.")} - {
        "opt",
        "color",
    }


def lesson_editor(name: str):
    """A lesson page's run editor (``ui.presets.edit_runs``) over every hyperparameter of
    ``name``, and its chart (run by AppTest as a page script)."""
    import optim
    from ui.lesson_page import begin_page, end_page
    from ui.presets import edit_runs, make_preset, show_preset

    url = begin_page()
    names = tuple(h.name for h in optim.OPTIMIZERS[name].hyperparameters)
    preset = make_preset("every", "every", "rosenbrock", ((name, {}),), steps=25)
    show_preset(edit_runs(url, preset, names), key="every_race")
    end_page(url)


@pytest.mark.parametrize("name", ON_SURFACES)
def test_a_lesson_run_editor_offers_and_runs_it(name, chart_figures):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(lesson_editor, args=(name,), default_timeout=60).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    hyperparameters = optim.OPTIMIZERS[name].hyperparameters
    keys = {w.key for kind in ("select_slider", "slider", "toggle") for w in at.get(kind)}
    assert {f"every.r0.{h.name}" for h in hyperparameters} <= keys
    (race,) = [f for f in chart_figures(at) if f.get("frames")]
    assert race["frames"][-1]["data"][1]["x"][0] is not None


@pytest.mark.parametrize(
    "batch", range(0, len(ON_SURFACES), MAX_RUNS), ids=lambda start: f"runs {start}+"
)
def test_the_playground_opens_with_it(app_test, chart_figures, batch):
    """The Playground's run editor, opened by a link on up to 8 registry optimizers at once
    (library defaults), draws every one of them."""
    names = ON_SURFACES[batch : batch + MAX_RUNS]
    runs = tuple(run_spec(name, True) for name in names)
    query = playground_query(SURFACE, runs, PLAIN)
    at = app_test("views/playground.py", query=query)
    assert not at.exception and not at.error and not at.warning
    race = next(f for f in chart_figures(at) if f.get("frames"))
    drawn = [t["name"] for t in race["data"] if t.get("mode") == "lines+markers"]
    assert len(drawn) == len(names)


def test_the_playground_offers_exactly_the_surface_optimizers(app_test):
    at = app_test("views/playground.py")
    assert tuple(at.selectbox(key="r0.opt").options) == tuple(
        optim.OPTIMIZERS[n].label for n in ON_SURFACES
    )


@pytest.fixture(scope="module")
def small_lab():
    data = lab.make_dataset("moons", n=120, noise=0.2, seed=0)
    return lab.MLP(hidden=(6, 5)), data


@pytest.mark.parametrize("defaults", DEFAULTS)
@pytest.mark.parametrize("name", NAMES)
def test_the_training_lab_trains_with_it(small_lab, name, defaults):
    """Three epochs of mini-batches: library defaults train (finite, no divergence); the 2-D
    defaults at least end finite or are flagged as diverged."""
    network, data = small_lab
    opt = optim.OPTIMIZERS[name].build(layout=network.layout, **values(name, DEFAULTS[defaults]))
    result = lab.train(network, data, [(name, opt)], epochs=3, batch_size=32, seed=1)
    (history,) = result.histories
    assert history.epochs == [0, 1, 2, 3]
    if DEFAULTS[defaults]:
        assert history.diverged_at is None
        assert np.all(np.isfinite(history.train_loss))
    else:
        good = history.train_loss[: history.diverged_at]
        assert history.diverged_at is not None or np.all(np.isfinite(good))
    assert np.all(np.isfinite(history.params))


@pytest.mark.parametrize("batch", range(0, len(NAMES), 6), ids=lambda start: f"slots {start}+")
def test_the_training_lab_page_trains_it(app_test, batch):
    """The lab page's optimizer slots (library defaults, the network's layout) for up to six
    registry optimizers at once: Train ends without a message and every one trained finitely."""
    from ui.lab_training import RESULT

    names = NAMES[batch : batch + 6]
    query = {"n": "100", "epochs": "2", "hidden": "6, 5", "count": str(len(names))}
    query |= {f"o{index}.opt": name for index, name in enumerate(names)}
    at = app_test("views/training_lab.py", query=query)
    at.button(key="lab.train").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    histories = at.session_state[RESULT].histories
    assert len(histories) == len(names)
    for name, history in zip(names, histories, strict=True):
        assert history.epochs == [0, 1, 2] and history.diverged_at is None, name
        assert np.all(np.isfinite(history.train_loss)), name
