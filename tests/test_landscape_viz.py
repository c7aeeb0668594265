"""viz.landscape: the contour image and lines, every projected path, the honesty chart and its
notes, interpolation and sharpness charts; every figure valid Plotly."""

import numpy as np
import plotly.graph_objects as go

from viz.landscape import (
    PlanePath,
    contour_figure,
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
    ys = np.array(lines["y"], float)
    xs = np.array(lines["x"], float)
    ok = np.isfinite(xs)  # every contour point sits where the function has its level
    levels = np.unique(np.round(xs[ok] ** 2 + 0.5 * ys[ok] ** 2, 1))
    assert 5 <= len(levels) <= 30
    drawn = {t["name"]: t for t in fig["data"][1:]}
    assert set(drawn) == {"SGD", "Adam"}
    assert drawn["SGD"]["x"] == paths[0].coords[:, 0].tolist()
    assert drawn["SGD"]["marker"]["symbol"][0] == "circle"
    assert drawn["SGD"]["marker"]["symbol"][-1] == "diamond"


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
