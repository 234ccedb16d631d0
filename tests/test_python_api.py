"""The Python API takes what the command line takes, and refuses the rest in plain words.

The third hostile sweep (an analyst's notebook: sim.run, sim.build, sim.outcomes, the model, the game
session, Mesa's batch_run) found seeds truncated (3.7 -> 3, True -> 1, "12" -> seeds 1 and 2), keywords
swallowed (``AIMarketModel(S, rng=42)`` ran seed 0), a Path scenario replaced by the default, stale
scenarios after an edit, identical "replications" under batch_run, and tracebacks from numpy or pandas
instead of a UserError. One test per category; each asserts the error class and that the message names the
argument in plain words (no Python type names).
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.errors import OverrideError, ScenarioError, UserError
from sim.game.session import GameSession
from sim.model.model import AIMarketModel

SMALL = "extends: korea-2025\nname: small\ntime: {start: 2024Q1, end: 2024Q4}\npopulation: {adopter_rows: 300}\n"
PYTHON_WORDS = re.compile(r"NoneType|numpy\.|np\.|Generator|<class|object at 0x|Traceback|int\(\)|islice")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("api") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenario(small):
    return sim.load_scenario(small)


def refused(error: type[UserError], call, *fragments: str) -> str:
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert not PYTHON_WORDS.search(message), message
    for fragment in fragments:
        assert fragment in message, message
    return message


BAD_SEEDS = [3.7, True, "3", -1, 2**64, None, float("nan"), np.random.default_rng(1), [3], np.array([3])]


@pytest.mark.parametrize("seed", BAD_SEEDS[:5] + BAD_SEEDS[6:], ids=repr)
def test_a_seed_is_a_whole_number_in_range_everywhere(scenario, seed):
    refused(OverrideError, lambda: AIMarketModel(scenario, seed=seed), "seed: expected a seed")
    refused(OverrideError, lambda: sim.build(scenario, seed=seed), "seed")
    refused(OverrideError, lambda: sim.outcomes(scenario=scenario, seed=seed), "seed")
    refused(OverrideError, lambda: GameSession(scenario, seed=seed, ghost=False), "seed")
    refused(OverrideError, lambda: sim.run(scenario, seeds=[seed]), "seeds[0]")


def test_whole_seeds_of_every_numeric_kind_give_the_same_run(scenario):
    runs = [sim.outcomes(scenario=scenario, seed=s) for s in (3, np.int64(3), np.uint8(3), 3.0, np.float32(3.0))]
    assert all(run == runs[0] for run in runs)
    assert AIMarketModel(scenario, rng=3).seed == AIMarketModel(scenario, seed=3).seed == 3  # Mesa 3's rng=
    refused(OverrideError, lambda: AIMarketModel(scenario, seed=3, rng=4), "two seeds")


@pytest.mark.parametrize(
    ("seeds", "fragment"),
    [
        ("12", "got text '12'"),
        ({0: "a"}, "got a mapping"),
        (0, "at least one seed"),
        (-1, "at least one seed"),
        ([], "at least one seed"),
        (None, "got nothing"),
        ([1, 1], "seed 1 is given twice"),
        ([1.5], "seeds[0]"),
    ],
)
def test_seed_lists_are_a_count_or_distinct_seeds(scenario, seeds, fragment):
    refused(OverrideError, lambda: sim.run(scenario, seeds=seeds, workers=1), "seeds", fragment)


def test_a_numpy_count_of_seeds_is_a_count(scenario):
    assert sim.run(scenario, seeds=np.int64(2), workers=1).seeds == [0, 1]


@pytest.mark.parametrize("workers", [0, -3, 2.5, float("nan"), 10**6, True, "2"], ids=repr)
def test_workers_are_a_whole_number_from_1_to_256(scenario, workers):
    refused(OverrideError, lambda: sim.run(scenario, seeds=1, workers=workers), "workers: expected a whole number")


def test_the_model_refuses_keywords_it_does_not_take(scenario):
    refused(OverrideError, lambda: AIMarketModel(scenario, sed=5), "unknown keyword 'sed'", "did you mean 'seed'")
    refused(OverrideError, lambda: AIMarketModel(scenario, network_effect=0.9), "values={'network_effect'")


def test_a_scenario_is_loaded_from_a_path_object_and_anything_else_is_refused(small):
    assert AIMarketModel(small).scenario_def.name == "small"  # a Path ran korea-2025 silently
    assert GameSession(small, ghost=False).scenario.name == "small"
    loaded = sim.load_scenario(small)
    assert sim.load_scenario(loaded) is loaded  # passed through, not its repr taken as a file name
    for bad in (123, b"korea-2025", ["x"], {"extends": "x"}):
        refused(ScenarioError, lambda bad=bad: AIMarketModel(bad), "expected a loaded scenario")
        refused(ScenarioError, lambda bad=bad: sim.load_scenario(bad), "expected a bundled scenario name")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (10**400, "got a number of 401 digits"),
        (np.array([0.4, 0.5]), "got a value of another kind"),
        ("x" * 500, "..."),
    ],
    ids=["huge int", "array", "long text"],
)
def test_parameter_values_are_refused_in_plain_words(scenario, value, fragment):
    message = refused(OverrideError, lambda: scenario.with_values({"network_effect": value}), fragment)
    assert len(message) < 200
    refused(OverrideError, lambda: GameSession(scenario, ghost=False).set_lever("public_compute_gpus_k", value))


def test_exact_numbers_of_other_kinds_are_taken(scenario):
    for value in (Fraction(2, 5), np.longdouble(0.4), np.float32(0.4)):
        assert scenario.with_values({"network_effect": value}).values["network_effect"] == pytest.approx(0.4)
    model = sim.build(scenario)
    model.apply_decision({"firm:naver": {"price": np.float32(1.0)}})  # numpy's numbers, as levers take them
    assert model.firm_overrides["naver"]["price"] == 1.0
    refused(OverrideError, lambda: model.apply_decision({"firm:naver": {"price": 10**400}}), "got a number of")


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.with_values("network_effect=0.4"),
        lambda s: s.with_values([("network_effect", 0.4)]),
        lambda s: sim.load_scenario(s, overrides="x"),
        lambda s: sim.outcomes(values="abc", scenario=s),
        lambda s: sim.outcomes(values=[("network_effect", 0.4)], scenario=s),
        lambda s: sim.build(s).apply_decision([("x", 1)]),
        lambda s: sim.build(s).apply_decision({1: 2}),
        lambda s: sim.run(s, seeds=1, overrides=[("network_effect", 0.4)]),
    ],
)
def test_mappings_are_mappings_with_text_names(scenario, call):
    refused(OverrideError, lambda: call(scenario), "expected")


def test_decisions_of_the_wrong_kind_are_refused_not_crashed_on(scenario):
    model = sim.build(scenario)
    refused(OverrideError, lambda: model.apply_decision({"partner:kakao_talk": {"provider": ["naver"]}}), "provider")
    refused(OverrideError, lambda: model.apply_decision({"network_effect": 0.3}), "is an uncertainty")
    refused(OverrideError, lambda: model.set_firm_policy("naver", 42), "needs a decide(firm, view) method")
    refused(OverrideError, lambda: model.set_firm_policy(["naver"], None), "no firm named")


@pytest.mark.parametrize("year", [2030, "2024", True, float("nan"), 2024.5], ids=repr)
def test_a_year_is_one_the_run_covers_and_is_checked_before_running(scenario, year):
    result = sim.run(scenario, seeds=2, workers=1)
    refused(OverrideError, lambda: result.summary(year), "year: expected a year the run covers, 2024 to 2024")
    refused(OverrideError, lambda: result.summary_text(year), "year")
    refused(OverrideError, lambda: result.quarters_in(year), "year")
    refused(OverrideError, lambda: sim.outcomes(scenario=scenario, year=year), "year")


def test_an_edited_scenario_file_is_loaded_again(tmp_path):
    """sim.outcomes and BatchRunModel cached scenarios by path: a notebook's edit-and-rerun gave old numbers."""
    from sim.experiments.mesa_adapter import BatchRunModel

    path = tmp_path / "edit.yaml"
    path.write_text(SMALL, encoding="utf-8")
    before = sim.outcomes(scenario=path, seed=1)["market_revenue_usd_bn"]
    assert BatchRunModel(path).params["network_effect"] == 0.15
    path.write_text(SMALL + "set: {network_effect: 0.9}\n", encoding="utf-8")
    assert BatchRunModel(path).params["network_effect"] == 0.9
    after = sim.outcomes(scenario=path, seed=1)["market_revenue_usd_bn"]
    assert after == sim.outcomes(scenario=sim.load_scenario(path), seed=1)["market_revenue_usd_bn"] != before


def test_batch_runs_need_a_seed_each(small):
    """batch_run's iterations=N (rng=[None] * N) gave N identical runs: None meant seed 0."""
    from mesa import batch_run

    from sim.experiments.mesa_adapter import BatchRunModel

    def rows(rng):
        return batch_run(
            BatchRunModel,
            parameters={"scenario": str(small)},
            rng=rng,
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )

    refused(OverrideError, lambda: rows([None, None]), "rng=range(N)")
    refused(OverrideError, lambda: rows([1.5]), "rng: expected a seed")
    revenue = [row["market_revenue_usd_bn"] for row in rows(range(2))]
    assert revenue[0] != revenue[1]


def test_sweep_functions_check_their_options_before_any_run(tmp_path, small):
    from sim.experiments.backends import open_executor
    from sim.experiments.design import make_design
    from sim.experiments.runner import run_sweep
    from sim.experiments.spec import experiment_from_text, load_experiment
    from sim.experiments.store import ResultStore

    (tmp_path / "small.yaml").write_text(SMALL)
    text = "scenario: small.yaml\nfutures: {design: monte_carlo, points: 2, vary: [network_effect]}\n"
    experiment = experiment_from_text(text, base_dir=tmp_path)
    store = ResultStore.create_or_resume(tmp_path / "sw", experiment, make_design(experiment))
    with open_executor("serial", 1) as executor:
        for options, fragment in (
            ({"max_in_flight": -1}, "max_in_flight: expected a whole number from 1"),  # did nothing, silently
            ({"chunk": 2.5}, "chunk: expected a whole number"),  # islice's error
            ({"workers": -5}, "workers"),
            ({"flush_every": 0}, "flush_every"),
            ({"flush_seconds": float("nan")}, "flush_seconds: expected a number of seconds above 0"),
        ):
            refused(UserError, lambda options=options: run_sweep(experiment, store, executor, **options), fragment)
    assert store.status() == (set(), {})
    for call in (
        lambda: load_experiment(None),
        lambda: load_experiment(""),
        lambda: load_experiment(123),
        lambda: experiment_from_text(None),
        lambda: experiment_from_text(text, base_dir=None),
        lambda: ResultStore.open(None),
    ):
        refused(UserError, call, "expected")


def test_analyze_checks_its_arguments_before_writing(tmp_path, small, capsys):
    """analyze_folder(x="nope") wrote summary.csv, sensitivity.csv and tornado.png, then a pandas KeyError."""
    from sim.cli import main
    from sim.experiments.analysis import analyze_folder

    (tmp_path / "small.yaml").write_text(SMALL)
    (tmp_path / "e.yaml").write_text(
        "scenario: small.yaml\nfutures: {design: monte_carlo, points: 3, vary: [network_effect]}\n"
    )
    assert main(["sweep", str(tmp_path / "e.yaml"), "--out", str(tmp_path / "sw"), "--backend", "serial"]) == 0
    capsys.readouterr()
    for options, fragment in (
        ({"x": "nope"}, "x: unknown outcome 'nope'"),
        ({"y": None}, "y: expected an outcome name, got nothing"),
        ({"morris_levels": "4"}, "morris_levels: expected the Morris sample's num_levels"),
        ({"method": ["sobol"]}, "method: expected one of"),
    ):
        refused(UserError, lambda options=options: analyze_folder(tmp_path / "sw", **options), fragment)
    assert not (tmp_path / "sw" / "analysis").exists()


def test_files_are_paths_and_run_records_take_numpy_numbers(tmp_path, scenario):
    from sim.runner import write_run
    from sim.saves import load_save

    session = GameSession(scenario, ghost=False)
    for bad in (None, b"x.json", ""):
        refused(UserError, lambda bad=bad: session.save(bad), "save file: expected a file path")
        refused(UserError, lambda bad=bad: load_save(bad), "save file: expected a file path")
    result = sim.run(scenario, seeds=1, workers=1)
    out = write_run(result, str(tmp_path / "run"), {"network_effect": np.float32(0.5)}, extra={"x": np.int64(1)})
    meta = __import__("json").loads((out / "run.json").read_text())
    assert meta["overrides"] == {"network_effect": 0.5} and meta["x"] == 1
    refused(UserError, lambda: write_run(result, tmp_path / "r2", None, extra={"x": object()}), "plain data")
    assert not (tmp_path / "r2").exists()


def test_the_rest_of_the_api_refuses_in_plain_words(scenario):
    session = GameSession(scenario, ghost=False)
    refused(OverrideError, lambda: session.lever_value("nope"), "unknown parameter 'nope'")
    refused(TypeError, lambda: AIMarketModel.restore(b"junk"), "not a model snapshot")
    refused(TypeError, lambda: AIMarketModel.restore(None), "not a model snapshot")
    space = scenario.parameters
    refused(OverrideError, lambda: space.to_salib_problem("network_effect"), "names: expected a list")
    refused(OverrideError, lambda: space.to_salib_problem(kinds="lever"), "kinds: expected a list")
    refused(OverrideError, lambda: space.to_salib_problem(kinds=["levers"]), "got text 'levers'")
    refused(OverrideError, lambda: space.to_salib_problem(["network_effect"] * 2), "named twice")


def test_a_bad_scripted_decision_leaves_the_game_as_it_was(scenario):
    """The failed step left an undo point (undo possible with nothing played) and a Why run of the bad decision."""
    session = GameSession(scenario, script={scenario.start: {"network_effect": 0.3}})
    refused(OverrideError, session.step, "network_effect is an uncertainty")
    assert session.played_quarters == 0 and not session.undo_stack
    session.script = {}
    session.step()
    assert session.played_quarters == 1


def test_outcome_keys_are_checked_before_and_after_the_first_quarter(scenario):
    session = GameSession(scenario)
    for key in (None, "nope", "metric:nope", "firm:nope"):
        refused(OverrideError, lambda key=key: session.decompose(key), "expected an outcome key")
    session.step()
    refused(OverrideError, lambda: session.quarter_change("nope"), "expected an outcome key")
    assert session.decompose("metric:market_revenue_usd_bn") is not None


def test_a_game_script_takes_quarter_numbers_or_labels(scenario):
    """GameSession(script={"2025Q1": ...}) ended in int()'s ValueError."""
    by_label = GameSession(scenario, script={"2024Q2": {"public_compute_gpus_k": 40}}, ghost=False)
    assert by_label.script == {scenario.start + 1: {"public_compute_gpus_k": 40}}
    for bad in ({"2040Q1": {}}, {"x": {}}, {scenario.start: [("public_compute_gpus_k", 40)]}, [(1, 2)]):
        refused(OverrideError, lambda bad=bad: GameSession(scenario, script=bad, ghost=False), "script")
