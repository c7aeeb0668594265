"""viz.atlas against hand-built results: colours, shares, tables, bands and theory curves."""

import base64
import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image

import atlas
import surfaces
from atlas import Basins, Sensitivity, Setting, theory
from viz import atlas as va
from viz import export
from viz.encode import decode


def _basins():
    """3 x 4 starts, two settings, minima M1 (global) and M2 (local), by hand."""
    label = np.array(
        [
            [[0, 0, 1, -1], [0, 1, 1, -2], [0, 0, -2, -2]],
            [[1, 1, 1, 1], [0, 0, 0, 0], [-1, -1, -1, -1]],
        ]
    )
    steps = np.where(label >= 0, np.arange(12).reshape(3, 4) * 10, -1)
    minima = (surfaces.Minimum(-1.0, 0.0, 0.0, True), surfaces.Minimum(1.0, 0.0, 0.5, False))
    return Basins(
        xs=np.array([-1.5, -0.5, 0.5, 1.5]), ys=np.array([-1.0, 0.0, 1.0]),
        settings=(Setting.of("gd", lr=0.1), Setting.of("adam", lr=0.05)), minima=minima,
        tol=0.01, steps_budget=100, label=label, steps=steps,
        final=np.zeros((2, 3, 4, 2)), diverged_at=np.where(label == -2, 7, -1),
    )  # fmt: skip


def _png(uri):
    return np.array(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))


def test_basin_colours_hue_per_minimum_lighter_with_steps_grey_and_black():
    result = _basins()
    rgb = va.basin_rgb(result.label[0], result.steps[0], 100)
    assert tuple(rgb[1, 3]) == (0, 0, 0) and tuple(rgb[2, 2]) == (0, 0, 0)
    assert tuple(rgb[0, 3]) == va.NOT_SETTLED_RGB
    assert tuple(rgb[0, 0]) == (0xE4, 0x57, 0x2E)  # 0 steps: the pure hue of M1
    assert rgb[2, 0].astype(int).sum() > rgb[1, 0].astype(int).sum()  # 80 steps lighter than 40
    # 0.7·√(40/100) of the way to white, by hand
    expected = np.array([0xE4, 0x57, 0x2E]) + (255 - np.array([0xE4, 0x57, 0x2E])) * 0.7 * 0.4**0.5
    np.testing.assert_array_equal(rgb[1, 0], expected.round())


def test_basins_figure_has_one_upright_image_per_setting_with_contours_and_minima():
    result = _basins()
    contours = (np.array([0.0, 1.0, np.nan]), np.array([0.0, 1.0, np.nan]))
    fig = va.basins_figure(result, contours)
    images = fig["layout"]["images"]
    assert [(i["xref"], i["yref"]) for i in images] == [("x", "y"), ("x2", "y2")]
    assert images[0]["x"] == -2.0 and images[0]["y"] == 1.5 and images[0]["sizex"] == 4.0
    picture = _png(images[1]["source"])
    assert picture.shape == (3, 4, 3)
    # top row of the picture is the highest y: the second setting's row y = 1 is not settled
    assert tuple(picture[0, 0]) == va.NOT_SETTLED_RGB
    names = [t["name"] for t in fig["data"]]
    assert names.count("contours") == 2 and names.count("minima (★ global)") == 2
    stars = fig["data"][1]["marker"]["symbol"]
    assert list(stars) == ["star", "circle"]


def test_legend_and_summary_shares_match_hand_counts():
    result = _basins()
    legend = va.basins_legend(result).set_index("minimum")
    gd, adam = result.settings[0].label, result.settings[1].label
    assert legend.loc["M1", gd] == 5 / 12 and legend.loc["M2", gd] == 3 / 12
    assert legend.loc["diverged", gd] == 3 / 12 and legend.loc["not settled", adam] == 4 / 12
    assert legend.loc["M1", "kind"] == "global" and legend.loc["M2", "kind"] == "local"
    summary = va.basins_summary(result).set_index("optimizer")
    assert summary.loc[gd, "global minimum"] == 5 / 12 and summary.loc[gd, "any minimum"] == 8 / 12
    assert summary.loc[adam, "global minimum"] == 4 / 12 and summary.loc[adam, "diverged"] == 0
    reached = [0, 10, 20, 40, 50, 60, 80, 90]  # gd's steps at its 8 starts at a minimum
    assert summary.loc[gd, "median steps"] == np.median(reached)
    assert summary.loc[gd, "90th pct steps"] == pytest.approx(np.percentile(reached, 90))


def test_csv_is_tidy_one_row_per_start_and_setting():
    result = _basins()
    table = pd.read_csv(io.StringIO(va.basins_csv(result).to_csv(index=False)))
    assert len(table) == 24
    assert list(table.columns) == [
        "start_x", "start_y", "optimizer", "settings", "end_x", "end_y", "minimum", "steps",
        "diverged_at",
    ]  # fmt: skip
    row = table[(table.optimizer == "gd") & (table.start_x == 1.5) & (table.start_y == 0.0)]
    assert row.minimum.item() == "diverged" and row.diverged_at.item() == 7
    assert table[table.optimizer == "adam"].minimum.value_counts()["not settled"] == 4


def test_sensitivity_band_is_the_interquartile_range_and_success_the_share():
    rng = np.random.default_rng(0)
    gap = rng.lognormal(size=(1, 3, 8))
    success = gap < 1.0
    result = Sensitivity(
        lrs=np.array([0.01, 0.1, 1.0]), starts=np.zeros((8, 2)), seeds=1,
        settings=(Setting.of("gd"),), best_value=0.0, gap=gap, success=success,
        diverged=np.zeros_like(success),
    )  # fmt: skip
    fig = va.sensitivity_figure(result, ["#e4572e"])
    band, median, rate = fig["data"]
    np.testing.assert_allclose(decode(median["y"]), [np.sort(g)[3] for g in gap[0]])  # "lower"
    np.testing.assert_allclose(decode(band["y"])[:3], [np.sort(g)[5] for g in gap[0]])
    np.testing.assert_allclose(decode(rate["y"]), success[0].mean(axis=1))
    table = va.sensitivity_table(result)
    assert table["best α"][0] == result.lrs[np.argmin([np.sort(g)[3] for g in gap[0]])]


def test_hyper_map_overlays_follow_the_closed_forms():
    ravine = surfaces.SURFACES["ravine"].with_params(kappa=100)
    lrs, betas = np.geomspace(0.005, 0.05, 6), np.linspace(0.0, 0.9, 5)
    result = atlas.hyper_map(ravine, Setting.of("sgd"), "lr", lrs, "momentum", betas, steps=200)
    curves = theory.momentum_overlays(1.0, 100.0, lrs)
    fig = va.hyper_map_figure(result, "rate", curves)
    heat = fig["data"][0]
    assert np.asarray(heat["z"], float).shape == (5, 6)
    boundary = next(t for t in fig["data"] if t.get("name", "").startswith("divergence"))
    np.testing.assert_allclose(decode(boundary["x"]) * 100, 2 + 2 * decode(boundary["y"]))
    star = next(t for t in fig["data"] if t.get("name") == "optimum")
    assert (star["x"][0], star["y"][0]) == pytest.approx((0.03306, 0.6694), abs=5e-5)
    article = theory.momentum_overlays(1.0, 100.0, lrs, article=True)["optimum"]
    assert article[0] == pytest.approx(0.03306 / (1 - 0.6694), rel=1e-3)


def _uniform_basins():
    """10 × 10 starts over [−1, 1]²: every start of the first setting at M1 at once, every
    start of the second at M2 at once (pure hues); minima at (∓0.5, 0)."""
    centres = np.linspace(-0.9, 0.9, 10)
    label = np.stack([np.zeros((10, 10), int), np.ones((10, 10), int)])
    minima = (surfaces.Minimum(-0.5, 0.0, 0.0, True), surfaces.Minimum(0.5, 0.0, 0.5, False))
    return Basins(
        xs=centres, ys=centres, settings=(Setting.of("gd"), Setting.of("adam")), minima=minima,
        tol=0.01, steps_budget=100, label=label, steps=np.zeros_like(label),
        final=np.zeros((2, 10, 10, 2)), diverged_at=np.full_like(label, -1),
    )  # fmt: skip


def _box(mask):
    """Rows and columns where a picture's mask holds more than 100 pixels (a panel, not a
    swatch): (top, bottom, left, right), inclusive."""
    rows = np.flatnonzero(mask.sum(axis=1) > 100)
    cols = np.flatnonzero(mask[rows.min() : rows.max() + 1].sum(axis=0) > 30)
    return rows.min(), rows.max(), cols.min(), cols.max()


def test_png_is_the_atlas_with_contours_ticks_titles_and_legend():
    """The contour x = 0 crosses the middle of each square panel, lighter than its hue; the
    legend shows each minimum's hue, grey and black; text (ticks, titles) around the panels."""
    result = _uniform_basins()
    png = va.basins_png(result, ["first", "second"], ([0.0, 0.0], [-1.0, 1.0]), width=900)
    picture = np.array(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert picture.shape[1] == 900
    hues = [np.array(va._hex_rgb(va.minimum_colour(i))) for i in (0, 1)]
    bottoms = []
    for hue in hues:
        top, bottom, left, right = _box(np.all(picture == hue, axis=-1))
        assert abs((bottom - top) - (right - left)) <= 3  # [−1, 1]², one scale: square
        band = picture[top + 5 : top + (bottom - top) // 4, left : right + 1]  # above the ★
        middle = (right - left) // 2
        lighter = band[:, middle - 2 : middle + 3].sum(axis=-1) > hue.sum() + 30
        assert lighter.any(axis=1).all()  # the contour line over the whole band
        np.testing.assert_array_equal(band[:, middle // 2], np.broadcast_to(hue, (len(band), 3)))
        text = np.all(picture[max(0, top - 40) : top, left:right] < 80, axis=-1)
        ticks = np.all(picture[top:bottom, max(0, left - 30) : left] < 80, axis=-1)
        assert text.sum() > 20 and ticks.sum() > 20  # the title above, y ticks on the left
        bottoms.append(bottom)
    legend = picture[max(bottoms) + 40 :]
    for colour in [*hues, va.NOT_SETTLED_RGB, va.DIVERGED_RGB]:
        assert np.all(legend == np.array(colour), axis=-1).sum() >= 100  # a swatch of it


def _grid_basins(nx: int, ny: int, settings: int = 2):
    """Starts at the centres of nx × ny cells of [−2, 2] × [−1, 3] (labels do not matter)."""
    xs, ys = -2 + 4 * (np.arange(nx) + 0.5) / nx, -1 + 4 * (np.arange(ny) + 0.5) / ny
    label = np.full((settings, ny, nx), -1)
    return Basins(
        xs=xs, ys=ys, settings=(Setting.of("gd"),) * settings, minima=(), tol=0.01,
        steps_budget=10, label=label, steps=label, final=np.zeros((settings, ny, nx, 2)),
        diverged_at=label,
    )  # fmt: skip


def _target(fig: dict, suffix: str, row: int, column: int) -> tuple[int, int, float, float]:
    """(curve, point index, x, y in the panel's data) of the click target of start (row,
    column) on panel x{suffix}: its overlay axis mapped onto the panel's range by hand."""
    layout = fig["layout"]
    for curve, trace in enumerate(fig["data"]):
        over_x, over_y = (layout.get(f"{a}axis{trace.get(a + 'axis', a)[1:]}", {}) for a in "xy")
        corner = trace.get("meta") or {}
        if trace.get("name") != "starts" or over_x.get("overlaying") != f"x{suffix}":
            continue
        x = decode(trace["x"]).astype(int) + corner["column"]
        y = decode(trace["y"]).astype(int) + corner["row"]
        hits = np.flatnonzero((x == column) & (y == row))
        if hits.size:
            k = int(hits[0])
            u = (decode(trace["x"])[k] - over_x["range"][0]) / np.diff(over_x["range"])[0]
            v = (decode(trace["y"])[k] - over_y["range"][0]) / np.diff(over_y["range"])[0]
            (x0, x1), (y0, y1) = (
                layout[f"xaxis{suffix}"]["range"],
                layout[f"yaxis{suffix}"]["range"],
            )
            return curve, k, x0 + u * (x1 - x0), y0 + v * (y1 - y0)
    raise AssertionError(f"no target for start ({row}, {column}) on panel x{suffix}")


@pytest.mark.parametrize(("nx", "ny"), [(300, 300), (120, 90)])
def test_every_start_is_a_click_target_over_its_own_pixel(nx, ny):
    """For starts in every block: the target plotly would report sits over the start's pixel
    centre, and the click picks that start; the targets are one byte a coordinate."""
    result = _grid_basins(nx, ny)
    fig = va.add_clicks_and_paths(va.basins_figure(result), result)
    for suffix in ("", "2"):
        assert fig["layout"][f"xaxis{suffix}"]["fixedrange"]  # no zoom off the targets
        for row, column in [(0, 0), (ny - 1, nx - 1), (ny // 3, nx - 1), (ny - 1, 7), (37, 45)]:
            curve, k, x, y = _target(fig, suffix, row, column)
            np.testing.assert_allclose((x, y), (result.xs[column], result.ys[row]), atol=1e-12)
            point = {"curve_number": curve, "point_index": k}
            assert va.clicked_start(fig, result, point) == (result.xs[column], result.ys[row])
    targets = [t for t in fig["data"] if t.get("name") == "starts"]
    assert {t["x"]["dtype"] for t in targets} == {"u1"}
    assert sum(decode(t["x"]).size for t in targets) == 2 * nx * ny
    go.Figure(fig)  # valid Plotly


def test_a_click_elsewhere_picks_the_point_or_nothing():
    result = _grid_basins(10, 10, settings=1)
    fig = va.add_clicks_and_paths(va.basins_figure(result), result)
    assert va.clicked_start(fig, result, {"curve_number": 0, "x": 0.5, "y": -0.25}) == (0.5, -0.25)
    target = next(i for i, t in enumerate(fig["data"]) if t.get("name") == "starts")
    assert va.clicked_start(fig, result, {"curve_number": target, "point_index": 100}) is None
    assert va.clicked_start(fig, result, {"curve_number": 99, "point_index": 3}) is None


def test_png_widens_for_a_long_legend():
    """Long run names: the legend's last column ends inside the picture, page colour after it."""
    names = ["a run with a rather long name, α = 0.01", "another run with a long name, α = 0.05"]
    png = va.basins_png(_uniform_basins(), names, width=500)
    picture = np.array(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert picture.shape[1] > 500
    page = np.array(va._hex_rgb(export.PAGE_COLOR))
    np.testing.assert_array_equal(picture[:, -10:], np.broadcast_to(page, picture[:, -10:].shape))
