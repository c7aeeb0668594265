"""How robust each optimizer is to its learning rate, from a sweep's results (pandas only).

For a metric m (``final_test_loss`` by default; any ``final_``/``best_`` column):

- ``by_rate``: per optimizer and learning rate, the median of m over the seeds and its
  interquartile range [Q1, Q3] (pandas' linear quantiles), with the number of seeds.
- ``best_rates``: per optimizer the learning rate whose median is best (lowest loss, highest
  accuracy), its median and quartiles over the seeds, and the **good range**: the unbroken run
  of grid rates around the best whose median is within the margin of the best median —
  loss ≤ best · (1 + margin) (a relative margin), accuracy ≥ best − margin (absolute) — and its
  width in decades, log10(highest good rate / lowest good rate) (0 for the best rate alone).
- ``curves_at_best``: the per-epoch median and quartiles over the seeds of one curve at each
  optimizer's best rate.

A diverged trial keeps the scores of its last good epoch (``lab.train``), so it counts as the
poor result it was, never as a missing one.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

RATE = "hp_lr"
DEFAULT_MARGIN = {"loss": 0.1, "accuracy": 0.02}


def higher_is_better(metric: str) -> bool:
    """Accuracies are better high, losses low."""
    return metric.endswith("accuracy")


def series(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each optimizer split by the values of any other hyperparameter swept
    beside the rate (a second grid axis): ``optimizer`` becomes e.g. ``adam|beta1=0.9`` and
    ``label`` ``Adam (beta1 0.9)``; unchanged for a sweep over the rate alone."""
    others = [c for c in frame.columns if c.startswith("hp_") and c != RATE]
    varying = [c for c in others if frame.groupby("optimizer")[c].nunique().max() > 1]
    if not varying:
        return frame
    names = [c.removeprefix("hp_") for c in varying]
    values = frame[varying].astype(str).to_numpy()
    keys = [", ".join(f"{n} {v}" for n, v in zip(names, row, strict=True)) for row in values]
    return frame.assign(
        optimizer=[f"{o}|{k}" for o, k in zip(frame["optimizer"], keys, strict=True)],
        label=[f"{label} ({k})" for label, k in zip(frame["label"], keys, strict=True)],
    )


def by_rate(frame: pd.DataFrame, metric: str = "final_test_loss") -> pd.DataFrame:
    """Columns optimizer, label, lr, median, q1, q3, seeds; sorted by optimizer then lr (an
    optimizer per value of a second swept hyperparameter, see ``series``)."""
    groups = series(frame).groupby(["optimizer", "label", RATE], sort=True)[metric]
    table = groups.agg(
        median="median",
        q1=lambda v: v.quantile(0.25),
        q3=lambda v: v.quantile(0.75),
        seeds="count",
    )
    return table.reset_index().rename(columns={RATE: "lr"})


def best_rates(
    frame: pd.DataFrame, metric: str = "final_test_loss", margin: float | None = None
) -> pd.DataFrame:
    """Per optimizer: best lr, its median/q1/q3, the good range's low and high rates, its width
    in decades, and the margin used (default 10 % for a loss, 0.02 for an accuracy)."""
    higher = higher_is_better(metric)
    margin = DEFAULT_MARGIN["accuracy" if higher else "loss"] if margin is None else margin
    rows = []
    for (optimizer, label), table in by_rate(frame, metric).groupby(["optimizer", "label"]):
        table = table.reset_index(drop=True)
        medians = table["median"].to_numpy()
        best = int(np.nanargmax(medians) if higher else np.nanargmin(medians))
        good = _good(medians, medians[best], margin, higher)
        low, high = _run_around(good, best)
        rows.append(
            {
                "optimizer": optimizer,
                "label": label,
                "best_lr": table.at[best, "lr"],
                "median": medians[best],
                "q1": table.at[best, "q1"],
                "q3": table.at[best, "q3"],
                "good_low": table.at[low, "lr"],
                "good_high": table.at[high, "lr"],
                "decades": math.log10(table.at[high, "lr"] / table.at[low, "lr"]),
                "margin": margin,
            }
        )
    return pd.DataFrame(rows)


def _good(medians: np.ndarray, best: float, margin: float, higher: bool) -> np.ndarray:
    """Which medians are within the margin of the best."""
    with np.errstate(invalid="ignore"):
        return medians >= best - margin if higher else medians <= best * (1 + margin)


def _run_around(good: np.ndarray, best: int) -> tuple[int, int]:
    """The first and last index of the unbroken run of True in ``good`` that holds ``best``."""
    low = high = best
    while low > 0 and good[low - 1]:
        low -= 1
    while high < len(good) - 1 and good[high + 1]:
        high += 1
    return low, high


def curves_at_best(
    frame: pd.DataFrame, best: pd.DataFrame, curve: str = "curve_test_loss"
) -> pd.DataFrame:
    """Columns optimizer, label, lr, epoch, median, q1, q3: ``curve`` over the seeds at each
    optimizer's best rate, epoch by epoch (a diverged seed's curve ends early; later epochs
    take the seeds still running)."""
    pieces, frame = [], series(frame)
    for row in best.itertuples():
        trials = frame[(frame.optimizer == row.optimizer) & (frame[RATE] == row.best_lr)]
        long = trials[["seed", "curve_epoch", curve]].explode(["curve_epoch", curve])
        long = long.astype({"curve_epoch": int, curve: float})
        stats = long.groupby("curve_epoch")[curve].agg(
            median="median", q1=lambda v: v.quantile(0.25), q3=lambda v: v.quantile(0.75)
        )
        stats = stats.reset_index().rename(columns={"curve_epoch": "epoch"})
        pieces.append(stats.assign(optimizer=row.optimizer, label=row.label, lr=row.best_lr))
    columns = ["optimizer", "label", "lr", "epoch", "median", "q1", "q3"]
    return (
        pd.concat(pieces, ignore_index=True)[columns] if pieces else pd.DataFrame(columns=columns)
    )


def summary_csv(frame: pd.DataFrame) -> str:
    """Every trial as CSV, one row each, the per-epoch curves left out (they are in the
    Parquet files) and the settings JSON kept."""
    return frame.drop(columns=[c for c in frame.columns if c.startswith("curve_")]).to_csv(
        index=False
    )
