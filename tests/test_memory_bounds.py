"""Typed functions leave nothing behind (issue 11, 3.3): no Streamlit cache key, no sympy cache
entry; what they do keep sits in bounded LRUs. bench/memory.py measures the RSS."""

import numpy as np
import pytest
from sympy.core.cache import CACHE

import surfaces
from ui.engine import TypedMemo


def compute_locks() -> int:
    """Per-key compute locks over every Streamlit cache: Streamlit keeps one for every key a
    cache has seen (``Cache._value_locks``, an internal read only here to count them)."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    managers = (cache_data_api._data_caches, cache_resource_api._resource_caches)
    return sum(
        len(cache._value_locks)
        for manager in managers
        for session in manager._function_caches.values()
        for cache in session.values()
    )


def test_typed_functions_cost_no_streamlit_cache_key(app_test):
    """Four visitors, each with a function of their own (and one refused), as shared links."""
    app_test(query={"surface": "custom", "f": "x^2 + y^2"})  # imports, registry caches
    before = compute_locks()
    texts = ["x^2 + 2.5*y^2", "(x - 1)^2 + y^2/3", "sin(x) + y^2", "x^2 + y^2 # note"]
    for text in texts:
        at = app_test(query={"surface": "custom", "f": text})
        assert not at.exception
    assert compute_locks() == before
    assert at.error and "comments" in at.error[0].value  # the refused one was seen


def test_parsing_leaves_sympy_caches_empty():
    for k in range(5):
        surfaces.parse(f"x^2 + {k + 2}*y^2 + cos({k}*x*y)")
    assert sum(f.cache_info().currsize for f in CACHE) == 0


def test_typed_memo_is_a_bounded_lru():
    memo = TypedMemo(3, copies=False)
    calls = []

    def value(key):
        return lambda: calls.append(key) or key.upper()

    for key in "abcab":
        assert memo.get(key, value(key)) == key.upper()
    assert calls == ["a", "b", "c"]  # a and b came back from the memo
    memo.get("d", value("d"))  # evicts c, the least recently used
    assert len(memo) == 3
    memo.get("c", value("c"))
    assert calls == ["a", "b", "c", "d", "c"]


def test_typed_memo_copies_like_st_cache_data():
    memo = TypedMemo(2, copies=True)
    first = memo.get("k", lambda: {"path": np.arange(3.0)})
    first["path"][0] = 99.0  # a caller's change stays with that caller
    second = memo.get("k", lambda: pytest.fail("recomputed"))
    assert second["path"].tolist() == [0.0, 1.0, 2.0] and second is not first
