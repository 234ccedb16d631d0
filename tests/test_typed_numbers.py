"""Numbers people type (options, environment, --set) are plain ASCII numbers: sim.core.numbers is their one reader."""

from __future__ import annotations

import argparse

import pytest

from sim.cli import build_parser, main
from sim.core.numbers import cli_decimal, cli_whole, decimal_number, whole_number
from sim.errors import UserError
from sim.scenario import load_scenario

# what Python's int() / float() would read (or, for "²", what str.isdigit() lets through to a ValueError)
NOT_NUMBERS = ["١٠", "１０", "²", "1_0", "0x10", "", " ", "ten", "1e", "--", "+", "9" * 31]
NOT_DECIMALS = NOT_NUMBERS + ["nan", "inf", "-Infinity", "1.5.2", "١.٥", "1e999"]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_only_plain_ascii_whole_numbers_are_read(text):
    assert whole_number(text) is None
    with pytest.raises(argparse.ArgumentTypeError):
        cli_whole(text)


@pytest.mark.parametrize("text", NOT_DECIMALS)
def test_only_plain_finite_decimals_are_read(text):
    assert decimal_number(text) is None
    with pytest.raises(argparse.ArgumentTypeError):
        cli_decimal(text)


@pytest.mark.parametrize(("text", "value"), [("10", 10), (" 7 ", 7), ("-3", -3), ("+4", 4), ("0042", 42)])
def test_plain_whole_numbers_are_read(text, value):
    assert whole_number(text) == value == cli_whole(text)


@pytest.mark.parametrize(("text", "value"), [("1.5", 1.5), (".5", 0.5), ("2.", 2.0), ("-1e-3", -0.001), ("7", 7.0)])
def test_plain_decimals_are_read(text, value):
    assert decimal_number(text) == value == cli_decimal(text)


def _options(parser: argparse.ArgumentParser):
    """Every (command path, action) of the parser and its subcommands."""
    stack = [((), parser)]
    while stack:
        path, current = stack.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend((path + (name,), sub) for name, sub in action.choices.items())
            else:
                yield path, action


def test_no_option_reads_numbers_with_python_int_or_float():
    """A new option with type=int would take "١٠" and "1_0" again: every numeric option uses sim.core.numbers."""
    numeric = [(path, a.dest) for path, a in _options(build_parser()) if a.type in (cli_whole, cli_decimal)]
    raw = [(path, a.dest, a.type) for path, a in _options(build_parser()) if a.type in (int, float)]
    assert raw == []
    assert len(numeric) >= 15  # --seed(s), --workers, --port, --autoplay, --ui-scale, --chunk, --levels, ...


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "korea-2025", "--seeds", "١٠"],
        ["run", "korea-2025", "--seed", "1_0"],
        ["run", "korea-2025", "--workers", "²"],
        ["sweep", "quick-look", "--chunk", "１"],
        ["lesson", "check", "intro", "--seeds", "٣"],
        ["play", "--headless", "--autoplay", "1_0"],
        ["play", "--headless", "--ui-scale", "١.٥"],
        ["play", "--headless", "--size", "１２８０x８００"],
    ],
)
def test_each_command_refuses_numbers_in_other_scripts_with_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        code = main(argv)
        raise SystemExit(code)
    out, err = capsys.readouterr()
    assert stop.value.code == 2
    assert "Traceback" not in err and "expected" in err


@pytest.mark.parametrize("raw", ["1_0", "١", "nan", "inf", "0x1"])
def test_set_assignments_take_plain_numbers_only(raw):
    scenario = load_scenario("korea-2025")
    with pytest.raises(UserError, match="expected a number"):
        scenario.parameters.parse_assignments([f"adoption_speed={raw}"])
    assert scenario.parameters.parse_assignments(["adoption_speed= 1.25 "]) == {"adoption_speed": 1.25}


@pytest.mark.parametrize("raw", ["²", "١", "1_0", "-1", "17"])
def test_preview_workers_variable_refuses_what_is_not_a_count(raw, monkeypatch):
    from sim.game.preview import WORKERS_ENV, preview_workers

    monkeypatch.setenv(WORKERS_ENV, raw)
    with pytest.raises(UserError, match=WORKERS_ENV):
        preview_workers()
    monkeypatch.setenv(WORKERS_ENV, " 3 ")
    assert preview_workers() == 3


def test_a_parameter_set_twice_is_refused_naming_both():
    """`--set x=1 --set x=2` kept the last silently."""
    scenario = load_scenario("korea-2025")
    with pytest.raises(UserError, match=r"adoption_speed is already set by --set 'adoption_speed=1'; set it once"):
        scenario.parameters.parse_assignments(["adoption_speed=1", "adoption_speed=1.5"])


@pytest.mark.parametrize(("argv", "message"), [(["lesson", "check", "x", "--seeds", "1001"], "from 1 to 1,000")])
def test_class_seed_counts_are_bounded(argv, message, capsys):
    assert main(argv) == 2 and message in capsys.readouterr().err
