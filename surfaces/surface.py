"""The `Surface` type: a 2-D cost function J(x, y) held as a sympy formula.

The formula is the single source of truth: the gradient ∇J = (∂J/∂x, ∂J/∂y) is its exact
symbolic derivative, and both are compiled once (cached) into vectorized NumPy functions.
Points are arrays of shape (..., 2), so one call evaluates a plotting grid or a batch of
optimizer positions alike.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import MappingProxyType

import numpy as np
import sympy

X, Y = sympy.symbols("x y", real=True)

Domain = tuple[tuple[float, float], tuple[float, float]]
Point = tuple[float, float]


@dataclass(frozen=True)
class Minimum:
    """A known (or estimated) minimum: J(x, y) = value."""

    x: float
    y: float
    value: float
    is_global: bool = True


@dataclass(frozen=True)
class Parameter:
    """A shape parameter of a surface, shown as a slider: default and range [low, high]."""

    name: str
    label: str
    default: float
    low: float
    high: float
    scale: str = "linear"  # "linear" | "log"
    help: str = ""

    @property
    def symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self.name, real=True)


@lru_cache(maxsize=128)
def gradient(expression: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """(∂J/∂x, ∂J/∂y), exact, by sympy.diff."""
    return sympy.diff(expression, X), sympy.diff(expression, Y)


@lru_cache(maxsize=128)
def _compile(expression: sympy.Expr, symbols: tuple[sympy.Symbol, ...]):
    """NumPy functions (x, y, *params) -> J and -> (J, ∂J/∂x, ∂J/∂y), sharing subexpressions."""
    arguments = (X, Y, *symbols)
    value = sympy.lambdify(arguments, expression, modules="numpy", cse=True)
    derivatives = [expression, *gradient(expression)]
    value_and_grad = sympy.lambdify(arguments, derivatives, modules="numpy", cse=True)
    return value, value_and_grad


@lru_cache(maxsize=128)
def hessian(expression: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """(∂²J/∂x², ∂²J/∂x∂y, ∂²J/∂y²), exact, by sympy.diff of the gradient. DiracDelta terms (the
    second derivative of abs at its kink) are dropped: this is the Hessian of the smooth pieces,
    as the gradient takes a one-sided slope there."""
    dx, dy = gradient(expression)
    entries = (sympy.diff(dx, X), sympy.diff(dx, Y), sympy.diff(dy, Y))
    return tuple(e.replace(sympy.DiracDelta, lambda *_: sympy.Integer(0)) for e in entries)


@lru_cache(maxsize=128)
def _compile_hessian(expression: sympy.Expr, symbols: tuple[sympy.Symbol, ...]):
    """A NumPy function (x, y, *params) -> (J, ∂²J/∂x², ∂²J/∂x∂y, ∂²J/∂y²), built on first use
    only (an optimizer that asks for curvature), sharing subexpressions."""
    entries = [expression, *hessian(expression)]
    return sympy.lambdify((X, Y, *symbols), entries, modules="numpy", cse=True)


def _coordinates(p) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {p.shape}")
    return p[..., 0], p[..., 1]


def _filled(shape, *components) -> np.ndarray:
    """The components side by side in a float array of `shape`; non-finite entries become nan."""
    out = np.empty(shape)
    for i, component in enumerate(components):
        out[..., i] = component  # broadcasts constants such as ∂(2x - y)/∂y = -1
    out[~np.isfinite(out)] = np.nan
    return out


def check_domain(domain) -> Domain:
    """((xmin, xmax), (ymin, ymax)) as floats with min < max, or ValueError naming `domain`."""
    try:
        (x0, x1), (y0, y1) = domain
        bounds = tuple(float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((xmin, xmax), (ymin, ymax)), got {domain!r}") from None
    x0, x1, y0, y1 = bounds
    if not all(math.isfinite(v) for v in bounds) or not (x0 < x1 and y0 < y1):
        raise ValueError(f"domain needs finite bounds with min < max, got {domain!r}")
    return (x0, x1), (y0, y1)


@dataclass(frozen=True)
class Surface:
    """A cost surface J(x, y) with its exact gradient and what is known about it.

    `s(p)` gives J at points p of shape (..., 2) as shape (...); `s.grad(p)` gives ∇J as
    (..., 2), `s.hvp(p, v)` the Hessian-vector product H(p)·v and `s.hessian_diagonal(p)`
    (∂²J/∂x², ∂²J/∂y²), both (..., 2) and exact. Where J is undefined or overflows (log of a
    negative number, division by zero) all give nan, silently. Instances are immutable:
    `with_params` and `with_domain` return new surfaces.
    """

    name: str
    label: str
    description: str
    group: str  # a key of surfaces.GROUPS
    expression: sympy.Expr  # in X, Y and the parameters' symbols
    domain: Domain
    start: Point
    minima: tuple[Minimum, ...] = ()
    saddles: tuple[Point, ...] = ()
    log_scale: bool = False
    parameters: tuple[Parameter, ...] = ()
    parameter_values: tuple[float, ...] = ()  # aligned with `parameters`; defaults if empty
    kinks: tuple[Point, ...] = ()  # non-differentiable minima: the gradient there is 0
    refresh: Callable[[Surface], Mapping] | None = None  # re-derives minima etc. on change

    def __post_init__(self):
        object.__setattr__(self, "domain", check_domain(self.domain))
        if not self.parameter_values:
            defaults = tuple(float(p.default) for p in self.parameters)
            object.__setattr__(self, "parameter_values", defaults)

    @property
    def params(self) -> Mapping[str, float]:
        """Current parameter values by name (read-only)."""
        names = (p.name for p in self.parameters)
        return MappingProxyType(dict(zip(names, self.parameter_values, strict=True)))

    @property
    def latex(self) -> str:
        """J(x, y) in LaTeX, with parameters as symbols."""
        return sympy.latex(self.expression)

    def __getstate__(self):  # compiled functions are rebuilt after unpickling, not pickled
        compiled = ("_functions", "_hessian_function")
        return {k: v for k, v in self.__dict__.items() if k not in compiled}

    @cached_property
    def _functions(self):
        return _compile(self.expression, tuple(p.symbol for p in self.parameters))

    def __call__(self, p) -> np.ndarray:
        x, y = _coordinates(p)
        value, _ = self._functions
        with np.errstate(all="ignore"):
            return _filled((*x.shape, 1), value(x, y, *self.parameter_values))[..., 0]

    def grad(self, p) -> np.ndarray:
        x, y = _coordinates(p)
        _, value_and_grad = self._functions
        with np.errstate(all="ignore"):
            value, dx, dy = value_and_grad(x, y, *self.parameter_values)
        g = _filled((*x.shape, 2), dx, dy)
        g[~np.isfinite(value) & np.ones(x.shape, bool)] = np.nan  # no slope where J is undefined
        for kx, ky in self.kinks:
            g[(x == kx) & (y == ky)] = 0.0
        return g

    @cached_property
    def _hessian_function(self):
        return _compile_hessian(self.expression, tuple(p.symbol for p in self.parameters))

    def _hessian_entries(self, p) -> np.ndarray:
        """(..., 3): ∂²J/∂x², ∂²J/∂x∂y, ∂²J/∂y²; nan where J is undefined or they overflow,
        0 at the kinks (where the gradient is 0 too)."""
        x, y = _coordinates(p)
        with np.errstate(all="ignore"):
            value, *entries = self._hessian_function(x, y, *self.parameter_values)
        h = _filled((*x.shape, 3), *entries)
        h[~np.isfinite(value) & np.ones(x.shape, bool)] = np.nan
        for kx, ky in self.kinks:
            h[(x == kx) & (y == ky)] = 0.0
        return h

    def hvp(self, p, v) -> np.ndarray:
        """H(p)·v for points p and vectors v of shape (..., 2) (broadcast against each other)."""
        h = self._hessian_entries(p)
        v = np.asarray(v, dtype=float)
        with np.errstate(all="ignore"):
            first = h[..., 0] * v[..., 0] + h[..., 1] * v[..., 1]
            second = h[..., 1] * v[..., 0] + h[..., 2] * v[..., 1]
        return np.stack([first, second], axis=-1)

    def hessian_diagonal(self, p) -> np.ndarray:
        """(∂²J/∂x², ∂²J/∂y²) at points p, shape (..., 2)."""
        return self._hessian_entries(p)[..., ::2]

    def with_params(self, **values: float) -> Surface:
        """The same surface with some parameters changed (ValueError if unknown or out of range)."""
        current = dict(self.params)
        for name, value in values.items():
            spec = next((p for p in self.parameters if p.name == name), None)
            if spec is None:
                known = ", ".join(current) or "none"
                raise ValueError(f"{self.name} has no parameter {name!r} (parameters: {known})")
            value = float(value)
            if not spec.low <= value <= spec.high:
                raise ValueError(
                    f"parameter {name!r} of {self.name} must lie in "
                    f"[{spec.low:g}, {spec.high:g}], got {value:g}"
                )
            current[name] = value
        return self._replace(parameter_values=tuple(current.values()))

    def with_domain(self, domain) -> Surface:
        """The same surface shown on another domain ((xmin, xmax), (ymin, ymax))."""
        return self._replace(domain=check_domain(domain))

    def _replace(self, **changes) -> Surface:
        surface = dataclasses.replace(self, **changes)
        if surface.refresh is None:
            return surface
        return dataclasses.replace(surface, **surface.refresh(surface))
