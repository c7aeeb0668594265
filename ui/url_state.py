"""Every setting in the URL: widgets seeded from ``st.query_params`` and mirrored back into it.

Use (the widget's value lives in ``st.session_state[key]`` as usual)::

    url = UrlState.begin()                               # once, at the top of a page
    lr = url.widget(st.slider, "α", key="lr", field=Number(0.01, 1e-4, 1.0), min_value=...)
    view = url.choice(st.radio, "View", key="view", options={"a": "A", "b": "B"}, default="a")
    url.finish()                                         # at the end of the page (and fragment)

``widget`` seeds the widget's session-state value from the URL on the session's first run
(validated by its ``Field``; anything hostile such as nan, inf, 1e309, out-of-range numbers,
unknown names, repeated keys or huge strings falls back to the default and is listed by
``show_warnings``), creates the widget under ``key`` and mirrors its value into the URL
(non-default values only, so links stay short). ``url_key`` lets one URL name serve several
widget keys (for instance ``r0.lr`` for whichever optimizer run 0 uses).

Fields say what a URL value may be: ``Number`` (float or int, range, log), ``Flag``,
``Choice``, ``Text``, ``Color``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

MAX_RAW_LENGTH = 64
_SESSION_VALUES = "_url_values"  # key -> URL text of every non-default widget value
_SESSION_WARNINGS = "_url_warnings"
_SESSION_LOADED = "_url_loaded"  # pages whose first run has read the URL
_SESSION_CONSUMED = "_url_consumed"
_SESSION_PAGE = "_url_page"  # the page the warnings and consumed names belong to


_MISSING = object()
INDEXED = ("selectbox", "radio")  # widgets whose default is an index into their options


def has_state(key: str) -> bool:
    """``key in st.session_state``, without the copy of the whole state that ``in`` makes."""
    return st.session_state.get(key, _MISSING) is not _MISSING


class FieldError(ValueError):
    """A URL value that cannot be used; the message is shown to the user."""


@dataclass(frozen=True)
class Number:
    """A finite number in [low, high]; ``integer`` for whole numbers, ``log`` requires > 0."""

    default: float
    low: float
    high: float
    integer: bool = False
    log: bool = False
    grid: tuple[float, ...] = ()  # if given, a value snaps to the nearest (log distance if log)

    def parse(self, raw: str) -> float | int:
        try:
            value = int(raw) if self.integer else float(raw)
        except ValueError:
            raise FieldError("not a number") from None
        if not math.isfinite(value):
            raise FieldError("not a finite number")
        if self.log and value <= 0:
            raise FieldError("must be positive")
        if not self.low <= value <= self.high:
            raise FieldError(f"outside [{self.low:g}, {self.high:g}]")
        return self.snap(value) if self.grid else value

    def snap(self, value: float) -> float:
        """The grid value nearest to ``value``."""
        distance = (lambda g: abs(math.log(g / value))) if self.log else (lambda g: abs(g - value))
        return min(self.grid, key=distance)

    def format(self, value) -> str:
        return str(int(value)) if self.integer else f"{float(value):.6g}"


@dataclass(frozen=True)
class Flag:
    default: bool

    def parse(self, raw: str) -> bool:
        text = raw.lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise FieldError("not 0/1 or true/false")

    def format(self, value) -> str:
        return "1" if value else "0"


@dataclass(frozen=True)
class Choice:
    default: str
    choices: tuple[str, ...]

    def parse(self, raw: str) -> str:
        if raw not in self.choices:
            raise FieldError("unknown name")
        return raw

    def format(self, value) -> str:
        return str(value)


@dataclass(frozen=True)
class Text:
    default: str
    max_length: int = 300

    def parse(self, raw: str) -> str:
        if len(raw) > self.max_length:
            raise FieldError(f"longer than {self.max_length} characters")
        return raw

    def format(self, value) -> str:
        return str(value)


@dataclass(frozen=True)
class Color:
    default: str

    def parse(self, raw: str) -> str:
        text = raw if raw.startswith("#") else "#" + raw
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            raise FieldError("not a colour like #1f77b4")
        return text.lower()

    def format(self, value) -> str:
        return str(value).lower()


Field = Number | Flag | Choice | Text | Color


def quote(raw: str, limit: int = 24) -> str:
    """A user's text made safe to show inside a Markdown message (short, no markup)."""
    cleaned = re.sub(r"[^\w .,+\-*/^()#=:]", "?", raw)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def current_page() -> str:
    """An id of the page being run (st.navigation runs one page script per rerun)."""
    ctx = get_script_run_ctx()
    return getattr(ctx, "page_script_hash", "") or ""


class UrlState:
    """URL <-> widget mirror for one page; see the module docstring."""

    def __init__(self, page: str = ""):
        self.page = page

    @classmethod
    def begin(cls) -> UrlState:
        """Start a full page run: forget which keys were mirrored by the previous one (and,
        on another page than last time, that page's warnings)."""
        page = current_page()
        if st.session_state.get(_SESSION_PAGE) != page:
            st.session_state[_SESSION_PAGE] = page
            st.session_state[_SESSION_WARNINGS] = []
            st.session_state[_SESSION_CONSUMED] = set()
        st.session_state[_SESSION_VALUES] = {}
        return cls(page)

    @property
    def first_run(self) -> bool:
        """This page's first run in the session: the only one that reads the URL."""
        return self.page not in st.session_state.get(_SESSION_LOADED, set())

    def warn(self, message: str) -> None:
        warnings = st.session_state.setdefault(_SESSION_WARNINGS, [])
        if message not in warnings:
            warnings.append(message)

    def read(self, url_key: str, field: Field) -> Any:
        """The URL's value for ``url_key`` if it is valid, else the default (with a warning)."""
        st.session_state.setdefault(_SESSION_CONSUMED, set()).add(url_key)
        raws = st.query_params.get_all(url_key)
        if not raws:
            return field.default
        if len(raws) > 1:
            self.warn(f"`{quote(url_key)}` is given {len(raws)} times; using the default.")
            return field.default
        raw = raws[0].strip()
        limit = getattr(field, "max_length", MAX_RAW_LENGTH)
        try:
            if len(raw) > limit:
                raise FieldError(f"longer than {limit} characters")
            return field.parse(raw)
        except FieldError as error:
            self.warn(
                f"`{quote(url_key)}` = `{quote(raw)}` is ignored ({error}); "
                f"using `{quote(field.format(field.default))}`."
            )
            return field.default

    def current(self, key: str, field: Field, url_key: str | None = None) -> Any:
        """The value under ``key`` now: its session state, else the URL's value (on the first
        run) or the default. Reads, never writes."""
        value = st.session_state.get(key, _MISSING)
        if value is not _MISSING:
            return value
        return self.read(url_key or key, field) if self.first_run else field.default

    def seed(self, key: str, field: Field, url_key: str | None = None) -> None:
        """Put ``current`` in session state (for a plain, non-widget setting)."""
        if not has_state(key):
            st.session_state[key] = self.current(key, field, url_key)

    def mirror(self, url_key: str, value: Any, field: Field) -> None:
        """Remember ``value`` for the URL (dropped when it equals the default)."""
        values = st.session_state.setdefault(_SESSION_VALUES, {})
        if field.format(value) == field.format(field.default):
            values.pop(url_key, None)
        else:
            values[url_key] = field.format(value)

    def widget(self, factory, label: str, *, key: str, field: Field, url_key=None, **kwargs):
        """Create (``factory(label, key=key, **kwargs)``) and mirror one widget whose default
        argument is always its current value.

        Why: a browser builds a widget inside a closed popover only when the popover opens,
        from the default argument of the latest run; Streamlit sends the session value only
        in the run that set it. A default other than the current value would show (and then
        send back) that default: the run panels would reset and overwrite the run.
        """
        current = self.current(key, field, url_key)
        if getattr(factory, "__name__", "") in INDEXED:
            options = list(kwargs["options"])
            kwargs["index"] = options.index(current) if current in options else 0
        else:
            kwargs["value"] = current
        value = factory(label, key=key, **kwargs)
        self.mirror(url_key or key, value, field)
        return value

    def choice(self, factory, label: str, *, key: str, options, default: str, **kwargs):
        """A selectbox, radio or select_slider over ``options`` mirrored as a ``Choice``.

        ``options`` is a sequence of names, or a mapping name -> label (the labels are then
        what the widget shows, unless ``format_func`` is given).
        """
        names = tuple(options)
        if hasattr(options, "get"):
            kwargs.setdefault("format_func", options.get)
        return self.widget(
            factory, label, key=key, field=Choice(default, names), options=names, **kwargs
        )

    def finish(self) -> None:
        """Write the mirrored values to the URL (only when they changed); end the first run."""
        if self.first_run:
            consumed = st.session_state.get(_SESSION_CONSUMED, set())
            unknown = sorted(set(st.query_params.keys()) - consumed)
            for name in unknown[:5]:
                self.warn(f"`{quote(name)}` is not a setting of this view; it is ignored.")
            st.session_state.setdefault(_SESSION_LOADED, set()).add(self.page)
        wanted = dict(sorted(st.session_state.get(_SESSION_VALUES, {}).items()))
        if wanted != st.query_params.to_dict():
            st.query_params.from_dict(wanted)

    @staticmethod
    def show_warnings(container=None) -> None:
        """Show the URL problems met so far in this session (one warning box)."""
        warnings = st.session_state.get(_SESSION_WARNINGS, [])
        if warnings:
            target = container if container is not None else st
            target.warning(
                "Some settings in the link could not be used:\n\n"
                + "\n".join(f"- {w}" for w in warnings),
                icon=":material/warning:",
            )
