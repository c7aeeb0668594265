"""Loss against step for several runs, readable even when one of them diverges.

Use::

    fig = loss_figure(runs)            # runs: list[viz.trajectory.Trajectory]
    axis = loss_axis(series, diverged) # the same rule for any loss-like chart

The y range comes from the healthy runs (those that never diverged) and every run's first
value; a diverged run is drawn only up to its last finite value inside that range (its blow-up
would squash the others into a flat line) and ends in a ✕ labelled "diverged at step k". With
no healthy run at all, the range is the diverged runs' values before they blow up: those at
most ``FALLBACK_DECADES`` decades above the start (positive runs), or within ``FALLBACK_SPANS``
× max(|start|, the first step's change) of it. The y axis is logarithmic when every value that
sets the range is positive (``viz.axes``: ticks labelled with full values); the y title keeps
clear of the tick labels (``automargin``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from viz.axes import log_axis
from viz.encode import typed
from viz.trajectory import Trajectory

PAD = 0.05  # of the span, above and below
FALLBACK_DECADES = 2.0
FALLBACK_SPANS = 100.0


class LossAxis(NamedTuple):
    """How a loss chart draws its series: log or linear, the y range in plotly's units (log10
    for a log axis; None: nothing finite) and how many leading values of each series to draw."""

    log: bool
    range: list[float] | None
    drawn: list[int]


def plotted_values(run: Trajectory) -> np.ndarray:
    """Values from step 0 up to the last good step (all of them when the run never diverged)."""
    end = run.diverged_at if run.diverged_at > 0 else len(run.values)
    return np.asarray(run.values[:end], dtype=float)


def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=float).ravel()
    return values[np.isfinite(values)]


def _before_blow_up(series: list[np.ndarray]) -> np.ndarray:
    """The diverged series' values near their starts (the fallback range; module docstring)."""
    kept = []
    for values in series:
        values = _finite(values)
        if not values.size:
            continue
        start = values[0]
        if values.min() > 0:
            kept.append(values[values <= start * 10**FALLBACK_DECADES])
        else:
            step = np.abs(np.diff(values[:2])).max(initial=0.0)
            scale = FALLBACK_SPANS * max(abs(start), step, np.finfo(float).tiny)
            kept.append(values[np.abs(values - start) <= scale])
    return np.concatenate(kept or [np.empty(0)])


def _padded(values: np.ndarray, log: bool) -> list[float]:
    """[low, high] of ``values`` (log10 of them on a log axis), widened by ``PAD`` of the span
    (of a decade, or of the value, when they are all equal)."""
    scaled = np.log10(values) if log else values
    low, high = float(scaled.min()), float(scaled.max())
    span = high - low if high > low else (1.0 if log else max(abs(high), 1e-12))
    return [low - PAD * span, high + PAD * span]


def _inside(values: np.ndarray, y_range: list[float], log: bool) -> int:
    """How many leading values lie inside ``y_range`` (non-finite or, on a log axis, ≤ 0 is
    outside): the diverged curve stops at the last of them."""
    with np.errstate(all="ignore"):
        y = np.log10(values) if log else values
        inside = np.isfinite(y) & (y >= y_range[0]) & (y <= y_range[1])
    return int(np.argmin(inside)) if not inside.all() else len(values)


def loss_axis(series: list, diverged: list[bool], *, also=()) -> LossAxis:
    """The y axis of a loss chart (module docstring) for ``series`` (each up to its last good
    step), ``diverged`` saying which ran away; ``also``: values that must be in range too."""
    series = [np.asarray(values, dtype=float) for values in series]
    healthy = [v for v, gone in zip(series, diverged, strict=True) if not gone]
    starts = [v[:1] for v, gone in zip(series, diverged, strict=True) if gone]
    reference = np.concatenate([_finite(v) for v in (*healthy, *starts, also)] or [np.empty(0)])
    if not healthy:
        reference = np.concatenate([reference, _before_blow_up(series)])
    if not reference.size:
        return LossAxis(False, None, [len(v) for v in series])
    log = bool(reference.min() > 0)
    y_range = _padded(reference, log)
    drawn = [
        _inside(values, y_range, log) if gone else len(values)
        for values, gone in zip(series, diverged, strict=True)
    ]
    return LossAxis(log, y_range, drawn)


def divergence_marker(x: float, y: float, color: str, text: str, *, leaving_up: bool, left: bool):
    """A ✕ at the last drawn point of a diverged curve, labelled ``text`` on the side that
    stays inside the chart (below the point when the curve left upwards)."""
    vertical = "bottom" if leaving_up else "top"
    return {
        "type": "scatter",
        "x": [x],
        "y": [y],
        "mode": "markers+text",
        "marker": {"symbol": "x", "size": 12, "color": color},
        "text": [text],
        "textposition": f"{vertical} {'left' if left else 'right'}",
        "cliponaxis": False,
        "showlegend": False,
        "hoverinfo": "text",
    }


def leaves_upwards(values: np.ndarray, drawn: int, axis: LossAxis) -> bool:
    """Whether a curve cut after ``drawn`` values left the range at the top."""
    if drawn >= len(values) or axis.range is None:
        return False
    following = float(values[drawn])
    if axis.log:
        following = np.log10(following) if following > 0 else -np.inf
    return bool(following > axis.range[1])  # +inf is above, NaN is not


def loss_figure(runs: list[Trajectory], *, height: int = 320, title: str = "loss J(θ)") -> dict:
    """Loss curves of ``runs`` (see the module docstring); a plain Plotly figure dict."""
    series = [plotted_values(run) for run in runs]
    axis = loss_axis(series, [run.diverged_at > 0 for run in runs])
    longest = max((len(v) for v in series), default=1) - 1
    data = []
    for run, values, drawn in zip(runs, series, axis.drawn, strict=True):
        data.append(
            {
                "type": "scatter",
                "x": typed(np.arange(drawn), "i4"),
                "y": typed(values[:drawn], "f8"),
                "mode": "lines",
                "name": run.label,
                "line": {"color": run.color, "width": 2},
                "hovertemplate": "step %{x}<br>J=%{y:.4g}<extra>" + run.label + "</extra>",
            }
        )
        if run.diverged_at > 0 and drawn:
            marker = divergence_marker(
                drawn - 1,
                float(values[drawn - 1]),
                run.color,
                f"diverged at step {run.diverged_at}",
                leaving_up=leaves_upwards(values, drawn, axis),
                left=drawn - 1 > longest / 2,
            )
            data.append(marker | {"name": run.label})
    layout = loss_layout(axis, height, title)
    layout["xaxis"]["range"] = [0, max(longest, 1)]  # not widened for a ✕ near either end
    return {"data": data, "layout": layout}


def loss_layout(axis: LossAxis, height: int, title: str) -> dict:
    """Title, axes (the y title clear of the tick labels: automargin) and legend underneath."""
    plot_height = height - 30 - 40 - 60  # margins and the legend underneath
    if axis.log:
        y_axis = log_axis(axis.range, length=plot_height)
        y_axis["title"] = {"text": "J (log scale)", "standoff": 8}
    else:
        y_axis = {
            "type": "linear",
            "range": axis.range,
            "title": {"text": "J", "standoff": 8},
            "exponentformat": "power",  # 10⁹, not the SI "1G"
            "automargin": True,
        }
    return {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 40},
        "title": {"text": title, "font": {"size": 14}},
        "xaxis": {"title": {"text": "step"}, "automargin": True},
        "yaxis": y_axis,
        "legend": {"orientation": "h", "y": -0.25},
        "hovermode": "x unified",
    }
