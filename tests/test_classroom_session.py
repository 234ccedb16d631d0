"""Lesson sessions (sim/classroom/session.py): turns, team saves, replays bit-identical."""

from __future__ import annotations

import json
import re

import pytest
from classroom_helpers import SMALL_LESSON

from sim.classroom.lesson import LessonError, lesson_from_text
from sim.classroom.session import LessonSession, decisions_by_role, lesson_save_path, team_slug
from sim.errors import OverrideError
from sim.runner import simulate
from sim.saves import load_save


@pytest.fixture(scope="module")
def lesson():
    return lesson_from_text(SMALL_LESSON, "small.yaml")


def test_saves_are_named_by_lesson_and_team(tmp_path, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    assert lesson_save_path("lock-in", "Team Blue!") == tmp_path / "lessons" / "lock-in" / "team-blue.json"
    assert lesson_save_path("lock-in", "Red") != lesson_save_path("lock-in", "Blue")
    assert lesson_save_path("a", "Red") != lesson_save_path("b", "Red")
    assert team_slug("파랑 팀") == "파랑-팀"
    assert team_slug("Blue Team") == team_slug("blue-team")  # the same team typing its name again resumes


@pytest.mark.parametrize(("one", "other"), [("🙂", "🎉"), ("///", "***"), ("x" * 70 + "a", "x" * 70 + "b")])
def test_different_teams_never_share_a_save_slot(one, other):
    """Every emoji-only team saved to team.json and long names sharing 60 letters to one file: the second
    team then played on in the first team's game."""
    assert team_slug(one) != team_slug(other)
    for name in (one, other):
        slug = team_slug(name)
        assert slug == team_slug(name) and len(slug) <= 60 and re.fullmatch(r"[\w-]+", slug)


def test_a_lesson_game_saves_its_team_and_replays_bit_identically(lesson, tmp_path):
    session = LessonSession(lesson, "Blue", ghost=False, save_path=tmp_path / "blue.json")
    session.set_lever("partnership_review", "block")
    session.submit()
    while not session.finished:
        session.submit()
    path = session.save("ignored-shared-slot.json")
    assert path == tmp_path / "blue.json"
    saved = load_save(path)
    assert saved.extra["team"] == "Blue"
    assert saved.extra["lesson"]["name"] == "small"
    assert saved.extra["role_decisions"] == {"2024Q1": {"regulator": {"partnership_review": "block"}}}
    replay = simulate(saved.scenario, saved.seed, saved.decisions)
    assert replay.quarters == session.history


def test_only_the_lessons_levers_can_move(lesson):
    session = LessonSession(lesson, "Blue", ghost=False)
    assert [s.name for s in session.levers] == ["procurement_domestic_preference", "partnership_review"] or {
        s.name for s in session.levers
    } == {"procurement_domestic_preference", "partnership_review"}
    with pytest.raises(OverrideError):
        session.set_lever("act_stringency", 2.0)


def test_hot_seat_turns_hide_pending_choices_and_run_the_quarter_after_the_last_role(lesson):
    session = LessonSession(lesson, "Blue", roles=["regulator", "kakao"], ghost=False)
    turns, quarters = [], []
    session.on_turn = turns.append
    session.on_quarter = lambda: quarters.append(session.model.quarter_label)
    session.set_lever("procurement_domestic_preference", 0.3)
    session.step()  # the dashboard's "next quarter" ends the regulator's turn
    assert [r.id for r in turns] == ["kakao"] and not quarters and not session.history
    assert session.pending == {}  # the regulator's choice is out of sight of the next role...
    assert session.role_pending["regulator"] == {"procurement_domestic_preference": 0.3}  # ...but kept
    assert session.submit({}) is True  # kakao keeps the model's rule; the quarter runs
    assert quarters == ["2024Q2"] and len(session.history) == 1
    assert session.model.params["procurement_domestic_preference"] == 0.3
    assert session.current_role.id == "regulator"


def test_a_role_cannot_submit_another_roles_keys(lesson):
    session = LessonSession(lesson, "Blue", roles=["naver"], ghost=False)
    with pytest.raises(LessonError):
        session.submit({"partnership_review": "block"})


def test_resume_a_lesson_save(lesson, tmp_path):
    session = LessonSession(lesson, "Blue", ghost=False, save_path=tmp_path / "b.json")
    session.set_lever("partnership_review", "conditions")
    session.submit()
    session.submit()
    session.save()
    again = LessonSession.from_lesson_save(lesson, load_save(tmp_path / "b.json"), ghost=False)
    assert again.team == "Blue" and again.history == session.history
    assert again.role_log == session.role_log


def test_decisions_split_by_role(lesson):
    split = decisions_by_role(lesson, {8096: {"partnership_review": "block", "firm:naver": {"price": 1.0}}})
    assert split == {
        "regulator": {8096: {"partnership_review": "block"}},
        "naver": {8096: {"firm:naver": {"price": 1.0}}},
    }


def test_save_file_is_plain_json(lesson, tmp_path):
    session = LessonSession(lesson, "Blue", ghost=False, save_path=tmp_path / "b.json")
    session.submit()
    data = json.loads(session.save().read_text(encoding="utf-8"))
    assert data["format"] == "aisim-save" and data["extra"]["team"] == "Blue"
