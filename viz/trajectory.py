"""The animated race: trajectories of several runs over a surface, as a plain Plotly figure dict.

Use::

    runs = [Trajectory("Adam", "#e45756", path, values), ...]   # path (T+1, 2), values (T+1,)
    fig = trajectory_figure(surface, runs, trail=10, panels="overlay", frame_ms=40)
    st.plotly_chart(ui.figures.prebuilt(fig))                     # or go.Figure(fig)

What stays still is drawn once: the background picture and contour lines (see
``viz.background``), minima (★), saddles (✕), a faint grid of clickable points (their hover
shows J; a click can set the start point) and, with ``trail=None``, each full path. Frames
carry only the moving traces, one trail (the last ``trail`` points) and one current-point
marker per run, and the text of the step counter, so the figure grows linearly with the
number of frames. At most ``max_frames`` frames are made; longer runs are sampled evenly
(the trail still shows consecutive steps), and the slider stops at up to 100 of them. Axes
are fixed to the surface's domain: a diverging run leaves the picture instead of rescaling
it. θ₁ and θ₂ are drawn to one scale (``scaleanchor``; the chart's height follows the
domain's aspect, see ``panel_layout``), so a gradient step looks perpendicular to its contour.
``panels="side"`` gives one panel per run, same scale, wrapped into rows (``panel_grid``), all
driven by one Play button and one slider; the step counter sits above them. The animation
ends where every run has settled or diverged (``settled_step``), and the counter says so.

The figure is a dict (building ``go.Frame`` objects is ~40x slower); ``go.Figure(fig)``
accepts it, which is what the tests check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from viz.background import Background, surface_background
from viz.encode import decimals_for, rounded, typed
from viz.internals import internal_frame, internal_traces, rounded_internals

PALETTE = (
    "#e4572e",  # vermilion
    "#f3a712",  # amber
    "#29bf12",  # green
    "#ff66b3",  # pink
    "#a259ff",  # violet
    "#00d1c1",  # teal
    "#ffe74c",  # yellow
    "#ffffff",  # white
)
CONTOUR_COLOR = "rgba(255, 255, 255, 0.35)"
MUTED_COLOR = "#6b7785"
RAIL_INSET = 10  # px: plotly.js's ``stepInset``, how far inside the rail the end steps sit
SLIDER_LABEL_DROP = 85  # px from the slider's top to the top of its step labels
SLIDER_STOPS = 100  # at most: the slider moves every k-th frame of a longer animation
MINIMUM_COLOR = "#ffd400"
COUNTER_SHADOW = ", ".join(f"{dx}px {dy}px 2px #000000" for dx in (1, -1) for dy in (1, -1))
# Equal scale: panels are laid out for a nominal chart width (the Playground's main column at
# a 1400 px window); plotly.js keeps θ₁ and θ₂ on one scale at any width.
CHART_WIDTH = 940
MARGIN = {"l": 50, "r": 20, "b": 110}
PLOT_WIDTH = CHART_WIDTH - MARGIN["l"] - MARGIN["r"]
PLOT_HEIGHT = 520  # px: the overlay's panel at most (a square domain: 520 × 520)
SIDE_PLOT_HEIGHT = 760  # px: all side-by-side panels with their titles at most
PANEL_GAP_X, PANEL_GAP_Y = 40, 50  # px between panels: tick labels, the θ₁ title
PANEL_TITLE = 44  # px above each side-by-side panel: its run's name, then the step counter
MAX_ASPECT = 4.0
SETTLE_TOLERANCE = 0.005  # of the domain's longer side: see settled_step
BUTTON_STYLE = {  # Play/Pause drawn the same on every page (not the theme's grey text)
    "bgcolor": "#ffffff",
    "bordercolor": "#8a96a3",
    "font": {"color": "#1d2733", "size": 13},
}


@dataclass(frozen=True)
class Trajectory:
    """One run as drawn: ``path`` (T+1, 2) and ``values`` (T+1,) from step 0 to T.

    ``diverged_at`` is the 1-based step whose update left the safe region (-1: never); the
    path is frozen at its last good point after it (the engine's convention). ``internals``
    (optional): what ``optim.trace_internals`` recorded, each (T+1, 2) or (T+1,), drawn
    faintly beside the path (``viz.internals``).
    """

    label: str
    color: str
    path: np.ndarray
    values: np.ndarray
    diverged_at: int = -1
    internals: dict | None = None

    @property
    def steps(self) -> int:
        return len(self.path) - 1


def background_lines(panels: str) -> int:
    """Grid size for contour lines: side-by-side panels repeat them, and are smaller."""
    return 90 if panels == "overlay" else 60


def frame_steps(steps: int, max_frames: int) -> np.ndarray:
    """Steps shown as frames: all of 0..steps, or ``max_frames`` evenly spread (ends kept)."""
    count = min(steps + 1, max(2, max_frames))
    return np.unique(np.round(np.linspace(0, steps, count)).astype(int))


def round_step(span: float, most: int = 7) -> int:
    """The smallest of 1, 2, 5, 10, 20, 25, 50, 100, ... that cuts ``span`` into ``most`` parts
    or fewer: the spacing of the slider's step labels."""
    power = 1
    while True:
        for m in (1, 2, 2.5, 5) if power >= 10 else (1, 2, 5):
            if span <= most * m * power:
                return int(m * power)
        power *= 10


def slider_labels(stops: np.ndarray, slider: dict, color: str) -> list[dict]:
    """Round step numbers under the frame slider, as annotations (plotly.js would label every
    k-th stop, a wall of numbers). Stop i sits at fraction f = i / (stops - 1) of the rail,
    which plotly.js insets by ``RAIL_INSET`` px at both ends: paper x = x + len·f, shifted by
    pad.l + inset − f·(pad.l + pad.r + 2·inset) px. A step between two frames is placed
    proportionally between them."""
    last = max(len(stops) - 1, 1)
    pad = slider["pad"]
    labels = []
    for step in range(0, int(stops[-1]) + 1, round_step(float(stops[-1]))):
        f = float(np.interp(step, stops, np.arange(len(stops)))) / last
        labels.append(
            {
                "text": str(step),
                "xref": "paper",
                "yref": "paper",
                "x": slider["x"] + slider["len"] * f,
                "xshift": pad["l"] + RAIL_INSET - f * (pad["l"] + pad["r"] + 2 * RAIL_INSET),
                "y": slider["y"],
                "yshift": -SLIDER_LABEL_DROP,
                "xanchor": "center",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 11, "color": color},
            }
        )
    return labels


def _axis_names(index: int) -> tuple[str, str]:
    suffix = "" if index == 0 else str(index + 1)
    return f"x{suffix}", f"y{suffix}"


def settled_step(runs: list[Trajectory], domain, tolerance: float = SETTLE_TOLERANCE) -> int:
    """The step from which nothing visible happens any more: the animation's last frame.

    Rule: let L be the longer side of ``domain`` and T a run's last step. A run has settled
    from step k when every point from k to T lies within ``tolerance``·L of its final point
    p_T (0.005·L is about 3 px of a 540 px chart: a quarter of the runner's marker); a run
    that diverged at step d (the engine freezes it there) counts as settled from d, where its
    ✕ appears. Non-finite points are never within reach. The answer is the largest such k
    over all runs (the longest run's T when one keeps moving; 0 without runs).
    """
    (x0, x1), (y0, y1) = domain
    reach = tolerance * max(x1 - x0, y1 - y0)
    settled = 0
    for run in runs:
        with np.errstate(invalid="ignore"):
            distance = np.hypot(*(np.asarray(run.path, float) - run.path[-1]).T)
        distance = np.where(np.isfinite(distance), distance, np.inf)
        # farthest distance from the final point over steps k..T, for every k
        ahead = np.maximum.accumulate(distance[::-1])[::-1]
        step = int(np.argmax(ahead <= reach))
        settled = max(settled, step, run.diverged_at if run.diverged_at > 0 else 0)
    return min(settled, max((run.steps for run in runs), default=0))


def aspect_of(domain) -> float:
    """Height over width of the domain as drawn: the true ratio within [1/MAX_ASPECT,
    MAX_ASPECT] (θ₁ and θ₂ on one scale), else clamped there (a 100:1 strip drawn to scale
    would be a line, so such a domain is stretched and its axes keep their own scales)."""
    (x0, x1), (y0, y1) = domain
    return float(np.clip((y1 - y0) / (x1 - x0), 1 / MAX_ASPECT, MAX_ASPECT))


def is_equal_scale(domain) -> bool:
    (x0, x1), (y0, y1) = domain
    return math.isclose(aspect_of(domain), (y1 - y0) / (x1 - x0))


def _panel_width(rows: int, columns: int, aspect: float, title: float, height: float) -> float:
    """The width in px of each of rows × columns panels of height/width ``aspect`` that fit
    the nominal plot area (``PLOT_WIDTH`` wide, ``height`` tall, gaps and titles taken off)."""
    across = (PLOT_WIDTH - (columns - 1) * PANEL_GAP_X) / columns
    down = (height - rows * title - (rows - 1) * PANEL_GAP_Y) / rows
    return min(across, down / aspect)


def panel_grid(count: int, aspect: float = 1.0) -> tuple[int, int]:
    """(rows, columns) for ``count`` side-by-side panels: the grid of up to 4 columns with the
    largest panels in the nominal plot area, where each extra row must buy 25 % larger panels
    (4 square panels: 2 × 2 rather than four slivers)."""
    best, best_score = (1, 1), -math.inf
    for columns in range(min(max(count, 1), 4), 0, -1):
        rows = math.ceil(count / columns)
        width = _panel_width(rows, columns, aspect, PANEL_TITLE, SIDE_PLOT_HEIGHT)
        score = width / 1.25 ** (rows - 1)
        if score > best_score * (1 + 1e-9):
            best, best_score = (rows, columns), score
    return best


@dataclass(frozen=True)
class PanelLayout:
    """Where the panels go, as paper fractions of the nominal chart, and its height in px."""

    x_domains: list[list[float]]
    y_domains: list[list[float]]
    rows: int
    columns: int
    height: int
    margin_top: int


def panel_layout(domain, count: int, side: bool) -> PanelLayout:
    """Panels at one scale, sized so the domain's aspect fills the nominal chart width
    (``CHART_WIDTH``) up to a height; plotly.js keeps the scale at any other width
    (``scaleanchor``, ``constrain: "domain"``), only the margins around the panels change."""
    aspect = aspect_of(domain)
    rows, columns = panel_grid(count, aspect) if side else (1, 1)
    title = PANEL_TITLE if side else 0
    width = _panel_width(rows, columns, aspect, title, SIDE_PLOT_HEIGHT if side else PLOT_HEIGHT)
    panel = (width, width * aspect)
    # whole pixels: the chart's height is an integer, and the panels' fractions of it exact
    plot_height = math.ceil(rows * (title + panel[1]) + (rows - 1) * PANEL_GAP_Y)
    left = (PLOT_WIDTH - columns * panel[0] - (columns - 1) * PANEL_GAP_X) / 2
    x_domains, y_domains = [], []
    for index in range(count if side else 1):
        row, column = divmod(index, columns)
        x = left + column * (panel[0] + PANEL_GAP_X)
        top = plot_height - title - row * (title + panel[1] + PANEL_GAP_Y)
        x_domains.append([x / PLOT_WIDTH, (x + panel[0]) / PLOT_WIDTH])
        y_domains.append([(top - panel[1]) / plot_height, top / plot_height])
    margin_top = 10 if side else 40  # overlay: the legend sits above the panel
    height = round(plot_height + margin_top + MARGIN["b"])
    return PanelLayout(x_domains, y_domains, rows, columns, height, margin_top)


def _markers(name: str, x, y, marker: dict, hovertemplate: str, **extra) -> dict:
    """A legend-less marker trace (start grid, minima, saddles)."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": x,
        "y": y,
        "marker": marker,
        "hovertemplate": hovertemplate,
        "showlegend": False,
        **extra,
    }


def _static_traces(surface, lines, axes, clickable: int, decimals: int) -> list[dict]:
    """Contour lines, clickable grid, minima and saddles for one panel."""
    xref, yref = axes
    (x0, x1), (y0, y1) = surface.domain
    traces = [
        {
            "type": "scatter",
            "x": typed(lines[0]),
            "y": typed(lines[1]),
            "mode": "lines",
            "line": {"color": CONTOUR_COLOR, "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "contours",
        }
    ]
    if clickable:
        gx, gy = np.meshgrid(np.linspace(x0, x1, clickable), np.linspace(y0, y1, clickable))
        points = np.stack([gx.ravel(), gy.ravel()], axis=-1)
        with np.errstate(all="ignore"):
            values = np.asarray(surface(points), dtype=float)
        traces.append(
            _markers(
                "start grid",
                rounded(points[:, 0], decimals),
                rounded(points[:, 1], decimals),
                {"size": 7, "color": "rgba(255, 255, 255, 0.12)"},
                "θ₁=%{x}<br>θ₂=%{y}<br>J=%{customdata:.4g}<extra>click: start here</extra>",
                customdata=rounded(values, 6),
            )
        )
    minima = list(getattr(surface, "minima", ()))
    if minima:
        star = {"symbol": "star", "color": MINIMUM_COLOR, "line": {"color": "#3a2e00", "width": 1}}
        traces.append(
            _markers(
                "minima",
                [m.x for m in minima],
                [m.y for m in minima],
                star | {"size": [16 if m.is_global else 11 for m in minima]},
                "%{text}<br>(%{x:.4g}, %{y:.4g})<br>J=%{customdata:.4g}<extra></extra>",
                customdata=[m.value for m in minima],
                text=["global minimum" if m.is_global else "local minimum" for m in minima],
            )
        )
    saddles = list(getattr(surface, "saddles", ()))
    if saddles:
        traces.append(
            _markers(
                "saddles",
                [s[0] for s in saddles],
                [s[1] for s in saddles],
                {"symbol": "x", "size": 11, "color": "#ffffff", "line": {"width": 1}},
                "saddle point<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    for trace in traces:
        trace["xaxis"], trace["yaxis"] = xref, yref
    return traces


def _step_counter(domain, axes, text: str, above: bool = False) -> dict:
    """The step counter: in the top-right corner of the panel on ``axes``, or just above it
    (``above``: side by side, clear of every panel); frames set its text. White with a dark
    outline, readable on the light and the dark ends of the colour scale and on the page."""
    (x0, x1), (y0, y1) = domain
    inset = 0 if above else 0.015
    return {
        "type": "scatter",
        "mode": "text",
        "x": [x1 - inset * (x1 - x0)],
        "y": [y1 - inset * (y1 - y0)],
        "text": [text],
        "textposition": "top left" if above else "bottom left",
        "textfont": {"color": "#ffffff", "size": 14, "shadow": COUNTER_SHADOW},
        "cliponaxis": False,
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "step counter",
        "xaxis": axes[0],
        "yaxis": axes[1],
    }


def counter_texts(runs: list[Trajectory], shown: np.ndarray, counter) -> list[str]:
    """The counter's text at each frame: ``counter(step)``, and at the last frame of an
    animation that ends before the runs do, that every run has settled (or diverged)."""
    texts = [counter(step) for step in shown.tolist()]
    if runs and shown[-1] < max(run.steps for run in runs):
        diverged = any(0 < run.diverged_at <= shown[-1] for run in runs)
        what = "settled or diverged" if diverged else "settled"
        texts[-1] += f" · {'all runs ' if len(runs) > 1 else ''}{what}"
    return texts


class _RoundedPath:
    """A run's path rounded once, as JSON-ready lists, so frames are cheap list slices."""

    def __init__(self, run: Trajectory, decimals: int):
        self.run = run
        self.x = rounded(run.path[:, 0], decimals)
        self.y = rounded(run.path[:, 1], decimals)
        self.internals = rounded_internals(run.internals, decimals)

    def frame(self, step: int, trail: int) -> list[dict]:
        """Every moving trace at ``step``: the internals (drawn behind), trail, point."""
        internals = [internal_frame(n, xy, step, trail) for n, xy in self.internals.items()]
        return [*internals, *self.moving(step, trail)]

    def moving(self, step: int, trail: int) -> tuple[dict, dict]:
        """The trail (last ``trail`` points up to ``step``) and the current point."""
        step = min(step, self.run.steps)
        first = max(0, step - trail + 1)
        trail_trace = {"x": self.x[first : step + 1], "y": self.y[first : step + 1]}
        point_trace = {"x": [self.x[step]], "y": [self.y[step]]}
        if self.run.diverged_at > 0:  # only diverging runs pay for a symbol in every frame
            diverged = self.run.diverged_at <= step
            point_trace["marker"] = {"symbol": "x" if diverged else "circle"}
        return trail_trace, point_trace


def _panel_axes(index: int, panels: PanelLayout, domain) -> dict:
    """Layout entries of panel ``index``: its two axes on one scale (``scaleanchor``; plotly.js
    shrinks the panel, never the ranges, to keep it) and its background picture."""
    (x0, x1), (y0, y1) = domain
    xname, yname = _axis_names(index)
    row, column = divmod(index, panels.columns)
    common = {"showgrid": False, "zeroline": False, "fixedrange": True, "constrain": "domain"}
    y_axis = {"range": [y0, y1], "domain": panels.y_domains[index], "anchor": xname, **common}
    if is_equal_scale(domain):
        y_axis |= {"scaleanchor": xname, "scaleratio": 1}
    last_row = row == panels.rows - 1 or index + panels.columns >= len(panels.x_domains)
    return {
        f"xaxis{xname[1:]}": {
            "range": [x0, x1],
            "domain": panels.x_domains[index],
            "anchor": yname,
            "title": {"text": "θ₁"} if last_row else None,
            **common,
        },
        f"yaxis{yname[1:]}": y_axis | {"title": {"text": "θ₂"} if column == 0 else None},
    }


def _background_image(source: str, axes, domain) -> dict:
    (x0, x1), (y0, y1) = domain
    return {
        "source": source,
        "xref": axes[0],
        "yref": axes[1],
        "x": x0,
        "y": y1,
        "sizex": x1 - x0,
        "sizey": y1 - y0,
        "sizing": "stretch",
        "layer": "below",
    }


def _panel_title(run: Trajectory, x_domain, y_domain) -> dict:
    """A side-by-side panel's run name, above the line its step counter may take."""
    return {
        "text": f"<b>{run.label}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": sum(x_domain) / 2,
        "y": y_domain[1],
        "yshift": PANEL_TITLE // 2,
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": run.color if run.color != "#ffffff" else None},
    }


def _run_traces(
    run: Trajectory, path: _RoundedPath, axes, trail: int, full_path: bool, legend: bool
) -> list[dict]:
    """One run's traces on one panel: its dotted full path (``full_path``), then its moving
    traces at step 0: its internals' (if any), the trail and the current point."""
    common = {"xaxis": axes[0], "yaxis": axes[1], "legendgroup": run.label}
    traces = []
    if full_path:
        traces.append(
            {
                "type": "scatter",
                "x": typed(run.path[:, 0]),
                "y": typed(run.path[:, 1]),
                "mode": "lines",
                "line": {"color": run.color, "width": 1.2, "dash": "dot"},
                "opacity": 0.8,
                "hoverinfo": "skip",
                "showlegend": False,
                "name": f"{run.label} path",
                **common,
            }
        )
    # no legend entries: one per internal per run would crowd the chart (a caption explains)
    traces += internal_traces(run, path.internals, 0, trail, axes, False)
    trail_trace, point_trace = path.moving(0, trail)
    marker = {"size": 12, "color": run.color, "line": {"color": "#111111", "width": 1.5}}
    moving = {"name": run.label, "hoverinfo": "name+x+y", **common}
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "line": {"color": run.color, "width": 2.5},
            "marker": {"size": 4, "color": run.color},
            "showlegend": legend,
            **trail_trace,
            **moving,
        }
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "marker": marker | point_trace.pop("marker", {}),
            "showlegend": False,
            **point_trace,
            **moving,
        }
    )
    return traces


def animation_controls(stops: np.ndarray, frame_ms: int, redraw: bool = False) -> dict:
    """Layout entries for ▶ Play / ❚❚ Pause and the frame slider over ``stops`` (frame names
    are step numbers), with round step numbers under the rail. ``redraw`` for traces plotly.js
    cannot move without redrawing (3-D)."""
    play = {
        "frame": {"duration": frame_ms, "redraw": redraw},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    pause = {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate"}
    # the rail starts a fixed 145 px in (pad.l), clear of the Play/Pause buttons at any width,
    # and 54 px down (pad.t), clear of the θ₁ axis title
    slider = {"x": 0, "len": 1, "y": 0, "pad": {"t": 54, "l": 145, "r": 0}}
    buttons = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 45, "r": 10},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
        ],
    }
    return {
        "updatemenus": [buttons | BUTTON_STYLE],
        "sliders": [
            slider
            | {
                "active": 0,
                "yanchor": "top",
                # Slider stops cost plotly.js DOM work on first paint, and distinct labels
                # most (each is measured twice: ~0.3 s for 300): so at most 100 stops, all
                # with the same empty label. Play still shows every frame and the step
                # counter (a trace) every step; round numbers under the rail are annotations.
                "currentvalue": {"visible": False},
                "font": {"color": "rgba(0, 0, 0, 0)"},
                "ticklen": 0,
                "minorticklen": 0,
                "transition": {"duration": 0},
                "steps": [
                    {"label": "", "value": str(s), "method": "animate", "args": [[str(s)], pause]}
                    for s in stops.tolist()
                ],
            }
        ],
        "annotations": slider_labels(stops, slider, MUTED_COLOR),
    }


def animated_steps(
    runs: list[Trajectory], domain, max_frames: int, settle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The steps shown as frames (0 to the step where every run has settled, see
    ``settled_step``, or with ``settle`` False to the last step; at most ``max_frames`` of
    them) and the slider's stops among them."""
    last = max((run.steps for run in runs), default=0)
    shown = frame_steps(settled_step(runs, domain) if settle else last, max_frames)
    return shown, shown[frame_steps(len(shown) - 1, SLIDER_STOPS)]  # every frame up to 100


def _panel_traces(
    surface,
    runs,
    paths,
    grid: PanelLayout,
    background: Background,
    *,
    side: bool,
    trail: int,
    full_path: bool,
    clickable: int,
    decimals: int,
) -> tuple[list[dict], list[int], dict]:
    """Every panel's still traces (background image, contours, markers, clickable grid) and
    each run's trail and current point: (traces, indices of the moving ones, layout with axes,
    images and, side by side, the panels' titles)."""
    domain = surface.domain
    lines = (background.lines_x, background.lines_y)
    data: list[dict] = []
    moving: list[int] = []
    layout: dict = {"images": [], "annotations": []}
    for index in range(len(grid.x_domains)):
        axes = _axis_names(index)
        layout |= _panel_axes(index, grid, domain)
        layout["images"].append(_background_image(background.image, axes, domain))
        data += _static_traces(surface, lines, axes, clickable, decimals)
        if side:
            layout["annotations"].append(
                _panel_title(runs[index], grid.x_domains[index], grid.y_domains[index])
            )
        for run in [runs[index]] if side else runs:
            traces = _run_traces(run, paths[id(run)], axes, trail, full_path, not side)
            end = len(data) + len(traces)
            moving += range(end - 2 - len(paths[id(run)].internals), end)
            data += traces
    return data, moving, layout


def _frames(runs, paths, shown: np.ndarray, texts: list[str], trail: int, moving) -> list[dict]:
    """One frame per shown step: each run's internals, trail and current point, then the
    counter's text, for the traces at indices ``moving``."""
    return [
        {
            "name": str(step),
            "data": [trace for run in runs for trace in paths[id(run)].frame(step, trail)]
            + [{"text": [text]}],
            "traces": moving,
        }
        for step, text in zip(shown.tolist(), texts, strict=True)
    ]


def _figure_layout(layout: dict, grid: PanelLayout, controls: dict, height: int | None) -> dict:
    """The panels' ``layout`` completed: Play/Pause and slider (``controls``, whose slider
    labels join the annotations), height, margins, colours, click mode and legend."""
    layout["annotations"] += controls.pop("annotations")
    layout.update(
        height=height or grid.height,
        margin=MARGIN | {"t": grid.margin_top, "pad": 0},
        plot_bgcolor="#17324d",
        hovermode="closest",
        dragmode=False,
        clickmode="event+select",
        legend={"orientation": "h", "x": grid.x_domains[0][0], "y": 1.02, "yanchor": "bottom"},
        uirevision="trajectories",
        **controls,
    )
    return layout


def trajectory_figure(
    surface,
    runs: list[Trajectory],
    *,
    trail: int | None = 10,
    panels: str = "overlay",
    max_frames: int = 300,
    frame_ms: int = 40,
    background: Background | None = None,
    clickable: int = 21,
    height: int | None = None,
    counter: Callable[[int], str] = "step {}".format,
    settle: bool = True,
) -> dict:
    """Animated contour chart of ``runs`` on ``surface`` (duck-typed: callable, ``domain``,
    optional ``minima``, ``saddles``, ``log_scale``, ``label``); see the module docstring.
    ``counter`` gives the text of the step counter at each frame's step; ``settle`` False
    plays to the last step even after every run has settled (a still step view at step t)."""
    if panels not in ("overlay", "side"):
        raise ValueError(f"panels must be 'overlay' or 'side', not {panels!r}")
    full_path = trail is None
    trail = 10 if full_path else max(1, int(trail))
    domain = surface.domain
    decimals = decimals_for(max(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0]))
    if background is None:
        background = surface_background(surface, line_resolution=background_lines(panels))

    paths = {id(run): _RoundedPath(run, decimals) for run in runs}
    side = panels == "side" and bool(runs)
    grid = panel_layout(domain, len(runs) if side else 1, side)
    data, moving, layout = _panel_traces(
        surface, runs, paths, grid, background,
        side=side, trail=trail, full_path=full_path, clickable=clickable, decimals=decimals,
    )  # fmt: skip

    shown, stops = animated_steps(runs, domain, max_frames, settle)
    texts = counter_texts(runs, shown, counter)
    moving.append(len(data))
    data.append(_step_counter(domain, _axis_names(grid.columns - 1 if side else 0), texts[0], side))
    frames = _frames(runs, paths, shown, texts, trail, moving)
    layout = _figure_layout(layout, grid, animation_controls(stops, frame_ms), height)
    return {"data": data, "layout": layout, "frames": frames}
