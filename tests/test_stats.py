"""The one home of yearly aggregation and summary statistics (sim/core/stats.py)."""

import numpy as np
import pandas as pd
import pytest

from sim.core.stats import combine, summary_stats, year_outcomes, yearly, yearly_rows


def quarters(year: int, entries: list[int], revenue: list[float], firms: list[int]) -> list[dict]:
    return [
        {"year": year, "quarter": i, "entries": e, "market_revenue_usd_bn": r, "active_firms": f}
        for i, (e, r, f) in enumerate(zip(entries, revenue, firms))
    ]


HISTORY = quarters(2025, [1, 0, 2, 0], [1.0, 2.0, 3.0, 4.0], [5, 6, 7, 8]) + quarters(
    2026, [0, 0, 0, 1], [0.5, 0.5, 0.5, 0.5], [8, 8, 9, 9]
)


def test_flows_are_summed_stocks_take_the_last_quarter_and_counts_stay_whole():
    first, second = yearly_rows(HISTORY)
    assert first == {"year": 2025, "quarters": 4, "entries": 3, "market_revenue_usd_bn": 10.0, "active_firms": 8}
    assert isinstance(first["entries"], int) and second["entries"] == 1


def test_table_and_row_aggregation_agree():
    table = yearly(pd.DataFrame([{"seed": 0, **row} for row in HISTORY]))
    assert table["entries"].dtype == np.int64
    assert table.drop(columns=["seed"]).to_dict("records") == yearly_rows(HISTORY)


def test_a_part_of_a_year_says_how_many_quarters_it_holds():
    """A run ending within a year: its last row sums two quarters' flows, and says it holds two, in the
    row and table forms alike (sweeps keep them; `aisim analyze` notes a partial final year)."""
    history = HISTORY + quarters(2027, [1, 1], [2.0, 3.0], [9, 10])
    last = yearly_rows(history)[-1]
    assert last == {"year": 2027, "quarters": 2, "entries": 2, "market_revenue_usd_bn": 5.0, "active_firms": 10}
    table = yearly(pd.DataFrame([{"seed": 0, **row} for row in history]))
    assert table["quarters"].tolist() == [4, 4, 2]
    assert table.drop(columns=["seed"]).to_dict("records")[-1] == last


def test_year_outcomes_defaults_to_the_last_year_and_names_the_range():
    assert year_outcomes(HISTORY)["year"] == 2026
    assert year_outcomes(HISTORY, 2025)["market_revenue_usd_bn"] == 10.0
    with pytest.raises(ValueError, match="2025 to 2026"):
        year_outcomes(HISTORY, 2030)


def test_combine_rules():
    assert combine([1.0, 3.0], "mean") == 2.0
    assert combine([np.int64(2), 3], "sum") == 5
    with pytest.raises(ValueError):
        combine([1], "median")


def test_summary_stats():
    stats = summary_stats(np.arange(101.0))
    assert stats == {"mean": 50.0, "p05": 5.0, "p95": 95.0}
