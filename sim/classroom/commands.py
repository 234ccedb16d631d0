"""Classroom subcommands: ``lessons``, ``lesson new|check``, ``class new|report``, ``debrief``, ``play --lesson``.

Registered by :mod:`sim.cli` like the game's and the batch tools' commands.
Every error a user can cause is a :class:`UserError` (one line, exit 2).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sim.core.files import atomic_write, check_path_text
from sim.core.numbers import cli_whole
from sim.errors import UserError


class ClassroomArgumentError(UserError):
    """A bad argument to a classroom command."""


def register(sub) -> None:
    """Add the classroom subcommands (and ``--lesson``/``--team`` on ``play``) to the ``aisim`` parser.

    Call it after the game's ``register`` (it extends ``play``).
    """
    from sim.cli import LANGUAGES, Parser  # here, not at import time: sim.cli imports this module

    lang_help = "language of titles and reports: en or ko (default: en)"
    lessons = sub.add_parser(
        "lessons",
        help="list the bundled lessons and lesson files in this folder",
        description="List the bundled lessons and the lesson files in the current folder (and its lessons/).",
    )
    lessons.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    lessons.set_defaults(handler=cmd_lessons)

    lesson = sub.add_parser(
        "lesson",
        help="write or check a lesson file (teachers)",
        description="Teacher authoring: `lesson new NAME` writes a commented template; "
        "`lesson check FILE` validates it, plays it and checks its objectives discriminate.",
    )
    lesson_sub = lesson.add_subparsers(
        dest="lesson_command", metavar="ACTION", parser_class=Parser, help="new or check"
    )
    new = lesson_sub.add_parser(
        "new", help="write a commented lesson template", description="Write a commented lesson template."
    )
    new.add_argument("name", metavar="NAME", help="lesson name (file NAME.yaml unless --out)")
    new.add_argument("--out", metavar="FILE", help="file to write (default: NAME.yaml)")
    new.add_argument("--force", action="store_true", help="replace an existing file")
    new.set_defaults(handler=cmd_lesson_new)
    check = lesson_sub.add_parser(
        "check",
        help="validate a lesson, play every role's default to the end, check the objectives discriminate",
        description="Validate a lesson, play every role's default to the end headless, and check that some "
        "policy in a small built-in sweep scores clearly better than doing nothing; print the spread over seeds.",
    )
    check.add_argument("file", metavar="FILE", help="lesson file or bundled name")
    check.add_argument("--workers", type=cli_whole, metavar="N", help="worker processes (default: one per core)")
    check.add_argument("--seeds", type=cli_whole, metavar="N", help="use only the first N class seeds (quicker)")
    check.set_defaults(handler=cmd_lesson_check)
    lesson.set_defaults(handler=lambda args: (lesson.print_help(), 0)[1])

    klass = sub.add_parser(
        "class",
        help="prepare a class pack or report on a class's saves (teachers)",
        description="`class new LESSON --out DIR` writes a folder to hand out; "
        "`class report SAVES_DIR --out DIR` compares every team over the class seeds.",
    )
    class_sub = klass.add_subparsers(dest="class_command", metavar="ACTION", parser_class=Parser, help="new or report")
    pack = class_sub.add_parser(
        "new",
        help="write a folder to hand out: lesson, student instructions, teacher README",
        description="Write a class pack: the lesson, student instructions (EN/KO), a teacher README on "
        "collecting the work, the teacher notes and an empty saves/ folder.",
    )
    pack.add_argument("lesson", metavar="LESSON", help="lesson name or file")
    pack.add_argument("--out", required=True, metavar="DIR", help="folder to write")
    pack.add_argument(
        "--force",
        action="store_true",
        help="replace an earlier class pack (never one holding student saves) or aisim result",
    )
    pack.set_defaults(handler=cmd_class_new)
    report = class_sub.add_parser(
        "report",
        help="replay every team's decisions over the class seeds; ranking, trade-offs, luck",
        description="Replay every team's decisions over the class seeds and write index.html (ranking with "
        "5-95 % bands, trade-off scatter, was-it-luck column, refused files) and teams.csv.",
    )
    report.add_argument("saves", metavar="SAVES_DIR", help="folder with the teams' save files")
    report.add_argument("--out", required=True, metavar="DIR", help="folder for index.html and teams.csv")
    report.add_argument(
        "--seeds",
        type=cli_whole,
        default=None,
        metavar="N",
        help="class seeds to use (default: the lesson's; more than it lists continue with the next integers)",
    )
    report.add_argument("--workers", type=cli_whole, metavar="N", help="worker processes (default: one per core)")
    report.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    report.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    report.set_defaults(handler=cmd_class_report)
    klass.set_defaults(handler=lambda args: (klass.print_help(), 0)[1])

    debrief = sub.add_parser(
        "debrief",
        help="write a self-contained HTML debrief of one or more saves",
        description="Write DIR/index.html: per team the fair score beside the run it saw, the timeline of "
        "decisions and events, turning points, the baseline, the random events revealed, debrief questions.",
    )
    debrief.add_argument("saves", nargs="+", metavar="SAVE", help="save files (lesson saves or plain games)")
    debrief.add_argument("--out", required=True, metavar="DIR", help="folder for index.html")
    debrief.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    debrief.add_argument("--workers", type=cli_whole, metavar="N", help="worker processes for fair scores")
    debrief.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    debrief.set_defaults(handler=cmd_debrief)

    play = sub.choices.get("play")
    if play is not None:  # the game is built in: let it play lessons
        play.add_argument("--lesson", metavar="NAME", help="play a lesson (bundled name or file)")
        play.add_argument("--team", metavar="NAME", help="team name (lesson saves are named by team and lesson)")
        play.add_argument(
            "--role",
            action="append",
            default=[],
            metavar="ROLE",
            help="a role your team(s) play (repeatable; hot-seat)",
        )
        game_handler = play.get_default("handler")
        play.set_defaults(handler=lambda args: cmd_play_lesson(args) if args.lesson is not None else game_handler(args))


# ----------------------------------------------------------------------
class LazyProgress:
    """A progress bar (on a terminal) that learns its total from the first ``(done, total)`` call."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.update: Callable[[int, int], None] | None = None
        self.close: Callable[[], None] = lambda: None

    def __call__(self, done: int, total: int) -> None:
        if self.update is None:
            from sim.cli import progress_printer

            self.update, self.close = progress_printer(total, quiet=False, label=self.label)
            self.update = self.update or (lambda done, total: None)
        self.update(done, total)


def cmd_lessons(args) -> int:
    """``aisim lessons``: bundled and local lessons with title, length and roles."""
    from sim.classroom.lesson import bundled_lessons, load_lesson, local_lessons

    for title, paths in (("bundled", bundled_lessons()), ("local", local_lessons())):
        if not paths:
            continue
        print(f"{title}:")
        for path in paths:
            try:
                lesson = load_lesson(path)
            except UserError as exc:
                print(f"  {path.stem:<24} (invalid: {exc.message})")
                continue
            roles = ", ".join(r.id for r in lesson.roles)
            label = path.stem if title == "bundled" else str(path)
            print(
                f"  {label:<24} {lesson.title[args.lang]}  [{lesson.minutes} min, {lesson.quarters} quarters; roles: {roles}]"
            )
    return 0


def cmd_lesson_new(args) -> int:
    """``aisim lesson new NAME``: write the commented lesson template (never over a file without --force)."""
    from sim.classroom.template import lesson_template
    from sim.schema import NAME

    name = args.name.strip()
    if not NAME.pattern or not NAME.pattern.fullmatch(name.lower()):  # the rule its own check applies to name:
        raise ClassroomArgumentError(f"lesson name: expected {NAME.expected} (like my-lesson), got {args.name[:40]!r}")
    out = check_path_text(args.out, "--out") if args.out is not None else Path(f"{name}.yaml")
    if out.is_symlink():
        raise ClassroomArgumentError(f"{out} is a symbolic link; give the file itself, or another --out")
    if out.is_dir():
        raise ClassroomArgumentError(f"{out} is a folder; give a lesson file name (like {name}.yaml)")
    if out.suffix not in (".yaml", ".yml"):
        raise ClassroomArgumentError(f"--out: expected a .yaml file name (like {name}.yaml), got {str(out)!r}")
    if out.exists() and not args.force:
        raise ClassroomArgumentError(f"{out} exists; choose another --out or pass --force")
    atomic_write(out, lesson_template(name.lower()), make_parents=True)  # a reader never sees half a file
    print(f"{out}  (edit it, then: aisim lesson check {out})")
    return 0


def _check_seed_count(args) -> None:
    """Refuse a ``--seeds`` count below 1 or above what a lesson may list (:data:`MAX_CLASS_SEEDS`)."""
    from sim.classroom.lesson import MAX_CLASS_SEEDS

    if args.seeds is not None and not 1 <= args.seeds <= MAX_CLASS_SEEDS:
        raise ClassroomArgumentError(f"--seeds must be from 1 to {MAX_CLASS_SEEDS:,}, got {args.seeds}")


def cmd_lesson_check(args) -> int:
    """``aisim lesson check FILE``: print the check report; exit 2 when the lesson is not usable."""
    from sim.classroom.check import check_lesson

    _check_seed_count(args)  # --workers: checked for every subcommand by sim.cli
    ok, lines = check_lesson(args.file, workers=args.workers, seeds=args.seeds)
    for line in lines:
        print(line)
    if not ok:  # the error contract's one line on stderr, as every other refusal has
        errors = [line.strip().removeprefix("error: ") for line in lines if line.strip().startswith("error:")]
        print(
            f"aisim: error: {args.file}: lesson check failed: {errors[0] if errors else 'see above'}", file=sys.stderr
        )
    return 0 if ok else 2


def cmd_class_new(args) -> int:
    """``aisim class new LESSON --out DIR``: write the class pack."""
    from sim.classroom.pack import write_class_pack

    out = write_class_pack(args.lesson, Path(args.out), force=args.force)
    print(f"{out}/  (hand this folder to students; teacher notes in {out}/TEACHER.md)")
    return 0


def cmd_class_report(args) -> int:
    """``aisim class report SAVES_DIR --out DIR``: write the class report and print its summary."""
    from sim.classroom.report import write_class_report

    _check_seed_count(args)  # --workers: checked for every subcommand by sim.cli
    bar = LazyProgress("replays")
    try:
        out, summary = write_class_report(
            Path(args.saves),
            Path(args.out),
            seeds=args.seeds,
            workers=args.workers,
            lang=args.lang,
            force=args.force,
            progress=bar,
        )
    finally:
        bar.close()
    print(summary)
    print(f"{out}/index.html  {out}/teams.csv")
    return 0


def cmd_debrief(args) -> int:
    """``aisim debrief SAVE... --out DIR``: write the debrief pack."""
    from sim.classroom.debrief import write_debrief

    out = write_debrief(
        [Path(p) for p in args.saves], Path(args.out), lang=args.lang, workers=args.workers, force=args.force
    )
    print(f"{out}/index.html")
    return 0


def cmd_play_lesson(args) -> int:
    """``aisim play --lesson NAME --team NAME``: a lesson game saved in the team's own slot."""
    from sim.classroom.lesson import load_lesson

    if not args.team or not args.team.strip():
        raise ClassroomArgumentError("--lesson needs --team NAME (saves are named by team and lesson)")
    from sim.game.commands import check_play_options, given

    size = check_play_options(args)
    other = (["SCENARIO"] if args.scenario is not None else []) + given(args, "load", "set", "seed", "tab", "event")
    if other:
        raise ClassroomArgumentError(
            f"--lesson plays the lesson's own scenario and class seed; drop {', '.join(other)}"
        )
    lesson = load_lesson(args.lesson)
    roles = args.role or [lesson.roles[0].id]
    for role in roles:
        lesson.role(role)
    if len(set(roles)) != len(roles):
        raise ClassroomArgumentError(f"--role: each role once, got {', '.join(roles)}")
    if args.headless:
        from sim.game.app import headless_environment

        headless_environment()
    from sim.classroom.game import start_lesson_game
    from sim.game.commands import open_app

    app = open_app(
        lambda: start_lesson_game(lesson, size=size, lang=args.lang, team=args.team, roles=roles), args.headless
    )
    if app.message:
        print(f"aisim: note: {app.message}", file=sys.stderr)
    if args.autoplay:
        from sim.classroom.game import show_turn
        from sim.game.commands import autoplay

        show_turn(app)  # past the briefing, to the first role's screen (the dashboard for a regulator)
        autoplay(app, args.autoplay)
    if args.headless:
        app.pump(3)
        if args.screenshot:
            wait = getattr(app.screen, "wait", None)  # the lesson's end: its fair scores belong in the capture
            if wait is not None:
                wait()
                app.pump(3)
            print(app.screenshot(args.screenshot))
        saved_path = app.session.save() if app.session is not None and app.session.history else None
        if saved_path:
            print(saved_path)
        app.close()  # stops what still runs in the background (the fair scores' replays, the previews)
        return 0
    app.run()
    return 0
