"""Lecture view in a browser: the Playground as a presentation (chart as tall as the window,
sidebar and the rest of the page hidden, big fonts) and its keyboard shortcuts: space
plays/pauses, ←/→ step one frame, R restarts from step 0."""

import re

import pytest
from browser_checks import RACE, RACE_FRAME, assert_clean

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

COUNTER = f"() => {{ const d = {RACE}.data; return d[d.length - 1].text[0]; }}"
LOADED = (
    f"() => {{ const gd = {RACE}; return gd && gd._transitionData"
    " && gd._transitionData._frames.length > 0 && gd.querySelector('image') !== null }"
)


def step(page) -> int:
    return int(re.match(r"step (\d+)", page.evaluate(COUNTER)).group(1))


def wait_step(page, test: str) -> None:
    """Wait until the counter's step number passes ``test`` (JS, on ``n``)."""
    page.wait_for_function(
        f"() => {{ const n = parseInt(({COUNTER})().match(/step (\\d+)/)[1]); return {test}; }}",
        polling="raf",
        timeout=20_000,
    )


@pytest.fixture
def lecture(live_app, page):
    page.goto(live_app + "/?lecture=1&speed=0.25")
    page.wait_for_function(LOADED, timeout=120_000)
    page.wait_for_timeout(800)
    return page


def test_lecture_view_is_a_presentation(lecture):
    page = lecture
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.get_by_text("Optimizer Playground").first.is_visible()
    assert not page.get_by_text("Loss", exact=True).first.is_visible()
    box = page.evaluate(f"() => {{ const r = ({RACE_FRAME}).getBoundingClientRect();"
                        " return [r.top, r.bottom, window.innerHeight]; }")  # fmt: skip
    top, bottom, height = box
    assert bottom <= height + 1 and bottom - top >= 0.7 * height  # fills the window
    assert page.evaluate(f"() => {RACE}.layout.legend.font.size") >= 20  # big run labels
    assert_clean(page)


def test_keyboard_shortcuts(lecture):
    page = lecture
    assert step(page) == 0
    page.keyboard.press("ArrowRight")
    wait_step(page, "n === 1")
    page.keyboard.press("ArrowRight")
    wait_step(page, "n === 2")
    page.keyboard.press("ArrowLeft")
    wait_step(page, "n === 1")

    page.keyboard.press(" ")  # play
    wait_step(page, "n >= 8")
    page.keyboard.press(" ")  # pause
    page.wait_for_timeout(300)
    paused = step(page)
    page.wait_for_timeout(800)
    assert step(page) == paused  # 0.8 s at 160 ms a frame would be 5 frames

    page.keyboard.press("ArrowRight")
    wait_step(page, f"n === {paused + 1}")

    page.keyboard.press("r")  # restart: back to step 0, playing
    wait_step(page, "n <= 2")
    wait_step(page, "n >= 6")
    page.keyboard.press(" ")
    assert_clean(page)
