"""A sweep's specification: what is trained, over which grid and seeds, and its trials.

A sweep crosses a list of optimizers (registry names with fixed hyperparameters, by default
the library's, torch's) with a grid over one or two hyperparameters (a log grid of learning
rates by default) and a list of seeds. Every optimizer gets the same budget: the same epochs and
the same grid points. Every trial with seed s trains from θ₀ = ``network.init(s)`` on the same
batches (``lab.train``'s seed), so trials differ only in the optimizer and its settings.

Each trial is identified by the first 16 hex digits of the SHA-256 of its settings written as
canonical JSON, so the same trial has the same id in every run of the sweep, on every machine.
``SweepSpec.validate`` checks everything before any work starts and raises ``SweepError``
naming the problem.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np

import optim
from lab.datasets import DATASETS, make_dataset
from lab.network import ACTIVATIONS, MLP


class SweepError(ValueError):
    """A sweep that cannot run, with a message naming the setting at fault."""


def log_grid(low: float, high: float, count: int) -> tuple[float, ...]:
    """``count`` values spaced evenly in log10 from ``low`` to ``high`` (both included), each
    rounded to 12 significant digits so the same grid prints and hashes the same everywhere."""
    if count < 1:
        return ()
    if count == 1:
        return (float(low),)
    values = np.logspace(math.log10(low), math.log10(high), count)
    return tuple(float(f"{v:.12g}") for v in values)


def parse_grid(text: str) -> tuple[float, ...]:
    """A grid from text: ``low:high:count`` (a log grid) or values separated by commas.

    Raises SweepError naming the text when it is neither.
    """
    text = text.strip()
    try:
        if ":" in text:
            low, high, count = text.split(":")
            low_value, high_value, n = float(low), float(high), int(count)
            if low_value <= 0 or high_value <= 0:
                raise SweepError(f"grid: a log grid needs bounds > 0, got {text!r}")
            return log_grid(low_value, high_value, n)
        return tuple(float(token) for token in text.split(",") if token.strip())
    except ValueError as error:
        if isinstance(error, SweepError):
            raise
        raise SweepError(
            f"grid: {text!r} is neither low:high:count nor a list of numbers"
        ) from None


@dataclass(frozen=True)
class SweepSpec:
    """Everything a sweep trains. ``optimizers`` are registry names, or (name, {fixed
    hyperparameters}) pairs; ``grid`` maps one or two hyperparameter names to their values;
    ``seeds`` are the weight-and-shuffle seeds (an int n means seeds 0 … n−1); ``target`` is the
    training loss whose first epoch each trial records."""

    optimizers: tuple = ("adam", "sgd")
    grid: dict = field(default_factory=lambda: {"lr": log_grid(1e-4, 1.0, 13)})
    seeds: tuple = (0, 1, 2, 3, 4)
    data: str = "moons"
    n: int = 1000
    noise: float | None = None
    data_seed: int = 0
    test_fraction: float = 0.25
    hidden: tuple = (25, 50, 50, 25)
    activation: str = "relu"
    epochs: int = 200
    batch_size: int | None = 64
    target: float = 0.1

    def __post_init__(self) -> None:
        seeds = tuple(range(self.seeds)) if isinstance(self.seeds, int) else tuple(self.seeds)
        optimizers = tuple(
            (o, {}) if isinstance(o, str) else (o[0], dict(o[1])) for o in self.optimizers
        )
        noise = DATASETS[self.data].noise if self.noise is None and self.data in DATASETS else None
        object.__setattr__(self, "seeds", seeds)
        object.__setattr__(self, "optimizers", optimizers)
        object.__setattr__(self, "grid", {k: tuple(v) for k, v in dict(self.grid).items()})
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if self.noise is None:
            object.__setattr__(self, "noise", noise)

    def to_json(self) -> dict:
        """The spec as plain JSON values (what ``sweep.json`` in a results folder holds)."""
        record = asdict(self)
        record["optimizers"] = [[name, fixed] for name, fixed in self.optimizers]
        record["grid"] = {k: list(v) for k, v in self.grid.items()}
        record["seeds"], record["hidden"] = list(self.seeds), list(self.hidden)
        return record

    @classmethod
    def from_json(cls, record: dict) -> SweepSpec:
        """The spec written by ``to_json``."""
        return cls(**{**record, "optimizers": tuple(map(tuple, record["optimizers"]))})

    @property
    def grid_names(self) -> tuple[str, ...]:
        return tuple(self.grid)

    def network(self) -> MLP:
        return MLP(self.hidden, self.activation)

    def data_settings(self) -> dict:
        """The keyword arguments of ``lab.make_dataset`` (and its name first)."""
        return {
            "name": self.data,
            "n": self.n,
            "noise": self.noise,
            "seed": self.data_seed,
            "test_fraction": self.test_fraction,
        }

    def trials(self) -> list[dict]:
        """One settings record per (optimizer, grid point, seed), in that order, each with its
        ``trial_id``; hyperparameters not on the grid are the optimizer's fixed ones."""
        shared = {
            "data": self.data_settings(),
            "hidden": list(self.hidden),
            "activation": self.activation,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "target": self.target,
        }
        names = self.grid_names
        records = []
        for name, fixed in self.optimizers:
            base = optim.OPTIMIZERS[name].library_defaults() | fixed
            for point in _grid_points(self.grid):
                values = base | dict(zip(names, point, strict=True))
                for seed in self.seeds:
                    record = {**shared, "optimizer": name, "hyper": values, "seed": seed}
                    records.append({"trial_id": trial_id(record), **record})
        return records

    def validate(self) -> None:
        """SweepError naming the first problem: unknown optimizer, data set or activation, an
        empty or non-positive grid, a value an optimizer rejects, no seeds, a bad budget."""
        _check_optimizers(self.optimizers)
        _check_grid(self.grid, self.optimizers)
        if not self.seeds:
            raise SweepError("seeds: a sweep needs at least one seed")
        if len(set(self.seeds)) != len(self.seeds):
            raise SweepError(f"seeds: {list(self.seeds)} lists a seed twice")
        if self.activation not in ACTIVATIONS:
            raise SweepError(f"activation: unknown {self.activation!r}")
        if not isinstance(self.epochs, int) or self.epochs < 1:
            raise SweepError(f"epochs: must be a whole number ≥ 1, got {self.epochs!r}")
        if not (math.isfinite(self.target) and self.target > 0):
            raise SweepError(f"target: must be a loss > 0, got {self.target!r}")
        try:
            self.network()
            data = make_dataset(**self.data_settings())
        except ValueError as error:
            raise SweepError(str(error)) from None
        n_train = len(data.y_train)
        if self.batch_size is not None and not 1 <= self.batch_size <= n_train:
            raise SweepError(f"batch_size: must be 1 to the {n_train} training points")


def trial_id(record: dict) -> str:
    """The first 16 hex digits of SHA-256 over the record's canonical JSON (sorted keys)."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _grid_points(grid: dict) -> list[tuple]:
    """Every combination of the grid's values, the first name varying slowest."""
    points = [()]
    for values in grid.values():
        points = [(*point, value) for point in points for value in values]
    return points


def _check_optimizers(optimizers: tuple) -> None:
    if not optimizers:
        raise SweepError("optimizers: a sweep needs at least one optimizer")
    for name, fixed in optimizers:
        if name not in optim.OPTIMIZERS:
            known = ", ".join(optim.OPTIMIZERS)
            raise SweepError(f"optimizers: unknown optimizer {name!r}; choose from {known}")
        try:
            optim.OPTIMIZERS[name].build(**(optim.OPTIMIZERS[name].library_defaults() | fixed))
        except ValueError as error:
            raise SweepError(f"optimizers: {name}: {error}") from None
    names = [name for name, fixed in optimizers]
    if len(set(map(str, optimizers))) != len(optimizers):
        raise SweepError(f"optimizers: {names} lists the same optimizer twice")


def _check_grid(grid: dict, optimizers: tuple) -> None:
    if not 1 <= len(grid) <= 2:
        raise SweepError(f"grid: sweep one or two hyperparameters, got {len(grid)}")
    for name, values in grid.items():
        if not values:
            raise SweepError(f"grid: {name} has no values (an empty grid)")
        for value in values:
            if not isinstance(value, float | int) or not math.isfinite(value):
                raise SweepError(f"grid: {name} value {value!r} is not a finite number")
            if name == "lr" and value <= 0:
                raise SweepError(f"grid: learning rate {value!r} is not positive; use lr > 0")
        if len(set(values)) != len(values):
            raise SweepError(f"grid: {name} lists a value twice")
    for opt_name, fixed in optimizers:
        spec = optim.OPTIMIZERS[opt_name]
        for point in _grid_points(grid):
            values = spec.library_defaults() | fixed | dict(zip(grid, point, strict=True))
            try:
                spec.build(**values)
            except ValueError as error:
                raise SweepError(f"grid: {opt_name}: {error}") from None
