"""Issue 10 (hardening): one regression test per item, each asserting the error contract.

The contract: a user's mistake gives one line on stderr naming the file, key path (and line
where known) and what was expected; exit code 2; no traceback; nothing half-written.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.core.files import (
    LOCK_NAME,
    FolderLock,
    atomic_write,
    check_output_folder,
    clean_stale_partials,
    read_user_bytes,
)
from sim.errors import ExperimentError, OutputError, SaveFileError, ScenarioError, UserError
from sim.saves import load_save, save_document, write_save
from sim.scenario import load_scenario, scenario_from_text
from sim.timeline import parse_quarter, quarter_label

SMALL_SCENARIO = (
    "extends: korea-2025\nname: small\ntime: {start: 2024Q1, end: 2024Q4}\npopulation: {adopter_rows: 300}\n"
)


def small_scenario(folder: Path, name: str = "small.yaml") -> Path:
    path = folder / name
    path.write_text(SMALL_SCENARIO, encoding="utf-8")
    return path


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_contract(code: int, err: str, *expected: str) -> None:
    """Exit 2, one line starting ``aisim: error:``, no traceback, and each expected fragment."""
    assert code == 2, err
    assert err.startswith("aisim: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, err


def scenario_error(tmp_path: Path, text: str, name: str = "bad.yaml") -> ScenarioError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message and len(message) <= 1000
    assert name in message
    return info.value


# ----------------------------------------------------------------------------- 1. --force
def test_force_refuses_the_working_folder_and_leaves_it_untouched(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_scenario(tmp_path)
    (tmp_path / "thesis.txt").write_text("years of work")
    code, _, err = cli(capsys, "run", "small.yaml", "--seed", "0", "--out", ".", "--force")
    assert_contract(code, err, "--force refused")
    assert (tmp_path / "thesis.txt").read_text() == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml", "thesis.txt"]


def test_force_refuses_home_even_with_a_run_json(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "run.json").write_text(json.dumps({"scenario_hash": "x", "seeds": [0], "versions": {}}))
    (home / "notes.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    code, _, err = cli(capsys, "run", small_scenario(tmp_path), "--seed", "0", "--out", home, "--force")
    assert_contract(code, err, "home folder")
    assert (home / "notes.txt").exists()


def test_force_refuses_a_folder_whose_run_json_is_not_aisims(tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "run.json").write_text('{"my": "own run.json"}')
    code, _, err = cli(capsys, "run", small_scenario(tmp_path), "--seed", "0", "--out", out, "--force")
    assert_contract(code, err, "does not hold an earlier aisim result")
    assert (out / "run.json").read_text() == '{"my": "own run.json"}'


def test_force_replaces_an_earlier_run_and_replay_follows_the_same_rule(tmp_path, capsys, small_korea):
    scenario = small_scenario(tmp_path)
    out = tmp_path / "out"
    assert cli(capsys, "run", scenario, "--seed", "0", "--out", out, "--quiet")[0] == 0
    assert cli(capsys, "run", scenario, "--seed", "1", "--out", out, "--quiet", "--force")[0] == 0
    assert json.loads((out / "run.json").read_text())["seeds"] == [1]
    save = write_save(tmp_path / "game.json", load_scenario(scenario), 2, {}, quarter=None)
    user = tmp_path / "user"
    user.mkdir()
    (user / "a.txt").write_text("x")
    code, _, err = cli(capsys, "replay", save, "--out", user, "--force")
    assert_contract(code, err, "--force refused")
    assert (user / "a.txt").exists()
    assert cli(capsys, "replay", save, "--out", out, "--force", "--quiet")[0] == 0


def test_force_on_a_symlink_names_its_target(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    code, _, err = cli(capsys, "run", small_scenario(tmp_path), "--seed", "0", "--out", link, "--force")
    assert_contract(code, err, "symbolic link", str(real))


# ----------------------------------------------------------------------------- 2. valid means runnable
@pytest.mark.parametrize("drop", ["strategy", "preferences"])
def test_omitted_optional_sections_get_their_defaults_and_run(drop):
    from sim.runner import simulate

    korea = load_scenario("korea-2025")
    document = json.loads(json.dumps(korea.document))
    document["population"]["adopter_rows"] = 300
    document["time"] = {"start": "2024Q1", "end": "2024Q2"}
    for item in document["firms"] + document.get("partners", []):
        item.pop(drop, None)
    from sim.scenario import scenario_from_document

    scenario = scenario_from_document(document, "dropped")
    section = "firms" if drop == "strategy" else "partners"
    assert all(item[drop] for item in scenario.sections[section])
    assert len(simulate(scenario, 0).quarters) == 2


# ----------------------------------------------------------------------------- 3. concurrent sweeps
EXPERIMENT = """
name: hardening
scenario: small.yaml
futures: {design: monte_carlo, points: 3, vary: [network_effect]}
seed: 3
keep: yearly
"""


@pytest.fixture()
def sweep_dir(tmp_path, capsys, monkeypatch):
    """A finished 3-run sweep in tmp_path/sw (experiment and scenario beside it)."""
    monkeypatch.chdir(tmp_path)
    small_scenario(tmp_path)
    (tmp_path / "exp.yaml").write_text(EXPERIMENT, encoding="utf-8")
    code, _, err = cli(capsys, "sweep", "exp.yaml", "--out", "sw", "--backend", "serial", "--flush-every", "1")
    assert code == 0, err
    return tmp_path / "sw"


def test_a_second_sweep_into_a_locked_folder_exits_2_naming_the_holder(sweep_dir, capsys):
    with FolderLock(sweep_dir):
        code, _, err = cli(capsys, "sweep", "exp.yaml", "--out", "sw", "--backend", "serial")
    assert_contract(code, err, "another sweep", f"pid {os.getpid()}")
    # a lock left by a dead process (no flock held) is taken over
    (sweep_dir / LOCK_NAME).write_text(json.dumps({"pid": 999_999_999, "host": "gone"}))
    code, _, err = cli(capsys, "sweep", "exp.yaml", "--out", "sw", "--backend", "serial")
    assert code == 0 and "Nothing to do" in err
    assert not (sweep_dir / LOCK_NAME).exists()


def test_parts_folder_is_one_parquet_dataset(sweep_dir):
    pytest.importorskip("pyarrow")
    assert {p.suffix for p in (sweep_dir / "parts").iterdir()} == {".parquet"}
    frame = pd.read_parquet(sweep_dir / "parts")
    assert sorted(frame["run_id"].unique()) == [0, 1, 2]
    polars = pytest.importorskip("polars")
    assert polars.scan_parquet(str(sweep_dir / "parts" / "*.parquet")).collect().height == len(frame)
    duckdb = pytest.importorskip("duckdb")
    query = f"select count(*) from read_parquet('{sweep_dir / 'parts' / '*.parquet'}')"
    assert duckdb.connect().execute(query).fetchone()[0] == len(frame)


def test_analyze_keeps_each_run_once_and_warns_on_an_unfinished_sweep(sweep_dir, capsys):
    commits = sweep_dir / "commits"
    # a second sweep (before locking existed) recorded run 0 again
    first = json.loads((commits / "part-000001.json").read_text())
    data = first["data"]
    (sweep_dir / "parts" / data.replace("000001", "000009")).write_bytes((sweep_dir / "parts" / data).read_bytes())
    (commits / "part-000009.json").write_text(json.dumps(dict(first, data=data.replace("000001", "000009"))))
    code, out, err = cli(capsys, "analyze", "sw", "--no-charts")
    assert code == 0, err
    assert "3 runs analysed" in out and "recorded more than once" in out
    summary = pd.read_csv(sweep_dir / "analysis" / "summary.csv")
    assert len(summary)
    for name in ("part-000009.json", "part-000003.json"):
        (commits / name).unlink()
    code, out, err = cli(capsys, "analyze", "sw", "--no-charts")
    assert code == 0 and "unfinished" in out and "2 of 3 runs" in out


def test_a_flush_repeated_after_ctrl_c_does_not_record_runs_twice(sweep_dir):
    from sim.experiments.store import ResultStore

    store = ResultStore.open(sweep_dir)
    rows = [{"run_id": 7, "year": 2024, "x": 1.0}]
    assert store.write_partition(rows, [7], {}) is not None
    # Ctrl-C landed after the record was written, before the caller cleared its buffer
    assert store.write_partition(rows, [7], {}) is None
    assert sorted(store.status()[0]) == [0, 1, 2, 7]


@pytest.mark.parametrize("when", ["renamed", "not renamed"])
def test_ctrl_c_inside_the_commit_write_records_each_run_once(sweep_dir, monkeypatch, when):
    """A Ctrl-C can land inside the commit's own write: after the record is renamed into place (while
    its folder is synced) or before. The sweep then flushes the same runs again; they must end up
    committed exactly once (seen once in a full test run as a duplicate after a Ctrl-C)."""
    from sim.core import files
    from sim.experiments.store import ResultStore

    store = ResultStore.open(sweep_dir)
    rows = [{"run_id": 7, "year": 2024, "x": 1.0}]
    target = "_fsync_dir" if when == "renamed" else "_umask"
    original = getattr(files, target)
    calls = {"n": 0}

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] == 2:  # the data file's write passes; the commit record's is interrupted
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(files, target, interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.write_partition(rows, [7], {})
    store.write_partition(rows, [7], {})  # the flush after Ctrl-C
    records = [json.loads(p.read_text()) for p in sorted((sweep_dir / "commits").glob("part-*.json"))]
    assert sorted(i for r in records for i in r["ok"]) == [0, 1, 2, 7]


# ----------------------------------------------------------------------------- 4. malformed input
@pytest.mark.parametrize(
    "text, fragment",
    [
        ("time: {start: 2024-02-31, end: 2025Q4}", "time.start"),
        ("population: {adopter_rows: 1" + "0" * 5000 + "}", "too large"),
        ("population: {adopter_rows: 1.0e+400}", "finite"),
        ("currency: {krw_per_usd: !!float abc}", "is not a number"),
        ("currency: {krw_per_usd: !!int abc}", "is not a whole number"),
        ("firms: [{frontier_lab: !!bool maybe}]", "is not true or false"),
        ("set: {network_effect: !!binary aGVsbG8=}", "binary data"),
        ("set: !!set {a, b}", "a set"),
        ('extends: "korea\\0-2025"', "NUL"),
        ("events: [{id: x, title: t, at: 2024Q1, effects: [{parameter: network_effect, value: 2024-01-01}]}]", "value"),
    ],
)
def test_malformed_scenario_values_give_one_line(tmp_path, text, fragment):
    error = scenario_error(tmp_path, "extends: korea-2025\n" + text + "\n" if "extends" not in text else text + "\n")
    assert fragment in str(error)


def test_deep_nesting_is_refused_in_yaml_and_json(tmp_path):
    error = scenario_error(tmp_path, "set: " + "[" * 500 + "]" * 500 + "\n")
    assert "nested more than" in str(error)
    save = tmp_path / "deep.json"
    save.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SaveFileError, match="nested"):
        load_save(save)


def test_tiny_steps_are_refused(tmp_path):
    korea = load_scenario("korea-2025")
    name = next(s.name for s in korea.parameters if s.type == "number" and s.kind == "uncertainty")
    (tmp_path / "small.yaml").write_text(SMALL_SCENARIO)
    path = tmp_path / "exp.yaml"
    path.write_text(
        f"scenario: small.yaml\nfutures: {{design: monte_carlo, points: 2, vary: {{{name}: {{step: 5.0e-324}}}}}}\n"
    )
    from sim.experiments.spec import load_experiment

    with pytest.raises(ExperimentError, match="step .* is too small"):
        load_experiment(path)


def test_huge_numbers_in_an_experiment_are_refused(tmp_path):
    from sim.experiments.spec import load_experiment

    (tmp_path / "small.yaml").write_text(SMALL_SCENARIO)
    for key, value in (("seed", "9" * 5000), ("seed", "1e308"), ("replications", "10" * 200)):
        path = tmp_path / "exp.yaml"
        path.write_text(f"scenario: small.yaml\nfutures: {{vary: [network_effect]}}\n{key}: {value}\n")
        with pytest.raises(ExperimentError) as info:
            load_experiment(path)
        assert key in str(info.value) or "too large" in str(info.value)


def test_unwritable_screenshot_and_analyze_out_exit_2(sweep_dir, capsys, tmp_path):
    (tmp_path / "file.txt").write_text("not a folder")
    code, _, err = cli(capsys, "play", "--headless", "--screenshot", "file.txt/shot.png")
    assert_contract(code, err, "--screenshot")
    code, _, err = cli(capsys, "analyze", "sw", "--no-charts", "--out", "file.txt/analysis")
    assert_contract(code, err, "analysis")
    code, _, err = cli(capsys, "analyze", "sw", "--no-charts", "--out", "x" * 300)
    assert_contract(code, err, "255")


@pytest.mark.parametrize("damage", ["stray", "truncated", "deleted data", "bad data", "escape"])
def test_corrupt_sweep_folders_are_explained_by_analyze_and_repaired_by_resume(sweep_dir, capsys, damage):
    commits, parts = sweep_dir / "commits", sweep_dir / "parts"
    record = commits / "part-000002.json"
    data = parts / json.loads(record.read_text())["data"]
    if damage == "stray":
        (commits / "part-x.json").write_text("{}")
    elif damage == "truncated":
        record.write_text(record.read_text()[:10])
    elif damage == "deleted data":
        data.unlink()
    elif damage == "bad data":
        data.write_bytes(data.read_bytes()[:20])
    else:
        record.write_text(json.dumps(dict(json.loads(record.read_text()), data="../../../etc/passwd")))
    code, _, err = cli(capsys, "analyze", "sw", "--no-charts")
    assert_contract(code, err, "run the same `aisim sweep` command again")
    assert "root:" not in err
    code, _, err = cli(capsys, "sweep", "exp.yaml", "--out", "sw", "--backend", "serial")
    assert code == 0, err
    code, out, err = cli(capsys, "analyze", "sw", "--no-charts")
    assert code == 0 and "3 runs analysed" in out and "unfinished" not in out, err


# ----------------------------------------------------------------------------- 5. hangs and memory
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_and_devices_are_refused_before_reading(tmp_path, capsys):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    for target in (fifo, zero):
        code, _, err = cli(capsys, "validate", target)
        assert code == 2 and "not a regular file" in err
        with pytest.raises(SaveFileError, match="not a regular file"):
            load_save(target)
        code, _, err = cli(capsys, "sweep", target)
        assert_contract(code, err, "not a regular file")
    os.mkfifo(tmp_path / "base.yaml")
    error = scenario_error(tmp_path, "extends: base.yaml\n", "child.yaml")
    assert "not a regular file" in str(error)


def test_read_user_bytes_never_reads_past_the_cap(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(UserError, match="more than the 1,000"):
        read_user_bytes(big, limit=1000)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("population: {adopter_rows: 20000000}", "adopter_rows"),
        ("time: {start: 2024Q1, end: 9999Q4}", "quarters, more than"),
    ],
)
def test_scenario_limits(tmp_path, text, fragment):
    assert fragment in str(scenario_error(tmp_path, "extends: korea-2025\n" + text + "\n"))


def test_experiment_and_run_limits(tmp_path, capsys):
    from sim.experiments.spec import load_experiment

    (tmp_path / "small.yaml").write_text(SMALL_SCENARIO)
    path = tmp_path / "exp.yaml"
    path.write_text("scenario: small.yaml\nfutures: {design: monte_carlo, points: 5000000, vary: [network_effect]}\n")
    with pytest.raises(ExperimentError, match="points"):
        load_experiment(path)
    code, _, err = cli(capsys, "run", tmp_path / "small.yaml", "--seeds", "100000")
    assert_contract(code, err, "--seeds must be at most")
    code, _, err = cli(capsys, "run", tmp_path / "small.yaml", "--workers", "100000")
    assert_contract(code, err, "--workers must be from 1")


def test_workers_are_capped_at_the_seeds(monkeypatch, tmp_path):
    import sim.runner

    asked = []
    real = sim.runner.process_pool

    def spy(workers, *args, **kwargs):
        asked.append(workers)
        return real(workers, *args, **kwargs)

    monkeypatch.setattr(sim.runner, "process_pool", spy)
    scenario = load_scenario(small_scenario(tmp_path))
    result = sim.runner.run_scenario(scenario, seeds=[0, 1], workers=64)
    assert asked == [2] and result.seeds == [0, 1]


def test_a_large_run_prints_an_estimate_first():
    from sim.cli import estimate_text

    korea = load_scenario("korea-2025")
    assert estimate_text(korea, 1, 1) is None
    assert "estimate: about" in estimate_text(korea, 5000, 2)


# ----------------------------------------------------------------------------- 6. saves hold only decisions
@pytest.fixture()
def small_save(tmp_path, tiny_korea):
    return tmp_path / "game.json", tiny_korea


def _save(path: Path, scenario, decisions, quarter=None, edit=None) -> Path:
    document = save_document(scenario, 1, decisions, quarter)
    if edit:
        edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_saves_refuse_settings_uncertainties_and_late_decisions(small_save):
    path, scenario = small_save
    for kind in ("setting", "uncertainty"):
        spec = next(s for s in scenario.parameters if s.kind == kind)
        _save(path, scenario, {scenario.start: {spec.name: spec.default}}, scenario.start + 2)
        with pytest.raises(SaveFileError, match=f"is an? {kind}, not a lever"):
            load_save(path)
    lever = next(s for s in scenario.parameters if s.kind == "lever")
    _save(path, scenario, {scenario.start + 3: {lever.name: lever.default}}, scenario.start + 2)
    with pytest.raises(SaveFileError, match="after the quarter the game reached"):
        load_save(path)


def test_editing_only_the_seed_is_refused(small_save):
    path, scenario = small_save
    _save(path, scenario, {}, scenario.start, edit=lambda d: d.update(seed=2))
    with pytest.raises(SaveFileError, match="checksum"):
        load_save(path)
    _save(path, scenario, {}, scenario.start, edit=lambda d: d.pop("checksum"))
    with pytest.raises(SaveFileError, match="no checksum"):
        load_save(path)


def test_role_decisions_are_checked_as_a_lesson_checks_them(small_save):
    path, scenario = small_save
    firm, partner = scenario.firms[0]["id"], scenario.partners[0].id
    ok = {scenario.start: {f"firm:{firm}": {"price": 1.0}, f"partner:{partner}": {}}}
    assert load_save(_save(path, scenario, ok, scenario.start + 1)).decisions == ok
    for decision, message in (
        ({"firm:nobody": {}}, "no firm named"),
        ({f"partner:{partner}": 3}, "expected a mapping"),
        # the fields too, as a lesson checks them: they failed later, naming neither the file nor the key
        ({f"firm:{firm}": {"price": "cheap"}}, "price: expected a number"),
        ({f"firm:{firm}": {"zzz": 1}}, "unknown firm decision 'zzz'"),
        ({f"partner:{partner}": {"provider": "nobody"}}, "provider: unknown firm 'nobody'"),
    ):
        _save(path, scenario, {scenario.start: decision}, scenario.start + 1)
        with pytest.raises(SaveFileError, match=message) as info:
            load_save(path)
        assert info.value.file == str(path) and info.value.path.startswith("decisions[0].decision")


def test_saves_with_lone_surrogates_or_huge_seeds_are_refused(small_save):
    path, scenario = small_save
    document = save_document(scenario, 1, {}, scenario.start)
    text = json.dumps(document).replace('"extra": {}', '"extra": {"x": "\\ud800"}')
    path.write_text(text)
    with pytest.raises(SaveFileError, match="surrogate"):
        load_save(path)
    path.write_text(json.dumps(document).replace('"seed": 1', '"seed": 1' + "0" * 5000))
    with pytest.raises(SaveFileError):
        load_save(path)


# ----------------------------------------------------------------------------- 8. killed while creating
def test_a_sweep_killed_while_creating_its_folder_starts_again(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_scenario(tmp_path)
    (tmp_path / "exp.yaml").write_text(EXPERIMENT, encoding="utf-8")
    (tmp_path / "sw" / "parts").mkdir(parents=True)
    (tmp_path / "sw" / "design.csv").write_text("point\n")
    code, _, err = cli(capsys, "analyze", "sw")
    assert_contract(code, err, "killed while its folder was being created")
    code, _, err = cli(capsys, "sweep", "exp.yaml", "--out", "sw", "--backend", "serial")
    assert code == 0, err
    assert (tmp_path / "sw" / "manifest.json").exists()


# ----------------------------------------------------------------------------- 9. paths
@pytest.mark.parametrize(
    "reference, fragment",
    [
        ("/etc/passwd.yaml", "absolute path is not allowed"),
        ("../outside.yaml", "leads outside this file's folder"),
        ("../../scenarios/korea-2025", "bundled scenario name"),
        ("Korea_2025", "bundled scenario name"),
    ],
)
def test_extends_stays_where_the_file_is(tmp_path, reference, fragment):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "outside.yaml").write_text(SMALL_SCENARIO)
    error = scenario_error(inner, f"extends: {json.dumps(reference)}\n", "child.yaml")
    assert fragment in str(error) and error.path == "extends"


def test_extends_resolves_relative_to_the_including_file(tmp_path, monkeypatch):
    (tmp_path / "lib").mkdir()
    small_scenario(tmp_path / "lib", "base.yaml")
    (tmp_path / "lib" / "child.yaml").write_text("extends: base.yaml\nname: child\n")
    monkeypatch.chdir("/")
    assert load_scenario(tmp_path / "lib" / "child.yaml").quarters == 4


def test_a_non_scenario_file_is_never_quoted(tmp_path):
    (tmp_path / "secret.yaml").write_text("password-for-the-bank: hunter2\n")
    path = tmp_path / "child.yaml"
    path.write_text("extends: secret.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert "not an aisim scenario" in str(error) and "secret.yaml" in str(error)
    assert "hunter2" not in str(error) and "password" not in str(error)


def test_a_non_experiment_file_is_never_quoted(tmp_path, capsys):
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (tmp_path / "keys.yaml").write_text("aws_secret: abc123\n")
    for name in ("passwd", "keys.yaml"):
        code, _, err = cli(capsys, "sweep", tmp_path / name)
        assert_contract(code, err, "not an aisim experiment")
        assert "root:x" not in err and "abc123" not in err and "aws_secret" not in err


def test_over_long_scenario_names_are_one_line(capsys):
    code, _, err = cli(capsys, "run", "x" * 300, "--seed", "0")
    assert_contract(code, err, "File name too long")


def test_outside_paths_are_fine_from_the_command_line(tmp_path, capsys):
    path = small_scenario(tmp_path)
    code, out, _ = cli(capsys, "validate", path)
    assert code == 0 and "ok:" in out


# ----------------------------------------------------------------------------- 10. smaller ones
def test_duplicate_keys_name_both_lines(tmp_path):
    error = scenario_error(tmp_path, "extends: korea-2025\nname: a\nname: b\n")
    assert "duplicate key 'name' (first on line 2, again on line 3)" in str(error)


def test_control_characters_and_long_values_stay_on_one_short_line(tmp_path):
    error = scenario_error(tmp_path, 'extends: korea-2025\n"bad\\nkey\\u0007": 1\n')
    assert "\\n" in str(error)
    error = scenario_error(tmp_path, "extends: korea-2025\nname: " + "X" * 100_000 + "\n")
    assert len(str(error)) < 400


def test_many_events_without_aliases_are_not_an_alias_bomb(tmp_path):
    events = "".join(f"  - {{id: e{i}, title: t, at: 2024Q1}}\n" for i in range(20_000))
    scenario = scenario_from_text(SMALL_SCENARIO + "events:\n" + events, str(tmp_path / "many.yaml"))
    assert len(scenario.events) >= 20_000
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    with pytest.raises(ScenarioError, match="alias bomb"):
        scenario_from_text(bomb, "bomb.yaml")


def test_stale_partial_folders_are_cleaned(tmp_path, capsys):
    out = tmp_path / "out"
    dead = tmp_path / ".out.partial-999999999-abc"
    dead.mkdir()
    (dead / "quarters.csv").write_text("half")
    assert cli(capsys, "run", small_scenario(tmp_path), "--seed", "0", "--out", out, "--quiet")[0] == 0
    assert not dead.exists()
    mine = tmp_path / f".out.partial-{os.getpid()}-abc"
    mine.mkdir()
    assert clean_stale_partials(out) == [] and mine.exists()


def test_result_files_respect_the_umask(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert cli(capsys, "run", small_scenario(tmp_path), "--seed", "0", "--out", out, "--quiet")[0] == 0
        assert stat.S_IMODE((out / "run.json").stat().st_mode) == 0o644
        assert stat.S_IMODE(out.stat().st_mode) == 0o755
        atomic_write(tmp_path / "a.txt", "x")
        assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    finally:
        os.umask(old)


@pytest.mark.parametrize("value, fragment", [("", "--out: got empty text"), ("x" * 256, "255")])
def test_bad_out_names_are_refused(tmp_path, capsys, value, fragment):
    code, _, err = cli(capsys, "run", small_scenario(tmp_path), "--seed", "0", "--out", value)
    assert_contract(code, err, fragment)


def test_only_ascii_digits_make_quarters():
    assert parse_quarter("2026Q1") == 2026 * 4
    assert parse_quarter("２０２６Q1") is None
    assert parse_quarter("٢٠٢٦Q1") is None
    assert parse_quarter("2024-02-31") is None


def test_atomic_write_leaves_no_temporary_file_on_error(tmp_path):
    def boom(path):
        Path(path).write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left"):
        atomic_write(tmp_path / "x.csv", boom)
    assert list(tmp_path.iterdir()) == []


def test_check_output_folder_accepts_new_and_empty_folders(tmp_path):
    assert check_output_folder(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty")


def test_a_scenario_with_no_initial_adoption_runs():
    from sim.runner import simulate
    from sim.scenario import scenario_from_document

    document = json.loads(json.dumps(load_scenario("korea-2025").document))
    document["population"]["adopter_rows"] = 300
    document["time"] = {"start": "2024Q1", "end": "2024Q2"}
    for segment in document["segments"].values():
        segment["initial_adoption"] = 0.0
    for firm in document["firms"]:
        firm.pop("initial_share", None)
    assert len(simulate(scenario_from_document(document, "no-adoption"), 0).quarters) == 2


def test_stopping_a_pool_waits_for_its_manager_thread_so_exit_prints_no_traceback():
    """Python's exit hook races a pool's manager thread for a pipe the thread closes as it ends;
    stopping a pool must leave no live manager thread (and a clean interpreter exit)."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import threading, time
        from sim.pool import process_pool, stop_process_pool
        if __name__ == "__main__":
            threading.Thread(target=time.sleep, args=(0.01,)).start()  # a thread, as in the game
            pool = process_pool(2)
            for _ in range(4):
                pool.submit(time.sleep, 0.05)
            time.sleep(0.02)
            manager = pool._executor_manager_thread
            stop_process_pool(pool)
            assert not manager.is_alive(), "manager thread still running"
            print("stopped")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"
    assert "Traceback" not in done.stderr


# -- files named inside files, and files aisim finds itself (the hostile-input sweep of 27 Nov) ----------
POINTS_EXPERIMENT = "scenario: korea-2025\npoints: {points}\nreplications: 1\n"


@pytest.mark.parametrize(
    ("points", "fragment"),
    [
        ("/etc/passwd", "absolute path is not allowed"),
        ("../secret.csv", "leads outside this file's folder"),
        ("link.csv", "leads outside this file's folder"),  # a link to a file outside
        ("fifo.csv", "not a regular file"),
        ("latin1.csv", "not UTF-8 text"),
        ("twice.csv", "column 'network_effect' appears more than once"),
        ("wide.csv", "not a readable CSV file"),
    ],
)
def test_a_points_file_is_read_like_every_user_file_and_stays_beside_its_experiment(tmp_path, capsys, points, fragment):
    """`points:` took absolute paths, ../ and links out of the folder, and quoted the file's first line (an
    experiment naming /etc/shadow printed root's entry); a pipe hung, /dev/zero ate memory, and a latin-1 file
    or a huge field gave a traceback."""
    (tmp_path / "secret.csv").write_text("API_KEY=sk-secret-123\n1\n")
    inner = tmp_path / "exp"
    inner.mkdir()
    (inner / "link.csv").symlink_to(tmp_path / "secret.csv")
    os.mkfifo(inner / "fifo.csv")
    (inner / "latin1.csv").write_bytes("network_effect\n0.5\xe9\n".encode("latin-1"))
    (inner / "twice.csv").write_text("network_effect,network_effect\n0.1,0.2\n")
    (inner / "wide.csv").write_text("network_effect\n" + "1" * 200_000 + "\n")
    experiment = inner / "e.yaml"
    experiment.write_text(POINTS_EXPERIMENT.format(points=points))
    code, _, err = cli(capsys, "sweep", experiment, "--dry-run")
    assert_contract(code, err, fragment)
    assert "sk-secret" not in err and "root:" not in err


def test_a_lessons_scenario_stays_beside_it(tmp_path):
    """Lessons are handed to students: `scenario:` took an absolute path or ../ (and a class pack kept a path
    on the teacher's machine)."""
    from classroom_helpers import SMALL_LESSON

    from sim.classroom.lesson import LessonError, load_lesson

    inner = tmp_path / "class"
    inner.mkdir()
    small_scenario(tmp_path, "outside.yaml")
    for ref, fragment in ((str(tmp_path / "outside.yaml"), "absolute path"), ("../outside.yaml", "outside this")):
        path = inner / "l.yaml"
        path.write_text(SMALL_LESSON.replace("scenario: korea-2025", f"scenario: {json.dumps(ref)}"))
        with pytest.raises(LessonError) as info:
            load_lesson(path)
        assert fragment in str(info.value) and info.value.path == "scenario"


def test_the_lesson_list_passes_over_pipes_and_devices(tmp_path):
    """`aisim lessons` read every *.yaml here whole: a pipe hung it for ever, a link to /dev/zero ate memory."""
    from sim.classroom.lesson import local_lessons

    (tmp_path / "lessons").mkdir()
    os.mkfifo(tmp_path / "lessons" / "fifo.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    assert local_lessons(tmp_path) == []


def test_a_settings_file_that_is_a_pipe_or_too_deep_gives_the_defaults(tmp_path):
    """The game blocked for ever (deaf to SIGTERM) opening a settings.json that was a pipe, and a deeply nested
    one gave a RecursionError traceback; settings are a convenience: damaged, they are the defaults."""
    from sim.game.settings import Settings, load_settings

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000)
    assert load_settings(fifo) == Settings() and load_settings(deep) == Settings()


@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        ("link.yaml", "is a symbolic link"),
        ("dangling.yaml", "is a symbolic link"),
        ("folder", "is a folder"),
        ("notes.txt", "expected a .yaml file name"),
        ("/proc/no/x.yaml", "cannot write file"),
    ],
)
def test_lesson_new_writes_only_a_new_yaml_file_of_its_own(tmp_path, capsys, monkeypatch, out, fragment):
    """`aisim lesson new --out` wrote through a link (with --force it overwrote the link's target; without,
    a dangling link made a file elsewhere) and gave tracebacks for a folder or an unwritable place."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "target.yaml").write_text("keep me\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "target.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "made-elsewhere.yaml")
    (tmp_path / "folder").mkdir()
    code, _, err = cli(capsys, "lesson", "new", "ok", "--out", out, "--force")
    assert_contract(code, err, fragment)
    assert (tmp_path / "target.yaml").read_text() == "keep me\n" and not (tmp_path / "made-elsewhere.yaml").exists()
    code, printed, err = cli(capsys, "lesson", "new", "ok", "--out", "new/ok.yaml")
    assert code == 0 and (tmp_path / "new" / "ok.yaml").read_text().startswith("#")


@pytest.mark.parametrize("seed", [str(2**63), "99999999999999999999", "-1"])
def test_play_takes_only_seeds_a_save_can_hold(capsys, seed):
    """`play --seed 99999999999999999999` ran, then its autosave was refused by replay and --load: a game that
    could never be resumed."""
    code, _, err = cli(capsys, "play", "--headless", "--seed", seed)
    assert_contract(code, err, "--seed must be from 0 to 2**63-1")


def test_a_class_pack_carries_its_lessons_scenario_file_and_force_spares_student_saves(tmp_path, capsys):
    """`class new` left a lesson's local scenario file out of the pack (students' games failed: scenario not
    found), and could not replace its own earlier pack although its help says --force replaces a folder."""
    from classroom_helpers import SMALL_LESSON

    from sim.classroom.lesson import load_lesson

    (tmp_path / "teacher").mkdir()
    (tmp_path / "teacher" / "base.yaml").write_text(SMALL_SCENARIO.replace("2024Q4", "2025Q4"))
    lesson = tmp_path / "teacher" / "l.yaml"
    lesson.write_text(SMALL_LESSON.replace("scenario: korea-2025", "scenario: base.yaml"))
    pack = tmp_path / "pack"
    code, _, err = cli(capsys, "class", "new", lesson, "--out", pack)
    assert code == 0, err
    packed = next(p for p in pack.glob("*.yaml") if p.name != "base.yaml")
    assert load_lesson(packed).content_hash == load_lesson(lesson).content_hash  # the same lesson, anywhere
    code, _, err = cli(capsys, "class", "new", lesson, "--out", pack, "--force")
    assert code == 0, err
    (pack / "saves" / "team-blue.json").write_text("{}")
    code, _, err = cli(capsys, "class", "new", lesson, "--out", pack, "--force")
    assert_contract(code, err, "holds 1 student save(s)")
    assert (pack / "saves" / "team-blue.json").exists()


def test_analyze_refuses_a_sample_salib_cannot_take_and_an_edited_manifest(sweep_dir, capsys):
    """`analyze --method morris` on three Monte Carlo points (not Morris trajectories) and `--levels 1` ended in
    ZeroDivisionError tracebacks; a manifest whose `varied` was edited in KeyError or AttributeError ones."""
    pytest.importorskip("SALib")
    code, _, err = cli(capsys, "analyze", sweep_dir, "--method", "morris", "--no-charts")
    assert_contract(code, err, "3 points is not a Morris sample of 1 parameters")
    code, _, err = cli(capsys, "analyze", sweep_dir, "--levels", "1", "--no-charts")
    assert_contract(code, err, "--levels: expected the Morris sample's num_levels, at least 2, got 1")
    manifest = json.loads((sweep_dir / "manifest.json").read_text())
    for varied, fragment in (
        ([1, 2], "varied: expected a mapping"),
        ({"zzz": {"kind": "lever", "type": "float"}}, "'zzz'"),
    ):
        (sweep_dir / "manifest.json").write_text(json.dumps({**manifest, "varied": varied}))
        code, _, err = cli(capsys, "analyze", sweep_dir, "--no-charts")
        assert_contract(code, err, fragment, "edited or damaged")


def test_analyze_morris_refuses_choice_parameters(tmp_path, capsys, monkeypatch):
    pytest.importorskip("SALib")
    monkeypatch.chdir(tmp_path)
    small_scenario(tmp_path)
    (tmp_path / "e.yaml").write_text(
        "scenario: small.yaml\npolicies: {vary: {partnership_review: [allow, block]}}\nseed: 1\nkeep: final_year\n"
    )
    code, _, err = cli(capsys, "sweep", "e.yaml", "--out", "sw", "--backend", "serial")
    assert code == 0, err
    code, _, err = cli(capsys, "analyze", "sw", "--method", "sobol", "--no-charts")
    assert_contract(code, err, "needs numeric parameters, but partnership_review takes choices (allow, block)")
    # refused before anything is written: summary.csv and sensitivity.csv were left behind
    assert not (tmp_path / "sw" / "analysis").exists()
    code, _, err = cli(capsys, "analyze", "sw", "--method", "morris", "--no-charts", "--out", "a01")
    assert code == 2 and not (tmp_path / "a01").exists()


@pytest.mark.parametrize("address", ["not a url", "tcp://127.0.0.1:abc", "foo://bar:1", "tcp://[::1", ""])
def test_a_malformed_scheduler_address_is_one_line(tmp_path, capsys, address):
    """A malformed --scheduler gave a 55-line traceback from Dask (an empty one was silently ignored)."""
    code, _, err = cli(capsys, "sweep", "exp.yaml", "--out", tmp_path / "o", "--scheduler", address)
    assert_contract(
        code, err, "--scheduler: expected a Dask scheduler address" if address else "--scheduler: got empty"
    )


def test_analyze_never_writes_into_the_sweeps_own_folders(sweep_dir, capsys):
    """`analyze --out DIR/parts` wrote CSVs and PNGs among the Parquet parts: pandas could no longer read them."""
    for inside in ("parts", "parts/deeper", "commits"):
        code, _, err = cli(capsys, "analyze", sweep_dir, "--out", sweep_dir / inside, "--no-charts")
        assert_contract(code, err, f"inside the sweep's {inside.split('/')[0]}/ folder")
    assert not (sweep_dir / "parts" / "deeper").exists()


@pytest.mark.parametrize("kind", ["scenario", "experiment"])
def test_a_name_too_long_for_a_folder_is_refused_when_validated(tmp_path, capsys, kind):
    """A 10,000-character scenario name (300 for an experiment) validated, then `run` failed saying '--out is
    10,021 bytes long', an option the user never gave."""
    name = "n" * 101
    if kind == "scenario":
        path = tmp_path / "s.yaml"
        path.write_text(SMALL_SCENARIO.replace("name: small", f"name: {name}"))
        code, _, err = cli(capsys, "validate", path)
    else:
        small_scenario(tmp_path)
        path = tmp_path / "e.yaml"
        path.write_text(EXPERIMENT.replace("name: hardening", f"name: {name}"))
        code, _, err = cli(capsys, "sweep", path, "--dry-run")
    assert_contract(code, err, "name: expected a name", "at most 100")


def test_a_market_whose_firms_all_enter_later_runs_without_numpy_warnings(korea):
    """With no firm in the market at the start the calibration divided 0 by 0 and overflowed an exp: NumPy
    printed RuntimeWarnings on stderr (the outputs were sound)."""
    import warnings

    from sim.model.model import AIMarketModel
    from sim.scenario import scenario_from_document

    document = json.loads(json.dumps(korea.document))
    document["population"]["adopter_rows"] = 300
    document["time"] = {"start": "2024Q1", "end": "2024Q4"}
    for firm in document["firms"]:
        firm["enters"] = "2024Q3"
        firm.pop("initial_share", None)
    scenario = scenario_from_document(document, "late")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = AIMarketModel(scenario, seed=0)
        model.run()
    assert len(model.history) == 4 and all(np.isfinite(row["hhi"]) for row in model.history)


# -- messages in aisim's words: no Python type names, interpreter hints or made-up key paths -------------------
PYTHON_WORDS = re.compile(r"NoneType|got (int|str|list|dict|float|bool|tuple)\b|sys\.set|unhashable|Exceeds the limit")


@pytest.mark.parametrize(
    ("name", "text", "fragments"),
    [
        ("null.yaml", "~\n", ["expected a mapping of sections, got nothing (null)"]),
        ("list.yaml", "- 1\n", ["expected a mapping of sections, got a list"]),
        ("tag.yaml", "name: x\nfirms:\n  - id: a\n    capability: !!float abc\n", [":4: firms[0].capability:", "abc"]),
        ("key.yaml", "name: x\nfirms:\n  ? [a, b]\n  : 1\n", [":3: firms: a key must be text"]),
    ],
)
def test_scenario_messages_say_what_was_found_in_plain_words(tmp_path, capsys, name, text, fragments):
    """A null document said 'got NoneType', a complex key 'found unhashable key' and a bad !!float had no key path."""
    (tmp_path / name).write_text(text)
    code, _, err = cli(capsys, "run", tmp_path / name, "--out", tmp_path / "out")
    assert_contract(code, err, *fragments)
    assert not PYTHON_WORDS.search(err), err


def test_an_experiment_and_a_save_say_what_they_found_in_plain_words(tmp_path, capsys):
    (tmp_path / "e.yaml").write_text("~\n")
    code, _, err = cli(capsys, "sweep", tmp_path / "e.yaml", "--dry-run")
    assert_contract(code, err, "got nothing (null)")
    (tmp_path / "big.json").write_text('{"format": "aisim-save", "seed": ' + "9" * 5000 + "}")
    code, _, err = cli(capsys, "replay", tmp_path / "big.json", "--out", tmp_path / "out")
    assert_contract(code, err, "a number with 5,000 digits is too large")
    assert not PYTHON_WORDS.search(err), err
    (tmp_path / "pts.csv").write_text("network_effect\n0.5\nlots\n")
    (tmp_path / "p.yaml").write_text(POINTS_EXPERIMENT.format(points="pts.csv"))
    code, _, err = cli(capsys, "sweep", tmp_path / "p.yaml", "--dry-run")
    assert_contract(code, err, "pts.csv:3: network_effect:")  # the line names the row: no 'row 3' key path
    assert "row" not in err


def test_a_firm_decision_that_is_not_a_mapping_says_what_it_is():
    from sim.model.policies import check_firm_decision

    with pytest.raises(ValueError, match="got a list") as info:
        check_firm_decision([1, 2])  # type: ignore[arg-type]
    assert not PYTHON_WORDS.search(str(info.value))


@pytest.mark.parametrize(("written", "rows"), [("3e2", 300), ("0.3e3", 300), ("300.", 300), ("0300", 300)])
def test_yaml_numbers_are_read_as_a_person_writes_them(tmp_path, written, rows):
    """YAML 1.1 read 3e2 as text ('expected a whole number, got text') and 0300 as octal 192."""
    path = tmp_path / "s.yaml"
    path.write_text(SMALL_SCENARIO.replace("adopter_rows: 300", f"adopter_rows: {written}"))
    assert load_scenario(path).population.adopter_rows == rows


@pytest.mark.parametrize("written", ["0x12C", "3_00", "0:5:0", "0o454"])
def test_yaml_number_forms_nobody_means_are_refused_as_text(tmp_path, written):
    """YAML 1.1 took 0x12C and 3_00 as 300 and the sexagesimal 0:5:0 as 300."""
    error = scenario_error(tmp_path, SMALL_SCENARIO.replace("adopter_rows: 300", f"adopter_rows: {written}"))
    assert error.path == "population.adopter_rows" and f"got text '{written}'" in error.message


def _signed_save(path: Path, scenario, decisions, extra=None) -> Path:
    """A save edited by a buggy writer (or by hand) and signed again: its checksum matches its content."""
    from sim.saves import save_checksum

    document = save_document(scenario, 1, decisions, scenario.start + 1, extra=extra)
    document["checksum"] = save_checksum(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("role_decisions", "fragment"),
    [
        ([1, 2], "extra.role_decisions: expected a mapping of quarters"),
        ({"2024Q1": "x"}, "expected a mapping of roles to their decisions, got text 'x'"),
        ({"2024Q1": {"regulator": "x"}}, "'regulator': expected a mapping of decisions"),
        ({"2024Q1": {"regulator": {"act_stringency": 99}}}, "act_stringency: expected a number from 0 to 2"),
        ({"2099Q1": {"regulator": {}}}, "expected a quarter in"),
    ],
)
def test_a_lesson_saves_decisions_by_role_are_checked_as_its_decisions_are(small_save, role_decisions, fragment):
    """extra.role_decisions was not checked at all: replay and --load took such saves, then the debrief died
    with an AttributeError traceback."""
    path, scenario = small_save
    _signed_save(path, scenario, {}, extra={"team": "t", "role_decisions": role_decisions})
    with pytest.raises(SaveFileError, match=re.escape(fragment)):
        load_save(path)


def test_a_lever_saved_as_text_is_read_as_its_number(small_save, capsys, tmp_path):
    """A lever saved as the text "2" passed the checks and stayed text: the debrief died formatting it."""
    path, scenario = small_save
    _signed_save(path, scenario, {scenario.start: {"act_stringency": "2"}})
    assert load_save(path).decisions[scenario.start]["act_stringency"] == 2.0
    code, _, err = cli(capsys, "debrief", path, "--out", tmp_path / "debrief", "--workers", "1")
    assert code == 0, err


def test_objectives_whose_weights_are_all_zero_are_refused(tmp_path):
    """Accepted before: the score was then 0/100 (grade E) with every objective met."""
    objective = "{id: o1, label: {en: fine, ko: 좋음}, metric: hhi, op: '>=', target: 0, weight: 0}"
    error = scenario_error(tmp_path, SMALL_SCENARIO + f"objectives: [{objective}]\n")
    assert error.path == "objectives" and "every item has weight 0" in error.message
    path = tmp_path / "ok.yaml"
    path.write_text(SMALL_SCENARIO + f"objectives: [{objective.replace('weight: 0', 'weight: 1')}]\n")
    assert load_scenario(path).objectives[0]["weight"] == 1


@pytest.mark.parametrize("written", ["-0", "-0.0", "-0e5", "-.0"])
def test_negative_zero_is_zero_typed_or_in_yaml(tmp_path, written):
    """`--set x=-0` was stored (and printed, and hashed) as -0.0; the same scenario written with 0 and -0
    must be the same scenario."""
    from sim.core.numbers import decimal_number

    assert math.copysign(1.0, decimal_number(written)) == 1.0
    text = SMALL_SCENARIO + "set: {network_effect: X}\n"
    plain, negative = tmp_path / "a.yaml", tmp_path / "b.yaml"
    plain.write_text(text.replace(": X}", f": {written[1:]}}}"))
    negative.write_text(text.replace(": X}", f": {written}}}"))
    a, b = load_scenario(plain), load_scenario(negative)
    assert math.copysign(1.0, b.values["network_effect"]) == 1.0
    assert a.content_hash == b.content_hash


@pytest.mark.parametrize(
    ("axis", "fragment", "key"),
    [
        (
            "{min: 0.5, max: 1.0, step: 2}",
            "step 2 is larger than the range 0.5 to 1, so the grid would hold 0.5 alone",
            ".step",
        ),
        ("{min: 1.0, max: 1.02}", "network_effect's own step", "network_effect"),
        ("{min: 1.0, max: 1.0}", "min and max are both 1: nothing varies", "network_effect"),
    ],
)
def test_a_grid_axis_that_would_hold_one_value_is_refused(tmp_path, axis, fragment, key):
    """A step larger than the range gave a grid of its minimum alone: a sweep that varied nothing, silently."""
    from sim.experiments.spec import load_experiment

    (tmp_path / "small.yaml").write_text(SMALL_SCENARIO)
    path = tmp_path / "exp.yaml"
    path.write_text(f"scenario: small.yaml\nfutures: {{design: grid, vary: {{network_effect: {axis}}}}}\n")
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert fragment in info.value.message and info.value.path.endswith(key), info.value


@pytest.mark.parametrize(
    ("normal", "fragment"),
    [
        ("mean: 1.0, sd: 1.0e+300", r"sd 1e\+300 is so large that the normal is flat"),
        ("mean: 100.0, sd: 0.01", "every sample would be the same"),
        ("mean: -50.0, sd: 1.0", "every sample would be the same"),
    ],
)
def test_a_normal_axis_with_no_probability_inside_its_range_is_refused(tmp_path, normal, fragment):
    """Each of these gave the same value in every future (the CDF values of both bounds were equal)."""
    from sim.experiments.spec import load_experiment

    (tmp_path / "small.yaml").write_text(SMALL_SCENARIO)
    path = tmp_path / "exp.yaml"
    path.write_text(
        "scenario: small.yaml\nfutures: {design: monte_carlo, points: 8, vary: {network_effect:"
        f" {{min: 0.5, max: 1.5, distribution: normal, {normal}}}}}}}\n"
    )
    with pytest.raises(ExperimentError, match=fragment) as info:
        load_experiment(path)
    assert info.value.path.endswith("network_effect.sd")


def test_a_normal_axis_far_in_its_tail_still_samples_distinct_values(tmp_path):
    from sim.experiments.spec import load_experiment

    (tmp_path / "small.yaml").write_text(SMALL_SCENARIO)
    path = tmp_path / "exp.yaml"
    path.write_text(
        "scenario: small.yaml\nfutures: {design: monte_carlo, points: 8, vary: {network_effect:"
        " {min: 0.5, max: 1.5, distribution: normal, mean: 2.5, sd: 0.2}}}\n"
    )
    (axis,) = load_experiment(path).futures.axes
    values = {axis.value_at(u) for u in np.linspace(0.05, 0.95, 8)}
    assert len(values) == 8 and all(0.5 <= v <= 1.5 for v in values)


VARIANT_EVENT = "events:\n  - id: mine\n    title: Mine\n    at: {at}\n    effects:\n      - {effect}\n"


@pytest.mark.parametrize(
    ("at", "effect", "path", "line", "fragment"),
    [
        ("2026Q1", "{firm: nosuchfirm, add: {trust: 0.1}}", "events[0].effects[0].firm", 8, "unknown firm"),
        (
            "2040Q1",
            "{firm: openai, add: {trust: 0.1}}",
            "events[0].at",
            6,
            "2040Q1 is outside the scenario's time span",
        ),
        ("2023Q4", "{firm: openai, add: {trust: 0.1}}", "events[0].at", 6, "the event would never happen"),
        (
            "2026Q1",
            "{firm: openai, set: {price: 100}}",
            "events[0].effects[0].set.price",
            8,
            "from 0.05 to 5, got 100",
        ),
        (
            "2026Q1",
            "{segment: consumer, add: {bass_p: -3}}",
            "events[0].effects[0].add.bass_p",
            8,
            "at most 1 either way",
        ),
    ],
)
def test_a_variants_event_is_checked_and_named_where_it_is_written(tmp_path, at, effect, path, line, fragment):
    """A variant's events follow its base's: errors named the base's index (events[15]) at the line of
    'events:'; an event outside the time span never happened, and a value beyond a field's range was cut
    to the bound, both silently."""
    text = "extends: korea-2025\nname: v\n" + VARIANT_EVENT.format(at=at, effect=effect)
    error = scenario_error(tmp_path, text)
    assert (error.path, error.line) == (path, line) and fragment in error.message, error


def test_a_random_events_window_outside_the_span_is_refused(tmp_path):
    text = (
        "extends: korea-2025\nname: v\nevents:\n  - id: mine\n    title: Mine\n    probability_per_quarter: 0.1\n"
        "    start: 2035Q1\n    effects: [{firm: openai, add: {trust: 0.1}}]\n"
    )
    error = scenario_error(tmp_path, text)
    assert error.path == "events[0].start" and "could never happen" in error.message


def test_a_firm_entering_after_the_end_is_refused_but_a_shorter_variant_keeps_its_bases_dates(tmp_path):
    """Events and entries a base scenario dates beyond a variant's shorter span simply never come, and the
    variant's resolved document (saves and previews rebuild it) loads again."""
    from sim.scenario import scenario_from_document

    korea = load_scenario("korea-2025")
    late = next(f for f in korea.sections["firms"] if f["enters"] is not None)
    short = load_scenario(small_scenario(tmp_path))  # 2024 only: korea-2025's later events and entries never come
    assert any(e["at"] is not None and e["at"] > short.end for e in short.events)
    assert scenario_from_document(short.document, "save").content_hash == short.content_hash
    copy = tmp_path / "scenario.json"  # as a result folder or a class pack holds it, runnable again
    copy.write_text(short.document_text())
    assert load_scenario(copy).content_hash == short.content_hash
    whole = Path(korea.source).read_text(encoding="utf-8")
    firms = re.search(r"^firms:\n(?:[ #].*\n|\n)*", whole, re.MULTILINE).group(0)  # korea-2025's firms section
    text = "extends: korea-2025\n" + firms.replace(f"enters: {quarter_label(late['enters'])}", "enters: 2099Q1", 1)
    error = scenario_error(tmp_path, text)
    assert error.path.endswith(".enters") and "the firm would never enter" in error.message


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_that_refuses_new_files_is_refused_even_for_root(tmp_path, capsys):
    """os.access says yes to root for /proc (and any folder), so AISIM_SAVE_DIR=/proc/x passed the check and the
    game's autosave and settings were lost without a word; --out under /proc failed late."""
    from sim.core.files import folder_write_problem

    assert "refused a new file" in (folder_write_problem(Path("/proc/aisim-x")) or "")
    assert folder_write_problem(tmp_path / "new" / "deeper") is None
    assert list(tmp_path.iterdir()) == []  # the check leaves nothing behind
    code, _, err = cli(capsys, "run", "--out", "/proc/aisim-x/out")
    assert_contract(code, err, "/proc/aisim-x/out: cannot write here")


@pytest.mark.skipif(os.name != "posix", reason="uses POSIX signals")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the dropped exception, on purpose
def test_a_sigterm_whose_exception_was_lost_still_stops_the_loops():
    """A signal handler's exception is dropped when it fires inside a __del__ ('Exception ignored in'): once in a
    full test run a SIGTERM'd sweep went on to its end and exited 0. The handler also sets a flag the sweep's
    and the run's loops check each round."""
    import signal

    from sim.errors import Terminated, raise_if_terminated, sigterm_as_interrupt

    class Dropper:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)  # the handler's Terminated is raised here, and dropped

    with sigterm_as_interrupt():
        raise_if_terminated()  # nothing yet
        dropper = Dropper()
        del dropper
        with pytest.raises(Terminated):
            raise_if_terminated()
    raise_if_terminated()  # outside the block: the flag is gone
