"""The Atlas page under AppTest: every control, read back from the URL, the figures and tables
it draws checked against atlas computed here and against counts by hand."""

import base64
import io
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from PIL import Image

import atlas
import optim
import surfaces
from atlas import Setting
from ui.atlas_controls import KNOBS
from ui.atlas_sections import legend_view, sensitivity_view
from viz.atlas import basins_legend, sensitivity_table
from viz.encode import decode

PAGE = "views/atlas_view.py"
SMALL = {"atlas.resolution": "50", "atlas.steps": "60"}


def _picture(uri):
    return np.array(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def _by_key(widgets, key):
    return next(w for w in widgets if w.key == key)


def test_basins_view_draws_one_image_per_run_legend_and_summary(app_test, chart_figures):
    at = app_test(PAGE, {"surface": "himmelblau", **SMALL})
    assert not at.exception and not at.error
    (figure,) = chart_figures(at)
    images = figure["layout"]["images"]
    assert len(images) == 4 and all(_picture(i["source"]).shape[:2] == (50, 50) for i in images)
    legend = at.dataframe[0].value.set_index("minimum")
    expected = atlas.basins(
        surfaces.SURFACES["himmelblau"], [Setting.of("gd", lr=0.01)], resolution=50, steps=60
    ).shares()[0]
    np.testing.assert_allclose(legend["Gradient descent α=0.01"].to_numpy(float), expected)
    assert list(legend.index[:4]) == ["M1", "M2", "M3", "M4"]
    summary = at.dataframe[1].value
    labels = ["Gradient descent α=0.01", "Momentum α=0.01", "RMSProp α=0.01", "Adam α=0.05"]
    assert list(summary["optimizer"]) == labels
    assert [b.proto.label for b in at.get("download_button")] == [
        "Atlas as PNG",
        "Per-start results (CSV)",
    ]


def test_resolution_steps_and_start_change_the_atlas_and_the_url(app_test, chart_figures):
    at = app_test(PAGE, {"surface": "himmelblau", **SMALL})
    _by_key(at.slider, "atlas.resolution").set_value(64)
    _by_key(at.slider, "atlas.steps").set_value(40)
    x_input = next(n for n in at.number_input if n.key.endswith(".x"))
    y_input = next(n for n in at.number_input if n.key.endswith(".y"))
    x_input.set_value(1.25)
    y_input.set_value(-2.5)
    at.run()
    assert not at.exception and not at.error
    (figure,) = chart_figures(at)
    assert _picture(figure["layout"]["images"][0]["source"]).shape[:2] == (64, 64)
    starts = [t for t in figure["data"] if t.get("name") == "start"]
    assert len(starts) == 4 and all(tuple((t["x"][0], t["y"][0])) == (1.25, -2.5) for t in starts)
    assert at.query_params["atlas.resolution"] == "64" and at.query_params["atlas.steps"] == "40"
    assert at.query_params["x0"] == "1.25" and at.query_params["y0"] == "-2.5"
    link = urlparse(at.get("link_button")[0].proto.url)
    query = parse_qs(link.query)
    assert query["surface"] == ["himmelblau"] and query["x0"] == ["1.25"]
    assert query["r0.opt"] == ["gd"] and query["r3.opt"] == ["adam"]


def test_sensitivity_view_every_control(app_test, chart_figures):
    query = {"surface": "himmelblau", "atlas.view": "sensitivity", "runs": "2"}
    at = app_test(PAGE, query | {"atlas.starts": "8", "atlas.steps": "50"})
    assert not at.exception and not at.error
    controls = {
        "atlas.lr_count": 7,
        "atlas.starts": 6,
        "atlas.seed": 3,
        "atlas.noise": 0.5,
        "atlas.noise_seeds": 2,
        "atlas.steps": 30,
        "atlas.lr_low": 0.001,
        "atlas.lr_high": 0.5,
    }
    for key, value in controls.items():
        _by_key([*at.slider, *at.select_slider], key).set_value(value)
    at.run()
    assert not at.exception and not at.error
    (figure,) = chart_figures(at)
    median = next(t for t in figure["data"] if t.get("mode") == "lines+markers")
    np.testing.assert_allclose(decode(median["x"]), np.geomspace(0.001, 0.5, 7))
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table.columns) >= {"best α", "good range (decades)"}
    for key, value in controls.items():
        assert float(at.query_params[key]) == pytest.approx(value)
    _by_key(at.select_slider, "atlas.lr_low").set_value(1.0)
    at.run()
    assert [e.value for e in at.error] == ["The smallest α must be below the largest."]


def test_settings_over_the_memory_limit_are_refused_with_the_limit_named(app_test):
    at = app_test(
        PAGE,
        {
            "atlas.view": "sensitivity",
            "atlas.starts": "1024",
            "atlas.lr_count": "60",
            "atlas.noise_seeds": "16",
        },
    )
    assert not at.exception
    assert len(at.error) == 1 and "memory limit of 200 MB" in at.error[0].value


def test_map_view_draws_theory_on_the_ravine_with_the_measured_rate(app_test, chart_figures):
    query = {"surface": "ravine", "s.kappa": "100", "atlas.view": "map", "runs": "2"}
    at = app_test(PAGE, query | {"r0.opt": "gd", "r1.opt": "sgd", "atlas.cells": "6"})
    assert not at.exception and not at.error
    _by_key(at.selectbox, "atlas.run").set_value("1")
    at.run()
    _by_key(at.selectbox, "atlas.y.sgd").set_value("momentum")
    _by_key(at.radio, "atlas.figure").set_value("steps")
    _by_key(at.slider, "atlas.cells").set_value(8)
    _by_key(at.select_slider, "atlas.map_lr_low").set_value(0.002)
    _by_key(at.select_slider, "atlas.map_lr_high").set_value(0.05)
    at.run()
    assert not at.exception and not at.error
    (figure,) = chart_figures(at)
    heat = figure["data"][0]
    assert heat["type"] == "heatmap" and np.asarray(heat["z"], float).shape == (8, 8)
    np.testing.assert_allclose(decode(heat["x"]), np.geomspace(0.002, 0.05, 8))
    names = {t.get("name") for t in figure["data"]}
    assert {"optimum", "divergence αλₙ = 2 + 2β"} <= names
    note = next(c.value for c in at.caption if c.value.startswith("Theory"))
    assert "α* = 0.03306" in note and "β* = 0.6694" in note and "rate 0.8182" in note
    measured = float(note.rsplit(": ", 1)[1].rstrip("."))
    assert abs(measured - 0.8182) < 2e-3
    assert at.query_params["atlas.run"] == "1" and at.query_params["atlas.figure"] == "steps"


def test_a_run_without_a_second_hyperparameter_says_so(app_test):
    at = app_test(PAGE, {"atlas.view": "map", "runs": "1", "r0.opt": "gd"})
    assert not at.exception and "no hyperparameter besides α" in at.info[0].value


def test_the_view_radio_switches_sections_and_keeps_the_runs(app_test):
    at = app_test(PAGE, {"surface": "himmelblau", "runs": "1", "r0.opt": "adam", **SMALL})
    assert len(at.get("download_button")) == 2
    _by_key(at.radio, "atlas.view").set_value("sensitivity")
    at.run()
    _by_key(at.slider, "atlas.starts").set_value(4)
    at.run()
    assert not at.exception and not at.error and not at.get("download_button")
    assert at.query_params["atlas.view"] == "sensitivity" and at.query_params["r0.opt"] == "adam"
    assert list(at.dataframe[0].value["optimizer"]) == ["Adam α=0.05"]


def test_a_typed_function_lists_its_four_minima_and_states_the_clustering_radius(app_test):
    """(x² − 1)² + (y² − 1)² on [−3, 3]²: minima (±1, ±1), all global; the caption names the
    clustering radius, 1 % of the diagonal 6√2."""
    at = app_test(PAGE, {"surface": "custom", "f": "(x^2 - 1)^2 + (y^2 - 1)^2", **SMALL})
    assert not at.exception and not at.error
    legend = at.dataframe[0].value.set_index("minimum")
    positions = sorted(legend["position"].iloc[:4])
    assert positions == ["(-1, -1)", "(-1, 1)", "(1, -1)", "(1, 1)"]
    assert list(legend["kind"].iloc[:4]) == ["global"] * 4
    caption = next(c.value for c in at.caption if "clustered within" in c.value)
    assert f"clustered within {0.01 * 6 * 2**0.5:.3g} (1% of the domain's diagonal)" in caption


def test_map_view_draws_theory_on_a_typed_quadratic(app_test, chart_figures):
    """x² + 3xy + 5y²: Hessian [[2, 3], [3, 10]], λ = 6 ± 5 = {1, 11} (κ = 11)."""
    kappa = 11.0
    alpha = (2 / (1 + kappa**0.5)) ** 2
    beta, rate = ((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2, (kappa**0.5 - 1) / (kappa**0.5 + 1)
    query = {"surface": "custom", "f": "x^2 + 3*x*y + 5*y^2", "atlas.view": "map"}
    at = app_test(PAGE, query | {"runs": "1", "r0.opt": "sgd", "atlas.cells": "5"})
    assert not at.exception and not at.error
    (figure,) = chart_figures(at)
    (optimum,) = [t for t in figure["data"] if t.get("name") == "optimum"]
    np.testing.assert_allclose([optimum["x"][0], optimum["y"][0]], [alpha, beta], rtol=1e-12)
    note = next(c.value for c in at.caption if c.value.startswith("Theory"))
    assert "λ = {1, 11}" in note and f"rate {rate:.4f}" in note
    assert abs(float(note.rsplit(": ", 1)[1].rstrip(".")) - rate) < 2e-3


def test_map_view_says_when_no_theory_applies(app_test):
    query = {"surface": "himmelblau", "atlas.view": "map", "runs": "1", "r0.opt": "sgd"}
    at = app_test(PAGE, query | {"atlas.cells": "5"})
    assert not at.exception and not at.error
    assert any("No theory applies: J is not a quadratic" in c.value for c in at.caption)
    at = app_test(PAGE, {**query, "surface": "saddle", "atlas.cells": "5"})
    assert any("are not both positive" in c.value for c in at.caption)


def test_every_optimizer_takes_every_learning_rate_the_atlas_can_sweep():
    """The sensitivity and map controls offer α in [1e-4, 1]; a registry range narrower than
    that refused the sweep with a wall of numbers (Adadelta, Prodigy, LARS did)."""
    low = min(KNOBS[name].low for name in ("lr_low", "map_lr_low"))
    high = max(KNOBS[name].high for name in ("lr_high", "map_lr_high"))
    for name, spec in optim.OPTIMIZERS.items():
        (lr,) = [h for h in spec.hyperparameters if h.name == "lr"]
        assert lr.low <= low and high <= lr.high, name


def test_the_legend_shows_swatches_and_no_none_for_the_outcomes():
    result = atlas.basins(
        surfaces.SURFACES["sharp_flat"], [Setting.of("gd", lr=0.05)], resolution=20, steps=50
    )
    html = legend_view(basins_legend(result)).to_html()
    assert "None" not in html and "nan" not in html
    assert "background-color: #aaaaaa;\n  color: #aaaaaa;" in html  # not settled's swatch
    assert f">{result.minima[0].value:.6g}<" in html


def test_the_sensitivity_table_says_when_no_learning_rate_is_good():
    """GD on peaks from starts all over the domain: many end in a local minimum, so no α
    reaches 90 % success; the table says so instead of showing "None"."""
    peaks = surfaces.SURFACES["peaks"]
    result = atlas.sensitivity(
        peaks, [Setting.of("gd")], lr_range=(1e-3, 0.1), lr_count=4, starts=16, steps=100
    )
    assert np.isnan(result.good_range()[0])
    html = sensitivity_view(sensitivity_table(result)).to_html()
    assert "None" not in html and "nan" not in html and "no α reaches 90%" in html
