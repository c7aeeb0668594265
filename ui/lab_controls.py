"""The Training lab's controls: data set, network, training settings and optimizer slots.

Every setting is a keyed widget mirrored into the URL: ``lab.<name>`` in session state,
``<name>`` in the URL (``ui.url_state``); the optimizer slots are ``o0`` … ``o5`` with the
Playground's per-optimizer controls (``ui.controls``), starting at the library's defaults.
"""

from __future__ import annotations

import streamlit as st

import lab
import optim
from ui.controls import optimizer_controls, run_label, run_title
from ui.knobs import Knob, knob_widget
from ui.url_state import Number, Text, UrlState
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


def optimizer_slots(url: UrlState, network: lab.MLP) -> list[tuple[str, object, str, tuple]]:
    """1 to MAX_OPTIMIZERS optimizers, the same one as often as wanted: (label, optimizer,
    colour, settings), each built for ``network``'s layout (Muon + AdamW needs it)."""
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
            opt = optim.OPTIMIZERS[name].build(layout=network.layout, **dict(values))
            runs.append((label, opt, color, (name, values, color)))
        except ValueError as error:
            column.error(f"{error}", icon=":material/warning:")
    return runs
