"""``aisim lesson check``: validate a lesson, play it, and check its objectives discriminate.

A lesson is usable in class when (1) it validates, (2) every role's default
(the model's own rules, no decisions) plays to the end headless, and (3) for
each role some policy in a small built-in sweep scores clearly better than
doing nothing on average over the class seeds; the spread over seeds is printed
so the teacher sees how much luck there is.
"""

from __future__ import annotations

import numpy as np

from sim.classroom.lesson import Strategy, load_lesson
from sim.classroom.measure import builtin_sweep, measure
from sim.classroom.notes import CLEARLY_BETTER_POINTS
from sim.classroom.scoring import score_role
from sim.runner import simulate


def check_lesson(name_or_path: str, workers: int | None = None, seeds: int | None = None) -> tuple[bool, list[str]]:
    """Returns (ok, report lines). Raises LessonError if the file is invalid."""
    lesson = load_lesson(name_or_path)
    class_seeds = lesson.class_seeds[:seeds] if seeds else lesson.class_seeds
    lines = [
        f"ok: {name_or_path} is valid ({lesson.name}: {len(lesson.roles)} role(s), {lesson.quarters} quarters, "
        f"{len(class_seeds)} class seeds)"
    ]
    run = simulate(lesson.scenario, lesson.play_seed)
    if len(run.quarters) != lesson.quarters:
        return False, lines + [f"error: the default game played {len(run.quarters)} of {lesson.quarters} quarters"]
    for role in lesson.roles:
        card = score_role(role, run.quarters, run.firms)
        lines.append(
            f"ok: default play to the end: role {role.id} scores {card.score:.0f} ({card.grade}) on seed {lesson.play_seed}"
        )
    ok = True
    for role in lesson.roles:
        baseline = Strategy("do_nothing", role.id, {"en": "do nothing", "ko": "do nothing"}, {})
        sweep = [baseline] + [s for s in builtin_sweep(lesson, role) if s.decisions]
        results = measure(lesson, sweep, seeds=class_seeds, workers=workers)
        base = results[0]
        lines.append(
            f"role {role.id}: doing nothing scores {base.mean:.0f} (5-95 % over seeds: {base.p05:.0f}-{base.p95:.0f}, "
            f"spread {base.p95 - base.p05:.0f} points)"
        )
        measured = [r for r in results[1:] if r.scores]
        if not measured:
            ok = False
            lines.append("  error: no policy to compare with doing nothing")
            continue
        best = max(measured, key=lambda r: r.mean)
        gains = np.array(best.scores) - np.array(base.scores)
        lines.append(
            f"  best of {len(measured)} sweep policies: {best.label['en']} scores {best.mean:.0f} "
            f"({best.p05:.0f}-{best.p95:.0f}), {gains.mean():+.1f} points, better on {(gains > 0).sum()} of {len(gains)} seeds"
        )
        if gains.mean() < CLEARLY_BETTER_POINTS:
            ok = False
            lines.append(
                f"  error: objectives do not discriminate: no sweep policy beats doing nothing by {CLEARLY_BETTER_POINTS:g} "
                "points; make targets reachable by some policy (see the lesson's measured table)"
            )
        if base.mean >= 95:
            ok = False
            lines.append("  error: doing nothing already scores 95+; raise the targets")
    lines.append("ok: lesson check passed" if ok else "lesson check FAILED")
    return ok, lines
