"""The model under mesa.batch_run (sim/experiments/mesa_adapter.py)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from mesa import batch_run

from sim.experiments.mesa_adapter import BatchRunModel
from sim.experiments.runner import simulate_history
from sim.scenario import load_scenario

TINY = str((Path(__file__).parent / "data" / "experiments" / "tiny-korea.yaml").resolve())


def test_batch_run_gives_the_same_outcomes_as_the_sweep_runner():
    # batch_run forces multiprocessing "spawn" for the whole process; number_processes=1 keeps it in-process
    rows = batch_run(
        BatchRunModel,
        parameters={"scenario": TINY, "network_effect": [0.1, 0.9], "partnership_review": "block"},
        rng=[3, 4],
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(rows) == 4
    scenario = load_scenario(TINY)
    for row in rows:
        history = simulate_history(
            scenario, row["rng"], {"network_effect": row["network_effect"], "partnership_review": "block"}
        )
        assert row["Step"] == len(history) == scenario.quarters
        assert row["market_revenue_usd_bn"] == history[-1]["market_revenue_usd_bn"]
        assert row["hhi"] == history[-1]["hhi"]
    assert rows[0]["hhi"] != rows[1]["hhi"]  # the parameter reached the model


def test_every_quarter_is_collected_and_the_model_pickles():
    model = BatchRunModel(scenario=TINY, rng=1, network_effect=0.5)
    model.run_model()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.scenario_def.quarters
    assert list(frame["sovereignty_index"]) == [row["sovereignty_index"] for row in model.history]
    assert pickle.loads(pickle.dumps(model)).history == model.history


def test_bad_parameter_is_refused():
    from sim.errors import OverrideError

    with pytest.raises(OverrideError, match="network_effect"):
        BatchRunModel(scenario=TINY, rng=1, network_effect=9)


def test_a_loaded_scenario_can_be_passed_directly(small_korea):
    model = BatchRunModel(scenario=small_korea, rng=2)
    assert model.scenario_def is small_korea and model.seed == 2
