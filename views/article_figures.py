"""The article's figures, each reproduced with its settings stated under it."""

import streamlit as st

from ui.ewa_lesson import ewa_chart, stock_series
from ui.figures import show
from ui.lesson_page import begin_page, end_page
from ui.minibatch_lesson import MiniBatchSetup, minibatch_playground_url, minibatch_race
from ui.playground_link import playground_button
from ui.presets import PRESETS, show_preset
from viz.ewa import ARTICLE_BETAS

EXTRA = {"minibatch": "Mini-batch against full-batch gradient descent", "ewa": "EWA of a stock"}
FIGURES = {key: preset.title for key, preset in PRESETS.items()} | EXTRA

url = begin_page()
st.title("The article's figures")
st.markdown(
    "Every figure of the article, recomputed live by the engine with the article's settings, "
    "which are stated under each one. Pick a figure; **Open in Playground** carries its exact "
    "settings so you can change them. The lesson pages explain each idea."
)
warnings = st.container()
chosen = url.choice(
    st.radio,
    "Figure",
    key="figure",
    options=FIGURES,
    default="learning_rate",
    horizontal=True,
)
st.subheader(FIGURES[chosen], divider="gray")
if chosen in PRESETS:
    show_preset(PRESETS[chosen], key=f"figure_{chosen}")
elif chosen == "minibatch":
    setup = MiniBatchSetup()
    show(minibatch_race(setup), key="figure_minibatch")
    st.caption(setup.caption())
    playground_button(minibatch_playground_url(setup), key="figure_minibatch_open")
else:
    dates, prices = stock_series("AAPL")
    show(ewa_chart(dates, prices, None, False, "Apple (AAPL)", "week"), key="figure_ewa")
    st.caption(
        "Weekly Apple prices 2018–2019 from plotly's bundled `stocks` data (normalised to 1 on "
        f"2018-01-01); β = {', '.join(f'{b:g}' for b in ARTICLE_BETAS)}; v₀ = 0, no bias "
        "correction."
    )
end_page(url, warnings)
