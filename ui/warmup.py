"""Warm-up at server start: the default page runs once before the first visitor asks for it.

Why. A new server process pays, on its first page run, for everything Python does only once:
importing sympy, pandas and plotly, compiling the default surface's formula to NumPy, the
first trajectories, background and figures, and Streamlit's own first uses (its emoji table
for the page icon, the component registry, the fragment machinery). That was about 2 s of
server time on an idle 2-core machine and 4–5 s under load, all inside the first visit's wait
(``python bench/app.py`` measures the cold first visit and where its time goes).

How. ``app.py`` is also an ``st.App`` (Streamlit's ASGI entry point): ``streamlit run app.py``
finds ``app = st.App(...)`` in it, imports it as a module and serves it, and ``lifespan`` below
runs when the server starts, after Streamlit's runtime. It starts, without waiting for it, one
run of the main script in a throwaway session, which is what Streamlit's script health check
does (``Runtime.does_script_run_without_error``, the one Streamlit internal this app calls).
So every import, every ``st.cache_data`` and ``st.cache_resource`` entry of the default page
and the compiled surface are in place when the first visitor's script runs.

What it costs. The server answers its health check as soon as before: the run is a task on
the event loop, not awaited by the start-up. A visitor who arrives while it runs shares its
work: Streamlit computes a cache entry once and a second caller waits for it. It runs once
per server process and never under AppTest, which executes ``app.py`` as a script and never
imports it. A failure is logged and changes nothing else: the first visit then pays as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

LOGGER = logging.getLogger(__name__)


async def run_default_page() -> None:
    """Run the main script (the default page) once in a throwaway session; log any failure."""
    from streamlit import runtime

    try:
        ok, message = await runtime.get_instance().does_script_run_without_error()
    except Exception:  # a warm-up must never stop the server
        LOGGER.warning("warm-up: the default page could not run", exc_info=True)
        return
    if not ok:
        LOGGER.warning("warm-up: the default page ended with %r", message)


@contextlib.asynccontextmanager
async def lifespan(_app):
    """``st.App`` lifespan: start the warm-up and serve at once; cancel it at shutdown."""
    task = asyncio.create_task(run_default_page(), name="warm-up")
    try:
        yield
    finally:
        task.cancel()
