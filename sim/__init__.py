"""aisim: an agent-based simulation game of a national AI market.

Notebook use::

    import sim
    result = sim.run("korea-2025", seeds=10)       # or a path to a scenario file
    result.quarters.groupby("year").market_revenue_usd_bn.sum()

``result.quarters`` has a row per seed and quarter, ``result.firms`` a row per
seed, quarter and firm. One run's outcomes as a dict (for EMA Workbench, SALib or an optimiser)::

    sim.outcomes({"network_effect": 0.4}, seed=1, year=2030)

For step-by-step control build the model yourself:
``model = sim.build(scenario, seed=0); model.apply_decision({...}); model.step()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.errors import UserError
from sim.scenario import Scenario, load_scenario

__version__ = "0.1.0"
__all__ = ["Scenario", "UserError", "build", "load_scenario", "outcomes", "run"]


def build(scenario: Scenario | str | None = None, seed: int = 0, **values: Any):
    """A fresh :class:`sim.model.model.AIMarketModel` for a scenario (object, name or path)."""
    from sim.model.model import AIMarketModel

    return AIMarketModel(scenario, seed=seed, values=values or None)


def run(
    scenario: Scenario | str | None = None,
    seeds: int | Iterable[int] = 10,
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
):
    """Run a scenario over seeds (``seeds=N`` means 0..N-1, or a list of distinct seeds); returns a
    :class:`sim.runner.RunResult`. Raises :class:`sim.errors.OverrideError` for bad seeds, worker
    counts (1 to 256, None: one per core) or overrides, ScenarioError for a bad scenario."""
    from sim.core.arguments import mapping_arg, scenario_arg, seeds_arg, workers_arg
    from sim.runner import run_scenario

    seed_list, workers = seeds_arg(seeds), workers_arg(workers)
    loaded: Scenario = scenario_arg(scenario)
    overrides = mapping_arg(overrides, "overrides")
    if overrides:
        loaded = loaded.with_values(overrides)
    return run_scenario(loaded, seeds=seed_list, workers=workers)


def outcomes(
    values: Mapping[str, Any] | None = None, *, seed: int = 0, year: int | None = None, scenario: Any = None
) -> dict[str, Any]:
    """Run the model once and return one year's outcomes (default: the last year) as a dict.

    ``values`` are parameter values by name (numpy scalars welcome); ``scenario`` a bundled
    name, a path or a loaded scenario (default: korea-2025). See :func:`sim.interop.outcomes`.
    """
    from sim.interop import outcomes as run_once

    return run_once(values, seed=seed, year=year, scenario=scenario)
