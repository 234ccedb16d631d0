"""A Mesa SolaraViz page for the model, made from the parameter spec (optional extra).

``pip install 'aisim[web]'`` then ``aisim web`` (or ``solara run sim.web``). Every lever
and uncertainty of the scenario becomes a slider, checkbox or select with the spec's
default, range and step; plots show headline outcomes each quarter from the model's
``datacollector``. Step advances a quarter, Reset rebuilds the model with the chosen
values. Nothing in the core imports this module (it pulls in solara and matplotlib).
"""

from __future__ import annotations

import os
from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component

from sim.model.model import AIMarketModel
from sim.model.outcomes import HEADLINE_METRICS

SCENARIO_ENV = "AISIM_WEB_SCENARIO"  # `aisim web SCENARIO` passes the scenario to the page this way
SEED_ENV = "AISIM_WEB_SEED"


class WebModel(AIMarketModel):
    """:class:`AIMarketModel` as SolaraViz rebuilds it: keyword arguments only (parameter values by name).

    Args:
        aisim_scenario: bundled scenario name or YAML path (or a loaded scenario).
        seed: the run's seed.
        scenario: Mesa's own scenario object, which SolaraViz's Reset passes; not ours, ignored.
        **values: parameter values from the scenario's spec (validated).
    Stepping past the scenario's end changes nothing (time and steps stay put).
    """

    def __init__(self, aisim_scenario: Any = "korea-2025", seed: int = 0, scenario: Any = None, **values: Any) -> None:
        from sim.interop import resolve_scenario
        from sim.scenario import Scenario

        if isinstance(scenario, (Scenario, str)):  # given as `scenario=`, it is ours after all
            aisim_scenario = scenario
        resolved = resolve_scenario(aisim_scenario)
        super().__init__(resolved, seed=seed, values=values or None)
        # AIMarketModel brings its own DataCollector (every outcome, every quarter) and
        # ignores steps past the scenario's end, which is what SolaraViz needs


def model_params(scenario: Any = "korea-2025", seed: int = 0, language: str = "en") -> dict[str, Any]:
    """SolaraViz ``model_params`` from the scenario's spec: one input per lever and uncertainty."""
    from sim.interop import resolve_scenario

    resolved = resolve_scenario(scenario)
    params: dict[str, Any] = {
        "aisim_scenario": scenario,
        "seed": {"type": "SliderInt", "value": seed, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    }
    for spec in resolved.parameters:
        if spec.kind not in ("lever", "uncertainty"):
            continue  # settings and model constants stay as the scenario has them
        label = spec.label_for(language) + (f" ({spec.unit_for(language)})" if spec.unit_for(language) else "")
        value = resolved.values[spec.name]
        if spec.type == "bool":
            params[spec.name] = {"type": "Checkbox", "value": bool(value), "label": label}
        elif spec.type == "choice":
            params[spec.name] = {"type": "Select", "value": value, "values": list(spec.options), "label": label}
        else:
            kind = "SliderInt" if spec.type == "integer" else "SliderFloat"
            params[spec.name] = {
                "type": kind,
                "value": value,
                "min": spec.min,
                "max": spec.max,
                "step": spec.step,
                "label": label,
            }
    return params


def make_page(scenario: Any = "korea-2025", seed: int = 0, metrics: tuple[str, ...] = HEADLINE_METRICS):
    """The SolaraViz page (a solara element): inputs from the spec, one plot per metric."""
    model = WebModel(aisim_scenario=scenario, seed=seed)
    components = [make_plot_component(metric) for metric in metrics]
    return SolaraViz(
        model,
        components=components,
        model_params=model_params(scenario, seed),
        name=f"aisim: {model.scenario_def.name}",
    )


@solara.component
def Page():
    """The page ``solara run sim.web`` serves (scenario and seed from ``aisim web``)."""
    return make_page(os.environ.get(SCENARIO_ENV) or "korea-2025", int(os.environ.get(SEED_ENV) or 0))
