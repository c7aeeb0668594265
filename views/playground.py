"""Playground: pick a surface and up to 8 optimizer runs, watch them race, compare, share."""

import streamlit as st

from ui.controls import buildable_runs, run_settings, runs_editor, start_keys, surface_picker
from ui.race import race_section
from ui.url_state import UrlState

DEFAULT_RUNS = ("gd", "momentum", "rmsprop", "adam")

url = UrlState.begin()
st.title("Optimizer Playground")
warnings = st.container()

with st.sidebar:
    st.header("Surface")
    surface_spec, surface = surface_picker(url, st.sidebar)
    st.header("Settings")
    settings = run_settings(url, surface, surface_spec, st.sidebar)

st.markdown(
    "Each button is one run: open it to choose the optimizer, its hyperparameters and colour. "
    "The same optimizer may race several times with different settings."
)
valid = buildable_runs(runs_editor(url, DEFAULT_RUNS), settings)

if valid:
    race_section(url, surface_spec, valid, settings, start_keys(surface_spec, surface))
url.finish()
UrlState.show_warnings(warnings)
