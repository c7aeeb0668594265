"""Per-optimizer cost in the batched path: every registry optimizer (2-D defaults) steps
N points on Rosenbrock through ``optim.run`` (final points only, as the Atlas steps them).

    python bench/optimizers.py [--points N] [--steps S] [--repeats R]

Prints the time per step and its ratio to Adam's, both with Adam's fused form (what ``run``
uses for Adam) and with Adam's plain ``update`` (the same kind of code the newer optimizers
run). Each figure is the best of R rounds (the machine is shared).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import optim


def rosenbrock_grad(p):
    x, y = p[:, 0], p[:, 1]
    r = y - x * x
    return np.stack([-2 * (1 - x) - 400 * x * r, 200 * r], axis=-1)


def seconds_per_step(opt, x0, steps, repeats) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        optim.run(opt, rosenbrock_grad, x0, steps, record=False)
        best = min(best, time.perf_counter() - start)
    return best / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    x0 = np.random.default_rng(0).uniform((-2, -1), (2, 3), size=(args.points, 2))
    adam = optim.OPTIMIZERS["adam"].build()
    fused = seconds_per_step(adam, x0, args.steps, args.repeats)
    plain = seconds_per_step(adam._replace(fused=None), x0, args.steps, args.repeats)
    print(f"{args.points:,} points x {args.steps} steps, Rosenbrock, record=False")
    print(f"{'optimizer':<22}{'ms/step':>9}{'/ Adam fused':>14}{'/ Adam update':>15}")
    for name, spec in optim.OPTIMIZERS.items():
        t = seconds_per_step(spec.build(), x0, args.steps, args.repeats)
        print(f"{name:<22}{1e3 * t:>9.3f}{t / fused:>14.2f}{t / plain:>15.2f}")


if __name__ == "__main__":
    main()
