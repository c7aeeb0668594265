"""Adam's fused form (optim.fused) against its reference rule, the chain's pure ``update``.

The fused form must give the same numbers bit for bit, step by step, whatever the gradients
(huge, tiny, zero, non-finite), the hyperparameters and the memory layout, and whether or not
it may overwrite the gradient it was given (``out`` is ``g``).
"""

import numpy as np
import pytest

import optim

SETTINGS = [
    {"lr": 1e-3},
    {"lr": 0.3, "betas": (0.5, 0.0), "eps": 1e-3},
    {"lr": 2.0, "betas": (0.0, 0.5), "eps": 0.0},
    {"lr": 0.05, "betas": (0.99, 0.9999), "eps": 1e-12},
]


def gradients(steps, shape, seed):
    """Gradients spanning many decades, with zeros, and a NaN and an inf late on."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(steps, *shape)) * 10.0 ** rng.integers(-150, 150, size=(steps, *shape))
    g[rng.random(g.shape) < 0.1] = 0.0
    g[-3, 0, 0], g[-2, -1, -1] = np.nan, np.inf
    return g


@pytest.mark.parametrize("kwargs", SETTINGS)
@pytest.mark.parametrize("overwrite", [False, True], ids=["own-out", "out-is-g"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_fused_adam_equals_the_reference_update_bit_for_bit(kwargs, overwrite, order):
    opt = optim.adam(**kwargs)
    params = np.asarray(np.random.default_rng(1).normal(size=(7, 3)), order=order)
    apply, state = opt.fused(params), opt.init(params)
    buffer = np.empty_like(params)
    with np.errstate(all="ignore"):
        for g in gradients(40, params.shape, seed=2):
            expected, state = opt.update(g, state, params)
            g = np.asarray(g, order=order)  # a copy: the fused form may write into it
            out = g if overwrite else buffer
            got = apply(g, params, out)
            assert got is out
            np.testing.assert_array_equal(got, expected)


def test_each_block_of_points_gets_its_own_steps_and_moments():
    """Blocks stepped one after the other (as run does) equal the whole array stepped at once."""
    opt = optim.adam(lr=0.1, betas=(0.7, 0.9))
    params = np.ones((5, 2))
    grads = np.random.default_rng(3).normal(size=(8, 5, 2))
    state, expected = opt.init(params), []
    for g in grads:
        updates, state = opt.update(g, state, params)
        expected.append(updates)
    for rows in (slice(0, 2), slice(2, 5)):
        apply = opt.fused(params[rows])
        for g, want in zip(grads, expected, strict=True):
            got = apply(g[rows], params[rows], np.empty_like(params[rows]))
            np.testing.assert_array_equal(got, want[rows])
