"""AI firms: foreign and domestic model makers.

A firm's quarterly decisions (price, R&D, compute, Korean-language investment,
partnership bids, public affairs) come from its policy (:mod:`sim.model.policies`).
This module holds what follows from them:

* **Capability** is kept relative to the moving global frontier (1 = frontier).
  Followers close a share of the gap each quarter that rises with effective
  investment with diminishing returns and with absorptive capacity
  (``rate = max * E / (E + half) * c ** absorptive_exponent``), where effective
  investment is Cobb-Douglas in R&D and compute,
  ``E = talent * (R + grant_R) ** (1 - b) * (C + public GPUs) ** b``. Open-weight
  releases trail the frontier by an uncertain lag and pull every follower below
  them up (spillover). Frontier labs' capability is set abroad: it mean-reverts
  to the lab's own level with noise, so labs gain and lose ground.
* **Launch delays**: what a firm offers in Korea lags its capability by the AI
  Basic Act's delay (longer under stringent rules, longest for small firms).
* **Korean quality** rises with Korean-language investment (saturating) and
  public data (more for firms that train locally).
* **Cash**: revenue minus serving cost, fixed cost, investment after tax credit,
  compliance, fines, bids and public affairs. A firm exits when cash runs out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model.events import FIRM_LIMITS

if TYPE_CHECKING:
    from sim.model.model import AIMarketModel
    from sim.model.policies import FirmDecision


@dataclass
class Strategy:
    """A firm's standing behavioural traits (from the scenario's ``strategy:``)."""

    partner_offer: float = 0.0  # partnership bid, in units of the model's partner_bid_unit_usd_bn
    korea_focus: float = 0.5  # share of the Korean-language investment share it uses (0-1)
    public_affairs_usd_bn_per_year: float = 0.0  # spend on shaping rules (a seat at the table)


@dataclass
class FirmSpec:
    """What the scenario says about a firm (typed view of a ``firms:`` entry)."""

    id: str
    name: str
    origin: str
    size: str
    capability: float
    korean_quality: float
    price: float
    compute_k_gpus: float
    cash_usd_bn: float
    rd_usd_bn_per_year: float
    fixed_cost_usd_bn_per_year: float
    frontier_lab: bool
    sovereign_applicant: bool
    initial_share: dict[str, float]
    enters: int | None
    strategy: Strategy = field(default_factory=Strategy)
    name_ko: str | None = None

    @classmethod
    def from_section(cls, spec: dict) -> FirmSpec:
        """Build from a validated ``firms:`` entry (omitted optional sections take defaults)."""
        strategy = spec.get("strategy") or {}
        return cls(
            id=spec["id"],
            name=spec["name"],
            origin=spec["origin"],
            size=spec["size"],
            capability=float(spec["capability"]),
            korean_quality=float(spec["korean_quality"]),
            price=float(spec["price"]),
            compute_k_gpus=float(spec["compute_k_gpus"]),
            cash_usd_bn=float(spec["cash_usd_bn"]),
            rd_usd_bn_per_year=float(spec["rd_usd_bn_per_year"]),
            fixed_cost_usd_bn_per_year=float(spec["fixed_cost_usd_bn_per_year"]),
            frontier_lab=bool(spec["frontier_lab"]),
            sovereign_applicant=bool(spec.get("sovereign_applicant", False)),
            initial_share=dict(spec.get("initial_share") or {}),
            enters=spec.get("enters"),
            strategy=Strategy(**{k: float(v) for k, v in strategy.items()}),
            name_ko=spec.get("name_ko"),
        )


class Firm(mesa.Agent):
    """An AI model provider (``origin``: foreign or domestic)."""

    def __init__(self, model: AIMarketModel, spec: FirmSpec, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.firm_id = spec.id
        self.name = spec.name
        self.name_ko = spec.name_ko or spec.name
        self.origin = spec.origin
        self.domestic = spec.origin == "domestic"  # read in every loop over firms: a plain attribute
        self.size = spec.size
        self.frontier_lab = spec.frontier_lab
        self.capability = spec.capability  # relative to the frontier, before launch delays
        self.anchor_capability = spec.capability  # where a frontier lab's position reverts to
        self.offered_capability = spec.capability  # what users in Korea get
        self.korean_quality = spec.korean_quality
        self.price = spec.price  # per unit of usage, relative to the 2024 benchmark (1)
        self.marginal_cost = 0.0  # same units, at the start's inference cost; backed out from the first-order condition
        self.compute_k_gpus = spec.compute_k_gpus  # GPUs the firm runs for Korea (thousand), for reporting
        self.cash_usd_bn = spec.cash_usd_bn
        self.base_investment_usd_bn_per_year = spec.rd_usd_bn_per_year
        self.fixed_cost_usd_bn_per_year = spec.fixed_cost_usd_bn_per_year
        self.strategy = spec.strategy
        self.trust = 0.0
        self.enters = spec.enters
        self._active = spec.enters is None
        self._exited = False
        self.available = self._active  # active and not exited (kept by the setters below: read in every loop)
        self.exit_quarter: int | None = None
        self.sovereign_team = False
        # per-quarter bookkeeping
        self.decision: FirmDecision | None = None
        self.revenue_usd_bn = 0.0
        self.revenue_by_segment = [0.0, 0.0, 0.0]
        self.users_by_segment = [0.0, 0.0, 0.0]  # real users served (millions)
        self.previous_share = 0.0
        self.revenue_share = 0.0
        self.grant_usd_bn = 0.0  # this quarter
        self.public_gpus_k = 0.0
        self.tax_credit_usd_bn = 0.0  # this quarter
        self.compliance_cost_usd_bn = 0.0
        self.fines_usd_bn = 0.0
        self.complies = True
        self.compliance_level = 0.0
        self.incidents = 0
        self.influence = 0.0
        self.profit_usd_bn = 0.0
        self.investment_usd_bn = 0.0  # this quarter, gross of credits
        self.effective_investment_usd_bn = 0.0  # per year
        self.catch_up_rate = 0.0
        self.delay_quarters = 0.0

    @property
    def active(self) -> bool:
        """In the market (entered, and not retired by :meth:`AIMarketModel.retire_firm`)."""
        return self._active

    @active.setter
    def active(self, value: bool) -> None:
        self._active = value
        self.available = value and not self._exited

    @property
    def exited(self) -> bool:
        """Left the market (out of cash, or by an event); ``available`` is then False for good."""
        return self._exited

    @exited.setter
    def exited(self, value: bool) -> None:
        self._exited = value
        self.available = self._active and not value

    @property
    def small(self) -> bool:
        """A small firm (bears the Act's costs and delays hardest)."""
        return self.size == "small"

    # --- invest --------------------------------------------------------
    def invest(self, decision: FirmDecision, world: InvestWorld) -> None:
        """Turn this quarter's investment into capability and Korean quality."""
        c = world.constants
        self.decision = decision
        rd = decision.rd_usd_bn_per_year
        compute = decision.compute_usd_bn_per_year
        korean = decision.korean_usd_bn_per_year
        self.investment_usd_bn = (rd + compute + korean) / 4.0
        self.influence = decision.public_affairs_usd_bn_per_year / (
            decision.public_affairs_usd_bn_per_year + c["influence_half_saturation_usd_bn"]
        )
        growth = world.frontier_growth_quarter
        if self.frontier_lab:
            # set abroad: mean reversion to the lab's own position, with noise
            shock = c["frontier_lab_noise_sd"] * world.rng.standard_normal()
            self.capability += c["frontier_lab_reversion_per_quarter"] * (self.anchor_capability - self.capability)
            low, high = FIRM_LIMITS["capability"]
            self.capability = min(max(self.capability + shock, low), high)
            self.catch_up_rate = 0.0
            self.effective_investment_usd_bn = 0.0
        else:
            b = c["compute_output_share"]
            grant = self.grant_usd_bn * 4.0
            public_compute = self.public_gpus_k * world.gpu_usd_bn_per_k_per_year
            talent = world.talent_factor if self.domestic else 1.0
            effective = talent * (rd + (1.0 - b) * grant) ** (1.0 - b) * (compute + b * grant + public_compute) ** b
            self.effective_investment_usd_bn = effective
            absorb = max(self.capability, 0.0) ** c["absorptive_exponent"]
            rate = c["catch_up_max_per_quarter"] * effective / (effective + c["catch_up_half_saturation_usd_bn"])
            rate *= absorb
            self.catch_up_rate = rate
            # relative form of A' = A + rate (F' - A), with F' = F (1 + g)
            self.capability = self.capability * (1.0 - rate) / (1.0 + growth) + rate
        if self.capability < world.open_weight_level:
            # open weights: everyone can build on them
            self.capability += c["open_weight_spillover_per_quarter"] * (world.open_weight_level - self.capability)
        self.delay_quarters = world.launch_delay_quarters * (c["small_firm_delay_multiplier"] if self.small else 1.0)
        self.offered_capability = self.capability / (1.0 + growth) ** self.delay_quarters
        # Korean quality learns towards a ceiling that open public data raises, most for local training
        locality = 1.0 if self.domestic else c["foreign_data_locality"]
        ceiling = min(1.0, c["korean_quality_ceiling"] + c["data_ceiling_gain"] * world.data_openness * locality)
        learning = c["korean_learning_per_quarter"] * korean / (korean + c["korean_half_saturation_usd_bn"])
        learning += c["data_learning_per_quarter"] * world.data_openness * locality
        if self.korean_quality < ceiling:
            self.korean_quality += min(learning, 1.0) * (ceiling - self.korean_quality)
        self.compute_k_gpus = compute / max(world.gpu_usd_bn_per_k_per_year, 1e-9) + self.public_gpus_k

    # --- price ---------------------------------------------------------
    def set_price(self, target: float, step_max: float, marginal_cost: float) -> None:
        """Move the price towards ``target`` by at most ``step_max`` of itself; never below marginal cost."""
        step = min(max(target - self.price, -step_max * self.price), step_max * self.price)
        self.price = float(max(self.price + step, marginal_cost))

    # --- settle --------------------------------------------------------
    def settle(self, serving_cost_usd_bn: float, bid_cost_usd_bn: float) -> None:
        """Book this quarter's revenue and costs into cash; exit if cash runs out."""
        decision = self.decision
        public_affairs = decision.public_affairs_usd_bn_per_year / 4.0 if decision else 0.0
        self.profit_usd_bn = (
            self.revenue_usd_bn
            - serving_cost_usd_bn
            - self.fixed_cost_usd_bn_per_year / 4.0
            - (self.investment_usd_bn - self.tax_credit_usd_bn)
            - self.compliance_cost_usd_bn
            - self.fines_usd_bn
            - bid_cost_usd_bn
            - public_affairs
        )
        self.cash_usd_bn += self.profit_usd_bn
        if self.cash_usd_bn < 0.0:
            self.exited = True
            self.active = False


@dataclass(frozen=True)
class InvestWorld:
    """What a firm's investment meets this quarter (computed once by the model)."""

    constants: dict
    frontier_growth_quarter: float
    open_weight_level: float
    talent_factor: float
    data_openness: float
    gpu_usd_bn_per_k_per_year: float
    launch_delay_quarters: float
    rng: np.random.Generator
