"""The ``aisim`` command: run, replay, validate, scenarios, params, schema, web; play; sweep, analyze.

Every error a user can cause ends as one line on stderr, ``aisim: error: ...``, and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from sim.classroom import commands as classroom_commands
from sim.core.arguments import MAX_WORKERS
from sim.core.numbers import cli_whole
from sim.errors import Terminated, UserError, interrupt_exit_code, sigterm_as_interrupt, terminal_stdout
from sim.experiments import commands as experiment_commands
from sim.game import commands as game_commands
from sim.saves import check_seed_option

LANGUAGES = ("en", "ko")  # the --lang choices of every subcommand
LANGUAGE_HELP = "language of titles, labels and help: en (English, default) or ko (Korean)"


class ArgumentError(UserError):
    """A bad command-line argument."""


GIVEN_ONCE = "_options_given"  # kept on the namespace while parsing (see _StoreOnce), removed after


class _StoreOnce(argparse._StoreAction):
    """An option that takes a value, given at most once: ``--seeds 2 --seeds 3`` silently ran 3 seeds."""

    def __call__(self, parser, namespace, values, option_string=None):
        if option_string is not None:
            given = namespace.__dict__.setdefault(GIVEN_ONCE, set())
            if self.dest in given:
                parser.error(f"{option_string} is given twice; give it once")
            given.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors become :class:`ArgumentError` (exit 2, one line), and an option that takes
    one value may be given once (repeatable ones say so: ``action="append"``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def error(self, message: str):
        # main() prints the one "aisim: error:" prefix; name the subcommand if there is one
        """Raise the usage error as an ArgumentError (main prints it once, exit 2)."""
        command = self.prog.removeprefix("aisim").strip()
        raise ArgumentError(f"{command}: {message}" if command else message)


def build_parser() -> argparse.ArgumentParser:
    """The ``aisim`` argument parser with every subcommand."""
    from sim import __version__
    from sim.core.outputs import RUN_FILES

    parser = Parser(
        prog="aisim",
        description="Agent-based simulation game of a national AI market (default: South Korea 2024-2033).",
        epilog="Run `aisim COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"aisim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    run = sub.add_parser(
        "run",
        help="run a scenario headless over seeds and write CSV results",
        description="Run a scenario headless over one or more seeds (in parallel on local cores), "
        f"print a summary of the last year and write {', '.join(RUN_FILES)} into the output folder.",
    )
    run.add_argument(
        "scenario", nargs="?", default=None, help="bundled scenario name or YAML path (default: korea-2025)"
    )
    seeds = run.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=cli_whole, metavar="N", help="run seeds 0..N-1 (default: 10)")
    seeds.add_argument("--seed", type=cli_whole, metavar="S", help="run the single seed S")
    run.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE", help="override a parameter (repeatable)"
    )
    run.add_argument("--out", metavar="DIR", help="output folder (default: runs/<scenario>-<timestamp>/)")
    run.add_argument("--workers", type=cli_whole, metavar="N", help="worker processes (default: one per core)")
    run.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary; print only the output folder")
    run.set_defaults(handler=cmd_run)

    validate = sub.add_parser(
        "validate",
        help="check scenario files (exit 0 if all valid, 2 otherwise)",
        description="Load and check each scenario file or bundled name; print `ok:` per valid file and one "
        "`aisim: error:` line (file, key path, line) per invalid one. Exit 0 if all are valid, 2 otherwise.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files or bundled names")
    validate.set_defaults(handler=cmd_validate)

    scenarios = sub.add_parser(
        "scenarios",
        help="list the bundled scenarios",
        description="List the scenarios shipped with aisim: name, title and the first sentence of the story.",
    )
    scenarios.add_argument("--lang", choices=LANGUAGES, default="en", help=LANGUAGE_HELP)
    scenarios.set_defaults(handler=cmd_scenarios)

    params = sub.add_parser(
        "params",
        help="list a scenario's levers and uncertainties (the parameter spec)",
        description="Print a scenario's parameter spec: every lever, uncertainty and setting with its value, "
        "range, step, unit, label and help (as text, a Markdown table or JSON).",
    )
    params.add_argument(
        "scenario", nargs="?", default=None, help="bundled scenario name or YAML path (default: korea-2025)"
    )
    params_format = params.add_mutually_exclusive_group()
    params_format.add_argument("--markdown", action="store_true", help="print a Markdown table")
    params_format.add_argument(
        "--json",
        action="store_true",
        help="print JSON: a list of {name, kind, type, default, value, min, max, step, unit, choices, group, label, help}",
    )
    params.add_argument("--lang", choices=LANGUAGES, default="en", help=LANGUAGE_HELP)
    params.set_defaults(handler=cmd_params)

    schema = sub.add_parser(
        "schema",
        help="print the scenario file reference (Markdown)",
        description="Print the reference of every scenario file section and key, with types, ranges and defaults, "
        "as Markdown (docs/scenario-reference.md is this output).",
    )
    schema.set_defaults(handler=cmd_schema)

    web = sub.add_parser(
        "web",
        help="serve a Mesa SolaraViz page of the model in a browser (needs the web extra)",
        description="Serve a Mesa SolaraViz page built from the scenario's parameter spec: sliders for every lever "
        "and uncertainty, Step, Play and Reset, plots of headline outcomes. Needs pip install 'aisim[web]'.",
    )
    web.add_argument(
        "scenario", nargs="?", default=None, help="bundled scenario name or YAML path (default: korea-2025)"
    )
    web.add_argument("--seed", type=cli_whole, default=0, metavar="S", help="random seed (default: 0)")
    web.add_argument("--port", type=cli_whole, default=8765, metavar="PORT", help="port to serve on (default: 8765)")
    web.add_argument("--host", default="127.0.0.1", metavar="HOST", help="address to serve on (default: 127.0.0.1)")
    web.set_defaults(handler=cmd_web)

    replay = sub.add_parser(
        "replay",
        help="replay a saved game headless and write the same outputs as `aisim run`",
        description="Rebuild a saved game from its scenario, seed and decisions, run it to the end and "
        f"write {', '.join(RUN_FILES)} into the output folder.",
    )
    replay.add_argument("file", metavar="FILE", help="a save file written by the game")
    replay.add_argument("--out", metavar="DIR", help="output folder (default: runs/<scenario>-<timestamp>/)")
    replay.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    replay.add_argument("--quiet", action="store_true", help="print only the output folder")
    replay.set_defaults(handler=cmd_replay)

    game_commands.register(sub)
    experiment_commands.register(sub)
    classroom_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``aisim`` command with ``argv`` (default: the process's); returns the exit code."""
    parser = build_parser()
    try:
        # kill (SIGTERM) stops a command as Ctrl-C does: cleanly, and saying so; what it prints from users' files
        # is shown, never acted on by the terminal
        with sigterm_as_interrupt(), terminal_stdout():
            args = parser.parse_args(argv)
            vars(args).pop(GIVEN_ONCE, None)
            if not getattr(args, "handler", None):
                parser.print_help()
                return 0
            check_no_empty_text(args, argument_names(parser, args))
            check_common_arguments(args)
            return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"aisim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print("aisim: stopped (SIGTERM)" if isinstance(exc, Terminated) else "aisim: interrupted", file=sys.stderr)
        return interrupt_exit_code(exc)
    except BrokenPipeError:
        return 0


# ----------------------------------------------------------------------
# Limits (measured; see docs/guarantees.md). `aisim run` keeps every seed's tables in memory
# (~0.15 MB per seed of the Korea scenario); for more seeds use `aisim sweep`, which streams to disk.
MAX_SEEDS = 10_000


def argument_names(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, str]:
    """Each argument's destination -> how a person writes it (``--load``, ``SCENARIO``) in the (sub)command
    ``args`` came from."""
    names: dict[str, str] = {}
    parsers = [parser]
    while parsers:
        current = parsers.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(args, action.dest, None) or "")
                parsers.extend([chosen] if chosen is not None else [])
            elif action.option_strings:
                names.setdefault(action.dest, max(action.option_strings, key=len))
            else:
                names.setdefault(action.dest, str(action.metavar or action.dest.upper()))
    return names


def check_no_empty_text(args, names: Mapping[str, str]) -> None:
    """No argument is empty text: ``aisim run ''`` or ``--load ''`` would otherwise read as "not given" or as
    the current folder."""
    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not v.strip() for v in values):
            raise ArgumentError(f"{names.get(dest, dest)}: got empty text")


def check_common_arguments(args) -> None:
    """Checks shared by every subcommand, before any work: output names, counts, file names."""
    for option in ("out", "screenshot"):
        value = getattr(args, option, None)
        if value is not None:
            from sim.core.files import check_path_text

            check_path_text(value, f"--{option}", ArgumentError)
    workers = getattr(args, "workers", None)
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ArgumentError(f"--workers must be from 1 to {MAX_WORKERS}, got {workers}")
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        from sim.core.files import folder_write_problem

        problem = folder_write_problem(Path(screenshot).parent)
        if problem:
            raise ArgumentError(f"--screenshot: {problem}")
        target = Path(screenshot)
        if target.is_symlink() or (target.exists() and not target.is_file()):  # it was replaced by a PNG
            what = "a symbolic link" if target.is_symlink() else "not a regular file"
            raise ArgumentError(f"--screenshot: {screenshot} is {what}; give a new file name or a PNG to replace")


def _seed_list(args) -> list[int]:
    if args.seed is not None:
        check_seed_option(args.seed, ArgumentError)
        return [args.seed]
    count = 10 if args.seeds is None else args.seeds
    if count < 1:
        raise ArgumentError(f"--seeds must be at least 1, got {count}")
    if count > MAX_SEEDS:
        raise ArgumentError(
            f"--seeds must be at most {MAX_SEEDS:,} (aisim run keeps every seed in memory); "
            "for more, use `aisim sweep` with replications:, which streams results to disk"
        )
    return list(range(count))


def estimate_text(scenario, runs: int, workers: int | None, in_memory: bool = True, what: str = "seeds") -> str | None:
    """A one-line estimate of time and memory for a large job, or None for a small one.

    From measurements on a 2-core machine (docs/guarantees.md): a run costs ~0.3 us per
    adopter row and quarter plus ~0.1 s, a worker ~150 MB plus ~180 bytes per adopter row,
    and ``aisim run`` keeps ~0.15 MB per seed (``in_memory``); a sweep streams to disk.
    """
    from sim.pool import default_workers

    workers = max(1, min(workers or default_workers(runs), runs))
    rows = scenario.population.adopter_rows
    seconds = (0.3e-6 * rows * scenario.quarters + 0.1) * runs / workers
    memory_mb = workers * (150 + 180e-6 * rows) + (0.15 * runs if in_memory else 0)
    if seconds < 30 and memory_mb < 2000:
        return None
    return (
        f"estimate: about {seconds / 60:.0f} min and {memory_mb / 1000:.1f} GB of memory "
        f"({runs:,} {what} x {scenario.quarters} quarters x {rows:,} adopter rows on {workers} worker(s))"
    )


def progress_printer(total: int, quiet: bool, label: str = "seeds"):
    """A tqdm progress callback on a terminal, else None."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    import tqdm as tqdm_module
    from tqdm import tqdm

    tqdm_module.tqdm.monitor_interval = 0  # no monitor thread, so worker processes can be forked
    bar = tqdm(total=total, unit=label.rstrip("s"), desc=label, file=sys.stderr, leave=False)

    def update(done: int, _total: int) -> None:
        bar.update(done - bar.n)

    return update, bar.close


def cmd_run(args) -> int:
    """``aisim run``: run a scenario over seeds, print the summary, write the result folder."""
    from sim.core.outputs import RUN_FILES
    from sim.runner import check_out_dir, default_out_dir, run_scenario, write_run
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    overrides = scenario.parameters.parse_assignments(args.set)
    scenario = scenario.with_values(overrides)
    seeds = _seed_list(args)
    out = Path(args.out) if args.out is not None else default_out_dir(scenario)
    check_out_dir(out, args.force)
    estimate = estimate_text(scenario, len(seeds), args.workers)
    if estimate and not args.quiet:
        print(f"aisim: {estimate}", file=sys.stderr)
    update, close = progress_printer(len(seeds), args.quiet)
    try:
        result = run_scenario(scenario, seeds=seeds, workers=args.workers, progress=update)
    finally:
        close()
    write_run(result, out, overrides, force=args.force)
    if args.quiet:
        print(out)
        return 0
    print(f"{scenario.title['en']}  ({scenario.name}, {len(seeds)} seed(s), {result.seconds:.1f} s)")
    print(result.summary_text())
    print(f"\nResults: {out}/ ({', '.join(RUN_FILES)})")
    return 0


def cmd_replay(args) -> int:
    """``aisim replay``: rerun a saved game headless and write the same files as ``aisim run``."""
    from sim.core.outputs import RUN_FILES
    from sim.runner import check_out_dir, default_out_dir, replay_save, write_run
    from sim.saves import load_save

    saved = load_save(args.file)
    out = Path(args.out) if args.out else default_out_dir(saved.scenario)
    check_out_dir(out, args.force)
    result = replay_save(saved)
    write_run(result, out, {}, force=args.force, extra={"replay_of": str(Path(args.file).resolve())})
    if args.quiet:
        print(out)
        return 0
    print(
        f"{saved.scenario.title['en']}  (replay of {args.file}, seed {saved.seed}, "
        f"{len(saved.decisions)} decision quarter(s), {result.seconds:.1f} s)"
    )
    print(result.summary_text())
    print(f"\nResults: {out}/ ({', '.join(RUN_FILES)})")
    return 0


def cmd_validate(args) -> int:
    """``aisim validate``: check each file; exit 2 if any is invalid."""
    from sim.scenario import load_scenario

    failed = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except UserError as exc:
            print(f"aisim: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"ok: {name} ({scenario.name}, {len(scenario.parameters)} parameters, hash {scenario.content_hash[:12]})")
    return 2 if failed else 0


def cmd_scenarios(args) -> int:
    """``aisim scenarios``: list the bundled scenarios with their title and first sentence."""
    from sim.scenario import bundled_scenarios, load_scenario

    paths = bundled_scenarios()
    if not paths:
        from sim import bundled

        raise ArgumentError(f"no bundled scenarios in {bundled.folder('scenarios')}: the installation is incomplete")
    for path in paths:
        scenario = load_scenario(path)
        title = scenario.title[args.lang]
        first = scenario.description[args.lang].split(". ")[0].rstrip(".")
        print(f"{path.stem:<22} {title}: {first}.")
    return 0


def cmd_params(args) -> int:
    """``aisim params``: print a scenario's parameter spec as text, Markdown or JSON."""
    from sim.docs import parameters_markdown, parameters_text
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if args.json:
        import json

        items = [{**spec.to_dict(), "value": scenario.values[spec.name]} for spec in scenario.parameters]
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    print(parameters_markdown(scenario, args.lang) if args.markdown else parameters_text(scenario, args.lang))
    return 0


def cmd_web(args) -> int:
    """Serve sim.web with solara (a separate process, so the core never imports the web stack)."""
    import importlib.util
    import subprocess

    check_seed_option(args.seed, ArgumentError)
    if not 1 <= args.port <= 65535:  # else the server's child process died with a traceback and web hung
        raise ArgumentError(f"--port must be from 1 to 65535, got {args.port}")
    if importlib.util.find_spec("solara") is None:
        raise ArgumentError("aisim web needs the web extra: pip install 'aisim[web]'")
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)  # check it before the server starts
    env = dict(os.environ, AISIM_WEB_SCENARIO=str(scenario.source), AISIM_WEB_SEED=str(args.seed))
    command = [sys.executable, "-m", "solara", "run", "sim.web", "--port", str(args.port), "--host", args.host]
    print(f"Serving {scenario.name} at http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    return subprocess.call(command, env=env)


def cmd_schema(args) -> int:
    """``aisim schema``: print the scenario file reference as Markdown."""
    from sim.docs import scenario_reference_markdown

    print(scenario_reference_markdown())
    return 0


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
