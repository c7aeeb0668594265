"""Log axes labelled with full values: 0.5, 0.01, 1, 20, 10⁻⁶, never plotly's bare "5".

Plotly labels the 2s and 5s of a log axis with their leading digit only ("5" for 0.5) and
picks them by its own rules. Every log axis in ``viz`` is set up here instead::

    fig["layout"]["yaxis"] = log_axis(log_range(values), length=250)   # a dict
    fig.update_yaxes(**log_axis(log_range(values)))                     # a go.Figure

Ticks sit at m·10ᵉ with m from the densest of the mantissa sets 1…9, 1-2-5 and 1 (then every
k-th decade) whose labels inside the range are at least ``spacing`` px apart on an axis
``length`` px long: decades always, 2 and 5 where there is room.
"""

from __future__ import annotations

import math

import numpy as np

MANTISSAS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1,))
DECADE_STEPS = (2, 3, 5, 10, 20, 50, 100)
PLAIN_EXPONENTS = range(-4, 5)  # axes within 0.0001 … 90000 are written out, others m×10ᵉ
MINUS = "−"  # U+2212, the minus sign plotly itself writes


def tick_label(mantissa: int, exponent: int, plain: bool = True) -> str:
    """m·10ᵉ as text: written out ("0.5", "20", "0.0001") when ``plain``, else as a power
    ("2×10<sup>−7</sup>", "10<sup>9</sup>"; 1 and 10 stay "1" and "10")."""
    if plain or (exponent in (0, 1) and mantissa == 1):
        return f"{mantissa * 10.0**exponent:.{max(0, -exponent)}f}"
    power = f"10<sup>{str(exponent).replace('-', MINUS)}</sup>"
    return power if mantissa == 1 else f"{mantissa}×{power}"


def _candidates(low: float, high: float):
    """(mantissa, exponent) tick sets from densest to sparsest, each as a list of pairs."""
    first, last = math.floor(low), math.ceil(high)
    for mantissas in MANTISSAS:
        yield [(m, e) for e in range(first, last + 1) for m in mantissas]
    for step in DECADE_STEPS:
        yield [(1, e) for e in range(first, last + 1) if e % step == 0]


def log_ticks(
    low: float, high: float, *, length: float = 250.0, spacing: float = 22.0
) -> tuple[list[float], list[str]]:
    """Tick values and full-value labels for a log axis whose range is [low, high] in log10
    units (plotly's own), drawn ``length`` px long; see the module docstring."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [], []
    px_per_decade = length / (high - low)
    chosen: list[tuple[int, int]] = []
    for ticks in _candidates(low, high):
        inside = [(m, e) for m, e in ticks if low <= math.log10(m) + e <= high]
        positions = np.array([math.log10(m) + e for m, e in inside])
        gaps = np.diff(positions) * px_per_decade
        chosen = inside
        if len(inside) <= 1 or gaps.min() >= spacing:
            break
    plain = all(e in PLAIN_EXPONENTS for _, e in chosen)  # one notation along an axis
    return [float(f"{m}e{e}") for m, e in chosen], [tick_label(m, e, plain) for m, e in chosen]


def log_range(values, *, pad: float = 0.05) -> list[float] | None:
    """[low, high] in log10 units around the positive finite ``values``, widened by ``pad`` of
    the span on each side (a decade's ``pad`` when they are all equal); None without any."""
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return None
    low, high = float(np.log10(values.min())), float(np.log10(values.max()))
    margin = pad * (high - low if high > low else 1.0)
    return [low - margin, high + margin]


def log_axis(y_range: list[float] | None, *, length: float = 250.0, spacing: float = 22.0):
    """Plotly settings of a log axis over ``y_range`` (log10 units): type, range and ticks with
    full-value labels; without a range, plotly's autorange and labels of whole decades."""
    axis: dict = {"type": "log", "automargin": True}
    if y_range is None:
        return axis | {"dtick": 1, "exponentformat": "power"}
    values, labels = log_ticks(*y_range, length=length, spacing=spacing)
    return axis | {
        "range": [float(y_range[0]), float(y_range[1])],
        "tickmode": "array",
        "tickvals": values,
        "ticktext": labels,
    }
