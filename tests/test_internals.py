"""optim.internals / optim.trace_internals: the points and numbers an optimizer keeps, checked
against the optimizers stepped by hand from their papers' rules."""

from typing import NamedTuple

import numpy as np
import pytest

import optim
from optim.internals import POINT_INTERNALS

SCALES = np.array([1.0, 8.0])  # J = Σ s_i θ_i², an elongated bowl


def grad(points):
    return 2.0 * SCALES * points


START = np.array([[1.5, -1.0], [-0.5, 2.0]])


def test_schedule_free_x_is_the_mean_of_the_zs_by_hand():
    """r = 0, no warm-up: every weight is α², so x_k is the plain mean of z_1..z_k; y, the path,
    is (1−β)z + βx, and z takes plain SGD steps at y."""
    lr, beta, steps = 0.05, 0.9, 40
    traced = optim.trace_internals(
        optim.sgd_schedule_free(lr=lr, momentum=beta), grad, START, steps
    )
    z, y = START.copy(), START.copy()
    zs, xs = [z], [START.copy()]
    for _ in range(steps):
        z = z - lr * grad(y)
        zs.append(z)
        x = np.mean(zs[1:], axis=0)
        xs.append(x)
        y = (1 - beta) * z + beta * x
    np.testing.assert_allclose(traced["z"], np.stack(zs), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(traced["x"], np.stack(xs), rtol=1e-12, atol=1e-14)
    path = optim.run(optim.sgd_schedule_free(lr=lr, momentum=beta), grad, START, steps).path
    np.testing.assert_allclose(path[-1], y, rtol=1e-12)


def test_schedule_free_x_is_the_weighted_average_with_warm_up_and_r():
    """With a warm-up α_k = α·min(1, (k+1)/W) and r = 1, step k's weight is
    w_k = (k+1)·max_{i≤k} α_i², and x_{k+1} = Σ_{i≤k} w_i·z_{i+1} / Σ_{i≤k} w_i."""
    lr, beta, warmup, steps = 0.05, 0.8, 6, 25
    opt = optim.sgd_schedule_free(lr=lr, momentum=beta, warmup_steps=warmup, r=1.0)
    traced = optim.trace_internals(opt, grad, START, steps)
    z, y, weights, zs = START.copy(), START.copy(), [], []
    for k in range(steps):
        alpha = lr * min(1.0, (k + 1) / warmup)
        z = z - alpha * grad(y)
        zs.append(z)
        weights.append((k + 1) * alpha**2)  # α_k only grows, so it is the max so far
        x = np.tensordot(weights, zs, axes=1) / sum(weights)
        y = (1 - beta) * z + beta * x
        np.testing.assert_allclose(traced["x"][k + 1], x, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(traced["z"][k + 1], z, rtol=1e-12, atol=1e-14)


def test_lookahead_slow_weights_by_hand():
    """Fast weights take k GD steps, then φ ← φ + α(θ − φ) and θ ← φ."""
    lr, k, alpha, steps = 0.02, 4, 0.5, 21
    traced = optim.trace_internals(optim.lookahead(optim.gd(lr), k, alpha), grad, START, steps)
    fast, slow = START.copy(), START.copy()
    slows = [slow]
    for t in range(1, steps + 1):
        fast = fast - lr * grad(fast)
        if t % k == 0:
            slow = slow + alpha * (fast - slow)
            fast = slow
        slows.append(slow)
    assert set(traced) == {"slow"}
    np.testing.assert_allclose(traced["slow"], np.stack(slows), rtol=1e-12)


def test_prodigy_d_matches_hand_stepping_with_init_and_update():
    """trace_internals reads d after each update, as stepping init/update by hand does; d
    starts at d₀ and never falls."""
    opt = optim.prodigy(lr=1.0, d0=1e-6)
    traced = optim.trace_internals(opt, grad, START, 30)
    state, params, ds = opt.init(START), START.copy(), [np.full(2, 1e-6)]
    for _ in range(30):
        updates, state = opt.update(grad(params), state, params)
        params = params + updates
        ds.append(state.d[:, 0])
    np.testing.assert_allclose(traced["d"], np.stack(ds), rtol=1e-12)
    assert np.all(np.diff(traced["d"], axis=0) >= 0)
    assert traced["d"][-1].min() > 1e3 * 1e-6  # it found a far larger step size


def test_names_with_another_meaning_are_not_read():
    """AdEMAMix's ``slow`` is an average of gradients, not a point: no internals; plain Adam
    has none either."""
    for name in ("ademamix", "adam", "gd"):
        opt = optim.OPTIMIZERS[name].build()
        assert optim.internals(opt.init(START)) == {}


def test_found_inside_chains_and_wrappers():
    """Inside a chain (clipping first) and inside Lookahead around Schedule-Free."""
    chained = optim.chain(optim.clip_by_norm(1.0), optim.sgd_schedule_free(lr=0.1))
    assert set(optim.internals(chained.init(START))) == {"z", "x"}
    nested = optim.lookahead(optim.sgd_schedule_free(lr=0.1), k=3)
    state = nested.init(START)
    found = optim.internals(state)
    assert set(found) == {"slow", "z", "x"}
    np.testing.assert_array_equal(found["z"], START)


class ProbeState(NamedTuple):  # a SAM-like state: its probe point beside its base's state
    probe: np.ndarray
    base: object


def test_a_probe_field_is_read_from_any_state():
    inner = optim.adam().init(START)
    found = optim.internals((ProbeState(START + 1.0, inner),))
    assert set(found) == {"probe"}
    np.testing.assert_array_equal(found["probe"], START + 1.0)


def test_internals_are_nan_from_the_step_a_point_diverged():
    """GD with α = 0.2 on the 8θ₂² side multiplies θ₂ by −2.2 a step: the second point
    (|θ₂| = 2) leaves the bound 5 at step 2 (9.68), the first (|θ₂| = 1) at step 3 (10.6)."""
    opt = optim.lookahead(optim.gd(0.2), k=50)
    traced = optim.trace_internals(opt, grad, START, 6, bound=5.0)["slow"]
    assert np.all(np.isfinite(traced[:2]))
    assert np.all(np.isnan(traced[2:, 1])) and np.all(np.isfinite(traced[2, 0]))
    assert np.all(np.isnan(traced[3:, 0]))


@pytest.mark.parametrize("name", ["sgd_schedule_free", "lookahead_adam", "prodigy"])
def test_trace_shapes(name):
    traced = optim.trace_internals(optim.OPTIMIZERS[name].build(), grad, START, 7)
    for key, values in traced.items():
        expected = (8, 2, 2) if key in POINT_INTERNALS else (8, 2)
        assert values.shape == expected


def drawn_runs():
    """Schedule-Free SGD and Lookahead on a bowl, as the Playground draws them."""
    from viz.trajectory import Trajectory

    runs = []
    for name, color in (("sgd_schedule_free", "#e4572e"), ("lookahead_adam", "#29bf12")):
        opt = optim.OPTIMIZERS[name].build(lr=0.05)
        path = optim.run(opt, grad, START[:1], 30).path[:, 0]
        kept = optim.trace_internals(optim.OPTIMIZERS[name].build(lr=0.05), grad, START[:1], 30)
        values = np.sum(SCALES * path**2, axis=-1)
        runs.append(
            Trajectory(name, color, path, values, -1, {k: v[:, 0] for k, v in kept.items()})
        )
    return runs


class Bowl:
    domain = ((-3.0, 3.0), (-3.0, 3.0))

    def __call__(self, p):
        return np.sum(SCALES * np.asarray(p) ** 2, axis=-1)


def test_race_frames_move_each_internal_with_its_run():
    """z and x: the last ``trail`` points up to the frame's step; φ: the point at that step."""
    from viz.encode import decode
    from viz.trajectory import trajectory_figure

    runs = drawn_runs()
    figure = trajectory_figure(Bowl(), runs, trail=5, clickable=0)
    names = [figure["data"][i]["name"] for i in figure["frames"][0]["traces"]]
    assert names[:3] == [
        "sgd_schedule_free · z",
        "sgd_schedule_free · x (average)",
        "sgd_schedule_free",
    ]
    assert names[4] == "lookahead_adam · slow weights"
    assert not any(t.get("showlegend") for t in figure["data"] if " · " in t["name"])
    for frame in figure["frames"]:
        step = int(frame["name"])
        z, x, slow = frame["data"][0], frame["data"][1], frame["data"][4]
        assert len(z["x"]) == min(step + 1, 5)
        np.testing.assert_allclose(decode(z["x"])[-1], runs[0].internals["z"][step, 0], atol=1e-3)
        np.testing.assert_allclose(decode(x["y"])[-1], runs[0].internals["x"][step, 1], atol=1e-3)
        np.testing.assert_allclose(
            decode(slow["x"]), runs[1].internals["slow"][step, :1], atol=1e-3
        )


def test_the_d_chart_draws_prodigy_s_d_and_nothing_without_it():
    from viz.encode import decode
    from viz.internals import step_size_estimate_figure
    from viz.trajectory import Trajectory

    assert step_size_estimate_figure(drawn_runs()) is None
    d = optim.trace_internals(optim.prodigy(), grad, START[:1], 20)["d"][:, 0]
    run = Trajectory("Prodigy", "#ffffff", np.zeros((21, 2)), np.zeros(21), -1, {"d": d})
    figure = step_size_estimate_figure([run])
    np.testing.assert_allclose(decode(figure["data"][0]["y"]), d)
