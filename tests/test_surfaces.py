"""Built-in surfaces: contract, gradients vs finite differences, minima, published formulas."""

import dataclasses
import itertools
import pickle

import numpy as np
import pytest

import surfaces
from surfaces import GROUPS, SURFACES, Surface

NAMES = [
    "peaks",
    "monkey_saddle",
    "saddle",
    "ravine",
    "plateau",
    "cliff",
    "sharp_flat",
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "matyas",
    "goldstein_price",
    "six_hump_camel",
    "three_hump_camel",
    "rastrigin",
    "ackley",
    "styblinski_tang",
    "levi13",
]


def variants():
    """Every surface at its defaults, and with each parameter at the ends of its range."""
    for name, surface in SURFACES.items():
        yield pytest.param(surface, id=name)
        for p, end in itertools.product(surface.parameters, ("low", "high")):
            value = getattr(p, end)
            yield pytest.param(
                surface.with_params(**{p.name: value}), id=f"{name}-{p.name}={value:g}"
            )


def random_points(surface: Surface, n: int, seed: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = surface.domain
    return np.random.default_rng(seed).uniform([x0, y0], [x1, y1], size=(n, 2))


def central_differences(surface: Surface, p: np.ndarray, h: float) -> np.ndarray:
    return np.stack(
        [(surface(p + h * e) - surface(p - h * e)) / (2 * h) for e in np.eye(2)], axis=-1
    )


def hessian(surface: Surface, p, h: float = 1e-5) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.stack(
        [(surface.grad(p + h * e) - surface.grad(p - h * e)) / (2 * h) for e in np.eye(2)], axis=-1
    )


def ring(center, radius: float, n: int = 16) -> np.ndarray:
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.asarray(center) + radius * np.stack([np.cos(angles), np.sin(angles)], axis=-1)


# Published formulas, written out again independently of the package (plain NumPy).
def _goldstein_price(x, y):
    first = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    second = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return first * second


def _ackley(x, y):
    a, b, c = 20.0, 0.2, 2 * np.pi
    radial = -a * np.exp(-b * np.sqrt(0.5 * (x**2 + y**2)))
    return radial - np.exp(0.5 * (np.cos(c * x) + np.cos(c * y))) + a + np.e


PUBLISHED = {
    "peaks": lambda x, y: (
        3 * (1 - x) ** 2 * np.exp(-(x**2) - (y + 1) ** 2)
        - 10 * (x / 5 - x**3 - y**5) * np.exp(-(x**2) - y**2)
        - 1 / 3 * np.exp(-((x + 1) ** 2) - y**2)
    ),
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2,
    "saddle": lambda x, y: x**2 - y**2,
    "ravine": lambda x, y: 0.5 * x**2 + 10 * y**2,
    "plateau": lambda x, y: 1 - np.exp(-(x**2) - y**2),
    "cliff": lambda x, y: 0.25 * (x - 2) ** 2 + 0.5 * y**2 + 10 * (1 - np.tanh(8 * (x + 1.5))),
    "sharp_flat": lambda x, y: (
        (1 + (x**2 + y**2) / 10)
        * (1 - np.exp(-4 * ((x + 1.5) ** 2 + y**2)))
        * (1 - np.exp(-(((x - 1.5) ** 2 + y**2) / 4)))
    ),
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": lambda x, y: sum(
        (c - x + x * y**i) ** 2 for i, c in ((1, 1.5), (2, 2.25), (3, 2.625))
    ),
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "matyas": lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    "goldstein_price": _goldstein_price,
    "six_hump_camel": lambda x, y: (
        (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
    ),
    "three_hump_camel": lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    "rastrigin": lambda x, y: 20 + sum(v**2 - 10 * np.cos(2 * np.pi * v) for v in (x, y)),
    "ackley": _ackley,
    "styblinski_tang": lambda x, y: 0.5 * sum(v**4 - 16 * v**2 + 5 * v for v in (x, y)),
    "levi13": lambda x, y: (
        np.sin(3 * np.pi * x) ** 2
        + (x - 1) ** 2 * (1 + np.sin(3 * np.pi * y) ** 2)
        + (y - 1) ** 2 * (1 + np.sin(2 * np.pi * y) ** 2)
    ),
}


def test_registry_has_the_contract_names_and_groups():
    assert list(SURFACES) == NAMES
    assert list(GROUPS) == ["article", "traps", "classic", "custom"]
    assert all(isinstance(label, str) and label for label in GROUPS.values())
    for name, surface in SURFACES.items():
        assert surface.name == name
        assert surface.group in GROUPS and surface.group != "custom"
        assert surface.label and surface.description
        (x0, x1), (y0, y1) = surface.domain
        assert x0 < x1 and y0 < y1
        assert x0 <= surface.start[0] <= x1 and y0 <= surface.start[1] <= y1
        for m in surface.minima:
            assert x0 <= m.x <= x1 and y0 <= m.y <= y1
        assert any(m.is_global for m in surface.minima) == bool(surface.minima)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_the_published_formula(name):
    surface = SURFACES[name]
    p = random_points(surface, 1000, seed=1)
    expected = PUBLISHED[name](p[:, 0], p[:, 1])
    np.testing.assert_allclose(surface(p), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("surface", list(variants()))
def test_gradient_matches_central_differences(surface):
    p = random_points(surface, 1000, seed=2)
    h = 1e-6
    fd = central_differences(surface, p, h)
    g = surface.grad(p)
    # truncation O(h²) plus rounding of order eps·|J|/h
    tolerance = 1e-5 * (1 + np.abs(g)) + 1e-9 * np.abs(surface(p))[:, None]
    assert np.all(np.abs(g - fd) <= tolerance), np.max(np.abs(g - fd) - tolerance)


@pytest.mark.parametrize("surface", list(variants()))
def test_declared_minima_are_minima_with_the_declared_values(surface):
    for m in surface.minima:
        point = np.array([m.x, m.y])
        assert surface(point) == pytest.approx(m.value, rel=1e-12, abs=1e-12)
        assert np.all(np.abs(surface.grad(point)) < 1e-8)
        assert np.all(surface(ring(point, 1e-3)) >= m.value - 1e-12)


@pytest.mark.parametrize("surface", list(variants()))
def test_no_point_of_the_domain_is_below_the_global_minimum(surface):
    if not surface.minima:
        return  # unbounded below (saddles): nothing to compare with
    (x0, x1), (y0, y1) = surface.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301))
    lowest = min(m.value for m in surface.minima if m.is_global)
    assert np.nanmin(surface(np.stack([gx, gy], axis=-1))) >= lowest - 1e-12
    assert all(m.value >= lowest for m in surface.minima)
    assert all(m.value == pytest.approx(lowest) for m in surface.minima if m.is_global)


@pytest.mark.parametrize("name", [n for n in NAMES if SURFACES[n].saddles])
def test_declared_saddles_are_saddle_points(name):
    surface = SURFACES[name]
    for saddle in surface.saddles:
        point = np.array(saddle)
        assert np.all(np.abs(surface.grad(point)) < 1e-8)
        around = surface(ring(point, 1e-2, n=64)) - surface(point)
        assert around.min() < 0 < around.max()


@pytest.mark.parametrize("name", ["saddle", "monkey_saddle"])
def test_gradient_descent_from_the_start_nears_the_saddle_then_escapes(name):
    """Plain gradient descent (own loop) visibly escapes: it leaves the domain going downhill."""
    s = SURFACES[name]
    p, path = np.array(s.start), []
    while len(path) < 1000 and np.all(np.abs(p) <= 1.5):
        path.append(p)
        p = p - 0.02 * s.grad(p)
    assert len(path) < 1000
    assert min(np.linalg.norm(path, axis=-1)) < 0.35
    assert s(p) < s(np.array(s.start)) - 1


def test_article_start_points():
    assert SURFACES["saddle"].start == (1.0, -0.001)
    assert SURFACES["peaks"].start == (-0.5, -1.0)


def test_ackley_uses_zero_as_subgradient_only_at_its_kink():
    s = SURFACES["ackley"]
    assert np.all(s.grad(np.zeros(2)) == 0)
    near = s.grad(np.array([1e-9, 0.0]))
    assert near[0] > 1  # the funnel is steep right next to the minimum


@pytest.mark.parametrize("name", NAMES)
def test_shapes_for_grids_and_batches(name):
    s = SURFACES[name]
    p = random_points(s, 24, seed=3).reshape(2, 3, 4, 2)
    assert s(p).shape == (2, 3, 4)
    assert s.grad(p).shape == (2, 3, 4, 2)
    assert s(p[0, 0, 0]).shape == ()
    np.testing.assert_array_equal(s(p)[1, 2], s(p[1, 2]))
    np.testing.assert_array_equal(s.grad(p)[1, 2], s.grad(p[1, 2]))
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        s(np.zeros((4, 3)))


def test_constant_derivatives_broadcast():
    s = SURFACES["saddle"]  # ∂J/∂x = 2x, but for a plane the gradient is a constant
    plane = surfaces.parse("2*x - y")
    p = random_points(s, 5).reshape(5, 1, 2)
    np.testing.assert_array_equal(plane.grad(p), np.broadcast_to([2.0, -1.0], (5, 1, 2)))


def test_with_params_moves_the_minimum_and_checks_names_and_ranges():
    rosenbrock = SURFACES["rosenbrock"]
    moved = rosenbrock.with_params(a=0.5, b=10)
    assert dict(moved.params) == {"a": 0.5, "b": 10.0}
    assert dict(rosenbrock.params) == {"a": 1.0, "b": 100.0}
    assert (moved.minima[0].x, moved.minima[0].y) == (0.5, 0.25)
    p = random_points(moved, 50)
    x, y = p[:, 0], p[:, 1]
    np.testing.assert_allclose(moved(p), (0.5 - x) ** 2 + 10 * (y - x**2) ** 2, rtol=1e-12)
    with pytest.raises(ValueError, match="'c'"):
        rosenbrock.with_params(c=1.0)
    with pytest.raises(ValueError, match=r"'b'.*\[1, 200\]"):
        rosenbrock.with_params(b=1000)
    with pytest.raises(ValueError, match="no parameter"):
        SURFACES["booth"].with_params(a=1)


def test_surfaces_are_immutable_and_with_domain_returns_a_new_one():
    s = SURFACES["booth"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.domain = ((0, 1), (0, 1))
    with pytest.raises(TypeError):
        SURFACES["ravine"].params["kappa"] = 3.0
    zoomed = s.with_domain(((0, 2), (2, 4)))
    assert zoomed.domain == ((0.0, 2.0), (2.0, 4.0))
    assert s.domain == ((-10.0, 10.0), (-10.0, 10.0))
    assert zoomed.minima == s.minima
    for bad in [((1, 0), (0, 1)), ((0, np.inf), (0, 1)), (0, 1), "wide"]:
        with pytest.raises(ValueError, match="domain"):
            s.with_domain(bad)


def test_parameter_metadata_is_usable_for_sliders():
    declared = {
        name: [p.name for p in s.parameters] for name, s in SURFACES.items() if s.parameters
    }
    assert declared == {
        "ravine": ["kappa"],
        "plateau": ["w"],
        "cliff": ["k"],
        "rosenbrock": ["a", "b"],
    }
    for s in SURFACES.values():
        for p in s.parameters:
            assert p.low <= p.default <= p.high and p.scale in ("linear", "log") and p.label


def test_ravine_condition_number_is_the_hessian_condition_number():
    for kappa in (1.0, 20.0, 200.0):
        eigenvalues = np.linalg.eigvalsh(
            hessian(SURFACES["ravine"].with_params(kappa=kappa), [1, 1])
        )
        assert eigenvalues.max() / eigenvalues.min() == pytest.approx(kappa, rel=1e-6)


def test_traps_behave_as_described():
    plateau, cliff = SURFACES["plateau"], SURFACES["cliff"]
    assert np.linalg.norm(plateau.grad(np.array(plateau.start))) < 1e-3
    wall = cliff.grad(np.array([-1.5, 0.0]))
    assert np.linalg.norm(wall) > 20 * np.linalg.norm(cliff.grad(np.array(cliff.start)))
    steeper = cliff.with_params(k=30).grad(np.array([-1.5, 0.0]))
    assert np.linalg.norm(steeper) > 3 * np.linalg.norm(wall)


def test_sharp_flat_minima_are_equally_deep_one_sharp_one_flat():
    """Both minima at J = 0 exactly; Hessians (finite differences) isotropic, 8.77 against
    0.6125 = (1 + 2.25/10)/2 at the flat one, a ratio above 14."""
    s = SURFACES["sharp_flat"]
    sharp, flat = (np.linalg.eigvalsh(hessian(s, [m.x, m.y])) for m in s.minima)
    assert [m.value for m in s.minima] == [0.0, 0.0] and all(m.is_global for m in s.minima)
    assert s(np.array([[-1.5, 0.0], [1.5, 0.0]])).tolist() == [0.0, 0.0]
    np.testing.assert_allclose(flat, [0.6125, 0.6125], rtol=1e-6)
    np.testing.assert_allclose(sharp, [8.7670876, 8.7670876], rtol=1e-6)


def test_latex_is_available_for_display():
    assert "\\frac" in SURFACES["ravine"].latex and "\\kappa" in SURFACES["ravine"].latex


@pytest.mark.parametrize(
    "surface", [SURFACES["rosenbrock"].with_params(a=0.5), surfaces.parse("x^2*y")]
)
def test_surfaces_survive_pickling_after_use(surface):
    p = random_points(surface, 10)
    surface.grad(p)  # compiles and caches the NumPy functions on the instance
    copy = pickle.loads(pickle.dumps(surface))
    assert copy == surface
    np.testing.assert_array_equal(copy.grad(p), surface.grad(p))
