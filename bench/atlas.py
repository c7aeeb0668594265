"""Benchmark the atlas: basins of 4 optimizers on 200 x 200 starts x 500 steps, against torch.

    python bench/atlas.py [--quick] [--repeats N]

Surfaces: Himmelblau (4 minima), the typed function sin(x)·cos(y) + (x² + y²)/20 on [−6, 6]²
(10 minima Newton finds from seeds, and 3 more just outside the domain that runs reach, found
by clustering their endpoints: atlas.minima; four sin/cos a point a step), and Himmelblau typed
as text (the typed path's own cost beside the catalog's). torch tracks the minima our run
ended with, so both compute the same labels. Optimizers: GD (α = 0.01), SGD with momentum
0.9 (torch's form, so both sides compute the same numbers), RMSprop (α = 0.01, decay 0.99),
Adam (α = 0.05). Ours: ``atlas.basins`` (rows of optim.run, online reductions). torch: the same
batched computation, written as a torch user would: the same analytic gradient on a (n, 2)
float64 tensor, torch.optim (foreach; Adam fused=True), the same reductions every step (which
minimum each row sits at, since when; divergence beyond the bound freezes a row). Best of N,
contenders alternating (the machine is shared). Target: ours ≤ 3 s for each surface and at or
below torch. Also the peak memory of the largest basins setting (300² starts x 12 settings).
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import atlas
import surfaces
from atlas import Setting

STEPS, RESOLUTION = 500, 200
TYPED = "sin(x)*cos(y) + (x^2 + y^2)/20"
TYPED_HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"  # the typed path on a known function
SETTINGS = [
    Setting.of("gd", lr=0.01),
    Setting.of("sgd", lr=0.01, momentum=0.9),
    Setting.of("rmsprop", lr=0.01, alpha=0.99),
    Setting.of("adam", lr=0.05),
]


# torch's points are a (2, n) tensor: each coordinate contiguous (a (n, 2) tensor's columns
# are strided, which made torch's elementwise kernels about 20x slower here).
def himmelblau_grad(torch, p):
    x, y = p[0], p[1]
    a, b = x * x + y - 11, x + y * y - 7
    return torch.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b])


def typed_grad(torch, p):
    x, y = p[0], p[1]
    dx = torch.cos(x) * torch.cos(y) + x / 10
    return torch.stack([dx, -torch.sin(x) * torch.sin(y) + y / 10])


def torch_optimizer(torch, setting, p):
    v = dict(setting.values)
    if setting.optimizer == "gd":
        return torch.optim.SGD([p], lr=v["lr"], foreach=True)
    if setting.optimizer == "sgd":
        return torch.optim.SGD([p], lr=v["lr"], momentum=v["momentum"], foreach=True)
    if setting.optimizer == "rmsprop":
        return torch.optim.RMSprop([p], lr=v["lr"], alpha=v["alpha"], eps=1e-8, foreach=True)
    return torch.optim.Adam([p], lr=v["lr"], fused=True)


def torch_basins(torch, grad, x0, minima, tol, steps, threads):
    """Per setting: final points, labels, since, divergence steps, as atlas.basins keeps."""
    torch.set_num_threads(threads)
    centres = torch.tensor(minima, dtype=torch.float64)
    out = []
    for setting in SETTINGS:
        p = torch.tensor(x0.T, dtype=torch.float64, requires_grad=True)
        opt = torch_optimizer(torch, setting, p)
        label = torch.full((len(x0),), -2, dtype=torch.int64)
        since = torch.zeros(len(x0), dtype=torch.int64)
        diverged = torch.full((len(x0),), -1, dtype=torch.int64)
        with torch.no_grad():
            for k in range(steps + 1):
                new = torch.full_like(label, -1)
                for j in range(len(centres)):
                    d2 = (p[0] - centres[j, 0]) ** 2 + (p[1] - centres[j, 1]) ** 2
                    new = torch.where(d2 <= tol * tol, j, new)
                since = torch.where(new != label, k, since)
                label = new
                if k == steps:
                    break
                previous = p.detach().clone()
                p.grad = grad(torch, p)
                opt.step()
                left = (diverged < 0) & ~(p.abs().amax(dim=0) <= atlas.batch.BOUND)
                diverged = torch.where(left, k + 1, diverged)
                p.copy_(torch.where(diverged >= 0, previous, p))
        out.append((p.detach(), label, since, diverged))
    return out


def grid(surface):
    xs, ys = atlas.start_grid(surface.domain, RESOLUTION)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=-1)


def measure(surface, grad, torch, repeats, threads):
    tol = atlas.default_tol(surface)
    x0 = grid(surface)
    ours = []  # its results: torch tracks the minima they have (ours runs first)

    def basins():
        ours[:] = [atlas.basins(surface, SETTINGS, resolution=RESOLUTION, steps=STEPS)]

    contenders = {"atlas.basins (ours)": basins}
    if torch is not None:
        for count in sorted({1, threads}):
            contenders[f"torch.optim, {count} thread(s)"] = lambda t=count: torch_basins(
                torch, grad, x0, [(m.x, m.y) for m in ours[0].minima], tol, STEPS, t
            )
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, len(ours[0].minima)


def peak_memory_mb():
    """tracemalloc's peak over basins at the largest resolution (300) with 12 settings, 20 steps
    (memory does not grow with the steps: nothing per step is kept)."""
    surface = surfaces.SURFACES["himmelblau"]
    tracemalloc.start()
    atlas.basins(surface, SETTINGS * 3, resolution=300, steps=20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20, atlas.memory_estimate(300 * 300 * 12) / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many rounds")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    try:
        import torch
    except ImportError:
        torch = None
    threads = None if torch is None else torch.get_num_threads()
    print(
        f"basins: {RESOLUTION}x{RESOLUTION} starts x {STEPS} steps x {len(SETTINGS)} optimizers "
        f"(GD, SGD momentum, RMSprop, Adam), float64, best of {repeats}"
    )
    print(f"{'surface':28s} {'minima':>6s} {'contender':26s} {'time':>8s} {'ours/torch':>10s}")
    cases = [
        ("himmelblau", surfaces.SURFACES["himmelblau"], himmelblau_grad),
        (TYPED, surfaces.parse(TYPED, domain=((-6, 6), (-6, 6))), typed_grad),
        (
            "Himmelblau, typed",
            surfaces.parse(TYPED_HIMMELBLAU, domain=surfaces.SURFACES["himmelblau"].domain),
            himmelblau_grad,
        ),
    ]
    for name, surface, grad in cases:
        best, count = measure(surface, grad, torch, repeats, threads)
        ours = best["atlas.basins (ours)"]
        fastest_torch = min((v for k, v in best.items() if k.startswith("torch")), default=None)
        for contender, seconds in best.items():
            ratio = (
                "" if contender.startswith("atlas") or torch is None else f"{ours / seconds:10.2f}"
            )
            print(f"{name:28s} {count:6d} {contender:26s} {seconds:7.2f}s {ratio:>10s}")
        if fastest_torch is not None:
            print(f"{name:28s} ours / fastest torch: {ours / fastest_torch:.2f}")
    peak, estimate = peak_memory_mb()
    print(
        f"peak memory, 300x300 starts x 12 settings: {peak:.0f} MB measured "
        f"(estimate {estimate:.0f} MB, limit {atlas.MEMORY_LIMIT / 2**20:.0f} MB)"
    )
    if torch is None:
        print("torch not installed: no torch.optim comparison")
    else:
        print(f"torch {torch.__version__} ({threads} threads by default), numpy {np.__version__}")


if __name__ == "__main__":
    main()
