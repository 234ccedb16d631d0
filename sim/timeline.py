"""Quarters: labels like ``2025Q1`` and their integer form.

A quarter is stored as an int ``year * 4 + (q - 1)`` so arithmetic is plain
integer arithmetic and ordering is natural.
"""

from __future__ import annotations

import re

_QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([1-4])", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def parse_quarter(text: str) -> int | None:
    """``"2026Q1"`` or ``"2026-01-22"`` -> quarter number, or None if not a quarter."""
    text = text.strip()
    match = _QUARTER.fullmatch(text)
    if match:
        return int(match.group(1)) * 4 + int(match.group(2)) - 1
    match = _DATE.fullmatch(text)
    if match:
        month = int(match.group(2))
        day = int(match.group(3) or 1)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return int(match.group(1)) * 4 + (month - 1) // 3
    return None


def quarter_label(quarter: int) -> str:
    """Quarter number -> ``"2026Q1"``."""
    return f"{quarter // 4}Q{quarter % 4 + 1}"


def quarter_year(quarter: int) -> int:
    """Calendar year of a quarter number."""
    return quarter // 4
