"""What an optimizer keeps besides its averages, read from its state under common names
(as ``optim.averages`` reads m and v): the points and numbers that explain its path.

- ``z`` and ``x``: Schedule-Free's base iterate z and the weighted average x of the z's, the
  point it reports (the path itself is y = (1−β)·z + β·x, where gradients are taken);
- ``slow``: Lookahead's slow weights φ (the path is the fast weights θ);
- ``probe``: SAM's probe point θ + ρ·g/‖g‖, where its gradient is taken;
- ``d``: Prodigy's step-size estimate, one number per point.

Use::

    found = optim.internals(state)                       # {"z": (n, d), "x": (n, d)}
    trace = optim.trace_internals(opt, grad_fn, x0, 100)  # {"z": (101, n, d), ...}
"""

from typing import NamedTuple

import numpy as np

from optim.averages import state_parts
from optim.runner import run


class Internal(NamedTuple):
    """One internal: its state field, the field that must sit beside it in the same state (so
    a field of the same name with another meaning is not read: AdEMAMix's ``slow`` is an
    average of gradients, Lookahead's sits beside ``inner``), and whether it is a point of
    the params' shape or one number per point."""

    field: str
    beside: str | None
    kind: str  # "point" | "scalar"
    label: str


INTERNALS = (
    Internal("z", "x", "point", "z: Schedule-Free's base iterate"),
    Internal("x", "z", "point", "x: Schedule-Free's average (reported)"),
    Internal("slow", "inner", "point", "slow weights φ (Lookahead)"),
    Internal("probe", None, "point", "probe point (SAM)"),
    Internal("d", "d_max", "scalar", "d: Prodigy's step-size estimate"),
)
POINT_INTERNALS = tuple(i.field for i in INTERNALS if i.kind == "point")
SCALAR_INTERNALS = tuple(i.field for i in INTERNALS if i.kind == "scalar")
LABELS = {i.field: i.label for i in INTERNALS}


def internals(state) -> dict[str, np.ndarray]:
    """The internals of ``INTERNALS`` that ``state`` keeps, outermost first: points with the
    params' shape (n, d), scalars as (n,) (a per-point number stored as (n, 1) is flattened)."""
    found: dict[str, np.ndarray] = {}
    for part in state_parts(state, wrapped=True):
        fields = part._fields
        for item in INTERNALS:
            value = getattr(part, item.field, None)
            if item.field in found or value is None or not isinstance(value, np.ndarray):
                continue
            if item.beside is not None and item.beside not in fields:
                continue
            if item.kind == "scalar":
                value = value.reshape(value.shape[:-1]) if value.shape[-1:] == (1,) else value
            found[item.field] = np.array(value, dtype=float)
    return found


def trace_internals(opt, grad_fn, x0, steps: int, **run_options) -> dict[str, np.ndarray]:
    """The internals of ``opt`` after each of ``steps`` steps of ``optim.run`` from ``x0``
    (n, d), and from ``init`` at step 0: points as (steps+1, n, d), scalars as (steps+1, n).
    The steps are ``run``'s own (its update, its gradients, its freezing); from the step where
    a point diverged (``diverged_at``) its internals are NaN. ``run_options`` go to ``run``."""
    rows: list[dict[str, np.ndarray]] = []

    def init(params):
        state = opt.init(params)
        rows.append(internals(state))
        return state

    def update(grads, state, params=None, *args, **kwargs):
        updates, state = opt.update(grads, state, params, *args, **kwargs)
        rows.append(internals(state))
        return updates, state

    # _replace keeps any other field the optimizer carries; no fused form: it hides the state
    recording = opt._replace(init=init, update=update, fused=None)
    result = run(recording, grad_fn, x0, steps, record=False, **run_options)
    names = [name for name in LABELS if any(name in row for row in rows)]
    traced = {}
    for name in names:
        first = next(row[name] for row in rows if name in row)
        filler = np.full_like(first, np.nan)
        traced[name] = np.stack([row.get(name, filler) for row in rows])
    for point, step in enumerate(result.diverged_at):
        if step > 0:
            for values in traced.values():
                values[step:, point] = np.nan
    return traced
