"""Shared fixtures: app scripts under AppTest, a live ``streamlit run app.py`` server, Chromium.

- ``app_test(path="app.py", query=None)``: an ``AppTest`` for a script, query params set,
  already run once (``app_test()`` is the Playground).
- ``chart_figures(at)``: the Plotly figure dicts of an AppTest's charts (their ``proto.spec``).
- ``markdown_rows(text)``: a Markdown table read back by a CommonMark parser, as row dicts.
- ``serve_app()``: context manager, a fresh ``streamlit run app.py`` server; yields its URL.
- ``live_app``: URL of the real app served on a free port (session-wide, killed at the end).
- ``browser`` / ``page``: headless Debian Chromium through Playwright; ``page`` records
  console errors in ``page.console_errors``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def app_test():
    """Factory: run a page script (default the whole app) under AppTest with query params."""
    from streamlit.testing.v1 import AppTest

    def make(path: str = "app.py", query: dict | None = None, timeout: float = 60):
        at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return at.run()

    return make


@pytest.fixture
def chart_figures():
    """Function: the figure dicts of every Plotly chart in an AppTest, in page order: the
    ``proto.spec`` of ``st.plotly_chart`` and the ``spec`` argument of ``ui.light_chart``."""

    def figure(element) -> dict | None:
        if element.type == "plotly_chart":
            return json.loads(element.proto.spec)
        if element.type == "component_instance" and element.proto.component_name.endswith(
            "light_chart"
        ):
            return json.loads(json.loads(element.proto.json_args)["spec"])
        return None

    def figures(at) -> list[dict]:
        found = (figure(element) for element in [*at.main, *at.sidebar])
        return [f for f in found if f is not None]

    return figures


@pytest.fixture
def markdown_rows():
    """Function: a Markdown table as markdown-it-py (a CommonMark parser, not ours) reads it,
    one dict per row; fails unless every cell renders as plain text (no emphasis, links,
    code, HTML)."""
    from markdown_it import MarkdownIt

    def rows(text: str) -> list[dict[str, str]]:
        tokens = MarkdownIt("commonmark").enable("table").parse(text)
        cells = []
        for token in tokens:
            if token.type == "inline":
                assert all(child.type == "text" for child in token.children), token.children
                cells.append("".join(child.content for child in token.children))
        width = sum(token.type == "th_open" for token in tokens)
        assert width and len(cells) % width == 0, text
        header = cells[:width]
        return [
            dict(zip(header, cells[i : i + width], strict=True))
            for i in range(width, len(cells), width)
        ]

    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url}")


@contextlib.contextmanager
def serve_app():
    """``streamlit run app.py`` on a free port, as a fresh server; yields its URL, then stops it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def live_app():
    """URL of the real app, one server for the whole test session."""
    with serve_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (never skipped: CI installs it)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"browser tests need {CHROMIUM} (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (1400×1000) recording console errors in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    yield tab
    context.close()
