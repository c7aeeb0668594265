"""Helpers shared by the article's lesson pages (Streamlit side; figures come from viz).

- Page furniture: `begin_page` / `fragment_done` / `end_page` (URL state that works with
  fragments), `lesson_header` (title, explanation, equation), `update_rules` (registry LaTeX).
- `Preset` / `PRESETS`: each of the article's figures as exact settings (surface, runs, start,
  steps, trail) with a caption stating them; `show_preset` draws one with the Playground's
  animated chart and cached engine calls, `edit_runs` builds its controls from the registry,
  `playground_url` writes the same settings in the Playground's URL format.
- The mini-batch lesson: `MiniBatchSetup`, its cached runs and figures, and a Playground link
  that types the exact MSE as f(x, y).
- `read_series_csv`: a user's uploaded CSV turned into numeric series, or a `SeriesFileError`
  whose message says plainly what is wrong (empty, too large, not text, no numbers, ...);
  `stock_series`: the weekly stock prices plotly ships offline (`plotly.data.stocks()`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import plotly.data
import streamlit as st

import optim
import surfaces
from lab.regression import (
    START,
    TRUE_B,
    TRUE_W,
    MiniBatchRun,
    RegressionCost,
    batch_labels,
    make_linear_data,
    minibatch_run,
)
from ui.controls import MAX_STEPS, run_label
from ui.engine import RunSpec, Settings, SurfaceSpec, get_background, get_surface
from ui.figures import show
from ui.knobs import knob_widget
from ui.race import trajectories
from ui.url_state import UrlState
from viz.ewa import ewa_figure, weights_figure
from viz.minibatch import batches_figure, loss_figure, on_common_clock
from viz.minibatch import run_label as minibatch_label
from viz.trajectory import PALETTE, Trajectory, background_lines, trajectory_figure

MAX_CSV_BYTES = 2_000_000
MAX_CSV_ROWS = 100_000
MAX_CSV_COLUMNS = 50
DELIMITERS = (",", ";", "\t", "|")

STOCK_NAMES = {
    "AAPL": "Apple",
    "GOOG": "Alphabet (Google)",
    "AMZN": "Amazon",
    "FB": "Meta (Facebook)",
    "NFLX": "Netflix",
    "MSFT": "Microsoft",
}


class SeriesFileError(ValueError):
    """An uploaded file that cannot serve as a series; the message is meant for the user."""


@dataclass(frozen=True)
class SeriesTable:
    """Numeric columns of a file over a shared x axis (dates when the file has them, else rows)."""

    x: np.ndarray
    x_title: str
    data: dict[str, np.ndarray]

    @property
    def columns(self) -> list[str]:
        return list(self.data)

    def series(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of one column with its missing and non-finite entries left out."""
        y = self.data[column]
        keep = np.isfinite(y)
        return self.x[keep], y[keep]


def stock_series(symbol: str) -> tuple[np.ndarray, np.ndarray]:
    """Weekly dates and prices (normalised to 1 on 2018-01-01) of one ticker in STOCK_NAMES."""
    frame = plotly.data.stocks()
    return frame["date"].to_numpy(dtype=str), frame[symbol].to_numpy(dtype=float)


def read_series_csv(raw: bytes) -> SeriesTable:
    """Parse an uploaded CSV into its numeric columns, or raise SeriesFileError saying why not.

    Accepts a header row or a bare column of numbers, the delimiters , ; tab |, a UTF-8 BOM, and
    gaps (dropped per column). A first column of dates becomes the x axis.
    """
    if len(raw) > MAX_CSV_BYTES:
        raise SeriesFileError(
            f"The file is too large ({len(raw) / 1e6:.1f} MB); the limit is "
            f"{MAX_CSV_BYTES / 1e6:.0f} MB."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SeriesFileError("This is not a text CSV file (it is not UTF-8 text).") from None
    if "\x00" in text:
        raise SeriesFileError("This is not a text CSV file (it contains binary data).")
    if not text.strip():
        raise SeriesFileError("The file is empty.")

    frame = _read_frame(text)
    if len(frame) > MAX_CSV_ROWS:
        raise SeriesFileError(f"The file has more than {MAX_CSV_ROWS:,} rows; please shorten it.")
    if frame.shape[1] > MAX_CSV_COLUMNS:
        raise SeriesFileError(f"The file has more than {MAX_CSV_COLUMNS} columns.")

    numeric = {}
    for name in frame.columns:
        values = pd.to_numeric(frame[name], errors="coerce")
        present = frame[name].notna().sum()
        if present and values.notna().sum() >= 0.5 * present:
            numeric[str(name)[:40]] = values.to_numpy(dtype=float)
    if not numeric:
        raise SeriesFileError(
            "The file has no column of numbers. Expected, for example, a header `date,price` "
            "and rows such as `2024-01-01,10.5`."
        )
    usable = {name: v for name, v in numeric.items() if np.isfinite(v).sum() >= 2}
    if not usable:
        raise SeriesFileError("A series needs at least 2 finite numbers; this file has fewer.")
    x, x_title = _x_axis(frame, numeric)
    return SeriesTable(x=x, x_title=x_title, data=usable)


def _read_frame(text: str) -> pd.DataFrame:
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
        if all(_is_number(c) for c in frame.columns):  # no header: the first row is data
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None)
            names = ["value"] if frame.shape[1] == 1 else [f"column {k + 1}" for k in frame]
            frame.columns = names
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError) as error:
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else "unknown"
        raise SeriesFileError(f"The file could not be read as CSV: {first}") from None
    return frame


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _x_axis(frame: pd.DataFrame, numeric: dict) -> tuple[np.ndarray, str]:
    for name in frame.columns:
        if str(name)[:40] in numeric:
            continue
        dates = pd.to_datetime(frame[name], errors="coerce", format="mixed")
        if dates.notna().mean() >= 0.9:
            return dates.dt.strftime("%Y-%m-%d").to_numpy(dtype=str), str(name)[:40]
    return np.arange(1, len(frame) + 1), "row"


# ---------------------------------------------------------------- page furniture


def lesson_header(title: str, explanation: str, latex: str | None = None) -> None:
    """Title, a short explanation in plain words, and the update rule as an equation."""
    st.title(title)
    st.markdown(explanation)
    if latex:
        st.latex(latex)


def update_rules(names: tuple[str, ...]) -> None:
    """Each optimizer's update rule, straight from the registry's LaTeX, in an expander."""
    with st.expander("Update rules", expanded=False):
        for name in names:
            spec = optim.OPTIMIZERS[name]
            st.markdown(f"**{spec.label}**: {spec.description}")
            st.latex(spec.latex)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_stock_series(symbol: str) -> tuple[np.ndarray, np.ndarray]:
    return stock_series(symbol)


@st.cache_data(max_entries=32, show_spinner=False)
def ewa_chart(x, values, own_beta, bias_correction: bool, name: str, x_title: str) -> dict:
    """The EWA lesson's main figure as a dict (see viz.ewa.ewa_figure)."""
    figure = ewa_figure(
        x,
        values,
        own_beta=own_beta,
        bias_correction=bias_correction,
        series_name=name,
        x_title=x_title,
    )
    return figure.to_dict()


@st.cache_data(max_entries=1, show_spinner=False)
def weights_chart() -> dict:
    return weights_figure().to_dict()


# ---------------------------------------------------------------- presets: a figure's settings


@dataclass(frozen=True)
class Preset:
    """Everything that makes one figure: surface, runs, shared settings, trail, layout."""

    key: str
    title: str
    surface: SurfaceSpec
    runs: tuple[RunSpec, ...]
    settings: Settings
    trail: int | None = 10  # the article draws the last 10 points; None: the whole path
    panels: str = "overlay"

    def caption(self) -> str:
        """The settings in words, stated under the figure."""
        surface = surfaces.SURFACES[self.surface.name]
        params = ", ".join(f"{_param_label(surface, k)} = {v:g}" for k, v in self.surface.params)
        runs = "; ".join(_run_words(run) for run in self.runs)
        x0, y0 = self.settings.start
        trail = "whole path" if self.trail is None else f"last {self.trail} points"
        words = [
            f"{surface.label}{f' ({params})' if params else ''}, start ({x0:g}, {y0:g}), "
            f"{self.settings.steps} steps, trail: {trail}",
            f"Runs: {runs}",
        ]
        if self.settings.clip != "none":
            words.append(f"Gradients clipped by {self.settings.clip} at {self.settings.clip_at:g}")
        if self.settings.noise:
            words.append(f"Gradient noise σ = {self.settings.noise:g} (seed {self.settings.seed})")
        return ". ".join(words) + "."

    def with_run_values(self, index: int, **values) -> Preset:
        """The same preset with run `index`'s hyperparameters updated (label follows)."""
        runs = list(self.runs)
        run = runs[index]
        merged = {**dict(run.values), **values}
        runs[index] = RunSpec(run.optimizer, tuple(merged.items()), run.color, run_label(
            run.optimizer, merged.items()
        ))  # fmt: skip
        return replace(self, runs=tuple(runs))


def _param_label(surface, name: str) -> str:
    return next((p.label.split(" (")[0] for p in surface.parameters if p.name == name), name)


def _run_words(run: RunSpec) -> str:
    hypers = {h.name: h for h in optim.OPTIMIZERS[run.optimizer].hyperparameters}
    values = ", ".join(
        f"{hypers[k].label.split(' (')[0]} = {_word(v)}" for k, v in run.values if k in hypers
    )
    return f"{optim.OPTIMIZERS[run.optimizer].label} ({values})" if values else run.label


def _word(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool | np.bool_) else f"{value:g}"


def make_preset(
    key: str,
    title: str,
    surface: str,
    runs: tuple[tuple[str, dict], ...],
    *,
    start: tuple[float, float] | None = None,
    steps: int = 300,
    params: tuple[tuple[str, float], ...] = (),
    trail: int | None = 10,
    clip_at: float | None = None,
    panels: str = "overlay",
) -> Preset:
    """A preset from plain values; runs are (optimizer, {hyperparameter: value}) pairs."""
    specs = tuple(
        RunSpec(name, tuple(v.items()), PALETTE[i % len(PALETTE)], run_label(name, v.items()))
        for i, (name, v) in enumerate(runs)
    )
    settings = Settings(
        start=tuple(start or surfaces.SURFACES[surface].start),
        steps=steps,
        clip="none" if clip_at is None else "norm",
        clip_at=1.0 if clip_at is None else clip_at,
    )
    return Preset(key, title, SurfaceSpec(surface, params), specs, settings, trail, panels)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        make_preset(
            "learning_rate", "Learning rate: small against large", "peaks",
            (("gd", {"lr": 0.01}), ("gd", {"lr": 0.15})),
            start=(-0.5, -1.0), steps=150, panels="side",
        ),
        make_preset(
            "local_minimum", "A local minimum traps gradient descent", "peaks",
            (("gd", {"lr": 0.005}),), start=(1.0, 0.0), steps=300,
        ),
        make_preset(
            "saddle", "A saddle point slows gradient descent to a crawl", "monkey_saddle",
            (("gd", {"lr": 0.005}),), start=(1.0, 0.0), steps=400,
        ),
        make_preset(
            "plateau", "A plateau: the gradient vanishes", "plateau",
            (("gd", {"lr": 0.1}), ("adam", {"lr": 0.05})), steps=300,
        ),
        make_preset(
            "cliff", "A cliff: the gradient explodes", "cliff",
            (("gd", {"lr": 0.1}),), steps=200, trail=None,
        ),
        make_preset(
            "ravine", "A ravine: gradient descent zig-zags, momentum glides", "ravine",
            (("gd", {"lr": 0.03}), ("momentum", {"lr": 0.03, "beta": 0.9})),
            params=(("kappa", 60.0),), steps=150, trail=None,
        ),
        make_preset(
            "comparison", "Escaping a saddle: GD, momentum, Nesterov, RMSProp, Adam", "saddle",
            (
                ("gd", {"lr": 0.02}),
                ("momentum", {"lr": 0.02, "beta": 0.9}),
                ("nesterov", {"lr": 0.02, "momentum": 0.9}),
                ("rmsprop", {"lr": 0.02}),
                ("adam", {"lr": 0.02}),
            ),
            start=(1.0, -0.001), steps=200,
        ),
    )
}  # fmt: skip


# ---------------------------------------------------------------- showing a preset

_FULL_RUN = "_lesson_full_run"


def begin_page() -> UrlState:
    """Start a lesson page (see `fragment_done`): the URL state and a full-run marker."""
    st.session_state[_FULL_RUN] = True
    return UrlState.begin()


def end_page(url: UrlState, warnings=None) -> None:
    """End a lesson page: write the URL and show what in it could not be used."""
    st.session_state[_FULL_RUN] = False
    url.finish()
    UrlState.show_warnings(warnings)


def fragment_done(url: UrlState) -> None:
    """Call at the end of each fragment: a fragment rerun writes its values to the URL.

    During a full run the page's `end_page` does that once every widget has been read (the
    first run must see all of them before it calls unused URL keys unknown).
    """
    if not st.session_state.get(_FULL_RUN, False):
        url.finish()


def trail_option(trail: int | None) -> str:
    """The Playground's trail setting ("10", "full") for a preset's trail."""
    return "full" if trail is None else str(trail)


def preset_trajectories(preset: Preset) -> list[Trajectory]:
    """Every run of the preset, through the Playground's cached engine call."""
    return trajectories(preset.surface, preset.runs, preset.settings)


@st.cache_data(max_entries=32, show_spinner=False)
def preset_figure(preset: Preset) -> dict:
    """The Playground's animated chart for a preset, without its click-to-start grid (a lesson
    page keeps the article's start; the Playground is where a click moves it)."""
    return trajectory_figure(
        get_surface(preset.surface),
        preset_trajectories(preset),
        trail=preset.trail,
        panels=preset.panels,
        background=get_background(preset.surface, 160, background_lines(preset.panels)),
        clickable=0,
    )


def edit_runs(url: UrlState, preset: Preset, names: tuple[str, ...] = ("lr",), box=None) -> Preset:
    """Widgets (built from the registry's metadata) for the named hyperparameters of each run."""
    box = box if box is not None else st
    columns = box.columns(len(preset.runs))
    for index, (run, column) in enumerate(zip(preset.runs, columns, strict=True)):
        hypers = {h.name: h for h in optim.OPTIMIZERS[run.optimizer].hyperparameters}
        defaults = dict(run.values)
        values = {}
        for name in names:
            if name not in hypers:
                continue
            knob = replace(hypers[name], default=defaults.get(name, hypers[name].default))
            label = f"{index + 1} · {optim.OPTIMIZERS[run.optimizer].label}: {knob.label}"
            knob = replace(knob, label=label)
            key = f"{preset.key}.r{index}.{name}"
            values[name] = knob_widget(url, knob, key=key, container=column)
        preset = preset.with_run_values(index, **values)
    return preset


def show_preset(preset: Preset, key: str) -> list[Trajectory]:
    """The animated chart, its settings stated under it, and an "Open in Playground" link."""
    show(preset_figure(preset), key=key)
    st.caption(preset.caption())
    playground_button(preset, key=f"{key}.open")
    return preset_trajectories(preset)


# ---------------------------------------------------------------- links into the Playground

PLAYGROUND_PATH = "./"  # the Playground is the default page, at the app's root


def _url_text(value) -> str:
    """A value as the Playground's URL fields write it (Flag: 1/0, Number: 6 significant)."""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    return f"{float(value):.6g}"


def playground_query(
    surface: SurfaceSpec,
    runs: tuple[RunSpec, ...],
    settings: Settings,
    trail: int | None = 10,
    panels: str = "overlay",
) -> dict[str, str]:
    """The Playground's query parameters for these exact settings (see ui.controls' keys)."""
    query = {"surface": surface.name}
    if surface.expression:
        (x0, x1), (y0, y1) = surface.domain
        query |= {"f": surface.expression, "xmin": _url_text(x0), "xmax": _url_text(x1)}
        query |= {"ymin": _url_text(y0), "ymax": _url_text(y1)}
    query |= {f"s.{name}": _url_text(value) for name, value in surface.params}
    query |= {"x0": _url_text(settings.start[0]), "y0": _url_text(settings.start[1])}
    query |= {"steps": str(int(settings.steps)), "runs": str(len(runs))}
    for index, run in enumerate(runs):
        query[f"r{index}.opt"] = run.optimizer
        query |= {f"r{index}.{name}": _url_text(value) for name, value in run.values}
        query[f"r{index}.color"] = run.color
    if settings.noise:
        query |= {"noise": _url_text(settings.noise), "seed": str(int(settings.seed))}
    if settings.clip != "none":
        query |= {"clip": settings.clip, "clip_at": _url_text(settings.clip_at)}
    if trail != 10:
        query["trail"] = trail_option(trail)
    if panels != "overlay":
        query["view"] = panels
    return query


def playground_url(preset: Preset) -> str:
    query = playground_query(
        preset.surface, preset.runs, preset.settings, preset.trail, preset.panels
    )
    return f"{PLAYGROUND_PATH}?{urlencode(query)}"


def playground_button(target: Preset | str, key: str) -> None:
    """An "Open in Playground" link button (a new tab) carrying the settings in its URL."""
    url = playground_url(target) if isinstance(target, Preset) else target
    st.link_button("Open in Playground ↗", url, key=key, help="The same settings, editable.")


# ---------------------------------------------------------------- the mini-batch lesson

MINIBATCH_COLOURS = ("#f3f1e7", "#e4572e")  # full batch pale, mini-batch vivid (on a dark map)


@dataclass(frozen=True)
class MiniBatchSetup:
    """A mini-batch lesson's settings: data (size, noise, seed) and training."""

    size: int = 200
    noise: float = 0.5
    seed: int = 0
    batch_size: int = 16
    epochs: int = 5
    lr: float = 0.1

    def cost(self) -> RegressionCost:
        return RegressionCost(make_linear_data(self.size, self.noise, self.seed))

    def caption(self) -> str:
        batch = min(self.batch_size, self.size)
        return (
            f"{self.size} points y = {TRUE_W:g}x {TRUE_B:+g} + noise σ = {self.noise:g} "
            f"(seed {self.seed}); full batch ({self.size}) against batches of {batch}, "
            f"{self.epochs} epochs each, gradient descent α = {self.lr:g}, start "
            f"(w, b) = ({START[0]:g}, {START[1]:g}), reshuffled every epoch."
        )


@st.cache_data(max_entries=32, show_spinner=False)
def minibatch_runs(setup: MiniBatchSetup) -> dict[str, MiniBatchRun]:
    """Full batch and the chosen batch size, the same number of epochs, from the same start.

    A batch size of at least m is the full batch again; its label says it is the user's run.
    """
    cost = setup.cost()
    full, chosen = (
        minibatch_run(optim.gd(lr=setup.lr), cost, batch, setup.epochs, seed=setup.seed)
        for batch in (setup.size, setup.batch_size)
    )
    label = minibatch_label(chosen, setup.size)
    if chosen.batch_size == full.batch_size:
        label = f"batch size {setup.batch_size} ≥ m: {label}"
    return {minibatch_label(full, setup.size): full, label: chosen}


@st.cache_data(max_entries=16, show_spinner=False)
def minibatch_race(setup: MiniBatchSetup, frames: int = 300) -> dict:
    """Both runs on the exact MSE contours, animated on a shared clock of examples seen."""
    cost = setup.cost()
    runs = minibatch_runs(setup)
    clock, points = on_common_clock(list(runs.values()), frames)
    drawn = [
        Trajectory(label, colour, points[:, k], cost(points[:, k]))
        for k, (label, colour) in enumerate(zip(runs, MINIBATCH_COLOURS, strict=True))
    ]
    # frames are ticks of the shared clock: the counter shows examples seen, not steps
    figure = trajectory_figure(
        cost,
        drawn,
        trail=None,
        clickable=0,
        height=520,
        counter=lambda tick: f"examples seen {clock[tick]:.0f}",
    )
    figure["layout"]["xaxis"]["title"] = {"text": "w (slope)"}
    figure["layout"]["yaxis"]["title"] = {"text": "b (intercept)"}
    return figure


@st.cache_data(max_entries=16, show_spinner=False)
def minibatch_charts(setup: MiniBatchSetup) -> tuple[dict, dict]:
    """The data coloured by batch, and the loss on three clocks, as figure dicts."""
    cost = setup.cost()
    runs = minibatch_runs(setup)
    labels = batch_labels(setup.size, setup.batch_size, setup.seed)
    colours = dict(zip(runs, ("#555555", MINIBATCH_COLOURS[1]), strict=True))
    return (
        batches_figure(cost.data, labels, cost.optimum).to_dict(),
        loss_figure(runs, colours, cost.minimum_value).to_dict(),
    )


def minibatch_playground_url(setup: MiniBatchSetup) -> str:
    """The exact MSE typed into the Playground, gradient descent with noise of the batch's size.

    The Playground has no data set, so a batch's randomness is stood in for by gradient noise
    with the batch gradient's spread at the optimum (`RegressionCost.gradient_noise`).
    """
    cost = setup.cost()
    _, run = minibatch_runs(setup).values()
    surface = SurfaceSpec("custom", expression=cost.formula(), domain=cost.domain)
    runs = (RunSpec("gd", (("lr", setup.lr),), MINIBATCH_COLOURS[1], "GD"),)
    noise = round(cost.gradient_noise(setup.batch_size), 4)
    settings = Settings(start=START, steps=min(len(run.path) - 1, MAX_STEPS), noise=noise)
    return f"{PLAYGROUND_PATH}?{urlencode(playground_query(surface, runs, settings, None))}"
