"""Objective scoring: aggregates, met/missed, score and grade."""

from __future__ import annotations

import pytest

from sim.objectives import aggregate, aggregate_series, evaluate, grade_for, judge


def rows():
    # 2030Q1 .. 2031Q4: two calendar years, enough to tell the aggregates apart
    values = [1.0, 3.0, 2.0, 2.0, 2.0, 6.0, 4.0, 8.0]
    return [{"year": 2030 + q // 4, "x": v} for q, v in enumerate(values)]


@pytest.mark.parametrize(
    "how, expected",
    [
        ("final_year_mean", 5.0),
        ("final_year_sum", 20.0),
        ("final", 8.0),
        ("mean", 3.5),
        ("min", 1.0),
        ("max", 8.0),
        ("sum", 28.0),
    ],
)
def test_aggregates(how, expected):
    assert aggregate(rows(), "x", how) == pytest.approx(expected)


def test_a_yearly_objective_reads_a_whole_year_while_a_game_is_in_progress():
    """Mid-year, "the final year" is the latest four quarters, not the part of the calendar year played:
    a flow summed over two quarters read as half the yearly target it is compared with, so the score so
    far fell each January and the goals strip showed half a year as "/yr"."""
    in_progress = rows()[:6]  # 2030Q1 .. 2031Q2
    assert aggregate(in_progress, "x", "final_year_sum") == pytest.approx(2.0 + 2.0 + 2.0 + 6.0)
    assert aggregate(in_progress, "x", "final_year_mean") == pytest.approx(3.0)
    # fewer than four quarters played: their total scaled to a year
    assert aggregate(rows()[:2], "x", "final_year_sum") == pytest.approx((1.0 + 3.0) * 2)
    assert aggregate(rows()[:2], "x", "final_year_mean") == pytest.approx(2.0)
    # a steady flow scores the same in every quarter of a game
    steady = [{"year": 2030 + q // 4, "x": 5.0} for q in range(11)]
    objective = {
        "id": "o",
        "label": {"en": "o"},
        "metric": "x",
        "aggregate": "final_year_sum",
        "op": ">=",
        "target": 20,
    }
    scores = [evaluate([objective], steady[:n]).score for n in range(1, 12)]
    assert scores == [100.0] * 11


def test_aggregate_rejects_unknown_metric_and_empty_rows():
    with pytest.raises(ValueError, match="unknown metric"):
        aggregate(rows(), "nope", "final")
    with pytest.raises(ValueError, match="no outcome rows"):
        aggregate([], "x", "final")
    with pytest.raises(ValueError, match="unknown aggregate"):
        aggregate(rows(), "x", "median")
    for how in ("median", "final_year_median"):  # the series form checks the name too (no silent sum)
        with pytest.raises(ValueError, match="unknown aggregate"):
            aggregate_series([1.0, 2.0], how)


def test_judge_met_and_near_miss():
    assert judge({"op": ">=", "target": 0.35}, 0.40) == (True, 1.0)
    assert judge({"op": "<=", "target": 2500}, 2400) == (True, 1.0)
    met, credit = judge({"op": ">=", "target": 0.4}, 0.3)  # 25 % short -> half of half credit
    assert not met and credit == pytest.approx(0.25)
    met, credit = judge({"op": "<=", "target": 100}, 500)  # far off -> nothing
    assert not met and credit == 0.0


def test_evaluate_weights_score_and_grade():
    objectives = [
        {
            "id": "a",
            "label": {"en": "A", "ko": "가"},
            "metric": "x",
            "aggregate": "final",
            "op": ">=",
            "target": 5,
            "weight": 3,
        },
        {
            "id": "b",
            "label": {"en": "B", "ko": "나"},
            "metric": "x",
            "aggregate": "min",
            "op": ">=",
            "target": 100,
            "weight": 1,
        },
    ]
    card = evaluate(objectives, rows())
    assert [r.met for r in card.results] == [True, False]
    assert card.results[0].value == 8.0
    assert card.score == pytest.approx(75.0)
    assert card.grade == "B"
    assert card.met == 1
    assert card.results[1].label_for("ko") == "나"


def test_grades_are_ordered():
    assert [grade_for(s) for s in (100, 85, 70, 55, 40, 0)] == ["A", "A", "B", "C", "D", "E"]


def test_korea_objectives_score_a_real_run(small_korea):
    from sim.model.model import AIMarketModel

    model = AIMarketModel(small_korea, seed=0)
    for _ in range(8):
        model.step()
    card = evaluate(small_korea.objectives, model.history)
    assert len(card.results) == len(small_korea.objectives)
    assert 0.0 <= card.score <= 100.0
    last = model.history[-1]
    by_id = {r.id: r for r in card.results}
    assert by_id["capability_gap"].value == last["capability_gap"]
