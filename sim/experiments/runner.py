"""The sweep loop: submit runs to any executor, stream results to the store.

Memory stays flat however many runs there are: runs are generated lazily, at most
``max_in_flight`` tasks are submitted at a time, and finished rows are flushed to
a partition every ``flush_every`` runs (or ``flush_seconds``). A run that raises
is recorded with its error and the sweep goes on; Ctrl-C stops the sweep after
keeping every finished run. The executor is any :class:`concurrent.futures.Executor`
(a local process pool, a Dask client's executor, or the serial one).
"""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from typing import Any

from sim.core.stats import yearly_rows
from sim.errors import ExperimentError, raise_if_terminated
from sim.experiments.design import Design, RunSpec, make_design
from sim.experiments.spec import Experiment
from sim.experiments.store import ResultStore
from sim.scenario import Scenario

ID_COLUMNS = ["run_id", "point", "policy", "future", "replication", "seed"]

Simulate = Callable[[Scenario, int, dict], list[dict]]


def simulate_history(scenario: Scenario, seed: int, values: dict) -> list[dict]:
    """Run the model to the end with ``values`` and return its quarter rows.

    A sweep reads the quarter rows only, so the model records nothing else (``outcomes_only``: no firm
    rows or explanation drivers; the same rows)."""
    from sim.model.model import AIMarketModel

    model = AIMarketModel(scenario, seed=seed, values=values)
    model.outcomes_only = True
    return model.run().history


@dataclass(frozen=True)
class RunOutcome:
    """What a worker sends back for one run: its rows, or the error it raised."""

    run_id: int
    rows: list[dict]
    error: str | None
    seconds: float
    cpu_seconds: float = 0.0


def shape_rows(spec: RunSpec, history: list[dict], keep: str) -> list[dict]:
    """Quarter rows of one run -> the rows to keep, each prefixed with the run's ids and values."""
    prefix = {
        "run_id": spec.run_id,
        "point": spec.point,
        "policy": spec.policy,
        "future": spec.future,
        "replication": spec.replication,
        "seed": spec.seed,
        **spec.values,
    }
    if keep == "every_quarter":
        return [{**prefix, **row} for row in history]
    years = yearly_rows(history)
    if keep == "final_year":
        years = years[-1:]
    return [{**prefix, **row} for row in years]


def execute_runs(
    scenario: Scenario, keep: str, runs: Sequence[RunSpec], simulate: Simulate | None = None
) -> list[RunOutcome]:
    """Worker entry point: do some runs, catching each run's error so the others go on."""
    simulate = simulate or simulate_history
    out = []
    for spec in runs:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            rows = shape_rows(spec, simulate(scenario, spec.seed, dict(spec.values)), keep)
            error = None
        except Exception as exc:  # noqa: BLE001 - any model failure is recorded, not fatal
            rows = []
            where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            location = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
            error = f"{type(exc).__name__}: {exc}{location}"
        out.append(
            RunOutcome(spec.run_id, rows, error, time.perf_counter() - started, time.process_time() - cpu_started)
        )
    return out


@dataclass
class SweepReport:
    """How a sweep session went."""

    total_runs: int
    already_done: int
    ok: int = 0
    failed: int = 0
    interrupted: bool = False
    interrupt: KeyboardInterrupt | None = field(default=None, repr=False)  # what stopped it: Ctrl-C or SIGTERM
    seconds: float = 0.0
    run_seconds: float = 0.0  # time spent inside runs, summed over workers
    cpu_seconds: float = 0.0  # CPU time of those runs (less than run_seconds when cores are shared)
    partitions: int = 0
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def done(self) -> int:
        """Runs finished in this session, ok or failed."""
        return self.ok + self.failed


def _batched(items: Iterable[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def check_sweep_options(
    *,
    workers: Any = 1,
    chunk: Any = 1,
    flush_every: Any = 100,
    flush_seconds: Any = 30.0,
    max_in_flight: Any = None,
    named: Callable[[str], str] = str,
) -> None:
    """The sweep's scheduling options, for :func:`run_sweep` and ``aisim sweep`` alike (``named`` gives an
    option's name as the caller knows it, e.g. ``--flush-every``). Raises ExperimentError."""
    from sim.core.arguments import MAX_WORKERS, whole_arg

    for name, value, high in (
        ("workers", workers, MAX_WORKERS),
        ("chunk", chunk, 10**6),
        ("flush_every", flush_every, 10**9),
        ("max_in_flight", max_in_flight, 10**6),
    ):
        if value is not None or name != "max_in_flight":
            whole_arg(value, named(name), 1, high, error=ExperimentError)
    if isinstance(flush_seconds, bool) or not isinstance(flush_seconds, (int, float)) or not flush_seconds > 0:
        raise ExperimentError(f"{named('flush_seconds')}: expected a number of seconds above 0, got {flush_seconds}")
    if flush_seconds == float("inf"):
        raise ExperimentError(f"{named('flush_seconds')}: expected a finite number of seconds, got {flush_seconds}")


def run_sweep(
    experiment: Experiment,
    store: ResultStore,
    executor: Executor,
    *,
    design: Design | None = None,
    workers: int = 1,
    chunk: int = 1,
    flush_every: int = 100,
    flush_seconds: float = 30.0,
    max_in_flight: int | None = None,
    retry_failed: bool = False,
    progress: Callable[[int, int], None] | None = None,
    simulate: Simulate | None = None,
) -> SweepReport:
    """Do every run of ``experiment`` not yet in ``store``; returns a report.

    Args:
        chunk: runs per task (raise it for very short runs to cut scheduling cost).
        flush_every: write a partition after this many finished runs.
        flush_seconds: ... or after this many seconds, whichever comes first.
        max_in_flight: tasks submitted but not finished (default: 2 per worker).
        retry_failed: run again the runs that failed in an earlier session.
        progress: called with (runs finished ok, runs failed) in this session.
        simulate: the function doing one run (default: the model); must be picklable.
    """
    check_sweep_options(
        workers=workers, chunk=chunk, flush_every=flush_every, flush_seconds=flush_seconds, max_in_flight=max_in_flight
    )
    design = design or make_design(experiment)
    ok_before, failed_before = store.status()
    skip = ok_before if retry_failed else ok_before | set(failed_before)
    report = SweepReport(total_runs=design.total_runs, already_done=sum(1 for i in skip if 0 <= i < design.total_runs))
    started = time.perf_counter()
    limit = max_in_flight or max(2, 2 * workers)
    tasks = _batched(design.runs(skip), max(1, chunk))
    in_flight: dict[Future, list[RunSpec]] = {}
    buffer_rows: list[dict] = []
    buffer_ok: list[int] = []
    buffer_failed: dict[int, str] = {}
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        if buffer_ok or buffer_failed:
            store.write_partition(buffer_rows, buffer_ok, buffer_failed)
            report.partitions += 1
            buffer_rows.clear()
            buffer_ok.clear()
            buffer_failed.clear()
        last_flush = time.monotonic()

    def take(outcomes: list[RunOutcome]) -> None:
        for outcome in outcomes:
            report.run_seconds += outcome.seconds
            report.cpu_seconds += outcome.cpu_seconds
            if outcome.error is None:
                buffer_rows.extend(outcome.rows)
                buffer_ok.append(outcome.run_id)
                report.ok += 1
            else:
                buffer_failed[outcome.run_id] = outcome.error
                report.errors[outcome.run_id] = outcome.error
                report.failed += 1
            if len(buffer_ok) + len(buffer_failed) >= flush_every:
                flush()

    def collect(futures: Iterable[Future], lost_ok: bool = False) -> None:
        for future in futures:
            batch = in_flight.pop(future)
            try:
                outcomes = future.result()
            except BrokenExecutor:
                if lost_ok:
                    continue  # a worker died while stopping: those runs are simply not done
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. a distributed worker lost: record, go on
                outcomes = [RunOutcome(spec.run_id, [], f"{type(exc).__name__}: {exc}", 0.0) for spec in batch]
            take(outcomes)

    exhausted = False
    try:
        while True:
            raise_if_terminated()  # a SIGTERM whose own exception was lost (see sim.errors.sigterm_as_interrupt)
            while not exhausted and len(in_flight) < limit:
                batch = next(tasks, None)
                if batch is None:
                    exhausted = True
                    break
                in_flight[executor.submit(execute_runs, experiment.scenario, experiment.keep, batch, simulate)] = batch
            if not in_flight:
                break
            finished, _ = wait(list(in_flight), timeout=max(0.1, flush_seconds), return_when=FIRST_COMPLETED)
            collect(finished)
            if finished and progress:
                progress(report.ok, report.failed)
            if time.monotonic() - last_flush >= flush_seconds:
                flush()
    except KeyboardInterrupt as exc:
        report.interrupted, report.interrupt = True, exc
        # keep what already finished; the rest is cancelled below
        collect([f for f in in_flight if f.done() and not f.cancelled()], lost_ok=True)
    finally:
        for future in in_flight:
            future.cancel()
        flush()
        report.seconds = time.perf_counter() - started
    return report


def sweep_summary(report: SweepReport) -> dict[str, Any]:
    """The numbers of a report, for printing or JSON."""
    return {
        "total_runs": report.total_runs,
        "already_done": report.already_done,
        "ok": report.ok,
        "failed": report.failed,
        "interrupted": report.interrupted,
        "seconds": round(report.seconds, 3),
        "run_seconds": round(report.run_seconds, 3),
        "partitions": report.partitions,
    }
