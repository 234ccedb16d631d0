"""Glue-free use from other tools: one-run outcomes, EMA Workbench and SALib.

* :func:`outcomes` runs the model once and returns one year's outcomes as a dict of
  plain numbers (also ``sim.outcomes``): the function EMA Workbench, SALib loops or
  any optimiser can call. Parameter values may be numpy scalars.
* :func:`ema_problem` (``ParameterSpace.to_ema()``) builds EMA Workbench levers,
  uncertainties and a ready ``Model`` from the parameter spec.
* ``ParameterSpace.to_salib_problem()`` gives a SALib problem; run its sample with an
  explicit-points experiment (``points:`` in an experiment file) and ``aisim sweep``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.core.stats import YEAR_QUARTERS, year_outcomes
from sim.errors import UserError
from sim.model.outcomes import METRICS

if TYPE_CHECKING:
    from sim.params import ParameterSpace
    from sim.scenario import Scenario


def resolve_scenario(scenario: Any = None) -> Scenario:
    """A scenario object, or one loaded from a bundled name or a path (text or ``os.PathLike``), kept as
    :func:`sim.scenario.cached_scenario` keeps it: a notebook's edit-and-rerun sees the edit.
    """
    import os

    from sim.core.arguments import scenario_arg
    from sim.scenario import Scenario, cached_scenario, resolve_scenario_path

    if isinstance(scenario, Scenario) or not (scenario is None or isinstance(scenario, (str, os.PathLike))):
        return scenario_arg(scenario)  # a loaded scenario, or the error for what is none
    path = resolve_scenario_path(None if scenario is None else os.fspath(scenario))
    try:
        return cached_scenario(path)
    except (OSError, ValueError):
        return scenario_arg(path)  # load_scenario says what is wrong with it


def outcomes(
    values: Mapping[str, Any] | None = None, *, seed: int = 0, year: int | None = None, scenario: Any = None
) -> dict[str, Any]:
    """Run the model once and return its outcomes in one year.

    Args:
        values: parameter values by name (levers, uncertainties, settings; numpy scalars welcome).
        seed: the run's seed.
        year: the calendar year to report (default: the scenario's last year).
        scenario: a bundled name, a path or a loaded scenario (default: korea-2025).
    Returns ``{"year": ..., "quarters": ..., metric: value, ...}``: flows summed over the year, levels
    averaged, stocks at the year's end (see :mod:`sim.core.stats`); counts are ints, the rest floats.
    ``quarters`` is how many of the year's quarters the run covers: 4, or fewer in a year the scenario
    starts or ends within, whose flows are then those quarters' totals, not a year's.
    Raises :class:`sim.errors.OverrideError` for an unknown parameter, a bad value, seed or year
    (checked before the run).
    """
    from sim.core.arguments import mapping_arg, seed_arg, year_arg
    from sim.model.model import AIMarketModel
    from sim.timeline import quarter_year

    resolved = resolve_scenario(scenario)
    checked = resolved.parameters.check(mapping_arg(values, "values"))
    seed = seed_arg(seed)
    if year is not None:
        year = year_arg(year, quarter_year(resolved.start), quarter_year(resolved.end))
    model = AIMarketModel(resolved, seed=seed, values=checked or None)
    model.run()
    row = year_outcomes(model.history, year)
    return {
        "year": row["year"],
        YEAR_QUARTERS: row[YEAR_QUARTERS],
        **{metric: row[metric] for metric in METRICS if metric in row},
    }


def ema_run(scenario: Any = None, seed: int = 0, year: int | None = None, **values: Any) -> dict[str, Any]:
    """The function behind :func:`ema_problem`'s Model: EMA passes levers and uncertainties as keywords."""
    result = outcomes(values, seed=seed, year=year, scenario=scenario)
    result.pop("year")
    result.pop(YEAR_QUARTERS)  # EMA's outcomes are the metrics
    return result


@dataclass(frozen=True)
class EmaProblem:
    """EMA Workbench parameters and a ``Model`` made from a parameter spec."""

    levers: list
    uncertainties: list
    outcomes: list
    model: Any


def ema_parameter(spec):
    """One spec -> an EMA Workbench parameter of the matching type, with the spec's default."""
    import ema_workbench as ema

    if spec.type == "integer":
        return ema.IntegerParameter(spec.name, int(spec.min), int(spec.max), default=int(spec.default))
    if spec.type == "number":
        return ema.RealParameter(spec.name, float(spec.min), float(spec.max), default=float(spec.default))
    if spec.type == "bool":
        return ema.BooleanParameter(spec.name, default=bool(spec.default))
    return ema.CategoricalParameter(spec.name, list(spec.options), default=spec.default)


def ema_problem(
    space: ParameterSpace, scenario: Any = None, seed: int = 0, year: int | None = None, name: str = "aisim"
) -> EmaProblem:
    """Levers (policy levers), uncertainties and a ready EMA ``Model`` over every outcome metric.

    Settings are not varied (they are scenario constants). The model's function is
    :func:`ema_run` (a module function, so ``MultiprocessingEvaluator`` can pickle it).
    Raises :class:`sim.errors.UserError` when EMA Workbench is not installed.
    """
    try:
        import ema_workbench as ema
    except ImportError:
        raise UserError("EMA Workbench is not installed: pip install 'aisim[ema]'") from None
    from sim.core.arguments import seed_arg

    seed = seed_arg(seed)
    resolve_scenario(scenario)  # a bad scenario is refused now, not in EMA's first run

    levers = [ema_parameter(spec) for spec in space.of_kind("lever")]
    uncertainties = [ema_parameter(spec) for spec in space.of_kind("uncertainty")]
    outcome_list = [ema.ScalarOutcome(metric) for metric in METRICS]
    model = ema.Model(name, function=ema_run)
    model.levers = levers
    model.uncertainties = uncertainties
    model.outcomes = outcome_list
    constants = [
        ema.Constant("scenario", scenario if scenario is not None else "korea-2025"),
        ema.Constant("seed", seed),
    ]
    if year is not None:
        constants.append(ema.Constant("year", year))
    model.constants = constants
    return EmaProblem(levers=levers, uncertainties=uncertainties, outcomes=outcome_list, model=model)
