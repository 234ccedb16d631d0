"""Firm and platform policies: the rule, per-quarter overrides, installed policies, determinism."""

from __future__ import annotations

import pytest

from sim.errors import OverrideError
from sim.model.model import AIMarketModel
from sim.model.policies import FIRM_DECISION_FIELDS, FirmDecision, FixedFirmPolicy
from sim.runner import simulate


def test_rule_decisions_are_sensible(small_korea):
    model = AIMarketModel(small_korea, seed=0)
    model.step()
    for firm in model.firms:
        if not firm.available:
            continue
        d = firm.decision
        assert isinstance(d, FirmDecision)
        assert d.price > 0 and d.rd_usd_bn_per_year >= 0 and d.compute_usd_bn_per_year >= 0
        if firm.frontier_lab:
            assert d.rd_usd_bn_per_year == d.compute_usd_bn_per_year == 0.0  # capability is built abroad
        else:
            assert d.korean_usd_bn_per_year > 0


def test_a_firm_decision_stands_until_changed_and_is_logged(small_korea):
    model = AIMarketModel(small_korea, seed=1)
    model.step()
    before = model.firm_by_id["upstage"].price
    model.apply_decision({"firm:upstage": {"price": 0.3, "rd_usd_bn_per_year": 0.2}})
    model.step()
    upstage = model.firm_by_id["upstage"]
    assert upstage.decision.rd_usd_bn_per_year == 0.2
    assert upstage.price < before  # moved towards 0.3 (bounded step)
    assert model.decision_log[model.quarter - 1] == {"firm:upstage": {"price": 0.3, "rd_usd_bn_per_year": 0.2}}
    model.step()
    assert upstage.decision.rd_usd_bn_per_year == 0.2 and upstage.decision.price == 0.3  # it stands
    model.apply_decision({"firm:upstage": {}})  # back to the rule
    model.step()
    assert upstage.decision.rd_usd_bn_per_year != 0.2


def test_one_field_goes_back_to_the_rule_and_the_others_stand(small_korea):
    model = AIMarketModel(small_korea, seed=1)
    model.apply_decision({"firm:upstage": {"price": 0.3, "rd_usd_bn_per_year": 0.2}})
    model.step()
    model.apply_decision({"firm:upstage": {"rd_usd_bn_per_year": None}})
    assert model.firm_overrides == {"upstage": {"price": 0.3}}
    model.step()
    upstage = model.firm_by_id["upstage"]
    assert upstage.decision.price == 0.3 and upstage.decision.rd_usd_bn_per_year != 0.2
    assert model.decision_log[model.quarter - 1] == {"firm:upstage": {"rd_usd_bn_per_year": None}}
    model.apply_decision({"firm:upstage": {"price": None}})
    assert model.firm_overrides == {}
    decisions = {2024 * 4 + 1: {"firm:upstage": {"price": 0.3}}, 2024 * 4 + 3: {"firm:upstage": {"price": None}}}
    replayed = simulate(small_korea, 1, decisions).quarters
    assert replayed == simulate(small_korea, 1, decisions).quarters
    assert replayed != simulate(small_korea, 1, {2024 * 4 + 1: decisions[2024 * 4 + 1]}).quarters


def test_firm_decisions_replay_bit_identically(small_korea):
    decisions = {2024 * 4 + 2: {"firm:naver": {"price": 0.6, "compute_usd_bn_per_year": 1.0}, "rd_tax_credit": 0.5}}
    assert simulate(small_korea, 3, decisions).quarters == simulate(small_korea, 3, decisions).quarters
    assert simulate(small_korea, 3, decisions).quarters != simulate(small_korea, 3).quarters


@pytest.mark.parametrize(
    "decision, message",
    [
        ({"firm:nobody": {"price": 1.0}}, "no firm named"),
        ({"firm:naver": {"prize": 1.0}}, "unknown firm decision"),
        ({"firm:naver": {"price": 99.0}}, "from 0.05 to 5"),
        ({"firm:naver": {"price": "cheap"}}, "expected a number"),
        ({"firm:naver": 3}, "expected a mapping"),
        ({"partner:kakao_talk": {"provider": "nobody"}}, "no firm named"),
        ({"partner:kakao_talk": {"provider": "openai", "deal": "marriage"}}, "deal: expected one of"),
        ({"partner:nowhere": {"provider": "openai"}}, "no partner platform"),
        ({"role:x": 1}, "unknown decision"),
    ],
)
def test_bad_role_decisions_are_refused_and_nothing_applies(small_korea, decision, message):
    model = AIMarketModel(small_korea, seed=0)
    with pytest.raises(OverrideError, match=message):
        model.apply_decision({"act_stringency": 2.0, **decision})
    assert model.params["act_stringency"] == small_korea.values["act_stringency"]
    assert model.decision_log == {}


def test_installed_policy_persists_and_snapshots(small_korea):
    model = AIMarketModel(small_korea, seed=2)
    model.set_firm_policy("wrtn", FixedFirmPolicy.of({"price": 0.4}))
    for _ in range(3):
        model.step()
    assert model.firm_by_id["wrtn"].decision.price == 0.4
    twin = model.copy()
    model.step()
    twin.step()
    assert twin.history == model.history
    model.set_firm_policy("wrtn", None)
    model.step()
    assert model.firm_by_id["wrtn"].decision.price != 0.4


def test_partner_decision_is_used_when_the_contract_is_up(small_korea):
    model = AIMarketModel(small_korea, seed=0)
    platform = model.partner_by_id["naver_platform"]  # no scheduled deal touches it
    model.apply_decision({"partner:naver_platform": {"provider": "upstage", "deal": "exclusive"}})
    while model.quarter < platform.contract_end:
        model.step()
    model.step()
    assert model.firms[platform.provider].firm_id == "upstage"
    assert platform.deal == "exclusive" and platform.strength == model.deal_strength("exclusive")


def test_decision_fields_describe_every_decision():
    assert set(FIRM_DECISION_FIELDS) == set(FirmDecision.__dataclass_fields__)
    for spec in FIRM_DECISION_FIELDS.values():
        assert spec["min"] < spec["max"] and spec["label_ko"] and spec["unit_en"]


def test_a_platform_answers_an_offered_deal_with_its_own_choice(small_korea):
    model = AIMarketModel(small_korea, seed=0)
    while model.quarter_label != "2025Q4":  # the Kakao-OpenAI offer arrives this quarter
        model.step()
    model.apply_decision({"partner:kakao_talk": {"provider": "kakao", "deal": "integration"}})
    model.step()
    kakao_talk = model.partner_by_id["kakao_talk"]
    assert model.firms[kakao_talk.provider].firm_id == "kakao"
    assert any("turns down OpenAI" in item["en"] for item in model.news)


def test_quickly_made_decisions_behave_as_dataclasses():
    import pickle
    from dataclasses import FrozenInstanceError, dataclass, field, replace

    from sim.core.frozen import quick_init

    values = dict(
        price=1.2,
        rd_usd_bn_per_year=0.3,
        compute_usd_bn_per_year=0.2,
        korean_usd_bn_per_year=0.1,
        partner_bid_usd_bn_per_year=0.0,
        public_affairs_usd_bn_per_year=0.05,
    )
    decision = FirmDecision(**values)
    assert decision == FirmDecision(*values.values())
    assert hash(decision) == hash(FirmDecision(*values.values()))
    assert replace(decision, price=2.0).price == 2.0 and decision.price == 1.2
    assert pickle.loads(pickle.dumps(decision)) == decision
    with pytest.raises(FrozenInstanceError):
        decision.price = 3.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        FirmDecision(1.0)  # type: ignore[call-arg]

    @quick_init
    @dataclass(frozen=True)
    class WithDefault:
        a: int
        b: int = 7

    assert WithDefault(1) == WithDefault(a=1, b=7) and WithDefault(1, 2).b == 2

    @dataclass(frozen=True)
    class WithFactory:
        a: list = field(default_factory=list)

    with pytest.raises(TypeError, match="default_factory"):
        quick_init(WithFactory)
