"""Loss-landscape benchmark: one plane grid of the training loss, ours against PyTorch on the CPU.

A 41 × 41 grid (1,681 weight vectors) on a filter-normalized plane through the initial weights
of the article's 2-25-50-50-25-1 ReLU network, the loss on 1,000 two-moons points at every grid
point. Ours: ``lab.landscape.grid`` (chunks of weight vectors through ``MLP.batch_loss``, one
stacked product per layer). PyTorch: the same chunks through torch.baddbmm per layer and
BCE-with-logits, float64 and float32. A Python loop over the grid points (``MLP.loss`` each) is
the baseline batching is meant to beat. Goal: ours ≤ 2 s and ours / torch float64 ≤ 1.0.

    python bench/landscape.py [--grid 41] [--points 1000] [--threads 1] [--repeats 3]

Also measures what the Training lab keeps for the landscape: 6 optimizers × 200 epochs with
``lab.train(keep_path=200)`` (201 weight vectors each, float32 offsets from the shared θ₀,
``lab.paths``; goal ≤ 50 MB), the worst read-back error ‖θ̃ − θ‖ / ‖θ − θ₀‖ (bound 2⁻²⁴) and the
off-plane share of the kept solutions on the plane through them (≈ 0); and one Hessian-vector
product, exact (``lab.hessian``) against central differences of two gradients.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", type=int, default=41, help="points per side")
    parser.add_argument("--points", type=int, default=1000, help="data points")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many timings")
    return parser.parse_args()


ARGS = parse_args()
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(ARGS.threads))  # before NumPy loads

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import optim  # noqa: E402
from lab import MLP, Plane, directions, hessian, landscape, make_dataset, train  # noqa: E402
from lab.paths import PRECISION  # noqa: E402

KEPT_OPTIMIZERS = (  # six optimizers, 200 epochs each, as the lab's page keeps them
    ("SGD", optim.sgd(lr=0.05)),
    ("Momentum", optim.sgd(lr=0.05, momentum=0.9)),
    ("Nesterov", optim.sgd(lr=0.05, momentum=0.9, nesterov=True)),
    ("RMSProp", optim.rmsprop(lr=1e-3)),
    ("Adam", optim.adam(lr=1e-3)),
    ("AdamW", optim.adamw(lr=1e-3)),
)


def best_of(repeats: int, run) -> tuple[float, np.ndarray]:
    """The shortest wall-clock time of ``repeats`` runs and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def torch_grid(torch, dtype, network, plane, coords, x, y, chunk):
    """The grid's losses in PyTorch: per chunk of k weight vectors, baddbmm per layer."""
    xs, ys = torch.as_tensor(x, dtype=dtype), torch.as_tensor(y, dtype=dtype)
    out = []
    with torch.no_grad():
        for start in range(0, len(coords), chunk):
            thetas = torch.as_tensor(plane.points(coords[start : start + chunk]), dtype=dtype)
            k = len(thetas)
            a = xs.expand(k, *xs.shape)
            for i, lay in enumerate(network.layers):
                w = thetas[:, lay.weights].reshape(k, *lay.shape)
                a = torch.baddbmm(thetas[:, None, lay.biases], a, w)
                if i < len(network.layers) - 1:
                    a = torch.relu(a)
            z = a[:, :, 0]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                z, ys.expand(k, -1), reduction="none"
            )
            out.append(loss.mean(dim=1))
    return torch.cat(out).double().numpy()


def main() -> None:
    network = MLP()
    data = make_dataset("moons", n=ARGS.points, seed=0)
    x, y = data.x, data.y
    centre = network.init(0)
    plane = Plane(centre, *directions.filter_normalized(centre, network, seed=0))
    side = np.linspace(-1, 1, ARGS.grid)
    a, b = np.meshgrid(side, side)
    coords = np.column_stack([a.ravel(), b.ravel()])
    print(
        f"{ARGS.grid} × {ARGS.grid} grid, {len(x)} points, network {network}, "
        f"{network.n_params} weights, {ARGS.threads} thread(s)"
    )

    rows = {}
    rows["ours (NumPy float64, batched)"] = best_of(
        ARGS.repeats, lambda: landscape.grid(network, plane, side, side, x, y).ravel()
    )
    reference = rows["ours (NumPy float64, batched)"][1]
    rows["ours, a loop over grid points"] = best_of(
        1, lambda: np.array([network.loss(t, x, y) for t in plane.points(coords)])
    )
    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed: only our times are shown")
    if torch is not None:
        torch.set_num_threads(ARGS.threads)
        chunk = landscape._chunk(network, x)
        for dtype in (torch.float64, torch.float32):
            name = f"torch {torch.__version__} CPU {str(dtype).removeprefix('torch.')}"
            rows[name] = best_of(
                ARGS.repeats,
                lambda dtype=dtype: torch_grid(torch, dtype, network, plane, coords, x, y, chunk),
            )
    ours = rows["ours (NumPy float64, batched)"][0]
    print(f"\n{'implementation':<34} {'seconds':>8} {'ours / it':>10} {'max |Δloss|':>12}")
    for name, (seconds, values) in rows.items():
        diff = np.max(np.abs(values - reference))
        print(f"{name:<34} {seconds:8.3f} {ours / seconds:10.2f} {diff:12.2e}")
    kept_paths(network)
    curvature(network, data)


def kept_paths(network: MLP) -> None:
    """Memory and read-back error of 6 optimizers × 200 epochs kept (full batch, 200 points:
    the memory does not depend on the data)."""
    data = make_dataset("moons", n=200, seed=0)
    histories = train(network, data, KEPT_OPTIMIZERS, epochs=200, keep_path=200).histories
    origin = histories[0].path.origin
    stored = sum(h.path.nbytes for h in histories) + origin.nbytes
    float64 = sum(len(h.path) for h in histories) * network.n_params * 8
    error = max(
        np.linalg.norm(h.path[-1] - h.params) / np.linalg.norm(h.params - origin) for h in histories
    )
    a, b = histories[0].path[-1], histories[-1].path[-1]
    plane = Plane(origin, *directions.through(origin, a, b))
    share = max(plane.project(np.stack([a, b]))[2])
    counts = "/".join(str(n) for n in sorted({len(h.path) for h in histories}))
    print(
        f"\nkept paths, {len(histories)} optimizers × {counts} weight vectors: "
        f"{stored / 1e6:.1f} MB (float64 would be {float64 / 1e6:.1f} MB; goal ≤ 50 MB)"
        f"\nworst read-back error ‖θ̃ − θ‖ / ‖θ − θ₀‖ at a solution: {error:.2e} "
        f"(bound 2⁻²⁴ = {PRECISION:.2e})"
        f"\noff-plane share of the two kept solutions on the plane through them: {share:.1e}"
    )


def curvature(network: MLP, data) -> None:
    """One Hessian-vector product at θ₀ on the training split along a unit v: exact against
    central differences of the backprop gradient (h = 10⁻⁵), time and largest difference."""
    x, y = data.x_train, data.y_train
    theta = network.init(0)
    v = np.random.default_rng(1).standard_normal(network.n_params)
    v /= np.linalg.norm(v)  # a unit step h: larger ones cross ReLU kinks (h = 10⁻³ is off ×7)
    h = 1e-5

    def central() -> np.ndarray:
        plus = network.loss_and_grad(theta + h * v, x, y)[1]
        return (plus - network.loss_and_grad(theta - h * v, x, y)[1]) / (2 * h)

    exact_s, exact = best_of(ARGS.repeats, lambda: hessian.hessian_vector(network, theta, v, x, y))
    central_s, approx = best_of(ARGS.repeats, central)
    diff = np.max(np.abs(exact - approx)) / np.max(np.abs(exact))
    print(
        f"\nHessian-vector product on {len(x)} points: exact {exact_s * 1e3:.1f} ms, "
        f"central differences {central_s * 1e3:.1f} ms, max relative difference {diff:.1e}"
    )


if __name__ == "__main__":
    main()
