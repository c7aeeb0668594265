"""lab.directions and lab.landscape against independent facts: column norms of the centre,
points built on a plane, a two-direction path, the closed-form loss and Hessian of a linear
least-squares model, and the plain one-network-at-a-time loss."""

import numpy as np
import pytest

import optim
from lab import MLP, Plane, directions, landscape, make_dataset, train

NET = MLP(hidden=(6, 5), activation="tanh")
DATA = make_dataset("moons", n=120, seed=2)


def _centre(seed=1):
    """Initial weights with nonzero biases, so bias normalization has something to match."""
    theta = NET.init(seed)
    for lay in NET.layers:
        theta[lay.biases] = np.random.default_rng(seed).normal(size=lay.shape[1])
    return theta


def _loop_losses(thetas, x, y):
    return np.array([NET.loss(t, x, y) for t in thetas])


class LinearMSE:
    """L(w) = ½ mean((X w − y)²): gradient Xᵀ(Xw − y)/m, Hessian XᵀX/m, batched like the MLP."""

    sizes = (3, 1)

    def batch_loss(self, thetas, x, y):
        return 0.5 * np.mean((np.atleast_2d(thetas) @ x.T - y) ** 2, axis=1)

    def loss_and_grad(self, theta, x, y):
        r = x @ theta - y
        return 0.5 * np.mean(r**2), x.T @ r / len(y)


def test_filter_normalized_columns_have_the_centre_norms():
    centre = _centre()
    d1, d2 = directions.filter_normalized(centre, NET, seed=4)
    for d in (d1, d2):
        for lay in NET.layers:
            got = np.linalg.norm(d[lay.weights].reshape(lay.shape), axis=0)
            want = np.linalg.norm(centre[lay.weights].reshape(lay.shape), axis=0)
            np.testing.assert_allclose(got, want, rtol=1e-12)
            assert np.all(d[lay.biases] == 0.0)
    assert not np.allclose(d1, d2)
    (n1, _) = directions.filter_normalized(centre, NET, seed=4, biases="normalized")
    for lay in NET.layers:
        assert np.linalg.norm(n1[lay.biases]) == pytest.approx(np.linalg.norm(centre[lay.biases]))
    again = directions.filter_normalized(centre, NET, seed=4)
    assert np.array_equal(again[0], d1)


def test_batched_loss_equals_one_network_at_a_time():
    thetas = np.stack([_centre(s) for s in range(7)])
    np.testing.assert_allclose(
        NET.batch_loss(thetas, DATA.x_train, DATA.y_train),
        _loop_losses(thetas, DATA.x_train, DATA.y_train),
        rtol=1e-12,
    )


def test_a_path_in_the_plane_is_on_it_and_its_contour_loss_is_the_true_loss():
    centre = _centre()
    plane = Plane(centre, *directions.filter_normalized(centre, NET, seed=1))
    coords = np.random.default_rng(0).uniform(-1, 1, (9, 2))
    path = np.stack([centre + a * plane.d1 + b * plane.d2 for a, b in coords])
    got, off, share = plane.project(path)
    np.testing.assert_allclose(got, coords, atol=1e-10)
    np.testing.assert_allclose(off, 0.0, atol=1e-10)
    np.testing.assert_allclose(share, 0.0, atol=1e-10)
    contour = landscape.plane_losses(NET, plane, got, DATA.x_train, DATA.y_train)
    np.testing.assert_allclose(contour, _loop_losses(path, DATA.x_train, DATA.y_train), rtol=1e-9)


def test_off_plane_distance_is_the_orthogonal_component():
    rng = np.random.default_rng(3)
    centre, d1, d2, e = rng.normal(size=(4, NET.n_params))
    basis, _ = np.linalg.qr(np.stack([d1, d2]).T)
    e -= basis @ (basis.T @ e)  # e ⟂ the plane
    e *= 0.7 / np.linalg.norm(e)
    point = centre + 2 * d1 - d2 + e
    coords, off, share = Plane(centre, d1, d2).project(point[None])
    np.testing.assert_allclose(coords, [[2.0, -1.0]], atol=1e-10)
    assert off[0] == pytest.approx(0.7)
    assert share[0] == pytest.approx(0.7 / np.linalg.norm(point - centre))


def test_pca_of_a_two_direction_path_contains_both_directions():
    rng = np.random.default_rng(5)
    centre, u, v = rng.normal(size=(3, NET.n_params))
    t = np.linspace(0, 1, 30)[:, None]
    paths = [centre + t * u + t**2 * v, centre + np.sin(3 * t) * v - t * u]
    d1, d2, explained = directions.pca(paths, centre)
    assert sum(explained) == pytest.approx(1.0, abs=1e-10)
    assert explained[0] >= explained[1] > 0
    span = np.stack([d1, d2]).T
    for w in (u, v):
        residual = w - span @ np.linalg.lstsq(span, w, rcond=None)[0]
        assert np.linalg.norm(residual) < 1e-9 * np.linalg.norm(w)


def test_linear_mse_plane_is_the_closed_form_and_sharpness_the_top_eigenvalue():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(50, 3)) * [1.0, 2.0, 0.5], rng.normal(size=50)
    centre, d1, d2 = rng.normal(size=(3, 3))
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-2, 2, 4)
    z = landscape.grid(LinearMSE(), Plane(centre, d1, d2), alphas, betas, x, y)
    r, p, q = x @ centre - y, x @ d1, x @ d2
    m = len(y)  # ½ mean((r + αp + βq)²) expanded by hand
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            want = (r @ r + a * a * p @ p + b * b * q @ q + 2 * a * r @ p + 2 * b * r @ q) / (2 * m)
            want += a * b * (p @ q) / m
            assert z[i, j] == pytest.approx(want, rel=1e-12)
    top = landscape.top_eigenvalue(LinearMSE(), centre, x, y, iters=500, tol=1e-12)
    assert top == pytest.approx(np.linalg.eigvalsh(x.T @ x / m)[-1], rel=1e-6)


def test_top_eigenvalue_of_the_network_matches_its_full_hessian():
    theta = _centre(3)
    x, y = DATA.x_train, DATA.y_train
    h, n = 1e-5, NET.n_params  # the full Hessian, column by column, from the plain backprop
    cols = [
        (NET.loss_and_grad(theta + h * e, x, y)[1] - NET.loss_and_grad(theta - h * e, x, y)[1])
        / (2 * h)
        for e in np.eye(n)
    ]
    values = np.linalg.eigvalsh((np.stack(cols) + np.stack(cols).T) / 2)
    want = values[np.argmax(np.abs(values))]
    got = landscape.top_eigenvalue(NET, theta, x, y, iters=2000, tol=1e-10)
    assert got == pytest.approx(want, rel=1e-4)


def test_interpolation_and_barrier():
    a, b = _centre(1), _centre(2)
    t, losses = landscape.interpolate(NET, a, b, DATA.x_test, DATA.y_test, steps=11)
    mids = [NET.loss((1 - s) * a + s * b, DATA.x_test, DATA.y_test) for s in t]
    np.testing.assert_allclose(losses, mids, rtol=1e-12)
    s = np.linspace(0, 1, 101)
    assert landscape.barrier(s, 1 + s + np.sin(np.pi * s)) == pytest.approx(1.0)
    assert landscape.barrier(s, (s - 0.5) ** 2) == 0.0


def test_train_keeps_a_bounded_path_and_the_same_numbers():
    opts = [("SGD", optim.sgd(lr=0.1)), ("Adam", optim.adam(lr=1e-2))]
    plain = train(NET, DATA, opts, epochs=7, batch_size=32, seed=1)
    kept = train(NET, DATA, opts, epochs=7, batch_size=32, seed=1, keep_path=3)
    for p, k in zip(plain.histories, kept.histories, strict=True):
        assert p.train_loss == k.train_loss and p.path is None
        assert k.path.epochs == [0, 3, 6, 7]
        assert k.path.origin is kept.histories[0].path.origin  # θ₀ stored once for all
        # float32 offsets from θ₀: each kept θ within 2⁻²⁴ ‖θ − θ₀‖ of the trained one
        travelled = np.linalg.norm(k.params - k.path.origin)
        assert np.linalg.norm(k.path[-1] - k.params) <= 2.0**-24 * travelled
        assert np.linalg.norm(k.path[-1] - k.params) > 0  # rounded, not a float64 copy
        for epoch, theta in zip(k.path.epochs, k.path.weights(), strict=True):
            loss = NET.loss(theta, DATA.x_train, DATA.y_train)
            assert loss == pytest.approx(k.train_loss[epoch], rel=1e-6)


def test_trace_path_of_a_trained_network():
    opts = [("SGD", optim.sgd(lr=0.1))]
    (history,) = train(NET, DATA, opts, epochs=4, batch_size=32, seed=1, keep_path=4).histories
    path = history.path.weights()
    plane = Plane(path[0], *directions.through(path[0], path[2], path[4]))
    seen = landscape.trace_path(NET, plane, path, DATA.x_train, DATA.y_train)
    np.testing.assert_allclose(seen["true"], history.train_loss, rtol=1e-6)  # float32 offsets
    for i in (0, 2, 4):  # the three weight vectors the plane passes through
        assert seen["share"][i] < 1e-9
        assert seen["plane"][i] == pytest.approx(seen["true"][i], rel=1e-9)
    np.testing.assert_allclose(seen["coords"][[2, 4]], [[1, 0], [0, 1]], atol=1e-9)
    assert seen["share"][1] > 1e-6
    a, b = seen["coords"][1]  # off the plane: the contour shows the loss at the projection
    projected = path[0] + a * (path[2] - path[0]) + b * (path[4] - path[0])
    assert seen["plane"][1] == pytest.approx(NET.loss(projected, DATA.x_train, DATA.y_train))
    assert seen["plane"][1] != pytest.approx(seen["true"][1], rel=1e-6)


def test_chunked_losses_with_a_short_last_chunk_equal_one_at_a_time(monkeypatch):
    monkeypatch.setattr(landscape, "CHUNK_BYTES", 8 * len(DATA.x_train) * 6 * 3)  # 3 per chunk
    thetas = np.stack([_centre(s) for s in range(8)])  # chunks of 3, 3 and 2
    got = landscape.losses_at(NET, thetas, DATA.x_train, DATA.y_train)
    np.testing.assert_allclose(got, _loop_losses(thetas, DATA.x_train, DATA.y_train), rtol=1e-12)
    plane = Plane(thetas[0], thetas[1] - thetas[0], thetas[2] - thetas[0])
    coords = np.array([[0, 0], [1, 0], [0, 1], [0.5, 0.5], [2, -1], [-1, 3], [0.1, 0.2]])
    want = _loop_losses(plane.points(coords), DATA.x_train, DATA.y_train)
    got = landscape.plane_losses(NET, plane, coords, DATA.x_train, DATA.y_train)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_an_in_plane_path_kept_in_float32_stays_on_the_plane():
    """Stored as float32 offsets from θ₀ (lab.paths), a path in the plane through θ₀ reads
    back within 2⁻²⁴ ‖θ − θ₀‖ of it: its off-plane share stays below 10⁻⁶ (the stated
    tolerance) and the contour loss at its projection equals its true loss to 10⁻⁶."""
    from lab.paths import WeightPath

    theta0 = _centre()
    plane = Plane(theta0, *directions.filter_normalized(theta0, NET, seed=2))
    coords = np.column_stack([np.linspace(0, 0.8, 12), np.sin(np.linspace(0, 3, 12))])
    kept = WeightPath(theta0)
    for epoch, point in enumerate(plane.points(coords)):
        kept.append(epoch, point)
    seen = landscape.trace_path(NET, plane, kept.weights(), DATA.x_train, DATA.y_train)
    assert np.abs(kept.weights() - plane.points(coords)).max() > 0  # really rounded
    assert seen["share"].max() < 1e-6
    np.testing.assert_allclose(seen["coords"], coords, atol=1e-6)
    np.testing.assert_allclose(seen["plane"], seen["true"], rtol=1e-6)
