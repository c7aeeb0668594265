"""Figures of the mini-batch lesson (pure: runs in, figure dicts out).

Runs with different batch sizes make different numbers of updates per epoch, so they are
compared on three clocks: iterations (updates made), epochs (passes over the data) and examples
processed. `on_common_clock` puts several runs on one clock of examples processed so that one
animation frame shows every run after the same amount of data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lab.regression import LinearData, MiniBatchRun
from viz.axes import log_axis
from viz.layout import lesson_layout
from viz.loss import LossAxis, divergence_marker, leaves_upwards, loss_axis

MAX_CURVE_POINTS = 600
FULL_BATCH_COLOUR = "#111111"  # near black: clear on all but the darkest end of the contour map
CLOCKS = (("iteration", "iterations (updates)"), ("epoch", "epochs"), ("examples", "examples"))


def thin(length: int, most: int = MAX_CURVE_POINTS) -> np.ndarray:
    """At most `most` evenly spread indices into range(length), first and last included."""
    if length <= most:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, most).round().astype(int))


def batch_run_label(run: MiniBatchRun, size: int) -> str:
    """'full batch (m)', 'SGD (batch 1)' or 'mini-batch (b)'."""
    if run.batch_size >= size:
        return f"full batch ({size})"
    return "SGD (batch 1)" if run.batch_size == 1 else f"mini-batch ({run.batch_size})"


def on_common_clock(runs: list[MiniBatchRun], frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Paths resampled on a shared clock of examples processed.

    Returns (examples, points) with examples (frames+1,) evenly spaced from 0 to the most any run
    processed, and points (frames+1, len(runs), 2): each run's latest position having processed
    at most that many examples. A full-batch run thus holds still for a whole epoch while a
    mini-batch run takes many small steps.
    """
    total = max(int(run.examples[-1]) for run in runs)
    clock = np.linspace(0, total, frames + 1)
    points = np.stack(
        [run.path[np.searchsorted(run.examples, clock, side="right") - 1] for run in runs],
        axis=1,
    )
    return clock, points


def is_full_batch(run: MiniBatchRun, runs: Mapping[str, MiniBatchRun]) -> bool:
    """Whether ``run`` has the largest batch of ``runs`` (the data set: one update an epoch)."""
    return run.batch_size == max(other.batch_size for other in runs.values())


def _drawn_last(runs: Mapping[str, MiniBatchRun]) -> list[str]:
    """Run names with the full batch last, so its few long steps are drawn on top."""
    return sorted(runs, key=lambda name: is_full_batch(runs[name], runs))


def loss_axis_for(runs: Mapping[str, MiniBatchRun], minimum: float) -> LossAxis:
    """The shared y axis (``viz.loss.loss_axis``): set by the runs that did not diverge and the
    minimum J*; a diverged run is drawn up to where it leaves that range."""
    series = [run.loss[: run.diverged_at if run.diverged_at > 0 else None] for run in runs.values()]
    diverged = [run.diverged_at > 0 for run in runs.values()]
    return loss_axis(series, diverged, also=[minimum] if minimum > 0 else [])


def _run_style(full_batch: bool, colour: str) -> dict:
    """Lines for mini-batch runs; the full batch thicker with a dot at each of its updates,
    first in the legend."""
    line = {"color": colour, "width": 3 if full_batch else 2}
    if full_batch:
        return {"mode": "lines+markers", "line": line, "marker": {"color": colour, "size": 7}}
    return {"mode": "lines", "line": line, "legendrank": 1001}


def _on_clocks(run: MiniBatchRun, drawn: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Indices of the (thinned) first ``drawn`` values of ``run`` and their x on each clock."""
    keep = thin(drawn)
    return keep, {"iteration": keep, "epoch": run.epoch[keep], "examples": run.examples[keep]}


def _clock_traces(name, run, style: dict, drawn: int, axis: LossAxis, extents: dict):
    """(column, trace) pairs: ``run``'s first ``drawn`` losses on each clock, ended by a ✕
    when it diverged (labelled in the first panel, on the side facing the panel's middle)."""
    keep, clocks = _on_clocks(run, drawn)
    common = {"name": name, "legendgroup": name}
    for col, (clock, _) in enumerate(CLOCKS, start=1):
        x = clocks[clock]
        yield col, {"x": x, "y": run.loss[keep], "showlegend": col == 1, **style, **common}
        if run.diverged_at > 0 and keep.size:
            marker = divergence_marker(
                float(x[-1]),
                float(run.loss[keep[-1]]),
                style["line"]["color"],
                f"diverged at iteration {run.diverged_at}" if col == 1 else "",
                leaving_up=leaves_upwards(run.loss, int(keep[-1]) + 1, axis),
                left=x[-1] > extents[clock] / 2,
            )
            yield col, marker | common


def loss_clocks_figure(
    runs: Mapping[str, MiniBatchRun], colours: Mapping[str, str], minimum: float
) -> dict:
    """Full-data loss J of each run against iterations, epochs and examples processed; the
    full batch drawn last (on top), the y axis as ``loss_axis_for`` says."""
    fig = make_subplots(
        rows=1, cols=3, shared_yaxes=True, subplot_titles=[title for _, title in CLOCKS]
    )
    axis = loss_axis_for(runs, minimum)
    drawn = dict(zip(runs, axis.drawn, strict=True))
    ends = [_on_clocks(runs[name], drawn[name])[1] for name in runs]
    extents = {
        clock: max((float(x[clock][-1]) for x in ends if x[clock].size), default=1.0)
        for clock in ends[0]
    }
    for name in _drawn_last(runs):
        style = _run_style(is_full_batch(runs[name], runs), colours[name])
        for col, trace in _clock_traces(name, runs[name], style, drawn[name], axis, extents):
            fig.add_scatter(**trace, row=1, col=col)
    for col in range(1, 4):
        fig.add_hline(y=minimum, line={"dash": "dot", "color": "#555"}, row=1, col=col)
    y_axis = log_axis(axis.range, length=200) if axis.log else {"range": axis.range}
    fig.update_yaxes(**y_axis)  # every panel: matched axes do not share their type
    fig.update_yaxes(title_text="loss J(w, b) on all data", row=1, col=1)
    return lesson_layout(fig, "", "", 330)


def batches_figure(data: LinearData, labels: np.ndarray, line: tuple[float, float]) -> dict:
    """The data coloured by the batch each point falls in (first epoch), with the fitted line."""
    count = int(labels.max()) + 1
    fig = go.Figure(
        go.Scatter(
            x=data.x,
            y=data.y,
            mode="markers",
            name="data",
            marker={
                "color": labels,
                "colorscale": "Turbo",
                "cmin": 0,
                "cmax": max(count - 1, 1),
                "size": 7,
                "line": {"width": 0.5, "color": "#333"},
                "colorbar": {"title": {"text": "batch"}, "thickness": 12},
            },
            hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>batch %{marker.color}<extra></extra>",
        )
    )
    w, b = line
    ends = np.array([data.x.min(), data.x.max()])
    fig.add_scatter(
        x=ends,
        y=w * ends + b,
        mode="lines",
        name=f"least squares: y = {w:.2f}x {b:+.2f}",
        line={"color": "#111", "width": 2, "dash": "dash"},
    )
    batches = "1 batch" if count == 1 else f"{count} batches"
    return lesson_layout(fig, f"Data by batch, epoch 1 ({batches})", "x", 360, yaxis_title="y")


def solid_full_batch_path(figure: dict, label: str) -> dict:
    """``figure`` (a race from ``viz.trajectory``, as a dict) with run ``label``'s full path
    drawn solid with a dot at each update: the full batch makes one long step an epoch, which
    the race's faint dotted path would hide."""
    for trace in figure["data"]:
        if trace.get("name") == f"{label} path":  # viz.trajectory's full path, dotted and thin
            colour = trace["line"]["color"]
            trace.update(mode="lines+markers", opacity=1.0, marker={"color": colour, "size": 6})
            trace["line"] = {**trace["line"], "dash": "solid", "width": 2}
    return figure
