"""Save files: round trip, validation of corrupt and foreign files."""

from __future__ import annotations

import json

import pytest

from sim.errors import SaveFileError
from sim.saves import FORMAT, VERSION, load_save, write_save


@pytest.fixture()
def saved(tmp_path, small_korea):
    decisions = {
        small_korea.start + 1: {"sovereign_ai_budget_krw_bn": 500.0},
        small_korea.start + 7: {"choice:kakao_openai": "block", "partnership_review": "conditions"},
    }
    path = write_save(tmp_path / "game.json", small_korea, 3, decisions, quarter=small_korea.start + 8)
    return path, decisions


def test_round_trip(saved, small_korea):
    path, decisions = saved
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert data["scenario"]["content_hash"] == small_korea.content_hash
    game = load_save(path)
    assert game.seed == 3
    assert game.decisions == decisions
    assert game.quarter == small_korea.start + 8
    assert game.scenario.content_hash == small_korea.content_hash


def _rewrite(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(format="something-else"), "not an aisim save file"),
        (lambda d: d.update(version=99), "unsupported save version"),
        (lambda d: d.update(seed=-1), "expected a seed"),
        (lambda d: d["scenario"].update(content_hash="0" * 64), "content_hash"),
        (lambda d: d["scenario"]["document"].update(firms="oops"), "saved scenario is invalid"),
        (lambda d: d["decisions"][0].update(quarter="1999Q1"), "expected a quarter"),
        (lambda d: d["decisions"][0]["decision"].update(no_such_lever=1), "no_such_lever"),
        (lambda d: d["decisions"][0]["decision"].update(sovereign_ai_budget_krw_bn=1e9), "sovereign_ai_budget"),
        (lambda d: d["decisions"][1]["decision"].update({"choice:kakao_openai": "nuke"}), "no choice 'nuke'"),
    ],
)
def test_corrupt_saves_are_rejected_with_a_clear_message(saved, change, message):
    path, _ = saved
    _rewrite(path, change)
    with pytest.raises(SaveFileError) as info:
        load_save(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_not_json_and_missing_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SaveFileError, match="not valid JSON"):
        load_save(bad)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SaveFileError, match="not an aisim save file|not valid JSON"):
        load_save(binary)
    with pytest.raises(SaveFileError, match="no such save file"):
        load_save(tmp_path / "missing.json")
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps([1, 2, 3]), encoding="utf-8")
    with pytest.raises(SaveFileError, match="not an aisim save file"):
        load_save(foreign)
