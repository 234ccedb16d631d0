"""Saved games: the scenario, the seed and the decisions per quarter, as JSON.

A save is enough to rebuild the game exactly (same scenario + seed + decisions
give the same numbers), so ``aisim replay`` runs it headless. Any problem with a
file becomes a :class:`SaveFileError` naming the file and what was wrong.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.core.arguments import MAX_SEED, SEED_RANGE, path_arg
from sim.core.files import atomic_write, read_user_text
from sim.errors import SaveFileError, UserError, describe, one_line, short_repr
from sim.scenario import Scenario, canonical_json, scenario_from_document
from sim.timeline import parse_quarter, quarter_label

FORMAT = "aisim-save"
VERSION = 1
MAX_SAVE_BYTES = 5_000_000


def seed_problem(seed: int) -> str | None:
    """What is wrong with ``seed`` as a run's or a game's seed (None: nothing): the one range check."""
    return None if 0 <= seed <= MAX_SEED else f"expected a seed {SEED_RANGE}, got {seed}"


def check_seed_option(seed: int, error_type: type[UserError]) -> int:
    """``--seed``'s value, or ``error_type`` saying the range (exit code 2)."""
    if seed_problem(seed):
        raise error_type(f"--seed must be {SEED_RANGE}, got {seed}")
    return seed


MAX_DEPTH = 64  # a save nests about 8 levels; anything far deeper is not a save
# Decision keys other than lever names: an event answer, or a role's decision (a mapping).
ROLE_PREFIXES = ("firm:", "partner:")


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
    """The JSON-ready content of a save file (with its checksum)."""
    document = {
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
    # the checksum covers the document as a reader will decode it
    document["checksum"] = save_checksum(json.loads(json.dumps(document, ensure_ascii=False)))
    return document


def save_checksum(data: Mapping[str, Any]) -> str:
    """SHA-256 of a save's content (everything but the checksum itself), so edits are detected."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def write_save(
    path: str | Path,
    scenario: Scenario,
    seed: int,
    decisions: Mapping[int, Mapping[str, Any]],
    quarter: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write a save file atomically (a crash never leaves half a save). Returns the path."""
    path = path_arg(path, "save file", SaveFileError)
    text = json.dumps(save_document(scenario, seed, decisions, quarter, extra), ensure_ascii=False, indent=1)
    return atomic_write(path, text, error_type=SaveFileError, make_parents=True)


def _fail(path: str, message: str, key: str | None = None) -> SaveFileError:
    return SaveFileError(message, file=path, path=key)


def parse_save(data: Any, source: str) -> SavedGame:
    """Validate the decoded JSON of a save file; raises :class:`SaveFileError`."""
    if not isinstance(data, dict):
        raise _fail(source, "not an aisim save file (expected a JSON object)")
    if data.get("format") != FORMAT:
        raise _fail(
            source,
            f"not an aisim save file (expected format {FORMAT!r}, got {short_repr(data.get('format'))})",
            "format",
        )
    version = data.get("version")
    if version != VERSION:
        raise _fail(
            source, f"unsupported save version {short_repr(version)} (this aisim reads version {VERSION})", "version"
        )
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
    if isinstance(seed, bool) or not isinstance(seed, int) or seed_problem(seed):
        raise _fail(source, f"expected a seed {SEED_RANGE}, got {short_repr(seed)}", "seed")
    reached = data.get("quarter")
    quarter = parse_quarter(reached) if isinstance(reached, str) else None
    if reached is not None and (quarter is None or not scenario.start <= quarter <= scenario.end + 1):
        raise _fail(source, f"expected the quarter reached, got {short_repr(reached)}", "quarter")
    raw = data.get("decisions")
    if not isinstance(raw, list):
        raise _fail(source, "expected decisions as a list", "decisions")
    decisions: dict[int, dict[str, Any]] = {}
    for i, item in enumerate(raw):
        key = f"decisions[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("decision"), dict):
            raise _fail(source, "expected {quarter: ..., decision: {...}}", key)
        at = _played_quarter(scenario, item.get("quarter"), source, key + ".quarter")
        if quarter is not None and at > quarter:
            raise _fail(
                source,
                f"decision dated {quarter_label(at)}, after the quarter the game reached ({quarter_label(quarter)})",
                key + ".quarter",
            )
        if at in decisions:
            raise _fail(source, f"quarter {quarter_label(at)} appears twice", key + ".quarter")
        decision = item["decision"]
        decisions[at] = decision | _check_decision(scenario, decision, source, key + ".decision")
    raw_extra = data.get("extra")
    extra: dict[str, Any] = dict(raw_extra) if isinstance(raw_extra, dict) else {}
    if "role_decisions" in extra:
        extra["role_decisions"] = _check_role_log(scenario, extra["role_decisions"], source)
    checksum = data.get("checksum")
    if not isinstance(checksum, str):
        raise _fail(source, "the save has no checksum (edited, or not written by aisim)", "checksum")
    if checksum != save_checksum(data):
        raise _fail(source, "the save does not match its checksum (edited or corrupt); edited saves are refused")
    return SavedGame(scenario=scenario, seed=seed, decisions=decisions, quarter=quarter, extra=extra)


def _played_quarter(scenario: Scenario, label: Any, source: str, where: str) -> int:
    """The quarter ``label`` names (``"2024Q3"``), which must be one the saved scenario plays."""
    at = parse_quarter(label) if isinstance(label, str) else None
    if at is None or not scenario.start <= at <= scenario.end:
        span = f"{quarter_label(scenario.start)}..{quarter_label(scenario.end)}"
        raise _fail(source, f"expected a quarter in {span}, got {short_repr(label)}", where)
    return at


def _check_role_log(scenario: Scenario, log: Any, source: str) -> dict[str, dict[str, dict]]:
    """A lesson save's decisions by quarter and role (``extra.role_decisions``), checked as its decisions are;
    returns them with typed lever values. A malformed one passed the save's checks and broke the debrief."""
    key = "extra.role_decisions"
    if not isinstance(log, dict):
        raise _fail(source, f"expected a mapping of quarters to each role's decisions, got {describe(log)}", key)
    out: dict[str, dict[str, dict]] = {}
    for label, roles in log.items():
        where = f"{key}.{short_repr(label, 20)}"
        _played_quarter(scenario, label, source, key)
        if not isinstance(roles, dict):
            raise _fail(source, f"expected a mapping of roles to their decisions, got {describe(roles)}", where)
        out[label] = {}
        for role, decision in roles.items():
            inner = f"{where}.{short_repr(role, 40)}"
            if not isinstance(decision, dict):
                raise _fail(source, f"expected a mapping of decisions, got {describe(decision)}", inner)
            out[label][role] = decision | _check_decision(scenario, decision, source, inner)
    return out


def _check_decision(scenario: Scenario, decision: dict, source: str, key: str) -> dict[str, Any]:
    """Only levers, event answers and role decisions (``firm:ID``/``partner:ID`` -> mapping) may be decisions.
    Returns the levers' values typed (a lever saved as the text "2" is the number 2.0 in the game)."""
    levers = {}
    firm_ids = {f["id"] for f in scenario.firms}
    partner_ids = {p.id for p in scenario.partners}
    for name, value in decision.items():
        where = f"{key}.{short_repr(name, 40)}"
        if name.startswith("choice:"):
            event_id = name.split(":", 1)[1]
            event = next((e for e in scenario.events if e["id"] == event_id and e["choices"]), None)
            if event is None:
                raise _fail(source, f"no event with choices named {short_repr(event_id, 40)}", where)
            if value not in [c["id"] for c in event["choices"]]:
                raise _fail(source, f"event {event_id} has no choice {short_repr(value)}", where)
        elif name.startswith(ROLE_PREFIXES):
            role, _, role_id = name.partition(":")
            known = firm_ids if role == "firm" else partner_ids
            if role_id not in known:
                raise _fail(source, f"no {role} named {short_repr(role_id, 40)} in the saved scenario", where)
            if not isinstance(value, dict):
                raise _fail(source, f"expected a mapping as the {role}'s decision, got {describe(value)}", where)
            from sim.classroom.lesson import check_firm_fields, check_partner_decision

            try:  # by the rules a lesson's decisions are checked with, so a bad one names this file and key
                if role == "firm":
                    check_firm_fields(name, value)
                elif value:  # an empty one decides nothing
                    check_partner_decision(name, value, scenario)
            except UserError as exc:
                raise _fail(source, exc.message.removeprefix(f"{name}").lstrip(":. "), where) from None
        elif name in scenario.parameters and scenario.parameters[name].kind != "lever":
            kind = scenario.parameters[name].kind
            raise _fail(
                source,
                f"{name} is a{'n' if kind[0] in 'aeiou' else ''} {kind}, not a lever; "
                "a save's decisions may only set levers and answer events",
                where,
            )
        else:
            levers[name] = value
    try:
        return scenario.parameters.check(levers)
    except UserError as exc:
        raise _fail(source, exc.message, key) from None


def _check_plain(value: Any, source: str, path: str = "", depth: int = 0) -> None:
    """Refuse what JSON allows but a save never holds: deep nesting, lone surrogates, non-finite numbers."""
    if depth > MAX_DEPTH:
        raise _fail(source, f"nested more than {MAX_DEPTH} levels deep; not an aisim save file", path or None)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _fail(source, "text holds an invalid character (a lone surrogate)", path or None) from None
    elif isinstance(value, float) and not math.isfinite(value):
        raise _fail(source, f"{value} is not allowed, expected a finite number", path or None)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_plain(k, source, path, depth + 1)
            _check_plain(v, source, f"{path}.{short_repr(k, 40)}" if path else short_repr(k, 40), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_plain(v, source, f"{path}[{i}]", depth + 1)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed, expected a finite number")


def _whole_number(digits: str) -> int:
    """A JSON integer, refused past the seeds' 19 digits with aisim's words (Python's own message past
    4,300 digits names an interpreter setting)."""
    if len(digits.lstrip("-")) > len(str(MAX_SEED)):
        raise ValueError(f"a number with {len(digits.lstrip('-')):,} digits is too large (at most {MAX_SEED})")
    return int(digits)


def load_save(path: str | Path) -> SavedGame:
    """Read and validate a save file; raises :class:`SaveFileError` for any problem."""
    path = path_arg(path, "save file", SaveFileError)
    source = str(path)
    try:
        text = read_user_text(path, limit=MAX_SAVE_BYTES, error_type=SaveFileError, what="a save file")
    except SaveFileError as exc:
        if exc.message == "file not found":
            raise _fail(source, "no such save file") from None
        if exc.message.startswith(("is not UTF-8", "looks like a binary")):
            raise _fail(source, f"not an aisim save file ({exc.message})") from None
        raise
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_int=_whole_number)
    except json.JSONDecodeError as exc:
        raise SaveFileError(f"not valid JSON: {exc.msg}", file=source, line=exc.lineno) from None
    except RecursionError:
        raise _fail(source, "nested too deeply; not an aisim save file") from None
    except ValueError as exc:  # a number with too many digits, or NaN/Infinity
        raise _fail(source, f"not a valid save: {one_line(str(exc), 150)}") from None
    _check_plain(data, source)
    return parse_save(data, source)
