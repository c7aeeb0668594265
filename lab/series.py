"""Numeric series from a user's CSV file.

- `read_series_csv(raw)`: the file's numeric columns over a shared x axis (dates when its first
  non-numeric column holds them, else row numbers) as a `SeriesTable`, or a `SeriesFileError`
  whose message says plainly what is wrong (too large, not text, empty, no numbers, ...).

No Streamlit here: the limits are checked on the bytes, so any caller (a page, a test, a
notebook) gets the same answer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_CSV_BYTES = 2_000_000
MAX_CSV_ROWS = 100_000
MAX_CSV_COLUMNS = 50
DELIMITERS = (",", ";", "\t", "|")


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
            "The file has no column of numbers. Expected, for example, a header `date,price` "
            "and rows such as `2024-01-01,10.5`."
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
