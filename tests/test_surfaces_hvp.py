"""Exact Hessian-vector products and Hessian diagonals of surfaces (sympy's second derivatives).

Checked against central differences of the exact gradient on every catalog surface, and
against closed forms: a typed quadratic (H = A everywhere) and Rosenbrock with its parameters.
"""

import pickle

import numpy as np
import pytest

import optim
import surfaces

RNG = np.random.default_rng(7)


def random_points(surface, n=64):
    (x0, x1), (y0, y1) = surface.domain
    return np.stack([RNG.uniform(x0, x1, n), RNG.uniform(y0, y1, n)], axis=-1)


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_hvp_matches_central_differences_of_the_gradient(name):
    """(∇J(p + hv) − ∇J(p − hv))/2h = H·v + O(h²); h = 10⁻⁵ leaves about 10⁻⁶ relative."""
    surface = surfaces.SURFACES[name]
    p = random_points(surface)
    v = RNG.normal(size=p.shape)
    h = 1e-5
    difference = (surface.grad(p + h * v) - surface.grad(p - h * v)) / (2 * h)
    exact = surface.hvp(p, v)
    finite = np.all(np.isfinite(exact), axis=-1)
    assert finite.mean() > 0.9  # the check covers most points
    scale = np.abs(exact[finite]).max() + 1.0
    np.testing.assert_allclose(exact[finite], difference[finite], rtol=1e-5, atol=1e-6 * scale)


def test_a_typed_quadratic_has_its_matrix_as_hessian():
    """J = 1.5x² + 1.2xy + 0.5y² − x + 0.5y: H = [[3, 1.2], [1.2, 1]] at every point."""
    surface = surfaces.parse("1.5*x^2 + 1.2*x*y + 0.5*y^2 - x + 0.5*y")
    matrix = np.array([[3.0, 1.2], [1.2, 1.0]])
    p = RNG.normal(size=(5, 7, 2))
    v = RNG.normal(size=(5, 7, 2))
    np.testing.assert_allclose(surface.hvp(p, v), v @ matrix, rtol=1e-14)
    np.testing.assert_allclose(surface.hessian_diagonal(p), np.broadcast_to([3.0, 1.0], p.shape))
    unit = surface.hvp(p, np.array([1.0, 0.0]))  # one vector for a whole grid
    np.testing.assert_allclose(unit, np.broadcast_to(matrix[0], p.shape), rtol=1e-14)


def test_rosenbrock_hessian_follows_its_parameters():
    """J = (a − x)² + b(y − x²)²: H = [[2 − 4b(y − x²) + 8bx², −4bx], [−4bx, 2b]]."""
    surface = surfaces.SURFACES["rosenbrock"].with_params(a=0.5, b=30.0)
    p = random_points(surface, 16)
    x, y = p[:, 0], p[:, 1]
    b = 30.0
    hxx, hxy, hyy = 2 - 4 * b * (y - x * x) + 8 * b * x * x, -4 * b * x, 2 * b + 0 * x
    v = RNG.normal(size=p.shape)
    expected = np.stack([hxx * v[:, 0] + hxy * v[:, 1], hxy * v[:, 0] + hyy * v[:, 1]], -1)
    np.testing.assert_allclose(surface.hvp(p, v), expected, rtol=1e-12, atol=1e-12)
    diagonal = np.stack([hxx, hyy], -1)
    np.testing.assert_allclose(surface.hessian_diagonal(p), diagonal, rtol=1e-12)
    np.testing.assert_allclose(optim.hessian_diagonal(surface.hvp, p), diagonal, rtol=1e-12)


def test_abs_has_the_hessian_of_its_smooth_pieces_and_undefined_points_give_nan():
    """abs's second derivative is a Dirac delta at its kink: dropped (0), like the one-sided
    slope the gradient takes there; where J is undefined (log of a negative) the product is nan."""
    surface = surfaces.parse("abs(x) + x^2*y + log(y + 2)")
    p = np.array([[0.5, 1.0], [-0.7, 0.5], [0.0, 1.0], [0.3, -3.0]])
    v = np.array([1.0, -2.0])
    x, y = p[:3, 0], p[:3, 1]
    hxx, hxy, hyy = 2 * y, 2 * x, -1 / (y + 2) ** 2
    expected = np.stack([hxx * v[0] + hxy * v[1], hxy * v[0] + hyy * v[1]], -1)
    result = surface.hvp(p, v)
    np.testing.assert_allclose(result[:3], expected, rtol=1e-14)
    assert np.all(np.isnan(result[3]))


def test_surfaces_pickle_without_their_compiled_hessian():
    surface = surfaces.SURFACES["himmelblau"]
    p, v = np.array([[1.0, 2.0]]), np.array([[0.5, -1.0]])
    before = surface.hvp(p, v)
    restored = pickle.loads(pickle.dumps(surface))
    assert "_hessian_function" not in restored.__dict__
    np.testing.assert_array_equal(restored.hvp(p, v), before)
