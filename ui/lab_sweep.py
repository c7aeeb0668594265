"""The Training lab's Sweep section: every chosen optimizer over a log grid of learning rates
and several seeds, on the page's data set and network, run on Dask (``lab.sweep``).

Locally a sweep runs on a LocalCluster of one worker process per core, kept for the server's
life, and is capped at ``LOCAL_SECONDS`` of estimated work (one epoch of one trial is timed
here first); with a scheduler in ``$OPTIMIZER_PLAYGROUND_SCHEDULER`` (never from the URL, so a
link cannot point the server elsewhere) it runs there uncapped. Each finished trial is written
at once to a folder named by the sweep's settings, so Stop (or any change of a control) keeps
them and Run resumes. A folder made by ``python -m lab.sweep`` opens by its path, inside the
app's folder or the sweeps folder. Every setting is in the URL (``sw_*``).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import streamlit as st

import lab.sweep as sweep
import optim
from ui.figures import show
from ui.knobs import Knob, knob_field
from ui.lab_controls import choice, knob
from ui.url_state import Text, UrlState, quote
from viz.summary import markdown_table
from viz.sweep import METRICS, best_curves_figure, robustness_figure

FOLDER = "lab.sweep.folder"  # session key: the folder of the sweep last run in this session
LOCAL_SECONDS = 120.0  # the cap on a local sweep's estimated time
SWEEPS_ENV = "OPTIMIZER_PLAYGROUND_SWEEPS"  # where the page's sweeps go (default: temp folder)
MODES = {"run": "set up and run", "open": "open a results folder"}
SHOWN = {"final_test_loss": METRICS["final_test_loss"],
         "final_test_accuracy": METRICS["final_test_accuracy"]}  # fmt: skip
OPTIMIZERS_FIELD = Text("sgd, momentum, adam", 120)
FOLDER_FIELD = Text("", 200)
KNOBS = {
    "sw_lr_low": Knob("lowest lr", 1e-3, 1e-4, 1.0, "log"),
    "sw_lr_high": Knob("highest lr", 1.0, 1e-4, 1.0, "log"),
    "sw_points": Knob("learning rates", 7, 1, 13, "int"),
    "sw_seeds": Knob("seeds", 3, 1, 10, "int"),
    "sw_epochs": Knob("epochs", 30, 1, 500, "int"),
}
CURVE_OF = {"final_test_loss": "curve_test_loss", "final_test_accuracy": "curve_test_accuracy"}


def sweep_section(url: UrlState, data: tuple, network, batch_size: int | None, target: float):
    """The section: set up and run a sweep, or open a folder; then its charts and CSV."""
    st.subheader("Sweep: learning rates × seeds", divider="gray")
    st.markdown(
        "One tuned run per optimizer favours whichever was tuned best. A sweep trains every "
        "optimizer over **the same grid of learning rates** and **several seeds**, the same "
        "epochs each, on this page's data set and network; every trial with seed s starts "
        "from the same weights and sees the same batches."
    )
    mode = choice(url, st.radio, "Sweep", "sw_mode", MODES, "run", horizontal=True)
    if mode == "run":
        keep(url, "sw_folder", FOLDER_FIELD)
        spec = sweep_controls(url, data, network, batch_size, target)
        folder = run_controls(spec) if spec else None
    else:
        keep(url, "sw_opts", OPTIMIZERS_FIELD)
        for name, setting in KNOBS.items():
            keep(url, name, knob_field(setting))
        folder = open_controls(url)
    if folder is not None:
        show_results(url, folder)


def keep(url: UrlState, name: str, field) -> None:
    """Keep the setting of a control the other mode hides: in session state (Streamlit drops a
    widget's value in a run that does not draw it) and in the URL."""
    key = f"lab.{name}"
    st.session_state[key] = value = url.current(key, field, name)
    url.mirror(name, value, field)


def sweep_controls(url: UrlState, data: tuple, network, batch_size, target) -> sweep.SweepSpec:
    """The sweep's own settings; the validated spec, or None (with the reason shown)."""
    text = url.widget(st.text_input, "Optimizers (registry names)", key="lab.sw_opts",
                      url_key="sw_opts", field=OPTIMIZERS_FIELD, max_chars=120,
                      help="Comma-separated: " + ", ".join(optim.OPTIMIZERS))  # fmt: skip
    values = {}
    for column, (name, setting) in zip(st.columns(len(KNOBS)), KNOBS.items(), strict=True):
        with column:
            values[name] = knob(url, name, setting)
    low, high = values["sw_lr_low"], values["sw_lr_high"]
    points, seeds, epochs = (int(values[k]) for k in ("sw_points", "sw_seeds", "sw_epochs"))
    name, n, noise, data_seed, test_share = data
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    try:
        if high < low:
            raise sweep.SweepError(f"grid: the highest lr {high:g} is below the lowest {low:g}")
        spec = sweep.SweepSpec(
            optimizers=names, grid={"lr": sweep.log_grid(low, high, points)}, seeds=seeds,
            data=name, n=n, noise=noise, data_seed=data_seed, test_fraction=test_share,
            hidden=network.hidden, activation=network.activation, epochs=epochs,
            batch_size=batch_size, target=target,
        )  # fmt: skip
        spec.validate()
    except sweep.SweepError as error:
        st.error(f"Cannot sweep with these settings: {error}", icon=":material/block:")
        return None
    return spec


@st.cache_resource(show_spinner=False)
def local_client(workers: int) -> SimpleNamespace:
    """A LocalCluster of ``workers`` single-threaded processes and its client, kept for the
    server's life (started on the first Run, ~2 s). Held in a namespace: a Client is awaitable,
    which Streamlit refuses to cache as it is."""
    return SimpleNamespace(client=sweep.connect(workers=workers))


@st.cache_resource(show_spinner=False)
def cluster_client(address: str) -> SimpleNamespace:
    """A client of the scheduler at ``address`` (from the environment, never the URL)."""
    return SimpleNamespace(client=sweep.connect(scheduler=address))


def client_now():
    """The cluster's client: the scheduler's when one is set, else the local one (a closed
    client is replaced)."""
    address = sweep.scheduler_address()
    factory, argument = (cluster_client, address) if address else (local_client, workers())
    client = factory(argument).client
    if client.status != "running":
        factory.clear()
        client = factory(argument).client
    return client


def workers() -> int:
    return os.cpu_count() or 1


@st.cache_data(max_entries=32, show_spinner=False)
def epoch_seconds(spec_json: dict) -> float:
    """Seconds one epoch of the sweep's first trial takes here (two epochs timed, halved)."""
    spec = sweep.SweepSpec.from_json(spec_json | {"epochs": 2, "seeds": [0]})
    start = time.perf_counter()
    sweep.run_trial(spec.trials()[0])
    return (time.perf_counter() - start) / 2


def sweeps_root() -> Path:
    """The folder of the page's sweeps: ``$OPTIMIZER_PLAYGROUND_SWEEPS`` or one in the temp
    folder."""
    return Path(os.environ.get(SWEEPS_ENV) or Path(tempfile.gettempdir()) / "optimizer-sweeps")


def folder_of(spec: sweep.SweepSpec) -> Path:
    """Where a sweep's results go: named by its settings, so running it again resumes."""
    return sweeps_root() / f"sweep-{sweep.trial_id(spec.to_json())}"


def run_controls(spec: sweep.SweepSpec) -> Path | None:
    """The estimate, the Run button and the live run; the folder to show (this sweep's, once
    it has results)."""
    trials = len(spec.trials())
    address = sweep.scheduler_address()
    estimate = trials * spec.epochs * epoch_seconds(spec.to_json()) / workers()
    where = f"the cluster at {address}" if address else f"this machine's {workers()} cores"
    st.caption(f"{trials} trials of {spec.epochs} epochs on {where}: about {estimate:.0f} s "
               "of work here.")  # fmt: skip
    too_long = not address and estimate > LOCAL_SECONDS
    if too_long:
        st.warning(f"That is over {LOCAL_SECONDS:.0f} s for this machine: choose fewer "
                   "optimizers, rates, seeds or epochs, or run it with `python -m lab.sweep` or "
                   "on a cluster.", icon=":material/timer:")  # fmt: skip
    folder = folder_of(spec)
    buttons = st.columns([2, 2, 5], vertical_alignment="center")
    clicked = buttons[0].button("Run sweep", type="primary", icon=":material/play_arrow:",
                                key="lab.sw_run", disabled=too_long)  # fmt: skip
    if clicked:
        st.session_state[FOLDER] = str(folder)
        run_live(spec, folder, buttons[1].empty(), buttons[2].empty())
    kept = st.session_state.get(FOLDER)
    return folder if kept == str(folder) or sweep.finished_ids(folder) else None


def run_live(spec: sweep.SweepSpec, folder: Path, stop_slot, progress_slot) -> None:
    """Run the sweep with a progress bar; a Stop button (any rerun) ends it, keeping every
    finished trial."""
    stop_slot.button("Stop", icon=":material/stop:", key="lab.sw_stop")

    def on_trial(progress: sweep.SweepProgress) -> None:
        left = progress.seconds_left
        text = f"{progress.done} of {progress.total} trials"
        text += f", about {left:.0f} s left" if left is not None else ""
        progress_slot.progress(progress.done / progress.total, text=text)

    progress_slot.progress(0.0, text="Starting the workers…")
    try:
        report = sweep.run(spec, folder, client=client_now(), callback=on_trial)
    except sweep.SweepError as error:
        st.error(f"Cannot run this sweep: {error}", icon=":material/block:")
        return
    finally:
        stop_slot.empty()
    if report.failed:
        st.error(f"{len(report.failed)} trials failed: {next(iter(report.failed.values()))}")
    progress_slot.progress(1.0, text=f"{report.total} trials done "
                           f"({report.computed} now, {report.already} before)")  # fmt: skip


def allowed(path: Path) -> bool:
    """Inside the app's working folder or the sweeps folder."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in (Path.cwd(), sweeps_root()))


def open_controls(url: UrlState) -> Path | None:
    """A results folder typed as a path; None (with the reason) unless it holds a sweep."""
    text = url.widget(st.text_input, "Results folder", key="lab.sw_folder", url_key="sw_folder",
                      field=FOLDER_FIELD, max_chars=200,
                      help="A folder made by python -m lab.sweep --out, inside the app's "
                      "folder (e.g. results/).")  # fmt: skip
    if not text.strip():
        st.caption("Type the folder given to `python -m lab.sweep --out`.")
        return None
    folder = Path(text.strip())
    if not allowed(folder):
        st.error(f"`{quote(text)}` is outside the app's folder; only folders inside it open.")
        return None
    if not (folder / sweep.store.SPEC_FILE).is_file():
        st.error(f"`{quote(text)}` holds no sweep (no sweep.json).", icon=":material/folder_off:")
        return None
    return folder


@st.cache_data(max_entries=8, show_spinner=False)
def results(folder: str, stamp: tuple):
    """The folder's trials (``stamp``: its file count and latest change, so new trials load)."""
    return sweep.load(folder)


def stamp(folder: Path) -> tuple:
    files = list(folder.glob("*.parquet"))
    return len(files), max((f.stat().st_mtime_ns for f in files), default=0)


def show_results(url: UrlState, folder: Path) -> None:
    """The robustness figure, the best rates, the curves at them and the CSV download."""
    frame = results(str(folder), stamp(folder))
    if frame.empty:
        st.info("No finished trials yet.", icon=":material/hourglass_empty:")
        return
    spec = sweep.read_spec(folder)
    total = len(spec.trials()) if spec else len(frame)
    metric = choice(url, st.radio, "Compare by", "sw_metric", SHOWN, "final_test_loss",
                    horizontal=True)  # fmt: skip
    if len(frame) < total:
        st.info(f"{len(frame)} of {total} trials finished; run again to compute the rest.",
                icon=":material/stop:")  # fmt: skip
    best = sweep.best_rates(frame, metric)
    show(robustness_figure(sweep.by_rate(frame, metric), best, metric=metric), key="lab.sw_fig")
    st.markdown(best_table(best, metric))
    curves = sweep.curves_at_best(frame, best, CURVE_OF[metric])
    show(best_curves_figure(curves, curve=CURVE_OF[metric]), key="lab.sw_curves")
    st.download_button("Download the trials (CSV)", sweep.summary_csv(frame),
                       file_name=f"{folder.name}.csv", mime="text/csv",
                       icon=":material/download:", key="lab.sw_csv")  # fmt: skip


def best_table(best, metric: str) -> str:
    """Best rate, its median and quartiles over seeds, and the good range, one row each."""
    table = best.assign(
        best_lr=best["best_lr"].map("{:.3g}".format),
        spread=[f"{m:.4g} ({a:.4g} to {b:.4g})" for m, a, b in
                zip(best["median"], best["q1"], best["q3"], strict=True)],
        good=[f"{a:.3g} to {b:.3g}" for a, b in zip(best.good_low, best.good_high, strict=True)],
        decades=best["decades"].map("{:.2f}".format),
    )[["label", "best_lr", "spread", "good", "decades"]]  # fmt: skip
    table.columns = ["optimizer", "best lr", f"median {SHOWN[metric]} (Q1 to Q3)",
                     "good range (lr)", "width (decades)"]  # fmt: skip
    return markdown_table(table)
