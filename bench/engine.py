"""Benchmark the optimizer engine against torch.optim (CPU) and a plain NumPy loop.

    python bench/engine.py [--quick]

(a) batch: Adam on Rosenbrock, 100,000 points x 300 steps, final points only;
(b) single trajectory: one point x 1,000 Adam steps with the path recorded.
Each figure is the best of several runs (the machine is shared). torch is optional.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import optim

LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8


def rosenbrock_grad(p):
    """∇ of (1 − x)² + 100(y − x²)², written once for NumPy arrays and torch tensors alike."""
    x, y = p[:, 0], p[:, 1]
    r = y - x * x
    g = p.new_empty(p.shape) if hasattr(p, "new_empty") else np.empty(p.shape)
    g[:, 0] = -2 * (1 - x) - 400 * x * r
    g[:, 1] = 200 * r
    return g


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def starts(n: int) -> np.ndarray:
    return np.random.default_rng(0).uniform((-2, -1), (2, 3), size=(n, 2))


# ---------------------------------------------------------------- contenders


def numpy_plain(x0, steps):
    """Adam written out by hand on the whole array, a new array for every operation."""
    x, m, v = x0.copy(), np.zeros_like(x0), np.zeros_like(x0)
    for t in range(1, steps + 1):
        g = rosenbrock_grad(x)
        m = BETAS[0] * m + (1 - BETAS[0]) * g
        v = BETAS[1] * v + (1 - BETAS[1]) * g * g
        x = x - LR * (m / (1 - BETAS[0] ** t)) / (np.sqrt(v / (1 - BETAS[1] ** t)) + EPS)
    return x


def engine_update_loop(x0, steps):
    """optim.adam's pure ``update`` on the whole array (no blocks, no in-place buffers)."""
    opt = optim.adam(lr=LR, betas=BETAS, eps=EPS)
    x, state = x0, opt.init(x0)
    for _ in range(steps):
        updates, state = opt.update(rosenbrock_grad(x), state, x)
        x = x + updates
    return x


def engine_run(x0, steps, record):
    return optim.run(
        optim.adam(lr=LR, betas=BETAS, eps=EPS), rosenbrock_grad, x0, steps, record=record
    )


def torch_loop(torch, x0, steps, record, fused):
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=LR, betas=BETAS, eps=EPS, fused=fused)
    path = torch.empty((steps + 1, *p.shape), dtype=torch.float64) if record else None
    with torch.no_grad():
        if record:
            path[0] = p
        for k in range(steps):
            p.grad = rosenbrock_grad(p)
            opt.step()
            if record:
                path[k + 1] = p
    return p.detach()


# ---------------------------------------------------------------- table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points and repeats")
    args = parser.parse_args()
    n_batch, repeats = (20_000, 2) if args.quick else (100_000, 5)
    try:
        import torch
    except ImportError:
        torch = None

    rows = []
    batch = starts(n_batch)
    ours = best_of(lambda: engine_run(batch, 300, False), repeats)
    rows.append(("(a) batch", "optim.run (record=False)", ours, None))
    rows.append(
        (
            "(a) batch",
            "optim.adam update, whole array",
            best_of(lambda: engine_update_loop(batch, 300), repeats),
            ours,
        )
    )
    rows.append(
        (
            "(a) batch",
            "plain allocating NumPy",
            best_of(lambda: numpy_plain(batch, 300), repeats),
            ours,
        )
    )
    if torch is not None:
        rows.append(
            (
                "(a) batch",
                "torch.optim.Adam(fused=True)",
                best_of(lambda: torch_loop(torch, batch, 300, False, True), repeats),
                ours,
            )
        )
    one = starts(1)
    ours = best_of(lambda: engine_run(one, 1000, True), 3 * repeats)
    rows.append(("(b) single", "optim.run (record=True)", ours, None))
    if torch is not None:
        rows.append(
            (
                "(b) single",
                "torch.optim.Adam loop",
                best_of(lambda: torch_loop(torch, one, 1000, True, None), 3 * repeats),
                ours,
            )
        )

    print(f"Adam on Rosenbrock; (a) {n_batch:,} points x 300 steps, (b) 1 point x 1,000 steps.")
    print(f"{'case':11s} {'contender':34s} {'best time':>10s} {'ours / it':>10s}")
    for case, name, seconds, reference in rows:
        ratio = "" if reference is None else f"{reference / seconds:10.3f}"
        print(f"{case:11s} {name:34s} {seconds * 1e3:8.1f}ms {ratio:>10s}")
    if torch is None:
        print("torch not installed: no torch.optim comparison")
    else:
        print(
            f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}"
        )


if __name__ == "__main__":
    main()
