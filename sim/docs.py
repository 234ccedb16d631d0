"""Reference documentation generated from the schema and the parameter spec.

``aisim schema`` and ``aisim params --markdown`` print these; the README's
scenario reference is this output, so the docs cannot drift from the code.
"""

from __future__ import annotations

from sim.core.markdown import inline
from sim.model.levers import lever_hint
from sim.model.parameters import SEGMENTS
from sim.objectives import aggregates_markdown
from sim.scenario import REQUIRED, SECTIONS, Scenario
from sim.schema import Field, ListOf, MapOf, Record

SECTION_HELP = {
    "schema": "Format marker, `aisim/scenario-1`.",
    "name": "Short name (defaults to the file name).",
    "extends": "A bundled scenario name or a path: start from that scenario. Sections given here replace the base's, except `set` (merged) and `events` (appended).",
    "title": "Title, in English and Korean.",
    "description": "A paragraph shown when choosing scenarios.",
    "story": "The briefing shown before a game.",
    "time": "Simulated span, in quarters (`2024Q1`) or dates (`2026-01-22`, taken as its quarter).",
    "currency": "Currency conversion used for KRW figures.",
    "population": "How many adopter rows to simulate; each row stands for potential_adopters / rows real adopters.",
    "segments": f"The {len(SEGMENTS)} segments {', '.join(f'`{name}`' for name in SEGMENTS)} (all required).",
    "firms": "AI model providers. `capability` is relative to the global frontier (1.0).",
    "partners": "Platforms that distribute one AI provider to their users.",
    "regulator": "The AI Basic Act calendar, obligations and fines; sovereign-AI teams; partnership review threshold.",
    "parameters": "The parameter spec: every lever, uncertainty and setting, declared once.",
    "set": "Parameter values that replace the spec's defaults (typical in variants).",
    "events": "Scheduled (`at`) and random (`probability_per_quarter`) events with effects and optional choices.",
    "objectives": "Targets the game scores and the debrief reports.",
}


def _describe(field: Field) -> str:
    if isinstance(field, Record):
        return "mapping"
    if isinstance(field, ListOf):
        return "list"
    if isinstance(field, MapOf):
        return field.expected
    return field.expected


def _walk(field: Field, prefix: str, lines: list[str]) -> None:
    if isinstance(field, ListOf):
        _walk(field.item, prefix + "[]", lines)
        return
    if isinstance(field, MapOf) and isinstance(field.value, Record):
        _walk(field.value, prefix + ".<id>", lines)
        return
    if not isinstance(field, Record):
        return
    entries = list(field.fields.items())
    if len(entries) > 1 and all(sub is entries[0][1][0] for _, (sub, _) in entries):
        # identical sub-records (the three segments): document them once
        names = "/".join(name for name, _ in entries)
        entries = [(f"<{names}>", entries[0][1])]
    for name, (sub, default) in entries:
        path = f"{prefix}.{name}" if prefix else name
        if default is REQUIRED:
            need = "required"
        elif default is None:
            need = "optional"
        elif callable(default):
            need = "optional"
        else:
            need = f"default `{default}`"
        lines.append(f"| `{path}` | {_describe(sub)} | {need} |")
        _walk(sub, path, lines)


def scenario_reference_markdown() -> str:
    """Every key of a scenario file, with its type and whether it is required."""
    lines = ["| key | expected | required / default |", "|---|---|---|"]
    for name, (field, required) in SECTIONS.items():
        help_text = SECTION_HELP.get(name, "")
        lines.append(f"| **`{name}`** | {help_text} | {'required' if required else 'optional'} |")
        _walk(field, name, lines)
    lines += ["", aggregates_markdown()]
    return "\n".join(lines)


def _range(spec) -> str:
    if spec.type == "choice":
        return " / ".join(spec.options)
    if spec.type == "bool":
        return "true / false"
    return f"{spec.min:g} .. {spec.max:g} (step {spec.step:g})"


def parameters_markdown(scenario: Scenario, language: str = "en") -> str:
    """The scenario's parameter spec as a Markdown table."""
    lines = ["| name | kind | default | range | unit | label | help |", "|---|---|---|---|---|---|---|"]
    for spec in scenario.parameters:
        if spec.kind == "constant":
            continue  # listed by constants_markdown (docs/constants.md)
        lines.append(
            f"| `{spec.name}` | {spec.kind} | {scenario.values[spec.name]} | {inline(_range(spec))} | "
            f"{inline(spec.unit_for(language))} | {inline(spec.label_for(language))} | {inline(spec.help_for(language))} |"
        )
    return "\n".join(lines)


def constants_markdown(scenario: Scenario) -> str:
    """The scenario's behavioural constants (``model:``) as a Markdown table with their sources."""
    lines = [
        "| constant | value | sweep range | unit | what it does | source |",
        "|---|---|---|---|---|---|",
    ]
    for spec in scenario.parameters.of_kind("constant"):
        lines.append(
            f"| `{spec.name}` | {scenario.values[spec.name]:g} | {spec.min:g} .. {spec.max:g} | {inline(spec.unit)} | "
            f"{inline(spec.help_for('en'))} | {inline(spec.source)} |"
        )
    return "\n".join(lines)


def parameters_text(scenario: Scenario, language: str = "en") -> str:
    """The scenario's parameter spec as plain text, grouped by kind, with what each lever does."""
    out = []
    for kind, heading in (("lever", "levers"), ("uncertainty", "uncertainties"), ("setting", "settings")):
        specs = scenario.parameters.of_kind(kind)
        if not specs:
            continue
        out.append(f"{heading}:")
        for spec in specs:
            value = scenario.values[spec.name]
            out.append(f"  {spec.name:<34} = {value!s:<8} [{_range(spec)}] {spec.unit_for(language)}")
            out.append(f"      {spec.label_for(language)}: {spec.help_for(language)}")
            hint = lever_hint(spec.name, language) if kind == "lever" else ""
            if hint:
                effect = "효과" if language == "ko" else "What it does"
                out.append(f"      {effect}: {hint}")
    count = len(scenario.parameters.of_kind("constant"))
    if count:
        more = (
            f"{count}개의 모델 상수(model:)는 docs/constants.md 참고; 레버별 측정 효과는 docs/lever-effects.md"
            if language == "ko"
            else f"Also {count} behavioural constants (model:): see docs/constants.md; measured lever effects: "
            "docs/lever-effects.md"
        )
        out.append(more)
    return "\n".join(out)
