"""Partner platforms: messengers, telcos, device makers, apps with many users.

A platform distributes one AI provider to its users. When its contract ends (or
its provider leaves the market) it picks again by expected value: quality,
Korean quality, price, strategic autonomy (own or domestic model), the
provider's offer, public-sector incentives, and a cost for switching. The
regulator may review a deal with a foreign provider (allow / conditions / block).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model.firms import Firm
    from sim.model.model import AIMarketModel

CONDITIONS_STRENGTH = 0.5  # channel strength of a deal allowed under conditions


class Partner(mesa.Agent):
    """A platform with reach into the segments, distributing one AI provider."""

    def __init__(self, model: AIMarketModel, spec: dict, index: int, firm_index: dict[str, int]) -> None:
        super().__init__(model)
        self.index = index
        self.partner_id: str = spec["id"]
        self.name: str = spec["name"]
        self.reach: dict[str, float] = dict(spec["reach"])
        self.own_model: int = firm_index[spec["own_model"]] if spec["own_model"] else -1
        self.provider: int = firm_index[spec["provider"]] if spec["provider"] else -1
        self.contract_quarters: int = spec["contract_quarters"]
        start = spec["contract_start"] if spec["contract_start"] is not None else model.scenario_def.start
        self.contract_end: int = start + self.contract_quarters
        self.preferences: dict[str, float] = dict(spec["preferences"])
        self.strength: float = 1.0
        self.switches: int = 0

    @property
    def max_reach(self) -> float:
        return max(self.reach.values(), default=0.0)

    def value_of(self, firm: Firm, procurement_preference: float) -> float:
        """Expected value of making ``firm`` this platform's provider (before noise)."""
        prefs = self.preferences
        autonomy = 1.0 if firm.index == self.own_model else (0.5 if firm.domestic else 0.0)
        value = (
            prefs["quality"] * firm.capability
            + prefs["korean"] * firm.korean_quality
            - prefs["price"] * firm.price
            + prefs["autonomy"] * autonomy
            + firm.partner_offer
            + firm.trust
        )
        if firm.domestic:
            value += procurement_preference * self.reach.get("public", 0.0) * 4.0
        if firm.index != self.provider:
            value -= prefs["switching_cost"]
        return value

    def needs_choice(self, quarter: int) -> bool:
        """A contract that ended or a provider that left forces a new choice."""
        if self.provider >= 0 and not self.model.firms[self.provider].available:
            return True
        return quarter >= self.contract_end

    def choose(self, quarter: int, rng: np.random.Generator) -> None:
        """Pick a provider (or the own model) for a new contract, subject to review."""
        firms = [f for f in self.model.firms if f.available]
        if not firms:
            self.provider = -1
            return
        preference = self.model.params["procurement_domestic_preference"]
        noise = rng.gumbel(size=len(firms)) * 0.2
        values = np.array([self.value_of(f, preference) for f in firms]) + noise
        order = np.argsort(-values, kind="stable")
        for position in order:
            firm = firms[int(position)]
            decision = self.model.regulator.review(self, firm)
            if decision == "block":
                continue
            self.sign(firm.index, self.contract_quarters, quarter, decision)
            return
        self.provider = -1

    def sign(self, firm_index: int, quarters: int, quarter: int, decision: str = "allow") -> None:
        """Make ``firm_index`` the provider for ``quarters`` quarters from ``quarter``."""
        if firm_index != self.provider:
            self.switches += 1
            self.model.platform_changed[self.index] = True
        self.provider = firm_index
        self.contract_end = quarter + quarters
        self.strength = CONDITIONS_STRENGTH if decision == "conditions" else 1.0
