"""The training lab's library: toy data sets, a flat-parameter MLP and a fair training loop.

    data = lab.make_dataset("moons", n=1000, noise=0.2, seed=0)
    network = lab.MLP(hidden=(25, 50, 50, 25), activation="relu")
    result = lab.train(network, data, [("Adam", optim.adam(lr=1e-3))], epochs=200, batch_size=64)

NumPy only: no Streamlit or Plotly here. ``lab.regression`` (the lessons' model) is a module
of its own, imported on demand. ``lab.directions`` and ``lab.landscape`` slice the loss on a
plane through weight space (Li et al. 2018), project the training paths onto it, interpolate
between weight vectors and measure sharpness.
"""

from lab import directions, landscape
from lab.datasets import DATASETS, Dataset, DatasetSpec, make_dataset
from lab.landscape import Plane
from lab.network import (
    ACTIVATIONS,
    DEFAULT_HIDDEN,
    MLP,
    binary_cross_entropy,
    parse_widths,
    sigmoid,
)
from lab.training import History, Progress, TrainingResult, batch_slices, train

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "DEFAULT_HIDDEN",
    "MLP",
    "Dataset",
    "DatasetSpec",
    "History",
    "Plane",
    "Progress",
    "TrainingResult",
    "batch_slices",
    "binary_cross_entropy",
    "directions",
    "landscape",
    "make_dataset",
    "parse_widths",
    "sigmoid",
    "train",
]
