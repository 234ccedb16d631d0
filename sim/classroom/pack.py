"""``aisim class new``: a folder to hand out (lesson, student instructions EN/KO, teacher README)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sim.classroom.lesson import load_lesson, notes_path, resolve_lesson_path
from sim.core.files import PACK_FORMAT, PACK_MARKER, check_output_folder, write_folder
from sim.core.markdown import block, inline
from sim.scenario import BUNDLED_NAME, cached_scenario


def student_instructions(lesson, lang: str) -> str:
    """Markdown instructions for students in ``lang``."""
    name = lesson.name
    roles = "\n".join(
        f"- `{r.id}`: {inline(r.label_for(lang))}" + (f" — {inline(r.brief[lang])}" if r.brief else "")
        for r in lesson.roles
    )
    objectives = "\n".join(
        f"- **{inline(r.label_for(lang))}**: " + "; ".join(inline(o["label"][lang]) for o in r.objectives)
        for r in lesson.roles
    )
    title, briefing = inline(lesson.title[lang]), block(lesson.briefing[lang])  # users' text: shown, never markup
    if lang == "ko":
        return f"""# {title}

{briefing}

## 역할
{roles}

## 목표
{objectives}

## 하는 법
1. 팀 이름을 정하세요 (예: `blue`).
2. 게임을 시작하세요 (역할이 여럿이면 `--role`을 반복하고 화면을 돌려 쓰세요):

       aisim play --lesson {name}.yaml --team blue --lang ko --role {lesson.roles[0].id}

3. 매 분기 결정하고 "다음 분기"를 누르세요. 끝까지 {lesson.quarters}분기를 진행합니다.
4. 게임은 팀 이름과 수업 이름으로 자동 저장됩니다 (`~/.aisim/lessons/{name}/blue.json`).
   이 파일을 선생님께 제출하세요.

점수는 여러분이 본 한 번의 게임이 아니라, 같은 결정을 수업 시드 {len(lesson.class_seeds)}개에서 재생한 평균입니다.
운이 성적을 정하지 않습니다.
"""
    return f"""# {title}

{briefing}

## Roles
{roles}

## Objectives
{objectives}

## How to play
1. Choose a team name (e.g. `blue`).
2. Start the game (several roles: repeat `--role` and pass the screen):

       aisim play --lesson {name}.yaml --team blue --role {lesson.roles[0].id}

3. Decide each quarter and press "Next quarter", for all {lesson.quarters} quarters.
4. The game saves itself under your team and lesson name (`~/.aisim/lessons/{name}/blue.json`).
   Hand that file in.

Your score is not the one run you saw: it is the average of your decisions replayed on the
lesson's {len(lesson.class_seeds)} class seeds, so luck does not decide your grade.
"""


def teacher_readme(lesson) -> str:
    """How to run the class and collect the work."""
    return f"""# Teacher README: {inline(lesson.title["en"])} / {inline(lesson.title["ko"])}

{lesson.minutes} minutes, {lesson.quarters} quarters, roles: {", ".join(r.id for r in lesson.roles)}.

## Before class
- Check the lesson: `aisim lesson check {lesson.name}.yaml` (it plays every role and prints the spread over seeds).
- Give each team this folder (or just `{lesson.name}.yaml` and `STUDENTS.en.md` / `STUDENTS.ko.md`).
- Read `TEACHER.md`: learning goals, what to watch for, and measured results of typical strategies.

## During class
- Teams play `aisim play --lesson {lesson.name}.yaml --team TEAMNAME` (one window per team; for
  several roles on one screen add `--role ROLE` per role: each decides in turn behind a hand-off screen).

## Collecting the work
- Each game saves itself as `~/.aisim/lessons/{lesson.name}/<team>.json` (`%USERPROFILE%\\.aisim\\...`
  on Windows; `$AISIM_SAVE_DIR` moves it). The file carries the team name, so names cannot get mixed up.
- Collect those files into one folder, e.g. `saves/` (a shared drive, USB stick or LMS upload).
- Class comparison (every team replayed on the class seeds, ranking with uncertainty, "was it luck?"):

      aisim class report saves/ --out report/

  Damaged or foreign files are listed as refused with the reason; the rest are still reported.
  `report/teams.csv` opens in a spreadsheet.
- Debrief pack of one or more teams (timeline, turning points, baseline, events revealed, questions):

      aisim debrief saves/blue.json saves/red.json --out debrief/ [--lang ko]

Both reports are single HTML files with everything embedded: they work offline and print well.
"""


def write_class_pack(lesson_name: str, out: Path, force: bool = False) -> Path:
    """Write the class pack folder atomically; returns ``out``. Raises LessonError / OutputError.

    A lesson played on a scenario file (not a bundled one) gets that scenario in the pack, resolved (its
    ``extends:`` chain merged in) at the same relative path, so the pack plays on any machine. ``force``
    replaces an earlier aisim result or class pack, never a pack holding student saves.
    """
    lesson = load_lesson(lesson_name)
    source = resolve_lesson_path(lesson_name)
    check_output_folder(out, force, kind="class pack")
    notes = notes_path(source)
    reference = str(lesson.data["scenario"])
    local = None if BUNDLED_NAME.fullmatch(reference) else cached_scenario(source.parent / reference)  # as loaded

    def fill(staging: Path) -> None:
        shutil.copyfile(source, staging / f"{lesson.name}.yaml")
        if local is not None:  # the lesson's own scenario file, inside its folder (lessons may name no other)
            target = staging / reference
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(local.document_text() + "\n", encoding="utf-8")
        marker = {"format": PACK_FORMAT, "lesson": lesson.name, "lesson_hash": lesson.content_hash}
        (staging / PACK_MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        (staging / "STUDENTS.en.md").write_text(student_instructions(lesson, "en"), encoding="utf-8")
        (staging / "STUDENTS.ko.md").write_text(student_instructions(lesson, "ko"), encoding="utf-8")
        (staging / "README.md").write_text(teacher_readme(lesson), encoding="utf-8")
        if notes.exists():
            shutil.copyfile(notes, staging / "TEACHER.md")
        else:
            from sim.classroom.notes import notes_markdown

            (staging / "TEACHER.md").write_text(notes_markdown(lesson, [], "not measured yet"), encoding="utf-8")
        (staging / "saves").mkdir()

    return write_folder(out, fill, "the class pack")
