"""An optimizer's internals drawn beside its path (see ``optim.internals``): Schedule-Free's
z and x as faint dashed trails, Lookahead's slow weights and SAM's probe point as hollow
markers, each in its run's colour; Prodigy's step-size estimate d over the steps as a chart.

Use::

    traces = internal_traces(run, rounded, step=0, trail=10, axes=("x", "y"), legend=True)
    fig = step_size_estimate_figure(runs)          # runs whose internals hold "d", or None
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from optim.internals import LABELS, POINT_INTERNALS
from viz.axes import log_axis, log_range
from viz.encode import rounded
from viz.layout import lesson_layout

# how each point internal is drawn: a dashed trail (a sequence that moves every step) or a
# hollow marker at the current step (a point that jumps: Lookahead's φ, SAM's probe)
STYLES = {
    "z": {"mode": "lines", "line": {"width": 1.8, "dash": "dash"}},
    "x": {"mode": "lines", "line": {"width": 1.8, "dash": "dot"}},
    "slow": {
        "mode": "markers",
        "marker": {"symbol": "circle-open", "size": 14, "line": {"width": 2.5}},
    },
    "probe": {
        "mode": "markers",
        "marker": {"symbol": "diamond-open", "size": 14, "line": {"width": 2.5}},
    },
}
OPACITY = 0.75
SHORT = {"z": "z", "x": "x (average)", "slow": "slow weights", "probe": "probe point"}


def point_internals(internals: dict | None) -> list[str]:
    """The point internals a run has, in drawing order."""
    return [name for name in POINT_INTERNALS if name in (internals or {})]


def rounded_internals(internals: dict | None, decimals: int) -> dict[str, tuple[list, list]]:
    """Each point internal (T+1, 2) as two JSON-ready lists (NaN -> None)."""
    return {
        name: (rounded(internals[name][:, 0], decimals), rounded(internals[name][:, 1], decimals))
        for name in point_internals(internals)
    }


def internal_frame(name: str, xy: tuple[list, list], step: int, trail: int) -> dict:
    """The moving part of one internal at ``step``: the trail window for a trail, the point."""
    x, y = xy
    step = min(step, len(x) - 1)
    if STYLES[name]["mode"] == "lines":
        first = max(0, step - trail + 1)
        return {"x": x[first : step + 1], "y": y[first : step + 1]}
    return {"x": [x[step]], "y": [y[step]]}


def internal_traces(run, paths: dict, step: int, trail: int, axes, legend: bool) -> list[dict]:
    """One faint trace per point internal of ``run`` (label, color), at ``step``."""
    traces = []
    for name, xy in paths.items():
        style = STYLES[name]
        colored = {
            key: value | {"color": run.color} for key, value in style.items() if key != "mode"
        }
        traces.append(
            {
                "type": "scatter",
                "mode": style["mode"],
                "name": f"{run.label} · {SHORT[name]}",
                "legendgroup": run.label,
                "showlegend": legend,
                "opacity": OPACITY,
                "hovertemplate": f"{LABELS[name]}<br>(%{{x}}, %{{y}})<extra>{run.label}</extra>",
                "xaxis": axes[0],
                "yaxis": axes[1],
                **colored,
                **internal_frame(name, xy, step, trail),
            }
        )
    return traces


def step_size_estimate_figure(runs) -> dict | None:
    """Prodigy's d over the steps (log scale) for the runs whose ``internals`` hold it."""
    with_d = [run for run in runs if "d" in (getattr(run, "internals", None) or {})]
    if not with_d:
        return None
    fig = go.Figure()
    for run in with_d:
        d = np.asarray(run.internals["d"], dtype=float)
        fig.add_scatter(
            x=np.arange(len(d)),
            y=np.where(d > 0, d, np.nan),
            name=run.label,
            mode="lines",
            line={"color": run.color, "width": 2},
        )
    fig.update_yaxes(**log_axis(log_range([t.y for t in fig.data]), length=200))
    fig.update_yaxes(title_text="d")
    return lesson_layout(fig, "Prodigy's step-size estimate d at each step (log)", "step t", 300)
