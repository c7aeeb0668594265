"""Fused forms: a rule again as in-place array code, for ``run`` stepping many points.

As torch.optim keeps its for-loop Adam as the reference and a fused Adam beside it, each
transform's pure ``update`` is the rule; this module holds the one fused form the engine has,
Adam's, attached as ``GradientTransformation.fused`` by ``optim.adam`` and ``optim.adamw``
where it applies. It performs the same floating-point operations as the reference chain
``scale_by_adam`` → ``scale_by_lr`` in the same order, so the two agree bit for bit
(tests/test_optim_fused.py), but it keeps its sums in buffers it updates in place and
allocates nothing per step, where the reference makes six new arrays a step.

A fused form's hyperparameters are single floats, shared by every point, so ``run`` may split
the points into independent shares, each stepped on a thread of its own (optim.runner.CORES).
"""

import itertools

import numpy as np

from optim.base import check, check_betas
from optim.transforms import adam_scalars


def adam(lr, betas, eps, weight_decay, amsgrad):
    """Adam's update for ``run``: ``fused(params) -> apply(g, params, out)`` writing
    −α·m̂/(√v̂ + ε) into ``out`` (which may be g), or None where it does not apply: a schedule
    or an array for any hyperparameter, weight decay, or amsgrad (those take the reference).

    As scale_by_adam computes it, from the undivided sums M ← β₁M + g and S ← β₂S + g²:
    ``−α · (1−β₁)/(c₁r) · M/(√S + ε/r)`` with c₁ = 1−β₁ᵗ and r = √((1−β₂)/(1−β₂ᵗ)), ten
    array operations a step."""
    shared = (check(lr, "lr", allow_schedule=True), *check_betas(betas), check(eps, "eps"))
    if np.any(np.asarray(weight_decay) != 0) or amsgrad:
        return None
    if not all(type(h) is float for h in shared):
        return None
    lr, beta1, beta2, eps = shared

    def fused(params):
        sum_g, sum_g2, scratch = (np.zeros_like(params, dtype=float) for _ in range(3))
        steps = itertools.count(1)

        def apply(g, params, out):
            _, _, r, scale = adam_scalars(next(steps), beta1, beta2)
            np.multiply(sum_g, beta1, out=sum_g)
            np.add(sum_g, g, out=sum_g)
            np.multiply(g, g, out=scratch)  # g is read for the last time here
            np.multiply(sum_g2, beta2, out=sum_g2)
            np.add(sum_g2, scratch, out=sum_g2)
            np.add(np.sqrt(sum_g2, out=out), eps / r, out=out)
            np.divide(sum_g, out, out=out)
            np.multiply(out, scale, out=out)
            return np.multiply(out, -lr, out=out)

        return apply

    return fused
