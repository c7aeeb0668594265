"""Plotly figures drawn with plotly.js's basic bundle, for the Playground's first paint.

``st.plotly_chart`` loads all of plotly.js (4.8 MB) and the browser compiles it again in every
new tab: that is most of the first paint of any page with a chart. The Playground's charts
need only what the basic bundle (1.2 MB: scatter traces, layout images, sliders, buttons)
holds, so a small component draws them with it, ``light_chart(fig, key=..., on_click=...)``.
A click on a point sets the component's value to the shape of ``st.plotly_chart``'s
selection event, ``{"selection": {"points": [{"x", "y", ...}]}}``, so one ``on_select``
callback serves both. Figures with other trace types (3-D surfaces) stay with ``show``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

from ui.figures import CHART_CONFIG, prebuilt

_component = components.declare_component(
    "light_chart", path=str(Path(__file__).with_name("light_chart_frontend"))
)


def light_chart(
    figure: dict, *, key: str, on_click=None, config: dict = CHART_CONFIG, lecture: bool = False
):
    """Draw ``figure`` (a viz dict; NumPy arrays go as typed arrays, as with ``show``);
    ``lecture``: as tall as the window, with keyboard shortcuts (see ``ui.lecture``)."""
    return _component(
        spec=prebuilt(figure).to_json(),
        height=int(figure.get("layout", {}).get("height") or 450),
        lecture=lecture,
        config=config,
        key=key,
        on_change=on_click,
        default=None,
    )
