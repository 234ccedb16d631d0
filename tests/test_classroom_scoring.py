"""Fair scores (sim/classroom/scoring.py) and measured strategies (sim/classroom/measure.py)."""

from __future__ import annotations

import numpy as np
import pytest
from classroom_helpers import SMALL_LESSON

from sim.classroom.lesson import lesson_from_text
from sim.classroom.measure import builtin_sweep, measure
from sim.classroom.scoring import FairScore, explain_difference, fair_score, role_rows, score_role
from sim.runner import simulate


@pytest.fixture(scope="module")
def lesson():
    return lesson_from_text(SMALL_LESSON, "small.yaml")


def test_firm_objectives_read_firm_history(lesson):
    run = simulate(lesson.scenario, 0)
    naver = lesson.role("naver")
    rows = role_rows(naver, run.quarters, run.firms)
    expected = [r["revenue_share"] for r in run.firms if r["firm"] == "naver"]
    assert [r["firm.revenue_share@naver"] for r in rows] == expected
    card = score_role(naver, run.quarters, run.firms)
    assert card.results[0].value == pytest.approx(sum(expected[-4:]) / 4)


def test_fair_score_is_the_mean_over_class_seeds_and_parallel_equals_serial(lesson):
    role = lesson.role("regulator")
    decisions = lesson.strategy("block").decisions
    serial = fair_score(lesson, role, decisions, seen_seed=1, workers=1)
    parallel = fair_score(lesson, role, decisions, seen_seed=1, workers=2)
    assert serial.scores == parallel.scores  # bit-identical in any process
    by_hand = [
        score_role(role, r.quarters, r.firms).score
        for r in (simulate(lesson.scenario, s, decisions) for s in (0, 1, 2))
    ]
    assert serial.scores == tuple(by_hand)
    assert serial.mean == pytest.approx(sum(by_hand) / 3)
    assert serial.seen_score == by_hand[1]
    assert serial.p05 <= serial.mean <= serial.p95


def test_seen_seed_outside_the_class_seeds_is_scored_but_not_averaged(lesson):
    fair = fair_score(lesson, lesson.role("regulator"), {}, seen_seed=7, workers=1)
    assert fair.seeds == (0, 1, 2) and len(fair.scores) == 3
    run = simulate(lesson.scenario, 7)
    assert fair.seen_score == score_role(lesson.role("regulator"), run.quarters, run.firms).score


def test_explanation_is_one_sentence_in_both_languages(lesson):
    fair = fair_score(lesson, lesson.role("regulator"), {}, seen_seed=0, workers=1)
    for lang in ("en", "ko"):
        text = explain_difference(lesson, fair, lang)
        assert text.endswith(".") and text.count(". ") == 0
        assert f"{fair.mean:.0f}" in text


def test_luck_verdicts():
    assert FairScore("r", (0, 1, 2), (50.0, 52.0, 54.0), 0, 70.0).luck_verdict == "lucky"
    assert FairScore("r", (0, 1, 2), (50.0, 52.0, 54.0), 0, 30.0).luck_verdict == "unlucky"
    assert FairScore("r", (0, 1, 2), (50.0, 52.0, 54.0), 0, 52.5).luck_verdict == "typical"


def test_builtin_sweep_has_lever_extremes_and_the_lessons_strategies(lesson):
    sweep = builtin_sweep(lesson, lesson.role("regulator"))
    ids = [s.id for s in sweep]
    assert "block" in ids
    assert "partnership_review=conditions" in ids
    assert "procurement_domestic_preference=0.5" in ids
    assert "partnership_review=block" not in ids  # same as the lesson's own "block"


def test_measure_scores_each_policy_over_the_seeds(lesson):
    results = measure(lesson, lesson.strategies, workers=1)
    assert len(results) == 1 and len(results[0].scores) == 3
    assert set(results[0].outcomes) >= {"dom", "cs", "hhi"}


def test_debrief_changes_carry_the_outcomes_unit():
    """Turning points show share moves in percentage points and money in its own format, never bare utilities."""
    from sim.game.units import metric_change  # the game's one formatter: the debrief uses it too

    assert metric_change("domestic_revenue_share", 0.0035) == "+0.35 pp"
    assert metric_change("domestic_revenue_share", -0.0035, "ko") == "-0.35%p"
    assert metric_change("hhi", -12.4) == "-12 pts"
    assert metric_change("consumer_surplus", 0.42, "ko") == "분기 +4.2억 달러"  # USD 0.42 bn in a quarter


def test_equal_scores_share_a_rank_and_a_range():
    """Two teams that decided alike were ranked 1 and 2 with ranges 1-1 and 2-2 (the alphabet decided)."""
    from types import SimpleNamespace

    from sim.classroom.report import rank_ranges

    def team(scores):
        return SimpleNamespace(role=SimpleNamespace(id="regulator"), scores=list(scores), mean=float(np.mean(scores)))

    results = [team([50, 60, 70]), team([50, 60, 70]), team([40, 50, 60]), team([90, 10, 95])]
    ranks = rank_ranges(results)  # type: ignore[arg-type]
    assert ranks[0] == ranks[1] == (2, 1, 3)  # level with each other; the fourth is ahead on two seeds
    assert ranks[3][0] == 1 and ranks[2][0] == 4
    alike = [team([52.3] * 5) for _ in range(17)]  # a class of do-nothing teams
    assert set(rank_ranges(alike).values()) == {(1, 1, 17)}  # type: ignore[arg-type]
