"""The Playground in real headless Chromium, used the way a new visitor would.

Load the app, press Play, and check that the chart keeps its background while it animates
(plotly.js drops contour/heatmap layers in ``redraw: false`` frames; ours is an image plus
line traces), that the runners move, that clicking the chart moves the start point, and
that nothing raises or logs errors.
"""

import numpy as np
import pytest
from browser_checks import LIGHT_CHARTS, RACE, RACE_FRAME, assert_clean, panel_pixels, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def plot_pixels(page, name: str) -> np.ndarray:
    """Pixels of the animated chart's (first) plotting area."""
    return panel_pixels(page, name, scope=page.frame_locator(LIGHT_CHARTS).first)[0]


def current_points(page) -> list:
    """Where plotly currently draws each run's marker (the animated traces)."""
    return page.evaluate(
        f"""() => {{ const gd = {RACE};
                   return gd._transitionData._frames[0].traces.filter((t, i) => i % 2 === 1)
                            .map(i => [gd.data[i].x[0], gd.data[i].y[0]]); }}"""
    )


def open_playground(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        f"() => {{ const gd = {RACE};"
        " return gd !== null && gd._transitionData && gd._transitionData._frames.length > 0"
        " && gd.querySelector('image') !== null }",
        timeout=90_000,
    )
    page.wait_for_timeout(500)


def test_play_keeps_the_background_and_moves_the_runners(live_app, page):
    open_playground(page, live_app)
    before = plot_pixels(page, "before-play")
    screenshot(page, "page-before-play", full_page=True)
    start = current_points(page)

    page.frame_locator(LIGHT_CHARTS).first.locator("g.updatemenu-button").first.click()
    page.wait_for_function(  # playing: the slider has left step 0 (12 s of frames at 1x)
        f"() => {RACE}._fullLayout.sliders[0].active > 5", timeout=30_000
    )
    during = plot_pixels(page, "during-play")
    screenshot(page, "page-during-play")
    moved = current_points(page)

    still_playing = page.evaluate(
        f"() => {{ const slider = {RACE}._fullLayout.sliders[0];"
        " return slider.active < slider.steps.length - 1 }"
    )
    assert still_playing  # the "during" screenshot was taken mid-animation
    # A blank (white) plot area has almost no variance; the surface image has plenty.
    assert during.std() > 20 and before.std() > 20
    assert during.mean() < 200  # the dark-blue surface is still there, not a white sheet
    assert np.abs(during.mean(axis=(0, 1)) - before.mean(axis=(0, 1))).max() < 20
    assert moved != start  # the runners left the start point
    assert_clean(page)


def test_clicking_the_chart_sets_the_start_point(live_app, page):
    open_playground(page, live_app)
    target = page.evaluate(
        f"""() => {{ const frame = {RACE_FRAME};
                    const gd = frame.contentDocument.querySelector('.js-plotly-plot');
                    const L = gd._fullLayout, grid = gd.data.find(t => t.name === 'start grid');
                    const k = 5 * 21 + 16;  // a grid point away from the default start
                    const x = grid.x[k], y = grid.y[k];
                    const outer = frame.getBoundingClientRect(), box = gd.getBoundingClientRect();
                    return {{x, y, px: outer.x + box.x + L.xaxis._offset + L.xaxis.l2p(x),
                             py: outer.y + box.y + L.yaxis._offset + L.yaxis.l2p(y)}}; }}"""
    )
    page.mouse.click(target["px"], target["py"])
    page.wait_for_function(
        f"""() => {{ const gd = {RACE};
                    if (!gd || !gd._transitionData || !gd._transitionData._frames.length)
                        return false;
                    const i = gd._transitionData._frames[0].traces[1];
                    return Math.abs(gd.data[i].x[0] - {target["x"]}) < 1e-6; }}""",
        timeout=60_000,
    )
    inputs = page.locator("[data-testid=stSidebar] [data-testid=stNumberInput] input")
    assert float(inputs.nth(0).input_value()) == pytest.approx(target["x"], abs=1e-3)
    assert float(inputs.nth(1).input_value()) == pytest.approx(target["y"], abs=1e-3)
    # the address bar is written when the page's run ends, which may be after the chart drew
    page.wait_for_url(lambda url: f"x0={target['x']:g}" in url, timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_shared_link_restores_the_view(live_app, page):
    open_playground(page, f"{live_app}/?surface=himmelblau&runs=2&r1.opt=adam&view=side")
    panels = page.evaluate(f"() => {RACE}._fullLayout._subplots.cartesian")
    assert panels == ["xy", "x2y2"]
    minima, x_range = page.evaluate(
        f"""() => {{ const gd = {RACE};
                    return [gd.data.find(t => t.name === 'minima').x.length,
                            gd._fullLayout.xaxis.range]; }}"""
    )
    assert (minima, x_range) == (4, [-5, 5])  # Himmelblau's four minima and domain
    assert page.locator("[data-testid=stAlert]").count() == 0
    screenshot(page, "page-side-by-side", full_page=True)


def test_a_typed_function_survives_the_address_bar(live_app, page):
    # "+" must travel as %2B; the app writes the link back the same way
    open_playground(page, f"{live_app}/?surface=custom&f=(x-1)**2%2B2*y**2&ymin=-2")
    y_range = page.evaluate(f"() => {RACE}._fullLayout.yaxis.range")
    assert y_range == [-2, 3]
    minimum = page.evaluate(
        f"() => {{ const t = {RACE}.data"
        ".find(t => t.name === 'minima'); return [t.x[0], t.y[0]]; }"
    )
    assert minimum == pytest.approx([1.0, 0.0], abs=1e-6)
    assert page.locator("[data-testid=stAlert]").count() == 0
    assert "f=%28x-1%29**2%2B2*y**2" in page.url or "f=(x-1)**2%2B2*y**2" in page.url
