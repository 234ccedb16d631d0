"""Designs: which parameter values each run uses, and its seed.

Policies and futures each get a design (full grid, Monte Carlo, or Latin
hypercube), or the experiment lists explicit points (``points:``, kept in order as
the policies, with one empty future); design points are policies crossed with futures, point index
``policy * futures + future``. Every point is run ``replications`` times.
A run's id is ``point * replications + replication``, stable for a given
experiment, so a result folder can be resumed without duplicates.

All randomness (sampled designs, run seeds) derives from the experiment's root
seed through :class:`numpy.random.SeedSequence`, so the same file gives the
same runs on any machine, backend or worker count.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from sim.experiments.spec import Block, Experiment
from sim.params import Value

# spawn_key prefixes keep the design's streams apart from the run seeds
_DESIGN_KEY = {"policies": 1, "futures": 2}
_RUN_KEY = 3


@dataclass(frozen=True)
class RunSpec:
    """One run to do: its id, place in the design, seed and parameter values."""

    run_id: int
    point: int
    policy: int
    future: int
    replication: int
    seed: int
    values: Mapping[str, Value]


def block_points(block: Block, root_seed: int) -> list[dict[str, Value]]:
    """The block's points as parameter-value dicts (one empty dict when nothing varies)."""
    if block.rows is not None:
        return [dict(row) for row in block.rows]
    if not block.axes:
        return [{}]
    names = [axis.name for axis in block.axes]
    if block.design == "grid":
        return [dict(zip(names, combo)) for combo in itertools.product(*(axis.values or () for axis in block.axes))]
    n, dims = int(block.points or 0), len(block.axes)
    rng = np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(_DESIGN_KEY[block.role],)))
    if block.design == "latin_hypercube":
        # one draw in each of n equal strata per dimension, strata shuffled independently
        strata = np.stack([rng.permutation(n) for _ in range(dims)], axis=1)
        unit = (strata + rng.random((n, dims))) / n
    else:
        unit = rng.random((n, dims))
    return [{axis.name: axis.value_at(float(unit[i, j])) for j, axis in enumerate(block.axes)} for i in range(n)]


def run_seed(root_seed: int, point: int, replication: int, seeding: str = "common") -> int:
    """The model seed of one run.

    ``common``: every design point's replication r uses the same seed (common random
    numbers, so policies are compared on the same luck); ``independent``: each run
    gets its own stream.
    """
    key = (_RUN_KEY, replication) if seeding == "common" else (_RUN_KEY, point, replication)
    state = np.random.SeedSequence(root_seed, spawn_key=key).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))  # fits a signed 64-bit column


@dataclass(frozen=True)
class Design:
    """The design points of an experiment and the runs they expand to."""

    experiment: Experiment
    policies: list[dict[str, Value]]
    futures: list[dict[str, Value]]

    @property
    def points(self) -> int:
        """Number of design points (policies x futures)."""
        return len(self.policies) * len(self.futures)

    @property
    def total_runs(self) -> int:
        """Number of runs (design points x replications)."""
        return self.points * self.experiment.replications

    def point_values(self, point: int) -> dict[str, Value]:
        """The parameter values of design point ``point`` (its policy's and its future's)."""
        policy, future = divmod(point, len(self.futures))
        return {**self.policies[policy], **self.futures[future]}

    def run(self, run_id: int) -> RunSpec:
        """The run with this id."""
        reps = self.experiment.replications
        point, replication = divmod(run_id, reps)
        policy, future = divmod(point, len(self.futures))
        return RunSpec(
            run_id=run_id,
            point=point,
            policy=policy,
            future=future,
            replication=replication,
            seed=run_seed(self.experiment.seed, point, replication, self.experiment.seeding),
            values=self.point_values(point),
        )

    def runs(self, skip: set[int] | frozenset[int] = frozenset()) -> Iterator[RunSpec]:
        """Every run not in ``skip``, in run-id order (generated lazily)."""
        for run_id in range(self.total_runs):
            if run_id not in skip:
                yield self.run(run_id)

    def table(self) -> list[dict[str, Value]]:
        """One row per design point: point, policy, future and the varied values."""
        rows = []
        for point in range(self.points):
            policy, future = divmod(point, len(self.futures))
            rows.append({"point": point, "policy": policy, "future": future, **self.point_values(point)})
        return rows


def make_design(experiment: Experiment) -> Design:
    """Expand an experiment into its design points."""
    return Design(
        experiment=experiment,
        policies=block_points(experiment.policies, experiment.seed),
        futures=block_points(experiment.futures, experiment.seed),
    )
