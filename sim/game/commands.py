"""``aisim play``: the game window, or a headless capture (``aisim replay`` is in :mod:`sim.cli`)."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from sim.core.numbers import cli_decimal, cli_whole
from sim.errors import UserError
from sim.saves import check_seed_option

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


class GameArgumentError(UserError):
    """A bad ``aisim play`` argument."""


def register(sub) -> None:
    """Add the ``play`` subcommand to the ``aisim`` parser."""
    from sim.cli import LANGUAGES  # here, not at import time: sim.cli imports this module

    play = sub.add_parser(
        "play",
        help="play the game (a window; --headless to capture a screenshot)",
        description="Open the game window. With --headless the game runs with SDL's dummy driver: "
        "it plays --autoplay N quarters (default: stay on the start screen) and saves --screenshot FILE.png.",
        epilog="Environment: AISIM_SAVE_DIR (saves and settings; default ~/.aisim), AISIM_PREVIEW_WORKERS "
        "(forecast preview processes, 0-16; 0 turns previews off; default one per core but one, 2-4).",
    )
    play.add_argument("scenario", nargs="?", default=None, help="bundled scenario name or YAML path")
    play.add_argument(
        "--seed", type=cli_whole, default=None, metavar="S", help="random seed of a new game (default: 0)"
    )
    play.add_argument("--lang", choices=LANGUAGES, default=None, help="language (default: the last one used, else en)")
    play.add_argument(
        "--size", default=None, metavar="WxH", help="window size (default: the last one used, else 1280x800)"
    )
    play.add_argument(
        "--ui-scale",
        type=cli_decimal,
        choices=(1.0, 1.25, 1.5, 2.0),
        default=None,
        help="text and control size for projectors (default: the last one used, else 1)",
    )
    play.add_argument("--load", metavar="FILE", help="resume a saved game")
    play.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="LEVER=VALUE",
        help="set a policy lever for the first quarter of a new game (repeatable)",
    )
    play.add_argument("--headless", action="store_true", help="no window: SDL dummy driver (for captures)")
    play.add_argument("--autoplay", type=cli_whole, metavar="N", help="play N quarters at once (default levers)")
    play.add_argument("--screenshot", metavar="FILE.png", help="save the final screen as PNG (with --headless)")
    play.add_argument("--tab", choices=("firms", "partners", "news", "why"), help="dashboard side panel to show")
    play.add_argument(
        "--event", action="store_true", help="headless: stop at the first event that asks a choice and show it"
    )
    play.set_defaults(handler=cmd_play)


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x800"`` -> (1280, 800); raises GameArgumentError."""
    match = re.fullmatch(r"\s*([0-9]{2,5})\s*[xX*]\s*([0-9]{2,5})\s*", text or "")
    if not match:
        raise GameArgumentError(f"--size: expected WIDTHxHEIGHT like 1280x800, got {text!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if width < 320 or height < 240 or width > 10000 or height > 10000:
        raise GameArgumentError(f"--size: expected at least 320x240 and at most 10000x10000, got {text!r}")
    return width, height


NO_DRIVER = ("dummy", "offscreen")  # SDL video drivers that draw to no screen


def display_available(environ=None, platform: str | None = None) -> bool:
    """Whether a window opened now would be seen by anyone.

    False when SDL is told to draw nowhere (``SDL_VIDEODRIVER=dummy``), or on a
    Linux/BSD machine with neither ``DISPLAY`` (X11) nor ``WAYLAND_DISPLAY``
    and no other SDL driver chosen. Other platforms always have a desktop.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    driver = environ.get("SDL_VIDEODRIVER", "").strip().lower()
    if driver in NO_DRIVER:
        return False
    if driver or not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def no_display_message(environ=None) -> str:
    """Why no one would see the window, and what to do instead (one line)."""
    environ = os.environ if environ is None else environ
    driver = environ.get("SDL_VIDEODRIVER", "").strip().lower()
    shown = [f"{name}={environ[name]}" for name in ("DISPLAY", "WAYLAND_DISPLAY") if environ.get(name)]
    if driver in NO_DRIVER:
        why = f"SDL_VIDEODRIVER={driver} draws to no screen"
    elif shown:
        why = f"no display server answers on {' or '.join(shown)}"
    else:
        why = "DISPLAY and WAYLAND_DISPLAY are unset"
    return (
        f"no display to show the game window on ({why}); "
        "run it on a desktop, or add --headless to play quarters and save a --screenshot without a window"
    )


def open_app(make_app: Callable[[], Any], headless: bool) -> Any:
    """The app ``make_app`` opens, or GameArgumentError when it cannot open a window or no one would see it
    (SDL falls back to drawing nowhere when DISPLAY names a server that does not answer: the game then ran
    invisibly until killed)."""
    import pygame

    try:
        app = make_app()
    except pygame.error as exc:
        raise GameArgumentError(f"cannot open a window ({exc}); run with --headless or on a display") from None
    if not headless and pygame.display.get_driver() in NO_DRIVER:
        app.close()
        pygame.display.quit()
        raise GameArgumentError(no_display_message())
    return app


def check_play_options(args) -> tuple[int, int] | None:
    """The checks every ``aisim play`` shares, with or without ``--lesson``; returns the ``--size`` asked for."""
    if not args.headless and not display_available():
        raise GameArgumentError(no_display_message())
    size = parse_size(args.size) if args.size is not None else None
    if args.seed is not None:  # a save holds no other: the game could never be resumed
        check_seed_option(args.seed, GameArgumentError)
    if args.autoplay is not None and args.autoplay < 0:
        raise GameArgumentError(f"--autoplay must be >= 0, got {args.autoplay}")
    if args.screenshot is not None and not args.screenshot.lower().endswith(".png"):
        raise GameArgumentError(f"--screenshot: expected a .png file name, got {args.screenshot!r}")
    check_save_dir()
    return size


def check_save_dir(environ=os.environ) -> None:
    """Games and settings are saved in :func:`~sim.game.session.save_dir`: refuse an unusable
    ``AISIM_SAVE_DIR`` (exit code 2), and say so when the default folder cannot be written (the game
    still plays, its autosave and settings would be lost without a word)."""
    from sim.core.files import folder_write_problem
    from sim.game.session import SAVE_DIR_ENV, save_dir

    folder = save_dir()
    problem = folder_write_problem(folder)
    if problem is None:
        return
    if environ.get(SAVE_DIR_ENV):
        raise GameArgumentError(f"{SAVE_DIR_ENV}={folder}: {problem}; point it at a folder you can write")
    print(
        f"aisim: note: games and settings will not be saved: {folder}: {problem} "
        f"(set {SAVE_DIR_ENV} to a folder you can write)",
        file=sys.stderr,
    )


def given(args, *options: str) -> list[str]:
    """The ``options`` (destinations: ``"load"``, ``"set"``) given on the command line, as ``--load`` etc."""
    return [f"--{o.replace('_', '-')}" for o in options if getattr(args, o, None) not in (None, [], False)]


def cmd_play(args) -> int:
    """``aisim play``: check every argument, then open the game (or run it headless)."""
    import warnings

    # pygame-gui warns on stderr when a label is wider than its box (a scenario's long label): the label is
    # cut in the window all the same, and the warning only echoed a file's text, control characters and all,
    # to the player's terminal (the layout tests turn it into an error for aisim's own texts)
    warnings.filterwarnings("ignore", message="Label Rect is too small for text", category=UserWarning)
    size = check_play_options(args)
    lesson_only = given(args, "team", "role")
    if lesson_only:
        verb = "belongs" if len(lesson_only) == 1 else "belong"
        raise GameArgumentError(f"{' and '.join(lesson_only)} {verb} to a lesson game: add --lesson NAME")
    if args.load is not None and args.scenario is not None:
        raise GameArgumentError("give a SCENARIO or --load FILE, not both")
    if args.load is not None and args.seed is not None:
        raise GameArgumentError("--seed starts a new game; a saved game goes on with its own seed (drop --seed)")
    seed = 0 if args.seed is None else args.seed
    # Check every input before a window opens, so errors are one line and exit 2.
    from sim.scenario import load_scenario

    saved = None
    scenario = None
    if args.load is not None:
        from sim.saves import load_save

        saved = load_save(args.load)
    elif args.scenario is not None or args.autoplay is not None or args.set:
        scenario = load_scenario(args.scenario)
    levers = {}
    if args.set:
        if scenario is None:
            raise GameArgumentError("--set applies to a new game, not to --load")
        levers = scenario.parameters.parse_assignments(args.set)
        for name in levers:
            if scenario.parameters[name].kind != "lever":
                raise GameArgumentError(f"--set {name}: not a policy lever of {scenario.name}")
    if args.headless:
        from sim.game.app import headless_environment

        headless_environment()
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

    from sim.game.app import App
    from sim.game.session import GameSession

    app = open_app(
        lambda: App(size=size, lang=args.lang, scenario=scenario, seed=seed, ui_scale=args.ui_scale), args.headless
    )
    if saved is not None:
        session = GameSession.from_save(saved)
        app.start_game(session)
        if session.finished:
            from sim.game.screens.end import EndScreen

            app.show(EndScreen)
    elif args.autoplay is not None or levers:
        assert scenario is not None  # loaded above for --autoplay and --set
        session = GameSession(scenario, seed)
        for name, value in levers.items():
            session.set_lever(name, value)
        app.start_game(session)
    if args.tab and app.session is not None and hasattr(app.screen, "tab"):
        app.screen.tab = args.tab
        app.rebuild()
    if args.autoplay:
        autoplay(app, args.autoplay, stop_at_event=args.event)
    if args.headless or args.screenshot:
        if app.session is not None:
            app.session.sync_ghost()  # the capture shows the baseline of the same quarter
        app.pump(3)
        wait_for_preview(app)
        if args.screenshot:
            path = app.screenshot(args.screenshot)
            print(path)
    if args.headless:
        app.autosave()
        app.close()
        return 0
    app.run()
    return 0


def wait_for_preview(app, timeout_s: float = 60.0) -> None:
    """Let the dashboard's forecast preview arrive before a capture (no-op without a preview pool)."""
    if app.previewer is None or app.session is None or app.session.finished:
        return
    deadline = time.perf_counter() + timeout_s
    app.pump(2)
    while time.perf_counter() < deadline and (app.previewer.busy or getattr(app.screen, "preview_due", None)):
        time.sleep(0.05)
        app.pump(1)
    app.pump(2)


def autoplay(app, quarters: int, stop_at_event: bool = False) -> int:
    """Play up to ``quarters`` quarters through the dashboard (choice events get their default answer).

    With ``stop_at_event`` it stops with the first choice event's dialog open. Returns quarters played.
    """
    from sim.game.screens.dashboard import DashboardScreen

    played = 0
    while played < quarters and app.session is not None and not app.session.finished:
        screen = app.screen
        if not isinstance(screen, DashboardScreen):
            break
        before = app.session.played_quarters
        screen.request_step()
        if screen.event_window is not None:
            if stop_at_event:
                return played
            while screen.event_window is not None:
                event = app.session.unanswered_events()[0]
                screen.answer(event["id"], event["default_choice"])
        app.pump(1)
        if app.session.played_quarters == before:
            break
        played += 1
    return played
