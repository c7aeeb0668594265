"""Embed mode: ``?embed=true`` shows only a page's figures, their playback controls and a
small "Open in the full app" link; ``hide=`` drops chosen controls; "Copy embed code" gives an
``<iframe>`` snippet of the current view.

``embed=true`` is Streamlit's own flag: its front end then drops the app's header, toolbar,
padding and footer, keeps the flag in the URL whenever the app rewrites its query (so every
rerun stays embedded), and keeps it out of ``st.query_params``; a script asks
``st.context.is_embedded``. The sidebar and the page's text and widgets stay, so this module
hides them, the one place we reach into Streamlit's page structure (its DOM, by CSS): the
sidebar by its ``data-testid``, and in the main column every element that neither is nor
holds a container keyed ``embed-show-…`` (Streamlit gives a keyed container the CSS class
``st-key-<key>``). The widgets are still built, hidden: every setting is read from the URL by
the same controls as in the full app, so an embedded view is the very same page.

Use::

    with embedded_figure("race", link_params):   # wraps a chart; a no-op outside embed mode
        light_chart(without_hidden(figure, hidden_parts(url)), key="race")
    embed_code_button(height=720)                  # the "Copy embed code" item

``hide=`` (TensorFlow Playground's idea) is a comma-separated list of: ``play`` (▶ Play and
❚❚ Pause), ``slider`` (the step slider and its numbers), ``legend``, ``link``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import streamlit as st

from ui.url_state import Text, UrlState, current_page

SHOWN_PREFIX = "embed-show-"  # the key of a container that stays visible (CSS below)
HIDE_KEY = "hide"
HIDEABLE = ("play", "slider", "legend", "link")
HIDE_FIELD = Text("", 60)
EMBED_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] > :not([class*="st-key-embed-show"]):not(
:has([class*="st-key-embed-show"])):not([class*="st-key-embed-show"] *) {
  display: none !important;
}
</style>"""


def embedded() -> bool:
    """Whether the page was opened with Streamlit's ``embed=true``."""
    return bool(st.context.is_embedded)


def hidden_parts(url: UrlState | None = None) -> frozenset[str]:
    """The controls ``hide=`` names (unknown names are ignored); read from the URL once per
    session and kept in it like any setting."""
    url = url or UrlState(current_page())
    url.seed("embed.hide", HIDE_FIELD, url_key=HIDE_KEY)
    raw = str(st.session_state["embed.hide"])
    url.mirror(HIDE_KEY, raw, HIDE_FIELD)
    return frozenset(part.strip() for part in raw.lower().split(",")) & set(HIDEABLE)


def without_hidden(figure: dict, hidden: frozenset[str]) -> dict:
    """``figure`` without the parts named in ``hidden`` (a shallow copy; the cached figure
    is left as it is): ``play`` its buttons, ``slider`` its slider and the slider's step
    numbers (the annotations placed under the rail), ``legend`` its legend."""
    if not hidden & {"play", "slider", "legend"}:
        return figure
    layout = dict(figure["layout"])
    if "play" in hidden:
        layout["updatemenus"] = []
    if "slider" in hidden:
        layout["sliders"] = []
        notes = layout.get("annotations", [])
        layout["annotations"] = [note for note in notes if note.get("yshift", 0) >= 0]
    if "legend" in hidden:
        layout["showlegend"] = False
    return {**figure, "layout": layout}


def full_app_url() -> str:
    """This page with its current settings, outside embed mode (``hide`` dropped)."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k != HIDE_KEY}
    base = st.context.url or "/"
    return f"{base}?{urlencode(query)}" if query else base


@contextmanager
def embedded_figure(key: str, hidden: frozenset[str] = frozenset()) -> Iterator[None]:
    """Around a chart: in embed mode, the container that stays visible (with the page's
    CSS) and, under the chart, the link to the full app unless ``hide`` names it."""
    if not embedded():
        yield
        return
    with st.container(key=f"{SHOWN_PREFIX}{key}"):
        st.html(EMBED_CSS)
        yield
        if "link" not in hidden:
            st.markdown(
                f"<small><a href='{html.escape(full_app_url(), quote=True)}' target='_blank'>"
                "Open in the full app ↗</a></small>",
                unsafe_allow_html=True,
            )


_EMBED_CODE = """
<div style="font-family: sans-serif; font-size: 14px; color: #1d2733">
  <button id="copy" style="padding: 6px 12px; border: 1px solid #c7ced6; border-radius: 8px;
    background: #fff; cursor: pointer">Copy embed code</button>
  <span id="done" style="margin-left: 8px; color: #5d6b78"></span>
  <textarea id="code" readonly rows="3" style="width: 100%; margin-top: 6px; font-size: 12px;
    font-family: monospace; box-sizing: border-box"></textarea>
</div>
<script>
// The snippet is built from the page's address when it is read, so it is always the
// current view (every setting is in the URL); embed=true added.
const HEIGHT = __HEIGHT__;
function snippet() {
  const url = new URL(window.parent.location.href);
  url.searchParams.set("embed", "true");
  return `<iframe src="${url.href}" width="100%" height="${HEIGHT}" style="border: 0"` +
    ` title="Optimizer Playground" loading="lazy"></iframe>`;
}
const code = document.getElementById("code");
function refresh() { if (document.activeElement !== code) code.value = snippet(); }
refresh();
setInterval(refresh, 500);
document.getElementById("copy").addEventListener("click", async () => {
  code.value = snippet();
  code.select();
  try { await navigator.clipboard.writeText(code.value); }
  catch (error) { document.execCommand("copy"); }
  document.getElementById("done").textContent = "Copied.";
});
</script>
"""


def embed_code_button(height: int) -> None:
    """The "Copy embed code" item: a button that copies an ``<iframe>`` of this view (the
    snippet shown under it too), ``height`` px tall."""
    st.iframe(_EMBED_CODE.replace("__HEIGHT__", json.dumps(int(height))), height=100)
