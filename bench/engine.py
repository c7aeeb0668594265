"""Benchmark the optimizer engine against torch.optim (CPU) and a plain NumPy loop.

    python bench/engine.py [--quick] [--repeats N]

(a) batch: Adam on Rosenbrock, 100,000 points x 300 steps, final points only (torch's loop
    also with the per-step divergence check optim.run always makes: the same computation);
(b) single trajectory: one point x 1,000 Adam steps with the path recorded;
(c) batch RMSprop (no fused form: its reference update on the whole array), as (a);
(d) every optimizer of optim.OPTIMIZERS (2-D defaults) on 100,000 points of a coupled bowl,
final points only, its time per step as a ratio to Adam's in the same rounds: Adam as ``run``
steps it (its fused form, one share of the points per core) and Adam's plain ``update`` (one
thread, the kind of code every other optimizer runs).
In (a)-(c) every contender uses the same analytic gradient (written once, run on NumPy arrays
or torch tensors); all in float64. Each figure is the best of several runs (the machine is
shared): one run of each contender a round for (a), five for (b).
torch is optional: without it the table says so and compares NumPy contenders only.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import optim

LR, BETAS, EPS, RMS_ALPHA = 1e-3, (0.9, 0.999), 1e-8, 0.99
BATCH_STEPS, SINGLE_STEPS, PER_OPTIMIZER_STEPS = 300, 1000, 50


def fill_rosenbrock_grad(p, g):
    """Write ∇[(1 − x)² + 100(y − x²)²] at the points p (n, 2) into g; NumPy or torch."""
    x, y = p[:, 0], p[:, 1]
    r = y - x * x
    g[:, 0] = -2 * (1 - x) - 400 * x * r
    g[:, 1] = 200 * r
    return g


def numpy_grad(p):
    return fill_rosenbrock_grad(p, np.empty_like(p))


def bowl_grad(p):
    """∇ of the coupled bowl J = ½θᵀAθ − bᵀθ, A = [[3, 1.2], [1.2, 1]], b = (1, −0.5) (the
    registry's defaults are tested not to diverge on it), written per coordinate."""
    x, y = p[:, 0], p[:, 1]
    g = np.empty_like(p)
    g[:, 0] = 3.0 * x + 1.2 * y - 1.0
    g[:, 1] = 1.2 * x + y + 0.5
    return g


def bowl_hvp(p, v):
    """A·v for the bowl (SophiaH asks for Hessian-vector products)."""
    return bowl_grad(v) + np.array([1.0, -0.5])


def starts(n: int) -> np.ndarray:
    return np.random.default_rng(0).uniform((-2, -1), (2, 3), size=(n, 2))


def best_times(contenders: dict, repeats: int, runs: dict | None = None) -> dict:
    """Best wall time of each contender over ``repeats`` rounds; every round runs each of them
    ``runs.get(name, 1)`` times in a row, so a burst of load on the shared machine hits all of
    them alike (and a short run, whose best is the most easily spoiled, gets more samples)."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeats):
        for name, fn in contenders.items():
            for _ in range((runs or {}).get(name, 1)):
                start = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - start)
    return best


# ---------------------------------------------------------------- contenders


def numpy_plain(x0, steps):
    """Adam written out by hand on the whole array, a new array for every operation."""
    x, m, v = x0.copy(), np.zeros_like(x0), np.zeros_like(x0)
    for t in range(1, steps + 1):
        g = numpy_grad(x)
        m = BETAS[0] * m + (1 - BETAS[0]) * g
        v = BETAS[1] * v + (1 - BETAS[1]) * g * g
        x = x - LR * (m / (1 - BETAS[0] ** t)) / (np.sqrt(v / (1 - BETAS[1] ** t)) + EPS)
    return x


def engine_update_loop(x0, steps):
    """optim.adam's pure ``update`` on the whole array (the readable reference form)."""
    opt = optim.adam(lr=LR, betas=BETAS, eps=EPS)
    x, state = x0, opt.init(x0)
    for _ in range(steps):
        updates, state = opt.update(numpy_grad(x), state, x)
        x = x + updates
    return x


def engine_run(x0, steps, record, opt=None):
    opt = opt or optim.adam(lr=LR, betas=BETAS, eps=EPS)
    return optim.run(opt, numpy_grad, x0, steps, record=record)


def torch_loop(torch, x0, steps, record, fused=None, threads=None, rmsprop=False, checked=False):
    """The loop a torch user writes: set p.grad from the analytic gradient, opt.step(). With
    ``checked``, also what optim.run does every step: is every coordinate finite and within the
    bound (a NaN fails the comparison)? Without it, a diverging point goes unnoticed."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads or previous)
    try:
        p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        if rmsprop:
            opt = torch.optim.RMSprop([p], lr=LR, alpha=RMS_ALPHA, eps=EPS)
        else:
            opt = torch.optim.Adam([p], lr=LR, betas=BETAS, eps=EPS, fused=fused)
        path = torch.empty((steps + 1, *p.shape), dtype=torch.float64) if record else None
        with torch.no_grad():
            if record:
                path[0] = p
            for k in range(steps):
                p.grad = fill_rosenbrock_grad(p, torch.empty_like(p))
                opt.step()
                if checked and not bool(p.abs().amax() <= 1e6):
                    raise FloatingPointError("a point left the bound")  # never, here
                if record:
                    path[k + 1] = p
        return p.detach()
    finally:
        torch.set_num_threads(previous)


# ---------------------------------------------------------------- table


def measure(n_batch: int, repeats: int, torch) -> list[tuple[str, str, float, float | None]]:
    """Rows (case, contender, seconds, our seconds for the ratio) of the table."""
    batch, one = starts(n_batch), starts(1)
    contenders = {
        ("(a) batch", "optim.run(record=False)"): lambda: engine_run(batch, BATCH_STEPS, False),
        ("(a) batch", "optim.adam update loop"): lambda: engine_update_loop(batch, BATCH_STEPS),
        ("(a) batch", "plain allocating NumPy"): lambda: numpy_plain(batch, BATCH_STEPS),
        ("(b) single", "optim.run(record=True)"): lambda: engine_run(one, SINGLE_STEPS, True),
        ("(c) rmsprop", "optim.run(record=False)"): lambda: engine_run(
            batch, BATCH_STEPS, False, optim.rmsprop(lr=LR, alpha=RMS_ALPHA, eps=EPS)
        ),
    }
    if torch is not None:
        for count in sorted({torch.get_num_threads(), 1}, reverse=True):
            contenders["(a) batch", f"torch Adam(fused=True), {count} thr"] = lambda c=count: (
                torch_loop(torch, batch, BATCH_STEPS, False, True, c)
            )
        threads = torch.get_num_threads()
        contenders["(a) batch", f"same + bound check, {threads} thr"] = lambda: torch_loop(
            torch, batch, BATCH_STEPS, False, True, threads, checked=True
        )
        contenders["(b) single", "torch Adam loop on a (1, 2) tensor"] = lambda: torch_loop(
            torch, one, SINGLE_STEPS, True
        )
        contenders["(c) rmsprop", "torch RMSprop (foreach), 1 thr"] = lambda: torch_loop(
            torch, batch, BATCH_STEPS, False, None, 1, rmsprop=True
        )
    # (b) takes 10-100 ms a run: five runs a round for both contenders alike.
    best = best_times(contenders, repeats, {key: 5 for key in contenders if key[0] == "(b) single"})
    ours = {case: seconds for (case, name), seconds in best.items() if name.startswith("optim.run")}
    return sorted(
        ((case, name, seconds, None if name.startswith("optim.run") else ours[case])
         for (case, name), seconds in best.items()),
        key=lambda row: (row[0], row[3] is not None),
    )  # fmt: skip


def per_optimizer(n_points: int, steps: int, repeats: int) -> list[tuple]:
    """(name, seconds per step, ratio to Adam's as run steps it, ratio to Adam's update, share
    of points diverged) for every registry optimizer with its 2-D defaults on the bowl from
    ``n_points`` starts in [−3, 3]², final points only. The bowl, not Rosenbrock: there the
    2-D defaults of several optimizers diverge, and freezing diverged points costs time too."""
    x0 = np.random.default_rng(0).uniform(-3, 3, size=(n_points, 2))

    def stepping(opt):
        return lambda: optim.run(opt, bowl_grad, x0, steps, record=False, hvp_fn=bowl_hvp)

    contenders = {name: stepping(spec.build()) for name, spec in optim.OPTIMIZERS.items()}
    contenders["adam update"] = stepping(optim.OPTIMIZERS["adam"].build()._replace(fused=None))
    best = best_times(contenders, repeats)
    adam, update = best.pop("adam"), best.pop("adam update")
    rows = []
    for name, seconds in [("adam", adam), *best.items()]:
        diverged = np.mean(contenders[name]().diverged_at >= 0)
        rows.append((name, seconds / steps, seconds / adam, seconds / update, diverged))
    return rows


def print_per_optimizer(n_points: int, steps: int, repeats: int) -> None:
    print(
        f"(d) every optimizer, 2-D defaults: {n_points:,} points x {steps} steps on the coupled"
        f" bowl, final points only. Best of {repeats}."
    )
    print(
        f"{'optimizer':<22}{'ms/step':>9}{'/ Adam (run)':>14}{'/ Adam update':>15}{'diverged':>10}"
    )
    for name, seconds, to_adam, to_update, diverged in per_optimizer(n_points, steps, repeats):
        print(f"{name:<22}{1e3 * seconds:>9.3f}{to_adam:>14.2f}{to_update:>15.2f}{diverged:>10.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 points, 2 rounds")
    parser.add_argument("--repeats", type=int, default=5, help="best of this many rounds")
    args = parser.parse_args()
    n_batch, repeats = (20_000, 2) if args.quick else (100_000, args.repeats)
    try:
        import torch
    except ImportError:
        torch = None

    print(
        f"Adam on Rosenbrock, float64: (a) {n_batch:,} points x {BATCH_STEPS} steps, final "
        f"points only; (b) 1 point x {SINGLE_STEPS:,} steps, path recorded. Best of {repeats}."
    )
    print(f"{'case':11s} {'contender':36s} {'time':>10s} {'ours / it':>10s}")
    for case, name, seconds, ours in measure(n_batch, repeats, torch):
        ratio = "" if ours is None else f"{ours / seconds:10.3f}"
        print(f"{case:11s} {name:36s} {seconds * 1e3:8.1f}ms {ratio:>10s}")
    if torch is None:
        print("torch not installed: no torch.optim comparison")
    else:
        print(f"torch {torch.__version__}, numpy {np.__version__}")
    print()
    print_per_optimizer(n_batch, PER_OPTIMIZER_STEPS, repeats)


if __name__ == "__main__":
    main()
