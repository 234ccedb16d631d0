"""The regulator: policy levers, the public budget, and the AI Basic Act.

It turns lever values into money and rules each quarter: grants to sovereign-AI
teams, public GPUs, talent and data programmes, R&D tax credits, a procurement
preference for domestic models, reviews of foreign partnerships, and the AI
Basic Act calendar (obligations from the effective date, inspections and fines
after the grace period). All spend draws on one yearly budget; discretionary
programmes are scaled down when it runs short.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model.firms import Firm
    from sim.model.model import AIMarketModel
    from sim.model.partners import Partner

DATA_PROGRAMME_KRW_BN_PER_YEAR = 150.0  # cost of full public-data openness (assumption)
INSPECTION_COST_KRW_BN_PER_YEAR = 20.0  # at enforcement probability 1.0 and stringency 1 (assumption)
TEAM_SHARE_OF_COMPUTE = 0.5  # the rest of public GPUs goes to other domestic firms
GRACE_COST_FACTOR = 0.5
ENTITLEMENT_MARGIN = 1.15  # budget head-room for tax credits and procurement premiums growing with the market  # firms prepare, but spend half, while fines are deferred


class Regulator(mesa.Agent):
    """The state: reads the policy levers and applies them to firms and partners."""

    def __init__(self, model: AIMarketModel, spec: dict) -> None:
        super().__init__(model)
        act = spec["basic_act"]
        self.act_effective: int = act["effective"]
        self.fine_krw_m: float = act["fine_krw_m_per_violation"]
        self.violations_per_inspection: float = act["violations_per_inspection"]
        self.trust_penalty: float = act["trust_penalty"]
        self.obligations: list[dict] = act["obligations"]
        self.sovereign_teams: int = spec["sovereign_teams"]
        self.review_reach_threshold: float = spec["review_reach_threshold"]
        self.budget_year: int = -1
        self.spent_this_year_krw_bn: float = 0.0
        self.programme_scale: float = 1.0
        self.spend_krw_bn: float = 0.0
        self.compliance_cost_krw_bn: float = 0.0
        self.fines_krw_bn: float = 0.0
        self.inspections: int = 0
        self.reviews: list[tuple[str, str, str]] = []

    # --- levers and budget ---------------------------------------------
    def lever_costs_krw_bn_per_year(self, values: Mapping[str, Any] | None = None) -> dict[str, float]:
        """Planned yearly cost of each spending lever at its current value.

        ``values`` prices other lever values (e.g. a player's pending changes)
        without changing the model.
        """
        p = {**self.model.params, **(values or {})}
        gpu_cost_krw_bn_per_k = p["gpu_cost_krw_m_per_year"]  # KRW m per GPU = KRW bn per 1k GPUs
        return {
            "sovereign_ai_budget_krw_bn": p["sovereign_ai_budget_krw_bn"],
            "public_compute_gpus_k": p["public_compute_gpus_k"] * gpu_cost_krw_bn_per_k,
            "talent_programme_krw_bn": p["talent_programme_krw_bn"],
            "public_data_openness": p["public_data_openness"] * DATA_PROGRAMME_KRW_BN_PER_YEAR,
            "act_enforcement_probability": p["act_enforcement_probability"]
            * p["act_stringency"]
            * INSPECTION_COST_KRW_BN_PER_YEAR,
            "rd_tax_credit": self._estimated_tax_credit_krw_bn_per_year(p["rd_tax_credit"]),
            "procurement_domestic_preference": self._estimated_procurement_premium_krw_bn_per_year(
                p["procurement_domestic_preference"]
            ),
        }

    def _estimated_tax_credit_krw_bn_per_year(self, credit: float) -> float:
        rd = sum(
            max(f.own_rd_usd_bn_per_year, f.rd_usd_bn_per_year) for f in self.model.firms if f.available and f.domestic
        )
        return credit * rd * self.model.krw_per_usd

    def _estimated_procurement_premium_krw_bn_per_year(self, preference: float) -> float:
        public = self.model.segment_index["public"]
        revenue = sum(f.revenue_by_segment[public] for f in self.model.firms if f.domestic)
        return preference * revenue * 4.0 * self.model.krw_per_usd

    def budget_left_krw_bn(self) -> float:
        return self.model.params["policy_budget_krw_bn_per_year"] - self.spent_this_year_krw_bn

    def allocate(self, quarter: int) -> None:
        """Start-of-quarter: scale programmes to the budget, hand out grants and GPUs."""
        year = quarter // 4
        if year != self.budget_year:
            self.budget_year = year
            self.spent_this_year_krw_bn = 0.0
        p = self.model.params
        costs = self.lever_costs_krw_bn_per_year()
        discretionary = sum(
            costs[k]
            for k in (
                "sovereign_ai_budget_krw_bn",
                "public_compute_gpus_k",
                "talent_programme_krw_bn",
                "public_data_openness",
            )
        )
        # entitlements are estimated from last quarter and the market grows, hence the margin
        entitlements = (costs["rd_tax_credit"] + costs["procurement_domestic_preference"]) * ENTITLEMENT_MARGIN + costs[
            "act_enforcement_probability"
        ]
        quarters_left = 4 - quarter % 4
        room_per_year = max(self.budget_left_krw_bn(), 0.0) / quarters_left * 4.0 - entitlements
        self.programme_scale = 1.0 if discretionary <= room_per_year else max(room_per_year, 0.0) / discretionary
        krw = self.model.krw_per_usd
        domestic = [f for f in self.model.firms if f.available and f.domestic]
        for firm in self.model.firms:
            firm.grant_usd_bn = 0.0
            firm.public_gpus_k = 0.0
        teams = self.sovereign_team_members(domestic)
        if teams:
            grant_usd_bn = p["sovereign_ai_budget_krw_bn"] * self.programme_scale / krw / 4.0 / len(teams)
            gpus = p["public_compute_gpus_k"] * self.programme_scale
            others = [f for f in domestic if f not in teams]
            team_gpus = gpus * (TEAM_SHARE_OF_COMPUTE if others else 1.0) / len(teams)
            for firm in teams:
                firm.grant_usd_bn = grant_usd_bn
                firm.public_gpus_k = team_gpus
            for firm in others:
                firm.public_gpus_k = gpus * (1.0 - TEAM_SHARE_OF_COMPUTE) / len(others)
        self.spend_krw_bn = discretionary * self.programme_scale / 4.0 + costs["act_enforcement_probability"] / 4.0

    def sovereign_team_members(self, domestic: list[Firm]) -> list[Firm]:
        """The programme's teams: flagged teams first, then the most capable domestic firms."""
        ranked = sorted(domestic, key=lambda f: (not f.sovereign_team, -f.capability, f.index))
        return ranked[: self.sovereign_teams]

    def talent_factor(self) -> float:
        """Multiplier on domestic R&D productivity from the talent programme (saturating)."""
        spend = self.model.params["talent_programme_krw_bn"] * self.programme_scale
        return 1.0 + 0.3 * spend / (spend + 300.0)

    # --- partnership review ---------------------------------------------
    def review(self, partner: Partner, firm: Firm) -> str:
        """Decide on a deal between a platform and a provider: allow, conditions or block."""
        if firm.domestic or partner.max_reach < self.review_reach_threshold or firm.index == partner.own_model:
            return "allow"
        decision = self.model.params["partnership_review"]
        self.reviews.append((partner.partner_id, firm.firm_id, decision))
        return decision

    # --- AI Basic Act ----------------------------------------------------
    def act_phase(self, quarter: int) -> str:
        """``before``, ``grace`` (obligations, no fines) or ``enforced``."""
        if quarter < self.act_effective or self.model.params["act_stringency"] <= 0:
            return "before"
        if quarter < self.act_effective + self.model.params["act_grace_quarters"]:
            return "grace"
        return "enforced"

    def obligation_cost_krw_bn_per_year(self, firm: Firm) -> float:
        """What full compliance costs ``firm`` per year at the current stringency."""
        p = self.model.params
        total = 0.0
        revenue_krw_bn = firm.revenue_usd_bn * 4.0 * self.model.krw_per_usd
        for obligation in self.obligations:
            applies = obligation["applies_to"]
            if applies == "large" and firm.size != "large":
                continue
            if applies == "foreign_large" and not (firm.size == "large" and not firm.domestic):
                continue
            if applies == "frontier" and not firm.frontier_lab:
                continue
            fixed_krw_m = obligation["cost_krw_m_per_year"][firm.size]
            total += fixed_krw_m / 1000.0 + obligation["revenue_share_cost"] * revenue_krw_bn
        return total * p["act_stringency"] * p["compliance_cost_scale"]

    def enforce(self, quarter: int, rng: np.random.Generator) -> None:
        """Charge compliance costs, run inspections and fine firms that do not comply."""
        phase = self.act_phase(quarter)
        p = self.model.params
        krw = self.model.krw_per_usd
        self.compliance_cost_krw_bn = 0.0
        self.fines_krw_bn = 0.0
        per_quarter = 1.0 - (1.0 - p["act_enforcement_probability"]) ** 0.25
        for firm in self.model.firms:
            firm.compliance_cost_usd_bn = 0.0
            firm.fines_usd_bn = 0.0
            if not firm.available or phase == "before":
                continue
            cost = self.obligation_cost_krw_bn_per_year(firm) / 4.0
            fine_krw_bn = self.fine_krw_m * self.violations_per_inspection * p["act_stringency"] / 1000.0
            if firm.size == "large":
                firm.complies = True
            else:
                # A small firm complies when the expected yearly penalty (fine plus
                # lost trust, valued at a share of revenue) outweighs the cost.
                expected_penalty = p["act_enforcement_probability"] * (
                    fine_krw_bn + self.trust_penalty * firm.revenue_usd_bn * 4.0 * krw
                )
                firm.complies = expected_penalty * 4.0 >= cost * 4.0 * 0.5
            if firm.complies:
                factor = GRACE_COST_FACTOR if phase == "grace" else 1.0
                firm.compliance_cost_usd_bn = cost * factor / krw
                self.compliance_cost_krw_bn += cost * factor
            elif phase == "enforced" and rng.random() < per_quarter:
                self.inspections += 1
                firm.fines_usd_bn = fine_krw_bn / krw
                firm.trust -= self.trust_penalty
                self.fines_krw_bn += fine_krw_bn
        # Inspectors' cost already counted in allocate(); trust recovers slowly.
        for firm in self.model.firms:
            firm.trust *= 0.95

    def book_spend(self) -> None:
        """End of quarter: add entitlement spend (tax credits, procurement premium) and charge the budget."""
        p = self.model.params
        krw = self.model.krw_per_usd
        public = self.model.segment_index["public"]
        credit = p["rd_tax_credit"]
        tax_credit = sum(
            credit * f.own_rd_usd_bn_per_year / 4.0 * krw for f in self.model.firms if f.available and f.domestic
        )
        premium = (
            p["procurement_domestic_preference"]
            * sum(f.revenue_by_segment[public] for f in self.model.firms if f.domestic)
            * krw
        )
        self.spend_krw_bn += tax_credit + premium
        self.spent_this_year_krw_bn += self.spend_krw_bn
