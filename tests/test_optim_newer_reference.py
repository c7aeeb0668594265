"""The newer optimizers against trajectories recorded from their reference packages.

tests/fixtures/newer_optimizers.json and adan_lamb_lars.json were written by
tests/record_newer_optimizers.py (its sets ``newer`` and ``adan_lamb_lars``) from the reference
implementations (PyTorch CPU, float64; the versions are in the fixture). Each start
was stepped by its own reference optimizer; here ``optim.run`` steps all starts at once, and
every point of every path must agree to 1e-10 (relative) over the recorded steps. PyTorch and
the reference packages are not needed.

Running all starts at once against one reference optimizer per start also checks that
Prodigy's d is estimated per point. The settings keep paths well conditioned: the two sides
round differently at the ulp level (the order of a few operations), and Prodigy's d feeds
its own errors back, so each case was checked to stay under 1e-10; the closest is Prodigy
with bias correction, 2e-11 relative (1e-16 at step 1, grown by the d feedback).
"""

import json
from pathlib import Path

import numpy as np
import pytest
from test_optim_reference import SURFACES  # the same surfaces, defined once

import optim

FIXTURES = {
    name: json.loads((Path(__file__).parent / "fixtures" / f"{name}.json").read_text())
    for name in ("newer_optimizers", "adan_lamb_lars")
}
FIXTURE = FIXTURES["newer_optimizers"]
GRADIENTS = {name: grad for name, (grad, _) in SURFACES.items()}
CASES = [case for fixture in FIXTURES.values() for case in fixture["cases"]]


def _kwargs(case):
    return {
        k: tuple(v) if isinstance(v, list) and k != "inner" else v
        for k, v in case["kwargs"].items()
    }


def build(case):
    """Our optimizer for a case (a wrapper builds its inner optimizer first)."""
    kwargs = _kwargs(case)
    if "inner" in kwargs:
        name, inner = kwargs.pop("inner")
        inner = {k: tuple(v) if isinstance(v, list) else v for k, v in inner.items()}
        return getattr(optim, case["optimizer"])(getattr(optim, name)(**inner), **kwargs)
    return getattr(optim, case["optimizer"])(**kwargs)


def _case_id(case):
    return f"{case['optimizer']}-{case['surface']}-" + ",".join(
        f"{k}={v}" for k, v in case["kwargs"].items()
    ).replace(" ", "")


@pytest.mark.parametrize("fixture", FIXTURES.values(), ids=list(FIXTURES))
def test_fixture_names_the_versions_that_made_it(fixture):
    assert fixture["dtype"] == "float64" and fixture["versions"]["torch"]
    assert fixture["steps"] == FIXTURE["steps"]  # the trajectory test steps them all alike
    references = {case["reference"].split(":")[0] for case in fixture["cases"]}
    assert references <= set(fixture["versions"])


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_trajectory_matches_the_reference_package(case):
    expected = np.array(case["paths"]).transpose(1, 0, 2)  # (steps + 1, starts, 2)
    x0 = np.array(case["starts"], dtype=float)
    result = optim.run(build(case), GRADIENTS[case["surface"]], x0, FIXTURE["steps"])
    assert np.all(result.diverged_at == -1)
    np.testing.assert_allclose(result.path, expected, rtol=1e-10, atol=1e-12)
    assert np.ptp(expected[:, :, 0]) > 0.1  # the paths go somewhere: a real comparison


AVERAGED = [c for c in CASES if "averages" in c]


@pytest.mark.parametrize("case", AVERAGED, ids=[_case_id(c) for c in AVERAGED])
def test_schedule_free_keeps_the_references_average_x_in_its_state(case):
    """The trajectory is y (train mode's p); x, what schedulefree reports in eval mode, must
    be the state's x at every step."""
    opt = build(case)
    grad_fn = GRADIENTS[case["surface"]]
    params = np.array(case["starts"], dtype=float)
    state, xs = opt.init(params), [params]
    for _ in range(FIXTURE["steps"]):
        updates, state = opt.update(grad_fn(params), state, params)
        params = params + updates
        xs.append(state.x)
    expected = np.array(case["averages"]).transpose(1, 0, 2)
    np.testing.assert_allclose(np.array(xs), expected, rtol=1e-10, atol=1e-12)
    paths = np.array(case["paths"]).transpose(1, 0, 2)
    assert np.max(np.abs(expected - paths)) > 1e-3  # x and y differ: the check has teeth


@pytest.mark.parametrize(
    ("factory", "kwargs", "word"),
    [
        (optim.adan, {"beta3": 1.0}, "beta3"),
        (optim.adan, {"betas": (0.9,)}, "betas"),
        (optim.adan, {"weight_decay": -0.1}, "weight_decay"),
        (optim.adan, {"lr": float("nan"), "weight_decay": 0.1}, "lr"),
        (optim.lamb, {"clamp": -1.0}, "clamp"),
        (optim.lamb, {"grad_averaging": "yes"}, "grad_averaging"),
        (optim.lamb, {"eps": float("inf")}, "eps"),
        (optim.lamb, {"lr": -1.0}, "lr"),
        (optim.lars, {"trust_coefficient": -1e-3}, "trust_coefficient"),
        (optim.lars, {"momentum": 1.5}, "momentum"),
        (optim.lars, {"dampening": np.array([[0.1], [2.0]])}, "dampening"),
        (optim.lars, {"lr": "fast"}, "lr"),
    ],
)
def test_adan_lamb_lars_refuse_bad_hyperparameters_by_name(factory, kwargs, word):
    with pytest.raises(ValueError, match=word):
        factory(**kwargs)
