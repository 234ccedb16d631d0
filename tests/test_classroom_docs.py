"""docs/teaching.md carries the lesson file reference generated from the lesson schema."""

from __future__ import annotations

from sim.classroom.docs import TEACHING_MD, lesson_reference_markdown, updated_teaching_md
from sim.classroom.lesson import LESSON_FIELDS


def test_teaching_md_reference_is_current():
    text = TEACHING_MD.read_text(encoding="utf-8")
    assert text == updated_teaching_md(text), "run: python -m sim.classroom.docs"


def test_reference_names_every_top_level_key_and_nested_keys():
    reference = lesson_reference_markdown()
    for key in LESSON_FIELDS:
        assert f"**`{key}`**" in reference
    assert "`roles[].objectives[].metric`" in reference
    assert "`firm.revenue_share`" in reference
