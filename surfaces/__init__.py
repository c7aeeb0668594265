"""2-D cost surfaces with exact gradients, known minima, and safely parsed user functions.

>>> import surfaces
>>> s = surfaces.SURFACES["himmelblau"]
>>> s(np.array([3.0, 2.0])), s.grad(grid)   # p of shape (..., 2)
>>> surfaces.parse("x^2 + 10*y^2")          # or surfaces.ExpressionError
"""

from surfaces.catalog import GROUPS, SURFACES
from surfaces.expressions import DEFAULT_DOMAIN, FUNCTIONS, SYNTAX_HELP, ExpressionError, parse
from surfaces.surface import Minimum, Parameter, Surface

__all__ = [
    "DEFAULT_DOMAIN",
    "FUNCTIONS",
    "GROUPS",
    "SURFACES",
    "SYNTAX_HELP",
    "ExpressionError",
    "Minimum",
    "Parameter",
    "Surface",
    "parse",
]
