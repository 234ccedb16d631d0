"""The aisim command: run, validate, scenarios, params; bad input exits 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

SMALL = ["--set", "entry_rate_per_year=1"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=300)


def write_small_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text("extends: korea-2025\nname: small\npopulation:\n  adopter_rows: 3000\n", encoding="utf-8")
    return path


def test_a_run_ending_within_a_year_does_not_call_its_last_quarters_a_year(tmp_path, capsys):
    """A scenario ending in 2024Q2: its flows in 2024 are two quarters' totals, not 'per year' (the summary
    called half a year's revenue 'per year')."""
    path = tmp_path / "half.yaml"
    path.write_text(
        "extends: korea-2025\nname: half\ntime: {start: 2024Q1, end: 2024Q2}\npopulation: {adopter_rows: 300}\n",
        encoding="utf-8",
    )
    assert main(["run", str(path), "--seeds", "1", "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Outcomes in 2024 (mean and 5-95 % range over seeds, the 2 of its quarters the run covers)" in printed
    revenue = next(line for line in printed.splitlines() if line.strip().startswith("Market revenue"))
    assert revenue.endswith("over 2 quarters, USD bn")
    assert "per year" not in printed


def test_run_writes_all_outputs(tmp_path, capsys):
    scenario = write_small_scenario(tmp_path)
    out = tmp_path / "out"
    code = main(["run", str(scenario), "--seeds", "2", "--out", str(out), "--workers", "1", *SMALL])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Outcomes in 2033" in printed and "Domestic revenue share" in printed and "[" in printed
    assert "per year, USD bn" in printed and "quarters the run covers" not in printed
    quarters = pd.read_csv(out / "quarters.csv")
    for column in [
        "seed",
        "quarter",
        "year",
        "market_revenue_usd_bn",
        "domestic_revenue_share",
        "hhi",
        "consumer_surplus",
        "capability_gap",
        "sovereignty_index",
        "public_spend_krw_bn",
        "active_firms",
    ]:
        assert column in quarters.columns
    assert len(quarters) == 2 * 40 and quarters["quarter"].iloc[0] == "2024Q1"
    firms = pd.read_csv(out / "firms.csv")
    for column in [
        "seed",
        "quarter",
        "firm",
        "origin",
        "revenue_usd_bn",
        "revenue_share",
        "capability",
        "price",
        "cash_usd_bn",
        "partners",
    ]:
        assert column in firms.columns
    sums = firms.groupby(["seed", "quarter"]).revenue_usd_bn.sum()
    market = quarters.set_index(["seed", "quarter"]).market_revenue_usd_bn
    pd.testing.assert_series_equal(sums.sort_index(), market.sort_index(), check_names=False, rtol=1e-9)
    meta = json.loads((out / "run.json").read_text())
    assert meta["scenario"] == "small" and meta["seeds"] == [0, 1] and len(meta["scenario_hash"]) == 64
    assert meta["overrides"] == {"entry_rate_per_year": 1.0} and "mesa" in meta["versions"]
    assert (out / "news.csv").exists() and (out / "scenario.json").exists()


def test_quiet_prints_only_the_folder(tmp_path, capsys):
    out = tmp_path / "q"
    assert main(["run", str(write_small_scenario(tmp_path)), "--seed", "3", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert pd.read_csv(out / "quarters.csv")["seed"].unique().tolist() == [3]


def test_same_seed_identical_csv_with_one_or_two_workers(tmp_path):
    scenario = str(write_small_scenario(tmp_path))
    assert main(["run", scenario, "--seeds", "3", "--workers", "1", "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["run", scenario, "--seeds", "3", "--workers", "2", "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert main(["run", scenario, "--seeds", "3", "--workers", "1", "--out", str(tmp_path / "c"), "--quiet"]) == 0
    for name in ("quarters.csv", "firms.csv", "news.csv"):
        a = (tmp_path / "a" / name).read_bytes()
        assert a == (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()


def test_existing_nonempty_out_refused_then_forced(tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert main(["run", str(write_small_scenario(tmp_path)), "--seed", "0", "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "keep.txt").exists()
    # --force replaces only an earlier aisim result (issue 10): a user's folder stays untouched
    args = ["run", str(write_small_scenario(tmp_path)), "--seed", "0", "--out", str(out), "--force", "--quiet"]
    assert main(args) == 2
    assert "does not hold an earlier aisim result" in capsys.readouterr().err
    assert (out / "keep.txt").exists()
    (out / "keep.txt").unlink()
    assert main(args) == 0  # an empty folder is fine
    (out / "extra.txt").write_text("x")
    assert main(args) == 0  # ... and so is an earlier run, with or without stray files
    assert (out / "quarters.csv").exists() and not (out / "extra.txt").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--set", "nope=1"], "unknown parameter 'nope'"),
        (["run", "--set", "act_stringency=9"], "from 0 to 2"),
        (["run", "--set", "act_stringency"], "expected NAME=VALUE"),
        (["run", "--seeds", "0"], "--seeds must be at least 1"),
        (["run", "--seeds", "x"], "--seeds: expected a whole number"),
        (["run", "--seeds", "2", "--seed", "1"], "not allowed with argument"),
        (["run", "no-such-scenario"], "no bundled scenario or file named"),
        (["run", "--workers", "0"], "--workers must be from 1"),
        (["bogus"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message, capsys, tmp_path):
    code = main([*args, "--out", str(tmp_path / "never")] if args[0] == "run" else args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "never").exists()


def test_unwritable_out(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("I am a file")
    code = main(["run", str(write_small_scenario(tmp_path)), "--seed", "0", "--out", str(blocker / "sub")])
    assert code == 2
    err = capsys.readouterr().err
    assert "aisim: error:" in err and str(blocker / "sub") in err
    assert not list(tmp_path.glob(".sub.partial-*"))


def test_validate_exit_codes(tmp_path, capsys):
    good = Path(__file__).resolve().parent.parent / "scenarios" / "korea-2025.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: korea-2025\nset:\n  act_stringency: 9\n")
    assert main(["validate", str(good), "sovereign-push"]) == 0
    assert "ok:" in capsys.readouterr().out
    assert main(["validate", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3" in err and "act_stringency" in err


def test_subprocess_error_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("time: {start: 2030Q1, end: 2024Q1\n")
    result = run_cli("run", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "YAML syntax error" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_scenarios_params_schema(capsys):
    assert main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert "korea-2025" in listing and "sovereign-push" in listing
    assert main(["params", "--markdown"]) == 0
    table = capsys.readouterr().out
    assert "`sovereign_ai_budget_krw_bn`" in table and "| lever |" in table
    assert main(["schema"]) == 0
    schema = capsys.readouterr().out
    assert "`firms[].korean_quality`" in schema and "`events[].probability_per_quarter`" in schema


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0 and "run" in result.stdout and "validate" in result.stdout


def test_one_error_prefix_and_every_option_documented(capsys):
    from sim.cli import build_parser

    assert main(["run", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.count("aisim") == 1 and err.startswith("aisim: error: ")
    assert main(["validate", "no-such-scenario"]) == 2
    assert capsys.readouterr().err.startswith("aisim: error: ")
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse has no public accessor
    for name, sub in commands.items():
        assert sub.description, f"aisim {name} has no description"
        for action in sub._actions:  # noqa: SLF001
            assert action.help, f"aisim {name} {action.option_strings or action.dest} has no help"


def test_version(capsys):
    import sim

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"aisim {sim.__version__}"


def test_params_headings_are_spelled_right(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert "uncertainties:" in out and "uncertaintys" not in out
