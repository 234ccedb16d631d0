"""The Mesa model: phases, decisions, determinism, snapshots, invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import OverrideError
from sim.model import market
from sim.model.model import STREAMS, AIMarketModel
from sim.model.parameters import NEEDED, SEGMENTS
from sim.runner import simulate
from sim.scenario import load_scenario


def test_model_is_a_mesa_model_with_agents(small_korea):
    import mesa

    from sim.model.firms import Firm
    from sim.model.partners import Partner
    from sim.model.regulator import Regulator

    model = AIMarketModel(small_korea, seed=1)
    assert isinstance(model, mesa.Model)
    assert len(model.agents_by_type[Firm]) == len(small_korea.firms)
    assert len(model.agents_by_type[Partner]) == len(small_korea.partners)
    assert len(model.agents_by_type[Regulator]) == 1
    model.step()
    assert model.time == 1.0 and model.quarter_label == "2024Q2"


def test_runs_to_the_end_with_one_row_per_quarter(small_korea):
    model = AIMarketModel(small_korea, seed=0).run()
    assert model.finished and not model.running
    assert len(model.history) == small_korea.quarters == 40
    assert model.history[0]["quarter"] == "2024Q1" and model.history[-1]["quarter"] == "2033Q4"
    time, steps, rows = model.time, model.steps, len(model.history)
    model.step()  # past the end: nothing changes (Mesa callers may step on)
    assert (model.time, model.steps, len(model.history)) == (time, steps, rows)


def test_same_seed_same_numbers_different_seed_different(small_korea):
    a = simulate(small_korea, 7).quarters
    b = simulate(small_korea, 7).quarters
    c = simulate(small_korea, 8).quarters
    assert a == b
    assert a != c


def test_snapshot_restore_continues_identically(small_korea):
    straight = AIMarketModel(small_korea, seed=3)
    for _ in range(12):
        straight.step()
    forked = AIMarketModel(small_korea, seed=3)
    for _ in range(5):
        forked.step()
    blob = forked.snapshot()
    forked = None
    restored = AIMarketModel.restore(blob)
    for _ in range(7):
        restored.step()
    assert restored.history == straight.history
    assert restored.firm_history == straight.firm_history


def test_warming_a_restored_model_changes_no_number(small_korea):
    """``warm`` builds the derived state a snapshot leaves out ahead of the first quarter (a preview's
    spare models); a decision applied afterwards must rebuild what it changes, so a warmed model and a
    cold one step to the same numbers whatever lever moves (each lever to the end of its range away
    from its value, its other options, and a platform's next partner)."""
    base = AIMarketModel(small_korea, seed=5)
    for _ in range(6):
        base.step()
    blob = base.snapshot()
    params = small_korea.parameters
    decisions: list[dict] = [{}]
    for spec in params.of_kind("lever"):
        now = base.params[spec.name]
        if spec.options:
            decisions += [{spec.name: option} for option in spec.options if option != now]
        else:
            decisions.append({spec.name: spec.max if now - spec.min < spec.max - now else spec.min})
    partner = base.partners[0]
    other = next(f.firm_id for f in base.firms if f.available and f.index != partner.provider)
    decisions.append({f"partner:{partner.partner_id}": {"provider": other, "deal": base.default_deal}})
    assert len(decisions) > 10
    for decision in decisions:
        cold, warmed = AIMarketModel.restore(blob), AIMarketModel.restore(blob)
        warmed.warm()
        for model in (cold, warmed):
            model.apply_decision(decision)
            for _ in range(6):
                model.step()
        assert warmed.history == cold.history, decision
        assert warmed.firm_history == cold.firm_history, decision


def test_copy_is_independent(small_korea):
    model = AIMarketModel(small_korea, seed=3)
    model.step()
    twin = model.copy()
    twin.apply_decision({"act_stringency": 2.0})
    twin.step()
    model.step()
    assert model.params["act_stringency"] == 1.0
    assert twin.params["act_stringency"] == 2.0


def test_decision_changes_params_and_is_logged(small_korea):
    model = AIMarketModel(small_korea, seed=0)
    model.step()
    model.apply_decision({"sovereign_ai_budget_krw_bn": 900, "partnership_review": "block"})
    assert model.params["sovereign_ai_budget_krw_bn"] == 900.0
    assert model.decision_log == {2024 * 4 + 1: {"sovereign_ai_budget_krw_bn": 900.0, "partnership_review": "block"}}
    with pytest.raises(OverrideError, match="did you mean"):
        model.apply_decision({"sovereign_ai_budget": 1})
    with pytest.raises(OverrideError, match="from 0 to 2000"):
        model.apply_decision({"sovereign_ai_budget_krw_bn": -5})
    with pytest.raises(OverrideError, match="no event with choices"):
        model.apply_decision({"choice:nothing": "x"})


def test_decisions_change_outcomes(small_korea):
    plain = simulate(small_korea, 2).quarters
    funded = simulate(small_korea, 2, {2024 * 4: {"public_compute_gpus_k": 30, "talent_programme_krw_bn": 500}})
    assert funded.quarters[-1]["public_spend_krw_bn"] > plain[-1]["public_spend_krw_bn"]


def test_only_levers_are_decisions(small_korea):
    model = AIMarketModel(small_korea, seed=0)
    with pytest.raises(OverrideError, match="not a decision"):
        model.apply_decision({"policy_budget_krw_bn_per_year": 20000})
    with pytest.raises(OverrideError, match="not a decision"):
        model.apply_decision({"frontier_growth_per_year": 0.8})
    assert model.params["policy_budget_krw_bn_per_year"] == small_korea.values["policy_budget_krw_bn_per_year"]


def test_choice_event_answer_is_applied(small_korea):
    model = AIMarketModel(small_korea, seed=0)
    while model.quarter_label != "2025Q4":
        model.step()
    pending = [e["id"] for e in model.pending_events]
    assert "kakao_openai" in pending
    model.apply_decision({"choice:kakao_openai": "block"})
    model.step()
    assert model.params["partnership_review"] == "block"
    kakao = model.partner_by_id["kakao_talk"]
    assert model.firms[kakao.provider].firm_id != "openai"
    assert any("blocks" in item["en"] for item in model.news)


def test_random_streams_are_independent(small_korea):
    """A decision that changes firms' fortunes must not change which random events fire."""
    a = AIMarketModel(small_korea, seed=11)
    b = AIMarketModel(small_korea, seed=11)
    b.apply_decision({"act_stringency": 2.0, "act_enforcement_probability": 0.5})
    fired_a, fired_b = [], []
    while not a.finished:
        fired_a.append([e["id"] for e in a.pending_events])
        fired_b.append([e["id"] for e in b.pending_events])
        a.step()
        b.step()
    assert fired_a == fired_b
    assert set(a.streams) == set(STREAMS)


def test_explain_names_the_partner_channel(korea):
    model = AIMarketModel(korea, seed=4)
    while model.quarter_label != "2025Q4":
        model.step()
    model.step()  # Kakao's channel goes to OpenAI this quarter
    drivers = model.explain("openai")
    assert drivers and drivers[0]["driver"] == "channel" and drivers[0]["change"] > 0
    labels_ko = model.explain("openai", language="ko")
    assert labels_ko[0]["label"] == "제휴 플랫폼 채널"


def test_firm_cash_exit_and_entry_possible(small_korea):
    from sim.scenario import scenario_from_document

    document = dict(small_korea.document)
    # a firm whose fixed costs its revenue cannot cover runs out of cash and exits
    document["firms"] = [
        dict(f, fixed_cost_usd_bn_per_year=2.0) if f["id"] == "motif" else f for f in document["firms"]
    ]
    scenario = scenario_from_document(document, "costly-motif").with_values({"entry_rate_per_year": 4.0})
    model = AIMarketModel(scenario, seed=5).run()
    assert sum(row["entries"] for row in model.history) > 0
    assert sum(row["exits"] for row in model.history) > 0
    assert model.firm_by_id["motif"].exited
    exited = [f for f in model.firms if f.exited]
    assert all(not f.available for f in exited)
    assert any("runs out of cash" in item["en"] for item in model.news)
    # the served counts the adopt phase keeps up to date match a full recount, through entries and exits
    kept = model._served.copy()
    model._count_served()
    np.testing.assert_array_equal(kept[0], model._served[0])  # rows: whole numbers, exact
    np.testing.assert_allclose(kept[1:], model._served[1:], rtol=1e-12, atol=0.0)
    assert kept[1:, :, 1 + model.firm_by_id["motif"].index].tolist() == [[0.0] * 3, [0.0] * 3]  # left: exactly none


def _lever_strategy(scenario):
    strategies = {}
    for spec in scenario.parameters:
        if spec.kind == "setting":
            continue
        if spec.type == "choice":
            strategies[spec.name] = st.sampled_from(spec.options)
        elif spec.type == "integer":
            strategies[spec.name] = st.integers(int(spec.min), int(spec.max))
        else:
            strategies[spec.name] = st.floats(spec.min, spec.max, allow_nan=False)
    return st.fixed_dictionaries(strategies)


@pytest.fixture(scope="module")
def short_small_korea(small_korea):
    from sim.scenario import scenario_from_document

    document = dict(small_korea.document)
    document["time"] = {"start": "2025Q3", "end": "2027Q2"}
    return scenario_from_document(document, "short")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_invariants_over_random_levers(short_small_korea, data):
    values = data.draw(_lever_strategy(short_small_korea))
    seed = data.draw(st.integers(0, 2**31 - 1))
    model = AIMarketModel(short_small_korea.with_values(values), seed=seed)
    while not model.finished:
        model.step()
        row = model.metrics()
        for key, value in row.items():
            if isinstance(value, float):
                assert math.isfinite(value), key
        quarter_firms = [f for f in model.firm_history if f["quarter"] == row["quarter"]]
        shares = sum(f["revenue_share"] for f in quarter_firms)
        assert shares == pytest.approx(1.0, abs=1e-9)
        revenue = sum(f["revenue_usd_bn"] for f in quarter_firms)
        assert revenue == pytest.approx(row["market_revenue_usd_bn"], rel=1e-9)
        assert row["domestic_revenue_share"] + row["foreign_revenue_share"] == pytest.approx(1.0)
        assert 0.0 <= row["hhi"] <= 10_000.0 + 1e-6
        assert 0.0 <= row["capability_gap"] <= 1.0
        assert 0.0 <= row["adoption_rate"] <= 1.0
        assert row["public_spend_krw_bn"] >= 0.0
        assert row["budget_left_krw_bn"] >= -1e-9
        assert np.isfinite([f.cash_usd_bn for f in model.firms]).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_budget_is_never_overspent(short_small_korea, data):
    """One budget identity: whatever the levers (changed every quarter) and budgets, nothing spends past either line."""
    levers = [spec for spec in short_small_korea.parameters.of_kind("lever")]
    budget = data.draw(st.sampled_from([0.0, 1.0, 200.0, 1500.0, 20000.0]))
    tax_cap = data.draw(st.sampled_from([0.0, 50.0, 1000.0]))
    scenario = short_small_korea.with_values(
        {"policy_budget_krw_bn_per_year": budget, "tax_credit_cap_krw_bn_per_year": tax_cap}
    )
    model = AIMarketModel(scenario, seed=data.draw(st.integers(0, 1000)))
    spent_by_year: dict[int, float] = {}
    tax_by_year: dict[int, float] = {}
    while not model.finished:
        extreme = {
            spec.name: data.draw(st.sampled_from(list(spec.options) if spec.type == "choice" else [spec.min, spec.max]))
            for spec in levers
        }
        model.apply_decision(extreme)
        model.step()
        row = model.metrics()
        assert row["budget_left_krw_bn"] >= -1e-9
        spent_by_year[row["year"]] = spent_by_year.get(row["year"], 0.0) + row["public_spend_krw_bn"]
        tax_by_year[row["year"]] = tax_by_year.get(row["year"], 0.0) + row["tax_expenditure_krw_bn"]
    assert all(total <= budget + 1e-6 for total in spent_by_year.values())
    assert all(total <= tax_cap + 1e-6 for total in tax_by_year.values())
    if budget == 0.0:
        assert sum(spent_by_year.values()) == 0.0


def test_budget_shortfall_is_reported(small_korea):
    model = AIMarketModel(small_korea.with_values({"policy_budget_krw_bn_per_year": 300}), seed=0)
    model.apply_decision({"public_compute_gpus_k": 100, "sovereign_ai_budget_krw_bn": 2000})
    for _ in range(4):
        model.step()
    row = model.metrics()
    assert row["budget_scale"] < 1.0 and row["budget_shortfall_krw_bn"] > 0
    assert any(item["kind"] == "budget" and "Public GPU provision" in item["en"] for item in model.news)


def test_model_parameters_table_matches_korea(korea):
    for name, needed in NEEDED.items():
        spec = korea.parameters[name]
        assert spec.kind == needed.kind
        if needed.kind != "constant":
            assert spec.type == needed.type
        if needed.low is not None:
            assert needed.low <= spec.min <= spec.default <= spec.max <= needed.high, name


@pytest.mark.parametrize(
    "metric",
    [
        "market_revenue_usd_bn",
        "consumer_surplus",
        "hhi",
        "capability_gap",
        "domestic_revenue_share",
        "sovereignty_index",
    ],
)
def test_outcome_explanations_add_up_to_the_change(korea, metric):
    model = AIMarketModel(korea, seed=6)
    assert model.explain_outcome(metric) == []
    for quarter in range(14):
        model.step()
        if quarter == 0:
            continue
        parts = model.explain_outcome(metric)
        change = model.history[-1][metric] - model.history[-2][metric]
        assert parts, metric
        assert sum(p["change"] for p in parts) == pytest.approx(change, rel=1e-6, abs=1e-9)
        assert abs(parts[0]["change"]) >= abs(parts[-1]["change"])


def test_outcome_explanation_names_drivers(korea):
    model = AIMarketModel(korea, seed=6)
    for _ in range(8):
        model.step()
    revenue = {p["driver"] for p in model.explain_outcome("market_revenue_usd_bn")}
    assert revenue == {"adopters", "spend", "prices"}
    gap = {p["driver"] for p in model.explain_outcome("capability_gap")}
    assert {"frontier", "catch_up"} <= gap
    hhi = model.explain_outcome("hhi", language="ko")
    assert any(p["label"] == "오픈AI" for p in hhi)  # firms by their names in the language asked for
    assert any(p["label"] == "OpenAI" for p in model.explain_outcome("hhi"))
    # shares are explained in share units (not the utility units of model.explain), the parts adding up
    share = model.explain_outcome("domestic_revenue_share")
    utility = {p["driver"]: p["change"] for p in model.explain(None)}
    assert {p["driver"] for p in share} == set(utility) | {"mix"}
    # a driver that moved the same way in every segment moves the share that way, scaled by s (1 - s);
    # one that moved in opposite directions may net out differently (the share weighs segments by
    # s (1 - s) and by how many chose, the utility view by revenue)
    from sim.model.explain import _own_minus_rival

    domestic = np.array([f.domestic for f in model.firms[: model.segment_revenue.shape[1]]])
    moved = _own_minus_rival(model.previous_drivers, model.drivers, model.segment_revenue, domestic)
    checked = 0
    for part in share:
        name = part["driver"]
        if name != "mix" and utility[name] != 0:
            assert abs(part["change"]) < abs(utility[name])
            if np.all(moved[name] > 0) or np.all(moved[name] < 0):
                assert part["change"] * utility[name] > 0
                checked += 1
    assert checked >= 2


def test_adoption_follows_the_analytic_bass_curve_when_everything_else_is_off(korea):
    """No outside option, no channels, no heavy-user bias: the share using AI is Bass (1969) with the segment's p and q."""
    import copy

    from sim.scenario import scenario_from_document

    document = copy.deepcopy(dict(korea.document))
    document["events"] = []
    consumer = document["segments"]["consumer"]
    consumer["initial_awareness"] = consumer["initial_adoption"] = 0.05
    p, q = consumer["bass_p"], consumer["bass_q"]
    document["parameters"]["outside_option_shift"].update(min=-5, default=-5)
    for name in ("intensity_awareness_bias", "channel_awareness_boost"):
        document["model"][name]["value"] = 0.0
    for segment in document["segments"].values():
        segment["frontier_value_weight"] = 0.0
    model = AIMarketModel(scenario_from_document(document, "bass-only"), seed=4)
    start = model.served_weight[0] / model.segment_weight[0]
    shares = []
    for _ in range(16):
        model.step()
        shares.append(model.history[-1]["consumer_adoption"])
    t = np.arange(1, 17) / 4.0
    c = (1.0 - start) / (1.0 + q / p * start)
    analytic = (1.0 - c * np.exp(-(p + q) * t)) / (1.0 + q / p * c * np.exp(-(p + q) * t))
    assert np.max(np.abs(np.array(shares) - analytic)) < 0.03, (shares, analytic.tolist())


def test_recorded_rows_match_the_declared_columns(tiny_korea):
    """outcomes.py is the one home of column names: rows carry exactly the declared keys, in order."""
    from sim.model.outcomes import FIRM_COLUMNS, METRICS

    model = AIMarketModel(tiny_korea, seed=0)
    model.step()
    assert list(model.history[-1]) == ["quarter", "year", *METRICS]
    assert all(tuple(row) == FIRM_COLUMNS for row in model.firm_history)
    assert list(model.datacollector.get_model_vars_dataframe().columns) == list(METRICS)


def test_a_clamped_fading_push_gives_back_only_what_it_added(tiny_korea):
    """An event pushing bass_p past its limit (1/yr) fades back to the segment's own value, not to zero."""
    from sim.model.events import apply_effects, fade_shocks

    model = AIMarketModel(tiny_korea, seed=0)
    state = model.segment_state["consumer"]
    base = state["bass_p"]
    effect = {
        "firm": None,
        "segment": "consumer",
        "partnership": None,
        "add": {"bass_p": 5.0},
        "multiply": {},
        "set": {},
    }
    apply_effects(model, [effect], model.quarter, half_life=1.0)
    assert state["bass_p"] == 1.0  # clamped at the limit
    for _ in range(40):
        fade_shocks(model)
    assert state["bass_p"] == pytest.approx(base, abs=1e-6)


@pytest.mark.parametrize("per_segment", [100, 1000, 5000])
def test_the_estimation_panel_stands_for_its_segment_whatever_its_size(per_segment):
    """Each panel row stands for an equal band of the intensity ranking: the panel's weighted mean
    intensity matches the segment's (the first version took the heaviest user as a whole band's
    representative: +5-8 %, and surplus then moved with the panel's size)."""
    rng = np.random.default_rng(3)
    segment = np.repeat([0, 1, 2], [25000, 17500, 7500])
    intensity = np.exp(1.2 * rng.standard_normal(segment.size) - 0.72)
    panel = AIMarketModel._choose_panel(segment, intensity, per_segment)
    assert np.all(np.diff(panel) > 0)  # sorted, no row twice
    for s in range(3):
        mine = panel[segment[panel] == s]
        assert mine.size == min(per_segment, int((segment == s).sum()))
        population_mean = intensity[segment == s].mean()
        assert intensity[mine].mean() == pytest.approx(population_mean, rel=0.03)


def test_the_aware_review_at_their_segment_rate_and_a_platform_switch_raises_it(small_korea, monkeypatch):
    """Reviews are scheduled per row (geometric gaps); a quarter's share reviewing is the segment's rate,
    and at least platform_switch_review for users of a platform that switched providers."""
    model = AIMarketModel(small_korea, seed=2)
    for _ in range(6):
        model.step()
    a = model.adopters
    k = int(np.argmax([(a.group_platforms[a.platform_group, j] > 0).sum() for j in range(len(model.partners))]))
    model.platform_changed[:] = False
    model.platform_changed[k] = True
    switched = a.group_platforms[a.platform_group, k] > 0
    aware = a.aware.copy()
    seen = {}
    move = model._move_served

    def spy(rows, before, after):
        seen["rows"] = rows.copy()
        move(rows, before, after)

    monkeypatch.setattr(model, "_move_served", spy)
    model.adopt()
    chose = np.zeros(a.rows, dtype=bool)
    chose[seen["rows"]] = True
    rate = model.row_review_rate
    switch = model.params["platform_switch_review"]
    for mask, chance in ((aware & switched, np.maximum(rate, switch)), (aware & ~switched, rate)):
        expected = chance[mask].mean()
        assert mask.sum() > 300
        assert chose[mask].mean() == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / mask.sum()))


@pytest.mark.parametrize("spread", [1.2, 0.0])
def test_the_panel_from_the_draws_ranks_is_the_panel_from_a_sort(spread):
    """_make_adopters passes each segment's rows ranked by their intensity draws' bands (no sort);
    the panel must be the one a sort gives, also when intensities tie (no spread: the sort's order)."""
    rng = np.random.default_rng(5)
    counts = [2500, 1750, 750]
    segment = np.repeat([0, 1, 2], counts)
    intensity = np.empty(segment.size)
    by_intensity = np.empty(segment.size, dtype=np.int64)
    start = 0
    for count in counts:
        draws, ranks = market.stratified_normal_ranked(count, rng)
        intensity[start : start + count] = np.exp(-(spread**2) / 2 + spread * draws)
        by_intensity[start + ranks] = np.arange(start, start + count)
        if spread > 0:  # the shortcut applies: the ranked rows' intensities rise strictly
            assert np.all(np.diff(intensity[by_intensity[start : start + count]]) > 0)
        start += count
    for per_segment in (100, 1000, 5000):
        sorted_panel = AIMarketModel._choose_panel(segment, intensity, per_segment)
        ranked_panel = AIMarketModel._choose_panel(segment, intensity, per_segment, by_intensity)
        assert np.array_equal(sorted_panel, ranked_panel)


def test_ranked_draws_are_the_stratified_draws_in_rank_order():
    """stratified_normal_ranked gives stratified_normal's draws from the same stream, and its ranks
    order them (the lowest draw has rank 0)."""
    draws, ranks = market.stratified_normal_ranked(1000, np.random.default_rng(8))
    assert np.array_equal(draws, market.stratified_normal(1000, np.random.default_rng(8)))
    assert np.array_equal(np.sort(ranks), np.arange(1000))
    ordered = np.empty(1000)
    ordered[ranks] = draws
    assert np.all(np.diff(ordered) > 0)


def test_stratified_quantiles_put_one_draw_in_each_probability_band():
    from scipy.special import ndtr

    quantiles = market.stratified_quantiles(2000, np.random.default_rng(3))
    assert np.all(np.diff(quantiles) > 0)  # in band order
    np.testing.assert_array_equal(np.floor(ndtr(quantiles) * 2000), np.arange(2000))  # band k holds draw k


def test_traits_sharing_one_stratified_set_are_each_stratified_and_independent():
    """The population's traits of one segment share one set of stratified draws, each through its own
    permutation: each trait holds every band once, and two traits are uncorrelated (rank correlation
    within what independent orders give: sd 1 / sqrt(n))."""
    model = AIMarketModel(load_scenario("korea-2025"), seed=4)
    a = model.adopters
    for s in range(len(SEGMENTS)):
        rows = np.flatnonzero(a.segment == s)
        n = rows.size
        traits = [np.log(np.abs(a.tastes[k, rows].astype(float))) for k in range(3)]
        if model.scenario_def.segments[SEGMENTS[s]].intensity_spread > 0:
            traits.append(np.log(a.intensity[rows]))
        ranks = [np.argsort(np.argsort(t)) for t in traits]
        for r in ranks:  # ties would mean two rows drew from one band
            assert np.array_equal(np.sort(r), np.arange(n))
        for i in range(len(ranks)):
            for j in range(i + 1, len(ranks)):
                correlation = np.corrcoef(ranks[i], ranks[j])[0, 1]
                assert abs(correlation) < 4 / np.sqrt(n), (s, i, j, correlation)
