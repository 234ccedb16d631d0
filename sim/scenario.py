"""Scenario files: YAML -> a validated, typed :class:`Scenario`.

The schema is declared once here (``SCENARIO_SCHEMA`` and friends); ``aisim
schema`` prints it and the README's scenario reference is generated from it.
A scenario may ``extends:`` another (bundled name or path): every section it
states replaces the base's, except ``set`` (merged, this file winning) and
``events`` (appended).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from sim import bundled
from sim.errors import ScenarioError, describe, kind_of
from sim.model.events import FIRM_LIMITS, SEGMENT_LIMITS
from sim.model.outcomes import METRICS
from sim.model.parameters import MODEL_CONSTANTS, NEEDED, PARTNERSHIP_REVIEW_OPTIONS, SEGMENTS
from sim.model.specs import DealSpec, PartnerPreferences, PartnerSpec, PopulationSpec, RegulatorSpec, SegmentSpec
from sim.objectives import AGGREGATES
from sim.params import KINDS, TYPES, ParameterSpace, ParameterSpec, Value
from sim.schema import (
    ID,
    NAME,
    REQUIRED,
    Any_,
    Bool,
    Context,
    ListOf,
    Localized,
    MapOf,
    Num,
    Quarter,
    Record,
    Str,
    name_from_file,
    short_repr,
    suggest,
)
from sim.timeline import quarter_label
from sim.yamlio import LoadedYaml, load_yaml_file, load_yaml_text, read_text

SCENARIO_DIR = bundled.folder("scenarios")  # the packaged copy in an installed wheel
DEFAULT_SCENARIO = "korea-2025"
SCHEMA_ID = "aisim/scenario-1"

SEGMENT_ID = Str(choices=SEGMENTS)
# Limits measured on a 2-core machine (docs/guarantees.md): a run costs about 180 bytes and
# 0.3 microseconds per adopter row and quarter, plus ~150 MB per process.
MAX_ADOPTER_ROWS = 2_000_000  # ~520 MB per worker process
MAX_QUARTERS = 200  # 50 years; the bundled scenarios span 40 quarters
MAX_PARAMETER_STEPS = 1_000_000  # a slider or grid over min..max


def _segment_map(value_field: Num, what: str) -> MapOf:
    out = MapOf(value_field, key=SEGMENT_ID)
    out.expected = f"a mapping from segment ({', '.join(SEGMENTS)}) to {what}"
    return out


SHARE = Num(0.0, 1.0)

TIME = Record({"start": (Quarter(), REQUIRED), "end": (Quarter(), REQUIRED)})
CURRENCY = Record({"krw_per_usd": (Num(100.0, 10_000.0), REQUIRED)})
POPULATION = Record(
    {
        "adopter_rows": (Num(30, MAX_ADOPTER_ROWS, integer=True), REQUIRED),
        "row_share": (_segment_map(Num(0.01, 1.0), "the share of rows"), None),
        "panel_rows": (Num(50, 1_000_000, integer=True), 2500),
    }
)
SEGMENT = Record(
    {
        "label": (Localized(), REQUIRED),
        "potential_adopters": (Num(1, 1e10), REQUIRED),
        "initial_awareness": (SHARE, REQUIRED),
        "initial_adoption": (SHARE, REQUIRED),
        "bass_p": (Num(0.0, 1.0), REQUIRED),
        "bass_q": (Num(0.0, 10.0), REQUIRED),
        "spend_usd_per_adopter_per_year": (Num(0.0, 1e9), REQUIRED),
        "frontier_value_weight": (Num(0.0, 10.0), REQUIRED),
        "intensity_spread": (Num(0.0, 3.0), 0.0),
        "price_sensitivity": (Num(0.0, 50.0), REQUIRED),
        "capability_weight": (Num(0.0, 50.0), REQUIRED),
        "korean_weight": (Num(0.0, 50.0), REQUIRED),
        "sovereignty_weight": (Num(0.0, 50.0), REQUIRED),
        "channel_weight": (Num(0.0, 50.0), REQUIRED),
        "review_rate_per_quarter": (SHARE, REQUIRED),
        "switching_cost": (Num(0.0, 50.0), REQUIRED),
        "taste_spread": (Num(0.0, 5.0), 0.5),
    }
)
FIRM = Record(
    {
        "id": (ID, REQUIRED),
        "name": (Str(), REQUIRED),
        "name_ko": (Str(), None),
        "origin": (Str(choices=("foreign", "domestic")), REQUIRED),
        "size": (Str(choices=("large", "small")), REQUIRED),
        "capability": (Num(0.0, 1.5), REQUIRED),
        "korean_quality": (SHARE, REQUIRED),
        "price": (Num(0.1, 5.0), 1.0),
        "compute_k_gpus": (Num(0.0, 10_000.0), REQUIRED),
        "cash_usd_bn": (Num(0.0, 10_000.0), REQUIRED),
        "rd_usd_bn_per_year": (Num(0.0, 1_000.0), REQUIRED),
        "fixed_cost_usd_bn_per_year": (Num(0.0, 1_000.0), 0.0),
        "frontier_lab": (Bool(), False),
        "sovereign_applicant": (Bool(), False),
        "initial_share": (_segment_map(SHARE, "a share of that segment's adopters"), dict),
        "enters": (Quarter(), None),
        "strategy": (
            Record(
                {
                    "partner_offer": (Num(0.0, 20.0), 0.0),
                    "korea_focus": (SHARE, 0.5),
                    "public_affairs_usd_bn_per_year": (Num(0.0, 0.5), 0.0),
                }
            ),
            dict,
        ),
    }
)
PARTNER = Record(
    {
        "id": (ID, REQUIRED),
        "name": (Str(), REQUIRED),
        "name_ko": (Str(), None),
        "reach": (_segment_map(SHARE, "the share of that segment's adopters the platform reaches"), REQUIRED),
        "own_model": (ID, None),
        "provider": (ID, None),
        "contract_quarters": (Num(1, 40, integer=True), 8),
        "contract_start": (Quarter(), None),
        "preferences": (
            Record(
                {
                    "quality": (Num(0.0, 20.0), PartnerPreferences.quality),
                    "korean": (Num(0.0, 20.0), PartnerPreferences.korean),
                    "price": (Num(0.0, 20.0), PartnerPreferences.price),
                    "autonomy": (Num(0.0, 20.0), PartnerPreferences.autonomy),
                    "switching_cost": (Num(0.0, 20.0), PartnerPreferences.switching_cost),
                }
            ),
            dict,
        ),
    }
)
OBLIGATION = Record(
    {
        "id": (ID, REQUIRED),
        "label": (Localized(), REQUIRED),
        "applies_to": (Str(choices=("all", "large", "foreign_large", "frontier")), "all"),
        "cost_krw_m_per_year": (
            Record({"small": (Num(0.0, 1e6), REQUIRED), "large": (Num(0.0, 1e6), REQUIRED)}),
            REQUIRED,
        ),
        "revenue_share_cost": (Num(0.0, 0.2), 0.0),
    }
)
REGULATOR = Record(
    {
        "basic_act": (
            Record(
                {
                    "name": (Localized(), "AI Basic Act"),
                    "effective": (Quarter(), REQUIRED),
                    "fine_krw_m_per_violation": (Num(0.0, 1e6), REQUIRED),
                    "violations_per_inspection": (Num(0.0, 1000.0), 3.0),
                    "trust_penalty": (Num(0.0, 5.0), 0.3),
                    "obligations": (ListOf(OBLIGATION, min_len=1, unique_key="id"), REQUIRED),
                }
            ),
            REQUIRED,
        ),
        "sovereign_programme": (
            Record(
                {
                    "selection": (Quarter(), REQUIRED),
                    "teams": (Num(0, 50, integer=True), REQUIRED),
                    "reviews": (
                        ListOf(Record({"at": (Quarter(), REQUIRED), "keep": (Num(0, 50, integer=True), REQUIRED)})),
                        list,
                    ),
                }
            ),
            None,
        ),
        "review_reach_threshold": (SHARE, 0.1),
    }
)


def _check_param_spec(spec: dict, ctx: Context, path: tuple) -> None:
    kind_type = spec["type"]
    if kind_type == "choice":
        if not spec["options"]:
            raise ctx.fail(path, "a choice parameter needs options: [..]")
        if spec["default"] not in spec["options"]:
            raise ctx.fail(
                path + ("default",), f"expected one of {', '.join(spec['options'])}, got {describe(spec['default'])}"
            )
        return
    if kind_type == "bool":
        if not isinstance(spec["default"], bool):
            raise ctx.fail(path + ("default",), f"expected true or false, got {describe(spec['default'])}")
        return
    for key in ("min", "max", "step"):
        if spec[key] is None:
            raise ctx.fail(path, f"missing required key {key!r} (a number) for a {kind_type} parameter")
    if spec["min"] > spec["max"]:
        raise ctx.fail(path + ("min",), f"min {spec['min']:g} is greater than max {spec['max']:g}")
    if spec["step"] <= 0:
        raise ctx.fail(path + ("step",), f"expected a step > 0, got {spec['step']:g}")
    span = (spec["max"] - spec["min"]) / spec["step"]
    if not math.isfinite(span) or span > MAX_PARAMETER_STEPS:
        raise ctx.fail(
            path + ("step",),
            f"step {spec['step']:g} is too small: more than {MAX_PARAMETER_STEPS:,} steps from min to max",
        )
    default = spec["default"]
    number = Num(spec["min"], spec["max"], integer=kind_type == "integer")
    number.check(default, ctx, path + ("default",))


PARAMETER = Record(
    {
        "kind": (Str(choices=KINDS), REQUIRED),
        "type": (Str(choices=TYPES), "number"),
        "default": (Any_(), REQUIRED),
        "min": (Num(), None),
        "max": (Num(), None),
        "step": (Num(), None),
        "unit": (Localized(), lambda: {"en": "", "ko": ""}),
        "label": (Localized(), REQUIRED),
        "help": (Localized(), REQUIRED),
        "options": (ListOf(ID, unique_items=True), list),
        "group": (ID, "general"),
        "source": (Str(), ""),
    },
    check_all=_check_param_spec,
)


def _check_constant(spec: dict, ctx: Context, path: tuple) -> None:
    if spec["min"] > spec["max"]:
        raise ctx.fail(path + ("min",), f"min {spec['min']:g} is greater than max {spec['max']:g}")
    Num(spec["min"], spec["max"]).check(spec["value"], ctx, path + ("value",))


# A behavioural constant: its value, the range a sweep may explore, unit and source.
CONSTANT = Record(
    {
        "value": (Num(), REQUIRED),
        "min": (Num(), REQUIRED),
        "max": (Num(), REQUIRED),
        "unit": (Str(), REQUIRED),
        "source": (Str(), REQUIRED),
        "help": (Str(), REQUIRED),
    },
    check_all=_check_constant,
)
DEAL = Record(
    {
        "label": (Localized(), REQUIRED),
        "quarters": (Num(1, 80, integer=True), REQUIRED),
        "channel_strength": (Num(0.0, 3.0), REQUIRED),
        "min_bid_usd_bn_per_year": (Num(0.0, 100.0), 0.0),
    }
)


def _check_effect(effect: dict, ctx: Context, path: tuple) -> None:
    chosen = [k for k in ("firm", "partnership", "segment", "parameter", "enter", "exit") if effect[k] is not None]
    if len(chosen) != 1:
        raise ctx.fail(path, "expected exactly one of firm, partnership, segment, parameter, enter, exit in an effect")
    if effect["firm"] is not None or effect["segment"] is not None:
        if not (effect["add"] or effect["multiply"] or effect["set"]):
            raise ctx.fail(path, "a firm or segment effect needs add:, multiply: or set:")
    if effect["parameter"] is not None and effect["value"] is None:
        raise ctx.fail(path, "a parameter effect needs value:")


FIRM_FIELDS = tuple(FIRM_LIMITS)
SEGMENT_FIELDS = tuple(SEGMENT_LIMITS)

EFFECT = Record(
    {
        "firm": (ID, None),
        "segment": (SEGMENT_ID, None),
        "add": (MapOf(Num(), key=Str(choices=FIRM_FIELDS + SEGMENT_FIELDS)), dict),
        "multiply": (MapOf(Num(0.0, 100.0), key=Str(choices=FIRM_FIELDS + SEGMENT_FIELDS)), dict),
        "set": (MapOf(Num(), key=Str(choices=FIRM_FIELDS + SEGMENT_FIELDS)), dict),
        "partnership": (
            Record(
                {
                    "partner": (ID, REQUIRED),
                    "provider": (ID, REQUIRED),
                    "quarters": (Num(1, 40, integer=True), 8),
                    "deal": (ID, None),
                }
            ),
            None,
        ),
        "parameter": (ID, None),
        "value": (Any_(), None),
        "enter": (ID, None),
        "exit": (ID, None),
    },
    check_all=_check_effect,
)
CHOICE = Record(
    {
        "id": (ID, REQUIRED),
        "label": (Localized(), REQUIRED),
        "effects": (ListOf(EFFECT), list),
    }
)


def _check_event(event: dict, ctx: Context, path: tuple) -> None:
    scheduled = event["at"] is not None
    random_ = event["probability_per_quarter"] is not None
    if scheduled == random_:
        raise ctx.fail(path, "an event needs exactly one of at: (scheduled) or probability_per_quarter: (random)")
    if event["choices"]:
        ids = [c["id"] for c in event["choices"]]
        if event["default_choice"] is None:
            event["default_choice"] = ids[0]
        elif event["default_choice"] not in ids:
            raise ctx.fail(
                path + ("default_choice",), f"expected one of {', '.join(ids)}, got {event['default_choice']!r}"
            )
    elif event["default_choice"] is not None:
        raise ctx.fail(path + ("default_choice",), "default_choice needs choices:")
    if event["start"] is not None and event["until"] is not None and event["start"] > event["until"]:
        raise ctx.fail(path + ("start",), "start is after until")


EVENT = Record(
    {
        "id": (ID, REQUIRED),
        "title": (Localized(), REQUIRED),
        "text": (Localized(), None),
        "source": (Str(), None),
        "at": (Quarter(), None),
        "probability_per_quarter": (SHARE, None),
        "start": (Quarter(), None),
        "until": (Quarter(), None),
        "once": (Bool(), True),
        "half_life_quarters": (Num(0.1, 400.0), None),
        "effects": (ListOf(EFFECT), list),
        "choices": (ListOf(CHOICE, unique_key="id"), list),
        "default_choice": (ID, None),
    },
    check_all=_check_event,
)
OBJECTIVE = Record(
    {
        "id": (ID, REQUIRED),
        "label": (Localized(), REQUIRED),
        "metric": (Str(choices=tuple(METRICS)), REQUIRED),
        "aggregate": (
            Str(choices=tuple(AGGREGATES)),
            "final_year_mean",
        ),
        "op": (Str(choices=(">=", "<=")), REQUIRED),
        "target": (Num(), REQUIRED),
        "weight": (Num(0.0, 100.0), 1.0),
    }
)

# Top-level sections: name -> (field, required?)
SECTIONS: dict[str, tuple[Any, bool]] = {
    "schema": (Str(choices=(SCHEMA_ID,)), False),
    "name": (NAME, False),
    "extends": (Str(), False),
    "title": (Localized(), True),
    "description": (Localized(), True),
    "story": (Localized(), False),
    "time": (TIME, True),
    "currency": (CURRENCY, True),
    "population": (POPULATION, True),
    "segments": (Record({s: (SEGMENT, REQUIRED) for s in SEGMENTS}), True),
    "firms": (ListOf(FIRM, min_len=1, unique_key="id"), True),
    "partners": (ListOf(PARTNER, unique_key="id"), False),
    "regulator": (REGULATOR, True),
    "parameters": (MapOf(PARAMETER, min_len=1), True),
    "model": (MapOf(CONSTANT, min_len=1), True),
    "deals": (MapOf(DEAL, min_len=1), False),
    "set": (MapOf(Any_()), False),
    "events": (ListOf(EVENT, unique_key="id"), False),
    "objectives": (ListOf(OBJECTIVE, unique_key="id", weight_key="weight"), False),
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. ``sections`` holds the normalised data of every section.

    ``values`` are the parameter values in force at the start (spec defaults,
    then ``set:``, then any overrides). ``document`` is the resolved scenario
    (after ``extends``) as plain data, and ``content_hash`` its SHA-256.
    """

    name: str
    source: str
    sections: Mapping[str, Any]
    parameters: ParameterSpace
    values: Mapping[str, Value]
    document: Mapping[str, Any]
    content_hash: str
    overrides: Mapping[str, Value] = field(default_factory=dict)

    # convenient views -------------------------------------------------
    @property
    def title(self) -> Mapping[str, str]:
        """The scenario's title (en, ko)."""
        return self.sections["title"]

    @property
    def description(self) -> Mapping[str, str]:
        """The scenario's description (en, ko)."""
        return self.sections["description"]

    @property
    def start(self) -> int:
        """First quarter (as a quarter number)."""
        return self.sections["time"]["start"]

    @property
    def end(self) -> int:
        """Last quarter (as a quarter number)."""
        return self.sections["time"]["end"]

    @property
    def quarters(self) -> int:
        """Number of quarters from start to end."""
        return self.end - self.start + 1

    @property
    def krw_per_usd(self) -> float:
        """The exchange rate the scenario uses."""
        return self.sections["currency"]["krw_per_usd"]

    @property
    def firms(self) -> list[dict]:
        """The validated firms: section."""
        return self.sections["firms"]

    @cached_property
    def partners(self) -> list[PartnerSpec]:
        """The partner platforms (typed views of the ``partners:`` section)."""
        return [PartnerSpec.from_section(p) for p in self.sections["partners"]]

    @cached_property
    def segments(self) -> dict[str, SegmentSpec]:
        """The demand segments, consumer, enterprise and public (typed views of ``segments:``)."""
        return {name: SegmentSpec.from_section(name, seg) for name, seg in self.sections["segments"].items()}

    @cached_property
    def population(self) -> PopulationSpec:
        """How many adopter rows stand for the population (typed view of ``population:``)."""
        return PopulationSpec.from_section(self.sections["population"])

    @cached_property
    def deals(self) -> dict[str, DealSpec]:
        """The kinds of partnership deal, in the scenario's order (typed views of ``deals:``; may be empty)."""
        return {kind: DealSpec.from_section(kind, d) for kind, d in (self.sections.get("deals") or {}).items()}

    @property
    def events(self) -> list[dict]:
        """The validated events (a base scenario's first)."""
        return self.sections["events"]

    @property
    def objectives(self) -> list[dict]:
        """The validated objectives."""
        return self.sections["objectives"]

    @cached_property
    def regulator(self) -> RegulatorSpec:
        """The AI Basic Act and the sovereign programme (typed view of ``regulator:``)."""
        return RegulatorSpec.from_section(self.sections["regulator"])

    def with_values(self, overrides: Mapping[str, Any]) -> Scenario:
        """A copy with some parameter values replaced (validated against the spec)."""
        checked = self.parameters.check(overrides)
        values = dict(self.values)
        values.update(checked)
        merged = dict(self.overrides)
        merged.update(checked)
        return replace(self, values=values, overrides=merged)

    def document_text(self) -> str:
        """The resolved scenario as canonical JSON text (stored in saves and run folders)."""
        return canonical_json(self.document)

    @cached_property
    def numbers_hash(self) -> str:
        """SHA-256 of the resolved scenario without its display text (titles, labels, names, descriptions,
        notes: anything in ``{en, ko}`` and the :data:`TEXT_KEYS`): two scenarios with the same numbers hash
        run to the same numbers for the same seed and decisions, so a save still replays after a release
        that only rewords a label (``content_hash`` changes with every character)."""
        return hashlib.sha256(canonical_json(_without_text(self.document)).encode("utf-8")).hexdigest()


# Keys whose text is only shown, never computed with (see Scenario.numbers_hash)
TEXT_KEYS = frozenset({"title", "description", "name", "name_ko", "label", "brief", "notes", "source", "reason"})


def _without_text(data: Any) -> Any:
    """``data`` with its display text left out (see :attr:`Scenario.numbers_hash`)."""
    if isinstance(data, dict):
        if data and set(data) <= {"en", "ko"} and all(isinstance(v, str) for v in data.values()):
            return None  # a localized text
        return {k: _without_text(v) for k, v in data.items() if not (k in TEXT_KEYS and isinstance(v, str | dict))}
    if isinstance(data, list):
        return [_without_text(v) for v in data]
    return data


def canonical_json(data: Any) -> str:
    """``data`` as canonical JSON text (sorted keys, no spaces): what the content hash is taken of."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def bundled_scenarios() -> list[Path]:
    """Paths of the scenarios shipped in ``scenarios/``, sorted by name."""
    return bundled.files("scenarios")


def bundled_scenario_path(name: str) -> Path:
    """The bundled scenario ``name`` (found with importlib.resources in an installed wheel).

    The path may not exist: the caller reports a missing base or file.
    """
    return bundled.folder("scenarios") / f"{name}.yaml"


BUNDLED_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}", re.ASCII)


def resolve_scenario_path(name_or_path: str | None) -> Path:
    """A bundled scenario name (``korea-2025``) or a file path (from the command line) -> the file's path.

    Bundled names are ``[a-z0-9-]+``; anything else is taken as a path. Only the
    command line (and the Python API) may name a file anywhere; ``extends:`` and an
    experiment's ``scenario:`` go through :func:`referenced_scenario_path`.
    """
    if name_or_path is not None and not name_or_path.strip():
        raise ScenarioError(f"expected a bundled scenario name or a file path, got {name_or_path!r}")
    name = name_or_path or DEFAULT_SCENARIO
    if "\x00" in name:
        raise ScenarioError("a scenario name or path cannot contain a NUL byte")
    candidate = Path(name)
    try:
        exists = candidate.exists()
    except (OSError, ValueError):  # a name too long for the file system: reading it says so
        exists = False
    if not BUNDLED_NAME.fullmatch(name) or exists:
        return candidate
    path = bundled_scenario_path(name)
    if path.is_file():
        return path
    names = [p.stem for p in bundled_scenarios()]
    raise ScenarioError(f"no bundled scenario or file named {name!r}{suggest(name, names, 'bundled')}")


def load_scenario(
    name_or_path: str | os.PathLike | Scenario | None = None, overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load and validate a scenario by bundled name or path (default: the Korea baseline); a scenario
    already loaded is returned as it is (with ``overrides`` applied).

    Raises :class:`ScenarioError` naming file, key path and line for any problem, and for an
    argument that is no name or path; OverrideError for bad overrides.
    """
    from sim.core.arguments import mapping_arg

    overrides = mapping_arg(overrides, "overrides")
    if isinstance(name_or_path, Scenario):
        scenario = name_or_path
    elif name_or_path is None or isinstance(name_or_path, (str, os.PathLike)):
        path = resolve_scenario_path(os.fspath(name_or_path) if name_or_path is not None else None)
        scenario = _build(load_yaml_file(path, ScenarioError), path, stack=())
    else:
        raise ScenarioError(f"expected a bundled scenario name or a file path, got {describe(name_or_path)}")
    return scenario.with_values(overrides) if overrides else scenario


def cached_scenario(path: Path) -> Scenario:
    """The scenario in the file ``path``, loaded once per file, modification time and size (validation takes
    up to half a second): an edited file is loaded again. An edit to only the base a variant ``extends``
    is seen once the variant's own file changes.

    Raises OSError when the file cannot be looked at, and ScenarioError when it is no valid scenario.
    """
    status = path.stat()
    return _cached_scenario(str(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=16)
def _cached_scenario(path: str, modified_ns: int, size: int) -> Scenario:
    return load_scenario(path)


def scenario_from_document(document: Mapping[str, Any], source: str) -> Scenario:
    """Rebuild a scenario from its resolved document (as stored in a save file)."""
    doc = LoadedYaml(json.loads(canonical_json(document)), {}, source)
    return _build(doc, Path(source), stack=(), allow_extends=False)


def scenario_from_text(text: str, source: str) -> Scenario:
    """Load a scenario from YAML text (used by tests and the game's file picker)."""
    return _build(load_yaml_text(text, source, ScenarioError), Path(source), stack=())


def _raw_sections(doc: LoadedYaml, path: Path, stack: tuple, allow_extends: bool) -> dict[str, tuple[Any, LoadedYaml]]:
    """Merge this file's sections over its base's; each value keeps the document it came from."""
    ctx = Context(doc, ScenarioError)
    if not isinstance(doc.data, dict):
        raise ctx.fail((), f"not an aisim scenario: expected a mapping of sections, got {kind_of(doc.data)}")
    if doc.data and not any(key in SECTIONS for key in doc.data):
        # say nothing of its content: it may be any YAML file on the machine
        raise ctx.fail((), "not an aisim scenario (none of its top-level keys is a scenario section)")
    for key in doc.data:
        if key not in SECTIONS:
            raise ctx.fail((key,), f"unknown section {key!r}{suggest(key, tuple(SECTIONS))}")
    merged: dict[str, tuple[Any, LoadedYaml]] = {}
    base_name = doc.data.get("extends")
    if base_name is not None:
        if not allow_extends:
            raise ctx.fail(("extends",), "extends: is not allowed here")
        if not isinstance(base_name, str):
            raise ctx.fail(("extends",), f"expected a scenario name or path, got {describe(base_name)}")
        base_path = referenced_scenario_path(base_name, path, ctx)
        if base_path.resolve() in stack:
            raise ctx.fail(("extends",), f"circular extends: {base_name!r} extends this file again")
        try:
            base_text = read_text(base_path, ScenarioError)
        except ScenarioError as exc:
            if exc.message == "file not found":
                raise ctx.fail(("extends",), f"base scenario {short_repr(base_name)} not found") from None
            raise ctx.fail(("extends",), f"base scenario {short_repr(base_name)} {exc.message}") from None
        base_doc = load_yaml_text(base_text, str(base_path), ScenarioError)
        merged = _raw_sections(base_doc, base_path, stack + (path.resolve(),), True)
        merged.pop("name", None)
        merged.pop("extends", None)
    for key, value in doc.data.items():
        if key == "set" and "set" in merged and isinstance(value, dict) and isinstance(merged["set"][0], dict):
            combined = dict(merged["set"][0])
            combined.update(value)
            # Lines of the merged values are the variant's where it set them.
            merged["set"] = (combined, doc)
        elif key == "events" and "events" in merged and isinstance(value, list):
            merged["events_base"] = merged.pop("events")
            merged["events"] = (value, doc)
        else:
            merged[key] = (value, doc)
    return merged


def referenced_scenario_path(
    base_name: str,
    including: Path,
    ctx: Context,
    key: tuple = ("extends",),
    elsewhere: str = "or name it on the command line",
) -> Path:
    """Where a scenario named inside a file lives: a bundled name, or a path relative to that file.

    Relative paths must stay inside the including file's folder (after following links);
    absolute paths and ``..`` that leave it are refused, so a file cannot make aisim read
    (and quote) files elsewhere on the machine. Outside files may be named on the command line.
    """
    if "\x00" in base_name:
        raise ctx.fail(key, "expected a scenario name or path, got text with a NUL byte")
    if BUNDLED_NAME.fullmatch(base_name):
        found = bundled_scenario_path(base_name)
        if not found.is_file():
            names = [p.stem for p in bundled_scenarios()]
            raise ctx.fail(key, f"no bundled scenario named {base_name!r}{suggest(base_name, names, 'bundled')}")
        return found
    candidate = Path(base_name)
    if candidate.suffix not in (".yaml", ".yml"):
        raise ctx.fail(
            key,
            f"expected a bundled scenario name (lower-case letters, digits and -) or a .yaml path, "
            f"got {short_repr(base_name)}",
        )
    return path_inside_folder(base_name, including, ctx, key, elsewhere)


def path_inside_folder(
    ref: str, including: Path, ctx: Context, key: tuple, elsewhere: str = "or name it on the command line"
) -> Path:
    """A file named inside another (a scenario's ``extends:``, an experiment's ``scenario:`` and ``points:``, a
    lesson's ``scenario:``): relative to the including file, and inside its folder after following links.

    Absolute paths and ``..`` or links that leave the folder are refused, so a file handed around cannot
    make aisim read (and quote) files elsewhere on the machine. Outside files may be named on the command line
    (``elsewhere``: how, in the refusal; empty where the command line has no way).
    """
    if "\x00" in ref:
        raise ctx.fail(key, "expected a file path, got text with a NUL byte")
    candidate = Path(ref)
    if candidate.is_absolute() or candidate.drive:
        raise ctx.fail(key, "an absolute path is not allowed here; give a path relative to this file")
    folder = including.parent.resolve()
    target = (folder / candidate).resolve()
    if not target.is_relative_to(folder):
        raise ctx.fail(key, f"the path leads outside this file's folder; copy the file beside it {elsewhere}".strip())
    return target


def _build(doc: LoadedYaml, path: Path, stack: tuple, allow_extends: bool = True) -> Scenario:
    raw = _raw_sections(doc, path, stack, allow_extends)
    sections: dict[str, Any] = {}
    for key, (section_field, required) in SECTIONS.items():
        if key in ("extends",):
            continue
        if key not in raw or raw[key][0] is None:
            if required:
                ctx = Context(doc, ScenarioError)
                raise ctx.fail((), f"missing required section {key!r} ({section_field.expected})")
            sections[key] = {} if key == "set" else ([] if isinstance(section_field, ListOf) else None)
            continue
        value, origin = raw[key]
        sections[key] = section_field.check(value, Context(origin, ScenarioError), (key,))
    # each event's file and place in it, for errors about it (a variant's events follow its base's)
    event_origins = [(raw["events"][1], i) for i in range(len(sections["events"]))] if "events" in raw else []
    if "events_base" in raw:
        value, origin = raw["events_base"]
        base_events = EVENT_LIST.check(value, Context(origin, ScenarioError), ("events",))
        sections["events"] = base_events + sections["events"]
        event_origins = [(origin, i) for i in range(len(base_events))] + event_origins
        ids = [e["id"] for e in sections["events"]]
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)  # Counter: 20,000 events stay fast
        if dupes:
            raise Context(raw["events"][1], ScenarioError).fail(
                ("events",), f"event id {dupes[0]!r} is already used by the base scenario"
            )
    name = sections.get("name") or name_from_file(path, Context(doc, ScenarioError))
    sections["name"] = name
    ctx_of = {key: Context(origin, ScenarioError) for key, (_, origin) in raw.items()}
    parameters = _parameter_space(sections["parameters"], ctx_of["parameters"], sections["model"], ctx_of["model"])
    values = parameters.defaults()
    set_ctx = ctx_of.get("set")
    for pname, pvalue in sections["set"].items():
        assert set_ctx is not None  # a non-empty set: came from a file, which has a context
        if pname not in parameters:
            raise parameters.unknown_name_error(
                pname,
                ScenarioError,
                file=set_ctx.doc.file,
                path=f"set.{pname}",
                line=set_ctx.doc.line_of(("set", pname)),
            )
        try:
            values[pname] = parameters[pname].coerce(pvalue)
        except ValueError as exc:
            raise set_ctx.fail(("set", pname), str(exc)) from None
    # dates outside the span are checked where a variant wrote them: a resolved document (a save's, a
    # result's scenario.json, a class pack's copy) holds its base's events and firms as its own
    variant = allow_extends and isinstance(doc.data, dict) and doc.data.get("extends") is not None
    _cross_check(sections, parameters, ctx_of, event_origins, doc if variant else None)
    document = {k: v for k, v in sections.items() if v not in (None, [], {}) or k in ("set",)}
    document["schema"] = SCHEMA_ID
    document = _to_document(document)
    content_hash = hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
    return Scenario(
        name=name,
        source=str(path),
        sections=sections,
        parameters=parameters,
        values=values,
        document=document,
        content_hash=content_hash,
    )


EVENT_LIST = ListOf(EVENT, unique_key="id")


def _check_event_span(event: dict, outside, first: int, last: int, ctx: Context, where: tuple) -> None:
    """An event that could never happen in the time span is refused (it was silently never fired)."""
    if event["at"] is not None and outside(event["at"]):
        raise ctx.fail(where + ("at",), f"{outside(event['at'])}: the event would never happen")
    for key in ("start", "until"):
        quarter = event[key]
        if quarter is not None and outside(quarter):
            never = (key == "start" and quarter > last) or (key == "until" and quarter < first)
            if never:
                raise ctx.fail(where + (key,), f"{outside(quarter)}: the event could never happen")


def _check_effect_fields(
    effect: dict, kind: str, limits: Mapping[str, tuple[float, float]], ctx: Context, where: tuple
):
    """A firm's or segment's fields, and values the model can take: ``set:`` within the field's range,
    ``add:`` no larger than the range's width (the model keeps each field in its range, so a value
    beyond it was silently cut to the bound)."""
    for op in ("add", "multiply", "set"):
        for fld, value in effect[op].items():
            if fld not in limits:
                raise ctx.fail(where + (op, fld), f"{fld!r} is not a {kind} field; expected one of {', '.join(limits)}")
            low, high = limits[fld]
            if op == "set" and not low <= value <= high:
                raise ctx.fail(where + (op, fld), f"{fld}: expected a value from {low:g} to {high:g}, got {value:g}")
            if op == "add" and abs(value) > high - low:
                raise ctx.fail(
                    where + (op, fld),
                    f"{fld}: expected a change of at most {high - low:g} either way ({fld} runs from {low:g} to "
                    f"{high:g}), got {value:g}",
                )


def _to_document(sections: dict) -> dict:
    """Normalised sections -> plain data that validates again (quarters back to labels)."""
    quarter_keys = {"start", "end", "enters", "contract_start", "effective", "at", "until", "selection"}

    def convert(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: convert(v, k) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [convert(v) for v in value]
        if key in quarter_keys and isinstance(value, int) and not isinstance(value, bool):
            return quarter_label(value)
        return value

    doc = convert(sections)
    # ``start`` in an event is also a quarter; ``time.start`` handled above by key name.
    return doc


def _parameter_space(
    declared: dict[str, dict], ctx: Context, constants: dict[str, dict], model_ctx: Context
) -> ParameterSpace:
    """The one parameter spec: ``parameters:`` (levers, uncertainties, settings) then ``model:`` (constants).

    Every name the model reads must be declared with the type it needs, and a
    declared range may narrow the model's hard bounds but never widen them.
    """
    specs = []
    for name, spec in declared.items():
        specs.append(
            ParameterSpec(
                name=name,
                kind=spec["kind"],
                type=spec["type"],
                default=spec["default"]
                if spec["type"] in ("bool", "choice")
                else (int(spec["default"]) if spec["type"] == "integer" else float(spec["default"])),
                min=spec["min"],
                max=spec["max"],
                step=spec["step"],
                units=spec["unit"],
                label=spec["label"],
                help=spec["help"],
                options=tuple(spec["options"]),
                group=spec["group"],
                source=spec["source"],
            )
        )
    for name, spec in constants.items():
        if name in declared:
            raise model_ctx.fail(("model", name), f"{name!r} is already declared under parameters:")
        if name not in MODEL_CONSTANTS:
            raise model_ctx.fail(
                ("model", name), f"unknown model constant {name!r}{suggest(name, tuple(MODEL_CONSTANTS))}"
            )
        label = name.replace("_", " ")
        specs.append(
            ParameterSpec(
                name=name,
                kind="constant",
                type="integer" if name == "max_entrants" else "number",
                default=int(spec["value"]) if name == "max_entrants" else float(spec["value"]),
                min=spec["min"],
                max=spec["max"],
                step=(spec["max"] - spec["min"]) / 20 or 1.0,
                units={"en": spec["unit"], "ko": spec["unit"]},
                label={"en": label, "ko": label},
                help={"en": spec["help"], "ko": spec["help"]},
                group="model",
                source=spec["source"],
            )
        )
    space = ParameterSpace(specs)
    for name, needed in NEEDED.items():
        where_ctx, section = (model_ctx, "model") if needed.kind == "constant" else (ctx, "parameters")
        if name not in space:
            raise where_ctx.fail(
                (section,),
                f"missing {'constant' if needed.kind == 'constant' else 'parameter'} {name!r} that the model needs",
            )
        pspec = space[name]
        if needed.kind != "constant" and pspec.type != needed.type:
            raise ctx.fail(
                ("parameters", name, "type"), f"the model needs {name} to be of type {needed.type}, got {pspec.type}"
            )
        if name == "partnership_review" and tuple(pspec.options) != PARTNERSHIP_REVIEW_OPTIONS:
            raise ctx.fail(
                ("parameters", name, "options"), f"expected options [{', '.join(PARTNERSHIP_REVIEW_OPTIONS)}]"
            )
        if needed.low is not None and pspec.min is not None and pspec.min < needed.low:
            key = (section, name, "min")
            raise where_ctx.fail(
                key, f"the model takes {name} from {needed.low:g} to {needed.high:g}; min {pspec.min:g} is below"
            )
        if needed.high is not None and pspec.max is not None and pspec.max > needed.high:
            key = (section, name, "max")
            raise where_ctx.fail(
                key, f"the model takes {name} from {needed.low:g} to {needed.high:g}; max {pspec.max:g} is above"
            )
    return space


def _cross_check(
    sections: dict,
    parameters: ParameterSpace,
    ctx_of: dict[str, Context],
    event_origins: list[tuple[LoadedYaml, int]],
    top: LoadedYaml | None,
) -> None:
    """References between sections: providers, event targets, time span, shares.

    ``event_origins`` gives each event's file and index there; ``top`` is the variant loaded (a file
    with ``extends:``), else None. Dates outside the time span are refused where the variant wrote
    them; its base's events and firms outside a shorter span are kept and never come.
    """
    time_ctx = ctx_of["time"]
    if sections["time"]["start"] > sections["time"]["end"]:
        raise time_ctx.fail(("time", "start"), "start is after end")
    span = sections["time"]["end"] - sections["time"]["start"] + 1
    if span > MAX_QUARTERS:
        raise time_ctx.fail(
            ("time", "end"), f"the scenario spans {span:,} quarters, more than the {MAX_QUARTERS} allowed"
        )
    firm_ids = [f["id"] for f in sections["firms"]]
    partner_ids = [p["id"] for p in sections["partners"]]

    def unknown(kind: str, value: str, known: list[str]) -> str:
        return f"unknown {kind} {value!r}{suggest(value, known, 'known')}"

    segments_ctx = ctx_of["segments"]
    for name, seg in sections["segments"].items():
        if seg["initial_adoption"] > seg["initial_awareness"]:
            raise segments_ctx.fail(
                ("segments", name, "initial_adoption"),
                "initial_adoption cannot exceed initial_awareness (users know of AI)",
            )
    first, last = sections["time"]["start"], sections["time"]["end"]

    def outside(quarter: int) -> str | None:
        if first <= quarter <= last:
            return None
        return (
            f"{quarter_label(quarter)} is outside the scenario's time span {quarter_label(first)}-{quarter_label(last)}"
        )

    firms_ctx = ctx_of["firms"]
    for i, firm in enumerate(sections["firms"]):
        if firm["enters"] is not None and firm["initial_share"]:
            raise firms_ctx.fail(("firms", i, "initial_share"), "a firm that enters later cannot have an initial share")
        late = outside(firm["enters"]) if firm["enters"] is not None and firms_ctx.doc is top else None
        if late:
            raise firms_ctx.fail(("firms", i, "enters"), f"{late}: the firm would never enter")
    for segment in SEGMENTS:
        total = sum(f["initial_share"].get(segment, 0.0) for f in sections["firms"])
        if total > 1.0 + 1e-9:
            raise firms_ctx.fail(("firms",), f"initial shares of segment {segment} add up to {total:.3f}, more than 1")
    if "partners" in ctx_of:
        pctx = ctx_of["partners"]
        for i, partner in enumerate(sections["partners"]):
            for key in ("own_model", "provider"):
                if partner[key] is not None and partner[key] not in firm_ids:
                    raise pctx.fail(("partners", i, key), unknown("firm", partner[key], firm_ids))
    if sections["events"]:
        for event, (origin, i) in zip(sections["events"], event_origins, strict=True):
            ectx = Context(origin, ScenarioError)
            if origin is top:
                _check_event_span(event, outside, first, last, ectx, ("events", i))
            effect_lists: list[tuple[tuple[Any, ...], Any]] = [(("events", i, "effects"), event["effects"])]
            effect_lists += [
                (("events", i, "choices", j, "effects"), c["effects"]) for j, c in enumerate(event["choices"])
            ]
            for base, effects in effect_lists:
                for k, effect in enumerate(effects):
                    where = base + (k,)
                    for key in ("firm", "enter", "exit"):
                        if effect[key] is not None and effect[key] not in firm_ids:
                            raise ectx.fail(where + (key,), unknown("firm", effect[key], firm_ids))
                    for kind, limits in (("firm", FIRM_LIMITS), ("segment", SEGMENT_LIMITS)):
                        if effect[kind] is not None:
                            _check_effect_fields(effect, kind, limits, ectx, where)
                    if effect["partnership"] is not None:
                        deal = effect["partnership"]
                        if deal["partner"] not in partner_ids:
                            raise ectx.fail(
                                where + ("partnership", "partner"), unknown("partner", deal["partner"], partner_ids)
                            )
                        if deal["provider"] not in firm_ids:
                            raise ectx.fail(
                                where + ("partnership", "provider"), unknown("firm", deal["provider"], firm_ids)
                            )
                        deals = list(sections.get("deals") or {})
                        if deal["deal"] is not None and deal["deal"] not in deals:
                            raise ectx.fail(where + ("partnership", "deal"), unknown("deal kind", deal["deal"], deals))
                    if effect["parameter"] is not None:
                        if effect["parameter"] not in parameters:
                            raise ectx.fail(
                                where + ("parameter",), unknown("parameter", effect["parameter"], parameters.names)
                            )
                        try:
                            effect["value"] = parameters[effect["parameter"]].coerce(effect["value"])
                        except ValueError as exc:
                            raise ectx.fail(where + ("value",), str(exc)) from None
