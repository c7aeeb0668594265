"""Online reductions of a block's rows, one observation x_k per step k = 0 … steps.

``MinimaTracker``: which minimum (within distance ``tol``) each row sits at, and the step its
final stay there began (the steps it needed to get within the tolerance for good).
``GapTracker``: the suboptimality J(x_k) − J* of each row, the step its final stay below
``tol`` began, and a rate: the geometric-mean contraction per step of √(J − J*) (a distance
in the quadratic's own norm, so on a quadratic it is the contraction of ‖θ − θ*‖ that theory
gives, where J − J* contracts by its square) over the second half of the run, measured from
the checkpoint nearest half the last step above ``FLOOR`` to that step.
"""

from __future__ import annotations

import numpy as np

from atlas.batch import Tracker

CHECKPOINTS = 64  # gaps kept per row for the rate (every steps/64 steps)
FLOOR = 1e-280  # a gap below this has run out of floating-point range


class Nothing(Tracker):
    """No reductions: only the final points and divergence steps."""


class MinimaTracker(Tracker):
    """``label`` (index into ``minima``, −1 none) and ``since`` (first step of the last
    stretch with that label) per row."""

    def __init__(self, rows: int, minima: np.ndarray, tol: float):
        self.minima, self.tol2 = np.asarray(minima, dtype=float).reshape(-1, 2), tol * tol
        self.label = np.full(rows, -2, dtype=np.int16)
        self.since = np.zeros(rows, dtype=np.int32)

    def observe(self, k, points):
        x, y = points[:, 0], points[:, 1]
        label = np.full(len(points), -1, dtype=np.int16)
        for j, (mx, my) in enumerate(self.minima):
            label[(x - mx) ** 2 + (y - my) ** 2 <= self.tol2] = j  # tol < half their distance
        self.since[label != self.label] = k
        self.label = label

    def results(self):
        return {"label": self.label, "since": self.since}


class GapTracker(Tracker):
    """``gap`` (final J − J*), ``since`` (first step of the final stay with gap ≤ ``tol``; the
    budget + 1 when it ends above), ``rate`` (see the module docstring; nan without a window)."""

    def __init__(self, rows: int, value_fn, best: float, tol: float, steps: int):
        self.value_fn, self.best, self.tol, self.steps = value_fn, best, tol, steps
        self.stride = max(1, steps // CHECKPOINTS)
        self.kept = np.full((rows, steps // self.stride + 1), np.nan)
        self.last_k = np.zeros(rows, dtype=np.int64)
        self.last_gap = np.full(rows, np.nan)
        self.above = np.zeros(rows, dtype=np.int64)  # last step with gap > tol, plus one
        self.gap = np.full(rows, np.nan)

    def observe(self, k, points):
        gap = self.value_fn(points) - self.best
        self.above[~(gap <= self.tol)] = k + 1
        live = gap > FLOOR
        self.last_k[live], self.last_gap[live] = k, gap[live]
        if k % self.stride == 0:
            self.kept[:, k // self.stride] = gap
        self.gap = gap

    def results(self):
        return {"gap": self.gap, "since": self.above, "rate": self._rate()}

    def _rate(self):
        """(gap_L / gap_c)^(1/(2(L − c))), c the checkpoint nearest L/2, L = last_k."""
        rows = np.arange(len(self.kept))
        column = np.rint(self.last_k / 2 / self.stride).astype(int)
        start = self.kept[rows, column]
        span = self.last_k - column * self.stride
        with np.errstate(all="ignore"):
            rate = (self.last_gap / start) ** (0.5 / span)
        return np.where((span > 0) & (start > FLOOR), rate, np.nan)
