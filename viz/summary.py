"""Numbers about runs: the per-run table, the tidy trajectory table, the standalone HTML.

Use::

    table = run_table(runs, surface, tolerance=1e-3)   # pandas DataFrame, one row per run
    text = markdown_table(table)                        # the same as a Markdown table
    tidy = tidy_trajectories(runs)                      # columns run, step, x, y, loss
    html = standalone_html(fig)                         # plotly.js inlined, works offline

Steps to tolerance is the first step k with J(θ_k) − J* ≤ tolerance, J* the lowest known
minimum value; distance is Euclidean to the nearest known minimum. Both are empty when the
surface lists no minima (a typed expression, for instance); a diverged run has no final loss
or distance (its frozen point is not a result), only its "diverged at step k" status.
"""

from __future__ import annotations

import re
import string
from html import escape

import numpy as np
import pandas as pd
import plotly.io as pio

from viz.trajectory import Trajectory


def steps_to_tolerance(values: np.ndarray, target: float, tolerance: float) -> int | None:
    """First k with values[k] − target ≤ tolerance, or None."""
    hits = np.flatnonzero(np.asarray(values, float) - target <= tolerance)
    return int(hits[0]) if hits.size else None


def status(run: Trajectory) -> str:
    return f"diverged at step {run.diverged_at}" if run.diverged_at > 0 else "ok"


def run_table(runs: list[Trajectory], surface, tolerance: float) -> pd.DataFrame:
    """One row per run: final loss, distance to the nearest minimum, steps to tolerance, status."""
    minima = list(getattr(surface, "minima", ()))
    centres = np.array([[m.x, m.y] for m in minima]) if minima else None
    target = min((m.value for m in minima), default=None)
    rows = []
    for run in runs:
        final = run.path[-1]
        diverged = run.diverged_at > 0
        reached = None
        if target is not None:
            end = run.diverged_at if run.diverged_at > 0 else len(run.values)
            reached = steps_to_tolerance(run.values[:end], target, tolerance)
        rows.append(
            {
                "run": run.label,
                # a diverged run's frozen point says nothing useful: leave these empty
                "final loss": None if diverged else float(run.values[-1]),
                "distance to nearest minimum": (
                    float(np.min(np.linalg.norm(centres - final, axis=1)))
                    if centres is not None and not diverged
                    else None
                ),
                f"steps to J − J* ≤ {tolerance:g}": reached,
                "status": status(run),
            }
        )
    return pd.DataFrame(rows)


# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# keeps a cell literal text (no emphasis, links, math, "|" column breaks, Streamlit directives).
_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")


def markdown_table(table: pd.DataFrame) -> str:
    """``table`` as a GitHub-flavoured Markdown table of literal text (no index).

    A small table drawn as Markdown costs the browser far less than ``st.dataframe``, whose
    grid and Arrow decoder add ~0.5 s to the Playground's first paint."""

    def cell(value) -> str:
        return _PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))  # one line, literal

    def row(cells) -> str:
        return "| " + " | ".join(map(cell, cells)) + " |"

    lines = [row(table.columns), "|" + "---|" * len(table.columns)]
    lines += [row(values) for values in table.itertuples(index=False)]
    return "\n".join(lines)


def tidy_trajectories(runs: list[Trajectory]) -> pd.DataFrame:
    """Long table: one row per (run, step) with the point and its loss."""
    frames = [
        pd.DataFrame(
            {
                "run": run.label,
                "step": np.arange(len(run.path)),
                "x": run.path[:, 0],
                "y": run.path[:, 1],
                "loss": run.values,
            }
        )
        for run in runs
    ]
    columns = ["run", "step", "x", "y", "loss"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def standalone_html(figure: dict, title: str = "Optimizer Playground") -> str:
    """A self-contained HTML page (plotly.js inlined) that plays the animation offline."""
    html = pio.to_html(
        figure, include_plotlyjs=True, full_html=True, auto_play=False, validate=False
    )
    return html.replace("<head>", f"<head><title>{escape(title)}</title>", 1)
