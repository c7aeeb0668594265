"""Sophia's preconditioner (Liu et al. 2023) with the Hutchinson estimate of the Hessian diagonal.

The step divides a momentum of gradients by a running average of the Hessian's diagonal and
clips the ratio, so the update asks for Hessian-vector products: ``hvp_fn(params, v) -> H·v``
(optim.base, "Extras"). On a surface they are exact (sympy), in the Training lab too (forward
over backward through the network, lab.hessian).
"""

from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_betas, check_count, check_flag
from optim.transforms import lerp


class ScaleBySophiaState(NamedTuple):
    step: int
    m: np.ndarray  # the momentum of g
    hessian: np.ndarray  # the running average of the Hessian-diagonal estimates
    estimate: np.ndarray  # the latest estimate (z⊙Hz, or the exact diagonal); 0 before any


def hutchinson_vector(seed: int, count: int, size: int) -> np.ndarray:
    """z ~ N(0, I) of ``size`` (the params' last axis) for the ``count``-th estimate (from 0): a
    pure function of (seed, count), so a run is reproducible and a recorder can draw the same
    vectors."""
    return np.random.default_rng([seed, count]).standard_normal(size)


def scale_by_sophia(
    betas=(0.96, 0.99), rho=1e-2, eps=1e-12, update_period=10, exact_hessian=False, seed=0
):
    """SophiaH's preconditioned, clipped step (before −α), as pytorch-optimizer's ``SophiaH``
    computes it: at steps t = 1, 1 + k, 1 + 2k, … (k = ``update_period``) the estimate
    ĥ = z⊙(H·z) with z ~ N(0, I) drawn from (seed, count) (Hutchinson: E[ĥ] = diag H; asks
    for ``hvp_fn``), or with ``exact_hessian`` the exact diagonal (asks for
    ``hessian_diagonal_fn``), enters h ← β₂h + (1−β₂)ĥ (h₀ = 0); every step
    m ← β₁m + (1−β₁)g (m₀ = 0; both averages evaluated as torch.lerp does) and the output is
    clip(m/max(h, ε), −ρ, ρ). No bias correction: while h is small the ratio is clipped and
    the step is ±ρ per coordinate (a sign step).

    Every point (row) of the params gets the same z at an estimate, so a point's run is the
    same whether it is stepped alone or with others (the Atlas relies on it); each point's
    estimate is still unbiased."""
    beta1, beta2 = check_betas(betas)
    rho, eps = check(rho, "rho"), check(eps, "eps")
    period = check_count(update_period, "update_period", 1)
    exact, seed = check_flag(exact_hessian, "exact_hessian"), check_count(seed, "seed")

    def update(g, state, params=None, *, hvp_fn=None, hessian_diagonal_fn=None):
        t = state.step + 1
        hessian, estimate = state.hessian, state.estimate
        if (t - 1) % period == 0:
            if exact:
                estimate = hessian_diagonal_fn(params)
            else:
                z = hutchinson_vector(seed, (t - 1) // period, np.shape(params)[-1])
                z = np.broadcast_to(z, np.shape(params))  # one z for every point
                estimate = z * hvp_fn(params, z)
            hessian = lerp(hessian, estimate, 1.0 - beta2)
        m = lerp(state.m, g, 1.0 - beta1)
        ratio = np.clip(m / np.maximum(hessian, eps), -rho, rho)
        return ratio, ScaleBySophiaState(t, m, hessian, estimate)

    def init(params):
        zeros = np.zeros(np.shape(params))
        return ScaleBySophiaState(0, zeros, zeros, zeros)

    asks = frozenset({"hessian_diagonal_fn" if exact else "hvp_fn"})
    return GradientTransformation(init, update, asks=asks)
