"""The surface in 3-D with the runs racing on it: the same frames as the 2-D race.

Use::

    fig = surface_3d_figure(surface, runs, trail=10, frame_ms=40)   # runs: list[Trajectory]

Heights are J itself, or log₁₀(J − min + δ) when the surface spans decades (the same
shading rule as the 2-D background), clipped at the 99th percentile so one wall does not
flatten the valley. Paths are lifted by 2 % of the height range so they stay visible; a
point outside the domain is not drawn. The frames are those of ``viz.trajectory`` (steps
up to the one where every run has settled, ``settled_step``), each carrying every run's
trail and current point; plotly.js must redraw a 3-D scene to move them
(``redraw: true``), and the step counter is the chart's title, which frames set too.
θ₁ and θ₂ are drawn to one scale (``viz.trajectory.aspect_of``).
"""

from __future__ import annotations

import numpy as np

from viz.background import COLOR_RAMP, sample_surface
from viz.encode import decimals_for, rounded, typed
from viz.trajectory import (
    MARGIN,
    Trajectory,
    animated_steps,
    animation_controls,
    aspect_of,
    counter_texts,
)

HEIGHT = 720  # px: the scene fills the chart's width at a 1400 px window
CAMERA = {  # closer than plotly's default eye (2.2 away), so the scene fills the chart
    "eye": {"x": -0.95, "y": -1.2, "z": 0.75},
    "center": {"x": 0, "y": 0, "z": -0.1},
}


def height_map(values: np.ndarray, floor: float, top: float, log: bool) -> np.ndarray:
    """What the z axis shows for J values: clipped J, or log₁₀ of J above the surface's floor."""
    clipped = np.clip(values, floor, top)
    if not log:
        return clipped
    delta = max(top - floor, 1e-12) * 1e-4
    return np.log10(clipped - floor + delta)


class _LiftedPath:
    """A run's points as drawn in 3-D (x, y, lifted height; None outside the domain or after
    divergence), rounded once so that frames are list slices."""

    def __init__(self, run: Trajectory, domain, heights, decimals: int):
        (x0, x1), (y0, y1) = domain
        path = np.asarray(run.path, float)
        with np.errstate(invalid="ignore"):
            inside = (path[:, 0] >= x0) & (path[:, 0] <= x1)
            inside &= (path[:, 1] >= y0) & (path[:, 1] <= y1)
        if run.diverged_at > 0:
            inside[run.diverged_at :] = False
        hidden = np.where(inside, 0.0, np.nan)
        self.run = run
        self.xyz = [rounded(column + hidden, decimals) for column in (*path.T, heights)]

    def points(self, first: int, last: int) -> dict:
        columns = zip("xyz", self.xyz, strict=True)
        # frames name the trace type too: plotly reads a frame's untyped trace as 2-D scatter
        return {"type": "scatter3d"} | {axis: v[first : last + 1] for axis, v in columns}

    def moving(self, step: int, trail: int) -> tuple[dict, dict]:
        """The trail (last ``trail`` points up to ``step``) and the current point."""
        step = min(step, self.run.steps)
        return self.points(max(0, step - trail + 1), step), self.points(step, step)


def _surface_trace(grid, z) -> dict:
    return {
        "type": "surface",
        "x": typed(grid.xs),
        "y": typed(grid.ys),
        "z": [rounded(row, 5) for row in z],  # nested lists: surface traces need 2-D z
        "colorscale": [[stop, color] for stop, color in COLOR_RAMP],  # as the 2-D picture
        "showscale": False,
        "opacity": 0.92,
        "hoverinfo": "skip",
    }


def _run_traces(path: _LiftedPath, trail: int, full_path: bool) -> list[dict]:
    """The dotted full path (``full_path``), then the moving trail and current point."""
    run = path.run
    common = {"name": run.label, "legendgroup": run.label}
    traces = []
    if full_path:
        line = {"color": run.color, "width": 3, "dash": "dot"}
        traces.append(common | path.points(0, run.steps) | {"mode": "lines", "line": line})
        traces[-1] |= {"showlegend": False, "hoverinfo": "skip", "name": f"{run.label} path"}
    trail_trace, point_trace = path.moving(0, trail)
    traces.append(
        common | trail_trace | {"mode": "lines", "line": {"color": run.color, "width": 6}}
    )
    marker = {"size": 6, "color": run.color, "line": {"color": "#111111", "width": 1}}
    traces.append(common | point_trace | {"mode": "markers", "marker": marker, "showlegend": False})
    return traces


def _lifted_paths(surface, runs, grid, floor: float, top: float, lift: float, decimals: int):
    """Each run's path at the height of its values on the surface's height map, lifted by
    ``lift`` so a point on the surface is not hidden by it."""
    paths = []
    for run in runs:
        with np.errstate(all="ignore"):
            heights = height_map(np.asarray(run.values, float), floor, top, grid.log) + lift
        paths.append(_LiftedPath(run, surface.domain, heights, decimals))
    return paths


def _frames(paths, shown: np.ndarray, texts: list[str], trail: int, moving) -> list[dict]:
    """One frame per shown step: each path's trail and current point (the traces at indices
    ``moving``), and the step counter as the chart's title."""
    return [
        {
            "name": str(step),
            "data": [trace for path in paths for trace in path.moving(step, trail)],
            "traces": moving,
            "layout": {"title": {"text": text}},
        }
        for step, text in zip(shown.tolist(), texts, strict=True)
    ]


def _scene_layout(domain, log: bool, counter: str) -> dict:
    """The chart's layout: the scene's axes on the domain (z: J or its log), its aspect and
    camera, and the step counter ``counter`` as the title, under the legend."""
    (x0, x1), (y0, y1) = domain
    z_title = "log₁₀(J − min + δ)" if log else "J"
    return {
        "height": HEIGHT,
        "margin": MARGIN | {"l": 0, "r": 0, "t": 30},
        # the step counter, under the legend (the mode bar takes the top-right corner)
        "title": {"text": counter, "x": 0, "xanchor": "left", "xref": "paper", "y": 0.93},
        "scene": {
            "xaxis": {"title": {"text": "θ₁"}, "range": [x0, x1]},
            "yaxis": {"title": {"text": "θ₂"}, "range": [y0, y1]},
            "zaxis": {"title": {"text": z_title}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": aspect_of(domain), "z": 0.6},
            "camera": CAMERA,
        },
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "uirevision": "surface3d",
    }


def surface_3d_figure(
    surface,
    runs: list[Trajectory],
    *,
    trail: int | None = 10,
    frame_ms: int = 40,
    max_frames: int = 300,
    resolution: int = 70,
) -> dict:
    """3-D surface with the runs' trails and current points animated; a Plotly figure dict."""
    grid = sample_surface(surface, resolution)
    finite = grid.values[np.isfinite(grid.values)]
    floor = float(finite.min()) if finite.size else 0.0
    top = float(np.quantile(finite, 0.99)) if finite.size else 1.0
    z = height_map(grid.values, floor, top, grid.log)
    lift = 0.02 * float(np.nanmax(z) - np.nanmin(z) or 1.0)
    (x0, x1), (y0, y1) = domain = surface.domain
    decimals = decimals_for(max(x1 - x0, y1 - y0))
    full_path = trail is None
    trail = 10 if full_path else max(1, int(trail))

    paths = _lifted_paths(surface, runs, grid, floor, top, lift, decimals)
    data, moving = [_surface_trace(grid, z)], []
    for path in paths:
        traces = _run_traces(path, trail, full_path)
        moving += [len(data) + len(traces) - 2, len(data) + len(traces) - 1]
        data += traces

    shown, stops = animated_steps(runs, domain, max_frames)
    texts = counter_texts(runs, shown, "<b>step {}</b>".format)
    frames = _frames(paths, shown, texts, trail, moving)
    layout = _scene_layout(domain, grid.log, texts[0])
    layout |= animation_controls(stops, frame_ms, redraw=True)
    return {"data": data, "layout": layout, "frames": frames}
