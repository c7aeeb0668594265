"""Loss against step for several runs, readable even when one of them diverges.

Use::

    fig = loss_figure(runs)            # runs: list[viz.trajectory.Trajectory]

The y axis is logarithmic when every plotted value is positive. A diverged run is drawn up
to its last good step and ends in a ✕ labelled "diverged at step k"; the y range comes from
the runs' first values and what they reach before diverging, so one blow-up never squashes
the others into a flat line.
"""

from __future__ import annotations

import numpy as np

from viz.encode import typed
from viz.trajectory import Trajectory


def plotted_values(run: Trajectory) -> np.ndarray:
    """Values from step 0 up to the last good step (all of them when the run never diverged)."""
    end = run.diverged_at if run.diverged_at > 0 else len(run.values)
    return np.asarray(run.values[:end], dtype=float)


def loss_range(runs: list[Trajectory], log: bool) -> list[float] | None:
    """y range: everything the runs reach, capped at 100x (log) or 3 spans (linear) of the start."""
    kept = [v[np.isfinite(v)] for v in map(plotted_values, runs)]
    kept = [v for v in kept if v.size]
    if not kept:
        return None
    low = min(v.min() for v in kept)
    high = max(v.max() for v in kept)
    start = max(v[0] for v in kept)
    if log:
        high = min(high, start * 100)
        low, high = np.log10(low), np.log10(high)
        pad = 0.05 * max(high - low, 1e-9)
    else:
        high = min(high, start + 3 * max(start - low, 1e-12))
        pad = 0.05 * max(high - low, 1e-12)
    return [float(low - pad), float(high + pad)]


def loss_figure(runs: list[Trajectory], *, height: int = 320, title: str = "loss J(θ)") -> dict:
    """Loss curves of ``runs`` (see the module docstring); a plain Plotly figure dict."""
    series = [plotted_values(run) for run in runs]
    finite = [v[np.isfinite(v)] for v in series]
    log = all(v.size == 0 or v.min() > 0 for v in finite) and any(v.size for v in finite)
    data = []
    for run, values in zip(runs, series, strict=True):
        data.append(
            {
                "type": "scatter",
                "x": typed(np.arange(len(values)), "i4"),
                "y": typed(values, "f8"),
                "mode": "lines",
                "name": run.label,
                "line": {"color": run.color, "width": 2},
                "hovertemplate": "step %{x}<br>J=%{y:.4g}<extra>" + run.label + "</extra>",
            }
        )
        if run.diverged_at > 0 and values.size:
            data.append(
                {
                    "type": "scatter",
                    "x": [len(values) - 1],
                    "y": [float(values[-1])],
                    "mode": "markers+text",
                    "marker": {"symbol": "x", "size": 12, "color": run.color},
                    "text": [f"diverged at step {run.diverged_at}"],
                    "textposition": "top left",
                    "cliponaxis": False,
                    "showlegend": False,
                    "hoverinfo": "text",
                    "name": run.label,
                }
            )
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 40},
        "title": {"text": title, "font": {"size": 14}},
        "xaxis": {"title": {"text": "step"}},
        "yaxis": {
            "type": "log" if log else "linear",
            "range": loss_range(runs, log),
            "title": {"text": "J (log scale)" if log else "J"},
            "exponentformat": "power",  # 10⁻⁹, not the SI "1n"
        },
        "legend": {"orientation": "h", "y": -0.25},
        "hovermode": "x unified",
    }
    return {"data": data, "layout": layout}
