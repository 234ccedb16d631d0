"""The Why panel's order: the market itself first (this quarter), then the policies in the order first used."""

from __future__ import annotations

import pytest

from sim.game.i18n import t
from sim.game.session import GameSession
from sim.game.why import why_view

PLAN = {0: {"public_compute_gpus_k": 40}, 2: {"act_stringency": 0.5, "procurement_domestic_preference": 0.3}}
FIRST_USED = ["public_compute_gpus_k", "act_stringency", "procurement_domestic_preference"]


def played(scenario) -> GameSession:
    """Levers in quarters 1 and 3, the event answered in the last quarter."""
    session = GameSession(scenario, 3)
    k = 0
    while not session.finished:
        for name, value in PLAN.get(k, {}).items():
            session.set_lever(name, value)
        for event in session.unanswered_events():
            session.answer(event["id"], "conditions")
        session.step()
        k += 1
    session.sync_ghost()
    return session


@pytest.fixture(scope="module")
def session(tiny_korea):
    return played(tiny_korea)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("target", [None, "metric:hhi", "metric:capability_gap", "openai"])
def test_bars_come_in_one_order_in_both_questions(session, target, lang):
    params = session.scenario.parameters
    policies = [params[name].label_for(lang) for name in FIRST_USED] + [t("event_answers", lang)]
    view = why_view(session, target, lang)
    assert [bar.label for bar in view.total_bars] == policies
    assert [bar.label for bar in view.now_bars] == [t("market_itself", lang), *policies]


def test_the_order_survives_undo_and_a_save(session, tiny_korea, tmp_path):
    labels = [bar.label for bar in why_view(session, "metric:hhi", "en").total_bars]
    session.save(tmp_path / "game.json")
    loaded = GameSession.load(tmp_path / "game.json")
    assert [bar.label for bar in why_view(loaded, "metric:hhi", "en").total_bars] == labels
    again = played(tiny_korea)
    again.undo()
    for event in again.unanswered_events():  # the window asks again
        again.answer(event["id"], "conditions")
    again.step()
    assert [bar.label for bar in why_view(again, "metric:hhi", "en").total_bars] == labels
