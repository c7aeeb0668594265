"""Helpers shared by the article's lesson pages.

- `read_series_csv`: a user's uploaded CSV turned into numeric series, or a `SeriesFileError`
  whose message says plainly what is wrong (empty, too large, not text, no numbers, ...).
- `stock_series`: the weekly stock prices that plotly ships offline (`plotly.data.stocks()`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.data

MAX_CSV_BYTES = 2_000_000
MAX_CSV_ROWS = 100_000
MAX_CSV_COLUMNS = 50
DELIMITERS = (",", ";", "\t", "|")

STOCK_NAMES = {
    "AAPL": "Apple",
    "GOOG": "Alphabet (Google)",
    "AMZN": "Amazon",
    "FB": "Meta (Facebook)",
    "NFLX": "Netflix",
    "MSFT": "Microsoft",
}


class SeriesFileError(ValueError):
    """An uploaded file that cannot serve as a series; the message is meant for the user."""


@dataclass(frozen=True)
class SeriesTable:
    """Numeric columns of a file over a shared x axis (dates when the file has them, else rows)."""

    x: np.ndarray
    x_title: str
    data: dict[str, np.ndarray]

    @property
    def columns(self) -> list[str]:
        return list(self.data)

    def series(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of one column with its missing and non-finite entries left out."""
        y = self.data[column]
        keep = np.isfinite(y)
        return self.x[keep], y[keep]


def stock_series(symbol: str) -> tuple[np.ndarray, np.ndarray]:
    """Weekly dates and prices (normalised to 1 on 2018-01-01) of one ticker in STOCK_NAMES."""
    frame = plotly.data.stocks()
    return frame["date"].to_numpy(dtype=str), frame[symbol].to_numpy(dtype=float)


def read_series_csv(raw: bytes) -> SeriesTable:
    """Parse an uploaded CSV into its numeric columns, or raise SeriesFileError saying why not.

    Accepts a header row or a bare column of numbers, the delimiters , ; tab |, a UTF-8 BOM, and
    gaps (dropped per column). A first column of dates becomes the x axis.
    """
    if len(raw) > MAX_CSV_BYTES:
        raise SeriesFileError(
            f"The file is too large ({len(raw) / 1e6:.1f} MB); the limit is "
            f"{MAX_CSV_BYTES / 1e6:.0f} MB."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SeriesFileError("This is not a text CSV file (it is not UTF-8 text).") from None
    if "\x00" in text:
        raise SeriesFileError("This is not a text CSV file (it contains binary data).")
    if not text.strip():
        raise SeriesFileError("The file is empty.")

    frame = _read_frame(text)
    if len(frame) > MAX_CSV_ROWS:
        raise SeriesFileError(f"The file has more than {MAX_CSV_ROWS:,} rows; please shorten it.")
    if frame.shape[1] > MAX_CSV_COLUMNS:
        raise SeriesFileError(f"The file has more than {MAX_CSV_COLUMNS} columns.")

    numeric = {}
    for name in frame.columns:
        values = pd.to_numeric(frame[name], errors="coerce")
        present = frame[name].notna().sum()
        if present and values.notna().sum() >= 0.5 * present:
            numeric[str(name)[:40]] = values.to_numpy(dtype=float)
    if not numeric:
        raise SeriesFileError(
            "The file has no column of numbers. Expected, for example:\n"
            "date,price\n2024-01-01,10.5\n2024-01-02,10.9"
        )
    usable = {name: v for name, v in numeric.items() if np.isfinite(v).sum() >= 2}
    if not usable:
        raise SeriesFileError("A series needs at least 2 finite numbers; this file has fewer.")
    x, x_title = _x_axis(frame, numeric)
    return SeriesTable(x=x, x_title=x_title, data=usable)


def _read_frame(text: str) -> pd.DataFrame:
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
        if all(_is_number(c) for c in frame.columns):  # no header: the first row is data
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None)
            names = ["value"] if frame.shape[1] == 1 else [f"column {k + 1}" for k in frame]
            frame.columns = names
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError) as error:
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else "unknown"
        raise SeriesFileError(f"The file could not be read as CSV: {first}") from None
    return frame


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _x_axis(frame: pd.DataFrame, numeric: dict) -> tuple[np.ndarray, str]:
    for name in frame.columns:
        if str(name)[:40] in numeric:
            continue
        dates = pd.to_datetime(frame[name], errors="coerce", format="mixed")
        if dates.notna().mean() >= 0.9:
            return dates.dt.strftime("%Y-%m-%d").to_numpy(dtype=str), str(name)[:40]
    return np.arange(1, len(frame) + 1), "row"


# ---------------------------------------------------------------- the article's presets


@dataclass(frozen=True)
class RunSetting:
    """One optimizer run of a preset: a registry name and the values that differ from defaults."""

    optimizer: str
    values: tuple[tuple[str, float | bool], ...] = ()

    def flat(self) -> dict[str, float | bool]:
        return dict(self.values)


@dataclass(frozen=True)
class Preset:
    """A figure's exact settings: surface, start, runs, steps, trail and gradient clipping."""

    key: str
    title: str
    surface: str
    start: tuple[float, float]
    runs: tuple[RunSetting, ...]
    steps: int
    trail: int | None = 10  # the article draws the last 10 points; None: the whole path
    clip_norm: float | None = None
    surface_params: tuple[tuple[str, float], ...] = ()

    def caption(self, labels: dict[str, str] | None = None) -> str:
        """The settings in words, stated under the figure."""
        labels = labels or {}
        runs = "; ".join(
            labels.get(r.optimizer, r.optimizer)
            + (" (" + ", ".join(f"{k} = {_word(v)}" for k, v in r.values) + ")" if r.values else "")
            for r in self.runs
        )
        where = self.surface + (
            " [" + ", ".join(f"{k} = {v:g}" for k, v in self.surface_params) + "]"
            if self.surface_params
            else ""
        )
        parts = [
            f"Surface {where}, start ({self.start[0]:g}, {self.start[1]:g}), {self.steps} steps",
            f"runs: {runs}",
            "trail: last 10 points"
            if self.trail == 10
            else (
                "trail: whole path" if self.trail is None else f"trail: last {self.trail} points"
            ),
        ]
        if self.clip_norm is not None:
            parts.append(f"gradients clipped to norm {self.clip_norm:g}")
        return ". ".join(parts) + "."


def _word(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else f"{value:g}"


def _runs(*runs: tuple) -> tuple[RunSetting, ...]:
    """('gd', lr=0.01) style tuples -> RunSettings, so the table below stays one line a run."""
    return tuple(RunSetting(name, tuple(values.items())) for name, values in runs)


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset(
            "learning_rate",
            "Learning rate: small against large",
            "peaks",
            (-0.5, -1.0),
            _runs(("gd", {"lr": 0.01}), ("gd", {"lr": 0.15})),
            steps=150,
        ),
        Preset(
            "local_minimum",
            "A local minimum traps gradient descent",
            "peaks",
            (1.0, 0.0),
            _runs(("gd", {"lr": 0.005})),
            steps=300,
        ),
        Preset(
            "saddle",
            "A saddle point slows gradient descent to a crawl",
            "monkey_saddle",
            (1.0, 0.0),
            _runs(("gd", {"lr": 0.005})),
            steps=300,
        ),
        Preset(
            "plateau",
            "A plateau: the gradient vanishes",
            "plateau",
            (0.0, 0.0),  # replaced by the surface's own start when the page builds it
            _runs(("gd", {"lr": 0.1})),
            steps=300,
        ),
        Preset(
            "ravine",
            "A ravine: gradient descent zig-zags, momentum glides",
            "ravine",
            (0.0, 0.0),
            _runs(("gd", {"lr": 0.02}), ("momentum", {"lr": 0.02, "beta": 0.9})),
            steps=200,
        ),
        Preset(
            "comparison",
            "Escaping a saddle: gradient descent, momentum, Nesterov, RMSProp, Adam",
            "saddle",
            (1.0, -0.001),
            _runs(
                ("gd", {"lr": 0.02}),
                ("momentum", {"lr": 0.02, "beta": 0.9}),
                ("nesterov", {"lr": 0.02, "momentum": 0.9}),
                ("rmsprop", {"lr": 0.02}),
                ("adam", {"lr": 0.02}),
            ),
            steps=200,
        ),
    )
}
