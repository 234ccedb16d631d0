"""The ``aisim`` command: run, validate, scenarios, params, schema (and play, sweep, ... where installed).

Every error a user can cause ends as one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from sim.errors import UserError

# Modules that add subcommands with ``register(subparsers)``; each is optional so
# the core works where the game or batch tools are not built in.
EXTENSION_MODULES = ("sim.game.commands", "sim.experiments.commands", "sim.classroom.commands")


class ArgumentError(UserError):
    """A bad command-line argument."""


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors become :class:`ArgumentError` (exit 2, one line)."""

    def error(self, message: str):  # type: ignore[override]
        raise ArgumentError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="aisim",
        description="Agent-based simulation game of a national AI market (default: South Korea 2024-2033).",
        epilog="Run `aisim COMMAND --help` for a command's options.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    run = sub.add_parser(
        "run",
        help="run a scenario headless over seeds and write CSV results",
        description="Run a scenario headless over one or more seeds (in parallel on local cores), "
        "print a summary of the last year and write quarters.csv, firms.csv, news.csv and run.json.",
    )
    run.add_argument(
        "scenario", nargs="?", default=None, help="bundled scenario name or YAML path (default: korea-2025)"
    )
    seeds = run.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=int, metavar="N", help="run seeds 0..N-1 (default: 10)")
    seeds.add_argument("--seed", type=int, metavar="S", help="run the single seed S")
    run.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE", help="override a parameter (repeatable)"
    )
    run.add_argument("--out", metavar="DIR", help="output folder (default: runs/<scenario>-<timestamp>/)")
    run.add_argument("--workers", type=int, metavar="N", help="worker processes (default: one per core)")
    run.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary; print only the output folder")
    run.set_defaults(handler=cmd_run)

    validate = sub.add_parser("validate", help="check scenario files (exit 0 if all valid, 2 otherwise)")
    validate.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files or bundled names")
    validate.set_defaults(handler=cmd_validate)

    scenarios = sub.add_parser("scenarios", help="list the bundled scenarios")
    scenarios.add_argument("--lang", choices=("en", "ko"), default="en")
    scenarios.set_defaults(handler=cmd_scenarios)

    params = sub.add_parser("params", help="list a scenario's levers and uncertainties (the parameter spec)")
    params.add_argument("scenario", nargs="?", default=None)
    params.add_argument("--markdown", action="store_true", help="print a Markdown table")
    params.add_argument("--lang", choices=("en", "ko"), default="en")
    params.set_defaults(handler=cmd_params)

    schema = sub.add_parser("schema", help="print the scenario file reference (Markdown)")
    schema.set_defaults(handler=cmd_schema)

    for name in EXTENSION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # absent extension (the module or its package): skip; a missing dependency inside it: raise
            if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 0
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"aisim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aisim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# ----------------------------------------------------------------------
def _seed_list(args) -> list[int]:
    if args.seed is not None:
        if args.seed < 0:
            raise ArgumentError(f"--seed must be >= 0, got {args.seed}")
        return [args.seed]
    count = 10 if args.seeds is None else args.seeds
    if count < 1:
        raise ArgumentError(f"--seeds must be at least 1, got {count}")
    return list(range(count))


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
    from sim.runner import check_out_dir, default_out_dir, format_summary, run_scenario, write_run
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    overrides = scenario.parameters.parse_assignments(args.set)
    scenario = scenario.with_values(overrides)
    seeds = _seed_list(args)
    if args.workers is not None and args.workers < 1:
        raise ArgumentError(f"--workers must be at least 1, got {args.workers}")
    out = Path(args.out) if args.out else default_out_dir(scenario)
    check_out_dir(out, args.force)
    update, close = progress_printer(len(seeds), args.quiet)
    try:
        result = run_scenario(scenario, seeds=seeds, workers=args.workers, progress=update)
    finally:
        close()
    write_run(result, out, overrides, force=args.force)
    if args.quiet:
        print(out)
        return 0
    year = int(result.quarters["year"].max())
    print(f"{scenario.title['en']}  ({scenario.name}, {len(seeds)} seed(s), {result.seconds:.1f} s)")
    print(format_summary(result.summary(year), year))
    print(f"\nResults: {out}/ (quarters.csv, firms.csv, news.csv, run.json)")
    return 0


def cmd_validate(args) -> int:
    from sim.scenario import load_scenario

    failed = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"ok: {name} ({scenario.name}, {len(scenario.parameters)} parameters, hash {scenario.content_hash[:12]})")
    return 2 if failed else 0


def cmd_scenarios(args) -> int:
    from sim.scenario import bundled_scenarios, load_scenario

    for path in bundled_scenarios():
        scenario = load_scenario(path)
        title = scenario.title[args.lang]
        first = scenario.description[args.lang].split(". ")[0].rstrip(".")
        print(f"{path.stem:<22} {title}: {first}.")
    return 0


def cmd_params(args) -> int:
    from sim.docs import parameters_markdown, parameters_text
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    print(parameters_markdown(scenario, args.lang) if args.markdown else parameters_text(scenario, args.lang))
    return 0


def cmd_schema(args) -> int:
    from sim.docs import scenario_reference_markdown

    print(scenario_reference_markdown())
    return 0


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
