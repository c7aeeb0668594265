"""Figures and tables of the atlas (atlas.Basins, atlas.Sensitivity, atlas.HyperMap).

Basin images: one per setting on one colour key: a hue per minimum, mixed towards white by
0.7·√(steps/budget) (lighter the more steps it needed), grey when not settled, black when
diverged; the surface's contour lines faint on top. Images sit in ``layout.images`` as PNG data
URIs (row 0 = lowest y), so each is one picture however many starts it shows. Every start is a
click target (``click_targets``: invisible points in grid units, 1 byte a coordinate) whose
click ``clicked_start`` turns back into the start. ``basins_png`` draws the same atlas with
its legend as a PNG through viz.export's renderer.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image, ImageDraw
from plotly.subplots import make_subplots

from viz import export
from viz.axes import log_axis, log_range
from viz.background import _hex_rgb, contour_levels, contour_lines, sample_surface
from viz.encode import typed
from viz.trajectory import CHART_WIDTH

MINIMUM_COLOURS = (
    "#e4572e",
    "#17bebb",
    "#ffc914",
    "#76b041",
    "#7b2cbf",
    "#ff66b3",
    "#2e86de",
    "#a0522d",
    "#00a878",
    "#c0392b",
    "#3d5a80",
    "#d81159",
    "#0b6e4f",
    "#ff9f1c",
    "#b5838d",
    "#6a994e",
)  # a 17th minimum takes the first hue again
NOT_SETTLED_RGB = (170, 170, 170)
DIVERGED_RGB = (0, 0, 0)
OUTCOMES = {-1: "not settled", -2: "diverged"}
CONTOUR_COLOUR = "rgba(255,255,255,0.45)"


def minimum_colour(index: int) -> str:
    return MINIMUM_COLOURS[index % len(MINIMUM_COLOURS)]


def basin_rgb(label: np.ndarray, steps: np.ndarray, budget: int) -> np.ndarray:
    """(ny, nx, 3) uint8 colours of one setting's starts (see module docstring)."""
    rgb = np.empty((*label.shape, 3))
    rgb[:] = NOT_SETTLED_RGB
    rgb[label == -2] = DIVERGED_RGB
    light = 0.7 * np.sqrt(np.clip(steps, 0, budget) / max(budget, 1))
    for index in np.unique(label[label >= 0]):
        at = label == index
        hue = np.array(_hex_rgb(minimum_colour(int(index))), dtype=float)
        rgb[at] = hue + (255 - hue) * light[at, None]
    return rgb.round().astype(np.uint8)


def png_uri(rgb: np.ndarray) -> str:
    """A PNG data URI of ``rgb`` with row 0 at the bottom."""
    buffer = io.BytesIO()
    Image.fromarray(np.flipud(rgb), "RGB").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def faint_contours(surface, resolution: int = 90, levels: int = 12):
    """Contour lines (x, y with NaN breaks) of ``surface`` on its domain."""
    grid = sample_surface(surface, resolution)
    return contour_lines(
        grid.xs, grid.ys, grid.values, contour_levels(grid.values, levels, grid.log)
    )


def basins_figure(result, contours=None, height=None, spacing: float = 0.02) -> dict:
    """One basin image per setting side by side (``spacing`` apart, a share of the width),
    shared axes, minima marked; ``height`` by default fits panels of one scale at the
    chart's nominal width (``basins_height``)."""
    count = len(result.settings)
    height = basins_height(result, spacing) if height is None else height
    fig = make_subplots(
        1,
        count,
        shared_yaxes=True,
        horizontal_spacing=spacing,
        subplot_titles=[s.label for s in result.settings],
    )
    (x0, x1), (y0, y1) = _extent(result)
    for i in range(count):
        col = i + 1
        rgb = basin_rgb(result.label[i], result.steps[i], result.steps_budget)
        suffix = "" if i == 0 else str(col)
        fig.add_layout_image(
            source=png_uri(rgb),
            xref=f"x{suffix}",
            yref=f"y{suffix}",
            x=x0,
            y=y1,
            sizex=x1 - x0,
            sizey=y1 - y0,
            sizing="stretch",
            layer="below",
        )
        if contours is not None:
            fig.add_trace(
                go.Scatter(
                    x=typed(contours[0]),
                    y=typed(contours[1]),
                    mode="lines",
                    hoverinfo="skip",
                    line={"color": CONTOUR_COLOUR, "width": 0.8},
                    showlegend=False,
                    name="contours",
                ),
                1,
                col,
            )
        fig.add_trace(_minima_markers(result, show=i == 0), 1, col)
        # one scale by shrinking the panels, never by widening the ranges: the click
        # targets' own axes (add_clicks_and_paths) are laid over exactly these ranges
        axes = {"showgrid": False, "zeroline": False, "constrain": "domain"}
        fig.update_xaxes(range=[x0, x1], row=1, col=col, **axes)
        fig.update_yaxes(
            range=[y0, y1], row=1, col=col, scaleanchor=f"x{suffix}", scaleratio=1, **axes
        )
    fig.update_layout(
        height=height,
        margin=MARGIN,
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom", "yref": "container"},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig.to_dict()


MARGIN = {"l": 40, "r": 10, "t": 40, "b": 60}  # b: tick labels, then the legend


def basins_height(result, spacing: float = 0.02, width: int = CHART_WIDTH) -> int:
    """Figure height (px) at which panels of one scale fill a chart ``width`` px wide, within
    [260, 640] (the panels shrink about their centres if the page is narrower)."""
    count = len(result.settings)
    panel = (width - MARGIN["l"] - MARGIN["r"]) * (1 - spacing * (count - 1)) / count
    (x0, x1), (y0, y1) = _extent(result)
    plot = panel * (y1 - y0) / (x1 - x0)
    return int(np.clip(plot + MARGIN["t"] + MARGIN["b"], 260, 640))


def _extent(result):
    """The domain the start grid covers: cell centres ± half a cell."""
    dx, dy = np.diff(result.xs[:2])[0] / 2, np.diff(result.ys[:2])[0] / 2
    return (result.xs[0] - dx, result.xs[-1] + dx), (result.ys[0] - dy, result.ys[-1] + dy)


def _minima_markers(result, show: bool) -> go.Scatter:
    return go.Scatter(
        x=[m.x for m in result.minima],
        y=[m.y for m in result.minima],
        mode="markers",
        marker={
            "color": [minimum_colour(i) for i in range(len(result.minima))],
            "size": 11,
            "symbol": ["star" if m.is_global else "circle" for m in result.minima],
            "line": {"color": "#ffffff", "width": 1.5},
        },
        name="minima (★ global)",
        showlegend=show,
        hovertext=[_minimum_name(i, m) for i, m in enumerate(result.minima)],
        hoverinfo="text",
    )


def _minimum_name(index: int, m) -> str:
    kind = "global" if m.is_global else "local"
    return f"M{index + 1} ({m.x:.3g}, {m.y:.3g}), J = {m.value:.4g}, {kind}"


def basins_legend(result, names=None) -> pd.DataFrame:
    """Per minimum: colour, position, value, global or local, share of starts per setting
    (columns ``names``, the settings' labels by default); then not settled and diverged."""
    shares = result.shares()
    rows = []
    for i, m in enumerate(result.minima):
        rows.append(
            {
                "colour": minimum_colour(i),
                "minimum": f"M{i + 1}",
                "position": f"({m.x:.4g}, {m.y:.4g})",
                "J": m.value,
                "kind": "global" if m.is_global else "local",
            }
        )
    rows.append(
        {"colour": "#aaaaaa", "minimum": "not settled", "position": "", "J": np.nan, "kind": ""}
    )
    rows.append(
        {"colour": "#000000", "minimum": "diverged", "position": "", "J": np.nan, "kind": ""}
    )
    table = pd.DataFrame(rows)
    for s, name in enumerate(names or [setting.label for setting in result.settings]):
        table[name] = shares[s]
    return table


def basins_summary(result, names=None) -> pd.DataFrame:
    """Per setting: shares reaching a global minimum, any minimum, not settled, diverged;
    median and 90th-percentile steps over the starts that reached a minimum."""
    is_global = np.array([m.is_global for m in result.minima] + [False, False])  # [-2], [-1]
    rows = []
    for s, setting in enumerate(result.settings):
        label, steps = result.label[s].ravel(), result.steps[s].ravel()
        reached = steps[label >= 0]
        rows.append(
            {
                "optimizer": names[s] if names else setting.label,
                "global minimum": float(np.mean(is_global[label] & (label >= 0))),
                "any minimum": float(np.mean(label >= 0)),
                "not settled": float(np.mean(label == -1)),
                "diverged": float(np.mean(label == -2)),
                "median steps": float(np.median(reached)) if reached.size else np.nan,
                "90th pct steps": float(np.percentile(reached, 90)) if reached.size else np.nan,
            }
        )
    return pd.DataFrame(rows)


def basins_csv(result) -> pd.DataFrame:
    """Tidy per-start results: start x, y, optimizer, settings, endpoint, minimum, steps,
    diverged (the step, −1 never)."""
    gx, gy = np.meshgrid(result.xs, result.ys)
    names = [f"M{i + 1}" for i in range(len(result.minima))]
    frames = []
    for s, setting in enumerate(result.settings):
        label = result.label[s].ravel()
        frames.append(
            pd.DataFrame(
                {
                    "start_x": gx.ravel(),
                    "start_y": gy.ravel(),
                    "optimizer": setting.optimizer,
                    "settings": " ".join(f"{k}={v}" for k, v in setting.values),
                    "end_x": result.final[s, ..., 0].ravel(),
                    "end_y": result.final[s, ..., 1].ravel(),
                    "minimum": [OUTCOMES.get(i) or names[i] for i in label],
                    "steps": result.steps[s].ravel(),
                    "diverged_at": result.diverged_at[s].ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def sensitivity_figure(result, colours, names=None, height: int = 520) -> dict:
    """Top: median J − J* against α (log-log) with the interquartile band (drawn where both
    quartiles are finite); bottom: success rate against α. ``colours`` (and ``names``, the
    settings' labels by default): one per setting."""
    q25, q50, q75 = result.quartiles()
    rate = result.success_rate()
    names = names or [_setting_name(s) for s in result.settings]
    fig = make_subplots(2, 1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38])
    for s in range(len(result.settings)):
        colour, name = colours[s], names[s]
        for band in _bands(result.lrs, q25[s], q75[s]):
            fig.add_trace(
                go.Scatter(
                    x=band[0],
                    y=band[1],
                    fill="toself",
                    mode="lines",
                    line={"width": 0},
                    fillcolor=_translucent(colour),
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=name,
                    name="IQR",
                ),
                1,
                1,
            )
        fig.add_trace(
            go.Scatter(
                x=result.lrs,
                y=q50[s],
                mode="lines+markers",
                name=name,
                line={"color": colour},
                legendgroup=name,
            ),
            1,
            1,
        )
        fig.add_trace(
            go.Scatter(
                x=result.lrs,
                y=rate[s],
                mode="lines+markers",
                name=name,
                line={"color": colour},
                legendgroup=name,
                showlegend=False,
            ),
            2,
            1,
        )
    _sensitivity_axes(fig, result.lrs, [q25, q75], height)
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig.to_dict()


def _sensitivity_axes(fig, lrs, suboptimality, height: int) -> None:
    """Log α axes shared by both rows, a log J − J* axis on top, the success rate below."""
    alphas = log_axis(log_range(lrs, pad=0.02), length=900, spacing=40)
    fig.update_xaxes(alphas, title_text="learning rate α", row=2, col=1)
    fig.update_xaxes(alphas, row=1, col=1)
    gaps = log_axis(log_range(suboptimality), length=height * 0.55)
    fig.update_yaxes(gaps, title_text="median J − J* (IQR band)", row=1, col=1)
    fig.update_yaxes(range=[-0.03, 1.03], title_text="success rate", tickformat=".0%", row=2, col=1)


def _bands(lrs, low, high) -> list[tuple[np.ndarray, np.ndarray]]:
    """Closed polygons (x, y) over each run of α where both quartiles are finite and > 0."""
    ok = np.append(np.isfinite(low) & np.isfinite(high) & (low > 0), False)
    bands, start = [], None
    for i, good in enumerate(ok):
        if good and start is None:
            start = i
        elif not good and start is not None:
            x = np.concatenate([lrs[start:i], lrs[start:i][::-1]])
            bands.append((x, np.concatenate([high[start:i], low[start:i][::-1]])))
            start = None
    return bands


def sensitivity_table(result, names=None) -> pd.DataFrame:
    """Per setting: best α (lowest median J − J*), that median, its success rate, and the good
    range's width in decades (α with ≥ 90 % success)."""
    best, widths, rate = result.best(), result.good_range(), result.success_rate()
    return pd.DataFrame(
        [
            {
                "optimizer": names[s] if names else _setting_name(setting),
                "best α": lr,
                "median J − J*": median,
                "success at best α": float(rate[s][list(result.lrs).index(lr)]),
                "good range (decades)": widths[s],
            }
            for s, (setting, (lr, median)) in enumerate(zip(result.settings, best, strict=True))
        ]
    )


def _setting_name(setting) -> str:
    values = ", ".join(
        f"{k}={v:g}" for k, v in setting.values if k != "lr" and not isinstance(v, bool)
    )
    return setting.label + (f" ({values})" if values else "")


def _translucent(colour: str, alpha: float = 0.2) -> str:
    r, g, b = _hex_rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def hyper_map_figure(result, figure: str = "rate", theory=None, height: int = 460) -> dict:
    """Heatmap of ``figure`` ("rate" or "steps", nan/−1 shown blank) over the two
    hyperparameters, with ``theory`` overlays: a dict of name -> (xs, ys) curves and
    "optimum" -> (x, y), all in the map's own coordinates."""
    z = result.rate if figure == "rate" else np.where(result.steps >= 0, result.steps, np.nan)
    fig = go.Figure(
        go.Heatmap(
            x=list(result.x_values),
            y=list(result.y_values),
            z=z.tolist(),
            colorscale="Viridis",
            reversescale=figure == "rate",
            colorbar={"title": "rate" if figure == "rate" else "steps"},
            hovertemplate=f"{result.x_name}=%{{x:.4g}}<br>{result.y_name}=%{{y:.4g}}<br>%{{z:.4g}}<extra></extra>",
        )
    )
    for name, curve in (theory or {}).items():
        if name == "optimum":
            fig.add_trace(
                go.Scatter(
                    x=[curve[0]],
                    y=[curve[1]],
                    mode="markers",
                    name=name,
                    marker={
                        "symbol": "star",
                        "size": 14,
                        "color": "white",
                        "line": {"color": "black", "width": 1},
                    },
                )
            )
        else:
            fig.add_trace(
                go.Scatter(
                    x=list(curve[0]),
                    y=list(curve[1]),
                    mode="lines",
                    name=name,
                    line={"color": "white", "dash": "dash", "width": 2},
                )
            )
    log_x = result.x_name == "lr"
    x_range = _axis_range(result.x_values, log_x)
    x_axis = log_axis(x_range, length=600, spacing=40) if log_x else {"range": x_range}
    fig.update_xaxes(x_axis, title_text=result.x_name)
    fig.update_yaxes(title_text=result.y_name, range=_axis_range(result.y_values, False))
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.1},
    )
    return fig.to_dict()


def _axis_range(values, log: bool) -> list[float]:
    values = np.asarray(values, float)
    if log:
        return [float(np.log10(values.min())), float(np.log10(values.max()))]
    return [float(values.min()), float(values.max())]


TARGETS = "starts"  # the name of the click targets' traces
BLOCK = 256  # starts a side per target trace: their grid indices fit in one byte


def click_targets(result, panel: int, count: int) -> tuple[list[dict], dict]:
    """(traces, axes): an invisible point (mode "none": no drawn element per point) at every
    start of ``panel`` (0-based, of ``count``), in grid units (column, row) on axes of their
    own laid exactly over the panel's, in blocks of at most BLOCK × BLOCK starts so that the
    indices go as 1-byte typed arrays (a block's axes are shifted by its first row and
    column, kept in its ``meta``). plotly.js reports the start under any click as the point's
    index in its block (``clicked_start``)."""
    ny, nx = len(result.ys), len(result.xs)
    corners = [(r, c) for r in range(0, ny, BLOCK) for c in range(0, nx, BLOCK)]
    base = "" if panel == 0 else str(panel + 1)
    traces, axes = [], {}
    for b, (row0, column0) in enumerate(corners):
        n = count + 1 + panel * len(corners) + b  # after the panels' own axes
        width = min(BLOCK, nx - column0)
        column, row = np.meshgrid(np.arange(width), np.arange(min(BLOCK, ny - row0)))
        traces.append(
            {
                "type": "scatter",
                "mode": "none",
                "x": typed(column.ravel(), "u1"),
                "y": typed(row.ravel(), "u1"),
                "xaxis": f"x{n}",
                "yaxis": f"y{n}",
                "hoverinfo": "none",
                "showlegend": False,
                "name": TARGETS,
                "meta": {"row": row0, "column": column0, "width": width},
            }
        )
        hidden = {"visible": False, "fixedrange": True}
        axes[f"xaxis{n}"] = {
            "overlaying": f"x{base}",
            "range": [-0.5 - column0, nx - 0.5 - column0],
            **hidden,
        }
        axes[f"yaxis{n}"] = {
            "overlaying": f"y{base}",
            "range": [-0.5 - row0, ny - 0.5 - row0],
            **hidden,
        }
    return traces, axes


def clicked_start(figure: dict, result, point: dict) -> tuple[float, float] | None:
    """The start a click on ``figure`` (from ``add_clicks_and_paths``) picked, from plotly's
    click point (``curve_number``, ``point_index``, ``x``, ``y``): a target's index names
    its start; a click on a minimum's marker picks that point; None otherwise."""
    data = figure["data"]
    curve, index = point.get("curve_number"), point.get("point_index")
    if not isinstance(curve, int) or not 0 <= curve < len(data):
        return None
    if data[curve].get("name") == TARGETS:
        block = data[curve]["meta"]
        if not isinstance(index, int) or index < 0:
            return None
        row, column = divmod(index, block["width"])
        row, column = row + block["row"], column + block["column"]
        if row >= len(result.ys) or column >= len(result.xs):
            return None
        return float(result.xs[column]), float(result.ys[row])
    x, y = point.get("x"), point.get("y")
    if isinstance(x, int | float) and isinstance(y, int | float):
        return float(x), float(y)
    return None


def add_clicks_and_paths(figure: dict, result, trajectories=()) -> dict:
    """``figure`` (from ``basins_figure``) with click targets on every start of every panel
    (the panels' axes fixed: no zoom to move them off the targets) and each trajectory drawn
    on its own setting's panel (white under-stroke, the run's colour)."""
    data, layout = list(figure["data"]), dict(figure["layout"])
    count = len(result.settings)
    for i in range(count):
        suffix = "" if i == 0 else str(i + 1)
        for axis in (f"xaxis{suffix}", f"yaxis{suffix}"):
            layout[axis] = {**layout.get(axis, {}), "fixedrange": True}
        traces, axes = click_targets(result, i, count)
        data.extend(traces)
        layout |= axes
        if i < len(trajectories):
            data.extend(
                _path_traces(trajectories[i], {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
            )
    return figure | {"data": data, "layout": layout}


def _path_traces(run, axes: dict) -> list[dict]:
    """One run's path (a white under-stroke, then its colour) and its start marker."""
    x, y = run.path[:, 0], run.path[:, 1]
    strokes = [
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "mode": "lines",
            "hoverinfo": "skip",
            "line": {"color": colour, "width": width},
            "showlegend": False,
        }
        | axes
        for colour, width in (("#ffffff", 4), (run.color, 2))
    ]
    start = {
        "type": "scatter",
        "x": [x[0]],
        "y": [y[0]],
        "mode": "markers",
        "marker": {"color": "#ffffff", "size": 9, "line": {"color": "#000000", "width": 1}},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "start",
    }
    return [*strokes, start | axes]


PNG_SPACING = 0.07  # between the PNG's panels: room for each panel's own y tick labels
LEGEND_COLUMNS = {"minimum": "minimum", "position": "position (x, y)", "J": "J", "kind": "kind"}


def basins_png(result, names=None, contours=None, width: int = 1200) -> bytes:
    """The atlas as the page shows it, drawn by viz.export's renderer: the basin images with
    the faint ``contours`` and the minima, ticks and a title per setting, then the legend
    (hue, minimum, position, J, global or local, share of starts per setting)."""
    figure = basins_figure(result, contours, spacing=PNG_SPACING)
    for trace in figure["data"]:
        trace["showlegend"] = False  # the legend is the table below
    canvas = export.layout_canvas(figure, width)
    panel = next(iter(canvas.panels.values()))
    (x0, x1), (y0, y1) = panel.x_range, panel.y_range
    plot_height = round(panel.width * (y1 - y0) / (x1 - x0))  # panels of one scale, no gaps
    canvas = export.layout_canvas(figure, width, canvas.top + plot_height + export.MARGIN["b"])
    atlas = export.base_picture(figure, canvas)
    table = legend_picture(basins_legend(result, names), canvas.scale)
    wide = max(width, export.MARGIN["l"] + table.width + export.MARGIN["r"])  # a long legend
    picture = Image.new("RGB", (wide, atlas.height + table.height))
    picture.paste(export.rgba(export.PAGE_COLOR)[:3], (0, 0, *picture.size))
    picture.paste(atlas, (0, 0))
    picture.paste(table, (export.MARGIN["l"], atlas.height))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _legend_cells(legend: pd.DataFrame) -> list[list[str]]:
    """The legend table's text, header first: fixed columns, then a share per setting."""
    shares = [c for c in legend.columns if c not in LEGEND_COLUMNS and c != "colour"]
    rows = [[*LEGEND_COLUMNS.values(), *shares]]
    for _, row in legend.iterrows():
        value = "" if np.isnan(row["J"]) else f"{row['J']:.4g}"
        fixed = [row["minimum"], row["position"], value, row["kind"]]
        rows.append([*fixed, *(f"{row[name]:.1%}" for name in shares)])
    return rows


def legend_picture(legend: pd.DataFrame, scale: float = 1.0) -> Image.Image:
    """``basins_legend`` as a picture: a swatch of each row's colour, then its cells."""
    face = export.font(max(9, round(12 * scale)))
    cells = _legend_cells(legend)
    pad, swatch, line = round(14 * scale), round(16 * scale), round(20 * scale)
    widths = [max(face.getlength(r[c]) for r in cells) for c in range(len(cells[0]))]
    lefts = np.concatenate([[swatch + pad], swatch + pad + np.cumsum(np.add(widths, pad))])
    picture = Image.new("RGB", (int(lefts[-1]), line * (len(cells) + 1)))
    picture.paste(export.rgba(export.PAGE_COLOR)[:3], (0, 0, *picture.size))
    draw = ImageDraw.Draw(picture)
    ink = export.rgba(export.TEXT_COLOR)[:3]
    for r, row in enumerate(cells):
        y = line * (r + 0.5) + line / 2
        if r:
            colour = export.rgba(legend["colour"].iloc[r - 1])[:3]
            draw.rectangle([0, y - swatch / 2, swatch, y + swatch / 2], fill=colour)
        for text, left in zip(row, lefts, strict=False):
            draw.text((float(left), y), text, font=face, fill=ink, anchor="lm")
    return picture
