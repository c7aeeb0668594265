"""The Atlas page's own settings, each a keyed widget mirrored into the URL (``atlas.*``).

The surface and the runs come from the Playground's controls (``ui.controls.surface_picker``,
``runs_editor``), so a link's ``surface``, ``r0.opt``, ``r0.lr``, … mean the same on both pages.
"""

from __future__ import annotations

import streamlit as st

import optim
from ui.controls import start_point  # the Playground's start inputs, reused as they are
from ui.knobs import Knob, knob_widget
from ui.url_state import UrlState

VIEWS = {
    "basins": "Basins of attraction",
    "sensitivity": "Learning-rate sensitivity",
    "map": "Hyperparameter map",
}
KNOBS = {
    "resolution": Knob("starts per side", 120, 50, 300, "int"),
    "steps": Knob("step budget (every start, every run)", 500, 10, 2000, "int"),
    "lr_low": Knob("smallest α", 1e-4, 1e-4, 1.0, "log"),
    "lr_high": Knob("largest α", 1.0, 1e-4, 1.0, "log"),
    "lr_count": Knob("values of α", 25, 3, 60, "int"),
    "starts": Knob("random starts K", 64, 1, 1024, "int"),
    "seed": Knob("start seed", 0, 0, 9999, "int"),
    "noise": Knob("gradient noise σ", 0.0, 0.0, 5.0, "linear", "σ·ξ added to every gradient"),
    "noise_seeds": Knob("noise seeds", 1, 1, 16, "int"),
    "cells": Knob("cells per side", 30, 5, 80, "int"),
    "map_lr_low": Knob("smallest α", 1e-3, 1e-4, 1.0, "log"),
    "map_lr_high": Knob("largest α", 0.5, 1e-4, 1.0, "log"),
}
FIGURES = {"rate": "measured rate", "steps": "steps to tolerance"}


def knob(url: UrlState, name: str, box):
    return knob_widget(url, KNOBS[name], key=f"atlas.{name}", container=box)


def view_picker(url: UrlState, box) -> str:
    return url.choice(box.radio, "Atlas", key="atlas.view", options=VIEWS, default="basins")


def basins_knobs(url: UrlState, box) -> tuple[int, int]:
    return knob(url, "resolution", box), knob(url, "steps", box)


def sensitivity_knobs(url: UrlState, box) -> dict:
    names = ("lr_low", "lr_high", "lr_count", "starts", "seed", "noise", "noise_seeds", "steps")
    return {name: knob(url, name, box) for name in names}


def map_knobs(url: UrlState, box, runs) -> dict | None:
    """Which run, which second hyperparameter (α is the first), the ranges and the figure;
    None when no run has a second numeric hyperparameter."""
    options = {str(i): f"{i + 1} · {run.label}" for i, run in enumerate(runs)}
    index = int(url.choice(box.selectbox, "run", key="atlas.run", options=options, default="0"))
    run = runs[index]
    numeric = [
        h
        for h in optim.OPTIMIZERS[run.optimizer].hyperparameters
        if h.name != "lr" and h.scale == "linear"
    ]
    if not numeric:
        box.info(f"{run.label} has no hyperparameter besides α: pick another run.")
        return None
    y_name = url.choice(
        box.selectbox,
        "second hyperparameter",
        key=f"atlas.y.{run.optimizer}",
        options={h.name: h.label for h in numeric},
        default=numeric[0].name,
    )
    y_spec = next(h for h in numeric if h.name == y_name)
    values = {
        name: knob(url, name, box) for name in ("map_lr_low", "map_lr_high", "cells", "steps")
    }
    figure = url.choice(box.radio, "figure", key="atlas.figure", options=FIGURES, default="rate")
    return {"run": run, "y": y_spec, "figure": figure, **values}


def inspect_start(url: UrlState, spec, surface, box) -> tuple[float, float]:
    """The inspected start: the Playground's own start inputs (same keys and URL names ``x0``,
    ``y0``); a click on a basin image sets them."""
    return start_point(url, surface, spec, box)


def progress_bar(label: str):
    """An st.progress whose ``(done, total)`` callback says the work left."""
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{label}: {done} of {total} done, {total - done} left")

    return bar, update
