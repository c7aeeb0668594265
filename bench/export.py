"""How fast viz.export renders a race to GIF and WebP, and how big the files are.

    python bench/export.py                           # the table
    python bench/export.py --gif docs/race.gif       # also write the default race's GIF

Races are built as the Playground builds them (registry defaults for 2-D surfaces, the
surface's start, the palette's colours, the chart's background). Goals from issue 17:
300 frames at 800 × 600 in at most 5 s; a 4-run Rosenbrock race at most 4 MB as GIF and
1.5 MB as WebP (default width, 800 px). Times are the median of three renders.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optim
import surfaces
from ui.controls import SURFACE_FIELD, run_label
from viz.background import surface_background
from viz.export import animation_bytes
from viz.trajectory import PALETTE, Trajectory, trajectory_figure

RUNS = ("gd", "momentum", "rmsprop", "adam")  # the Playground's default runs
GOALS = {"time": 5.0, "gif": 4.0, "webp": 1.5}  # s, MB, MB


def race(surface_name: str, steps: int) -> dict:
    """The Playground's chart of its four default runs on a surface."""
    surface = surfaces.SURFACES[surface_name]
    runs = []
    for color, name in zip(PALETTE, RUNS, strict=False):
        spec = optim.OPTIMIZERS[name]
        result = optim.run(
            spec.build(), surface.grad, np.array([surface.start]), steps, value_fn=surface
        )
        label = run_label(name, spec.defaults().items())
        runs.append(
            Trajectory(label, color, result.path[:, 0], result.values[:, 0],
                       int(result.diverged_at[0]))
        )  # fmt: skip
    background = surface_background(surface, 160, 90)
    return trajectory_figure(surface, runs, background=background, max_frames=300)


def timed(figure: dict, fmt: str, **size) -> tuple[float, int]:
    """Median seconds of three renders, and the file's bytes."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        data = animation_bytes(figure, fmt, **size)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(data)


def main() -> None:
    rows = []
    # 2000 steps: gradient descent is still crawling along the valley, so all 300 frames play
    long_race = race("rosenbrock", 2000)
    for fmt in ("gif", "webp"):
        seconds, size = timed(long_race, fmt, width=800, height=600)
        frames = len(long_race["frames"])
        rows.append((f"{frames} frames 800×600, {fmt}", f"{seconds:.2f} s", f"≤ {GOALS['time']} s",
                     seconds <= GOALS["time"], f"{size / 1e6:.2f} MB"))  # fmt: skip
    default_race = race("rosenbrock", 300)
    for fmt in ("gif", "webp"):
        seconds, size = timed(default_race, fmt)
        frames = len(default_race["frames"])
        rows.append((f"4-run Rosenbrock race ({frames} frames, 800 px), {fmt}",
                     f"{size / 1e6:.2f} MB", f"≤ {GOALS[fmt]} MB", size / 1e6 <= GOALS[fmt],
                     f"{seconds:.2f} s"))  # fmt: skip
    print(f"{'case':<52} {'measured':>10} {'goal':>10} {'met':>5} {'also':>9}")
    for case, measured, goal, met, also in rows:
        print(f"{case:<52} {measured:>10} {goal:>10} {'yes' if met else 'NO':>5} {also:>9}")


def write_default_gif(path: str, width: int = 640) -> None:
    """The Playground's default race (its first surface, four runs, 300 steps) as a GIF."""
    data = animation_bytes(race(SURFACE_FIELD.default, 300), "gif", width=width)
    Path(path).write_bytes(data)
    print(f"wrote {path}: {len(data) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
    if "--gif" in sys.argv:
        write_default_gif(sys.argv[sys.argv.index("--gif") + 1])
