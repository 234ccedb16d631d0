"""Check the Korea baseline against the validation patterns (mean over seeds), in parallel.

Usage: python tools/patterns.py [SEEDS] [--figure PNG] [--set NAME=VALUE ...]
Prints the market path, OpenAI's Korean consumer users, consumer adoption and
awareness at the end of 2025, and domestic consumer apps alive, each beside its
target; with --figure, also draws each pattern's model value against its target range
(docs/screenshots/patterns.png). tests/test_patterns.py asserts the same figures.
"""

from __future__ import annotations

import sys

from sim.validation import PATTERNS, measure_patterns


def main(argv: list[str]) -> int:
    seeds = int(argv[0]) if argv and not argv[0].startswith("--") else 8
    overrides = {}
    figure = argv[argv.index("--figure") + 1] if "--figure" in argv else None
    if "--set" in argv:
        for text in argv[argv.index("--set") + 1 :]:
            name, _, value = text.partition("=")
            overrides[name] = float(value)
    measured = measure_patterns(seeds=seeds, values=overrides)
    for pattern in PATTERNS:
        value = measured[pattern.id]
        ok = "ok " if pattern.low <= value <= pattern.high else "OFF"
        print(f"{ok} {pattern.id:32s} {value:10.3f}   target {pattern.low:g}-{pattern.high:g}  ({pattern.source})")
    if figure:
        draw(measured, seeds, figure)
        print(f"wrote {figure}")
    return 0


def draw(measured: dict, seeds: int, path: str) -> None:
    """One row per pattern: the target range as a bar, the model's value as a dot (scaled to the range)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.5 * len(PATTERNS) + 1.2))
    for row, pattern in enumerate(reversed(PATTERNS)):
        span = pattern.high - pattern.low
        low, high = -0.5, 1.5  # the range maps to 0..1; show half a range either side
        value = (measured[pattern.id] - pattern.low) / span if span else 0.5
        inside = 0.0 <= value <= 1.0
        ax.barh(row, 1.0, left=0.0, color="#cfe3f5", edgecolor="#5a8fc2")
        ax.plot(min(max(value, low), high), row, "o" if inside else "X", color="#1f5f99" if inside else "#d9822b", ms=9)
        ax.text(
            1.55,
            row,
            f"{measured[pattern.id]:.3g}  (target {pattern.low:.3g}-{pattern.high:.3g})",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(range(len(PATTERNS)), [p.id for p in reversed(PATTERNS)], fontsize=8)
    ax.set_xlim(-0.5, 2.6)
    ax.set_xticks([0, 1], ["low end of target", "high end"])
    ax.set_title(f"Korea baseline vs validation patterns ({seeds} seeds; o inside, X outside)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
