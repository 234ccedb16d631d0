"""Teacher notes: the lesson's goals and cautions plus measured results of typical strategies.

``tools/lesson_notes.py`` (one command) re-measures every bundled lesson and
rewrites ``lessons/<lesson>.notes.md``, so the numbers follow the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.classroom.debrief import decision_text
from sim.classroom.lesson import Lesson
from sim.classroom.measure import CONTEXT_METRICS, Measured
from sim.core.markdown import block, inline
from sim.game import units
from sim.timeline import quarter_label

NOTES_COMMAND = "python tools/lesson_notes.py"
CLEARLY_BETTER_POINTS = 5.0  # a policy this many points above doing nothing "clearly" beats it


def _cell(metric: str, value: float, aggregate: str) -> str:
    """A measured value in the objective's (or outcome's) own unit and period, as the game shows it."""
    return "n/a" if math.isnan(value) else units.objective_result(metric, value, aggregate, "en")


def _decisions(lesson: Lesson, decisions: Mapping[int, Mapping[str, Any]]) -> str:
    """A strategy's decision log by the levers' labels and values ('2024Q1: Foreign partnership review: block')."""
    if not decisions:
        return "no changes"
    return "; ".join(
        f"{quarter_label(q)}: {decision_text(decisions[q], lesson.scenario, 'en')}" for q in sorted(decisions)
    )


def verdict(item: Measured, baseline: Measured | None, language: str = "en") -> str:
    """One measured sentence comparing a strategy with doing nothing for the same role."""
    if baseline is None or baseline is item or not baseline.scores:
        return ""
    diff = np.array(item.scores) - np.array(baseline.scores)
    better = int((diff > 0).sum())
    n = len(diff)
    mean = float(diff.mean())
    if language == "ko":
        return f"아무것도 하지 않을 때보다 평균 {mean:+.1f}점, 시드 {n}개 중 {better}개에서 더 높음."
    return f"{mean:+.1f} points against doing nothing on average; better on {better} of {n} seeds."


def notes_markdown(lesson: Lesson, measured: Sequence[Measured], stamp: str) -> str:
    """The teacher notes of a lesson as Markdown (EN and KO), with the measured table."""
    notes = lesson.teacher_notes
    lines = [f"# {inline(lesson.title['en'])} / {inline(lesson.title['ko'])}", ""]
    lines += [
        f"Lesson `{lesson.name}` ({lesson.minutes} min, {lesson.quarters} quarters, "
        f"{len(lesson.class_seeds)} class seeds). Roles: "
        + ", ".join(f"{inline(r.label_for('en'))} ({r.kind})" for r in lesson.roles)
        + ".",
        "",
    ]
    for lang, heads in (
        ("en", ("Learning goals", "What to watch for", "Timing")),
        ("ko", ("학습 목표", "관찰할 점", "시간 배분")),
    ):
        lines += [f"## {heads[0]}", ""] + [f"- {inline(g[lang])}" for g in notes["goals"]] + [""]
        if notes["watch_for"]:
            lines += [f"## {heads[1]}", ""] + [f"- {inline(w[lang])}" for w in notes["watch_for"]] + [""]
        if notes["timing"]:
            lines += [f"## {heads[2]}", "", block(notes["timing"][lang]), ""]
    lines += [
        "## Typical student strategies: what the model shows / 전형적 전략과 모형의 결과",
        "",
        f"Measured, not guessed: each strategy's decision log replayed on the lesson's "
        f"{len(lesson.class_seeds)} class seeds and scored with its role's objectives "
        "(mean and 5-95 % range over seeds). Regenerate with:",
        "",
        "```",
        f"{NOTES_COMMAND} {lesson.name}",
        "```",
        "",
        f"Measured {stamp}.",
        "",
    ]
    for role in lesson.roles:
        items = [m for m in measured if m.role.id == role.id]
        if not items:
            continue
        baseline = next((m for m in items if not m.decisions and m.scores), None)
        objective_ids = [o["id"] for o in role.objectives]
        metric_of = {o["id"]: o["metric"] for o in role.objectives}
        aggregate_of = {o["id"]: o.get("aggregate", "final") for o in role.objectives}
        context = [(m, how) for m, how in CONTEXT_METRICS if m not in metric_of.values()]
        header = ["strategy", "decisions", "score (mean)", "5-95 %"] + objective_ids + [m for m, _ in context]
        lines += [f"### {inline(role.label_for('en'))} / {inline(role.label_for('ko'))}", ""]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for item in items:
            cells = [f"{item.mean:.0f}", f"{item.p05:.0f}-{item.p95:.0f}"]
            cells += [_cell(metric_of[o], item.outcomes[o], aggregate_of[o]) for o in objective_ids]
            cells += [_cell(m, item.outcomes[m], how) for m, how in context]
            label = f"{inline(item.label['en'])} / {inline(item.label['ko'])}"
            lines.append(f"| {label} | {inline(_decisions(lesson, item.decisions))} | " + " | ".join(cells) + " |")
        lines.append("")
        for item in items:
            en, ko = verdict(item, baseline, "en"), verdict(item, baseline, "ko")
            if en:
                lines.append(f"- **{inline(item.label['en'])}**: {en} / {ko}")
        lines.append("")
    return "\n".join(lines)
