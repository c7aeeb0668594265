"""Showing hand-built Plotly figure dicts in Streamlit without re-validating them.

``st.plotly_chart`` turns a dict into ``go.Figure`` to validate it, which costs ~0.6 s for a
figure with 300 animation frames; a ``go.Figure`` it accepts as already valid. ``prebuilt``
wraps a dict from ``viz`` in an empty figure whose ``to_dict`` hands the dict back as is.
The viz tests check that every builder's dict passes ``go.Figure(fig)`` validation.

An animated race (frames over a surface picture) gets download buttons for its animation as
GIF and WebP under it (``animation_downloads``; ``viz.export`` renders the file in Python, only
when its button is clicked, on Streamlit's worker thread for deferred downloads).

Use::

    show(fig_dict, key="ewa", on_select=callback, selection_mode="points")
"""

from __future__ import annotations

from functools import partial

import plotly.graph_objects as go
import streamlit as st

from ui.embed import embed_code_button, embedded, embedded_figure, hidden_parts, without_hidden
from viz.export import FORMATS, animation_bytes

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


class PrebuiltFigure(go.Figure):
    """A figure that serializes to a given, already valid figure dict."""

    def __init__(self, figure: dict):
        super().__init__()
        self._prebuilt = figure

    def to_dict(self) -> dict:
        return self._prebuilt


def prebuilt(figure: dict) -> PrebuiltFigure:
    return PrebuiltFigure(figure)


def is_animated_race(figure: dict) -> bool:
    """A 2-D race: frames drawn over a surface picture (``viz.trajectory``), so exportable."""
    return bool(figure.get("frames")) and bool(figure.get("layout", {}).get("images"))


def animation_files(figure: dict, name: str) -> list[tuple[str, object, str, str]]:
    """(label, data made on click, file name, MIME type) of the animation's GIF and WebP."""
    return [
        (f"Animation ({fmt.upper() if fmt == 'gif' else 'WebP'})",
         partial(animation_bytes, figure, fmt), f"{name}.{fmt}", mime)
        for fmt, mime in FORMATS.items()
    ]  # fmt: skip


def animation_downloads(figure: dict, *, key: str, name: str = "race") -> None:
    """Download buttons for the chart's animation as GIF and WebP, side by side."""
    row = st.container(horizontal=True, gap="small")
    for label, data, file_name, mime in animation_files(figure, name):
        row.download_button(
            label, data=data, file_name=file_name, mime=mime, key=f"{key}.{file_name}",
            icon=":material/download:", on_click="ignore",
        )  # fmt: skip


def show(figure: dict, **kwargs):
    """``st.plotly_chart`` for a viz figure dict (keyword arguments passed through). In embed
    mode the chart is what stays visible (``ui.embed``); an animated race gets its GIF and
    WebP downloads and the "Copy embed code" item under it."""
    kwargs.setdefault("config", CHART_CONFIG)
    key = str(kwargs.get("key") or "chart")
    hidden = hidden_parts()
    drawn = without_hidden(figure, hidden) if embedded() else figure
    with embedded_figure(key, hidden):
        chart = st.plotly_chart(prebuilt(drawn), **kwargs)
    if is_animated_race(figure) and not embedded():
        animation_downloads(figure, key=f"{key}.download", name=key.replace(".", "_"))
        embed_code_button(height=int(figure["layout"].get("height") or 450) + 40)
    return chart
