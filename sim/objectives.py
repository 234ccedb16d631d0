"""Score a played (or simulated) game against its scenario's objectives.

Pure functions over outcome rows (``model.history`` or the ``quarters`` table of
one seed): no model, no pygame. Used by the game's end screen and the debrief.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.core.stats import final_year_value

NEAR_MISS_CREDIT = 0.5  # the most a missed objective can earn
# How an objective reduces its metric's quarters to one value (the one home of these names and meanings).
# "The final year" is the last four quarters (sim.core.stats.final_year): the scenario's last calendar
# year when the run ends in a Q4 (as every bundled scenario does), and the latest year's worth while a
# game is in progress, so a yearly objective is never read off a part of a year.
AGGREGATES = {
    "final_year_mean": "mean of the final year (the last four quarters)",
    "final_year_sum": "total of the final year (the last four quarters; fewer than four: their sum scaled to a year)",
    "final": "the last quarter's value",
    "mean": "mean over all quarters",
    "min": "lowest quarter",
    "max": "highest quarter",
    "sum": "total over all quarters",
}


def aggregates_markdown() -> str:
    """One line for the generated references: what each objective ``aggregate`` means."""
    return "Objective aggregates: " + "; ".join(f"`{name}` {meaning}" for name, meaning in AGGREGATES.items()) + "."


# Lowest score for each grade, best first.
GRADES = (("A", 85.0), ("B", 70.0), ("C", 55.0), ("D", 40.0), ("E", 0.0))


@dataclass(frozen=True)
class ObjectiveResult:
    """One objective judged: the measured value, whether it was met and a 0-1 credit.

    ``credit`` is 1 when met; a miss earns at most half credit, falling linearly
    with the relative shortfall to 0 at a miss by 50 % of the target or more.
    """

    id: str
    label: Mapping[str, str]
    metric: str
    op: str
    target: float
    weight: float
    value: float
    met: bool
    credit: float

    def label_for(self, language: str = "en") -> str:
        """The objective's label in ``language`` (English if missing)."""
        return self.label.get(language) or self.label.get("en", self.id)


@dataclass(frozen=True)
class Scorecard:
    """All objectives judged, the weighted score (0-100) and its letter grade."""

    results: tuple[ObjectiveResult, ...]
    score: float
    grade: str

    @property
    def met(self) -> int:
        """How many objectives were met."""
        return sum(r.met for r in self.results)


def aggregate(rows: Sequence[Mapping[str, Any]], metric: str, how: str) -> float:
    """Reduce one metric over outcome rows in quarter order (see :func:`aggregate_series`).

    Raises ValueError for an unknown aggregate, a missing metric or no rows.
    """
    _require_aggregate(how)
    if not rows:
        raise ValueError("no outcome rows to score")
    if metric not in rows[-1]:
        raise ValueError(f"unknown metric {metric!r}")
    return aggregate_series([float(r[metric]) for r in rows], how)


def aggregate_series(values: Sequence[float], how: str) -> float:
    """Reduce one metric's quarterly values (in quarter order) by an aggregate (see :data:`AGGREGATES`).

    ``final_year_*`` read the last four quarters, a year's worth: the final calendar year of a run
    that ends in a Q4, and the latest four quarters of a game in progress (its current calendar year
    would be only part of a year, and a yearly total of two quarters reads as half the year it is
    compared with). With fewer than four quarters, ``final_year_sum`` scales their sum to a year.
    Raises ValueError for an unknown aggregate.
    """
    _require_aggregate(how)
    if how.startswith("final_year"):
        return final_year_value(values, "mean" if how == "final_year_mean" else "sum")
    if how == "final":
        return float(values[-1])
    if how == "mean":
        return sum(values) / len(values)
    if how == "min":
        return min(values)
    if how == "max":
        return max(values)
    return sum(values)  # "sum"


def _require_aggregate(how: str) -> None:
    if how not in AGGREGATES:
        raise ValueError(f"unknown aggregate {how!r}; expected one of {', '.join(AGGREGATES)}")


def judge(objective: Mapping[str, Any], value: float) -> tuple[bool, float]:
    """(met, credit 0-1) of one objective for a measured value."""
    target = float(objective["target"])
    if objective["op"] == ">=":
        met = value >= target
        shortfall = target - value
    elif objective["op"] == "<=":
        met = value <= target
        shortfall = value - target
    else:
        raise ValueError(f"unknown objective op {objective['op']!r}")
    if met:
        return True, 1.0
    scale = abs(target) if target != 0 else 1.0
    return False, NEAR_MISS_CREDIT * max(0.0, 1.0 - shortfall / (0.5 * scale))


def grade_for(score: float) -> str:
    """Letter grade for a 0-100 score."""
    for letter, lowest in GRADES:
        if score >= lowest:
            return letter
    return GRADES[-1][0]


def evaluate(objectives: Iterable[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> Scorecard:
    """Judge every objective on ``rows`` (outcome rows in quarter order).

    The score is the weight-averaged credit times 100; no objectives scores 0.
    """
    results = []
    for objective in objectives:
        value = aggregate(rows, objective["metric"], objective["aggregate"])
        met, credit = judge(objective, value)
        results.append(
            ObjectiveResult(
                id=objective["id"],
                label=dict(objective["label"]),
                metric=objective["metric"],
                op=objective["op"],
                target=float(objective["target"]),
                weight=float(objective.get("weight", 1.0)),
                value=value,
                met=met,
                credit=credit,
            )
        )
    total_weight = sum(r.weight for r in results)
    score = 100.0 * sum(r.weight * r.credit for r in results) / total_weight if total_weight > 0 else 0.0
    return Scorecard(results=tuple(results), score=score, grade=grade_for(score))
