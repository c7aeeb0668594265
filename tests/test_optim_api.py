"""optim's API: validation, schedules, transforms, run's bookkeeping and fused path, registry."""

import inspect
import re
import threading

import numpy as np
import pytest

import optim
import optim.runner as runner

A = np.array([[2.0, 0.7], [0.7, 1.0]])  # J = ½ θᵀAθ, minimum 0 at the origin


def quadratic(p):
    return 0.5 * np.einsum("...i,ij,...j->...", p, A, p)


def quadratic_grad(p):
    return p @ A


STARTS = np.random.default_rng(11).uniform(-2.5, 2.5, size=(10, 2))


def share_points(monkeypatch, cores, share_points):
    """Make run split the points of a fused form among ``cores`` threads, each with at least
    ``share_points`` points (the machine's real cores do not matter here)."""
    monkeypatch.setattr(runner, "CORES", cores)
    monkeypatch.setattr(runner, "SHARE_POINTS", share_points)


def pure_loop(opt, grad, x, steps):
    """Drive init/update by hand: the readable reference for run and Adam's fused form."""
    state, path = opt.init(x), [x]
    for _ in range(steps):
        updates, state = opt.update(grad(x), state, x)
        x = x + updates
        path.append(x)
    return np.array(path)


# ---------------------------------------------------------------- validation

BAD = [
    (optim.sgd, {"lr": -0.1}, "lr"),
    (optim.gd, {"lr": float("nan")}, "lr"),
    (optim.adam, {"lr": "fast"}, "lr"),
    (optim.adam, {"lr": np.array([[0.1], [-0.1]])}, "lr"),
    (optim.adam, {"betas": (1.0, 0.999)}, r"betas\[0\]"),
    (optim.adam, {"betas": (0.9, -0.1)}, r"betas\[1\]"),
    (optim.lion, {"betas": (0.9,)}, "betas"),
    (optim.adam, {"eps": -1e-8}, "eps"),
    (optim.adam, {"weight_decay": -0.1}, "weight_decay"),
    (optim.adam, {"amsgrad": "yes"}, "amsgrad"),
    (optim.sgd, {"nesterov": True}, "momentum"),
    (optim.sgd, {"momentum": 0.9, "dampening": 0.1, "nesterov": True}, "dampening"),
    (optim.sgd, {"momentum": -0.5}, "momentum"),
    (optim.sgd, {"dampening": 1.5}, "dampening"),
    (optim.nesterov, {"momentum": 0.0}, "momentum"),
    (optim.momentum, {"beta": 1.0}, "beta"),
    (optim.rmsprop, {"alpha": 1.0}, "alpha"),
    (optim.rmsprop, {"alpha": -0.2}, "alpha"),
    (optim.rmsprop, {"centered": 1}, "centered"),
    (optim.adagrad, {"lr_decay": -1.0}, "lr_decay"),
    (optim.adagrad, {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
    (optim.adadelta, {"rho": 1.5}, "rho"),
    (optim.nadam, {"momentum_decay": -0.004}, "momentum_decay"),
    (optim.clip_by_norm, {"max_norm": -1.0}, "max_norm"),
    (optim.clip_by_value, {"max_value": float("inf")}, "max_value"),
    (optim.add_noise, {"sigma": -1.0}, "sigma"),
    (optim.trace, {"beta": 0.9, "init": "ones"}, "init"),
    (optim.step_schedule, {"init_value": 0.1, "step_size": 0}, "step_size"),
    (optim.step_schedule, {"init_value": 0.1, "step_size": 2.5}, "step_size"),
    (optim.add_noise, {"sigma": 0.1, "seed": 1.5}, "seed"),
    (optim.cosine_schedule, {"init_value": -0.1, "decay_steps": 10}, "init_value"),
    (optim.adopt, {"betas": (0.9, 1.0)}, r"betas\[1\]"),
    (optim.adopt, {"eps": -1e-6}, "eps"),
    (optim.adopt, {"clip": "no"}, "clip"),
    (optim.adopt, {"decouple": 1}, "decouple"),
    (optim.adopt, {"weight_decay": float("inf")}, "weight_decay"),
    (optim.sgd_schedule_free, {"momentum": 1.0}, "momentum"),
    (optim.sgd_schedule_free, {"warmup_steps": 2.5}, "warmup_steps"),
    (optim.sgd_schedule_free, {"r": -1.0}, "r"),
    (optim.sgd_schedule_free, {"weight_lr_power": float("nan")}, "weight_lr_power"),
    (optim.adamw_schedule_free, {"betas": (1.0, 0.999)}, r"betas\[0\]"),
    (optim.adamw_schedule_free, {"eps": -1.0}, "eps"),
    (optim.adamw_schedule_free, {"lr": -0.1}, "lr"),
    (optim.prodigy, {"d0": 0.0}, "d0"),
    (optim.prodigy, {"beta3": 1.5}, "beta3"),
    (optim.prodigy, {"growth_rate": 0.5}, "growth_rate"),
    (optim.prodigy, {"d_coef": -1.0}, "d_coef"),
    (optim.prodigy, {"safeguard_warmup": "on"}, "safeguard_warmup"),
    (optim.prodigy, {"use_bias_correction": None}, "use_bias_correction"),
    (optim.ademamix, {"beta3": 1.0}, "beta3"),
    (optim.ademamix, {"alpha": -1.0}, "alpha"),
    (optim.ademamix, {"t_alpha_beta3": -5.0}, "t_alpha_beta3"),
    (optim.ademamix, {"beta3": 0.0, "t_alpha_beta3": 10.0}, "beta3"),
    (optim.ademamix, {"decouple": "yes"}, "decouple"),
    (optim.lookahead_adam, {"k": 0}, "k"),
    (optim.adabelief, {"eps": -1e-16}, "eps"),
    (optim.adabelief, {"decouple": "no"}, "decouple"),
    (optim.yogi, {"initial_accumulator": -1.0}, "initial_accumulator"),
    (optim.yogi, {"betas": (0.9, 1.0)}, r"betas\[1\]"),
    (optim.signum, {"momentum": 1.0}, "momentum"),
    (optim.signum, {"weight_decay": -0.1}, "weight_decay"),
    (optim.lookahead_adam, {"k": 2.5}, "k"),
    (optim.lookahead_adam, {"alpha": 1.5}, "alpha"),
    (optim.lookahead, {"inner": optim.gd(), "alpha": np.array([0.5, 0.6])}, "alpha"),
]


@pytest.mark.parametrize(("factory", "kwargs", "word"), BAD)
def test_bad_hyperparameters_raise_value_error_naming_them(factory, kwargs, word):
    with pytest.raises(ValueError, match=word):
        factory(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"x0": np.zeros(2)}, "x0"),
        ({"x0": [[np.nan, 0.0]]}, "x0"),
        ({"x0": [["a", "b"]]}, "x0"),
        ({"steps": -1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"bound": 0.0}, "bound"),
        ({"grad_fn": lambda p: p[:, :1]}, "grad_fn"),
    ],
)
def test_bad_run_arguments_raise_value_error_naming_them(kwargs, word):
    arguments = {"opt": optim.gd(), "grad_fn": quadratic_grad, "x0": STARTS, "steps": 3} | kwargs
    with pytest.raises(ValueError, match=word):
        optim.run(**arguments)


def test_factory_defaults_are_torchs():
    expected = {
        "sgd": {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False},
        "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "momentum": 0, "centered": False},
        "adagrad": {"lr": 1e-2, "lr_decay": 0, "initial_accumulator_value": 0, "eps": 1e-10},
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0},
        "adam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "amsgrad": False},
        "adamw": {"lr": 1e-3, "weight_decay": 1e-2, "amsgrad": False},
        "adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8},
        "nadam": {"lr": 2e-3, "momentum_decay": 4e-3, "decoupled_weight_decay": False},
        "radam": {"lr": 1e-3, "eps": 1e-8, "decoupled_weight_decay": False},
        "lion": {"lr": 1e-4, "betas": (0.9, 0.99), "weight_decay": 0},
        # pytorch-optimizer's ADOPT (not in torch.optim)
        "adopt": {"lr": 1e-3, "betas": (0.9, 0.9999), "eps": 1e-6, "weight_decay": 0},
        # schedulefree's reference classes
        "sgd_schedule_free": {"lr": 1.0, "momentum": 0.9, "warmup_steps": 0, "r": 0},
        "adamw_schedule_free": {"lr": 0.0025, "betas": (0.9, 0.999), "eps": 1e-8},
        "prodigy": {"lr": 1.0, "d0": 1e-6, "decouple": True, "safeguard_warmup": False},
        # pytorch-optimizer's AdaBelief, Yogi and SignSGD
        "adabelief": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-16, "decouple": True},
        "yogi": {"lr": 1e-2, "eps": 1e-3, "initial_accumulator": 1e-6, "decouple": True},
        "signum": {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0, "decouple": True},
        # pytorch-optimizer's AdEMAMix: betas (0.9, 0.999, 0.9999), alpha 5, no warm-up
        "ademamix": {"lr": 1e-3, "betas": (0.9, 0.999), "beta3": 0.9999, "alpha": 5.0},
    }
    for name, defaults in expected.items():
        signature = inspect.signature(getattr(optim, name)).parameters
        assert {k: signature[k].default for k in defaults} == defaults, name


# ---------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (optim.constant_schedule(0.3), lambda t: 0.3),
        (optim.step_schedule(0.1, step_size=3, gamma=0.5), lambda t: 0.1 * 0.5 ** (t // 3)),
        (optim.exponential_schedule(0.2, gamma=0.9), lambda t: 0.2 * 0.9**t),
        (
            optim.cosine_schedule(1.0, decay_steps=8, min_value=0.2),
            lambda t: 0.2 + 0.8 * (1 + np.cos(np.pi * min(t, 8) / 8)) / 2,
        ),
        (
            optim.warmup_cosine_schedule(1.0, warmup_steps=4, decay_steps=6, init_value=0.2),
            lambda t: 0.2 + 0.8 * t / 4 if t < 4 else (1 + np.cos(np.pi * min(t - 4, 6) / 6)) / 2,
        ),
    ],
    ids=["constant", "step", "exponential", "cosine", "warmup_cosine"],
)
def test_schedules_follow_their_formulas(schedule, expected):
    steps = np.arange(15)
    want = np.array([expected(t) for t in steps])
    np.testing.assert_allclose([schedule(int(t)) for t in steps], want, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(schedule(steps), want, rtol=1e-14, atol=1e-15)  # array of steps


def test_warmup_cosine_landmarks():
    schedule = optim.warmup_cosine_schedule(0.5, warmup_steps=10, decay_steps=20)
    assert schedule(0) == 0.0 and schedule(5) == pytest.approx(0.25)
    assert schedule(10) == pytest.approx(0.5) and schedule(20) == pytest.approx(0.25)
    assert schedule(30) == pytest.approx(0.0, abs=1e-15) and schedule(99) == pytest.approx(0.0)


def test_a_schedule_sets_the_learning_rate_of_each_step():
    schedule = optim.exponential_schedule(0.3, gamma=0.8)
    x, expected = STARTS, [STARTS]
    for t in range(12):
        x = x - 0.3 * 0.8**t * quadratic_grad(x)
        expected.append(x)
    for opt in (optim.gd(lr=schedule), optim.sgd(lr=schedule)):
        path = optim.run(opt, quadratic_grad, STARTS, 12).path
        np.testing.assert_allclose(path, np.array(expected), rtol=1e-14)


def test_adagrad_lr_decay_composes_with_a_schedule():
    schedule = optim.step_schedule(0.5, step_size=2, gamma=0.1)
    opt = optim.adagrad(lr=schedule, lr_decay=0.3)
    x, total, expected = STARTS, np.zeros_like(STARTS), [STARTS]
    for t in range(6):
        g = quadratic_grad(x)
        total = total + g * g
        x = x - schedule(t) / (1 + t * 0.3) * g / (np.sqrt(total) + 1e-10)
        expected.append(x)
    np.testing.assert_allclose(pure_loop(opt, quadratic_grad, STARTS, 6), expected, rtol=1e-13)


# ---------------------------------------------------------------- transforms


def test_clip_by_value_clamps_each_entry():
    g = np.array([[3.0, -0.2], [-7.0, 0.5]])
    out, _ = optim.clip_by_value(1.0).update(g, optim.clip_by_value(1.0).init(g), None)
    np.testing.assert_array_equal(out, [[1.0, -0.2], [-1.0, 0.5]])


def test_clip_by_norm_rescales_each_point_over_the_last_axis():
    g = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0], [-6.0, 8.0]])
    clip = optim.clip_by_norm(2.0)
    out, _ = clip.update(g, clip.init(g), None)
    np.testing.assert_allclose(out, [[1.2, 1.6], [0.3, 0.4], [0.0, 0.0], [-1.2, 1.6]], rtol=1e-15)
    norms = np.linalg.norm(out, axis=-1)
    assert np.all(norms <= 2.0 + 1e-15)


def test_noise_is_reproducible_per_seed_and_has_the_asked_spread():
    opt = optim.chain(optim.add_noise(0.5, seed=4), optim.gd(lr=0.1))
    zero = np.zeros((4000, 2))
    first = optim.run(opt, lambda p: np.zeros_like(p), zero, 3).path
    again = optim.run(opt, lambda p: np.zeros_like(p), zero, 3).path
    other = optim.chain(optim.add_noise(0.5, seed=5), optim.gd(lr=0.1))
    different = optim.run(other, lambda p: np.zeros_like(p), zero, 3).path
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, different)
    noise = (first[1] - first[0]) / -0.1  # the first noisy gradient of 8,000 draws
    assert abs(noise.mean()) < 0.05 and abs(noise.std() - 0.5) < 0.02
    steps = np.diff(first, axis=0) / -0.1
    assert abs(np.corrcoef(steps[0].ravel(), steps[1].ravel())[0, 1]) < 0.05  # fresh per step


def test_zero_noise_changes_nothing():
    noisy = optim.chain(optim.add_noise(0.0, seed=1), optim.adam(lr=0.05))
    np.testing.assert_array_equal(
        optim.run(noisy, quadratic_grad, STARTS, 20).path,
        optim.run(optim.adam(lr=0.05), quadratic_grad, STARTS, 20).path,
    )


# ---------------------------------------------------------------- hyperparameters over points


def test_an_lr_per_point_equals_separate_runs():
    lrs = np.array([0.01, 0.1, 0.3, 0.5])[:, None]
    x0 = np.repeat(STARTS[:1], 4, axis=0)
    together = optim.run(optim.adam(lr=lrs, betas=(0.8, 0.99)), quadratic_grad, x0, 40).path
    for i, lr in enumerate(lrs[:, 0]):
        alone = optim.run(optim.adam(lr=lr, betas=(0.8, 0.99)), quadratic_grad, x0[i : i + 1], 40)
        np.testing.assert_allclose(together[:, i], alone.path[:, 0], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam", "nadam", "radam", "lion"])
def test_betas_per_point_equal_separate_runs(name):
    betas = np.array([0.0, 0.5, 0.9])[:, None]
    kwargs = {"momentum": {"beta": betas}, "rmsprop": {"alpha": betas}}.get(
        name, {"betas": (betas, 0.95)}
    )
    x0 = STARTS[:3]
    together = optim.run(getattr(optim, name)(lr=0.02, **kwargs), quadratic_grad, x0, 30).path
    for i in range(3):
        single = {k: v[i, 0] if k != "betas" else (v[0][i, 0], v[1]) for k, v in kwargs.items()}
        opt = getattr(optim, name)(lr=0.02, **single)
        alone = optim.run(opt, quadratic_grad, x0[i : i + 1], 30).path
        np.testing.assert_allclose(together[:, i], alone[:, 0], rtol=1e-13)


@pytest.mark.parametrize("name", ["momentum", "adam", "adamax", "nadam", "radam", "adabelief"])
def test_a_point_steps_alike_with_its_betas_as_floats_or_as_a_row_exactly(name):
    """The Atlas steps every setting as a row of arrays; each row must be bit for bit the run
    of that setting alone. 48 decays: Python's ``β**t`` differs from NumPy's array power in the
    last place for some of them, which a bias correction carries into every later step."""
    decays = np.linspace(0.5, 0.9999, 48)[:, None]
    kwargs = (
        {"beta": decays, "bias_correction": True}
        if name == "momentum"
        else {"betas": (0.9, decays)}
    )
    x0 = np.repeat(STARTS[:1], len(decays), axis=0)
    together = optim.run(getattr(optim, name)(lr=0.05, **kwargs), quadratic_grad, x0, 12).path
    for i, decay in enumerate(decays[:, 0]):
        single = {"beta": float(decay)} if name == "momentum" else {"betas": (0.9, float(decay))}
        opt = getattr(optim, name)(lr=0.05, **{**kwargs, **single})
        alone = optim.run(opt, quadratic_grad, x0[:1], 12).path
        np.testing.assert_array_equal(together[:, i], alone[:, 0])


# ---------------------------------------------------------------- run


@pytest.mark.parametrize("n", [1, 500])  # plain floats, then array kernels
def test_a_gradient_of_the_wrong_shape_is_refused(n):
    x0 = STARTS[:1].repeat(n, axis=0)
    with pytest.raises(ValueError, match="grad_fn must return shape"):
        optim.run(optim.adam(), lambda p: p[:, :1], x0, 3)
    calls = []

    def shrinking(p):  # right at the first step, then one number short
        calls.append(1)
        return quadratic_grad(p) if len(calls) == 1 else quadratic_grad(p).ravel()[:-1]

    with pytest.raises(ValueError):
        optim.run(optim.adam(), shrinking, x0, 3)


def test_run_result_shapes_values_and_gradient_norms():
    result = optim.run(optim.adam(lr=0.1), quadratic_grad, STARTS, 25, value_fn=quadratic)
    assert result.path.shape == (26, 10, 2) and result.final.shape == (10, 2)
    assert result.values.shape == (26, 10) and result.grad_norms.shape == (25, 10)
    np.testing.assert_array_equal(result.path[0], STARTS)
    np.testing.assert_array_equal(result.final, result.path[-1])
    np.testing.assert_allclose(result.values, quadratic(result.path), rtol=1e-14)
    np.testing.assert_array_equal(result.final_values, result.values[-1])
    expected_norms = np.hypot(*np.moveaxis(quadratic_grad(result.path[:-1]), -1, 0))
    np.testing.assert_allclose(result.grad_norms, expected_norms, rtol=1e-14)
    assert result.diverged_at.dtype.kind == "i" and np.all(result.diverged_at == -1)


def test_unrecorded_run_keeps_final_points_only():
    recorded = optim.run(optim.adam(lr=0.1), quadratic_grad, STARTS, 25, value_fn=quadratic)
    result = optim.run(
        optim.adam(lr=0.1), quadratic_grad, STARTS, 25, value_fn=quadratic, record=False
    )
    assert result.path is None and result.values is None and result.grad_norms is None
    np.testing.assert_array_equal(result.final, recorded.final)
    np.testing.assert_array_equal(result.final_values, recorded.final_values)


def explode(p):
    """∇ of 1.5|θ|²: gradient descent with α = 1 maps θ to −2θ."""
    return 3.0 * p


def test_divergence_is_detected_at_the_right_step_and_frozen(monkeypatch):
    x0 = np.array([[1.0, -3.0], [0.001, 0.002], [0.0, 0.0], [-40.0, 0.5]])
    result = optim.run(optim.gd(lr=1.0), explode, x0, 40, bound=1e6)
    expected = []
    for start in x0:  # first k with max|start·(−2)^k| > 1e6
        sizes = np.abs(start).max() * 2.0 ** np.arange(41)
        over = np.nonzero(sizes > 1e6)[0]
        expected.append(over[0] if len(over) else -1)
    assert expected == [19, 29, -1, 15]
    np.testing.assert_array_equal(result.diverged_at, expected)
    for i, k in enumerate(expected):
        if k > 0:
            frozen = result.path[k:, i]
            np.testing.assert_array_equal(
                frozen, np.broadcast_to(result.path[k - 1, i], frozen.shape)
            )
            np.testing.assert_array_equal(result.path[k - 1, i], x0[i] * (-2.0) ** (k - 1))
    assert np.all(np.isfinite(result.path))
    unrecorded = optim.run(optim.gd(lr=1.0), explode, x0, 40, bound=1e6, record=False)
    np.testing.assert_array_equal(unrecorded.diverged_at, expected)
    np.testing.assert_array_equal(unrecorded.final, result.final)


@pytest.mark.parametrize("n", [10, 5000])  # 5,000 points: more than one dot product's worth
def test_bound_check_is_exact_for_many_points_near_the_bound(n):
    x0 = np.full((n, 2), 9.0)  # Σx² far above bound² although every |x| ≤ bound
    x0[0] = [1.0, 0.0]  # this one doubles in size every step: 2¹⁰ > 1,000
    grad = lambda p: explode(p) * (p[:, 1:] == 0)  # noqa: E731  (the points at 9 stay)
    result = optim.run(optim.gd(lr=1.0), grad, x0, 12, bound=1000.0, record=False)
    assert result.diverged_at[0] == 10 and np.all(result.diverged_at[1:] == -1)
    np.testing.assert_array_equal(result.final[0], [(-2.0) ** 9, 0.0])


def test_non_finite_gradients_and_overflow_freeze_points_without_warnings():
    def grad(p):
        g = 4 * p**3  # overflows for the far point
        g[p[:, 0] > 5] = np.nan  # undefined there
        return g

    x0 = np.array([[6.0, 0.0], [1e80, 1.0], [0.5, 0.5]])
    result = optim.run(optim.gd(lr=0.01), grad, x0, 10, bound=1e100, value_fn=lambda p: p[:, 0])
    np.testing.assert_array_equal(result.diverged_at, [1, 1, -1])
    np.testing.assert_array_equal(result.final[:2], x0[:2])
    assert np.all(np.isfinite(result.values))


def test_a_point_beyond_the_bound_that_comes_back_stays_frozen():
    x0 = np.array([[10.0, 0.0]])
    result = optim.run(optim.gd(lr=1.0), explode, x0, 6, bound=50.0)  # 10 → −20 → 40 → −80
    assert result.diverged_at[0] == 3
    np.testing.assert_array_equal(result.path[3:, 0], np.broadcast_to([40.0, 0.0], (4, 2)))


FUSED_CASES = [  # (name, kwargs, whether run steps the points through optim.fused's form)
    ("gd", {"lr": 0.1}, False),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.1}, False),
    ("sgd", {"lr": 0.05, "momentum": 0.6, "nesterov": True}, False),
    ("momentum", {"lr": 0.1, "beta": 0.8, "bias_correction": True}, False),
    ("nesterov", {"lr": 0.05, "momentum": 0.9}, False),
    ("rmsprop", {"lr": 0.02, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.1}, False),
    ("rmsprop", {"lr": 0.02, "centered": True}, False),
    ("adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.05}, False),
    ("adamw", {"lr": 0.1, "betas": (0.5, 0.9)}, False),
    ("adam", {"lr": 0.1}, True),
    ("adam", {"lr": 0.3, "betas": (0.5, 0.0), "eps": 1e-3}, True),
    ("adamw", {"lr": 0.1, "betas": (0.8, 0.9), "weight_decay": 0.0}, True),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.1, "initial_accumulator_value": 0.2}, False),
    ("adadelta", {"rho": 0.8, "eps": 1e-3, "weight_decay": 0.1}, False),
    ("adamax", {"lr": 0.1, "betas": (0.8, 0.95)}, False),
    ("nadam", {"lr": 0.1, "momentum_decay": 0.01}, False),
    ("nadam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}, False),
    ("radam", {"lr": 0.1}, False),
    ("radam", {"lr": 0.1, "betas": (0.9, np.array([[0.6], [0.99]] * 5))}, False),
    ("lion", {"lr": 0.05, "weight_decay": 0.1}, False),
    ("chain", (optim.trace(0.9), optim.clip_by_norm(1.0), optim.scale_by_lr(0.1)), False),
    ("chain", (optim.adam(lr=0.2, betas=(0.7, 0.9)),), True),  # a chain of one keeps it
]
NOISY_CLIPPED = [
    optim.chain(optim.add_noise(0.2, seed=3), optim.clip_by_value(0.5), optim.adam(lr=0.1)),
    optim.chain(optim.clip_by_norm(0.3), optim.momentum(lr=0.1, beta=0.9)),
    optim.chain(optim.add_noise(optim.exponential_schedule(0.3, 0.9), seed=1), optim.gd(0.1)),
]


@pytest.mark.parametrize("opt", NOISY_CLIPPED, ids=["noise-clip-adam", "clip-momentum", "noise"])
def test_noise_and_clipping_run_exactly_as_the_pure_update(opt):
    expected = pure_loop(opt, quadratic_grad, STARTS, 30)
    np.testing.assert_array_equal(optim.run(opt, quadratic_grad, STARTS, 30).path, expected)


@pytest.mark.parametrize(("name", "kwargs", "has_fused"), FUSED_CASES)
def test_run_agrees_with_the_pure_update_bit_for_bit(name, kwargs, has_fused, monkeypatch):
    opt = optim.chain(*kwargs) if name == "chain" else getattr(optim, name)(**kwargs)
    assert (opt.fused is not None) == has_fused
    expected = pure_loop(opt, quadratic_grad, STARTS, 30)
    np.testing.assert_array_equal(optim.run(opt, quadratic_grad, STARTS, 30).path, expected)
    share_points(monkeypatch, 4, 2)  # fused: 4 threads with 3, 3, 3 and 1 points
    final = optim.run(opt, quadratic_grad, STARTS, 30, record=False).final
    np.testing.assert_array_equal(final, expected[-1])


@pytest.mark.parametrize("name", ["gd", "adam", "rmsprop", "nesterov"])
def test_a_gradient_that_is_its_argument_is_read_before_the_buffers_move(name, monkeypatch):
    """∇½|x|² = x: grad_fn hands back the very array run gave it. The updates are written into
    the buffer of the next positions (Adam's fused form), so nothing may touch the current one."""
    opt = getattr(optim, name)(lr=0.1)
    expected = pure_loop(opt, lambda p: p.copy(), STARTS, 20)
    np.testing.assert_array_equal(optim.run(opt, lambda p: p, STARTS, 20).path, expected)
    share_points(monkeypatch, 3, 3)  # fused: 3 threads with 4, 4 and 2 points
    final = optim.run(opt, lambda p: p, STARTS, 20, record=False).final
    np.testing.assert_array_equal(final, expected[-1])


FEW_ENTRY_CASES = [  # one trajectory, as the Playground steps it (these once had a float path)
    optim.gd(lr=0.1),
    optim.gd(lr=optim.cosine_schedule(0.2, 30)),
    optim.adam(lr=0.1),
    optim.adam(lr=0.3, betas=(0.5, 0.0), eps=1e-3),
    optim.adamw(lr=0.1, betas=(0.8, 0.9), weight_decay=0.0),
    optim.chain(optim.scale_by_adam(), optim.scale_by_lr(optim.exponential_schedule(0.2, 0.9))),
]


FEW_ENTRY_IDS = ["gd", "gd-cosine", "adam", "adam-b2=0", "adamw", "adam-exp"]


@pytest.mark.parametrize("opt", FEW_ENTRY_CASES, ids=FEW_ENTRY_IDS)
@pytest.mark.parametrize("n", [1, 8])  # 2 and 16 entries
def test_run_on_a_few_entries_equals_the_pure_update_exactly(opt, n):
    x0 = STARTS[:n]
    expected = pure_loop(opt, quadratic_grad, x0, 30)
    result = optim.run(opt, quadratic_grad, x0, 30)
    np.testing.assert_array_equal(result.path, expected)
    grads = quadratic_grad(expected[:-1])
    np.testing.assert_allclose(result.grad_norms, np.linalg.norm(grads, axis=-1), rtol=1e-15)
    final = optim.run(opt, quadratic_grad, x0, 30, record=False).final
    np.testing.assert_array_equal(final, expected[-1])


def test_a_fused_form_only_where_its_hyperparameters_are_shared_floats():
    assert optim.adam().fused is not None and optim.adam(eps=0.0).fused is not None
    assert optim.adam(amsgrad=True).fused is None
    assert optim.adam(weight_decay=0.1).fused is None  # the reference rule for decay
    assert optim.adam(weight_decay=np.array([[0.1], [0.0]])).fused is None
    assert optim.adamw().fused is None  # λ = 0.01 by default
    assert optim.adam(lr=np.array([[0.1], [0.2]])).fused is None  # per point: no blocks
    assert optim.adam(betas=(0.9, np.array([[0.9], [0.99]]))).fused is None
    assert optim.adam(lr=optim.exponential_schedule(0.1, 0.9)).fused is None
    assert optim.momentum().fused is None and optim.chain(optim.adam(), optim.gd()).fused is None


def test_divergence_through_the_fused_form_matches_the_reference(monkeypatch):
    x0 = np.array([[1.0, -3.0], [0.001, 0.002], [1e80, 1.0], [-40.0, 0.5]] * 2)
    grad = lambda p: np.where(np.abs(p) > 300.0, np.nan, -explode(p))  # noqa: E731  (ascent)
    fused = optim.adam(lr=40.0)
    reference = fused._replace(fused=None)  # the chain's pure update, stepped by run
    runs = [optim.run(opt, grad, x0, 40, bound=1e4) for opt in (fused, reference)]
    assert np.all(runs[0].diverged_at > 0) and len(set(runs[0].diverged_at)) >= 3
    np.testing.assert_array_equal(runs[0].diverged_at, runs[1].diverged_at)
    np.testing.assert_array_equal(runs[0].path, runs[1].path)
    np.testing.assert_array_equal(runs[0].grad_norms, runs[1].grad_norms)
    share_points(monkeypatch, 3, 2)  # 3 threads with 3, 3 and 2 points
    blocked = optim.run(fused, grad, x0, 40, bound=1e4, record=False)
    np.testing.assert_array_equal(blocked.diverged_at, runs[1].diverged_at)
    np.testing.assert_array_equal(blocked.final, runs[1].final)


@pytest.mark.parametrize(
    "opt", [optim.adam(lr=0.1), optim.adamw(lr=0.3, betas=(0.5, 0.9), weight_decay=0.0)]
)
def test_threads_sharing_the_points_agree_with_the_pure_update(opt, monkeypatch):
    expected = pure_loop(opt, quadratic_grad, STARTS, 30)
    share_points(monkeypatch, 2, 4)  # 10 points: two threads with 5 each
    threads = []
    grad = lambda p: threads.append(threading.get_ident()) or quadratic_grad(p)  # noqa: E731
    final = optim.run(opt, grad, STARTS, 30, record=False).final
    np.testing.assert_array_equal(final, expected[-1])
    # both shares stepped in the pool, none in the caller's thread
    assert threading.get_ident() not in threads and len(threads) == 30 * 2
    threads.clear()  # 7 points make one share of at least 4: the caller's thread steps them
    np.testing.assert_array_equal(
        optim.run(opt, grad, STARTS[:7], 30, record=False).final,
        pure_loop(opt, quadratic_grad, STARTS[:7], 30)[-1],
    )
    assert set(threads) == {threading.get_ident()}


def test_shares_reach_grad_fn_one_contiguous_column_per_coordinate(monkeypatch):
    share_points(monkeypatch, 2, 2500)
    seen = []
    grad = lambda p: seen.append(p[:, 0].flags.contiguous) or quadratic_grad(p)  # noqa: E731
    x0 = np.random.default_rng(2).normal(size=(5000, 2))
    result = optim.run(optim.adam(lr=0.1), grad, x0, 3, record=False)
    assert len(seen) == 6 and all(seen)  # two shares of 2,500 points, 3 steps each
    expected = optim.run(optim.adam(lr=0.1), quadratic_grad, x0, 3).final  # one (n, 2) array
    np.testing.assert_array_equal(result.final, expected)  # the same rule, another layout
    assert result.final.flags.c_contiguous


def test_per_point_hyperparameters_and_noise_are_not_split_into_shares(monkeypatch):
    share_points(monkeypatch, 4, 1)
    lrs = np.linspace(0.01, 0.2, len(STARTS))[:, None]
    for opt in (
        optim.adam(lr=lrs),
        optim.adam(lr=0.1, betas=(np.full((len(STARTS), 1), 0.5), 0.9)),
        optim.chain(optim.add_noise(0.3, seed=2), optim.adam(lr=0.1)),
    ):
        assert opt.fused is None
        expected = optim.run(opt, quadratic_grad, STARTS, 20).final
        np.testing.assert_array_equal(
            optim.run(opt, quadratic_grad, STARTS, 20, record=False).final, expected
        )


def test_a_hand_written_transformation_chains_and_runs():
    """Any (init, update) pair composes and runs."""
    sign_descent = optim.GradientTransformation(
        init=lambda params: None, update=lambda g, state, params=None: (np.sign(g), state)
    )
    opt = optim.chain(sign_descent, optim.scale_by_lr(0.1))
    result = optim.run(opt, quadratic_grad, STARTS, 5)
    x = STARTS
    for _ in range(5):
        x = x - 0.1 * np.sign(quadratic_grad(x))
    np.testing.assert_allclose(result.final, x, rtol=1e-15)
    np.testing.assert_array_equal(
        optim.run(opt, quadratic_grad, STARTS, 5, record=False).final, result.final
    )


def test_run_does_not_touch_the_callers_arrays():
    x0 = STARTS.copy()
    shared = np.ones_like(x0)
    optim.run(optim.adam(lr=0.1, weight_decay=0.1), lambda p: shared, x0, 5)
    np.testing.assert_array_equal(x0, STARTS)
    np.testing.assert_array_equal(shared, 1.0)


@pytest.mark.parametrize("record", [True, False])
@pytest.mark.parametrize(
    "opt",
    [
        optim.chain(optim.clip_by_norm(100.0), optim.sgd(lr=0.1, momentum=0.9)),
        optim.chain(optim.trace(0.9), optim.nadam(lr=0.1)),
        optim.adam(lr=0.1),  # the fused form
    ],
    ids=["clip-sgd", "trace-nadam", "adam"],
)
def test_a_gradient_that_is_a_view_of_its_input_is_safe(opt, record):
    """∇½|θ|² = θ: a grad_fn may hand back its input; momentum's state keeps the first g."""
    result = optim.run(opt, lambda p: p, STARTS, 15, record=record)
    expected = pure_loop(opt, lambda p: p.copy(), STARTS, 15)
    np.testing.assert_array_equal(result.final, expected[-1])


def test_update_is_pure():
    opt = optim.adam(lr=0.1, amsgrad=True)
    state = opt.init(STARTS)
    snapshot = [np.copy(s) for s in state[0][1:]]
    g = quadratic_grad(STARTS)
    first, _ = opt.update(g, state, STARTS)
    second, _ = opt.update(g, state, STARTS)
    np.testing.assert_array_equal(first, second)
    for before, after in zip(snapshot, state[0][1:], strict=True):
        np.testing.assert_array_equal(before, after)


# ---------------------------------------------------------------- registry

CONTRACT_NAMES = [
    "gd", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta", "adam", "adamw",
    "adamax", "nadam", "radam", "lion", "adopt", "sgd_schedule_free", "adamw_schedule_free",
    "prodigy", "ademamix", "lookahead_adam", "adabelief", "yogi", "signum", "adan", "lamb", "lars",
    "sam_sgd", "sam_adam", "sophia", "muon", "muon_adamw",
]  # fmt: skip


def test_registry_lists_the_contract_names_in_order():
    assert list(optim.OPTIMIZERS) == CONTRACT_NAMES


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_registry_entry_is_complete_and_matches_its_factory(name):
    spec = optim.OPTIMIZERS[name]
    assert spec.name == name and spec.factory is getattr(optim, name)
    assert spec.label and spec.reference and "\n" not in spec.description
    keywords = set(inspect.signature(spec.factory).parameters)
    names = [h.name for h in spec.hyperparameters]
    assert len(set(names)) == len(names) and names[0] == "lr"
    for h in spec.hyperparameters:
        assert h.label and h.help
        assert (h.name in keywords) or (h.name in ("beta1", "beta2") and "betas" in keywords)
        if h.scale == "bool":
            assert isinstance(h.default, bool) and h.low is None and h.high is None
        else:
            assert h.scale in ("log", "linear", "int") and h.low <= h.default <= h.high
            assert h.scale != "int" or all(int(v) == v for v in (h.low, h.high, h.default))
            assert h.low > 0 or h.scale == "linear"
    assert spec.defaults() == {h.name: h.default for h in spec.hyperparameters}


def test_build_packs_betas_and_fills_defaults():
    spec = optim.OPTIMIZERS["adam"]
    built = optim.run(spec.build(beta1=0.5, beta2=0.9), quadratic_grad, STARTS, 10).path
    lr, eps = spec.defaults()["lr"], spec.defaults()["eps"]
    direct = optim.run(optim.adam(lr=lr, betas=(0.5, 0.9), eps=eps), quadratic_grad, STARTS, 10)
    np.testing.assert_array_equal(built, direct.path)


def test_build_accepts_a_schedule_for_lr():
    schedule = optim.exponential_schedule(0.1, 0.5)
    path = optim.run(optim.OPTIMIZERS["gd"].build(lr=schedule), quadratic_grad, STARTS, 3).path
    np.testing.assert_allclose(path[1], STARTS - 0.1 * quadratic_grad(STARTS))
    np.testing.assert_allclose(path[2], path[1] - 0.05 * quadratic_grad(path[1]))


@pytest.mark.parametrize(
    ("name", "values", "word"),
    [
        ("adam", {"beta3": 0.5}, "beta3"),
        ("adam", {"lr": 50.0}, "lr"),
        ("adam", {"beta1": 1.0}, "beta1"),
        ("rmsprop", {"centered": "maybe"}, "centered"),
        ("sgd", {"momentum": "0.9x"}, "momentum"),
        ("nesterov", {"momentum": 0.0}, "momentum"),
        ("lookahead_adam", {"k": 3.5}, "k"),
        ("lookahead_adam", {"k": 51}, "k"),
    ],
)
def test_build_rejects_unknown_names_and_values_outside_the_range(name, values, word):
    with pytest.raises(ValueError, match=word):
        optim.OPTIMIZERS[name].build(**values)


# Macros KaTeX renders (a subset of its support table that these rules may use).
KATEX_MACROS = {
    "begin", "end", "nabla", "theta", "alpha", "beta", "mu", "rho", "psi", "tau", "lambda",
    "varepsilon", "Delta", "eta", "infty", "frac", "tfrac", "sqrt", "quad", "left", "right", "text",
    "operatorname", "max", "prod", "hat", "cdot", "odot", "leftarrow", "min", "ln", "exp", "phi",
}  # fmt: skip


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_latex_uses_katex_macros_and_balances(name):
    latex = optim.OPTIMIZERS[name].latex
    assert set(re.findall(r"\\([A-Za-z]+)", latex)) <= KATEX_MACROS
    depth = 0
    for char in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert latex.count(r"\begin{") == latex.count(r"\end{")
    assert latex.count(r"\left") == latex.count(r"\right")


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_registry_defaults_descend_a_bowl_without_diverging(name):
    """From points up to 3 away, 400 steps of the defaults bring J down by 95% or more."""
    x0 = np.array([[2.5, -2.0], [-3.0, 0.5], [0.5, 2.8]])
    opt = optim.OPTIMIZERS[name].build()
    hvp_fn = lambda p, v: v @ A  # noqa: E731  # H·v, for an optimizer that asks for it (Sophia)
    result = optim.run(opt, quadratic_grad, x0, 400, value_fn=quadratic, hvp_fn=hvp_fn)
    assert np.all(result.diverged_at == -1)
    assert np.all(result.final_values <= 0.05 * result.values[0])
