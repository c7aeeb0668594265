"""Training lab: train one small NumPy network with several optimizers and see which learns faster.

Every optimizer starts from the same initial weights and sees the same mini-batches
(``lab.train``). Training runs inside this script: the progress bar and the loss curves are
redrawn as epochs finish, and the run's results are kept in session state after every
epoch, so pressing Stop (or changing any control, which reruns the page) keeps what was
trained so far.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

import lab
import optim
from ui.controls import optimizer_controls, run_label, run_title
from ui.figures import show
from ui.knobs import Knob, knob_widget
from ui.url_state import Number, Text, UrlState
from viz.training import CLOCKS, boundaries_figure, curves_figure, data_figure, summary_markdown
from viz.trajectory import PALETTE

MAX_OPTIMIZERS = 6
# The companion notebook's four, with momentum in PyTorch's summed form: at torch's defaults the
# article's averaged momentum draws gradient descent's curve again (see MOMENTUM_NOTE).
DEFAULT_OPTIMIZERS = ("gd", "nesterov", "rmsprop", "adam")
MOMENTUM_NOTE = (
    "The article's momentum averages the gradients, v = βv + (1 − β)g, so v is a gradient's "
    "size and at gradient descent's α it moves at gradient descent's speed; Nesterov momentum "
    "(PyTorch's form) sums them, v = μv + g, and steps up to 1/(1 − μ) = 10 times as far."
)
BATCH_MODES = {"full": "full batch", "mini": "mini-batches", "one": "one point (SGD)"}
RESULT = "lab.result"  # session key of the latest (possibly partial) training run
REDRAW_SECONDS = 0.4  # live curves are redrawn at most this often


@dataclass
class LabRun:
    """A training run as the page keeps it: what was asked, and the histories so far."""

    settings: tuple
    network: lab.MLP
    data: lab.Dataset
    colors: list[str]
    histories: list[lab.History]
    epochs: int
    completed: int = 0


@st.cache_data(max_entries=16, show_spinner=False)
def dataset(name: str, n: int, noise: float, seed: int, test_fraction: float) -> lab.Dataset:
    return lab.make_dataset(name, n=n, noise=noise, seed=seed, test_fraction=test_fraction)


# ------------------------------------------------------------------------------ controls


def choice(url: UrlState, factory, label: str, name: str, labels: dict, default: str, **kwargs):
    """A selectbox or radio over the keys of ``labels`` (shown by their values); ``name`` in
    the URL, ``lab.<name>`` in session state."""
    return url.choice(
        factory, label, key=f"lab.{name}", url_key=name, options=labels, default=default, **kwargs
    )


def knob(url: UrlState, name: str, setting: Knob):
    """A slider for one numeric setting; ``name`` in the URL, ``lab.<name>`` in session state."""
    return knob_widget(url, setting, key=f"lab.{name}", url_key=name)


def data_controls(url: UrlState):
    """Data set, points, noise (per data set), test share and seed."""
    labels = {name: spec.label for name, spec in lab.DATASETS.items()}
    name = choice(url, st.selectbox, "Data set", "data", labels, "moons")
    spec = lab.DATASETS[name]
    st.caption(spec.description)
    noise_help = "Standard deviation of the Gaussian jitter of every point."
    n = knob(url, "n", Knob("points", 1000, 100, 5000, "int", "Training and test together."))
    # each data set keeps its own noise (its own default and range) under one URL name
    noise = knob_widget(url, Knob("noise σ", spec.noise, 0.0, spec.max_noise, "linear", noise_help),
                        key=f"lab.noise.{name}", url_key="noise")  # fmt: skip
    test = knob(url, "test", Knob("test share", 0.25, 0.1, 0.5, "linear", "Never trained on."))
    seed = knob(url, "data_seed", Knob("data seed", 0, 0, 9999, "int"))
    return name, int(n), float(noise), int(seed), float(test)


def network_controls(url: UrlState) -> lab.MLP:
    """Hidden widths typed as text (parsed, never evaluated) and the activation."""
    default = ", ".join(map(str, lab.DEFAULT_HIDDEN))
    text = url.widget(
        st.text_input,
        "Hidden layers (widths)",
        key="lab.hidden",
        url_key="hidden",
        field=Text(default, 60),
        max_chars=60,
        help="Comma-separated widths; the input has 2 units and the output 1 (a sigmoid).",
    )
    labels = {name: act.label for name, act in lab.ACTIVATIONS.items()}
    activation = choice(url, st.radio, "Activation", "act", labels, "relu", horizontal=True)
    try:
        widths = lab.parse_widths(text)
    except ValueError as error:
        st.error(f"{error}. Using {default}.", icon=":material/edit:")
        widths = lab.DEFAULT_HIDDEN
    network = lab.MLP(widths, activation)
    st.caption(f"Network {network}: {network.n_params:,} weights and biases.")
    return network


def training_controls(url: UrlState, n_train: int):
    """Epochs, batch mode and size, seed and the target loss of the summary."""
    epochs = int(knob(url, "epochs", Knob("epochs", 100, 1, 1000, "int")))
    mode = choice(url, st.radio, "Batch", "batch", BATCH_MODES, "mini", horizontal=True)
    batch_size = {"full": None, "one": 1}.get(mode)
    if mode == "mini":
        batch_size = int(knob(url, "batch_size", Knob("mini-batch size", 64, 2, 1024, "int")))
    seed = int(knob(url, "seed", Knob("seed (weights and shuffles)", 0, 0, 9999, "int")))
    target_help = "The summary counts the epochs and seconds each optimizer needs to get here."
    target = knob(url, "target", Knob("target training loss", 0.1, 1e-3, 0.7, "log", target_help))
    steps = -(-n_train // (batch_size or n_train)) * epochs
    st.caption(f"{steps:,} steps per optimizer.")
    return epochs, batch_size, seed, float(target)


def optimizer_slots(url: UrlState) -> list[tuple[str, object, str, tuple]]:
    """1 to MAX_OPTIMIZERS optimizers, the same one as often as wanted: (label, optimizer,
    colour, settings)."""
    count = int(
        url.widget(
            st.number_input,
            "Optimizers",
            key="lab.count",
            url_key="count",
            field=Number(len(DEFAULT_OPTIMIZERS), 1, MAX_OPTIMIZERS, integer=True),
            min_value=1,
            max_value=MAX_OPTIMIZERS,
            step=1,
        )
    )
    runs = []
    for index, column in enumerate(st.columns(count)):
        prefix = f"o{index}"
        default = DEFAULT_OPTIMIZERS[index] if index < len(DEFAULT_OPTIMIZERS) else "adam"
        # a network starts from torch's defaults (Adam α = 1e-3), not the 2-D surfaces' ones
        title = f"{index + 1} · {run_title(url, prefix, default, library=True)}"
        with column, st.popover(title, width="stretch", wrap=True, key=f"panel.{prefix}"):
            name, values, color = optimizer_controls(
                url, prefix, default=default, color=PALETTE[index % len(PALETTE)], library=True
            )
        label = f"{index + 1} · {run_label(name, values)}"
        try:
            opt = optim.OPTIMIZERS[name].build(**dict(values))
            runs.append((label, opt, color, (name, values, color)))
        except ValueError as error:
            column.error(f"{error}", icon=":material/warning:")
    return runs


# ------------------------------------------------------------------------------ training


def draw_curves(slot, run: LabRun, clock: str, key: str, live: bool = False) -> None:
    """The loss and accuracy curves of ``run`` so far, in ``slot``; while training (``live``)
    the epoch axis spans every planned epoch so the curves grow across it."""
    with slot:
        epochs = run.epochs if live else None
        show(curves_figure(run.histories, run.colors, clock=clock, epochs=epochs), key=key)


def train_live(run: LabRun, optimizers, batch_size: int | None, seed: int, slots) -> None:
    """Train, keeping ``run`` current after every epoch and redrawing at most every 0.4 s."""
    progress_slot, chart_slot, clock = slots
    last_draw = [0.0]

    def on_epoch(progress: lab.Progress) -> None:
        run.histories, run.completed = progress.histories, progress.epoch
        now = time.perf_counter()
        done = progress.epoch == progress.epochs
        progress_slot.progress(
            progress.epoch / progress.epochs, text=f"Epoch {progress.epoch} of {progress.epochs}"
        )
        if done or now - last_draw[0] > REDRAW_SECONDS:
            last_draw[0] = now
            draw_curves(chart_slot, run, clock, key=f"lab.live.{progress.epoch}", live=not done)

    lab.train(
        run.network,
        run.data,
        optimizers,
        epochs=run.epochs,
        batch_size=batch_size,
        seed=seed,
        callback=on_epoch,
    )


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


# ------------------------------------------------------------------------------ page

url = UrlState.begin()
st.title("Training lab")
st.markdown(
    "Train one small neural network on toy data with several optimizers and see which learns "
    "faster. Every optimizer starts from **the same initial weights** and sees **the same "
    "mini-batches in the same order**."
)
warnings = st.container()

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
optimizers = optimizer_slots(url)
settings = (
    name,
    n,
    noise,
    data_seed,
    test_share,
    network,
    epochs,
    batch_size,
    seed,
    tuple(chosen for *_, chosen in optimizers),
)

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

if train_clicked and optimizers:
    run = LabRun(settings, network, data, [color for _, _, color, _ in optimizers], [], epochs)
    st.session_state[RESULT] = run
    stop_slot.button("Stop", icon=":material/stop:", key="lab.stop")
    try:
        train_live(
            run,
            [(label, opt) for label, opt, *_ in optimizers],
            batch_size,
            seed,
            (progress_slot, chart_slot, clock),
        )
    except ValueError as error:
        st.session_state.pop(RESULT, None)
        st.error(f"Cannot train with these settings: {error}", icon=":material/block:")
    stop_slot.empty()

run = st.session_state.get(RESULT)
if run is not None and run.histories:
    if not train_clicked:
        draw_curves(chart_slot, run, clock, key="lab.curves")
    if run.settings != settings:
        st.caption("These results were trained with other settings; press Train to update them.")
    results(run, target)
elif run is None:
    prompt = "Press **Train** to train the network with every optimizer."
    chart_slot.info(prompt, icon=":material/play_arrow:")

url.finish()
UrlState.show_warnings(warnings)
