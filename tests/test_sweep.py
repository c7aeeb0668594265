"""lab.sweep on a real Dask LocalCluster: the same numbers as lab.train one trial at a time,
resume after a stop, a worker killed mid-sweep, and specifications refused before any work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import lab
import lab.sweep as sweep
import optim

LRS = (1e-3, 1e-2, 1e-1)
TINY = dict(n=100, hidden=(8, 8), epochs=5, batch_size=16)
SPEC = sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": LRS}, seeds=2, **TINY)
TIMING = ["wall_seconds", "train_seconds", "curve_seconds"]


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as c:  # fmt: skip
        yield c


def reference(optimizer: str, lr: float, seed: int, epochs: int = 5, n: int = 100) -> lab.History:
    """The trial run on its own with lab.train, built here from the registry directly."""
    data = lab.make_dataset("moons", n=n, noise=0.2, seed=0, test_fraction=0.25)
    spec = optim.OPTIMIZERS[optimizer]
    opt = spec.build(**(spec.library_defaults() | {"lr": lr}))
    result = lab.train(lab.MLP((8, 8)), data, [(optimizer, opt)], epochs=epochs, batch_size=16,
                       seed=seed)  # fmt: skip
    return result.histories[0]


def assert_matches_reference(frame, epochs: int = 5, n: int = 100) -> None:
    assert len(frame) == 12
    assert frame["trial_id"].is_unique
    seen = set()
    for row in frame.itertuples():
        seen.add((row.optimizer, row.hp_lr, row.seed))
        history = reference(row.optimizer, row.hp_lr, row.seed, epochs, n)
        assert list(row.curve_train_loss) == history.train_loss  # exactly, every epoch
        assert list(row.curve_test_loss) == history.test_loss
        assert list(row.curve_test_accuracy) == history.test_accuracy
        assert row.final_test_loss == history.test_loss[-1]
        assert row.best_test_loss == min(history.test_loss)
        assert row.best_test_accuracy == max(history.test_accuracy)
        hits = [e for e, v in zip(history.epochs, history.train_loss, strict=True) if v <= 0.1]
        assert row.epochs_to_target == (hits[0] if hits else -1)
    assert seen == {(o, lr, s) for o in ("adam", "sgd") for lr in LRS for s in (0, 1)}


def test_a_sweep_on_two_workers_gives_lab_train_numbers(client, tmp_path):
    report = sweep.run(SPEC, tmp_path, client=client)
    assert (report.computed, report.already, report.failed) == (12, 0, {})
    frame = sweep.load(tmp_path)
    assert_matches_reference(frame)
    assert set(client.scheduler_info()["workers"]) and len(client.scheduler_info()["workers"]) == 2


def test_every_trial_with_seed_s_starts_from_the_same_weights(client, tmp_path):
    sweep.run(SPEC, tmp_path, client=client)
    frame = sweep.load(tmp_path)
    for seed in (0, 1):
        initial = {row.curve_train_loss[0] for row in frame[frame.seed == seed].itertuples()}
        assert len(initial) == 1  # epoch 0: the same θ₀ for every optimizer and rate
    assert (
        frame[frame.seed == 0].curve_train_loss.iloc[0][0]
        != (frame[frame.seed == 1].curve_train_loss.iloc[0][0])
    )


def test_a_stopped_sweep_resumes_to_the_uninterrupted_result(client, tmp_path):
    written = []
    first = sweep.run(SPEC, tmp_path / "resumed", client=client,
                      callback=written.append, should_stop=lambda: len(written) >= 5)  # fmt: skip
    assert first.stopped and 5 <= len(sweep.finished_ids(tmp_path / "resumed")) < 12
    kept = len(sweep.finished_ids(tmp_path / "resumed"))
    second = sweep.run(SPEC, tmp_path / "resumed", client=client)
    assert (second.already, second.computed) == (kept, 12 - kept)  # only what was missing
    sweep.run(SPEC, tmp_path / "whole", client=client)
    resumed, whole = sweep.load(tmp_path / "resumed"), sweep.load(tmp_path / "whole")
    assert resumed["trial_id"].is_unique and len(resumed) == 12
    assert resumed.drop(columns=TIMING).equals(whole.drop(columns=TIMING))
    third = sweep.run(SPEC, tmp_path / "resumed", client=client)
    assert (third.already, third.computed) == (12, 0)


def test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing(tmp_path):
    from distributed import Client, LocalCluster

    spec = sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": LRS}, seeds=2,
                           **(TINY | {"epochs": 60, "n": 400}))  # fmt: skip
    killed = []

    def kill_a_busy_worker(progress) -> None:
        if killed:
            return
        busy = {w: keys for w, keys in c.processing().items() if keys}
        worker = next(iter(busy))
        pid = c.run(os.getpid, workers=[worker])[worker]
        killed.append((pid, busy[worker]))
        os.kill(pid, signal.SIGKILL)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as c:  # fmt: skip
        report = sweep.run(spec, tmp_path, client=c, callback=kill_a_busy_worker)
    ((pid, keys_on_it),) = killed
    assert keys_on_it  # the worker died holding a trial
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert (report.computed, report.failed, report.stopped) == (12, {}, False)
    frame = sweep.load(tmp_path)
    assert sorted(frame.trial_id) == sorted(t["trial_id"] for t in spec.trials())
    assert_matches_reference(frame, epochs=60, n=400)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"optimizers": ("adam", "adamm")}, "unknown optimizer 'adamm'"),
        ({"grid": {"lr": ()}}, "lr has no values"),
        ({"grid": {"lr": (0.01, -0.1)}}, "learning rate -0.1 is not positive"),
        ({"grid": {"momentum": (0.9,)}}, "adam has no hyperparameter 'momentum'"),
        ({"seeds": ()}, "at least one seed"),
        ({"batch_size": 500}, "batch_size"),
    ],
)
def test_bad_specifications_fail_before_any_work(changes, named, tmp_path):
    spec = sweep.SweepSpec(**({"optimizers": ("adam", "sgd"), "grid": {"lr": LRS}} | TINY
                              | changes))  # fmt: skip
    with pytest.raises(sweep.SweepError, match=named):
        sweep.run(spec, tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_fails_before_any_work(monkeypatch, tmp_path):
    monkeypatch.setattr("lab.sweep.execute.CONNECT_SECONDS", 1.0)
    with pytest.raises(sweep.SweepError, match=r"scheduler: cannot reach tcp://127.0.0.1:1"):
        sweep.run(SPEC, tmp_path / "out", scheduler="tcp://127.0.0.1:1")
    monkeypatch.setenv(sweep.SCHEDULER_ENV, "tcp://127.0.0.1:2")
    with pytest.raises(sweep.SweepError, match=r"cannot reach tcp://127.0.0.1:2"):
        sweep.run(SPEC, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_of_another_sweep_is_refused(client, tmp_path):
    sweep.run(SPEC, tmp_path, client=client, should_stop=lambda: True)
    other = sweep.SweepSpec(optimizers=("adam",), grid={"lr": LRS}, seeds=2, **TINY)
    with pytest.raises(sweep.SweepError, match="another sweep"):
        sweep.run(other, tmp_path, client=client)


def test_trial_ids_follow_the_settings():
    trials = SPEC.trials()
    again = sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": list(LRS)}, seeds=[0, 1],
                            **TINY).trials()  # fmt: skip
    assert [t["trial_id"] for t in trials] == [t["trial_id"] for t in again]
    assert len({t["trial_id"] for t in trials}) == 12
    longer = sweep.SweepSpec(optimizers=("adam", "sgd"), grid={"lr": LRS}, seeds=2,
                             **(TINY | {"epochs": 6})).trials()  # fmt: skip
    assert not {t["trial_id"] for t in trials} & {t["trial_id"] for t in longer}


def test_grids_parse_as_written():
    assert sweep.parse_grid("1e-4:1:5") == (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
    assert sweep.parse_grid("0.1, 0.3") == (0.1, 0.3)
    assert np.allclose(np.diff(np.log10(sweep.parse_grid("1e-4:1:13"))), 1 / 3)
    with pytest.raises(sweep.SweepError, match="'fast'"):
        sweep.parse_grid("fast")


def test_the_command_line_runs_resumes_and_refuses(tmp_path):
    args = [sys.executable, "-m", "lab.sweep", "--optimizers", "adam,sgd", "--lr",
            "1e-3:1e-1:3", "--seeds", "2", "--epochs", "5", "--n", "100", "--hidden", "8,8",
            "--batch-size", "16", "--workers", "1", "--out", str(tmp_path)]  # fmt: skip
    root = os.path.dirname(os.path.dirname(__file__))
    first = subprocess.run(args, capture_output=True, text=True, cwd=root, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "12/12 trials" in first.stderr and "left" in first.stderr
    assert "12 trials computed, 0 already" in first.stdout
    assert_matches_reference(sweep.load(tmp_path))
    second = subprocess.run(args, capture_output=True, text=True, cwd=root, timeout=120)
    assert "0 trials computed, 12 already" in second.stdout
    bad = subprocess.run([*args[:4], "adam,nope", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, cwd=root, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "unknown optimizer 'nope'" in bad.stderr


def test_progress_estimates_the_time_left():
    progress = sweep.SweepProgress(total=60, done=20, computed=10, seconds=30.0)
    assert progress.seconds_left == 30.0 / 10 * 40
    assert sweep.SweepProgress(60, 20, 0, 0.0).seconds_left is None
    from lab.sweep.__main__ import duration, progress_line

    assert (duration(42), duration(185), duration(3720), duration(None)) == (
        "42s", "3m05s", "1h02m", "?")  # fmt: skip
    assert progress_line(progress).startswith("[##########----")
