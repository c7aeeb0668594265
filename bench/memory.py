"""Memory over many distinct typed functions: does the server's RSS level off?

    python bench/memory.py [--functions 1000] [--every 100] [--trace]

Drives the Playground as users do, in one process: each typed function is a fresh AppTest
session opened on ``?surface=custom&f=<text>`` (a shared link), so every cache the page uses
sees a new key. Prints one row per ``--every`` functions: RSS, the Streamlit cache keys held
(entries kept plus the per-key compute locks Streamlit keeps for every key ever used, read
from ``streamlit.runtime.caching``'s managers: an internal, read only here), the values in
``ui.engine``'s own LRUs for typed functions (``TypedMemo``), the entries in
sympy's own caches, Python's ``linecache`` size and how many lambdified sources it holds.

Goal (issue 11, 3.3): growth after the first 200 functions ≤ 5 MB per 1,000 functions.
With ``--trace``, tracemalloc compares the heap after 200 functions with the heap at the end
and prints the ten sources (file:line) that grew most, which names the store that grows.
"""

from __future__ import annotations

import argparse
import gc
import linecache
import logging
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WARM_UP = 200  # functions before the growth is measured (caches fill up first)


def typed_function(k: int) -> str:
    """The k-th distinct function: a tilted bowl with a ripple, all of one family."""
    return f"x^2 + {1 + k / 997:.5f}*y^2 + sin({2 + k % 7}*x) + {k % 13}*x*y/10"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def streamlit_keys() -> tuple[int, int]:
    """(cached entries, per-key compute locks) over every st.cache_data/resource cache."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    managers = (cache_data_api._data_caches, cache_resource_api._resource_caches)
    caches = [
        cache
        for manager in managers
        for session in manager._function_caches.values()
        for cache in session.values()
    ]
    stores = [getattr(c, "storage", c)._mem_cache for c in caches]
    entries = sum(len(store) for store in stores)
    locks = sum(len(c._value_locks) for c in caches)
    return entries, locks


def open_playground(text: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["surface"] = "custom"
    at.query_params["f"] = text
    at.run()
    if at.exception or at.text_input(key="f").value != text:
        raise SystemExit(f"the Playground did not take {text!r}: {at.exception}")
    shown = [e.value for e in at.error]
    if shown:
        raise SystemExit(f"{text!r} was refused: {shown}")


def memo_entries() -> int:
    """Values held by ui.engine's TypedMemo caches (typed functions' own LRUs)."""
    from ui import engine, race

    memos = {
        id(memo): memo
        for module in (engine, race)
        for obj in vars(module).values()
        if isinstance(memo := getattr(obj, "typed", None), engine.TypedMemo)
    }
    return sum(len(memo) for memo in memos.values())


def sympy_cached() -> int:
    from sympy.core.cache import CACHE

    return sum(f.cache_info().currsize for f in CACHE)


def lambdified() -> int:
    return sum(name.startswith("<lambdifygenerated") for name in linecache.cache)


def row(done: int, start: float, first: float) -> list:
    gc.collect()
    entries, locks = streamlit_keys()
    rss = rss_mb()
    return [
        done,
        f"{rss:.1f}",
        f"{rss - first:+.1f}",
        entries,
        locks,
        memo_entries(),
        sympy_cached(),
        len(linecache.cache),
        lambdified(),
        f"{time.perf_counter() - start:.0f}",
    ]


def print_table(header: list[str], rows: list[list]) -> None:
    if header:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---:" for _ in header) + "|")
    for r in rows:
        print("| " + " | ".join(str(cell) for cell in r) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--trace", action="store_true", help="tracemalloc: what grows")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    open_playground(typed_function(0))  # imports and first compiles, before measuring
    header = ["functions", "RSS MB", "Δ MB", "entries", "locks", "memo", "sympy", "linecache"]
    header += ["lambdify", "s"]
    print(f"\nMemory over {args.functions} distinct typed functions (one AppTest each)\n")
    print_table(header, [])
    start, first, at_warm_up, before = time.perf_counter(), rss_mb(), None, None
    for k in range(1, args.functions + 1):
        open_playground(typed_function(k))
        if k == WARM_UP:
            at_warm_up = rss_mb()
            if args.trace:
                tracemalloc.start(1)
                before = tracemalloc.take_snapshot()
        if k % args.every == 0:
            print_table([], [row(k, start, first)])
    if at_warm_up is not None and args.functions > WARM_UP:
        per_1000 = (rss_mb() - at_warm_up) * 1000 / (args.functions - WARM_UP)
        print(f"\nGrowth after the first {WARM_UP}: {per_1000:.1f} MB per 1,000 functions")
        print("(goal ≤ 5 MB)")
    if before is not None:
        after = tracemalloc.take_snapshot()
        print("\nWhere the heap grew after the warm-up (tracemalloc, top 10 lines)\n")
        rows = [
            [str(stat.traceback[0]), f"{stat.size_diff / 1024:+.0f}", f"{stat.count_diff:+d}"]
            for stat in after.compare_to(before, "lineno")[:10]
        ]
        print_table(["where", "KiB", "blocks"], rows)


if __name__ == "__main__":
    main()
