"""What every lesson page does around its content: URL state that works with fragments, a
header and the registry's update rules.

Use::

    url = begin_page()
    lesson_header("The learning rate", "In plain words ...", optim.OPTIMIZERS["gd"].latex)

    @st.fragment
    def section():
        ...                                  # widgets through `url`
        fragment_done(url)

    section()
    end_page(url, warnings)

Why ``fragment_done``: a full run may write the URL only once every widget of the page has
been read (the first run must see them all before it calls a URL key unknown), so ``end_page``
writes it; a fragment rerun never reaches ``end_page``, so the fragment writes it itself. The
one flag that tells the two apart is ``LessonUrl.full_run``: True from ``begin_page`` to
``end_page``. A fragment rerun runs with the page's ``url`` object of the full run that drew it,
whose flag ``end_page`` has already cleared; no session state is involved.
"""

from __future__ import annotations

import streamlit as st

import optim
from ui.url_state import UrlState


class LessonUrl(UrlState):
    """A lesson page's URL state; ``full_run``: inside a full page run (module docstring)."""

    full_run: bool = False


def begin_page() -> LessonUrl:
    """Start a lesson page: its URL state, in a full run."""
    url = LessonUrl.begin()
    url.full_run = True
    return url


def fragment_done(url: LessonUrl) -> None:
    """End a fragment: on a fragment rerun, write its values to the URL."""
    if not url.full_run:
        url.finish()


def end_page(url: LessonUrl, warnings=None) -> None:
    """End a lesson page: write the URL and show what in it could not be used."""
    url.full_run = False
    url.finish()
    UrlState.show_warnings(warnings)


def lesson_header(title: str, explanation: str, latex: str | None = None) -> None:
    """Title, a short explanation in plain words, and the update rule as an equation."""
    st.title(title)
    st.markdown(explanation)
    if latex:
        st.latex(latex)


def update_rules(names: tuple[str, ...]) -> None:
    """Each optimizer's update rule, straight from the registry's LaTeX, in an expander."""
    with st.expander("Update rules", expanded=False):
        for name in names:
            spec = optim.OPTIMIZERS[name]
            st.markdown(f"**{spec.label}**: {spec.description}")
            st.latex(spec.latex)
