"""Momentum, RMSProp and Adam: averaging gradients, and scaling each coordinate by their size."""

import streamlit as st

import optim
from ui.engine import get_background, get_surface
from ui.figures import show
from ui.knobs import Knob, knob_widget
from ui.lesson_page import begin_page, end_page, fragment_done, lesson_header, update_rules
from ui.presets import PRESETS, edit_runs, preset_trajectories, show_preset
from ui.race import loss_chart
from viz.step_anatomy import AVERAGING_OPTIMIZERS, scale_figure, step_anatomy, step_figure

url = begin_page()
lesson_header(
    "Momentum, RMSProp and Adam",
    """
**Momentum** steps along an exponentially weighted average of past gradients (its
*velocity*) instead of the latest gradient alone. Where gradients flip sign from step to step,
as across a narrow ravine, the average cancels the zig-zag; where they agree, as along the
valley floor, it keeps the speed.

**RMSProp** keeps an average v of the *squared* gradients per coordinate and divides each
step by √v. A coordinate with large gradients gets smaller steps, one with tiny gradients gets
larger ones: every direction moves at a similar pace. **Adam** does both, with bias
correction for the zero start of the averages.
""",
    optim.OPTIMIZERS["momentum"].latex,
)
update_rules(("gd", "momentum", "nesterov", "rmsprop", "adam"))
warnings = st.container()


@st.fragment
def ravine_section():
    st.subheader(PRESETS["ravine"].title, divider="gray")
    st.markdown(
        "In a long narrow valley the steep walls dominate the gradient: gradient descent "
        "bounces from wall to wall and creeps along the floor. Momentum with the same α "
        "averages the bouncing out (the article's momentum figure)."
    )
    preset = edit_runs(url, PRESETS["ravine"], ("lr", "beta"))
    show_preset(preset, key="ravine_race")
    show(loss_chart(preset.surface, preset.runs, preset.settings), key="ravine_loss")
    fragment_done(url)


@st.fragment
def comparison_section():
    st.subheader(PRESETS["comparison"].title, divider="gray")
    st.markdown(
        "The saddle x² − y² from (1, −0.001): the way down (along θ₂) has almost no slope "
        "at the start. Gradient descent and momentum must wait for that tiny gradient to grow; "
        "RMSProp and Adam divide it by its own small size and head downhill at once."
    )
    preset = edit_runs(url, PRESETS["comparison"])
    show_preset(preset, key="comparison_race")

    st.markdown("#### One run, step by step")
    st.markdown(
        "The arrows at the current point share one scale: **red** is where plain gradient "
        "descent would step (−α·g), **cyan** where the averaged gradient points (momentum, Adam), "
        "**yellow** the "
        "step actually taken. On the right, per coordinate, the gradient's size and the scale "
        "√v that RMSProp and Adam divide by: where √v is tiny, the step is not."
    )
    # runs are offered by optimizer name: its label would change with every α
    names = {
        r.optimizer: i for i, r in enumerate(preset.runs) if r.optimizer in AVERAGING_OPTIMIZERS
    }
    left, right = st.columns([1, 2])
    name = url.choice(
        left.selectbox, "Run", key="anatomy.run", default="adam",
        options={n: optim.OPTIMIZERS[n].label for n in names},
    )  # fmt: skip
    index = names[name]
    run = preset.runs[index]
    knob = Knob("step t", 20, 0, preset.settings.steps - 1, "int")
    t = knob_widget(url, knob, key="anatomy.t", container=right)
    trajectory = preset_trajectories(preset)[index]
    surface = get_surface(preset.surface)
    hyper = {**optim.OPTIMIZERS[run.optimizer].defaults(), **dict(run.values)}
    anatomy = step_anatomy(run.optimizer, hyper, trajectory.path, surface.grad)
    t = min(int(t), len(anatomy.grad) - 1)
    background = get_background(preset.surface, 160, 90)
    plot, scales = st.columns([3, 2])
    with plot:
        show(step_figure(surface, background, trajectory, anatomy, t), key="anatomy_step")
    with scales:
        show(scale_figure(anatomy, t, anatomy.adaptive), key="anatomy_scale")
        rows = ("grad", "velocity", "scale", "effective_lr", "step")
        st.dataframe(
            {
                f"at step {t}": ["g", "velocity", "√v (+ε)", "α / √v", "Δθ"],
                **{
                    axis: [f"{getattr(anatomy, row)[t, k]:.3g}" for row in rows]
                    for k, axis in enumerate(("θ₁", "θ₂"))
                },
            },
            hide_index=True,
        )
    fragment_done(url)


ravine_section()
comparison_section()
end_page(url, warnings)
