"""The training lab in real headless Chromium: a small run trains with no exception box or
console error and draws plots that are not blank, on the page's own background, above a
summary whose every column is in view; Stop keeps what was trained so far."""

import re

import pytest
from browser_checks import assert_clean, panel_pixels, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SMALL = "n=200&epochs=15&count=2&o1.opt=adam"


def open_lab(page, live_app: str, query: str):
    page.goto(f"{live_app}/training_lab?{query}")
    train = page.get_by_role("button", name="Train", exact=True)
    train.wait_for(timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1")
    return train


def test_a_small_run_trains_and_every_plot_shows_something(live_app, page):
    open_lab(page, live_app, SMALL).click()
    page.get_by_text("Decision boundaries").wait_for(timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3")
    page.wait_for_timeout(1000)
    screenshot(page, "lab-page", full_page=True)
    # data (1 panel) + loss and accuracy (2) + one decision boundary per optimizer (2)
    shots = panel_pixels(page, "lab-trained")
    assert len(shots) == 5
    for shot in shots:  # blank white panels have almost no variance
        assert shot.std() > 10
    lines = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(gd => gd.querySelectorAll('path.js-line').length)"
    )
    assert lines[1] >= 8  # two optimizers × (train, test) × (loss, accuracy)
    assert page.locator("table").filter(has_text="final test accuracy").count() == 1
    assert_clean(page)


def test_stop_keeps_what_was_trained_so_far(live_app, page):
    open_lab(page, live_app, "epochs=1000&batch=one&count=1").click()
    page.get_by_text(re.compile(r"Epoch [1-9]\d* of 1000")).wait_for(timeout=120_000)
    # the page's Stop button (Streamlit's toolbar has a "Stop" of its own)
    page.get_by_test_id("stBaseButton-secondary").filter(has_text="Stop").click()
    page.get_by_text("what was trained so far is shown").wait_for(timeout=60_000)
    page.get_by_text("Decision boundaries").wait_for(timeout=60_000)
    page.locator("table").filter(has_text="final test accuracy").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    screenshot(page, "lab-stopped", full_page=True)
    assert page.get_by_text("Epoch 1000 of 1000").count() == 0
    assert_clean(page)


def test_charts_take_the_page_theme_and_the_summary_shows_every_column(live_app, page):
    open_lab(page, live_app, SMALL).click()
    page.get_by_text("Decision boundaries").wait_for(timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3")
    page_color = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
    )
    assert page_color == "rgb(251, 250, 246)"  # .streamlit/config.toml's cream backgroundColor
    # the colour plotly.js filled each panel's plotting area with (data, curves, boundaries)
    plot_colors = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {"
        " const probe = document.createElement('div');"
        " probe.style.color = gd._fullLayout.plot_bgcolor; document.body.append(probe);"
        " const rgb = getComputedStyle(probe).color; probe.remove(); return rgb })"
    )
    assert plot_colors == [page_color] * 3
    headers = page.locator("table").filter(has_text="final test accuracy").locator("th")
    assert headers.first.inner_text() == "optimizer"
    assert headers.last.inner_text() == "status"
    last = headers.last
    last.scroll_into_view_if_needed()
    assert last.evaluate("th => th.scrollWidth <= th.clientWidth")  # its text is not cut short
    box, view = last.bounding_box(), page.viewport_size
    main = page.get_by_test_id("stMain").bounding_box()
    assert box["width"] > 0 and box["x"] + box["width"] <= min(
        main["x"] + main["width"], view["width"]
    )
    assert_clean(page)
