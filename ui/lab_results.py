"""The Training lab's results: the kept run's curves, its summary table and decision boundaries,
or the prompt to train when there is none."""

from __future__ import annotations

import streamlit as st

from ui.figures import show
from ui.lab_training import RESULT, LabRun, draw_curves
from viz.training import boundaries_figure, summary_markdown


def results(run: LabRun, target: float) -> None:
    """Summary table and the decision boundaries of the run kept in session state."""
    if run.completed < run.epochs:  # Stop, or another control changed while training
        st.info(
            f"Stopped after epoch {run.completed} of {run.epochs}; "
            "what was trained so far is shown.",
            icon=":material/stop:",
        )
    for history in run.histories:
        if history.diverged_at is not None:
            st.badge(
                f"{history.label}: diverged in epoch {history.diverged_at} "
                "(loss not finite or weights beyond ±10⁶); kept its last good weights",
                color="red",
                icon=":material/warning:",
            )
    st.subheader("Summary", divider="gray")
    st.markdown(summary_markdown(run.histories, target))
    st.subheader("Decision boundaries", divider="gray")
    st.caption(
        "Shading: the network's probability of class 1; the line: p = ½. "
        "Filled points were trained on, open ones held out."
    )
    show(boundaries_figure(run.network, run.histories, run.colors, run.data), key="lab.bounds")


def show_kept_run(chart_slot, clock: str, settings: tuple, target: float, trained: bool) -> None:
    """The run kept in session state: its curves in ``chart_slot`` (unless it was just
    ``trained`` live there), a note when ``settings`` changed since, and its results; without
    a run, the prompt to train."""
    run = st.session_state.get(RESULT)
    if run is not None and run.histories:
        if not trained:
            draw_curves(chart_slot, run, clock, key="lab.curves")
        if run.settings != settings:
            st.caption(
                "These results were trained with other settings; press Train to update them."
            )
        results(run, target)
    elif run is None:
        prompt = "Press **Train** to train the network with every optimizer."
        chart_slot.info(prompt, icon=":material/play_arrow:")
