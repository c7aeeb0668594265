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
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from optim.partition import Layout, View


def parse_widths(text: str, *, max_layers: int = 8, max_width: int = 256) -> tuple[int, ...]:
    """Hidden-layer widths from text such as "25, 50, 50, 25" or "25-50-50-25".

    Raises ValueError with a message meant for the person who typed it.
    """
    tokens = [t for t in re.split(r"[\s,;\-]+", text.strip()) if t]
    if not tokens:
        raise ValueError("hidden: the network needs at least one hidden layer")
    if len(tokens) > max_layers:
        raise ValueError(f"hidden: at most {max_layers} hidden layers, got {len(tokens)}")
    widths = []
    for i, token in enumerate(tokens, start=1):
        if not (token.isascii() and token.isdigit()) or len(token) > 6:
            shown = token if len(token) <= 12 else token[:12] + "…"
            raise ValueError(f"hidden: layer {i} width {shown!r} is not a whole number")
        width = int(token)
        if not 1 <= width <= max_width:
            raise ValueError(
                f"hidden: layer {i} has width {width}; widths must be 1 to {max_width}"
            )
        widths.append(width)
    return tuple(widths)


class Activation(NamedTuple):
    """A hidden-layer nonlinearity and its derivative, both in place, the derivative written in
    terms of the layer's output a = act(z)."""

    label: str
    apply: Callable[[np.ndarray], object]  # z <- act(z)
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], object]  # (δ, a, scratch): δ <- δ·act′
    gain: float  # initial weights ~ N(0, gain / fan_in): He for ReLU, LeCun for tanh


def _relu_backward(delta: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
    """ReLU′ = 1 where a > 0, else 0."""
    np.greater(a, 0.0, out=scratch)
    delta *= scratch


def _tanh_backward(delta: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
    """tanh′ = 1 − a²."""
    np.multiply(a, a, out=scratch)
    np.subtract(1.0, scratch, out=scratch)
    delta *= scratch


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("ReLU", lambda z: np.maximum(z, 0.0, out=z), _relu_backward, 2.0),
    "tanh": Activation("tanh", lambda z: np.tanh(z, out=z), _tanh_backward, 1.0),
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


def batch_cross_entropy(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``binary_cross_entropy`` of each row of logits (k, n) against y (n,): shape (k,)."""
    return np.mean(np.maximum(logits, 0.0) - logits * y + np.log1p(np.exp(-np.abs(logits))), axis=1)


def _scores(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Loss and accuracy, the fraction of points whose class (z > 0, i.e. p > ½) is right."""
    return binary_cross_entropy(logits, y), float(np.mean((logits > 0) == (y > 0.5)))


class Layer(NamedTuple):
    """Where one layer sits in θ: W (fan_in × fan_out, row-major) then b, which together read
    as one (fan_in + 1) × fan_out block [W; b] with the biases as its last row."""

    start: int
    shape: tuple[int, int]

    @property
    def weights(self) -> slice:
        return slice(self.start, self.start + self.shape[0] * self.shape[1])

    @property
    def biases(self) -> slice:
        return slice(self.weights.stop, self.block.stop)

    @property
    def block_shape(self) -> tuple[int, int]:
        return self.shape[0] + 1, self.shape[1]

    @property
    def block(self) -> slice:
        return slice(self.start, self.start + math.prod(self.block_shape))


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
        for shape in itertools.pairwise(self.sizes):
            layout.append(Layer(start, shape))
            start = layout[-1].block.stop
        return tuple(layout)

    @cached_property
    def layout(self) -> Layout:
        """θ's named views for optimizers with parameter groups (``optim.partition``): ``W1``,
        ``b1``, ``W2``, … with each weight matrix seen as torch's fan_out × fan_in (its transpose
        here), so Muon's shape scaling is the reference's; the hidden weight matrices are ``W2``
        to ``W{L−1}``, neither the first layer's nor the output layer's."""
        views = {}
        for i, layer in enumerate(self.layers, start=1):
            views[f"W{i}"] = View(layer.start, layer.shape, transposed=True)
            views[f"b{i}"] = View(layer.biases.start, (layer.shape[1],))
        return Layout(views, tuple(f"W{i}" for i in range(2, len(self.layers))))

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
        """The loss and its gradient ∂ℓ/∂θ (a new flat vector) by backpropagation, plainly written
        (``backprop`` is the fast path for training):

        δ⁽ᴸ⁾ = (σ(z) − y) / n,  ∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾,  ∂b⁽ˡ⁾ = Σ δ⁽ˡ⁾,  δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ W⁽ˡ⁾ᵀ ⊙ act′.
        """
        activations, logits = self._forward(params, x)
        z = logits[:, 0]
        loss = binary_cross_entropy(z, y)
        delta = ((sigmoid(z) - y) / len(y))[:, None]
        backward = ACTIVATIONS[self.activation].backward
        grads, layers = [], self.unflatten(params)
        for (w, _), a_prev in zip(reversed(layers), reversed(activations), strict=True):
            grads.append(np.r_[(a_prev.T @ delta).ravel(), delta.sum(axis=0)])
            if a_prev is not x:
                delta = delta @ w.T
                backward(delta, a_prev, np.empty_like(a_prev))
        return loss, np.concatenate(grads[::-1])

    def batch_logits(self, thetas: np.ndarray, x: np.ndarray) -> np.ndarray:
        """z for k weight vectors at once: ``thetas`` (k, n_params), ``x`` (n, inputs) → (k, n)
        (``BatchForward``, one stacked product per layer for all k networks)."""
        thetas = np.atleast_2d(thetas)
        return self.batch_forward(len(thetas), len(x))(thetas, x).copy()

    def batch_loss(self, thetas: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mean binary cross-entropy on (x, y) of each of k weight vectors: shape (k,)."""
        return batch_cross_entropy(self.batch_logits(thetas, x), y)

    def batch_forward(self, k: int, n: int) -> BatchForward:
        """A forward pass for up to k weight vectors on n points with its buffers allocated."""
        return BatchForward(self, k, n)

    def backprop(self, batch_size: int) -> Backprop:
        """A gradient function for batches of ``batch_size`` points with its buffers allocated."""
        return Backprop(self, batch_size)

    def evaluate(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Loss and accuracy, the fraction of points whose class (z > 0, i.e. p > ½) is right."""
        return _scores(self.logits(params, x), y)


class Backprop:
    """∂ℓ/∂θ for batches of one size: the same math as ``MLP.loss_and_grad`` in far fewer NumPy
    calls, which is what a small network's time goes to.

    θ is copied into a buffer whose per-layer blocks [W; b] are views made once; the activations
    carry a column of ones, so each layer is one product [a, 1]·[W; b] forward and its whole
    gradient one product [a, 1]ᵀ·δ backward. The output error uses σ(z) = ½ + ½ tanh(z/2),
    which never overflows: δ = (σ(z) − y) / n. Returns a new gradient vector each call (an
    optimizer may keep it in its state).
    """

    def __init__(self, network: MLP, batch_size: int) -> None:
        self.activation = ACTIVATIONS[network.activation]
        self.batch_size = batch_size
        self.theta = np.empty(network.n_params)
        self.grad = np.empty(network.n_params)
        layers = network.layers
        self.blocks = [self.theta[lay.block].reshape(lay.block_shape) for lay in layers]
        self.weights_t = [block[:-1].T for block in self.blocks]
        self.grad_blocks = [self.grad[lay.block].reshape(lay.block_shape) for lay in layers]
        self.inputs = [np.ones((batch_size, lay.block_shape[0])) for lay in layers]  # [a, 1]
        self.outputs = [inputs[:, :-1] for inputs in self.inputs[1:]]  # where a lands
        self.deltas = [np.empty((batch_size, lay.shape[1])) for lay in layers]
        self.scratch = [np.empty_like(delta) for delta in self.deltas[:-1]]

    def logits(self, params: np.ndarray, x: np.ndarray) -> np.ndarray:
        """z of shape (batch_size, 1), in a buffer the next call overwrites."""
        np.copyto(self.theta, params)
        np.copyto(self.inputs[0][:, :-1], x)
        for inputs, block, out in zip(self.inputs, self.blocks, self.outputs, strict=False):
            np.matmul(inputs, block, out=out)
            self.activation.apply(out)
        return np.matmul(self.inputs[-1], self.blocks[-1], out=self.deltas[-1])

    def evaluate(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Loss and accuracy on (x, y), as ``MLP.evaluate``, without allocating activations."""
        return _scores(self.logits(params, x)[:, 0], y)

    def __call__(self, params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂ℓ/∂θ on the batch (x, y) of ``batch_size`` points."""
        delta = self.logits(params, x)
        delta *= 0.5
        np.tanh(delta, out=delta)
        delta += 1.0
        delta *= 0.5
        delta -= y[:, None]
        delta *= 1.0 / self.batch_size
        for i in range(len(self.blocks) - 1, -1, -1):
            np.matmul(self.inputs[i].T, self.deltas[i], out=self.grad_blocks[i])
            if i:
                below = self.deltas[i - 1]
                np.matmul(self.deltas[i], self.weights_t[i], out=below)
                self.activation.backward(below, self.outputs[i - 1], self.scratch[i - 1])
        return self.grad.copy()


class BatchForward:
    """Logits of up to k networks (one weight vector each) on n points at once.

    Layer by layer, a⁽ˡ⁾ = act(a⁽ˡ⁻¹⁾ W⁽ˡ⁾ₖ + b⁽ˡ⁾ₖ) for all k as one stacked product into a
    buffer of shape (k, n, width) allocated once: reusing the buffers halves the time of a
    grid of small networks, which fresh arrays spend in page faults.
    """

    def __init__(self, network: MLP, k: int, n: int) -> None:
        self.network, self.k, self.n = network, k, n
        self.apply = ACTIVATIONS[network.activation].apply
        self.buffers = [np.empty((k, n, lay.shape[1])) for lay in network.layers]

    def __call__(self, thetas: np.ndarray, x: np.ndarray) -> np.ndarray:
        """z of shape (len(thetas), n), a view into a buffer the next call overwrites."""
        k, layers = len(thetas), self.network.layers
        if thetas.shape[1:] != (self.network.n_params,) or k > self.k or len(x) != self.n:
            raise ValueError(
                f"thetas, x: expected up to ({self.k}, {self.network.n_params}) and "
                f"({self.n}, {self.network.inputs}), got {thetas.shape} and {x.shape}"
            )
        a = x
        for i, lay in enumerate(layers):
            out = self.buffers[i][:k]
            np.matmul(a, thetas[:, lay.weights].reshape(k, *lay.shape), out=out)
            out += thetas[:, None, lay.biases]
            if i < len(layers) - 1:
                self.apply(out)
            a = out
        return a[:, :, 0]
