"""Showing hand-built Plotly figure dicts in Streamlit without re-validating them.

``st.plotly_chart`` turns a dict into ``go.Figure`` to validate it, which costs ~0.6 s for a
figure with 300 animation frames; a ``go.Figure`` it accepts as already valid. ``prebuilt``
wraps a dict from ``viz`` in an empty figure whose ``to_dict`` hands the dict back as is.
The viz tests check that every builder's dict passes ``go.Figure(fig)`` validation.

Use::

    show(fig_dict, key="ewa", on_select=callback, selection_mode="points")
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

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


def show(figure: dict, **kwargs):
    """``st.plotly_chart`` for a viz figure dict (keyword arguments passed through)."""
    kwargs.setdefault("config", CHART_CONFIG)
    return st.plotly_chart(prebuilt(figure), **kwargs)
