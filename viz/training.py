"""Figures and the summary table of the training lab: pure functions from lab results to dicts.

Use::

    fig = data_figure(data)                                   # the two classes, train and test
    fig = curves_figure(histories, colors, clock="epoch")     # loss and accuracy, by epoch or s
    fig = boundaries_figure(network, histories, colors, data) # one decision-boundary panel each
    table = summary_table(histories, target=0.1)              # pandas DataFrame
    text = summary_markdown(histories, target=0.1)            # the same, as a Markdown table

Training is drawn solid and the held-out test split dashed; an optimizer that diverged ends in
a ✕ at its last good epoch, so it never stretches the axes. No figure sets a background colour:
each takes the page's theme (``st.plotly_chart``'s Streamlit theme), as every other page does.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lab import MLP, Dataset, History
from viz.axes import log_axis
from viz.encode import typed
from viz.summary import markdown_table

CLASS_COLORS = ("#3d6fb6", "#d9822b")  # class 0 blue, class 1 orange
BOUNDARY_SCALE = [[0.0, "#c9d9ef"], [0.5, "#fbfaf6"], [1.0, "#f6d7b8"]]
CLOCKS = {"epoch": "epoch", "seconds": "training time (s)"}


def _points(data: Dataset, *, axes: tuple[str, str] = ("x", "y"), legend: bool = True) -> list:
    """Scatter traces: each class, training points filled and test points open."""
    traces = []
    for split, (x, y), symbol in (
        ("train", (data.x_train, data.y_train), "circle"),
        ("test", (data.x_test, data.y_test), "circle-open"),
    ):
        for label in (0, 1):
            chosen = x[y == label]
            traces.append(
                {
                    "type": "scatter",
                    "x": typed(chosen[:, 0]),
                    "y": typed(chosen[:, 1]),
                    "mode": "markers",
                    "name": f"class {label} ({split})",
                    "legendgroup": f"class{label}{split}",
                    "showlegend": legend,
                    "marker": {
                        "color": CLASS_COLORS[label],
                        "symbol": symbol,
                        "size": 5,
                        "line": {"width": 1, "color": CLASS_COLORS[label]},
                    },
                    "xaxis": axes[0],
                    "yaxis": axes[1],
                    "hoverinfo": "skip",
                }
            )
    return traces


def data_figure(data: Dataset, *, height: int = 380) -> dict:
    """The data set: class 0 and 1 in two colours, test points as open circles."""
    return {
        "data": _points(data),
        "layout": {
            "height": height,
            "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
            "xaxis": {"zeroline": False},
            "yaxis": {"zeroline": False, "scaleanchor": "x"},
            "legend": {"orientation": "h", "y": -0.12},
        },
    }


def _curve_traces(history: History, color: str, clock: str) -> list:
    """Loss (axes x/y) and accuracy (axes x2/y2), training solid and test dashed."""
    x = np.asarray(history.epochs if clock == "epoch" else history.seconds, dtype=float)
    traces = []
    for metric, axes in (("loss", ("x", "y")), ("accuracy", ("x2", "y2"))):
        for split, dash in (("train", "solid"), ("test", "dash")):
            values = np.asarray(getattr(history, f"{split}_{metric}"), dtype=float)
            traces.append(
                {
                    "type": "scatter",
                    "x": typed(x, "f8"),
                    "y": typed(values, "f8"),
                    "mode": "lines",
                    "name": history.label,
                    "legendgroup": history.label,
                    "showlegend": metric == "loss" and split == "train",
                    "line": {"color": color, "width": 2, "dash": dash},
                    "xaxis": axes[0],
                    "yaxis": axes[1],
                    "hovertemplate": f"{split} {metric} %{{y:.4g}}<extra>{history.label}</extra>",
                }
            )
        if history.diverged_at is not None:
            last = float(getattr(history, f"train_{metric}")[-1])
            traces.append(
                {
                    "type": "scatter",
                    "x": [float(x[-1])],
                    "y": [last],
                    "mode": "markers+text",
                    "marker": {"symbol": "x", "size": 12, "color": color},
                    "text": [f"diverged in epoch {history.diverged_at}"],
                    "textposition": "top left",
                    "cliponaxis": False,
                    "showlegend": False,
                    "legendgroup": history.label,
                    "xaxis": axes[0],
                    "yaxis": axes[1],
                    "hoverinfo": "text",
                }
            )
    return traces


def loss_axis_range(histories: list[History], headroom: float = 10.0) -> list[float] | None:
    """log10 range of the loss axis: everything recorded, capped at ``headroom`` × the largest
    initial loss, so one optimizer heading for divergence never flattens the others."""
    values = np.concatenate([np.r_[h.train_loss, h.test_loss] for h in histories] or [[]])
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return None
    start = max(max(h.train_loss[0], h.test_loss[0]) for h in histories if h.train_loss)
    low, high = np.log10(values.min()), np.log10(min(values.max(), headroom * start))
    pad = 0.05 * max(high - low, 1e-3)
    return [float(low - pad), float(high + pad)]


def curves_figure(
    histories: list[History],
    colors: list[str],
    *,
    clock: str = "epoch",
    epochs: int | None = None,
    height: int = 360,
) -> dict:
    """Loss (log scale) and accuracy of every optimizer against epochs or training seconds.

    ``epochs`` fixes the epoch axis at [0, epochs], so curves grow across it while training.
    """
    if clock not in CLOCKS:
        raise ValueError(f"clock: choose one of {', '.join(CLOCKS)}, got {clock!r}")
    data = [t for h, c in zip(histories, colors, strict=True) for t in _curve_traces(h, c, clock)]
    axis_title = {"title": {"text": CLOCKS[clock]}}
    if clock == "epoch" and epochs:
        axis_title["range"] = [0, epochs]
    return {
        "data": data,
        "layout": {
            "height": height,
            "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
            "xaxis": {"domain": [0.0, 0.46], **axis_title},
            "xaxis2": {"domain": [0.56, 1.0], "anchor": "y2", **axis_title},
            "yaxis": log_axis(loss_axis_range(histories), length=height - 120)
            | {"title": {"text": "binary cross-entropy (log scale)"}},
            "yaxis2": {"anchor": "x2", "title": {"text": "accuracy"}, "tickformat": ".0%"},
            "annotations": [
                {
                    "text": "loss · solid: training, dashed: test",
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.0,
                    "y": 1.08,
                    "showarrow": False,
                    "xanchor": "left",
                },
                {
                    "text": "accuracy · solid: training, dashed: test",
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.56,
                    "y": 1.08,
                    "showarrow": False,
                    "xanchor": "left",
                },
            ],
            "legend": {"orientation": "h", "y": -0.2},
            "hovermode": "x unified",
        },
    }


def grid_extent(data: Dataset, pad: float = 0.1) -> tuple[tuple[float, float], ...]:
    """((xmin, xmax), (ymin, ymax)) around every point, widened by ``pad`` of the span."""
    x = data.x
    low, high = x.min(axis=0), x.max(axis=0)
    margin = pad * np.maximum(high - low, 1e-9)
    return tuple((float(a), float(b)) for a, b in zip(low - margin, high + margin, strict=True))


def probability_grid(
    network: MLP, params: np.ndarray, extent, resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid axes xs, ys and p(class 1) of shape (resolution, resolution), rows along y."""
    (x0, x1), (y0, y1) = extent
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        p = network.probabilities(params, grid)
    return xs, ys, p.reshape(resolution, resolution)


def _probability_contour(xs, ys, p: np.ndarray, color: str, axes: tuple[str, str]) -> dict:
    """p(class 1) on the grid (xs, ys) shaded from 0 to 1, its p = ½ line drawn in ``color``."""
    return {
        "type": "contour",
        "x": typed(xs),
        "y": typed(ys),
        "z": typed(p.ravel()) | {"shape": f"{p.shape[0]}, {p.shape[1]}"},
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": BOUNDARY_SCALE,
        "contours": {"start": 0.5, "end": 0.5, "size": 1.0, "coloring": "heatmap"},
        "line": {"color": color, "width": 3},
        "showscale": False,
        "xaxis": axes[0],
        "yaxis": axes[1],
        "hovertemplate": "p(class 1) = %{z:.2f}<extra></extra>",
    }


def _panel_axes(suffix: str, axes, left: float, top: float, size, extent) -> dict:
    """The x and y axes of one panel: from ``left`` and down from ``top`` (paper fractions),
    ``size`` = (width, height), showing ``extent`` without tick labels."""
    width, height = size
    return {
        f"xaxis{suffix}": {
            "domain": [left, left + width],
            "anchor": axes[1],
            "range": list(extent[0]),
            "showticklabels": False,
        },
        f"yaxis{suffix}": {
            "domain": [top - height, top],
            "anchor": axes[0],
            "range": list(extent[1]),
            "showticklabels": False,
        },
    }


def _panel_title(history: History, color: str, left: float, top: float) -> dict:
    """The panel's title at its top left: the optimizer, its test accuracy, its divergence."""
    accuracy = history.test_accuracy[-1]
    return {
        "text": f"<b>{history.label}</b> · test {accuracy:.1%}"
        + (f" · diverged in epoch {history.diverged_at}" if history.diverged_at else ""),
        "xref": "paper",
        "yref": "paper",
        "x": left,
        "y": top,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": color if color.lower() != "#ffffff" else "#1d2733"},
    }


def boundaries_figure(
    network: MLP,
    histories: list[History],
    colors: list[str],
    data: Dataset,
    *,
    columns: int | None = None,
    resolution: int = 60,
    panel_height: int = 300,
) -> dict:
    """One panel per optimizer: p(class 1) shaded under the data, the p = ½ boundary drawn.

    ``columns`` panels a row (default: 2 for two or four panels, else up to 3).
    """
    if columns is None:
        columns = 2 if len(histories) in (2, 4) else min(len(histories), 3)
    extent = grid_extent(data)
    rows = math.ceil(len(histories) / columns)
    gap = 0.04
    width = (1 - gap * (columns - 1)) / columns
    height = (1 - gap * 2 * (rows - 1)) / rows
    traces, layout = [], {}
    for i, (history, color) in enumerate(zip(histories, colors, strict=True)):
        row, col = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        axes = (f"x{suffix}", f"y{suffix}")
        xs, ys, p = probability_grid(network, history.params, extent, resolution)
        traces.append(_probability_contour(xs, ys, p, color, axes))
        traces += _points(data, axes=axes, legend=i == 0)
        left = col * (width + gap)
        top = 1 - row * (height + 2 * gap)
        layout |= _panel_axes(suffix, axes, left, top, (width, height), extent)
        layout.setdefault("annotations", []).append(_panel_title(history, color, left, top))
    layout |= {
        "height": panel_height * rows + 60,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "y": -0.02, "yanchor": "top"},
    }
    return {"data": traces, "layout": layout}


def summary_table(histories: list[History], target: float) -> pd.DataFrame:
    """One row per optimizer: final losses and test accuracy, and the epoch and training seconds
    at which its training loss first fell to ``target`` (as text: "not reached" otherwise)."""
    rows = []
    for history in histories:
        reached = history.reached(target)
        rows.append(
            {
                "optimizer": history.label,
                "final test accuracy": history.test_accuracy[-1],
                "final training loss": history.train_loss[-1],
                "final test loss": history.test_loss[-1],
                "epochs to target": "not reached" if reached is None else f"{reached[0]}",
                "seconds to target": "not reached" if reached is None else f"{reached[1]:.2f}",
                "training seconds": history.seconds[-1],
                "status": (
                    f"diverged in epoch {history.diverged_at}"
                    if history.diverged_at is not None
                    else f"{history.epochs[-1]} epochs"
                ),
            }
        )
    return pd.DataFrame(rows)


def summary_markdown(histories: list[History], target: float) -> str:
    """``summary_table`` as a Markdown table of short text, its target named in the headers.

    Drawn as Markdown, like the Playground's run table, its headers wrap: every column stays
    in view however narrow the page (a data grid cuts the last ones off behind a scroll bar).
    """
    table = summary_table(histories, target)
    table["final test accuracy"] = table["final test accuracy"].map("{:.1%}".format)
    for column in ("final training loss", "final test loss"):
        table[column] = table[column].map("{:.4g}".format)
    table["training seconds"] = table["training seconds"].map("{:.2f}".format)
    reached = f"training loss ≤ {target:g}"
    table = table.rename(
        columns={
            "epochs to target": f"epochs to {reached}",
            "seconds to target": f"seconds to {reached}",
        }
    )
    return markdown_table(table)
