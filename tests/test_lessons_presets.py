"""The article's presets: what each lesson claims is true of the engine's runs, and their captions
and Playground links state their settings exactly.

Runs are recomputed here straight from the registries (optim.OPTIMIZERS, surfaces.SURFACES) and
optim.run, not through the pages' cached calls.
"""

from urllib.parse import parse_qsl, urlparse

import numpy as np
import pytest

import optim
import surfaces
from ui.minibatch_lesson import MiniBatchSetup, minibatch_playground_url
from ui.presets import PRESETS


def run_preset(key, clip_at=None):
    """(surface, [(path, values)]) of every run of a preset, by the engine directly."""
    preset = PRESETS[key]
    surface = surfaces.SURFACES[preset.surface.name].with_params(**dict(preset.surface.params))
    runs = []
    for run in preset.runs:
        opt = optim.OPTIMIZERS[run.optimizer].build(**dict(run.values))
        if clip_at is not None:
            opt = optim.chain(optim.clip_by_norm(clip_at), opt)
        start = np.array([preset.settings.start])
        result = optim.run(opt, surface.grad, start, preset.settings.steps, value_fn=surface)
        runs.append((result.path[:, 0], result.values[:, 0]))
    return surface, runs


def step_lengths(path):
    return np.linalg.norm(np.diff(path, axis=0), axis=1)


def test_small_learning_rate_converges_large_one_bounces():
    surface, [(small, _), (_, large_loss)] = run_preset("learning_rate")
    best = next(m for m in surface.minima if m.is_global)
    assert np.hypot(small[-1, 0] - best.x, small[-1, 1] - best.y) < 1e-3
    assert np.ptp(large_loss[-50:]) > 1.0  # still bouncing between walls at the end


def test_gradient_descent_stops_in_a_local_minimum():
    surface, [(path, _)] = run_preset("local_minimum")
    nearest = min(surface.minima, key=lambda m: np.hypot(path[-1, 0] - m.x, path[-1, 1] - m.y))
    assert not nearest.is_global
    assert np.hypot(path[-1, 0] - nearest.x, path[-1, 1] - nearest.y) < 1e-2


def test_gradient_descent_crawls_near_the_monkey_saddle():
    surface, [(path, _)] = run_preset("saddle")
    steps = step_lengths(path)
    assert steps[-1] < steps[0] / 10  # slowed to a crawl ...
    assert np.hypot(*path[-1]) < 0.3  # ... close to the saddle at the origin, not past it
    assert surface.saddles == ((0.0, 0.0),)


def test_plateau_stalls_gradient_descent_but_not_adam():
    surface, [(gd, _), (adam, _)] = run_preset("plateau")
    assert np.hypot(*(gd[-1] - gd[0])) < 0.05
    (minimum,) = surface.minima
    assert np.hypot(adam[-1, 0] - minimum.x, adam[-1, 1] - minimum.y) < 0.1


def test_clipping_tames_the_jump_at_the_cliff():
    _, [(free, _)] = run_preset("cliff")
    _, [(clipped, _)] = run_preset("cliff", clip_at=1.0)
    lr = dict(PRESETS["cliff"].runs[0].values)["lr"]
    assert step_lengths(free).max() > 10 * step_lengths(clipped).max()
    assert step_lengths(clipped).max() <= lr * 1.0 + 1e-12  # α·c bounds every clipped step


def test_momentum_smooths_the_ravine_zig_zag():
    _, [(gd, gd_loss), (momentum, momentum_loss)] = run_preset("ravine")
    flips = [np.count_nonzero(np.diff(np.sign(p[:30, 1]))) for p in (gd, momentum)]
    assert flips[0] >= 25 and flips[1] <= flips[0] / 4
    assert momentum_loss[-1] < gd_loss[-1] / 10


def test_adaptive_methods_leave_the_saddle_first():
    _, runs = run_preset("comparison")
    names = [run.optimizer for run in PRESETS["comparison"].runs]

    def escape(path):  # first step with θ₂ below −1, or never
        below = np.flatnonzero(path[:, 1] < -1)
        return below[0] if below.size else np.inf

    time = {name: escape(path) for name, (path, _) in zip(names, runs, strict=True)}
    assert time["rmsprop"] < time["gd"] and time["adam"] < time["gd"]
    assert time["gd"] < np.inf  # gradient descent gets there too, only much later


@pytest.mark.parametrize("key", PRESETS)
def test_caption_states_every_setting(key):
    preset = PRESETS[key]
    caption = preset.caption()
    assert surfaces.SURFACES[preset.surface.name].label in caption
    assert f"{preset.settings.steps} steps" in caption
    x0, y0 = preset.settings.start
    assert f"({x0:g}, {y0:g})" in caption
    for run in preset.runs:
        assert optim.OPTIMIZERS[run.optimizer].label in caption
        for _, value in run.values:
            assert f"= {value:g}" in caption
    labels = [run.label for run in preset.runs]
    assert len(set(labels)) == len(labels)  # legends tell the runs apart


def test_article_settings():
    """The issue's numbers, so an edit of the table above cannot drift from the article."""
    lr = PRESETS["learning_rate"]
    assert [dict(r.values)["lr"] for r in lr.runs] == [0.01, 0.15]
    assert lr.settings.start == (-0.5, -1.0) and lr.surface.name == "peaks" and lr.trail == 10
    saddle = PRESETS["saddle"]
    assert saddle.surface.name == "monkey_saddle" and saddle.settings.start == (1.0, 0.0)
    assert dict(saddle.runs[0].values) == {"lr": 0.005}
    comparison = PRESETS["comparison"]
    assert comparison.settings.start == (1.0, -0.001) and comparison.surface.name == "saddle"
    assert [r.optimizer for r in comparison.runs] == [
        "gd",
        "momentum",
        "nesterov",
        "rmsprop",
        "adam",
    ]
    assert dict(comparison.runs[1].values)["beta"] == dict(comparison.runs[2].values)["momentum"]
    assert dict(comparison.runs[0].values)["lr"] == 0.02


@pytest.mark.parametrize("key", PRESETS)
def test_playground_link_carries_the_preset(key):
    preset = PRESETS[key]
    query = dict(parse_qsl(urlparse(preset.playground_link()).query))
    assert query["surface"] == preset.surface.name
    assert (float(query["x0"]), float(query["y0"])) == preset.settings.start
    assert int(query["steps"]) == preset.settings.steps
    assert int(query["runs"]) == len(preset.runs)
    for index, run in enumerate(preset.runs):
        assert query[f"r{index}.opt"] == run.optimizer
        for name, value in run.values:
            assert float(query[f"r{index}.{name}"]) == value


def test_minibatch_link_types_the_exact_cost():
    setup = MiniBatchSetup()
    query = dict(parse_qsl(urlparse(minibatch_playground_url(setup)).query))
    typed = surfaces.parse(query["f"], domain=((-3, 4), (-3.5, 3.5)))
    cost = setup.cost()
    points = np.random.default_rng(1).uniform(-3, 3, (50, 2))
    np.testing.assert_allclose(typed(points), cost(points), rtol=1e-9)
    np.testing.assert_allclose(typed.grad(points), cost.grad(points), rtol=1e-9, atol=1e-9)
    assert float(query["noise"]) == pytest.approx(cost.gradient_noise(setup.batch_size), abs=1e-4)
    assert float(query["r0.lr"]) == setup.lr


@pytest.mark.parametrize("batch_size", [1, 16, 50])
def test_gradient_noise_matches_the_spread_of_batch_gradients(batch_size):
    """σ² from the formula against the empirical variance over many random batches at θ*."""
    cost = MiniBatchSetup(size=60).cost()
    rng = np.random.default_rng(0)
    optimum = np.array(cost.optimum)
    grads = np.array(
        [cost.batch_grad(optimum, rng.choice(60, batch_size, replace=False)) for _ in range(20_000)]
    )
    empirical = grads.var(axis=0).mean()
    assert cost.gradient_noise(batch_size) ** 2 == pytest.approx(empirical, rel=0.05)
    assert cost.gradient_noise(60) == 0.0
