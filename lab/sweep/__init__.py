"""Sweeps: fair optimizer comparisons over a grid of hyperparameters and several seeds, on Dask.

    spec = lab.sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": lab.sweep.log_grid(1e-4,
                               1, 13)}, seeds=5, epochs=200)
    lab.sweep.run(spec, "results/")          # resumes: computes only what is missing
    frame = lab.sweep.load("results/")        # one row per trial
    best = lab.sweep.best_rates(frame)        # best rate, spread, good range in decades

or ``python -m lab.sweep --data moons --optimizers adam,sgd --lr 1e-4:1:13 --seeds 5 --epochs
200 --out results/ [--scheduler tcp://host:8786]``. No Streamlit or Plotly here; Dask is
imported only when a sweep runs.
"""

from lab.sweep.execute import (
    SCHEDULER_ENV,
    SweepProgress,
    SweepReport,
    connect,
    run,
    scheduler_address,
)
from lab.sweep.robustness import best_rates, by_rate, curves_at_best, summary_csv
from lab.sweep.spec import SweepError, SweepSpec, log_grid, parse_grid, trial_id
from lab.sweep.store import finished_ids, load, read_spec
from lab.sweep.trial import CURVES, run_trial

__all__ = [
    "CURVES",
    "SCHEDULER_ENV",
    "SweepError",
    "SweepProgress",
    "SweepReport",
    "SweepSpec",
    "best_rates",
    "by_rate",
    "connect",
    "curves_at_best",
    "finished_ids",
    "load",
    "log_grid",
    "parse_grid",
    "read_spec",
    "run",
    "run_trial",
    "scheduler_address",
    "summary_csv",
    "trial_id",
]
