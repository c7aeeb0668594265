"""One widget for one numeric or on/off setting, built from its metadata and kept in the URL.

Anything with ``label``, ``default``, ``low``, ``high``, ``scale`` ("log" | "linear" | "int" |
"bool") and ``help`` is a knob: ``optim.Hyperparameter``, ``surfaces.Parameter`` or a ``Knob``.

Use::

    lr = knob_widget(url, spec.hyperparameters[0], key="r0.adam.lr", url_key="r0.lr")
    steps = knob_widget(url, Knob("steps", 300, 10, 2000, "int"), key="steps", container=side)

A log knob is a ``select_slider`` over "nice" values (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8,
9 per decade), so 0.01 and 0.15 are both one drag away; URL values snap to the nearest one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from ui.url_state import Flag, Number, UrlState

NICE_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)


@dataclass(frozen=True)
class Knob:
    label: str
    default: float
    low: float
    high: float
    scale: str = "linear"
    help: str = ""


def log_options(low: float, high: float, default: float | None = None) -> tuple[float, ...]:
    """Nice values from ``low`` to ``high`` (both included), plus ``default`` if given."""
    values = {low, high} | ({default} if default is not None else set())
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in NICE_MANTISSAS:
            value = float(f"{mantissa}e{exponent}")
            if low <= value <= high:
                values.add(value)
    return tuple(sorted(values))


def linear_step(low: float, high: float) -> float:
    """100 to 1000 positions across the range, on a power of ten (0.001 for β in [0, 1))."""
    return 10.0 ** (math.floor(math.log10(high - low)) - 2)


def format_value(value) -> str:
    return f"{value:g}"


def knob_field(knob):
    """The URL field for a knob: what a link may set it to."""
    if knob.scale == "bool":
        return Flag(bool(knob.default))
    if knob.scale == "int":
        return Number(int(knob.default), int(knob.low), int(knob.high), integer=True)
    low, high = float(knob.low), float(knob.high)
    if knob.scale == "log":  # a link's value snaps to the slider's nearest stop
        return Number(
            float(knob.default), low, high, log=True, grid=log_options(low, high, knob.default)
        )
    return Number(float(knob.default), low, high)


def knob_value(url: UrlState, knob, key: str, url_key: str | None = None):
    """The knob's value now (see ``UrlState.current``), without creating its widget."""
    return url.current(key, knob_field(knob), url_key)


def knob_widget(url: UrlState, knob, *, key: str, url_key: str | None = None, container=None):
    """The widget for ``knob`` under ``key`` (URL name ``url_key`` or ``key``); its value."""
    box = container if container is not None else st
    common = {"key": key, "url_key": url_key, "field": knob_field(knob), "help": knob.help or None}
    if knob.scale == "bool":
        return url.widget(box.toggle, knob.label, **common)
    if knob.scale == "log":
        options = log_options(knob.low, knob.high, knob.default)
        return url.widget(
            box.select_slider, knob.label, options=options, format_func=format_value, **common
        )
    if knob.scale == "int":
        low, high = int(knob.low), int(knob.high)
        return url.widget(box.slider, knob.label, min_value=low, max_value=high, step=1, **common)
    step = linear_step(knob.low, knob.high)
    decimals = max(0, -round(math.log10(step)))
    return url.widget(
        box.slider,
        knob.label,
        min_value=float(knob.low),
        max_value=float(knob.high),
        step=step,
        format=f"%.{decimals}f",
        **common,
    )
