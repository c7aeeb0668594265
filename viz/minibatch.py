"""Figures of the mini-batch lesson (pure: runs in, plotly figures out).

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
from viz.ewa import lesson_layout

MAX_CURVE_POINTS = 600
CLOCKS = (("iteration", "iterations (updates)"), ("epoch", "epochs"), ("examples", "examples"))


def thin(length: int, most: int = MAX_CURVE_POINTS) -> np.ndarray:
    """At most `most` evenly spread indices into range(length), first and last included."""
    if length <= most:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, most).round().astype(int))


def run_label(run: MiniBatchRun, size: int) -> str:
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


def loss_figure(
    runs: Mapping[str, MiniBatchRun], colours: Mapping[str, str], minimum: float
) -> go.Figure:
    """Full-data loss J of each run against iterations, epochs and examples processed."""
    fig = make_subplots(
        rows=1, cols=3, shared_yaxes=True, subplot_titles=[title for _, title in CLOCKS]
    )
    for name, run in runs.items():
        keep = thin(len(run.loss))
        clocks = {"iteration": keep, "epoch": run.epoch[keep], "examples": run.examples[keep]}
        for col, (clock, _) in enumerate(CLOCKS, start=1):
            fig.add_scatter(
                x=clocks[clock],
                y=run.loss[keep],
                name=name,
                legendgroup=name,
                showlegend=col == 1,
                mode="lines",
                line={"color": colours[name], "width": 2},
                row=1,
                col=col,
            )
    for col in range(1, 4):
        fig.add_hline(y=minimum, line={"dash": "dot", "color": "#555"}, row=1, col=col)
    fig.update_yaxes(type="log", title_text="loss J(w, b) on all data", row=1, col=1)
    return lesson_layout(fig, "", "", 330)


def batches_figure(data: LinearData, labels: np.ndarray, line: tuple[float, float]) -> go.Figure:
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
