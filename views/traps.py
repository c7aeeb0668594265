"""Traps: a local minimum, a saddle point, a plateau and a cliff (with gradient clipping)."""

from dataclasses import replace

import streamlit as st

import optim
from ui.figures import show
from ui.knobs import Knob, knob_widget
from ui.lesson_page import begin_page, end_page, fragment_done, lesson_header
from ui.presets import PRESETS, edit_runs, preset_trajectories, show_preset
from ui.url_state import Flag
from viz.step_anatomy import step_size_figure

TRAPS = {
    "local_minimum": """
Gradient descent only knows the slope where it stands. Started at (1, 0) on `peaks` with
α = 0.005, it rolls into the nearest dip, a shallow local minimum, and stays there although a
much deeper valley lies nearby (★). Nothing in the update rule can tell the two apart.
""",
    "saddle": """
At a saddle point the surface curves up in one direction and down in another, and the
gradient is zero. On the monkey saddle x³ − 3xy², started at (1, 0), the steps shrink as the
run approaches the flat centre: gradient descent slows to a crawl long before it finds the
way down.
""",
    "plateau": """
On a wide plateau the gradient all but vanishes, so gradient descent's steps (α times a tiny
gradient) are tiny too: it stalls. Adam divides each step by a running root mean square of
the gradients, so a consistently small gradient still yields steps of about α: it walks off
the plateau.
""",
}

url = begin_page()
lesson_header(
    "Traps",
    """
A cost surface is rarely a clean bowl. Four kinds of terrain make plain gradient descent
struggle: a **local minimum** that is not the best one, a **saddle point** where the gradient
is zero without a minimum, a **plateau** where it nearly vanishes, and a **cliff** where it
explodes. Each figure below uses the article's settings; move the learning rates and replay.
""",
    optim.OPTIMIZERS["gd"].latex,
)
warnings = st.container()


@st.fragment
def trap_section(key: str, text: str):
    st.subheader(PRESETS[key].title, divider="gray")
    st.markdown(text)
    show_preset(edit_runs(url, PRESETS[key]), key=f"{key}_race")
    fragment_done(url)


for trap, text in TRAPS.items():
    trap_section(trap, text)


@st.fragment
def cliff_section():
    st.subheader(PRESETS["cliff"].title, divider="gray")
    st.markdown(
        """
Near a steep wall the gradient is huge, and a single step α·g can fling the point far across
the surface, undoing all progress. **Gradient clipping** caps the gradient's norm before the
step (g ← g · min(1, c/‖g‖)): directions are kept, lengths are bounded. Switch it on and off
and watch the step-size chart: the spike at the wall is tamed.
"""
    )
    st.latex(r"g \leftarrow g\cdot\min\!\left(1,\ \frac{c}{\lVert g\rVert}\right)")
    left, right = st.columns(2)
    clip = url.widget(left.toggle, "Clip the gradient norm", key="cliff.clip", field=Flag(True))
    clip_at = knob_widget(
        url, Knob("clip at c =", 1.0, 0.01, 100.0, "log"), key="cliff.clip_at", container=right
    )
    free = edit_runs(url, PRESETS["cliff"])
    clipped = replace(free, settings=replace(free.settings, clip="norm", clip_at=clip_at))
    show_preset(clipped if clip else free, key="cliff_race")
    (unclipped_run,), (clipped_run,) = preset_trajectories(free), preset_trajectories(clipped)
    both = [
        replace(unclipped_run, label="without clipping", color="#e4572e"),
        replace(clipped_run, label=f"clipped at {clip_at:g}", color="#2e86ab"),
    ]
    show(step_size_figure(both, dashes={0: "dot"}), key="cliff_steps")
    fragment_done(url)


cliff_section()
end_page(url, warnings)
