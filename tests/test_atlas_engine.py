"""The atlas engine against independent facts: symmetry, a closed-form stability cliff,
Polyak's heavy-ball optimum, and per-start ``optim.run`` (recorded paths) for sampled rows."""

import dataclasses
import tracemalloc

import numpy as np
import pytest

import atlas
import optim
import surfaces
from atlas import Setting, theory

FOUR = [
    Setting.of("gd", lr=0.01),
    Setting.of("momentum", lr=0.01, beta=0.9),
    Setting.of("rmsprop", lr=0.01),
    Setting.of("adam", lr=0.05),
]


def test_symmetric_double_well_splits_fifty_fifty_at_x_zero():
    """x⁴ − 2x² + y²: minima (±1, 0); gradient descent at a small α keeps the sign of x."""
    well = surfaces.parse("x^4 - 2*x^2 + y^2", domain=((-2, 2), (-2, 2)))
    result = atlas.basins(well, [Setting.of("gd", lr=0.01)], resolution=40, steps=1000)
    found = sorted((m.x, m.y) for m in result.minima)
    np.testing.assert_allclose(found, [(-1, 0), (1, 0)], rtol=1e-6, atol=1e-12)
    left = int(np.argmin([m.x for m in result.minima]))
    expected = np.where(result.xs < 0, left, 1 - left)[None, None, :]
    np.testing.assert_array_equal(result.label, np.broadcast_to(expected, result.label.shape))
    assert sorted(result.shares()[0, :2].tolist()) == [0.5, 0.5]
    assert result.shares()[0, 2:].tolist() == [0.0, 0.0]


def test_convex_quadratic_has_one_basin_and_a_sensitivity_cliff_at_two_over_lambda_max():
    """J = x²/2 + 5y² (λ = 1, 10): gradient descent converges iff α < 2/λₙ = 0.2."""
    bowl = surfaces.parse("x^2/2 + 5*y^2", domain=((-3, 3), (-3, 3)))
    result = atlas.sensitivity(
        bowl, [Setting.of("gd")], lr_range=(0.02, 1.0), lr_count=25, starts=32, steps=2000
    )
    rate, lrs = result.success_rate()[0], result.lrs
    step = lrs[1] / lrs[0]
    assert np.all(rate[lrs < 0.2 / step] == 1.0) and np.all(rate[lrs > 0.2 * step] == 0.0)
    below = lrs[lrs < 0.2].max()
    assert result.good_range()[0] == pytest.approx(np.log10(below / 0.02))
    basins = atlas.basins(bowl, [Setting.of("gd", lr=0.1)], resolution=20, steps=500)
    assert len(basins.minima) == 1 and basins.shares()[0, 0] == 1.0


def test_momentum_closed_forms_for_lambda_one_and_hundred():
    alpha, beta, rate = theory.momentum_optimum(1.0, 100.0)
    assert (alpha, beta, rate) == pytest.approx((0.03306, 0.6694, 0.8182), abs=5e-5)
    gd_alpha, gd_rate = theory.gd_optimum(1.0, 100.0)
    assert (gd_alpha, gd_rate) == pytest.approx((2 / 101, 0.9802), abs=5e-5)
    # at the optimum both extreme eigenvalues are critically damped, and the boundary holds
    assert theory.critical_beta(alpha, 1.0) == pytest.approx(beta)
    assert theory.critical_beta(alpha, 100.0) == pytest.approx(beta)
    assert theory.divergence_lr(beta, 100.0) == pytest.approx((2 + 2 * beta) / 100)
    assert theory.momentum_rate(alpha, beta, [1.0, 100.0]) == pytest.approx(rate, abs=1e-6)


@pytest.mark.parametrize("form", ["torch", "article"])
def test_measured_rate_at_the_heavy_ball_optimum_is_within_1e3_of_theory(form):
    """The ravine (x² + 100y²)/2 has λ = {1, 100}; the article's averaged momentum at
    α' = α*/(1 − β*) is the same recursion."""
    alpha, beta, rate = theory.momentum_optimum(1.0, 100.0)
    ravine = surfaces.SURFACES["ravine"].with_params(kappa=100)
    if form == "torch":
        args = (Setting.of("sgd"), "lr", [alpha], "momentum", [beta])
    else:
        args = (Setting.of("momentum"), "lr", [theory.to_article_lr(alpha, beta)], "beta", [beta])
    result = atlas.hyper_map(ravine, *args, steps=2000)
    assert abs(result.rate[0, 0] - rate) < 1e-3


def test_measured_rates_follow_the_spectral_radius_and_gd_optimum():
    ravine = surfaces.SURFACES["ravine"].with_params(kappa=100)
    lrs, betas = np.array([0.005, 0.01, 0.02, 0.0198019801980198]), np.array([0.0, 0.3, 0.6])
    result = atlas.hyper_map(ravine, Setting.of("sgd"), "lr", lrs, "momentum", betas, steps=3000)
    lr_grid, beta_grid = np.meshgrid(lrs, betas)
    # Polyak's recursion, solved here by the roots of z² − (1 + β − αλ)z + β for λ = 1, 100
    radius = np.array(
        [
            max(np.abs(np.roots([1, -(1 + b - a * lam), b])).max() for lam in (1.0, 100.0))
            for a, b in zip(lr_grid.ravel(), beta_grid.ravel(), strict=True)
        ]
    ).reshape(lr_grid.shape)
    np.testing.assert_allclose(result.rate, radius, atol=2e-3)
    assert abs(result.rate[0, 3] - 99 / 101) < 1e-3  # gradient descent's optimum 2/(λ₁ + λₙ)


def _reference(setting, surface, start, steps, **overrides):
    """One start alone through optim.run, its whole path recorded."""
    opt = optim.OPTIMIZERS[setting.optimizer].build(**(dict(setting.values) | overrides))
    return optim.run(opt, surface.grad, np.array([start]), steps)


def _settled_step(path, minima, tol):
    """First step from which the recorded path stays within ``tol`` of one minimum."""
    near = np.linalg.norm(path[:, None, :] - minima[None], axis=-1) <= tol  # (steps+1, m)
    label = np.where(near.any(axis=1), near.argmax(axis=1), -1)
    if label[-1] < 0:
        return -1, -1
    changed = np.flatnonzero(label != label[-1])
    return int(label[-1]), int(changed[-1] + 1 if changed.size else 0)


@pytest.mark.parametrize("name", ["himmelblau", "sharp_flat"])
def test_batched_basins_equal_per_start_runs_exactly(name):
    surface = surfaces.SURFACES[name]
    settings = [*FOUR, Setting.of("gd", lr=0.2)]  # the last one diverges from most starts
    result = atlas.basins(surface, settings, resolution=24, steps=300)
    minima = np.array([(m.x, m.y) for m in result.minima])
    rng = np.random.default_rng(3)
    for s, setting in enumerate(settings):
        for iy, ix in rng.integers(0, 24, size=(6, 2)):
            ref = _reference(setting, surface, (result.xs[ix], result.ys[iy]), 300)
            np.testing.assert_array_equal(result.final[s, iy, ix], ref.final[0])
            assert result.diverged_at[s, iy, ix] == ref.diverged_at[0]
            if ref.diverged_at[0] >= 0:
                assert result.label[s, iy, ix] == atlas.DIVERGED
                continue
            label, step = _settled_step(ref.path[:, 0], minima, result.tol)
            assert result.label[s, iy, ix] == label
            assert result.steps[s, iy, ix] == step


def test_batched_sensitivity_rows_equal_per_start_runs_exactly():
    """Per-row α arrays (Adam's reference rule) against scalar α (its fused form)."""
    surface = surfaces.SURFACES["himmelblau"]
    result = atlas.sensitivity(
        surface, FOUR, lr_range=(1e-3, 0.5), lr_count=7, starts=8, steps=200, seed=5
    )
    best = min(m.value for m in surface.minima)
    for s, setting in enumerate(FOUR):
        for a in (0, 3, 6):
            for k in (0, 7):
                ref = _reference(setting, surface, result.starts[k], 200, lr=result.lrs[a])
                if ref.diverged_at[0] >= 0:
                    assert result.diverged[s, a, k]
                    continue
                assert result.gap[s, a, k] == surface(ref.final[0]) - best


def test_blocks_on_threads_equal_one_block():
    """More rows than one block (two blocks on two threads) give the same rows."""
    surface = surfaces.SURFACES["himmelblau"]
    big = atlas.basins(surface, [FOUR[3]], resolution=130, steps=40)
    assert atlas.batch._blocks(130 * 130)[0].stop < 130 * 130
    rows = np.arange(0, 130 * 130, 997)
    x0 = np.stack(np.meshgrid(big.xs, big.ys), axis=-1).reshape(-1, 2)[rows]
    ref = optim.run(optim.adam(lr=0.05), surface.grad, x0, 40, record=False)
    np.testing.assert_array_equal(big.final[0].reshape(-1, 2)[rows], ref.final)


def test_settings_over_the_memory_limit_are_refused_naming_it():
    surface = surfaces.SURFACES["himmelblau"]
    with pytest.raises(ValueError, match="200 MB"):
        atlas.basins(surface, FOUR * 3, resolution=1000)
    with pytest.raises(ValueError, match="memory limit of 200 MB"):
        atlas.sensitivity(surface, FOUR, lr_count=100, starts=5000, noise_seeds=10)


def test_peak_memory_stays_below_the_estimate():
    """tracemalloc sees NumPy's allocations: a sweep's peak is below memory_estimate."""
    surface = surfaces.SURFACES["himmelblau"]
    tracemalloc.start()
    try:
        atlas.basins(surface, [FOUR[0]], resolution=150, steps=30)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= atlas.memory_estimate(150 * 150)


def test_a_diverging_region_is_data_not_an_error():
    surface = surfaces.SURFACES["himmelblau"]
    result = atlas.basins(surface, [Setting.of("gd", lr=0.5)], resolution=10, steps=100)
    assert result.shares()[0, -1] > 0.5 and np.all(result.steps[result.label < 0] == -1)


def test_minimum_labels_match_distances_to_every_minimum():
    """The lookup table's labels against distances to all 10 minima of a typed function,
    for points near each minimum (inside and just outside the tolerance) and anywhere."""
    from atlas.tracking import MinimaTracker

    bumpy = surfaces.parse("sin(x)*cos(y) + (x^2 + y^2)/20", domain=((-6, 6), (-6, 6)))
    tol = 0.012
    minima = np.array([(m.x, m.y) for m in atlas.found_minima(bumpy, tol)])
    assert len(minima) == 10
    rng = np.random.default_rng(1)
    around = minima[rng.integers(0, 10, 20000)] + rng.uniform(-2 * tol, 2 * tol, (20000, 2))
    points = np.concatenate([around, rng.uniform(-40, 40, (5000, 2))])
    distance = np.linalg.norm(points[:, None] - minima[None], axis=-1)
    expected = np.where(distance.min(axis=1) <= tol, distance.argmin(axis=1), -1)
    tracker = MinimaTracker(len(points), minima, tol)
    assert tracker.table is not None
    tracker.observe(0, points)
    np.testing.assert_array_equal(tracker.label, expected)
    assert 0.1 < np.mean(expected >= 0) < 0.8


def _one_seed(monkeypatch):
    """Newton from one seed only (the domain's corner): the seeds miss all minima but one."""
    monkeypatch.setattr(atlas.minima, "SEEDS", 1)


def test_a_minimum_the_seeds_missed_gets_its_own_label_from_clustered_endpoints(monkeypatch):
    """x⁴ − 2x² + y² typed as text: minima (±1, 0), J = −1; one seed finds one of them, the
    runs' endpoints give the other; steps to it as a per-start run records them."""
    _one_seed(monkeypatch)
    well = surfaces.parse("x^4 - 2*x^2 + y^2", domain=((-2, 2), (-2, 2)))
    assert len(atlas.found_minima(well, atlas.default_tol(well))) == 1
    result = atlas.basins(well, [Setting.of("gd", lr=0.01)], resolution=20, steps=1000)
    np.testing.assert_allclose(
        sorted((m.x, m.y, m.value) for m in result.minima), [(-1, 0, -1), (1, 0, -1)], atol=1e-9
    )
    assert all(m.is_global for m in result.minima)
    assert result.cluster_radius == pytest.approx(0.01 * np.hypot(4, 4))
    right = int(np.argmax([m.x for m in result.minima]))
    expected = np.where(result.xs > 0, right, 1 - right)
    np.testing.assert_array_equal(result.label[0], np.broadcast_to(expected, (20, 20)))
    minima = np.array([(m.x, m.y) for m in result.minima])
    for iy, ix in [(3, 15), (10, 12), (19, 19)]:
        ref = _reference(Setting.of("gd", lr=0.01), well, (result.xs[ix], result.ys[iy]), 1000)
        assert (result.label[0, iy, ix], result.steps[0, iy, ix]) == _settled_step(
            ref.path[:, 0], minima, result.tol
        )


def test_four_minima_from_one_seed_each_basin_a_quadrant(monkeypatch):
    """(x² − 1)² + (y² − 1)²: minima (±1, ±1), J = 0; gradient descent at a small α keeps
    the signs of x and y, so each quadrant of a symmetric grid is one basin (25 % each)."""
    _one_seed(monkeypatch)
    four = surfaces.parse("(x^2 - 1)^2 + (y^2 - 1)^2", domain=((-2, 2), (-2, 2)))
    result = atlas.basins(four, [Setting.of("gd", lr=0.01)], resolution=16, steps=800)
    corners = [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    np.testing.assert_allclose(sorted((m.x, m.y) for m in result.minima), corners, atol=1e-9)
    for m in result.minima:
        quadrant = (np.sign(result.ys)[:, None] == m.y) & (np.sign(result.xs)[None, :] == m.x)
        index = result.minima.index(m)
        np.testing.assert_array_equal(result.label[0] == index, quadrant)
    np.testing.assert_array_equal(result.shares()[0], [0.25, 0.25, 0.25, 0.25, 0.0, 0.0])


def test_joined_parts_relabel_a_part_that_missed_a_minimum():
    """A part that knows only the left minimum of the double well, joined with one that
    knows both, gets the right basin back with the steps its own runs need."""
    well = surfaces.parse("x^4 - 2*x^2 + y^2", domain=((-2, 2), (-2, 2)))
    full = atlas.basins(well, [Setting.of("gd", lr=0.02)], resolution=12, steps=600)
    left = int(np.argmin([m.x for m in full.minima]))
    missed = dataclasses.replace(
        full,
        minima=(full.minima[left],),
        label=np.where(full.label == left, 0, atlas.NOT_SETTLED),
        steps=np.where(full.label == left, full.steps, -1),
    )
    other = atlas.basins(well, [Setting.of("adam", lr=0.05)], resolution=12, steps=600)
    both = atlas.joined(well, [missed, other])
    assert [s.optimizer for s in both.settings] == ["gd", "adam"]
    assert both.minima == full.minima == other.minima
    np.testing.assert_array_equal(both.label[0], full.label[0])
    np.testing.assert_array_equal(both.steps[0], full.steps[0])
    np.testing.assert_array_equal(both.label[1], other.label[0])


@pytest.mark.parametrize(
    ("text", "hessian"),
    [
        ("x^2 + 3*x*y + 5*y^2", [[2, 3], [3, 10]]),  # λ = 6 ± 5
        ("(x - 1)^2/2 + 4*(y + 2)^2 + pi*x", [[1, 0], [0, 8]]),
        ("x*y - 2", [[0, 1], [1, 0]]),
    ],
)
def test_a_typed_quadratic_gives_its_hessian_eigenvalues(text, hessian):
    spectrum = theory.quadratic_spectrum(surfaces.parse(text))
    np.testing.assert_allclose(spectrum, np.linalg.eigvalsh(np.array(hessian, float)), atol=1e-12)


def test_only_quadratics_have_a_spectrum():
    ravine = surfaces.SURFACES["ravine"].with_params(kappa=37)
    np.testing.assert_allclose(theory.quadratic_spectrum(ravine), (1, 37), atol=1e-12)
    for text in ("x^3 + y^2", "sin(x) + y^2", "x^2*y^2", "exp(x^2)"):
        assert theory.quadratic_spectrum(surfaces.parse(text)) is None
    assert theory.quadratic_spectrum(surfaces.SURFACES["himmelblau"]) is None


def test_minima_tracker_over_many_steps_matches_distances_step_by_step():
    """Rows that settle, leave, come back or switch minima over 60 observations: the label and
    the first step of the last stretch with it, against distances at every step (the tracker
    looks up only rows that left their minimum once most have settled)."""
    from atlas.tracking import MinimaTracker

    minima = np.array([(-1.0, 0.0), (1.0, 0.0), (0.0, 2.0)])
    tol, rows, rng = 0.05, 4000, np.random.default_rng(7)
    home = rng.integers(0, 3, rows)
    tracker = MinimaTracker(rows, minima, tol)
    history = []
    for k in range(60):
        away = rng.random(rows) < (0.9 if k < 10 else 0.03)  # most settle after step 10
        switch = rng.random(rows) < 0.01
        home = np.where(switch, rng.integers(0, 3, rows), home)
        scale = rng.choice([1, 1.5], (rows, 1), p=[0.97, 0.03])  # some just outside tol
        jitter = rng.uniform(-0.7 * tol, 0.7 * tol, (rows, 2)) * scale
        points = np.where(away[:, None], rng.uniform(-2, 2, (rows, 2)), minima[home] + jitter)
        tracker.observe(k, points)
        distance = np.linalg.norm(points[:, None] - minima[None], axis=-1)
        history.append(np.where(distance.min(axis=1) <= tol, distance.argmin(axis=1), -1))
    labels = np.array(history)
    changed = labels != labels[-1]
    since = np.where(changed.any(axis=0), 59 - np.argmax(changed[::-1], axis=0) + 1, 0)
    np.testing.assert_array_equal(tracker.results()["label"], labels[-1])
    np.testing.assert_array_equal(tracker.results()["since"], since)
    assert tracker.unsettled < rows // 10  # the look-up of moved rows only was used
