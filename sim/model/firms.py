"""AI firms: foreign and domestic model makers.

Each quarter a firm invests (R&D, compute; grants and public GPUs for domestic
firms), sets its price, pays compliance costs, books revenue, and exits when its
cash runs out. Frontier labs track the global frontier; followers close the gap
at a rate that rises with effective investment (a saturating catch-up curve).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model.model import AIMarketModel

# Catch-up curve: the share of the gap to the frontier a follower closes per
# quarter is MAX_CATCH_UP * E / (E + HALF_SATURATION_USD_BN), E = effective
# R&D in USD bn per year. With frontier growth of ~35 %/yr a follower settles
# at r(1+g)/(g+r) of the frontier: ~75 % for E = 0.5, ~87 % for E = 1.5 and
# ~92 % for E = 3 (assumption: money buys catch-up with diminishing returns).
MAX_CATCH_UP = 0.6
HALF_SATURATION_USD_BN = 1.2
PRICE_RESPONSE = 0.1  # a firm losing share aims 10 % below its reference price
REVENUE_TO_RD = 0.08  # share of revenue re-invested in R&D on top of the base budget
COMPUTE_DISCOUNT_MAX = 0.6  # public GPU access cuts training cost 30-60 % (CALIBRATION.md, assumption)
COMPUTE_HALF_SATURATION_K = 15.0  # thousand GPUs at which half of that discount is reached
OWN_COMPUTE_FOR_TRAINING = 0.25  # share of a firm's own GPUs used for training
KOREAN_LEARNING = 0.04  # per quarter, times Korea focus, of the remaining gap to 1
DATA_LEARNING = 0.05  # per quarter, times public data openness (domestic firms get 1.5x)


class Firm(mesa.Agent):
    """An AI model provider (``origin``: foreign or domestic)."""

    def __init__(self, model: AIMarketModel, spec: dict, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.firm_id: str = spec["id"]
        self.name: str = spec["name"]
        self.origin: str = spec["origin"]
        self.size: str = spec["size"]
        self.frontier_lab: bool = spec["frontier_lab"]
        self.sovereign_team: bool = spec["sovereign_team"]
        # capability is kept relative to the current frontier (1 = frontier)
        self.capability: float = spec["capability"]
        self.korean_quality: float = spec["korean_quality"]
        self.price: float = spec["price"]
        self.reference_price: float = spec["price"]
        self.unit_cost: float = spec["unit_cost"]
        self.compute_k_gpus: float = spec["compute_k_gpus"]
        self.cash_usd_bn: float = spec["cash_usd_bn"]
        self.rd_usd_bn_per_year: float = spec["rd_usd_bn_per_year"]
        self.fixed_cost_usd_bn_per_year: float = spec["fixed_cost_usd_bn_per_year"]
        self.price_agility: float = spec["strategy"]["price_agility"]
        self.partner_offer: float = spec["strategy"]["partner_offer"]
        self.korea_focus: float = spec["strategy"]["korea_focus"]
        self.trust: float = 0.0
        self.enters: int | None = spec["enters"]
        self.active: bool = spec["enters"] is None
        self.exited: bool = False
        self.exit_quarter: int | None = None
        # per-quarter bookkeeping
        self.revenue_usd_bn: float = 0.0
        self.revenue_by_segment = [0.0, 0.0, 0.0]
        self.previous_share: float = 0.0
        self.revenue_share: float = 0.0
        self.grant_usd_bn: float = 0.0
        self.public_gpus_k: float = 0.0
        self.compliance_cost_usd_bn: float = 0.0
        self.fines_usd_bn: float = 0.0
        self.complies: bool = True
        self.profit_usd_bn: float = 0.0
        self.effective_rd_usd_bn: float = 0.0
        self.own_rd_usd_bn_per_year: float = 0.0
        self.catch_up_rate: float = 0.0

    @property
    def domestic(self) -> bool:
        return self.origin == "domestic"

    @property
    def available(self) -> bool:
        return self.active and not self.exited

    # --- invest --------------------------------------------------------
    def invest(
        self, frontier_growth_quarter: float, rd_tax_credit: float, talent_factor: float, data_openness: float
    ) -> None:
        """Spend on R&D and move capability and Korean quality for this quarter."""
        own_rd = self.rd_usd_bn_per_year + REVENUE_TO_RD * 4.0 * self.revenue_usd_bn
        self.own_rd_usd_bn_per_year = own_rd
        credit = rd_tax_credit if self.domestic else 0.0
        # Compute makes every won of R&D go further: public GPUs cut training
        # cost by up to COMPUTE_DISCOUNT_MAX (30-60 % assumed), saturating.
        gpus_k = self.compute_k_gpus * OWN_COMPUTE_FOR_TRAINING + self.public_gpus_k
        compute_boost = COMPUTE_DISCOUNT_MAX * gpus_k / (gpus_k + COMPUTE_HALF_SATURATION_K)
        effective = (own_rd * (1.0 + credit) + self.grant_usd_bn * 4.0) / (1.0 - compute_boost)
        if self.domestic:
            effective *= talent_factor
        self.effective_rd_usd_bn = effective
        self.cash_usd_bn -= own_rd / 4.0 * (1.0 - credit)
        if self.frontier_lab:
            # a frontier lab keeps its position relative to the frontier
            return
        rate = MAX_CATCH_UP * effective / (effective + HALF_SATURATION_USD_BN)
        self.catch_up_rate = rate
        # relative form of c' = c + rate (F' - c), with F' = F (1 + g)
        self.capability = self.capability * (1.0 - rate) / (1.0 + frontier_growth_quarter) + rate
        learning = KOREAN_LEARNING * self.korea_focus + DATA_LEARNING * data_openness * (1.5 if self.domestic else 0.5)
        self.korean_quality += learning * (1.0 - self.korean_quality) * 0.25

    # --- price ---------------------------------------------------------
    def set_price(self) -> None:
        """Move price towards the reference, 10 % below it when losing share, above when gaining.

        ``price_agility`` is how far the price moves towards that target each
        quarter (x10, capped at all the way); it never goes below serving cost
        plus the compliance cost per unit of revenue.
        """
        signal = 0.0
        if self.revenue_share < self.previous_share - 1e-4:
            signal = -1.0
        elif self.revenue_share > self.previous_share + 1e-4:
            signal = 1.0
        target = self.reference_price * (1.0 + PRICE_RESPONSE * signal)
        speed = min(1.0, self.price_agility * 10.0)
        price = self.price + speed * (target - self.price)
        compliance_markup = 0.0
        if self.revenue_usd_bn > 0:
            compliance_markup = self.compliance_cost_usd_bn / self.revenue_usd_bn
        floor = self.unit_cost * 1.1 + min(compliance_markup, 0.5)
        self.price = float(min(max(price, floor), 3.0))

    # --- settle --------------------------------------------------------
    def settle(self) -> None:
        """Book this quarter's revenue and costs into cash; exit if cash runs out."""
        serving = self.revenue_usd_bn * self.unit_cost / max(self.price, 1e-9)
        self.profit_usd_bn = (
            self.revenue_usd_bn
            - serving
            - self.fixed_cost_usd_bn_per_year / 4.0
            - self.compliance_cost_usd_bn
            - self.fines_usd_bn
        )
        self.cash_usd_bn += self.profit_usd_bn
        if self.cash_usd_bn < 0.0:
            self.exited = True
            self.active = False
