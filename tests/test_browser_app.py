"""The whole app in headless Chromium: navigation, and deep links into a server just started."""

import pytest
from browser_checks import assert_clean, screenshot
from conftest import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

TITLES = ["Playground", "Learning rate", "Traps", "Training lab"]


def test_a_deep_link_is_the_first_visit_after_a_server_starts(page):
    # A fresh server, and a shared link to a lesson as its very first request: the page must
    # still run through app.py (titles in the navigation, the wide layout), not on its own.
    with serve_app() as url:
        page.goto(f"{url}/traps")
        nav = page.get_by_test_id("stSidebarNav")
        nav.wait_for(timeout=90_000)
        page.get_by_role("heading", name="Traps").first.wait_for(timeout=90_000)
        screenshot(page, "deep-link-first-visit")
        links = nav.get_by_role("link").all_inner_texts()
        assert all(any(title in text for text in links) for title in TITLES), links
        assert not any(text.strip() == "app" for text in links)
        assert_clean(page)
