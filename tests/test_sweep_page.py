"""The Training lab's Sweep section under AppTest: a tiny sweep runs and draws the bands whose
medians pandas computes independently from the results folder; every setting is in the URL;
bad settings and folders are refused with a message; a sweep too long for this machine cannot
start; a folder made by the command line opens."""

from __future__ import annotations

import pytest

import lab.sweep as sweep
from viz.encode import decode

pytestmark = pytest.mark.timeout(300)
PAGE = "views/training_lab.py"
TINY = {"n": "100", "hidden": "8, 8", "sw_opts": "sgd, adam", "sw_points": "3",
        "sw_seeds": "3", "sw_epochs": "3", "sw_lr_low": "0.01", "sw_lr_high": "0.1"}  # fmt: skip


@pytest.fixture(autouse=True)
def sweeps_in(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTIMIZER_PLAYGROUND_SWEEPS", str(tmp_path / "sweeps"))
    monkeypatch.delenv("OPTIMIZER_PLAYGROUND_SCHEDULER", raising=False)
    return tmp_path / "sweeps"


def values(trace, axis: str) -> list[float]:
    return [float(v) for v in decode(trace[axis])]


def sweep_figures(at, chart_figures) -> list[dict]:
    return [f for f in chart_figures(at) if "Q1–Q3" in f["layout"].get("title", {}).get("text", "")]


def test_a_tiny_sweep_draws_median_bands_computed_by_pandas(
    app_test, chart_figures, markdown_rows, sweeps_in
):
    at = app_test(PAGE, TINY)
    at.button(key="lab.sw_run").click().run()
    assert not at.exception and not at.error
    (folder,) = sweeps_in.iterdir()
    frame = sweep.load(folder)
    assert len(frame) == 2 * 3 * 3 and frame.trial_id.is_unique
    robustness, curves = sweep_figures(at, chart_figures)
    medians = frame.groupby(["label", "hp_lr"])["final_test_loss"].median()
    lines = [t for t in robustness["data"] if t.get("mode") == "lines+markers" and "yaxis" not in t]
    assert [t["name"] for t in lines] == ["Adam", "SGD (PyTorch)"]
    for line in lines:
        expected = medians.loc[line["name"]]
        assert values(line, "x") == pytest.approx(expected.index.tolist())
        assert values(line, "y") == pytest.approx(expected.tolist())
    q3 = frame.groupby(["label", "hp_lr"])["final_test_loss"].quantile(0.75).loc["Adam"]
    band = next(t for t in robustness["data"] if t.get("fill") == "tonexty")
    assert values(band, "y") == pytest.approx(q3.tolist())
    assert sum(t.get("fill") == "tonexty" for t in curves["data"]) == 2
    assert at.get("download_button")  # the CSV
    (table,) = [m.value for m in at.markdown if "width" in m.value]
    best = {row["optimizer"]: float(row["best lr"]) for row in markdown_rows(table)}
    assert best == {label: medians.loc[label].idxmin() for label in ("Adam", "SGD (PyTorch)")}


def test_every_sweep_setting_is_in_the_url_and_read_back(app_test):
    at = app_test(PAGE, {"n": "100"})
    at.text_input(key="lab.sw_opts").input("adam, lion").run()
    at.slider(key="lab.sw_points").set_value(5).run()
    at.slider(key="lab.sw_seeds").set_value(4).run()
    at.slider(key="lab.sw_epochs").set_value(12).run()
    at.select_slider(key="lab.sw_lr_low").set_value(0.0001).run()
    at.radio(key="lab.sw_mode").set_value("open").run()
    query = dict(at.query_params)
    wanted = {"sw_opts": "adam, lion", "sw_points": "5", "sw_seeds": "4", "sw_epochs": "12",
              "sw_lr_low": "0.0001", "sw_mode": "open"}  # fmt: skip
    assert {k: query.get(k) for k in wanted} == wanted
    at.radio(key="lab.sw_mode").set_value("run").run()  # the hidden controls kept their values
    assert at.text_input(key="lab.sw_opts").value == "adam, lion"
    assert at.slider(key="lab.sw_seeds").value == 4
    again = app_test(PAGE, query | {"sw_mode": "run"})
    assert again.text_input(key="lab.sw_opts").value == "adam, lion"
    assert (again.slider(key="lab.sw_points").value, again.slider(key="lab.sw_epochs").value) == (
        5, 12)  # fmt: skip
    assert again.select_slider(key="lab.sw_lr_low").value == 0.0001


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"sw_opts": "adam, adamm"}, "unknown optimizer 'adamm'"),
        ({"sw_lr_low": "0.1", "sw_lr_high": "0.01"}, "highest lr 0.01 is below the lowest 0.1"),
        ({"sw_opts": " , "}, "at least one optimizer"),
    ],
)
def test_bad_settings_are_named_and_nothing_runs(app_test, query, named, sweeps_in):
    at = app_test(PAGE, TINY | query)
    assert not at.exception
    assert any(named in e.value for e in at.error)
    assert [b for b in at.button if b.key == "lab.sw_run"] == []
    assert not sweeps_in.exists()


def test_a_sweep_too_long_for_this_machine_cannot_start(app_test):
    huge = {"n": "5000", "sw_opts": "sgd, adam, rmsprop", "sw_points": "13", "sw_seeds": "10",
            "sw_epochs": "500"}  # fmt: skip
    at = app_test(PAGE, huge)
    assert any("over 120 s" in w.value for w in at.warning)
    assert at.button(key="lab.sw_run").disabled


def test_a_folder_from_the_command_line_opens(app_test, chart_figures, sweeps_in):
    spec = sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": (1e-2, 1e-1)}, seeds=3, n=100,
                           hidden=(8, 8), epochs=3, batch_size=16)  # fmt: skip
    sweep.run(spec, sweeps_in / "cli", workers=1)
    at = app_test(PAGE, {"sw_mode": "open", "sw_folder": str(sweeps_in / "cli")})
    assert not at.exception and not at.error
    assert len(sweep_figures(at, chart_figures)) == 2
    frame = sweep.load(sweeps_in / "cli")
    medians = frame.groupby(["label", "hp_lr"])["final_test_accuracy"].median()
    at.radio(key="lab.sw_metric").set_value("final_test_accuracy").run()
    robustness, _ = sweep_figures(at, chart_figures)
    line = next(
        t for t in robustness["data"] if t.get("mode") == "lines+markers" and "yaxis" not in t
    )
    assert values(line, "y") == pytest.approx(medians.loc["Adam"].tolist())


@pytest.mark.parametrize(("folder", "named"), [("/etc", "outside the app's folder"),
                                               ("tests", "holds no sweep")])  # fmt: skip
def test_bad_folders_are_refused(app_test, folder, named):
    at = app_test(PAGE, {"sw_mode": "open", "sw_folder": folder})
    assert not at.exception
    assert any(named in e.value for e in at.error)
