"""Arguments every command shares rules for: no empty text anywhere, options that only apply to another
kind of game are refused rather than ignored (each once silently ignored)."""

from __future__ import annotations

import argparse

import pytest

from sim.cli import build_parser, main


def _leaf_commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command path, its parser) for each command that runs something."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from _leaf_commands(sub, (*path, name))


def _string_arguments():
    """(command path, argv filling what the command requires, the argument made empty, how it is written)."""
    for path, parser in _leaf_commands(build_parser()):
        positionals = [a for a in parser._actions if not a.option_strings]
        required = [a for a in parser._actions if a.option_strings and a.required]
        for target in parser._actions:
            takes_text = target.type is None and target.nargs != 0 and target.choices is None
            if not takes_text or isinstance(target, argparse._HelpAction):
                continue
            argv = list(path)
            for action in positionals:
                argv.append("" if action is target else "x")
            for action in required:
                if action is not target:
                    argv += [action.option_strings[0], "x"]
            if target.option_strings:
                argv += [target.option_strings[0], ""]
            name = (
                max(target.option_strings, key=len) if target.option_strings else target.metavar or target.dest.upper()
            )
            yield pytest.param(argv, name, id=" ".join(path) + " " + str(name))


@pytest.mark.parametrize(("argv", "name"), list(_string_arguments()))
def test_every_text_argument_refuses_empty_text(argv, name, capsys, tmp_path, monkeypatch):
    """``aisim run ''`` ran the default scenario and ``--load ''`` read the current folder as a save."""
    monkeypatch.chdir(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert f"{name}: got empty text" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_walk_covers_the_commands_people_use():
    names = {param.id for param in _string_arguments()}
    for expected in ("run SCENARIO", "play --load", "play --screenshot", "sweep EXPERIMENT", "class report --out"):
        assert expected in names


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["play", "--headless", "--load", "game.json", "--seed", "5"], "a saved game goes on with its own seed"),
        (["play", "--headless", "--team", "blue"], "--team belongs to a lesson game"),
        (["play", "--headless", "--role", "firm", "--team", "a"], "--team and --role belong to a lesson game"),
        (["play", "--headless", "--lesson", "basic-act-startups", "--team", "a", "--seed", "3"], "drop --seed"),
        (["play", "--headless", "--lesson", "basic-act-startups", "--team", "a", "--tab", "news"], "drop --tab"),
        (["play", "--headless", "--lesson", "basic-act-startups", "--team", "a", "--autoplay", "-1"], "--autoplay"),
        (["play", "--headless", "--lesson", "basic-act-startups", "--team", "a", "--screenshot", "a.jpg"], ".png"),
        (["web", "--seed", "-1"], "--seed must be from 0 to 2**63-1"),
        (["web", "--port", "70000"], "--port must be from 1 to 65535"),  # a traceback from the server, then a hang
    ],
)
def test_play_options_for_another_kind_of_game_are_refused(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lesson", [[], ["--lesson", "basic-act-startups", "--team", "a"]])
def test_an_unusable_save_folder_is_refused_before_the_game_starts(lesson, capsys, tmp_path, monkeypatch):
    """AISIM_SAVE_DIR naming a file let the game play on with every autosave and setting silently lost."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AISIM_SAVE_DIR", str(blocker))
    code = main(["play", "--headless", "--autoplay", "1", *lesson])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"AISIM_SAVE_DIR={blocker}: cannot create the folder: {blocker} is not a folder" in err
    assert blocker.read_text() == "not a folder"


def test_an_unusable_default_save_folder_is_said_and_the_game_still_plays(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.delenv("AISIM_SAVE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(blocker))
    code = main(["play", "--headless"])
    err = capsys.readouterr().err
    assert code == 0
    assert "aisim: note: games and settings will not be saved" in err and "set AISIM_SAVE_DIR" in err


def test_a_screenshot_into_a_file_names_what_is_in_the_way(capsys, tmp_path):
    blocker = tmp_path / "shots"
    blocker.write_text("")
    code = main(["play", "--headless", "--screenshot", str(blocker / "a.png")])
    err = capsys.readouterr().err
    assert code == 2 and f"--screenshot: cannot create the folder: {blocker} is not a folder" in err


def test_sigterm_stops_a_command_as_ctrl_c_does_and_the_handler_is_put_back(capsys, monkeypatch):
    """kill (SIGTERM) ended a command with no word and no clean-up (a sweep's workers left to notice)."""
    import os
    import signal

    from sim import cli
    from sim.errors import Terminated, interrupt_exit_code

    before = signal.getsignal(signal.SIGTERM)

    def killed(args):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the command")

    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_handler(parser(), "run", killed))
    assert main(["run"]) == 143
    assert capsys.readouterr().err.strip() == "aisim: stopped (SIGTERM)"
    assert signal.getsignal(signal.SIGTERM) is before
    assert interrupt_exit_code(Terminated()) == 143 and interrupt_exit_code(KeyboardInterrupt()) == 130


def _with_handler(parser: argparse.ArgumentParser, command: str, handler) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.choices[command].set_defaults(handler=handler)
    return parser


def _single_value_options():
    """(argv giving one option twice, how it is written) for every option that takes one value."""
    for path, parser in _leaf_commands(build_parser()):
        positionals = [a for a in parser._actions if not a.option_strings]
        required = [a for a in parser._actions if a.option_strings and a.required]
        for target in parser._actions:
            if not target.option_strings or not isinstance(target, argparse._StoreAction):
                continue
            value = str(target.choices[0]) if target.choices else "1"
            argv = [*path, *["x" for _ in positionals]]
            for action in required:
                if action is not target:
                    argv += [action.option_strings[0], "x"]
            argv += [target.option_strings[0], value, target.option_strings[0], value]
            yield pytest.param(argv, target.option_strings[0], id=" ".join(path) + " " + target.option_strings[0])


@pytest.mark.parametrize(("argv", "option"), list(_single_value_options()))
def test_an_option_that_takes_one_value_is_given_once(argv, option, capsys, tmp_path, monkeypatch):
    """`--seeds 2 --seeds 3` ran 3 seeds without a word: the last of a repeated option won."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert f"{option} is given twice; give it once" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_repeatable_options_stay_repeatable():
    names = {param.values[1] for param in _single_value_options()}
    assert "--set" not in names and "--role" not in names  # append: given as often as needed
    assert {"--seeds", "--workers", "--out", "--seed"} <= names


def test_a_screenshot_never_replaces_a_link_or_a_pipe(tmp_path, capsys):
    """`--screenshot` replaced a symbolic link or a FIFO with a PNG without a word."""
    import os

    (tmp_path / "target").write_text("keep")
    (tmp_path / "link.png").symlink_to(tmp_path / "target")
    os.mkfifo(tmp_path / "pipe.png")
    for name, what in (("link.png", "is a symbolic link"), ("pipe.png", "is not a regular file")):
        assert main(["play", "--headless", "--screenshot", str(tmp_path / name)]) == 2
        assert what in capsys.readouterr().err
    assert (tmp_path / "link.png").is_symlink() and (tmp_path / "target").read_text() == "keep"


@pytest.mark.parametrize("name", ["한국", "a" * 101, "_x", "a/b"])
def test_lesson_new_refuses_a_name_its_own_check_would_refuse(name, tmp_path, capsys, monkeypatch):
    """`lesson new 한국` wrote a template that `lesson check` then refused for its name."""
    monkeypatch.chdir(tmp_path)
    assert main(["lesson", "new", name]) == 2
    assert "lesson name: expected a name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_lesson_check_says_so_on_stderr(tmp_path, capsys):
    """It exited 2 with nothing on stderr: the reason was only in the report on stdout."""
    from classroom_helpers import SMALL_LESSON, write_small_lesson

    text = SMALL_LESSON.replace("target: 0.36", "target: 0.01").replace("target: 20", "target: 1")
    path = write_small_lesson(tmp_path, text)
    assert main(["lesson", "check", str(path), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aisim: error: {path}: lesson check failed: ") and err.count("\n") == 1
