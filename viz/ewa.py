"""Figures of the exponentially-weighted-average lesson (pure: data in, figure dict out).

The average of a series θ₁, θ₂, … with v₀ = 0 is

    v_t = β v_{t−1} + (1 − β) θ_t,        bias-corrected:  v̂_t = v_t / (1 − βᵗ)

computed by `optim.ewa`, the same building block momentum, RMSProp and Adam use. Unrolled,
v_t = (1 − β) Σ_k β^k θ_{t−k}: the weight of a point k steps back decays by β per step and falls
to about 1/e after k = 1/(1 − β) steps, which is why 1/(1 − β) reads as the window the average
spans (β = 0.9 ≈ the last 10 points, β = 0.98 ≈ the last 50).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import optim
from viz.layout import lesson_layout

ARTICLE_BETAS = (0.8, 0.9, 0.95, 0.98)
# one colour per β, light (short memory) to dark (long memory), readable on white
BETA_COLOURS = ("#f4a259", "#e4572e", "#a23b72", "#2e1760")
RAW_COLOUR = "#9aa5b1"


def window(beta: float) -> float:
    """1/(1 − β): roughly how many recent points the average spans."""
    return 1.0 / (1.0 - beta)


def ewa_curves(values, betas: Sequence[float], bias_correction: bool) -> np.ndarray:
    """One averaged curve per β, shape (len(betas), len(values)), from `optim.ewa`."""
    values = np.asarray(values, dtype=float)
    return np.stack([optim.ewa(values, b, bias_correction=bias_correction) for b in betas])


def ewa_figure(
    x,
    values,
    betas: Sequence[float] = ARTICLE_BETAS,
    *,
    own_beta: float | None = None,
    bias_correction: bool = False,
    series_name: str = "series",
    x_title: str = "",
) -> dict:
    """The raw series as faint markers, one EWA curve per β on top, `own_beta` dashed; an
    `own_beta` among `betas` is not drawn twice: that curve's name says it is yours."""
    duplicate = own_beta is not None and any(math.isclose(own_beta, b) for b in betas)
    extra = () if own_beta is None or duplicate else (own_beta,)
    curves = ewa_curves(values, (*betas, *extra), bias_correction)
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=np.asarray(values, dtype=float),
            name=series_name,
            mode="lines+markers",
            line={"color": RAW_COLOUR, "width": 1},
            marker={"color": RAW_COLOUR, "size": 4},
        )
    )
    for k, (beta, curve) in enumerate(zip(betas, curves, strict=False)):
        yours = " = your β" if duplicate and math.isclose(own_beta, beta) else ""
        fig.add_scatter(
            x=x,
            y=curve,
            name=f"β = {beta:g} (≈ {window(beta):.0f} points){yours}",
            mode="lines",
            line={"color": BETA_COLOURS[k % len(BETA_COLOURS)], "width": 2.5},
        )
    if extra:
        fig.add_scatter(
            x=x,
            y=curves[-1],
            name=f"your β = {own_beta:g} (≈ {window(own_beta):.0f} points)",
            mode="lines",
            line={"color": "#111111", "width": 2, "dash": "dash"},
        )
    corrected = "bias-corrected, " if bias_correction else ""
    title = f"{series_name}: exponentially weighted averages ({corrected}v₀ = 0)"
    return lesson_layout(fig, title, x_title, 440, yaxis_title=series_name)


def weights_figure(betas: Sequence[float] = ARTICLE_BETAS, lookback: int = 80) -> dict:
    """The weight (1 − β)β^k of the point k steps back, with the window 1/(1 − β) marked."""
    k = np.arange(lookback)
    fig = go.Figure()
    for n, beta in enumerate(betas):
        colour = BETA_COLOURS[n % len(BETA_COLOURS)]
        fig.add_scatter(
            x=k,
            y=(1 - beta) * beta**k,
            name=f"β = {beta:g}",
            mode="lines",
            line={"color": colour, "width": 2},
        )
        fig.add_vline(
            x=window(beta),
            line={"color": colour, "dash": "dot", "width": 1},
            annotation_text=f"{window(beta):.0f}",
            annotation_position="top",
        )
    title = "Weight of a point k steps back: (1 − β)·βᵏ; dotted: the window 1/(1 − β)"
    return lesson_layout(fig, title, "k (steps back)", 340, yaxis_title="weight")
