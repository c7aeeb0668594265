"""Figures of the lab's loss landscapes: pure functions from lab.landscape results to dicts.

Use::

    fig = contour_figure(alphas, betas, values, paths)   # the plane, every path, animated
    fig = honesty_figure(paths)          # true loss vs the loss the plane shows, off-plane share
    notes = misleading(paths, tolerance=0.1)            # where the picture misleads
    fig = interpolation_figure(curves)   # loss along straight lines between weight vectors
    fig = sharpness_figure(rows)         # top Hessian eigenvalue vs test accuracy

A path is a ``PlanePath``: its label, colour, epochs, coords (T, 2) on the plane, the share of
its distance from the centre that lies off the plane, the true loss at each kept epoch and the
loss at its projected point (computed exactly, never read off the grid). The contour is the
Playground's race chart (``viz.trajectory``) over the plane: the same background, colour ramp
and lines, the paths played epoch by epoch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from viz.background import (
    Background,
    contour_levels,
    contour_lines,
    spans_decades,
    surface_image,
)
from viz.trajectory import Trajectory, trajectory_figure

TITLE_PX = 30  # px added above the race chart's legend for the plane's title


class PlanePath(NamedTuple):
    """One optimizer's kept weights as seen on a plane (see the module docstring)."""

    label: str
    color: str
    epochs: np.ndarray
    coords: np.ndarray
    off_share: np.ndarray
    true_loss: np.ndarray
    plane_loss: np.ndarray
    diverged_at: int | None = None  # the epoch it diverged in (its path stops before it)


def contour_figure(
    alphas, betas, values, paths: list[PlanePath], title: str = "", frame_ms: int = 60
) -> dict:
    """The loss over the plane (Z[i, j] at (alphas[j], betas[i])) under every path, animated
    epoch by epoch as the Playground's race (``viz.trajectory.trajectory_figure``: the same
    shaded image and contour lines, ▶ Play, slider and counter), each full path dotted, plus
    one legend-less marker per kept epoch whose hover gives the epoch, the true loss and the
    share off the plane."""
    values = np.asarray(values, float)
    log = spans_decades(values)
    lines = contour_lines(alphas, betas, values, contour_levels(values, 14, log))
    background = Background(surface_image(values, log), *lines, log)
    epochs, runs = epoch_frames(paths)
    figure = trajectory_figure(
        PlaneDomain(((alphas[0], alphas[-1]), (betas[0], betas[-1]))),
        runs,
        trail=None,  # the whole path dotted, the last 10 kept epochs drawn as the trail
        background=background,
        clickable=0,
        frame_ms=frame_ms,
        counter=lambda step: f"epoch {epochs[step]}",
    )
    figure["data"] += [_kept_trace(path) for path in paths]
    layout = figure["layout"]
    layout["xaxis"]["title"] = {"text": "α (along d₁)"}
    layout["yaxis"]["title"] = {"text": "β (along d₂)"}
    layout["margin"]["t"] += TITLE_PX  # the title above the legend
    layout["height"] += TITLE_PX
    layout["title"] = {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 15}}
    layout["title"] |= {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}}
    return figure


class PlaneDomain(NamedTuple):
    """What the race chart needs of a surface here: the (α, β) ranges drawn."""

    domain: tuple


def epoch_frames(paths: list[PlanePath]) -> tuple[np.ndarray, list[Trajectory]]:
    """(epochs, runs): every epoch any path kept, in order, and each path as a race
    ``Trajectory`` over them, standing at its last kept epoch at or before each one (a
    diverged optimizer stays at its last good weights, marked ✕ from its ``diverged_at``)."""
    epochs = np.unique(np.concatenate([np.asarray(p.epochs, int) for p in paths]))
    runs = []
    for path in paths:
        index = np.searchsorted(np.asarray(path.epochs), epochs, side="right") - 1
        index = np.maximum(index, 0)
        after = np.flatnonzero(epochs >= (path.diverged_at or np.inf))
        runs.append(
            Trajectory(
                label=path.label,
                color=path.color,
                path=np.asarray(path.coords)[index],
                values=np.asarray(path.true_loss)[index],
                diverged_at=int(after[0]) if after.size else -1,
            )
        )
    return epochs, runs


def _kept_trace(path: PlanePath) -> dict:
    """A small open circle at each kept epoch, with the epoch, true loss and off-plane share
    on hover, at full precision."""
    return {
        "type": "scatter",
        "x": path.coords[:, 0].tolist(),
        "y": path.coords[:, 1].tolist(),
        "mode": "markers",
        "name": f"{path.label} (kept epochs)",
        "legendgroup": path.label,
        "showlegend": False,
        "marker": {"color": path.color, "symbol": "circle-open", "size": 5},
        "customdata": np.column_stack([path.epochs, path.true_loss, path.off_share]).tolist(),
        "hovertemplate": "epoch %{customdata[0]}<br>true loss %{customdata[1]:.4g}"
        "<br>off the plane %{customdata[2]:.0%}<extra>" + path.label + "</extra>",
    }


def honesty_figure(paths: list[PlanePath]) -> dict:
    """Top: each path's true loss (solid) and the loss at its projected point (dotted) by
    epoch. Bottom: the share of its distance from the centre that lies off the plane."""
    traces = []
    for path in paths:
        common = {"type": "scatter", "x": np.asarray(path.epochs).tolist(), "mode": "lines"}
        traces.append(
            common
            | {"y": path.true_loss.tolist(), "name": f"{path.label}: true loss"}
            | {"line": {"color": path.color}, "legendgroup": path.label}
        )
        traces.append(
            common
            | {"y": path.plane_loss.tolist(), "name": f"{path.label}: on the plane"}
            | {"line": {"color": path.color, "dash": "dot"}, "legendgroup": path.label}
        )
        traces.append(
            common
            | {"y": path.off_share.tolist(), "xaxis": "x2", "yaxis": "y2", "showlegend": False}
            | {"line": {"color": path.color}, "legendgroup": path.label, "name": path.label}
        )
    layout = {
        "height": 520,
        "grid": {"rows": 2, "columns": 1, "pattern": "independent"},
        "yaxis": {"title": {"text": "training loss"}, "domain": [0.42, 1.0]},
        "yaxis2": {"title": {"text": "off the plane"}, "tickformat": ".0%", "domain": [0, 0.3]},
        "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False},
        "xaxis2": {"anchor": "y2", "title": {"text": "epoch"}},
        "legend": {"orientation": "h", "y": -0.2},
    }
    return {"data": traces, "layout": layout}


def misleading(paths: list[PlanePath], tolerance: float = 0.1) -> list[str]:
    """A note per path whose plane loss differs from its true loss by more than ``tolerance``
    relative (|plane − true| > tolerance · max(|true|, 10⁻¹²)) at some epoch: the worst one."""
    notes = []
    for path in paths:
        true = np.asarray(path.true_loss, float)
        gap = np.abs(np.asarray(path.plane_loss) - true) / np.maximum(np.abs(true), 1e-12)
        if gap.size and np.nanmax(gap) > tolerance:
            i = int(np.nanargmax(gap))
            notes.append(
                f"{path.label}: this picture misleads here: at epoch {int(path.epochs[i])} the "
                f"plane shows {path.plane_loss[i]:.4g} where the loss was {true[i]:.4g} "
                f"({gap[i]:.0%} off; {path.off_share[i]:.0%} of the path's distance is off "
                "the plane)."
            )
    return notes


def interpolation_figure(curves: list[tuple[str, str, np.ndarray, np.ndarray]]) -> dict:
    """Loss along each straight line θ(t) = (1 − t) θ_a + t θ_b: (label, colour, t, loss)."""
    traces = [
        {"type": "scatter", "x": np.asarray(t).tolist(), "y": np.asarray(loss).tolist()}
        | {"mode": "lines", "name": label, "line": {"color": color}}
        for label, color, t, loss in curves
    ]
    layout = {
        "height": 460,
        "xaxis": {"title": {"text": "t (0 = start, 1 = end)"}},
        "yaxis": {"title": {"text": "loss"}},
        "legend": {"orientation": "h", "y": -0.25, "yanchor": "top"},
    }
    return {"data": traces, "layout": layout}


def sharpness_figure(rows: list[tuple[str, str, float, float]]) -> dict:
    """One marker per optimizer at (top Hessian eigenvalue, test accuracy): (label, colour,
    λ_max, accuracy)."""
    traces = [
        {"type": "scatter", "x": [value], "y": [accuracy], "mode": "markers", "name": label}
        | {"marker": {"color": color, "size": 12}}
        for label, color, value, accuracy in rows
    ]
    layout = {
        "height": 460,
        "legend": {"orientation": "h", "y": -0.25, "yanchor": "top"},
        "xaxis": {"title": {"text": "sharpness: top Hessian eigenvalue λ_max"}},
        "yaxis": {"title": {"text": "test accuracy"}, "tickformat": ".0%"},
    }
    return {"data": traces, "layout": layout}
