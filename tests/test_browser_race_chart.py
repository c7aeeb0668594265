"""The race chart as Chromium draws it: θ₁ and θ₂ on one scale (overlay and side by side),
the default animation ending where every run has settled, the 3-D view animating with only
the controls that apply, and Play/Pause drawn alike on the Playground and a lesson page."""

import re

import numpy as np
import pytest
from browser_checks import LIGHT_CHARTS, RACE, assert_clean, screenshot

import optim
import surfaces

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

THREE_D = "[...document.querySelectorAll('.js-plotly-plot')].find(gd => gd._fullLayout.scene)"


def open_race(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        f"() => {{ const gd = {RACE}; return gd !== null && gd._transitionData"
        " && gd._transitionData._frames.length > 0 && gd.querySelector('image') !== null }",
        timeout=90_000,
    )
    page.wait_for_timeout(500)


def panel_scales(page) -> list[dict]:
    """Per panel: px per unit of θ₁ and of θ₂ as plotly.js laid them out, and its box in px."""
    return page.evaluate(
        f"""() => {{ const L = {RACE}._fullLayout;
              return L._subplots.cartesian.map(id => {{
                const [xs, ys] = id.match(/^x(\\d*)y(\\d*)$/).slice(1);
                const xa = L['xaxis' + xs], ya = L['yaxis' + ys];
                return {{x: xa._length / (xa.range[1] - xa.range[0]),
                         y: ya._length / (ya.range[1] - ya.range[0]),
                         box: [xa._offset, xa._offset + xa._length, ya._offset,
                               ya._offset + ya._length]}}; }}); }}"""
    )


@pytest.mark.parametrize("query", ["", "?view=side", "?view=side&runs=8", "?surface=ravine"])
def test_one_unit_of_theta1_and_of_theta2_take_the_same_pixels(live_app, page, query):
    open_race(page, f"{live_app}/{query}")
    scales = panel_scales(page)
    assert len(scales) == (8 if "runs=8" in query else 4 if "side" in query else 1)
    for panel in scales:
        assert panel["x"] == pytest.approx(panel["y"], rel=0.01), panel
        left, right, top, bottom = panel["box"]
        assert min(right - left, bottom - top) >= 100  # a readable panel, not a sliver
    # the step counter is drawn clear of every panel
    counter = page.evaluate(
        f"""() => {{ const gd = {RACE};
              const text = [...gd.querySelectorAll('.textpoint text')]
                             .find(t => t.textContent.startsWith('step'));
              const r = text.getBoundingClientRect(), g = gd.getBoundingClientRect();
              return [r.left - g.left, r.right - g.left, r.top - g.top, r.bottom - g.top]; }}"""
    )
    if "side" in query:
        for panel in scales:
            left, right, top, bottom = panel["box"]
            overlap_x = min(right, counter[1]) - max(left, counter[0])
            overlap_y = min(bottom, counter[3]) - max(top, counter[2])
            assert overlap_x <= 0 or overlap_y <= 0, (panel, counter)
    screenshot(page, f"race-scale{re.sub(r'[^a-z0-9]+', '-', query)}")
    assert_clean(page)


def settled_from(path: np.ndarray, reach: float) -> int:
    """The first step from which every point lies within ``reach`` of the final one."""
    far = np.flatnonzero(np.hypot(*(path - path[-1]).T) > reach)
    return int(far[-1]) + 1 if far.size else 0


def test_the_default_animation_ends_where_every_run_has_settled(live_app, page):
    open_race(page, live_app)
    names, last, frames = page.evaluate(
        f"""() => {{ const gd = {RACE}, f = gd._transitionData._frames;
              return [gd.data.filter(t => t.mode === 'lines+markers').map(t => t.name),
                      f[f.length - 1].name, f.length]; }}"""
    )
    # the four default runs, recomputed here with the engine: 300 steps from (−0.5, −1)
    peaks = surfaces.SURFACES["peaks"]
    by_label = {spec.label: key for key, spec in optim.OPTIMIZERS.items()}
    settled = []
    for name in names:
        label, lr = re.fullmatch(r"(.+) α=([\d.e-]+)", name).groups()
        opt = optim.OPTIMIZERS[by_label[label]].build(lr=float(lr))
        path = optim.run(opt, peaks.grad, np.array([peaks.start]), 300).path[:, 0]
        settled.append(settled_from(path, 0.005 * 6))  # within 3 px of where it ends
    assert len(names) == 4
    assert int(last) == max(settled) < 300  # the animation stops there, not at step 300
    assert frames == int(last) + 1
    slider_end = page.evaluate(f"() => {RACE}._fullLayout.sliders[0].steps.slice(-1)[0].value")
    assert slider_end == last

    page.frame_locator(LIGHT_CHARTS).first.locator("g.updatemenu-button").first.click()
    page.wait_for_function(
        f"() => {{ const s = {RACE}._fullLayout.sliders[0];"
        " return s.active === s.steps.length - 1 }",
        timeout=60_000,
    )
    page.wait_for_timeout(300)
    counter = page.evaluate(f"() => {RACE}.data.find(t => t.name === 'step counter').text[0]")
    assert counter == f"step {last} · all runs settled"
    assert_clean(page)


def marker_positions(page) -> list:
    return page.evaluate(
        f"() => {THREE_D}.data.filter(t => t.mode === 'markers').map(t => [t.x[0], t.y[0], t.z[0]])"
    )


def test_the_3d_view_animates_with_the_controls_that_apply(live_app, page):
    page.goto(f"{live_app}/?3d=1&trail=2&speed=2")
    page.wait_for_function(
        f"() => {{ const gd = {THREE_D}; return gd && gd._fullLayout }}", timeout=90_000
    )
    page.wait_for_timeout(1000)
    frames, longest_trail, duration = page.evaluate(
        f"""() => {{ const gd = {THREE_D}, f = gd._transitionData._frames;
              // a frame holds each run's trail, then its current point
              const trails = f.flatMap(fr => fr.data.filter((t, i) => i % 2 === 0));
              return [f.length, Math.max(...trails.map(t => t.x.length)),
                      gd._fullLayout.updatemenus[0].buttons[0].args[1].frame.duration]; }}"""
    )
    assert frames > 10
    assert longest_trail == 2  # Trail "last 2" applies in 3-D
    assert duration == 20  # Speed 2× applies: 40 ms a frame at 1×
    # View (overlay / side by side) has no meaning for one 3-D scene: not shown
    assert page.get_by_text("side by side", exact=True).count() == 0
    assert page.get_by_text("Trail", exact=True).count() == 1
    before = marker_positions(page)
    page.locator(".js-plotly-plot g.updatemenu-button").first.click()
    page.wait_for_function(
        f"() => {{ const gd = {THREE_D}; return gd.data.filter(t => t.mode === 'markers')"
        f".some(t => t.x[0] !== {before[0][0]} || t.y[0] !== {before[0][1]}) }}",
        timeout=60_000,
    )
    after = marker_positions(page)
    assert after != before
    box = page.locator(".js-plotly-plot").first.bounding_box()
    assert box["height"] >= 600 and box["width"] >= 900  # fills the main column
    screenshot(page, "race-3d-playing")
    assert_clean(page)


BUTTON_STYLE = """gd => { const b = gd.querySelector('g.updatemenu-button');
    const rect = getComputedStyle(b.querySelector('rect'));
    const text = getComputedStyle(b.querySelector('text'));
    return {text: text.fill, textOpacity: text.fillOpacity, fill: rect.fill,
            fillOpacity: rect.fillOpacity, opacity: getComputedStyle(b).opacity}; }"""


def luminance(css: str) -> float:
    """WCAG relative luminance of an ``rgb(r, g, b)`` colour."""
    channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_play_and_pause_look_alike_on_the_playground_and_a_lesson_page(live_app, page):
    open_race(page, live_app)
    playground = page.evaluate(f"() => ({BUTTON_STYLE})({RACE})")
    page.goto(f"{live_app}/learning_rate")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(gd => gd.querySelector('g.updatemenu-button'))",
        timeout=90_000,
    )
    page.wait_for_timeout(800)
    lesson = page.evaluate(
        f"() => ({BUTTON_STYLE})([...document.querySelectorAll('.js-plotly-plot')]"
        ".find(gd => gd.querySelector('g.updatemenu-button')))"
    )
    assert lesson == playground
    light, dark = sorted((luminance(lesson["text"]), luminance(lesson["fill"])), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 7  # text as dark as body text, not greyed out
    assert float(lesson["opacity"]) == 1 and float(lesson["textOpacity"]) == 1
    assert_clean(page)
