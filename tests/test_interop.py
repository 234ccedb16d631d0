"""Other tools without glue: numpy scalars, sim.outcomes, SALib samples through `aisim sweep`, EMA Workbench."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.errors import ExperimentError, OverrideError
from sim.experiments.spec import experiment_from_text

TINY = (Path(__file__).parent / "data" / "experiments" / "tiny-korea.yaml").resolve()


@pytest.fixture(autouse=True)
def tiny_beside_experiments(tmp_path):
    """Experiment files name their scenario by a path relative to themselves: copy it beside them."""
    shutil.copy(TINY, tmp_path / TINY.name)


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("act_grace_quarters", np.int64(4), 4),
        ("act_grace_quarters", np.float32(6.0), 6),
        ("network_effect", np.float32(0.25), 0.25),
        ("network_effect", np.int64(1), 1.0),
        ("partnership_review", np.str_("block"), "block"),
    ],
)
def test_spec_accepts_numpy_scalars(korea, name, value, expected):
    got = korea.parameters[name].coerce(value)
    assert got == expected and type(got) is type(expected)


def test_spec_accepts_numpy_bools():
    from sim.params import ParameterSpec

    spec = ParameterSpec("flag", "setting", "bool", False, None, None, None, {"en": ""}, {"en": "f"}, {"en": "h"})
    assert spec.coerce(np.bool_(True)) is True
    with pytest.raises(ValueError, match="true or false"):
        spec.coerce(np.float64(0.5))


def test_spec_still_refuses_bad_numpy_values(korea):
    with pytest.raises(ValueError, match="whole number"):
        korea.parameters["act_grace_quarters"].coerce(np.float64(1.5))
    with pytest.raises(ValueError):
        korea.parameters["network_effect"].coerce(np.float64(np.nan))


def test_outcomes_is_one_run_as_a_dict_of_plain_numbers():
    first = sim.outcomes({"network_effect": np.float32(0.4)}, seed=np.int64(1), scenario=str(TINY))
    again = sim.outcomes({"network_effect": 0.4000000059604645}, seed=1, scenario=str(TINY))
    assert first == again
    assert first["year"] == 2025 and isinstance(first["entries"], int)
    assert first["quarters"] == 4  # a whole year (fewer in a year the scenario ends within)
    ema = sim.interop.ema_run(scenario=str(TINY), seed=1, network_effect=0.4000000059604645)
    assert set(ema) == set(first) - {"year", "quarters"}  # EMA's outcomes are the metrics
    assert isinstance(first["market_revenue_usd_bn"], float)
    earlier = sim.outcomes(seed=1, year=2024, scenario=str(TINY))
    assert earlier["year"] == 2024 and earlier["market_revenue_usd_bn"] < first["market_revenue_usd_bn"]
    with pytest.raises(OverrideError, match="did you mean"):
        sim.outcomes({"network_efect": 0.1}, scenario=str(TINY))


def test_params_json_lists_every_parameter(capsys, korea):
    assert main(["params", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [item["name"] for item in items] == korea.parameters.names
    review = next(item for item in items if item["name"] == "partnership_review")
    assert review["choices"] == ["allow", "conditions", "block"] and review["min"] is None
    grace = next(item for item in items if item["name"] == "act_grace_quarters")
    assert {"kind", "type", "default", "min", "max", "step", "unit", "choices"} <= set(grace)


def test_salib_problem_covers_numeric_levers_and_uncertainties(korea):
    problem = korea.parameters.to_salib_problem()
    assert problem["num_vars"] == len(problem["names"]) == len(problem["bounds"])
    assert "network_effect" in problem["names"] and "partnership_review" not in problem["names"]
    assert korea.parameters.to_salib_problem(["network_effect"])["bounds"] == [[0.0, 1.5]]
    with pytest.raises(OverrideError):
        korea.parameters.to_salib_problem(["partnership_review"])


# ---------------------------------------------------------------------- explicit points
def test_points_inline_and_csv_give_the_same_design(tmp_path):
    from sim.experiments.design import make_design

    inline = experiment_from_text(
        f"scenario: {TINY.name}\npoints:\n  - {{network_effect: 0.1, act_grace_quarters: 2.6}}\n"
        "  - {network_effect: 0.9, act_grace_quarters: 0}\n",
        base_dir=tmp_path,
    )
    (tmp_path / "points.csv").write_text("network_effect,act_grace_quarters\n0.1,2.6\n0.9,0\n", encoding="utf-8")
    from_csv = experiment_from_text(f"scenario: {TINY.name}\npoints: points.csv\n", base_dir=tmp_path)
    for experiment in (inline, from_csv):
        design = make_design(experiment)
        assert design.total_runs == 2
        assert [design.run(i).values for i in range(2)] == [
            {"network_effect": 0.1, "act_grace_quarters": 3},  # integers drawn as reals are rounded
            {"network_effect": 0.9, "act_grace_quarters": 0},
        ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("points: [{network_efect: 0.1}]", "did you mean 'network_effect'"),
        ("points: [{network_effect: 0.1}, {foreign_trust: 0.2}]", "same parameters"),
        ("points: [{network_effect: 9}]", "network_effect: expected a number from 0 to 1.5"),
        ("points: []", "at least one point"),
        ("points: missing.csv", "missing.csv: file not found"),
        ("points: [{network_effect: 0.1}]\nfutures: {vary: [foreign_trust]}", "without policies: or futures:"),
    ],
)
def test_bad_points(tmp_path, text, message):
    with pytest.raises(ExperimentError, match=message):
        experiment_from_text(f"scenario: {TINY.name}\n{text}\n", base_dir=tmp_path)


def sweep_sample(tmp_path: Path, names: list[str], sample: np.ndarray) -> Path:
    """Write a SALib sample as CSV and run it through `aisim sweep` (serially) into a folder."""
    pd.DataFrame(sample, columns=names).to_csv(tmp_path / "sample.csv", index=False)
    (tmp_path / "salib.yaml").write_text(
        f"name: salib\nscenario: {TINY.name}\npoints: sample.csv\nkeep: final_year\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["sweep", str(tmp_path / "salib.yaml"), "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    return out


def test_salib_morris_sample_runs_through_sweep_and_analyze(tmp_path, capsys):
    salib_morris = pytest.importorskip("SALib.sample.morris")
    problem = sim.load_scenario(TINY).parameters.to_salib_problem(["network_effect", "foreign_trust"])
    sample = salib_morris.sample(problem, 2, num_levels=4, seed=3)
    out = sweep_sample(tmp_path, problem["names"], sample)
    assert main(["analyze", str(out), "--method", "morris", "--no-charts"]) == 0
    table = pd.read_csv(out / "analysis" / "morris.csv")
    assert set(table["parameter"]) == set(problem["names"])
    assert {"mu", "mu_star", "sigma", "mu_star_conf"} <= set(table.columns)
    revenue = table[table["metric"] == "market_revenue_usd_bn"]
    assert revenue["mu_star"].notna().all() and (revenue["mu_star"] > 0).any()
    assert table[table["metric"] == "exits"]["mu_star"].isna().all()  # no exits in two years: nothing to estimate


def test_salib_sobol_sample_runs_through_sweep_and_analyze(tmp_path):
    salib_sobol = pytest.importorskip("SALib.sample.sobol")
    problem = sim.load_scenario(TINY).parameters.to_salib_problem(["network_effect", "foreign_trust"])
    sample = salib_sobol.sample(problem, 2, calc_second_order=False, seed=3)
    out = sweep_sample(tmp_path, problem["names"], sample)
    assert main(["analyze", str(out), "--method", "sobol", "--no-charts"]) == 0
    table = pd.read_csv(out / "analysis" / "sobol.csv")
    assert {"S1", "ST", "S1_conf", "ST_conf"} <= set(table.columns) and len(table) > 0


def test_sobol_refuses_a_design_that_is_not_its_sample(tmp_path):
    pytest.importorskip("SALib")
    out = sweep_sample(tmp_path, ["network_effect"], np.array([[0.1], [0.2], [0.3], [0.4], [0.5]]))
    assert main(["analyze", str(out), "--method", "sobol", "--no-charts"]) == 2


# ---------------------------------------------------------------------- EMA Workbench
def test_ema_workbench_runs_the_model_from_the_spec():
    ema = pytest.importorskip("ema_workbench")
    tiny = sim.load_scenario(TINY)
    problem = tiny.parameters.to_ema(scenario=tiny, seed=2)
    assert {p.name for p in problem.levers} == {s.name for s in tiny.parameters.of_kind("lever")}
    assert {p.name for p in problem.uncertainties} == {s.name for s in tiny.parameters.of_kind("uncertainty")}
    experiments, outcomes = ema.perform_experiments(
        problem.model, scenarios=2, policies=1, evaluator=ema.SequentialEvaluator(problem.model)
    )
    assert len(experiments) == 2
    assert np.isfinite(outcomes["market_revenue_usd_bn"]).all() and len(outcomes["hhi"]) == 2


def test_a_points_sweep_resumes_and_keeps_counts_whole(tmp_path, capsys):
    out = sweep_sample(tmp_path, ["network_effect"], np.array([[0.1], [0.5]]))
    assert main(["sweep", str(tmp_path / "salib.yaml"), "--out", str(out), "--backend", "serial"]) == 0
    assert "Nothing to do" in capsys.readouterr().err
    from sim.experiments.store import ResultStore

    data = ResultStore.open(out).read_results()
    assert sorted(data["point"]) == [0, 1]
    for column in ("entries", "exits", "active_firms"):
        assert data[column].dtype == np.int64, column
