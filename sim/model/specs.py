"""Typed views of the scenario sections the model reads: segments, population, partners, deals, regulator.

The scenario loader (``sim/scenario.py``) validates each section as plain data, fills its
defaults and keeps it as a document; these frozen dataclasses are what the model's code reads,
so a misspelt field is an attribute error the type checker sees, not a ``KeyError`` at run time.
Firms have their own view beside the agent (:class:`sim.model.firms.FirmSpec`).
Each ``from_section`` takes an entry that has already passed validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class SegmentSpec:
    """One demand segment (``segments.<name>``): its size, Bass awareness, spend and tastes."""

    name: str
    label: Mapping[str, str]
    potential_adopters: float
    initial_awareness: float
    initial_adoption: float
    bass_p: float
    bass_q: float
    spend_usd_per_adopter_per_year: float
    frontier_value_weight: float
    intensity_spread: float
    price_sensitivity: float
    capability_weight: float
    korean_weight: float
    sovereignty_weight: float
    channel_weight: float
    review_rate_per_quarter: float
    switching_cost: float
    taste_spread: float

    @classmethod
    def from_section(cls, name: str, spec: Mapping[str, Any]) -> SegmentSpec:
        """Build from a validated ``segments.<name>`` entry."""
        numbers = {f.name: float(spec[f.name]) for f in fields(cls) if f.type == "float"}
        return cls(name=name, label=dict(spec["label"]), **numbers)


@dataclass(frozen=True)
class PopulationSpec:
    """How many adopter rows stand for the population (``population:``), and how they are split."""

    adopter_rows: int
    row_share: Mapping[str, float] | None  # share of rows per segment; None: equal weights
    panel_rows: int  # rows per segment in the estimation panel

    @classmethod
    def from_section(cls, spec: Mapping[str, Any]) -> PopulationSpec:
        """Build from the validated ``population:`` section."""
        row_share = spec.get("row_share")
        return cls(
            adopter_rows=int(spec["adopter_rows"]),
            row_share=dict(row_share) if row_share else None,
            panel_rows=int(spec["panel_rows"]),
        )


@dataclass(frozen=True)
class PartnerPreferences:
    """What a platform weighs when it picks a provider (``partners[].preferences``)."""

    quality: float = 3.0
    korean: float = 1.0
    price: float = 1.0
    autonomy: float = 0.5
    switching_cost: float = 0.3


@dataclass(frozen=True)
class PartnerSpec:
    """A partner platform (``partners[]``): its reach, its own model, its provider and contract."""

    id: str
    name: str
    name_ko: str
    reach: Mapping[str, float]
    own_model: str | None
    provider: str | None
    contract_quarters: int
    contract_start: int | None
    preferences: PartnerPreferences = field(default_factory=PartnerPreferences)

    @classmethod
    def from_section(cls, spec: Mapping[str, Any]) -> PartnerSpec:
        """Build from a validated ``partners[]`` entry (omitted preferences take defaults)."""
        prefs = spec.get("preferences") or {}
        return cls(
            id=spec["id"],
            name=spec["name"],
            name_ko=spec.get("name_ko") or spec["name"],
            reach={k: float(v) for k, v in spec["reach"].items()},
            own_model=spec.get("own_model"),
            provider=spec.get("provider"),
            contract_quarters=int(spec["contract_quarters"]),
            contract_start=spec.get("contract_start"),
            preferences=PartnerPreferences(**{k: float(v) for k, v in prefs.items()}),
        )


@dataclass(frozen=True)
class DealSpec:
    """A kind of partnership deal (``deals.<kind>``): its length, channel strength and minimum bid."""

    kind: str
    label: Mapping[str, str]
    quarters: int
    channel_strength: float
    min_bid_usd_bn_per_year: float

    @classmethod
    def from_section(cls, kind: str, spec: Mapping[str, Any]) -> DealSpec:
        """Build from a validated ``deals.<kind>`` entry."""
        return cls(
            kind=kind,
            label=dict(spec["label"]),
            quarters=int(spec["quarters"]),
            channel_strength=float(spec["channel_strength"]),
            min_bid_usd_bn_per_year=float(spec["min_bid_usd_bn_per_year"]),
        )


@dataclass(frozen=True)
class ObligationSpec:
    """One obligation of the AI Basic Act: whom it binds and what it costs by firm size."""

    id: str
    label: Mapping[str, str]
    applies_to: str  # all, large, foreign_large or frontier
    cost_krw_m_per_year: Mapping[str, float]  # by firm size: small, large
    revenue_share_cost: float

    @classmethod
    def from_section(cls, spec: Mapping[str, Any]) -> ObligationSpec:
        """Build from a validated ``regulator.basic_act.obligations[]`` entry."""
        return cls(
            id=spec["id"],
            label=dict(spec["label"]),
            applies_to=spec["applies_to"],
            cost_krw_m_per_year={k: float(v) for k, v in spec["cost_krw_m_per_year"].items()},
            revenue_share_cost=float(spec["revenue_share_cost"]),
        )


@dataclass(frozen=True)
class BasicActSpec:
    """The AI Basic Act (``regulator.basic_act``): when it takes effect, its fines and obligations."""

    name: Mapping[str, str]
    effective: int  # quarter number
    fine_krw_m_per_violation: float
    violations_per_inspection: float
    trust_penalty: float
    obligations: tuple[ObligationSpec, ...]

    @classmethod
    def from_section(cls, spec: Mapping[str, Any]) -> BasicActSpec:
        """Build from the validated ``regulator.basic_act`` section."""
        name = spec["name"]
        return cls(
            name=dict(name) if isinstance(name, Mapping) else {"en": str(name), "ko": str(name)},
            effective=int(spec["effective"]),
            fine_krw_m_per_violation=float(spec["fine_krw_m_per_violation"]),
            violations_per_inspection=float(spec["violations_per_inspection"]),
            trust_penalty=float(spec["trust_penalty"]),
            obligations=tuple(ObligationSpec.from_section(o) for o in spec["obligations"]),
        )


@dataclass(frozen=True)
class ReviewSpec:
    """A review of the sovereign programme: at quarter ``at``, ``keep`` teams stay."""

    at: int
    keep: int


@dataclass(frozen=True)
class ProgrammeSpec:
    """The sovereign AI programme (``regulator.sovereign_programme``): selection, team count, reviews."""

    selection: int  # quarter number
    teams: int
    reviews: tuple[ReviewSpec, ...]  # in time order

    @classmethod
    def from_section(cls, spec: Mapping[str, Any]) -> ProgrammeSpec:
        """Build from the validated section; reviews are sorted by quarter."""
        reviews = sorted(
            (ReviewSpec(int(r["at"]), int(r["keep"])) for r in spec.get("reviews") or []), key=lambda r: r.at
        )
        return cls(selection=int(spec["selection"]), teams=int(spec["teams"]), reviews=tuple(reviews))


@dataclass(frozen=True)
class RegulatorSpec:
    """The ``regulator:`` section: the Act, the sovereign programme (if any) and the review threshold."""

    basic_act: BasicActSpec
    sovereign_programme: ProgrammeSpec | None
    review_reach_threshold: float  # platforms reaching more than this share of a segment get reviewed

    @classmethod
    def from_section(cls, spec: Mapping[str, Any]) -> RegulatorSpec:
        """Build from the validated ``regulator:`` section."""
        programme = spec.get("sovereign_programme")
        return cls(
            basic_act=BasicActSpec.from_section(spec["basic_act"]),
            sovereign_programme=ProgrammeSpec.from_section(programme) if programme else None,
            review_reach_threshold=float(spec["review_reach_threshold"]),
        )
