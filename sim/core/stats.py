"""Yearly aggregation and summary statistics: the one home for both.

A year of an outcome is made from its quarters by the metric's own rule
(``MetricInfo.per_year``): flows (revenue, spend, entries, exits...) are summed,
levels averaged, stocks (budget left, active firms) take the year's last quarter.
Over seeds or replications an outcome is summarised by its mean and 5-95 % range.
The batch runner, the experiments runner and analysis, the objectives and
:func:`sim.outcomes` all use these functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.outcomes import METRICS, YEARLY_RULES
from sim.timeline import QUARTERS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_QUANTILES = (5.0, 95.0)  # the range reported beside every mean


def rows_by_year(rows: Iterable[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    """Outcome rows (each with a ``year``) grouped by year, years in order."""
    by_year: dict[int, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_year.setdefault(int(row["year"]), []).append(row)
    return dict(sorted(by_year.items()))


def combine(values: Sequence[Any], rule: str) -> Any:
    """One year's value from its quarters' values by ``rule`` (sum, mean or last).

    Sums of whole numbers stay whole numbers (entries and exits are counts).
    """
    if rule == "sum":
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
            return int(sum(int(v) for v in values))
        return float(math.fsum(values))
    if rule == "mean":
        return float(math.fsum(values) / len(values))
    if rule == "last":
        return values[-1]
    raise ValueError(f"unknown yearly rule {rule!r}; expected sum, mean or last")


def final_year(rows: Sequence[Any]) -> list[Any]:
    """The final year of a run's quarters (in order): its last four, the scenario's last calendar year when
    the run ends in a Q4, and the latest year's worth of a game in progress (never a part of a year)."""
    return list(rows[-QUARTERS_PER_YEAR:])


def final_year_value(values: Sequence[float], rule: str) -> float:
    """A metric's value over the final year (see :func:`final_year`) by ``rule`` (sum, mean or last); with
    fewer than four quarters a sum is scaled to a year, so it always reads as a yearly total."""
    year = final_year(values)
    value = float(combine(year, rule))
    return value * QUARTERS_PER_YEAR / len(year) if rule == "sum" else value


YEAR_QUARTERS = "quarters"  # a yearly row's column: how many of the year's quarters it holds


def yearly_rows(history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One run's quarter rows -> one row per year: ``year``, :data:`YEAR_QUARTERS` (4, or fewer for a
    calendar year the run covers only in part, whose flows are then those quarters' totals) and every
    metric present.

    Plain Python, for one run (a worker process); :func:`yearly` does the same for a table.
    """
    out = []
    for year, rows in rows_by_year(history).items():
        item: dict[str, Any] = {"year": year, YEAR_QUARTERS: len(rows)}
        for metric, rule in YEARLY_RULES.items():
            if metric in rows[0]:
                item[metric] = combine([r[metric] for r in rows], rule)
        out.append(item)
    return out


def yearly(quarters: pd.DataFrame, keys: Sequence[str] = ("seed",)) -> pd.DataFrame:
    """A table of quarter rows -> one row per run (``keys``) and year, by each metric's rule, with the
    number of quarters each row holds (:data:`YEAR_QUARTERS`, as :func:`yearly_rows`)."""
    how = {m: YEARLY_RULES[m] for m in METRICS if m in quarters.columns}
    groups = quarters.groupby([*keys, "year"], sort=True)
    years = groups.agg(how)
    years.insert(0, YEAR_QUARTERS, groups.size())
    return years.reset_index()


def year_outcomes(history: Sequence[Mapping[str, Any]], year: int | None = None) -> dict[str, Any]:
    """One run's outcomes in ``year`` (default: its last year), aggregated by each metric's rule."""
    years = yearly_rows(history)
    if not years:
        raise ValueError("no outcome rows")
    if year is None:
        return years[-1]
    for row in years:
        if row["year"] == year:
            return row
    raise ValueError(f"no outcomes for year {year}; the run covers {years[0]['year']} to {years[-1]['year']}")


def summary_stats(values: Sequence[float] | np.ndarray) -> dict[str, float]:
    """Mean and 5th/95th percentiles of ``values`` as ``{"mean", "p05", "p95"}``."""
    array = np.asarray(values, dtype=float)
    low, high = np.percentile(array, SUMMARY_QUANTILES)
    return {"mean": float(array.mean()), "p05": float(low), "p95": float(high)}
