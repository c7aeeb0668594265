"""How fast surfaces.parse refuses hostile text and compiles honest text; surface evaluation speed.

    python bench/surfaces.py

Refusals are timed over many repeats (they are never cached); accepted texts are timed cold
(every cache cleared) and warm (served from parse's cache). Budgets from issue 3: a refusal
well under 50 ms, an accepted function well under 1 s.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import surfaces
from surfaces import expressions, search, surface

REFUSED = {
    "power tower 9**9**9": "9**9**9",
    "huge exponent x**(10**6)": "x**(10**6)",
    "constant power 9999^99": "9999^99",
    "3000-digit number": "1" * 3000,
    "2000 terms": "+".join(["x"] * 2000),
    "100 nested brackets": "(" * 100 + "x" + ")" * 100,
    "150 unary minus": "-" * 150 + "x",
    "attribute access": "x.__class__.__mro__",
    "__import__ call": "__import__('os').system('ls')",
    "lambda": "(lambda: 0)()",
    "comprehension": "[x for x in y]",
    "f-string": "f'{x}'",
    "walrus": "(x := 1)",
    "several statements": "x; y",
    "NUL byte": "x\0 + y",
    "Cyrillic look-alike": "х^2 + y^2",
    "overflowing constant": "exp(exp(exp(10)))",
    "179 parts": "+".join(["x*y"] * 60),
    "empty": "   ",
}

ACCEPTED = {
    "x^2 + y^2": "x^2 + y^2",
    "Rosenbrock typed": "(1 - x)^2 + 100*(y - x^2)^2",
    "Himmelblau typed": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "Goldstein-Price typed": "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
    "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
    "nested functions (18 deep)": "sin(" * 9 + "exp(" * 9 + "x*y" + ")" * 18,
    "tower x^y^x": "x^y^x + y^x^y",
    "12 trig factors (95 parts)": "*".join(f"sin({i}*x + y)" for i in range(1, 13)),
    "8 trig terms (95 parts)": " + ".join(f"sin({i}*x)*cos({i}*y)" for i in range(1, 9)),
    "10 powers (x^i+y)^(x/i)": "*".join(f"(x^{i}+y)^(x/{i})" for i in range(1, 11)),
}


def timed(fn, repeat: int, clock=time.perf_counter) -> list[float]:
    times = []
    for _ in range(repeat):
        begin = clock()
        fn()
        times.append(clock() - begin)
    return times


def clear_caches() -> None:
    expressions._parse.cache_clear()
    surface._compile.cache_clear()
    surface.gradient.cache_clear()
    sympy.core.cache.clear_cache()


def refuse(text: str) -> None:
    try:
        surfaces.parse(text)
    except surfaces.ExpressionError:
        return
    raise AssertionError(f"{text!r} was accepted")


def row(cells, widths) -> str:
    """First cell left-aligned, the others right-aligned."""
    first, *rest = (
        f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )
    return "  ".join([first, *rest])


def bench_refusals() -> None:
    widths = (28, 10, 10, 10, 10, 12)
    print("Refused inputs (200 repeats each; budget 50 ms). CPU time is this process's own work,")
    print("unaffected by other jobs on a shared machine; wall time includes waiting for a core.")
    print(
        row(
            ("input", "wall med µs", "CPU med µs", "CPU p99 µs", "CPU max µs", "p99 / budget"),
            widths,
        )
    )
    slowest = []
    for name, text in REFUSED.items():
        wall = np.median(timed(lambda text=text: refuse(text), 200)) * 1e6
        cpu = np.array(timed(lambda text=text: refuse(text), 200, time.process_time)) * 1e6
        p99 = np.percentile(cpu, 99)
        slowest.append(p99)
        cells = (f"{v:.0f}" for v in (wall, np.median(cpu), p99, cpu.max()))
        print(row((name, *cells, f"{p99 / 5e4:.4f}"), widths))
    print(
        f"slowest CPU p99: {max(slowest) / 1e3:.2f} ms = {max(slowest) / 5e4:.3f} of the budget\n"
    )


def bench_accepted() -> None:
    widths = (28, 9, 10, 10, 10, 10, 9)
    print("Accepted inputs (median of 5; budget 1 s). Cold = every cache cleared, sympy's too;")
    print("CPU times of the stages of a cold parse: build (syntax tree -> sympy, exact")
    print("derivatives included), compile (lambdify) and the minimum search.")
    header = ("input", "build ms", "compile ms", "minimum ms", "cold CPU", "cold wall", "warm µs")
    print(row(header, widths))
    cpu = time.process_time
    for name, text in ACCEPTED.items():
        times = {key: [] for key in header[1:]}
        for _ in range(5):
            clear_caches()
            times["cold wall"] += timed(lambda text=text: surfaces.parse(text), 1)
            times["warm µs"] += timed(lambda text=text: surfaces.parse(text), 1)
            clear_caches()
            times["cold CPU"] += timed(lambda text=text: surfaces.parse(text), 1, cpu)
            clear_caches()
            times["build ms"] += timed(lambda text=text: expressions.expression_of(text), 1, cpu)
            surface._compile.cache_clear()
            expression = expressions.expression_of(text)
            times["compile ms"] += timed(lambda e=expression: surface._compile(e, ()), 1, cpu)
            found = surfaces.parse(text)
            times["minimum ms"] += timed(lambda s=found: search.estimate_minimum(s), 1, cpu)
        *ms, warm = (statistics.median(t) * 1e3 for t in times.values())
        print(row((name, *(f"{v:.1f}" for v in ms), f"{warm * 1e3:.1f}"), widths))
    print()


def bench_evaluation() -> None:
    widths = (18, 16, 16)
    points = 200 * 200
    print(f"Built-in surfaces on a 200 × 200 grid ({points} points; median of 20)")
    print(row(("surface", "value ms", "value+grad ms"), widths))
    for name, s in surfaces.SURFACES.items():
        (x0, x1), (y0, y1) = s.domain
        gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        grid = np.stack([gx, gy], axis=-1)
        s(grid), s.grad(grid)  # compile outside the timing
        value = statistics.median(timed(lambda s=s, g=grid: s(g), 20)) * 1e3
        both = statistics.median(timed(lambda s=s, g=grid: s.grad(g), 20)) * 1e3
        print(row((name, f"{value:.2f}", f"{both:.2f}"), widths))


if __name__ == "__main__":
    bench_refusals()
    bench_accepted()
    bench_evaluation()
