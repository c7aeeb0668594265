"""The "Newer optimizers" lesson: what each section says is true of runs made here straight from
optim (not through the page's cached calls), and the page under AppTest shows those numbers,
its step view, its links, and a section only once its optimizers are registered."""

from urllib.parse import parse_qsl, urlparse

import numpy as np
import pytest

import optim
import surfaces
from ui.presets import newer_presets
from viz.encode import decode

PAGE = "views/newer_optimizers.py"
HIMMELBLAU = surfaces.SURFACES["himmelblau"]
START = np.array([HIMMELBLAU.start])


def noisy(opt, sigma=2.0, seed=0):
    return optim.chain(optim.add_noise(sigma, seed), opt)


def schedule_free_runs(steps=300, lr=0.2):
    """J along constant AdamW, Schedule-Free AdamW's y and x, and cosine-decayed AdamW."""
    const = optim.run(noisy(optim.adamw(lr=lr, weight_decay=0.0)), HIMMELBLAU.grad, START, steps)
    free = noisy(optim.adamw_schedule_free(lr=lr))
    y = optim.run(free, HIMMELBLAU.grad, START, steps)
    x = optim.trace_internals(
        noisy(optim.adamw_schedule_free(lr=lr)), HIMMELBLAU.grad, START, steps
    )
    cosine = noisy(optim.adamw(lr=optim.cosine_schedule(lr, steps), weight_decay=0.0))
    cos = optim.run(cosine, HIMMELBLAU.grad, START, steps)
    return {
        "const": HIMMELBLAU(const.path[:, 0]),
        "y": HIMMELBLAU(y.path[:, 0]),
        "cos": HIMMELBLAU(cos.path[:, 0]),
        "x": HIMMELBLAU(x["x"][:, 0]),
    }


def test_schedule_free_average_is_calm_without_a_schedule():
    """The section's claims with its settings: constant AdamW rattles; two thirds of the way x
    is below the cosine run; at the end x is within 5× of it and below constant AdamW; y
    rattles above x."""
    j = schedule_free_runs()
    assert j["x"][200] < j["cos"][200]
    assert j["x"][300] < 5 * j["cos"][300]
    assert j["x"][300] < j["const"][300] / 10
    assert j["y"][300] > j["x"][300]


def test_prodigy_grows_its_step_from_a_tiny_one():
    adam = optim.run(optim.adam(lr=1e-4), HIMMELBLAU.grad, START, 300, value_fn=HIMMELBLAU)
    assert adam.values[-1, 0] > 0.99 * adam.values[0, 0]  # α = 10⁻⁴ barely moves
    prodigy = optim.prodigy(d0=1e-6)
    result = optim.run(prodigy, HIMMELBLAU.grad, START, 300, value_fn=HIMMELBLAU)
    d = optim.trace_internals(optim.prodigy(d0=1e-6), HIMMELBLAU.grad, START, 300)["d"][:, 0]
    assert result.values[-1, 0] < 1e-2
    assert d[0] == 1e-6 and d.max() > 1e5 * 1e-6


def test_muon_steps_are_about_0_7_alpha_on_the_plateau():
    plateau = surfaces.SURFACES["plateau"]
    start = np.array([plateau.start])
    muon = optim.OPTIMIZERS["muon"].build(lr=0.05, momentum=0.95)
    steps = np.hypot(*np.diff(optim.run(muon, plateau.grad, start, 300).path[:, 0], axis=0).T)
    nesterov = optim.OPTIMIZERS["nesterov"].build(lr=0.05, momentum=0.95)
    crawl = np.hypot(*np.diff(optim.run(nesterov, plateau.grad, start, 300).path[:, 0], axis=0).T)
    assert np.all((steps[:100] > 0.6 * 0.05) & (steps[:100] < 0.75 * 0.05))
    assert crawl.max() < 1e-3


def test_sam_leaves_the_sharp_minimum_sgd_stays():
    sharp_flat = surfaces.SURFACES["sharp_flat"]
    start = np.array([[-2.5, 1.75]])
    sgd = optim.OPTIMIZERS["sgd"].build(lr=0.01, momentum=0.9)
    sam = optim.OPTIMIZERS["sam_sgd"].build(lr=0.01, momentum=0.9, rho=0.3)
    ends = [optim.run(o, sharp_flat.grad, start, 400).path[-1, 0] for o in (sgd, sam)]
    np.testing.assert_allclose(ends[0], [-1.5, 0.0], atol=0.02)  # the sharp one
    np.testing.assert_allclose(ends[1], [1.5, 0.0], atol=0.02)  # the flat one


def links(at) -> list[str]:
    return [button.proto.url for button in at.get("link_button")]


def test_page_shows_every_section_its_numbers_and_links(app_test):
    at = app_test(PAGE)
    assert not at.exception and not at.error and not at.warning
    titles = [s.value for s in at.subheader]
    presets = newer_presets()
    assert titles == [
        "Schedule-Free: no schedule, an average",
        presets["sam"].title,
        presets["muon"].title,
        presets["prodigy"].title,
    ]
    (table,) = at.dataframe
    j = schedule_free_runs()
    rows = dict(zip(table.value["run"], table.value["J at step 300"], strict=True))
    for label, key in [
        ("AdamW α=0.2", "const"),
        ("Schedule-Free AdamW α=0.2", "y"),
        ("AdamW α=0.2, cosine decay", "cos"),
        ("Schedule-Free AdamW α=0.2: its average x", "x"),
    ]:
        assert float(rows[label]) == pytest.approx(j[key][300], rel=5e-3)
    urls = links(at)
    assert len(urls) == 5  # Schedule-Free and cosine AdamW, SAM, Muon, Prodigy
    for url in urls:
        query = dict(parse_qsl(urlparse(url).query))
        internals = query.get("internals") == "1"
        assert internals == (query["r0.opt"] in ("adamw", "sgd", "adam") and "r1.opt" in query)


def test_the_step_view_draws_z_and_x_up_to_step_t(app_test, chart_figures):
    at = app_test(PAGE)
    at.slider(key="sf.t").set_value(60).run()
    assert not at.exception
    assert at.query_params["sf.t"] in ("60", ["60"])
    (figure,) = [  # the still one: the race has z and x too, with frames
        f
        for f in chart_figures(at)
        if not f.get("frames") and "· z" in str([t.get("name") for t in f["data"]])
    ]
    drawn = {t["name"]: t for t in figure["data"] if " · " in str(t.get("name"))}
    traced = optim.trace_internals(
        noisy(optim.adamw_schedule_free(lr=0.2)), HIMMELBLAU.grad, START, 300
    )
    for name, key in (("z", "z"), ("x (average)", "x")):
        trace = drawn[f"Schedule-Free AdamW α=0.2 · {name}"]
        xs, ys = decode(trace["x"]), decode(trace["y"])
        assert len(xs) == 61
        np.testing.assert_allclose([xs[-1], ys[-1]], traced[key][60, 0], atol=1e-3)


def test_prodigy_d_chart_starts_at_d0(app_test, chart_figures):
    at = app_test(PAGE)
    (figure,) = [f for f in chart_figures(at) if "step-size estimate" in str(f["layout"])]
    d = decode(figure["data"][0]["y"])
    assert d[0] == pytest.approx(1e-6) and d.max() > 0.1


def test_a_section_waits_for_its_optimizer(app_test, monkeypatch):
    """Without Prodigy in the registry its section (and only it) is left out. (A copy without
    it stands in for the registry: deleting and restoring the entry would move it to the end.)"""
    without = {name: spec for name, spec in optim.OPTIMIZERS.items() if name != "prodigy"}
    monkeypatch.setattr(optim, "OPTIMIZERS", without)
    at = app_test(PAGE)
    assert not at.exception
    titles = [s.value for s in at.subheader]
    assert "Prodigy finds its own step size" not in titles
    assert "Schedule-Free: no schedule, an average" in titles


def _headings_and_knobs(node, found: list) -> list:
    """(kind, text) of every subheader and slider below ``node``, in page order."""
    kind = getattr(node, "type", None)
    if kind == "subheader":
        found.append(("heading", node.value))
    elif kind in ("slider", "select_slider"):
        found.append(("knob", node.label))
    for child in getattr(node, "children", {}).values():
        _headings_and_knobs(child, found)
    return found


def test_each_sections_controls_sit_under_its_heading(app_test):
    """A section's run editor comes after its heading (it came before, under the previous
    section's text): each knob names an optimizer of the section whose heading precedes it."""
    at = app_test(PAGE)
    order = _headings_and_knobs(at.main, [])
    headings = [text for kind, text in order if kind == "heading"]
    assert order[0][0] == "heading" and len(headings) == 4
    section = None
    for kind, text in order:
        if kind == "heading":
            section = text
        elif "Muon" in text:
            assert "Muon" in section, (text, section)
        elif "SAM" in text or "Prodigy" in text:
            assert text.split(" · ")[1].split(":")[0].split(" (")[0] in section, (text, section)
