"""Forecast preview: replications with and without the pending decisions, common random numbers."""

from __future__ import annotations

import pickle
import time

import numpy as np
import pytest

from sim.game.preview import Previewer, replicate, replication_seeds, state_key, tasks_for
from sim.game.session import GameSession
from sim.objectives import aggregate


@pytest.fixture(autouse=True)
def empty_worker_caches():
    """Each test starts with this process's worker caches (states, spare models) empty, and leaves them so."""
    from sim.game import preview

    preview._STATES.clear()
    preview._SPARES.clear()
    yield
    preview._STATES.clear()
    preview._SPARES.clear()


def test_replications_share_random_numbers_and_no_change_means_no_effect(tiny_korea):
    session = GameSession(tiny_korea, 2, ghost=False)
    session.step()
    tasks = tasks_for(session, pending={}, count=3)
    reps = [replicate(task) for task in tasks]
    for rep in reps:
        assert rep.with_pending == rep.without  # nothing pending: the two arms are one run
        assert len(rep.without) == session.total_quarters - 1
    assert reps[0].without != reps[1].without  # different seeds, different futures
    assert replication_seeds(2, 3) == replication_seeds(2, 3)


def test_a_pending_lever_changes_the_with_arm_only(tiny_korea):
    session = GameSession(tiny_korea, 2, ghost=False)
    session.set_lever("public_compute_gpus_k", 80)
    projection = Previewer(workers=0).run_inline(tasks_for(session, count=4), {})
    effect = projection.effect("capability_gap")
    assert effect.shape == (4,)
    assert np.all(effect != 0)  # the change moves the end value in every replication (same random numbers)
    low, mid, high = projection.band("capability_gap", "with")
    assert np.all(low <= mid) and np.all(mid <= high)


def _anchored_rows(projection, arm: str, k: int) -> list[dict]:
    """Replication ``k``'s projected rows shifted to the player's values, metric by metric: an
    independent reading of the anchoring :meth:`Projection.paths` does per metric."""
    rep = projection.replications[k]
    future = rep.rows(arm)
    shift: dict[str, float] = {}
    for metric, value in rep.anchor.items():
        if metric in ("quarter", "year") or metric not in projection.anchor:
            continue
        if isinstance(value, int | float) and isinstance(projection.anchor[metric], int | float):
            shift[metric] = float(projection.anchor[metric]) - float(value)
    return [{m: v + shift[m] if m in shift else v for m, v in row.items()} for row in future]


def test_projection_is_anchored_to_the_players_values(tiny_korea):
    session = GameSession(tiny_korea, 2, ghost=False)
    for _ in range(2):
        session.step()
    anchor = session.history[-1]
    projection = Previewer(workers=0).run_inline(tasks_for(session, count=3), anchor)
    for k, rep in enumerate(projection.replications):
        first = _anchored_rows(projection, "without", k)[0]
        own = rep.without[0]["hhi"] - rep.anchor["hhi"]
        assert first["hhi"] == pytest.approx(anchor["hhi"] + own)
    values = projection.objective_values(tiny_korea.objectives, session.history)
    assert set(values) == {o["id"] for o in tiny_korea.objectives}
    # the same as aggregating each replication's whole anchored rows, played quarters first
    for objective in tiny_korea.objectives:
        whole = [
            aggregate(
                [*session.history, *_anchored_rows(projection, "with", k)], objective["metric"], objective["aggregate"]
            )
            for k in range(len(projection.replications))
        ]
        assert values[objective["id"]] == pytest.approx(float(np.median(whole)), rel=1e-12)
    assert projection.objective_values(tiny_korea.objectives, session.history) == values  # kept, same answer
    # each replication keeps its values: a later (fuller) projection over the same runs reads them again
    rep = projection.replications[0]
    assert rep.values("hhi", "with") is rep.values("hhi", "with")
    assert rep.values("hhi", "with").tolist() == [row["hhi"] for row in rep.with_pending]
    assert np.isnan(rep.values("no such metric", "without")).all()


@pytest.mark.slow
def test_pool_preview_arrives_and_a_new_request_cancels_the_old(tiny_korea):
    session = GameSession(tiny_korea, 2, ghost=False)
    arrivals = []
    previewer = Previewer(workers=2, on_arrival=lambda: arrivals.append(previewer.arrivals))
    try:
        session.set_lever("public_compute_gpus_k", 60)
        first = previewer.request(tasks_for(session), {})
        session.set_lever("public_compute_gpus_k", 70)
        second = previewer.request(tasks_for(session), {})
        assert second == first + 1
        deadline = time.time() + 60
        result, partial = None, []
        while not (result is not None and previewer.complete) and time.time() < deadline:
            result = previewer.poll() or result
            if result is not None and not previewer.complete:
                partial.append(len(result.replications))  # first looks while the rest still run
            time.sleep(0.05)
        assert result is not None and len(result.replications) == 20
        assert all(4 <= n < 20 for n in partial) and partial == sorted(partial)
        assert previewer.result_generation == second
        assert all(dict(r.with_pending[0]) for r in result.replications)
        # the window was woken when it had something new to show: the first 4 in, then all 20 (the
        # cancelled request's replications woke nothing)
        assert arrivals == [4, 20]
    finally:
        previewer.shutdown()


def test_each_seed_always_goes_to_the_same_worker_and_the_workers_share_the_seeds():
    previewer = Previewer(workers=2)
    seeds = replication_seeds(7)
    first = [previewer.worker_of(seed) for seed in seeds]
    assert [previewer.worker_of(seed) for seed in seeds] == first  # its cached state is where it goes
    assert sorted(first.count(w) for w in (0, 1)) == [10, 10]
    assert previewer.pools is None  # routing starts no process


def test_a_later_quarter_replays_from_the_kept_state_with_the_same_numbers(tiny_korea, monkeypatch):
    """The worker replays a new quarter from the state it kept for the one before; same numbers as from the start."""
    from sim.game import preview
    from sim.model.model import AIMarketModel

    preview._STATES.clear()
    session = GameSession(tiny_korea, 4, ghost=False)
    session.set_lever("public_compute_gpus_k", 60)
    session.step()
    before = tasks_for(session, pending={}, count=2)
    [replicate(task) for task in before]  # kept: the state at quarter 1 (after one decision)
    session.set_lever("rd_tax_credit", 0.3)
    session.step()
    session.step()
    later = tasks_for(session, pending={"public_compute_gpus_k": 80}, count=2)
    built = []
    original = AIMarketModel.__init__
    monkeypatch.setattr(AIMarketModel, "__init__", lambda self, *a, **k: built.append(1) or original(self, *a, **k))
    replayed = [replicate(task) for task in later]
    assert not built  # both came from the kept states, not from the first quarter
    monkeypatch.undo()
    preview._STATES.clear()
    fresh = [replicate(task) for task in later]
    assert [r.without for r in replayed] == [r.without for r in fresh]
    assert [r.with_pending for r in replayed] == [r.with_pending for r in fresh]
    assert [r.anchor for r in replayed] == [r.anchor for r in fresh]


def test_a_with_run_starts_from_the_spare_a_state_job_restored_and_gives_the_same_numbers(tiny_korea, monkeypatch):
    """A "state" job leaves a spare model of its state; the next "with" run of that state takes it instead
    of restoring one (no restore on the lever move's path), and its rows are those of a run that restored
    its own."""
    from dataclasses import replace

    from sim.game import preview

    session = GameSession(tiny_korea, 5, ghost=False)
    session.step()
    base = tasks_for(session, pending={}, count=1)[0]
    replicate(base)  # the state and its no-change run, as the seed's home worker makes them
    assert not preview._SPARES
    replicate(replace(base, arms="state"))
    key = state_key(base)
    assert list(preview._SPARES) == [key]
    replicate(replace(base, arms="state"))  # one spare per state
    assert len(preview._SPARES) == 1

    moved = replace(tasks_for(session, pending={"public_compute_gpus_k": 80}, count=1)[0], arms="with")
    thawed = []
    original = preview._thaw
    monkeypatch.setattr(preview, "_thaw", lambda *a: thawed.append(1) or original(*a))
    from_spare = replicate(moved)
    assert not thawed and not preview._SPARES  # the run took the spare
    restored = replicate(moved)
    assert thawed == [1]  # no spare left: this one restored its own
    assert from_spare.with_pending == restored.with_pending
    assert from_spare.with_pending != replicate(base).without  # the lever did something


def test_a_superseded_replication_stops_at_its_next_quarter_and_keeps_nothing_half_done(tiny_korea, monkeypatch):
    """A lever moved again: the previous request's replications stop within a quarter instead of running
    to the end (the window and its workers share the latest request's number)."""
    from dataclasses import replace
    from multiprocessing import RawValue

    from sim.game import preview
    from sim.model.model import AIMarketModel

    preview._STATES.clear()
    session = GameSession(tiny_korea, 3, ghost=False)
    session.step()
    session.set_lever("public_compute_gpus_k", 80)
    task = replace(tasks_for(session, count=1)[0], request=5)
    latest = RawValue("q", 4)
    monkeypatch.setattr(preview, "_LATEST", latest)
    with pytest.raises(preview.Superseded):
        replicate(task)  # superseded before it started: nothing computed
    assert not preview._STATES

    latest.value = 5
    with_arm_steps = []
    original_apply, original_step = AIMarketModel.apply_decision, AIMarketModel.step

    def apply(self, decision):
        if decision == dict(task.pending):
            self.in_with_arm = True
        return original_apply(self, decision)

    def step(self):
        if getattr(self, "in_with_arm", False):
            with_arm_steps.append(self.quarter)
            if len(with_arm_steps) == 2:
                latest.value = 6  # the window asked for a newer preview
        return original_step(self)

    monkeypatch.setattr(AIMarketModel, "apply_decision", apply)
    monkeypatch.setattr(AIMarketModel, "step", step)
    with pytest.raises(preview.Superseded):
        replicate(task)
    assert len(with_arm_steps) == 2  # stopped before its third quarter, not at the scenario's end
    assert len(preview._STATES) == 1  # the state and its finished "without" arm are kept
    monkeypatch.undo()

    monkeypatch.setattr(preview, "_LATEST", latest)
    latest.value = 5  # current again: runs to the end, the same numbers as a replication never interrupted
    done = replicate(task)
    preview._STATES.clear()
    monkeypatch.setattr(preview, "_LATEST", None)
    fresh = replicate(replace(task, request=0))
    assert done.with_pending == fresh.with_pending and done.without == fresh.without
    assert len(done.with_pending) == session.total_quarters - 1


class InlineWorker:
    """Stands in for a worker process, with a state cache of its own: jobs wait until :meth:`work`
    runs the oldest (as a process runs one job at a time), then its future completes, which (as in
    a real pool) calls the previewer back on the spot."""

    def __init__(self) -> None:
        from collections import OrderedDict

        self.states: OrderedDict = OrderedDict()
        self.spares: OrderedDict = OrderedDict()
        self.waiting: list = []  # (function, task, future), oldest first
        self.ran: list[tuple[int, str]] = []  # (seed, arms) in the order run
        self.spare_ready: list[bool] = []  # per "with" run: whether a spare of its state was here for it

    def submit(self, function, task):
        from concurrent.futures import Future

        future: Future = Future()
        self.waiting.append((function, task, future))
        return future

    def work(self) -> None:
        """Run the oldest job still wanted (a cancelled one is dropped, as a pool drops it)."""
        from sim.game import preview

        while self.waiting:
            function, task, future = self.waiting.pop(0)
            if not future.set_running_or_notify_cancel():
                continue
            saved = preview._STATES, preview._SPARES
            preview._STATES, preview._SPARES = self.states, self.spares
            if task.arms == "with":
                self.spare_ready.append(preview.state_key(task) in self.spares)
            try:
                result = function(task)
            except Exception as exc:  # a real pool hands errors back the same way
                preview._STATES, preview._SPARES = saved
                future.set_exception(exc)
            else:
                preview._STATES, preview._SPARES = saved
                self.ran.append((task.seed, task.arms))
                future.set_result(result)
            return


def _settle(previewer):
    """Let the workers run, one job each at a time, and the window poll, until the previewer is idle."""
    result = None
    for _ in range(400):
        for worker in previewer.pools or []:
            worker.work()
        result = previewer.poll() or result
        if previewer.idle:
            return result
    raise AssertionError("the preview never finished")


def test_the_window_keeps_the_runs_and_any_worker_takes_a_lever_moves_runs(tiny_korea):
    """The quarter's forecast runs each seed's both arms on its home worker and brings the other
    worker's copy of its state up to date; a lever move's runs then go to whichever worker is free,
    the dearest first; a value tried before is answered from the runs kept, with no job at all."""
    session = GameSession(tiny_korea, 2, ghost=False)
    session.step()
    previewer = Previewer(workers=2)
    workers = previewer.pools = [InlineWorker(), InlineWorker()]
    seeds = replication_seeds(2, 6)

    previewer.request(tasks_for(session, count=6), {})
    forecast = _settle(previewer)
    assert previewer.complete and len(forecast.replications) == 6
    for seed in seeds:
        home = previewer.worker_of(seed)
        assert (seed, "both") in workers[home].ran and (seed, "state") in workers[1 - home].ran
    assert all(r.with_pending == r.without for r in forecast.replications)
    states = {state_key(task) for task in tasks_for(session, count=6)}
    assert all(set(w.spares) == states for w in workers)  # each worker restored a spare of every seed's state

    session.set_lever("public_compute_gpus_k", 70)
    ran_before = [len(w.ran) for w in workers]
    previewer.cost = {seed: float(k) for k, seed in enumerate(seeds)}  # the last seed is the dearest
    previewer.request(tasks_for(session, count=6), {})
    moved = _settle(previewer)
    handed = [[run for run in w.ran[n:] if run[1] != "state"] for w, n in zip(workers, ran_before)]
    assert all(arms == "with" for part in handed for _seed, arms in part)
    assert all(handed) and sum(map(len, handed)) == 6  # each worker takes a share, as it is free
    assert handed[0][0][0] == seeds[-1]  # the dearest first
    assert sum(len(w.spare_ready) for w in workers) == 6 and all(all(w.spare_ready) for w in workers)
    assert all(set(w.spares) == states for w in workers)  # the spares the runs took were restored again
    inline = Previewer(workers=0).run_inline(tasks_for(session, count=6), {})
    assert [r.with_pending for r in moved.replications] == [r.with_pending for r in inline.replications]
    assert [r.without for r in moved.replications] == [r.without for r in inline.replications]

    session.set_lever("public_compute_gpus_k", 80)
    previewer.request(tasks_for(session, count=6), {})
    _settle(previewer)
    session.set_lever("public_compute_gpus_k", 70)  # back to a value tried: kept, nothing re-run
    ran_before = [len(w.ran) for w in workers]
    previewer.request(tasks_for(session, count=6), {})
    again = previewer.poll()
    assert previewer.complete and again is not None
    assert [len(w.ran) for w in workers] == ran_before
    assert [r.with_pending for r in again.replications] == [r.with_pending for r in moved.replications]


def test_a_workers_state_leaves_out_the_scenario_and_continues_exactly(tiny_korea):
    """The state a worker keeps refers to its scenario instead of copying it: smaller, and the
    model restored from it continues exactly as the original (and as a full snapshot) would."""
    from sim.game import preview
    from sim.model.model import AIMarketModel

    scenario = preview.preview_scenario(tiny_korea.document_text(), 600)
    model = AIMarketModel(scenario, seed=3)
    model.outcomes_only = True
    for _ in range(3):
        model.step()
    frozen, snapshot = preview._freeze(model), model.snapshot()
    assert len(frozen) < len(snapshot) - len(pickle.dumps(scenario)) / 2
    thawed = preview._thaw(frozen, scenario)
    assert thawed.scenario_def is scenario
    restored = AIMarketModel.restore(snapshot)
    for other in (model, thawed, restored):
        other.apply_decision({"public_compute_gpus_k": 70})
        other.run()
    assert thawed.history == model.history == restored.history


def test_the_preview_panel_is_smaller_than_the_scenarios(tiny_korea):
    """Preview runs estimate on at most PREVIEW_PANEL_ROWS rows per segment (and never more than the scenario's)."""
    from sim.game import preview
    from sim.model.model import AIMarketModel

    text = tiny_korea.document_text()
    small = preview.preview_scenario(text, 2000)
    assert small.population.panel_rows == min(tiny_korea.population.panel_rows, preview.PREVIEW_PANEL_ROWS)
    model = AIMarketModel(small, seed=1)
    segments = np.bincount(model.adopters.segment[model.panel], minlength=3)
    assert segments.max() <= preview.PREVIEW_PANEL_ROWS
    whole = preview.preview_scenario(text, 2000, panel_rows=2000)
    assert whole.population.panel_rows == min(tiny_korea.population.panel_rows, 2000)


def test_the_window_is_woken_when_a_preview_has_something_new_to_show():
    """Replications landing wake the window at the first look (FIRST_SHOWN in), when all are in, and on a
    failure; the ones in between, and any of an older request, do not (each wake costs a frame)."""
    from concurrent.futures import Future

    from sim.game.preview import FIRST_SHOWN

    wakes = []
    previewer = Previewer(workers=2, on_arrival=lambda: wakes.append(previewer.arrivals))
    previewer.generation, previewer.expected = 3, 7

    def landed(generation: int, error: Exception | None = None) -> None:
        future: Future = Future()
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
        previewer._arrived(generation, True, future)

    landed(2)  # an older request's run
    for _ in range(7):
        landed(3)
    assert wakes == [FIRST_SHOWN, 7]
    previewer.generation, previewer.arrivals, previewer.expected = 4, 0, 20
    landed(4, RuntimeError("a worker failed"))
    assert wakes == [FIRST_SHOWN, 7, 1]  # a failure wakes the window at once


def test_a_worker_gets_its_next_job_as_one_finishes_not_at_the_windows_next_frame(tiny_korea):
    """Between the window's polls (frames) the workers keep busy: each finished job hands its worker
    the next one from the pool's thread, so a lever move's runs all run without a single poll."""
    from sim.game.preview import IN_FLIGHT

    session = GameSession(tiny_korea, 2, ghost=False)
    session.step()
    previewer = Previewer(workers=2)
    workers = previewer.pools = [InlineWorker(), InlineWorker()]
    previewer.request(tasks_for(session, count=6), {})
    _settle(previewer)  # the quarter's own forecast, and the state updates after it
    session.set_lever("public_compute_gpus_k", 70)
    previewer.request(tasks_for(session, count=6), {})
    ran_before = sum(len(w.ran) for w in workers)
    for _ in range(6):  # no poll in between: only the workers run
        for worker in workers:
            worker.work()
    assert sum(len(w.ran) for w in workers) - ran_before == 6 > IN_FLIGHT * len(workers)
    result = previewer.poll()
    assert previewer.complete and result is not None and len(result.replications) == 6


def test_closing_the_window_mid_preview_leaves_no_pool_thread_behind(tiny_korea):
    """Shutting the previewer down while its runs are in flight ends each pool's manager thread: a
    pool that stops reports its unfinished jobs while holding its own lock, and a job handed out from
    that report would wait for the lock forever (the interpreter then hangs at exit)."""
    session = GameSession(tiny_korea, 2, ghost=False)
    session.set_lever("public_compute_gpus_k", 60)
    previewer = Previewer(workers=2, on_arrival=lambda: None)
    try:
        previewer.request(tasks_for(session), {})
        deadline = time.time() + 30
        while not any(f.done() for f in previewer.jobs) and time.time() < deadline:
            time.sleep(0.01)  # some runs are in, the rest running or queued
        managers = [pool._executor_manager_thread for pool in previewer.pools]
    finally:
        previewer.shutdown()
    for manager in managers:
        manager.join(10)
        assert not manager.is_alive()


def _wait_until(predicate, previewer, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while not predicate() and time.time() < deadline:
        previewer.poll()
        time.sleep(0.02)


def test_a_failing_run_is_said_once_and_the_next_request_works(tiny_korea, capsys):
    """A replication that raises (here: a document the worker cannot read) fails its request with a
    one-line reason, not silently: the traceback goes to stderr once, and the next request runs."""
    from dataclasses import replace

    session = GameSession(tiny_korea, 2, ghost=False)
    good = tasks_for(session, count=2)
    bad = [replace(task, document_text="not a scenario") for task in good]
    previewer = Previewer(workers=1)
    try:
        for _ in range(2):
            previewer.request(bad, {})
            _wait_until(lambda: previewer.failed, previewer)
            assert previewer.failed and not previewer.busy
            assert previewer.error is not None and previewer.error.startswith("JSONDecodeError: ")
        assert capsys.readouterr().err.count("the forecast preview failed") == 1
        previewer.request(good, {})
        assert previewer.error is None
        _wait_until(lambda: previewer.complete, previewer)
        assert previewer.complete and len(previewer.result.replications) == 2
    finally:
        previewer.shutdown()


def test_a_killed_worker_is_replaced_at_the_next_request(tiny_korea, capsys):
    """A worker that dies (killed, out of memory) breaks its pool: the request fails with the reason,
    and the next request starts a new worker instead of failing for the rest of the game."""
    import os
    import signal

    session = GameSession(tiny_korea, 2, ghost=False)
    previewer = Previewer(workers=1)
    try:
        previewer.request(tasks_for(session, count=2), {})
        _wait_until(lambda: previewer.complete, previewer)
        (pool,) = previewer.pools
        for process in list(pool._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
        session.set_lever("public_compute_gpus_k", 60)
        previewer.request(tasks_for(session, count=2), {})
        _wait_until(lambda: previewer.failed, previewer)
        assert previewer.error is not None and previewer.error.startswith("BrokenProcessPool")
        assert previewer.pools is None  # stopped; the next request starts new ones
        previewer.request(tasks_for(session, count=2), {})
        _wait_until(lambda: previewer.complete, previewer)
        assert previewer.complete and previewer.error is None
        assert "the forecast preview failed" in capsys.readouterr().err
    finally:
        previewer.shutdown()
