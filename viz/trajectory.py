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
it. ``panels="side"`` gives one panel per run, same scale, all driven by one Play button and
one slider.

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


@dataclass(frozen=True)
class Trajectory:
    """One run as drawn: ``path`` (T+1, 2) and ``values`` (T+1,) from step 0 to T.

    ``diverged_at`` is the 1-based step whose update left the safe region (-1: never); the
    path is frozen at its last good point after it (the engine's convention).
    """

    label: str
    color: str
    path: np.ndarray
    values: np.ndarray
    diverged_at: int = -1

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


def panel_grid(count: int) -> tuple[int, int]:
    """(rows, columns) for side-by-side panels: one row up to 4 panels, else rows of 4."""
    columns = min(count, 4)
    return math.ceil(count / columns), columns


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


def _step_counter(domain, axes, text: str) -> dict:
    """The step counter in the top-right corner of the panel on ``axes``; frames set its text.
    White with a dark outline, readable on the light and the dark ends of the colour scale."""
    (x0, x1), (y0, y1) = domain
    return {
        "type": "scatter",
        "mode": "text",
        "x": [x1 - 0.015 * (x1 - x0)],
        "y": [y1 - 0.015 * (y1 - y0)],
        "text": [text],
        "textposition": "bottom left",
        "textfont": {"color": "#ffffff", "size": 14, "shadow": COUNTER_SHADOW},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "step counter",
        "xaxis": axes[0],
        "yaxis": axes[1],
    }


class _RoundedPath:
    """A run's path rounded once, as JSON-ready lists, so frames are cheap list slices."""

    def __init__(self, run: Trajectory, decimals: int):
        self.run = run
        self.x = rounded(run.path[:, 0], decimals)
        self.y = rounded(run.path[:, 1], decimals)

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
) -> dict:
    """Animated contour chart of ``runs`` on ``surface`` (duck-typed: callable, ``domain``,
    optional ``minima``, ``saddles``, ``log_scale``, ``label``); see the module docstring.
    ``counter`` gives the text of the step counter at each frame's step."""
    if panels not in ("overlay", "side"):
        raise ValueError(f"panels must be 'overlay' or 'side', not {panels!r}")
    full_path = trail is None
    trail = 10 if full_path else max(1, int(trail))
    (x0, x1), (y0, y1) = surface.domain
    decimals = decimals_for(max(x1 - x0, y1 - y0))

    if background is None:
        background = surface_background(surface, line_resolution=background_lines(panels))
    image, lines = background.image, (background.lines_x, background.lines_y)

    paths = {id(run): _RoundedPath(run, decimals) for run in runs}
    panel_count = len(runs) if panels == "side" and runs else 1
    rows, columns = panel_grid(panel_count)
    data: list[dict] = []
    moving: list[int] = []
    layout: dict = {"images": [], "annotations": []}
    gap = 0.04
    for index in range(panel_count):
        axes = _axis_names(index)
        row, column = divmod(index, columns)
        x_domain = [column / columns + gap / 2, (column + 1) / columns - gap / 2]
        y_domain = [1 - (row + 1) / rows + gap, 1 - row / rows - gap / 2]
        if panel_count == 1:
            x_domain, y_domain = [0, 1], [0, 1]
        suffix = axes[0][1:]
        layout[f"xaxis{suffix}"] = {
            "range": [x0, x1],
            "domain": x_domain,
            "anchor": axes[1],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "title": {"text": "θ₁"} if row == rows - 1 else None,
        }
        layout[f"yaxis{suffix}"] = {
            "range": [y0, y1],
            "domain": y_domain,
            "anchor": axes[0],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "title": {"text": "θ₂"} if column == 0 else None,
        }
        layout["images"].append(
            {
                "source": image,
                "xref": axes[0],
                "yref": axes[1],
                "x": x0,
                "y": y1,
                "sizex": x1 - x0,
                "sizey": y1 - y0,
                "sizing": "stretch",
                "layer": "below",
            }
        )
        data += _static_traces(surface, lines, axes, clickable, decimals)
        panel_runs = [runs[index]] if panels == "side" else runs
        if panels == "side":
            layout["annotations"].append(
                {
                    "text": f"<b>{runs[index].label}</b>",
                    "xref": "paper",
                    "yref": "paper",
                    "x": sum(x_domain) / 2,
                    "y": y_domain[1],
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {
                        "color": runs[index].color if runs[index].color != "#ffffff" else None
                    },
                }
            )
        for run in panel_runs:
            common = {"xaxis": axes[0], "yaxis": axes[1], "legendgroup": run.label}
            if full_path:
                data.append(
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
            trail_trace, point_trace = paths[id(run)].moving(0, trail)
            moving += [len(data), len(data) + 1]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "line": {"color": run.color, "width": 2.5},
                    "marker": {"size": 4, "color": run.color},
                    "name": run.label,
                    "hoverinfo": "name+x+y",
                    "showlegend": panels == "overlay",
                    **trail_trace,
                    **common,
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "marker": {
                        "size": 12,
                        "color": run.color,
                        "line": {"color": "#111111", "width": 1.5},
                        **point_trace.pop("marker", {}),
                    },
                    "name": run.label,
                    "hoverinfo": "name+x+y",
                    "showlegend": False,
                    **point_trace,
                    **common,
                }
            )

    steps = max((run.steps for run in runs), default=0)
    shown = frame_steps(steps, max_frames)
    stops = shown[frame_steps(len(shown) - 1, SLIDER_STOPS)]  # every frame up to 100, ends kept
    moving.append(len(data))
    data.append(_step_counter(surface.domain, _axis_names(columns - 1), counter(0)))
    frames = [
        {
            "name": str(step),
            "data": [trace for run in runs for trace in paths[id(run)].moving(step, trail)]
            + [{"text": [counter(step)]}],
            "traces": moving,
        }
        for step in shown.tolist()
    ]

    play = {
        "frame": {"duration": frame_ms, "redraw": False},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    # the rail starts a fixed 145 px in (pad.l), clear of the Play/Pause buttons at any width,
    # and 54 px down (pad.t), clear of the θ₁ axis title
    slider = {"x": 0, "len": 1, "y": 0, "pad": {"t": 54, "l": 145, "r": 0}}
    layout.update(
        height=height or (560 if rows == 1 else 340 * rows),
        margin={"l": 50, "r": 20, "t": 40 if panels == "side" else 20, "b": 110, "pad": 0},
        plot_bgcolor="#17324d",
        hovermode="closest",
        dragmode=False,
        clickmode="event+select",
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        uirevision="trajectories",
        updatemenus=[
            {
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
        ],
        sliders=[
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
    )
    layout["annotations"] += slider_labels(stops, slider, MUTED_COLOR)
    return {"data": data, "layout": layout, "frames": frames}
