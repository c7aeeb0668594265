"""The surface in 3-D with the runs' paths lying on it (a static figure, no animation).

Use::

    fig = surface_3d_figure(surface, runs)     # runs: list[viz.trajectory.Trajectory]

Heights are J itself, or log₁₀(J − min + δ) when the surface spans decades (the same
shading rule as the 2-D background), clipped at the 99th percentile so one wall does not
flatten the valley. Paths are lifted by 2 % of the height range so they stay visible.
"""

from __future__ import annotations

import numpy as np

from viz.background import COLOR_RAMP, sample_surface
from viz.encode import rounded, typed
from viz.trajectory import Trajectory


def height_map(values: np.ndarray, floor: float, top: float, log: bool) -> np.ndarray:
    """What the z axis shows for J values: clipped J, or log₁₀ of J above the surface's floor."""
    clipped = np.clip(values, floor, top)
    if not log:
        return clipped
    delta = max(top - floor, 1e-12) * 1e-4
    return np.log10(clipped - floor + delta)


def surface_3d_figure(surface, runs: list[Trajectory], *, resolution: int = 70) -> dict:
    """3-D surface plus one line per run; a plain Plotly figure dict."""
    grid = sample_surface(surface, resolution)
    finite = grid.values[np.isfinite(grid.values)]
    floor = float(finite.min()) if finite.size else 0.0
    top = float(np.quantile(finite, 0.99)) if finite.size else 1.0
    z = height_map(grid.values, floor, top, grid.log)
    lift = 0.02 * float(np.nanmax(z) - np.nanmin(z) or 1.0)
    (x0, x1), (y0, y1) = surface.domain
    data = [
        {
            "type": "surface",
            "x": typed(grid.xs),
            "y": typed(grid.ys),
            "z": [rounded(row, 5) for row in z],  # nested lists: surface traces need 2-D z
            "colorscale": [[stop, color] for stop, color in COLOR_RAMP],  # as the 2-D picture
            "showscale": False,
            "opacity": 0.92,
            "hoverinfo": "skip",
        }
    ]
    for run in runs:
        end = run.diverged_at if run.diverged_at > 0 else len(run.path)
        path = run.path[:end]
        inside = (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
        heights = height_map(np.asarray(run.values[:end], float), floor, top, grid.log) + lift
        data.append(
            {
                "type": "scatter3d",
                "x": typed(np.where(inside, path[:, 0], np.nan)),
                "y": typed(np.where(inside, path[:, 1], np.nan)),
                "z": typed(np.where(inside, heights, np.nan)),
                "mode": "lines",
                "line": {"color": run.color, "width": 5},
                "name": run.label,
            }
        )
    z_title = "log₁₀(J − min + δ)" if grid.log else "J"
    layout = {
        "height": 560,
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "scene": {
            "xaxis": {"title": {"text": "θ₁"}, "range": [x0, x1]},
            "yaxis": {"title": {"text": "θ₂"}, "range": [y0, y1]},
            "zaxis": {"title": {"text": z_title}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.6},
        },
        "legend": {"orientation": "h"},
    }
    return {"data": data, "layout": layout}
