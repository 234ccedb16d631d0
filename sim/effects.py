"""What each policy lever does: its min-to-max effect on the headline outcomes, against seed noise.

Every lever is run at its minimum and at its maximum over the same seeds (common
random numbers), everything else at the scenario's values; the effect is the
mean difference in the final year's value (flows summed over the year), beside
the seed standard deviation of that outcome. ``EXPECTED`` states, for each
lever, the outcome it must move, the sign, and the economic reason; the tests
assert every lever moves its outcome by more than one seed sd with that sign,
and ``tools/lever_effects.py`` writes the table to ``docs/lever-effects.md``.
The game's Help screen reads :func:`lever_effects`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.outcomes import HEADLINE_METRICS, YEARLY_RULES
from sim.runner import run_scenario
from sim.scenario import Scenario


@dataclass(frozen=True)
class Expected:
    """The outcome a lever must move (min -> max), the sign, and why."""

    metric: str
    sign: int
    reason_en: str
    reason_ko: str


EXPECTED: dict[str, Expected] = {
    "sovereign_ai_budget_krw_bn": Expected(
        "capability_gap",
        -1,
        "Grants raise the sovereign teams' effective investment, so the best domestic model closes more of its gap.",
        "지원금이 선정 팀의 실효 투자를 늘려 최고 국산 모델이 격차를 더 좁힌다.",
    ),
    "public_compute_gpus_k": Expected(
        "capability_gap",
        -1,
        "Public GPUs add compute to domestic firms' capability production at no cost to them.",
        "공공 GPU가 국내 기업의 역량 생산에 무상으로 컴퓨팅을 더한다.",
    ),
    "procurement_domestic_preference": Expected(
        "sovereignty_index",
        1,
        "Public buyers act as if domestic models were cheaper, so more public spending goes to them.",
        "공공 구매자가 국산 모델을 더 싸게 평가해 공공 지출이 국산으로 옮겨간다.",
    ),
    "act_stringency": Expected(
        "incident_risk",
        -1,
        "Deeper obligations make complying firms' practice safer, so fewer incidents happen.",
        "의무가 강해지면 준수 기업의 관행이 안전해져 사고가 줄어든다.",
    ),
    "act_enforcement_probability": Expected(
        "incident_risk",
        -1,
        "Likelier inspections make small firms comply, and complying firms have fewer incidents.",
        "점검 가능성이 높아지면 중소기업도 법을 지키고, 준수 기업은 사고가 적다.",
    ),
    "act_grace_quarters": Expected(
        "incident_risk",
        1,
        "During the grace period firms prepare only partly, so more incidents slip through.",
        "계도 기간에는 기업이 일부만 준비해 사고가 더 많이 난다.",
    ),
    "public_data_openness": Expected(
        "domestic_revenue_share",
        1,
        "Open Korean data raises Korean-language quality, most for firms that train locally.",
        "공개된 한국어 데이터가 한국어 품질을 높이며, 국내에서 학습하는 기업에 효과가 크다.",
    ),
    "partnership_review": Expected(
        "domestic_revenue_share",
        1,
        "Blocking foreign platform deals keeps the platforms' channels with domestic models.",
        "해외 플랫폼 제휴를 막으면 플랫폼 채널이 국산 모델에 남는다.",
    ),
    "rd_tax_credit": Expected(
        "capability_gap",
        -1,
        "A lower after-tax price of R&D raises domestic investment, and capability with it.",
        "세후 연구개발 비용이 낮아져 국내 투자와 역량이 늘어난다.",
    ),
    "talent_programme_krw_bn": Expected(
        "capability_gap",
        -1,
        "Talent makes each won of domestic R&D more productive.",
        "인재가 국내 연구개발 1원당 생산성을 높인다.",
    ),
}


def _final_year(quarters, metric: str) -> np.ndarray:
    """Per seed, the final year's value of ``metric`` (flows summed, levels averaged)."""
    year = quarters["year"].max()
    rows = quarters[quarters["year"] == year].groupby("seed")[metric]
    return (rows.sum() if YEARLY_RULES[metric] == "sum" else rows.mean()).to_numpy()


def lever_effects(scenario: Scenario, seeds: int = 8, workers: int | None = None) -> list[dict]:
    """Min -> max effect of every lever on every headline outcome, with the seed sd (common random numbers).

    Returns one row per (lever, metric): lever, metric, low, high (lever values),
    effect (mean of high minus low), spread (seed sd of the outcome at the low
    end), and expected_sign / reason where :data:`EXPECTED` names that pair.
    """
    rows = []
    for spec in scenario.parameters.of_kind("lever"):
        low, high = (spec.options[0], spec.options[-1]) if spec.type == "choice" else (spec.min, spec.max)
        arms = {
            end: run_scenario(scenario.with_values({spec.name: value}), seeds=range(seeds), workers=workers).quarters
            for end, value in (("low", low), ("high", high))
        }
        expected = EXPECTED.get(spec.name)
        for metric in HEADLINE_METRICS:
            before, after = _final_year(arms["low"], metric), _final_year(arms["high"], metric)
            named = expected is not None and expected.metric == metric
            rows.append(
                {
                    "lever": spec.name,
                    "metric": metric,
                    "low": low,
                    "high": high,
                    "effect": float(np.mean(after - before)),
                    "spread": float(np.std(before, ddof=1)) if len(before) > 1 else 0.0,
                    "expected_sign": expected.sign if named else None,
                    "reason_en": expected.reason_en if named else "",
                    "reason_ko": expected.reason_ko if named else "",
                }
            )
    return rows
