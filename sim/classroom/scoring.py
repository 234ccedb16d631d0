"""Fair scores: a decision log judged over the lesson's class seeds, not one lucky run.

The score of a set of decisions is its mean over the class seeds (the log
replayed on each seed, in parallel on :mod:`sim.pool`), with the 5-95 % range,
shown beside the score of the run the student saw and one sentence on why
they differ (which random events the student's seed drew, compared with how
often they fire across the class seeds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.classroom.lesson import Lesson, Role
from sim.objectives import Scorecard, evaluate
from sim.pool import default_workers, process_pool, quiet_fork_warning, stop_process_pool
from sim.runner import SeedRun, simulate

Decisions = Mapping[int, Mapping[str, Any]]
LUCK_POINTS = 5.0  # a seen score this far from the class-seed mean (and outside the 5-95 % band) is luck
# what each verdict of luck_verdict reads as (the verdict itself is also a CSS class in the HTML reports)
LUCK_WORDS = {
    "lucky": {"en": "lucky", "ko": "운이 좋음"},
    "unlucky": {"en": "unlucky", "ko": "운이 나쁨"},
    "typical": {"en": "typical", "ko": "평균적"},
}


def luck_verdict(seen: float | None, mean: float, p05: float, p95: float) -> str:
    """``lucky``, ``unlucky`` or ``typical``: was the run a student saw (its score ``seen``) representative
    of the same decisions over the class seeds (``mean`` and its 5-95 % band)?"""
    if seen is None:
        return "typical"
    if seen > p95 or seen - mean > LUCK_POINTS:
        return "lucky"
    if seen < p05 or seen - mean < -LUCK_POINTS:
        return "unlucky"
    return "typical"


def luck_word(verdict: str, language: str = "en") -> str:
    """A verdict of :func:`luck_verdict` in ``language``."""
    words = LUCK_WORDS.get(verdict, {})
    return words.get(language) or words.get("en", verdict)


def role_rows(role: Role, quarters: Sequence[Mapping[str, Any]], firms: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Outcome rows for judging a role: the market rows plus ``firm.<field>@<firm>`` columns it needs."""
    wanted = {(o["metric"][len("firm.") :], o["firm"]) for o in role.objectives if o["metric"].startswith("firm.")}
    by_quarter: dict[Any, dict[str, float]] = {}
    for row in firms:
        for field, firm in wanted:
            if row.get("firm") == firm:
                by_quarter.setdefault(row["quarter"], {})[f"firm.{field}@{firm}"] = float(row.get(field, 0.0) or 0.0)
    rows = []
    for row in quarters:
        merged = dict(row)
        extra = by_quarter.get(row["quarter"], {})
        for field, firm in wanted:
            merged[f"firm.{field}@{firm}"] = extra.get(f"firm.{field}@{firm}", 0.0)
        rows.append(merged)
    return rows


def role_objectives(role: Role) -> list[dict]:
    """The role's objectives with firm metrics renamed to their row column."""
    out = []
    for objective in role.objectives:
        item = dict(objective)
        if item["metric"].startswith("firm."):
            item["metric"] = f"{item['metric']}@{item['firm']}"
        out.append(item)
    return out


def score_role(role: Role, quarters: Sequence[Mapping[str, Any]], firms: Sequence[Mapping[str, Any]]) -> Scorecard:
    """A role's scorecard on one run's outcome rows (``model.history``, ``model.firm_history``)."""
    return evaluate(role_objectives(role), role_rows(role, quarters, firms))


def _replay_job(job: tuple) -> SeedRun:
    scenario, seed, decisions = job
    return simulate(scenario, seed, decisions)


def replay_many(
    jobs: Sequence[tuple],
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[SeedRun]:
    """Run ``(scenario, seed, decisions)`` jobs in order, in parallel on a local pool when there are several."""
    workers = default_workers(len(jobs)) if workers is None else workers
    if executor is None and (workers <= 1 or len(jobs) <= 1):
        out = []
        for done, job in enumerate(jobs, 1):
            out.append(_replay_job(job))
            if progress:
                progress(done, len(jobs))
        return out
    own = executor is None
    pool = executor or process_pool(workers)
    out = []
    try:
        with quiet_fork_warning():
            for done, run in enumerate(pool.map(_replay_job, jobs, chunksize=1), 1):
                out.append(run)
                if progress:
                    progress(done, len(jobs))
    except BaseException:
        if own:
            stop_process_pool(pool)  # type: ignore[arg-type]  # own means the process pool made here
        raise
    if own:
        pool.shutdown()
    return out


class SeedBand:
    """Mean and 5-95 % band of ``scores`` over the class seeds (shared by fair scores and class reports)."""

    scores: Any

    @property
    def mean(self) -> float:
        """The fair score: mean over the class seeds."""
        return float(np.mean(self.scores))

    @property
    def p05(self) -> float:
        """5th percentile over the class seeds."""
        return float(np.percentile(self.scores, 5))

    @property
    def p95(self) -> float:
        """95th percentile over the class seeds."""
        return float(np.percentile(self.scores, 95))


@dataclass(frozen=True)
class FairScore(SeedBand):
    """A decision log's score over the class seeds, beside the score of the run the student saw."""

    role: str
    seeds: tuple[int, ...]
    scores: tuple[float, ...]
    seen_seed: int | None
    seen_score: float | None
    runs: tuple[SeedRun, ...] = ()

    @property
    def luck(self) -> float:
        """Seen score minus the fair score (positive: the student's seed was kind)."""
        return 0.0 if self.seen_score is None else self.seen_score - self.mean

    @property
    def luck_verdict(self) -> str:
        """``lucky``, ``unlucky`` or ``typical``: was the run the student saw representative (:func:`luck_verdict`)?"""
        return luck_verdict(self.seen_score, self.mean, self.p05, self.p95)


def random_event_titles(lesson: Lesson) -> dict[str, dict]:
    """English title -> event, for the scenario's random (probability) events."""
    return {e["title"]["en"]: e for e in lesson.scenario.events if e["probability_per_quarter"] is not None}


def fired_random_events(lesson: Lesson, run: SeedRun) -> dict[str, int]:
    """How often each random event fired in a run (event id -> count)."""
    titles = random_event_titles(lesson)
    out: dict[str, int] = {}
    for item in run.news:
        if item.get("kind") == "event" and item.get("en") in titles:
            event_id = titles[item["en"]]["id"]
            out[event_id] = out.get(event_id, 0) + 1
    return out


def fair_score(
    lesson: Lesson,
    role: Role,
    decisions: Decisions,
    seen_seed: int | None = None,
    seeds: Sequence[int] | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    keep_runs: bool = True,
) -> FairScore:
    """Replay ``decisions`` on every class seed (in parallel) and score the role on each.

    ``seen_seed`` (the seed the student played) is scored too; when it is not a
    class seed it is run as well but never enters the mean. ``runs`` keeps every
    run (class seeds first) for explanations and charts.
    """
    seeds = list(lesson.class_seeds if seeds is None else seeds)
    jobs = [(lesson.scenario, s, dict(decisions)) for s in seeds]
    if seen_seed is not None and seen_seed not in seeds:
        jobs.append((lesson.scenario, seen_seed, dict(decisions)))
    runs = replay_many(jobs, workers, executor)
    scores = [score_role(role, r.quarters, r.firms).score for r in runs]
    seen_score = None if seen_seed is None else scores[seeds.index(seen_seed) if seen_seed in seeds else -1]
    return FairScore(
        role=role.id,
        seeds=tuple(seeds),
        scores=tuple(scores[: len(seeds)]),
        seen_seed=seen_seed,
        seen_score=seen_score,
        runs=tuple(runs) if keep_runs else (),
    )


def explain_difference(lesson: Lesson, fair: FairScore, language: str = "en") -> str:
    """One sentence: why the run the student saw scored above or below the fair score."""
    if fair.seen_score is None or fair.seen_seed is None or not fair.runs:
        return ""
    seen_run = next((r for r in fair.runs if r.seed == fair.seen_seed), None)
    class_runs = [r for r in fair.runs if r.seed in fair.seeds]
    diff = fair.seen_score - fair.mean
    titles = {e["id"]: e["title"] for e in lesson.scenario.events}
    drawn_more: list[str] = []
    drawn_less: list[str] = []
    if seen_run is not None and class_runs:
        seen = fired_random_events(lesson, seen_run)
        counts = [fired_random_events(lesson, r) for r in class_runs]
        for event in lesson.scenario.events:
            if event["probability_per_quarter"] is None:
                continue
            average = sum(c.get(event["id"], 0) for c in counts) / len(counts)
            mine = seen.get(event["id"], 0)
            if mine >= average + 0.5:
                drawn_more.append(titles[event["id"]][language])
            elif mine <= average - 0.5:
                drawn_less.append(titles[event["id"]][language])
    n = len(fair.seeds)
    if language == "ko":
        head = (
            f"본 게임 점수 {fair.seen_score:.0f}점은 같은 결정을 수업 시드 {n}개에서 재생한 평균 {fair.mean:.0f}점"
            f"(5-95%: {fair.p05:.0f}-{fair.p95:.0f})보다 {abs(diff):.0f}점 {'높습니다' if diff >= 0 else '낮습니다'}"
        )
        if abs(diff) < 1:
            return (
                head.replace(f"보다 {abs(diff):.0f}점 {'높습니다' if diff >= 0 else '낮습니다'}", "과 거의 같습니다")
                + ": 운이 결과를 좌우하지 않았습니다."
            )
        if drawn_more and drawn_less:
            why = f"이 시드에서는 '{drawn_more[0]}' 사건이 평소보다 많았고 '{drawn_less[0]}' 사건은 적었습니다"
        elif drawn_more:
            why = f"이 시드에서는 '{drawn_more[0]}' 사건이 평소보다 많았습니다"
        elif drawn_less:
            why = f"이 시드에서는 '{drawn_less[0]}' 사건이 평소보다 적었습니다"
        else:
            why = "무작위 사건이 아니라 시장의 무작위 변동(채택, 진입, 심사) 때문입니다"
        return f"{head}: {why}."
    head = (
        f"Your run scored {fair.seen_score:.0f}, {abs(diff):.0f} points {'above' if diff >= 0 else 'below'} "
        f"the {fair.mean:.0f} your decisions average over {n} class seeds (5-95 %: {fair.p05:.0f}-{fair.p95:.0f})"
    )
    if abs(diff) < 1:
        return (
            f"Your run scored {fair.seen_score:.0f}, the same as your decisions average over {n} class seeds "
            f"(5-95 %: {fair.p05:.0f}-{fair.p95:.0f}): luck did not decide this grade."
        )
    parts = []
    if drawn_more:
        parts.append(f"your seed drew '{drawn_more[0]}' more often than usual")
    if drawn_less:
        parts.append(f"'{drawn_less[0]}' less often than usual")
    why = " and ".join(parts) if parts else "of market randomness (adoption, entries, reviews) rather than events"
    return f"{head}, because {why}."
