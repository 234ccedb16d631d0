"""The optional SolaraViz page (sim/web.py), headless: the page builds, Step and Reset work."""

from __future__ import annotations

from pathlib import Path

import pytest

solara = pytest.importorskip("solara")
pytest.importorskip("mesa.visualization")
v = pytest.importorskip("ipyvuetify")

from mesa.visualization.solara_viz import ModelController  # noqa: E402

from sim.web import WebModel, make_page, model_params  # noqa: E402

TINY = str((Path(__file__).parent / "data" / "experiments" / "tiny-korea.yaml").resolve())


def test_inputs_come_from_the_spec(tiny_korea):
    params = model_params(TINY)
    levers = [s.name for s in tiny_korea.parameters if s.kind in ("lever", "uncertainty")]
    assert set(levers) <= set(params)
    grace = tiny_korea.parameters["act_grace_quarters"]
    assert params["act_grace_quarters"] == {
        "type": "SliderInt",
        "value": tiny_korea.values["act_grace_quarters"],
        "min": grace.min,
        "max": grace.max,
        "step": grace.step,
        "label": params["act_grace_quarters"]["label"],
    }
    assert params["partnership_review"]["type"] == "Select"


def test_page_builds_headless():
    page = make_page(TINY, metrics=("market_revenue_usd_bn",))
    box, _ = solara.render(page, handle_error=False)
    assert box is not None


def test_step_and_reset_through_the_controller():
    model = solara.reactive(WebModel(aisim_scenario=TINY, seed=1))
    params = solara.reactive({"aisim_scenario": TINY, "seed": 2, "network_effect": 0.9})

    @solara.component
    def Controls():
        ModelController(
            model, model_parameters=params, render_interval=solara.reactive(1), use_threads=solara.reactive(False)
        )

    _, rc = solara.render(Controls(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.value.steps == 1 and len(model.value.history) == 1
    assert len(model.value.datacollector.get_model_vars_dataframe()) >= 1
    first = model.value
    rc.find(v.Btn, children=["Reset"]).widget.click()  # Mesa passes its own scenario= here
    assert model.value is not first and model.value.steps == 0
    assert model.value.seed == 2 and model.value.params["network_effect"] == 0.9


def test_stepping_past_the_end_changes_nothing():
    model = WebModel(aisim_scenario=TINY)
    while model.running:
        model.step()
    steps, time, rows = model.steps, model.time, len(model.history)
    model.step()
    assert (model.steps, model.time, len(model.history)) == (steps, time, rows) == (8, 8.0, 8)


def test_aisim_web_serves_sim_web_with_solara(monkeypatch):
    import subprocess

    from sim.cli import main

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda command, env: calls.append((command, env)) or 0)
    assert main(["web", TINY, "--seed", "3", "--port", "9999"]) == 0
    command, env = calls[0]
    assert command[1:4] == ["-m", "solara", "run"] and "sim.web" in command and "9999" in command
    assert env["AISIM_WEB_SCENARIO"] == TINY and env["AISIM_WEB_SEED"] == "3"
    assert main(["web", "no-such-scenario"]) == 2
