"""The ``aisim sweep`` and ``aisim analyze`` commands (registered by :mod:`sim.cli`)."""

from __future__ import annotations

import contextlib
import re
import sys
import time
from concurrent.futures import BrokenExecutor
from pathlib import Path

from sim.core.numbers import cli_whole
from sim.errors import Terminated, UserError, interrupt_exit_code


class SweepArgumentError(UserError):
    """A bad sweep or analyze argument."""


# a Dask scheduler's address: an optional scheme, a host name, IPv4 or [IPv6] address, and a port
SCHEDULER_ADDRESS = re.compile(r"(?:(?:tcp|tls|ucx|ws|wss)://)?(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}")


def register(sub) -> None:
    """Add ``sweep`` and ``analyze`` to the ``aisim`` sub-command parsers."""
    from sim.experiments.backends import BACKENDS

    sweep = sub.add_parser(
        "sweep",
        help="run a batch experiment (policies x futures x replications), resumable",
        description="Run every run of an experiment file, streaming results to DIR in partitions. "
        "Run the same command again after a crash or Ctrl-C to finish only the missing runs.",
    )
    sweep.add_argument(
        "experiment", metavar="EXPERIMENT", help="an experiment file, or a bundled experiment's name (e.g. quick-look)"
    )
    sweep.add_argument("--out", metavar="DIR", help="result folder (default: sweeps/<experiment name>/)")
    sweep.add_argument("--workers", type=cli_whole, metavar="N", help="worker processes (default: one per core)")
    sweep.add_argument("--backend", choices=BACKENDS, default="process", help="where runs happen (default: process)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (implies --backend dask)")
    sweep.add_argument(
        "--flush-every", type=cli_whole, default=100, metavar="K", help="write a partition every K runs (default: 100)"
    )
    sweep.add_argument(
        "--chunk", type=cli_whole, default=1, metavar="N", help="runs per task; raise for very short runs (default: 1)"
    )
    sweep.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    sweep.add_argument("--dry-run", action="store_true", help="validate and print the design size, run nothing")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar; print only the result folder")
    sweep.set_defaults(handler=cmd_sweep)

    analyze = sub.add_parser(
        "analyze",
        help="summarise a sweep: outcome ranges per design point, sensitivity, charts",
        description="Read a sweep folder and write summary.csv, sensitivity.csv and PNG charts "
        "(fan charts per policy, a tornado chart, a trade-off scatter) into DIR/analysis/.",
    )
    analyze.add_argument("folder", metavar="DIR", help="a folder written by `aisim sweep`")
    analyze.add_argument(
        "--x", metavar="METRIC", default=None, help="trade-off chart x axis (default: consumer_surplus)"
    )
    analyze.add_argument(
        "--y", metavar="METRIC", default=None, help="trade-off chart y axis (default: sovereignty_index)"
    )
    analyze.add_argument("--out", metavar="DIR", help="where to write the analysis (default: DIR/analysis/)")
    analyze.add_argument("--no-charts", action="store_true", help="write the CSV files only")
    analyze.add_argument(
        "--method",
        choices=("regression", "morris", "sobol"),
        default="regression",
        help="sensitivity method: regression (SRC and first-order index, any design; default), or SALib's "
        "morris or sobol on a sweep of their own sample (an experiment with points:); writes DIR/analysis/METHOD.csv",
    )
    analyze.add_argument(
        "--levels",
        type=cli_whole,
        default=4,
        metavar="N",
        help="morris: num_levels the sample was drawn with (default: 4)",
    )
    analyze.set_defaults(handler=cmd_analyze)


def _progress(total: int, initial: int, quiet: bool):
    """A tqdm bar (runs done, failures, ETA) on a terminal, else a no-op."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    import tqdm as tqdm_module
    from tqdm import tqdm

    tqdm_module.tqdm.monitor_interval = 0  # no monitor thread in the parent of worker processes
    bar = tqdm(total=total, initial=initial, unit="run", desc="runs", file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(ok: int, failed: int) -> None:
        bar.update(initial + ok + failed - bar.n)
        bar.set_postfix(failed=failed, refresh=False)

    return update, bar.close


def cmd_sweep(args) -> int:
    """``aisim sweep``: run the missing runs of an experiment into its result folder."""
    from sim.experiments.design import make_design
    from sim.experiments.runner import check_sweep_options
    from sim.experiments.spec import load_experiment
    from sim.experiments.store import lock_folder

    check_sweep_options(
        workers=1 if args.workers is None else args.workers,
        chunk=args.chunk,
        flush_every=args.flush_every,
        named=lambda name: f"--{name.replace('_', '-')}",
    )
    if args.scheduler is not None and not SCHEDULER_ADDRESS.fullmatch(args.scheduler):
        raise SweepArgumentError(
            f"--scheduler: expected a Dask scheduler address like tcp://10.0.0.5:8786 (or host:port), got {args.scheduler!r}"
        )
    backend = "dask" if args.scheduler else args.backend
    if args.scheduler and args.backend not in ("process", "dask"):
        raise SweepArgumentError(f"--scheduler needs --backend dask, not {args.backend}")
    experiment = load_experiment(args.experiment)
    design = make_design(experiment)
    out = Path(args.out) if args.out is not None else Path("sweeps") / experiment.name
    if experiment.policies.design == "points":
        shape = (
            f"{len(design.policies):,} point(s) x {experiment.replications} replication(s) = {design.total_runs:,} runs"
        )
    else:
        shape = (
            f"{len(design.policies)} polic{'y' if len(design.policies) == 1 else 'ies'} x {len(design.futures)} "
            f"future(s) x {experiment.replications} replication(s) = {design.total_runs:,} runs"
        )
    if args.dry_run:
        print(
            f"{experiment.name}: {shape}; scenario {experiment.scenario.name}; keep {experiment.keep}; would write {out}/"
        )
        return 0
    existed = out.exists()
    lock = lock_folder(out)  # held for the sweep's life: a second sweep into `out` exits 2 naming this one
    try:
        return _sweep_locked(args, experiment, design, out, shape, backend)
    finally:
        lock.release()
        if not existed:
            with contextlib.suppress(OSError):
                out.rmdir()  # nothing was written (an error before the first file): leave no empty folder


def _sweep_locked(args, experiment, design, out: Path, shape: str, backend: str) -> int:
    from sim.cli import estimate_text
    from sim.core.files import atomic_write_text
    from sim.experiments.backends import default_workers, open_executor
    from sim.experiments.runner import run_sweep
    from sim.experiments.store import ResultStore

    existing = ResultStore.check_folder(out, experiment)
    if existing is not None:
        # set aside corrupt records (and records whose data is gone) before counting what is done
        for note in existing.repair():
            print(f"aisim: note: {note}", file=sys.stderr)
        existing.clean()
    ok_before, failed_before = _status_for_resume(existing)
    done_before = len(ok_before) + (0 if args.retry_failed else len(failed_before))
    remaining = design.total_runs - done_before
    if not args.quiet:
        resumed = f"; {done_before:,} already done" if done_before else ""
        print(f"{experiment.name}: {shape}{resumed}", file=sys.stderr)
    if remaining == 0:
        if not args.quiet:
            print(f"Nothing to do: all runs are in {out}/ ({len(failed_before)} failed)", file=sys.stderr)
        else:
            print(out)
        return 0
    workers = min(args.workers or default_workers(), remaining)  # no idle processes for a few runs
    estimate = estimate_text(experiment.scenario, remaining, workers, in_memory=False, what="runs")
    if estimate and not args.quiet:
        print(f"aisim: {estimate}", file=sys.stderr)
    update, close = _progress(design.total_runs, done_before, args.quiet)
    started = time.perf_counter()
    try:
        with open_executor(backend, workers, args.scheduler) as executor:
            # created only once the backend is up, so a bad scheduler address leaves nothing behind
            store = ResultStore.create_or_resume(out, experiment, design)
            for note in store.repaired:
                print(f"aisim: note: {note}", file=sys.stderr)
            report = run_sweep(
                experiment,
                store,
                executor,
                design=design,
                workers=workers,
                chunk=args.chunk,
                flush_every=args.flush_every,
                retry_failed=args.retry_failed,
                progress=update,
            )
            if report.interrupted:
                raise report.interrupt or KeyboardInterrupt()
    except KeyboardInterrupt as exc:
        close()
        how = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        print(
            f"aisim: {how}; {_kept(out, experiment):,} of {design.total_runs:,} runs kept in {out}/. "
            "Run the same command again to finish the rest.",
            file=sys.stderr,
        )
        return interrupt_exit_code(exc)
    except BrokenExecutor as exc:
        close()
        print(
            f"aisim: error: a worker process died ({exc}); {_kept(out, experiment):,} runs kept in {out}/. "
            "Run the same command again to resume.",
            file=sys.stderr,
        )
        return 1
    finally:
        close()
    seconds = time.perf_counter() - started
    if report.failed:
        from sim.core.tables import to_csv_text

        atomic_write_text(out / "errors.csv", to_csv_text(store.errors()))
    if args.quiet:
        print(out)
    else:
        rate = report.done / seconds if seconds > 0 else 0.0
        print(
            f"Done: {report.ok:,} ok, {report.failed:,} failed in {seconds:.1f} s ({rate:.1f} runs/s). Results: {out}/"
        )
        for run_id, error in list(report.errors.items())[:5]:
            print(f"  run {run_id} failed: {error}")
        if report.failed:
            print(f"  all failures: {out / 'errors.csv'}")
        print(f"Next: aisim analyze {out}")
    return 1 if report.failed else 0


def _status_for_resume(existing) -> tuple[set[int], dict[int, str]]:
    """Runs already done in an existing folder, not counting those in corrupt records (resume redoes them)."""
    if existing is None:
        return set(), {}
    ok: set[int] = set()
    failed: dict[int, str] = {}
    for path in existing._records(all_names=True):
        try:
            record = existing._read_record(path)
        except UserError:
            continue
        ok.update(record["ok"])
        failed.update({int(k): v for k, v in record["failed"].items()})
    for run_id in ok:
        failed.pop(run_id, None)
    return ok, failed


def _kept(out: Path, experiment) -> int:
    """Runs recorded in ``out`` (0 if the folder was never created)."""
    from sim.experiments.store import ResultStore

    store = ResultStore.check_folder(out, experiment)
    if store is None:
        return 0
    ok, failed = _status_for_resume(store)
    return len(ok) + len(failed)


def cmd_analyze(args) -> int:
    """``aisim analyze``: summarise a sweep folder (tables, sensitivity, charts)."""
    from sim.experiments.analysis import analyze_folder, check_levels, check_outcome, format_report

    check_levels(args.levels, "--levels")
    for option in ("x", "y"):
        if getattr(args, option) is not None:
            check_outcome(getattr(args, option), f"--{option}")
    result = analyze_folder(
        Path(args.folder),
        out=Path(args.out) if args.out is not None else None,
        x=args.x or "consumer_surplus",
        y=args.y or "sovereignty_index",
        charts=not args.no_charts,
        method=args.method,
        morris_levels=args.levels,
    )
    print(format_report(result))
    return 0
