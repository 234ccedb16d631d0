"""Class report benchmark: 30 team saves x 20 class seeds, time per replay.

Usage: python benchmarks/bench_class.py [--teams 30] [--seeds 20] [--workers N] [--lesson partnerships-lock-in]

Prints, all measured in this one process:
- the reference: one replay of the lesson run serially here (median of 5, measured
  before and after the report and averaged, since a shared machine's load drifts),
- the whole ``aisim class report`` (load saves, replay teams x seeds + seen runs +
  baseline on the pool, score, write HTML and CSV), its time per replay, and
- the ratio of time per replay to the reference (below 1 means the pool's
  parallelism more than pays for its overhead; about 1 / workers is ideal).
No assertions: speed is reported, never tested.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import machine_text  # noqa: E402

from sim.classroom.lesson import load_lesson  # noqa: E402
from sim.classroom.report import write_class_report  # noqa: E402
from sim.classroom.session import LessonSession  # noqa: E402
from sim.pool import default_workers  # noqa: E402
from sim.runner import simulate  # noqa: E402


def make_saves(lesson, folder: Path, teams: int) -> None:
    """``teams`` lesson saves with varied regulator decisions (deterministic)."""
    role = lesson.roles[0]
    levers = [lesson.scenario.parameters[name] for name in role.levers]
    for t in range(teams):
        session = LessonSession(lesson, f"team {t:02d}", ghost=False, save_path=folder / f"team-{t:02d}.json")
        quarter = 0
        while not session.finished:
            if quarter % 4 == t % 4:
                spec = levers[(t + quarter) % len(levers)]
                grid = spec.grid()
                session.set_lever(spec.name, grid[(t * 7 + quarter) % len(grid)])
            session.submit()
            quarter += 1
        session.save()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--lesson", default="partnerships-lock-in")
    args = parser.parse_args(argv)
    lesson = load_lesson(args.lesson)
    workers = args.workers or default_workers()

    def reference_time() -> float:
        times = []
        for seed in range(5):
            started = time.perf_counter()
            simulate(lesson.scenario, seed, {})
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    before = reference_time()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "saves"
        folder.mkdir()
        started = time.perf_counter()
        make_saves(lesson, folder, args.teams)
        made = time.perf_counter() - started
        started = time.perf_counter()
        _, summary = write_class_report(folder, Path(tmp) / "report", seeds=args.seeds, workers=workers)
        total = time.perf_counter() - started
    after = reference_time()  # measured again: a shared machine's load changes during the run
    one = (before + after) / 2
    replays = args.teams * (args.seeds + 1) + args.seeds
    per = total / replays
    print(f"machine: {machine_text()} at the end")  # a busy machine has no spare core for the pool
    print(
        f"lesson {lesson.name}: {lesson.quarters} quarters; {args.teams} saves x {args.seeds} seeds; {workers} worker(s)"
    )
    print(
        f"reference: one replay, serial, here           {one * 1000:8.1f} ms (median of 5, before {before * 1000:.0f} / after {after * 1000:.0f})"
    )
    print(f"making {args.teams} saves (not part of the report)   {made:8.1f} s")
    print(f"class report: {replays} replays                 {total:8.1f} s")
    print(f"time per replay                               {per * 1000:8.1f} ms")
    print(f"ratio per replay / reference                  {per / one:8.2f}  (ideal about {1 / workers:.2f})")
    print(summary.splitlines()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
