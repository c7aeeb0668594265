"""A small fully connected network for two-class data, its parameters in one flat vector.

Layer l maps a⁽ˡ⁻¹⁾ to a⁽ˡ⁾ = act(a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾) with ReLU or tanh on the hidden layers;
the last layer gives one logit z per point, p = σ(z) is the probability of class 1, and the
loss is the mean binary cross-entropy computed from the logit without forming log σ:

    ℓ(z, y) = max(z, 0) − z·y + log(1 + e^(−|z|)),    ∂ℓ/∂z = σ(z) − y.

All weights and biases live in one float64 vector θ (W⁽¹⁾ row-major, b⁽¹⁾, W⁽²⁾, b⁽²⁾, …), so any
optimizer of ``optim`` trains the network through its ``init``/``update`` contract; the per-layer
matrices are views into θ.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np


class Activation(NamedTuple):
    """A hidden-layer nonlinearity, applied in place, with its derivative written in its output."""

    label: str
    apply: Callable[[np.ndarray], None]  # z -> act(z), in place
    slope: Callable[[np.ndarray], np.ndarray]  # a = act(z) -> act'(z)
    gain: float  # initial weights ~ N(0, gain / fan_in): He for ReLU, LeCun/Glorot for tanh


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("ReLU", lambda z: np.maximum(z, 0.0, out=z), lambda a: a > 0.0, 2.0),
    "tanh": Activation("tanh", lambda z: np.tanh(z, out=z), lambda a: 1.0 - a * a, 1.0),
}

DEFAULT_HIDDEN = (25, 50, 50, 25)  # the article's 2-25-50-50-25-1 network


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), evaluated through e^(−|z|) so it never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def binary_cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean of max(z, 0) − z·y + log(1 + e^(−|z|)), which is −[y log σ(z) + (1−y) log(1−σ(z))]
    without overflow for any finite z."""
    return float(np.mean(np.maximum(logits, 0.0) - logits * y + np.log1p(np.exp(-np.abs(logits)))))


class Layer(NamedTuple):
    """Where one layer's weights (fan_in × fan_out) and biases sit in the flat vector."""

    weights: slice
    biases: slice
    shape: tuple[int, int]


@dataclass(frozen=True)
class MLP:
    """Sizes 2 → hidden[0] → … → hidden[-1] → 1 with ``activation`` between the layers."""

    hidden: tuple[int, ...] = DEFAULT_HIDDEN
    activation: str = "relu"
    inputs: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if not self.hidden:
            raise ValueError("hidden: the network needs at least one hidden layer")
        for i, width in enumerate(self.hidden, start=1):
            if not isinstance(width, int | np.integer) or width < 1:
                raise ValueError(f"hidden: layer {i} has width {width!r}; widths must be ≥ 1")
        if self.activation not in ACTIVATIONS:
            names = ", ".join(ACTIVATIONS)
            raise ValueError(f"activation: unknown {self.activation!r}; choose one of {names}")
        if self.inputs < 1:
            raise ValueError(f"inputs: must be ≥ 1, got {self.inputs!r}")

    @property
    def sizes(self) -> tuple[int, ...]:
        """Widths of every layer, input and output included: (2, 25, 50, 50, 25, 1) by default."""
        return (self.inputs, *self.hidden, 1)

    @cached_property
    def layers(self) -> tuple[Layer, ...]:
        """The flat-vector layout, layer by layer."""
        layout, start = [], 0
        for fan_in, fan_out in itertools.pairwise(self.sizes):
            mid, end = start + fan_in * fan_out, start + fan_in * fan_out + fan_out
            layout.append(Layer(slice(start, mid), slice(mid, end), (fan_in, fan_out)))
            start = end
        return tuple(layout)

    @property
    def n_params(self) -> int:
        """Length of the flat parameter vector."""
        return self.layers[-1].biases.stop

    def __str__(self) -> str:
        return "-".join(map(str, self.sizes)) + f" {ACTIVATIONS[self.activation].label}"

    def init(self, seed: int = 0) -> np.ndarray:
        """Initial θ: weights ~ N(0, gain / fan_in) (He for ReLU, LeCun for tanh), biases 0."""
        rng = np.random.default_rng(seed)
        params = np.zeros(self.n_params)
        gain = ACTIVATIONS[self.activation].gain
        for layer in self.layers:
            fan_in, fan_out = layer.shape
            params[layer.weights] = rng.normal(0.0, math.sqrt(gain / fan_in), fan_in * fan_out)
        return params

    def unflatten(self, params: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer as views into ``params`` (writing to them writes into θ)."""
        self._check(params)
        return [(params[lay.weights].reshape(lay.shape), params[lay.biases]) for lay in self.layers]

    def _check(self, params: np.ndarray) -> None:
        if params.shape != (self.n_params,):
            raise ValueError(f"params: expected shape ({self.n_params},), got {params.shape}")

    def _forward(self, params: np.ndarray, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Hidden activations [x, a⁽¹⁾, …] and the logits of shape (n, 1)."""
        apply = ACTIVATIONS[self.activation].apply
        *hidden, (w_out, b_out) = self.unflatten(params)
        activations = [x]
        for w, b in hidden:
            z = activations[-1] @ w
            z += b
            apply(z)
            activations.append(z)
        logits = activations[-1] @ w_out
        logits += b_out
        return activations, logits

    def logits(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        """z for each point of ``x`` (n, 2): shape (n,)."""
        return self._forward(params, x)[1][:, 0]

    def probabilities(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        """p = σ(z), the predicted probability of class 1: shape (n,)."""
        return sigmoid(self.logits(params, x))

    def loss(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
        """Mean binary cross-entropy of the network on (x, y)."""
        return binary_cross_entropy(self.logits(params, x), y)

    def loss_and_grad(
        self, params: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[float, np.ndarray]:
        """The loss and its gradient ∂ℓ/∂θ (a new flat vector) by backpropagation:

        δ⁽ᴸ⁾ = (σ(z) − y) / n,  ∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾,  ∂b⁽ˡ⁾ = Σ δ⁽ˡ⁾,  δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ W⁽ˡ⁾ᵀ ⊙ act′.
        """
        activations, logits = self._forward(params, x)
        z = logits[:, 0]
        loss = binary_cross_entropy(z, y)
        delta = ((sigmoid(z) - y) / len(y))[:, None]
        slope = ACTIVATIONS[self.activation].slope
        grad = np.empty_like(params)
        for layer, a_prev in zip(reversed(self.layers), reversed(activations), strict=True):
            np.matmul(a_prev.T, delta, out=grad[layer.weights].reshape(layer.shape))
            np.sum(delta, axis=0, out=grad[layer.biases])
            if a_prev is not x:
                delta = delta @ params[layer.weights].reshape(layer.shape).T
                delta *= slope(a_prev)
        return loss, grad

    def evaluate(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Loss and accuracy, the fraction of points whose class (z > 0, i.e. p > ½) is right."""
        z = self.logits(params, x)
        return binary_cross_entropy(z, y), float(np.mean((z > 0) == (y > 0.5)))
