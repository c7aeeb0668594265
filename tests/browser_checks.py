"""What every browser test checks the same way: screenshots of plot panels as pixels, and a
page with no Streamlit exception box and no console errors of its own."""

from pathlib import Path

import numpy as np
from PIL import Image

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
# Messages browsers print for reasons outside the app: no network in CI, font fallbacks, and
# Streamlit's own probes of `<page>/_stcore/...` on deep links, which answer 404.
HARMLESS = ("favicon", "net::ERR_", "Failed to load resource", "webfonts", "WebSocket")
PANELS = ".js-plotly-plot .nsewdrag"  # the plotting area (inside the axes) of every panel
# The Playground draws its charts in same-origin iframes (ui.light_chart), the race first.
LIGHT_CHARTS = 'iframe[title="ui.light_chart.light_chart"]'
RACE_FRAME = (  # JS: the iframe element of the race chart (the chart with ▶ Play)
    f"[...document.querySelectorAll('{LIGHT_CHARTS}')].find(f => {{"
    " const gd = f.contentDocument && f.contentDocument.querySelector('.js-plotly-plot');"
    " return gd && gd.layout && gd.layout.updatemenus; })"
)
RACE = (  # JS: the race chart's plot element, or null before its frame has drawn it
    f"(frame => frame ? frame.contentDocument.querySelector('.js-plotly-plot') : null)"
    f"({RACE_FRAME})"
)


def screenshot(page, name: str, **kwargs) -> Path:
    """Save a screenshot under artifacts/browser/ (kept by CI for a person to look at)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), **kwargs)
    return path


def panel_pixels(page, name: str, selector: str = PANELS, scope=None) -> list[np.ndarray]:
    """RGB pixels (float arrays) of every plotting panel matching `selector`, in page order,
    inside `scope` (a frame locator, say) when given."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    areas = (scope or page).locator(selector)
    shots = []
    for k in range(areas.count()):
        path = SHOTS / f"{name}-{k}.png"
        area = areas.nth(k)
        # centred, so Streamlit's sticky header never covers the top of the panel
        area.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(path), clip=area.bounding_box())
        shots.append(np.asarray(Image.open(path).convert("RGB"), dtype=float))
    return shots


def assert_clean(page) -> None:
    """No exception box on the page and no console error other than the harmless ones."""
    assert page.locator("[data-testid=stException]").count() == 0
    errors = [e for e in page.console_errors if not any(h in e for h in HARMLESS)]
    assert errors == []
