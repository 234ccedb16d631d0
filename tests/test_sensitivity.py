"""Global sensitivity measures in sim/experiments/analysis.py on synthetic cases with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiments.analysis import (
    NO_INDEX,
    Analysis,
    confounded,
    first_order_index,
    format_report,
    sensitivity,
    summarise_points,
)


def synthetic(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.uniform(0, 10, n),
            "b": rng.uniform(-1, 1, n),
            "c": rng.integers(0, 5, n),
            "review": rng.choice(["allow", "conditions", "block"], n),
        }
    )
    noise = rng.normal(0, 0.01, n)
    frame["market_revenue_usd_bn"] = 3.0 * frame["a"] + noise  # depends on a only
    frame["hhi"] = -2.0 * frame["b"] + 0.2 * frame["c"] + noise  # b strongly (negative), c weakly
    frame["consumer_surplus"] = frame["review"].map({"allow": 1.0, "conditions": 0.0, "block": -1.0}) + noise
    frame["capability_gap"] = frame["b"] ** 2 + noise  # not linear: SRC misses it, the first-order index does not
    return frame


VARIED = {"a": "number", "b": "number", "c": "integer", "review": "choice"}


def ranking(table: pd.DataFrame, metric: str) -> list[str]:
    return table[table["metric"] == metric].sort_values("rank")["parameter"].tolist()


def test_outcome_of_one_parameter_ranks_it_first():
    table = sensitivity(synthetic(), VARIED, ["market_revenue_usd_bn"])
    assert ranking(table, "market_revenue_usd_bn")[0] == "a"
    row = table[table["parameter"] == "a"].iloc[0]
    assert row["src"] == pytest.approx(1.0, abs=0.01) and row["r2"] == pytest.approx(1.0, abs=0.001)
    others = table[table["parameter"] != "a"]
    assert (others["importance"] < 0.02).all()


def test_signs_and_order_of_two_drivers():
    table = sensitivity(synthetic(), VARIED, ["hhi"])
    assert ranking(table, "hhi")[:2] == ["b", "c"]
    src = table.set_index("parameter")["src"]
    assert src["b"] < -0.9 and src["c"] > 0


def test_choice_parameter_is_ranked_by_the_variance_its_options_explain():
    table = sensitivity(synthetic(), VARIED, ["consumer_surplus"])
    assert ranking(table, "consumer_surplus")[0] == "review"
    row = table[table["parameter"] == "review"].iloc[0]
    assert np.isnan(row["src"]) and row["importance"] == pytest.approx(1.0, abs=0.01)


def test_first_order_index_sees_a_non_linear_effect():
    frame = synthetic()
    table = sensitivity(frame, VARIED, ["capability_gap"])
    b = table[table["parameter"] == "b"].iloc[0]
    assert abs(b["src"]) < 0.2 and b["first_order"] > 0.8
    y = frame["capability_gap"].to_numpy()
    assert first_order_index(frame["a"], y, False) < 0.1


def test_first_order_index_needs_distinct_values_per_bin():
    # 7 futures, each repeated: binning by value would credit x with all of the futures' variance
    rng = np.random.default_rng(1)
    futures = pd.DataFrame({"x": rng.uniform(size=7), "z": rng.uniform(size=7)})
    frame = pd.concat([futures] * 5, ignore_index=True)
    y = (frame["z"] * 10).to_numpy()
    assert np.isnan(first_order_index(frame["x"], y, False))
    assert first_order_index(frame["x"], y, True) == pytest.approx(1.0)  # what discrete grouping would claim


def test_discrete_grid_parameter_is_grouped_by_value():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"level": np.repeat([0.0, 1.0, 2.0], 50), "other": rng.uniform(size=150)})
    y = (frame["level"] * 3 + rng.normal(0, 0.1, 150)).to_numpy()
    assert first_order_index(frame["level"], y, True) > 0.95
    table = sensitivity(frame.assign(hhi=y), {"level": "number", "other": "number"}, ["hhi"], discrete=["level"])
    assert ranking(table, "hhi")[0] == "level"


def test_constant_outcome_has_no_ranking_signal():
    frame = synthetic()
    frame["exits"] = 0.0
    table = sensitivity(frame, VARIED, ["exits"])
    assert (table["importance"] == 0).all() and table["r2"].isna().all()


def test_point_summary_percentiles():
    frame = pd.DataFrame(
        {
            "point": [0] * 21 + [1] * 21,
            "policy": 0,
            "future": [0] * 21 + [1] * 21,
            "a": [1.0] * 21 + [2.0] * 21,
            "hhi": list(range(21)) + [5.0] * 21,
        }
    )
    summary = summarise_points(frame, ["a"]).set_index("point")
    assert summary.loc[0, "mean"] == 10 and summary.loc[0, "p05"] == 1 and summary.loc[0, "p95"] == 19
    assert summary.loc[1, "p05"] == summary.loc[1, "p95"] == 5 and summary.loc[1, "runs"] == 21


def test_an_independent_design_is_not_called_confounded():
    assert confounded(synthetic(), VARIED) == []


def test_two_parameters_moved_together_are_named_as_confounded():
    """A points design moved network_effect and foreign_trust together: analyze printed two equal SRCs,
    each half of one effect, without a word."""
    frame = synthetic()
    frame["d"] = 0.5 * frame["a"] + 2.0  # perfectly correlated with a
    notes = confounded(frame, VARIED | {"d": "number"})
    assert len(notes) == 1 and notes[0].startswith("a and d move together") and "cannot be told apart" in notes[0]


def test_a_parameter_that_mixes_others_is_named_as_a_dependence():
    frame = synthetic()
    frame["d"] = frame["a"] / 10 + frame["b"]  # no pair is correlated enough, the three are dependent
    (note,) = confounded(frame, VARIED | {"d": "number"})
    assert "linearly dependent" in note


def test_a_missing_first_order_index_is_explained_not_printed_as_nan():
    frame = synthetic(n=30)
    frame["a"] = np.repeat([1.0, 2.0, 3.0], 10)  # 3 distinct values of a sampled parameter: no index
    frame["market_revenue_usd_bn"] = 3.0 * frame["a"]
    table = sensitivity(frame, VARIED, ["market_revenue_usd_bn"])
    from pathlib import Path

    result = Analysis(Path("."), Path("."), 30, 0, 2033, pd.DataFrame(), table)
    text = format_report(result)
    assert "nan" not in text and "a 1.00 [n/a]" in text and NO_INDEX in text
