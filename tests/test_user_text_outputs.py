"""What aisim writes from users' text shows that text and does nothing else.

The fourth hostile sweep put HTML, Markdown, spreadsheet formulas, terminal escape sequences, bidi
overrides, mathtext and path-like names into every text a user controls (scenario and lesson texts,
file names, a student's re-signed save). The HTML reports held; these did not: a carriage return
split a CSV row and started the next with a live formula, a lesson file named ``...yaml`` put saves
in the folder above, titles drove the terminal, class packs carried raw HTML and remote images, a
bidi override turned a report's own words around, and ``$\\foo$`` in a label crashed ``analyze``.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pandas as pd
import pytest
from classroom_helpers import SMALL_LESSON

from sim.cli import main

SMALL = "extends: korea-2025\nname: small\ntime: {start: 2024Q1, end: 2024Q4}\npopulation: {adopter_rows: 300}\n"
EVIL = "x \x1b[2J\x1b]0;PWNED\x07 \u202e <iframe src=http://evil.example/> ![](http://evil.example/p.png)"


def test_a_carriage_return_cannot_start_a_spreadsheet_row():
    from sim.core.tables import cell_text, to_csv_text

    frame = pd.DataFrame({"en": ["x\r@SUM(1+1)*cmd|' /C calc'!A0", "=1+1", "-inf", "-1.5", "a\r\nb"], "n": range(5)})
    rows = list(csv.reader(io.StringIO(to_csv_text(frame), newline="")))
    assert len(rows) == 6 and all(len(row) == 2 for row in rows)  # header + 5: no row split off
    assert [row[0][:1] for row in rows[1:]] == ["x", "'", "'", "-", "a"]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows[1:] for cell in row)
    assert cell_text("x\ry") == "x\ny"


def test_a_file_named_dots_must_state_its_name(tmp_path, capsys):
    """A lesson file `...yaml` was the lesson `..`: its saves went to the save folder itself (team
    `settings` replaced settings.json); an experiment `...yaml` aimed at `sweeps/..`."""
    from classroom_helpers import write_small_lesson

    from sim.classroom.lesson import load_lesson
    from sim.errors import UserError

    lesson = write_small_lesson(tmp_path, SMALL_LESSON.replace("name: small\n", ""))
    for stem in ("...", "..", ".hidden", "-x", "bad\x1bname"):
        path = lesson.with_name(f"{stem}.yaml")
        path.write_text(lesson.read_text())
        with pytest.raises(UserError, match="add name:"):
            load_lesson(str(path))
        (tmp_path / "s.yaml").write_text(SMALL.replace("name: small\n", ""))
        scenario = tmp_path / f"{stem}.yaml"
        scenario.write_text(SMALL.replace("name: small\n", ""))
        assert main(["validate", str(scenario)]) == 2
        assert "add name:" in capsys.readouterr().err
    kept = tmp_path / "My Scenario 수업.yaml"  # spaces, capitals, Korean: a name as before
    kept.write_text(SMALL.replace("name: small\n", ""))
    assert main(["validate", str(kept)]) == 0
    assert "My Scenario 수업" in capsys.readouterr().out


def test_printed_text_from_users_files_never_drives_the_terminal(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMALL + "title: {en: " + '"' + EVIL.encode("unicode_escape").decode() + '"' + "}\n")
    assert main(["run", str(scenario), "--seeds", "1", "--workers", "1", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "\\x1b[2J" in out and "\\u202e" in out  # shown
    assert not any(ch in out for ch in "\x1b\x07\u202e\r")  # never acted on


def test_class_pack_markdown_shows_lesson_text_as_written(tmp_path, capsys):
    import json
    import re

    from classroom_helpers import write_small_lesson

    title = json.dumps("T\n\n# INJECTED\n\n<iframe src=http://evil.example/></iframe> | a |")
    briefing = json.dumps("- item\n\n![](http://evil.example/p.png)")
    text = SMALL_LESSON.replace("title: {en: Small lesson, ko: 작은 수업}", f"title: {{en: {title}, ko: 수업}}")
    text = text.replace("briefing: {en: Brief., ko: 브리핑.}", f"briefing: {{en: {briefing}, ko: 브리핑.}}")
    text = text.replace("label: {en: Regulator,", "label: {en: '<script>alert(1)</script>',")
    lesson = write_small_lesson(tmp_path, text)
    assert main(["class", "new", str(lesson), "--out", str(tmp_path / "pack")]) == 0, capsys.readouterr().err
    live = re.compile(r"(?<!\\)<(iframe|script)|(?<!\\)\]\(http")  # markup a viewer would act on
    for name in ("STUDENTS.en.md", "README.md", "TEACHER.md"):
        markdown = (tmp_path / "pack" / name).read_text(encoding="utf-8")
        assert not live.search(markdown), name
        assert "\\<iframe" in markdown or name == "TEACHER.md" or "<script" not in markdown
        lines = markdown.splitlines()
        assert not any(line.startswith(("# INJECTED", "- item")) for line in lines), name
        assert sum(line.startswith("# ") for line in lines) == 1, name  # the title is one heading


def test_report_html_shows_control_and_bidi_characters_escaped():
    from sim.classroom.html import esc

    shown = esc("Partnerships \u202e 2024Q1 <b>")
    assert "\u202e" not in shown and "\\u202e" in shown and "&lt;b&gt;" in shown


def test_a_chart_label_with_dollars_is_drawn_as_written(tmp_path):
    pytest.importorskip("matplotlib")
    from sim.experiments.analysis import chart_text, tornado_chart

    table = pd.DataFrame(
        {
            "metric": ["market_revenue_usd_bn"] * 2,
            "parameter": ["a", "b"],
            "src": [0.5, -0.2],
            "importance": [0.5, 0.2],
            "first_order": [0.3, 0.1],
            "r2": [0.9, 0.9],
            "rank": [1, 2],
        }
    )
    labels = {"a": chart_text("Network effect ($\\foo$)"), "b": chart_text("$5 to $10 " + "x" * 100)}
    assert len(labels["b"]) <= 60
    tornado_chart(table, labels, ["market_revenue_usd_bn"], tmp_path / "t.png")  # mathtext raised here
    assert (tmp_path / "t.png").stat().st_size > 0


def test_a_team_name_typed_two_ways_is_one_team():
    from sim.classroom.session import team_key, team_slug

    composed = "가팀"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed and team_slug(composed) == team_slug(decomposed) == "가팀"
    assert team_key("ｂｌｕｅ") == team_key(" Blue ") == "blue"


def test_a_team_named_like_a_windows_device_gets_a_slot_windows_can_write():
    from sim.classroom.session import team_slug

    for name in ("CON", "nul", "Com1", "lpt9"):
        slug = team_slug(name)
        assert slug.split("-")[0] == name.lower() and len(slug) > len(name)
    assert team_slug("console") == "console"


def test_a_lesson_debrief_is_told_in_the_lessons_words_not_the_saves(tmp_path):
    """The debrief took event titles and labels from the scenario inside the save, which a student can edit
    and re-sign: the numbers must match the lesson, the words did not have to."""
    from classroom_helpers import write_small_lesson

    from sim.classroom.debrief import open_game
    from sim.classroom.lesson import load_lesson
    from sim.saves import load_save, save_checksum, save_document
    from sim.scenario import scenario_from_document

    lesson = load_lesson(str(write_small_lesson(tmp_path)))
    document = json.loads(lesson.scenario.document_text())
    document["events"][-1]["title"] = {"en": "STUDENT TEXT", "ko": "학생"}
    edited = scenario_from_document(document, "save")
    assert edited.numbers_hash == lesson.scenario.numbers_hash and edited.content_hash != lesson.scenario.content_hash
    extra = {"team": "blue", "lesson": {"name": lesson.name}, "roles": ["regulator"]}
    save = save_document(edited, lesson.play_seed, {}, lesson.scenario.start + 2, extra=extra)
    save["checksum"] = save_checksum(save)
    path = tmp_path / "blue.json"
    path.write_text(json.dumps(save), encoding="utf-8")
    assert load_save(path).scenario.events[-1]["title"]["en"] == "STUDENT TEXT"
    game = open_game(path, [tmp_path])
    assert game.saved.scenario.content_hash == lesson.scenario.content_hash
    assert all(e["title"]["en"] != "STUDENT TEXT" for e in game.saved.scenario.events)


@pytest.mark.parametrize("name", ["con", "nul", "com1", "lpt9.x"])
def test_a_lesson_or_scenario_named_like_a_windows_device_is_refused(tmp_path, name, capsys):
    from classroom_helpers import write_small_lesson

    from sim.classroom.lesson import load_lesson
    from sim.errors import UserError

    with pytest.raises(UserError, match="not a Windows device name"):
        load_lesson(str(write_small_lesson(tmp_path, SMALL_LESSON.replace("name: small", f"name: {name}"))))
    stem = tmp_path / f"{name}.yaml"
    stem.write_text(SMALL.replace("name: small\n", ""))
    assert main(["validate", str(stem)]) == 2
    assert "Windows device name" in capsys.readouterr().err
