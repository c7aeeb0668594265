"""Train one network with several optimizers side by side, fairly, and record how each learns.

Every optimizer starts from the same initial weights θ₀ = ``network.init(seed)`` and sees the
same mini-batches in the same order (one shuffle per epoch, drawn from ``seed``). The optimizers
advance in lockstep, one epoch each in turn, so the curves grow together and a stop leaves all
of them at the same epoch. An epoch that ends with a loss that is not finite, or weights beyond a
bound, marks that optimizer diverged and freezes it at the weights of the epoch before; the
others carry on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

import optim
from lab.datasets import Dataset
from lab.hessian import hessian_vector
from lab.network import MLP
from lab.paths import WeightPath

Optimizer = Any  # anything with optim's init(params) -> state, update(grads, state, params)


@dataclass
class History:
    """One optimizer's record, one entry per finished epoch (epoch 0 = the initial weights)."""

    label: str
    epochs: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # training time so far, evaluation excluded
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    diverged_at: int | None = None  # the epoch that left the loss non-finite or θ out of bounds
    params: np.ndarray | None = None  # the latest (or last good) weights
    path: WeightPath | None = None  # kept weights and their epochs (``train(keep_path=)``)

    def record(self, epoch: int, seconds: float, train: tuple, test: tuple) -> None:
        """Append one epoch's (loss, accuracy) on the training and the test split."""
        self.epochs.append(epoch)
        self.seconds.append(seconds)
        self.train_loss.append(train[0])
        self.train_accuracy.append(train[1])
        self.test_loss.append(test[0])
        self.test_accuracy.append(test[1])

    def reached(self, target: float, metric: str = "train_loss") -> tuple[int, float] | None:
        """(epoch, seconds) when ``metric`` first fell to ``target`` or below; None if never."""
        hits = np.flatnonzero(np.asarray(getattr(self, metric)) <= target)
        return (self.epochs[hits[0]], self.seconds[hits[0]]) if hits.size else None


class Progress(NamedTuple):
    """What the callback sees after each epoch: where we are and the records so far."""

    epoch: int
    epochs: int
    histories: list[History]


@dataclass
class TrainingResult:
    """All optimizers' histories; ``stopped`` when ``should_stop`` ended training early."""

    histories: list[History]
    epochs: int
    completed: int
    stopped: bool


def batch_slices(n: int, batch_size: int) -> list[slice]:
    """Consecutive batches covering 0..n; the last one holds the remainder."""
    return [slice(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]


def _check_settings(data: Dataset, optimizers: Sequence, epochs: int, batch_size: int) -> None:
    n = len(data.y_train)
    if not optimizers:
        raise ValueError("optimizers: choose at least one optimizer")
    if not isinstance(epochs, int | np.integer) or epochs < 1:
        raise ValueError(f"epochs: must be a whole number ≥ 1, got {epochs!r}")
    if not isinstance(batch_size, int | np.integer) or batch_size < 1:
        raise ValueError(f"batch_size: must be a whole number ≥ 1, got {batch_size!r}")
    if batch_size > n:
        raise ValueError(f"batch_size: {batch_size} is larger than the {n} training points")
    for name, array in zip(Dataset._fields, data, strict=True):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"data: {name} contains values that are not finite")


def train(
    network: MLP,
    data: Dataset,
    optimizers: Sequence[tuple[str, Optimizer]],
    *,
    epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    callback: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    bound: float = 1e6,
    keep_path: int = 0,
) -> TrainingResult:
    """Train ``network`` on ``data.x_train`` once per (label, optimizer) pair.

    ``batch_size`` None means the full batch. ``callback`` runs after every epoch (and once
    after epoch 0); ``should_stop`` is asked before every epoch. An optimizer diverges in an
    epoch that ends with a training loss that is not finite or a weight beyond ±``bound``; it
    keeps the weights of the epoch before. Raises ValueError on bad settings or when the loss at
    the initial weights is not finite. ``keep_path`` > 0 keeps each optimizer's weights in
    ``History.path`` (float32 offsets from θ₀, ``lab.paths``) at epoch 0, every ⌈epochs /
    keep_path⌉-th epoch and its last: at most keep_path + 2 each (0, the default: none).
    """
    batch_size = len(data.y_train) if batch_size is None else batch_size
    _check_settings(data, optimizers, epochs, batch_size)
    scorers = (network.backprop(len(data.y_train)), network.backprop(len(data.y_test)))
    histories = _initial_histories(network, data, optimizers, seed, scorers)
    states = [opt.init(histories[0].params) for _, opt in optimizers]  # one start for all
    seconds = [0.0] * len(optimizers)
    stride = max(1, math.ceil(epochs / keep_path)) if keep_path > 0 else 0
    _keep(histories, stride, final=False)
    progress = Progress(0, epochs, histories)
    if callback:
        callback(progress)

    shuffle = np.random.default_rng([seed, 1])  # a stream of its own, apart from the weights
    batches = batch_slices(len(data.y_train), batch_size)
    backprops = {size: network.backprop(size) for size in {b.stop - b.start for b in batches}}
    epoch = 0
    while epoch < epochs and not (should_stop and should_stop()):
        epoch += 1
        order = shuffle.permutation(len(data.y_train))
        x, y = data.x_train[order], data.y_train[order]
        for i, (_, opt) in enumerate(optimizers):
            if histories[i].diverged_at is None:
                start = time.perf_counter()
                with np.errstate(all="ignore"):
                    params, states[i] = _epoch(
                        opt, histories[i].params, states[i], x, y, batches, backprops, network
                    )
                seconds[i] += time.perf_counter() - start
                _record(
                    histories[i], epoch, seconds[i], params, _scores(scorers, params, data), bound
                )
        _keep(histories, stride, final=False)
        progress = Progress(epoch, epochs, histories)
        if callback:
            callback(progress)
    _keep(histories, stride, final=True)
    return TrainingResult(histories, epochs, epoch, stopped=epoch < epochs)


def _record(history: History, epoch: int, seconds: float, params, scores, bound: float) -> None:
    """Record the epoch's weights and scores, or mark the epoch diverged (a loss that is not
    finite or a weight beyond ±bound), keeping the weights of the last finished epoch."""
    if math.isfinite(scores[0][0]) and np.abs(params).max() <= bound:
        history.params = params
        history.record(epoch, seconds, *scores)
    else:
        history.diverged_at = epoch


def _keep(histories: list[History], stride: int, final: bool) -> None:
    """With ``stride`` > 0, append each history's weights when its last recorded epoch is a
    multiple of ``stride`` (``final``: whatever it is) and not yet kept; the first call (epoch
    0) starts each path at θ₀, the one array every history holds then."""
    for history in histories if stride else ():
        epoch = history.epochs[-1]
        if history.path is None:
            history.path = WeightPath(history.params)
        if final or epoch % stride == 0:
            history.path.append(epoch, history.params)


def _initial_histories(network: MLP, data: Dataset, optimizers, seed: int, scorers) -> list:
    """One History per (label, optimizer), each holding the weights ``network.init(seed)`` and
    their scores as epoch 0; ValueError when the loss there is not finite."""
    theta0 = network.init(seed)
    initial = _scores(scorers, theta0, data)
    if not math.isfinite(initial[0][0]):
        raise ValueError("loss: not finite at the initial weights; check the data and network")
    histories = [History(label, params=theta0) for label, _ in optimizers]
    for history in histories:
        history.record(0, 0.0, *initial)
    return histories


def _scores(scorers: tuple, params: np.ndarray, data: Dataset) -> tuple[tuple, tuple]:
    """(loss, accuracy) on the training split and on the test split; never a warning."""
    train_split, test_split = scorers
    with np.errstate(all="ignore"):
        return (
            train_split.evaluate(params, data.x_train, data.y_train),
            test_split.evaluate(params, data.x_test, data.y_test),
        )


def _epoch(opt: Optimizer, params, state, x, y, batches, backprops, network) -> tuple:
    """One pass over the batches: θ ← θ + update(∂ℓ_B/∂θ) for each batch B in turn. An
    optimizer that asks for extras (SAM, Sophia) gets them on the same batch B: ``grad_fn``
    is ∂ℓ_B/∂θ anywhere, ``hvp_fn`` the exact product ∇²ℓ_B(θ)·v (``lab.hessian``, forward
    over backward). The exact Hessian diagonal (one product per weight) is not offered:
    ValueError saying so."""
    asks = getattr(opt, "asks", None)
    for batch in batches:
        backprop, xb, yb = backprops[batch.stop - batch.start], x[batch], y[batch]
        grad = backprop(params, xb, yb)
        extras = _batch_extras(opt, network, backprop, xb, yb) if asks else {}
        updates, state = opt.update(grad, state, params, **extras)
        params = params + updates
    return params, state


def _batch_extras(opt: Optimizer, network: MLP, backprop, x, y) -> dict:
    """The extras ``opt`` asks for, on the batch (x, y)."""

    def grad_fn(params):
        return backprop(params, x, y)

    def hvp_fn(params, v):
        return hessian_vector(network, params, v, x, y)

    return optim.extras(opt, grad_fn=grad_fn, hvp_fn=hvp_fn)
