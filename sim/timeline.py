"""Quarters: labels like ``2025Q1`` and their integer form.

A quarter is stored as an int ``year * 4 + (q - 1)`` so arithmetic is plain
integer arithmetic and ordering is natural.
"""

from __future__ import annotations

import datetime
import re

QUARTERS_PER_YEAR = 4

# ASCII digits only: full-width or Arabic-Indic digits are not quarters.
_QUARTER = re.compile(r"([0-9]{4})[ \t]*-?[ \t]*Q([1-4])", re.IGNORECASE | re.ASCII)
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?", re.ASCII)


def parse_quarter(text: str) -> int | None:
    """``"2026Q1"`` or ``"2026-01-22"`` -> quarter number, or None if not a quarter (or not a real date)."""
    if isinstance(text, datetime.date):
        return text.year * 4 + (text.month - 1) // 3
    if not isinstance(text, str) or len(text) > 40:
        return None
    text = text.strip(" \t")
    match = _QUARTER.fullmatch(text)
    if match:
        return int(match.group(1)) * 4 + int(match.group(2)) - 1
    match = _DATE.fullmatch(text)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
        try:
            datetime.date(year, month, day)
        except ValueError:
            return None
        return year * 4 + (month - 1) // 3
    return None


def quarter_label(quarter: int) -> str:
    """Quarter number -> ``"2026Q1"``."""
    return f"{quarter // 4}Q{quarter % 4 + 1}"


def quarter_year(quarter: int) -> int:
    """Calendar year of a quarter number."""
    return quarter // 4
