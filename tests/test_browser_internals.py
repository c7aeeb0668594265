"""The "Internals" toggle in real Chromium: switched on, the race chart gains Schedule-Free's
z and x trails and Lookahead's slow-weight marker, they move when the race plays, and the
link remembers the toggle. The Newer optimizers lesson draws and plays with its internals."""

import pytest
from browser_checks import LIGHT_CHARTS, RACE, assert_clean, panel_pixels, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

QUERY = "?runs=2&r0.opt=sgd_schedule_free&r0.lr=0.2&r1.opt=lookahead_adam&steps=120"  # on peaks
INTERNAL_TRACES = (  # JS: [name, points drawn, last x] of every internal trace of the race
    f"() => {{ const gd = {RACE}; return gd ? gd.data.filter(t => t.name"
    " && t.name.includes(' · ')).map(t => [t.name, t.x.length, t.x[t.x.length - 1]]) : null; }"
)


def wait_for_race(page, internals: int) -> None:
    """Until the race chart is drawn with frames, its background and ``internals`` internal
    traces."""
    page.wait_for_function(
        f"""(count) => {{ const gd = {RACE};
              return gd !== null && gd._transitionData && gd._transitionData._frames.length > 0
                && gd.querySelector('image') !== null
                && gd.data.filter(t => t.name && t.name.includes(' · ')).length === count; }}""",
        arg=internals,
        timeout=120_000,
    )
    page.wait_for_timeout(500)


def test_switching_internals_on_draws_them_and_they_move(live_app, page):
    page.goto(f"{live_app}/{QUERY}")
    wait_for_race(page, 0)
    assert page.evaluate(INTERNAL_TRACES) == []
    page.get_by_text("Internals", exact=True).click()
    wait_for_race(page, 3)
    before = page.evaluate(INTERNAL_TRACES)
    names = [name for name, _, _ in before]
    assert names == [
        "Schedule-Free SGD α=0.2 · z",
        "Schedule-Free SGD α=0.2 · x (average)",
        "Lookahead (Adam) α=0.05 · slow weights",
    ]
    assert "internals=1" in page.url
    page.frame_locator(LIGHT_CHARTS).first.locator("g.updatemenu-button").first.click()
    page.wait_for_timeout(2500)
    during = page.evaluate(INTERNAL_TRACES)
    # z's and x's trails grew from one point at step 0 (the trail is the last 10 points)
    assert [length for _, length, _ in before[:2]] == [1, 1]
    assert all(length > 1 for _, length, _ in during[:2])
    assert isinstance(during[0][2], float) and during[0][2] != before[0][2]  # z moved
    screenshot(page, "internals-on")
    assert_clean(page)


def test_newer_optimizers_page_plays_with_internals(live_app, page):
    """The lesson's four races (and its still charts) draw; Play keeps each background."""
    page.goto(f"{live_app}/newer_optimizers")
    page.wait_for_function(
        """() => {
             const plots = [...document.querySelectorAll('.js-plotly-plot')];
             const moving = plots.filter(gd => gd._transitionData
                 && gd._transitionData._frames.length > 0 && gd.querySelector('image'));
             return plots.length >= 8 && moving.length >= 4; }""",
        timeout=120_000,
    )
    internals = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(gd => gd._transitionData && gd._transitionData._frames.length)"
        ".map(gd => gd.data.filter(t => t.name && t.name.includes(' · ')).length)"
    )
    # Schedule-Free's z and x; SAM's probe; Muon none; Prodigy's d is a chart of its own
    assert internals == [2, 1, 0, 0]
    buttons = page.locator(".js-plotly-plot g.updatemenu-button:first-of-type")
    for k in range(buttons.count()):
        buttons.nth(k).scroll_into_view_if_needed()
        buttons.nth(k).click()
    page.wait_for_timeout(1500)
    shots = panel_pixels(page, "newer", ".js-plotly-plot:has(g.updatemenu-button) .nsewdrag")
    assert len(shots) == 4 and all(shot.std() > 15 for shot in shots)  # not blank
    screenshot(page, "newer-optimizers", full_page=True)
    assert_clean(page)
