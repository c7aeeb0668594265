"""Run a sweep on Dask: every missing trial is one task; each finished trial is written at once.

Where it runs: the ``client`` given, else the scheduler at ``scheduler`` (or in the environment
variable ``OPTIMIZER_PLAYGROUND_SCHEDULER``), else a ``LocalCluster`` with one single-threaded
worker process per core, closed at the end. Trials are independent tasks whose only input is a
small settings record; results come back to this process, which alone writes the results
folder. A trial whose worker dies is rescheduled by Dask on another worker (up to
``distributed.scheduler.allowed-failures`` times); its file is written once, when its one
result arrives, so it never appears twice.

On a cluster the scheduler and every worker must import this project (tasks name
``lab.sweep.trial.run_trial``): start them with the repository on their path, for instance
``PYTHONPATH=/path/to/repo dask scheduler`` and ``PYTHONPATH=/path/to/repo dask worker
tcp://host:8786 --nworkers auto --nthreads 1``; otherwise each trial fails with Dask's
"Error during deserialization of the task graph", reported per trial.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from lab.sweep.spec import SweepError, SweepSpec
from lab.sweep.store import finished_ids, prepare, write_trial
from lab.sweep.trial import run_trial

SCHEDULER_ENV = "OPTIMIZER_PLAYGROUND_SCHEDULER"
CONNECT_SECONDS = 5.0  # how long to try an explicit scheduler address before giving up


@dataclass
class SweepProgress:
    """What the callback sees after each trial: counts so far and the row just written."""

    total: int  # trials in the sweep
    done: int  # trials in the results folder, from earlier runs and this one
    computed: int  # trials this run finished
    seconds: float  # since this run started computing
    row: dict | None = None

    @property
    def seconds_left(self) -> float | None:
        """Time left at this run's rate so far; None before its first trial."""
        if not self.computed:
            return None
        return self.seconds / self.computed * (self.total - self.done)


@dataclass
class SweepReport:
    """How a run ended: the counts, the trials that failed (id -> error) and whether it stopped."""

    total: int
    already: int
    computed: int
    stopped: bool
    seconds: float
    failed: dict = field(default_factory=dict)


def scheduler_address(scheduler: str | None = None) -> str | None:
    """The scheduler to use: the one given, else ``$OPTIMIZER_PLAYGROUND_SCHEDULER``, else None."""
    return scheduler or os.environ.get(SCHEDULER_ENV) or None


def connect(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: to the scheduler address (SweepError when it cannot be reached), else to
    a new LocalCluster of ``workers`` single-threaded processes (default one per core)."""
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if address:
        try:
            return Client(address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as error:
            raise SweepError(f"scheduler: cannot reach {address} ({error})") from None
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    )
    return Client(cluster)


def run(
    spec: SweepSpec,
    out: str | os.PathLike,
    *,
    client=None,
    scheduler: str | None = None,
    workers: int | None = None,
    callback: Callable[[SweepProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SweepReport:
    """Run the trials of ``spec`` missing from the folder ``out`` and write each as it finishes.

    Validates ``spec`` and reaches the cluster before any work starts (SweepError naming the
    problem). ``callback`` runs after each written trial; ``should_stop`` is asked after each,
    and a True cancels the rest (the finished trials are kept; running again resumes).
    """
    spec.validate()
    trials = spec.trials()
    own_client = client is None
    client = connect(scheduler, workers) if own_client else client
    try:
        prepare(out, spec)
        return _compute(client, trials, out, callback, should_stop)
    finally:
        if own_client:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()


def _compute(client, trials, out, callback, should_stop) -> SweepReport:
    """Submit the missing trials and write each result as it arrives."""
    from distributed import as_completed

    done = finished_ids(out)
    missing = [t for t in trials if t["trial_id"] not in done]
    already = len(trials) - len(missing)
    start = time.perf_counter()
    report = SweepReport(len(trials), already, 0, False, 0.0)
    run_token = uuid.uuid4().hex[:8]  # keys of their own: a stopped run's keys may linger
    futures = client.map(run_trial, missing, pure=False,
                         key=[f"trial-{t['trial_id']}-{run_token}" for t in missing])  # fmt: skip
    ids = {future.key: t["trial_id"] for future, t in zip(futures, missing, strict=True)}
    try:
        for future in as_completed(futures, with_results=False):
            if future.status == "finished":
                row = future.result()
                write_trial(out, row)
                report.computed += 1
                if callback:
                    seconds = time.perf_counter() - start
                    callback(SweepProgress(report.total, already + report.computed,
                                           report.computed, seconds, row))  # fmt: skip
            else:
                report.failed[ids[future.key]] = repr(future.exception())
            future.release()
            if should_stop and should_stop():
                report.stopped = True
                client.cancel(futures)
                break
    except BaseException:  # an interrupt (a page's rerun, Ctrl-C): nothing more to run
        client.cancel(futures)
        raise
    report.seconds = time.perf_counter() - start
    return report
