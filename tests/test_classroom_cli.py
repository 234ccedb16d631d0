"""Classroom commands end to end: lessons, lesson new/check, class new, play --lesson, debrief, class report."""

from __future__ import annotations

import csv
import html as html_module
import json
import re

import pytest
from classroom_helpers import write_small_lesson

from sim.classroom.lesson import lesson_from_text, load_lesson
from sim.classroom.session import LessonSession
from sim.cli import main


def play(lesson_path, team, folder, plan=None):
    lesson = load_lesson(lesson_path)
    session = LessonSession(lesson, team, ghost=False, save_path=folder / f"{team}.json")
    quarter = 0
    while not session.finished:
        for name, value in (plan or {}).get(quarter, {}).items():
            session.set_lever(name, value)
        session.submit()
        quarter += 1
    return session.save()


@pytest.fixture()
def class_folder(tmp_path):
    lesson_path = write_small_lesson(tmp_path)
    saves = tmp_path / "saves"
    play(lesson_path, "blue", saves, {0: {"partnership_review": "block"}})
    play(lesson_path, "red", saves)
    return lesson_path, saves


def test_lessons_lists_bundled(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "partnerships-lock-in" in out and "champion-vs-entrant" in out


def test_lesson_new_writes_a_template_that_validates(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    assert main(["lesson", "new", "mine", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("#") > 10  # commented
    lesson = lesson_from_text(text, str(out))
    assert lesson.name == "mine"
    assert main(["lesson", "new", "mine", "--out", str(out)]) == 2  # no silent overwrite


def test_lesson_check_plays_every_role_and_reports_the_spread(tmp_path, capsys):
    lesson_path = write_small_lesson(tmp_path)
    code = main(["lesson", "check", str(lesson_path), "--workers", "1"])
    out = capsys.readouterr().out
    assert "default play to the end: role regulator" in out
    assert "default play to the end: role naver" in out
    assert "5-95 % over seeds" in out and "spread" in out
    assert ("lesson check passed" in out) == (code == 0)


def test_lesson_check_fails_when_objectives_cannot_discriminate(tmp_path, capsys):
    from classroom_helpers import SMALL_LESSON

    text = SMALL_LESSON.replace("target: 0.36", "target: 0.01").replace("target: 20", "target: 1")
    path = write_small_lesson(tmp_path, text)
    assert main(["lesson", "check", str(path), "--workers", "1"]) == 2
    assert "FAILED" in capsys.readouterr().out


def test_class_new_writes_a_pack(tmp_path, capsys):
    out = tmp_path / "pack"
    assert main(["class", "new", "partnerships-lock-in", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {
        "partnerships-lock-in.yaml",
        "STUDENTS.en.md",
        "STUDENTS.ko.md",
        "README.md",
        "TEACHER.md",
        "saves",
    } <= names
    assert "aisim class report" in (out / "README.md").read_text(encoding="utf-8")
    assert "팀 이름" in (out / "STUDENTS.ko.md").read_text(encoding="utf-8")
    assert main(["class", "new", "partnerships-lock-in", "--out", str(out)]) == 2  # not empty


def test_play_lesson_headless_saves_in_the_team_slot(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    lesson_path = write_small_lesson(tmp_path)
    code = main(["play", "--lesson", str(lesson_path), "--team", "Blue", "--headless", "--autoplay", "2"])
    assert code == 0
    save = tmp_path / "lessons" / "small" / "blue.json"
    data = json.loads(save.read_text(encoding="utf-8"))
    assert data["extra"]["team"] == "Blue" and data["quarter"] == "2024Q3"
    assert main(["play", "--lesson", str(lesson_path), "--headless"]) == 2  # --team is required
    assert "--team" in capsys.readouterr().err


def test_debrief_writes_self_contained_html(class_folder, tmp_path):
    _, saves = class_folder
    out = tmp_path / "debrief"
    assert (
        main(["debrief", str(saves / "blue.json"), str(saves / "red.json"), "--out", str(out), "--workers", "1"]) == 0
    )
    html = (out / "index.html").read_text(encoding="utf-8")
    for needle in ("<svg", "Turning points", "Timeline", "baseline", "Random events revealed", "Why?", "blue", "red"):
        assert needle in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert (
        main(["debrief", str(saves / "blue.json"), "--out", str(tmp_path / "ko"), "--lang", "ko", "--workers", "1"])
        == 0
    )
    korean = (tmp_path / "ko" / "index.html").read_text(encoding="utf-8")
    assert "전환점" in korean
    # objective values and targets in their units (the small lesson: a yearly surplus, a share), luck in Korean
    assert "≥ $20 bn/yr" in html and "≥ 연 200억 달러" in korean
    assert any(word in korean for word in ("운이 좋음", "운이 나쁨", "평균적"))
    assert "2024년 1분기" in korean and "2024Q" not in korean  # the charts' ticks too
    # no English but proper nouns: decisions by the levers' Korean labels, firms by their Korean names
    from sim.game.i18n import PROPER_NOUNS

    text = html_module.unescape(re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", korean, flags=re.S))
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9&\-]*", text)) - set(PROPER_NOUNS) - {"blue", "X"}
    assert not words, words


def test_class_report_ranks_teams_and_refuses_bad_files(class_folder, tmp_path, capsys):
    _, saves = class_folder
    (saves / "junk.json").write_text("not json", encoding="utf-8")
    (saves / "foreign.json").write_text('{"format": "other"}', encoding="utf-8")
    out = tmp_path / "report"
    assert main(["class", "report", str(saves), "--out", str(out), "--seeds", "3", "--workers", "1"]) == 0
    rows = list(csv.DictReader((out / "teams.csv").open(encoding="utf-8")))
    assert {r["team"] for r in rows} == {"blue", "red"}
    assert all(r["was_it_luck"] in ("lucky", "unlucky", "typical") for r in rows)
    assert all(float(r["fair_score_p05"]) <= float(r["fair_score"]) <= float(r["fair_score_p95"]) for r in rows)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "junk.json" in html and "foreign.json" in html and "<svg" in html
    printed = capsys.readouterr().out
    assert "2 team save(s)" in printed and "refused: junk.json" in printed
    (saves / "junk.json").unlink()
    (saves / "foreign.json").unlink()
    korean = tmp_path / "ko"
    assert (
        main(["class", "report", str(saves), "--out", str(korean), "--seeds", "3", "--workers", "1", "--lang", "ko"])
        == 0
    )
    text = (korean / "index.html").read_text(encoding="utf-8")
    assert "(억 달러)" in text and "십억" not in text  # money in 억, as the game counts it
    text = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", text, flags=re.S)
    assert set(re.findall(r"[A-Za-z][A-Za-z0-9&.\-]*", text)) <= {"blue", "red"}  # English: the teams' own names only


def test_class_report_needs_a_folder(tmp_path, capsys):
    assert main(["class", "report", str(tmp_path / "nope"), "--out", str(tmp_path / "r")]) == 2
    assert "no such folder" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["partnerships-lock-in", "basic-act-startups", "sovereign-ai-payoff", "champion-vs-entrant"]
)
def test_bundled_lessons_pass_their_check(name, capsys):
    assert main(["lesson", "check", name, "--seeds", "10"]) == 0, capsys.readouterr().out


def test_play_lesson_resumes_the_teams_save_and_never_overwrites_a_bad_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    lesson_path = write_small_lesson(tmp_path)
    args = ["play", "--lesson", str(lesson_path), "--team", "Blue", "--headless", "--autoplay", "2"]
    assert main(args) == 0 and main(args) == 0
    save = tmp_path / "lessons" / "small" / "blue.json"
    assert json.loads(save.read_text(encoding="utf-8"))["quarter"] == "2025Q1"  # 2 + 2 quarters
    save.write_text("{broken", encoding="utf-8")
    assert main(args) == 0
    assert "could not be resumed" in capsys.readouterr().err
    assert save.with_suffix(".unreadable.json").read_text(encoding="utf-8") == "{broken"


def test_a_reworded_lesson_still_reads_the_class_saves_but_a_changed_one_does_not(tmp_path, capsys):
    """A release that rewords a scenario's labels changed its content hash, and every save of a class played
    before it was refused as 'a different version of the lesson'."""
    from classroom_helpers import SMALL_LESSON

    saves = tmp_path / "saves"
    save = play(write_small_lesson(tmp_path), "blue", saves, {0: {"partnership_review": "block"}})
    reworded = SMALL_LESSON.replace('title: {en: "Teacher event", ko: 교사 사건}', 'title: {en: "A study", ko: 연구}')
    assert reworded != SMALL_LESSON
    write_small_lesson(tmp_path, reworded)
    assert main(["debrief", str(save), "--out", str(tmp_path / "d1"), "--workers", "1"]) == 0
    changed = SMALL_LESSON.replace("foreign_trust: -0.1", "foreign_trust: -0.3")
    assert changed != SMALL_LESSON
    write_small_lesson(tmp_path, changed)
    assert main(["debrief", str(save), "--out", str(tmp_path / "d2"), "--workers", "1"]) == 2
    assert "different version of lesson" in capsys.readouterr().err


def test_force_replaces_only_the_kind_of_result_the_command_writes(class_folder, tmp_path, capsys):
    """`debrief --out SWEEP --force` replaced a whole sweep's results with one index.html, and `class report
    --force` (like the game's debrief button, a second time) refused its own earlier report."""
    _, saves = class_folder
    report = tmp_path / "report"
    args = ["class", "report", str(saves), "--out", str(report), "--seeds", "2", "--workers", "1"]
    assert main(args) == 0
    assert json.loads((report / "report.json").read_text())["report"] == "class report"
    assert main([*args, "--force"]) == 0, capsys.readouterr().err  # a report replaces a report
    debrief = ["debrief", str(saves / "blue.json"), "--workers", "1", "--force", "--out"]
    assert main([*debrief, str(report)]) == 0
    assert not (report / "teams.csv").exists()

    sweep = tmp_path / "sweep"
    assert main(["sweep", "quick-look", "--out", str(sweep), "--quiet", "--workers", "1"]) == 0
    pack = tmp_path / "pack"
    assert main(["class", "new", "partnerships-lock-in", "--out", str(pack)]) == 0
    capsys.readouterr()
    for command, held in (
        ([*debrief, str(sweep)], "sweep"),
        (["run", "--seeds", "1", "--force", "--out", str(sweep)], "sweep"),
        (["class", "new", "partnerships-lock-in", "--force", "--out", str(sweep)], "sweep"),
        ([*debrief, str(pack)], "class pack"),
        (["run", "--seeds", "1", "--force", "--out", str(report)], "report"),
    ):
        before = sorted(p.relative_to(tmp_path) for p in (tmp_path / command[-1]).rglob("*"))
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"--force refused: the folder holds an aisim {held}" in err, err
        assert sorted(p.relative_to(tmp_path) for p in (tmp_path / command[-1]).rglob("*")) == before


def test_the_games_debrief_button_writes_again_over_its_own_debrief(class_folder):
    from sim.classroom.debrief import write_debrief

    _, saves = class_folder
    out = saves / "blue-debrief"
    write_debrief([saves / "blue.json"], out, force=True, workers=1)
    write_debrief([saves / "blue.json"], out, force=True, workers=1)  # refused before: no marker
    assert (out / "index.html").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("source", "{secret}"), ("name", "{stem}"), ("name", "../../{stem}"), ("source", "{passwd}")],
)
def test_a_students_save_cannot_make_the_report_read_the_teachers_files(class_folder, tmp_path, capsys, field, value):
    """A save's extra.lesson.source (any path) or a path as its lesson name was loaded as a lesson, and the
    error quoted the file's first line or keys into the report the teacher shares (an API key, /etc/passwd)."""
    from sim.saves import save_checksum

    _, saves = class_folder
    secret = tmp_path / "secret.yaml"
    secret.write_text("api_key: sk-proj-SECRET0123\n")
    (tmp_path / "dotenv").write_text("OPENAI_API_KEY=sk-proj-SECRET0123\n")
    document = json.loads((saves / "red.json").read_text())
    fill = {"secret": str(tmp_path / "dotenv"), "stem": str(tmp_path / "secret"), "passwd": "/etc/passwd"}
    document["extra"]["lesson"][field] = value.format(**fill)
    document["checksum"] = save_checksum(document)  # anyone can sign a save again
    (saves / "red.json").write_text(json.dumps(document))
    out = tmp_path / "report"
    assert main(["class", "report", str(saves), "--out", str(out), "--seeds", "2", "--workers", "1"]) == 0
    printed = capsys.readouterr()
    shown = printed.out + printed.err + (out / "index.html").read_text(encoding="utf-8")
    for leaked in ("SECRET", "api_key", "root:", "/bin/"):
        assert leaked not in shown
    code = main(["debrief", str(saves / "red.json"), "--out", str(tmp_path / "d"), "--workers", "1"])
    err = capsys.readouterr().err
    assert "SECRET" not in err and "api_key" not in err and "root:" not in err
    assert code in (0, 2)


def test_a_file_that_is_not_a_lesson_is_never_quoted(tmp_path, capsys):
    for name, text in (("keys.yaml", "api_key: sk-SECRET\n"), ("env.yaml", "OPENAI_API_KEY=sk-SECRET\n")):
        (tmp_path / name).write_text(text)
        assert main(["lesson", "check", str(tmp_path / name), "--workers", "1"]) == 2
        captured = capsys.readouterr()
        assert "not an aisim lesson" in captured.err + captured.out
        assert "SECRET" not in captured.err + captured.out and "api_key" not in captured.err + captured.out


def test_a_save_cannot_rank_its_team_twice_or_colour_the_teachers_terminal(class_folder, tmp_path, capsys):
    """extra.roles ["regulator", "regulator"] ranked the team twice, and a team named with an escape sequence
    printed it raw to the teacher's terminal."""
    from sim.saves import save_checksum

    _, saves = class_folder
    for name, edit in (
        ("red.json", {"roles": ["regulator", "regulator"]}),
        ("blue.json", {"team": "a\x1b[31mb\u202e"}),
    ):
        document = json.loads((saves / name).read_text())
        document["extra"].update(edit)
        document["checksum"] = save_checksum(document)
        (saves / name).write_text(json.dumps(document))
    out = tmp_path / "report"
    assert main(["class", "report", str(saves), "--out", str(out), "--seeds", "2", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "1 team save(s) reported" in printed and "red.json: " in printed and "each role once" in printed
    assert "\x1b" not in printed and "\u202e" not in printed and "\\x1b[31mb" in printed
    assert "\u202e" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_report_written_beside_the_saves_is_not_read_as_a_save(class_folder, tmp_path, capsys):
    """Reports carry report.json (so --force can replace them): a report written inside the saves folder then
    showed up as 'refused: report/report.json: not an aisim save file' in the next report."""
    _, saves = class_folder
    args = ["class", "report", str(saves), "--seeds", "2", "--workers", "1", "--out"]
    assert main([*args, str(saves / "report")]) == 0
    capsys.readouterr()
    assert main([*args, str(tmp_path / "again")]) == 0
    printed = capsys.readouterr().out
    assert "2 team save(s) reported" in printed and "0 refused" in printed and "report.json" not in printed
