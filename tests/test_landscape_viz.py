"""viz.landscape: the contour image and lines, every projected path, the honesty chart and its
notes, interpolation and sharpness charts; every figure valid Plotly."""

import numpy as np
import plotly.graph_objects as go

from viz.encode import decode
from viz.landscape import (
    PlanePath,
    contour_figure,
    epoch_frames,
    honesty_figure,
    interpolation_figure,
    misleading,
    sharpness_figure,
)

ALPHAS, BETAS = np.linspace(-1, 1, 21), np.linspace(-2, 2, 31)
A, B = np.meshgrid(ALPHAS, BETAS)
VALUES = A**2 + 0.5 * B**2


def _path(label, plane_scale=1.0):
    epochs = np.arange(5)
    coords = np.column_stack([np.linspace(-1, 0, 5), np.linspace(2, 0, 5)])
    true = 1.0 / (1 + epochs)
    share = np.linspace(0, 0.3, 5)
    return PlanePath(label, "#ff0000", epochs, coords, share, true, true * plane_scale)


def test_contour_figure_draws_the_image_the_lines_and_every_path():
    paths = [_path("SGD"), _path("Adam")]
    fig = contour_figure(ALPHAS, BETAS, VALUES, paths, title="plane")
    go.Figure(fig)
    (image,) = fig["layout"]["images"]
    assert image["source"].startswith("data:image/webp;base64,")
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-1, 2, 2, 4)
    lines = fig["data"][0]
    ys = np.asarray(decode(lines["y"]) if isinstance(lines["y"], dict) else lines["y"], float)
    xs = np.asarray(decode(lines["x"]) if isinstance(lines["x"], dict) else lines["x"], float)
    ok = np.isfinite(xs)  # every contour point sits where the function has its level
    levels = np.unique(np.round(xs[ok] ** 2 + 0.5 * ys[ok] ** 2, 1))
    assert 5 <= len(levels) <= 30
    kept = {t["name"]: t for t in fig["data"] if t["name"].endswith("(kept epochs)")}
    assert set(kept) == {"SGD (kept epochs)", "Adam (kept epochs)"}
    assert kept["SGD (kept epochs)"]["x"] == paths[0].coords[:, 0].tolist()
    assert fig["layout"]["title"]["text"] == "plane"
    assert [f["name"] for f in fig["frames"]] == ["0", "1", "2", "3", "4"]
    assert fig["frames"][2]["data"][-1]["text"] == ["epoch 2"]


def test_epoch_frames_hold_a_diverged_path_at_its_last_kept_epoch():
    """Strided epochs (0, 5, 10, 12) against a path that diverged in epoch 7, kept at 0 and 5
    and 6 (its last good epoch): it stands at 6's point from epoch 10 on, marked ✕ there."""
    coords = np.arange(8.0).reshape(4, 2)
    full = PlanePath("A", "#000000", np.array([0, 5, 10, 12]), coords, *[np.zeros(4)] * 3)
    short = PlanePath("B", "#111111", np.array([0, 5, 6]), -coords[:3], *[np.arange(3.0)] * 3, 7)
    epochs, (a, b) = epoch_frames([full, short])
    assert epochs.tolist() == [0, 5, 6, 10, 12]
    np.testing.assert_array_equal(a.path, coords[[0, 1, 1, 2, 3]])
    np.testing.assert_array_equal(b.path, -coords[[0, 1, 2, 2, 2]])
    np.testing.assert_array_equal(b.values, [0, 1, 2, 2, 2])
    assert (a.diverged_at, b.diverged_at) == (-1, 3)  # frame 3 is epoch 10, after epoch 7


def test_honesty_figure_and_notes():
    fair, off = _path("fair"), _path("off", plane_scale=1.5)
    fig = honesty_figure([fair, off])
    go.Figure(fig)
    names = [t["name"] for t in fig["data"]]
    assert "off: true loss" in names and "off: on the plane" in names
    plane = next(t for t in fig["data"] if t["name"] == "off: on the plane")
    np.testing.assert_allclose(plane["y"], 1.5 / (1 + np.arange(5)))
    shares = [t for t in fig["data"] if t.get("yaxis") == "y2"]
    np.testing.assert_allclose(shares[0]["y"], np.linspace(0, 0.3, 5))
    assert misleading([fair]) == []
    (note,) = misleading([fair, off], tolerance=0.1)
    assert note.startswith("off: this picture misleads here") and "50% off" in note
    assert misleading([off], tolerance=0.6) == []
    assert len(misleading([off], tolerance=0.45)) == 1


def test_interpolation_and_sharpness_figures():
    t = np.linspace(0, 1, 11)
    fig = interpolation_figure([("θ₀ → SGD", "#000000", t, 1 - t), ("SGD → Adam", "#111111", t, t)])
    go.Figure(fig)
    assert [tr["name"] for tr in fig["data"]] == ["θ₀ → SGD", "SGD → Adam"]
    assert fig["data"][0]["y"] == (1 - t).tolist()
    fig = sharpness_figure([("SGD", "#000000", 12.5, 0.9), ("Adam", "#111111", 40.0, 0.85)])
    go.Figure(fig)
    assert [(tr["x"], tr["y"]) for tr in fig["data"]] == [([12.5], [0.9]), ([40.0], [0.85])]
