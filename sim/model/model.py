"""The national AI market as a Mesa 3 model, one step per quarter.

A quarter reads as named phases::

    events -> regulate -> invest -> price -> partner -> adopt -> settle -> record

Firms, partner platforms and the regulator are Mesa agents; adopters are numpy
arrays (see :mod:`sim.model.market`). Randomness comes from separate streams
spawned from one seed (population, market, events, firms, partners,
regulator), so a change in one subsystem does not reshuffle the others' draws.
Between steps a caller may :meth:`apply_decision` (set lever values, answer
event choices) and read :meth:`metrics`; :meth:`snapshot` / :meth:`restore`
give exact copies that continue identically.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from sim.errors import OverrideError
from sim.model import market
from sim.model.events import apply_effects, due_events
from sim.model.explain import explain, explain_outcome, outcome_parts, utility_components
from sim.model.firms import Firm
from sim.model.metrics import hhi, safe_share
from sim.model.parameters import SEGMENTS
from sim.model.partners import Partner
from sim.model.regulator import Regulator
from sim.timeline import quarter_label

STREAMS = ("population", "market", "events", "firms", "partners", "regulator")
CHANNEL_ADOPTION_BOOST = 0.6  # a platform offering AI in-app speeds its users' adoption by this much
PLATFORM_SWITCH_REVIEW = 0.5  # share of a platform's adopters who reconsider when it changes provider
MAX_RANDOM_ENTRANTS = 12
TASTE_SIGMA = 0.35  # log-normal spread of row tastes around the segment's weights
DEFAULT_ROW_SHARE = {"consumer": 0.6, "enterprise": 0.3, "public": 0.1}
PANEL_ROWS = 2500
CHOICE_CHUNK_ROWS = 4096  # rows per block when evaluating choices  # rows per segment used to estimate consumer surplus and to calibrate brands
MIN_INITIAL_SHARE = 0.004  # floor share of an active firm a segment's initial_share omits


class AIMarketModel(mesa.Model):
    """A national AI market over quarters.

    Args:
        scenario: a validated :class:`sim.scenario.Scenario`.
        seed: the run's seed; all random streams derive from it.
        values: parameter values to use instead of the scenario's (validated).
    """

    def __init__(self, scenario, seed: int = 0, values: Mapping[str, Any] | None = None) -> None:
        super().__init__(rng=int(seed))
        self.scenario_def = scenario
        self.seed = int(seed)
        self.params: dict[str, Any] = dict(scenario.values)
        if values:
            self.params.update(scenario.parameters.check(values))
        sequences = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self.streams = {name: np.random.default_rng(seq) for name, seq in zip(STREAMS, sequences)}
        self.quarter: int = scenario.start
        self.krw_per_usd: float = scenario.krw_per_usd
        self.segment_index = {name: i for i, name in enumerate(SEGMENTS)}
        self.segment_state = {
            name: {
                "spend_usd_per_adopter_per_year": seg["spend_usd_per_adopter_per_year"],
                "spend_growth_per_year": seg["spend_growth_per_year"],
                "adoption_ceiling": seg["adoption_ceiling"],
                "bass_p": seg["bass_p"],
                "bass_q": seg["bass_q"],
                "foreign_trust": 0.0,
            }
            for name, seg in scenario.segments.items()
        }
        self.firms: list[Firm] = []
        self.firm_by_id: dict[str, Firm] = {}
        for spec in scenario.firms:
            self._add_firm(spec)
        index = {f.firm_id: f.index for f in self.firms}
        self.partners = [Partner(self, spec, i, index) for i, spec in enumerate(scenario.partners)]
        self.partner_by_id = {p.partner_id: p for p in self.partners}
        self.platform_changed = np.zeros(len(self.partners), dtype=bool)
        self.regulator = Regulator(self, scenario.regulator)
        self.adopters = self._make_adopters()
        self.random_entrants = 0
        self.entries = 0
        self.exits = 0
        self.fired: set[str] = set()
        self.news: list[dict] = []
        self.history: list[dict] = []
        self.firm_history: list[dict] = []
        self.decision_log: dict[int, dict[str, Any]] = {}
        self.choices: dict[str, str] = {}
        self.segment_firm_shares = np.zeros((len(SEGMENTS), len(self.firms)))
        self.drivers: dict[str, dict[str, np.ndarray]] = {}
        self.previous_drivers: dict[str, dict[str, np.ndarray]] = {}
        self.outcome_parts: dict[str, Any] = {}
        self.previous_outcome_parts: dict[str, Any] = {}
        self.surplus_parts: dict[str, float] = {}
        # The starting market is history: brand constants and the first providers
        # come from the reference world (the spec's defaults), so a run's own
        # levers take effect from the first quarter instead of being absorbed.
        run_params = self.params
        self.params = scenario.parameters.defaults()
        self._assign_initial_providers()
        self.params = run_params
        self.pending_events: list[dict] = due_events(scenario.events, self.quarter, self.fired, self.streams["events"])

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    def _add_firm(self, spec: dict) -> Firm:
        firm = Firm(self, spec, len(self.firms))
        self.firms.append(firm)
        self.firm_by_id[firm.firm_id] = firm
        return firm

    def _make_adopters(self) -> market.Adopters:
        rng = self.streams["population"]
        population = self.scenario_def.sections["population"]
        row_share = population["row_share"] or DEFAULT_ROW_SHARE
        total_share = sum(row_share.get(s, 0.0) for s in SEGMENTS)
        rows_total = population["adopter_rows"]
        counts = [max(10, int(round(rows_total * row_share.get(s, 0.0) / total_share))) for s in SEGMENTS]
        segment = np.concatenate([np.full(n, i, dtype=np.int64) for i, n in enumerate(counts)])
        n = segment.shape[0]
        weight = np.empty(n)
        adopted = np.zeros(n, dtype=bool)
        tastes = np.empty((n, 4))  # capability, Korean quality, price (negative), domestic
        switching = np.empty(n)
        start = 0
        for i, name in enumerate(SEGMENTS):
            seg = self.scenario_def.segments[name]
            count = counts[i]
            block = slice(start, start + count)
            weight[block] = seg["potential_adopters"] / count

            def lognormal(count: int = count) -> np.ndarray:
                """Mean-one log-normal spread of tastes around the segment's weight."""
                return rng.lognormal(-(TASTE_SIGMA**2) / 2, TASTE_SIGMA, count)

            adopted[block] = rng.random(count) < seg["initial_adoption"]
            tastes[block, 0] = seg["capability_weight"] * lognormal()
            tastes[block, 1] = seg["korean_weight"] * lognormal()
            tastes[block, 2] = -seg["price_sensitivity"] * lognormal()
            tastes[block, 3] = seg["sovereignty_weight"] * (1.0 + seg["taste_spread"] * rng.standard_normal(count))
            switching[block] = seg["switching_cost"] * lognormal()
            start += count
        platforms = np.zeros((n, len(self.partners)))
        for k, partner in enumerate(self.partners):
            reach = np.array([partner.reach.get(s, 0.0) for s in SEGMENTS])
            platforms[:, k] = rng.random(n) < reach[segment]
        group, group_platforms = market.group_memberships(platforms)
        review_rate = np.array([self.scenario_def.segments[s]["review_rate_per_quarter"] for s in SEGMENTS])
        self.row_review_rate = review_rate[segment]
        self.segment_weight = np.bincount(segment, weights=weight, minlength=len(SEGMENTS))
        self.panel = self._choose_panel(segment, rng)
        panel_counts = np.bincount(segment[self.panel], minlength=len(SEGMENTS))
        self.panel_scale = np.array(counts, dtype=float) / np.maximum(panel_counts, 1)
        return market.Adopters(
            segment=segment,
            weight=weight,
            adopted=adopted,
            provider=np.full(n, -1, dtype=np.int64),
            tastes=tastes,
            switching_cost=switching,
            platform_group=group,
            group_platforms=group_platforms,
        )

    @staticmethod
    def _choose_panel(segment: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A fixed random subset of rows (about PANEL_ROWS per segment) for estimates."""
        counts = np.bincount(segment, minlength=len(SEGMENTS))
        keep = rng.random(segment.shape[0]) < np.minimum(1.0, PANEL_ROWS / np.maximum(counts, 1))[segment]
        return np.nonzero(keep)[0]

    def _assign_initial_providers(self) -> None:
        """Calibrate brand constants to the scenario's initial shares, then draw providers.

        Firms active at the start that a segment's ``initial_share`` does not
        list get a small floor share; shares are normalised to sum to 1.
        """
        a = self.adopters
        targets = np.zeros((len(SEGMENTS), len(self.firms)))
        for s, name in enumerate(SEGMENTS):
            for firm, spec in zip(self.firms, self.scenario_def.firms):
                if firm.available:
                    targets[s, firm.index] = max(spec["initial_share"].get(name, 0.0), MIN_INITIAL_SHARE)
            targets[s] /= targets[s].sum()
        self.segment_firm_shares = targets
        self.brand = np.zeros_like(targets)
        rows = self.panel[a.adopted[self.panel]]
        base = self._utilities(rows, include_inertia=False)
        self.brand = market.calibrate_constants(base, a.segment[rows], targets)
        adopted = np.nonzero(a.adopted)[0]
        utility = self._utilities(adopted, include_inertia=False)
        a.provider[adopted] = market.choose_providers(utility, self.streams["population"])
        self._update_segment_shares()

    # ------------------------------------------------------------------
    # the public API for callers (game, runner, experiments)
    # ------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.quarter > self.scenario_def.end

    @property
    def quarter_label(self) -> str:
        """The quarter the next :meth:`step` will simulate."""
        return quarter_label(self.quarter)

    @property
    def gpu_usd_bn_per_k_per_year(self) -> float:
        # KRW m per GPU-year is KRW bn per thousand GPUs per year
        return self.params["gpu_cost_krw_m_per_year"] / self.krw_per_usd

    def apply_decision(self, decision: Mapping[str, Any]) -> None:
        """Set lever values and answer event choices for the next quarter.

        Keys are parameter names, or ``choice:EVENT_ID`` with a choice id.
        Raises :class:`OverrideError` for unknown names or bad values.
        """
        levers: dict[str, Any] = {}
        for key, value in decision.items():
            if key.startswith("choice:"):
                event_id = key.split(":", 1)[1]
                event = next((e for e in self.scenario_def.events if e["id"] == event_id), None)
                if event is None or not event["choices"]:
                    raise OverrideError(f"no event with choices named {event_id!r}")
                ids = [c["id"] for c in event["choices"]]
                if value not in ids:
                    raise OverrideError(f"event {event_id}: expected one of {', '.join(ids)}, got {value!r}")
                self.choices[event_id] = value
            else:
                levers[key] = value
        checked = self.scenario_def.parameters.check(levers)
        self.params.update(checked)
        logged = self.decision_log.setdefault(self.quarter, {})
        logged.update(checked)
        logged.update({k: v for k, v in decision.items() if k.startswith("choice:")})

    def step(self) -> None:
        """Simulate one quarter."""
        if self.finished:
            raise RuntimeError("the scenario has ended; no more quarters to simulate")
        self.events()
        self.regulate()
        self.invest()
        self.price()
        self.partner()
        self.adopt()
        self.settle()
        self.record()
        self.quarter += 1
        if not self.finished:
            self.pending_events = due_events(self.scenario_def.events, self.quarter, self.fired, self.streams["events"])
        else:
            self.pending_events = []
            self.running = False

    def run(self) -> AIMarketModel:
        """Step to the end of the scenario; returns self."""
        while not self.finished:
            self.step()
        return self

    def metrics(self) -> dict[str, Any]:
        """The outcome row of the last simulated quarter (empty before the first step)."""
        return dict(self.history[-1]) if self.history else {}

    def snapshot(self) -> bytes:
        """An exact copy of the model's state (including random streams) as bytes."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def restore(blob: bytes) -> AIMarketModel:
        """The model saved by :meth:`snapshot`; it continues exactly as the original would."""
        model = pickle.loads(blob)
        if not isinstance(model, AIMarketModel):
            raise TypeError("not a model snapshot")
        return model

    def copy(self) -> AIMarketModel:
        return AIMarketModel.restore(self.snapshot())

    def explain(self, firm_id: str | None = None, language: str = "en") -> list[dict]:
        """Drivers of last quarter's change for a firm (or the domestic side); see :mod:`sim.model.explain`."""
        return explain(self, firm_id, language)

    def explain_outcome(self, metric: str, language: str = "en") -> list[dict]:
        """Drivers of last quarter's change in an outcome (in its own units); see :mod:`sim.model.explain`."""
        return explain_outcome(self, metric, language)

    def add_news(self, quarter: int, kind: str, en: str, ko: str | None = None) -> None:
        self.news.append({"quarter": quarter_label(quarter), "kind": kind, "en": en, "ko": ko or en})

    # ------------------------------------------------------------------
    # phases of a quarter
    # ------------------------------------------------------------------
    def events(self) -> None:
        """Scheduled entries and the events drawn for this quarter take effect."""
        q = self.quarter
        for firm in self.firms:
            if firm.enters is not None and firm.enters == q and not firm.active and not firm.exited:
                self.activate_firm(firm, q)
        for event in self.pending_events:
            self.fired.add(event["id"])
            effects = list(event["effects"])
            if event["choices"]:
                # the answer's effects come first: a choice may set a policy the event then meets
                chosen = self.choices.get(event["id"], event["default_choice"])
                choice = next(c for c in event["choices"] if c["id"] == chosen)
                effects = list(choice["effects"]) + effects
            title = event["title"]
            self.add_news(q, "event", title["en"], title["ko"])
            apply_effects(self, effects, q)

    def regulate(self) -> None:
        """The regulator funds programmes and enforces the AI Basic Act."""
        self.regulator.allocate(self.quarter)
        self.regulator.enforce(self.quarter, self.streams["regulator"])

    def invest(self) -> None:
        """Firms spend on R&D; capability and Korean quality move."""
        growth_quarter = (1.0 + self.params["frontier_growth_per_year"]) ** 0.25 - 1.0
        talent = self.regulator.talent_factor()
        credit = self.params["rd_tax_credit"]
        openness = self.params["public_data_openness"]
        for firm in self.firms:
            if firm.available:
                firm.invest(growth_quarter, credit, talent, openness)

    def price(self) -> None:
        """Firms adjust prices to last quarter's share movement."""
        for firm in self.firms:
            if firm.available:
                firm.set_price()

    def partner(self) -> None:
        """Platforms whose contracts ended (or whose provider left) choose again."""
        self.platform_changed[:] = False
        rng = self.streams["partners"]
        for partner in self.partners:
            if partner.needs_choice(self.quarter):
                before = partner.provider
                partner.choose(self.quarter, rng)
                if partner.provider != before and partner.provider >= 0:
                    firm = self.firms[partner.provider]
                    self.add_news(
                        self.quarter,
                        "partnership",
                        f"{partner.name} switches its AI to {firm.name}",
                        f"{partner.name}, AI 제공사를 {firm.name}(으)로 변경",
                    )

    def adopt(self) -> None:
        """Non-adopters adopt (Bass); new and reviewing adopters choose a provider (logit)."""
        a = self.adopters
        rng = self.streams["market"]
        p = self.params
        segments = len(SEGMENTS)
        total = self.segment_weight
        adopted_weight = self.served_weight  # every adopter has a provider after the last choice
        probability = np.zeros(segments)
        for s, name in enumerate(SEGMENTS):
            state = self.segment_state[name]
            fraction = adopted_weight[s] / total[s] if total[s] > 0 else 0.0
            ceiling = min(1.0, state["adoption_ceiling"] * p["adoption_ceiling_scale"])
            if fraction >= ceiling or fraction >= 1.0:
                continue
            speed = p["adoption_speed"]
            hazard = market.bass_adoption_probability(
                state["bass_p"] * speed, state["bass_q"] * speed, fraction / max(ceiling, 1e-9)
            )
            probability[s] = hazard * (ceiling - fraction) / (1.0 - fraction)
        # one probability per (segment, membership group): users of a platform offering AI adopt faster
        boost = np.where(self._channel_by_group().max(axis=0) > 0, 1.0 + CHANNEL_ADOPTION_BOOST, 1.0)
        row_probability = (probability[:, None] * boost[None, :]).ravel()[a.segment_group]
        new = ~a.adopted & (rng.random(a.rows) < row_probability)
        a.adopted |= new
        review_draws = rng.random(a.rows)
        available = np.array([f.available for f in self.firms])
        orphaned = a.adopted & (a.provider < 0)
        if not available.all():
            orphaned |= a.adopted & ~available[np.maximum(a.provider, 0)]
        reviewing = review_draws < self.row_review_rate
        if self.platform_changed.any():
            group_switched = a.group_platforms[:, self.platform_changed].any(axis=1)
            reviewing |= group_switched[a.platform_group] & (review_draws < PLATFORM_SWITCH_REVIEW)
        choosers = np.nonzero(new | (a.adopted & reviewing) | orphaned)[0]
        a.provider[orphaned] = -1
        draws = rng.random(choosers.size)
        offer = self._offer()
        terms = self._segment_terms(offer)
        channel = self._channel_by_group()
        # chunks keep the (rows x firms) temporaries in cache; draws are taken up
        # front, so the result does not depend on the chunk size
        for start in range(0, choosers.size, CHOICE_CHUNK_ROWS):
            rows = choosers[start : start + CHOICE_CHUNK_ROWS]
            utility = market.utilities(a, rows, offer, terms, channel[:, a.platform_group[rows]], include_inertia=True)
            a.provider[rows] = market.sample_choices(utility, draws[start : start + CHOICE_CHUNK_ROWS])
        self._update_segment_shares()

    def settle(self) -> None:
        """Revenue is booked, firms pay costs; broke firms exit; new firms may enter."""
        a = self.adopters
        prices = np.array([f.price for f in self.firms])
        money = a.weight * self._spend_per_row_quarter() * prices[np.maximum(a.provider, 0)]
        revenue = self._sum_by_segment_and_firm(money) / 1e9
        self.segment_revenue = revenue
        total = revenue.sum()
        for firm in self.firms:
            firm.previous_share = firm.revenue_share
            firm.revenue_by_segment = [float(x) for x in revenue[:, firm.index]]
            firm.revenue_usd_bn = float(revenue[:, firm.index].sum())
            firm.revenue_share = safe_share(firm.revenue_usd_bn, total)
        self.regulator.book_spend()
        self.exits = 0
        for firm in self.firms:
            if firm.available:
                firm.settle()
                if firm.exited:
                    self.retire_firm(firm, self.quarter, reason="cash")
        self._random_entry()

    def record(self) -> None:
        """Compute this quarter's outcomes and append them to the history."""
        q = self.quarter
        revenue = self.segment_revenue
        total = float(revenue.sum())
        domestic = np.array([f.domestic for f in self.firms])
        firm_revenue = revenue.sum(axis=0)
        shares = firm_revenue / total if total > 0 else np.zeros_like(firm_revenue)
        frontier = max((f.capability for f in self.firms if f.available), default=1.0)
        best_domestic = max((f.capability for f in self.firms if f.available and f.domestic), default=0.0)
        sovereign_rows = [self.segment_index["enterprise"], self.segment_index["public"]]
        sovereign_total = revenue[sovereign_rows].sum()
        large = [f for f in self.firms if f.available and f.size == "large" and f.revenue_usd_bn > 0]
        small = [f for f in self.firms if f.available and f.size == "small" and f.revenue_usd_bn > 0]

        def burden(group: list[Firm]) -> float:
            """The average firm's compliance cost and fines as a share of its revenue (capped at 1)."""
            if not group:
                return 0.0
            return float(
                np.mean([min(1.0, (f.compliance_cost_usd_bn + f.fines_usd_bn) / f.revenue_usd_bn) for f in group])
            )

        a = self.adopters
        total_weight = a.weight.sum()
        row = {
            "quarter": quarter_label(q),
            "year": q // 4,
            "market_revenue_usd_bn": total,
            "domestic_revenue_share": float(shares[domestic].sum()),
            "foreign_revenue_share": float(shares[~domestic].sum()) if total > 0 else 0.0,
            "domestic_share_consumer": safe_share(revenue[0, domestic].sum(), revenue[0].sum()),
            "domestic_share_enterprise": safe_share(revenue[1, domestic].sum(), revenue[1].sum()),
            "domestic_share_public": safe_share(revenue[2, domestic].sum(), revenue[2].sum()),
            "hhi": hhi(shares),
            "consumer_surplus": self._consumer_surplus_usd_bn(),
            "capability_gap": max(0.0, 1.0 - best_domestic / frontier) if frontier > 0 else 0.0,
            "sovereignty_index": safe_share(revenue[sovereign_rows][:, domestic].sum(), sovereign_total),
            "public_spend_krw_bn": self.regulator.spend_krw_bn,
            "budget_left_krw_bn": self.regulator.budget_left_krw_bn(),
            "adoption_rate": safe_share(a.weight[a.adopted].sum(), total_weight),
            "active_firms": sum(1 for f in self.firms if f.available),
            "entries": self.entries,
            "exits": self.exits,
            "compliance_cost_krw_bn": self.regulator.compliance_cost_krw_bn,
            "small_firm_compliance_burden": burden(small),
            "large_firm_compliance_burden": burden(large),
            "firm_profits_usd_bn": float(sum(f.profit_usd_bn for f in self.firms if f.available or f.exited)),
        }
        self.history.append(row)
        self.previous_drivers = self.drivers
        self.drivers = utility_components(self)
        self.previous_outcome_parts = self.outcome_parts
        self.outcome_parts = outcome_parts(self, shares)
        partners_of: dict[int, list[str]] = {}
        for partner in self.partners:
            if partner.provider >= 0:
                partners_of.setdefault(partner.provider, []).append(partner.partner_id)
        for firm in self.firms:
            if not (firm.available or firm.revenue_usd_bn > 0 or (firm.exited and firm.exit_quarter == q)):
                continue
            self.firm_history.append(
                {
                    "quarter": quarter_label(q),
                    "firm": firm.firm_id,
                    "name": firm.name,
                    "origin": firm.origin,
                    "size": firm.size,
                    "active": firm.available,
                    "revenue_usd_bn": firm.revenue_usd_bn,
                    "revenue_share": float(shares[firm.index]),
                    **{
                        f"share_{name}": safe_share(revenue[s, firm.index], revenue[s].sum())
                        for s, name in enumerate(SEGMENTS)
                    },
                    "capability": firm.capability,
                    "korean_quality": firm.korean_quality,
                    "price": firm.price,
                    "cash_usd_bn": firm.cash_usd_bn,
                    "profit_usd_bn": firm.profit_usd_bn,
                    "compliance_cost_usd_bn": firm.compliance_cost_usd_bn,
                    "grant_usd_bn": firm.grant_usd_bn,
                    "partners": ";".join(partners_of.get(firm.index, [])),
                }
            )
        self.entries = 0

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def activate_firm(self, firm: Firm, quarter: int) -> None:
        if firm.active or firm.exited:
            return
        firm.active = True
        firm.enters = quarter
        self.entries += 1
        self.add_news(quarter, "entry", f"{firm.name} enters the market", f"{firm.name} 시장 진입")

    def retire_firm(self, firm: Firm, quarter: int, reason: str) -> None:
        firm.active = False
        firm.exited = True
        firm.exit_quarter = quarter
        self.exits += 1
        why = {"cash": "runs out of cash", "event": "leaves"}.get(reason, "leaves")
        why_ko = {"cash": "자금 고갈", "event": "철수"}.get(reason, "철수")
        self.add_news(quarter, "exit", f"{firm.name} {why} and exits", f"{firm.name} {why_ko}로 시장 퇴출")

    def _random_entry(self) -> None:
        rng = self.streams["firms"]
        rate = self.params["entry_rate_per_year"] / 4.0
        arrivals = int(rng.poisson(rate))
        for _ in range(arrivals):
            if self.random_entrants >= MAX_RANDOM_ENTRANTS:
                break
            self.random_entrants += 1
            number = self.random_entrants
            best = max((f.capability for f in self.firms if f.available and f.domestic), default=0.6)
            spec = {
                "id": f"startup_{number}",
                "name": f"Startup {number}",
                "origin": "domestic",
                "size": "small",
                "capability": best * float(rng.uniform(0.75, 0.95)),
                "korean_quality": float(rng.uniform(0.75, 0.9)),
                "price": float(rng.uniform(0.6, 0.9)),
                "unit_cost": 0.45,
                "compute_k_gpus": 0.3,
                "cash_usd_bn": float(rng.uniform(0.03, 0.12)),
                "rd_usd_bn_per_year": 0.03,
                "fixed_cost_usd_bn_per_year": 0.01,
                "frontier_lab": False,
                "sovereign_team": False,
                "enters": self.quarter,
                "strategy": {"price_agility": 0.05, "partner_offer": 0.2, "korea_focus": 0.8},
                "initial_share": {},
            }
            firm = self._add_firm(spec)
            self._grow_firm_arrays()
            self.activate_firm(firm, self.quarter)

    def _grow_firm_arrays(self) -> None:
        grown = np.zeros((len(SEGMENTS), len(self.firms)))
        grown[:, : self.segment_firm_shares.shape[1]] = self.segment_firm_shares
        self.segment_firm_shares = grown
        revenue = np.zeros((len(SEGMENTS), len(self.firms)))
        revenue[:, : self.segment_revenue.shape[1]] = self.segment_revenue
        self.segment_revenue = revenue
        # a newcomer starts with the lowest brand constant of each segment
        brand = np.zeros((len(SEGMENTS), len(self.firms)))
        brand[:, : self.brand.shape[1]] = self.brand
        brand[:, self.brand.shape[1] :] = self.brand.min(axis=1, keepdims=True)
        self.brand = brand

    def spend_per_adopter_quarter(self) -> np.ndarray:
        """USD spend per real adopter this quarter, by segment (before the firm's price index)."""
        years = (self.quarter - self.scenario_def.start) / 4.0
        shift = self.params["spend_growth_shift"]
        return np.array(
            [
                self.segment_state[s]["spend_usd_per_adopter_per_year"]
                * (1.0 + self.segment_state[s]["spend_growth_per_year"] + shift) ** years
                / 4.0
                for s in SEGMENTS
            ]
        )

    def _spend_per_row_quarter(self) -> np.ndarray:
        """:meth:`spend_per_adopter_quarter` for every adopter row."""
        return self.spend_per_adopter_quarter()[self.adopters.segment]

    def _offer(self) -> market.FirmOffer:
        firms = self.firms
        return market.FirmOffer(
            capability=np.array([f.capability for f in firms]),
            korean_quality=np.array([f.korean_quality for f in firms]),
            price=np.array([f.price for f in firms]),
            domestic=np.array([1.0 if f.domestic else 0.0 for f in firms]),
            trust=np.array([f.trust for f in firms]),
            available=np.array([f.available for f in firms]),
        )

    def _segment_terms(self, offer: market.FirmOffer) -> market.SegmentTerms:
        p = self.params
        firms = len(self.firms)
        bonus = np.zeros((len(SEGMENTS), firms))
        channel_weight = np.zeros(len(SEGMENTS))
        foreign = 1.0 - offer.domestic
        for s, name in enumerate(SEGMENTS):
            seg = self.scenario_def.segments[name]
            bonus[s] = self.brand[s, :firms] + market.network_bonus(
                self.segment_firm_shares[s, :firms], p["network_effect"]
            )
            bonus[s] += (p["foreign_trust"] + self.segment_state[name]["foreign_trust"]) * foreign
            channel_weight[s] = seg["channel_weight"]
        public = self.segment_index["public"]
        price_weight = self.scenario_def.segments["public"]["price_sensitivity"]
        bonus[public] += p["procurement_domestic_preference"] * price_weight * offer.domestic
        return market.SegmentTerms(bonus=bonus, channel_weight=channel_weight)

    def _channel_by_group(self) -> np.ndarray:
        """(firms x membership groups) channel strength under the current partnerships."""
        provider = np.array([p.provider for p in self.partners], dtype=np.int64)
        strength = np.array([p.strength for p in self.partners])
        return market.channel_matrix(self.adopters.group_platforms, provider, strength, len(self.firms)).T

    def _channel_rows(self, rows: np.ndarray) -> np.ndarray:
        """(firms x rows) channel strength for the given rows."""
        return self._channel_by_group()[:, self.adopters.platform_group[rows]]

    def _utilities(self, rows: np.ndarray, include_inertia: bool) -> np.ndarray:
        offer = self._offer()
        terms = self._segment_terms(offer)
        return market.utilities(self.adopters, rows, offer, terms, self._channel_rows(rows), include_inertia)

    def _sum_by_segment_and_firm(self, values: np.ndarray) -> np.ndarray:
        """(segments x firms) sums of a per-row quantity over adopted rows with a provider.

        Uses the served rows found by the last :meth:`_update_segment_shares`.
        """
        served, cells, firms = self._served
        sums = np.bincount(cells, weights=values[served], minlength=len(SEGMENTS) * firms)
        return sums.reshape(len(SEGMENTS), firms)

    def _update_segment_shares(self) -> None:
        a = self.adopters
        firms = len(self.firms)
        served = np.nonzero(a.adopted & (a.provider >= 0))[0]
        self._served = (served, a.segment[served] * firms + a.provider[served], firms)
        counts = self._sum_by_segment_and_firm(a.weight)
        totals = counts.sum(axis=1, keepdims=True)
        self.served_weight = totals[:, 0]  # adopters with a provider, per segment
        self.segment_firm_shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def _consumer_surplus_usd_bn(self) -> float:
        """Consumer surplus this quarter, estimated on the fixed panel of rows (USD bn)."""
        a = self.adopters
        rows = self.panel[a.adopted[self.panel]]
        if rows.size == 0:
            return 0.0
        utility = self._utilities(rows, include_inertia=False)
        spend = self._spend_per_row_quarter()[rows]
        surplus = market.surplus_per_row(utility, a.price_taste[rows], spend)
        weight = a.weight[rows] * self.panel_scale[a.segment[rows]]
        # parts for explaining its change: adopters, spend per adopter, choice value per unit of spend
        adopters = weight.sum()
        mean_spend = float((spend * weight).sum() / adopters)
        self.surplus_parts = {
            "adopters": float(adopters),
            "spend": mean_spend,
            "choice_value": float((surplus * weight).sum() / adopters / mean_spend),
        }
        return float((surplus * weight).sum() / 1e9)
