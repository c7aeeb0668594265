"""Newer optimizers: what Schedule-Free, SAM, Muon and Prodigy each add, on chosen surfaces.

A section shows once its optimizers are in the registry (``ui.presets.newer_presets``)."""

import numpy as np
import streamlit as st

import optim
from ui.engine import get_background, get_surface
from ui.figures import show
from ui.knobs import Knob, knob_widget
from ui.lesson_page import begin_page, end_page, fragment_done, lesson_header, update_rules
from ui.presets import edit_runs, minimum_shares, newer_presets, show_preset, show_presets
from viz.internals import step_size_estimate_figure
from viz.loss import loss_figure
from viz.step_anatomy import step_figure, step_size_figure
from viz.trajectory import PALETTE, Trajectory

PRESETS = newer_presets()
url = begin_page()
lesson_header(
    "Newer optimizers",
    """
Four ideas from the last few years, each on a surface where it shows: **Schedule-Free**
averages its iterates instead of decaying α; **SAM** takes its gradient a little uphill so
narrow minima push it out; **Muon** makes every step the same length; **Prodigy** estimates
its own step size. On a 2-D surface each is a small, honest cartoon of what it does to a
network's millions of weights: look at the paths, not at who "wins".
""",
)
update_rules(
    tuple(
        name
        for name in ("adamw_schedule_free", "sam_sgd", "muon", "prodigy")
        if name in optim.OPTIMIZERS
    )
)
warnings = st.container()


def average_run(run: Trajectory, surface) -> Trajectory:
    """Schedule-Free's reported point x as a run of its own (path x, values J(x))."""
    x = run.internals["x"]
    return Trajectory(f"{run.label}: its average x", PALETTE[5], x, surface(x), run.diverged_at)


def losses_at(runs: list[Trajectory], steps: tuple[int, ...]) -> dict:
    """J at ``steps`` for each run, as table columns."""
    table = {"run": [run.label for run in runs]}
    for step in steps:
        table[f"J at step {step}"] = [f"{run.values[min(step, run.steps)]:.3g}" for run in runs]
    return table


@st.fragment
def schedule_free_section():
    st.subheader("Schedule-Free: no schedule, an average", divider="gray")
    st.markdown(
        """
With noisy gradients (σ = 2 here) a constant α never settles: AdamW keeps rattling around the
minimum, at a level set by α and σ. A **cosine schedule** calms it by shrinking α to 0 at the
last step: it must know when the run ends, and halfway through it still rattles.
**Schedule-Free AdamW** keeps α constant. It takes its gradients at y (the path drawn),
between z, the iterate of plain steps (dashed), and x, the running average of the z's
(dotted), the point it reports. The average calms x at every step, with no end date: with
these settings x is lower than the cosine run two thirds of the way, and close to it at the
end, the one step the schedule was aimed at (the table). y itself rattles: x is the answer.
"""
    )
    free = edit_runs(url, PRESETS["schedule_free"])
    lr = dict(free.runs[0].values)["lr"]
    cosine = PRESETS["cosine"].with_run_values(0, lr=lr)
    labels = (*(run.label for run in free.runs), f"{cosine.runs[0].label}, cosine decay")
    runs = show_presets((free, cosine), labels, key="sf_race")
    surface = get_surface(free.surface)
    runs.append(average_run(runs[1], surface))
    show(loss_figure(runs), key="sf_loss")
    steps = free.settings.steps
    st.dataframe(losses_at(runs, (steps // 3, 2 * steps // 3, steps)), hide_index=True)
    schedule_free_steps(runs[1], free)
    fragment_done(url)


def schedule_free_steps(run: Trajectory, preset):
    """The step view of the Schedule-Free run with its z and x up to a chosen step."""
    st.markdown("#### Step by step: y, z and x")
    st.markdown(
        "Up to step t: the path y (where gradients are taken), z's plain steps (dashed) and "
        "their average x (dotted). y = (1 − β₁)·z + β₁·x sits between them, near x."
    )
    knob = Knob("step t", 40, 0, preset.settings.steps, "int")
    t = int(knob_widget(url, knob, key="sf.t"))
    background = get_background(preset.surface, 160, 90)
    surface = get_surface(preset.surface)
    show(step_figure(surface, background, run, None, min(t, run.steps)), key="sf_step")


@st.fragment
def sam_section():
    st.subheader(PRESETS["sam"].title, divider="gray")
    st.markdown(
        """
The two minima here are exactly as deep (J = 0); the left one is sharp (curvature 8.8), the
right one flat (0.6). **SAM** takes its gradient at the probe point (hollow diamond), ρ uphill
of where it stands. In the sharp minimum the probe lands high on the steep wall, and the
gradient there throws the point out; in the flat one the probe stays low and the point stays.
From the same start, SGD with momentum settles in the sharp minimum, SAM in the flat one.
"""
    )
    preset = edit_runs(url, PRESETS["sam"], ("lr", "rho"))
    show_preset(preset, key="sam_race")
    shares = minimum_shares(preset)
    (sgd_sharp, sgd_flat), (sam_sharp, sam_flat) = shares
    st.markdown(
        f"From a grid of 29 × 21 starts over the whole surface: {preset.runs[0].label} ends in "
        f"the sharp minimum from **{sgd_sharp:.0%}** of them (the flat one: {sgd_flat:.0%}), "
        f"{preset.runs[1].label} from **{sam_sharp:.0%}** ({sam_flat:.0%}). SAM's other starts "
        "end hovering near the saddle between the minima, where the probe's pull balances: "
        "SAM prefers flat minima, it does not guarantee one."
    )
    fragment_done(url)


@st.fragment
def muon_section():
    st.subheader(PRESETS["muon"].title, divider="gray")
    st.markdown(
        """
On a surface the parameter is one 2-vector, which **Muon** treats as a 1 × 2 matrix; its
orthogonalization is then just the direction m/‖m‖ of its Nesterov momentum, times what five
Newton–Schulz steps make of a unit vector (about 0.7). Every step is about 0.7·α long
whatever the slope: on this plateau Nesterov momentum, with the same α and momentum, creeps
with the tiny gradient while Muon walks off at full pace. The flip side: near a minimum its
steps do not shrink either, so without a decaying α it ends circling at about 0.7·α.
"""
    )
    preset = edit_runs(url, PRESETS["muon"])
    runs = show_preset(preset, key="muon_race")
    show(step_size_figure(runs), key="muon_steps")
    fragment_done(url)


@st.fragment
def prodigy_section():
    st.subheader(PRESETS["prodigy"].title, divider="gray")
    st.markdown(
        """
Adam with α = 10⁻⁴ is far too timid for this surface: after 300 steps it has barely moved.
**Prodigy** is Adam whose step size is d·α with α = 1 and d estimated on the fly: it starts
from a d₀ as small (10⁻⁶), and grows d from how far the point has come compared with the
gradients it saw. Within a few dozen steps d is large enough to cross the surface; it stops
growing once the estimate stops rising (it never shrinks).
"""
    )
    preset = edit_runs(url, PRESETS["prodigy"], ("lr", "d0"))
    runs = show_preset(preset, key="prodigy_race")
    figure = step_size_estimate_figure(runs)
    if figure is not None:
        show(figure, key="prodigy_d")
    d = next(run.internals["d"] for run in runs if run.internals and "d" in run.internals)
    st.caption(f"d: from {d[0]:.3g} at step 0 to {np.nanmax(d):.3g} (largest).")
    fragment_done(url)


SECTIONS = {  # preset -> section: a section shows when its preset's optimizers are registered
    "schedule_free": schedule_free_section,
    "sam": sam_section,
    "muon": muon_section,
    "prodigy": prodigy_section,
}
for key, section in SECTIONS.items():
    if key in PRESETS:
        section()
end_page(url, warnings)
