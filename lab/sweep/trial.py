"""One trial of a sweep: train one optimizer from one seed and summarise how it learned.

A trial is a settings record (``SweepSpec.trials``); ``run_trial`` is the task a Dask worker
runs. The record is small (about 500 bytes): the worker rebuilds the data set from its settings
once (a seeded draw, cached per process), so no data travels with a task.
"""

from __future__ import annotations

import functools
import json
import time

import numpy as np

import optim
from lab.datasets import Dataset, make_dataset
from lab.network import MLP
from lab.training import History, train

CURVES = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


@functools.lru_cache(maxsize=8)
def _dataset(name: str, n: int, noise: float, seed: int, test_fraction: float) -> Dataset:
    return make_dataset(name, n=n, noise=noise, seed=seed, test_fraction=test_fraction)


def trial_inputs(record: dict) -> tuple[MLP, Dataset, object]:
    """The network, data set and optimizer a trial record describes."""
    data = _dataset(**record["data"])
    network = MLP(tuple(record["hidden"]), record["activation"])
    opt = optim.OPTIMIZERS[record["optimizer"]].build(layout=network.layout, **record["hyper"])
    return network, data, opt


def run_trial(record: dict) -> dict:
    """Train the trial with ``lab.train`` and return its row: the settings, final and best
    losses and accuracies, epochs to the target training loss, the diverging epoch, the wall
    time and the per-epoch curves."""
    start = time.perf_counter()
    network, data, opt = trial_inputs(record)
    result = train(
        network,
        data,
        [(record["optimizer"], opt)],
        epochs=record["epochs"],
        batch_size=record["batch_size"],
        seed=record["seed"],
    )
    row = summarise(record, result.histories[0])
    row["wall_seconds"] = time.perf_counter() - start
    return row


def summarise(record: dict, history: History) -> dict:
    """A trial's row from its settings record and its ``lab.History``."""
    reached = history.reached(record["target"])
    row = {
        "trial_id": record["trial_id"],
        "optimizer": record["optimizer"],
        "label": optim.OPTIMIZERS[record["optimizer"]].label,
        "seed": record["seed"],
        **{f"hp_{name}": value for name, value in record["hyper"].items()},
        "epochs": record["epochs"],
        "completed_epochs": history.epochs[-1],
        "diverged_at": -1 if history.diverged_at is None else history.diverged_at,
        "epochs_to_target": -1 if reached is None else reached[0],
        "train_seconds": history.seconds[-1],
    }
    for curve in CURVES:
        values = np.asarray(getattr(history, curve))
        row[f"final_{curve}"] = float(values[-1])
        best = values.min() if curve.endswith("loss") else values.max()
        row[f"best_{curve}"] = float(best)
    row["curve_epoch"] = list(history.epochs)
    row["curve_seconds"] = list(history.seconds)
    for curve in CURVES:
        row[f"curve_{curve}"] = [float(v) for v in getattr(history, curve)]
    row["settings"] = _settings_text(record)
    return row


def _settings_text(record: dict) -> str:
    """The settings record as canonical JSON, without its id."""
    return json.dumps({k: v for k, v in record.items() if k != "trial_id"}, sort_keys=True)
