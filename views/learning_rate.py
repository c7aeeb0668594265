"""The learning rate: the same surface and start with a small and a large step size."""

import streamlit as st

import optim
from ui.figures import show
from ui.lesson_page import begin_page, end_page, fragment_done, lesson_header
from ui.presets import PRESETS, edit_runs, show_preset
from ui.race import loss_chart

url = begin_page()
lesson_header(
    "The learning rate",
    """
Gradient descent moves against the gradient, and the learning rate α says how far. Too small
and every step is timid: the run crawls downhill and needs many steps. Too large and a step
overshoots the valley floor, lands on the far wall, and the next step throws it back: the run
bounces around, may settle in a different valley, or flies off.

Below, the same surface (`peaks`) and the same start (−0.5, −1) with α = 0.01 and α = 0.15,
as in the article. Only the last 10 points are drawn behind each runner. Move both rates and
press ▶ Play.
""",
    optim.OPTIMIZERS["gd"].latex,
)
warnings = st.container()


@st.fragment
def learning_rate_race():
    preset = edit_runs(url, PRESETS["learning_rate"])
    show_preset(preset, key="learning_rate_race")
    show(loss_chart(preset.surface, preset.runs, preset.settings), key="learning_rate_loss")
    fragment_done(url)


learning_rate_race()
end_page(url, warnings)
