"""Atlas: every start, every learning rate, every pair of settings: evidence, not one run.

Not views/atlas.py: Streamlit puts the page's folder first on sys.path, where a page named
atlas.py would stand in for the ``atlas`` package. The page's path is still /atlas (app.py).
"""

import streamlit as st

from ui.atlas_controls import basins_knobs, inspect_start, map_knobs, sensitivity_knobs, view_picker
from ui.atlas_sections import basins_section, map_section, sensitivity_section
from ui.controls import buildable_runs, runs_editor, surface_picker
from ui.engine import Settings
from ui.url_state import UrlState

DEFAULT_RUNS = ("gd", "momentum", "rmsprop", "adam")

url = UrlState.begin()
st.title("Atlas")
warnings = st.container()

with st.sidebar:
    st.header("Surface")
    surface_spec, surface = surface_picker(url, st.sidebar)
    st.header("Atlas")
    view = view_picker(url, st.sidebar)
    st.markdown("**Start** — for the drawn runs and the map; click a basin image to move it")
    start = inspect_start(url, surface_spec, surface, st.sidebar)

st.markdown(
    "One run from one start at one tuned α is an anecdote. The atlas runs every start of a "
    "grid, every α of a range, every pair of two settings, each with the same step budget. "
    "The runs are the Playground's: open one to change it."
)
valid = buildable_runs(runs_editor(url, DEFAULT_RUNS), Settings(start))

with st.sidebar:
    if view == "basins":
        resolution, steps = basins_knobs(url, st.sidebar)
    elif view == "sensitivity":
        knobs = sensitivity_knobs(url, st.sidebar)
    elif valid:
        knobs = map_knobs(url, st.sidebar, valid)

if valid and view == "basins":
    basins_section(surface_spec, surface, valid, resolution, steps, start)
elif valid and view == "sensitivity":
    sensitivity_section(surface_spec, valid, knobs)
elif valid and knobs is not None:
    map_section(surface_spec, surface, knobs, start)
url.finish()
UrlState.show_warnings(warnings)
