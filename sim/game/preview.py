"""Forecast preview: what the pending decisions would do by the scenario's end, before the quarter is played.

Each replication is the scenario with a different seed and a smaller adopter panel
(:data:`PREVIEW_ROWS` rows instead of the scenario's own; its error against the full
model is measured by ``benchmarks/bench_game.py --preview-error`` and stated in
docs/game.md). A replication replays the decisions played so far, then runs to the
end twice from the same snapshot: once with the pending decisions and once without
(common random numbers, so the difference is the decisions' effect, not noise).
Replications run on the worker pool (:mod:`sim.pool`), off the UI thread; a new
request cancels the queued work of the previous one, and a replication already
running notices within a quarter that it was superseded (the window and its
workers share the latest request's number) and stops. Workers cache a scenario per
document, the snapshot and no-change run per (seed, decisions so far), and the "with"
run per pending decision: moving a lever re-runs only the "with" arm, moving it back
re-runs nothing, and the next quarter's preview replays one quarter from the state kept.
Preview models record outcome rows only (``outcomes_only``): same numbers, less work.

The player's own past differs from each replication's, so a projection is drawn
anchored: the player's current value plus each replication's change from the
current quarter on.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np

PREVIEW_ROWS = 2000  # adopter rows per preview run (the Korea scenario has 50,000)
REPLICATIONS = 20
FIRST_SHOWN = 4  # replications in before a first (partial) projection is shown
PARTIAL_EVERY_S = 0.3  # after the first, a partial projection at most this often (each one is redrawn)
CACHE_ENTRIES = 48  # kept per worker: starting states (each a model snapshot) and scenarios
WITH_ENTRIES = 200  # kept per worker: "with" arms (outcome rows only; ~50 KB each), 20 lever values of 10 seeds

WORKERS_ENV = "AISIM_PREVIEW_WORKERS"
MAX_WORKERS = 16

Decisions = tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]


def preview_workers() -> int:
    """Worker processes for previews: ``AISIM_PREVIEW_WORKERS`` if set (0 turns previews off), else
    one per core but one for the window, at least 2 and at most 4 (20 replications split evenly).

    Raises UserError naming the variable when it is not a whole number from 0 to 16.
    """
    import os

    from sim.errors import UserError

    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return max(2, min(4, (os.cpu_count() or 2) - 1))
    if not raw.isdigit() or int(raw) > MAX_WORKERS:
        raise UserError(f"{WORKERS_ENV}: expected a whole number from 0 to {MAX_WORKERS}, got {raw!r}")
    return int(raw)


def freeze(decisions: Mapping[int, Mapping[str, Any]]) -> Decisions:
    """Decisions as a hashable, picklable key."""
    return tuple((int(q), tuple(sorted(d.items()))) for q, d in sorted(decisions.items()) if d)


@dataclass(frozen=True)
class PreviewTask:
    """One replication: the scenario document, its seed, decisions so far, the quarter reached, the pending decision."""

    document_text: str
    seed: int
    decisions: Decisions
    quarter: int
    pending: tuple[tuple[str, Any], ...]
    rows: int = PREVIEW_ROWS
    request: int = 0  # the window's request number (see Previewer.request); 0: never superseded


@dataclass(frozen=True)
class Replication:
    """Outcome rows from the quarter reached to the end: the anchor row, then one per future quarter."""

    seed: int
    anchor: dict | None
    without: list[dict]
    with_pending: list[dict]


# -- in the worker -----------------------------------------------------------------
class Superseded(Exception):
    """A replication stopped because the window asked for a newer preview."""


_LATEST: Any = None  # the window's latest request number, in memory shared with it (set as a worker starts)


def share_latest_request(latest: Any) -> None:
    """Worker set-up: keep the window's shared latest-request number (a ``multiprocessing.RawValue``)."""
    global _LATEST
    _LATEST = latest


def _superseded(task: PreviewTask) -> bool:
    return bool(task.request) and _LATEST is not None and _LATEST.value != task.request


_SCENARIOS: OrderedDict = OrderedDict()
_STATES: OrderedDict = OrderedDict()
_WITH: OrderedDict = OrderedDict()  # "with" arms by state and pending decision (a lever moved back)


def _remember(cache: OrderedDict, key, value, limit: int = CACHE_ENTRIES):
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)
    return value


def preview_scenario(document_text: str, rows: int):
    """The scenario with a smaller adopter panel (cached per document and size)."""
    from sim.scenario import scenario_from_document

    key = (hash(document_text), len(document_text), rows)
    if key in _SCENARIOS:
        _SCENARIOS.move_to_end(key)
        return _SCENARIOS[key]
    document = json.loads(document_text)
    population = dict(document["population"])
    population["adopter_rows"] = min(int(population.get("adopter_rows", rows)), rows)
    document["population"] = population
    return _remember(_SCENARIOS, key, scenario_from_document(document, "preview"))


def _rows_to_end(model, task: PreviewTask | None = None) -> list[dict]:
    """Step to the end; the outcome rows made. With ``task``: raises Superseded as soon as it is."""
    start = len(model.history)
    while not model.finished:
        if task is not None and _superseded(task):
            raise Superseded
        model.step()
    return [dict(r) for r in model.history[start:]]


def _start_state(task: PreviewTask, scenario):
    """A model of the task's seed at the quarter reached, with the decisions played so far.

    Replays from the latest state this worker keeps for the same seed whose past matches
    (usually the quarter before: the player played one more), else from the start.
    """
    from sim.model.model import AIMarketModel

    model = None
    best = -1
    for key, (blob, _anchor, _without) in _STATES.items():
        doc, rows, seed, decisions, quarter = key
        if (doc, rows, seed) != (hash(task.document_text), task.rows, task.seed) or not best < quarter <= task.quarter:
            continue
        if decisions == tuple(d for d in task.decisions if d[0] < quarter):
            best, model = quarter, blob
    if model is None:
        model = AIMarketModel(scenario, seed=task.seed)
        model.outcomes_only = True  # a preview reads the outcome rows only
    else:
        model = AIMarketModel.restore(model)
    decisions = {q: dict(d) for q, d in task.decisions}
    while not model.finished and model.quarter < task.quarter:
        if model.quarter in decisions:
            model.apply_decision(decisions[model.quarter])
        model.step()
    return model


def replicate(task: PreviewTask) -> Replication:
    """Run one replication (both arms). Module-level so a process pool can run it.

    Raises Superseded if the window asked for a newer preview before the "with" arm was done
    (the "without" arm is finished and kept all the same: the next request needs it too).
    """
    from sim.model.model import AIMarketModel

    if _superseded(task):
        raise Superseded
    scenario = preview_scenario(task.document_text, task.rows)
    key = (hash(task.document_text), task.rows, task.seed, task.decisions, task.quarter)
    cached = _STATES.get(key)
    if cached is None:
        model = _start_state(task, scenario)
        anchor = dict(model.history[-1]) if model.history else None
        blob = model.snapshot()
        without = _rows_to_end(model)
        cached = _remember(_STATES, key, (blob, anchor, without))
    else:
        _STATES.move_to_end(key)
    blob, anchor, without = cached
    if not task.pending:
        with_pending = without
    elif (key, task.pending) in _WITH:
        _WITH.move_to_end((key, task.pending))
        with_pending = _WITH[(key, task.pending)]
    else:
        model = AIMarketModel.restore(blob)
        model.apply_decision(dict(task.pending))
        with_pending = _remember(_WITH, (key, task.pending), _rows_to_end(model, task), WITH_ENTRIES)
    return Replication(task.seed, anchor, without, with_pending)


def replication_seeds(seed: int, count: int = REPLICATIONS) -> list[int]:
    """The preview's seeds for a game: fixed per game seed, so every preview uses the same random numbers."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count, dtype=np.uint32)]


def tasks_for(session, pending: Mapping[str, Any] | None = None, count: int = REPLICATIONS) -> list[PreviewTask]:
    """Replication tasks for a game session and its pending decision (default: its pending levers and answers)."""
    if pending is None:
        pending = dict(session.pending) | {f"choice:{k}": v for k, v in session.answers.items()}
    text = session.scenario.document_text()
    decisions = freeze(session.decisions)
    return [
        PreviewTask(text, seed, decisions, session.model.quarter, tuple(sorted(pending.items())))
        for seed in replication_seeds(session.seed, count)
    ]


# -- reading results -----------------------------------------------------------------
@dataclass(frozen=True)
class Projection:
    """Replications of one preview, anchored to the player's values at the quarter reached."""

    replications: tuple[Replication, ...]
    anchor: Mapping[str, Any]  # the player's last row ({} before the first quarter)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)  # answers kept (objective_values)

    def paths(self, metric: str, arm: str) -> np.ndarray:
        """(replications, future quarters) values of ``metric``, anchored to the player's current value (kept)."""
        key = ("paths", metric, arm)
        if key not in self._memo:
            out = []
            for rep in self.replications:
                rows = rep.with_pending if arm == "with" else rep.without
                values = np.array([float(r.get(metric, np.nan)) for r in rows])
                if rep.anchor is not None and metric in self.anchor and metric in rep.anchor:
                    values = values - float(rep.anchor[metric]) + float(self.anchor[metric])
                out.append(values)
            paths = np.array(out)
            paths.flags.writeable = False
            self._memo[key] = paths
        return self._memo[key]

    def band(self, metric: str, arm: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """5th, 50th and 95th percentile per future quarter."""
        paths = self.paths(metric, arm)
        return tuple(np.percentile(paths, [5, 50, 95], axis=0))

    def effect(self, metric: str) -> np.ndarray:
        """Per replication: end value with the pending decisions minus without (same random numbers)."""
        return self.paths(metric, "with")[:, -1] - self.paths(metric, "without")[:, -1]

    def objective_values(self, objectives, rows_played: Sequence[Mapping[str, Any]], arm: str = "with") -> dict:
        """Per objective id: the median projected value at the end (played rows + projected rows).

        Works on each objective's metric alone (its anchored paths, see :meth:`paths`) and keeps the
        answer: the goals strip asks on every redraw while the projection stays the same.
        """
        from sim.objectives import aggregate_series

        key = ("objectives", arm, len(rows_played), tuple((o["id"], o["metric"], o["aggregate"]) for o in objectives))
        if key in self._memo:
            return dict(self._memo[key])
        out: dict[str, float] = {}
        future = self.replications[0].with_pending if arm == "with" else self.replications[0].without
        years = [int(row["year"]) for row in rows_played] + [int(row["year"]) for row in future]
        for objective in objectives:
            metric = objective["metric"]
            if not future or metric not in future[-1] or any(metric not in row for row in rows_played):
                continue  # not an outcome column (a firm's figure): no projection
            played = [float(row[metric]) for row in rows_played]
            values = [
                aggregate_series(played + path, years, objective["aggregate"])
                for path in self.paths(metric, arm).tolist()
            ]
            out[objective["id"]] = float(np.median(values))
        self._memo[key] = out
        return dict(out)


# -- in the game ---------------------------------------------------------------------
class Previewer:
    """Runs previews on worker processes; a new request cancels the previous one's queued replications.

    Each worker is a pool of one process, and a replication's seed always goes to the same one, so
    the worker's cache of that seed's state (:func:`replicate`) is there when the next lever move
    asks for it again (a shared pool would hand it to whichever process is free).

    Args:
        workers: worker processes (0: none; previews are computed inline by :meth:`run_inline`).
        on_arrival: called with no arguments, on the pool's thread, each time a replication lands
            (the game's window uses it to wake its frame loop).
    """

    def __init__(self, workers: int = 2, on_arrival: Callable[[], Any] | None = None) -> None:
        self.workers = workers
        self.on_arrival = on_arrival  # called (on another thread) as each replication lands
        self.pools: list | None = None
        self.route: dict[int, int] = {}  # seed -> the worker that runs (and caches) it
        self.futures: list[Future] = []
        self.generation = 0
        self.result: Projection | None = None
        self.result_generation = -1
        self.anchor: Mapping[str, Any] = {}
        self.requested_at = 0.0
        self.latency_s: float | None = None  # request to all replications in
        self.first_latency_s: float | None = None  # request to the first projection shown
        self.shown = 0
        self.shown_at = 0.0
        self.complete = False
        self.latest: Any = None  # the latest request's number, shared with the workers (made with the pools)

    def _pools(self) -> list:
        """The worker pools, started on first use (see :meth:`warm`)."""
        if self.pools is None:
            import multiprocessing

            from sim.pool import process_pool, quiet_fork_warning

            self.pools = []
            self.latest = multiprocessing.RawValue("q", 0)  # written here, read by the workers: no lock needed
            with quiet_fork_warning():
                for _ in range(self.workers):
                    # one at a time: each pool chooses how to start its process (fork only while the
                    # window has no other thread) and starts it at once, before the next pool chooses
                    pool = process_pool(
                        1, preload=("sim.model.model", "sim.game.preview"), setup=(share_latest_request, (self.latest,))
                    )
                    pool.submit(int)
                    self.pools.append(pool)
        return self.pools

    def worker_of(self, seed: int) -> int:
        """The worker a seed's replications always go to (new seeds: the worker with fewest seeds)."""
        if seed not in self.route:
            load = [0] * max(1, self.workers)
            for worker in self.route.values():
                load[worker] += 1
            self.route[seed] = load.index(min(load))
        return self.route[seed]

    def warm(self) -> None:
        """Start the worker processes now (a game opens): forked while the window has no other thread
        and has the model imported, they start in milliseconds; later, the pool would have to start
        fresh interpreters that import it (about a second more before the first preview)."""
        if self.workers > 0:
            self._pools()

    def request(self, tasks: Sequence[PreviewTask], anchor: Mapping[str, Any]) -> int:
        """Start a preview; returns its generation number."""
        import time
        from dataclasses import replace

        self.cancel()
        self.generation += 1
        self.anchor = dict(anchor)
        self.requested_at = time.perf_counter()
        self.shown = 0
        self.complete = False
        self.first_latency_s = None
        if self.workers > 0:
            from sim.pool import quiet_fork_warning

            with quiet_fork_warning():
                pools = self._pools()
                self.latest.value = self.generation
                self.futures = [
                    pools[self.worker_of(task.seed)].submit(replicate, replace(task, request=self.generation))
                    for task in tasks
                ]
            if self.on_arrival is not None:
                arrived = self.on_arrival
                for future in self.futures:
                    future.add_done_callback(lambda _: arrived())
        return self.generation

    def cancel(self) -> None:
        """Cancel the forecast being computed (a lever moved again): queued replications are dropped, and
        running ones stop at their next quarter (they see that the latest request is no longer theirs)."""
        for future in self.futures:
            future.cancel()
        self.futures = []
        if self.latest is not None:
            self.latest.value = -1

    @property
    def busy(self) -> bool:
        """Whether a forecast is being computed."""
        return bool(self.futures)

    def progress(self) -> float:
        """Share of the forecast's replications finished (1.0 when none is running)."""
        if not self.futures:
            return 1.0
        return sum(f.done() for f in self.futures) / len(self.futures)

    def poll(self) -> Projection | None:
        """New preview data for the latest request, else None.

        Returns the full projection once every replication is in (``complete`` is then
        True), and before that a partial one when at least :data:`FIRST_SHOWN`
        replications are in and more arrived since the last one shown (at most every
        :data:`PARTIAL_EVERY_S`: each is redrawn, on the cores the replications run on),
        so the player sees a first projection early and watches it firm up.
        """
        import time

        if not self.futures:
            return None
        done = [f for f in self.futures if f.done()]
        if len(done) == len(self.futures):
            futures, self.futures = self.futures, []
            if any(f.cancelled() or f.exception() is not None for f in futures):
                return None
            self.result = Projection(tuple(f.result() for f in futures), self.anchor)
            self.complete = True
            self.result_generation = self.generation
            self.latency_s = time.perf_counter() - self.requested_at
            return self.result
        ready = [f for f in done if not f.cancelled() and f.exception() is None]
        now = time.perf_counter()
        if (
            len(ready) >= FIRST_SHOWN
            and len(ready) > self.shown
            and (not self.shown or now >= self.shown_at + PARTIAL_EVERY_S)
        ):
            if self.first_latency_s is None:
                self.first_latency_s = now - self.requested_at
            self.shown = len(ready)
            self.shown_at = now
            self.complete = False
            return Projection(tuple(f.result() for f in ready), self.anchor)
        return None

    def run_inline(self, tasks: Sequence[PreviewTask], anchor: Mapping[str, Any]) -> Projection:
        """Compute a preview in this thread (tests, headless captures)."""
        self.cancel()
        self.generation += 1
        self.result = Projection(tuple(replicate(task) for task in tasks), dict(anchor))
        self.result_generation = self.generation
        return self.result

    def shutdown(self) -> None:
        """Stop the worker pool."""
        self.cancel()
        if self.pools is not None:
            from sim.pool import stop_process_pool

            for pool in self.pools:
                stop_process_pool(pool)
            self.pools = None
