"""SAM and SophiaH, the optimizers that ask for more than the gradient, and the extras protocol.

tests/fixtures/sam_sophia.json was written by tests/record_sam_sophia.py from the authors' SAM
(davda54/sam) over torch.optim's SGD and Adam, and from pytorch-optimizer's SophiaH (float64;
versions in the fixture), each start with its own reference optimizer. Here ``optim.run``
steps all starts at once, handing SAM the closed-form gradient and Sophia the closed-form
Hessian-vector product; every point must agree to 1e-10 (relative). The Hutchinson vectors
are the fixture's: the recorder fed the reference, for every start, the vectors
``optim.sophia`` draws (one per estimate, shared by all points), and the test checks they are
those.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_optim_properties import values_strategy
from test_optim_reference import SURFACES, A

import optim
from optim.sophia import hutchinson_vector

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "sam_sophia.json").read_text())
CASES = FIXTURE["cases"]
GRADIENTS = {name: grad for name, (grad, _) in SURFACES.items()}


def rosenbrock_hessian(p):
    x, y = p[..., 0], p[..., 1]
    h = np.empty((*p.shape[:-1], 2, 2))
    h[..., 0, 0] = 2 - 400 * (y - x * x) + 800 * x * x
    h[..., 0, 1] = h[..., 1, 0] = -400 * x
    h[..., 1, 1] = 200.0
    return h


HVPS = {
    "quadratic": lambda p, v: v @ A,
    "rosenbrock": lambda p, v: np.einsum("...ij,...j->...i", rosenbrock_hessian(p), v),
}


def build(case):
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}
    return getattr(optim, case["optimizer"])(**kwargs)


def _case_id(case):
    return f"{case['optimizer']}-{case['surface']}-" + ",".join(
        f"{k}={v}" for k, v in case["kwargs"].items()
    ).replace(" ", "")


def test_fixture_names_the_versions_that_made_it():
    assert FIXTURE["dtype"] == "float64" and FIXTURE["versions"]["torch"]
    assert FIXTURE["versions"]["pytorch_optimizer"] == "4.1.0"
    assert len(FIXTURE["versions"]["sam"]) == 40  # the davda54/sam commit


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_trajectory_matches_the_reference(case):
    expected = np.array(case["paths"]).transpose(1, 0, 2)  # (steps + 1, starts, 2)
    x0 = np.array(case["starts"], dtype=float)
    grad_fn, hvp_fn = GRADIENTS[case["surface"]], HVPS[case["surface"]]
    result = optim.run(build(case), grad_fn, x0, FIXTURE["steps"], hvp_fn=hvp_fn)
    assert np.all(result.diverged_at == -1)
    np.testing.assert_allclose(result.path, expected, rtol=1e-10, atol=1e-12)
    assert np.ptp(expected[:, :, 0]) > 0.1  # the paths go somewhere: a real comparison


SAM_CASES = [c for c in CASES if "probes" in c]


@pytest.mark.parametrize("case", SAM_CASES, ids=[_case_id(c) for c in SAM_CASES])
def test_sam_keeps_the_references_probe_point_in_its_state(case):
    opt, grad_fn = build(case), GRADIENTS[case["surface"]]
    params = np.array(case["starts"], dtype=float)
    state, probes = opt.init(params), []
    for _ in range(FIXTURE["steps"]):
        updates, state = opt.update(grad_fn(params), state, params, grad_fn=grad_fn)
        params = params + updates
        probes.append(state.probe)
    expected = np.array(case["probes"]).transpose(1, 0, 2)
    np.testing.assert_allclose(np.array(probes), expected, rtol=1e-10, atol=1e-12)
    paths = np.array(case["paths"]).transpose(1, 0, 2)[:-1]
    assert np.min(np.abs(expected - paths).max(axis=-1)) > 1e-4  # the probe is elsewhere


HUTCHINSON = [c for c in CASES if "vectors" in c]


@pytest.mark.parametrize("case", HUTCHINSON, ids=[_case_id(c) for c in HUTCHINSON])
def test_sophia_draws_the_vectors_the_reference_was_given(case):
    seed = case["kwargs"].get("seed", 0)
    drawn = [hutchinson_vector(seed, j, 2) for j in range(len(case["vectors"]))]
    np.testing.assert_array_equal(np.array(drawn), np.array(case["vectors"]))


# ---------------------------------------------------------------- the extras protocol

QUADRATIC_GRAD, QUADRATIC_HVP = GRADIENTS["quadratic"], HVPS["quadratic"]
STARTS = np.array([[2.0, -1.5], [-1.0, 2.5], [0.3, 0.1]])


def test_run_refuses_an_optimizer_that_asks_for_hvp_fn_without_one():
    with pytest.raises(ValueError, match=r"asks for Hessian-vector products \(hvp_fn\)"):
        optim.run(optim.sophia(), QUADRATIC_GRAD, STARTS, 3)
    with pytest.raises(ValueError, match=r"\(hvp_fn\)"):
        optim.run(optim.sam(optim.sophia()), QUADRATIC_GRAD, STARTS, 3, record=False)
    with pytest.raises(ValueError, match=r"exact Hessian diagonal .*\(hessian_diagonal_fn\)"):
        optim.run(optim.sophia(exact_hessian=True), QUADRATIC_GRAD, STARTS, 3)


def test_extras_names_what_is_asked_and_refuses_unknown_names():
    assert optim.sam_adam().asks == {"grad_fn"} and optim.sophia().asks == {"hvp_fn"}
    assert optim.sophia(exact_hessian=True).asks == {"hessian_diagonal_fn"}
    assert optim.adam().asks == frozenset() and optim.extras(optim.adam(), grad_fn=len) == {}
    assert optim.extras(optim.sam_sgd(), grad_fn=len, hvp_fn=None) == {"grad_fn": len}
    odd = optim.GradientTransformation(lambda p: (), lambda g, s, p: (g, s), asks={"curl_fn"})
    with pytest.raises(ValueError, match="curl_fn"):
        optim.extras(odd)


def test_chain_asks_for_the_union_and_hands_each_part_only_its_own():
    seen = []

    def spy(asks):
        def update(g, state, params=None, **extras):
            seen.append(sorted(extras))
            return g, state

        return optim.GradientTransformation(lambda p: (), update, asks=frozenset(asks))

    plain = optim.clip_by_norm(1.0)  # its update takes no extras: a TypeError if handed any
    chained = optim.chain(plain, spy({"hvp_fn"}), spy(()), spy({"grad_fn", "hvp_fn"}))
    assert chained.asks == {"grad_fn", "hvp_fn"}
    optim.run(chained, QUADRATIC_GRAD, STARTS, 2, hvp_fn=QUADRATIC_HVP)
    assert seen == [["hvp_fn"], [], ["grad_fn", "hvp_fn"]] * 2


def test_run_hands_asked_grad_fn_to_the_optimizer_and_steps_with_grad_fn():
    """The Atlas's grad_fn observes each step's points; SAM's probes must not reach it."""
    observed, asked = [], []

    def observing(points):
        observed.append(points.copy())
        return QUADRATIC_GRAD(points)

    def plain(points):
        asked.append(points.copy())
        return QUADRATIC_GRAD(points)

    result = optim.run(optim.sam_sgd(lr=0.1), observing, STARTS, 4, asked_grad_fn=plain)
    np.testing.assert_array_equal(np.array(observed), result.path[:-1])
    assert len(asked) == 4 and not np.allclose(asked[0], STARTS)  # the probes


def test_sam_over_sophia_is_handed_both_extras():
    opt = optim.sam(optim.sophia(lr=0.2, rho=1.0, update_period=1), rho=0.1)
    assert opt.asks == {"grad_fn", "hvp_fn"}
    result = optim.run(opt, QUADRATIC_GRAD, STARTS, 200, hvp_fn=QUADRATIC_HVP)
    np.testing.assert_allclose(
        result.final, np.linalg.solve(A, [1.0, -0.5])[None].repeat(3, 0), atol=0.05
    )


def test_lookahead_passes_what_its_inner_optimizer_asks_for():
    """Lookahead over SAM: k SAM steps, then the pull back to the slow weights, by hand."""
    k, alpha = 3, 0.5
    opt = optim.lookahead(optim.sam_adam(lr=0.05, rho=0.1), k=k, alpha=alpha)
    assert opt.asks == {"grad_fn"}
    got = optim.run(opt, QUADRATIC_GRAD, STARTS, 2 * k).path
    inner, x, slow = optim.sam_adam(lr=0.05, rho=0.1), STARTS.copy(), STARTS.copy()
    state = inner.init(x)
    for t in range(1, 2 * k + 1):
        step, state = inner.update(QUADRATIC_GRAD(x), state, x, grad_fn=QUADRATIC_GRAD)
        x = x + step
        if t % k == 0:
            slow = slow + alpha * (x - slow)
            x = slow.copy()
        np.testing.assert_allclose(got[t], x, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- properties


def test_sam_with_rho_zero_is_its_base_optimizer():
    sam = optim.run(optim.sam_adam(lr=0.05, rho=0.0), QUADRATIC_GRAD, STARTS, 50)
    adam = optim.run(optim.adam(lr=0.05), QUADRATIC_GRAD, STARTS, 50)
    np.testing.assert_array_equal(sam.path, adam.path)


def test_sam_probe_lies_rho_uphill_along_the_gradient():
    rho = np.array([[0.1], [0.5], [1.0]])  # one radius per point (as the Atlas passes them)
    opt = optim.sam_sgd(lr=0.01, rho=rho)
    state = opt.init(STARTS)
    g = QUADRATIC_GRAD(STARTS)
    _, state = opt.update(g, state, STARTS, grad_fn=QUADRATIC_GRAD)
    expected = STARTS + rho * g / np.linalg.norm(g, axis=-1, keepdims=True)
    np.testing.assert_allclose(state.probe, expected, rtol=1e-12)


def test_adaptive_sam_climbs_by_theta_squared():
    """ASAM: e = ρ·θ²⊙g/(‖|θ|⊙g‖ + 10⁻¹²) (Kwon et al. 2021), by hand."""
    opt = optim.sam_sgd(lr=0.01, rho=0.2, adaptive=True)
    g = QUADRATIC_GRAD(STARTS)
    _, state = opt.update(g, opt.init(STARTS), STARTS, grad_fn=QUADRATIC_GRAD)
    norm = np.linalg.norm(np.abs(STARTS) * g, axis=-1, keepdims=True) + 1e-12  # as the authors'
    np.testing.assert_allclose(state.probe, STARTS + 0.2 * STARTS**2 * g / norm, rtol=1e-12)


def test_sophia_with_the_exact_diagonal_takes_newtons_step_on_a_separable_bowl():
    """J = ½(4x² + 0.25y²): with β₁ = β₂ = 0, k = 1 and α = 1, m/h = g/diag H = θ − θ*, so one
    step lands on the minimum from anywhere within ρ of it per coordinate."""
    curvature = np.array([4.0, 0.25])
    opt = optim.sophia(lr=1.0, betas=(0.0, 0.0), rho=10.0, update_period=1, exact_hessian=True)
    diagonal = {"hessian_diagonal_fn": lambda p: np.broadcast_to(curvature, p.shape)}
    result = optim.run(opt, lambda p: p * curvature, STARTS, 1, **diagonal)
    np.testing.assert_allclose(result.path[1], 0.0, atol=1e-15)
    # from hvp_fn alone, run takes the diagonal from one product per coordinate
    result = optim.run(opt, lambda p: p * curvature, STARTS, 1, hvp_fn=lambda p, v: v * curvature)
    np.testing.assert_allclose(result.path[1], 0.0, atol=1e-15)


def test_sophia_clips_each_coordinate_to_rho():
    """With h ≈ 0 (a flat direction) m/h is huge and the step is exactly α·ρ per coordinate."""
    opt = optim.sophia(lr=0.1, rho=0.3, betas=(0.5, 0.9), update_period=1, exact_hessian=True)
    result = optim.run(opt, lambda p: np.ones_like(p), STARTS, 3, hvp_fn=lambda p, v: 0 * v)
    np.testing.assert_allclose(np.diff(result.path, axis=0), -0.03, rtol=1e-12)


def test_hutchinson_estimate_is_unbiased():
    """E[z⊙Hz] = diag H for z ~ N(0, I): the mean over 20,000 estimates, within 4 standard
    errors (Var(z₁(Hz)₁) = 2H₁₁² + H₁₂², so about 0.1 here)."""
    z = np.array([hutchinson_vector(0, j, 2) for j in range(20_000)])
    estimates = z * (z @ A)
    error = np.sqrt((2 * np.diag(A) ** 2 + A[0, 1] ** 2) / len(z))
    np.testing.assert_array_less(np.abs(estimates.mean(axis=0) - np.diag(A)), 4 * error)


def test_hessian_diagonal_from_hvp_and_central_differences_match_the_closed_form():
    points = SURFACES["rosenbrock"][1]
    exact = rosenbrock_hessian(points)
    diagonal = optim.hessian_diagonal(HVPS["rosenbrock"], points)
    np.testing.assert_array_equal(diagonal, np.diagonal(exact, axis1=-2, axis2=-1))
    v = np.array([[0.3, -1.0], [2.0, 0.5], [-1.0, -1.0]])
    approximate = optim.central_difference_hvp(GRADIENTS["rosenbrock"])(points, v)
    np.testing.assert_allclose(approximate, np.einsum("nij,nj->ni", exact, v), rtol=1e-8)
    assert np.all(optim.central_difference_hvp(GRADIENTS["rosenbrock"])(points, 0 * v) == 0)


@pytest.mark.parametrize("name", ["sam_sgd", "sam_adam", "sophia"])
def test_rows_with_their_own_hyperparameters_match_single_point_runs(name):
    """The Atlas passes one value per row; each row must be its own run (Sophia's Hutchinson
    vector is shared by all points, so it does not depend on how many are stepped at once)."""
    spec = optim.OPTIMIZERS[name]
    lrs = np.array([[0.01], [0.03], [0.1]])
    batched = optim.run(spec.build(lr=lrs), QUADRATIC_GRAD, STARTS, 30, hvp_fn=QUADRATIC_HVP)
    for i, lr in enumerate(lrs[:, 0]):
        single = optim.run(
            spec.build(lr=float(lr)),
            QUADRATIC_GRAD,
            STARTS[i : i + 1],
            30,
            hvp_fn=QUADRATIC_HVP,
        )
        np.testing.assert_allclose(batched.path[:, i], single.path[:, 0], rtol=1e-13)


def saddle_grad(p):  # J = x² − y²: unbounded below, so points run away
    return p * np.array([2.0, -2.0])


PROPERTY_SURFACES = [
    (QUADRATIC_GRAD, QUADRATIC_HVP),
    (GRADIENTS["rosenbrock"], HVPS["rosenbrock"]),
    (saddle_grad, lambda p, v: v * np.array([2.0, -2.0])),
    (np.zeros_like, lambda p, v: np.zeros_like(v)),
]


coordinate = st.floats(-1e8, 1e8, allow_nan=False, allow_infinity=False)
starts = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=4).map(np.array)


@pytest.mark.parametrize("name", ["sam_sgd", "sam_adam", "sophia"])
@settings(max_examples=30, deadline=None)
@given(data=st.data(), x0=starts, surface=st.sampled_from(PROPERTY_SURFACES), record=st.booleans())
def test_any_values_in_range_run_cleanly(name, data, x0, surface, record):
    spec = optim.OPTIMIZERS[name]
    values = data.draw(values_strategy(spec))
    grad_fn, hvp_fn = surface
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = optim.run(spec.build(**values), grad_fn, x0, 40, record=record, hvp_fn=hvp_fn)
    assert np.all(np.isfinite(result.final))
    healthy = result.diverged_at == -1
    assert np.all(np.abs(result.final[healthy]) <= 1e6)
    assert np.all((result.diverged_at == -1) | (result.diverged_at >= 1))
