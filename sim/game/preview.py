"""Forecast preview: what the pending decisions would do by the scenario's end, before the quarter is played.

Each replication is the scenario with a different seed and a smaller adopter panel
(:data:`PREVIEW_ROWS` rows instead of the scenario's own, and at most
:data:`PREVIEW_PANEL_ROWS` of them per segment in the estimation panel; its error against
the full model is measured by ``benchmarks/bench_game.py --preview-error`` and stated in
docs/game.md). A replication replays the decisions played so far, then runs to the
end twice from the same snapshot: once with the pending decisions and once without
(common random numbers, so the difference is the decisions' effect, not noise).

Replications run on worker processes (:mod:`sim.pool`), off the UI thread. Each worker
keeps, per seed, the model's state at the quarter reached (a snapshot), so the next
quarter's preview replays one quarter from it. The window keeps every run it got back:
the no-change run of each seed (computed once a quarter, on the seed's home worker),
and each "with" run per pending decision (moving a lever back re-runs nothing). After
the quarter's own forecast the other workers bring their copy of each seed's state up
to date too (a few milliseconds a seed), so a lever move's "with" runs can go to
whichever worker is free: they are handed out one or two at a time, the dearest first,
each worker's next the moment one of its jobs finishes, and both workers finish
together. When a worker has nothing else to do it also restores each seed's state into a
spare model (about 1.7 MB each), so the next lever move's run of that seed on that worker
starts without restoring it (a restore is about 4 % of a run's instructions). A new request
cancels the previous one's queued work, and a replication already running notices within a
quarter that it was superseded (the window and its workers share the latest request's
number) and stops.
Preview models record outcome rows only (``outcomes_only``): same numbers, less work.

The player's own past differs from each replication's, so a projection is drawn
anchored: the player's current value plus each replication's change from the
current quarter on.
"""

from __future__ import annotations

import io
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial, wraps
from typing import Any

import numpy as np

PREVIEW_ROWS = 2000  # adopter rows per preview run (the Korea scenario has 50,000)
# Estimation panel rows per segment in a preview run (markups, surplus, entrants' demand). The
# scenario's default, 2,500, would make all 2,000 rows the panel; 300 per segment cut a preview run's
# instructions by 15 % (callgrind) and its CPU time by about a tenth. Paired against the same runs on
# all 2,000 rows, lever effects agree within two standard errors (150 seeds, two levers) and the
# surplus level is 3.8 % lower (docs/game.md).
PREVIEW_PANEL_ROWS = 300
REPLICATIONS = 20
FIRST_SHOWN = 4  # replications in before a first (partial) projection is shown
PARTIAL_EVERY_S = 0.3  # after the first, a partial projection at most this often (each one is redrawn)
CACHE_ENTRIES = 48  # kept per worker: starting states (each a model snapshot, ~0.5 MB) and scenarios
KEPT_RUNS = 240  # kept by the window: runs (outcome rows, ~50 KB each): 10 lever values of 20 seeds, and no-change runs
IN_FLIGHT = 2  # replications handed to a worker at a time: one running, one waiting (no idle gap between them)

WORKERS_ENV = "AISIM_PREVIEW_WORKERS"
MAX_WORKERS = 16

Decisions = tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]


def preview_workers() -> int:
    """Worker processes for previews: ``AISIM_PREVIEW_WORKERS`` if set (0 turns previews off), else
    one per core but one for the window, at least 2 and at most 4 (20 replications split evenly).

    Raises UserError naming the variable when it is not a whole number from 0 to 16.
    """
    import os

    from sim.core.numbers import whole_number
    from sim.errors import UserError

    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return max(2, min(4, (os.cpu_count() or 2) - 1))
    workers = whole_number(raw)
    if workers is None or not 0 <= workers <= MAX_WORKERS:
        raise UserError(f"{WORKERS_ENV}: expected a whole number from 0 to {MAX_WORKERS}, got {raw[:40]!r}")
    return workers


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
    arms: str = "both"  # "both"; "with": the window has the no-change run; "state": only bring the state up
    # to date (and restore a spare model of it, see replicate)


def state_key(task: PreviewTask) -> tuple:
    """What a replication's starting state depends on (within one process: it uses ``hash``)."""
    return (hash(task.document_text), len(task.document_text), task.rows, task.seed, task.decisions, task.quarter)


@dataclass(frozen=True)
class Replication:
    """Outcome rows from the quarter reached to the end: the anchor row, then one per future quarter.

    From a worker, ``without`` is None for a task with ``arms="with"`` (the window has it) and both
    are None for ``arms="state"``; :class:`Previewer` fills them in before anything reads them.
    """

    seed: int
    anchor: dict | None
    without: list[dict] | None
    with_pending: list[dict] | None
    cpu_s: float = 0.0  # the worker's CPU time for this task
    _memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)  # values kept (see values)

    def rows(self, arm: str) -> list[dict]:
        """The future rows of ``arm`` ("with" or "without"), which must be filled in."""
        rows = self.with_pending if arm == "with" else self.without
        if rows is None:
            raise ValueError(f"replication of seed {self.seed}: its {arm!r} rows were not filled in")
        return rows

    def values(self, metric: str, arm: str) -> np.ndarray:
        """``metric`` in each future row of ``arm`` (NaN where a row lacks it), read-only and kept: a
        replication stays in every partial projection of its request, and each redraw asks again."""
        key = (metric, arm)
        if key not in self._memo:
            values = np.array([float(r.get(metric, np.nan)) for r in self.rows(arm)])
            values.flags.writeable = False
            self._memo[key] = values
        return self._memo[key]


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
_STATES: OrderedDict = OrderedDict()  # state_key -> (state from _freeze, anchor row, no-change rows or None)
_SPARES: OrderedDict = OrderedDict()  # state_key -> a model restored from that state, used by no run yet


def _remember(cache: OrderedDict, key, value, limit: int = CACHE_ENTRIES):
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)
    return value


def preview_scenario(document_text: str, rows: int, panel_rows: int = PREVIEW_PANEL_ROWS):
    """The scenario with a smaller adopter panel: at most ``rows`` rows, of which at most ``panel_rows``
    per segment estimate (cached per document and sizes)."""
    from sim.scenario import scenario_from_document

    key = (hash(document_text), len(document_text), rows, panel_rows)
    if key in _SCENARIOS:
        _SCENARIOS.move_to_end(key)
        return _SCENARIOS[key]
    document = json.loads(document_text)
    population = dict(document["population"])
    population["adopter_rows"] = min(int(population.get("adopter_rows", rows)), rows)
    population["panel_rows"] = min(int(population.get("panel_rows", panel_rows)), panel_rows)
    document["population"] = population
    return _remember(_SCENARIOS, key, scenario_from_document(document, "preview"))


class _ScenarioPickler(pickle.Pickler):
    """Pickles a model with its scenario left out (a reference to it instead, see :func:`_freeze`).

    A subclass, not an assigned ``persistent_id`` attribute: Python 3.13 made that attribute of the
    C pickler read-only, and the assignment failed every preview run there."""

    def __init__(self, file, scenario) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.scenario = scenario

    def persistent_id(self, obj):
        return "scenario" if obj is self.scenario else None


class _ScenarioUnpickler(pickle.Unpickler):
    """Unpickles what :class:`_ScenarioPickler` made, with ``scenario`` put back in."""

    def __init__(self, file, scenario) -> None:
        super().__init__(file)
        self.scenario = scenario

    def persistent_load(self, pid):
        return self.scenario


def _freeze(model) -> bytes:
    """The model's state as bytes, like :meth:`AIMarketModel.snapshot` but without its scenario, which
    this worker keeps (:func:`preview_scenario`): a fifth smaller, and restored in about half the time
    (1.6-2.4 ms instead of 3.0-4.6 ms at quarter 8; a lever move's runs each start with one)."""
    buffer = io.BytesIO()
    _ScenarioPickler(buffer, model.scenario_def).dump(model)
    return buffer.getvalue()


def _thaw(blob: bytes, scenario):
    """The model :func:`_freeze` made, with ``scenario`` (the one it was made with) as its scenario."""
    return _ScenarioUnpickler(io.BytesIO(blob), scenario).load()


def _rows_to_end(model, task: PreviewTask | None = None) -> list[dict]:
    """Step to the end; the outcome rows made. With ``task``: raises Superseded as soon as it is."""
    start = len(model.history)
    while not model.finished:
        if task is not None and _superseded(task):
            raise Superseded
        model.step_without_clock()  # a preview's model is read for its rows only
    return [dict(r) for r in model.history[start:]]


def _start_state(task: PreviewTask, scenario):
    """A model of the task's seed at the quarter reached, with the decisions played so far.

    Replays from the latest state this worker keeps for the same seed whose past matches
    (usually the quarter before: the player played one more), else from the start.
    """
    from sim.model.model import AIMarketModel

    model = None
    best = -1
    same = state_key(task)[:4]
    for key, (blob, _anchor, _without) in _STATES.items():
        *start, decisions, quarter = key
        if tuple(start) != same or not best < quarter <= task.quarter:
            continue
        if decisions == tuple(d for d in task.decisions if d[0] < quarter):
            best, model = quarter, blob
    if model is None:
        model = AIMarketModel(scenario, seed=task.seed)
        model.outcomes_only = True  # a preview reads the outcome rows only
    else:
        model = _thaw(model, scenario)
    decisions = {q: dict(d) for q, d in task.decisions}
    while not model.finished and model.quarter < task.quarter:
        if model.quarter in decisions:
            model.apply_decision(decisions[model.quarter])
        model.step_without_clock()
    return model


def replicate(task: PreviewTask) -> Replication:
    """Run one replication's arms (see :attr:`PreviewTask.arms`). Module-level so a process pool can run it.

    A "state" task also restores a spare model of the state (one per state, at most
    :data:`REPLICATIONS` kept) and builds the derived state its first quarter would
    (:meth:`~sim.model.model.AIMarketModel.warm`); the next "with" run of that state on this worker
    takes it instead of restoring one: the same model, made ready while the worker had nothing else to do.

    Raises Superseded if the window asked for a newer preview before the "with" arm was done
    (a "without" arm is finished and kept all the same: the next request needs it too).
    """
    import time

    if _superseded(task):
        raise Superseded
    started = time.process_time()
    key = state_key(task)
    cached = _STATES.get(key)
    scenario = preview_scenario(task.document_text, task.rows)
    if cached is None:
        model = _start_state(task, scenario)
        anchor = dict(model.history[-1]) if model.history else None
        blob = _freeze(model)
        without = _rows_to_end(model) if task.arms == "both" else None
        cached = _remember(_STATES, key, (blob, anchor, without))
    else:
        _STATES.move_to_end(key)
        blob, anchor, without = cached
        if without is None and task.arms == "both":
            cached = _STATES[key] = (blob, anchor, _rows_to_end(_thaw(blob, scenario)))
    blob, anchor, without = cached
    if task.arms == "state":
        if key not in _SPARES:  # the next "with" run of this state here starts from it, its caches built
            spare = _thaw(blob, scenario)
            spare.warm()
            _remember(_SPARES, key, spare, REPLICATIONS)
        return Replication(task.seed, anchor, None, None, time.process_time() - started)
    if not task.pending:
        with_pending = without
    else:
        model = _SPARES.pop(key, None)  # restored from the same state while this worker had nothing to do
        if model is None:
            model = _thaw(blob, scenario)
        model.apply_decision(dict(task.pending))
        with_pending = _rows_to_end(model, task)
    return Replication(
        task.seed, anchor, without if task.arms == "both" else None, with_pending, time.process_time() - started
    )


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
                values = rep.values(metric, arm)
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
        future = self.replications[0].rows(arm)
        for objective in objectives:
            metric = objective["metric"]
            if not future or metric not in future[-1] or any(metric not in row for row in rows_played):
                continue  # not an outcome column (a firm's figure): no projection
            played = [float(row[metric]) for row in rows_played]
            values = [
                aggregate_series(played + path, objective["aggregate"]) for path in self.paths(metric, arm).tolist()
            ]
            out[objective["id"]] = float(np.median(values))
        self._memo[key] = out
        return dict(out)


# -- in the game ---------------------------------------------------------------------
def _locked(method):
    """Run a :class:`Previewer` method holding its lock: the pools' threads hand out jobs too."""

    @wraps(method)
    def run(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return run


class Previewer:
    """Runs previews on worker processes; a new request cancels the previous one's replications.

    Each worker is a pool of one process. A seed has a home worker, which computes its state and
    no-change run once a quarter; the other workers then bring their own copy of that state up
    to date (cheap: one quarter replayed), so a lever move's "with" runs, the bulk of a preview,
    can each go to whichever worker is free. They are handed out :data:`IN_FLIGHT` at a time per
    worker, the dearest first (by each seed's last cost), so the workers finish together (with
    every seed pinned to its worker, the worker with the dearer seeds finished 10-40 % later); a
    worker's next job is handed out on its pool's thread the moment one of its jobs finishes.
    Each finished run also queues a "state" job of its seed for its worker, run when the worker has
    nothing else to do, which restores a spare model for that seed's next run there (see
    :func:`replicate`). The window keeps the runs it got (no-change runs, and "with" runs per
    pending decision), so a request asks the workers only for what it does not have. A request whose
    run fails is not left silent: :attr:`error` says why in one line (the traceback goes to stderr
    once), and a pool whose worker died is replaced at the next request.

    Args:
        workers: worker processes (0: none; previews are computed inline by :meth:`run_inline`).
        on_arrival: called with no arguments, on the pool's thread, when the latest request's
            replications land with something new to show: the first :data:`FIRST_SHOWN`, all of
            them, or a failure (the game's window uses it to wake its frame loop).
    """

    def __init__(self, workers: int = 2, on_arrival: Callable[[], Any] | None = None) -> None:
        self.workers = workers
        self.on_arrival = on_arrival  # called (on another thread) as replications land (see _arrived)
        self.pools: list | None = None
        self.route: dict[int, int] = {}  # seed -> its home worker (computes its no-change run)
        self.cost: dict[int, float] = {}  # seed -> CPU seconds of its last "with" run (to hand the dearest out first)
        self.kept: OrderedDict = OrderedDict()  # state_key -> (anchor, no-change rows); (state_key, pending) -> rows
        self.tasks: list[PreviewTask] = []  # the request's tasks; slots[i] is task i's replication once in
        self.slots: list[Replication | None] = []
        self.bases: dict[int, tuple] = {}  # task index -> (anchor, no-change rows) kept here when it was asked
        self.jobs: dict[Future, tuple[int | None, PreviewTask, int]] = {}  # in flight: (task index or None for
        # a state job, task, worker)
        self.queues: list[list[tuple[int, PreviewTask]]] = []  # per worker: its seeds' both-arm jobs
        self.state_queues: list[list[PreviewTask]] = []  # per worker: state updates, run when it has nothing else
        self.shared: list[tuple[int, PreviewTask]] = []  # "with" jobs any worker can take, dearest last (popped)
        self.failed = False
        self.error: str | None = None  # why the latest request failed, in one line (None: it did not)
        self.reported: set[str] = set()  # failures whose traceback went to stderr (each once)
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
        self.arrivals = 0  # replications of the latest request landed (counted on the pools' threads)
        self.expected = 0  # replications the latest request asked the workers for
        # held by the window's calls and by the pools' threads as jobs finish (see _arrived)
        self._lock = threading.RLock()
        self.closing = False  # set by shutdown: the pools' threads hand out nothing more

    def _pools(self) -> list:
        """The worker pools, started on first use (see :meth:`warm`)."""
        if self.pools is None:
            import multiprocessing

            from sim.pool import process_pool, quiet_fork_warning

            self.pools = []
            self.closing = False
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
        """A seed's home worker, which computes its state and no-change run (new seeds: the one with fewest)."""
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

    def _keep(self, key, value) -> None:
        _remember(self.kept, key, value, KEPT_RUNS)

    def _known(self, task: PreviewTask) -> Replication | None:
        """Task's replication from the runs kept here, if both arms are."""
        key = state_key(task)
        without = self.kept.get(key)
        if without is None:
            return None
        self.kept.move_to_end(key)
        if not task.pending:
            return Replication(task.seed, without[0], without[1], without[1])
        with_pending = self.kept.get((key, task.pending))
        if with_pending is None:
            return None
        self.kept.move_to_end((key, task.pending))
        return Replication(task.seed, without[0], without[1], with_pending)

    def _queue_state(self, task: PreviewTask, worker: int) -> None:
        """Queue the "state" job of ``task``'s state for ``worker``, to run when it has nothing else to do.
        It is never superseded (request 0): the next lever move's runs need it."""
        update = replace(task, arms="state", request=0, pending=())
        if self.state_queues and update not in self.state_queues[worker]:
            self.state_queues[worker].append(update)

    @_locked
    def request(self, tasks: Sequence[PreviewTask], anchor: Mapping[str, Any]) -> int:
        """Start a preview; returns its generation number."""
        import time

        from sim.pool import quiet_fork_warning

        self.cancel()
        self.generation += 1
        self.anchor = dict(anchor)
        self.requested_at = time.perf_counter()
        self.shown = 0
        self.complete = False
        self.failed = False
        self.error = None
        self.first_latency_s = None
        if self.workers == 0:
            return self.generation
        self.tasks = [replace(task, request=self.generation) for task in tasks]
        self.slots = [self._known(task) for task in self.tasks]
        self.bases = {}
        self.queues = [[] for _ in range(self.workers)]
        games = {state_key(task)[:3] for task in self.tasks}  # updates left from another game are dropped
        self.state_queues = [
            [u for u in queue if state_key(u)[:3] in games]
            for queue in (self.state_queues or [[] for _ in range(self.workers)])
        ]
        shared = []
        for i, task in enumerate(self.tasks):
            if self.slots[i] is not None:
                continue
            if state_key(task) in self.kept:  # the no-change run is here: any worker can run the change
                self.bases[i] = self.kept[state_key(task)]
                shared.append((i, replace(task, arms="with")))
                continue
            home = self.worker_of(task.seed)
            self.queues[home].append((i, task))
            # the others bring their copy of the state up to date when they have nothing else to do
            for worker in range(self.workers):
                if worker != home:
                    self._queue_state(task, worker)
        self.shared = sorted(shared, key=lambda job: self.cost.get(job[1].seed, 0.0))  # popped from the end
        self.arrivals = 0
        self.expected = sum(slot is None for slot in self.slots)
        with quiet_fork_warning():
            self._pools()
        if self.latest is not None:
            self.latest.value = self.generation  # the runs of this request go on; any older ones stop
        try:
            self._dispatch()
        except RuntimeError as exc:  # a pool broke (a worker was killed) before its jobs told us
            self._failed(exc)
        return self.generation

    @_locked
    def _dispatch(self) -> None:
        """Hand each worker jobs until it has :data:`IN_FLIGHT` running or waiting: its own (its seeds'
        both arms) first, then the shared "with" runs (the dearest first), then its state updates.

        Called by the window (a request, each poll) and, as each job finishes, on that pool's thread
        (:meth:`_arrived`), so a worker never waits for the window's next frame for its next job. The
        pools must exist (:meth:`_pools`, which the window's calls make)."""
        pools = self.pools
        if pools is None:
            return
        in_flight = [0] * self.workers
        for future, (_index, _task, worker) in self.jobs.items():
            if not future.done():  # a finished job no longer holds its worker, collected or not
                in_flight[worker] += 1
        for worker in range(self.workers):
            own = self.queues[worker] if self.queues else []
            updates = self.state_queues[worker] if self.state_queues else []
            while in_flight[worker] < IN_FLIGHT:
                index: int | None
                if own:
                    index, task = own.pop(0)
                elif self.shared:
                    index, task = self.shared.pop()
                elif updates:
                    index, task = None, updates.pop(0)
                else:
                    break
                future = pools[worker].submit(replicate, task)
                self.jobs[future] = (index, task, worker)
                in_flight[worker] += 1
                future.add_done_callback(partial(self._arrived, self.generation, index is not None))

    def _arrived(self, generation: int, counted: bool, future: Future) -> None:
        """On the pool's thread, as a job finishes: give its worker its next job at once, and wake the
        window only when it has something new to show (the first :data:`FIRST_SHOWN` replications of
        the latest request in, all of them, or a failure). Between those the window picks replications
        up at its own slow rate: a wake per replication cost a frame each, on the cores the replications
        need, and a worker that waited for the window's frame for its next job sat idle."""
        if future.cancelled():
            return
        failed = future.exception() is not None
        wake = False
        with self._lock:
            if counted and generation == self.generation:
                self.arrivals += 1
                wake = failed or self.arrivals in (FIRST_SHOWN, self.expected)
            # Only a job that ended normally hands out the next one here: a pool sets a failure while
            # holding its own lock (a broken pool, a pool stopping), and a submit then would wait for it
            # forever. After a failure (or a superseded run) the window's next poll hands out the work.
            if not failed and not self.closing:
                try:
                    self._dispatch()
                except RuntimeError:  # the pool stopped or broke meanwhile: nothing more to hand out
                    pass
        if wake and self.on_arrival is not None:
            self.on_arrival()

    @_locked
    def cancel(self) -> None:
        """Cancel the forecast being computed (a lever moved again): queued replications are dropped, and
        running ones stop at their next quarter (they see that the latest request is no longer theirs).
        State updates go on (see :meth:`request`)."""
        for future, (index, _task, _worker) in list(self.jobs.items()):
            if index is not None:
                future.cancel()
                del self.jobs[future]
        self.tasks, self.slots, self.queues, self.shared = [], [], [], []
        if self.latest is not None:
            self.latest.value = -1

    @property
    def busy(self) -> bool:
        """Whether a forecast is being computed."""
        return bool(self.tasks)

    @property
    def idle(self) -> bool:
        """Whether the workers have nothing to do: no forecast, and no state updates left."""
        return not self.tasks and not self.jobs and not any(self.state_queues)

    def progress(self) -> float:
        """Share of the forecast's replications finished (1.0 when none is running)."""
        if not self.tasks:
            return 1.0
        return sum(slot is not None for slot in self.slots) / len(self.slots)

    @_locked
    def _collect(self) -> None:
        """Take in the jobs that finished: keep their runs, fill the request's slots."""
        for future in [f for f in self.jobs if f.done()]:
            index, task, worker = self.jobs.pop(future)
            if future.cancelled():
                continue
            error = future.exception()
            if error is not None:
                if index is not None or isinstance(error, BrokenProcessPool):
                    self._failed(error)  # a state job that failed costs nothing: the next run replays instead
                continue
            rep = future.result()
            if index is None:
                continue
            key = state_key(task)
            if rep.without is not None:
                self._keep(key, (rep.anchor, rep.without))
                base = (rep.anchor, rep.without)
            else:
                base = self.bases[index]
            if task.pending:
                self._keep((key, task.pending), rep.with_pending)
                self.cost[task.seed] = rep.cpu_s if task.arms == "with" else rep.cpu_s / 2
            with_pending = rep.with_pending if task.pending else base[1]
            self.slots[index] = Replication(task.seed, rep.anchor, base[1], with_pending, rep.cpu_s)
            # the worker restores a spare of this state when it has nothing else to do (its "both" run
            # left it none, a "with" run took it): the next lever move's run there starts from it
            self._queue_state(task, worker)

    def _failed(self, error: BaseException) -> None:
        """The latest request failed: say why (``error``, one line; the traceback once on stderr). A
        broken pool (a worker died) is stopped, and the next request starts new workers."""
        from sim.errors import report_bug

        self.failed = True
        self.error = f"{type(error).__name__}: {error}".strip().rstrip(":")
        if self.error not in self.reported:
            self.reported.add(self.error)
            report_bug("the forecast preview failed", error)
        if isinstance(error, BrokenProcessPool) and self.pools is not None:
            from sim.pool import stop_process_pool

            pools, self.pools = self.pools, None
            self.state_queues = []  # (its jobs all end with the same error, and are collected as they do)

            # stopped on another thread: a pool's thread may be waiting for this lock to report a job
            def stop() -> None:
                for pool in pools:
                    stop_process_pool(pool)

            threading.Thread(target=stop, name="preview-pool-stop", daemon=True).start()

    @_locked
    def poll(self) -> Projection | None:
        """New preview data for the latest request, else None; hands the workers their next jobs.

        Returns the full projection once every replication is in (``complete`` is then
        True), and before that a partial one when at least :data:`FIRST_SHOWN`
        replications are in and more arrived since the last one shown (at most every
        :data:`PARTIAL_EVERY_S`: each is redrawn, on the cores the replications run on),
        so the player sees a first projection early and watches it firm up.
        """
        import time

        if not self.jobs and not self.tasks and not any(self.state_queues):
            return None
        self._collect()
        if self.failed:
            self.cancel()
            return None
        if self.tasks or any(self.state_queues):
            self._dispatch()
        if not self.tasks:
            return None  # only state updates were left
        ready = [slot for slot in self.slots if slot is not None]
        now = time.perf_counter()
        if len(ready) == len(self.slots):
            self.tasks, self.slots = [], []  # the workers' own state updates may still run
            self.result = Projection(tuple(ready), self.anchor)
            self.complete = True
            self.result_generation = self.generation
            self.latency_s = now - self.requested_at
            return self.result
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
            return Projection(tuple(ready), self.anchor)
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
        with self._lock:
            self.closing = True
            self.cancel()
        if self.pools is not None:
            from sim.pool import stop_process_pool

            for pool in self.pools:
                stop_process_pool(pool)
            self.pools = None
