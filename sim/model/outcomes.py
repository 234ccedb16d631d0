"""Outcome metrics: their names, labels, units, and the pure functions behind them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MetricInfo:
    """How to show and judge one outcome."""

    label_en: str
    label_ko: str
    unit: str
    higher_is_better: bool | None  # None: neither (e.g. market size depends on view)
    fmt: str = "{:.3g}"
    per_year: str = "mean"  # how quarters make a year: "sum" (flows), "mean" (levels) or "last" (stocks)

    def label(self, language: str = "en") -> str:
        return self.label_ko if language == "ko" else self.label_en


METRICS: dict[str, MetricInfo] = {
    "market_revenue_usd_bn": MetricInfo("Market revenue", "시장 매출", "USD bn", None, "{:.2f}", per_year="sum"),
    "domestic_revenue_share": MetricInfo("Domestic revenue share", "국내 기업 매출 점유율", "share", True, "{:.1%}"),
    "foreign_revenue_share": MetricInfo("Foreign revenue share", "해외 기업 매출 점유율", "share", False, "{:.1%}"),
    "domestic_share_consumer": MetricInfo("Domestic share, consumers", "국내 점유율(소비자)", "share", True, "{:.1%}"),
    "domestic_share_enterprise": MetricInfo("Domestic share, enterprise", "국내 점유율(기업)", "share", True, "{:.1%}"),
    "domestic_share_public": MetricInfo("Domestic share, public sector", "국내 점유율(공공)", "share", True, "{:.1%}"),
    "hhi": MetricInfo("Concentration (HHI)", "시장 집중도(HHI)", "points (0-10000)", False, "{:.0f}"),
    "consumer_surplus": MetricInfo("Consumer surplus", "소비자 잉여", "USD bn", True, "{:.2f}", per_year="sum"),
    "capability_gap": MetricInfo(
        "Capability gap to frontier", "최첨단 대비 역량 격차", "frontier index", False, "{:.3f}"
    ),
    "sovereignty_index": MetricInfo("Sovereignty index", "AI 주권 지수", "share", True, "{:.1%}"),
    "public_spend_krw_bn": MetricInfo("Public spend", "공공 지출", "KRW bn", None, "{:.0f}", per_year="sum"),
    "budget_left_krw_bn": MetricInfo(
        "Budget left this year", "올해 남은 예산", "KRW bn", None, "{:.0f}", per_year="last"
    ),
    "adoption_rate": MetricInfo("Adoption (share of potential)", "도입률", "share", True, "{:.1%}"),
    "active_firms": MetricInfo("Active firms", "활동 기업 수", "firms", True, "{:.0f}", per_year="last"),
    "entries": MetricInfo("Entries", "신규 진입", "firms", None, "{:.0f}", per_year="sum"),
    "exits": MetricInfo("Exits", "퇴출", "firms", False, "{:.0f}", per_year="sum"),
    "compliance_cost_krw_bn": MetricInfo(
        "Compliance cost", "규제 준수 비용", "KRW bn", False, "{:.1f}", per_year="sum"
    ),
    "small_firm_compliance_burden": MetricInfo(
        "Compliance cost / revenue, small firms", "매출 대비 준수비용(중소)", "share", False, "{:.2%}"
    ),
    "large_firm_compliance_burden": MetricInfo(
        "Compliance cost / revenue, large firms", "매출 대비 준수비용(대형)", "share", False, "{:.2%}"
    ),
    "firm_profits_usd_bn": MetricInfo("Firm profits", "기업 이익", "USD bn", None, "{:.2f}", per_year="sum"),
}


# The outcomes shown first everywhere (game report, sweep fan charts).
HEADLINE_METRICS = (
    "market_revenue_usd_bn",
    "domestic_revenue_share",
    "hhi",
    "consumer_surplus",
    "capability_gap",
    "sovereignty_index",
)

YEARLY_RULES: dict[str, str] = {name: info.per_year for name, info in METRICS.items()}


def hhi(shares: np.ndarray) -> float:
    """Herfindahl-Hirschman index on a 0-10,000 scale from shares that sum to 1."""
    return float(np.sum((shares * 100.0) ** 2))


def safe_share(part: float, whole: float) -> float:
    """part / whole, 0 when the whole is 0."""
    return float(part / whole) if whole > 0 else 0.0
