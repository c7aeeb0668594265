"""The EWA lesson's data and charts: the stock prices plotly ships offline, cached figures.

- `STOCK_NAMES` / `stock_series(symbol)`: weekly prices of a ticker (`plotly.data.stocks()`).
- `ewa_chart`, `weights_chart`: `viz.ewa`'s figures, cached. A user's own file is read by
  `lab.series.read_series_csv`.
"""

from __future__ import annotations

import numpy as np
import plotly.data
import streamlit as st

from viz.ewa import ewa_figure, weights_figure

STOCK_NAMES = {
    "AAPL": "Apple",
    "GOOG": "Alphabet (Google)",
    "AMZN": "Amazon",
    "FB": "Meta (Facebook)",
    "NFLX": "Netflix",
    "MSFT": "Microsoft",
}


@st.cache_data(max_entries=8, show_spinner=False)
def stock_series(symbol: str) -> tuple[np.ndarray, np.ndarray]:
    """Weekly dates and prices (normalised to 1 on 2018-01-01) of one ticker in STOCK_NAMES."""
    frame = plotly.data.stocks()
    return frame["date"].to_numpy(dtype=str), frame[symbol].to_numpy(dtype=float)


@st.cache_data(max_entries=32, show_spinner=False)
def ewa_chart(x, values, own_beta, bias_correction: bool, name: str, x_title: str) -> dict:
    """The lesson's main figure (see ``viz.ewa.ewa_figure``)."""
    return ewa_figure(
        x,
        values,
        own_beta=own_beta,
        bias_correction=bias_correction,
        series_name=name,
        x_title=x_title,
    )


@st.cache_data(max_entries=1, show_spinner=False)
def weights_chart() -> dict:
    """How fast each β forgets (see ``viz.ewa.weights_figure``)."""
    return weights_figure()
