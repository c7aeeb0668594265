"""Figures of a sweep: how each optimizer's result depends on its learning rate, and its
learning curves at its best rate, each with the spread over seeds. Pure functions of the tables
``lab.sweep.robustness`` computes; figure dicts out.

    fig = robustness_figure(by_rate(frame), best_rates(frame), metric="final_test_loss")
    fig = best_curves_figure(curves_at_best(frame, best), curve="curve_test_loss")

Each optimizer is one colour: a line through the median over the seeds, a translucent band
from the first to the third quartile, a ring at the best rate with its quartiles as an error
bar, and under the curves a bar spanning its good range, labelled with its width in decades.
"""

from __future__ import annotations

import pandas as pd

from viz.axes import log_axis, log_range
from viz.trajectory import PALETTE

METRICS = {
    "final_test_loss": "final test loss",
    "final_test_accuracy": "final test accuracy",
    "final_train_loss": "final training loss",
    "final_train_accuracy": "final training accuracy",
}
CURVES = {
    "curve_test_loss": "test loss",
    "curve_test_accuracy": "test accuracy",
    "curve_train_loss": "training loss",
    "curve_train_accuracy": "training accuracy",
}


def colours(optimizers) -> dict[str, str]:
    """One palette colour per optimizer, in the order given."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(dict.fromkeys(optimizers))}


def _band(x, low, high, color: str, group: str, xaxis: str = "x") -> list[dict]:
    """A filled band between two lines (no legend, no hover)."""
    common = {
        "type": "scatter",
        "mode": "lines",
        "line": {"width": 0},
        "legendgroup": group,
        "showlegend": False,
        "hoverinfo": "skip",
        "xaxis": xaxis,
    }
    return [
        {**common, "x": list(x), "y": list(low)},
        {**common, "x": list(x), "y": list(high), "fill": "tonexty", "fillcolor": _alpha(color)},
    ]


def _alpha(color: str, alpha: float = 0.2) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _frame(height: int, title: str) -> dict:
    """Height, margins and title, as both figures have them."""
    return {
        "height": height,
        "margin": {"l": 70, "r": 30, "t": 50, "b": 50},
        "title": {"text": title},
    }


def _is_loss(metric: str) -> bool:
    return metric.endswith("loss")


def _value_axis(metric: str, title: str) -> dict:
    axis = {"title": {"text": title}}
    return axis | (log_axis(None) if _is_loss(metric) else {"tickformat": ".0%"})


def robustness_traces(table: pd.DataFrame, best, color: str) -> list[dict]:
    """One optimizer: its quartile band, median line and best rate with its spread."""
    group = best.optimizer
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": table["lr"].tolist(),
        "y": table["median"].tolist(),
        "name": best.label,
        "legendgroup": group,
        "line": {"color": color, "width": 2},
        "marker": {"size": 5, "color": color},
        "hovertemplate": "lr %{x:.3g}: median %{y:.4g}<extra>" + best.label + "</extra>",
    }
    ring = {
        "type": "scatter",
        "mode": "markers",
        "x": [best.best_lr],
        "y": [best.median],
        "legendgroup": group,
        "showlegend": False,
        "name": f"{best.label} best",
        "marker": {"size": 13, "color": "rgba(0,0,0,0)", "line": {"width": 2.5, "color": color}},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [best.q3 - best.median],
            "arrayminus": [best.median - best.q1],
            "color": color,
            "thickness": 2,
        },
        "hovertemplate": (
            f"best lr {best.best_lr:.3g}: median %{{y:.4g}} "
            f"(Q1 {best.q1:.4g}, Q3 {best.q3:.4g})<extra></extra>"
        ),
    }
    return [*_band(table["lr"], table["q1"], table["q3"], color, group), line, ring]


def range_name(row) -> str:
    """How the good-range strip labels an optimizer: its name and the width in decades."""
    return f"{row.label}: {row.decades:.1f} decades"


def good_range_traces(best: pd.DataFrame, palette: dict) -> list[dict]:
    """The good range of each optimizer as a bar on a strip of its own below the curves."""
    traces = []
    for row in best.itertuples():
        name = range_name(row)
        traces.append({
            "type": "scatter", "mode": "lines+markers", "xaxis": "x", "yaxis": "y2",
            "x": [row.good_low, row.good_high], "y": [name, name],
            "line": {"color": palette[row.optimizer], "width": 8},
            "marker": {"size": 12, "color": palette[row.optimizer], "symbol": "line-ns-open",
                       "line": {"width": 3, "color": palette[row.optimizer]}},
            "showlegend": False, "legendgroup": row.optimizer, "name": name,
            "hovertemplate": f"{name} (lr {row.good_low:.3g} to {row.good_high:.3g})"
                             "<extra></extra>",
        })  # fmt: skip
    return traces


def robustness_figure(
    rates: pd.DataFrame,
    best: pd.DataFrame,
    *,
    metric: str = "final_test_loss",
    height: int = 520,
) -> dict:
    """Median ``metric`` over seeds against the learning rate (log) with quartile bands, each
    best rate ringed with its spread, and each optimizer's good range below."""
    palette = colours(best["optimizer"])
    data = []
    for row in best.itertuples():
        table = rates[rates.optimizer == row.optimizer]
        data += robustness_traces(table, row, palette[row.optimizer])
    data += good_range_traces(best, palette)
    margin = best["margin"].iloc[0] if len(best) else 0.0
    within = f"≤ {1 + margin:g} × the best" if _is_loss(metric) else f"≥ the best − {margin:g}"
    strip = min(0.35, 0.06 * max(len(best), 1) + 0.04)
    return {
        "data": data,
        "layout": {
            **_frame(height, f"{METRICS.get(metric, metric)}: median over seeds, band Q1–Q3"),
            "xaxis": log_axis(log_range(rates["lr"]), length=900, spacing=40)
            | {"title": {"text": "learning rate"}, "anchor": "y2"},
            "yaxis": _value_axis(metric, METRICS.get(metric, metric))
            | {"domain": [strip + 0.08, 1.0]},
            "yaxis2": {
                "domain": [0.0, strip],
                "type": "category",
                "autorange": "reversed",
                "title": {"text": "good range"},
                "showticklabels": True,
                "automargin": True,
            },
            "annotations": [
                {
                    "text": f"good range: median {within}",
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.0,
                    "y": strip + 0.02,
                    "showarrow": False,
                    "xanchor": "left",
                }
            ],
            "legend": {"orientation": "h", "y": 1.08, "x": 1.0, "xanchor": "right"},
        },
    }


def best_curves_figure(
    curves: pd.DataFrame, *, curve: str = "curve_test_loss", height: int = 380
) -> dict:
    """Each optimizer's ``curve`` at its best rate: median over seeds with a Q1–Q3 band."""
    palette = colours(curves["optimizer"])
    data = []
    for optimizer, table in curves.groupby("optimizer", sort=False):
        color, label = palette[optimizer], table["label"].iloc[0]
        name = f"{label} (lr {table['lr'].iloc[0]:.3g})"
        data += _band(table["epoch"], table["q1"], table["q3"], color, optimizer)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": table["epoch"].tolist(),
                "y": table["median"].tolist(),
                "name": name,
                "legendgroup": optimizer,
                "line": {"color": color, "width": 2},
            }
        )
    title = CURVES.get(curve, curve)
    return {
        "data": data,
        "layout": {
            **_frame(height, f"{title} at each optimizer's best rate: median, band Q1–Q3"),
            "xaxis": {"title": {"text": "epoch"}},
            "yaxis": _value_axis(curve, title),
            "legend": {"orientation": "h", "y": -0.2},
            "hovermode": "x unified",
        },
    }
