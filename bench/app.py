"""Playground speed and size: rerun after a slider change, figure JSON size, first paint.

Run: ``python bench/app.py`` (add ``--no-browser`` to skip the Chromium measurement).
Prints three tables:

1. AppTest rerun time after a slider change, 4 runs × 500 steps on Rosenbrock (goal: median
   < 150 ms), for a slider inside the chart fragment (trail) and one that changes a run (α).
2. Figure JSON size of the animated chart for 6 runs × N steps (goal: < 600 kB at 500 steps,
   linear in the number of frames), and build time as dicts against ``go.Frame`` objects.
3. First paint in Chromium with warm caches: page load until the chart's background image
   and frames are drawn (goal: < 3 s), taking turns with a baseline page that holds one tiny
   Plotly chart (most of whose time is Streamlit loading plotly.js), and the difference;
   each page opened in a new tab and again in a tab kept open (a reload).
4. The cold first visit: a fresh ``streamlit run app.py`` server and a new browser (an empty
   HTTP cache) started once the server answers its health check, the default page loaded at
   once and, on another server, 5 s later, until the race chart has drawn (goal: <= 4 s),
   beside a new tab of that browser afterwards and the server's readiness; and where a new
   server process spends its first run of the default page, piece by piece in a fresh
   interpreter (the run ``ui/warmup.py`` now does when the server starts).

``--cold`` runs only table 4 (``--rounds N``: rounds of the cold visit, default 5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import optim  # noqa: E402
import surfaces  # noqa: E402
from viz.trajectory import PALETTE, Trajectory, trajectory_figure  # noqa: E402

RUNS = ("gd", "momentum", "rmsprop", "adam", "nadam", "lion")
LINK = {"surface": "rosenbrock", "steps": "500", "runs": "4"} | {
    f"r{i}.opt": name for i, name in enumerate(RUNS[:4])
}


def table(title: str, header: list[str], rows: list[list]) -> None:
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def rerun_times(repeats: int = 12) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in LINK.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    rows = []
    trails, rates = ["10", "20", "5", "50"], [0.002, 0.003, 0.004, 0.005, 0.006, 0.007]
    for label, kind, key, values in (
        ("trail (chart fragment, cached runs)", "select_slider", "trail", trails),
        ("α of run 1 (one new run, new figure)", "select_slider", "r0.gd.lr", rates),
    ):
        times = []
        for i in range(repeats):
            widget = getattr(at, kind)(key=key).set_value(values[i % len(values)])
            start = time.perf_counter()
            widget.run()
            times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        median = statistics.median(times) * 1000
        rows.append(
            [label, f"{median:.0f}", f"{min(times) * 1000:.0f}", "< 150", f"{150 / median:.1f}x"]
        )
    table(
        "Rerun after a slider change (AppTest, 4 runs x 500 steps, Rosenbrock)",
        ["slider", "median ms", "min ms", "goal ms", "goal / median"],
        rows,
    )


def trajectories(steps: int) -> list[Trajectory]:
    surface = surfaces.SURFACES["rosenbrock"]
    out = []
    for i, name in enumerate(RUNS):
        spec = optim.OPTIMIZERS[name]
        result = optim.run(
            spec.build(), surface.grad, np.array([surface.start]), steps, value_fn=surface
        )
        out.append(
            Trajectory(
                spec.label,
                PALETTE[i],
                result.path[:, 0],
                result.values[:, 0],
                int(result.diverged_at[0]),
            )
        )
    return out


def figure_sizes() -> None:
    surface = surfaces.SURFACES["rosenbrock"]
    rows = []
    for steps in (100, 250, 500, 1000, 2000):
        runs = trajectories(steps)
        for panels in ("overlay", "side"):
            start = time.perf_counter()
            fig = trajectory_figure(surface, runs, panels=panels)
            built = time.perf_counter() - start
            size = len(pio.to_json(fig, validate=False))
            frames = len(fig["frames"])
            per_frame = len(json.dumps(fig["frames"], separators=(",", ":"))) / frames
            goal = "< 600 kB" if steps == 500 else ""
            rows.append(
                [
                    steps,
                    panels,
                    frames,
                    f"{size / 1000:.0f}",
                    f"{per_frame:.0f}",
                    f"{built * 1000:.0f}",
                    goal,
                ]
            )
    table(
        "Figure JSON, 6 runs (frames capped at 300; each frame holds only trails and points)",
        ["steps", "view", "frames", "kB", "bytes / frame", "build ms", "goal"],
        rows,
    )
    runs = trajectories(300)
    fig = trajectory_figure(surface, runs)
    start = time.perf_counter()
    go.Figure(data=fig["data"], layout=fig["layout"], frames=[go.Frame(f) for f in fig["frames"]])
    objects = time.perf_counter() - start
    start = time.perf_counter()
    trajectory_figure(surface, runs)
    dicts = time.perf_counter() - start
    table(
        "Building 300 frames",
        ["as", "ms", "ratio"],
        [
            ["plain dicts (whole figure)", f"{dicts * 1000:.0f}", "1"],
            ["go.Frame objects", f"{objects * 1000:.0f}", f"{objects / dicts:.0f}x"],
        ],
    )


PAINTED = (  # the race chart, drawn by ui.light_chart in a same-origin iframe
    "() => [...document.querySelectorAll('iframe')].some(frame => {"
    " const gd = frame.contentDocument && frame.contentDocument.querySelector('.js-plotly-plot');"
    " return gd && gd.querySelector('image') !== null"
    " && gd._transitionData && gd._transitionData._frames.length > 0 })"
)
BASELINE_APP = (
    "import streamlit as st\nst.plotly_chart({'data': [{'type': 'scatter', 'y': [1, 3]}]})\n"
)
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
BASELINE_PAINTED = "() => document.querySelector('.js-plotly-plot .scatterlayer') !== null"


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not start on port {port}")


def start_server(script: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_healthy(port, server)
    return server


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a busy server can miss SIGTERM
        server.kill()


TABS = ("new tab", "same tab")  # how a returning visitor opens the page again


def paint_times(pages: dict[str, tuple[Path, str, str]], loads: int) -> dict[tuple, list[float]]:
    """Seconds from navigation to the page's ``painted`` condition, keyed (page, tab), for
    ``loads`` loads of each page ``name: (script, query, painted)`` opened two ways: in a new
    tab (a new renderer process: warm HTTP cache, but V8 compiles plotly.js's functions again),
    and again in a tab kept open (a reload: V8 also reuses the functions it compiled). One
    server per page; the pages take turns, so a burst of load on this shared machine hits
    them alike. A first round (unmeasured) warms the caches and the servers' st.cache."""
    from playwright.sync_api import sync_playwright

    servers, times = [], {(name, tab): [] for name in pages for tab in TABS}
    try:
        ports = {}
        for port, (name, (script, _, _)) in enumerate(pages.items(), start=8608):
            servers.append(start_server(script, port))
            ports[name] = port
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=BROWSER_ARGS,
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            kept = {name: context.new_page() for name in pages}
            for attempt in range(loads + 1):
                for name, (_, query, painted) in pages.items():
                    for tab in TABS:
                        page = context.new_page() if tab == "new tab" else kept[name]
                        start = time.perf_counter()
                        page.goto(f"http://127.0.0.1:{ports[name]}/{query}", timeout=90_000)
                        page.wait_for_function(painted, timeout=90_000)
                        if attempt:
                            times[name, tab].append(time.perf_counter() - start)
                        if tab == "new tab":
                            page.close()
            browser.close()
    finally:
        for server in servers:
            stop_server(server)
    return times


def first_paint(loads: int = 9) -> None:
    import tempfile

    query = "?" + "&".join(f"{k}={v}" for k, v in LINK.items())
    playground, baseline = "Playground, 4 runs x 500 steps", "baseline: one 2-point chart"
    with tempfile.TemporaryDirectory() as folder:
        baseline_script = Path(folder) / "baseline.py"
        baseline_script.write_text(BASELINE_APP)
        times = paint_times(
            {
                playground: (ROOT / "app.py", query, PAINTED),
                baseline: (baseline_script, "", BASELINE_PAINTED),
            },
            loads,
        )
    rows = []
    for tab in TABS:
        extra = [a - b for a, b in zip(times[playground, tab], times[baseline, tab], strict=True)]
        for name, t in ((playground, times[playground, tab]), (baseline, times[baseline, tab])):
            goal = "< 3" if name == playground else ""
            rows.append([tab, name, f"{statistics.median(t):.2f}", f"{min(t):.2f}",
                         f"{max(t):.2f}", goal])  # fmt: skip
        rows.append([tab, "Playground minus baseline, same round",
                     f"{statistics.median(extra):.2f}", f"{min(extra):.2f}", f"{max(extra):.2f}",
                     ""])  # fmt: skip
    table(
        f"First paint in Chromium, warm caches, loads taking turns (seconds, {loads} loads each)",
        ["opened in", "page", "median", "min", "max", "goal"],
        rows,
    )


FIRST_RUN = """
import sys, time
sys.path.insert(0, {root!r})
clock = time.perf_counter
def step(label, start=[clock()]):
    now = clock(); print(f"{{label}}\t{{now - start[0]:.3f}}", flush=True); start[0] = now
import streamlit; step("import streamlit")
import numpy, pandas; step("import numpy, pandas")
import plotly.graph_objects; step("import plotly")
import sympy; step("import sympy")
import surfaces, optim; step("import surfaces, optim (the catalogue's formulas)")
import ui.controls, ui.engine, ui.race, ui.url_state; step("import ui (the page's helpers)")
import numpy as np
from viz.background import surface_background
from viz.trajectory import PALETTE, Trajectory, background_lines, trajectory_figure
surface = next(iter(surfaces.SURFACES.values()))
surface(np.array(surface.start)); surface.grad(np.array(surface.start))
step("compile the default surface (" + surface.name + ") to NumPy")
runs = []
for i, name in enumerate(("gd", "momentum", "rmsprop", "adam")):
    spec = optim.OPTIMIZERS[name]
    r = optim.run(spec.build(), surface.grad, np.array([surface.start]), 300, value_fn=surface)
    runs.append(Trajectory(spec.label, PALETTE[i], r.path[:, 0], r.values[:, 0], -1))
step("4 trajectories x 300 steps")
background = surface_background(surface, 160, background_lines("overlay"))
step("background image and contour lines")
trajectory_figure(surface, runs, trail=10, background=background); step("race figure")
from streamlit.testing.v1 import AppTest
step("(import AppTest, not counted)")
AppTest.from_file({app!r}, default_timeout=120).run(); step("the rest of the first page run")
AppTest.from_file({app!r}, default_timeout=120).run(); step("a second page run, for scale")
"""


def first_run_parts(rounds: int = 3) -> None:
    """Seconds a new server process spends on the default page's first run, by piece; each
    piece in a fresh interpreter (so it pays what the first visit paid before the warm-up)."""
    code = FIRST_RUN.format(root=str(ROOT), app=str(ROOT / "app.py"))
    parts: dict[str, list[float]] = {}
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        for line in done.stdout.splitlines():
            label, seconds = line.split("\t")
            parts.setdefault(label, []).append(float(seconds))
    rows = [[label, f"{statistics.median(t):.2f}", f"{min(t):.2f}", f"{max(t):.2f}"]
            for label, t in parts.items() if not label.startswith("(")]  # fmt: skip
    table(
        f"Where a new server's first run of the default page goes (s, {rounds} fresh processes)",
        ["piece", "median", "min", "max"],
        rows,
    )


def seconds_until_healthy(port: int, server: subprocess.Popen, start: float) -> float:
    while server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as response:
                if response.read().strip() == b"ok":
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"streamlit did not start on port {port}")


def cold_round(playwright, port: int, wait: float = 0.0) -> tuple[float, float, float]:
    """One fresh server and one new browser opened ``wait`` s after the server answers:
    (server ready, first visit, then a new tab)."""
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = seconds_until_healthy(port, server, start)
        time.sleep(wait)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        visits = []
        for _ in range(2):  # the first visit, then a new tab
            page = context.new_page()
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/", timeout=90_000)
            page.wait_for_function(PAINTED, timeout=90_000, polling=50)
            visits.append(time.perf_counter() - start)
        browser.close()
    finally:
        stop_server(server)
    return ready, *visits


def cold_first_paint(rounds: int = 5, wait: float = 5.0) -> None:
    """Rounds of ``cold_round`` opened at once and ``wait`` s after the server is ready (a
    person reading the address off the terminal), taking turns."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        results = [
            [cold_round(p, 8650 + 2 * i + k, delay) for k, delay in enumerate((0.0, wait))]
            for i in range(rounds)
        ]
    at_once, later = (list(zip(*(r[k] for r in results), strict=True)) for k in (0, 1))
    cases = [
        ("server ready (health check answers)", at_once[0] + later[0], ""),
        ("first visit, new browser, at once (cold)", at_once[1], "<= 4"),
        (f"first visit, new browser, {wait:g} s later", later[1], "<= 4"),
        ("a new tab of that browser (warm)", at_once[2] + later[2], ""),
    ]
    rows = [[name, f"{min(t):.2f}", f"{statistics.median(t):.2f}", f"{max(t):.2f}", goal]
            for name, t, goal in cases]  # fmt: skip
    table(
        f"Cold start: a fresh server, a new browser opened once it answers, until the race "
        f"chart has drawn (s, {rounds} rounds, load average {os.getloadavg()[0]:.1f})",
        ["case", "min", "median", "max", "goal"],
        rows,
    )


if __name__ == "__main__":
    if "--cold" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
        first_run_parts()
        cold_first_paint(rounds)
        sys.exit()
    rerun_times()
    figure_sizes()
    if "--no-browser" not in sys.argv:
        first_paint()
        first_run_parts()
        cold_first_paint()
