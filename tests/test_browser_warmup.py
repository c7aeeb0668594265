"""A fresh ``streamlit run app.py`` warms the default page up before anyone visits it
(``ui/warmup.py``), and the first visitor's race chart comes out of that warm cache.

What the server did is read from Streamlit's own cache metrics (``/_stcore/metrics``): how
often each cached function was looked up and missed.
"""

import re
import time
import urllib.request

import pytest
from browser_checks import RACE, assert_clean
from conftest import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

RACE_FIGURE = 'cache_lookups_total{cache="ui.race.race_figure",cache_type="st_cache_data",'


def lookups(url: str, result: str) -> int:
    """How many lookups of the race figure's cache ended in ``result`` ("hit" or "miss")."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    found = re.search(re.escape(f'{RACE_FIGURE}result="{result}"}} ') + r"(\d+)", text)
    return int(found.group(1)) if found else 0


def test_the_first_visit_finds_the_default_race_chart_already_built(page):
    with serve_app() as url:
        deadline = time.monotonic() + 60
        while lookups(url, "miss") == 0:  # nobody has opened a page yet
            assert time.monotonic() < deadline, "the server never built the default race chart"
            time.sleep(0.5)
        assert lookups(url, "miss") == 1 and lookups(url, "hit") == 0
        page.goto(url)
        page.wait_for_function(f"() => {{ const gd = {RACE}; return gd && gd.data }}")
        assert lookups(url, "miss") == 1  # the visit built nothing again
        assert lookups(url, "hit") >= 1
        assert_clean(page)
