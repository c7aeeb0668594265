"""Sharpness-aware minimization (Foret et al. 2021) around any optimizer.

SAM asks for the gradient at a second point: it climbs ρ along the normalized gradient to a
probe point near the worst nearby loss, takes the gradient there, and hands it to the base
optimizer as if it were the gradient at θ. Its ``update`` therefore asks for ``grad_fn``
(optim.base, "Extras"); ``optim.run``, the Atlas and the Training lab supply it.
"""

from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation, check, check_flag
from optim.base import extras as extras_for  # update's own keyword is named extras

PERTURB_EPS = 1e-12  # added to the norm, as the authors' code does


class SamState(NamedTuple):
    probe: np.ndarray  # the point of the last step's second gradient (θ₀ before any step)
    base: object  # the base optimizer's state


def sam(base: GradientTransformation, rho=0.05, adaptive=False) -> GradientTransformation:
    """SAM over ``base`` as the authors' code (davda54/sam) computes it: with g = ∇J(θ) and
    s = |θ| (``adaptive``, ASAM of Kwon et al. 2021) or s = 1,
    e = ρ·s²⊙g/(‖s⊙g‖ + 10⁻¹²), the probe θ + e, and ``base`` steps θ with ∇J(θ + e).

    The norm is over the last axis: each point (row) of the params is one parameter vector, as
    if each had its own optimizer; for the lab's flat weight vector it is the global norm.
    Weight decay inside ``base`` sees θ, not the probe (the reference restores θ before the base
    step). The probe is kept in ``state.probe``. Noise or clipping chained before SAM reach
    only the gradient at θ (the one that sets e); hand ``grad_fn`` through them as well
    (``optim.through``) for the gradient the base optimizer steps with, as the Playground and
    the Atlas do.
    """
    rho = check(rho, "rho")
    adaptive = check_flag(adaptive, "adaptive")

    def update(g, state, params=None, *, grad_fn, **extras):
        scaled = np.abs(params) * g if adaptive else g
        norm = np.sqrt(np.sum(scaled * scaled, axis=-1, keepdims=True))
        scale = rho / (norm + PERTURB_EPS)
        climb = (params * params * g if adaptive else g) * scale
        probe = params + climb
        asked = extras_for(base, grad_fn=grad_fn, **extras)  # what the base asks for
        updates, base_state = base.update(grad_fn(probe), state.base, params, **asked)
        return updates, SamState(probe, base_state)

    def init(params):
        params = np.asarray(params, dtype=float)
        return SamState(params.copy(), base.init(params))

    return GradientTransformation(init, update, asks=frozenset({"grad_fn"}) | base.asks)
