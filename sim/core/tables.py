"""CSV text for every table the project writes: one float format.

A float is written with a decimal point or an exponent even when it is whole
(``0.0``, not ``0``), so pandas, polars and DuckDB, which guess a column's type
from its first rows, all read float columns as floats; integer columns (counts)
stay integers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

DEFAULT_DIGITS = 10  # significant digits of floats in CSV files


def format_float(value: float, digits: int = DEFAULT_DIGITS) -> str:
    """``value`` with ``digits`` significant digits, always readable as a float (``2`` -> ``2.0``)."""
    text = f"{value:.{digits}g}"
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


class FloatFormat:
    """A pandas ``float_format`` callable using :func:`format_float` (picklable, unlike a lambda)."""

    def __init__(self, digits: int = DEFAULT_DIGITS) -> None:
        self.digits = digits

    def __call__(self, value: float) -> str:
        return format_float(value, self.digits)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def cell_text(value: str) -> str:
    """Text a spreadsheet shows as text: one starting like a formula (``=HYPERLINK(...)``, a team name from a
    save) gets a leading apostrophe, so opening a CSV never runs it (CSV injection); a plain number (as
    :mod:`sim.core.numbers` reads one: not ``-inf`` or ``-1_0``) stays as it is.

    Line breaks become ``\n``: a lone carriage return was written unquoted (the files end rows with
    ``\n``), and spreadsheets start a new row at it, whose first cell went unguarded; a ``\n`` makes
    the writer quote the cell, so it stays one cell."""
    from sim.core.numbers import decimal_number

    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.startswith(FORMULA_STARTS) or decimal_number(value) is not None:
        return value
    return "'" + value


def to_csv_text(frame: pd.DataFrame, digits: int = DEFAULT_DIGITS) -> str:
    """A DataFrame as CSV text (no index) with every float written by :func:`format_float` and every text
    cell by :func:`cell_text`."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    text_columns = [c for c in frame.columns if is_object_dtype(frame[c]) or is_string_dtype(frame[c])]
    if text_columns:
        frame = frame.copy()
        for column in text_columns:
            frame[column] = frame[column].map(lambda v: cell_text(v) if isinstance(v, str) else v)
    return frame.to_csv(index=False, float_format=FloatFormat(digits), lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: Path, digits: int = DEFAULT_DIGITS) -> None:
    """Write a DataFrame as CSV (no index), floats by :func:`format_float`, atomically (:mod:`sim.core.files`)."""
    from sim.core.files import atomic_write_text

    atomic_write_text(path, to_csv_text(frame, digits))
