"""viz.export: a race figure's animation as GIF and WebP, checked by decoding the files."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from viz.export import animation_bytes
from viz.trajectory import Trajectory, trajectory_figure

DOMAIN = ((-2.0, 2.0), (-1.0, 1.0))
SHADE = (0x5D, 0x93, 0xB8)  # a flat surface is shaded at the middle of the ramp
RED, GREEN = "#e4572e", "#29bf12"


class Flat:
    """A constant surface: one shade, no contour lines, no minima."""

    domain = DOMAIN

    def __call__(self, points):
        return np.zeros(np.shape(points)[:-1])


def _line(start, end, steps=20) -> np.ndarray:
    return np.linspace(start, end, steps + 1)


RUNS = [
    Trajectory("one", RED, _line((-1.5, -0.5), (1.2, 0.6)), np.zeros(21)),
    Trajectory("two", GREEN, _line((1.5, 0.8), (-1.0, -0.7)), np.zeros(21)),
]


@pytest.fixture(scope="module")
def figure() -> dict:
    return trajectory_figure(Flat(), RUNS, trail=1, clickable=0, frame_ms=40)


def _frames(data: bytes) -> list[np.ndarray]:
    image = Image.open(io.BytesIO(data))
    frames = []
    for i in range(image.n_frames):
        image.seek(i)
        frames.append(np.asarray(image.convert("RGB")).astype(int))
    return frames


def _durations(data: bytes) -> list[int]:
    image = Image.open(io.BytesIO(data))
    durations = []
    for i in range(image.n_frames):
        image.seek(i)
        image.load()  # WebP sets a frame's duration when it decodes it
        durations.append(image.info["duration"])
    return durations


def _hex(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])


def _panel_box(frame: np.ndarray, tolerance: int = 14) -> tuple[int, int, int, int]:
    """The shaded panel found in the picture: left, top, width, height of the shade."""
    shade = np.all(np.abs(frame - SHADE) <= tolerance, axis=-1)
    rows, cols = np.flatnonzero(shade.any(axis=1)), np.flatnonzero(shade.any(axis=0))
    return cols[0], rows[0], cols[-1] + 1 - cols[0], rows[-1] + 1 - rows[0]


def _centre(frame: np.ndarray, color: str, tolerance: int = 0) -> np.ndarray:
    """Centroid (in continuous pixel coordinates) of the pixels of ``color`` in the panel
    (the legend's swatches above it have the colour too)."""
    left, top, width, height = _panel_box(frame)
    inside = frame[top : top + height, left : left + width]
    ys, xs = np.nonzero(np.all(np.abs(inside - _hex(color)) <= tolerance, axis=-1))
    assert len(xs) > 20, f"no marker of {color}"
    return np.array([left + xs.mean() + 0.5, top + ys.mean() + 0.5])


def test_frame_count_and_duration(figure):
    frames = len(figure["frames"])
    assert frames == 21  # straight runs never settle: steps 0..20
    for fmt in ("gif", "webp"):
        assert _durations(animation_bytes(figure, fmt)) == [40] * frames
        assert _durations(animation_bytes(figure, fmt, speed=0.5)) == [80] * frames
    # GIF keeps whole centiseconds, at least 20 ms (browsers slow anything faster)
    assert _durations(animation_bytes(figure, "gif", speed=4)) == [20] * frames
    assert _durations(animation_bytes(figure, "webp", speed=4)) == [10] * frames


def test_size_and_equal_scale(figure):
    frame = _frames(animation_bytes(figure, "gif", width=640, height=640))[0]
    assert frame.shape[:2] == (640, 640)  # a taller picture than the chart's: panel shrinks
    _, _, width, height = _panel_box(frame)
    assert abs(width - 2 * height) <= 1  # θ₁ spans 4, θ₂ spans 2: one scale


@pytest.mark.parametrize("fmt, tolerance", [("gif", 0), ("webp", 40)])
def test_markers_at_their_coordinates(figure, fmt, tolerance):
    frames = _frames(animation_bytes(figure, fmt))
    (x0, x1), (y0, y1) = DOMAIN
    for index in (0, -1):
        left, top, width, height = _panel_box(frames[index])
        for run in RUNS:
            x, y = run.path[index]
            expected = (left + width * (x - x0) / (x1 - x0), top + height * (y1 - y) / (y1 - y0))
            found = _centre(frames[index], run.color, tolerance)
            assert np.abs(found - expected).max() <= 1.0, (fmt, index, run.label, found, expected)


def test_same_input_same_bytes(figure):
    for fmt in ("gif", "webp"):
        assert animation_bytes(figure, fmt) == animation_bytes(figure, fmt)


def test_run_colours_are_the_charts(figure):
    """The GIF's palette holds each run's colour exactly, and the marker is filled with it."""
    data = animation_bytes(figure, "gif")
    first = _frames(data)[0]
    for run in RUNS:
        centre = np.floor(_centre(first, run.color)).astype(int)
        assert tuple(first[centre[1], centre[0]]) == tuple(_hex(run.color))
    webp = _frames(animation_bytes(figure, "webp"))[0]
    for run in RUNS:
        centre = np.floor(_centre(webp, run.color, 40)).astype(int)
        assert np.abs(webp[centre[1], centre[0]] - _hex(run.color)).max() <= 24


def test_bad_arguments(figure):
    with pytest.raises(ValueError, match="fmt"):
        animation_bytes(figure, "png")
    with pytest.raises(ValueError, match="speed"):
        animation_bytes(figure, "gif", speed=0)


def test_long_legend_wraps_inside_the_picture():
    """Eight runs with long names: every legend swatch is drawn, above the panel, and nothing
    of the legend runs past the picture's right edge."""
    colours = [
        "#e4572e",
        "#f3a712",
        "#29bf12",
        "#ff66b3",
        "#a259ff",
        "#00d1c1",
        "#1d4ed8",
        "#8b0000",
    ]
    runs = [
        Trajectory(
            f"a long run name number {k}", colour, _line((-1.5, -0.5), (1.2, 0.6)), np.zeros(21)
        )
        for k, colour in enumerate(colours)
    ]
    figure = trajectory_figure(Flat(), runs, trail=1, clickable=0)
    frame = _frames(animation_bytes(figure, "gif", width=640))[0]
    top = _panel_box(frame)[1]
    above = frame[:top]
    page = np.array([0xFB, 0xFA, 0xF6])
    drawn = np.flatnonzero(np.any(np.abs(above - page) > 30, axis=-1).any(axis=0))
    assert drawn.max() < 640 - 4  # inside the picture, clear of its edge
    for colour in colours:
        assert np.all(above == _hex(colour), axis=-1).sum() > 10, colour
