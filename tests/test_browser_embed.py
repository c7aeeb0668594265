"""Embed mode in a browser: ``?embed=true`` shows only the page's figures and a small link to
the full app with the same settings; ``hide=`` drops chosen controls; "Copy embed code" gives
an <iframe> of the current view."""

from urllib.parse import parse_qs, urlsplit

import pytest
from browser_checks import RACE, assert_clean

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# JS: every visible element of the main column that is not inside an embedded figure's
# container (the link sits inside it); Streamlit's own empty wrappers have no size.
STRAYS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stElementContainer"]')]
  .filter(el => el.getBoundingClientRect().height > 0
                && !el.closest('[class*="st-key-embed-show"]'))
  .map(el => el.innerText.slice(0, 40) || el.innerHTML.slice(0, 60))"""
CHART_LOADED = (
    f"() => {{ const gd = {RACE}; return gd && gd._transitionData"
    " && gd._transitionData._frames.length > 0 }"
)
LESSON_CHART = (
    "[...document.querySelectorAll('.js-plotly-plot')].find(gd => gd.layout"
    " && gd.layout.images && gd.layout.images.length)"
)


def _link_query(page) -> tuple[str, dict]:
    link = page.get_by_role("link", name="Open in the full app ↗").first
    assert link.is_visible()
    parts = urlsplit(link.get_attribute("href"))
    return parts.path, parse_qs(parts.query)


def test_embedded_playground_shows_only_the_chart_and_the_link(live_app, page):
    page.goto(live_app + "/?trail=20&speed=2&embed=true")
    page.wait_for_function(CHART_LOADED, timeout=120_000)
    page.wait_for_timeout(1000)
    assert page.evaluate(STRAYS) == []
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.get_by_text("Optimizer Playground").first.is_visible()
    charts = page.locator('iframe[title="ui.light_chart.light_chart"]')
    assert [charts.nth(i).is_visible() for i in range(charts.count())].count(True) == 1
    path, query = _link_query(page)
    assert path in ("", "/") and query == {"trail": ["20"], "speed": ["2"]}
    # the chart keeps its playback controls
    assert page.evaluate(f"() => {RACE}.layout.updatemenus.length") == 1
    assert_clean(page)


def test_hide_drops_the_named_controls(live_app, page):
    page.goto(live_app + "/?embed=true&hide=play,slider,link")
    page.wait_for_function(CHART_LOADED, timeout=120_000)
    layout = page.evaluate(
        f"() => {{ const L = {RACE}.layout; return [L.updatemenus.length, L.sliders.length]; }}"
    )
    assert layout == [0, 0]
    assert page.get_by_role("link", name="Open in the full app ↗").count() == 0
    assert page.evaluate(STRAYS) == []


def test_embedded_lesson_shows_only_its_figures(live_app, page):
    page.goto(live_app + "/learning_rate?embed=true&hide=legend")
    page.wait_for_function(f"() => {LESSON_CHART} !== undefined", timeout=120_000)
    page.wait_for_timeout(1000)
    assert page.evaluate(STRAYS) == []
    assert not page.get_by_text("The learning rate").first.is_visible()
    assert page.evaluate(f"() => {LESSON_CHART}.layout.updatemenus.length") == 1
    path, query = _link_query(page)
    assert path == "/learning_rate" and query == {}
    assert_clean(page)


def test_copy_embed_code_is_the_current_view(live_app, page):
    page.goto(live_app + "/?trail=20")
    page.wait_for_function(CHART_LOADED, timeout=120_000)
    page.get_by_text("side by side").first.click()
    page.wait_for_function("() => location.search.includes('view=side')", timeout=60_000)

    def snippet() -> str:
        for frame in page.frames:
            if frame.locator("#code").count():
                return frame.locator("#code").input_value()
        return ""

    page.wait_for_timeout(1500)
    code = snippet()
    assert code.startswith("<iframe ") and code.endswith("</iframe>")
    src = urlsplit(code.split('src="', 1)[1].split('"', 1)[0])
    assert parse_qs(src.query) == {"trail": ["20"], "view": ["side"], "embed": ["true"]}


def test_embedded_atlas_shows_its_basin_images(live_app, page):
    page.goto(live_app + "/atlas?embed=true&atlas.resolution=50&atlas.steps=100")
    charts = page.locator('iframe[title="ui.light_chart.light_chart"]')
    charts.first.wait_for(timeout=180_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => f.contentDocument"
        " && f.contentDocument.querySelector('.js-plotly-plot image'))",
        timeout=180_000,
    )
    assert charts.first.is_visible()
    assert page.evaluate(STRAYS) == []
    path, _ = _link_query(page)
    assert path == "/atlas"
    assert_clean(page)
