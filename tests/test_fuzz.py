"""Fuzzing the file formats (issue 10): scenarios, saves and experiments, plus a corpus.

Every input either loads or is refused with the error contract: a :class:`UserError`
whose text is one printable line of at most 1,000 characters naming the file. Nothing
else may escape (no ``KeyError``, ``RecursionError``, ``OverflowError``...). A second
property checks that whatever validates also runs. Examples are derandomised so CI is
reproducible; the whole file stays well under a minute.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.saves import load_save, save_document
from sim.scenario import Record, load_scenario, scenario_from_document, scenario_from_text
from sim.schema import REQUIRED

CORPUS = Path(__file__).parent / "data" / "malformed"
# CI runs a fixed set of examples; fuzz longer locally with e.g. AISIM_FUZZ_EXAMPLES=2000 (random each time).
LONG = int(os.environ.get("AISIM_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG or 60,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


def assert_contract(error: BaseException, file_fragment: str) -> None:
    assert isinstance(error, UserError), f"{type(error).__name__}: {error}"
    text = str(error)
    assert text.isprintable() and len(text) <= 1000, text
    assert file_fragment in text, text


def attempt(load, *args, file_fragment: str):
    """Call ``load``; a refusal must keep the contract. Returns the result or None."""
    try:
        return load(*args)
    except Exception as exc:  # noqa: BLE001 - the point is to see what escapes
        assert_contract(exc, file_fragment)
        return None


@pytest.fixture(scope="module")
def korea_document() -> dict:
    document = json.loads(json.dumps(load_scenario("korea-2025").document))
    document["population"]["adopter_rows"] = 300
    document["time"] = {"start": "2024Q1", "end": "2024Q2"}
    return document


# ------------------------------------------------------------------------- strategies
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.just("2024-02-31"),
    st.just("２０２６Q1"),
    st.just("x" * 5000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)


def paths_of(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path inside a document (capped, so mutations pick from a manageable list)."""
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += paths_of(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value[:4]):
            out += paths_of(item, prefix + (index,))
    return out


def mutate(document: Any, path: tuple, action: str, junk: Any) -> Any:
    """Replace, drop, or rename the node at ``path`` (a copy)."""
    document = copy.deepcopy(document)
    if not path:
        return junk if action == "replace" else document
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "replace":
        parent[last] = junk
    elif action == "drop":
        del parent[last]
    elif isinstance(parent, dict):
        parent[str(junk)[:20] + "_"] = parent.pop(last)
    return document


@st.composite
def mutated_documents(draw, document: dict) -> Any:
    mutated = document
    for _ in range(draw(st.integers(1, 3))):
        paths = paths_of(mutated)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "drop", "rename"]))
        mutated = mutate(mutated, path, action, draw(JUNK))
    return mutated


# ------------------------------------------------------------------------- scenarios
@FUZZ
@given(data=st.data())
def test_mutated_scenarios_load_or_fail_cleanly(korea_document, data):
    mutated = data.draw(mutated_documents(korea_document))
    attempt(scenario_from_document, mutated, "fuzz.yaml", file_fragment="fuzz.yaml")


@FUZZ
@given(data=st.data())
def test_mutated_yaml_text_loads_or_fails_cleanly(korea_document, data):
    text = yaml.safe_dump(korea_document, allow_unicode=True, sort_keys=False)
    lines = text.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(lines) - 1))
        insert = data.draw(
            st.sampled_from(
                [
                    "  !!float abc\n",
                    "&a [*a]\n",
                    "name: dup\n",
                    "\t\n",
                    ": :\n",
                    "- [[[[[[[[\n",
                    "x: !!binary aGk=\n",
                    "y: !!set {a}\n",
                    "z: !!python/name:os.system\n",
                    "w: " + "9" * 5000 + "\n",
                    "\x07: 1\n",
                    "'\\u0000'\n",
                ]
            )
            | st.text(max_size=20).map(lambda t: t + "\n")
        )
        lines.insert(index, insert)
    attempt(scenario_from_text, "".join(lines), "fuzz.yaml", file_fragment="fuzz.yaml")


def optional_keys(record: Record, prefix: tuple = ()) -> list[tuple]:
    """Key paths (with ``*`` for list items) of the keys a schema record lets one omit."""
    out = []
    for name, (field, default) in record.fields.items():
        if default is not REQUIRED:
            out.append(prefix + (name,))
        if isinstance(field, Record):
            out += optional_keys(field, prefix + (name,))
    return out


def _drop(document: dict, path: tuple) -> None:
    section, *rest = path
    targets = document.get(section)
    targets = targets if isinstance(targets, list) else [targets]
    for target in targets:
        node = target
        for key in rest[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and rest:
            node.pop(rest[-1], None)


@settings(
    max_examples=LONG // 10 or 12,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(data=st.data())
def test_whatever_validates_also_runs(korea_document, data):
    """Item 2: drop optional keys (schema-driven) and vary numbers within range; it must run."""
    from sim.runner import simulate
    from sim.scenario import FIRM, PARTNER

    droppable = [("firms",) + p for p in optional_keys(FIRM)] + [("partners",) + p for p in optional_keys(PARTNER)]
    document = copy.deepcopy(korea_document)
    for path in data.draw(st.lists(st.sampled_from(droppable), max_size=6, unique=True)):
        _drop(document, path)
    for firm in document["firms"]:
        if data.draw(st.booleans()):
            firm["capability"] = data.draw(st.floats(0.0, 1.5))
    scenario = attempt(scenario_from_document, document, "valid.yaml", file_fragment="valid.yaml")
    assume(scenario is not None)
    run = simulate(scenario, data.draw(st.integers(0, 2**32)))
    assert len(run.quarters) == scenario.quarters


# ------------------------------------------------------------------------- saves
@pytest.fixture(scope="module")
def save_base(korea_document) -> dict:
    scenario = scenario_from_document(korea_document, "save-base")
    lever = next(s for s in scenario.parameters if s.kind == "lever")
    return save_document(scenario, 3, {scenario.start: {lever.name: lever.default}}, scenario.start + 1)


@FUZZ
@given(data=st.data())
def test_mutated_saves_load_or_fail_cleanly(save_base, data, tmp_path_factory):
    mutated = data.draw(mutated_documents({k: v for k, v in save_base.items() if k != "scenario"}))
    if isinstance(mutated, dict):
        mutated["scenario"] = save_base["scenario"]
    path = tmp_path_factory.mktemp("saves") / "fuzz.json"
    path.write_text(json.dumps(mutated, allow_nan=True), encoding="utf-8")
    attempt(load_save, path, file_fragment="fuzz.json")


# ------------------------------------------------------------------------- experiments
VARY = st.one_of(
    st.lists(st.sampled_from(["network_effect", "foreign_trust", "nope", "partnership_review", ""]), max_size=3),
    st.dictionaries(
        st.sampled_from(["network_effect", "foreign_trust", "sovereign_ai_budget_krw_bn"]),
        st.one_of(
            JUNK,
            st.fixed_dictionaries(
                {},
                optional={
                    "min": JUNK,
                    "max": JUNK,
                    "step": st.one_of(JUNK, st.just(5e-324)),
                    "values": st.lists(JUNK, max_size=3),
                    "distribution": st.sampled_from(["uniform", "normal", "triangular", "weird"]),
                    "sd": JUNK,
                },
            ),
        ),
        max_size=2,
    ),
    JUNK,
)
EXPERIMENTS = st.fixed_dictionaries(
    {"scenario": st.sampled_from(["small.yaml", "korea-2025", "../x.yaml", "/etc/x.yaml", "nope"])},
    optional={
        "policies": st.fixed_dictionaries(
            {"vary": VARY},
            optional={"design": st.sampled_from(["grid", "monte_carlo", "latin_hypercube", "x"]), "points": JUNK},
        ),
        "futures": st.fixed_dictionaries(
            {"vary": VARY},
            optional={
                "design": st.sampled_from(["grid", "monte_carlo", "latin_hypercube"]),
                "points": st.one_of(JUNK, st.integers(1, 10**9)),
            },
        ),
        "replications": st.one_of(JUNK, st.integers(-5, 10**12)),
        "seed": st.one_of(JUNK, st.integers(-5, 10**30)),
        "keep": JUNK,
        "set": JUNK,
    },
)


@pytest.fixture(scope="module")
def experiment_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("experiments")
    (folder / "small.yaml").write_text("extends: korea-2025\ntime: {start: 2024Q1, end: 2024Q2}\n")
    return folder


@FUZZ
@given(document=EXPERIMENTS)
def test_generated_experiments_load_or_fail_cleanly(experiment_folder, document):
    from sim.experiments.spec import load_experiment

    path = experiment_folder / "fuzz.yaml"
    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except yaml.YAMLError:
        return
    path.write_text(text, encoding="utf-8")
    attempt(load_experiment, path, file_fragment="fuzz.yaml")


# ------------------------------------------------------------------------- the corpus
def _expected(path: Path) -> str:
    table = json.loads((CORPUS / "expect.json").read_text(encoding="utf-8"))
    if path.name in table:
        return table[path.name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: add '# expect: ...' or an entry in expect.json"
    return first[len("# expect: ") :]


CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.name not in ("expect.json", "README.md"))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_corpus_file_is_refused_with_one_clear_line(path, capsys):
    from sim.cli import main

    if path.name.endswith(".save.json"):
        command = ["replay", str(path), "--out", str(path.parent / "never")]
    elif path.name.endswith(".experiment.yaml"):
        command = ["sweep", str(path), "--dry-run"]
    else:
        command = ["run", str(path), "--seed", "0", "--out", str(path.parent / "never")]
    code = main(command)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("aisim: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert path.name in err and _expected(path) in err, err
    assert not (path.parent / "never").exists()
