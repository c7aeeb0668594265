"""Training-lab benchmark: our NumPy network and loop against the same in PyTorch on the CPU.

Five optimizers × 200 epochs on 2,000 two-moons training points (500 more held out), the
article's 2-25-50-50-25-1 ReLU network, mini-batches of 64; every epoch ends with the loss and
accuracy on both splits, as the page shows them. The PyTorch loop is given the same initial
weights, the same batches in the same order and the matching torch.optim optimizers, so its
final losses should agree with ours (exactly so in float64, up to rounding).

    python bench/lab.py [--epochs 200] [--points 2000] [--batch 64] [--threads N]

Ours runs in float64 (the precision the optim engine and the finite-difference tests use);
PyTorch runs in float32 (its default) and float64. Goal: ours / torch ≤ 1.0.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import optim
from lab import MLP, batch_slices, make_dataset, train

# (label, our optimizer, torch.optim class name, its keyword arguments): the same rule twice
CONTENDERS = [
    ("SGD", optim.sgd(lr=0.1), "SGD", {"lr": 0.1}),
    ("SGD momentum", optim.sgd(lr=0.05, momentum=0.9), "SGD", {"lr": 0.05, "momentum": 0.9}),
    ("RMSprop", optim.rmsprop(lr=1e-3), "RMSprop", {"lr": 1e-3}),
    ("Adam", optim.adam(lr=1e-3), "Adam", {"lr": 1e-3}),
    ("AdamW", optim.adamw(lr=1e-3), "AdamW", {"lr": 1e-3}),
]
SEED = 0


def ours(network, data, epochs, batch_size):
    start = time.perf_counter()
    result = train(
        network, data, [c[:2] for c in CONTENDERS], epochs=epochs, batch_size=batch_size, seed=SEED
    )
    seconds = time.perf_counter() - start
    return seconds, {h.label: (h.train_loss[-1], h.test_accuracy[-1]) for h in result.histories}


def pytorch(torch, dtype, network, data, epochs, batch_size):
    """The same experiment in PyTorch: nn.Sequential, BCEWithLogitsLoss, torch.optim."""
    nn = torch.nn
    theta0 = network.init(SEED)
    x_train, y_train, x_test, y_test = (torch.as_tensor(a, dtype=dtype) for a in data)
    # the shuffles lab.train draws: one permutation per epoch, shared by all optimizers
    shuffle = np.random.default_rng([SEED, 1])
    orders = [torch.as_tensor(shuffle.permutation(len(y_train))) for _ in range(epochs)]
    batches = batch_slices(len(y_train), batch_size)
    loss_fn = nn.BCEWithLogitsLoss()
    finals, start = {}, time.perf_counter()
    for label, _, name, kwargs in CONTENDERS:
        layers = []
        for w, b in network.unflatten(theta0):
            linear = nn.Linear(*w.shape, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.as_tensor(w.T))
                linear.bias.copy_(torch.as_tensor(b))
            layers += [linear, nn.ReLU()]
        model = nn.Sequential(*layers[:-1])
        opt = getattr(torch.optim, name)(model.parameters(), **kwargs)
        for order in orders:
            x, y = x_train[order], y_train[order]
            for batch in batches:
                opt.zero_grad()
                loss_fn(model(x[batch])[:, 0], y[batch]).backward()
                opt.step()
            with torch.no_grad():
                z_train, z_test = model(x_train)[:, 0], model(x_test)[:, 0]
                train_loss = loss_fn(z_train, y_train).item()
                test_loss = loss_fn(z_test, y_test).item()
                train_acc = ((z_train > 0) == (y_train > 0.5)).double().mean().item()
                test_acc = ((z_test > 0) == (y_test > 0.5)).double().mean().item()
        finals[label] = (train_loss, test_acc)
        del test_loss, train_acc  # computed each epoch as ours are; only the last kept
    return time.perf_counter() - start, finals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--points", type=int, default=2000, help="training points")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: its own)"
    )
    args = parser.parse_args()

    n = round(args.points / 0.8)
    data = make_dataset("moons", n=n, seed=SEED, test_fraction=(n - args.points) / n)
    network = MLP()
    steps = len(CONTENDERS) * args.epochs * len(batch_slices(args.points, args.batch))
    print(
        f"{len(CONTENDERS)} optimizers × {args.epochs} epochs, {args.points} training points, "
        f"network {network} ({network.n_params} weights), batch {args.batch}: {steps} steps"
    )

    ours(network, data, 1, args.batch)  # warm-up runs, untimed, so both are measured warm
    rows = [("ours (NumPy, float64)", *ours(network, data, args.epochs, args.batch))]
    try:
        import torch
    except ImportError:
        print("torch not installed: only our time is shown")
        torch = None
    if torch is not None:
        if args.threads:
            torch.set_num_threads(args.threads)
        for dtype in (torch.float32, torch.float64):
            pytorch(torch, dtype, network, data, 1, args.batch)
            label = f"torch {torch.__version__} CPU, {str(dtype).removeprefix('torch.')}"
            rows.append((label, *pytorch(torch, dtype, network, data, args.epochs, args.batch)))
        print(f"torch threads: {torch.get_num_threads()}")

    print()
    print(f"| {'implementation':34} | {'seconds':>8} | {'µs / step':>9} | {'ours / this':>11} |")
    print(f"|{'-' * 36}|{'-' * 10}:|{'-' * 10}:|{'-' * 12}:|")
    for label, seconds, _ in rows:
        print(
            f"| {label:34} | {seconds:8.2f} | {seconds / steps * 1e6:9.1f} | "
            f"{rows[0][1] / seconds:11.2f} |"
        )

    print()
    print("final training loss / test accuracy per optimizer (same weights, same batches):")
    print(f"| {'optimizer':14} | " + " | ".join(f"{label[:24]:>24}" for label, *_ in rows) + " |")
    print(f"|{'-' * 16}|" + "|".join(f"{'-' * 25}:" for _ in rows) + "|")
    for label, *_ in CONTENDERS:
        cells = [f"{finals[label][0]:.5f} / {finals[label][1]:.1%}" for *_, finals in rows]
        print(f"| {label:14} | " + " | ".join(f"{c:>24}" for c in cells) + " |")


if __name__ == "__main__":
    main()
