"""The race section: view options, animated chart, loss chart, per-run table and downloads.

Use (after computing specs with ``ui.controls``)::

    race_section(url, surface_spec, runs, settings)      # an st.fragment

The section is a fragment: changing the trail, speed, view or tolerance reruns only this
part of the page. Figures come from ``viz`` through ``st.cache_data`` (bounded), keyed by
the same small specs as the runs themselves, and are drawn by ``ui.light_chart`` (plotly.js's
basic bundle: a faster first paint), the 3-D view by ``st.plotly_chart``. A click on the chart
sets the start point (``ui.controls.set_start_from_click``) and reruns the whole page.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from ui.controls import (
    INTERNALS_FIELD,
    INTERNALS_HELP,
    INTERNALS_STYLES,
    set_start_from_click,
    start_moved,
)
from ui.embed import embed_code_button, embedded, embedded_figure, hidden_parts, without_hidden
from ui.engine import (
    RunSpec,
    Settings,
    SurfaceSpec,
    cached,
    compute_internals,
    compute_trajectory,
    get_background,
    get_surface,
)
from ui.figures import animation_files, show
from ui.knobs import Knob, knob_widget
from ui.lecture import lecture_figure, lecture_on, lecture_toggle, presentation
from ui.light_chart import light_chart
from ui.url_state import Choice, Flag, UrlState
from viz.internals import step_size_estimate_figure
from viz.loss import loss_figure
from viz.summary import markdown_table, run_table, standalone_html, tidy_trajectories
from viz.surface3d import surface_3d_figure
from viz.trajectory import background_lines, trajectory_figure

TRAILS = ("1", "2", "5", "10", "20", "50", "100", "full")
SPEEDS = ("0.25", "0.5", "1", "2", "4")
VIEWS = {"overlay": "overlay", "side": "side by side"}
FRAME_MS = 40  # at speed 1: 25 frames a second


def trajectories(
    surface_spec: SurfaceSpec, runs: tuple[RunSpec, ...], settings: Settings, internals=False
):
    """Every run's trajectory (each one cached on its own), with ``internals`` what each
    optimizer keeps besides its path (``Trajectory.internals``)."""
    drawn = [compute_trajectory(surface_spec, run, settings) for run in runs]
    if not internals:
        return drawn
    return [
        replace(trajectory, internals=compute_internals(surface_spec, run, settings))
        for trajectory, run in zip(drawn, runs, strict=True)
    ]


@cached(max_entries=24)
def race_figure(
    surface_spec, runs, settings, trail: str, panels: str, speed: str, internals: bool = False
) -> dict:
    """The animated chart for these runs (see ``viz.trajectory.trajectory_figure``), with
    ``internals`` each optimizer's internals drawn faintly beside its path."""
    background = get_background(surface_spec, 160, background_lines(panels))
    return trajectory_figure(
        get_surface(surface_spec),
        trajectories(surface_spec, runs, settings, internals),
        trail=None if trail == "full" else int(trail),
        panels=panels,
        frame_ms=round(FRAME_MS / float(speed)),
        background=background,
    )


@cached(max_entries=24)
def loss_chart(surface_spec, runs, settings) -> dict:
    return loss_figure(trajectories(surface_spec, runs, settings))


@cached(max_entries=8)
def surface_3d(surface_spec, runs, settings, trail: str, speed: str) -> dict:
    """The 3-D view, animated with the 2-D race's frames (see ``viz.surface3d``)."""
    return surface_3d_figure(
        get_surface(surface_spec),
        trajectories(surface_spec, runs, settings),
        trail=None if trail == "full" else int(trail),
        frame_ms=round(FRAME_MS / float(speed)),
    )


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers as short text, and "—" where there is nothing to say (no minimum known,
    tolerance never reached, run diverged)."""

    def cell(value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    return table.astype(object).map(cell)


def _view_options(url: UrlState):
    """View, Trail, Speed, the 3-D, internals and lecture toggles. The 3-D view plays the same
    frames (Trail and Speed apply) in one scene, so View is hidden there; its value is kept
    for the way back."""
    columns = st.columns([1.7, 2.7, 2.7, 1.7, 2.2])  # wide enough for each toggle's label
    lecture_toggle(url, columns[4])
    three_d = url.widget(columns[3].toggle, "3-D view", key="3d", field=Flag(False))
    internals = url.widget(
        columns[3].toggle,
        "Internals",
        key="internals",
        field=INTERNALS_FIELD,
        help=INTERNALS_HELP,
    )
    if three_d:
        panels = _kept_hidden(url, "view", Choice("overlay", tuple(VIEWS)))
    else:
        panels = url.choice(
            columns[0].radio, "View", key="view", options=VIEWS, default="overlay", horizontal=True
        )
    trail = url.choice(
        columns[1].select_slider,
        "Trail",
        key="trail",
        options=TRAILS,
        default="10",
        format_func=lambda t: "full path" if t == "full" else f"last {t}",
        help="Points drawn behind each runner (the article shows the last 10).",
    )
    speed = url.choice(
        columns[2].select_slider,
        "Speed",
        key="speed",
        options=SPEEDS,
        default="1",
        format_func=lambda s: f"{s}×",
    )
    return panels, trail, speed, three_d, internals


def _kept_hidden(url: UrlState, key: str, field: Choice):
    """The value of a widget not drawn in this run, still in the URL and in session state
    (Streamlit forgets the state of a widget that a run does not draw, unless the run
    assigns it: the documented way to keep it)."""
    value = url.current(key, field)
    st.session_state[key] = value
    url.mirror(key, value, field)
    return value


def _internals_notes(runs_drawn, three_d: bool) -> None:
    """Which runs show internals (in the 2-D views: the 3-D view draws paths only), and
    Prodigy's d over the steps where a run keeps it."""
    kept = [run for run in runs_drawn if run.internals]
    if not kept:
        st.caption(
            "None of these runs keeps internals to show: Schedule-Free (z, x), Lookahead "
            "(slow weights), SAM (probe point) and Prodigy (d) do."
        )
        return
    names = "; ".join(f"{run.label}: {', '.join(run.internals)}" for run in kept)
    where = "Internals (drawn in the 2-D views only)" if three_d else "Internals shown"
    st.caption(f"{where} — {names}. {INTERNALS_STYLES}")
    figure = step_size_estimate_figure(kept)
    if figure is not None:
        light_chart(figure, key="internals_d")


def _downloads(figure: dict, tidy) -> None:
    """CSV of the trajectories, the standalone animated chart and the animation as GIF and
    WebP, each built on click."""
    files = (
        ("Trajectories (CSV)", lambda: tidy.to_csv(index=False), "trajectories.csv", "text/csv"),
        ("Animated chart (HTML)", lambda: standalone_html(figure), "race.html", "text/html"),
        *animation_files(figure, "race"),
    )
    for column, (label, data, name, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            label,
            data=data,
            file_name=name,
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
        )


@st.fragment
def race_section(url: UrlState, surface_spec: SurfaceSpec, runs: list[RunSpec], settings, keys):
    """See the module docstring; ``keys`` are the start point's session keys."""
    # A click is a widget event inside this fragment, so only the fragment reruns; the start
    # point is an input of the whole page (sidebar, every run), so that page reruns.
    if start_moved(keys, settings.start):
        st.rerun(scope="app")
    runs = tuple(runs)
    lecture = lecture_on(url) and not embedded()
    with presentation("options", lecture):
        panels, trail, speed, three_d, internals = _view_options(url)
    runs_drawn = trajectories(surface_spec, runs, settings, internals)
    figure = race_figure(surface_spec, runs, settings, trail, panels, speed, internals)
    hidden = hidden_parts(url)
    on_click = partial(set_start_from_click, "race", keys)
    if three_d:
        with presentation("race3d", lecture):
            show(surface_3d(surface_spec, runs, settings, trail, speed), key="race3d")
    elif lecture:
        with presentation("race", lecture):
            light_chart(lecture_figure(figure), key="race", on_click=on_click, lecture=True)
    else:
        with embedded_figure("race", hidden):
            drawn = without_hidden(figure, hidden) if embedded() else figure
            light_chart(drawn, key="race", on_click=on_click)
        st.caption("Press ▶ Play. Click any faint dot to start the runs from there.")
    if internals:
        _internals_notes(runs_drawn, three_d)

    st.subheader("Loss", divider="gray")
    light_chart(loss_chart(surface_spec, runs, settings), key="loss")
    tolerance_column, _ = st.columns([1, 2])
    tolerance_knob = Knob("tolerance for J − J*", 1e-3, 1e-8, 1.0, "log")
    tolerance = knob_widget(url, tolerance_knob, key="tol", container=tolerance_column)
    for run in runs_drawn:
        if run.diverged_at > 0:
            st.badge(
                f"{run.label}: diverged at step {run.diverged_at}",
                color="red",
                icon=":material/warning:",
            )
    table = run_table(runs_drawn, get_surface(surface_spec), tolerance)
    st.markdown(markdown_table(readable(table)))
    _downloads(figure, tidy_trajectories(runs_drawn))
    url.finish()
    embed_code_button(height=int(figure["layout"]["height"]) + 40)
