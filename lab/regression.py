"""Linear regression as a cost surface over (w, b): the mini-batch lesson's data-set-backed cost.

A seeded data set of m points (xᵢ, yᵢ) with yᵢ = w* xᵢ + b* + noise defines the exact
mean-squared-error cost over the two parameters θ = (w, b):

    J(w, b)   = 1/(2m) Σᵢ (w xᵢ + b − yᵢ)²
    ∇J(w, b)  = 1/m Σᵢ rᵢ (xᵢ, 1),   rᵢ = w xᵢ + b − yᵢ

J is a quadratic, so it is evaluated on whole grids from five sufficient statistics (means of
x, y, x², xy, y²) and its contours are exact. A batch B ⊂ {1..m} has its own loss
J_B = 1/(2|B|) Σ_{i∈B} rᵢ², and `batch_grad` is exactly ∇J_B: stochastic gradient descent steps
on the gradient of the batch it sees, nothing else.

`minibatch_run` steps any `optim` transformation (init/update pair) over shuffled batches for a
number of epochs and records the path, the full-data loss and the bookkeeping a reader needs to
compare runs fairly (iteration, epoch, examples processed). No Streamlit, no Plotly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

TRUE_W, TRUE_B = 1.5, -1.0
X_RANGE = (-1.0, 3.0)
DOMAIN = ((-3.0, 4.0), (-3.5, 3.5))
START = (-2.0, 2.5)

MAX_POINTS = 2_000
MAX_EPOCHS = 100
MAX_ITERATIONS = 100_000


class LinearData(NamedTuple):
    """A regression data set: inputs x and targets y, both of shape (m,)."""

    x: np.ndarray
    y: np.ndarray


def make_linear_data(
    size: int = 200,
    noise: float = 0.5,
    seed: int = 0,
    *,
    w: float = TRUE_W,
    b: float = TRUE_B,
) -> LinearData:
    """Draw m = size points with x ~ U(X_RANGE) and y = w x + b + noise · N(0, 1), reproducibly."""
    size, noise = int(size), float(noise)
    if not 2 <= size <= MAX_POINTS:
        raise ValueError(f"size must be between 2 and {MAX_POINTS}, got {size}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise}")
    rng = np.random.default_rng(int(seed))
    x = rng.uniform(*X_RANGE, size)
    y = w * x + b + noise * rng.standard_normal(size)
    return LinearData(x, y)


class RegressionCost:
    """J(w, b) of a data set, evaluated on points p of shape (..., 2) like a `surfaces.Surface`."""

    name = "linear_regression"
    label = "Linear regression (MSE)"
    description = "Mean squared error of the line y = w·x + b over a generated data set."
    group = "lesson"
    log_scale = True
    saddles: tuple = ()
    parameters: tuple = ()
    params: dict = {}  # noqa: RUF012 - read-only, mirrors Surface.params
    domain = DOMAIN
    start = START

    def __init__(self, data: LinearData):
        self.data = data
        x, y = data
        self._moments = (x.mean(), y.mean(), (x * x).mean(), (x * y).mean(), (y * y).mean())
        self.optimum = least_squares(data)
        self.minimum_value = float(self(np.asarray(self.optimum)))

    @property
    def minima(self):
        """The unique minimum, as (x, y, value, is_global) records like `surfaces.Minimum`."""
        return (_Minimum(*self.optimum, self.minimum_value),)

    def __call__(self, p) -> np.ndarray:
        """J at p (..., 2), exactly, from the sufficient statistics (no loop over the data)."""
        w, b = _split(p)
        mx, my, mxx, mxy, myy = self._moments
        quad = w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy
        return 0.5 * np.maximum(quad, 0.0)  # ≥ 0 up to rounding

    def grad(self, p) -> np.ndarray:
        """∇J at p (..., 2): (E[r x], E[r]) with r = w x + b − y."""
        w, b = _split(p)
        mx, my, mxx, mxy, _ = self._moments
        return np.stack([w * mxx + b * mx - mxy, w * mx + b - my], axis=-1)

    def formula(self) -> str:
        """J as a typed expression in x = w, y = b (12 significant digits), for surfaces.parse."""
        mx, my, mxx, mxy, myy = self._moments
        return (
            f"0.5*({mxx:.12g}*x**2 {2 * mx:+.12g}*x*y + y**2 {-2 * mxy:+.12g}*x "
            f"{-2 * my:+.12g}*y {myy:+.12g})"
        ).replace("+-", "-")

    def gradient_noise(self, batch_size: int) -> float:
        """σ such that σ·N(0, I) has the per-coordinate spread of a batch gradient at the optimum.

        Per-example gradients gᵢ = rᵢ(xᵢ, 1) at θ* average to zero; a batch of B drawn without
        replacement from m has covariance Cov(gᵢ)/B · (m − B)/(m − 1). σ² is that covariance's
        mean diagonal entry, so σ = 0 for the full batch.
        """
        x, y = self.data
        size = len(x)
        batch_size = min(max(int(batch_size), 1), size)
        r = self.optimum[0] * x + self.optimum[1] - y
        per_example = np.stack([r * x, r], axis=-1)
        spread = per_example.var(axis=0).mean() / batch_size * (size - batch_size) / (size - 1)
        return float(np.sqrt(max(spread, 0.0)))

    def batch_loss(self, p, index) -> np.ndarray:
        """J_B at p (..., 2) for the examples `index`: 1/(2|B|) Σ_{i∈B} rᵢ²."""
        r = self._residuals(p, index)
        return 0.5 * np.mean(r * r, axis=-1)

    def batch_grad(self, p, index) -> np.ndarray:
        """∇J_B at p (..., 2): the true gradient of the batch loss."""
        r = self._residuals(p, index)
        xb = self.data.x[index]
        return np.stack([np.mean(r * xb, axis=-1), np.mean(r, axis=-1)], axis=-1)

    def _residuals(self, p, index) -> np.ndarray:
        w, b = _split(p)
        xb, yb = self.data.x[index], self.data.y[index]
        return w[..., None] * xb + b[..., None] - yb


class _Minimum(NamedTuple):
    x: float
    y: float
    value: float
    is_global: bool = True


def _split(p) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float)
    return p[..., 0], p[..., 1]


def least_squares(data: LinearData) -> tuple[float, float]:
    """The exact minimiser (w, b) of J, from NumPy's least-squares solver."""
    design = np.column_stack([data.x, np.ones_like(data.x)])
    (w, b), *_ = np.linalg.lstsq(design, data.y, rcond=None)
    return float(w), float(b)


def batch_order(size: int, batch_size: int, epoch: int, seed: int) -> list[np.ndarray]:
    """The batches of one epoch: a seeded shuffle of range(size) cut into pieces of batch_size.

    The last batch is smaller when batch_size does not divide size (as torch's DataLoader with
    drop_last=False). A full batch (batch_size ≥ size) is never shuffled: it is the data set.
    """
    if batch_size >= size:
        return [np.arange(size)]
    order = np.random.default_rng([int(seed), int(epoch)]).permutation(size)
    return np.array_split(order, range(batch_size, size, batch_size))


def batch_labels(size: int, batch_size: int, seed: int) -> np.ndarray:
    """For each example, the index of the batch it falls in during the first epoch."""
    labels = np.empty(size, dtype=int)
    for k, index in enumerate(batch_order(size, batch_size, 0, seed)):
        labels[index] = k
    return labels


class MiniBatchRun(NamedTuple):
    """One mini-batch run, one row per iteration (row 0 is the start).

    path (T+1, 2), loss (T+1,) is the full-data J, epoch (T+1,) fractional epochs done,
    examples (T+1,) examples processed so far; diverged_at is the 1-based iteration whose step
    left the finite world (−1 if never), after which the point stays frozen.
    """

    path: np.ndarray
    loss: np.ndarray
    epoch: np.ndarray
    examples: np.ndarray
    batch_size: int
    diverged_at: int


def iterations_per_epoch(size: int, batch_size: int) -> int:
    """⌈m / batch size⌉: how many updates one pass over the data makes."""
    return -(-int(size) // max(1, min(int(batch_size), int(size))))


def minibatch_run(
    opt,
    cost: RegressionCost,
    batch_size: int,
    epochs: int,
    start=START,
    seed: int = 0,
    bound: float = 1e6,
) -> MiniBatchRun:
    """Step `opt` on the batch gradients ∇J_B for `epochs` passes over the data.

    Each iteration draws the next batch B of the epoch's shuffle (`batch_order`) and applies
    θ ← θ + opt.update(∇J_B(θ)). batch_size = m is full-batch gradient descent on J itself;
    batch_size = 1 is stochastic gradient descent.
    """
    size = len(cost.data.x)
    batch_size, epochs = int(batch_size), int(epochs)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if not 1 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}, got {epochs}")
    batch_size = min(batch_size, size)
    per_epoch = iterations_per_epoch(size, batch_size)
    if per_epoch * epochs > MAX_ITERATIONS:
        raise ValueError(
            f"{per_epoch * epochs:,} iterations is too many (at most {MAX_ITERATIONS:,}): "
            "use fewer epochs, fewer points or larger batches"
        )

    theta = np.asarray(start, dtype=float).reshape(1, 2)
    state = opt.init(theta)
    path, seen = [theta[0]], [0]
    diverged_at = -1
    for epoch in range(epochs):
        for index in batch_order(size, batch_size, epoch, seed):
            if diverged_at < 0:
                updates, state = opt.update(cost.batch_grad(theta, index), state, theta)
                with np.errstate(all="ignore"):
                    candidate = theta + updates
                if np.all(np.isfinite(candidate)) and np.all(np.abs(candidate) <= bound):
                    theta = candidate
                else:
                    diverged_at = len(path)
            path.append(theta[0])
            seen.append(seen[-1] + len(index))

    path = np.array(path)
    examples = np.array(seen)
    return MiniBatchRun(
        path=path,
        loss=cost(path),
        epoch=examples / size,
        examples=examples,
        batch_size=batch_size,
        diverged_at=diverged_at,
    )
