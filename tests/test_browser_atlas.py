"""The Atlas in Chromium: the basin images drawn side by side on one colour key, and the legend
table with a swatch of each minimum's colour."""

import numpy as np
import pytest
from browser_checks import LIGHT_CHARTS, assert_clean, panel_pixels, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

M1, M2, GREY = np.array([0xE4, 0x57, 0x2E]), np.array([0x17, 0xBE, 0xBB]), np.array([170] * 3)


def share_near(pixels: np.ndarray, colour: np.ndarray, distance: float = 30) -> float:
    return float(np.mean(np.linalg.norm(pixels - colour, axis=-1) < distance))


def share_reddish(pixels) -> float:
    """M1's hue, lightened towards white by the steps: red well above blue."""
    r, g, b = np.moveaxis(pixels, -1, 0)
    return float(np.mean((r - b > 40) & (r > g + 20)))


def share_teal(pixels) -> float:
    """M2's hue, lightened: green and blue well above red."""
    r, g, b = np.moveaxis(pixels, -1, 0)
    return float(np.mean((g - r > 30) & (b - r > 30)))


def test_basin_images_and_legend(live_app, page):
    query = "surface=sharp_flat&atlas.resolution=60&atlas.steps=300"
    page.goto(f"{live_app}/atlas?{query}")
    frame = page.frame_locator(LIGHT_CHARTS).first
    frame.locator(".js-plotly-plot image").nth(3).wait_for(state="attached", timeout=120_000)
    page.wait_for_timeout(1500)
    panels = panel_pixels(page, "atlas-basins", scope=frame)
    assert len(panels) == 4
    # GD and momentum at α = 0.01: the sharp minimum's hue near it, grey (not settled) far
    # out; RMSProp and Adam reach both minima: both hues (pure near each minimum).
    for k, pixels in enumerate(panels):
        assert share_reddish(pixels) > 0.05, k
        if k < 2:
            assert share_near(pixels, GREY, 12) > 0.2, k
        else:
            assert share_teal(pixels) > 0.2, k
    legend = page.locator("[data-testid=stDataFrame]").first
    legend.scroll_into_view_if_needed()
    path = screenshot(page, "atlas-legend", clip=legend.bounding_box())
    from PIL import Image

    cells = np.asarray(Image.open(path).convert("RGB"), dtype=float)
    assert share_near(cells, M1, 12) > 0.002 and share_near(cells, M2, 12) > 0.002
    screenshot(page, "atlas-page", full_page=True)
    assert_clean(page)


ATLAS_PLOT = (
    f"(f => f ? f.contentDocument.querySelector('.js-plotly-plot') : null)"
    f"(document.querySelector('{LIGHT_CHARTS}'))"
)


def test_clicking_any_pixel_draws_every_run_from_that_start(live_app, page):
    """120 starts a side (the old click targets sat on every 2nd), two runs (panels about 2.6
    screen pixels a start): the start in column 73, row 41 of Himmelblau's [−5, 5]², at
    x = −5 + 10·73.5/120, y = −5 + 10·41.5/120."""
    x, y = -5 + 10 * 73.5 / 120, -5 + 10 * 41.5 / 120
    query = "surface=himmelblau&atlas.resolution=120&atlas.steps=100&runs=2&r0.opt=gd&r1.opt=adam"
    page.goto(f"{live_app}/atlas?{query}")
    page.frame_locator(LIGHT_CHARTS).first.locator(".js-plotly-plot image").nth(1).wait_for(
        state="attached", timeout=120_000
    )
    page.wait_for_timeout(1000)
    target = page.evaluate(
        f"""() => {{ const frame = document.querySelector('{LIGHT_CHARTS}');
                    const gd = {ATLAS_PLOT}, L = gd._fullLayout;
                    const outer = frame.getBoundingClientRect(), box = gd.getBoundingClientRect();
                    return {{px: outer.x + box.x + L.xaxis2._offset + L.xaxis2.l2p({x}),
                             py: outer.y + box.y + L.yaxis2._offset + L.yaxis2.l2p({y}),
                             perStart: L.xaxis2._length / 120}}; }}"""
    )
    assert target["perStart"] > 2.2  # room for the browser's sub-pixel rounding
    page.mouse.move(target["px"], target["py"])
    page.wait_for_timeout(300)
    page.mouse.click(target["px"], target["py"])
    page.wait_for_function(
        f"""() => {{ const gd = {ATLAS_PLOT};
                    if (!gd) return false;
                    const starts = gd.data.filter(t => t.name === 'start');
                    return starts.length === 2 && starts.every(
                        t => Math.abs(t.x[0] - {x}) < 1e-12
                             && Math.abs(t.y[0] - {y}) < 1e-12); }}""",
        timeout=60_000,
    )
    inputs = page.locator("[data-testid=stSidebar] [data-testid=stNumberInput] input")
    assert float(inputs.nth(0).input_value()) == pytest.approx(x, abs=1e-3)
    page.wait_for_url(lambda url: f"x0={x:g}" in url and f"y0={y:g}" in url, timeout=30_000)
    href = page.get_by_role("link", name="Open in Playground").get_attribute("href")
    assert f"x0={x:g}" in href and f"y0={y:g}" in href and "r1.opt=adam" in href
    screenshot(page, "atlas-clicked-start")
    assert_clean(page)
