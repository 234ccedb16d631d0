"""The Korea baseline reproduces its calibration targets (mean over 20 seeds).

Targets: market revenue summed over 2024 = $3.12B and over 2033 = $30B, each
within 10 % (IMARC, quoted by the Korea Herald, 17 Sep 2025).
"""

from __future__ import annotations

import pytest

from sim.runner import run_scenario, yearly


@pytest.fixture(scope="module")
def korea_20_seeds(korea):
    return run_scenario(korea, seeds=range(20))


@pytest.mark.parametrize("year, target", [(2024, 3.12), (2033, 30.0)])
def test_market_revenue_matches_target(korea_20_seeds, year, target):
    per_year = yearly(korea_20_seeds.quarters).groupby("year")["market_revenue_usd_bn"].mean()
    assert per_year[year] == pytest.approx(target, rel=0.10)


def test_starting_shares_match_calibration_ranges(korea_20_seeds):
    first_year = korea_20_seeds.quarters[korea_20_seeds.quarters["year"] == 2024]
    # consumers ~85 % foreign (74-95 %); enterprise + public ~50 % domestic (35-65 %)
    assert 0.74 <= 1.0 - first_year["domestic_share_consumer"].mean() <= 0.95
    assert 0.35 <= first_year["sovereignty_index"].mean() <= 0.65


def test_seed_story_happens(korea_20_seeds):
    news = korea_20_seeds.news
    seed0 = news[news["seed"] == 0]
    kakao = seed0[seed0["en"].str.contains("Kakao \\(KakaoTalk\\) partners with OpenAI")]
    assert kakao["quarter"].tolist() == ["2025Q4"]
    assert "The AI Basic Act takes effect" in seed0[seed0["quarter"] == "2026Q1"]["en"].tolist()
