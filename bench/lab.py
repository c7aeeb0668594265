"""Training-lab benchmark: our NumPy network and loop against the same in PyTorch on the CPU.

Five optimizers × 200 epochs on 2,000 two-moons training points (500 more held out), the
article's 2-25-50-50-25-1 ReLU network, mini-batches of 64; every epoch ends with the loss and
accuracy on both splits, as the page shows them. The PyTorch loop is given the same initial
weights, the same batches in the same order and the matching torch.optim optimizers, so its
final losses should agree with ours (exactly so in float64, up to rounding).

    python bench/lab.py [--epochs 200] [--points 2000] [--batch 64] [--threads 1]

Ours runs in float64 (the precision the optim engine and the finite-difference tests use);
PyTorch runs in float32 (its default) and float64. Each optimizer is run by every
implementation in turn, so changes in the machine's load fall on all alike; wall-clock and
process CPU seconds are both reported (CPU time counts every thread). Goal: ours / torch ≤ 1.0.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from functools import partial


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--points", type=int, default=2000, help="training points")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads")
    return parser.parse_args()


ARGS = parse_args()
# Before NumPy loads: OpenBLAS reads its thread count once. One thread each by default, as
# per-call overhead, not arithmetic, dominates a network this small, and spare threads only
# spin when other processes share the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(ARGS.threads))

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import optim  # noqa: E402
from lab import MLP, batch_slices, make_dataset, train  # noqa: E402

# (label, our optimizer, torch.optim class name, its keyword arguments): the same rule twice
CONTENDERS = [
    ("SGD", optim.sgd(lr=0.1), "SGD", {"lr": 0.1}),
    ("SGD momentum", optim.sgd(lr=0.05, momentum=0.9), "SGD", {"lr": 0.05, "momentum": 0.9}),
    ("RMSprop", optim.rmsprop(lr=1e-3), "RMSprop", {"lr": 1e-3}),
    ("Adam", optim.adam(lr=1e-3), "Adam", {"lr": 1e-3}),
    ("AdamW", optim.adamw(lr=1e-3), "AdamW", {"lr": 1e-3}),
]
SEED = 0


class Clock:
    """Wall-clock and process CPU seconds spent inside ``with clock:`` blocks, summed."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self._start = (time.perf_counter(), time.process_time())

    def __exit__(self, *exc) -> None:
        self.wall += time.perf_counter() - self._start[0]
        self.cpu += time.process_time() - self._start[1]


def ours(contender, network, data, epochs, batch_size):
    """lab.train with one optimizer: its final training loss and test accuracy."""
    label, opt, *_ = contender
    (history,) = train(
        network, data, [(label, opt)], epochs=epochs, batch_size=batch_size, seed=SEED
    ).histories
    return history.train_loss[-1], history.test_accuracy[-1]


def pytorch(torch, dtype, contender, network, data, epochs, batch_size):
    """The same experiment in PyTorch: nn.Sequential, BCEWithLogitsLoss, a torch.optim class,
    the same initial weights and the batches lab.train draws (one permutation per epoch)."""
    nn = torch.nn
    _, _, name, kwargs = contender
    x_train, y_train, x_test, y_test = (torch.as_tensor(a, dtype=dtype) for a in data)
    shuffle = np.random.default_rng([SEED, 1])
    batches = batch_slices(len(y_train), batch_size)
    layers = []
    for w, b in network.unflatten(network.init(SEED)):
        linear = nn.Linear(*w.shape, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(w.T))
            linear.bias.copy_(torch.as_tensor(b))
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    loss_fn = nn.BCEWithLogitsLoss()
    opt = getattr(torch.optim, name)(model.parameters(), **kwargs)
    for _ in range(epochs):
        order = torch.as_tensor(shuffle.permutation(len(y_train)))
        x, y = x_train[order], y_train[order]
        for batch in batches:
            opt.zero_grad()
            loss_fn(model(x[batch])[:, 0], y[batch]).backward()
            opt.step()
        with torch.no_grad():  # the per-epoch scores the page shows, as lab.train computes them
            z_train, z_test = model(x_train)[:, 0], model(x_test)[:, 0]
            train_loss = loss_fn(z_train, y_train).item()
            loss_fn(z_test, y_test).item()
            ((z_train > 0) == (y_train > 0.5)).double().mean().item()
            test_accuracy = ((z_test > 0) == (y_test > 0.5)).double().mean().item()
    return train_loss, test_accuracy


def main() -> None:
    args = ARGS

    n = round(args.points / 0.8)
    data = make_dataset("moons", n=n, seed=SEED, test_fraction=(n - args.points) / n)
    network = MLP()
    steps = len(CONTENDERS) * args.epochs * len(batch_slices(args.points, args.batch))
    print(
        f"{len(CONTENDERS)} optimizers × {args.epochs} epochs, {args.points} training points, "
        f"network {network} ({network.n_params} weights), batch {args.batch}: {steps} steps"
    )

    try:
        import torch
    except ImportError:
        print("torch not installed: only our time is shown")
        torch = None
    runners = {"ours (NumPy, float64)": ours}
    if torch is not None:
        torch.set_num_threads(args.threads)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        for dtype in (torch.float32, torch.float64):
            name = f"torch CPU {str(dtype).removeprefix('torch.')}"
            runners[name] = partial(pytorch, torch, dtype)

    # Each optimizer runs on every implementation in turn, so a change in the machine's load
    # (other processes) falls on all of them alike; one untimed warm-up epoch each first.
    clocks = {name: Clock() for name in runners}
    finals = {name: {} for name in runners}
    for run in runners.values():
        run(CONTENDERS[0], network, data, 1, args.batch)
    for contender in CONTENDERS:
        for name, run in runners.items():
            with clocks[name]:
                finals[name][contender[0]] = run(contender, network, data, args.epochs, args.batch)
    rows = [(name, clocks[name], finals[name]) for name in runners]

    print()
    ours_clock = rows[0][1]
    print(f"| {'implementation':24} | wall s | CPU s | µs / step | ours / this (wall) | (CPU) |")
    print(f"|{'-' * 26}|-------:|------:|----------:|-------------------:|------:|")
    for label, clock, _ in rows:
        per_step = clock.wall / steps * 1e6
        print(
            f"| {label:24} | {clock.wall:6.1f} | {clock.cpu:5.1f} | {per_step:9.0f} "
            f"| {ours_clock.wall / clock.wall:18.2f} | {ours_clock.cpu / clock.cpu:5.2f} |"
        )

    print()
    print("final training loss / test accuracy per optimizer (same weights, same batches):")
    print(f"| {'optimizer':14} | " + " | ".join(f"{label[:24]:>24}" for label, *_ in rows) + " |")
    print(f"|{'-' * 16}|" + "|".join(f"{'-' * 25}:" for _ in rows) + "|")
    for label, *_ in CONTENDERS:
        cells = [f"{final[label][0]:.5f} / {final[label][1]:.1%}" for *_, final in rows]
        print(f"| {label:14} | " + " | ".join(f"{c:>24}" for c in cells) + " |")


if __name__ == "__main__":
    main()
