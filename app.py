"""Optimizer Playground: page config and navigation (``streamlit run app.py``)."""

import streamlit as st

st.set_page_config(page_title="Optimizer Playground", page_icon="🏁", layout="wide")

pages = [
    st.Page("pages/playground.py", title="Playground", icon="🏁", default=True),
]
st.navigation(pages).run()
