"""Per-optimizer cost in the batched path: every registry optimizer (2-D defaults) steps
N points of a coupled bowl through ``optim.run`` (final points only, as the Atlas steps them).

    python bench/optimizers.py [--points N] [--steps S] [--repeats R]

Prints the time per step and its ratio to Adam's, both as ``run`` steps Adam (its fused form,
one share of the points per core) and with Adam's plain ``update`` (the same kind of code the
other optimizers run). Each figure is the best of R rounds (the machine is shared). This is
table (d) of bench/engine.py (on a coupled bowl, where no default diverges), on its own and
with its sizes as options.
"""

import argparse

from engine import print_per_optimizer  # bench/ is this script's directory on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print_per_optimizer(args.points, args.steps, args.repeats)


if __name__ == "__main__":
    main()
