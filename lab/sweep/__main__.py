"""``python -m lab.sweep``: run (or resume) a sweep from the command line.

    python -m lab.sweep --data moons --optimizers adam,sgd --lr 1e-4:1:13 --seeds 5 \\
        --epochs 200 --out results/ [--scheduler tcp://host:8786] [--workers 4]

prints a progress bar with the trials done and an estimate of the time left, and exits 2 with
the message when the sweep cannot run (nothing is computed then).
"""

from __future__ import annotations

import argparse
import sys

from lab.sweep.execute import SCHEDULER_ENV, SweepProgress, run
from lab.sweep.spec import SweepError, SweepSpec, parse_grid

BAR_WIDTH = 30


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lab.sweep", description=__doc__.split("\n")[0])
    p.add_argument("--data", default="moons", help="data set name (default moons)")
    p.add_argument("--n", type=int, default=1000, help="points, training and test together")
    p.add_argument("--noise", type=float, default=None, help="jitter (the data set's default)")
    p.add_argument("--data-seed", type=int, default=0)
    p.add_argument("--hidden", default="25,50,50,25", help="hidden widths, e.g. 25,50,50,25")
    p.add_argument("--activation", default="relu")
    p.add_argument("--optimizers", default="adam,sgd", help="registry names, comma-separated")
    p.add_argument("--lr", default="1e-4:1:13", help="low:high:count (log grid) or a,b,c")
    p.add_argument("--grid2", default=None, help="a second hyperparameter: name=low:high:count")
    p.add_argument("--seeds", type=int, default=5, help="seeds 0 … n−1")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=64, help="0 for the full batch")
    p.add_argument("--target", type=float, default=0.1, help="training loss to reach")
    p.add_argument("--out", required=True, help="results folder (created, or resumed)")
    p.add_argument(
        "--scheduler", default=None, help=f"Dask scheduler address (or ${SCHEDULER_ENV})"
    )
    p.add_argument("--workers", type=int, default=None, help="local worker processes (cores)")
    return p


def spec_from_args(args: argparse.Namespace) -> SweepSpec:
    """The SweepSpec the command line describes; SweepError for text that is not a number."""
    grid = {"lr": parse_grid(args.lr)}
    if args.grid2:
        name, _, values = args.grid2.partition("=")
        grid[name.strip()] = parse_grid(values)
    try:
        hidden = tuple(int(w) for w in args.hidden.replace("-", ",").split(",") if w.strip())
    except ValueError:
        raise SweepError(f"hidden: {args.hidden!r} is not a list of whole numbers") from None
    names = tuple(name.strip() for name in args.optimizers.split(",") if name.strip())
    return SweepSpec(
        optimizers=names, grid=grid, seeds=args.seeds, data=args.data, n=args.n,
        noise=args.noise, data_seed=args.data_seed, hidden=hidden, activation=args.activation,
        epochs=args.epochs, batch_size=args.batch_size or None, target=args.target,
    )  # fmt: skip


def duration(seconds: float | None) -> str:
    """``1h02m``, ``3m05s`` or ``42s``; ``?`` when unknown."""
    if seconds is None:
        return "?"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return (
        f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
    )


def progress_line(progress: SweepProgress) -> str:
    """``[#####-----] 12/60 trials, 40 s so far, about 2m40s left``."""
    filled = round(BAR_WIDTH * progress.done / max(progress.total, 1))
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    return (
        f"[{bar}] {progress.done}/{progress.total} trials, "
        f"{duration(progress.seconds)} so far, about {duration(progress.seconds_left)} left"
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        spec = spec_from_args(args)
        report = run(
            spec,
            args.out,
            scheduler=args.scheduler,
            workers=args.workers,
            callback=lambda p: print("\r" + progress_line(p), end="", file=sys.stderr, flush=True),
        )
    except SweepError as error:
        print(f"sweep: {error}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    print(
        f"{report.computed} trials computed, {report.already} already in {args.out}, "
        f"{len(report.failed)} failed, in {duration(report.seconds)}"
    )
    for trial, error in report.failed.items():
        print(f"  failed {trial}: {error}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
