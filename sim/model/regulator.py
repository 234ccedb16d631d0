"""The regulator: policy levers, the public budget, and the AI Basic Act.

It turns lever values into money and rules each quarter:

* **One budget identity.** Every public outlay counts against the year's policy
  budget: sovereign-AI grants, public GPUs, the talent and data programmes,
  inspections and the procurement preference (the state reimburses public
  buyers the preference on domestic models). R&D tax credits are tax
  expenditure on a separate line with its own yearly cap (a scenario setting),
  claims beyond it are not paid. Each
  quarter may spend the budget left divided by the quarters left in the year;
  when the programmes and entitlements asked for exceed that, every programme
  and every entitlement rate is scaled back by the same factor, and the news and
  the ``budget_scale`` / ``programmes_scaled_back`` outputs say so. Claims that
  still exceed the allowance at booking are paid only up to it, so the budget
  left is never negative.
* **The sovereign AI programme** picks teams from the applicants by a stated
  rule (capability plus Korean quality) at the selection quarter and cuts them
  at reviews to the best progress since selection; teams share the grants and
  most public GPUs.
* **The AI Basic Act**: obligations from the effective date with costs by firm
  size; a grace period in which firms prepare partly and fines are deferred;
  then inspections of non-compliant firms with fines and lost trust. A firm
  complies when the expected yearly penalty is at least the yearly cost (large
  firms always: their reputation is at stake). Compliance lowers the rate of
  incidents (leaks, harmful outputs); incidents cost the firm trust (decaying),
  spill over to foreign AI in general when a foreign firm is involved, and build
  public pressure, which makes inspectors more active and attaches conditions to
  foreign deals. Firms' public affairs spending softens compliance costs and
  reviews.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model.firms import Firm
    from sim.model.model import AIMarketModel
    from sim.model.partners import Partner
    from sim.model.specs import ObligationSpec, RegulatorSpec, ReviewSpec

PROGRAMMES = (
    "sovereign_ai_budget_krw_bn",
    "public_compute_gpus_k",
    "talent_programme_krw_bn",
    "public_data_openness",
    "act_enforcement_probability",
)
ENTITLEMENTS = ("procurement_domestic_preference",)


class Regulator(mesa.Agent):
    """The state: reads the policy levers and applies them to firms and partners."""

    def __init__(self, model: AIMarketModel, spec: RegulatorSpec) -> None:
        super().__init__(model)
        act = spec.basic_act
        self.act_effective: int = act.effective
        self.fine_krw_m: float = act.fine_krw_m_per_violation
        self.violations_per_inspection: float = act.violations_per_inspection
        self.trust_penalty: float = act.trust_penalty
        self.obligations: tuple[ObligationSpec, ...] = act.obligations
        programme = spec.sovereign_programme
        self.selection_quarter: int | None = programme.selection if programme else None
        self.initial_teams: int = programme.teams if programme else 0
        self.reviews: tuple[ReviewSpec, ...] = programme.reviews if programme else ()
        self.review_reach_threshold: float = spec.review_reach_threshold
        self.team_ids: list[str] = []
        self.team_start_capability: dict[str, float] = {}
        self.budget_year: int = -1
        self.spent_this_year_krw_bn: float = 0.0
        self.tax_spent_this_year_krw_bn: float = 0.0
        self.allowance_krw_bn: float = 0.0
        self.tax_scale: float = 1.0
        self.tax_expenditure_krw_bn: float = 0.0
        self.programme_scale: float = 1.0
        self.scaled_back: dict[str, float] = {}
        self.spend_krw_bn: float = 0.0
        self.spend_by_item_krw_bn: dict[str, float] = {}
        self.compliance_cost_krw_bn: float = 0.0
        self.fines_krw_bn: float = 0.0
        self.inspections: int = 0
        self.incidents: int = 0
        self.incident_risk: float = 0.0  # expected incidents this quarter, given firms' practice
        self.pressure: float = 0.0
        self.deal_reviews: list[tuple[str, str, str]] = []
        self.review_reason: str | None = None  # why the last review departed from the lever

    def shortfall_krw_bn(self) -> float:
        """What this quarter's budget left unfunded, KRW bn (the programmes scaled back, a quarter's worth)."""
        return sum(self.scaled_back.values()) / 4.0

    # --- effective lever values after budget scaling --------------------
    @property
    def effective_rd_tax_credit(self) -> float:
        """The credit rate paid this quarter: the lever, scaled to the tax line's cap."""
        return self.model.params["rd_tax_credit"] * self.tax_scale

    @property
    def effective_procurement_preference(self) -> float:
        """The preference public buyers act on this quarter: the lever, scaled to the budget."""
        return self.model.params["procurement_domestic_preference"] * self.programme_scale

    @property
    def effective_enforcement(self) -> float:
        """Yearly inspection probability: the lever, as funded, raised by public pressure."""
        c = self.model.constants
        raised = self.model.params["act_enforcement_probability"] * (
            1.0 + c["pressure_enforcement_response"] * self.pressure
        )
        return min(1.0, raised * self.programme_scale)

    # --- levers and budget ---------------------------------------------
    def lever_costs_krw_bn_per_year(self, values: Mapping[str, Any] | None = None) -> dict[str, float]:
        """Planned yearly cost of each spending lever at its current value (before any scaling).

        ``values`` prices other lever values (e.g. a player's pending changes)
        without changing the model. Entitlements are estimated from last quarter.
        """
        p = {**self.model.params, **(values or {})}
        c = self.model.constants
        krw = self.model.krw_per_usd
        gpu_cost_krw_bn_per_k = p["gpu_cost_krw_m_per_year"]  # KRW m per GPU = KRW bn per 1k GPUs
        domestic = [f for f in self.model.firms if f.available and f.domestic]
        investment = sum(f.investment_usd_bn * 4.0 for f in domestic)
        public = self.model.segment_index["public"]
        public_domestic_revenue = sum(f.revenue_by_segment[public] * 4.0 for f in domestic)
        return {
            "sovereign_ai_budget_krw_bn": p["sovereign_ai_budget_krw_bn"]
            if self.team_ids or self._before_selection()
            else 0.0,
            "public_compute_gpus_k": p["public_compute_gpus_k"] * gpu_cost_krw_bn_per_k,
            "talent_programme_krw_bn": p["talent_programme_krw_bn"],
            "public_data_openness": p["public_data_openness"] * c["data_programme_cost_krw_bn_per_year"],
            "act_enforcement_probability": p["act_enforcement_probability"]
            * p["act_stringency"]
            * c["inspection_cost_krw_bn_per_year"],
            "rd_tax_credit": p["rd_tax_credit"] * investment * krw,
            "procurement_domestic_preference": p["procurement_domestic_preference"] * public_domestic_revenue * krw,
        }

    def _before_selection(self) -> bool:
        """Teams not chosen yet, or chosen at the start of the coming quarter (the programme is planned)."""
        return self.selection_quarter is not None and self.model.quarter <= self.selection_quarter

    def budget_left_krw_bn(self) -> float:
        """Policy budget left this year, KRW bn (never negative)."""
        return self.model.params["policy_budget_krw_bn_per_year"] - self.spent_this_year_krw_bn

    def tax_room_left_krw_bn(self) -> float:
        """Tax-credit line left this year, KRW bn."""
        return self.model.params["tax_credit_cap_krw_bn_per_year"] - self.tax_spent_this_year_krw_bn

    def allocate(self, quarter: int) -> None:
        """Start of quarter: the budget allowance, programme scaling, teams, grants and GPUs."""
        year = quarter // 4
        if year != self.budget_year:
            self.budget_year = year
            self.spent_this_year_krw_bn = 0.0
            self.tax_spent_this_year_krw_bn = 0.0
        self._update_teams(quarter)
        p = self.model.params
        costs = self.lever_costs_krw_bn_per_year()
        quarters_left = 4 - quarter % 4
        tax_allowance = max(self.tax_room_left_krw_bn(), 0.0) / quarters_left
        credit_asked = costs.pop("rd_tax_credit") / 4.0
        self.tax_scale = 1.0 if credit_asked <= tax_allowance else tax_allowance / credit_asked
        self.tax_allowance_krw_bn = tax_allowance
        if not self.team_ids:
            costs["sovereign_ai_budget_krw_bn"] = 0.0  # no teams yet: nothing to fund
        self.allowance_krw_bn = max(self.budget_left_krw_bn(), 0.0) / quarters_left
        asked = sum(costs.values()) / 4.0
        before = self.programme_scale
        self.programme_scale = 1.0 if asked <= self.allowance_krw_bn else self.allowance_krw_bn / asked
        self.scaled_back = {
            name: cost * (1.0 - self.programme_scale)
            for name, cost in costs.items()
            if cost > 0 and self.programme_scale < 1.0
        }
        if self.programme_scale < 0.999 and (before >= 0.999 or quarter % 4 == 0):
            names = ", ".join(self.model.scenario_def.parameters[n].label_for("en") for n in self.scaled_back)
            names_ko = ", ".join(self.model.scenario_def.parameters[n].label_for("ko") for n in self.scaled_back)
            cut = 1.0 - self.programme_scale
            self.model.add_news(
                quarter,
                "budget",
                f"Budget binds: programmes cut by {cut:.0%} ({names})",
                f"예산 부족: 사업 {cut:.0%} 축소 ({names_ko})",
            )
        krw = self.model.krw_per_usd
        scale = self.programme_scale
        for firm in self.model.firms:
            firm.grant_usd_bn = 0.0
            firm.public_gpus_k = 0.0
        domestic = [f for f in self.model.firms if f.available and f.domestic]
        teams = [f for f in domestic if f.firm_id in self.team_ids]
        others = [f for f in domestic if f.firm_id not in self.team_ids]
        gpus = p["public_compute_gpus_k"] * scale
        team_share = self.model.constants["team_compute_share"] if (teams and others) else (1.0 if teams else 0.0)
        grants_krw_bn = costs["sovereign_ai_budget_krw_bn"] * scale if teams else 0.0
        for firm in teams:
            firm.grant_usd_bn = grants_krw_bn / krw / 4.0 / len(teams)
            firm.public_gpus_k = gpus * team_share / len(teams)
        for firm in others:
            firm.public_gpus_k = gpus * (1.0 - team_share) / len(others)
        programme_costs = {name: costs[name] * scale / 4.0 for name in PROGRAMMES}
        self.spend_by_item_krw_bn = dict(programme_costs)
        self.spend_krw_bn = sum(programme_costs.values())

    def _update_teams(self, quarter: int) -> None:
        """Selection and reviews of the sovereign AI programme (a stated rule; see the module docstring)."""
        firms = self.model.firms
        if self.selection_quarter is not None and quarter == max(self.selection_quarter, self.model.scenario_def.start):
            applicants = [f for f in firms if f.available and f.domestic and f.spec.sovereign_applicant]
            ranked = sorted(applicants, key=lambda f: (-(f.capability + f.korean_quality), f.index))
            chosen = ranked[: self.initial_teams]
            self.team_ids = [f.firm_id for f in chosen]
            self.team_start_capability = {f.firm_id: f.capability for f in chosen}
            if chosen:
                names = ", ".join(f.name for f in chosen)
                names_ko = ", ".join(f.name_ko for f in chosen)
                self.model.add_news(
                    quarter,
                    "programme",
                    f"Sovereign AI teams selected: {names}",
                    f"독자 AI 파운데이션 모델 사업 선정: {names_ko}",
                )
        # teams that left the market leave the programme
        self.team_ids = [i for i in self.team_ids if self.model.firm_by_id[i].available]
        for review in self.reviews:
            if review.at == quarter and len(self.team_ids) > review.keep:
                by_progress = sorted(
                    self.team_ids,
                    key=lambda i: (
                        -(self.model.firm_by_id[i].capability - self.team_start_capability.get(i, 0.0)),
                        self.model.firm_by_id[i].index,
                    ),
                )
                dropped = by_progress[review.keep :]
                self.team_ids = by_progress[: review.keep]
                names = ", ".join(self.model.firm_by_id[i].name for i in dropped)
                names_ko = ", ".join(self.model.firm_by_id[i].name_ko for i in dropped)
                self.model.add_news(
                    quarter,
                    "programme",
                    f"Sovereign AI review: {names} dropped (least progress)",
                    f"독자 AI 사업 평가: {names_ko} 탈락(진척 최저)",
                )
        for firm in firms:
            firm.sovereign_team = firm.firm_id in self.team_ids

    def talent_factor(self) -> float:
        """Multiplier on domestic R&D productivity from the talent programme (saturating)."""
        c = self.model.constants
        spend = self.model.params["talent_programme_krw_bn"] * self.programme_scale
        return 1.0 + c["talent_max_boost"] * spend / (spend + c["talent_half_saturation_krw_bn"])

    # --- partnership review ---------------------------------------------
    def review(self, partner: Partner, firm: Firm) -> str:
        """Decide on a deal between a platform and a provider: allow, conditions or block.

        The lever sets the stance; public pressure after incidents escalates
        ``allow`` to ``conditions``; a firm's influence (public affairs) softens
        ``block`` to ``conditions``.
        """
        if firm.domestic or partner.max_reach < self.review_reach_threshold or firm.index == partner.own_model:
            return "allow"
        c = self.model.constants
        decision = self.model.params["partnership_review"]
        self.review_reason = None
        if decision == "allow" and self.pressure >= c["pressure_review_threshold"]:
            decision, self.review_reason = "conditions", "pressure"
        if decision == "block" and firm.influence >= c["influence_review_threshold"]:
            decision, self.review_reason = "conditions", "influence"
        self.deal_reviews.append((partner.partner_id, firm.firm_id, decision))
        return decision

    def explain_review(self, partner: Partner, firm: Firm, quarter: int) -> None:
        """A news item when a deal's review departed from the lever (public pressure, or the firm's influence)."""
        if self.review_reason == "pressure":
            self.model.add_news(
                quarter,
                "review",
                f"Under public pressure, the regulator attaches conditions to {partner.name}–{firm.name}",
                f"여론 압력 속에 규제 당국이 {partner.name_ko}–{firm.name_ko} 제휴에 조건을 붙임",
            )
        elif self.review_reason == "influence":
            self.model.add_news(
                quarter,
                "review",
                f"{firm.name}'s lobbying softens a block into conditions for {partner.name}–{firm.name}",
                f"{firm.name_ko}의 대관 활동으로 {partner.name_ko}–{firm.name_ko} 제휴 불허가 조건부 허용으로 완화",
            )
        self.review_reason = None

    # --- AI Basic Act ----------------------------------------------------
    def act_phase(self, quarter: int) -> str:
        """``before``, ``grace`` (obligations, no fines) or ``enforced``."""
        if quarter < self.act_effective or self.model.params["act_stringency"] <= 0:
            return "before"
        if quarter < self.act_effective + self.model.params["act_grace_quarters"]:
            return "grace"
        return "enforced"

    def launch_delay_quarters(self, quarter: int) -> float:
        """How long new capability waits for assessments before it reaches Korean users (large firms)."""
        if self.act_phase(quarter) == "before":
            return 0.0
        return self.model.constants["launch_delay_quarters_per_stringency"] * self.model.params["act_stringency"]

    def obligation_cost_krw_bn_per_year(self, firm: Firm) -> float:
        """What full compliance costs ``firm`` per year at the current stringency."""
        p = self.model.params
        total = 0.0
        revenue_krw_bn = firm.revenue_usd_bn * 4.0 * self.model.krw_per_usd
        for fixed_krw_bn, revenue_share in self._obligation_terms(firm):
            total += fixed_krw_bn + revenue_share * revenue_krw_bn
        relief = 1.0 - self.model.constants["influence_cost_relief"] * firm.influence
        return total * p["act_stringency"] * p["compliance_cost_scale"] * relief

    def _obligation_terms(self, firm: Firm) -> tuple[tuple[float, float], ...]:
        """(fixed cost in KRW bn a year, share of revenue) of each obligation that binds ``firm``, in the
        Act's order. Whom an obligation binds depends only on a firm's size, origin and frontier status,
        none of which changes, so the terms are kept per kind of firm (asked for every firm, every quarter)."""
        kind = (firm.size, firm.domestic, firm.frontier_lab)
        kept = self.__dict__.setdefault("_obligation_terms_by_kind", {})
        terms = kept.get(kind)
        if terms is None:
            terms = kept[kind] = tuple(
                (obligation.cost_krw_m_per_year[firm.size] / 1000.0, obligation.revenue_share_cost)
                for obligation in self.obligations
                if _binds(obligation.applies_to, firm)
            )
        return terms

    def fine_krw_bn(self) -> float:
        """The fine for one inspection that finds violations, KRW bn (scales with stringency)."""
        return self.fine_krw_m * self.violations_per_inspection * self.model.params["act_stringency"] / 1000.0

    def enforce(self, quarter: int, rng: np.random.Generator) -> None:
        """Compliance choices and costs, incidents, inspections and fines, trust and pressure."""
        phase = self.act_phase(quarter)
        p = self.model.params
        c = self.model.constants
        krw = self.model.krw_per_usd
        self.compliance_cost_krw_bn = 0.0
        self.fines_krw_bn = 0.0
        self.incidents = 0
        self.incident_risk = 0.0
        yearly_inspection = self.effective_enforcement
        per_quarter = 1.0 - (1.0 - yearly_inspection) ** 0.25
        stringency = p["act_stringency"]
        trust_decay = 0.5 ** (1.0 / c["trust_half_life_quarters"])
        foreign_hit = 0.0
        for firm in self.model.firms:
            firm.compliance_cost_usd_bn = 0.0
            firm.fines_usd_bn = 0.0
            firm.incidents = 0
            firm.trust *= trust_decay
            if not firm.available:
                continue
            cost_year = self.obligation_cost_krw_bn_per_year(firm) if phase != "before" else 0.0
            if phase == "before":
                firm.complies, firm.compliance_level = False, 0.0
            else:
                if firm.size == "large":
                    firm.complies = True
                else:
                    # comply when the expected yearly penalty (fine plus lost trust, valued
                    # as a share of revenue) is at least the yearly cost of compliance
                    trust_value = c["trust_value_share_of_revenue"] * firm.revenue_usd_bn * 4.0 * krw
                    expected_penalty = yearly_inspection * (self.fine_krw_bn() + trust_value)
                    firm.complies = expected_penalty >= cost_year
                if firm.complies:
                    share = c["grace_compliance_share"] if phase == "grace" else 1.0
                    firm.compliance_level = share
                    firm.compliance_cost_usd_bn = cost_year / 4.0 * share / krw
                    self.compliance_cost_krw_bn += cost_year / 4.0 * share
                else:
                    firm.compliance_level = 0.0
            # incidents: rarer the safer the firm's practice
            unsafe = (1.0 - c["voluntary_safety"]) * math.exp(
                -c["stringency_safety_effect"] * stringency * firm.compliance_level
            )
            risk = c["incident_rate_per_quarter"] * unsafe
            self.incident_risk += risk
            if rng.random() < risk:
                firm.incidents = 1
                self.incidents += 1
                firm.trust -= c["incident_trust_hit"]
                if not firm.domestic:
                    foreign_hit += c["foreign_incident_spillover"]
                self.model.add_news(
                    quarter,
                    "incident",
                    f"Incident at {firm.name}: a leak or harmful output makes headlines",
                    f"{firm.name_ko} 사고: 정보 유출·유해 출력 보도",
                )
            if phase == "enforced" and not firm.complies and rng.random() < per_quarter:
                self.inspections += 1
                fine = self.fine_krw_bn()
                firm.fines_usd_bn = fine / krw
                firm.trust -= self.trust_penalty
                self.fines_krw_bn += fine
        if foreign_hit:
            for state in self.model.segment_state.values():
                state["foreign_trust"] -= foreign_hit
        # public pressure: incidents, and concern when foreign firms hold too much of the market
        pressure_decay = 0.5 ** (1.0 / c["pressure_half_life_quarters"])
        foreign_share = self.model.history[-1]["foreign_revenue_share"] if self.model.history else 0.0
        concern = c["sovereignty_pressure_per_quarter"] * max(0.0, foreign_share - c["sovereignty_concern_threshold"])
        self.pressure = self.pressure * pressure_decay + self.incidents + concern

    def book_spend(self) -> None:
        """End of quarter: pay entitlements (tax credits, procurement reimbursement) within the allowance."""
        krw = self.model.krw_per_usd
        public = self.model.segment_index["public"]
        domestic = [f for f in self.model.firms if f.available and f.domestic]
        credit_rate = self.effective_rd_tax_credit
        claims = {f.firm_id: credit_rate * f.investment_usd_bn * krw for f in domestic}
        asked_credit = sum(claims.values())
        credit_share = 1.0 if asked_credit <= self.tax_allowance_krw_bn else self.tax_allowance_krw_bn / asked_credit
        for firm in self.model.firms:
            firm.tax_credit_usd_bn = claims.get(firm.firm_id, 0.0) * credit_share / krw
        self.tax_expenditure_krw_bn = asked_credit * credit_share
        self.tax_spent_this_year_krw_bn += self.tax_expenditure_krw_bn
        premium = self.effective_procurement_preference * sum(f.revenue_by_segment[public] for f in domestic) * krw
        room = max(self.allowance_krw_bn - self.spend_krw_bn, 0.0)
        paid = min(premium, room)
        self.spend_by_item_krw_bn["procurement_domestic_preference"] = paid
        self.spend_by_item_krw_bn["rd_tax_credit"] = self.tax_expenditure_krw_bn
        self.spend_krw_bn += paid
        self.spent_this_year_krw_bn += self.spend_krw_bn


def _binds(applies_to: str, firm: Firm) -> bool:
    """Whether an obligation that ``applies_to`` (all, large, foreign_large or frontier) binds ``firm``."""
    if applies_to == "large":
        return firm.size == "large"
    if applies_to == "foreign_large":
        return firm.size == "large" and not firm.domestic
    if applies_to == "frontier":
        return firm.frontier_lab
    return True
