"""A race chart's animation as an animated GIF or WebP, drawn in Python (Pillow), no browser.

Use::

    fig = trajectory_figure(surface, runs)                 # the chart's own figure dict
    gif = animation_bytes(fig, "gif", width=800, speed=1)  # bytes of an animated GIF
    webp = animation_bytes(fig, "webp")                    # smaller, lossy animated WebP

The figure dict is the one source: its ``layout.images`` (the shaded surface), its still
traces (contour lines, minima ★, saddles ✕, the faint start grid, full paths), its legend,
axes (ranges, paper domains, equal scale) and panel titles are drawn once into a base
picture; each of its ``frames`` then sets the moving traces (trails, current points, the step
counter) exactly as plotly.js's ``animate`` would, and they are drawn over a copy of it. What
the export leaves out: Play/Pause, the slider, hover. Sizes follow the chart: the figure is laid
out for a nominal ``CHART_WIDTH``; at ``width`` px every length (markers, lines, fonts) is
scaled by s = plot width / nominal plot width, and θ₁, θ₂ keep one scale (panels shrink about
their centres, as plotly.js's ``constrain: "domain"`` does). A point (x, y) of a panel whose
pixel box is [L, L + W) × [T, T + H) over ranges [x0, x1] × [y0, y1] lands at
(L + W·(x − x0)/(x1 − x0), T + H·(y1 − y)/(y1 − y0)).

GIF: one palette for the whole animation, the exact colours of every moving trace plus the
base picture's own colours (median cut on the base) for the rest, so the shading does not band
and the runs keep the chart's colours exactly; frames are drawn straight onto palette indices.
GIF delays are whole centiseconds and browsers slow delays under 20 ms, so a GIF frame lasts
at least 20 ms. WebP: lossy frames (``quality``), frames rendered one at a time.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz.encode import decode
from viz.trajectory import CHART_WIDTH

PAGE_COLOR = "#fbfaf6"  # the app's theme: backgroundColor, textColor
TEXT_COLOR = "#1d2733"
MARGIN = {"l": 56, "r": 16, "b": 48}  # px at any width: tick labels and the θ₁ title
NOMINAL_PLOT_WIDTH = CHART_WIDTH - 70  # viz.trajectory's MARGIN l + r
SUPERSAMPLE = 2  # the base picture's lines are drawn at 2x and scaled down: smooth contours
GIF_MIN_MS = 20
FORMATS = {"gif": "image/gif", "webp": "image/webp"}


@dataclass(frozen=True)
class Panel:
    """One pair of axes: its pixel box and the data ranges it shows."""

    xaxis: str  # trace names: "x", "x2", ...
    yaxis: str
    left: int
    top: int
    width: int
    height: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def pixels(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Data coordinates to canvas pixels (see the module docstring)."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        return (
            self.left + self.width * (x - x0) / (x1 - x0),
            self.top + self.height * (y1 - y) / (y1 - y0),
        )

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.left, self.top, self.left + self.width, self.top + self.height

    def local(self, k: int = 1) -> Panel:
        """The same panel drawn on a crop of itself (at the origin), ``k`` times larger."""
        return replace(self, left=0, top=0, width=self.width * k, height=self.height * k)


@dataclass(frozen=True)
class Canvas:
    width: int
    height: int
    scale: float  # export px per nominal chart px
    top: int  # the plot area's top: legend above it
    plot_width: int
    plot_height: int
    panels: dict[str, Panel]  # by x-axis trace name


def _axis_pairs(layout: dict) -> list[tuple[str, str]]:
    names = sorted((k for k in layout if re.fullmatch(r"xaxis\d*", k)), key=lambda k: len(k))
    return [(name, layout[name].get("anchor", "y")) for name in sorted(names)]


def _panel(layout: dict, xname: str, yname: str, area: tuple[int, int, int, int]) -> Panel:
    """The panel of axes ``xname``/``yname`` in the plot ``area`` (left, top, width, height):
    its paper domains, shrunk about the centre to one scale when the y axis says so."""
    left, top, width, height = area
    xaxis, yaxis = layout[xname], layout["yaxis" + yname[1:]]
    (dx0, dx1), (dy0, dy1) = xaxis.get("domain", [0, 1]), yaxis.get("domain", [0, 1])
    x0, x1 = xaxis["range"]
    y0, y1 = yaxis["range"]
    box = [left + dx0 * width, top + (1 - dy1) * height, (dx1 - dx0) * width, (dy1 - dy0) * height]
    if yaxis.get("scaleanchor"):
        per_unit = min(box[2] / (x1 - x0), box[3] / (y1 - y0))
        shrunk = (per_unit * (x1 - x0), per_unit * (y1 - y0))
        box = [box[0] + (box[2] - shrunk[0]) / 2, box[1] + (box[3] - shrunk[1]) / 2, *shrunk]
    edges = [round(box[0]), round(box[1]), round(box[0] + box[2]), round(box[1] + box[3])]
    return Panel(
        "x" + xname[5:], yname, edges[0], edges[1], edges[2] - edges[0], edges[3] - edges[1],
        (float(x0), float(x1)), (float(y0), float(y1)),
    )  # fmt: skip


def layout_canvas(figure: dict, width: int = 800, height: int | None = None) -> Canvas:
    """Where everything goes at ``width`` px: the plot area scaled from the chart's nominal
    one (its height follows, unless ``height`` is given), a fixed margin for the axes."""
    layout = figure["layout"]
    margin = layout.get("margin", {})
    nominal_height = layout.get("height", 450) - margin.get("t", 40) - margin.get("b", 110)
    plot_width = width - MARGIN["l"] - MARGIN["r"]
    scale = plot_width / NOMINAL_PLOT_WIDTH
    top = max(8, round(margin.get("t", 40) * scale))
    rows = len(legend_rows(figure, width, scale))
    top += round(max(0, rows - 1) * _legend_row_height(scale))
    plot_height = round(nominal_height * scale)
    if height is not None:
        plot_height = height - top - MARGIN["b"]
    area = (MARGIN["l"], top, plot_width, plot_height)
    panels = {}
    for xname, yname in _axis_pairs(layout):
        panel = _panel(layout, xname, yname, area)
        panels[panel.xaxis] = panel
    return Canvas(
        width, top + plot_height + MARGIN["b"], scale, top, plot_width, plot_height, panels
    )


# ---- colours and fonts ------------------------------------------------------------------


def rgba(color: str | None) -> tuple[int, int, int, int] | None:
    """Colour text as 0-255 RGBA: "#rrggbb", "#rgb", "rgb(r, g, b)", "rgba(r, g, b, a<=1)"."""
    if not color:
        return None
    color = color.strip()
    if color.startswith("#"):
        digits = color[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return (*(int(digits[i : i + 2], 16) for i in (0, 2, 4)), 255)
    match = re.fullmatch(r"rgba?\(([^)]*)\)", color)
    if not match:
        raise ValueError(f"unknown colour {color!r}")
    parts = [float(p) for p in match.group(1).split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return (*(round(p) for p in parts[:3]), round(alpha * 255))


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (it has θ, ★, ✕), else Pillow's own font."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def plain_text(text: str) -> tuple[str, bool]:
    """Plotly's HTML-ish text without tags, and whether it was bold."""
    return re.sub(r"<[^>]+>", "", text), "<b>" in text


# ---- traces --------------------------------------------------------------------------------


Ink = Callable[[tuple[int, int, int, int]], object]  # RGBA -> what ImageDraw takes as fill


def _listed(value, count: int) -> list:
    return list(value) if isinstance(value, list | tuple | np.ndarray) else [value] * count


def _polylines(px: np.ndarray, py: np.ndarray) -> Iterator[list[tuple[float, float]]]:
    """Runs of finite points (NaN or None breaks a line)."""
    finite = np.isfinite(px) & np.isfinite(py)
    start = None
    for i in range(len(px) + 1):
        if i < len(px) and finite[i]:
            start = i if start is None else start
        elif start is not None:
            yield list(zip(px[start:i].tolist(), py[start:i].tolist(), strict=True))
            start = None


def _dots(draw, points: np.ndarray, spacing: float, radius: float, fill) -> None:
    """A dotted line: dots every ``spacing`` px of arc length along the polyline."""
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    at = np.arange(0.0, arc[-1] + 1e-9, spacing)
    xs, ys = np.interp(at, arc, points[:, 0]), np.interp(at, arc, points[:, 1])
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=fill)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    angles = -math.pi / 2 + np.arange(10) * math.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, r, 0.4 * r)
    xs, ys = cx + radii * np.cos(angles), cy + radii * np.sin(angles)
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def _marker(draw, cx, cy, size, symbol, fill, outline, line_width):
    r = size / 2
    if symbol == "star":
        draw.polygon(_star(cx, cy, r * 1.25), fill=fill, outline=outline)
    elif symbol == "x":
        w = max(1, round(size / 4))
        for dx in (-1, 1):
            if outline is not None and line_width > 0:
                draw.line([(cx - r, cy - dx * r), (cx + r, cy + dx * r)], fill=outline, width=w + 2)
        for dx in (-1, 1):
            draw.line([(cx - r, cy - dx * r), (cx + r, cy + dx * r)], fill=fill, width=w)
    else:
        box = [cx - r, cy - r, cx + r, cy + r]
        draw.ellipse(box, fill=fill, outline=outline, width=max(0, round(line_width)))


def _color_with_opacity(color, opacity: float):
    value = rgba(color)
    return None if value is None else (*value[:3], round(value[3] * opacity))


def draw_trace(draw, trace: dict, panel: Panel, scale: float, ink: Ink) -> None:
    """One scatter trace (lines, markers, text) onto ``draw``, lengths scaled by ``scale``."""
    if not trace.get("visible", True) or "x" not in trace:
        return
    mode = trace.get("mode", "lines+markers")
    px, py = panel.pixels(decode(trace.get("x", [])), decode(trace.get("y", [])))
    opacity = trace.get("opacity", 1.0)
    if "lines" in mode:
        line = trace.get("line", {})
        color = _color_with_opacity(line.get("color", TEXT_COLOR), opacity)
        width = max(1, round(line.get("width", 2) * scale))
        for points in _polylines(px, py):
            if line.get("dash") == "dot":
                _dots(draw, np.array(points), 3 * width, width / 2 + 0.5, ink(color))
            elif len(points) > 1:
                draw.line(points, fill=ink(color), width=width)
    if "markers" in mode:
        _markers(draw, trace.get("marker", {}), px, py, scale, ink, opacity)
    if "text" in mode:
        _text_marks(draw, trace, px, py, scale, ink)


def _markers(draw, marker: dict, px, py, scale, ink, opacity) -> None:
    count = len(px)
    sizes = _listed(marker.get("size", 6), count)
    symbols = _listed(marker.get("symbol", "circle"), count)
    fills = _listed(marker.get("color", TEXT_COLOR), count)
    edge = marker.get("line", {})
    edge_width = edge.get("width", 0) * scale
    outline = _color_with_opacity(edge.get("color"), opacity) if edge_width > 0 else None
    for i in range(count):
        if np.isfinite(px[i]) and np.isfinite(py[i]):
            fill = ink(_color_with_opacity(fills[i], opacity))
            _marker(
                draw, px[i], py[i], sizes[i] * scale, symbols[i], fill,
                None if outline is None else ink(outline), edge_width,
            )  # fmt: skip


def _text_marks(draw, trace: dict, px, py, scale, ink) -> None:
    """Text at points: "top/bottom left/right" put the text's corner at the point."""
    style = trace.get("textfont", {})
    face = font(max(8, round(style.get("size", 12) * scale)))
    color = ink(rgba(style.get("color", TEXT_COLOR)))
    position = trace.get("textposition", "middle center")
    vertical = {"top": "d", "bottom": "a", "middle": "m"}[position.split()[0]]
    horizontal = {"left": "r", "right": "l", "center": "m"}[position.split()[-1]]
    shadow = ink((0, 0, 0, 255)) if style.get("shadow") else None
    for text, x, y in zip(_listed(trace.get("text", ""), len(px)), px, py, strict=False):
        if text and np.isfinite(x) and np.isfinite(y):
            anchor = horizontal + vertical
            if shadow is not None:  # the chart's dark outline, as a 1 px drop shadow
                draw.text((x + 1, y + 1), str(text), font=face, fill=shadow, anchor=anchor)
            draw.text((x, y), str(text), font=face, fill=color, anchor=anchor)


# ---- the still picture ---------------------------------------------------------------------


def _image_source(source: str) -> Image.Image:
    """A ``data:`` URI (the only kind the figures hold) as an RGB picture."""
    data = base64.b64decode(source.split(",", 1)[1])
    return Image.open(io.BytesIO(data)).convert("RGB")


def moving_indices(figure: dict) -> set[int]:
    """The traces some frame changes: drawn per frame, the rest once."""
    return {index for frame in figure.get("frames", []) for index in frame.get("traces", [])}


def _panel_of(canvas: Canvas, trace: dict) -> Panel:
    return canvas.panels[trace.get("xaxis", "x")]


def _still_lines(figure: dict, canvas: Canvas) -> Image.Image:
    """Every still trace drawn at ``SUPERSAMPLE`` x on a transparent layer, scaled down."""
    k = SUPERSAMPLE
    layer = Image.new("RGBA", (canvas.width * k, canvas.height * k), (0, 0, 0, 0))
    moving = moving_indices(figure)
    for index, trace in enumerate(figure["data"]):
        if index in moving:
            continue
        panel = _panel_of(canvas, trace)
        local = panel.local(k)
        sub = Image.new("RGBA", (local.width, local.height), (0, 0, 0, 0))
        draw_trace(ImageDraw.Draw(sub), trace, local, canvas.scale * k, lambda c: c)
        layer.alpha_composite(sub, (panel.left * k, panel.top * k))
    return layer.resize((canvas.width, canvas.height), Image.Resampling.LANCZOS)


def nice_ticks(low: float, high: float, length_px: float, spacing_px: float = 70) -> np.ndarray:
    """Round values (1, 2, 5 × 10^k apart) in [low, high], about ``spacing_px`` apart."""
    raw = (high - low) * spacing_px / max(length_px, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = np.arange(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1) * step
    return np.round(ticks, 10) + 0.0


def _tick_text(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def _axes(draw: ImageDraw.ImageDraw, layout: dict, canvas: Canvas) -> None:
    """Tick labels left of and under every panel, and the axis titles."""
    face = font(max(9, round(12 * canvas.scale)))
    color = rgba(TEXT_COLOR)[:3]
    for xname, yname in _axis_pairs(layout):
        panel = canvas.panels["x" + xname[5:]]
        left, top, right, bottom = panel.box
        for value in nice_ticks(*panel.x_range, panel.width):
            x, _ = panel.pixels(value, panel.y_range[0])
            draw.text((float(x), bottom + 4), _tick_text(value), font=face, fill=color, anchor="ma")
        for value in nice_ticks(*panel.y_range, panel.height):
            _, y = panel.pixels(panel.x_range[0], value)
            draw.text((left - 5, float(y)), _tick_text(value), font=face, fill=color, anchor="rm")
        title = (layout[xname].get("title") or {}).get("text")
        if title:
            draw.text(((left + right) / 2, bottom + 22), title, font=face, fill=color, anchor="ma")
        title = (layout["yaxis" + yname[1:]].get("title") or {}).get("text")
        if title:
            draw.text((left - 44, (top + bottom) / 2), title, font=face, fill=color, anchor="mm")


def legend_rows(figure: dict, width: int, scale: float) -> list[list[tuple[dict, float]]]:
    """The legend's entries (traces with ``showlegend``) placed left to right from the
    legend's x, a new row whenever one would pass the right edge (as plotly.js wraps a
    horizontal legend): per row, (trace, x of its swatch)."""
    entries = [t for t in figure["data"] if t.get("showlegend")]
    face = font(max(9, round(12 * scale)))
    plot_width = width - MARGIN["l"] - MARGIN["r"]
    start = MARGIN["l"] + figure["layout"].get("legend", {}).get("x", 0) * plot_width
    rows: list[list[tuple[dict, float]]] = [[]]
    x = start
    for trace in entries:
        span = 34 * scale + face.getlength(trace["name"])
        if rows[-1] and x + span > width - MARGIN["r"]:
            rows.append([])
            x = start
        rows[-1].append((trace, x))
        x += span + 16 * scale
    return rows if entries else []


def _legend_row_height(scale: float) -> float:
    return max(9, round(12 * scale)) + 8 * scale


def _legend(draw: ImageDraw.ImageDraw, figure: dict, canvas: Canvas) -> None:
    """The chart's horizontal legend above the plot: a line and dot in each run's colour."""
    rows = legend_rows(figure, canvas.width, canvas.scale)
    face = font(max(9, round(12 * canvas.scale)))
    s = canvas.scale
    for index, row in enumerate(rows):
        y = canvas.top - 6 * s - face.size / 2 - (len(rows) - 1 - index) * _legend_row_height(s)
        for trace, x in row:
            color = rgba(trace.get("line", {}).get("color") or trace["marker"]["color"])[:3]
            draw.line([(x, y), (x + 28 * s, y)], fill=color, width=max(1, round(2.5 * s)))
            draw.ellipse([x + 14 * s - 3 * s, y - 3 * s, x + 14 * s + 3 * s, y + 3 * s], color)
            draw.text((x + 34 * s, y), trace["name"], font=face, fill=rgba(TEXT_COLOR)[:3],
                      anchor="lm")  # fmt: skip


def _titles(draw: ImageDraw.ImageDraw, layout: dict, canvas: Canvas) -> None:
    """Annotations above the panels (side by side: each run's name); the slider's step
    numbers (shifted down under the rail) go with the slider."""
    for note in layout.get("annotations", []):
        if note.get("yshift", 0) < 0 or note.get("xref") != "paper":
            continue
        text, bold = plain_text(note["text"])
        size = note.get("font", {}).get("size") or 14
        x = MARGIN["l"] + note["x"] * canvas.plot_width
        y = canvas.top + (1 - note["y"]) * canvas.plot_height - note.get("yshift", 0) * canvas.scale
        color = rgba(note.get("font", {}).get("color") or TEXT_COLOR)[:3]
        face = font(max(9, round(size * canvas.scale)), bold)
        draw.text((x, y), text, font=face, fill=color, anchor="md")


def base_picture(figure: dict, canvas: Canvas) -> Image.Image:
    """Everything that does not move, as RGB: page, surface pictures, still traces, axes,
    legend, panel titles."""
    layout = figure["layout"]
    picture = Image.new("RGB", (canvas.width, canvas.height), rgba(PAGE_COLOR)[:3])
    plot_color = rgba(layout.get("plot_bgcolor", "#ffffff"))[:3]
    for panel in canvas.panels.values():
        picture.paste(plot_color, panel.box)
    for image in layout.get("images", []):
        panel = canvas.panels[image.get("xref", "x")]
        surface = _image_source(image["source"]).resize(
            (panel.width, panel.height), Image.Resampling.BILINEAR
        )
        picture.paste(surface, panel.box[:2])
    picture = Image.alpha_composite(picture.convert("RGBA"), _still_lines(figure, canvas))
    picture = picture.convert("RGB")
    draw = ImageDraw.Draw(picture)
    _axes(draw, layout, canvas)
    _legend(draw, figure, canvas)
    _titles(draw, layout, canvas)
    return picture


# ---- frames --------------------------------------------------------------------------------


def _merged(trace: dict, change: dict) -> dict:
    """``trace`` with a frame's ``change`` applied (nested dicts merged, as animate does)."""
    out = dict(trace)
    for key, value in change.items():
        out[key] = _merged(out.get(key) or {}, value) if isinstance(value, dict) else value
    return out


def frame_traces(figure: dict) -> Iterator[list[dict]]:
    """The moving traces at each frame, in trace order (a frame changes only what it names)."""
    current = {i: figure["data"][i] for i in sorted(moving_indices(figure))}
    for frame in figure.get("frames", []):
        for index, change in zip(frame["traces"], frame["data"], strict=True):
            current[index] = _merged(current[index], change)
        yield [current[i] for i in sorted(current)]


def draw_moving(image: Image.Image, traces: list[dict], canvas: Canvas, ink: Ink) -> None:
    """Draw one frame's moving traces onto ``image``: those of each panel on a crop of it
    (clipped to the panel), then those that say ``cliponaxis: false`` (the step counter)."""
    unclipped = [trace for trace in traces if not trace.get("cliponaxis", True)]
    for panel in canvas.panels.values():
        mine = [t for t in traces if t not in unclipped and _panel_of(canvas, t) is panel]
        if not mine:
            continue
        sub = image.crop(panel.box)
        draw = ImageDraw.Draw(sub)
        for trace in mine:
            draw_trace(draw, trace, panel.local(), canvas.scale, ink)
        image.paste(sub, panel.box[:2])
    draw = ImageDraw.Draw(image)
    for trace in unclipped:
        draw_trace(draw, trace, _panel_of(canvas, trace), canvas.scale, ink)


def frame_ms(figure: dict) -> int:
    """The chart's time per frame: its Play button's frame duration."""
    for menu in figure["layout"].get("updatemenus", []):
        for button in menu.get("buttons", []):
            if button.get("method") == "animate" and button["args"][0] is None:
                return int(button["args"][1]["frame"]["duration"])
    return 40


def _moving_colors(figure: dict) -> list[tuple[int, int, int]]:
    """Every colour a moving trace can take (line, marker, outline, text), in a fixed order."""
    found: dict[tuple[int, int, int], None] = {(0, 0, 0): None, (255, 255, 255): None}

    def visit(value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "color" and isinstance(inner, str):
                    found[rgba(inner)[:3]] = None
                elif key not in ("x", "y", "text"):
                    visit(inner)
        elif isinstance(value, list):
            for inner in value:
                visit(inner)

    for index in sorted(moving_indices(figure)):
        visit(figure["data"][index])
    for frame in figure.get("frames", [])[:1]:
        visit(frame["data"])
    return list(found)


def gif_palette(base: Image.Image, exact: list[tuple[int, int, int]]) -> Image.Image:
    """A 255-colour palette: the ``exact`` colours first, then median-cut colours of ``base``;
    the 256th index is left free for the GIF writer's "unchanged pixel" transparency."""
    rest = base.quantize(255 - len(exact), Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colors = [c for rgb in exact for c in rgb] + rest.getpalette()[: 3 * (255 - len(exact))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colors + [0] * (765 - len(colors)))
    return palette


# ---- encoding ------------------------------------------------------------------------------


class _LazyFrames(Image.Image):
    """A multi-frame image whose frame i is rendered when the encoder seeks to it, so an
    animation never holds all its frames (Pillow's encoders iterate ``n_frames``/``seek``)."""

    def __init__(self, render: Callable[[int], Image.Image], count: int):
        super().__init__()
        self._render, self.n_frames, self._index = render, count, -1
        self.seek(0)

    def seek(self, frame: int) -> None:
        if not 0 <= frame < self.n_frames:
            raise EOFError(frame)
        if frame != self._index:
            image = self._render(frame)
            self.im, self._mode, self._size = image.im, image.mode, image.size
            self.palette = image.palette
            self.info = dict(image.info)
            self._index = frame

    def tell(self) -> int:
        return self._index


def _renderer(figure: dict, canvas: Canvas, mode: str) -> Callable[[int], Image.Image]:
    """Frame i as an RGB image (``mode="RGB"``) or on the GIF's palette (``"P"``)."""
    base = base_picture(figure, canvas)
    frames = list(frame_traces(figure))
    if mode == "RGB":
        start, ink = base, (lambda color: color[:3])
    else:
        exact = _moving_colors(figure)
        start = base.quantize(palette=gif_palette(base, exact), dither=Image.Dither.NONE)
        index = {rgb: i for i, rgb in enumerate(exact)}
        ink = lambda color: index[color[:3]]  # noqa: E731  every moving colour is in the palette

    def render(i: int) -> Image.Image:
        image = start.copy()
        draw_moving(image, frames[i], canvas, ink)
        return image

    return render


def animation_bytes(
    figure: dict,
    fmt: str = "gif",
    *,
    width: int = 800,
    height: int | None = None,
    speed: float = 1.0,
    quality: int = 80,
) -> bytes:
    """The figure's animation as an animated ``fmt`` ("gif" or "webp") file: one picture per
    frame, each lasting the chart's frame time / ``speed`` (GIF: whole centiseconds, ≥ 20 ms),
    looping forever. ``height`` None keeps the chart's aspect; ``quality`` is WebP's."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not speed > 0:
        raise ValueError(f"speed must be positive, not {speed!r}")
    count = len(figure.get("frames", []))
    if count == 0:
        raise ValueError("the figure has no frames to animate")
    canvas = layout_canvas(figure, width, height)
    duration = frame_ms(figure) / speed
    frames = _LazyFrames(_renderer(figure, canvas, "P" if fmt == "gif" else "RGB"), count)
    buffer = io.BytesIO()
    if fmt == "gif":
        duration = max(GIF_MIN_MS, 10 * round(duration / 10))
        frames.save(buffer, "GIF", save_all=True, duration=duration, loop=0, optimize=True)
    else:
        frames.save(
            buffer, "WEBP", save_all=True, duration=round(duration), loop=0,
            quality=quality, method=0, kmin=count, kmax=count + 1,
        )  # fmt: skip
    return buffer.getvalue()
