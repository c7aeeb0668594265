"""Optimizer Playground: page config and navigation (``streamlit run app.py``)."""

import streamlit as st

st.set_page_config(page_title="Optimizer Playground", page_icon="🏁", layout="wide")

pages = [
    st.Page(
        "pages/playground.py", title="Playground", icon=":material/sports_score:", default=True
    ),
    # the article's lessons
    st.Page("pages/learning_rate.py", title="Learning rate", icon="📏"),
    st.Page("pages/traps.py", title="Traps", icon="🕳️"),
    st.Page("pages/minibatch.py", title="Mini-batches", icon="🎲"),
    st.Page("pages/ewa.py", title="Weighted averages", icon="📈"),
    st.Page("pages/momentum_rmsprop_adam.py", title="Momentum, RMSProp, Adam", icon="🚀"),
    st.Page("pages/article_figures.py", title="Article figures", icon="🖼️"),
    st.Page("pages/training_lab.py", title="Training lab", icon="🧠"),
]
st.navigation(pages).run()
