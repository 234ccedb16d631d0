"""Run a scenario over seeds (in parallel), collect tidy tables, write run folders.

This is the one place that turns model runs into DataFrames and files; the
CLI (``aisim run``, ``aisim replay``), the Python API and the batch runner use it.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.arguments import seeds_arg, workers_arg, year_arg
from sim.core.files import check_output_folder, write_folder
from sim.core.stats import summary_stats, yearly
from sim.core.tables import write_csv
from sim.errors import OutputError, OverrideError, describe, raise_if_terminated
from sim.model.model import AIMarketModel
from sim.model.outcomes import FIRM_COLUMNS as FIRM_ROW_COLUMNS
from sim.model.outcomes import METRICS, YEARLY_RULES
from sim.pool import default_workers, process_pool, quiet_fork_warning, stop_process_pool
from sim.scenario import Scenario
from sim.timeline import QUARTERS_PER_YEAR
from sim.versions import package_versions

Decisions = Mapping[int, Mapping[str, Any]]

QUARTER_COLUMNS = ["seed", "quarter", "year"] + list(METRICS)
FIRM_COLUMNS = ["seed", *FIRM_ROW_COLUMNS]


NEWS_COLUMNS = ["seed", "quarter", "kind", "en", "ko"]


@dataclass(frozen=True)
class SeedRun:
    """What one seed's run produced (plain lists, cheap to send between processes)."""

    seed: int
    quarters: list[dict]
    firms: list[dict]
    news: list[dict]


def simulate(scenario: Scenario, seed: int, decisions: Decisions | None = None) -> SeedRun:
    """Run one seed to the end, applying ``decisions`` (quarter number -> decision) on the way."""
    model = AIMarketModel(scenario, seed=seed)
    decisions = decisions or {}
    while not model.finished:
        if model.quarter in decisions:
            model.apply_decision(decisions[model.quarter])
        model.step()
    return SeedRun(seed=seed, quarters=model.history, firms=model.firm_history, news=model.news)


def _simulate_job(job: tuple[Scenario, int, Decisions | None]) -> SeedRun:
    scenario, seed, decisions = job
    return simulate(scenario, seed, decisions)


@dataclass
class RunResult:
    """Outcomes of a scenario over seeds, as pandas DataFrames.

    ``quarters``: one row per seed and quarter; ``firms``: one row per seed,
    quarter and firm; ``news``: the event and news feed per seed.
    """

    scenario: Scenario
    seeds: list[int]
    quarters: pd.DataFrame
    firms: pd.DataFrame
    news: pd.DataFrame
    seconds: float = 0.0
    decisions: dict[int, dict[str, Any]] = field(default_factory=dict)

    def summary(self, year: int | None = None) -> pd.DataFrame:
        """Each outcome's mean and 5-95 % range over seeds for one year (default: the last).

        Flows (revenue, spend, surplus, entries, exits, compliance cost) are
        summed over the year's quarters; levels are averaged. A year the run
        covers only part of has its flows over those quarters, and says so
        (see :meth:`quarters_in`).
        """
        return summarise_year(self.quarters, self._year(year))

    @property
    def last_year(self) -> int:
        """The last calendar year the run reaches (all of it, or its first quarters)."""
        return int(self.quarters["year"].max())

    def quarters_in(self, year: int) -> int:
        """How many of ``year``'s quarters the run covers: 4, or fewer where it starts or ends within it."""
        return quarters_in_year(self.quarters, self._year(year))

    def _year(self, year: Any) -> int:
        """``year`` (None: the last) checked against the years the run covers (OverrideError otherwise)."""
        if year is None:
            return self.last_year
        return year_arg(year, int(self.quarters["year"].min()), self.last_year)

    def summary_text(self, year: int | None = None) -> str:
        """The printed summary (see :func:`format_summary`) of ``year`` (default: the last)."""
        year = self._year(year)
        return format_summary(self.summary(year), year, self.quarters_in(year))


FLOW_METRICS = {name for name, rule in YEARLY_RULES.items() if rule == "sum"}


def quarters_in_year(quarters: pd.DataFrame, year: int) -> int:
    """How many quarters of ``year`` one run of ``quarters`` (its first seed's rows) covers."""
    first = quarters[quarters["seed"] == quarters["seed"].iloc[0]]
    return int((first["year"] == year).sum())


def flow_period(quarters: int) -> str:
    """What a flow summed over a year's ``quarters`` covers: 'per year', or 'over 2 quarters' for part of one."""
    return "per year" if quarters >= QUARTERS_PER_YEAR else f"over {quarters} quarter{'s' if quarters != 1 else ''}"


def summarise_year(quarters: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each outcome's mean and 5-95 % range over seeds in ``year`` (see :mod:`sim.core.stats`)."""
    per_seed = yearly(quarters)
    per_seed = per_seed[per_seed["year"] == year]
    period = flow_period(quarters_in_year(quarters, year))
    rows = []
    for metric in METRICS:
        if metric not in per_seed:
            continue
        rows.append(
            {
                "metric": metric,
                "label": METRICS[metric].label_en,
                "unit": (f"{period}, " if metric in FLOW_METRICS else "") + METRICS[metric].unit,
                **summary_stats(per_seed[metric].to_numpy(dtype=float)),
            }
        )
    return pd.DataFrame(rows)


def run_scenario(
    scenario: Scenario,
    seeds: Iterable[int] = (0,),
    workers: int | None = None,
    decisions: Decisions | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """Run ``scenario`` once per seed, in parallel when there are several seeds.

    Args:
        workers: processes to use (default: one per core, at most one per seed).
        decisions: quarter number -> lever values / event answers to apply.
        progress: called with (done, total) after each seed finishes.
        executor: run on this executor instead of a local process pool.
    """
    seeds = seeds_arg(seeds)
    workers = workers_arg(workers)
    started = time.perf_counter()
    jobs = [(scenario, seed, decisions) for seed in seeds]
    # never more workers than seeds: a process per core costs ~150 MB and a second to start
    workers = default_workers(len(seeds)) if workers is None else max(1, min(workers, len(seeds)))
    parts: list[_SeedFrames] = []
    if executor is None and (workers <= 1 or len(seeds) <= 1):
        for done, job in enumerate(jobs, 1):
            raise_if_terminated()
            parts.append(_SeedFrames.of(_simulate_job(job)))
            if progress:
                progress(done, len(jobs))
    else:
        own = executor is None
        pool = executor or process_pool(workers)
        try:
            with quiet_fork_warning():
                # a bounded number of seeds in flight; each result is shrunk to DataFrames as it
                # arrives, so the parent holds ~0.1 MB per finished seed, not its Python rows
                pending: set[Future] = set()
                queue = iter(jobs)
                limit = 2 * workers
                for job in itertools.islice(queue, limit):
                    pending.add(pool.submit(_simulate_job, job))
                while pending:
                    raise_if_terminated()  # a SIGTERM whose own exception was lost (sim.errors)
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        parts.append(_SeedFrames.of(future.result()))
                        if progress:
                            progress(len(parts), len(jobs))
                    for job in itertools.islice(queue, len(finished)):
                        pending.add(pool.submit(_simulate_job, job))
        except BaseException:
            if own:
                stop_process_pool(pool)  # type: ignore[arg-type]  # own means the process pool made above
            raise
        else:
            if own:
                pool.shutdown()
    return _collect_frames(scenario, parts, time.perf_counter() - started, decisions)


@dataclass(frozen=True)
class _SeedFrames:
    """One seed's rows as DataFrames (compact, unlike lists of dicts)."""

    seed: int
    quarters: pd.DataFrame
    firms: pd.DataFrame
    news: pd.DataFrame

    @classmethod
    def of(cls, run: SeedRun) -> _SeedFrames:
        return cls(
            seed=run.seed,
            quarters=pd.DataFrame([{"seed": run.seed, **row} for row in run.quarters], columns=QUARTER_COLUMNS),
            firms=pd.DataFrame([{"seed": run.seed, **row} for row in run.firms], columns=FIRM_COLUMNS),
            news=pd.DataFrame([{"seed": run.seed, **item} for item in run.news], columns=NEWS_COLUMNS),
        )


def _collect_frames(
    scenario: Scenario, parts: list[_SeedFrames], seconds: float, decisions: Decisions | None
) -> RunResult:
    parts = sorted(parts, key=lambda p: p.seed)

    def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    return RunResult(
        scenario=scenario,
        seeds=[p.seed for p in parts],
        quarters=concat([p.quarters for p in parts], QUARTER_COLUMNS),
        firms=concat([p.firms for p in parts], FIRM_COLUMNS),
        news=concat([p.news for p in parts], NEWS_COLUMNS),
        seconds=seconds,
        decisions={int(k): dict(v) for k, v in (decisions or {}).items()},
    )


def collect(scenario: Scenario, runs: list[SeedRun], seconds: float, decisions: Decisions | None = None) -> RunResult:
    """Seed runs -> a RunResult with DataFrames sorted by seed and quarter."""
    return _collect_frames(scenario, [_SeedFrames.of(r) for r in runs], seconds, decisions)


def replay_save(saved: Any) -> RunResult:
    """Run a saved game's scenario, seed and decisions to the end (headless), as a one-seed RunResult.

    ``saved`` is a :class:`sim.saves.SavedGame` (anything with ``scenario``, ``seed`` and ``decisions``).
    """
    started = time.perf_counter()
    run = simulate(saved.scenario, saved.seed, saved.decisions)
    return collect(saved.scenario, [run], time.perf_counter() - started, saved.decisions)


def default_out_dir(scenario: Scenario) -> Path:
    """``runs/<scenario>-<timestamp>``, the default output folder of a run."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{scenario.name}-{stamp}"


def check_out_dir(out: Path, force: bool = False, kind: str = "run") -> None:
    """Refuse an output folder we cannot or should not write, before any work is done.

    See :func:`sim.core.files.check_output_folder`: ``--force`` replaces only an earlier aisim result
    of the same ``kind`` (``"run"``, ``"report"``).
    """
    check_output_folder(out, force, kind=kind)


def write_run(
    result: RunResult,
    out: Path,
    overrides: Mapping[str, Any],
    force: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write :data:`sim.core.outputs.RUN_FILES` (quarters.csv, firms.csv, news.csv, run.json, scenario.json) atomically into ``out``.

    Files are written into a staging folder beside ``out`` and moved into place at
    the end, so a failed write never leaves a folder that looks complete; staging
    folders left by killed runs are removed. ``overrides`` are checked against the scenario's spec
    (and stored typed); ``extra`` values must be plain data (numpy's numbers are stored as numbers).
    """
    from sim.core.arguments import mapping_arg, path_arg

    out = path_arg(out, "out", OutputError)
    overrides = result.scenario.parameters.check(mapping_arg(overrides, "overrides"))
    check_out_dir(out, force)
    meta = run_metadata(result, overrides)
    meta.update(mapping_arg(extra, "extra"))
    try:
        meta_text = json.dumps(meta, indent=2, ensure_ascii=False, default=_plain) + "\n"
    except (TypeError, ValueError) as exc:
        raise OverrideError(f"extra: expected plain data (text, numbers, lists, mappings): {exc}") from None

    def fill(staging: Path) -> None:
        write_csv(result.quarters, staging / "quarters.csv")
        write_csv(result.firms, staging / "firms.csv")
        write_csv(result.news, staging / "news.csv")
        (staging / "run.json").write_text(meta_text, encoding="utf-8")
        (staging / "scenario.json").write_text(result.scenario.document_text() + "\n", encoding="utf-8")

    return write_folder(out, fill)


def _plain(value: Any) -> Any:
    """JSON for numpy's numbers (``np.int64(1)`` -> 1); anything else is not plain data."""
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return value.item()
    raise TypeError(f"{describe(value)} is not plain data")


def run_metadata(result: RunResult, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The contents of run.json: scenario, hash, seeds, overrides, decisions, values, versions, timing, command."""
    from sim.timeline import quarter_label

    return {
        "scenario": result.scenario.name,
        "scenario_source": result.scenario.source,
        "scenario_hash": result.scenario.content_hash,
        "seeds": result.seeds,
        "overrides": dict(overrides),
        "decisions": {quarter_label(q): d for q, d in sorted(result.decisions.items())},
        "parameters": dict(result.scenario.values),
        "versions": package_versions(),
        "seconds": round(result.seconds, 3),
        "created": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
    }


def format_summary(summary: pd.DataFrame, year: int, quarters: int = QUARTERS_PER_YEAR) -> str:
    """A plain-text table of a summary (metric, mean, 5-95 % range); ``quarters``: how many of the year's
    quarters the run covers (the heading says so when it is part of the year)."""
    part = "" if quarters >= QUARTERS_PER_YEAR else f", the {quarters} of its quarters the run covers"
    lines = [f"Outcomes in {year} (mean and 5-95 % range over seeds{part})", ""]
    width = max(len(label) for label in summary["label"]) if len(summary) else 10
    for row in summary.itertuples():
        fmt = METRICS[row.metric].fmt

        def show(value: float, fmt: str = fmt) -> str:
            if math.isnan(value):
                return "nan"
            return fmt.format(value)

        unit = "" if METRICS[row.metric].unit in ("share",) else f"  {row.unit}"
        if "%" in fmt:
            unit = f"  {flow_period(quarters)}" if row.metric in FLOW_METRICS else ""
        lines.append(f"  {row.label:<{width}}  {show(row.mean):>9}   [{show(row.p05)} .. {show(row.p95)}]{unit}")
    return "\n".join(lines)
