"""Run the model under :func:`mesa.batch_run`, for users who know Mesa's batch runner.

``batch_run`` builds models with flat keyword arguments and reads ``model.datacollector``.
:class:`BatchRunModel` takes the scenario (bundled name or path), the seed as ``rng``
and any parameter of the scenario's spec as keyword arguments, and collects every
outcome metric each quarter::

    from mesa import batch_run
    from sim.experiments.mesa_adapter import BatchRunModel

    rows = batch_run(
        BatchRunModel,
        parameters={"scenario": "korea-2025", "network_effect": [0.1, 0.5], "partnership_review": ["allow", "block"]},
        rng=[1, 2, 3],
        number_processes=1,
        data_collection_period=-1,  # final quarter only
    )

Note: ``batch_run`` calls ``multiprocessing.set_start_method("spawn", force=True)`` for the
whole process and keeps every result in memory; for large sweeps use ``aisim sweep``.
"""

from __future__ import annotations

from typing import Any

from sim.model.model import AIMarketModel


class BatchRunModel(AIMarketModel):
    """:class:`AIMarketModel` with flat keyword arguments (its DataCollector records every outcome).

    Args:
        scenario: bundled scenario name or YAML path (or a loaded :class:`sim.scenario.Scenario`).
        rng: the run's seed (``batch_run`` passes it), a whole number from 0 to 2**63-1. None is
            refused: Mesa means a fresh random seed by it (``iterations=N`` passes None N times),
            which would leave the run impossible to repeat; give ``rng=range(N)`` instead.
        **values: parameter values from the scenario's spec (validated).
    """

    def __init__(self, scenario: Any = "korea-2025", rng: Any = 0, **values: Any) -> None:
        from sim.errors import OverrideError
        from sim.interop import resolve_scenario

        if rng is None:
            raise OverrideError(
                "rng: expected a seed for each run, got None (batch_run's iterations=N passes None N times, "
                "which Mesa reads as fresh random seeds and aisim cannot repeat): pass rng=range(N) for N runs"
            )
        # the model's own DataCollector (every outcome, every quarter) is what batch_run reads
        super().__init__(resolve_scenario(scenario), rng=rng, values=values or None)
