"""The look every lesson line chart shares: title, x title, height, legend underneath."""

from __future__ import annotations

import plotly.graph_objects as go


def lesson_layout(fig: go.Figure, title: str, x_title: str, height: int, **extra) -> dict:
    """``fig`` with the lessons' layout (``extra``: more layout settings), as a figure dict."""
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.22},
        **extra,
    )
    return fig.to_dict()
