"""Toy two-class data sets in the plane, generated with NumPy from a seed.

Every generator draws ``n`` points, half of each class (class 1 gets the odd one out), with
Gaussian jitter of standard deviation ``noise`` added to the coordinates. ``make_dataset``
shuffles them and holds out a test split.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

Generator = Callable[[int, int, np.random.Generator], np.ndarray]


def _moons(n0: int, n1: int, rng: np.random.Generator) -> np.ndarray:
    """Two interleaving half circles: (cos t, sin t) and (1 − cos t, ½ − sin t), t ∈ [0, π]."""
    t0 = rng.uniform(0.0, math.pi, n0)
    t1 = rng.uniform(0.0, math.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return np.concatenate([upper, lower])


def _circles(n0: int, n1: int, rng: np.random.Generator) -> np.ndarray:
    """A unit circle (class 0) around a circle of radius ½ (class 1)."""
    angle = rng.uniform(0.0, 2.0 * math.pi, n0 + n1)
    radius = np.r_[np.ones(n0), np.full(n1, 0.5)]
    return radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])


def _spiral(n0: int, n1: int, rng: np.random.Generator) -> np.ndarray:
    """Two arms r = t, angle = 3πt (+π for class 1), t ∈ [0.1, 1]: one and a half turns each."""
    t = rng.uniform(0.1, 1.0, n0 + n1)
    angle = 3.0 * math.pi * t + math.pi * np.r_[np.zeros(n0), np.ones(n1)]
    return t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])


def _xor(n0: int, n1: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform in [−1, 1]²; class 1 where x·y < 0 (the second and fourth quadrants)."""
    same = rng.uniform(0.0, 1.0, (n0, 2)) * rng.choice([-1.0, 1.0], (n0, 1))
    signs = np.column_stack([np.ones(n1), -np.ones(n1)]) * rng.choice([-1.0, 1.0], (n1, 1))
    return np.concatenate([same, rng.uniform(0.0, 1.0, (n1, 2)) * signs])


def _blobs(n0: int, n1: int, rng: np.random.Generator) -> np.ndarray:
    """Two round clouds centred at (−1, −1) and (1, 1); the jitter is their spread."""
    return np.concatenate([np.full((n0, 2), -1.0), np.full((n1, 2), 1.0)])


@dataclass(frozen=True)
class DatasetSpec:
    """A data set as the UI lists it: display label, one-line description, noise default/range."""

    name: str
    label: str
    description: str
    generate: Generator
    noise: float
    max_noise: float


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "moons",
            "Two moons",
            "Two interleaving half circles (the article's data).",
            _moons,
            0.2,
            0.6,
        ),
        DatasetSpec("circles", "Circles", "A small circle inside a large one.", _circles, 0.1, 0.4),
        DatasetSpec("spiral", "Spiral", "Two arms winding around each other.", _spiral, 0.05, 0.3),
        DatasetSpec("xor", "XOR", "Opposite quadrants share a class.", _xor, 0.1, 0.5),
        DatasetSpec("blobs", "Gaussian blobs", "Two round overlapping clouds.", _blobs, 0.6, 1.5),
    )
}


class Dataset(NamedTuple):
    """Points ``x`` of shape (n, 2) with labels ``y`` in {0, 1} of shape (n,), split in two."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def x(self) -> np.ndarray:
        """All points, training first."""
        return np.concatenate([self.x_train, self.x_test])

    @property
    def y(self) -> np.ndarray:
        """All labels, training first."""
        return np.concatenate([self.y_train, self.y_test])


def make_dataset(
    name: str = "moons",
    *,
    n: int = 1000,
    noise: float | None = None,
    seed: int = 0,
    test_fraction: float = 0.25,
) -> Dataset:
    """Draw ``n`` points of data set ``name`` and hold out ``round(test_fraction · n)`` for testing.

    ``noise`` is the standard deviation of the Gaussian jitter (the data set's default if None).
    Raises ValueError naming the argument on an unknown name or an out-of-range value.
    """
    if name not in DATASETS:
        raise ValueError(f"name: unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    spec = DATASETS[name]
    noise = spec.noise if noise is None else noise
    if not isinstance(n, int | np.integer) or n < 4:
        raise ValueError(f"n: need at least 4 points, got {n!r}")
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise: must be a finite number ≥ 0, got {noise!r}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: must lie strictly between 0 and 1, got {test_fraction!r}")
    n_test = round(test_fraction * n)
    if not 1 <= n_test <= n - 2:
        raise ValueError(f"test_fraction: {test_fraction} of {n} points leaves an empty split")

    rng = np.random.default_rng(seed)
    n0 = n // 2
    x = spec.generate(n0, n - n0, rng) + rng.normal(0.0, noise, (n, 2))
    y = np.r_[np.zeros(n0), np.ones(n - n0)]
    order = rng.permutation(n)
    x, y = x[order], y[order]
    cut = n - n_test
    return Dataset(x[:cut], y[:cut], x[cut:], y[cut:])
