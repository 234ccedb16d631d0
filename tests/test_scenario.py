"""Scenario loading and validation: every kind of bad input gets a precise error."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario import (
    SCENARIO_DIR,
    bundled_scenarios,
    load_scenario,
    scenario_from_document,
    scenario_from_text,
)

KOREA_TEXT = (SCENARIO_DIR / "korea-2025.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def broken(old: str, new: str) -> str:
    assert old in KOREA_TEXT, old
    return KOREA_TEXT.replace(old, new, 1)


def error_for(text: str, name: str = "bad.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(text, name)
    return info.value


def test_bundled_scenarios_load_and_differ():
    names = [p.stem for p in bundled_scenarios()]
    assert "korea-2025" in names and len(names) >= 4
    hashes = {load_scenario(name).content_hash for name in names}
    assert len(hashes) == len(names)


def test_korea_facts(korea):
    assert korea.start == 2024 * 4 and korea.end == 2033 * 4 + 3
    assert {f["id"] for f in korea.firms} >= {"openai", "naver", "lg", "skt", "upstage", "kakao"}
    partners = {p.id for p in korea.partners}
    assert {"kakao_talk", "skt_platform", "lg_electronics", "krafton", "yanolja"} <= partners
    assert korea.regulator.basic_act.effective == 2026 * 4  # 22 Jan 2026 -> 2026Q1
    assert korea.population.adopter_rows >= 50_000


def test_variant_extends_base(korea):
    push = load_scenario("sovereign-push")
    assert push.values["sovereign_ai_budget_krw_bn"] == 1000
    assert push.firms == korea.firms
    assert push.title != korea.title


def test_document_round_trip(korea):
    again = scenario_from_document(korea.document, "copy")
    assert again.content_hash == korea.content_hash
    assert dict(again.values) == dict(korea.values)


def test_yaml_syntax_error_names_line():
    text = broken("  end: 2033Q4", "  end: [2033Q4")
    error = error_for(text)
    assert "YAML syntax error" in error.message and error.line is not None
    assert "bad.yaml" in str(error)


def test_wrong_type_names_key_and_line():
    text = broken("    potential_adopters: 44000000", "    potential_adopters: lots")
    error = error_for(text)
    assert error.path == "segments.consumer.potential_adopters"
    assert error.line == line_of(text, "potential_adopters: lots")
    assert "expected a number" in error.message


def test_unknown_key_suggests_the_right_one():
    text = broken("    bass_q: 1.6", "    bass_qq: 2.0")
    error = error_for(text)
    assert "did you mean 'bass_q'" in error.message
    assert error.path == "segments.consumer.bass_qq"


def test_unknown_section_suggests():
    error = error_for(KOREA_TEXT + "\nfirmz: []\n")
    assert "did you mean 'firms'" in error.message


def test_missing_key():
    text = broken("    korean_weight: 2.0\n", "")
    error = error_for(text)
    assert "missing required key 'korean_weight'" in error.message
    assert error.path == "segments.consumer"


def test_value_outside_range():
    text = broken("    initial_awareness: 0.12", "    initial_awareness: 1.75")
    assert "from 0.0 to 1.0" in error_for(text).message


def test_parameter_default_outside_its_own_range():
    text = broken("    default: 200\n    min: 0\n    max: 2000", "    default: 2500\n    min: 0\n    max: 2000")
    error = error_for(text)
    assert error.path == "parameters.sovereign_ai_budget_krw_bn.default"


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_rejected(value):
    text = broken("    bass_p: 0.015\n    bass_q: 1.6", f"    bass_p: {value}\n    bass_q: 1.6")
    error = error_for(text)
    assert "finite" in error.message and error.path == "segments.consumer.bass_p"


def test_dangling_provider_reference():
    text = broken("    provider: google\n", "    provider: gogle\n")
    error = error_for(text)
    assert "unknown firm 'gogle'" in error.message and "did you mean 'google'" in error.message
    assert error.line == line_of(text, "provider: gogle")


def test_dangling_event_target():
    text = broken(
        "      - {firm: anthropic, add: {korean_quality: 0.05}}",
        "      - {firm: anthropik, add: {korean_quality: 0.05}}",
    )
    error = error_for(text)
    assert error.path.startswith("events[") and error.path.endswith(".firm")


def test_event_partnership_to_unknown_partner():
    text = broken("partnership: {partner: kakao_talk,", "partnership: {partner: kakao,")
    assert "unknown partner 'kakao'" in error_for(text).message


def test_start_after_end():
    text = broken("  start: 2024Q1\n  end: 2033Q4", "  start: 2034Q1\n  end: 2033Q4")
    error = error_for(text)
    assert "start is after end" in error.message and error.path == "time.start"


def test_bad_quarter():
    text = broken("  start: 2024Q1", "  start: 2024Q5")
    assert "quarter like 2026Q1" in error_for(text).message


def test_python_object_tag_is_refused():
    text = broken("name: korea-2025", "name: !!python/object/apply:os.system ['echo hi']")
    error = error_for(text)
    assert "unsupported YAML tag" in error.message and error.line == line_of(text, "!!python")


def test_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    names = "abcdefghij"
    for prev, cur in zip(names, names[1:]):
        bomb += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    assert "alias" in error_for(bomb).message


def test_empty_and_blank_files(tmp_path):
    for content in ("", "   \n\n", "# only a comment\n"):
        path = tmp_path / "empty.yaml"
        path.write_text(content)
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert "empty" in info.value.message or "no data" in info.value.message


def test_binary_file(tmp_path):
    path = tmp_path / "blob.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "binary" in info.value.message


def test_not_a_mapping():
    assert "mapping of sections" in error_for("- just\n- a list\n").message


def test_missing_file_and_unknown_name():
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario("nowhere/missing.yaml")
    with pytest.raises(ScenarioError, match="did you mean 'korea-2025'"):
        load_scenario("korea-2052")


def test_set_of_unknown_parameter_in_variant(tmp_path):
    path = tmp_path / "variant.yaml"
    path.write_text("extends: korea-2025\nset:\n  sovereign_budget: 5\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "did you mean 'sovereign_ai_budget_krw_bn'" in info.value.message
    assert info.value.file == str(path) and info.value.line == 3


def test_variant_bad_value_points_at_variant(tmp_path):
    path = tmp_path / "variant.yaml"
    path.write_text("extends: korea-2025\nset:\n  act_stringency: 7\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.file == str(path) and "from 0 to 2" in info.value.message


def test_circular_extends(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="circular"):
        load_scenario(tmp_path / "a.yaml")


def test_model_parameter_missing():
    start = KOREA_TEXT.index("  network_effect:\n")
    end = KOREA_TEXT.index("  foreign_trust:\n")
    text = KOREA_TEXT[:start] + KOREA_TEXT[end:]
    error = error_for(text)
    assert "missing parameter 'network_effect'" in error.message


def test_initial_shares_over_one():
    text = broken("initial_share: {consumer: 0.5,", "initial_share: {consumer: 0.95,")
    assert "add up to" in error_for(text).message


def test_choice_event_default_must_exist():
    text = broken(
        "    choices:\n      - id: current_policy", "    default_choice: nope\n    choices:\n      - id: current_policy"
    )
    assert "expected one of current_policy" in error_for(text).message


def test_localized_text_defaults_korean_to_english():
    text = broken(
        '  en: "Korea 2025: OpenAI comes to Seoul"\n  ko: "한국 2025: 오픈AI의 서울 진출"', '  en: "Only English"'
    )
    scenario = scenario_from_text(text, "x.yaml")
    assert scenario.title == {"en": "Only English", "ko": "Only English"}


def test_scenario_path_accepted(tmp_path):
    path = tmp_path / "copy.yaml"
    path.write_text(KOREA_TEXT.replace("name: korea-2025", "name: my-copy"), encoding="utf-8")
    scenario = load_scenario(str(path))
    assert scenario.name == "my-copy" and Path(scenario.source) == path


@pytest.mark.parametrize(
    "old, new, path, message",
    [
        (
            "  entry_rate_per_year:\n    kind: uncertainty\n    group: world\n    default: 1.0\n    min: 0\n",
            "  entry_rate_per_year:\n    kind: uncertainty\n    group: world\n    default: 1.0\n    min: -1\n",
            "parameters.entry_rate_per_year.min",
            "the model takes entry_rate_per_year from 0 to 20",
        ),
        (
            "  frontier_growth_per_year:\n    kind: uncertainty\n    group: world\n    default: 0.35\n    min: 0.1\n",
            "  frontier_growth_per_year:\n    kind: uncertainty\n    group: world\n    default: 0.35\n    min: -1\n",
            "parameters.frontier_growth_per_year.min",
            "min -1 is below",
        ),
        (
            "  price_step_max: {value: 0.1, min: 0.02, max: 0.5,",
            "  price_step_max: {value: 0.1, min: 0.02, max: 5,",
            "model.price_step_max.max",
            "max 5 is above",
        ),
        (
            "  price_step_max: {value: 0.1,",
            "  price_stepmax: {value: 0.1,",
            "model.price_stepmax",
            "did you mean 'price_step_max'",
        ),
    ],
)
def test_ranges_may_narrow_but_never_widen_the_models_hard_bounds(old, new, path, message):
    error = error_for(broken(old, new))
    assert error.path == path and message in error.message, (error.path, error.message)
    assert error.line is not None


def test_every_model_constant_is_declared_with_a_source(korea):
    from sim.model.parameters import MODEL_CONSTANTS

    for name in MODEL_CONSTANTS:
        spec = korea.parameters[name]
        assert spec.kind == "constant" and spec.source and spec.help_for("en"), name
        assert spec.min <= korea.values[name] <= spec.max


def test_typed_views_cover_every_field_the_schema_validates(korea):
    """The model reads scenario sections through typed views; each view has a field for every schema key."""
    from dataclasses import fields

    from sim.model.specs import DealSpec, PartnerSpec, SegmentSpec
    from sim.scenario import DEAL, PARTNER, SEGMENT

    assert set(SEGMENT.fields) == {f.name for f in fields(SegmentSpec)} - {"name"}
    assert set(PARTNER.fields) == {f.name for f in fields(PartnerSpec)}
    assert set(DEAL.fields) == {f.name for f in fields(DealSpec)} - {"kind"}
    consumer = korea.segments["consumer"]
    assert consumer.bass_q == korea.sections["segments"]["consumer"]["bass_q"]
    assert korea.regulator.basic_act.effective == korea.sections["regulator"]["basic_act"]["effective"]
    assert [r.keep for r in korea.regulator.sovereign_programme.reviews] == sorted(
        (r["keep"] for r in korea.sections["regulator"]["sovereign_programme"]["reviews"]), reverse=True
    )
