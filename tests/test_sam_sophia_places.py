"""SAM and Sophia where optimizers run: the Atlas's batched loop, the Playground, the lab.

Each place must hand these optimizers what they ask for (a gradient anywhere, Hessian-vector
products) from its own source: the Atlas and the Playground from the surface (exact, sympy),
the Training lab from backprop on the same mini-batch (and a central difference of it).
"""

import numpy as np
import pytest

import lab
import optim
import surfaces
from atlas.batch import Setting, Tracker, sweep
from optim.sophia import hutchinson_vector
from ui.engine import RunSpec, Settings, SurfaceSpec, compute_trajectory

NEW = ["sam_sgd", "sam_adam", "sophia"]
TYPED = ["x^2 + 10*y^2", "abs(x) + (y - 1)^2", "sin(x)*cos(y) + 0.1*(x^2 + y^2)"]

# ---------------------------------------------------------------- the Atlas


class PointsSeen(Tracker):
    """Keeps every x_k the batched loop shows (a test only: the Atlas keeps reductions)."""

    def __init__(self, rows):
        self.seen = []

    def observe(self, k, points):
        self.seen.append(points.copy())

    def results(self):
        return {"seen": np.stack(self.seen, axis=1)}  # (rows, steps + 1, 2)


@pytest.mark.parametrize("name", NEW)
def test_atlas_rows_are_the_runs_with_the_surfaces_own_extras(name):
    """Each row of a sweep is ``optim.run`` of that start with the surface's gradient and exact
    Hessian-vector product; the tracker sees the steps' points, never SAM's probes."""
    surface = surfaces.SURFACES["himmelblau"]
    x0 = np.array([[-4.0, 4.0], [0.5, -3.0], [3.5, 3.5], [0.0, 0.0]])
    lrs = np.array([0.01, 0.02, 0.005, 0.01])
    out = sweep(Setting.of(name), surface.grad, x0, 60, PointsSeen, per_row={"lr": lrs})
    for i, lr in enumerate(lrs):
        opt = optim.OPTIMIZERS[name].build(lr=float(lr))
        single = optim.run(opt, surface.grad, x0[i : i + 1], 60, hvp_fn=surface.hvp)
        np.testing.assert_allclose(out["seen"][i], single.path[:, 0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(out["final"][i], single.final[0], rtol=1e-12, atol=1e-12)


def test_atlas_sophia_uses_the_exact_hessian_of_the_surface():
    """With β₁ = β₂ = 0, k = 1, α = 1 and the exact diagonal, Sophia on a separable bowl typed
    as text is Newton's method: every start lands on the minimum in one step."""
    surface = surfaces.parse("4*(x - 1)^2 + 0.25*(y + 2)^2")
    setting = Setting.of(
        "sophia", lr=1.0, beta1=0.0, beta2=0.0, update_period=1, exact_hessian=True, rho=10.0
    )
    starts = np.array([[-2.0, 1.0], [3.0, -4.0], [0.0, 0.0]])
    out = sweep(setting, surface.grad, starts, 1, PointsSeen)
    np.testing.assert_allclose(out["final"], [[1.0, -2.0]] * 3, atol=1e-12)


def noise(seed: int, step: int, shape) -> np.ndarray:
    """ξ of step ``step`` as optim.add_noise documents it: Philox keyed by the seed, one counter
    block per step."""
    stream = np.random.Generator(np.random.Philox(key=seed, counter=[0, step, 0, 0]))
    return stream.standard_normal(shape)


def sam_by_hand(grad, x0, steps, lr, rho, sigma, seed, clip=np.inf):
    """SAM (SGD, no momentum) with the k-th step's ξ and norm clipping on both gradients (the
    probe's as the step's: SAM's two gradients share a mini-batch)."""

    def noisy(p, k):
        g = grad(p) + sigma * noise(seed, k, p.shape)
        norm = np.linalg.norm(g, axis=-1, keepdims=True)
        return g * np.minimum(1.0, clip / norm)

    path = [x0]
    for k in range(steps):
        g = noisy(path[-1], k)
        probe = path[-1] + rho * g / (np.linalg.norm(g, axis=-1, keepdims=True) + 1e-12)
        path.append(path[-1] - lr * noisy(probe, k))
    return np.array(path)


def test_atlas_gives_the_probe_gradient_the_steps_noise():
    surface = surfaces.SURFACES["himmelblau"]
    x0 = np.array([[-1.0, 2.0], [3.0, -1.0]])
    setting = Setting.of("sam_sgd", lr=0.01, momentum=0.0, rho=0.3)
    out = sweep(setting, surface.grad, x0, 25, PointsSeen, noise=2.0, seed=4)
    expected = sam_by_hand(surface.grad, x0, 25, 0.01, 0.3, 2.0, 4 * 1_000_003)  # block 0
    np.testing.assert_allclose(out["seen"], expected.transpose(1, 0, 2), rtol=1e-12)


# ---------------------------------------------------------------- the Playground


def playground_run(surface_spec, name, steps=150):
    values = tuple(optim.OPTIMIZERS[name].defaults().items())
    surface = surfaces.parse(surface_spec.expression) if surface_spec.expression else None
    surface = surface or surfaces.SURFACES[surface_spec.name]
    settings = Settings(start=surface.start, steps=steps)
    return compute_trajectory(surface_spec, RunSpec(name, values, "#000000", name), settings)


@pytest.mark.parametrize("name", NEW)
def test_playground_runs_them_on_every_catalog_surface_and_typed_functions(name):
    specs = [SurfaceSpec(n) for n in surfaces.SURFACES]
    specs += [
        SurfaceSpec("custom", expression=text, domain=surfaces.DEFAULT_DOMAIN) for text in TYPED
    ]
    for spec in specs:
        trajectory = playground_run(spec, name)
        assert len(trajectory.path) == 151
        assert np.all(np.isfinite(trajectory.path)), spec
        assert np.any(trajectory.path[-1] != trajectory.path[0]), (
            spec
        )  # it moved (slowly on a plateau)


def test_playground_sam_sees_the_runs_noise_and_clipping_at_its_probe_too():
    surface = surfaces.SURFACES["rosenbrock"]
    values = (("lr", 0.002), ("momentum", 0.0), ("rho", 0.2))
    settings = Settings(start=(-1.2, 1.5), steps=40, noise=3.0, seed=11, clip="norm", clip_at=5.0)
    run = RunSpec("sam_sgd", values, "#000000", "SAM")
    trajectory = compute_trajectory(SurfaceSpec("rosenbrock"), run, settings)
    x0 = np.array([settings.start])
    expected = sam_by_hand(surface.grad, x0, 40, 0.002, 0.2, 3.0, 11, clip=5.0)[:, 0]
    np.testing.assert_allclose(trajectory.path, expected, rtol=1e-12)


def test_playground_page_shows_sam_and_sophia_runs(app_test, chart_figures):
    query = {"runs": "3", "r0.opt": "sam_sgd", "r1.opt": "sam_adam", "r2.opt": "sophia"}
    at = app_test("views/playground.py", query=query | {"surface": "sharp_flat"})
    assert not at.exception and not at.error
    race = next(f for f in chart_figures(at) if f.get("frames"))
    names = [race["data"][i]["name"] for i in race["frames"][0]["traces"][:-1:2]]
    labels = [optim.OPTIMIZERS[n].label for n in ("sam_sgd", "sam_adam", "sophia")]
    assert [name.split(" α=")[0] for name in names] == labels


# ---------------------------------------------------------------- the Training lab


def small_problem():
    data = lab.make_dataset("moons", n=200, noise=0.2, seed=0)
    return lab.MLP((8, 8), "tanh"), data


def test_lab_sam_takes_the_probe_gradient_on_the_same_batch():
    """One full-batch epoch of SAM (SGD) by hand with the network's own reference gradient
    (MLP.loss_and_grad, not the training loop's backprop): θ₁ = θ₀ − α∇ℓ(θ₀ + ρ g/‖g‖)."""
    network, data = small_problem()
    lr, rho = 0.5, 0.3
    result = lab.train(network, data, [("SAM", optim.sam_sgd(lr=lr, rho=rho))], epochs=1)
    theta = network.init(0)
    _, g = network.loss_and_grad(theta, data.x_train, data.y_train)
    probe = theta + rho * g / (np.linalg.norm(g) + 1e-12)
    _, g_probe = network.loss_and_grad(probe, data.x_train, data.y_train)
    np.testing.assert_allclose(result.histories[0].params, theta - lr * g_probe, rtol=1e-9)
    assert np.linalg.norm(g_probe - g) > 1e-3 * np.linalg.norm(g)  # the probe mattered


def test_lab_hessian_vector_products_match_second_differences_of_the_loss():
    """vᵀ(Hv) from the lab's central difference of backprop against the second difference of
    the loss itself, (ℓ(θ + hv) − 2ℓ(θ) + ℓ(θ − hv))/h² (values only, no gradient)."""
    network, data = small_problem()
    theta = network.init(3)
    backprop = network.backprop(len(data.y_train))
    hvp = optim.central_difference_hvp(lambda p: backprop(p, data.x_train, data.y_train))
    rng = np.random.default_rng(5)
    for _ in range(3):
        v = rng.normal(size=theta.shape)
        h = 1e-3
        loss = [network.loss(theta + s * h * v, data.x_train, data.y_train) for s in (1, 0, -1)]
        second = (loss[0] - 2 * loss[1] + loss[2]) / h**2
        np.testing.assert_allclose(v @ hvp(theta, v), second, rtol=1e-4)


def test_lab_refuses_the_exact_hessian_diagonal_with_a_reason():
    """One product per weight per estimate: the lab offers Hutchinson's estimate only."""
    network, data = small_problem()
    sophia = optim.sophia(exact_hessian=True)
    with pytest.raises(ValueError, match="exact Hessian diagonal \\(on 2-D surfaces\\)"):
        lab.train(network, data, [("Sophia", sophia)], epochs=1)


@pytest.mark.parametrize("name", NEW)
def test_lab_trains_with_them_from_both_sets_of_defaults(name):
    network, data = small_problem()
    spec = optim.OPTIMIZERS[name]
    runs = [
        (f"{name} 2-D", spec.build()),
        (f"{name} library", spec.build(**spec.library_defaults())),
    ]
    result = lab.train(network, data, runs, epochs=5, batch_size=32)
    for history in result.histories:
        assert history.diverged_at is None and np.all(np.isfinite(history.params))
        assert not np.array_equal(history.params, network.init(0))


def test_lab_sophia_gets_exact_hessian_vector_products_on_the_batch():
    """One full-batch step of SophiaH by hand: ĥ = z⊙(H z) with H z from central differences
    of the network's reference gradient (MLP.loss_and_grad, tight step), m = (1−β₁)g,
    h = (1−β₂)ĥ, θ₁ = θ₀ − α·clip(m / max(h, ε), ±ρ). The lab's exact products must agree to
    the difference's own accuracy."""
    network, data = small_problem()
    lr, (beta1, beta2), rho, eps = 0.1, (0.96, 0.99), 1.0, 1e-12
    sophia = optim.sophia(lr=lr, betas=(beta1, beta2), rho=rho, eps=eps, update_period=1)
    result = lab.train(network, data, [("Sophia", sophia)], epochs=1)
    theta = network.init(0)

    def grad(p):
        return network.loss_and_grad(p, data.x_train, data.y_train)[1]

    z = hutchinson_vector(0, 0, theta.size)
    h = 1e-6
    hz = (grad(theta + h * z) - grad(theta - h * z)) / (2 * h)
    m, hess = (1 - beta1) * grad(theta), (1 - beta2) * z * hz
    expected = theta - lr * np.clip(m / np.maximum(hess, eps), -rho, rho)
    np.testing.assert_allclose(result.histories[0].params, expected, rtol=1e-6, atol=1e-9)
