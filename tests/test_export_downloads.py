"""The animation downloads in a browser: a click on "Animation (GIF)" / "(WebP)" beside a
race gives a file that plays the chart's own frames at the chart's own pace (Playground
overlay and side by side, a lesson page, the mini-batch race)."""

import io

import pytest
from browser_checks import RACE, assert_clean
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.timeout(400)]

PLAIN_CHART = (  # JS: the first st.plotly_chart with ▶ Play on a lesson page
    "[...document.querySelectorAll('.js-plotly-plot')].find(gd => gd.layout"
    " && gd.layout.updatemenus && gd.layout.images && gd.layout.images.length)"
)


def _chart_timing(page, chart: str) -> tuple[int, int]:
    """(frames, ms a frame) of the chart as plotly.js holds it."""
    page.wait_for_function(
        f"() => {{ const gd = {chart}; return gd && gd._transitionData"
        " && gd._transitionData._frames.length > 0 }",
        timeout=120_000,
    )
    return tuple(
        page.evaluate(
            f"() => {{ const gd = {chart}; return [gd._transitionData._frames.length,"
            " gd.layout.updatemenus[0].buttons[0].args[1].frame.duration]; }"
        )
    )


def _download(page, label: str) -> Image.Image:
    button = page.get_by_role("button", name=label).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    return Image.open(io.BytesIO(info.value.path().read_bytes()))


def _durations(image: Image.Image) -> set[int]:
    durations = set()
    for i in range(image.n_frames):
        image.seek(i)
        image.load()
        durations.add(image.info["duration"])
    return durations


@pytest.mark.parametrize("query", ["", "?view=side&speed=2"])
def test_playground_downloads_play_the_charts_frames(live_app, page, query):
    page.goto(live_app + "/" + query)
    frames, ms = _chart_timing(page, RACE)
    gif = _download(page, "Animation (GIF)")
    assert gif.format == "GIF" and gif.n_frames == frames
    assert _durations(gif) == {max(20, ms)}
    webp = _download(page, "Animation (WebP)")
    assert webp.format == "WEBP" and webp.n_frames == frames
    assert _durations(webp) == {ms}
    assert_clean(page)


@pytest.mark.parametrize("path", ["/learning_rate", "/minibatch"])
def test_lesson_downloads_play_the_charts_frames(live_app, page, path):
    page.goto(live_app + path)
    frames, ms = _chart_timing(page, PLAIN_CHART)
    gif = _download(page, "Animation (GIF)")
    assert gif.n_frames == frames and _durations(gif) == {max(20, ms)}
    assert gif.width == 800
    assert_clean(page)
