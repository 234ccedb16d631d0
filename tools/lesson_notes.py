"""Re-measure the bundled lessons' typical strategies and rewrite their teacher notes.

Usage: python tools/lesson_notes.py [LESSON ...] [--seeds N] [--workers N]
Writes lessons/<lesson>.notes.md beside each lesson file (all bundled lessons by default).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.classroom.lesson import Strategy, bundled_lessons, load_lesson, notes_path  # noqa: E402
from sim.classroom.measure import measure  # noqa: E402
from sim.classroom.notes import notes_markdown  # noqa: E402


def with_baselines(lesson) -> list[Strategy]:
    """The lesson's strategies, each role led by "doing nothing" (added where the lesson has none)."""
    out = []
    for role in lesson.roles:
        mine = [s for s in lesson.strategies if s.role == role.id]
        if not any(not s.decisions for s in mine):
            label = {"en": "Do nothing (the model's rules)", "ko": "아무것도 하지 않기(모델 규칙)"}
            mine.insert(0, Strategy(f"do_nothing_{role.id}", role.id, label, {}))
        out += sorted(mine, key=lambda s: bool(s.decisions))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson names or files (default: all bundled)")
    parser.add_argument("--seeds", type=int, help="use the first N class seeds only (quick look)")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--out", help="folder for the notes (default: beside each lesson file)")
    args = parser.parse_args(argv)
    names = args.lessons or [p.stem for p in bundled_lessons()]
    for name in names:
        lesson = load_lesson(name)
        seeds = lesson.class_seeds[: args.seeds] if args.seeds else lesson.class_seeds
        started = time.perf_counter()
        measured = measure(lesson, with_baselines(lesson), seeds=seeds, workers=args.workers)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        stamp += f" on {len(seeds)} seeds"
        path = Path(args.out) / f"{lesson.name}.notes.md" if args.out else notes_path(Path(lesson.source))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notes_markdown(lesson, measured, stamp) + "\n", encoding="utf-8")
        print(f"{path}  ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
