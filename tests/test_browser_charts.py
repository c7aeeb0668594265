"""Loss and log charts as Chromium draws them (issue #11, 2.2 and 2.6).

- A Playground link with a diverging run: the loss chart's y axis spans the healthy runs (not
  the blow-up to −10¹¹), the diverged curve stays inside it, and the "J" title does not sit on
  the tick labels.
- Mini-batches: each tick label of the log axis reads as the value at its height on the axis
  ("0.5" where 0.5 is, not "5").
"""

import math
import re

import pytest
from browser_checks import LIGHT_CHARTS, assert_clean, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

# gradient descent at α = 0.01 runs off the monkey saddle at step 240, reaching −8×10¹¹ first
DIVERGING = "/?surface=monkey_saddle&r0.opt=gd&r0.lr=0.01"
LOSS_FRAME = (  # JS: the light_chart iframe holding the loss chart (no Play button)
    f"[...document.querySelectorAll('{LIGHT_CHARTS}')].find(f => {{"
    " const gd = f.contentDocument && f.contentDocument.querySelector('.js-plotly-plot');"
    " return gd && gd._fullLayout && !gd.layout.updatemenus; })"
)
LOSS = f"({LOSS_FRAME}).contentDocument.querySelector('.js-plotly-plot')"


def open_loss_chart(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        f"() => {{ const frame = {LOSS_FRAME};"
        " if (!frame) return false;"
        " const gd = frame.contentDocument.querySelector('.js-plotly-plot');"
        " return gd.querySelectorAll('.ytick text').length > 1; }",
        timeout=120_000,
    )
    page.evaluate(f"() => ({LOSS_FRAME}).scrollIntoView({{block: 'center'}})")
    page.wait_for_timeout(800)


def loss_curves(page) -> dict:
    """The y range plotly drew, and each run's line and ✕ as drawn (names → y values)."""
    return page.evaluate(
        f"""() => {{ const gd = {LOSS};
                    const ys = t => Array.from(t.y, Number);
                    return {{
                      range: gd._fullLayout.yaxis.range,
                      lines: gd._fullData.filter(t => t.mode === 'lines').map(t => [t.name, ys(t)]),
                      crosses: gd._fullData.filter(t => t.mode === 'markers+text')
                                      .map(t => [t.name, ys(t)[0], t.text[0]]),
                    }}; }}"""
    )


def boxes(page, selector: str) -> list[dict]:
    """Bounding boxes of the loss chart's elements matching ``selector``."""
    return page.evaluate(
        f"""() => [...{LOSS}.querySelectorAll('{selector}')].map(e => {{
                 const r = e.getBoundingClientRect();
                 return {{left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                          text: e.textContent}}; }})"""
    )


def overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def test_a_diverged_run_leaves_the_loss_axis_to_the_healthy_runs(live_app, page):
    open_loss_chart(page, live_app + DIVERGING)
    screenshot(page, "loss-chart-diverged", full_page=True)
    drawn = loss_curves(page)
    low, high = drawn["range"]
    crosses = {name: (y, text) for name, y, text in drawn["crosses"]}
    assert len(crosses) == 1
    ((diverged, (cross_y, text)),) = crosses.items()
    assert re.fullmatch(r"diverged at step \d+", text)
    healthy = [y for name, ys in drawn["lines"] if name != diverged for y in ys]
    assert len(healthy) >= 3 * 300
    span = max(healthy) - min(healthy)
    assert low <= min(healthy) and high >= max(healthy)  # every healthy value is on the chart
    assert high - low <= 1.2 * span  # and they fill it: the blow-up did not set the scale
    cut = next(ys for name, ys in drawn["lines"] if name == diverged)
    assert all(low <= y <= high for y in cut)  # the diverged curve stops inside the chart
    assert cut[-1] == cross_y  # and its ✕ marks where it stops

    title = boxes(page, ".ytitle")
    labels = boxes(page, ".ytick text")
    assert len(title) == 1 and len(labels) >= 3
    assert not any(overlap(title[0], label) for label in labels), (title, labels)
    assert_clean(page)


def label_value(text: str) -> float:
    """What a tick label says: "0.5", "20", "10−6" (10 to the −6), "2×10−6"."""
    text = text.replace("−", "-")
    power = re.fullmatch(r"(?:(\d)×)?10(-?\d+)", text)
    if power and text not in ("10", "100", "1000", "10000"):
        return int(power.group(1) or 1) * 10.0 ** int(power.group(2))
    return float(text)


def test_minibatch_log_axis_labels_read_as_their_values(live_app, page):
    page.goto(f"{live_app}/minibatch")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(gd => gd._fullLayout && gd._fullLayout.yaxis.type === 'log'"
        " && gd.querySelectorAll('.ytick text').length > 1)",
        timeout=120_000,
    )
    page.wait_for_timeout(800)
    ticks = page.evaluate(
        """() => {
             const gd = [...document.querySelectorAll('.js-plotly-plot')]
                 .find(g => g._fullLayout && g._fullLayout.yaxis.type === 'log');
             gd.scrollIntoView({block: 'center'});
             const axis = gd._fullLayout.yaxis, plot = gd.getBoundingClientRect();
             return [...gd.querySelectorAll('.ytick text')].map(t => {
               const r = t.getBoundingClientRect();
               const y = (r.top + r.bottom) / 2 - plot.top - axis._offset;  // px from the top
               return [t.textContent, axis.p2l(y)]; });  // p2l: log10 of the value there
           }"""
    )
    screenshot(page, "minibatch-log-axis", full_page=True)
    assert len(ticks) >= 3
    for text, position in ticks:
        # a label sits where its own value is (±3 % for the pixel the text is centred on)
        assert math.log10(label_value(text)) == pytest.approx(position, abs=0.013), ticks
    assert_clean(page)
