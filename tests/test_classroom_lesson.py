"""Lesson files (sim/classroom/lesson.py): bundled lessons, the lesson scenario, the error contract."""

from __future__ import annotations

import pytest
from classroom_helpers import SMALL_LESSON

from sim.classroom.lesson import (
    LessonError,
    bundled_lessons,
    check_role_decision,
    lesson_from_text,
    load_lesson,
    resolve_lesson_path,
)
from sim.timeline import parse_quarter


def test_four_bundled_lessons_load_with_english_and_korean():
    names = [p.stem for p in bundled_lessons()]
    assert {"partnerships-lock-in", "basic-act-startups", "sovereign-ai-payoff", "champion-vs-entrant"} <= set(names)
    for name in names:
        lesson = load_lesson(name)
        assert lesson.minutes == 45
        assert lesson.briefing["ko"] != lesson.briefing["en"]
        assert all(q["ko"] != q["en"] for q in lesson.debrief_questions)
        assert len(lesson.class_seeds) >= 3
        assert lesson.scenario.quarters == lesson.quarters


def test_champion_lesson_has_firm_roles():
    lesson = load_lesson("champion-vs-entrant")
    kinds = {r.id: r.kind for r in lesson.roles}
    assert kinds["naver"] == "firm" and kinds["openai"] == "firm"


def test_lesson_scenario_is_cut_and_carries_the_teachers_event_and_regulator_objectives():
    lesson = lesson_from_text(SMALL_LESSON, "small.yaml")
    assert lesson.scenario.end == parse_quarter("2025Q4")
    assert "teacher_event" in [e["id"] for e in lesson.scenario.events]
    assert [o["id"] for o in lesson.scenario.objectives] == ["dom", "cs"]
    # kakao's objective on a firm metric got its firm; naver's firm role fills it in
    assert lesson.role("naver").objectives[0]["firm"] == "naver"


def test_strategies_become_decision_logs():
    lesson = lesson_from_text(SMALL_LESSON, "small.yaml")
    assert lesson.strategy("block").decisions == {parse_quarter("2024Q1"): {"partnership_review": "block"}}


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("quarters: 8", "quartres: 8", "quartres", "did you mean 'quarters'?"),
        (
            "metric: domestic_revenue_share",
            "metric: domestic_revenue_shar",
            "roles[0].objectives[0].metric",
            "did you mean 'domestic_revenue_share'?",
        ),
        (
            "levers: [partnership_review,",
            "levers: [partnership_reveiw,",
            "roles[0].levers[0]",
            "did you mean 'partnership_review'?",
        ),
        ("partner: kakao_talk", "partner: kakao_tlk", "roles[1].partner", "did you mean 'kakao_talk'?"),
        ("firm: naver\n", "firm: navr\n", "roles[2].firm", "did you mean 'naver'?"),
        ("class_seeds: [0, 1, 2]", "class_seeds: [0, 1]", "class_seeds", "at least 3"),
        # repeated or endless seeds were taken: a fair score over [1, 1, 1] is one seed's
        ("class_seeds: [0, 1, 2]", "class_seeds: [0, 1, 1]", "class_seeds[2]", "1 is listed twice (already item 1)"),
        ("class_seeds: [0, 1, 2]", f"class_seeds: {list(range(1001))}", "class_seeds", "at most 1,000 items"),
        (
            "levers: [partnership_review,",
            "levers: [partnership_review, partnership_review,",
            "roles[0].levers[1]",
            "twice",
        ),
        ("quarters: 8", "quarters: 80", "quarters", "the lesson asks for 80"),
        ("at: 2024Q3", "at: 2031Q3", "events[0].at", "expected a quarter the lesson plays"),
        (
            "add: {foreign_trust: -0.1}",
            "add: {foreign_trst: -0.1}",
            "events[0].effects[0].add.foreign_trst",
            "did you mean 'foreign_trust'?",
        ),
        ("set: {partnership_review: block}", "set: {partnership_review: ban}", "strategies[0].decisions[0].set", "ban"),
    ],
)
def test_errors_name_file_key_path_line_and_suggest(old, new, path, message):
    assert old in SMALL_LESSON
    with pytest.raises(LessonError) as info:
        lesson_from_text(SMALL_LESSON.replace(old, new, 1), "bad.yaml")
    error = info.value
    assert error.file == "bad.yaml"
    assert error.path == path
    assert error.line is not None and error.line >= 1
    assert message in error.message


def test_unknown_firm_in_teacher_event_points_at_the_lesson_line():
    text = SMALL_LESSON.replace("{segment: consumer, add: {foreign_trust: -0.1}}", "{firm: nvr, add: {price: 0.1}}")
    with pytest.raises(LessonError) as info:
        lesson_from_text(text, "bad.yaml")
    assert info.value.path == "events[0].effects[0].firm"
    assert info.value.line == text.splitlines().index("      - {firm: nvr, add: {price: 0.1}}") + 1
    assert "did you mean 'naver'?" in info.value.message


def test_unknown_lesson_name_suggests_a_bundled_one():
    with pytest.raises(LessonError, match="did you mean 'partnerships-lock-in'"):
        resolve_lesson_path("partnership-lock-in")


def test_cli_exit_2_one_line_for_a_bad_lesson(tmp_path, capsys):
    from sim.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL_LESSON.replace("quarters: 8", "quartres: 8"), encoding="utf-8")
    assert main(["lesson", "check", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "bad.yaml:" in err[0] and "quartres" in err[0] and "did you mean 'quarters'?" in err[0]


def test_role_decisions_are_checked_per_role():
    lesson = lesson_from_text(SMALL_LESSON, "small.yaml")
    regulator, kakao, naver = (lesson.role(r) for r in ("regulator", "kakao", "naver"))
    assert check_role_decision(regulator, lesson.scenario, {"partnership_review": "block"}) == {
        "partnership_review": "block"
    }
    with pytest.raises(LessonError, match="cannot set 'act_stringency'"):
        check_role_decision(regulator, lesson.scenario, {"act_stringency": 1.0})
    with pytest.raises(LessonError, match="cannot set"):
        check_role_decision(naver, lesson.scenario, {"partnership_review": "block"})
    assert check_role_decision(naver, lesson.scenario, {"firm:naver": {"price": 0.8}}) == {"firm:naver": {"price": 0.8}}
    with pytest.raises(LessonError, match="did you mean 'price'"):
        check_role_decision(naver, lesson.scenario, {"firm:naver": {"prise": 0.8}})
    with pytest.raises(LessonError, match="expected a number from"):
        check_role_decision(naver, lesson.scenario, {"firm:naver": {"price": 9}})
    deal = {"partner:kakao_talk": {"provider": "openai", "deal": "exclusive"}}
    assert check_role_decision(kakao, lesson.scenario, deal) == deal
    with pytest.raises(LessonError, match="expected one of integration, exclusive, equity"):
        check_role_decision(kakao, lesson.scenario, {"partner:kakao_talk": {"provider": "openai", "deal": "merger"}})


def test_teacher_notes_read_in_units_and_lever_labels():
    """The notes' tables showed bare numbers ('0.147', '24.40', '2431') and decisions as 'firm:naver={...}'."""
    import re

    from sim.classroom.lesson import load_lesson
    from sim.classroom.measure import measure
    from sim.classroom.notes import notes_markdown

    lesson = load_lesson("champion-vs-entrant")
    text = notes_markdown(lesson, measure(lesson, lesson.strategies, seeds=lesson.class_seeds[:2], workers=1), "now")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| strategy")]
    assert rows
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert "=" not in cells[1] and "firm:" not in cells[1], cells[1]
        for cell in cells[4:]:
            assert re.search(r"%|\$|pts|of the frontier", cell), (cells[0], cell)
