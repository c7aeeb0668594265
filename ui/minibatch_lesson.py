"""The mini-batch lesson: its settings, cached runs and figures, and a Playground link.

- `MiniBatchSetup`: data (size, noise, seed) and training (batch size, epochs, α), with a caption.
- `minibatch_runs`: full batch and the chosen batch size, the same epochs from the same start.
- `minibatch_race`: both on the exact MSE contours, on a shared clock of examples seen.
- `minibatch_charts`: the data coloured by batch, and the loss on three clocks.
- `minibatch_playground_url`: the exact MSE typed into the Playground, with gradient noise of
  the batch's spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import optim
from lab.regression import (
    START,
    TRUE_B,
    TRUE_W,
    MiniBatchRun,
    RegressionCost,
    batch_labels,
    make_linear_data,
    minibatch_run,
)
from ui.controls import CUSTOM, MAX_STEPS
from ui.engine import RunSpec, Settings, SurfaceSpec
from ui.playground_link import playground_url
from viz.minibatch import (
    FULL_BATCH_COLOUR,
    batch_run_label,
    batches_figure,
    loss_clocks_figure,
    on_common_clock,
    solid_full_batch_path,
)
from viz.trajectory import Trajectory, trajectory_figure

MINIBATCH_COLOURS = (FULL_BATCH_COLOUR, "#e4572e")  # full batch near black, mini-batch vivid


@dataclass(frozen=True)
class MiniBatchSetup:
    """A mini-batch lesson's settings: data (size, noise, seed) and training."""

    size: int = 200
    noise: float = 0.5
    seed: int = 0
    batch_size: int = 16
    epochs: int = 5
    lr: float = 0.1

    def cost(self) -> RegressionCost:
        return RegressionCost(make_linear_data(self.size, self.noise, self.seed))

    def caption(self) -> str:
        batch = min(self.batch_size, self.size)
        return (
            f"{self.size} points y = {TRUE_W:g}x {TRUE_B:+g} + noise σ = {self.noise:g} "
            f"(seed {self.seed}); full batch ({self.size}) against batches of {batch}, "
            f"{self.epochs} epochs each, gradient descent α = {self.lr:g}, start "
            f"(w, b) = ({START[0]:g}, {START[1]:g}), reshuffled every epoch."
        )


@st.cache_data(max_entries=32, show_spinner=False)
def minibatch_runs(setup: MiniBatchSetup) -> dict[str, MiniBatchRun]:
    """Full batch and the chosen batch size, the same number of epochs, from the same start.

    A batch size of at least m is the full batch again; its label says it is the user's run.
    """
    cost = setup.cost()
    full, chosen = (
        minibatch_run(optim.gd(lr=setup.lr), cost, batch, setup.epochs, seed=setup.seed)
        for batch in (setup.size, setup.batch_size)
    )
    label = batch_run_label(chosen, setup.size)
    if chosen.batch_size == full.batch_size:
        label = f"batch size {setup.batch_size} ≥ m: {label}"
    return {batch_run_label(full, setup.size): full, label: chosen}


@st.cache_data(max_entries=16, show_spinner=False)
def minibatch_race(setup: MiniBatchSetup, frames: int = 300) -> dict:
    """Both runs on the exact MSE contours, animated on a shared clock of examples seen."""
    cost = setup.cost()
    runs = minibatch_runs(setup)
    clock, points = on_common_clock(list(runs.values()), frames)
    drawn = [
        Trajectory(label, colour, points[:, k], cost(points[:, k]))
        for k, (label, colour) in enumerate(zip(runs, MINIBATCH_COLOURS, strict=True))
    ]
    # frames are ticks of the shared clock: the counter shows examples seen, not steps
    figure = trajectory_figure(
        cost,
        drawn,
        trail=None,
        clickable=0,
        height=520,
        counter=lambda tick: f"examples seen {clock[tick]:.0f}",
    )
    figure["layout"]["xaxis"]["title"] = {"text": "w (slope)"}
    figure["layout"]["yaxis"]["title"] = {"text": "b (intercept)"}
    return solid_full_batch_path(figure, next(iter(runs)))  # minibatch_runs: full batch first


@st.cache_data(max_entries=16, show_spinner=False)
def minibatch_charts(setup: MiniBatchSetup) -> tuple[dict, dict]:
    """The data coloured by batch, and the loss on three clocks, as figure dicts."""
    cost = setup.cost()
    runs = minibatch_runs(setup)
    labels = batch_labels(setup.size, setup.batch_size, setup.seed)
    colours = dict(zip(runs, MINIBATCH_COLOURS, strict=True))
    return (
        batches_figure(cost.data, labels, cost.optimum),
        loss_clocks_figure(runs, colours, cost.minimum_value),
    )


def minibatch_playground_url(setup: MiniBatchSetup) -> str:
    """The exact MSE typed into the Playground, gradient descent with noise of the batch's size.

    The Playground has no data set, so a batch's randomness is stood in for by gradient noise
    with the batch gradient's spread at the optimum (`RegressionCost.gradient_noise`).
    """
    cost = setup.cost()
    _, run = minibatch_runs(setup).values()
    surface = SurfaceSpec(CUSTOM, expression=cost.formula(), domain=cost.domain)
    runs = (RunSpec("gd", (("lr", setup.lr),), MINIBATCH_COLOURS[1], "GD"),)
    noise = round(cost.gradient_noise(setup.batch_size), 4)
    settings = Settings(start=START, steps=min(len(run.path) - 1, MAX_STEPS), noise=noise)
    return playground_url(surface, runs, settings, trail=None)
