"""The national AI market as a Mesa 3 model, one step per quarter.

A quarter reads as named phases::

    events -> regulate -> plan -> invest -> price -> partner -> adopt -> settle -> record

Firms, partner platforms and the regulator are Mesa agents; adopters are numpy
arrays (see :mod:`sim.model.market`). Demand emerges: people hear of AI
assistants Bass-style, then choose between the providers and not paying for AI
(the outside option) by logit; revenue is usage times price, with usage growing
with capability and the price level falling with inference cost. Firms set
prices as logit-Bertrand best responses and invest by their policy
(:mod:`sim.model.policies`). Every behavioural constant is read from the
scenario (``model:`` section); this package holds mechanisms only. The full
description (ODD) is ``docs/model.md``.

Randomness comes from separate streams spawned from one seed (population,
market, events, firms, partners, regulator), so a change in one subsystem does
not reshuffle the others' draws. Between steps a caller may
:meth:`~AIMarketModel.apply_decision` (lever values, event choices, firm and
platform decisions) and read :meth:`~AIMarketModel.metrics`;
:meth:`~AIMarketModel.snapshot` / :meth:`~AIMarketModel.restore` give exact
copies that continue identically.
"""

from __future__ import annotations

import functools
import pickle
import statistics
from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from sim.errors import OverrideError, describe
from sim.korean import with_particle
from sim.model import market
from sim.model.events import apply_effects, due_events, fade_shocks
from sim.model.explain import explain, explain_outcome
from sim.model.firms import Firm, FirmSpec, InvestWorld, Strategy
from sim.model.outcomes import METRICS, record_quarter
from sim.model.parameters import SEGMENTS
from sim.model.partners import Partner
from sim.model.policies import FirmDecision, FirmView, RuleFirmPolicy, apply_override, check_firm_decision
from sim.model.regulator import Regulator
from sim.model.specs import DealSpec
from sim.timeline import quarter_label

STREAMS = ("population", "market", "events", "firms", "partners", "regulator")
# caches of values derived from the rest of the state (each rebuilt when missing): not in snapshots
DERIVED_STATE = (
    "_panel_cache",
    "_channel_cache",
    "_channel_utility_cache",
    "_groups_offered_cache",
    "_mean_channel_cache",
    "_segment_parts_cache",
    "_pull_cache",
    "_segment_averages",
    "_aware_panel_cache",
)
CHOICE_CHUNK_ROWS = 6144  # rows per block of choices: one block most quarters, ~0.4 MB of float32 (speed only)
DEFAULT_SCENARIO = "korea-2025"


def _metric_of(model: AIMarketModel, name: str) -> float:
    """Mesa DataCollector reporter: one metric of the last quarter (module-level, so models pickle)."""
    return model.history[-1][name] if model.history else float("nan")


class OutcomeCollector(mesa.DataCollector):
    """Mesa's DataCollector over the outcome rows: every metric, every quarter (what SolaraViz plots read).

    Collecting copies the values of the row :func:`~sim.model.outcomes.record_quarter` just built, instead of
    calling and deep-copying one reporter per metric, so it costs next to nothing per quarter.
    """

    def collect(self, model) -> None:
        """Append the last quarter's outcomes (the model's ``history[-1]``)."""
        if not model.history:
            return
        row = model.history[-1]
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        for name in self.model_reporters:
            self.model_vars[name].append(row[name])


def _unknown_keyword(name: str, scenario: Any) -> OverrideError:
    """The error for a keyword :class:`AIMarketModel` does not take (it used to swallow them silently)."""
    from sim.scenario import Scenario
    from sim.schema import suggest

    taken = ("scenario", "seed", "values", "rng")
    if isinstance(scenario, Scenario) and name in scenario.parameters:
        return OverrideError(f"{name} is a parameter, not a keyword of the model: pass values={{{name!r}: ...}}")
    return OverrideError(f"unknown keyword {name!r} for the model{suggest(name, taken, 'it takes')}")


class AIMarketModel(mesa.Model):
    """A national AI market over quarters.

    Args:
        scenario: a validated :class:`sim.scenario.Scenario`, a bundled scenario
            name or path (text or ``os.PathLike``), or ``None`` for the default
            (``korea-2025``).
        seed: the run's seed, a whole number from 0 to 2**63-1; all random streams
            derive from it. ``rng=`` (Mesa 3's name) is taken as the seed too.
        values: parameter values to use instead of the scenario's (validated).
    Raises :class:`sim.errors.OverrideError` for a bad seed, values that are not a mapping or
    a keyword it does not take (a parameter goes in ``values``), ScenarioError for a bad scenario.
    """

    # True: each quarter records only its outcome row (no firm rows, explanation drivers or Mesa
    # collection), for runs whose outcome rows are all anyone reads (forecast previews); same numbers
    outcomes_only: bool = False

    def __init__(
        self,
        scenario: Any = None,
        seed: Any = None,
        values: Mapping[str, Any] | None = None,
        *,
        rng: Any = None,
        **unknown: Any,
    ) -> None:
        from sim.core.arguments import mapping_arg, scenario_arg, seed_arg

        if unknown:
            raise _unknown_keyword(next(iter(unknown)), scenario)
        if seed is not None and rng is not None and seed_arg(seed) != seed_arg(rng, "rng"):
            raise OverrideError(f"seed {seed} and rng {rng} are two seeds for one run; give one")
        self.seed = seed_arg(rng, "rng") if rng is not None else (0 if seed is None else seed_arg(seed))
        scenario = scenario_arg(scenario if scenario is not None else DEFAULT_SCENARIO)
        values = mapping_arg(values, "values")
        super().__init__(rng=self.seed)
        self._mesa_step = self.step
        self.step = self._guarded_step  # type: ignore[method-assign]  # Mesa wraps step the same way
        self.scenario_def = scenario
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
                "usage_usd_per_adopter_per_quarter": seg.spend_usd_per_adopter_per_year / 4.0,
                "bass_p": seg.bass_p,
                "bass_q": seg.bass_q,
                "frontier_value_weight": seg.frontier_value_weight,
                "foreign_trust": 0.0,
                "outside_utility": 0.0,
            }
            for name, seg in scenario.segments.items()
        }
        self.deals: dict[str, DealSpec] = dict(scenario.deals)
        self.chose_share = np.ones(len(SEGMENTS))  # share of the aware who chose a provider last quarter
        self.frontier_level = 1.0  # absolute frontier capability (1 at the start)
        self.price_level = 1.0  # inference cost index (1 at the start)
        self.firms: list[Firm] = []
        self.firm_by_id: dict[str, Firm] = {}
        self.firm_policies: dict[str, Any] = {}
        self.firm_overrides: dict[str, dict[str, float]] = {}  # per firm, the fields a caller set (standing)
        for spec in scenario.firms:
            self._add_firm(FirmSpec.from_section(spec))
        index = {f.firm_id: f.index for f in self.firms}
        self.platform_changed = np.zeros(len(scenario.partners), dtype=bool)
        self.partners = [Partner(self, spec, i, index) for i, spec in enumerate(scenario.partners)]
        self.partner_by_id = {p.partner_id: p for p in self.partners}
        self.regulator = Regulator(self, scenario.regulator)
        self.adopters = self._make_adopters()
        self.random_entrants = 0
        self.entries = 0
        self.exits = 0
        self.fired: set[str] = set()
        self.shocks: list[dict] = []
        self.news: list[dict] = []
        self.history: list[dict] = []
        self.firm_history: list[dict] = []
        self.decision_log: dict[int, dict[str, Any]] = {}
        self.choices: dict[str, str] = {}
        self.segment_firm_shares = np.zeros((len(SEGMENTS), len(self.firms)))
        self.segment_revenue = np.zeros((len(SEGMENTS), len(self.firms)))
        self.segment_users = np.zeros((len(SEGMENTS), len(self.firms)))
        self.drivers: dict[str, np.ndarray] = {}
        self.previous_drivers: dict[str, np.ndarray] = {}
        self.outcome_parts: dict[str, Any] = {}
        self.previous_outcome_parts: dict[str, Any] = {}
        self.surplus_parts: dict[str, float] = {}
        self._served = np.zeros((3, len(SEGMENTS), len(self.firms) + 1))  # counted in _calibrate_start
        # The starting market is history: brand constants, the outside option and
        # marginal costs come from the reference world (the spec's defaults), so a
        # run's own levers take effect from the first quarter instead of being absorbed.
        run_params = self.params
        self.params = dict(scenario.parameters.defaults())
        self._calibrate_start()
        self.params = run_params
        self._start_schedules()
        self.datacollector = OutcomeCollector(
            model_reporters={name: functools.partial(_metric_of, name=name) for name in METRICS}
        )
        self.pending_events: list[dict] = due_events(scenario.events, self.quarter, self.fired, self.streams["events"])

    @property
    def constants(self) -> Mapping[str, Any]:
        """The behavioural constants (declared under the scenario's ``model:``; sweepable like any parameter)."""
        return self.params

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    def _add_firm(self, spec: FirmSpec) -> Firm:
        firm = Firm(self, spec, len(self.firms))
        self.firms.append(firm)
        self.firm_by_id[firm.firm_id] = firm
        return firm

    def _make_adopters(self) -> market.Adopters:
        rng = self.streams["population"]
        c = self.params
        population = self.scenario_def.population
        row_share = population.row_share or {s: 1.0 for s in SEGMENTS}
        total_share = sum(row_share.get(s, 0.0) for s in SEGMENTS)
        rows_total = population.adopter_rows
        counts = [max(10, int(round(rows_total * row_share.get(s, 0.0) / total_share))) for s in SEGMENTS]
        segment = np.concatenate([np.full(n, i, dtype=np.int64) for i, n in enumerate(counts)])
        n = segment.shape[0]
        weight = np.empty(n)
        aware = np.zeros(n, dtype=bool)
        adopted = np.zeros(n, dtype=bool)
        intensity = np.empty(n)
        by_intensity = np.empty(n, dtype=np.int64)  # per segment, its rows by rising intensity (if spread > 0)
        tastes = np.empty((4, n), dtype=np.float32)  # capability, Korean quality, price (negative), domestic
        switching = np.empty(n)
        self.awareness_norm = np.ones(len(SEGMENTS))
        sigma = c["taste_sigma"]
        start = 0
        for i, name in enumerate(SEGMENTS):
            seg = self.scenario_def.segments[name]
            count = counts[i]
            block = slice(start, start + count)
            weight[block] = seg.potential_adopters / count
            # one stratified set of normal draws per segment, shared by its rows' traits, each trait
            # through its own random permutation (see market.stratified_quantiles)
            quantiles = market.stratified_quantiles(count, rng)

            def lognormal(
                spread: float,
                dtype: type = np.float64,
                draws: np.ndarray | None = None,
                quantiles: np.ndarray = quantiles,
                count: int = count,
            ) -> np.ndarray:
                """Mean-one log-normal draws from standard normal ``draws`` (by default: the segment's
                stratified set in a random order of their own); tastes take the exponential in float32
                (they are kept in float32)."""
                if draws is None:
                    draws = market.stratified_normal(count, rng, quantiles)
                return np.exp((-(spread**2) / 2 + spread * draws).astype(dtype))

            draws, ranks = market.stratified_normal_ranked(count, rng, quantiles)
            intensity[block] = lognormal(seg.intensity_spread, draws=draws)
            by_intensity[start + ranks] = np.arange(start, start + count)  # the block's rows, lightest first
            pull = intensity[block] ** c["intensity_awareness_bias"]
            self.awareness_norm[i] = float(pull.mean())
            # heavy users heard of AI first; users are drawn among the aware
            aware_probability = np.minimum(1.0, seg.initial_awareness * pull / self.awareness_norm[i])
            aware[block] = rng.random(count, dtype=np.float32) < aware_probability
            use_given_aware = min(1.0, seg.initial_adoption / max(seg.initial_awareness, 1e-9))
            adopted[block] = aware[block] & (rng.random(count, dtype=np.float32) < use_given_aware)
            tastes[0, block] = seg.capability_weight * lognormal(sigma, np.float32)
            tastes[1, block] = seg.korean_weight * lognormal(sigma, np.float32)
            tastes[2, block] = -seg.price_sensitivity * lognormal(sigma, np.float32)
            domestic = market.stratified_normal(count, rng, quantiles)
            tastes[3, block] = seg.sovereignty_weight * (1.0 + seg.taste_spread * domestic)
            switching[block] = seg.switching_cost * lognormal(sigma)
            start += count
        # one draw per (partner, row), partner after partner: the same stream as one call per partner
        # (float32 draws: half the cost, and a 2**-24 grid is fine for a membership chance)
        reach = np.array([[partner.reach.get(s, 0.0) for s in SEGMENTS] for partner in self.partners])
        reach_per_row = np.repeat(reach.reshape(-1, len(SEGMENTS)), counts, axis=1)  # rows are grouped by segment
        platforms = (rng.random((len(self.partners), n), dtype=np.float32) < reach_per_row).T
        group, group_platforms = market.group_memberships(platforms)
        review_rate = np.array([self.scenario_def.segments[s].review_rate_per_quarter for s in SEGMENTS])
        self.row_review_rate = review_rate[segment]
        self.segment_weight = np.bincount(segment, weights=weight, minlength=len(SEGMENTS))
        self.aware_weight = np.bincount(segment, weights=weight * aware, minlength=len(SEGMENTS))  # kept by adopt
        self.panel = self._choose_panel(segment, intensity, population.panel_rows, by_intensity)
        panel_counts = np.bincount(segment[self.panel], minlength=len(SEGMENTS))
        self.panel_scale = np.array(counts, dtype=float) / np.maximum(panel_counts, 1)
        return market.Adopters(
            segment=segment,
            weight=weight,
            aware=aware,
            adopted=adopted,
            provider=np.full(n, -1, dtype=np.int64),
            intensity=intensity,
            tastes=tastes,
            switching_cost=switching,
            platform_group=group,
            group_platforms=group_platforms,
        )

    def _start_schedules(self) -> None:
        """Each unaware row's hearing clock (:class:`market.HearingClocks`) and each aware row's first review.

        A row reviews its provider with a fixed chance each quarter (its segment's review rate), so
        the quarters between its reviews are geometric: each row's next review is drawn when it
        chooses, and a quarter looks only at the rows due. Drawn after the starting market is set,
        one draw per row for each, so the draws do not depend on who is aware.
        """
        a = self.adopters
        rng = self.streams["population"]
        # float32 clocks: half the cost of the draws, and ample precision for when a row hears or reviews
        hearing_clocks = rng.standard_exponential(a.rows, dtype=np.float32)
        review_clocks = rng.standard_exponential(a.rows, dtype=np.float32)
        unaware = np.flatnonzero(~a.aware)
        groups = len(SEGMENTS) * a.group_platforms.shape[0]
        bias = self.params["intensity_awareness_bias"]
        pull = self._awareness_pull()
        self.hearing = market.HearingClocks.start(
            unaware, a.segment_group[unaware], pull[unaware], hearing_clocks[unaware], groups, bias
        )
        with np.errstate(divide="ignore"):
            self.review_scale = -1.0 / np.log1p(-self.row_review_rate)
        self.next_review = np.full(a.rows, market.NEVER, dtype=np.int64)  # the unaware have no review
        aware = np.flatnonzero(a.aware)
        self.next_review[aware] = self.quarter + market.review_gaps(review_clocks[aware], self.review_scale[aware])

    @staticmethod
    def _choose_panel(
        segment: np.ndarray, intensity: np.ndarray, per_segment: int, by_intensity: np.ndarray | None = None
    ) -> np.ndarray:
        """About ``per_segment`` rows per segment for estimates, evenly spread over usage intensity.

        Revenue and surplus weigh rows by intensity, so a systematic sample over
        intensity keeps the estimates' sampling error small. Each chosen row is the
        middle row of one of ``per_segment`` equal bands of the intensity ranking, so it
        stands for its own band: taking the first and last rows instead (evenly spaced
        from the lightest to the heaviest user) gave the single heaviest user a whole
        band's weight, which raised the panel's mean intensity by 5-8 % and made
        surplus and markups depend on the panel's size.

        ``by_intensity``: the rows in an order that may already be the ranking (rows grouped by
        segment); it is used where the intensities along it strictly rise, since the ranking of
        distinct values is unique, so the panel is the same as with a sort.
        """
        chosen = []
        for s in range(len(SEGMENTS)):
            rows = np.nonzero(segment == s)[0]
            if rows.size == 0:
                continue
            ordered = None
            if by_intensity is not None:
                ordered = by_intensity[rows[0] : rows[-1] + 1]
                values = intensity[ordered]
                if rows.size != rows[-1] - rows[0] + 1 or not np.all(values[1:] > values[:-1]):
                    ordered = None
            if ordered is None:
                ordered = rows[market.stable_argsort(intensity[rows])]
            take = min(per_segment, rows.size)
            middles = ((np.arange(take) + 0.5) * rows.size / take).astype(np.int64)
            chosen.append(ordered[middles])
        return np.sort(np.concatenate(chosen))

    def _calibrate_start(self) -> None:
        """Brand constants, outside options and marginal costs that reproduce the starting market.

        Brand constants (Berry 1994) match each segment's initial provider shares;
        the outside option's utility matches the share of aware rows that use AI;
        marginal costs are backed out of the starting prices with the logit-Bertrand
        first-order condition (as in BLP 1995). Then providers are drawn.
        """
        a = self.adopters
        c = self.params
        targets = np.zeros((len(SEGMENTS), len(self.firms)))
        for s, name in enumerate(SEGMENTS):
            for firm in self.firms:
                if firm.available:
                    targets[s, firm.index] = max(firm.spec.initial_share.get(name, 0.0), c["min_initial_share"])
            total = targets[s].sum()
            if total > 0:  # no firm in the market yet (all enter later): no shares to match
                targets[s] /= total
        self.segment_firm_shares = targets
        self.brand = np.zeros_like(targets)
        rows = self.panel[a.adopted[self.panel]]
        base = self._utilities(rows, include_inertia=False)[:-1]
        self.brand = market.calibrate_constants(base, a.segment[rows], targets)
        aware_rows = self.panel[a.aware[self.panel]]
        utility = self._utilities(aware_rows, include_inertia=False)
        inside, outside_rest = utility[:-1], utility[-1]
        for s, name in enumerate(SEGMENTS):
            seg = self.scenario_def.segments[name]
            mine = a.segment[aware_rows] == s
            if not mine.any() or not any(f.available for f in self.firms):  # nobody to use: nothing to match
                continue
            target_use = min(0.999, max(seg.initial_adoption / max(seg.initial_awareness, 1e-9), 1e-6))
            log_inside = market.log_sum(inside[:, mine])
            rest = outside_rest[mine]
            u0 = 0.0
            for _ in range(100):  # contraction on the outside option's constant
                used = np.mean(1.0 / (1.0 + np.exp(rest + u0 - log_inside)))
                step = np.log(max(used, 1e-12) / target_use) - np.log(max(1 - used, 1e-12) / (1 - target_use))
                u0 += step
                if abs(step) < 1e-6:
                    break
            self.segment_state[name]["outside_utility"] = u0
        # marginal costs from the first-order condition at the starting prices
        markup = self._markups()
        for firm in self.firms:
            firm.marginal_cost = max(firm.price - markup[firm.index], c["min_marginal_cost_share"] * firm.price)
        adopted = np.nonzero(a.adopted)[0]
        utility = self._utilities(adopted, include_inertia=False)[:-1]
        a.provider[adopted] = market.choose_providers(utility, self.streams["population"])
        self._count_served()

    # ------------------------------------------------------------------
    # the public API for callers (game, runner, experiments, classroom)
    # ------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """Whether every quarter of the scenario has been simulated."""
        return self.quarter > self.scenario_def.end

    @property
    def quarter_label(self) -> str:
        """The quarter the next :meth:`step` will simulate."""
        return quarter_label(self.quarter)

    @property
    def gpu_usd_bn_per_k_per_year(self) -> float:
        # KRW m per GPU-year is KRW bn per thousand GPUs per year
        """What a thousand GPUs cost per year, USD bn (from the GPU cost uncertainty)."""
        return self.params["gpu_cost_krw_m_per_year"] / self.krw_per_usd

    def apply_decision(self, decision: Mapping[str, Any], check_only: bool = False) -> None:
        """Set lever values, answer event choices and set firm or platform decisions for the next quarter.

        Keys are parameter names (levers), ``choice:EVENT_ID`` with a choice id,
        ``firm:FIRM_ID`` with a mapping of firm decision fields (standing until changed,
        like a lever; a field set to None, or an empty mapping for all, goes back to the rule; see
        :mod:`sim.model.policies`), or ``partner:PARTNER_ID`` with
        ``{"provider": FIRM_ID, "deal": KIND}`` (used when that contract is next up).
        Raises :class:`OverrideError` for unknown names or bad values; nothing is
        applied unless everything is valid (``check_only``: nothing is applied at all).
        """
        from sim.core.arguments import mapping_arg

        levers: dict[str, Any] = {}
        choices: dict[str, str] = {}
        firm_moves: dict[str, dict[str, float | None]] = {}
        partner_moves: dict[str, dict] = {}
        for key, value in mapping_arg(decision, "decision").items():
            kind, _, name = key.partition(":")
            if not name:
                levers[key] = value
            elif kind == "choice":
                event = next((e for e in self.scenario_def.events if e["id"] == name), None)
                if event is None or not event["choices"]:
                    raise OverrideError(f"no event with choices named {name!r}")
                ids = [ch["id"] for ch in event["choices"]]
                if not isinstance(value, str) or value not in ids:
                    raise OverrideError(f"event {name}: expected one of {', '.join(ids)}, got {describe(value)}")
                choices[name] = value
            elif kind == "firm":
                if name not in self.firm_by_id:
                    raise OverrideError(f"{key}: no firm named {name!r}")
                try:
                    firm_moves[name] = check_firm_decision(value)
                except ValueError as exc:
                    raise OverrideError(f"{key}: {exc}") from None
            elif kind == "partner":
                partner_moves[name] = self._check_partner_decision(key, name, value)
            else:
                raise OverrideError(f"unknown decision {key!r}; expected a lever, choice:, firm: or partner: key")
        checked = self.scenario_def.parameters.check(levers)
        for name in checked:
            if self.scenario_def.parameters[name].kind != "lever":
                kind = self.scenario_def.parameters[name].kind
                raise OverrideError(f"{name} is {'an' if kind[0] in 'aeiou' else 'a'} {kind}, not a decision")
        if check_only:
            return
        self.params.update(checked)
        self.choices.update(choices)
        for name, fields in firm_moves.items():
            standing = self.firm_overrides.setdefault(name, {})
            if not fields:  # an empty decision hands the firm back to its rule
                standing.clear()
            for field, value in fields.items():
                if value is None:  # this field back to the rule
                    standing.pop(field, None)
                else:
                    standing[field] = value
            if not standing:
                del self.firm_overrides[name]
        for name, move in partner_moves.items():
            self.partner_by_id[name].pending = move
        logged = self.decision_log.setdefault(self.quarter, {})
        logged.update(checked)
        logged.update({f"choice:{k}": v for k, v in choices.items()})
        logged.update({f"firm:{k}": dict(v) for k, v in firm_moves.items()})
        logged.update({f"partner:{k}": dict(v) for k, v in partner_moves.items()})

    def _check_partner_decision(self, key: str, name: str, value: Any) -> dict:
        if name not in self.partner_by_id:
            raise OverrideError(f"{key}: no partner platform named {name!r}")
        if not isinstance(value, Mapping) or not set(value) <= {"provider", "deal"} or "provider" not in value:
            raise OverrideError(f"{key}: expected a mapping with provider: FIRM_ID and optionally deal: KIND")
        if not isinstance(value["provider"], str) or value["provider"] not in self.firm_by_id:
            raise OverrideError(f"{key}: provider: no firm named {describe(value['provider'])}")
        deal = value.get("deal")
        if deal is not None and (not isinstance(deal, str) or (deal not in self.deals and deal != "own")):
            raise OverrideError(f"{key}: deal: expected one of {', '.join(self.deals)}, got {describe(deal)}")
        return {"provider": str(value["provider"]), "deal": deal}

    def set_firm_policy(self, firm_id: str, policy: Any | None) -> None:
        """Install a policy (an object with ``decide(firm, view)``) for a firm from now on; ``None`` restores the rule.

        Raises OverrideError for an unknown firm or an object without a callable ``decide`` (it would fail
        only at the next step)."""
        if not isinstance(firm_id, str) or firm_id not in self.firm_by_id:
            raise OverrideError(f"no firm named {describe(firm_id)}")
        if policy is not None and not callable(getattr(policy, "decide", None)):
            raise OverrideError(f"firm {firm_id}: a policy needs a decide(firm, view) method, got {describe(policy)}")
        if policy is None:
            self.firm_policies.pop(firm_id, None)
        else:
            self.firm_policies[firm_id] = policy

    def _guarded_step(self) -> None:
        """Mesa's step, except that after the scenario's end nothing changes (not even ``time``)."""
        if self.finished:
            self.running = False
            return
        self._mesa_step()

    def step(self) -> None:
        """Simulate one quarter (after the scenario's end: nothing)."""
        if self.finished:
            self.running = False
            return
        self.events()
        self.regulate()
        self.plan()
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

    def step_without_clock(self) -> None:
        """One quarter, as :meth:`step`, without Mesa's clock: ``time`` stays where it is and Mesa's event
        machinery is skipped (about 3 % of a quarter). For runs nobody asks Mesa about afterwards, whose
        outcome rows are all that is read: forecast previews."""
        AIMarketModel.step(self)

    def open_budget(self) -> None:
        """Only the start of the next quarter, up to the regulator's budget allocation (its events, then
        :meth:`Regulator.allocate`): what the budget funds and scales back is then known, as :meth:`step`
        would have it. The rest of the quarter is not played, so use this on a copy (a dry run)."""
        if self.finished:
            return
        self.events()
        self.regulator.allocate(self.quarter)

    def run(self) -> AIMarketModel:
        """Step to the end of the scenario; returns self."""
        while not self.finished:
            self.step()
        return self

    def metrics(self) -> dict[str, Any]:
        """The outcome row of the last simulated quarter (empty before the first step)."""
        return dict(self.history[-1]) if self.history else {}

    def __getstate__(self) -> dict:
        # derived state is rebuilt on demand from the rest: left out, snapshots are smaller and quicker to restore
        state = self.__dict__.copy()
        for key in DERIVED_STATE:
            state.pop(key, None)
        return state

    def warm(self) -> None:
        """Build now the derived state a quarter reads and snapshots leave out (see ``DERIVED_STATE``;
        each part is otherwise built on first use, most in the first quarter after a restore).

        Changes no outcome: each part is what its first use would build from the same state, and each
        is kept under a key of what it is made of, so a decision applied afterwards rebuilds what it
        changes, as it does between quarters of any game. For a model restored ahead of time (a
        preview's spare), so that the run that takes it starts with this done.
        """
        a = self.adopters
        for population in (a, self._panel_population()):
            _ = (population.log_intensity, population.usage_weight, population.cell)  # each kept when first read
        self._aware_panel()
        self._groups_offered_ai()  # the channel strengths too
        self._channel_utility()
        self._segment_parts(len(self.firms))

    def snapshot(self) -> bytes:
        """An exact copy of the model's state (including random streams) as bytes."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def restore(blob: bytes) -> AIMarketModel:
        """The model saved by :meth:`snapshot`; it continues exactly as the original would.

        Raises TypeError for anything that is not a snapshot. (A snapshot is a pickle: restore only
        bytes this program made.)"""
        if not isinstance(blob, (bytes, bytearray, memoryview)):
            raise TypeError(f"not a model snapshot: expected the bytes snapshot() made, got {describe(blob)}")
        try:
            model = pickle.loads(blob)
        except Exception:  # noqa: BLE001  # what bytes that are no pickle raise varies (EOFError, UnpicklingError, ...)
            model = None
        if not isinstance(model, AIMarketModel):
            raise TypeError("not a model snapshot")
        return model

    def copy(self) -> AIMarketModel:
        """An independent exact copy (via :meth:`snapshot`)."""
        return AIMarketModel.restore(self.snapshot())

    def explain(self, firm_id: str | None = None, language: str = "en") -> list[dict]:
        """Drivers of last quarter's change for a firm (or the domestic side); see :mod:`sim.model.explain`."""
        return explain(self, firm_id, language)

    def explain_outcome(self, metric: str, language: str = "en") -> list[dict]:
        """Drivers of last quarter's change in an outcome (in its own units); see :mod:`sim.model.explain`."""
        return explain_outcome(self, metric, language)

    def add_news(self, quarter: int, kind: str, en: str, ko: str | None = None) -> None:
        """Add a news item (English and Korean) for ``quarter``."""
        self.news.append({"quarter": quarter_label(quarter), "kind": kind, "en": en, "ko": ko or en})

    # deals --------------------------------------------------------------
    @property
    def default_deal(self) -> str:
        """The scenario's first kind of deal (an ordinary integration)."""
        return next(iter(self.deals), "integration")

    def deal_strength(self, deal: str) -> float:
        """Channel strength of a kind of deal (1 for in-house or unknown kinds)."""
        return self.deals[deal].channel_strength if deal in self.deals else 1.0

    def deal_quarters(self, deal: str, default: int) -> int:
        """Contract length of a kind of deal (``default`` for in-house or unknown kinds)."""
        return self.deals[deal].quarters if deal in self.deals else default

    def deal_for_bid(self, bid_usd_bn_per_year: float) -> str:
        """The strongest kind of deal whose minimum bid the offer meets."""
        best = self.default_deal
        for name, spec in self.deals.items():
            if bid_usd_bn_per_year >= spec.min_bid_usd_bn_per_year >= self.deals[best].min_bid_usd_bn_per_year:
                best = name
        return best

    # ------------------------------------------------------------------
    # phases of a quarter
    # ------------------------------------------------------------------
    def events(self) -> None:
        """Scheduled entries and the events drawn for this quarter take effect; old shocks fade."""
        q = self.quarter
        fade_shocks(self)
        for firm in self.firms:
            if firm.enters is not None and firm.enters == q and not firm.active and not firm.exited:
                self.activate_firm(firm, q)
        for event in self.pending_events:
            self.fired.add(event["id"])
            effects = list(event["effects"])
            if event["choices"]:
                # the answer's effects come first: a choice may set a policy the event then meets
                chosen = self.choices.get(event["id"], event["default_choice"])
                choice = next(ch for ch in event["choices"] if ch["id"] == chosen)
                effects = list(choice["effects"]) + effects
            title = event["title"]
            self.add_news(q, "event", title["en"], title["ko"])
            apply_effects(self, effects, q, event.get("half_life_quarters"))

    def regulate(self) -> None:
        """The regulator funds programmes and enforces the AI Basic Act."""
        self.regulator.allocate(self.quarter)
        self.regulator.enforce(self.quarter, self.streams["regulator"])

    def plan(self) -> None:
        """Every firm decides (its policy, or a caller's decision for this quarter)."""
        markups = self._markups()
        credit = self.regulator.effective_rd_tax_credit
        rule = RuleFirmPolicy()
        cost_factor = self._cost_factor()
        for firm in self.firms:
            if not firm.available:
                firm.decision = None
                continue
            firm.decision = self._decide(firm, markups, credit, cost_factor, rule)

    def _decide(
        self, firm: Firm, markups, credit: float, cost_factor: float, rule: RuleFirmPolicy, standing: bool = True
    ) -> FirmDecision:
        """``firm``'s decision at today's state: its policy's, with a caller's standing fields over it
        (unless not ``standing``)."""
        tax = min(firm.compliance_cost_usd_bn / firm.revenue_usd_bn, 0.5) if firm.revenue_usd_bn > 0 else 0.0
        marginal_cost = self._marginal_cost(firm, cost_factor)
        best = (marginal_cost + markups[firm.index]) / (1.0 - tax)
        serving = firm.revenue_usd_bn * marginal_cost / max(firm.price, 1e-9)
        operating = 4.0 * (
            firm.revenue_usd_bn - serving - firm.fixed_cost_usd_bn_per_year / 4.0 - firm.compliance_cost_usd_bn
        )
        view = FirmView(best, credit if firm.domestic else 0.0, operating, self.params)
        decision = self.firm_policies.get(firm.firm_id, rule).decide(firm, view)
        override = self.firm_overrides.get(firm.firm_id) if standing else None
        return apply_override(decision, override) if override else decision

    def firm_decision_now(self, firm_id: str, standing: bool = True) -> FirmDecision | None:
        """What ``firm_id`` decides if nobody changes its decisions: its last quarter's decision (a caller's
        standing fields included), or, before it has made one, its policy's decision at today's state.
        ``standing=False``: its policy's decision at today's state without a caller's standing fields (what
        handing it back to its rule gives). Changes nothing in the model. None for a firm not in the market."""
        firm = self.firm_by_id[firm_id]
        if not firm.available:
            return None
        if firm.decision is not None and standing:
            return firm.decision
        credit = self.regulator.effective_rd_tax_credit
        return self._decide(firm, self._markups(), credit, self._cost_factor(), RuleFirmPolicy(), standing)

    def invest(self) -> None:
        """Firms' investment moves capability and Korean quality; the frontier and inference costs move."""
        p = self.params
        growth_quarter = (1.0 + p["frontier_growth_per_year"]) ** 0.25 - 1.0
        self.frontier_level *= 1.0 + growth_quarter
        self.price_level *= (1.0 - p["inference_cost_decline_per_year"]) ** 0.25
        world = InvestWorld(
            constants=self.params,
            frontier_growth_quarter=growth_quarter,
            open_weight_level=(1.0 + p["frontier_growth_per_year"]) ** (-p["open_weight_lag_years"]),
            talent_factor=self.regulator.talent_factor(),
            data_openness=p["public_data_openness"] * self.regulator.programme_scale,
            gpu_usd_bn_per_k_per_year=self.gpu_usd_bn_per_k_per_year,
            launch_delay_quarters=self.regulator.launch_delay_quarters(self.quarter),
            rng=self.streams["firms"],
        )
        for firm in self.firms:
            if firm.available and firm.decision is not None:
                firm.invest(firm.decision, world)

    def price(self) -> None:
        """Firms move their prices towards their decision, in bounded steps."""
        cost_factor = self._cost_factor()
        for firm in self.firms:
            if firm.available and firm.decision is not None:
                marginal_cost = self._marginal_cost(firm, cost_factor)
                firm.set_price(firm.decision.price, self.params["price_step_max"], marginal_cost)

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
                        f"{partner.name} switches its AI to {firm.name} ({partner.deal})",
                        f"{partner.name_ko}, AI 공급자를 {with_particle(firm.name_ko, '(으)로')} 변경",
                    )

    def adopt(self) -> None:
        """People hear of AI (Bass); the newly aware and those reviewing choose a provider or none (logit)."""
        a = self.adopters
        rng = self.streams["market"]
        p = self.params
        c = self.params
        used_fraction = self.served_weight / np.maximum(self.segment_weight, 1e-12)
        hazard = np.zeros(len(SEGMENTS))
        for s, name in enumerate(SEGMENTS):
            state = self.segment_state[name]
            speed = p["adoption_speed"]
            hazard[s] = market.bass_hazard(state["bass_p"] * speed, state["bass_q"] * speed, used_fraction[s])
        # users of a platform offering AI hear of it sooner
        boost = np.where(self._groups_offered_ai(), 1.0 + c["channel_awareness_boost"], 1.0)
        group_hazard = (hazard[:, None] * boost[None, :]).ravel()
        bias = p["intensity_awareness_bias"]
        if bias != self.hearing.bias:
            self.hearing.repull(self._awareness_pull(), bias)
        new = self.hearing.advance(group_hazard / 4.0)  # only the unaware rows' clocks are looked at
        a.aware[new] = True
        self._aware_panel_cache = None
        self.aware_weight += np.bincount(a.segment[new], weights=a.weight[new], minlength=len(SEGMENTS))
        # the aware review their provider at their own pace (each row's next review is scheduled)
        q = self.quarter
        choosing = self.next_review == q
        if self.platform_changed.any():
            # users of a platform that switched providers review with at least platform_switch_review
            group_switched = a.group_platforms[:, self.platform_changed].any(axis=1)
            others = np.flatnonzero(group_switched[a.platform_group] & a.aware & ~choosing)
            rate = self.row_review_rate[others]
            more = np.maximum(c["platform_switch_review"], rate) - rate
            chance = np.divide(more, 1.0 - rate, out=np.ones_like(rate), where=rate < 1.0)
            choosing[others[rng.random(others.size) < chance]] = True
        choosing[new] = True
        # users of a provider that left choose again; only firms that still had users need a look
        users = np.add.reduce(self.served_counts, axis=0)
        gone = [f.index for f in self.firms if not f.available and f.index < users.shape[0] and users[f.index] > 0]
        orphaned = np.flatnonzero(np.isin(a.provider, gone)) if gone else None
        if orphaned is not None:
            choosing[orphaned] = True
        choosers = choosing.nonzero()[0]
        before = a.provider[choosers]
        if orphaned is not None:
            a.provider[orphaned] = -1
        draws = rng.random(choosers.size)
        offer, table = self._utility_table(for_choice=True, dtype=np.float32)  # choices are sampled in float32
        # chunks keep the (firms x rows) temporaries in cache; draws are taken up
        # front, so the result does not depend on the chunk size
        after = np.empty(choosers.size, dtype=np.int64)
        for start in range(0, choosers.size, CHOICE_CHUNK_ROWS):
            rows = choosers[start : start + CHOICE_CHUNK_ROWS]
            utility = market.utilities(a, rows, offer, table, self._outside_per_row(rows), include_inertia=True)
            after[start : start + CHOICE_CHUNK_ROWS] = market.sample_with_outside(
                utility, draws[start : start + CHOICE_CHUNK_ROWS], overwrite=True
            )
        a.provider[choosers] = after  # (the chunks' rows are disjoint: each read only its own providers)
        a.adopted[choosers] = after >= 0  # only choosers' providers changed
        clocks = rng.standard_exponential(choosers.size, dtype=np.float32)  # float32, as at the start
        gaps = market.review_gaps(clocks, self.review_scale[choosers])
        self.next_review[choosers] = q + 1 + gaps
        self._move_served(choosers, before, after)
        # share of each segment's aware people who chose this quarter (how fast shares can respond)
        chose = np.bincount(a.segment[choosers], weights=a.weight[choosers], minlength=len(SEGMENTS))
        aware = self.aware_weight
        self.chose_share = np.minimum(1.0, np.divide(chose, aware, out=np.zeros(len(SEGMENTS)), where=aware > 0))

    def settle(self) -> None:
        """Revenue is booked, firms pay costs; broke firms exit; new firms may enter."""
        firms = self.firms
        # revenue per (segment, firm): real usage served x the segment's base usage x the firm's price per usage
        usage = self._served[2, :, 1:]
        revenue = usage * self._usage_base()[:, None] * self._price_per_usage(firms)[None, :] / 1e9
        self.segment_revenue = revenue
        self.segment_users = self.served_counts / 1e6
        total = revenue.sum()
        deals = np.zeros(len(firms))
        for partner in self.partners:
            if partner.provider >= 0 and partner.deal != "own":
                deals[partner.provider] += 1
        revenue_by_firm = revenue.T.tolist()
        users_by_firm = self.segment_users.T.tolist()
        revenue_totals = revenue.sum(axis=0).tolist()
        for firm in firms:
            firm.previous_share = firm.revenue_share
            firm.revenue_by_segment = revenue_by_firm[firm.index]
            firm.users_by_segment = users_by_firm[firm.index]
            firm.revenue_usd_bn = revenue_totals[firm.index]
            firm.revenue_share = float(firm.revenue_usd_bn / total) if total > 0 else 0.0
        self.regulator.book_spend()
        self.exits = 0
        cost_factor = self._cost_factor()
        for firm in firms:
            if firm.available:
                serving = firm.revenue_usd_bn * self._marginal_cost(firm, cost_factor) / max(firm.price, 1e-9)
                bid = firm.decision.partner_bid_usd_bn_per_year if firm.decision is not None else 0.0
                bids = bid * deals[firm.index] / 4.0
                firm.settle(serving, bids)
                if firm.exited:
                    self.retire_firm(firm, self.quarter, reason="cash")
        self._brand_convergence()
        self._entry()

    def record(self) -> None:
        """Compute this quarter's outcomes (see :mod:`sim.model.outcomes`) and append them to the history."""
        record_quarter(self)
        if not self.outcomes_only:
            self.datacollector.collect(self)
        self.entries = 0

    # ------------------------------------------------------------------
    # entry and exit
    # ------------------------------------------------------------------
    def activate_firm(self, firm: Firm, quarter: int) -> None:
        """Bring a firm into the market this quarter (counted as an entry, with news)."""
        if firm.active or firm.exited:
            return
        firm.active = True
        firm.enters = quarter
        self.entries += 1
        self.add_news(quarter, "entry", f"{firm.name} enters the market", f"{firm.name_ko}, 시장에 진입")

    def retire_firm(self, firm: Firm, quarter: int, reason: str) -> None:
        """Take a firm out of the market (counted as an exit, with news); its users choose again."""
        firm.active = False
        firm.exited = True
        firm.exit_quarter = quarter
        self.exits += 1
        why = {"cash": "runs out of cash and exits", "event": "leaves the market"}.get(reason, "leaves the market")
        why_ko = {"cash": "자금이 바닥나 시장에서 퇴출", "event": "시장에서 철수"}.get(reason, "시장에서 철수")
        self.add_news(quarter, "exit", f"{firm.name} {why}", f"{firm.name_ko}, {why_ko}")

    def _entry(self) -> None:
        """Potential entrants arrive (Poisson) and enter when the expected profit repays the entry cost."""
        rng = self.streams["firms"]
        p = self.params
        arrivals = [("domestic", int(rng.poisson(p["entry_rate_per_year"] / 4.0)))]
        arrivals.append(("foreign", int(rng.poisson(p["foreign_entry_rate_per_year"] / 4.0))))
        for origin, count in arrivals:
            for _ in range(count):
                if self.random_entrants >= p["max_entrants"]:
                    return
                spec = self._entrant_spec(origin, rng)
                candidate = Firm(self, spec, len(self.firms))
                candidate.marginal_cost = self._typical_cost_ratio() * spec.price / self._cost_factor()
                profit = self._expected_entrant_profit(candidate)
                candidate.remove()
                if profit * p["entry_payback_years"] < spec.cash_usd_bn:
                    continue
                self.random_entrants += 1
                firm = self._add_firm(spec)
                firm.marginal_cost = candidate.marginal_cost
                self._grow_firm_arrays()
                self.activate_firm(firm, self.quarter)

    def _entrant_spec(self, origin: str, rng: np.random.Generator) -> FirmSpec:
        p = self.params
        number = self.random_entrants + 1
        open_weights = (1.0 + p["frontier_growth_per_year"]) ** (-p["open_weight_lag_years"])
        domestic = origin == "domestic"
        prices = [f.price for f in self.firms if f.available and f.domestic == domestic]
        return FirmSpec(
            id=f"entrant_{number}",
            name=f"{'Start-up' if domestic else 'Foreign lab'} {number}",
            name_ko=f"{'스타트업' if domestic else '해외 연구소'} {number}",
            origin=origin,
            size="small" if domestic else "large",
            capability=min(1.0, open_weights * p["entrant_capability_vs_open_weights"])
            if domestic
            else p["foreign_entrant_capability"],
            korean_quality=p["entrant_korean_quality"] if domestic else p["foreign_entrant_korean_quality"],
            price=float(statistics.median(prices)) if prices else 1.0,
            compute_k_gpus=0.0,
            cash_usd_bn=p["entrant_cash_usd_bn"],
            rd_usd_bn_per_year=p["entrant_base_investment_usd_bn_per_year"],
            fixed_cost_usd_bn_per_year=p["entrant_fixed_cost_usd_bn_per_year"],
            frontier_lab=False,
            sovereign_applicant=False,
            initial_share={},
            enters=self.quarter,
            strategy=Strategy(korea_focus=1.0) if domestic else Strategy(),
        )

    def _typical_cost_ratio(self) -> float:
        """Median marginal cost / price of active firms today."""
        ratios = [self._marginal_cost(f) / f.price for f in self.firms if f.available and f.price > 0]
        return float(statistics.median(ratios)) if ratios else 0.5

    def _expected_entrant_profit(self, candidate: Firm) -> float:
        """Yearly profit a candidate expects: its logit demand on the panel at today's offers, less costs."""
        local = self._aware_panel()
        if local.size == 0:
            return -1.0
        panel = self._panel_population()
        utility = self._panel_utilities(local)
        taste = panel.tastes[:, local].astype(float).T
        seg = panel.segment[local]
        brand = self.brand.min(axis=1)[seg]
        foreign = 0.0 if candidate.domestic else 1.0
        trust = self.foreign_trust_by_segment()[seg]
        own = (
            taste[:, 0] * candidate.offered_capability
            + taste[:, 1] * candidate.korean_quality
            + taste[:, 2] * candidate.price
            + taste[:, 3] * (0.0 if foreign else 1.0)
            + brand
            + trust * foreign
        )
        share = market.added_option_share(utility, own)
        per_row = self._usage_base()[seg] * panel.intensity[local] * self._price_per_usage([candidate])[0]
        revenue = float((panel.weight[local] * share * per_row).sum() / 1e9) * 4.0
        margin = 1.0 - self._marginal_cost(candidate) / candidate.price
        fixed = candidate.fixed_cost_usd_bn_per_year + candidate.base_investment_usd_bn_per_year
        compliance = self.regulator.obligation_cost_krw_bn_per_year(candidate) / self.krw_per_usd
        if self.regulator.act_phase(self.quarter) == "before":
            compliance = 0.0
        return revenue * margin - fixed - compliance

    def _grow_firm_arrays(self) -> None:
        firms = len(self.firms)
        served = np.zeros((3, len(SEGMENTS), firms + 1))  # a newcomer serves nobody yet
        served[:, :, : self._served.shape[2]] = self._served
        self._served = served
        for name in ("segment_firm_shares", "segment_revenue", "segment_users"):
            old = getattr(self, name)
            grown = np.zeros((len(SEGMENTS), firms))
            grown[:, : old.shape[1]] = old
            setattr(self, name, grown)
        # a newcomer starts with the lowest brand constant of each segment
        brand = np.zeros((len(SEGMENTS), firms))
        brand[:, : self.brand.shape[1]] = self.brand
        brand[:, self.brand.shape[1] :] = self.brand.min(axis=1, keepdims=True)
        self.brand = brand

    def _brand_convergence(self) -> None:
        """Brand advantages erode as users learn what models can do: constants shrink towards the segment's mean."""
        rate = self.params["brand_convergence_per_quarter"]
        active = [f.index for f in self.firms if f.available]
        if rate <= 0 or not active:
            return
        # each segment's mean as ndarray.mean forms it (the sum, then / count), without its Python layer
        if len(active) == len(self.firms):  # every firm: no copies through an index
            mean = np.add.reduce(self.brand, axis=1, keepdims=True) / self.brand.shape[1]
            self.brand += rate * (mean - self.brand)
            return
        columns = np.array(active)
        brand = self.brand.take(columns, axis=1)
        mean = np.add.reduce(brand, axis=1, keepdims=True) / brand.shape[1]
        self.brand[:, columns] = brand + rate * (mean - brand)

    # ------------------------------------------------------------------
    # demand helpers
    # ------------------------------------------------------------------
    def _marginal_cost(self, firm: Firm, cost_factor: float | None = None) -> float:
        """Serving cost per unit of the price index: backed out at the start, falling with inference
        cost (the price level), scaled by the GPU cost, and lower for firms serving on public GPUs.

        ``cost_factor``: :meth:`_cost_factor`, when a loop over firms has it already.
        """
        c = self.params
        relief = (
            c["public_gpu_serving_relief"] * firm.public_gpus_k / (firm.public_gpus_k + c["public_gpu_serving_half_k"])
        )
        factor = self._cost_factor() if cost_factor is None else cost_factor
        return firm.marginal_cost * factor * (1.0 - relief)

    def _cost_factor(self) -> float:
        """Serving cost now relative to the start: inference cost index times GPU cost relative to the reference."""
        reference = self.scenario_def.parameters["gpu_cost_krw_m_per_year"].default
        return self.price_level * self.params["gpu_cost_krw_m_per_year"] / reference

    def _price_per_usage(self, firms: list[Firm]) -> np.ndarray:
        """Per firm: what a row of intensity one pays per unit of its segment's base usage.

        Usage grows with capability, (capability x frontier) ** elasticity, times the price index.
        """
        e = self.params["usage_capability_elasticity"]
        return np.array([(max(f.offered_capability, 1e-6) * self.frontier_level) ** e * f.price for f in firms])

    def _awareness_pull(self) -> np.ndarray:
        """Per row: how much faster than average it hears of AI (intensity ** bias, mean one per segment; float32)."""
        bias = self.params["intensity_awareness_bias"]
        cached = getattr(self, "_pull_cache", None)
        if cached is None or cached[0] != bias:
            a = self.adopters
            cached = (bias, (a.intensity**bias / self.awareness_norm[a.segment]).astype(np.float32))
            self._pull_cache = cached
        return cached[1]

    def _usage_base(self) -> np.ndarray:
        return np.array([self.segment_state[s]["usage_usd_per_adopter_per_quarter"] for s in SEGMENTS])

    def _offer(self) -> market.FirmOffer:
        # one pass over the firms into one flat list, then one (firms x 6) block (asked for several
        # times a quarter; a flat list converts about twice as fast as a list of tuples)
        values: list = []
        for f in self.firms:
            values += (f.offered_capability, f.korean_quality, f.price, f.domestic, f.trust, f.available)
        return market.FirmOffer.from_block(np.array(values, dtype=float).reshape(-1, 6))

    def _segment_terms(self, offer: market.FirmOffer, for_choice: bool = False) -> market.SegmentTerms:
        """Segment-level utility terms; ``for_choice`` adds the procurement preference public buyers act on.

        The preference steers choices but is not a benefit to buyers, so welfare
        (consumer surplus) is measured without it.
        """
        firms = len(self.firms)
        outside, network, foreign = self._segment_parts(firms)
        bonus = self.brand[:, :firms] + network
        bonus += foreign
        if for_choice:
            bonus[self.segment_index["public"]] += self.procurement_bonus(offer)
        return market.SegmentTerms(bonus=bonus, outside=outside)

    def _segment_parts(self, firms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The outside option's segment term, the network effect and foreign trust per (segment, firm).

        Several phases a quarter build utilities, and each part changes at most once a quarter:
        the outside option with the frontier (invest), the network effect with the shares (adopt;
        a new array each time), foreign trust with events and levers. Each part is kept until
        what it is made of changes. A firm's origin never changes, and firms are only ever added.
        """
        p = self.params
        states = [self.segment_state[name] for name in SEGMENTS]
        cache = self.__dict__.setdefault("_segment_parts_cache", {})
        outside_key = (
            self.frontier_level,
            p["outside_option_shift"],
            tuple((st["outside_utility"], st["frontier_value_weight"]) for st in states),
        )
        kept = cache.get("outside")
        if kept is None or kept[0] != outside_key:
            outside_base, frontier_value = np.array(outside_key[2]).T
            # the outside option falls as the frontier advances (and, per row, for heavy users: _outside_per_row)
            outside = outside_base + p["outside_option_shift"] - frontier_value * np.log(self.frontier_level)
            outside.flags.writeable = False
            kept = cache["outside"] = (outside_key, outside)
        outside = kept[1]
        shares = self.segment_firm_shares
        network_key = (firms, p["network_effect"])
        kept = cache.get("network")
        if kept is None or kept[0] is not shares or kept[1] != network_key:
            network = market.network_bonus(shares[:, :firms], p["network_effect"])
            network.flags.writeable = False
            kept = cache["network"] = (shares, network_key, network)
        network = kept[2]
        foreign_key = (firms, p["foreign_trust"], *[st["foreign_trust"] for st in states])
        kept = cache.get("foreign")
        if kept is None or kept[0] != foreign_key:
            origin = cache.get("origin")  # (firms, 1.0 per foreign firm): origins never change
            if origin is None or origin[0] != firms:
                domestic = np.array([f.domestic for f in self.firms[:firms]], dtype=float)
                origin = cache["origin"] = (firms, (1.0 - domestic)[None, :])
            foreign = self.foreign_trust_by_segment()[:, None] * origin[1]
            foreign.flags.writeable = False
            kept = cache["foreign"] = (foreign_key, foreign)
        return outside, network, kept[1]

    def foreign_trust_by_segment(self) -> np.ndarray:
        """Per segment: the utility foreign providers get for being foreign (the national parameter plus
        the segment's own, which incidents and events move)."""
        return self.params["foreign_trust"] + np.array([self.segment_state[s]["foreign_trust"] for s in SEGMENTS])

    def procurement_bonus(self, offer: market.FirmOffer) -> np.ndarray:
        """Per firm: the utility public buyers' procurement preference adds to a domestic offer (it steers
        their choices; welfare leaves it out)."""
        price_weight = self.scenario_def.segments["public"].price_sensitivity
        return self.regulator.effective_procurement_preference * price_weight * offer.price * offer.domestic

    def _outside_per_row(self, rows: np.ndarray) -> np.ndarray:
        """The per-row part of not paying for AI: lower for heavy users (the segment part is in the terms)."""
        return -self.params["intensity_value_weight"] * self.adopters.log_intensity[rows]

    def _channel_by_group(self) -> np.ndarray:
        """(firms x membership groups) channel strength under the current partnerships (read-only).

        Kept until a partnership or the number of firms changes: several phases a quarter ask for it.
        """
        key = (tuple(p.provider for p in self.partners), tuple(p.strength for p in self.partners), len(self.firms))
        cached = self.__dict__.get("_channel_cache")
        if cached is None or cached[0] != key:
            provider = np.array(key[0], dtype=np.int64)
            strength = np.array(key[1], dtype=float)
            channel = np.ascontiguousarray(
                market.channel_matrix(self.adopters.group_platforms, provider, strength, len(self.firms)).T
            )
            channel.flags.writeable = False
            cached = self._channel_cache = (key, channel)
        return cached[1]

    def _groups_offered_ai(self) -> np.ndarray:
        """Per platform group: whether one of its platforms offers AI in-app (kept with the channel strengths)."""
        channel = self._channel_by_group()
        cached = self.__dict__.get("_groups_offered_cache")
        if cached is None or cached[0] is not channel:
            cached = self._groups_offered_cache = (channel, channel.max(axis=0) > 0)
        return cached[1]

    def _channel_utility(self) -> tuple[np.ndarray, np.ndarray]:
        """(firms x cells) utility of each firm's channel per utility table column (see
        :func:`market.channel_utility`) and each column's segment; kept with the channel strengths."""
        channel = self._channel_by_group()
        cached = self.__dict__.get("_channel_utility_cache")
        if cached is None or cached[0] is not channel:
            weight = np.array([self.scenario_def.segments[name].channel_weight for name in SEGMENTS])
            a = self.adopters
            cell_segment = a.cell_segment()
            cached = (channel, market.channel_utility(channel, weight, cell_segment, a.cell_group()), cell_segment)
            self._channel_utility_cache = cached
        return cached[1], cached[2]

    def _utility_table(
        self, for_choice: bool, dtype: type = np.float64, offer: market.FirmOffer | None = None
    ) -> tuple[market.FirmOffer, np.ndarray]:
        """Today's offers (``offer`` if given) and the (segment, platform group) utility table (see :func:`market.utility_table`)."""
        offer = self._offer() if offer is None else offer
        terms = self._segment_terms(offer, for_choice)
        return offer, market.utility_table(offer, terms, *self._channel_utility(), dtype)

    def _utilities(self, rows: np.ndarray, include_inertia: bool, for_choice: bool = False) -> np.ndarray:
        """((firms + 1) x rows) utilities of the given rows in float64, the outside option last."""
        offer, table = self._utility_table(for_choice)
        return market.utilities(self.adopters, rows, offer, table, self._outside_per_row(rows), include_inertia)

    def _panel_population(self) -> market.Adopters:
        """The panel's rows as a small population of their own, each weighted by what it stands for.

        Only the rows' fixed traits are copied (weight times panel scale, segment,
        intensity, tastes, platform group): awareness and providers are read from
        the full population. Estimates gather from these few contiguous rows
        instead of from the whole population.
        """
        cached = self.__dict__.get("_panel_cache")
        if cached is None:
            a, rows = self.adopters, self.panel
            cached = self._panel_cache = market.Adopters(
                segment=a.segment[rows],
                weight=a.weight[rows] * self.panel_scale[a.segment[rows]],
                aware=np.ones(rows.size, dtype=bool),  # not kept: see self.adopters.aware
                adopted=np.zeros(rows.size, dtype=bool),  # not kept
                provider=np.full(rows.size, -1, dtype=np.int64),  # not kept
                intensity=a.intensity[rows],
                tastes=np.ascontiguousarray(a.tastes[:, rows]),
                switching_cost=a.switching_cost[rows],
                platform_group=a.platform_group[rows],
                group_platforms=a.group_platforms,
            )
            cached.share_cells(a.cell_keys, a.cell[rows])  # the panel reads the population's utility tables
        return cached

    def _aware_panel(self) -> np.ndarray:
        """Positions (within the panel) of the panel rows that are aware of AI (kept until adopt moves awareness)."""
        cached = self.__dict__.get("_aware_panel_cache")
        if cached is None:
            cached = self._aware_panel_cache = self.adopters.aware[self.panel].nonzero()[0]
        return cached

    def _panel_utilities(
        self, local: np.ndarray, for_choice: bool = False, offer: market.FirmOffer | None = None
    ) -> np.ndarray:
        """((firms + 1) x rows) float32 utilities of the panel rows at ``local``, the outside option last.

        float32 (absolute error ~1e-6 utility units) halves the memory the
        estimates stream through; their sums over rows are taken in float64.
        """
        panel = self._panel_population()
        offer, table = self._utility_table(for_choice, dtype=np.float32, offer=offer)
        outside = -self.params["intensity_value_weight"] * panel.log_intensity[local]
        return market.utilities(panel, local, offer, table, outside, include_inertia=False)

    def _markups(self) -> np.ndarray:
        """Logit-Bertrand markup per firm (price-index units) at current offers: D_j / (-dD_j/dp_j).

        Demand is estimated on the aware panel rows, each weighted by what it pays
        per unit of price; the outside option is part of the choice set.
        """
        firms = len(self.firms)
        local = self._aware_panel()
        if local.size == 0:
            return np.full(firms, 0.5)
        panel = self._panel_population()
        offer = self._offer()
        utility = self._panel_utilities(local, for_choice=True, offer=offer)
        probability = market.choice_probabilities(utility)[:firms]
        e = self.params["usage_capability_elasticity"]
        capability = np.maximum(offer.capability, 1e-6)
        usage_factor = (capability * self.frontier_level) ** e  # per firm
        pays = panel.usage_weight[local] * self._usage_base()[panel.segment[local]]  # per row, at usage factor 1
        alpha = -panel.tastes[2, local]  # utility per unit of the price index
        demand = usage_factor * (probability @ pays)
        slope = usage_factor * ((probability * (1.0 - probability)) @ (pays * alpha))
        return np.divide(demand, slope, out=np.full(firms, 0.5), where=slope > 0)

    def _count_served(self) -> None:
        """Count over all rows what each provider serves per segment: rows, real adopters, usage.

        ``self._served`` is (3 x segments x (firms + 1)): rows, adopters and usage
        (adopters x intensity), column 0 for rows without a provider. The adopt
        phase then keeps it up to date from the rows that changed provider.
        """
        a = self.adopters
        firms = len(self.firms)
        cells = a.segment * (firms + 1) + 1 + a.provider
        size = len(SEGMENTS) * (firms + 1)
        counts = [np.bincount(cells, weights, minlength=size) for weights in (None, a.weight, a.usage_weight)]
        self._served = np.array(counts, dtype=float).reshape(3, len(SEGMENTS), firms + 1)
        self._shares_from_served()

    def _move_served(self, rows: np.ndarray, before: np.ndarray, after: np.ndarray) -> None:
        """Move ``rows`` from their providers ``before`` to their current ones ``after`` in the served counts.

        Only rows that changed provider are touched, so this costs a few thousand
        rows a quarter instead of a pass over all of them. Row counts are whole
        numbers and stay exact; a cell left without rows gets exactly zero adopters
        and usage (its float sums would otherwise keep a rounding residue).
        """
        a = self.adopters
        moved = (before != after).nonzero()[0]
        rows, before, after = rows[moved], before[moved], after[moved]
        firms = self._served.shape[2] - 1
        size = len(SEGMENTS) * (firms + 1)
        base = a.segment[rows] * (firms + 1) + 1
        to, source = base + after, base + before
        flat = self._served.reshape(3, size)
        for k, weights in enumerate((None, a.weight[rows], a.usage_weight[rows])):
            flat[k] += np.bincount(to, weights, minlength=size)
            flat[k] -= np.bincount(source, weights, minlength=size)
        flat[1:, flat[0] == 0] = 0.0
        self._shares_from_served()

    def _shares_from_served(self) -> None:
        counts = self._served[1, :, 1:].copy()
        self.served_counts = counts  # real adopters served per segment and firm
        totals = counts.sum(axis=1, keepdims=True)
        self.served_weight = totals[:, 0]  # adopters with a provider, per segment
        self.segment_firm_shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def aware_share(self, segment: int) -> float:
        """Share of a segment's people (or organisations) who have heard of and tried AI assistants."""
        return float(self.aware_weight[segment] / max(self.segment_weight[segment], 1e-12))

    def consumer_surplus_usd_bn(self, offer: market.FirmOffer | None = None) -> float:
        """Consumer surplus this quarter against a world with only the outside option (USD bn), on the panel.

        Measured at true utilities: the procurement preference steers public
        buyers' choices but is not counted as a gain to them. ``offer``: today's
        offers if the caller has them already (see :meth:`_offer`).
        """
        local = self._aware_panel()
        if local.size == 0:
            return 0.0
        panel = self._panel_population()
        utility = self._panel_utilities(local, offer=offer)
        # what one unit of the price index costs the row per quarter
        e = self.params["usage_capability_elasticity"]
        money = self._usage_base()[panel.segment[local]] * panel.intensity[local] * self.frontier_level**e
        surplus = market.surplus_per_row(utility, -panel.tastes[2, local], money)
        weight = panel.weight[local]
        aware = weight.sum()
        self.surplus_parts = {
            "aware": float(aware),
            "per_person_usd": float((surplus * weight).sum() / aware),
        }
        return float((surplus * weight).sum() / 1e9)
