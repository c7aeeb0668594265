"""Lecture view: the Playground as a presentation.

A toggle (``lecture`` in the URL) turns the race section into: the view options and the race
chart alone on the page (the sidebar with the settings and everything else hidden, as in
embed mode, see ``ui.embed``), the chart as tall as the window (``ui.light_chart`` sizes it in
the browser), fonts and the run legend large, and keyboard shortcuts anywhere on the page:
space plays or pauses, ← and → step one frame back or forward, R restarts from step 0.

Use::

    lecture = lecture_toggle(url, column)              # a mirrored st.toggle
    light_chart(lecture_figure(fig), key="race", lecture=True)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui.embed import EMBED_CSS, SHOWN_PREFIX
from ui.url_state import Flag, UrlState

LECTURE_KEY = "lecture"
LECTURE_FIELD = Flag(False)
FONT, LEGEND_FONT, COUNTER_FONT, TITLE_FONT = 18, 24, 26, 22  # px
DROP = 40  # px
HELP = "Presentation: the chart fills the window. Keys: space play/pause, ←/→ step, R restart."


def lecture_on(url: UrlState) -> bool:
    """The toggle's value in this run, before the toggle is drawn."""
    return bool(url.current(LECTURE_KEY, LECTURE_FIELD))


def lecture_toggle(url: UrlState, container=None) -> bool:
    box = container if container is not None else st
    return url.widget(box.toggle, "Lecture view", key=LECTURE_KEY, field=LECTURE_FIELD, help=HELP)


@contextmanager
def presentation(key: str, on: bool) -> Iterator[None]:
    """Around what a presentation shows (``on``): a container that stays visible while the
    sidebar and the rest of the page are hidden (the CSS of ``ui.embed``)."""
    if not on:
        yield
        return
    with st.container(key=f"{SHOWN_PREFIX}{key}"):
        st.html(EMBED_CSS)
        yield


def _lowered(control: dict) -> dict:
    pad = control.get("pad", {})
    return control | {"pad": pad | {"t": pad.get("t", 0) + DROP}}


def lecture_figure(figure: dict) -> dict:
    """``figure`` with presentation fonts: larger axis text, the legend as big labels, a
    larger step counter and panel titles (a copy; the cached figure is left as it is)."""
    layout = dict(figure["layout"])
    layout["font"] = {**layout.get("font", {}), "size": FONT}
    legend = layout.get("legend", {})
    layout["legend"] = {**legend, "font": {"size": LEGEND_FONT}, "itemwidth": 60}
    # the larger θ₁ title needs room: buttons, slider and its numbers move DROP px down
    layout["margin"] = {
        **layout.get("margin", {}),
        "b": layout.get("margin", {}).get("b", 0) + DROP,
    }
    layout["updatemenus"] = [_lowered(menu) for menu in layout.get("updatemenus", [])]
    layout["sliders"] = [_lowered(slider) for slider in layout.get("sliders", [])]
    layout["annotations"] = [
        note | {"font": {**note.get("font", {}), "size": TITLE_FONT}}
        if note.get("yshift", 0) >= 0
        else note | {"yshift": note["yshift"] - DROP}
        for note in layout.get("annotations", [])
    ]
    data = [
        trace | {"textfont": {**trace["textfont"], "size": COUNTER_FONT}}
        if trace.get("name") == "step counter"
        else trace
        for trace in figure["data"]
    ]
    return {**figure, "data": data, "layout": layout}
