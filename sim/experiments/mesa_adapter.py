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

from functools import lru_cache
from typing import Any

from sim.model.model import AIMarketModel


@lru_cache(maxsize=8)
def _scenario(name_or_path: str):
    from sim.scenario import load_scenario

    return load_scenario(name_or_path)


class BatchRunModel(AIMarketModel):
    """:class:`AIMarketModel` with flat keyword arguments (its DataCollector records every outcome).

    Args:
        scenario: bundled scenario name or YAML path (or a loaded :class:`sim.scenario.Scenario`).
        rng: the run's seed (``batch_run`` passes it); ``None`` means seed 0.
        **values: parameter values from the scenario's spec (validated).
    """

    def __init__(self, scenario: Any = "korea-2025", rng: int | None = None, **values: Any) -> None:
        from sim.scenario import Scenario

        resolved = scenario if isinstance(scenario, Scenario) else _scenario(str(scenario))
        # the model's own DataCollector (every outcome, every quarter) is what batch_run reads
        super().__init__(resolved, seed=0 if rng is None else int(rng), values=values or None)
