"""Lesson files: YAML -> a validated :class:`Lesson` and the scenario it is played on.

A lesson names the scenario it extends, the roles in play (regulator, firm,
partner platform) with their levers and objectives, a briefing in English and
Korean, teacher-injected events on a timeline, debrief questions, how many
quarters are played and the class seeds every decision log is scored on.
Errors follow the scenario contract: file, key path, line, "did you mean", exit 2.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.core.files import read_user_bytes
from sim.core.numbers import whole_number
from sim.errors import UserError, kind_of
from sim.model.outcomes import FIRM_COLUMN_DOCS, METRICS
from sim.model.policies import check_firm_decision
from sim.objectives import AGGREGATES
from sim.scenario import (
    EVENT,
    Scenario,
    cached_scenario,
    canonical_json,
    referenced_scenario_path,
    scenario_from_document,
)
from sim.schema import (
    ID,
    NAME,
    REQUIRED,
    Any_,
    Context,
    ListOf,
    Localized,
    MapOf,
    Num,
    Quarter,
    Record,
    Str,
    describe,
    name_from_file,
    suggest,
)
from sim.timeline import quarter_label
from sim.yamlio import LoadedYaml, format_path, load_yaml_file, load_yaml_text

SCHEMA_ID = "aisim/lesson-1"
ROLE_KINDS = ("regulator", "firm", "partner")
# Firm-level outcomes a role objective may read from ``model.firm_history`` (``firm.<name>``).
# numeric columns of firms.csv (sim/model/outcomes.py is their one home)
FIRM_METRICS = tuple(
    name
    for name in FIRM_COLUMN_DOCS
    if name not in ("quarter", "firm", "name", "origin", "size", "active", "sovereign_team", "partners")
)
PARTNER_DEALS = ("integration", "exclusive", "equity")
# A class report replays every team on every seed: 1,000 seeds of 30 teams is about an hour on two cores.
MAX_CLASS_SEEDS = 1000
REPO_LESSON_DIR = Path(__file__).resolve().parent.parent.parent / "lessons"


class LessonError(UserError):
    """A lesson file is invalid."""


def _metric_names() -> tuple[str, ...]:
    return tuple(METRICS) + tuple(f"firm.{m}" for m in FIRM_METRICS)


OBJECTIVE = Record(
    {
        "id": (ID, REQUIRED),
        "label": (Localized(), REQUIRED),
        "metric": (Str(choices=_metric_names()), REQUIRED),
        "firm": (ID, None),
        "aggregate": (Str(choices=tuple(AGGREGATES)), "final_year_mean"),
        "op": (Str(choices=(">=", "<=")), REQUIRED),
        "target": (Num(), REQUIRED),
        "weight": (Num(0.0, 100.0), 1.0),
    }
)
ROLE = Record(
    {
        "id": (ID, REQUIRED),
        "kind": (Str(choices=ROLE_KINDS), REQUIRED),
        "label": (Localized(), REQUIRED),
        "firm": (ID, None),
        "partner": (ID, None),
        "levers": (ListOf(ID, unique_items=True), list),
        "brief": (Localized(), None),
        "objectives": (ListOf(OBJECTIVE, min_len=1, unique_key="id", weight_key="weight"), REQUIRED),
    }
)
STEP = Record({"at": (Quarter(), REQUIRED), "set": (MapOf(Any_(), key=Str(what="a decision key")), REQUIRED)})
STRATEGY = Record(
    {
        "id": (ID, REQUIRED),
        "role": (ID, REQUIRED),
        "label": (Localized(), REQUIRED),
        "decisions": (ListOf(STEP), list),
    }
)
NOTES = Record(
    {
        "goals": (ListOf(Localized(), min_len=1), REQUIRED),
        "watch_for": (ListOf(Localized()), list),
        "timing": (Localized(), None),
    }
)

# Top-level keys: name -> (field, default or REQUIRED). One home for the lesson format.
LESSON_FIELDS: dict[str, tuple[Any, Any]] = {
    "schema": (Str(choices=(SCHEMA_ID,)), SCHEMA_ID),
    "name": (NAME, None),
    "title": (Localized(), REQUIRED),
    "scenario": (Str(what="a bundled scenario name or a path"), REQUIRED),
    "minutes": (Num(5, 600, integer=True), 45),
    "quarters": (Num(1, 200, integer=True), REQUIRED),
    "class_seeds": (
        ListOf(Num(0, 2**31 - 1, integer=True), min_len=3, max_len=MAX_CLASS_SEEDS, unique_items=True),
        REQUIRED,
    ),
    "play_seed": (Num(0, 2**31 - 1, integer=True), None),
    "briefing": (Localized(), REQUIRED),
    "roles": (ListOf(ROLE, min_len=1, unique_key="id"), REQUIRED),
    "events": (ListOf(EVENT, unique_key="id"), list),
    "debrief_questions": (ListOf(Localized(), min_len=1), REQUIRED),
    "teacher_notes": (NOTES, REQUIRED),
    "strategies": (ListOf(STRATEGY, unique_key="id"), list),
}

# One sentence per top-level key, for the generated reference in docs/teaching.md.
LESSON_HELP = {
    "schema": "Format marker, `aisim/lesson-1`.",
    "name": "Short name (defaults to the file name).",
    "title": "Title, in English and Korean.",
    "scenario": "The scenario the lesson extends: a bundled name (`korea-2025`) or a path relative to the lesson file.",
    "minutes": "How long the class takes, for the teacher (default 45).",
    "quarters": "Quarters played from the scenario's start; the lesson's scenario ends there.",
    "class_seeds": "The seeds every team's decisions are replayed on for the fair score (3 to 1,000 different seeds).",
    "play_seed": "The seed students play on (default: the first class seed).",
    "briefing": "What students read before the first quarter (English and Korean).",
    "roles": "Who decides: `regulator` (policy levers), `firm` (price, R&D, compute, Korean data, partner bids) or `partner` (which provider, on what terms). Roles no team takes follow the model's rules.",
    "events": "Teacher-injected events on the timeline, in the scenario event format; appended to the scenario's events.",
    "debrief_questions": "Questions for the discussion after the game, shown in the debrief pack.",
    "teacher_notes": "Learning goals, what to watch for, timing. Measured strategy results are generated by `tools/lesson_notes.py`.",
    "strategies": "Typical student strategies as decision logs; measured for the teacher notes and used by `aisim lesson check`.",
}


@dataclass(frozen=True)
class Role:
    """One role in a lesson: who decides what, and what they are scored on."""

    id: str
    kind: str
    label: Mapping[str, str]
    firm: str | None
    partner: str | None
    levers: tuple[str, ...]
    brief: Mapping[str, str] | None
    objectives: tuple[dict, ...]

    def label_for(self, language: str = "en") -> str:
        """The role's name in ``language``."""
        return self.label.get(language) or self.label["en"]


@dataclass(frozen=True)
class Strategy:
    """A named decision log for one role (quarter -> decision)."""

    id: str
    role: str
    label: Mapping[str, str]
    decisions: Mapping[int, Mapping[str, Any]]


@dataclass(frozen=True)
class Lesson:
    """A validated lesson and the scenario it is played on (base + events, cut to ``quarters``)."""

    name: str
    source: str
    data: Mapping[str, Any]
    scenario: Scenario
    roles: tuple[Role, ...]
    strategies: tuple[Strategy, ...]
    content_hash: str

    @property
    def title(self) -> Mapping[str, str]:
        """Title in English and Korean."""
        return self.data["title"]

    @property
    def briefing(self) -> Mapping[str, str]:
        """What students read first, in English and Korean."""
        return self.data["briefing"]

    @property
    def class_seeds(self) -> list[int]:
        """Seeds every decision log is replayed on for the fair score."""
        return list(self.data["class_seeds"])

    @property
    def play_seed(self) -> int:
        """The seed students play on (default: the first class seed)."""
        seed = self.data["play_seed"]
        return int(seed) if seed is not None else self.class_seeds[0]

    @property
    def quarters(self) -> int:
        """Quarters played."""
        return int(self.data["quarters"])

    @property
    def minutes(self) -> int:
        """Class length in minutes."""
        return int(self.data["minutes"])

    @property
    def debrief_questions(self) -> list[Mapping[str, str]]:
        """Questions for the discussion, each in English and Korean."""
        return list(self.data["debrief_questions"])

    @property
    def teacher_notes(self) -> Mapping[str, Any]:
        """Learning goals, what to watch for, timing."""
        return self.data["teacher_notes"]

    def role(self, role_id: str) -> Role:
        """The role with this id; raises LessonError (with a suggestion) if there is none."""
        for role in self.roles:
            if role.id == role_id:
                return role
        ids = [r.id for r in self.roles]
        raise LessonError(f"lesson {self.name} has no role {role_id!r}{suggest(role_id, ids, 'roles')}")

    def strategy(self, strategy_id: str) -> Strategy:
        """The strategy with this id; raises KeyError."""
        for strategy in self.strategies:
            if strategy.id == strategy_id:
                return strategy
        raise KeyError(strategy_id)


# ----------------------------------------------------------------------
# finding lessons
# ----------------------------------------------------------------------
def lesson_dirs() -> list[Path]:
    """Folders holding bundled lessons: the installed package data, else the repository's ``lessons/``.

    The build ships ``lessons/`` as ``sim.bundled.lessons`` (older layouts: ``sim.lessons``).
    """
    found: list[Path] = []
    try:
        from sim import bundled  # the packaging layer, where it exists

        found.append(Path(bundled.folder("lessons")))
    except (ImportError, AttributeError, ValueError):
        pass
    try:
        found.append(Path(str(importlib.resources.files("sim.lessons"))))
    except (ModuleNotFoundError, TypeError):
        pass
    found.append(REPO_LESSON_DIR)
    out: list[Path] = []
    for path in found:
        if path.is_dir() and all(path.resolve() != seen.resolve() for seen in out):
            out.append(path)
    return out


def notes_path(lesson_file: Path) -> Path:
    """The teacher notes beside a lesson file: ``<name>.notes.md`` (written by tools/lesson_notes.py)."""
    return lesson_file.with_name(lesson_file.stem + ".notes.md")


def bundled_lessons() -> list[Path]:
    """Paths of the bundled lesson files, sorted by name (first folder wins on duplicates)."""
    seen: dict[str, Path] = {}
    for folder in lesson_dirs():
        for path in sorted(folder.glob("*.yaml")):
            seen.setdefault(path.stem, path)
    return [seen[name] for name in sorted(seen)]


def local_lessons(folder: Path | None = None) -> list[Path]:
    """Lesson files in the current folder (or ``folder``) and its ``lessons/`` sub-folder."""
    folder = Path.cwd() if folder is None else folder
    out = []
    for candidate in sorted(folder.glob("*.yaml")) + sorted((folder / "lessons").glob("*.yaml")):
        try:  # as every user file is read: a pipe, a device or a huge file is passed over, never waited on
            head = read_user_bytes(candidate)[:2000].decode("utf-8", errors="replace")
        except UserError:
            continue
        if SCHEMA_ID in head and all(candidate.resolve() != p.resolve() for p in bundled_lessons()):
            out.append(candidate)
    return out


def resolve_lesson_path(name_or_path: str) -> Path:
    """A bundled lesson name or a file path -> the file's path (raises LessonError)."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists() or "/" in name_or_path or "\\" in name_or_path:
        return candidate
    for path in bundled_lessons():
        if path.stem == name_or_path:
            return path
    names = [p.stem for p in bundled_lessons()]
    raise LessonError(f"no bundled lesson or file named {name_or_path!r}{suggest(name_or_path, names, 'bundled')}")


def load_lesson(name_or_path: str | Path) -> Lesson:
    """Load and validate a lesson by bundled name or path; raises :class:`LessonError`."""
    path = resolve_lesson_path(str(name_or_path))
    return lesson_from_doc(load_yaml_file(path, LessonError), path)


def lesson_from_text(text: str, source: str) -> Lesson:
    """A lesson from YAML text (tests, the lesson template check)."""
    return lesson_from_doc(load_yaml_text(text, source, LessonError), Path(source))


def lesson_from_document(document: Mapping[str, Any], source: str) -> Lesson:
    """Rebuild a lesson from the plain data a save or class pack stores."""
    doc = LoadedYaml(json.loads(canonical_json(document)), {}, source)
    return lesson_from_doc(doc, Path(source))


# ----------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------
def lesson_from_doc(doc: LoadedYaml, path: Path) -> Lesson:
    """Validate a parsed lesson document and build the Lesson; raises LessonError."""
    ctx = Context(doc, LessonError)
    # a file that is not a lesson is never quoted (its keys or first line could be anyone's secrets)
    if not isinstance(doc.data, dict):
        raise ctx.fail((), f"not an aisim lesson: expected a mapping of lesson keys, got {kind_of(doc.data)}")
    if not any(key in LESSON_FIELDS for key in doc.data):
        raise ctx.fail((), "not an aisim lesson (none of its top-level keys is a lesson key)")
    data = Record(LESSON_FIELDS).check(doc.data, ctx, ())
    data["name"] = data["name"] or name_from_file(path, ctx)
    base = _base_scenario(data["scenario"], path, ctx)
    start = base.start
    end = start + data["quarters"] - 1
    if end > base.end:
        raise ctx.fail(
            ("quarters",),
            f"scenario {base.name} has {base.quarters} quarters "
            f"({quarter_label(base.start)}..{quarter_label(base.end)}), the lesson asks for {data['quarters']}",
        )
    firm_ids = [f["id"] for f in base.firms]
    partner_ids = [p.id for p in base.partners]
    levers = [spec.name for spec in base.parameters.of_kind("lever")]
    roles = []
    for i, role in enumerate(data["roles"]):
        roles.append(_check_role(role, ctx, ("roles", i), firm_ids, partner_ids, levers))
    ids = [e["id"] for e in base.events]
    for i, event in enumerate(data["events"]):
        if event["id"] in ids:
            raise ctx.fail(("events", i, "id"), f"event id {event['id']!r} is already used by scenario {base.name}")
        if event["at"] is not None and not start <= event["at"] <= end:
            raise ctx.fail(
                ("events", i, "at"),
                f"expected a quarter the lesson plays ({quarter_label(start)}..{quarter_label(end)}), "
                f"got {quarter_label(event['at'])}",
            )
    scenario = _lesson_scenario(base, data, doc, ctx)
    strategies = []
    role_by_id = {r.id: r for r in roles}
    for i, raw in enumerate(data["strategies"]):
        if raw["role"] not in role_by_id:
            raise ctx.fail(
                ("strategies", i, "role"), f"unknown role {raw['role']!r}{suggest(raw['role'], list(role_by_id))}"
            )
        decisions: dict[int, dict[str, Any]] = {}
        for j, step in enumerate(raw["decisions"]):
            where = ("strategies", i, "decisions", j)
            if not start <= step["at"] <= end:
                raise ctx.fail(where + ("at",), f"expected a quarter in {quarter_label(start)}..{quarter_label(end)}")
            try:
                decision = check_role_decision(role_by_id[raw["role"]], scenario, step["set"])
            except UserError as exc:
                raise ctx.fail(where + ("set",), exc.message) from None
            decisions.setdefault(step["at"], {}).update(decision)
        strategies.append(Strategy(raw["id"], raw["role"], raw["label"], decisions))
    document = json.loads(canonical_json(_plain(data)))
    content_hash = hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
    return Lesson(
        name=data["name"],
        source=str(path),
        data=data,
        scenario=scenario,
        roles=tuple(roles),
        strategies=tuple(strategies),
        content_hash=content_hash,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _base_scenario(name: str, path: Path, ctx: Context) -> Scenario:
    """The scenario a lesson extends: a bundled name, or a path relative to the lesson file inside its folder
    (lessons are handed around: see :func:`sim.scenario.path_inside_folder`). Loaded once per file and
    modification time (:func:`sim.scenario.cached_scenario`)."""
    file = referenced_scenario_path(name, path, ctx, ("scenario",), elsewhere="")
    try:
        return cached_scenario(file)
    except OSError:
        raise ctx.fail(("scenario",), f"cannot load scenario {name!r}: file not found") from None
    except UserError as exc:
        raise ctx.fail(("scenario",), f"cannot load scenario {name!r}: {exc}") from None


def _check_role(role: dict, ctx: Context, where: tuple, firms: list[str], partners: list[str], levers: list[str]):
    kind = role["kind"]
    if kind == "firm":
        if role["firm"] is None:
            raise ctx.fail(where, "a firm role needs firm: (the firm id it plays)")
        if role["firm"] not in firms:
            raise ctx.fail(where + ("firm",), f"unknown firm {role['firm']!r}{suggest(role['firm'], firms, 'known')}")
    elif role["firm"] is not None:
        if role["firm"] not in firms:
            raise ctx.fail(where + ("firm",), f"unknown firm {role['firm']!r}{suggest(role['firm'], firms, 'known')}")
    if kind == "partner":
        if role["partner"] is None:
            raise ctx.fail(where, "a partner role needs partner: (the platform id it plays)")
        if role["partner"] not in partners:
            raise ctx.fail(
                where + ("partner",),
                f"unknown partner {role['partner']!r}{suggest(role['partner'], partners, 'known')}",
            )
    elif role["partner"] is not None:
        raise ctx.fail(where + ("partner",), f"partner: only applies to a partner role, not a {kind} role")
    if role["levers"] and kind != "regulator":
        raise ctx.fail(where + ("levers",), f"levers: only applies to a regulator role, not a {kind} role")
    for j, lever in enumerate(role["levers"]):
        if lever not in levers:
            raise ctx.fail(where + ("levers", j), f"unknown lever {lever!r}{suggest(lever, levers)}")
    for j, objective in enumerate(role["objectives"]):
        if objective["metric"].startswith("firm."):
            firm = objective["firm"] or role["firm"]
            if firm is None:
                raise ctx.fail(
                    where + ("objectives", j),
                    f"metric {objective['metric']} needs firm: (which firm) outside a firm role",
                )
            if firm not in firms:
                raise ctx.fail(
                    where + ("objectives", j, "firm"), f"unknown firm {firm!r}{suggest(firm, firms, 'known')}"
                )
            objective["firm"] = firm
        elif objective["firm"] is not None:
            raise ctx.fail(where + ("objectives", j, "firm"), "firm: only applies to firm.* metrics")
    return Role(
        id=role["id"],
        kind=kind,
        label=role["label"],
        firm=role["firm"],
        partner=role["partner"],
        levers=tuple(role["levers"] or (levers if kind == "regulator" else ())),
        brief=role["brief"],
        objectives=tuple(role["objectives"]),
    )


def _lesson_scenario(base: Scenario, data: dict, doc: LoadedYaml, ctx: Context) -> Scenario:
    """The base scenario cut to the lesson's quarters, with the lesson's events appended.

    Built from the base's resolved document, so the scenario a save stores is
    self-contained; reference errors in the lesson's events come back with the
    lesson file's line.
    """
    document = json.loads(canonical_json(base.document))
    document["name"] = f"{base.name}.{data['name']}"
    document["time"]["end"] = quarter_label(base.start + data["quarters"] - 1)
    # The game's dashboard and end screen judge the scenario's objectives: make them the
    # lesson regulator's (market outcomes), so the role's objectives are what players see.
    regulator = next((r for r in data["roles"] if r["kind"] == "regulator"), None)
    document["objectives"] = [
        {k: v for k, v in o.items() if k != "firm"}
        for o in (regulator["objectives"] if regulator else [])
        if not o["metric"].startswith("firm.")
    ]
    if not document["objectives"]:
        document.pop("objectives")
    raw_events = doc.data.get("events") or []
    document["events"] = list(document.get("events", [])) + json.loads(canonical_json(raw_events))
    base_count = len(base.events)
    try:
        return scenario_from_document(document, f"{doc.file} (lesson scenario)")
    except UserError as exc:
        path = exc.path or ""
        # events[N] of the combined list -> events[N - base_count] of the lesson file
        if path.startswith("events["):
            index = int(path[len("events[") : path.index("]")])
            rest = path[path.index("]") + 1 :]
            local = index - base_count
            key: tuple = ("events", local)
            for part in rest.replace("[", ".").replace("]", "").split("."):
                if part:
                    key += (part if whole_number(part) is None else int(part),)
            raise LessonError(exc.message, file=doc.file, path=format_path(key), line=doc.line_of(key)) from None
        raise LessonError(f"the lesson's scenario is invalid: {exc}", file=doc.file) from None


# ----------------------------------------------------------------------
# decisions per role
# ----------------------------------------------------------------------
def role_keys(role: Role, scenario: Scenario) -> set[str] | None:
    """Decision keys a role may set, or None when any ``choice:`` key is also allowed (regulator)."""
    if role.kind == "regulator":
        return set(role.levers)
    if role.kind == "firm":
        return {f"firm:{role.firm}"}
    return {f"partner:{role.partner}"}


def check_role_decision(role: Role, scenario: Scenario, decision: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one quarter's decision for a role; returns it normalised. Raises LessonError.

    A regulator sets its levers and answers choice events (``choice:EVENT``); a
    firm sets ``firm:<id>`` fields; a partner sets ``partner:<id>``.
    """
    allowed = role_keys(role, scenario) or set()
    out: dict[str, Any] = {}
    levers: dict[str, Any] = {}
    for key, value in decision.items():
        if role.kind == "regulator" and key.startswith("choice:"):
            event_id = key.split(":", 1)[1]
            event = next((e for e in scenario.events if e["id"] == event_id and e["choices"]), None)
            if event is None:
                names = [e["id"] for e in scenario.events if e["choices"]]
                raise LessonError(f"no event with choices named {event_id!r}{suggest(event_id, names, 'known')}")
            ids = [c["id"] for c in event["choices"]]
            if value not in ids:
                raise LessonError(f"event {event_id}: expected one of {', '.join(ids)}, got {value!r}")
            out[key] = value
        elif key not in allowed:
            raise LessonError(
                f"role {role.id} ({role.kind}) cannot set {key!r}{suggest(key, sorted(allowed), 'it sets')}"
            )
        elif role.kind == "regulator":
            levers[key] = value
        elif role.kind == "firm":
            out[key] = check_firm_fields(key, value)
        else:
            out[key] = check_partner_decision(key, value, scenario)
    if levers:
        out.update(scenario.parameters.check(levers))
    return out


def check_firm_fields(key: str, value: Any) -> dict[str, float | None]:
    """A firm role's decision, checked by the model's own rule (:func:`sim.model.policies.check_firm_decision`)."""
    try:
        return check_firm_decision(value)
    except ValueError as exc:
        raise LessonError(f"{key}: {exc}") from None


def check_partner_decision(key: str, value: Any, scenario: Scenario) -> dict[str, str]:
    """A partner role's decision: its provider (a firm of the scenario) and kind of deal. Raises LessonError."""
    firm_ids = [f["id"] for f in scenario.firms]
    if not isinstance(value, Mapping):
        raise LessonError(f"{key}: expected a mapping with provider and deal, got {describe(value)}")
    for name in value:
        if name not in ("provider", "deal"):
            raise LessonError(f"{key}: unknown field {name!r}{suggest(name, ['provider', 'deal'])}")
    provider = value.get("provider")
    if provider not in firm_ids:
        raise LessonError(f"{key}.provider: unknown firm {provider!r}{suggest(str(provider), firm_ids, 'known')}")
    deal = value.get("deal", "integration")
    if deal not in PARTNER_DEALS:
        raise LessonError(f"{key}.deal: expected one of {', '.join(PARTNER_DEALS)}, got {deal!r}")
    return {"provider": provider, "deal": deal}


def role_of_key(lesson: Lesson, key: str) -> Role | None:
    """The lesson role that owns a decision key (``choice:`` keys belong to the regulator)."""
    for role in lesson.roles:
        if role.kind == "regulator" and (key.startswith("choice:") or key in role.levers):
            return role
        if role.kind == "firm" and key == f"firm:{role.firm}":
            return role
        if role.kind == "partner" and key == f"partner:{role.partner}":
            return role
    return None
