"""The surface drawn under an animated chart: a picture plus contour lines, both survive animation.

plotly.js drops contour and heatmap layers while it plays ``redraw: false`` frames, so the
filled background turns white in Chromium once Play is pressed. We therefore draw it from
two pieces that animation never touches:

- ``surface_image``: the values mapped through a colour ramp and encoded as a WebP data URI,
  placed in ``layout.images`` under the axes;
- ``contour_lines``: iso-lines found in NumPy (marching squares, stitched into polylines)
  and drawn as one scatter trace, NaN separating the lines.

Use::

    background = surface_background(surface)            # image, lines_x, lines_y, log
    # or piece by piece:
    grid = sample_surface(surface, resolution=160)      # xs, ys, values, log
    levels = contour_levels(grid.values, count=14, log=grid.log)
    x, y = contour_lines(grid.xs, grid.ys, grid.values, levels)
    x, y = simplify_lines(x, y, tolerance=0.01)   # Ramer-Douglas-Peucker, NaN breaks kept
    uri = surface_image(grid.values, log=grid.log)
"""

from __future__ import annotations

import base64
import io
import math
from itertools import pairwise
from typing import NamedTuple

import numpy as np
from PIL import Image

# Low values dark, high values pale: the eye finds the valleys and coloured paths stay readable.
COLOR_RAMP = (
    (0.00, "#17324d"),
    (0.25, "#2f5f8a"),
    (0.50, "#5d93b8"),
    (0.75, "#a9cbe0"),
    (1.00, "#f3f1e7"),
)
UNDEFINED_RGBA = (200, 200, 200, 255)


class SurfaceGrid(NamedTuple):
    """Values on a regular grid: ``values[i, j] = f(xs[j], ys[i])``; ``log`` says how to shade."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    log: bool


def sample_surface(surface, resolution: int = 160) -> SurfaceGrid:
    """Evaluate a surface (callable on (..., 2) arrays, with ``domain``) on a square grid."""
    (x0, x1), (y0, y1) = surface.domain
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    points = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        values = np.asarray(surface(points), dtype=float)
    values = np.where(np.isfinite(values), values, np.nan)
    log = bool(getattr(surface, "log_scale", False)) or spans_decades(values)
    return SurfaceGrid(xs, ys, values, log)


def spans_decades(values: np.ndarray, decades: float = 3.0) -> bool:
    """True when the values above the minimum spread over more than ``decades`` powers of ten."""
    finite = values[np.isfinite(values)]
    if finite.size < 4:
        return False
    above = finite - finite.min()
    low, high = np.quantile(above, [0.05, 0.95])
    return bool(high > 0 and (low <= 0 or high / low > 10**decades))


def normalize(values: np.ndarray, log: bool) -> np.ndarray:
    """Map values to [0, 1] (NaN stays NaN); log shading uses log(v - min + δ), δ = range·1e-4.

    The top 1 % is clipped so one huge corner does not wash out the rest of the picture.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.full(values.shape, np.nan)
    low = finite.min()
    high = np.quantile(finite, 0.99)
    if log:
        delta = max(high - low, 1e-12) * 1e-4
        with np.errstate(all="ignore"):
            t = np.log(np.clip(values, low, high) - low + delta)
        t_low, t_high = np.log(delta), np.log(high - low + delta)
    else:
        t, t_low, t_high = np.clip(values, low, high), low, high
    span = t_high - t_low
    if not span > 0:
        return np.where(np.isfinite(values), 0.5, np.nan)
    return (t - t_low) / span


def contour_levels(values: np.ndarray, count: int = 14, log: bool = False) -> np.ndarray:
    """``count`` levels strictly inside the value range, evenly spaced in the shading's scale."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.empty(0)
    low, high = finite.min(), np.quantile(finite, 0.99)
    if not high > low:
        return np.empty(0)
    fractions = np.arange(1, count + 1) / (count + 1)
    if log:
        delta = (high - low) * 1e-4
        return (
            low - delta + np.exp(np.log(delta) + fractions * np.log((high - low + delta) / delta))
        )
    return low + fractions * (high - low)


def _hex_rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def surface_image(values: np.ndarray, log: bool, fmt: str = "WEBP") -> str:
    """Shade ``values`` (row 0 = lowest y) through ``COLOR_RAMP``; return an image data URI."""
    t = normalize(values, log)
    stops = np.array([s for s, _ in COLOR_RAMP])
    rgb = np.array([_hex_rgb(c) for _, c in COLOR_RAMP], dtype=float)
    safe = np.nan_to_num(t, nan=0.0)
    channels = [np.interp(safe, stops, rgb[:, k]) for k in range(3)]
    pixels = np.stack([*channels, np.full(t.shape, 255.0)], axis=-1)
    pixels[np.isnan(t)] = UNDEFINED_RGBA
    image = Image.fromarray(np.flipud(pixels).round().astype(np.uint8), "RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=88)
    mime = "image/webp" if fmt == "WEBP" else f"image/{fmt.lower()}"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# Edges of a cell, counter-clockwise from the bottom: 0 bottom, 1 right, 2 top, 3 left.
# A cell with two crossed edges holds one segment; with four (a saddle) it holds two, paired
# by the value at the cell centre so the lines do not cross.
def _cell_crossings(xs, ys, values, level):
    """Crossing points on every cell edge: arrays (4, ny-1, nx-1) of x, y and a crossed mask."""
    v00, v01 = values[:-1, :-1], values[:-1, 1:]
    v10, v11 = values[1:, :-1], values[1:, 1:]
    corners = [(v00, v01), (v01, v11), (v10, v11), (v00, v10)]
    xl, yb = np.meshgrid(xs[:-1], ys[:-1])
    xr, yt = np.meshgrid(xs[1:], ys[1:])
    px, py, crossed = [], [], []
    with np.errstate(all="ignore"):
        for edge, (a, b) in enumerate(corners):
            hit = ((a < level) != (b < level)) & np.isfinite(a) & np.isfinite(b)
            f = np.where(hit, (level - a) / (b - a), 0.5)
            if edge in (0, 2):  # horizontal edges run in x
                px.append(xl + f * (xr - xl))
                py.append(yb if edge == 0 else yt)
            else:  # vertical edges run in y
                px.append(xr if edge == 1 else xl)
                py.append(yb + f * (yt - yb))
            crossed.append(hit)
    return np.array(px), np.array(py), np.array(crossed)


def _edge_ids(ny: int, nx: int) -> np.ndarray:
    """A global id per (edge, cell) so the two cells sharing an edge name it the same."""
    rows, cols = np.meshgrid(np.arange(ny - 1), np.arange(nx - 1), indexing="ij")
    along_x = rows * (nx - 1) + cols  # edge on y = ys[row] from xs[col] to xs[col + 1]
    along_y = ny * (nx - 1) + rows * nx + cols  # edge on x = xs[col] from ys[row] to ys[row + 1]
    return np.array([along_x, along_y + 1, along_x + (nx - 1), along_y])


def _segments(xs, ys, values, level):
    """Segments as pairs of edge ids plus a map edge id -> crossing point."""
    px, py, crossed = _cell_crossings(xs, ys, values, level)
    ids = _edge_ids(len(ys), len(xs))
    count = crossed.sum(axis=0)
    points = {
        edge: (x, y)
        for edge, x, y in zip(
            ids[crossed].tolist(), px[crossed].tolist(), py[crossed].tolist(), strict=True
        )
    }
    pairs: list[tuple[int, int]] = []
    two = count == 2
    if two.any():
        # The two crossed edges of each cell, in edge order.
        first_two = np.argsort(~crossed[:, two], axis=0, kind="stable")[:2]
        a, b = np.take_along_axis(ids[:, two], first_two, axis=0)
        pairs += list(zip(a.tolist(), b.tolist(), strict=True))
    four = count == 4
    if four.any():
        center = 0.25 * (values[:-1, :-1] + values[:-1, 1:] + values[1:, :-1] + values[1:, 1:])
        # Centre on the same side as the bottom-left corner: that diagonal is connected, so the
        # lines cut off the bottom-right and top-left corners; otherwise the other two.
        joined = (center[four] < level) == (values[:-1, :-1][four] < level)
        e = ids[:, four]
        first = np.where(joined, e[0], e[3]), np.where(joined, e[1], e[0])
        second = np.where(joined, e[2], e[1]), np.where(joined, e[3], e[2])
        for a, b in (first, second):
            pairs += list(zip(a.tolist(), b.tolist(), strict=True))
    return pairs, points


def _stitch(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Join segments sharing an edge id into polylines (open chains first, then closed loops)."""
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set[int] = set()
    lines = []
    ends = [n for n, near in neighbours.items() if len(near) == 1]
    for start in ends + list(neighbours):
        if start in seen:
            continue
        line, node = [start], start
        seen.add(start)
        while True:
            unseen = [n for n in neighbours[node] if n not in seen]
            if not unseen:
                break
            node = unseen[0]
            seen.add(node)
            line.append(node)
        if len(neighbours[start]) == 2 and start in neighbours[line[-1]] and len(line) > 2:
            line.append(start)  # close the loop
        lines.append(line)
    return lines


def contour_lines(xs, ys, values, levels) -> tuple[np.ndarray, np.ndarray]:
    """Iso-lines of ``values`` (row i at ys[i], column j at xs[j]) as x, y with NaN breaks."""
    xs_out: list[float] = []
    ys_out: list[float] = []
    for level in levels:
        pairs, points = _segments(np.asarray(xs), np.asarray(ys), values, float(level))
        for line in _stitch(pairs):
            xs_out += [points[n][0] for n in line] + [np.nan]
            ys_out += [points[n][1] for n in line] + [np.nan]
    return np.array(xs_out), np.array(ys_out)


def _kept(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer-Douglas-Peucker on one polyline: a mask of the points to keep."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    spans = [(0, len(points) - 1)]
    while spans:
        a, b = spans.pop()
        if b - a < 2:
            continue
        chord, rel = points[b] - points[a], points[a + 1 : b] - points[a]
        length = math.hypot(*chord)
        if length > 0:  # distance to the chord's line; to the end point for a closed loop
            distance = np.abs(chord[0] * rel[:, 1] - chord[1] * rel[:, 0]) / length
        else:
            distance = np.hypot(rel[:, 0], rel[:, 1])
        worst = int(np.argmax(distance))
        if distance[worst] > tolerance:
            middle = a + 1 + worst
            keep[middle] = True
            spans += [(a, middle), (middle, b)]
    return keep


def simplify_lines(x, y, tolerance: float, scale=(1.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """Drop the points of NaN-separated polylines that lie within ``tolerance`` of the chord
    joining the kept ones (Ramer-Douglas-Peucker), distances taken on (x, y) / ``scale``.

    Ends and NaN breaks are kept, so every line still starts, ends and closes where it did.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    points = np.stack([x / scale[0], y / scale[1]], axis=-1)
    keep = np.isnan(x)
    edges = [-1, *np.flatnonzero(keep).tolist(), len(x)]
    for start, stop in pairwise(edges):
        if stop - start > 1:
            keep[start + 1 : stop] = _kept(points[start + 1 : stop], tolerance)
    return x[keep], y[keep]


class Background(NamedTuple):
    """What a chart draws under the runs: image data URI, contour lines, shading scale."""

    image: str
    lines_x: np.ndarray
    lines_y: np.ndarray
    log: bool


def surface_background(
    surface, resolution: int = 160, line_resolution: int = 90, levels: int = 14
) -> Background:
    """Picture on a fine grid, contour lines from a coarser one (they cost bytes per point),
    simplified to within a tenth of a line-grid cell: below the error of the linear
    interpolation that placed their points, and about 60 % fewer points on smooth lines."""
    grid = sample_surface(surface, resolution)
    coarse = sample_surface(surface, line_resolution)
    lines = contour_lines(
        coarse.xs, coarse.ys, coarse.values, contour_levels(coarse.values, levels, grid.log)
    )
    (x0, x1), (y0, y1) = surface.domain
    cell = 0.1 / (line_resolution - 1)
    lines = simplify_lines(*lines, tolerance=cell, scale=(x1 - x0, y1 - y0))
    return Background(surface_image(grid.values, grid.log), *lines, grid.log)
