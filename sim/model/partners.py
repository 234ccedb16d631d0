"""Partner platforms: messengers, telcos, device makers, apps with many users.

A platform distributes one AI provider to its users. When its contract ends (or
its provider leaves the market) it picks again by expected value: quality,
Korean quality, price, strategic autonomy (own or domestic model), the
provider's bid, public-sector incentives, trust, and a cost for switching, plus
a Gumbel taste shock. Deals come in kinds (scenario ``deals:``: e.g.
integration, exclusive, equity stake) with their own length and channel
strength. The regulator may review a deal with a foreign provider (allow /
conditions / block). A caller can dictate the next choice
(``{"partner:<id>": {"provider": ..., "deal": ...}}``): used when the contract is up, or
when an event offers the platform a deal, whichever comes first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model.firms import Firm
    from sim.model.model import AIMarketModel
    from sim.model.specs import PartnerSpec


class Partner(mesa.Agent):
    """A platform with reach into the segments, distributing one AI provider."""

    def __init__(self, model: AIMarketModel, spec: PartnerSpec, index: int, firm_index: dict[str, int]) -> None:
        super().__init__(model)
        self.index = index
        self.partner_id: str = spec.id
        self.name: str = spec.name
        self.name_ko: str = spec.name_ko
        self.reach: dict[str, float] = dict(spec.reach)
        self.own_model: int = firm_index[spec.own_model] if spec.own_model else -1
        self.provider: int = firm_index[spec.provider] if spec.provider else -1
        self.contract_quarters: int = spec.contract_quarters
        start = spec.contract_start if spec.contract_start is not None else model.scenario_def.start
        self.contract_end: int = start + self.contract_quarters
        self.preferences = spec.preferences
        self.deal: str = "own" if self.provider >= 0 and self.provider == self.own_model else model.default_deal
        self.strength: float = model.deal_strength(self.deal)
        self.switches: int = 0
        self.pending: dict | None = None  # a caller's choice for the next contract

    @property
    def max_reach(self) -> float:
        """The platform's largest reach over the segments (reviews apply above a threshold)."""
        return max(self.reach.values(), default=0.0)

    def value_of(self, firm: Firm, procurement_preference: float, bid_usd_bn_per_year: float) -> float:
        """Expected value of making ``firm`` this platform's provider (before the taste shock)."""
        prefs = self.preferences
        c = self.model.constants
        autonomy = 1.0 if firm.index == self.own_model else (0.5 if firm.domestic else 0.0)
        value = (
            prefs.quality * firm.offered_capability
            + prefs.korean * firm.korean_quality
            - prefs.price * firm.price
            + prefs.autonomy * autonomy
            + c["partner_money_weight"] * bid_usd_bn_per_year
            + firm.trust
        )
        if firm.domestic:
            value += procurement_preference * self.reach.get("public", 0.0) * 4.0
        if firm.index != self.provider:
            value -= prefs.switching_cost
        return value

    def needs_choice(self, quarter: int) -> bool:
        """A contract that ended or a provider that left forces a new choice."""
        if self.provider >= 0 and not self.model.firms[self.provider].available:
            return True
        return quarter >= self.contract_end

    def choose(self, quarter: int, rng: np.random.Generator) -> None:
        """Pick a provider (or the own model) and a kind of deal for a new contract, subject to review."""
        firms = [f for f in self.model.firms if f.available]
        noise = rng.gumbel(size=max(len(firms), 1)) * self.model.constants["partner_choice_noise"]
        if not firms:
            self.provider = -1
            return
        if self.pending is not None:
            wanted = self.model.firm_by_id.get(self.pending["provider"])
            deal = self.pending.get("deal") or self.model.default_deal
            self.pending = None
            if wanted is not None and wanted.available:
                decision = self.model.regulator.review(self, wanted)
                if decision != "block":
                    self.sign(wanted.index, quarter, decision, deal)
                    self.model.regulator.explain_review(self, wanted, quarter)
                    return
        preference = self.model.regulator.effective_procurement_preference
        values = np.array([self.value_of(f, preference, self._bid(f)) for f in firms]) + noise[: len(firms)]
        order = np.argsort(-values, kind="stable")
        for position in order:
            firm = firms[int(position)]
            decision = self.model.regulator.review(self, firm)
            if decision == "block":
                continue
            self.sign(firm.index, quarter, decision, self._deal_for(firm))
            self.model.regulator.explain_review(self, firm, quarter)
            return
        self.provider = -1

    def _bid(self, firm: Firm) -> float:
        decision = firm.decision
        return decision.partner_bid_usd_bn_per_year if decision is not None else 0.0

    def _deal_for(self, firm: Firm) -> str:
        """The rule: an own model is in-house; a bid at the top of the deal ladder buys a stronger deal."""
        if firm.index == self.own_model:
            return "own"
        return self.model.deal_for_bid(self._bid(firm))

    def sign(self, firm_index: int, quarter: int, decision: str = "allow", deal: str | None = None) -> None:
        """Make ``firm_index`` the provider from ``quarter`` for the deal's length."""
        deal = deal or self.model.default_deal
        if firm_index != self.provider:
            self.switches += 1
            self.model.platform_changed[self.index] = True
        self.provider = firm_index
        self.deal = deal
        self.contract_end = quarter + self.model.deal_quarters(deal, self.contract_quarters)
        strength = self.model.deal_strength(deal)
        if decision == "conditions":
            firm = self.model.firms[firm_index]
            relief = firm.influence  # public affairs soften the conditions attached
            base = self.model.constants["conditions_channel_strength"]
            strength = strength * (base + (1.0 - base) * relief)
        self.strength = strength
