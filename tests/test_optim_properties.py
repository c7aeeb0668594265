"""Property tests: any finite start and any hyperparameters inside the registry's ranges run
without an exception or a warning, and every point ends finite or marked as diverged."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim

STEPS = 40


def quadratic_grad(p):
    return p @ np.array([[3.0, 1.2], [1.2, 1.0]]) - np.array([1.0, -0.5])


def rosenbrock_grad(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)


def saddle_grad(p):  # J = x² − y²: unbounded below, so points run away
    return p * np.array([2.0, -2.0])


def flat_grad(p):  # J constant: the gradient is exactly zero everywhere
    return np.zeros_like(p)


GRADIENTS = [quadratic_grad, rosenbrock_grad, saddle_grad, flat_grad]
# Hessian-vector products for the optimizers that ask for them (Sophia): central differences
HVP = {grad: optim.central_difference_hvp(grad) for grad in GRADIENTS}


def value_strategy(h: optim.Hyperparameter):
    if h.scale == "bool":
        return st.booleans()
    if h.scale == "int":
        return st.integers(int(h.low), int(h.high))
    if h.scale == "log":
        exponents = st.floats(math.log(h.low), math.log(h.high))
        return exponents.map(lambda e: min(max(math.exp(e), h.low), h.high))
    return st.floats(h.low, h.high)


def values_strategy(spec: optim.OptimizerSpec):
    return st.fixed_dictionaries({h.name: value_strategy(h) for h in spec.hyperparameters})


coordinate = st.floats(-1e8, 1e8, allow_nan=False, allow_infinity=False)
starts = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=4).map(np.array)


@pytest.mark.parametrize("name", list(optim.OPTIMIZERS))
@settings(max_examples=30, deadline=None)
@given(data=st.data(), x0=starts, grad_fn=st.sampled_from(GRADIENTS), record=st.booleans())
def test_any_values_in_range_run_cleanly(name, data, x0, grad_fn, record):
    spec = optim.OPTIMIZERS[name]
    values = data.draw(values_strategy(spec), label="hyperparameters")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = spec.build(**values)
        result = optim.run(
            opt, grad_fn, x0, STEPS, record=record, value_fn=lambda p: p[:, 0], hvp_fn=HVP[grad_fn]
        )
    assert np.all(np.isfinite(result.final))
    diverged = result.diverged_at
    assert np.all((diverged == -1) | ((diverged >= 1) & (diverged <= STEPS)))
    healthy = diverged == -1
    assert np.all(np.abs(result.final[healthy]) <= 1e6)
    if record:
        assert np.all(np.isfinite(result.path)) and np.all(np.isfinite(result.grad_norms))
        for i in np.nonzero(~healthy)[0]:  # frozen from its divergence step on
            frozen = result.path[diverged[i] - 1 :, i]
            np.testing.assert_array_equal(frozen, np.broadcast_to(frozen[0], frozen.shape))


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40),
    beta=st.floats(0.0, 0.999),
    bias_correction=st.booleans(),
)
def test_ewa_stays_within_the_range_of_its_inputs(values, beta, bias_correction):
    """A weighted average (weights summing to 1 − βᵗ, or 1 when corrected) of the values."""
    averages = optim.ewa(values, beta, bias_correction=bias_correction)
    low, high = min(values), max(values)
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    if not bias_correction:  # weights sum to 1 − βᵗ: the missing weight sits on v₀ = 0
        low, high = min(low, 0.0), max(high, 0.0)
    assert np.all(averages >= low - slack) and np.all(averages <= high + slack)


# Optimizers whose number hyperparameters may each be an (n, 1) array, one value per point
# (the Atlas builds them so: atlas.batch.sweep's ``per_row``).
PER_POINT = ["adan", "lamb", "lars"]
near = st.floats(-3.0, 3.0, allow_nan=False)
three_starts = st.lists(st.tuples(near, near), min_size=3, max_size=3).map(np.array)


def quadratic_grad_by_rows(p):
    """quadratic_grad written out per coordinate: a matrix product of 3 rows may round
    differently from one of 1 row (BLAS kernels), which this test must not see."""
    x, y = p[..., 0], p[..., 1]
    return np.stack([3.0 * x + 1.2 * y - 1.0, 1.2 * x + y + 0.5], axis=-1)


ROW_GRADIENTS = [quadratic_grad_by_rows, rosenbrock_grad, saddle_grad, flat_grad]


@pytest.mark.parametrize("name", PER_POINT)
@settings(max_examples=10, deadline=None)
@given(data=st.data(), x0=three_starts, grad_fn=st.sampled_from(ROW_GRADIENTS))
def test_per_point_hyperparameters_step_each_row_as_its_own_run(name, data, x0, grad_fn):
    """Three points with three settings in one batched run end exactly where each ends when
    run alone with its own setting (flags and whole numbers are shared, as the Atlas does)."""
    spec = optim.OPTIMIZERS[name]
    rows = [data.draw(values_strategy(spec), label=f"row {i}") for i in range(3)]
    numbers = [h.name for h in spec.hyperparameters if h.scale in ("log", "linear")]
    shared = {k: v for k, v in rows[0].items() if k not in numbers}
    per_point = {k: np.array([[row[k]] for row in rows]) for k in numbers}
    batched = optim.run(spec.build(**shared, **per_point), grad_fn, x0, STEPS, record=False)
    for i, row in enumerate(rows):
        alone = spec.build(**shared, **{k: row[k] for k in numbers})
        single = optim.run(alone, grad_fn, x0[i : i + 1], STEPS, record=False)
        np.testing.assert_array_equal(batched.final[i], single.final[0])
        assert batched.diverged_at[i] == single.diverged_at[0]


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("adan", {"weight_decay": 0.1}),  # the proximal decay reads α too
        ("adan", {"weight_decay": 0.1, "decouple": True}),
        ("lamb", {"weight_decay": 0.1}),
        ("lamb", {"weight_decay": 0.1, "decouple": False}),
        ("lars", {"weight_decay": 0.1}),
    ],
)
def test_a_schedule_for_lr_is_read_at_each_step(name, values):
    """α_k = α for the first 10 steps (k = 0..9), then 0: the path is the float-α path up to
    step 10 and does not move after it (every term of the step, weight decay included, is
    scaled by that step's α)."""
    spec = optim.OPTIMIZERS[name]
    lr = spec.defaults()["lr"]
    x0 = np.array([[2.0, -1.5], [-1.0, 2.5], [0.3, 0.1]])
    scheduled = spec.build(lr=lambda k: lr if k < 10 else 0.0, **values)
    path = optim.run(scheduled, quadratic_grad, x0, 20).path
    plain = optim.run(spec.build(lr=lr, **values), quadratic_grad, x0, 10).path
    np.testing.assert_array_equal(path[:11], plain)
    np.testing.assert_array_equal(path[11:], np.broadcast_to(path[10], path[11:].shape))
    assert np.all(path[10] != x0)
