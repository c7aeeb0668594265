"""The built-in surfaces: the article's landscapes, the traps, and classic test functions.

Each is a sympy formula; gradients are its exact derivatives. Minima and saddles of the
classic functions are the published ones (Surjanovic & Bingham's Virtual Library of
Simulation Experiments; Jamil & Yang 2013, "A literature survey of benchmark functions for
global optimisation problems"); where the literature gives only a few digits, the critical
points were located with mpmath's Newton solver at 40 digits and are stored to 17.
"""

from __future__ import annotations

import sympy
from sympy import E, Rational, cos, exp, pi, sin, sqrt, tanh

from surfaces.surface import Minimum, Parameter, Surface, X, Y

x, y = X, Y


def _minima(best, *others) -> tuple[Minimum, ...]:
    """Minima from (x, y, value) triples: the global ones first (a list), then local ones."""
    best = best if isinstance(best, list) else [best]
    return tuple(Minimum(*m, is_global=True) for m in best) + tuple(
        Minimum(*m, is_global=False) for m in others
    )


def _rosenbrock_minima(surface: Surface) -> dict:
    a = surface.params["a"]
    return {"minima": _minima((a, a * a, 0.0))}


GROUPS = {
    "article": "From the article",
    "traps": "Traps",
    "classic": "Classic test functions",
    "custom": "Your own function",
}

kappa = sympy.Symbol("kappa", real=True)
width = sympy.Symbol("w", real=True)
steepness = sympy.Symbol("k", real=True)
a, b = sympy.symbols("a b", real=True)
CLIFF_HEIGHT = 20

_BUILT_INS = (
    Surface(
        name="peaks",
        label="Peaks (MATLAB)",
        description=(
            "MATLAB's peaks: three bumps and three pits made of Gaussians. Besides the global "
            "minimum at (0.23, −1.63), a local one at (−1.35, 0.20) traps trajectories that "
            "head west, and a shallow one sits at (0.30, 0.32)."
        ),
        group="article",
        expression=3 * (1 - x) ** 2 * exp(-(x**2) - (y + 1) ** 2)
        - 10 * (x / 5 - x**3 - y**5) * exp(-(x**2) - y**2)
        - exp(-((x + 1) ** 2) - y**2) / 3,
        domain=((-3, 3), (-3, 3)),
        start=(-0.5, -1.0),
        minima=_minima(
            (0.22827892055636910, -1.6255349574999965, -6.5511333328358369),
            (-1.3473962443682108, 0.20451886609700518, -3.0498494028002598),
            (0.29644555384683208, 0.32019624766683434, -0.064935868255526887),
        ),
        saddles=(
            (0.41632332167850820, -0.39414509840242461),
            (-0.26593755683724569, 0.46673999372626940),
            (1.0982728343350928, 0.85446097952475245),
        ),
    ),
    Surface(
        name="monkey_saddle",
        label="Monkey saddle",
        description=(
            "x³ − 3xy²: a flat saddle with three valleys (room for a monkey's tail). The "
            "gradient vanishes to second order at the origin, so escaping is slow; unbounded below."
        ),
        group="article",
        expression=x**3 - 3 * x * y**2,
        domain=((-1.5, 1.5), (-1.5, 1.5)),
        start=(1.0, -0.01),
        saddles=((0.0, 0.0),),
    ),
    Surface(
        name="saddle",
        label="Saddle",
        description=(
            "x² − y²: a saddle point at the origin. Starting almost on the ridge at "
            "(1, −0.001), plain gradient descent creeps to the saddle before it escapes; "
            "unbounded below."
        ),
        group="article",
        expression=x**2 - y**2,
        domain=((-1.5, 1.5), (-1.5, 1.5)),
        start=(1.0, -0.001),
        saddles=((0.0, 0.0),),
    ),
    Surface(
        name="ravine",
        label="Ravine",
        description=(
            "(x² + κy²)/2: a long narrow valley whose Hessian has condition number κ. Gradient "
            "descent zig-zags across it and crawls along it; momentum averages the zig-zag out."
        ),
        group="traps",
        expression=(x**2 + kappa * y**2) / 2,
        domain=((-5, 5), (-2, 2)),
        start=(-4.5, 1.5),
        minima=_minima((0.0, 0.0, 0.0)),
        parameters=(
            Parameter(
                "kappa",
                "κ (condition number)",
                default=20.0,
                low=1.0,
                high=200.0,
                scale="log",
                help="Ratio of the steepest to the flattest curvature of the valley.",
            ),
        ),
    ),
    Surface(
        name="plateau",
        label="Plateau",
        description=(
            "1 − exp(−(x² + y²)/w²): a wide, almost flat plateau around a well of width w. "
            "Far from the well the gradient all but vanishes, and plain gradient descent stalls."
        ),
        group="traps",
        expression=1 - exp(-(x**2 + y**2) / width**2),
        domain=((-4, 4), (-4, 4)),
        start=(2.5, 2.0),
        minima=_minima((0.0, 0.0, 0.0)),
        parameters=(
            Parameter(
                "w",
                "well width w",
                default=1.0,
                low=0.5,
                high=2.0,
                help="Width of the well; the plateau around it is flatter the narrower it is.",
            ),
        ),
    ),
    Surface(
        name="cliff",
        label="Cliff",
        description=(
            f"A gentle bowl with a cliff of height {CLIFF_HEIGHT} at x = −1.5: "
            f"(x − 2)²/4 + y²/2 + {CLIFF_HEIGHT}(1 − tanh(k(x + 1.5)))/2. On the wall the "
            "gradient explodes and one step can fling a point far away: the case for clipping."
        ),
        group="traps",
        expression=(x - 2) ** 2 / 4
        + y**2 / 2
        + CLIFF_HEIGHT * (1 - tanh(steepness * (x + Rational(3, 2)))) / 2,
        domain=((-4, 4), (-3, 3)),
        start=(-3.5, 1.5),
        minima=_minima((2.0, 0.0, 0.0)),
        parameters=(
            Parameter(
                "k",
                "wall steepness k",
                default=8.0,
                low=6.0,
                high=30.0,
                help=f"The gradient on the wall reaches {CLIFF_HEIGHT}·k/2.",
            ),
        ),
    ),
    Surface(
        name="sharp_flat",
        label="Sharp and flat minima",
        description=(
            "(1 + (x² + y²)/10)(1 − exp(−4((x + 1.5)² + y²)))(1 − exp(−((x − 1.5)² + y²)/4)): "
            "two minima of exactly equal depth J = 0, a sharp one at (−1.5, 0) (curvature "
            "8.77) and a flat one at (1.5, 0) (curvature 0.61): which one does an optimizer prefer?"
        ),
        group="traps",
        expression=(1 + (x**2 + y**2) / 10)
        * (1 - exp(-4 * ((x + Rational(3, 2)) ** 2 + y**2)))
        * (1 - exp(-((x - Rational(3, 2)) ** 2 + y**2) / 4)),
        domain=((-4, 4), (-3, 3)),
        start=(0.0, 2.5),
        minima=_minima([(-1.5, 0.0, 0.0), (1.5, 0.0, 0.0)]),
        saddles=((-0.71835643768454739, 0.0),),
    ),
    Surface(
        name="rosenbrock",
        label="Rosenbrock",
        description=(
            "(a − x)² + b(y − x²)²: a curved, flat-bottomed banana valley. Finding the valley "
            "is easy, following it to the minimum at (a, a²) is hard."
        ),
        group="classic",
        expression=(a - x) ** 2 + b * (y - x**2) ** 2,
        domain=((-2, 2), (-1, 3)),
        start=(-1.2, 1.0),
        minima=_minima((1.0, 1.0, 0.0)),
        log_scale=True,
        parameters=(
            Parameter("a", "a", default=1.0, low=0.2, high=1.5, help="The minimum is at (a, a²)."),
            Parameter(
                "b",
                "b",
                default=100.0,
                low=1.0,
                high=200.0,
                scale="log",
                help="Steepness of the valley walls.",
            ),
        ),
        refresh=_rosenbrock_minima,
    ),
    Surface(
        name="beale",
        label="Beale",
        description=(
            "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: sharp ridges and flat "
            "valleys; minimum at (3, 0.5)."
        ),
        group="classic",
        expression=(Rational(3, 2) - x + x * y) ** 2
        + (Rational(9, 4) - x + x * y**2) ** 2
        + (Rational(21, 8) - x + x * y**3) ** 2,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        start=(1.0, 1.5),
        minima=_minima((3.0, 0.5, 0.0)),
        saddles=((0.0, 1.0), (0.10053793732415836, -2.6445135850231250)),
        log_scale=True,
    ),
    Surface(
        name="himmelblau",
        label="Himmelblau",
        description=(
            "(x² + y − 11)² + (x + y² − 7)²: four equally deep minima; which one an optimizer "
            "reaches depends on where it starts and how it moves."
        ),
        group="classic",
        expression=(x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        domain=((-5, 5), (-5, 5)),
        start=(-0.3, -0.9),
        minima=_minima(
            [
                (3.0, 2.0, 0.0),
                (-2.8051180869527449, 3.1313125182505730, 0.0),
                (-3.7793102533777469, -3.2831859912861694, 0.0),
                (3.5844283403304917, -1.8481265269644036, 0.0),
            ]
        ),
        saddles=(
            (3.3851541836070209, 0.073851879837749288),
            (0.086677504555396352, 2.8842547011747761),
            (-3.0730257507643896, -0.081353044287967512),
            (-0.12796134673068007, -1.9537149802445764),
        ),
        log_scale=True,
    ),
    Surface(
        name="booth",
        label="Booth",
        description="(x + 2y − 7)² + (2x + y − 5)²: a tilted quadratic bowl; minimum at (1, 3).",
        group="classic",
        expression=(x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        domain=((-10, 10), (-10, 10)),
        start=(-8.0, -6.0),
        minima=_minima((1.0, 3.0, 0.0)),
        log_scale=True,
    ),
    Surface(
        name="matyas",
        label="Matyas",
        description=(
            "0.26(x² + y²) − 0.48xy: a plate-shaped bowl, flat along the diagonal "
            "(condition number 25); minimum at the origin."
        ),
        group="classic",
        expression=Rational(26, 100) * (x**2 + y**2) - Rational(48, 100) * x * y,
        domain=((-10, 10), (-10, 10)),
        start=(-8.0, 3.0),
        minima=_minima((0.0, 0.0, 0.0)),
        log_scale=True,
    ),
    Surface(
        name="goldstein_price",
        label="Goldstein–Price",
        description=(
            "A product of two polynomials spanning four decades, with three local minima and "
            "the global one at (0, −1), where J = 3."
        ),
        group="classic",
        expression=(1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
        * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)),
        domain=((-2, 2), (-2, 2)),
        start=(1.0, -1.5),
        minima=_minima((0.0, -1.0, 3.0), (-0.6, -0.4, 30.0), (1.8, 0.2, 84.0), (1.2, 0.8, 840.0)),
        saddles=((-0.4, -0.6), (1.2, -0.2), (1.4, 0.6), (0.6, 0.4)),
        log_scale=True,
    ),
    Surface(
        name="six_hump_camel",
        label="Six-hump camel",
        description=(
            "(4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²: six minima, two of them global, "
            "shown on the usual plotting window [−2, 2] × [−1, 1]."
        ),
        group="classic",
        expression=(4 - Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2,
        domain=((-2, 2), (-1, 1)),
        start=(-1.8, -0.9),
        minima=_minima(
            [
                (0.089842013100318062, -0.71265640302073963, -1.0316284534898774),
                (-0.089842013100318062, 0.71265640302073963, -1.0316284534898774),
            ],
            (-1.7036067149699808, 0.79608356867262512, -0.21546382438371764),
            (1.7036067149699808, -0.79608356867262512, -0.21546382438371764),
            (-1.6071047529201972, -0.56865145488413137, 2.1042503103112583),
            (1.6071047529201972, 0.56865145488413137, 2.1042503103112583),
        ),
        saddles=(
            (0.0, 0.0),
            (-1.1092053368047864, 0.76826809250953984),
            (1.1092053368047864, -0.76826809250953984),
            (-1.6380679841897786, -0.22867406904439407),
            (1.6380679841897786, 0.22867406904439407),
            (-1.2960702671671092, -0.60508438803865850),
            (1.2960702671671092, 0.60508438803865850),
        ),
    ),
    Surface(
        name="three_hump_camel",
        label="Three-hump camel",
        description=(
            "2x² − 1.05x⁴ + x⁶/6 + xy + y²: the global minimum at the origin between two "
            "local ones, shown on the usual plotting window [−2, 2]²."
        ),
        group="classic",
        expression=2 * x**2 - Rational(105, 100) * x**4 + x**6 / 6 + x * y + y**2,
        domain=((-2, 2), (-2, 2)),
        start=(-1.9, 1.5),
        minima=_minima(
            (0.0, 0.0, 0.0),
            (-1.7475523458302889, 0.87377617291514445, 0.29863844223685982),
            (1.7475523458302889, -0.87377617291514445, 0.29863844223685982),
        ),
        saddles=(
            (-1.0705422918236600, 0.53527114591182999),
            (1.0705422918236600, -0.53527114591182999),
        ),
    ),
    Surface(
        name="rastrigin",
        label="Rastrigin",
        description=(
            "20 + x² + y² − 10(cos 2πx + cos 2πy): a bowl covered in a regular grid of local "
            "minima; only the one at the origin is global."
        ),
        group="classic",
        expression=20 + x**2 + y**2 - 10 * (cos(2 * pi * x) + cos(2 * pi * y)),
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        start=(-4.2, 3.8),
        minima=_minima((0.0, 0.0, 0.0)),
    ),
    Surface(
        name="ackley",
        label="Ackley",
        description=(
            "A nearly flat, bumpy outer region around a deep funnel at the origin, where J is "
            "not differentiable (0 is used as its subgradient); shown on [−5, 5]²."
        ),
        group="classic",
        expression=-20 * exp(-sqrt((x**2 + y**2) / 2) / 5)
        - exp((cos(2 * pi * x) + cos(2 * pi * y)) / 2)
        + E
        + 20,
        domain=((-5, 5), (-5, 5)),
        start=(-4.0, 3.5),
        minima=_minima((0.0, 0.0, 0.0)),
        kinks=((0.0, 0.0),),
    ),
    Surface(
        name="styblinski_tang",
        label="Styblinski–Tang",
        description=(
            "(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)/2: four minima at the corners of a square of "
            "different depths; the deepest at (−2.90, −2.90)."
        ),
        group="classic",
        expression=(x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2,
        domain=((-5, 5), (-5, 5)),
        start=(0.5, 4.5),
        minima=_minima(
            (-2.9035340277711771, -2.9035340277711771, -78.332331407542831),
            (-2.9035340277711771, 2.7468027709908370, -64.195612359055358),
            (2.7468027709908370, -2.9035340277711771, -64.195612359055358),
            (2.7468027709908370, 2.7468027709908370, -50.058893310567885),
        ),
        saddles=(
            (-2.9035340277711771, 0.1567312567803401),
            (0.1567312567803401, -2.9035340277711771),
            (2.7468027709908370, 0.1567312567803401),
            (0.1567312567803401, 2.7468027709908370),
        ),
    ),
    Surface(
        name="levi13",
        label="Lévi N.13",
        description=(
            "sin²(3πx) + (x − 1)²(1 + sin²(3πy)) + (y − 1)²(1 + sin²(2πy)): ripples over a "
            "valley; minimum at (1, 1)."
        ),
        group="classic",
        expression=sin(3 * pi * x) ** 2
        + (x - 1) ** 2 * (1 + sin(3 * pi * y) ** 2)
        + (y - 1) ** 2 * (1 + sin(2 * pi * y) ** 2),
        domain=((-10, 10), (-10, 10)),
        start=(-7.0, 8.0),
        minima=_minima((1.0, 1.0, 0.0)),
        log_scale=True,
    ),
)

SURFACES: dict[str, Surface] = {surface.name: surface for surface in _BUILT_INS}
