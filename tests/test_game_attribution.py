"""The Why panel's counterfactual decomposition: parts add up exactly, and match real counterfactual runs."""

from __future__ import annotations

import pytest

from sim.game.attribution import PolicyChain
from sim.game.session import GameSession
from sim.model.outcomes import HEADLINE_METRICS


def play(session, plan):
    for quarter_index in range(len(plan)):
        for name, value in plan[quarter_index].items():
            session.set_lever(name, value)
        session.step()


PLAN = [{"public_compute_gpus_k": 40}, {}, {"procurement_domestic_preference": 0.3, "act_stringency": 0.5}, {}, {}]


def test_parts_add_up_exactly_to_player_minus_baseline(tiny_korea):
    session = GameSession(tiny_korea, 3)
    play(session, PLAN)
    session.sync_ghost()
    chain = session.policy_chain
    assert chain.groups == ["public_compute_gpus_k", "procurement_domestic_preference", "act_stringency"]
    for metric in HEADLINE_METRICS:
        split = session.decompose(f"metric:{metric}")
        assert split.player == session.history[-1][metric]
        assert split.baseline == session.ghost_history[-1][metric]  # the baseline is the no-policy run, same seed
        assert sum(amount for _, amount in split.parts) == pytest.approx(split.total, abs=1e-12)
        total, own, parts = session.quarter_change(f"metric:{metric}")
        assert total == pytest.approx(session.history[-1][metric] - session.history[-2][metric], abs=1e-12)
        assert own + sum(amount for _, amount in parts) == pytest.approx(total, abs=1e-12)


def test_first_part_is_the_effect_of_that_policy_alone(tiny_korea):
    from sim.model.model import AIMarketModel

    session = GameSession(tiny_korea, 3)
    play(session, PLAN)
    alone = AIMarketModel(tiny_korea, seed=3)
    alone.apply_decision({"public_compute_gpus_k": 40})
    for _ in range(len(PLAN)):
        alone.step()
    split = session.decompose("metric:domestic_revenue_share")
    first = dict(split.parts)["public_compute_gpus_k"]
    assert first == pytest.approx(alone.history[-1]["domestic_revenue_share"] - split.baseline, abs=1e-12)


def test_undo_rebuilds_the_same_chain(tiny_korea):
    session = GameSession(tiny_korea, 3)
    play(session, PLAN)
    session.step()
    session.undo()
    split = session.decompose("metric:hhi")
    fresh = GameSession(tiny_korea, 3)
    play(fresh, PLAN)
    assert split == fresh.decompose("metric:hhi")


def test_firm_share_and_event_answers(tiny_korea):
    session = GameSession(tiny_korea, 1)
    session.set_lever("public_compute_gpus_k", 30)
    while not session.finished:
        for event in session.unanswered_events():
            session.answer(event["id"], "block")
        session.step()
    chain: PolicyChain = session.policy_chain
    assert "choices" in chain.groups
    split = session.decompose("firm:openai")
    assert sum(a for _, a in split.parts) == pytest.approx(split.total, abs=1e-12)


def test_the_why_runs_play_off_the_quarter_and_give_the_same_split(tiny_korea):
    session = GameSession(tiny_korea, 3)
    play(session, PLAN[:3])
    session.set_lever("rd_tax_credit", 0.5)
    session.step(background_ghost=True)  # the quarter returns; the baseline and the Why runs follow
    session.sync_ghost()
    chain = session.policy_chain
    assert not chain.behind and all(done == len(chain.quarters) for done in chain.done)
    fresh = GameSession(tiny_korea, 3)
    play(fresh, PLAN[:3])
    fresh.set_lever("rd_tax_credit", 0.5)
    fresh.step()
    for metric in HEADLINE_METRICS:
        assert session.decompose(f"metric:{metric}") == fresh.decompose(f"metric:{metric}")


def test_recording_a_quarter_plays_nothing_until_catch_up(tiny_korea):
    from sim.model.model import AIMarketModel

    player = AIMarketModel(tiny_korea, seed=3)
    chain = PolicyChain(player)
    decision = {"public_compute_gpus_k": 40}
    chain.step(player, decision)
    player.apply_decision(decision)
    player.step()
    assert chain.behind and not chain.models[0].history and not chain.baseline.history
    chain.catch_up()
    assert not chain.behind
    assert chain.models[0].history == player.history  # the run with the first group is the player's run
    assert chain.decompose(player, "metric:hhi").parts[0][1] == pytest.approx(
        player.history[-1]["hhi"] - chain.baseline.history[-1]["hhi"], abs=1e-12
    )
