"""Muon against Keller Jordan's own code, and the Newton–Schulz iteration against closed forms.

tests/fixtures/muon.json was written by tests/record_muon.py from muon-optimizer 0.1.0 (his
``muon.py``) run in float64 (his bfloat16 cast made the identity; the versions are in the
fixture): 1×2 points of the test surfaces (``optim.run`` steps all starts at once), 5×3 and
3×5 matrices (all starts as one batch over the leading axis), and Muon + AdamW training a
small tanh network on the hidden weight matrices with Adam on the rest. Every point of every
path must agree to 1e-10 (relative). PyTorch is not needed.
"""

import json
from functools import reduce
from pathlib import Path

import numpy as np
import pytest
from test_optim_reference import SURFACES

import lab
import optim
from optim.orthogonalize import NS_COEFFICIENTS, newton_schulz, newton_schulz_rows

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "muon.json").read_text())
CASES = FIXTURE["cases"]


def _kwargs(case) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}


def _cases(kind):
    chosen = [c for c in CASES if c["kind"] == kind]
    ids = [
        f"{kind}-{c.get('surface', c.get('shape'))}-{c['kwargs']}".replace(" ", "") for c in chosen
    ]
    return pytest.mark.parametrize("case", chosen, ids=ids)


def stepped(opt, grad_fn, params, steps) -> np.ndarray:
    """params, then params + update after each of ``steps`` gradients (start included)."""
    state, path = opt.init(params), [params]
    for _ in range(steps):
        updates, state = opt.update(grad_fn(params), state, params)
        params = params + updates
        path.append(params)
    return np.array(path)


def test_fixture_names_the_versions_that_made_it():
    assert FIXTURE["dtype"] == "float64"
    assert FIXTURE["versions"]["muon-optimizer"] == "0.1.0" and FIXTURE["versions"]["torch"]
    assert {c["kind"] for c in CASES} == {"points", "matrices", "network"}


@_cases("points")
def test_points_match_the_reference(case):
    grad_fn, _ = SURFACES[case["surface"]]
    result = optim.run(
        optim.muon(**_kwargs(case)), grad_fn, np.array(case["starts"]), FIXTURE["steps"]
    )
    expected = np.array(case["paths"]).transpose(1, 0, 2)  # (steps + 1, starts, 2)
    assert np.all(result.diverged_at == -1)
    np.testing.assert_allclose(result.path, expected, rtol=1e-10, atol=1e-12)
    assert np.min(np.linalg.norm(expected[-1] - expected[0], axis=-1)) > 0.1  # they move


@_cases("matrices")
def test_matrices_match_the_reference(case):
    a, c = np.array(case["a"]), np.array(case["c"])
    opt = optim.muon(**_kwargs(case), matrices=True)
    path = stepped(opt, lambda w: a.T @ (a @ w - c), np.array(case["starts"]), FIXTURE["steps"])
    expected = np.array(case["paths"]).transpose(1, 0, 2, 3)  # (steps + 1, starts, rows, cols)
    np.testing.assert_allclose(path, expected, rtol=1e-10, atol=1e-12)
    assert np.min(np.abs(expected[-1] - expected[0]).max(axis=(-2, -1))) > 0.3


@_cases("network")
def test_muon_adamw_trains_the_network_as_the_reference(case):
    network = lab.MLP(tuple(case["hidden"]), case["activation"])
    x, y = np.array(case["x"]), np.array(case["y"])
    opt = optim.muon_adamw(**_kwargs(case), layout=network.layout)
    grad_fn = lambda theta: network.loss_and_grad(theta, x, y)[1]  # noqa: E731
    path = stepped(opt, grad_fn, network.init(case["seed"]), FIXTURE["network_steps"])
    np.testing.assert_allclose(path, np.array(case["path"]), rtol=1e-10, atol=1e-12)
    assert network.loss(path[-1], x, y) < 0.9 * network.loss(path[0], x, y)


# ---------------------------------------------------------------- closed forms


def quintic_power(sigma, steps=5):
    """σ after ``steps`` applications of σ ← aσ + bσ³ + cσ⁵."""
    a, b, c = NS_COEFFICIENTS
    return reduce(lambda s, _: a * s + b * s**3 + c * s**5, range(steps), sigma)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 6)])
def test_newton_schulz_keeps_the_singular_vectors_and_maps_each_singular_value(shape):
    """G = U·S·Vᵀ gives U·p(S/(‖G‖_F + 10⁻⁷))·Vᵀ, p the quintic applied five times."""
    g = np.random.default_rng(3).normal(size=shape) * 2.0
    u, s, vt = np.linalg.svd(g, full_matrices=False)
    expected = (u * quintic_power(s / (np.linalg.norm(g) + 1e-7))) @ vt
    np.testing.assert_allclose(newton_schulz(g), expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(newton_schulz(g.T), expected.T, rtol=1e-12, atol=1e-13)


def test_newton_schulz_batches_over_leading_axes():
    g = np.random.default_rng(4).normal(size=(3, 2, 5, 3))
    each = np.array([[newton_schulz(m) for m in row] for row in g])
    np.testing.assert_allclose(newton_schulz(g), each, rtol=1e-14, atol=1e-15)


def test_the_rows_form_equals_the_matrix_form_on_1_by_d():
    u = np.random.default_rng(5).normal(size=(200, 3)) * np.logspace(-9, 4, 200)[:, None]
    u[0] = 0.0
    matrix = newton_schulz(u[:, None, :], 5)[:, 0, :]
    np.testing.assert_allclose(newton_schulz_rows(u, 5), matrix, rtol=1e-13, atol=1e-300)
    assert np.all(newton_schulz_rows(u, 5)[0] == 0.0)  # a zero gradient: no step, no NaN


def test_each_point_step_is_normalized_momentum_of_one_length():
    """On (n, 2) points each step is −α·p(1)·u/‖u‖ with p(1) = 0.6964…: the brief's ≈ 0.7."""
    grad_fn, starts = SURFACES["rosenbrock"]
    lr = 0.01
    path = optim.run(optim.muon(lr=lr), grad_fn, starts, 30).path
    lengths = np.linalg.norm(np.diff(path, axis=0), axis=-1)
    np.testing.assert_allclose(lengths, lr * quintic_power(1.0), rtol=1e-6)
    assert quintic_power(1.0) == pytest.approx(0.6964, abs=1e-4)


def test_tall_matrices_are_scaled_by_the_root_of_their_aspect_ratio():
    """One step from zero momentum with μ = 0: −α·NS(g)·√max(1, m/n)."""
    g = np.random.default_rng(6).normal(size=(6, 2))
    for matrix, scale in ((g, np.sqrt(3.0)), (g.T, 1.0)):
        opt = optim.muon(lr=1.0, momentum=0.0, matrices=True)
        update, _ = opt.update(matrix, opt.init(matrix), matrix)
        np.testing.assert_allclose(update, -scale * newton_schulz(matrix), rtol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"momentum": 1.0}, "momentum"),
        ({"ns_steps": 0}, "ns_steps"),
        ({"ns_steps": 2.5}, "ns_steps"),
        ({"nesterov": "yes"}, "nesterov"),
        ({"matrices": 1}, "matrices"),
        ({"weight_decay": -0.1}, "weight_decay"),
    ],
)
def test_bad_hyperparameters_name_the_argument(kwargs, word):
    with pytest.raises(ValueError, match=word):
        optim.muon(**kwargs)


def test_matrices_need_two_axes():
    opt = optim.muon(matrices=True)
    with pytest.raises(ValueError, match="matrices"):
        opt.update(np.ones(3), opt.init(np.ones(3)), np.ones(3))


# ---------------------------------------------------------------- registry


def test_registry_offers_muon_on_surfaces_and_muon_adamw_for_networks():
    muon, both = optim.OPTIMIZERS["muon"], optim.OPTIMIZERS["muon_adamw"]
    assert muon.factory is optim.muon and not muon.needs_layout
    assert "1×2 matrix" in muon.description and "m/‖m‖" in muon.description
    assert both.factory is optim.muon_adamw and both.needs_layout
    reference = {"lr": 0.02, "momentum": 0.95, "ns_steps": 5, "weight_decay": 0.0}
    reference |= {"adam_lr": 3e-4, "beta1": 0.9, "beta2": 0.95, "eps": 1e-10}
    assert both.library_defaults() == reference  # SingleDeviceMuonWithAuxAdam's defaults


def test_registry_builds_muon_adamw_from_a_layout():
    """With the network's layout the hidden matrices step as Muon; without one, as AdamW."""
    network = lab.MLP((4, 6, 5), "tanh")
    theta = network.init(1)
    grad = np.random.default_rng(7).normal(size=theta.shape)
    spec = optim.OPTIMIZERS["muon_adamw"]
    library = spec.library_defaults()  # the lab's starting values
    with_layout = spec.build(layout=network.layout, **library)
    update, _ = with_layout.update(grad, with_layout.init(theta), theta)
    hidden = network.layout.views["W2"]
    nesterov = 0.05 * grad + 0.95 * (0.05 * grad)  # (1−μ)g + μm₁ with m₁ = (1−μ)g
    expected = -0.02 * newton_schulz(hidden.of(nesterov)) * np.sqrt(6 / 4)  # seen 6×4: tall
    np.testing.assert_allclose(hidden.of(update), expected, rtol=1e-12)
    plain = spec.build(**library)
    adamw = optim.adamw(lr=3e-4, betas=(0.9, 0.95), eps=1e-10, weight_decay=0.0)
    np.testing.assert_array_equal(
        plain.update(grad, plain.init(theta), theta)[0],
        adamw.update(grad, adamw.init(theta), theta)[0],
    )


def test_per_point_hyperparameters_step_each_point_as_its_own_run():
    """The Atlas hands one value per point as an (n, 1) array: each row must move as a run
    with that row's values alone."""
    grad_fn, starts = SURFACES["quadratic"]
    lr = np.array([[0.01], [0.05], [0.2]])
    momentum = np.array([[0.0], [0.9], [0.5]])
    together = optim.run(optim.muon(lr=lr, momentum=momentum), grad_fn, starts, 25).path
    for i, start in enumerate(starts):
        alone = optim.muon(lr=float(lr[i, 0]), momentum=float(momentum[i, 0]))
        single = optim.run(alone, grad_fn, start[None], 25).path[:, 0]
        np.testing.assert_array_equal(together[:, i], single)
