"""Check the Korea baseline against the validation patterns (mean over seeds), in parallel.

Usage: python tools/patterns.py [SEEDS] [--set NAME=VALUE ...]
Prints the market path, OpenAI's Korean consumer users, consumer adoption and
awareness at the end of 2025, and domestic consumer apps alive, each beside its
target. tests/test_patterns.py asserts the same figures.
"""

from __future__ import annotations

import sys

from sim.validation import PATTERNS, measure_patterns


def main(argv: list[str]) -> int:
    seeds = int(argv[0]) if argv and not argv[0].startswith("--") else 8
    overrides = {}
    if "--set" in argv:
        for text in argv[argv.index("--set") + 1 :]:
            name, _, value = text.partition("=")
            overrides[name] = float(value)
    measured = measure_patterns(seeds=seeds, values=overrides)
    for pattern in PATTERNS:
        value = measured[pattern.id]
        ok = "ok " if pattern.low <= value <= pattern.high else "OFF"
        print(f"{ok} {pattern.id:32s} {value:10.3f}   target {pattern.low:g}-{pattern.high:g}  ({pattern.source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
