"""Firm and partner roles: need the model's policy interface (sim.model.policies); skipped until it lands."""

from __future__ import annotations

import pytest
from classroom_helpers import SMALL_LESSON

from sim.classroom.lesson import lesson_from_text
from sim.classroom.session import LessonSession


@pytest.fixture(scope="module")
def policies():
    return pytest.importorskip("sim.model.policies", reason="the model's firm/partner policy interface is not here yet")


@pytest.fixture(scope="module")
def lesson():
    return lesson_from_text(SMALL_LESSON, "small.yaml")


def test_firm_fields_follow_the_models_declaration(policies):
    from sim.classroom.lesson import _firm_fields

    fields = _firm_fields()
    assert fields is policies.FIRM_DECISION_FIELDS
    for spec in fields.values():
        assert {"min", "max", "step", "label_en", "label_ko", "unit_en", "unit_ko"} <= set(spec)


def test_a_firm_role_decision_changes_the_run_and_replays_bit_identically(policies, lesson):
    from sim.runner import simulate

    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False)
    session.submit({"firm:naver": {"price": 0.5}})
    while not session.finished:
        session.submit({})
    assert session.decisions[lesson.scenario.start] == {"firm:naver": {"price": 0.5}}
    assert session.history != simulate(lesson.scenario, session.seed).quarters
    assert simulate(lesson.scenario, session.seed, session.decisions).quarters == session.history


def test_a_firm_role_save_loads_and_replays(policies, lesson, tmp_path):
    from sim.runner import simulate
    from sim.saves import load_save

    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False, save_path=tmp_path / "n.json")
    session.submit({"firm:naver": {"price": 0.5}})
    while not session.finished:
        session.submit({})
    saved = load_save(session.save())
    assert saved.decisions[lesson.scenario.start] == {"firm:naver": {"price": 0.5}}
    assert simulate(saved.scenario, saved.seed, saved.decisions).quarters == session.history


def test_hot_seat_with_a_firm_and_a_partner(policies, lesson):
    session = LessonSession(lesson, "Class A", roles=["naver", "kakao"], ghost=False)
    assert session.submit({"firm:naver": {"rd_usd_bn_per_year": 1.0}}) is False
    assert session.submit({"partner:kakao_talk": {"provider": "naver", "deal": "exclusive"}}) is True
    logged = session.role_log[lesson.scenario.start]
    assert set(logged) == {"naver", "kakao"}
    assert session.decisions[lesson.scenario.start] == {
        "firm:naver": {"rd_usd_bn_per_year": 1.0},
        "partner:kakao_talk": {"provider": "naver", "deal": "exclusive"},
    }


def test_firm_role_fair_score_and_measured_strategies(policies):
    from sim.classroom.lesson import load_lesson
    from sim.classroom.measure import measure

    lesson = load_lesson("champion-vs-entrant")
    results = measure(lesson, lesson.strategies, seeds=lesson.class_seeds[:3], workers=1)
    assert all(r.scores for r in results)


def test_role_decision_screen_builds_firm_sliders_headless(tmp_path, monkeypatch, lesson):
    # The screen itself needs no model interface: it reads the fields (or their contract).
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    from sim.classroom.game import attach
    from sim.game.app import App
    from sim.game.screens.role_decision import RoleDecisionScreen

    app = App(size=(1280, 800))
    attach(app, LessonSession(lesson, "Naver team", roles=["naver"], ghost=False))
    app.show(RoleDecisionScreen)
    app.pump(2)
    screen = app.screen
    from sim.classroom.lesson import _firm_fields

    assert len(screen.sliders) == len(_firm_fields())
    screen.values["price"] = 0.8
    assert screen.decision() == {"firm:naver": {"price": 0.8}}
