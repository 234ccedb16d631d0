"""GameSession (no pygame): levers, events, undo, ghost baseline, save/load/replay identity, CLI replay."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.errors import OverrideError
from sim.game.session import GameSession
from sim.runner import simulate
from sim.saves import load_save


def play_to_end(session: GameSession) -> None:
    while not session.finished:
        session.step()


def test_lever_change_reaches_the_model_next_quarter(tiny_korea):
    session = GameSession(tiny_korea, seed=1)
    session.step()
    assert session.set_lever("sovereign_ai_budget_krw_bn", "700") == 700.0
    assert session.lever_value("sovereign_ai_budget_krw_bn") == 700.0
    assert session.model.params["sovereign_ai_budget_krw_bn"] != 700.0  # not yet applied
    assert session.lever_costs()["sovereign_ai_budget_krw_bn"] == 700.0
    assert session.model.params["sovereign_ai_budget_krw_bn"] != 700.0  # the preview left the model alone
    quarter = session.model.quarter
    session.step()
    assert session.model.params["sovereign_ai_budget_krw_bn"] == 700.0
    assert session.decisions[quarter] == {"sovereign_ai_budget_krw_bn": 700.0}
    assert session.pending == {}


def test_setting_a_lever_back_to_its_value_is_no_decision(tiny_korea):
    session = GameSession(tiny_korea, seed=1, ghost=False)
    current = session.model.params["act_grace_quarters"]
    session.set_lever("act_grace_quarters", current + 1)
    session.set_lever("act_grace_quarters", current)
    assert session.pending == {}


def test_bad_lever_values_are_refused(tiny_korea):
    session = GameSession(tiny_korea, ghost=False)
    with pytest.raises(OverrideError, match="not a lever"):
        session.set_lever("frontier_growth_per_year", 0.5)  # an uncertainty
    with pytest.raises(OverrideError, match="expected"):
        session.set_lever("sovereign_ai_budget_krw_bn", -5)
    with pytest.raises(OverrideError):
        session.answer("kakao_openai", "block")  # not due yet


def test_choice_event_answer_is_applied(tiny_korea):
    session = GameSession(tiny_korea, seed=0, ghost=False)
    while not session.choice_events():
        session.step()
    event = session.choice_events()[0]
    assert event["id"] == "kakao_openai"
    assert session.unanswered_events() == [event]
    session.answer("kakao_openai", "block")
    assert session.unanswered_events() == []
    quarter = session.model.quarter
    session.step()
    assert session.model.params["partnership_review"] == "block"
    assert session.decisions[quarter]["choice:kakao_openai"] == "block"


def test_ghost_is_the_no_decision_run_and_diverges_from_the_player(tiny_korea):
    session = GameSession(tiny_korea, seed=2)
    session.set_lever("sovereign_ai_budget_krw_bn", 2000)
    session.set_lever("procurement_domestic_preference", 0.5)
    play_to_end(session)
    baseline = simulate(tiny_korea, 2).quarters
    assert session.ghost_history == baseline
    assert session.history != baseline
    assert session.history[-1]["public_spend_krw_bn"] != baseline[-1]["public_spend_krw_bn"]


def test_undo_restores_the_previous_quarter_exactly(tiny_korea):
    session = GameSession(tiny_korea, seed=3, ghost=False)
    session.step()
    before = [dict(r) for r in session.history]
    session.set_lever("public_compute_gpus_k", 50)
    session.step()
    assert len(session.history) == 2
    assert session.undo()
    assert session.history == before
    assert session.model.params["public_compute_gpus_k"] != 50
    session.step()  # replaying without the change gives the no-change numbers
    assert session.history == simulate(tiny_korea, 3).quarters[:2]
    while session.undo():
        pass
    assert session.history == [] and not session.can_undo


def test_save_load_and_replay_give_identical_numbers(tiny_korea, tmp_path):
    session = GameSession(tiny_korea, seed=4, ghost=False)
    session.step()
    session.set_lever("sovereign_ai_budget_krw_bn", 900)
    session.set_lever("partnership_review", "conditions")
    session.step()
    session.step()
    path = session.save(tmp_path / "mid.json")
    resumed = GameSession.load(path, ghost=False)
    assert resumed.history == session.history
    assert resumed.model.quarter == session.model.quarter
    assert resumed.decisions == session.decisions
    # keep playing both the same way: still identical
    for s in (session, resumed):
        s.set_lever("public_data_openness", 1.0)
        while not s.choice_events():
            s.step()
        s.answer("kakao_openai", "conditions")
        play_to_end(s)
    assert resumed.history == session.history
    assert resumed.model.firm_history == session.model.firm_history
    saved = load_save(session.save(tmp_path / "end.json"))
    replayed = simulate(saved.scenario, saved.seed, saved.decisions)
    assert replayed.quarters == session.history
    assert replayed.firms == session.model.firm_history


def test_cli_replay_writes_run_outputs_matching_the_game(tiny_korea, tmp_path, capsys):
    from sim.cli import main

    session = GameSession(tiny_korea, seed=5, ghost=False)
    session.set_lever("talent_programme_krw_bn", 600)
    play_to_end(session)
    save = session.save(tmp_path / "game.json")
    out = tmp_path / "replay"
    assert main(["replay", str(save), "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    for name in ("quarters.csv", "firms.csv", "news.csv", "run.json", "scenario.json"):
        assert (out / name).exists()
    # the runner writes CSV floats with 10 significant digits: the game's numbers, written the same way, match
    table = pd.read_csv(out / "quarters.csv", dtype=str)
    played = pd.DataFrame(session.history)
    assert table["quarter"].tolist() == played["quarter"].tolist()
    for column in ("market_revenue_usd_bn", "domestic_revenue_share", "hhi", "public_spend_krw_bn"):
        assert table[column].tolist() == [f"{v:.10g}" for v in played[column]]


@pytest.mark.parametrize("content", ["{broken", '{"format": "other"}', ""])
def test_cli_rejects_bad_saves_in_one_line(tmp_path, capsys, content):
    from sim.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    for argv in (["replay", str(bad), "--out", str(tmp_path / "o")], ["play", "--load", str(bad), "--headless"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("aisim: error:") and str(bad) in err
        assert "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_cli_rejects_bad_play_arguments(capsys):
    from sim.cli import main

    assert main(["play", "--size", "huge", "--headless"]) == 2
    assert "--size" in capsys.readouterr().err
    assert main(["play", "no-such-scenario", "--headless"]) == 2
    assert "no-such-scenario" in capsys.readouterr().err


def test_autoplay_keeps_fewer_undo_points_and_undo_replays_to_the_same_numbers(tiny_korea):
    from sim.game.session import AUTOPLAY_UNDO_EVERY

    session = GameSession(tiny_korea, seed=6, ghost=False)
    session.undo_every = AUTOPLAY_UNDO_EVERY
    session.set_lever("public_compute_gpus_k", 60)
    for _ in range(AUTOPLAY_UNDO_EVERY + 2):
        session.step()
    assert [played for played, _ in session.undo_stack] == [0, AUTOPLAY_UNDO_EVERY]
    fresh = GameSession(tiny_korea, seed=6, ghost=False)
    fresh.set_lever("public_compute_gpus_k", 60)
    rows = []
    while not fresh.finished:
        fresh.step()
        rows.append([dict(r) for r in fresh.history])
    for played in range(AUTOPLAY_UNDO_EVERY + 1, 0, -1):  # each undo: the nearest point, then a replay
        assert session.undo()
        assert session.history == rows[played - 1] and session.played_quarters == played
    assert session.undo() and session.history == [] and not session.can_undo
    session.set_lever("public_compute_gpus_k", 60)
    session.step()  # playing on after undo gives the same numbers
    assert session.history == rows[0]


def test_the_model_is_pickled_once_per_state(tiny_korea):
    session = GameSession(tiny_korea, seed=1, ghost=False)
    session.step()
    first = session.state_snapshot()
    assert session.state_snapshot() is first  # made once (the budget check and the next undo point share it)
    session.set_lever("public_compute_gpus_k", 50)
    assert session.state_snapshot() is first  # a planned lever is not in the model yet
    assert session.state_snapshot(version=session.version - 1) is None  # asked for a state that is gone
    session.step()
    assert session.undo_stack[-1][1] is first  # the undo point of that quarter is the same snapshot
    session.model.apply_decision({"act_stringency": 0.5})  # anything applied to the model makes a new one
    assert session.state_snapshot() is not first


def test_the_why_runs_share_the_baseline_with_the_ghost(tiny_korea):
    session = GameSession(tiny_korea, seed=2)
    session.set_lever("public_compute_gpus_k", 40)
    session.step()
    session.set_lever("act_stringency", 0.5)
    session.step()
    session.sync_ghost()
    chain = session.policy_chain
    assert chain.baseline is session.ghost and not chain.owns_baseline
    assert len(chain.models) == len(chain.groups) == 2  # one run per policy, none for the baseline
    split = session.decompose("metric:hhi")
    assert split.baseline == session.ghost_history[-1]["hhi"]
    assert sum(a for _, a in split.parts) == pytest.approx(split.total, abs=1e-12)


def test_the_sovereign_programme_costs_what_it_will_spend_in_the_quarter_teams_are_chosen():
    """Planning the selection quarter showed the programme at no cost, though the quarter funds it."""
    from sim.scenario import load_scenario

    scenario = load_scenario()
    session = GameSession(scenario, seed=0, ghost=False)
    selection = session.model.regulator.selection_quarter
    while session.model.quarter < selection:
        session.step()
    value = session.lever_value("sovereign_ai_budget_krw_bn")
    assert value > 0 and session.lever_costs()["sovereign_ai_budget_krw_bn"] == value
    session.step()
    regulator = session.model.regulator
    assert regulator.team_ids  # chosen this quarter
    spent = regulator.spend_by_item_krw_bn["sovereign_ai_budget_krw_bn"] * 4.0
    assert spent == pytest.approx(value * regulator.programme_scale)
