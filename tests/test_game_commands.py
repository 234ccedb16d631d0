"""``aisim play`` edge cases: no display, and never overwriting the autosave when not asked to."""

from __future__ import annotations

import pytest

from sim.game.commands import display_available


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"DISPLAY": ":0", "SDL_VIDEODRIVER": "dummy"}, "linux", False),
        ({"SDL_VIDEODRIVER": "offscreen"}, "win32", False),
        ({"SDL_VIDEODRIVER": "kmsdrm"}, "linux", True),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_available(environ, platform, expected):
    assert display_available(environ, platform) is expected


def test_play_without_display_or_headless_exits_2_with_one_line(tiny_korea, tmp_path, monkeypatch, capsys):
    from sim.cli import main

    saves = tmp_path / "saves"
    saves.mkdir()
    autosave = saves / "autosave.json"
    autosave.write_text("the player's game", encoding="utf-8")
    monkeypatch.setenv("AISIM_SAVE_DIR", str(saves))
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    path = tmp_path / "tiny.yaml"
    path.write_text(tiny_korea.document_text(), encoding="utf-8")
    shot = tmp_path / "shot.png"
    assert main(["play", str(path), "--autoplay", "2", "--screenshot", str(shot)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--headless" in err and "display" in err
    assert not shot.exists()
    assert autosave.read_text(encoding="utf-8") == "the player's game"


def test_a_killed_window_does_not_autosave(tiny_korea, tmp_path, monkeypatch):
    """Ctrl-C (KeyboardInterrupt) in the loop leaves the autosave as it was; closing the window saves."""
    from sim.game.app import App
    from sim.game.session import GameSession, autosave_path

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    app = App(size=(1280, 800))
    app.start_game(GameSession(tiny_korea, 0, ghost=False))
    app.screen.request_step()

    def interrupted(dt):
        raise KeyboardInterrupt

    monkeypatch.setattr(app, "frame", interrupted)
    with pytest.raises(KeyboardInterrupt):
        app.run()
    assert not autosave_path().exists()
    monkeypatch.undo()
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    app.quit()  # the window's close button / menu Quit
    assert autosave_path().exists()


@pytest.mark.parametrize("value", ["abc", "-1", "2.5", "99"])
def test_a_bad_preview_workers_variable_exits_2_naming_it(value, tmp_path, monkeypatch, capsys):
    from sim.cli import main

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", value)
    assert main(["play", "--headless", "--screenshot", str(tmp_path / "shot.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert "AISIM_PREVIEW_WORKERS" in err and repr(value) in err and len(err.splitlines()) == 1
    assert "Traceback" not in err and not (tmp_path / "shot.png").exists()


@pytest.mark.parametrize(("cores", "expected"), [(1, 2), (2, 2), (4, 3), (16, 4)])
def test_preview_workers_default_to_one_per_core_but_one(cores, expected, monkeypatch):
    import os

    from sim.game.preview import preview_workers

    monkeypatch.delenv("AISIM_PREVIEW_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert preview_workers() == expected


@pytest.mark.parametrize("lesson", [[], ["--lesson", "partnerships-lock-in", "--team", "t"]])
def test_a_window_no_one_can_see_is_refused_with_or_without_a_lesson(lesson, tmp_path, monkeypatch, capsys):
    """With DISPLAY naming a server that does not answer, SDL falls back to drawing nowhere: `aisim play` said
    so, but `aisim play --lesson` ran invisibly until killed."""
    import sim.game.commands as commands
    from sim.cli import main

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")  # what SDL ends up with when no server answers
    monkeypatch.setattr(commands, "display_available", lambda environ=None, platform=None: True)
    assert main(["play", *lesson]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no display to show the game window on" in err and "--headless" in err
    assert not list((tmp_path / "saves").rglob("*.json"))


@pytest.mark.parametrize(
    ("environ", "why"),
    [
        ({}, "DISPLAY and WAYLAND_DISPLAY are unset"),
        ({"DISPLAY": ":99"}, "no display server answers on DISPLAY=:99"),
        ({"DISPLAY": ":0", "SDL_VIDEODRIVER": "dummy"}, "SDL_VIDEODRIVER=dummy draws to no screen"),
    ],
)
def test_the_no_display_message_says_which_case_it_is(environ, why):
    """It said "DISPLAY and WAYLAND_DISPLAY are unset" when DISPLAY was set to a server that did not answer."""
    from sim.game.commands import no_display_message

    assert f"({why})" in no_display_message(environ)
