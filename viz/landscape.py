"""Figures of the lab's loss landscapes: pure functions from lab.landscape results to dicts.

Use::

    fig = contour_figure(alphas, betas, values, paths)   # the plane, every path projected
    fig = honesty_figure(paths)          # true loss vs the loss the plane shows, off-plane share
    notes = misleading(paths, tolerance=0.1)            # where the picture misleads
    fig = interpolation_figure(curves)   # loss along straight lines between weight vectors
    fig = sharpness_figure(rows)         # top Hessian eigenvalue vs test accuracy

A path is a ``PlanePath``: its label, colour, epochs, coords (T, 2) on the plane, the share of
its distance from the centre that lies off the plane, the true loss at each kept epoch and the
loss at its projected point (computed exactly, never read off the grid). The contour is drawn
like the Playground's background (``viz.background``: the same colour ramp and lines).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from viz.background import contour_levels, contour_lines, spans_decades, surface_image


class PlanePath(NamedTuple):
    """One optimizer's kept weights as seen on a plane (see the module docstring)."""

    label: str
    color: str
    epochs: np.ndarray
    coords: np.ndarray
    off_share: np.ndarray
    true_loss: np.ndarray
    plane_loss: np.ndarray


def contour_figure(alphas, betas, values, paths: list[PlanePath], title: str = "") -> dict:
    """The loss over the plane (Z[i, j] at (alphas[j], betas[i])) as the Playground's shaded
    image and contour lines, each path's projection on top: a line through its epochs, a
    circle at the start and a diamond at its last kept epoch."""
    values = np.asarray(values, float)
    log = spans_decades(values)
    lx, ly = contour_lines(alphas, betas, values, contour_levels(values, 14, log))
    traces = [_lines_trace(lx, ly)]
    for path in paths:
        traces.append(_path_trace(path))
    x0, x1, y0, y1 = alphas[0], alphas[-1], betas[0], betas[-1]
    image = {"source": surface_image(values, log), "xref": "x", "yref": "y", "x": x0, "y": y1}
    image |= {"sizex": x1 - x0, "sizey": y1 - y0, "sizing": "stretch", "layer": "below"}
    layout = {
        "title": {"text": title},
        "images": [image],
        "xaxis": {
            "title": {"text": "α (along d₁)"},
            "range": [x0, x1],
            "showgrid": False,
            "zeroline": False,
        },
        "yaxis": {
            "title": {"text": "β (along d₂)"},
            "range": [y0, y1],
            "showgrid": False,
            "zeroline": False,
        },
        "height": 520,
        "legend": {"orientation": "h", "y": -0.15},
    }
    return {"data": traces, "layout": layout}


def _lines_trace(x, y) -> dict:
    return {
        "type": "scatter",
        "x": np.asarray(x).tolist(),
        "y": np.asarray(y).tolist(),
        "mode": "lines",
        "line": {"color": "rgba(255,255,255,0.45)", "width": 1},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "contours",
    }


def _path_trace(path: PlanePath) -> dict:
    """A path as a line with markers: circle at its start, diamond at its end."""
    n = len(path.coords)
    symbols = ["circle"] + ["circle-open"] * max(n - 2, 0) + ["diamond"] * (n > 1)
    sizes = [9] + [4] * max(n - 2, 0) + [12] * (n > 1)
    return {
        "type": "scatter",
        "x": path.coords[:, 0].tolist(),
        "y": path.coords[:, 1].tolist(),
        "mode": "lines+markers",
        "name": path.label,
        "line": {"color": path.color, "width": 2},
        "marker": {"color": path.color, "symbol": symbols, "size": sizes},
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
