"""How fast and how big the lesson pages are: `python bench/lessons.py`.

For each page, under AppTest (the server-side script time, no browser): the first render with
cold caches, the first render of a new session with warm caches, the median rerun after a
control changes, and the figure JSON it sends (total and largest chart). Budget: a figure under
600 kB (the Playground's for 6 runs × 500 steps).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# page -> (widget kind, key, two values to alternate between)
PAGES = {
    "learning_rate": ("select_slider", "learning_rate.r1.lr", (0.2, 0.15)),
    "traps": ("select_slider", "cliff.clip_at", (0.5, 1.0)),
    "minibatch": ("slider", "mb.batch_size", (8, 16)),
    "ewa": ("slider", "beta", (0.8, 0.9)),
    "momentum_rmsprop_adam": ("slider", "anatomy.t", (40, 20)),
    "article_figures": ("radio", "figure", ("comparison", "learning_rate")),
}
WORST_CASES = {
    "minibatch (m = 1000, SGD, 50 epochs)": (
        "minibatch",
        {"mb.size": "1000", "mb.batch_size": "1", "mb.epochs": "50"},
    ),
}


def render(page: str, query: dict | None = None) -> tuple[AppTest, float]:
    at = AppTest.from_file(str(ROOT / "views" / f"{page}.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    start = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return at, time.perf_counter() - start


def sizes(at: AppTest) -> tuple[int, int]:
    charts = [len(chart.proto.spec) for chart in at.get("plotly_chart")]
    return sum(charts), max(charts)


def main() -> None:
    print("| page | cold first render (s) | warm first render (s) | rerun median (s) "
          "| figure JSON total (kB) | largest chart (kB) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for page, (kind, key, values) in PAGES.items():
        _, cold = render(page)
        at, warm = render(page)
        reruns = []
        for k in range(6):
            start = time.perf_counter()
            getattr(at, kind)(key=key).set_value(values[k % 2]).run()
            reruns.append(time.perf_counter() - start)
        total, largest = sizes(at)
        print(
            f"| {page} | {cold:.2f} | {warm:.2f} | {statistics.median(reruns):.3f} "
            f"| {total / 1e3:.0f} | {largest / 1e3:.0f} |"
        )
    for label, (page, query) in WORST_CASES.items():
        at, cold = render(page, query)
        total, largest = sizes(at)
        print(f"| {label} | {cold:.2f} | | | {total / 1e3:.0f} | {largest / 1e3:.0f} |")


if __name__ == "__main__":
    main()
