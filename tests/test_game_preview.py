"""Forecast preview: replications with and without the pending decisions, common random numbers."""

from __future__ import annotations

import time

import numpy as np
import pytest

from sim.game.preview import Previewer, replicate, replication_seeds, tasks_for
from sim.game.session import GameSession


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


def test_projection_is_anchored_to_the_players_values(tiny_korea):
    session = GameSession(tiny_korea, 2, ghost=False)
    for _ in range(2):
        session.step()
    anchor = session.history[-1]
    projection = Previewer(workers=0).run_inline(tasks_for(session, count=3), anchor)
    for k, rep in enumerate(projection.replications):
        first = projection.rows("without", k)[0]
        own = rep.without[0]["hhi"] - rep.anchor["hhi"]
        assert first["hhi"] == pytest.approx(anchor["hhi"] + own)
    values = projection.objective_values(tiny_korea.objectives, session.history)
    assert set(values) == {o["id"] for o in tiny_korea.objectives}


@pytest.mark.slow
def test_pool_preview_arrives_and_a_new_request_cancels_the_old(tiny_korea):
    session = GameSession(tiny_korea, 2, ghost=False)
    previewer = Previewer(workers=2)
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
    finally:
        previewer.shutdown()


def test_each_seed_always_goes_to_the_same_worker_and_the_workers_share_the_seeds():
    previewer = Previewer(workers=2)
    seeds = replication_seeds(7)
    first = [previewer.worker_of(seed) for seed in seeds]
    assert [previewer.worker_of(seed) for seed in seeds] == first  # its cached state is where it goes
    assert sorted(first.count(w) for w in (0, 1)) == [10, 10]
    assert previewer.pools is None  # routing starts no process
