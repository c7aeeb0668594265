"""Convergence theory on a quadratic with Hessian eigenvalues λ₁ ≤ … ≤ λₙ (κ = λₙ/λ₁).

Heavy-ball momentum in torch's form v ← βv + g, θ ← θ − αv (``optim.sgd(momentum=β)``) is,
per eigenvalue λ, the linear recursion θ_{k+1} = (1 + β − αλ)θ_k − βθ_{k−1}; its rate is the
largest root modulus of z² − (1 + β − αλ)z + β over the λ's (Polyak 1964):
  optimum α* = (2/(√λ₁ + √λₙ))², β* = ((√κ − 1)/(√κ + 1))², rate (√κ − 1)/(√κ + 1);
  divergence where αλₙ ≥ 2 + 2β; critical damping (a double root) at β = (1 − √(αλ))².
Gradient descent is β = 0: optimum α = 2/(λ₁ + λₙ), rate (κ − 1)/(κ + 1), divergence αλₙ ≥ 2.
The article's averaged momentum v ← βv + (1 − β)g, θ ← θ − α'v is the same recursion with
α = α'(1 − β): ``to_torch_lr`` and ``to_article_lr`` convert.

Which surfaces are such quadratics: ``quadratic_spectrum`` reads it off the exact formula
(a polynomial of total degree ≤ 2 in x and y has the constant Hessian H = ∇²J, whose
eigenvalues are λ₁ ≤ λₙ), catalog and typed alike.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy

from surfaces import Surface
from surfaces.surface import X, Y


def quadratic_spectrum(surface: Surface) -> tuple[float, float] | None:
    """(λ₁, λₙ) of the constant Hessian when J is a polynomial of degree ≤ 2 (at the
    surface's parameter values), else None."""
    pairs = zip(surface.parameters, surface.parameter_values, strict=True)
    values = {p.symbol: v for p, v in pairs}
    return _spectrum(surface.expression, tuple(values.items()))


@lru_cache(maxsize=64)
def _spectrum(expression: sympy.Expr, values: tuple) -> tuple[float, float] | None:
    formula = expression.subs(dict(values))
    if not formula.is_polynomial(X, Y) or sympy.Poly(formula, X, Y).total_degree() > 2:
        return None
    try:
        hessian = np.array(sympy.hessian(formula, (X, Y)).evalf(), dtype=float)
    except TypeError:  # a coefficient that is no real number
        return None
    low, high = np.linalg.eigvalsh(hessian)
    return float(low), float(high)


def gd_optimum(lam_min: float, lam_max: float) -> tuple[float, float]:
    """(α, rate) of gradient descent's best constant step."""
    kappa = lam_max / lam_min
    return 2 / (lam_min + lam_max), (kappa - 1) / (kappa + 1)


def momentum_optimum(lam_min: float, lam_max: float) -> tuple[float, float, float]:
    """(α*, β*, rate) of heavy-ball momentum in torch's form."""
    root = np.sqrt(lam_max / lam_min)
    alpha = (2 / (np.sqrt(lam_min) + np.sqrt(lam_max))) ** 2
    return float(alpha), float(((root - 1) / (root + 1)) ** 2), float((root - 1) / (root + 1))


def divergence_lr(beta, lam_max: float):
    """The α at which heavy ball diverges for momentum β: αλₙ = 2 + 2β."""
    return (2 + 2 * np.asarray(beta, dtype=float)) / lam_max


def critical_beta(lr, lam: float):
    """β = (1 − √(αλ))² (critically damped for eigenvalue λ)."""
    return (1 - np.sqrt(np.asarray(lr, dtype=float) * lam)) ** 2


def momentum_rate(lr, beta, eigenvalues):
    """Largest root modulus of z² − (1 + β − αλ)z + β over ``eigenvalues`` (broadcasting)."""
    lr, beta = np.broadcast_arrays(np.asarray(lr, float), np.asarray(beta, float))
    worst = np.zeros(lr.shape)
    for lam in eigenvalues:
        b = 1 + beta - lr * lam
        disc = np.sqrt((b * b - 4 * beta).astype(complex))
        roots = np.maximum(np.abs((b + disc) / 2), np.abs((b - disc) / 2))
        worst = np.maximum(worst, roots)
    return worst


def to_torch_lr(article_lr, beta):
    """α = α'(1 − β): the torch-form step of the article's averaged momentum."""
    return np.asarray(article_lr, float) * (1 - np.asarray(beta, float))


def to_article_lr(torch_lr, beta):
    """α' = α/(1 − β)."""
    return np.asarray(torch_lr, float) / (1 - np.asarray(beta, float))


def momentum_overlays(lam_min: float, lam_max: float, lrs, article: bool = False) -> dict:
    """Theory curves over a map of (α, β) for a quadratic with eigenvalues λ₁ ≤ λₙ: the
    divergence boundary, critical damping for λ₁ and λₙ, and the optimum; with ``article`` the
    α axis is the averaged form's α' = α/(1 − β). Curves are (xs, ys) with β in [0, 1)."""
    torch_lrs = np.geomspace(min(lrs) / 100, max(lrs) * 100, 400)
    curves = {
        "divergence αλₙ = 2 + 2β": (torch_lrs, torch_lrs * lam_max / 2 - 1),
        "critical damping λ₁": (torch_lrs, critical_beta(torch_lrs, lam_min)),
        "critical damping λₙ": (torch_lrs, critical_beta(torch_lrs, lam_max)),
    }
    alpha, beta, _ = momentum_optimum(lam_min, lam_max)
    out = {}
    for name, (xs, ys) in curves.items():
        keep = (ys >= 0) & (ys < 1)
        xs, ys = xs[keep], ys[keep]
        out[name] = (to_article_lr(xs, ys) if article else xs, ys)
    out["optimum"] = (float(to_article_lr(alpha, beta)) if article else alpha, beta)
    return out
