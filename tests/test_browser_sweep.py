"""The Training lab's Sweep section in real headless Chromium: a tiny sweep runs from the page
and draws the robustness figure with its quartile bands and the curves at the best rates."""

import re
import time

import pytest
from browser_checks import assert_clean, panel_pixels, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# a data seed of its own each run, so the sweep's folder is new and the run computes
TINY = ("n=100&hidden=8,8&sw_opts=sgd,+adam&sw_points=3&sw_seeds=2&sw_epochs=3"
        "&sw_lr_low=0.01&sw_lr_high=0.1&data_seed={seed}")  # fmt: skip


def test_a_tiny_sweep_shows_median_bands(live_app, page):
    page.goto(f"{live_app}/training_lab?{TINY.format(seed=int(time.time()) % 9000 + 1)}")
    run = page.get_by_role("button", name="Run sweep")
    run.wait_for(timeout=120_000)
    run.click()
    page.get_by_text("12 trials done").wait_for(timeout=120_000)
    page.get_by_text("good range: median").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    # the robustness figure: two quartile bands (filled paths) and two median lines
    fills = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>"
        " [...gd.querySelectorAll('path.js-fill')].filter(p =>"
        " (p.getAttribute('d') || '').length > 20).length)"
    )
    assert fills[-2:] == [2, 2]  # bands: robustness figure and curves at the best rates
    page.get_by_text("good range: median").scroll_into_view_if_needed()
    screenshot(page, "lab-sweep-bands")
    shots = panel_pixels(page, "lab-sweep")
    assert all(shot.std() > 10 for shot in shots[-3:])  # curves, good-range strip, best curves
    assert page.get_by_role("button", name="Download the trials (CSV)").count() == 1
    assert_clean(page)


def test_stop_keeps_the_finished_trials_and_run_resumes(live_app, page):
    seed = int(time.time()) % 9000 + 1
    query = f"n=400&sw_opts=sgd,+adam&sw_points=7&sw_seeds=3&sw_epochs=200&data_seed={seed}"
    page.goto(f"{live_app}/training_lab?{query}")
    run = page.get_by_role("button", name="Run sweep")
    run.wait_for(timeout=120_000)
    run.click()
    page.get_by_text(re.compile(r"^([3-9]|[1-3][0-9]) of 42 trials")).wait_for(timeout=120_000)
    # the section's Stop button (Streamlit's toolbar has a "Stop" of its own)
    page.get_by_test_id("stBaseButton-secondary").filter(has_text="Stop").click()
    kept = page.get_by_text(re.compile(r"of 42 trials finished; run again"))
    kept.wait_for(timeout=60_000)
    finished = int(kept.inner_text().split()[0])
    assert 3 <= finished < 42
    screenshot(page, "lab-sweep-stopped")
    page.get_by_role("button", name="Run sweep").click()
    done = page.get_by_text(re.compile(r"42 trials done \(\d+ now, \d+ before\)"))
    done.wait_for(timeout=180_000)
    now, before = map(int, re.findall(r"\d+", done.inner_text())[1:3])
    assert before >= finished and now + before == 42  # only the missing trials ran
    assert_clean(page)
