"""URL fields and knob grids: what a link may say, and what the sliders offer."""

import math

import pytest

from ui.knobs import NICE_MANTISSAS, Knob, knob_field, linear_step, log_options
from ui.url_state import Choice, Color, FieldError, Flag, Number, Text, quote

LR = Number(0.01, 1e-4, 1.0, log=True)
STEPS = Number(300, 1, 2000, integer=True)

ACCEPTED = [
    (LR, "0.15", 0.15),
    (LR, "1e-4", 1e-4),
    (STEPS, "2000", 2000),
    (Number(0.0, -3.0, 3.0), "-2.5", -2.5),
    (Flag(False), "true", True),
    (Flag(True), "0", False),
    (Choice("adam", ("gd", "adam")), "gd", "gd"),
    (Color("#000000"), "#A1b2C3", "#a1b2c3"),
    (Color("#000000"), "a1b2c3", "#a1b2c3"),
    (Text("x**2", 300), "sin(x) + y**2", "sin(x) + y**2"),
]

REFUSED = [
    (LR, "nan", "not a finite number"),
    (LR, "inf", "not a finite number"),
    (LR, "-inf", "not a finite number"),
    (LR, "1e309", "not a finite number"),  # float() overflows to inf
    (LR, "0", "must be positive"),
    (LR, "-0.1", "must be positive"),
    (LR, "2", "outside"),
    (LR, "0x10", "not a number"),
    (LR, "", "not a number"),
    (STEPS, "3.5", "not a number"),
    (STEPS, "-5", "outside"),
    (STEPS, "99999", "outside"),
    (Flag(False), "maybe", "not 0/1"),
    (Choice("adam", ("gd", "adam")), "Adam", "unknown name"),
    (Choice("adam", ("gd", "adam")), "__import__('os')", "unknown name"),
    (Color("#000000"), "red", "not a colour"),
    (Color("#000000"), "#12345", "not a colour"),
    (Text("x", 10), "x" * 11, "longer than 10"),
]


@pytest.mark.parametrize(("field", "raw", "expected"), ACCEPTED)
def test_good_values_parse(field, raw, expected):
    assert field.parse(raw) == expected


@pytest.mark.parametrize(("field", "raw", "message"), REFUSED)
def test_hostile_values_are_refused_with_a_reason(field, raw, message):
    with pytest.raises(FieldError, match=message):
        field.parse(raw)


@pytest.mark.parametrize(
    "field", [LR, STEPS, Flag(True), Choice("gd", ("gd",)), Color("#abcdef"), Text("f")]
)
def test_format_then_parse_gives_the_default_back(field):
    assert field.parse(field.format(field.default)) == field.default


def test_quote_keeps_messages_short_and_free_of_markup():
    shown = quote("<script>alert(1)</script>![x](http://evil)" + "9" * 500)
    assert len(shown) <= 25 and "<" not in shown and "[" not in shown and "`" not in shown


@pytest.mark.parametrize(("low", "high"), [(1e-4, 1.0), (1e-10, 1.0), (0.01, 10.0), (0.5, 5.0)])
def test_log_options_are_nice_numbers_covering_the_range(low, high):
    options = log_options(low, high)
    assert options[0] == low and options[-1] == high
    assert list(options) == sorted(set(options))
    for value in options[1:-1]:
        mantissa = value / 10 ** math.floor(math.log10(value) + 1e-12)
        assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in NICE_MANTISSAS)
    decades = math.log10(high / low)
    assert len(options) >= 10 * decades  # about a dozen stops per decade
    assert 0.15 in log_options(1e-4, 1.0) and 0.01 in log_options(1e-4, 1.0)  # the article's α


@pytest.mark.parametrize(
    ("value", "expected"), [(0.013, 0.012), (0.0137, 0.015), (7e-5, 1e-4), (3.0, 1.0)]
)
def test_nearest_option_is_nearest_in_log_distance(value, expected):
    field = knob_field(Knob("α", 0.01, 1e-4, 1.0, "log"))
    assert field.snap(value) == expected


def test_default_joins_the_options_even_when_not_nice():
    assert 0.0123 in log_options(1e-4, 1.0, default=0.0123)


@pytest.mark.parametrize(
    ("low", "high", "step"), [(0.0, 0.999, 0.001), (0.0, 0.9999, 0.001), (0.0, 5.0, 0.01)]
)
def test_linear_step_gives_hundreds_of_positions(low, high, step):
    assert linear_step(low, high) == pytest.approx(step)
    assert 100 <= (high - low) / linear_step(low, high) <= 1000


def test_knob_fields_follow_the_scale():
    assert knob_field(Knob("α", 0.01, 1e-4, 1.0, "log")).log
    assert knob_field(Knob("steps", 300, 1, 2000, "int")).integer
    assert isinstance(knob_field(Knob("on", False, 0, 1, "bool")), Flag)
