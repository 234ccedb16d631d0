"""Outcomes: the one home of metric definitions and of building each quarter's rows.

``METRICS`` names every column of ``quarters.csv`` after ``quarter`` and
``year``, with labels, unit, period and how quarters make a year;
``FIRM_COLUMNS`` names the columns of ``firms.csv``. :func:`record_quarter`
builds both rows from the model (the model's ``record`` phase calls it), and a
test checks the keys against these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.explain import outcome_parts, utility_components
from sim.model.parameters import SEGMENTS
from sim.timeline import quarter_label

if TYPE_CHECKING:
    from sim.model.firms import Firm
    from sim.model.model import AIMarketModel


@dataclass(frozen=True)
class MetricInfo:
    """How to show and judge one outcome."""

    label_en: str
    label_ko: str
    unit: str
    higher_is_better: bool | None  # None: neither (e.g. market size depends on view)
    fmt: str = "{:.3g}"
    per_year: str = "mean"  # how quarters make a year: "sum" (flows), "mean" (levels) or "last" (stocks)
    headline: bool = False  # shown first everywhere (game report, sweep charts, lever-effect table)
    short_en: str = ""  # a shorter label for narrow places (the game's tiles at 960x600); "" = the label
    short_ko: str = ""

    @property
    def period(self) -> str:
        """``per quarter`` for flows (a year is their sum), ``level`` otherwise."""
        return "per quarter" if self.per_year == "sum" else "level"

    def label(self, language: str = "en") -> str:
        """The label in ``language`` (en or ko)."""
        return self.label_ko if language == "ko" else self.label_en

    def short_label(self, language: str = "en") -> str:
        """A shorter label in ``language`` where one is declared, else the label."""
        return (self.short_ko if language == "ko" else self.short_en) or self.label(language)


METRICS: dict[str, MetricInfo] = {
    "market_revenue_usd_bn": MetricInfo(
        "Market revenue", "시장 매출", "USD bn", None, "{:.2f}", per_year="sum", headline=True
    ),
    "domestic_revenue_share": MetricInfo(
        "Domestic revenue share",
        "국내 기업 매출 점유율",
        "share",
        True,
        "{:.1%}",
        headline=True,
        short_en="Domestic share",
        short_ko="국내 점유율",
    ),
    "foreign_revenue_share": MetricInfo("Foreign revenue share", "해외 기업 매출 점유율", "share", False, "{:.1%}"),
    "domestic_share_consumer": MetricInfo("Domestic share, consumers", "국내 점유율(소비자)", "share", True, "{:.1%}"),
    "domestic_share_enterprise": MetricInfo("Domestic share, enterprise", "국내 점유율(기업)", "share", True, "{:.1%}"),
    "domestic_share_public": MetricInfo(
        "Domestic share, public sector",
        "국내 점유율(공공)",
        "share",
        True,
        "{:.1%}",
        headline=True,
        short_en="Domestic, public",
    ),
    "hhi": MetricInfo("Concentration (HHI)", "시장 집중도(HHI)", "points (0-10000)", False, "{:.0f}", headline=True),
    "consumer_surplus": MetricInfo(
        "Consumer surplus", "소비자 잉여", "USD bn", True, "{:.2f}", per_year="sum", headline=True
    ),
    "capability_gap": MetricInfo(
        "Capability gap to frontier",
        "최고 수준 대비 역량 격차",
        "frontier index",
        False,
        "{:.3f}",
        headline=True,
        short_en="Capability gap",
        short_ko="역량 격차",
    ),
    "domestic_capability_weighted": MetricInfo(
        "Domestic capability (revenue-weighted)",
        "국내 모델 역량(매출 가중)",
        "frontier index",
        True,
        "{:.3f}",
        headline=True,
        short_en="Domestic capability",
        short_ko="국내 모델 역량",
    ),
    "sovereignty_index": MetricInfo("Sovereignty index", "AI 주권 지수", "share", True, "{:.1%}", headline=True),
    "incidents": MetricInfo("AI incidents", "AI 사고", "incidents", False, "{:.0f}", per_year="sum"),
    "incident_risk": MetricInfo(
        "Expected AI incidents", "AI 사고 기대 건수", "incidents", False, "{:.2f}", per_year="sum", headline=True
    ),
    "public_pressure": MetricInfo("Public pressure after incidents", "사고 후 여론 압력", "index", None, "{:.2f}"),
    "public_spend_krw_bn": MetricInfo("Public spend", "공공 지출", "KRW bn", None, "{:.0f}", per_year="sum"),
    "tax_expenditure_krw_bn": MetricInfo(
        "Tax credits paid", "세액공제 지급액", "KRW bn", None, "{:.0f}", per_year="sum"
    ),
    "budget_left_krw_bn": MetricInfo(
        "Budget left this year", "올해 남은 예산", "KRW bn", None, "{:.0f}", per_year="last", short_en="Budget left"
    ),
    "budget_scale": MetricInfo("Share of programmes funded", "사업 집행률", "share", None, "{:.0%}"),
    "budget_shortfall_krw_bn": MetricInfo(
        "Programmes cut for lack of budget",
        "예산 부족으로 축소된 사업",
        "KRW bn",
        False,
        "{:.0f}",
        per_year="sum",
        short_en="Programmes cut",
        short_ko="축소된 사업",
    ),
    "adoption_rate": MetricInfo("Adoption (share of potential)", "도입률", "share", True, "{:.1%}"),
    "consumer_adoption": MetricInfo("Consumers using AI monthly", "AI 월간 이용 소비자 비율", "share", True, "{:.1%}"),
    "consumer_awareness": MetricInfo("Consumers who have used AI", "AI 사용 경험 소비자 비율", "share", None, "{:.1%}"),
    "users_m": MetricInfo(
        "Users and organisations served", "이용자·기관 수", "millions", True, "{:.1f}", short_en="Users served"
    ),
    "active_firms": MetricInfo("Active firms", "활동 기업 수", "firms", True, "{:.0f}", per_year="last"),
    "entries": MetricInfo("Entries", "신규 진입", "firms", None, "{:.0f}", per_year="sum"),
    "exits": MetricInfo("Exits", "퇴출", "firms", False, "{:.0f}", per_year="sum"),
    "compliance_cost_krw_bn": MetricInfo(
        "Compliance cost", "규제 준수 비용", "KRW bn", False, "{:.1f}", per_year="sum"
    ),
    "small_firm_compliance_burden": MetricInfo(
        "Compliance cost / revenue, small firms",
        "매출 대비 준수비용(중소)",
        "share",
        False,
        "{:.2%}",
        short_en="Compliance, small firms",
    ),
    "large_firm_compliance_burden": MetricInfo(
        "Compliance cost / revenue, large firms",
        "매출 대비 준수비용(대형)",
        "share",
        False,
        "{:.2%}",
        short_en="Compliance, large firms",
    ),
    "firm_profits_usd_bn": MetricInfo("Firm profits", "기업 이익", "USD bn", None, "{:.2f}", per_year="sum"),
}

# The outcomes shown first everywhere (game report, sweep fan charts, lever-effect table).
HEADLINE_METRICS = tuple(name for name, info in METRICS.items() if info.headline)

YEARLY_RULES: dict[str, str] = {name: info.per_year for name, info in METRICS.items()}

SHARE_COLUMNS = tuple(f"share_{s}" for s in SEGMENTS)  # firms.csv: share of each segment's revenue
USERS_COLUMNS = tuple(f"users_{s}_m" for s in SEGMENTS)  # firms.csv: users served per segment, millions

# Columns of firms.csv, in order, with what each holds (money per quarter unless named per year).
FIRM_COLUMN_DOCS: dict[str, str] = {
    "quarter": "the quarter (2025Q1)",
    "firm": "firm id",
    "name": "firm name",
    "origin": "foreign or domestic",
    "size": "large or small",
    "active": "in the market at the end of the quarter",
    "revenue_usd_bn": "revenue this quarter, USD bn",
    "revenue_share": "share of the market's revenue (0-1)",
    **{key: f"share of the {s} segment's revenue (0-1)" for key, s in zip(SHARE_COLUMNS, SEGMENTS)},
    **{key: f"{s} users served, millions of real users or organisations" for key, s in zip(USERS_COLUMNS, SEGMENTS)},
    "capability": "capability relative to the frontier (1 = frontier), before launch delays",
    "offered_capability": "capability users in Korea get, after the AI Basic Act's launch delay",
    "korean_quality": "Korean-language quality (0-1)",
    "price": "price per unit of usage, relative to the 2024 benchmark (1)",
    "marginal_cost": "serving cost per unit of usage, same units as price",
    "cash_usd_bn": "cash at the end of the quarter, USD bn (exits below 0)",
    "profit_usd_bn": "profit this quarter after investment, compliance, fines, bids and public affairs, USD bn",
    "investment_usd_bn": "R&D, compute and Korean-language investment this quarter, USD bn",
    "tax_credit_usd_bn": "R&D tax credit received this quarter, USD bn",
    "compliance_cost_usd_bn": "AI Basic Act compliance cost this quarter, USD bn",
    "fines_usd_bn": "AI Basic Act fines this quarter, USD bn",
    "grant_usd_bn": "sovereign AI grant this quarter, USD bn",
    "public_gpus_k": "public GPUs used, thousands",
    "trust": "trust (utility; incidents, fines and outages lower it, then it recovers)",
    "incidents": "incidents this quarter (0 or 1)",
    "influence": "influence from public affairs spending (0-1)",
    "sovereign_team": "in the sovereign AI programme this quarter",
    "partners": "platforms distributing it (;-separated ids)",
}
FIRM_COLUMNS = tuple(FIRM_COLUMN_DOCS)


def outputs_markdown() -> str:
    """Markdown tables of quarters.csv's and firms.csv's columns with units and periods (for the docs)."""
    how = {"sum": "sum of quarters", "mean": "mean of quarters", "last": "last quarter"}
    lines = [
        "| `quarters.csv` column | what | unit | period | a year is the |",
        "|---|---|---|---|---|",
        "| `seed`, `quarter`, `year` | the run's seed, the quarter (2025Q1), its calendar year | | | |",
    ]
    for name, info in METRICS.items():
        lines.append(f"| `{name}` | {info.label_en} | {info.unit} | {info.period} | {how[info.per_year]} |")
    lines += ["", "| `firms.csv` column | what |", "|---|---|", "| `seed` | the run's seed |"]
    lines += [f"| `{name}` | {text} |" for name, text in FIRM_COLUMN_DOCS.items()]
    return "\n".join(lines)


CONSUMER_ROW, ENTERPRISE_ROW, PUBLIC_ROW = (SEGMENTS.index(name) for name in ("consumer", "enterprise", "public"))
if PUBLIC_ROW != ENTERPRISE_ROW + 1:  # pragma: no cover - SEGMENTS is a constant
    raise RuntimeError("SEGMENTS must list enterprise and public next to each other (see SOVEREIGN_ROWS)")
SOVEREIGN_ROWS = slice(ENTERPRISE_ROW, PUBLIC_ROW + 1)  # the sovereignty index's segments, as a view (no copy)


def hhi(shares: np.ndarray) -> float:
    """Herfindahl-Hirschman index on a 0-10,000 scale from shares that sum to 1."""
    return float(np.sum((shares * 100.0) ** 2))


def safe_share(part: float, whole: float) -> float:
    """part / whole, 0 when the whole is 0."""
    return float(part / whole) if whole > 0 else 0.0


def _burden(group: list[Firm]) -> float:
    """The average firm's compliance cost and fines as a share of its revenue (capped at 1)."""
    if not group:
        return 0.0
    shares = [min(1.0, (f.compliance_cost_usd_bn + f.fines_usd_bn) / f.revenue_usd_bn) for f in group]
    return float(sum(shares) / len(shares))


def record_quarter(model: AIMarketModel) -> None:
    """Append this quarter's outcome row to ``model.history`` and its firm rows to ``model.firm_history``.

    With ``model.outcomes_only`` only the outcome row is made (no firm rows, no explanation drivers).
    """
    q = model.quarter
    revenue = model.segment_revenue
    total = float(revenue.sum())
    firms = model.firms
    offer = model._offer()  # read once for the surplus and the explanation drivers
    domestic = offer.domestic > 0.0
    firm_revenue = revenue.sum(axis=0)
    shares = firm_revenue / total if total > 0 else np.zeros_like(firm_revenue)
    live = [f for f in firms if f.available]
    frontier = max((f.offered_capability for f in live), default=1.0)
    best_domestic = max((f.offered_capability for f in live if f.domestic), default=0.0)
    domestic_live = [f for f in live if f.domestic]
    domestic_revenue = sum(f.revenue_usd_bn for f in domestic_live)
    weighted = (
        sum(f.offered_capability * f.revenue_usd_bn for f in domestic_live) / domestic_revenue / frontier
        if domestic_revenue > 0 and frontier > 0
        else 0.0
    )
    sovereign_total = revenue[SOVEREIGN_ROWS].sum()
    large = [f for f in live if f.size == "large" and f.revenue_usd_bn > 0]
    small = [f for f in live if f.size == "small" and f.revenue_usd_bn > 0]
    regulator = model.regulator
    row = {
        "quarter": quarter_label(q),
        "year": q // 4,
        "market_revenue_usd_bn": total,
        "domestic_revenue_share": float(shares[domestic].sum()),
        "foreign_revenue_share": float(shares[~domestic].sum()) if total > 0 else 0.0,
        "domestic_share_consumer": safe_share(revenue[CONSUMER_ROW, domestic].sum(), revenue[CONSUMER_ROW].sum()),
        "domestic_share_enterprise": safe_share(revenue[ENTERPRISE_ROW, domestic].sum(), revenue[ENTERPRISE_ROW].sum()),
        "domestic_share_public": safe_share(revenue[PUBLIC_ROW, domestic].sum(), revenue[PUBLIC_ROW].sum()),
        "hhi": hhi(shares),
        "consumer_surplus": model.consumer_surplus_usd_bn(offer),
        "capability_gap": max(0.0, 1.0 - best_domestic / frontier) if frontier > 0 else 0.0,
        "domestic_capability_weighted": float(weighted),
        "sovereignty_index": safe_share(revenue[SOVEREIGN_ROWS, domestic].sum(), sovereign_total),
        "incidents": int(regulator.incidents),
        "incident_risk": float(regulator.incident_risk),
        "public_pressure": float(regulator.pressure),
        "public_spend_krw_bn": regulator.spend_krw_bn,
        "tax_expenditure_krw_bn": regulator.tax_expenditure_krw_bn,
        "budget_left_krw_bn": regulator.budget_left_krw_bn(),
        "budget_scale": regulator.programme_scale,
        "budget_shortfall_krw_bn": regulator.shortfall_krw_bn(),
        "adoption_rate": safe_share(model.served_weight.sum(), model.segment_weight.sum()),
        "consumer_adoption": safe_share(model.served_weight[CONSUMER_ROW], model.segment_weight[CONSUMER_ROW]),
        "consumer_awareness": model.aware_share(CONSUMER_ROW),
        "users_m": float(model.served_weight.sum() / 1e6),
        "active_firms": len(live),
        "entries": int(model.entries),
        "exits": int(model.exits),
        "compliance_cost_krw_bn": regulator.compliance_cost_krw_bn,
        "small_firm_compliance_burden": _burden(small),
        "large_firm_compliance_burden": _burden(large),
        "firm_profits_usd_bn": float(sum(f.profit_usd_bn for f in firms if f.available or f.exited)),
    }
    model.history.append(row)
    if model.outcomes_only:
        return
    model.previous_drivers = model.drivers
    model.drivers = utility_components(model, offer)
    model.previous_outcome_parts = model.outcome_parts
    model.outcome_parts = outcome_parts(model, shares)
    label = quarter_label(q)
    segment_revenue = revenue.sum(axis=1, keepdims=True)
    segment_shares = np.divide(revenue, segment_revenue, out=np.zeros_like(revenue), where=segment_revenue > 0)
    shares_by_firm = segment_shares.T.tolist()
    share_list = shares.tolist()
    cost_factor = model._cost_factor()
    partners_of: dict[int, list[str]] = {}
    for partner in model.partners:
        if partner.provider >= 0:
            partners_of.setdefault(partner.provider, []).append(partner.partner_id)
    for firm in firms:
        if not (firm.available or firm.revenue_usd_bn > 0 or (firm.exited and firm.exit_quarter == q)):
            continue
        # the values in FIRM_COLUMNS' order
        values = [
            label,
            firm.firm_id,
            firm.name,
            firm.origin,
            firm.size,
            firm.available,
            firm.revenue_usd_bn,
            share_list[firm.index],
            *shares_by_firm[firm.index],
            *firm.users_by_segment,
            firm.capability,
            firm.offered_capability,
            firm.korean_quality,
            firm.price,
            model._marginal_cost(firm, cost_factor),
            firm.cash_usd_bn,
            firm.profit_usd_bn,
            firm.investment_usd_bn,
            firm.tax_credit_usd_bn,
            firm.compliance_cost_usd_bn,
            firm.fines_usd_bn,
            firm.grant_usd_bn,
            firm.public_gpus_k,
            firm.trust,
            firm.incidents,
            firm.influence,
            firm.sovereign_team,
            ";".join(partners_of.get(firm.index, [])),
        ]
        model.firm_history.append(dict(zip(FIRM_COLUMNS, values, strict=True)))
