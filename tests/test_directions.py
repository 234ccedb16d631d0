"""Behavioural directions that must emerge from the model.

Each test compares the Korea baseline with the same scenario and one change,
averaged over the same seeds, and checks the sign of the effect.
"""

from __future__ import annotations

import pytest

from sim.runner import run_scenario, yearly
from sim.scenario import scenario_from_document

SEEDS = range(8)
BIG_BUDGET = {"policy_budget_krw_bn_per_year": 8000}  # so budget limits do not mask the lever


def mean_over(result, metric: str, years: range) -> float:
    per_year = yearly(result.quarters)
    return float(per_year[per_year["year"].isin(list(years))][metric].mean())


def firm_mean(result, firm: str, column: str, years: range) -> float:
    firms = result.firms
    rows = firms[(firms["firm"] == firm) & firms["quarter"].str[:4].astype(int).isin(list(years))]
    return float(rows[column].mean())


@pytest.fixture(scope="module")
def baseline(korea):
    return run_scenario(korea, seeds=SEEDS)


@pytest.fixture(scope="module")
def rich_baseline(korea):
    return run_scenario(korea.with_values(BIG_BUDGET), seeds=SEEDS)


def test_partnering_with_a_platform_gains_share_in_its_segment(korea, baseline):
    """OpenAI's KakaoTalk deal (consumer reach 90 %) raises its consumer share."""
    document = dict(korea.document)
    document["events"] = [e for e in document["events"] if e["id"] != "kakao_openai"]
    document["partners"] = [
        dict(p, contract_quarters=40) if p["id"] == "kakao_talk" else p for p in document["partners"]
    ]
    no_deal = run_scenario(scenario_from_document(document, "no-kakao-deal"), seeds=SEEDS)
    years = range(2026, 2028)
    with_deal = firm_mean(baseline, "openai", "share_consumer", years)
    without = firm_mean(no_deal, "openai", "share_consumer", years)
    assert with_deal > without + 0.01


def test_compute_subsidy_raises_domestic_share_narrows_gap_costs_money(korea, rich_baseline):
    subsidised = run_scenario(korea.with_values({**BIG_BUDGET, "public_compute_gpus_k": 60}), seeds=SEEDS)
    last = range(2033, 2034)
    assert mean_over(subsidised, "domestic_revenue_share", last) > mean_over(
        rich_baseline, "domestic_revenue_share", last
    )
    assert mean_over(subsidised, "capability_gap", last) < mean_over(rich_baseline, "capability_gap", last)
    assert (
        mean_over(subsidised, "public_spend_krw_bn", last)
        > mean_over(rich_baseline, "public_spend_krw_bn", last) + 1000
    )


def test_strict_enforcement_raises_compliance_cost_and_hurts_small_firms_most(korea, baseline):
    strict = run_scenario(korea.with_values({"act_stringency": 2.0, "act_enforcement_probability": 0.3}), seeds=SEEDS)
    years = range(2027, 2030)
    assert mean_over(strict, "compliance_cost_krw_bn", years) > 1.5 * mean_over(
        baseline, "compliance_cost_krw_bn", years
    )
    small_rise = mean_over(strict, "small_firm_compliance_burden", years) - mean_over(
        baseline, "small_firm_compliance_burden", years
    )
    large_rise = mean_over(strict, "large_firm_compliance_burden", years) - mean_over(
        baseline, "large_firm_compliance_burden", years
    )
    assert small_rise > large_rise > 0


def test_procurement_preference_raises_domestic_public_share(korea):
    preferring = run_scenario(korea.with_values({**BIG_BUDGET, "procurement_domestic_preference": 0.4}), seeds=SEEDS)
    neutral = run_scenario(korea.with_values({**BIG_BUDGET, "procurement_domestic_preference": 0.0}), seeds=SEEDS)
    last = range(2033, 2034)
    assert (
        mean_over(preferring, "domestic_share_public", last) > mean_over(neutral, "domestic_share_public", last) + 0.03
    )


def test_blocking_foreign_partnerships_lowers_share_and_surplus(korea, baseline):
    blocked = run_scenario(korea.with_values({"partnership_review": "block"}), seeds=SEEDS)
    years = range(2026, 2029)
    assert firm_mean(blocked, "openai", "revenue_share", years) < firm_mean(baseline, "openai", "revenue_share", years)
    assert mean_over(blocked, "consumer_surplus", years) < mean_over(baseline, "consumer_surplus", years)
