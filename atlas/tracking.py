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
    stretch with that label) per row.

    A point within ``tol`` of a minimum lies in that minimum's cell of a grid of side 2·tol or
    in one of the 8 around it, so a lookup table over that grid names the one candidate to
    measure against: the cost per step does not grow with the number of minima. (Minima
    closer than about 6·tol would share cells: then each minimum is measured in turn.) With
    the table, a row still within ``tol`` of the minimum it sat at keeps its label (the
    lookup would give it again, by the same arithmetic): only the other rows are looked up,
    which once most runs have settled is a small share of them.
    """

    def __init__(self, rows: int, minima: np.ndarray, tol: float):
        self.minima, self.tol2 = np.asarray(minima, dtype=float).reshape(-1, 2), tol * tol
        self.label = np.full(rows, -2, dtype=np.intp)  # intp: an index for take(), no casts
        self.since = np.zeros(rows, dtype=np.int32)
        self.table = _lookup_table(self.minima, tol)
        # the minima's coordinates behind a NaN sentinel at index 0, which the table names
        # where no minimum is near: its distance compares False, so no mask is needed
        self.centre_x, self.centre_y = (np.append(np.nan, c) for c in self.minima.T)
        self.near_x, self.near_y = np.full(rows, np.nan), np.full(rows, np.nan)  # at its label
        self.unsettled = rows  # rows at no minimum at the last look-up

    def observe(self, k, points):
        x, y = points[:, 0], points[:, 1]
        if self.table is None or self._many(self.unsettled):
            self._relabel(k, self._labels(x, y))  # many rows to look up: all in one pass
            return
        dx, dy = x - self.near_x, y - self.near_y
        moved = ~(dx**2 + dy**2 <= self.tol2)
        count = np.count_nonzero(moved)
        if self._many(count):
            self._relabel(k, self._labels(x, y))
        elif not count:
            self.unsettled = 0
        else:
            rows = np.flatnonzero(moved)
            label = self._labels(x.take(rows), y.take(rows))
            self.unsettled = np.count_nonzero(label < 0)
            changed = label != self.label.take(rows)
            rows, label = rows[changed], label[changed]
            self.since[rows], self.label[rows] = k, label
            self.near_x[rows], self.near_y[rows] = self._centres(label)

    def _relabel(self, k, label):
        self.since[label != self.label] = k
        self.label = label
        self.unsettled = np.count_nonzero(label < 0)
        if self.table is not None and not self._many(self.unsettled):  # the next step needs them
            self.near_x, self.near_y = self._centres(label)

    def _many(self, rows: int) -> bool:
        """Over a tenth of the rows: cheaper to look them all up than to pick them out."""
        return rows > len(self.label) // 10

    def _centres(self, label):
        """Each label's minimum (NaN for none)."""
        return self.centre_x.take(label + 1), self.centre_y.take(label + 1)

    def _labels(self, x, y):
        if self.table is None:
            label = np.full(len(x), -1, dtype=np.intp)
            for j, (mx, my) in enumerate(self.minima):
                label[(x - mx) ** 2 + (y - my) ** 2 <= self.tol2] = j
            return label
        # flat 1-D lookups (take) over fancy indexing of 2-D arrays: ~4x faster per step
        table, origin, scale, width = self.table
        column = (x - origin[0]) * scale
        np.clip(column, 0, width - 1, out=column)
        row = (y - origin[1]) * scale
        np.clip(row, 0, len(table) // width - 1, out=row)
        cell = row.astype(np.intp)
        cell *= width
        cell += column.astype(np.intp)
        candidate = table.take(cell)  # 1 + the minimum's index, 0 where none is near
        dx, dy = x - self.centre_x.take(candidate), y - self.centre_y.take(candidate)
        inside = dx**2 + dy**2 <= self.tol2
        return np.where(inside, candidate - 1, -1)

    def results(self):
        return {"label": self.label.astype(np.int16), "since": self.since}


def _lookup_table(minima: np.ndarray, tol: float):
    """(table, origin, 1/cell, width) with cell = 2·tol: a flat grid of cells holding 1 + each
    minimum's index in its cell and the 8 around it, 0 elsewhere, two empty cells of border
    (clipped far points land there); None when two minima would share a cell, or the table
    would pass 4 million cells."""
    if len(minima) == 0 or tol <= 0:
        return None
    cell = 2 * tol
    origin = minima.min(axis=0) - 3 * cell
    shape = np.floor((minima.max(axis=0) + 3 * cell - origin) / cell).astype(int) + 1
    if shape.prod() > 4_000_000:
        return None
    table = np.zeros((shape[1], shape[0]), dtype=np.intp)
    for j, (mx, my) in enumerate(minima):
        cx, cy = int((mx - origin[0]) / cell), int((my - origin[1]) / cell)
        block = table[cy - 1 : cy + 2, cx - 1 : cx + 2]
        if np.any(block > 0):
            return None
        block[...] = j + 1
    return table.ravel(), origin, 1 / cell, int(shape[0])


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
