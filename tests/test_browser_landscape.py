"""The Training lab's Landscape section in real headless Chromium: after a small run, Compute
draws the shaded plane with both optimizers' paths on it as the Playground's race chart; ▶ Play
moves each optimizer's marker along its projected path, epoch by epoch, to its last kept epoch;
clicking another plane and Compute again redraws it (the solutions at (1, 0) and (0, 1)) and
writes the plane into the URL."""

import io

import numpy as np
import pytest
from browser_checks import LIGHT_CHARTS, assert_clean, screenshot
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

EPOCHS = 15
QUERY = f"n=200&epochs={EPOCHS}&count=2&o1.opt=adam&ls_grid=21"
CONTOUR = (  # JS: the landscape contour's plot element in its light-chart iframe
    f"(f => f ? f.contentDocument.querySelector('.js-plotly-plot') : null)("
    f"[...document.querySelectorAll('{LIGHT_CHARTS}')].find(f => {{"
    " const gd = f.contentDocument && f.contentDocument.querySelector('.js-plotly-plot');"
    " return gd && gd._fullLayout && (gd._fullLayout.title.text || '').includes('on the plane')"
    " && gd._transitionData && gd._transitionData._frames.length > 0; }))"
)
# JS: per optimizer, its marker now (the moving one-point trace) and its kept epochs' points
STATE = f"""() => {{ const gd = {CONTOUR};
  const kept = gd.data.filter(t => (t.name || '').endsWith('(kept epochs)'));
  const names = kept.map(t => t.name.replace(' (kept epochs)', ''));
  const now = names.map(n => gd.data.find(t => t.name === n && t.mode === 'markers'));
  const counter = gd.data.find(t => t.name === 'step counter');
  return {{names, counter: counter.text[0],
           now: now.map(t => [Array.from(t.x)[0], Array.from(t.y)[0]]),
           kept: kept.map(t => ({{x: Array.from(t.x), y: Array.from(t.y)}}))}}; }}"""


def compute(page):
    page.get_by_role("button", name="Compute landscape").click()
    page.get_by_text("Is the picture honest?").wait_for(timeout=120_000)
    page.wait_for_function(f"() => !!({CONTOUR})", timeout=120_000)
    page.wait_for_timeout(800)


def test_landscape_plays_both_paths_and_follows_a_clicked_plane(live_app, page):
    page.goto(f"{live_app}/training_lab?{QUERY}")
    page.get_by_role("button", name="Train", exact=True).click(timeout=120_000)
    page.get_by_text("Decision boundaries").wait_for(timeout=120_000)
    compute(page)
    before = page.evaluate(STATE)
    assert len(before["names"]) == 2 and before["counter"] == "epoch 0"
    for kept, now in zip(before["kept"], before["now"], strict=True):
        assert len(kept["x"]) == EPOCHS + 1  # every epoch the lab's training kept
        assert abs(kept["x"][0]) < 1e-9 and abs(kept["y"][0]) < 1e-9  # PCA plane through θ₀
        np.testing.assert_allclose(now, [0, 0], atol=1e-6)
    assert page.evaluate(f"() => ({CONTOUR})._fullLayout.images.length") == 1
    frame = page.locator(LIGHT_CHARTS).first
    frame.scroll_into_view_if_needed()
    pixels = np.asarray(Image.open(io.BytesIO(frame.screenshot())).convert("RGB"), dtype=float)
    assert pixels.std() > 10  # the shaded plane, not a blank panel

    page.frame_locator(LIGHT_CHARTS).first.locator("g.updatemenu-button").first.click()
    page.wait_for_function(
        f"() => ({STATE})().counter.startsWith('epoch {EPOCHS}')", timeout=60_000
    )
    after = page.evaluate(STATE)
    for kept, now in zip(after["kept"], after["now"], strict=True):
        end = [kept["x"][-1], kept["y"][-1]]  # each marker stands at its last kept epoch
        np.testing.assert_allclose(now, end, atol=1e-3 * max(1.0, np.abs(end).max()))
        assert np.hypot(*end) > 1e-3  # and that is somewhere else than where it started
    screenshot(page, "lab-landscape-pca")

    page.get_by_text("θ₀ and two solutions").click()
    page.wait_for_function("() => location.search.includes('ls_plane=through')", timeout=60_000)
    page.get_by_text("to draw this plane").wait_for(timeout=60_000)
    compute(page)
    page.wait_for_function(f"() => ({CONTOUR})._fullLayout.title.text.includes('θ₀,')")
    first, second = page.evaluate(STATE)["kept"]
    np.testing.assert_allclose([first["x"][-1], first["y"][-1]], [1, 0], atol=1e-6)
    np.testing.assert_allclose([second["x"][-1], second["y"][-1]], [0, 1], atol=1e-6)
    screenshot(page, "lab-landscape-through")
    assert_clean(page)
