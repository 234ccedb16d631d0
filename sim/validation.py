"""Validation patterns: what the Korea baseline must reproduce, and how to measure it.

Each pattern is a published figure (or a bound derived from one) with a
tolerance; :func:`measure_patterns` runs the baseline over seeds and returns the
model's value for each. ``tests/test_patterns.py`` asserts them and
``tools/patterns.py`` prints them. Sources: docs/calibration.md.

Definitions: an *adopter* uses an AI assistant at least monthly (paid or free);
*aware* means has used one at least once. Quarters stand for their last month
(2025Q1 is compared with March 2025).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.runner import run_scenario
from sim.scenario import load_scenario


@dataclass(frozen=True)
class Pattern:
    """A target for one measured figure: its accepted range and where the figure comes from."""

    id: str
    low: float
    high: float
    source: str


def _within(value: float, tolerance: float) -> tuple[float, float]:
    return value * (1.0 - tolerance), value * (1.0 + tolerance)


PATTERNS: tuple[Pattern, ...] = (
    Pattern("revenue_2024_usd_bn", *_within(3.12, 0.10), "IMARC via Korea Herald, 17 Sep 2025"),
    Pattern("revenue_2033_usd_bn", *_within(30.0, 0.10), "IMARC projection via Korea Herald"),
    Pattern("revenue_2025_usd_bn", 3.43e3 / 1400, 4.0, "between IDC's narrow KRW 3.43T and IMARC's path (~$4.0B)"),
    Pattern("openai_users_2025q1_m", *_within(5.1, 0.25), "ChatGPT app monthly users, Mar 2025 (Mobile Index)"),
    Pattern("openai_users_2025q2_m", *_within(10.7, 0.25), "Apr 2025 (Mobile Index)"),
    Pattern("openai_users_2025q4_m", *_within(13.1, 0.25), "Oct 2025 (Mobile Index)"),
    Pattern("openai_users_2026q1_m", *_within(14.3, 0.25), "Jan 2026 (Mobile Index)"),
    Pattern(
        "consumer_awareness_2025", *_within(0.74, 0.15), "74 % have used an AI service, Dec 2025 (Consumer Insight)"
    ),
    Pattern(
        "consumer_adoption_2025",
        14.3 / 44.0,
        0.74,
        "monthly users: at least ChatGPT's 14.3M of 44M aged 15+, at most the 74 % who ever used AI",
    ),
    Pattern(
        "domestic_consumer_app_alive_2033",
        0.5,
        1.0,
        "share of seeds where Wrtn is still active (13 % use it, Dec 2025)",
    ),
)


def _firm_users(firms, firm: str, quarter: str) -> float:
    rows = firms[(firms["firm"] == firm) & (firms["quarter"] == quarter)]
    return float(rows["users_consumer_m"].mean()) if len(rows) else 0.0


def measure_patterns(seeds: int = 20, values: Mapping[str, Any] | None = None, workers: int | None = None) -> dict:
    """The model's value of every pattern: the mean over ``seeds`` runs of the Korea baseline."""
    scenario = load_scenario("korea-2025", overrides=dict(values or {}))
    result = run_scenario(scenario, seeds=range(seeds), workers=workers)
    quarters, firms = result.quarters, result.firms
    by_year = quarters.groupby(["seed", "year"])["market_revenue_usd_bn"].sum().groupby("year").mean()
    end_2025 = quarters[quarters["quarter"] == "2025Q4"]
    last = firms[firms["quarter"] == firms["quarter"].max()]
    wrtn_alive = last[last["firm"] == "wrtn"]["active"].astype(bool)
    per_seed_users = {q: _firm_users(firms, "openai", q) for q in ("2025Q1", "2025Q2", "2025Q4", "2026Q1")}
    return {
        "revenue_2024_usd_bn": float(by_year.loc[2024]),
        "revenue_2033_usd_bn": float(by_year.loc[2033]),
        "revenue_2025_usd_bn": float(by_year.loc[2025]),
        "openai_users_2025q1_m": per_seed_users["2025Q1"],
        "openai_users_2025q2_m": per_seed_users["2025Q2"],
        "openai_users_2025q4_m": per_seed_users["2025Q4"],
        "openai_users_2026q1_m": per_seed_users["2026Q1"],
        "consumer_awareness_2025": float(end_2025["consumer_awareness"].mean()),
        "consumer_adoption_2025": float(end_2025["consumer_adoption"].mean()),
        "domestic_consumer_app_alive_2033": float(np.sum(wrtn_alive) / seeds),
    }
