"""The Training lab's run: the record kept in session state, the cached data set, and training
inside the page script with the progress bar and loss curves redrawn as epochs finish.

The run is kept in session state after every epoch, so pressing Stop (or changing any control,
which reruns the page) keeps what was trained so far, with every optimizer's weights at each
epoch (``path_points``, bounded in memory) for the Landscape section.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

import lab
from ui.figures import show
from viz.training import curves_figure

RESULT = "lab.result"  # session key of the latest (possibly partial) training run
REDRAW_SECONDS = 0.4  # live curves are redrawn at most this often
PATH_POINTS = 200  # weight vectors kept per optimizer for the landscape: every epoch up to 200
PATH_BYTES = 50 * 10**6  # all optimizers' kept weights at most (float32 offsets, lab.paths)


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
    """The toy data set for these settings (``lab.make_dataset``), cached."""
    return lab.make_dataset(name, n=n, noise=noise, seed=seed, test_fraction=test_fraction)


def path_points(optimizers: int, n_params: int) -> int:
    """``lab.train``'s keep_path for the landscape: ``PATH_POINTS``, or fewer for a network so
    large that optimizers × (keep_path + 2) float32 vectors of n_params would pass
    ``PATH_BYTES`` (at least 1: θ₀, one middle epoch and the last)."""
    return max(1, min(PATH_POINTS, PATH_BYTES // (4 * n_params * optimizers) - 2))


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
        keep_path=path_points(len(optimizers), run.network.n_params),
    )


def train_and_keep(run: LabRun, optimizers, batch_size: int | None, seed: int, slots) -> None:
    """Keep ``run`` in session state and train it live with a Stop button in ``stop_slot``;
    ``optimizers`` are (label, optimizer, colour, settings) as the slots give them. Settings the
    engine rejects drop the run and say why."""
    stop_slot, progress_slot, chart_slot, clock = slots
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
