"""The lesson pages in real headless Chromium: each loads without an exception box or console
error, every animated chart keeps its surface while playing, and the EWA page answers uploads."""

import numpy as np
import pytest
from browser_checks import LIGHT_CHARTS, assert_clean, panel_pixels, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# url path -> (animated charts, their plot panels) the page shows by default
LESSONS = {
    "learning_rate": (1, 2),  # side by side: two panels, one Play button
    "traps": (4, 4),
    "minibatch": (1, 1),
    "momentum_rmsprop_adam": (2, 2),
    "article_figures": (1, 2),
    "ewa": (0, 0),
}


def wait_for_charts(page, animated: int, charts: int = 1) -> None:
    """Until the page shows `charts` plots, `animated` of them with frames and a background."""
    page.wait_for_function(
        """([animated, charts]) => {
             const plots = [...document.querySelectorAll('.js-plotly-plot')];
             const moving = plots.filter(gd => gd._transitionData
                 && gd._transitionData._frames.length > 0 && gd.querySelector('image'));
             return plots.length >= charts && moving.length >= animated; }""",
        arg=[animated, charts],
        timeout=120_000,
    )
    page.wait_for_timeout(800)


def plot_areas(page, name: str) -> list[np.ndarray]:
    """Pixels of every panel of the animated charts (those with a Play button)."""
    return panel_pixels(page, name, ".js-plotly-plot:has(g.updatemenu-button) .nsewdrag")


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_plays_without_blank_charts(live_app, page, lesson):
    page.goto(f"{live_app}/{lesson}")
    animated, panels = LESSONS[lesson]
    wait_for_charts(page, animated, charts=max(1, animated))
    before = plot_areas(page, f"{lesson}-before")
    buttons = page.locator(".js-plotly-plot g.updatemenu-button:first-of-type")
    for k in range(buttons.count()):
        buttons.nth(k).scroll_into_view_if_needed()
        buttons.nth(k).click()
    page.wait_for_timeout(1200)
    during = plot_areas(page, f"{lesson}-during")
    screenshot(page, f"{lesson}-page", full_page=True)
    assert len(during) == panels
    for still, playing in zip(before, during, strict=True):
        # a blank (white) area has almost no variance; the shaded surface has plenty, and
        # its average colour stays what it was before Play (the background survived)
        assert playing.std() > 15
        assert np.abs(playing.mean(axis=(0, 1)) - still.mean(axis=(0, 1))).max() < 25
    backgrounds = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(gd => gd._transitionData && gd._transitionData._frames.length)"
        ".map(gd => gd.querySelectorAll('image').length)"
    )
    assert len(backgrounds) == animated and all(n >= 1 for n in backgrounds)
    assert page.locator(".js-plotly-plot").count() >= 1
    assert_clean(page)


def test_ewa_upload_explains_a_bad_file_and_draws_a_good_one(live_app, page, tmp_path):
    page.goto(f"{live_app}/ewa")
    wait_for_charts(page, 0, charts=2)
    page.get_by_text("My own CSV file").click()
    uploader = page.locator("[data-testid=stFileUploader] input[type=file]")
    uploader.wait_for(state="attached", timeout=30_000)

    bad = tmp_path / "names.csv"
    bad.write_text("name,city\nann,paris\nbob,rome\n")
    uploader.set_input_files(str(bad))
    page.get_by_text("no column of numbers").wait_for(timeout=30_000)

    good = tmp_path / "prices.csv"
    good.write_text(
        "day,price\n" + "".join(f"2024-01-{d:02d},{10 + d % 4}\n" for d in range(1, 29))
    )
    uploader.set_input_files(str(good))
    page.get_by_text("price: exponentially weighted averages").wait_for(timeout=30_000)
    assert page.get_by_text("no column of numbers").count() == 0
    assert_clean(page)


def test_open_in_playground_carries_the_lessons_settings(live_app, page):
    page.goto(f"{live_app}/learning_rate")
    wait_for_charts(page, 1, charts=1)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open in Playground").first.click()
    playground = opened.value
    playground.frame_locator(LIGHT_CHARTS).first.locator(".js-plotly-plot").wait_for(
        timeout=120_000
    )
    playground.get_by_text("Optimizer Playground").first.wait_for(timeout=60_000)
    for label in ("1 · Gradient descent α=0.01", "2 · Gradient descent α=0.15"):
        playground.get_by_text(label).first.wait_for(timeout=30_000)
    # the Playground rewrites its URL with the values that differ from its defaults
    assert "r1.lr=0.15" in playground.url and "view=side" in playground.url
    assert playground.locator("[data-testid=stException]").count() == 0
