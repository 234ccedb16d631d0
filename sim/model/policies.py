"""Decision rules: what each firm and platform decides every quarter, and how a caller replaces it.

Every firm's quarterly decisions come from a policy object with a ``decide(firm,
view) -> FirmDecision`` method; the default is :class:`RuleFirmPolicy`, the
behavioural rule of the model (ODD, "firm decisions"). A caller can fix some of a
firm's decisions by passing ``{"firm:<id>": {...}}`` to
``AIMarketModel.apply_decision`` (any subset of :data:`FIRM_DECISION_FIELDS`; the rest
follow the rule; they stand until changed, like a lever; a field set to ``None`` goes
back to the rule, and ``{}`` hands every field back), or install another policy for good with
``AIMarketModel.set_firm_policy``. Platforms likewise: ``{"partner:<id>":
{"provider": "<firm id>", "deal": "<deal kind>"}}`` is used the next time that
platform's contract is up. Policies must be picklable (module-level classes) so
snapshots and parallel runs stay exact.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Protocol

from sim.core.arguments import shown
from sim.core.frozen import quick_init
from sim.core.numbers import decimal_number
from sim.schema import describe, suggest

if TYPE_CHECKING:
    from sim.model.firms import Firm


@quick_init
@dataclass(frozen=True)
class FirmDecision:
    """One firm's decisions for one quarter (money per year, price as an index: 1 = benchmark)."""

    price: float
    rd_usd_bn_per_year: float
    compute_usd_bn_per_year: float
    korean_usd_bn_per_year: float
    partner_bid_usd_bn_per_year: float
    public_affairs_usd_bn_per_year: float


def _field(low: float, high: float, step: float, unit: tuple[str, str], label: tuple[str, str]) -> dict[str, Any]:
    return {
        "min": low,
        "max": high,
        "step": step,
        "unit_en": unit[0],
        "unit_ko": unit[1],
        "label_en": label[0],
        "label_ko": label[1],
    }


_USD_BN_YEAR = ("USD bn/yr", "연 10억 달러")

# What a firm role may set (bounds of the decision space, not of the model's equations).
FIRM_DECISION_FIELDS: dict[str, dict[str, Any]] = {
    "price": _field(0.05, 5.0, 0.05, ("price index (1 = benchmark)", "가격 지수(1 = 기준)"), ("Price", "가격")),
    "rd_usd_bn_per_year": _field(0.0, 20.0, 0.01, _USD_BN_YEAR, ("R&D (talent, data)", "연구개발(인력·데이터)")),
    "compute_usd_bn_per_year": _field(0.0, 20.0, 0.01, _USD_BN_YEAR, ("Compute (GPUs)", "컴퓨팅(GPU)")),
    "korean_usd_bn_per_year": _field(0.0, 5.0, 0.005, _USD_BN_YEAR, ("Korean-language investment", "한국어 투자")),
    "partner_bid_usd_bn_per_year": _field(
        0.0, 2.0, 0.005, _USD_BN_YEAR, ("Bid to partner platforms (per deal)", "제휴 플랫폼 제안액(계약당)")
    ),
    "public_affairs_usd_bn_per_year": _field(
        0.0, 0.5, 0.001, _USD_BN_YEAR, ("Public affairs (shaping the rules)", "대관·정책 활동")
    ),
}


def is_spending(field: str) -> bool:
    """Whether a firm decision field is money a year (USD bn/yr): its name ends in ``_usd_bn_per_year``."""
    return field.endswith("_usd_bn_per_year")


def field_label(spec: Mapping[str, Any], language: str = "en") -> str:
    """A decision field's label (:data:`FIRM_DECISION_FIELDS`, :data:`PARTNER_DECISION_FIELDS`) in ``language``."""
    return spec.get(f"label_{language}") or spec["label_en"]


PARTNER_DECISION_FIELDS: dict[str, dict[str, Any]] = {
    "provider": {"type": "firm", "label_en": "AI provider", "label_ko": "AI 공급자"},
    "deal": {"type": "deal", "label_en": "Kind of deal", "label_ko": "계약 형태"},
}


@quick_init
@dataclass(frozen=True)
class FirmView:
    """What a firm knows when it decides (prepared by the model each quarter)."""

    best_response_price: float  # the logit-Bertrand best response to rivals' current prices
    rd_tax_credit: float  # the credit rate it can claim this quarter (0 for foreign firms)
    operating_profit_usd_bn_per_year: float  # last quarter's revenue minus running costs, x4
    constants: Mapping[str, float]


class FirmPolicy(Protocol):
    """Anything with ``decide(firm, view) -> FirmDecision``."""

    def decide(self, firm: Firm, view: FirmView) -> FirmDecision:
        """This quarter's decisions for ``firm``."""
        ...


class RuleFirmPolicy:
    """The model's behavioural rule for firms.

    Investment: a base budget plus a share of revenue, raised by the after-tax
    price of R&D falling with the credit (elasticity ``rd_credit_elasticity``),
    and capped by what operating profit plus cash allows over
    ``min_runway_years``. A follower splits it into Korean-language work
    (``korean_investment_share`` x its Korea focus), then compute and R&D in the
    production function's proportions; a frontier lab's Korean budget all goes
    to localisation (its capability is built abroad). Price: the best response.
    Bids and public affairs: the firm's standing strategy.
    """

    def decide(self, firm: Firm, view: FirmView) -> FirmDecision:
        """The rule's decisions for ``firm`` this quarter (see the class docstring)."""
        c = view.constants
        credit = view.rd_tax_credit if firm.domestic else 0.0
        revenue_year = 4.0 * firm.revenue_usd_bn
        desired = (firm.base_investment_usd_bn_per_year + c["rd_revenue_intensity"] * revenue_year) * (
            1.0 / (1.0 - credit)
        ) ** c["rd_credit_elasticity"]
        affordable = (
            max(view.operating_profit_usd_bn_per_year, 0.0) + max(firm.cash_usd_bn, 0.0) / c["min_runway_years"]
        )
        budget = max(0.0, min(desired, affordable / (1.0 - credit)))
        if firm.frontier_lab:
            korean, rd, compute = budget, 0.0, 0.0
        else:
            korean = budget * c["korean_investment_share"] * firm.strategy.korea_focus
            rest = budget - korean
            compute = rest * c["compute_output_share"]
            rd = rest - compute
        return FirmDecision(
            price=view.best_response_price,
            rd_usd_bn_per_year=rd,
            compute_usd_bn_per_year=compute,
            korean_usd_bn_per_year=korean,
            partner_bid_usd_bn_per_year=firm.strategy.partner_offer * c["partner_bid_unit_usd_bn"],
            public_affairs_usd_bn_per_year=firm.strategy.public_affairs_usd_bn_per_year,
        )


@dataclass(frozen=True)
class FixedFirmPolicy:
    """A scripted policy: the rule's decisions with some fields fixed (e.g. a firm role's standing choices)."""

    values: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, values: Mapping[str, float]) -> FixedFirmPolicy:
        """A policy fixing the given decision fields (validated; a field set to None follows the rule)."""
        return cls(tuple(sorted((k, v) for k, v in check_firm_decision(values).items() if v is not None)))

    def decide(self, firm: Firm, view: FirmView) -> FirmDecision:
        """The rule's decisions with the fixed fields replaced."""
        return replace(RuleFirmPolicy().decide(firm, view), **dict(self.values))


def check_firm_decision(values: Mapping[str, Any]) -> dict[str, float | None]:
    """Validate a firm decision override; returns typed values. A field set to None goes back to the
    firm's rule (its standing value is dropped). Raises ValueError naming the field."""
    if not isinstance(values, Mapping):
        raise ValueError(f"expected a mapping of {', '.join(FIRM_DECISION_FIELDS)}, got {describe(values)}")
    out: dict[str, float | None] = {}
    for key, value in values.items():
        spec = FIRM_DECISION_FIELDS.get(key)
        if spec is None:
            raise ValueError(
                f"unknown firm decision {key!r}{suggest(key, list(FIRM_DECISION_FIELDS), 'expected one of')}"
            )
        if value is None:
            out[key] = None
            continue
        number = decimal_number(value) if isinstance(value, str) else value
        if isinstance(number, numbers.Real) and not isinstance(number, bool):
            try:
                number = float(number)  # numpy's numbers too
            except OverflowError:  # an int of hundreds of digits
                number = None
        if not isinstance(number, float) or not spec["min"] <= number <= spec["max"]:  # (NaN is in no range)
            raise ValueError(
                f"{key}: expected a number from {spec['min']:g} to {spec['max']:g} (or null: the rule), "
                f"got {shown(value)}"
            )
        out[key] = number + 0.0
    return out


def apply_override(decision: FirmDecision, override: Mapping[str, float]) -> FirmDecision:
    """The decision with the overridden fields replaced."""
    known = {f.name for f in fields(FirmDecision)}
    return replace(decision, **{k: v for k, v in override.items() if k in known})
