"""Sweep benchmark: trials per second on 1 and 2 Dask workers, and a trial's overhead.

    python bench/sweep.py [--trial-seconds 5] [--trials 8] [--short-seconds 1]

1. Throughput: the same sweep of ``--trials`` trials of about ``--short-seconds`` each on a
   LocalCluster of 1 worker process and of 2 (each single-threaded, started before the clock
   runs); trials per second and the ratio. Goal: 2 workers ≥ 1.8 × 1 worker.
2. Overhead: trials of 1 epoch (15) and of about ``--trial-seconds`` (3), each run as a bare
   ``lab.train`` call in this process and then as a one-trial ``lab.sweep.run`` on a started
   worker (validation, task shipping, the result's trip back and its Parquet file included);
   the median extra time. Goal: ≤ 5 % for a 5-s trial.
3. The scheduler's own cost per task: 2,000 no-op tasks through the same cluster.

Every process does its BLAS on one thread (Dask's nanny sets this for its workers), so a bare
call and a worker compute alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import lab
import lab.sweep as sweep
from lab.sweep.trial import trial_inputs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trial-seconds", type=float, default=5.0)
    parser.add_argument("--short-seconds", type=float, default=1.0)
    parser.add_argument("--trials", type=int, default=8, help="trials in the throughput sweep")
    return parser.parse_args()


def epochs_for(seconds: float) -> int:
    """Epochs of the default network on 1,000 moons (mini-batches of 64) lasting ``seconds``
    on an idle core."""
    spec = sweep.SweepSpec(optimizers=("adam",), grid={"lr": (1e-3,)}, seeds=1, epochs=20)
    fastest = min(bare(spec.trials()[0]) for _ in range(5))  # the least disturbed of five
    return max(1, round(seconds / (fastest / 20)))


def bare(record: dict) -> float:
    """Seconds for the trial as one plain ``lab.train`` call in this process."""
    network, data, opt = trial_inputs(record)
    start = time.perf_counter()
    lab.train(network, data, [("x", opt)], epochs=record["epochs"],
              batch_size=record["batch_size"], seed=record["seed"])  # fmt: skip
    return time.perf_counter() - start


def cluster(workers: int):
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         dashboard_address=":0")  # fmt: skip
    return Client(local)


def timed_sweep(client, spec: sweep.SweepSpec) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = sweep.run(spec, out, client=client)
        seconds = time.perf_counter() - start
    assert report.computed == len(spec.trials()) and not report.failed
    return seconds


def spec_of(trials: int, epochs: int) -> sweep.SweepSpec:
    lrs = sweep.log_grid(1e-3, 1e-1, max(1, trials // 2))
    return sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": lrs}, seeds=1, epochs=epochs)


def throughput(args) -> None:
    spec = spec_of(args.trials, epochs_for(args.short_seconds))
    n = len(spec.trials())
    print(f"\nThroughput: {n} trials of ~{args.short_seconds:g} s ({spec.epochs} epochs)")
    print(f"{'workers':>8} {'seconds':>9} {'trials/s':>9} {'ratio':>7}")
    rates = {}
    for workers in (1, 2):
        with cluster(workers) as client:
            client.run(lambda: None)  # workers up before the clock runs
            seconds = timed_sweep(client, spec)
        rates[workers] = n / seconds
        ratio = rates[workers] / rates[1]
        print(f"{workers:>8} {seconds:>9.2f} {rates[workers]:>9.3f} {ratio:>6.2f}×")
    print(f"goal: 2 workers ≥ 1.80 × 1 worker; measured {rates[2] / rates[1]:.2f} ×")


def single_trials(epochs: int, count: int) -> list[sweep.SweepSpec]:
    """``count`` one-trial sweeps of Adam, seeds 0 … count−1."""
    return [
        sweep.SweepSpec(optimizers=("adam",), grid={"lr": (1e-2,)}, seeds=(seed,), epochs=epochs)
        for seed in range(count)
    ]


def overhead(args) -> None:
    """Each trial bare, then at once as a one-trial sweep on a started worker, in turn, so a
    change in the machine's load falls on both alike; medians over the trials."""
    rows = [("1 epoch", 1, 15), (f"~{args.trial_seconds:g} s", epochs_for(args.trial_seconds), 3)]
    print("\nOverhead of a trial run through lab.sweep.run on 1 worker (medians)")
    print(f"{'trial':>10} {'epochs':>7} {'bare s':>9} {'swept s':>9} {'extra ms':>9} {'ratio':>7}")
    with cluster(1) as client:
        client.run(lambda: None)
        for name, epochs, count in rows:
            pairs = []
            for spec in single_trials(epochs, count):
                pairs.append((bare(spec.trials()[0]), timed_sweep(client, spec)))
            bare_s = statistics.median(b for b, _ in pairs)
            extra = statistics.median(s - b for b, s in pairs)
            print(f"{name:>10} {epochs:>7} {bare_s:>9.3f} {bare_s + extra:>9.3f} "
                  f"{extra * 1e3:>9.0f} {extra / bare_s:>+7.1%}")  # fmt: skip
    print("goal: ≤ +5 % for a 5-s trial")


def scheduler_cost() -> None:
    with cluster(2) as client:
        client.run(lambda: None)
        tasks = 2000
        start = time.perf_counter()
        client.gather(client.map(int, range(tasks), pure=False))
        seconds = time.perf_counter() - start
    print(f"\nScheduler: {tasks} no-op tasks on 2 workers in {seconds:.2f} s = "
          f"{seconds / tasks * 1e3:.2f} ms a task end to end")  # fmt: skip


def main() -> None:
    args = parse_args()
    # other processes on the cores bend every ratio here: read them with the load beside them
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    throughput(args)
    overhead(args)
    scheduler_cost()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
