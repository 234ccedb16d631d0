"""``aisim sweep`` / ``aisim analyze`` end to end: kill and resume, Ctrl-C, bad input."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

DATA = Path(__file__).parent / "data" / "experiments"
TINY = (DATA / "tiny-korea.yaml").resolve()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _scenario_beside_the_experiments(tmp_path):
    """Experiment files name their scenario by a path beside them, not an absolute one (issue 10)."""
    shutil.copy(TINY, tmp_path / TINY.name)


MANY = f"""
name: many
scenario: {TINY.name}
policies:
  vary: {{sovereign_ai_budget_krw_bn: [0, 500, 1000, 1500]}}
futures:
  design: monte_carlo
  points: 15
  vary: [network_effect, foreign_trust]
replications: 2
seed: 5
keep: final_year
"""


def tagged_processes(tag: str) -> list[int]:
    """Processes whose environment carries ``AISIM_TEST_TAG=tag`` (a sweep and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"AISIM_TEST_TAG={tag}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def start_sweep(experiment: Path, out: Path, tag: str = "") -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "sim",
        "sweep",
        str(experiment),
        "--out",
        str(out),
        "--workers",
        "1",
        "--flush-every",
        "2",
    ]
    env = dict(os.environ, AISIM_TEST_TAG=tag)
    # Ctrl-C as in a terminal: tests started in the background by a shell script inherit SIGINT ignored,
    # and so would the sweep (Python leaves an ignored SIGINT ignored), which would then run to the end
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def committed(out: Path) -> list[dict]:
    return (
        [json.loads(p.read_text()) for p in sorted((out / "commits").glob("part-*.json"))]
        if (out / "commits").exists()
        else []
    )


def wait_for_records(out: Path, count: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(committed(out)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "sweep made no progress"
        time.sleep(0.05)


@pytest.mark.skipif(os.name != "posix", reason="uses POSIX signals")
def test_kill_then_ctrl_c_then_sigterm_then_resume_finishes_without_duplicates(tmp_path):
    experiment = tmp_path / "many.yaml"
    experiment.write_text(MANY, encoding="utf-8")
    out = tmp_path / "out"

    tag = f"kill-{os.getpid()}-{time.monotonic_ns()}"
    crashed = start_sweep(experiment, out, tag)
    wait_for_records(out, 3, crashed)
    assert len(tagged_processes(tag)) >= 2  # the sweep and its worker(s)
    crashed.kill()  # SIGKILL: no chance to clean up
    crashed.wait()
    deadline = time.monotonic() + 10
    while tagged_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tagged_processes(tag) == [], "worker processes outlived the killed sweep"
    after_crash = {i for r in committed(out) for i in r["ok"]}
    assert 0 < len(after_crash) < 120

    interrupted = start_sweep(experiment, out)
    wait_for_records(out, len(committed(out)) + 2, interrupted)
    interrupted.send_signal(signal.SIGINT)
    _, err = interrupted.communicate(timeout=60)
    assert interrupted.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    after_interrupt = {i for r in committed(out) for i in r["ok"]}
    assert after_crash < after_interrupt

    # kill (SIGTERM) stopped the sweep without a word, its workers left to notice the parent gone
    tag = f"term-{os.getpid()}-{time.monotonic_ns()}"
    terminated = start_sweep(experiment, out, tag)
    wait_for_records(out, len(committed(out)) + 2, terminated)
    terminated.send_signal(signal.SIGTERM)
    _, err = terminated.communicate(timeout=60)
    assert terminated.returncode == 143, err
    assert "aisim: stopped (SIGTERM);" in err and "runs kept in" in err and "Traceback" not in err
    assert tagged_processes(tag) == []  # its workers were shut down with it
    after_term = {i for r in committed(out) for i in r["ok"]}
    assert after_interrupt < after_term

    finished = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", str(experiment), "--out", str(out), "--workers", "2", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    ids = [i for r in committed(out) for i in r["ok"]]
    assert sorted(ids) == list(range(120))  # each run exactly once
    frames = [
        pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p)
        for p in (out / "parts").iterdir()
        if p.suffix in (".parquet", ".csv")
    ]
    rows = pd.concat(frames)
    assert sorted(rows["run_id"]) == list(range(120))
    assert not list((out / "parts").glob(".*"))  # no temporary files left


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            f"scenario: {TINY.name}\nfutures: {{vary: [network_efect]}}\n",
            "bad.yaml:2: futures.vary[0]: unknown parameter 'network_efect'; did you mean 'network_effect'?",
        ),
        (
            f"scenario: {TINY.name}\nfutures:\n  vary:\n    network_effect: {{max: 3}}\n",
            "bad.yaml:4: futures.vary.network_effect.max: max 3 is outside",
        ),
        (
            f"scenario: {TINY.name}\nfutures: {{vary: [network_effect]}}\nreplications: 0\n",
            "bad.yaml:3: replications: expected a whole number from 1",
        ),
        ("futures: [oops\n", "bad.yaml:2: YAML syntax error"),
    ],
)
def test_bad_experiment_exits_2_with_one_line(tmp_path, capsys, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    code, out, err = run_cli(["sweep", "bad.yaml", "--out", "o"], capsys)
    assert code == 2
    assert err.startswith("aisim: error: ") and expected in err, err
    assert err.count("\n") == 1 and not (tmp_path / "o").exists()


def test_sweep_refuses_a_folder_of_another_experiment_and_analyze_works(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small = f"scenario: {TINY.name}\nfutures: {{design: monte_carlo, points: 3, vary: [network_effect]}}\nseed: 1\nkeep: yearly\n"
    (tmp_path / "a.yaml").write_text(small, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(small.replace("seed: 1", "seed: 2"), encoding="utf-8")
    code, out, err = run_cli(["sweep", "a.yaml", "--out", "o", "--backend", "serial"], capsys)
    assert code == 0, err
    assert "Done: 3 ok, 0 failed" in out
    code, out, err = run_cli(["sweep", "a.yaml", "--out", "o", "--backend", "serial"], capsys)
    assert code == 0 and "Nothing to do" in err
    code, out, err = run_cli(["sweep", "b.yaml", "--out", "o"], capsys)
    assert code == 2 and "another experiment ('a'" in err and err.count("\n") == 1
    code, out, err = run_cli(["analyze", "o", "--x", "hhi", "--no-charts"], capsys)
    assert code == 0 and "3 runs analysed" in out and (tmp_path / "o" / "analysis" / "summary.csv").exists()
    code, out, err = run_cli(["analyze", "o", "--x", "hhii"], capsys)
    assert code == 2 and "did you mean 'hhi'" in err
    code, out, err = run_cli(["analyze", "nowhere"], capsys)
    assert code == 2 and "nowhere" in err
    code, out, err = run_cli(["sweep", "a.yaml", "--workers", "0"], capsys)
    assert code == 2 and "--workers must be from 1" in err


def test_dry_run_prints_the_design_size(tmp_path, capsys):
    code, out, _ = run_cli(["sweep", str(DATA / "small.yaml"), "--dry-run", "--out", str(tmp_path / "o")], capsys)
    assert code == 0 and "4 policies x 3 future(s) x 2 replication(s) = 24 runs" in out
    assert not (tmp_path / "o").exists()


def test_example_experiment_files_validate(capsys):
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        code, out, err = run_cli(["sweep", str(path), "--dry-run"], capsys)
        assert code == 0, err


def test_a_sweep_of_a_scenario_ending_within_a_year_says_its_last_row_is_part_of_one(tmp_path, capsys, monkeypatch):
    """Yearly rows carry how many quarters they hold; a final year of two quarters is noted by `aisim analyze`
    (its flows are two quarters' totals, which read like a year's beside a whole-year sweep)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "half.yaml").write_text(
        "extends: korea-2025\nname: half\ntime: {start: 2024Q1, end: 2025Q2}\npopulation: {adopter_rows: 300}\n",
        encoding="utf-8",
    )
    (tmp_path / "e.yaml").write_text(
        "scenario: half.yaml\nfutures: {design: monte_carlo, points: 3, vary: [network_effect]}\nseed: 1\nkeep: yearly\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(["sweep", "e.yaml", "--out", "o", "--backend", "serial"], capsys)
    assert code == 0, err
    from sim.experiments.store import ResultStore

    rows = ResultStore.open(tmp_path / "o").read_results()
    assert sorted(set(zip(rows["year"], rows["quarters"]))) == [(2024, 4), (2025, 2)]
    code, out, err = run_cli(["analyze", "o", "--no-charts"], capsys)
    assert code == 0, err
    assert "the final year, 2025, holds only 2 of its quarters" in out + err
