"""The Training lab's Landscape section in real headless Chromium: after a small run, Compute
draws the shaded plane with both optimizers' paths on it; clicking another plane and Compute
again redraws it (the solutions at (1, 0) and (0, 1)) and writes the plane into the URL."""

import io

import numpy as np
import pytest
from browser_checks import assert_clean, screenshot
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

QUERY = "n=200&epochs=15&count=2&o1.opt=adam&ls_grid=21"
CONTOUR = (  # JS: the landscape contour's plot element (its title names the plane)
    "[...document.querySelectorAll('.js-plotly-plot')].find(gd => gd._fullLayout && "
    "(gd._fullLayout.title.text || '').includes('on the plane'))"
)


def compute(page):
    page.get_by_role("button", name="Compute landscape").click()
    page.get_by_text("Is the picture honest?").wait_for(timeout=120_000)
    page.wait_for_function(f"() => !!({CONTOUR})", timeout=120_000)
    page.wait_for_timeout(800)


def paths(page) -> list[dict]:
    return page.evaluate(
        f"() => ({CONTOUR}).data.filter(t => t.mode === 'lines+markers')"
        ".map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}))"
    )


def test_landscape_draws_both_paths_and_follows_a_clicked_plane(live_app, page):
    page.goto(f"{live_app}/training_lab?{QUERY}")
    page.get_by_role("button", name="Train", exact=True).click(timeout=120_000)
    page.get_by_text("Decision boundaries").wait_for(timeout=120_000)
    compute(page)
    drawn = paths(page)
    assert len(drawn) == 2
    for path in drawn:  # the PCA plane is centred on θ₀, where both start
        assert abs(path["x"][0]) < 1e-9 and abs(path["y"][0]) < 1e-9
    shown = page.evaluate(
        f"() => ({CONTOUR}).querySelectorAll('.scatterlayer path.js-line').length"
    )
    assert shown >= 3  # contour lines and the two paths
    assert page.evaluate(f"() => ({CONTOUR})._fullLayout.images.length") == 1
    chart = page.locator(".st-key-lab-ls_contour .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    screenshot(page, "lab-landscape-pca")
    pixels = np.asarray(Image.open(io.BytesIO(chart.screenshot())).convert("RGB"), dtype=float)
    assert pixels.std() > 10  # the shaded plane, not a blank panel

    page.get_by_text("θ₀ and two solutions").click()
    page.wait_for_function("() => location.search.includes('ls_plane=through')", timeout=60_000)
    page.get_by_text("to draw this plane").wait_for(timeout=60_000)
    compute(page)
    first, second = paths(page)
    np.testing.assert_allclose([first["x"][-1], first["y"][-1]], [1, 0], atol=1e-9)
    np.testing.assert_allclose([second["x"][-1], second["y"][-1]], [0, 1], atol=1e-9)
    chart.scroll_into_view_if_needed()
    screenshot(page, "lab-landscape-through")
    assert_clean(page)
