"""Robustness of a sweep: medians and quartiles over seeds, best rates, the good range's width
in decades and curves at the best rate, against pandas/NumPy computed here and hand values;
and the figures built from them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lab.sweep.robustness import best_rates, by_rate, curves_at_best, summary_csv
from viz.sweep import best_curves_figure, robustness_figure

LRS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
# per optimizer, per rate: the three seeds' final test losses (median = middle value)
LOSSES = {
    "adam": [(0.8, 0.9, 1.0), (0.25, 0.3, 0.4), (0.15, 0.2, 0.3), (0.2, 0.21, 0.6), (0.5, 0.5, 2)],
    "sgd": [(0.2, 0.2, 0.2), (0.6, 0.5, 0.55), (0.21, 0.22, 0.2), (0.9, 0.9, 0.9), (1, 1, 1)],
}
LABELS = {"adam": "Adam", "sgd": "SGD"}


def frame() -> pd.DataFrame:
    rows = []
    for optimizer, per_rate in LOSSES.items():
        for lr, losses in zip(LRS, per_rate, strict=True):
            for seed, loss in enumerate(losses):
                curve = [1.0, 1.0 - seed * 0.1 - lr, loss]
                rows.append({
                    "trial_id": f"{optimizer}{lr}{seed}", "optimizer": optimizer,
                    "label": LABELS[optimizer], "hp_lr": lr, "seed": seed,
                    "final_test_loss": loss, "final_test_accuracy": 1 - loss / 2,
                    "curve_epoch": [0, 1, 2], "curve_test_loss": curve,
                })  # fmt: skip
    return pd.DataFrame(rows)


def test_medians_and_quartiles_over_seeds_match_numpy():
    table = by_rate(frame())
    assert len(table) == 10
    for row in table.itertuples():
        losses = LOSSES[row.optimizer][LRS.index(row.lr)]
        assert row.median == np.median(losses)
        assert row.q1 == pytest.approx(np.percentile(losses, 25))
        assert row.q3 == pytest.approx(np.percentile(losses, 75))
        assert row.seeds == 3


def test_best_rate_and_the_width_of_the_good_range_by_hand():
    best = best_rates(frame(), margin=0.1).set_index("optimizer")
    # Adam: medians 0.9, 0.3, 0.2, 0.21, 0.5 -> best 1e-2 (0.2); good ≤ 0.22: 1e-2 and 1e-1
    assert best.at["adam", "best_lr"] == 1e-2 and best.at["adam", "median"] == 0.2
    assert (best.at["adam", "q1"], best.at["adam", "q3"]) == pytest.approx((0.175, 0.25))
    assert (best.at["adam", "good_low"], best.at["adam", "good_high"]) == (1e-2, 1e-1)
    assert best.at["adam", "decades"] == pytest.approx(1.0)
    # SGD: medians 0.2, 0.55, 0.21, 0.9, 1 -> best 1e-4; 1e-2 is good too but not adjacent
    assert best.at["sgd", "best_lr"] == 1e-4 and best.at["sgd", "decades"] == 0.0
    wide = best_rates(frame(), margin=2.0).set_index("optimizer")  # ≤ 3 × best: all but 1.0
    assert wide.at["adam", "decades"] == pytest.approx(math.log10(1e-1 / 1e-4))


def test_accuracy_is_best_high_with_an_absolute_margin():
    best = best_rates(frame(), metric="final_test_accuracy", margin=0.01).set_index("optimizer")
    # accuracy = 1 − loss/2: Adam's medians 0.55, 0.85, 0.9, 0.895, 0.75 -> 1e-2 and 1e-1
    assert best.at["adam", "best_lr"] == 1e-2
    assert best.at["adam", "median"] == pytest.approx(0.9)
    assert (best.at["adam", "good_low"], best.at["adam", "good_high"]) == (1e-2, 1e-1)
    assert best.at["adam", "margin"] == 0.01


def test_curves_at_the_best_rate_over_seeds():
    data = frame()
    curves = curves_at_best(data, best_rates(data))
    adam = curves[curves.optimizer == "adam"].set_index("epoch")
    seeds = [[1.0, 1.0 - s * 0.1 - 1e-2, loss] for s, loss in enumerate(LOSSES["adam"][2])]
    for epoch in (0, 1, 2):
        values = [curve[epoch] for curve in seeds]
        assert adam.at[epoch, "median"] == pytest.approx(np.median(values))
        assert adam.at[epoch, "q1"] == pytest.approx(np.percentile(values, 25))
        assert adam.at[epoch, "q3"] == pytest.approx(np.percentile(values, 75))
    assert set(curves[curves.optimizer == "sgd"]["lr"]) == {1e-4}


def test_the_robustness_figure_draws_bands_best_rings_and_good_ranges():
    data = frame()
    figure = robustness_figure(by_rate(data), best_rates(data, margin=0.1))
    fills = [t for t in figure["data"] if t.get("fill") == "tonexty"]
    assert len(fills) == 2
    adam_q3 = [np.percentile(v, 75) for v in LOSSES["adam"]]
    assert fills[0]["y"] == pytest.approx(adam_q3) and fills[0]["x"] == LRS
    lines = [t for t in figure["data"] if t.get("mode") == "lines+markers" and "yaxis" not in t]
    assert lines[0]["y"] == [np.median(v) for v in LOSSES["adam"]]
    rings = [t for t in figure["data"] if "error_y" in t]
    assert [r["x"] for r in rings] == [[1e-2], [1e-4]]
    assert rings[0]["error_y"]["array"] == pytest.approx([0.05])  # Q3 0.25 − median 0.2
    ranges = [t for t in figure["data"] if t.get("yaxis") == "y2"]
    assert ranges[0]["x"] == [1e-2, 1e-1] and ranges[0]["y"] == ["Adam: 1.0 decades"] * 2
    assert figure["layout"]["xaxis"]["type"] == "log"


def test_the_best_curves_figure_has_a_band_per_optimizer():
    data = frame()
    figure = best_curves_figure(curves_at_best(data, best_rates(data)))
    names = [t["name"] for t in figure["data"] if "name" in t]
    assert names == ["Adam (lr 0.01)", "SGD (lr 0.0001)"]
    assert sum(t.get("fill") == "tonexty" for t in figure["data"]) == 2


def test_the_csv_has_one_row_per_trial_without_curves():
    text = summary_csv(frame())
    read = pd.read_csv(pd.io.common.StringIO(text))
    assert len(read) == 30 and "curve_test_loss" not in read.columns
    assert read["final_test_loss"].tolist() == frame()["final_test_loss"].tolist()


def test_a_second_swept_hyperparameter_splits_each_optimizer():
    data = frame()
    data = pd.concat([data.assign(hp_beta1=0.9), data.assign(hp_beta1=0.5,
                      final_test_loss=data.final_test_loss * 2)], ignore_index=True)  # fmt: skip
    table = by_rate(data)
    assert set(table["label"]) == {"Adam (beta1 0.9)", "Adam (beta1 0.5)", "SGD (beta1 0.9)",
                                   "SGD (beta1 0.5)"}  # fmt: skip
    assert (table["seeds"] == 3).all()  # each median over the seeds of one setting only
    halved = table[table.label == "Adam (beta1 0.5)"]["median"].to_numpy()
    assert halved == pytest.approx([2 * np.median(v) for v in LOSSES["adam"]])
    best = best_rates(data)
    curves = curves_at_best(data, best)
    assert curves.groupby("label").size().to_dict() == dict.fromkeys(best["label"], 3)
