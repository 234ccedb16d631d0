"""Saved games: the scenario, the seed and the decisions per quarter, as JSON.

A save is enough to rebuild the game exactly (same scenario + seed + decisions
give the same numbers), so ``aisim replay`` runs it headless. Any problem with a
file becomes a :class:`SaveFileError` naming the file and what was wrong.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import SaveFileError, UserError
from sim.scenario import Scenario, scenario_from_document
from sim.timeline import parse_quarter, quarter_label

FORMAT = "aisim-save"
VERSION = 1


@dataclass
class SavedGame:
    """What a save file holds, validated: scenario, seed, decisions (quarter -> decision)."""

    scenario: Scenario
    seed: int
    decisions: dict[int, dict[str, Any]]
    quarter: int | None = None  # the quarter the game had reached (next to simulate)
    extra: dict[str, Any] = field(default_factory=dict)


def save_document(
    scenario: Scenario,
    seed: int,
    decisions: Mapping[int, Mapping[str, Any]],
    quarter: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict:
    """The JSON-ready content of a save file."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "scenario": {
            "name": scenario.name,
            "content_hash": scenario.content_hash,
            "document": scenario.document,
        },
        "seed": int(seed),
        "quarter": quarter_label(quarter) if quarter is not None else None,
        "decisions": [
            {"quarter": quarter_label(q), "decision": dict(decisions[q])} for q in sorted(decisions) if decisions[q]
        ],
        "extra": dict(extra or {}),
    }


def write_save(
    path: str | Path,
    scenario: Scenario,
    seed: int,
    decisions: Mapping[int, Mapping[str, Any]],
    quarter: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write a save file atomically (a crash never leaves half a save). Returns the path."""
    path = Path(path)
    text = json.dumps(save_document(scenario, seed, decisions, quarter, extra), ensure_ascii=False, indent=1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".save-", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise SaveFileError(f"cannot write the save file: {exc.strerror or exc}", file=str(path)) from None
    return path


def _fail(path: str, message: str, key: str | None = None) -> SaveFileError:
    return SaveFileError(message, file=path, path=key)


def parse_save(data: Any, source: str) -> SavedGame:
    """Validate the decoded JSON of a save file; raises :class:`SaveFileError`."""
    if not isinstance(data, dict):
        raise _fail(source, "not an aisim save file (expected a JSON object)")
    if data.get("format") != FORMAT:
        raise _fail(
            source, f"not an aisim save file (expected format {FORMAT!r}, got {data.get('format')!r})", "format"
        )
    version = data.get("version")
    if version != VERSION:
        raise _fail(source, f"unsupported save version {version!r} (this aisim reads version {VERSION})", "version")
    block = data.get("scenario")
    if not isinstance(block, dict) or not isinstance(block.get("document"), dict):
        raise _fail(source, "expected the scenario as a mapping with a document", "scenario")
    try:
        scenario = scenario_from_document(block["document"], f"{source} (saved scenario)")
    except UserError as exc:
        raise _fail(source, f"the saved scenario is invalid: {exc.message}", "scenario.document") from None
    if block.get("content_hash") != scenario.content_hash:
        raise _fail(source, "the saved scenario does not match its content_hash (edited or corrupt)", "scenario")
    seed = data.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise _fail(source, f"expected a seed >= 0, got {seed!r}", "seed")
    raw = data.get("decisions")
    if not isinstance(raw, list):
        raise _fail(source, "expected decisions as a list", "decisions")
    decisions: dict[int, dict[str, Any]] = {}
    for i, item in enumerate(raw):
        key = f"decisions[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("decision"), dict):
            raise _fail(source, "expected {quarter: ..., decision: {...}}", key)
        quarter = parse_quarter(str(item.get("quarter", "")))
        if quarter is None or not scenario.start <= quarter <= scenario.end:
            span = f"{quarter_label(scenario.start)}..{quarter_label(scenario.end)}"
            raise _fail(source, f"expected a quarter in {span}, got {item.get('quarter')!r}", key + ".quarter")
        if quarter in decisions:
            raise _fail(source, f"quarter {quarter_label(quarter)} appears twice", key + ".quarter")
        decision = item["decision"]
        _check_decision(scenario, decision, source, key + ".decision")
        decisions[quarter] = dict(decision)
    reached = data.get("quarter")
    quarter = parse_quarter(str(reached)) if reached is not None else None
    if reached is not None and (quarter is None or not scenario.start <= quarter <= scenario.end + 1):
        raise _fail(source, f"expected the quarter reached, got {reached!r}", "quarter")
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    return SavedGame(scenario=scenario, seed=seed, decisions=decisions, quarter=quarter, extra=extra)


def _check_decision(scenario: Scenario, decision: dict, source: str, key: str) -> None:
    levers = {}
    for name, value in decision.items():
        if name.startswith("choice:"):
            event_id = name.split(":", 1)[1]
            event = next((e for e in scenario.events if e["id"] == event_id and e["choices"]), None)
            if event is None:
                raise _fail(source, f"no event with choices named {event_id!r}", f"{key}.{name}")
            if value not in [c["id"] for c in event["choices"]]:
                raise _fail(source, f"event {event_id} has no choice {value!r}", f"{key}.{name}")
        else:
            levers[name] = value
    try:
        scenario.parameters.check(levers)
    except UserError as exc:
        raise _fail(source, exc.message, key) from None


def load_save(path: str | Path) -> SavedGame:
    """Read and validate a save file; raises :class:`SaveFileError` for any problem."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(source, "no such save file") from None
    except IsADirectoryError:
        raise _fail(source, "expected a save file, got a folder") from None
    except UnicodeDecodeError:
        raise _fail(source, "not an aisim save file (not UTF-8 text)") from None
    except OSError as exc:
        raise _fail(source, f"cannot read the save file: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SaveFileError(f"not valid JSON: {exc.msg}", file=source, line=exc.lineno) from None
    return parse_save(data, source)
