"""Training lab: train one small NumPy network with several optimizers and see which learns faster.

Every optimizer starts from the same initial weights and sees the same mini-batches
(``lab.train``). Training runs inside this script: the progress bar and the loss curves are
redrawn as epochs finish, and the run's results are kept in session state after every
epoch, so pressing Stop (or changing any control, which reruns the page) keeps what was
trained so far (``ui.lab_training``).
"""

from __future__ import annotations

import streamlit as st

from ui.figures import show
from ui.lab_controls import (
    MOMENTUM_NOTE,
    choice,
    data_controls,
    network_controls,
    optimizer_slots,
    training_controls,
)
from ui.lab_landscape import landscape_section
from ui.lab_results import show_kept_run
from ui.lab_sweep import sweep_section
from ui.lab_training import RESULT, LabRun, dataset, train_and_keep
from ui.url_state import UrlState
from viz.training import CLOCKS, data_figure

url = UrlState.begin()
st.title("Training lab")
st.markdown(
    "Train one small neural network on toy data with several optimizers and see which learns "
    "faster. Every optimizer starts from **the same initial weights** and sees **the same "
    "mini-batches in the same order**."
)
warnings = st.container()

# controls
with st.sidebar:
    st.header("Data")
    name, n, noise, data_seed, test_share = data_controls(url)
    st.header("Network")
    network = network_controls(url)
    data = dataset(name, n, noise, data_seed, test_share)
    st.header("Training")
    epochs, batch_size, seed, target = training_controls(url, len(data.y_train))

st.markdown(
    "Open each optimizer to choose it and set its hyperparameters; they start at "
    "PyTorch's defaults."
)
st.caption(MOMENTUM_NOTE)
optimizers = optimizer_slots(url, network)
chosen = tuple(settings for *_, settings in optimizers)
settings = (name, n, noise, data_seed, test_share, network, epochs, batch_size, seed, chosen)

buttons = st.columns([2, 2, 5], vertical_alignment="center")
train_clicked = buttons[0].button(
    "Train", type="primary", icon=":material/play_arrow:", key="lab.train", disabled=not optimizers
)
stop_slot, progress_slot = buttons[1].empty(), buttons[2].empty()

with st.expander("The data set", expanded=RESULT not in st.session_state):
    show(data_figure(data), key="lab.data_fig")

st.subheader("Learning curves", divider="gray")
clock = choice(url, st.radio, "Against", "clock", CLOCKS, "epoch", horizontal=True)
chart_slot = st.empty()

# engine
if train_clicked and optimizers:
    colors = [color for _, _, color, _ in optimizers]
    run = LabRun(settings, network, data, colors, [], epochs)
    train_and_keep(run, optimizers, batch_size, seed, (stop_slot, progress_slot, chart_slot, clock))

# figures
show_kept_run(chart_slot, clock, settings, target, trained=train_clicked)
landscape_section(url, optimizers, settings)
sweep_section(url, (name, n, noise, data_seed, test_share), network, batch_size, target)

url.finish()
UrlState.show_warnings(warnings)
