"""Numbers that people type: command-line options, environment variables, ``--set NAME=VALUE``.

Python's ``int`` and ``float`` also read digits of other scripts ("١٠", "１０"), superscripts
for ``str.isdigit`` ("²", which ``int`` then refuses), underscores ("1_0") and surrounding
blanks. A number a person types is read here instead: optional sign, ASCII digits 0-9, for a
decimal one point and an exponent; anything else is not a number. YAML files follow the same
rule (:data:`sim.yamlio.PLAIN_INT`, :data:`sim.yamlio.PLAIN_FLOAT`), JSON its own.
"""

from __future__ import annotations

import argparse
import math
import re

WHOLE = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
WHOLE_EXPECTED = "a whole number written with the digits 0-9, such as 10"
DECIMAL_EXPECTED = "a number written with the digits 0-9, such as 1.5"
MAX_DIGITS = 30  # longer text is no number a person means (and Python refuses int() of over 4,300 digits)


def whole_number(text: str) -> int | None:
    """``text`` (blanks around it allowed) as an int, or None when it is not a plain whole number."""
    text = text.strip()
    if len(text) > MAX_DIGITS or not WHOLE.fullmatch(text):
        return None
    return int(text)


def decimal_number(text: str) -> float | None:
    """``text`` (blanks around it allowed) as a finite float, or None when it is not a plain number."""
    text = text.strip()
    if len(text) > MAX_DIGITS or not DECIMAL.fullmatch(text):
        return None
    value = float(text) + 0.0  # -0 is zero: "-0" and "0" mean the same number (and hash the same)
    return value if math.isfinite(value) else None


def cli_whole(text: str) -> int:
    """argparse ``type=`` for a whole-number option; its error becomes argparse's (exit code 2)."""
    value = whole_number(text)
    if value is None:
        if WHOLE.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(
                f"expected a whole number of at most {MAX_DIGITS} digits, got {len(text.strip())}"
            )
        raise argparse.ArgumentTypeError(f"expected {WHOLE_EXPECTED}, got {text[:40]!r}")
    return value


def cli_decimal(text: str) -> float:
    """argparse ``type=`` for a decimal option; its error becomes argparse's (exit code 2)."""
    value = decimal_number(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected {DECIMAL_EXPECTED}, got {text[:40]!r}")
    return value
