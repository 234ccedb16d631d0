"""Experiment files, designs, the sweep loop and the result store (sim/experiments)."""

from __future__ import annotations

import json
import shutil
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import ExperimentError, OutputError
from sim.experiments.backends import SerialExecutor, open_executor
from sim.experiments.design import block_points, make_design, run_seed
from sim.experiments.runner import run_sweep, simulate_history
from sim.experiments.spec import experiment_from_text, load_experiment
from sim.experiments.store import ResultStore

DATA = Path(__file__).parent / "data" / "experiments"
TINY = (DATA / "tiny-korea.yaml").resolve()


def write_experiment(folder: Path, body: str, name: str = "exp.yaml") -> Path:
    # a file may name a scenario only beside it (or below it), not by an absolute path (issue 10)
    shutil.copy(TINY, folder / TINY.name)
    path = folder / name
    path.write_text(f"scenario: {TINY.name}\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def experiment(tmp_path: Path, body: str):
    return load_experiment(write_experiment(tmp_path, body))


# ---------------------------------------------------------------------- spec
def test_whole_spec_range_by_name_or_empty_mapping(tmp_path, korea):
    spec = korea.parameters["network_effect"]
    by_name = experiment(tmp_path, "futures: {vary: [network_effect]}\n")
    by_mapping = experiment(tmp_path, "futures: {vary: {network_effect: {}}}\n")
    for exp in (by_name, by_mapping):
        (axis,) = exp.futures.axes
        assert axis.values[0] == spec.min and axis.values[-1] == spec.max
        assert len(axis.values) == len(spec.grid())
    assert by_name.hash == by_mapping.hash


def test_choice_and_bool_default_to_all_options(tmp_path, korea):
    exp = experiment(tmp_path, "policies: {vary: [partnership_review]}\n")
    assert exp.policies.axes[0].values == korea.parameters["partnership_review"].options


def test_hash_ignores_comments_but_not_meaning(tmp_path):
    a = experiment(tmp_path, "futures: {vary: [network_effect]}\n")
    b = experiment(tmp_path, "# a comment\nfutures:\n  vary: [network_effect]\n")
    c = experiment(tmp_path, "futures: {vary: [network_effect]}\nseed: 9\n")
    assert a.hash == b.hash != c.hash


@pytest.mark.parametrize(
    "body, where, words",
    [
        ("futures: {vary: [network_efect]}\n", "futures.vary[0]", "did you mean 'network_effect'"),
        ("futures:\n  vary:\n    network_effect: {min: 0, max: 9}\n", ":4: futures.vary.network_effect.max", "outside"),
        ("futures: {vary: [sovereign_ai_budget_krw_bn]}\n", "futures.vary[0]", "vary it under policies"),
        ("policies: {vary: [network_effect]}\n", "policies.vary[0]", "vary it under futures"),
        (
            "futures: {vary: {network_effect: {distribution: normal}}}\n",
            "futures.vary.network_effect.distribution",
            "sampled design",
        ),
        ("futures: {design: latin_hypercube, vary: [network_effect]}\n", ":2: futures", "needs points"),
        ("futures: {vary: [network_effect]}\nreplications: 0\n", ":3: replications", "from 1"),
        ("futures: {design: monte_carlo, points: 0, vary: [network_effect]}\n", "futures.points", "from 1"),
        ("futures: {vary: []}\n", "futures.vary", "at least one"),
        ("futures: {vary: {network_effect: 0.3}}\n", "futures.vary.network_effect", "does not vary; fix it under set:"),
        ("futures: {vary: [network_effect]}\nkeep: all\n", "keep", "every_quarter"),
        ("futures: {vary: [network_effect]}\nreplicatons: 2\n", "replicatons", "did you mean 'replications'"),
        (
            "futures: {vary: {network_effect: {values: [0.1, 7]}}}\n",
            "futures.vary.network_effect.values[1]",
            "from 0 to 1.5",
        ),
        ("policies: {vary: {partnership_review: {min: 0}}}\n", "partnership_review.min", "values:"),
        ("seed: 3\n", "exp.yaml", "nothing varies"),
        (
            "set: {network_effect: 0.2}\nfutures: {vary: [network_effect]}\n",
            "futures.vary.network_effect",
            "both fixed",
        ),
        ("set: {netwrk_effect: 0.2}\nfutures: {vary: [foreign_trust]}\n", ":2: set.netwrk_effect", "did you mean"),
    ],
)
def test_bad_experiment_files_name_file_path_and_line(tmp_path, body, where, words):
    with pytest.raises(ExperimentError) as info:
        experiment(tmp_path, body)
    text = str(info.value)
    assert "exp.yaml" in text and where in text and words in text, text


def test_unknown_scenario_is_reported_at_the_scenario_key(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text("scenario: korea-2052\nfutures: {vary: [network_effect]}\n", encoding="utf-8")
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert "e.yaml:1: scenario" in str(info.value) and "korea-2025" in str(info.value)


def test_scenario_path_is_relative_to_the_experiment_file():
    exp = load_experiment(DATA / "small.yaml")
    assert exp.scenario.name == "tiny-korea"


# ---------------------------------------------------------------------- design
def test_grid_crosses_policies_with_futures(tmp_path):
    exp = experiment(
        tmp_path,
        """
        policies:
          vary:
            sovereign_ai_budget_krw_bn: {min: 0, max: 1000, step: 500}
            partnership_review: {}
        futures:
          vary: {network_effect: [0.1, 0.5]}
        replications: 3
        """,
    )
    design = make_design(exp)
    assert (len(design.policies), len(design.futures)) == (9, 2)
    assert design.total_runs == exp.total_runs == 54
    runs = list(design.runs())
    assert [r.run_id for r in runs] == list(range(54))
    combos = {
        (r.values["sovereign_ai_budget_krw_bn"], r.values["partnership_review"], r.values["network_effect"])
        for r in runs
    }
    assert len(combos) == 18
    assert {r.replication for r in runs} == {0, 1, 2}
    assert design.run(17) == runs[17]


@pytest.mark.parametrize("kind", ["latin_hypercube", "monte_carlo"])
def test_sampled_designs_count_bounds_and_reproducibility(tmp_path, kind):
    body = f"""
        futures:
          design: {kind}
          points: 40
          vary:
            network_effect: {{min: 0.2, max: 0.9}}
            foreign_trust: {{distribution: normal, mean: 0, sd: 0.5}}
        """
    exp = experiment(tmp_path, body)
    points = block_points(exp.futures, exp.seed)
    assert len(points) == 40
    effect = np.array([p["network_effect"] for p in points])
    trust = np.array([p["foreign_trust"] for p in points])
    assert effect.min() >= 0.2 and effect.max() <= 0.9
    assert trust.min() >= -1 and trust.max() <= 1
    assert points == block_points(exp.futures, exp.seed)
    assert points != block_points(exp.futures, exp.seed + 1)
    if kind == "latin_hypercube":
        # exactly one point in each of the 40 equal-width strata
        strata = np.floor((effect - 0.2) / 0.7 * 40).clip(0, 39)
        assert sorted(strata) == list(range(40))


def test_integer_and_stepped_sampling_stays_on_the_grid(tmp_path):
    exp = experiment(
        tmp_path,
        """
        policies:
          design: monte_carlo
          points: 30
          vary:
            act_grace_quarters: {}
            sovereign_ai_budget_krw_bn: {min: 0, max: 1000, step: 250}
        """,
    )
    for point in block_points(exp.policies, exp.seed):
        assert isinstance(point["act_grace_quarters"], int) and 0 <= point["act_grace_quarters"] <= 12
        assert point["sovereign_ai_budget_krw_bn"] in (0, 250, 500, 750, 1000)


def test_seeds_derive_from_the_root_seed():
    assert run_seed(1, 0, 2) == run_seed(1, 5, 2)  # common random numbers across points
    assert run_seed(1, 0, 2) != run_seed(1, 0, 3)
    assert run_seed(1, 0, 2, "independent") != run_seed(1, 5, 2, "independent")
    assert run_seed(1, 0, 0) != run_seed(2, 0, 0)
    assert run_seed(1, 4, 1, "independent") == run_seed(1, 4, 1, "independent")


# ---------------------------------------------------------------------- sweeps
SMALL = """
policies:
  vary: {sovereign_ai_budget_krw_bn: [0, 800]}
futures:
  design: latin_hypercube
  points: 2
  vary: [network_effect]
replications: 2
seed: 11
keep: yearly
"""


def test_serial_sweep_writes_every_run_once_with_its_replication(tmp_path):
    exp = experiment(tmp_path, SMALL)
    store = ResultStore.create_or_resume(tmp_path / "out", exp, make_design(exp))
    report = run_sweep(exp, store, SerialExecutor(), flush_every=3)
    assert (report.ok, report.failed, report.partitions) == (8, 0, 3)
    data = store.read_results()
    assert sorted(data["run_id"].unique()) == list(range(8))
    assert len(data) == 8 * 2  # two years each
    row = data[data["run_id"] == 5].iloc[0]
    design = make_design(exp)
    spec = design.run(5)
    assert (row["replication"], row["seed"], row["network_effect"]) == (
        spec.replication,
        spec.seed,
        spec.values["network_effect"],
    )
    history = simulate_history(exp.scenario, spec.seed, dict(spec.values))
    final = data[(data["run_id"] == 5)].iloc[-1]
    assert final["market_revenue_usd_bn"] == pytest.approx(sum(r["market_revenue_usd_bn"] for r in history[-4:]))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["experiment_hash"] == exp.hash and "numpy" in manifest["versions"]
    assert (tmp_path / "out" / "experiment.yaml").read_text() == exp.text


def test_resume_does_only_the_missing_runs(tmp_path):
    exp = experiment(tmp_path, SMALL)
    design = make_design(exp)
    store = ResultStore.create_or_resume(tmp_path / "out", exp, design)
    calls = []

    class StopAfter(SerialExecutor):
        def submit(self, fn, /, *args, **kwargs):
            if len(calls) == 3:
                raise KeyboardInterrupt
            calls.append(args[2][0].run_id)
            return super().submit(fn, *args, **kwargs)

    first = run_sweep(exp, store, StopAfter(), flush_every=100)
    assert first.interrupted and first.ok == 3
    store = ResultStore.create_or_resume(tmp_path / "out", exp, design)
    second = run_sweep(exp, store, SerialExecutor())
    assert (second.already_done, second.ok) == (3, 5)
    assert sorted(store.read_results()["run_id"].unique()) == list(range(8))
    assert store.read_results().groupby("run_id").size().eq(2).all()


def test_uncommitted_partition_is_discarded_on_resume(tmp_path):
    exp = experiment(tmp_path, SMALL)
    design = make_design(exp)
    store = ResultStore.create_or_resume(tmp_path / "out", exp, design)
    run_sweep(exp, store, SerialExecutor(), flush_every=4)
    record = sorted((tmp_path / "out" / "commits").glob("*.json"))[-1]
    record.unlink()  # as if killed between writing the data and its commit record
    store = ResultStore.create_or_resume(tmp_path / "out", exp, design)
    assert len(store.status()[0]) == 4
    report = run_sweep(exp, store, SerialExecutor())
    assert report.ok == 4
    assert store.read_results().groupby("run_id").size().eq(2).all()


def failing_simulate(scenario, seed, values):
    if values["sovereign_ai_budget_krw_bn"] > 0 and seed == run_seed(11, 0, 1):
        raise ValueError("model blew up")
    return simulate_history(scenario, seed, values)


@pytest.mark.parametrize("executor_type", [SerialExecutor, lambda: ThreadPoolExecutor(2)])
def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, executor_type):
    exp = experiment(tmp_path, SMALL)
    store = ResultStore.create_or_resume(tmp_path / "out", exp, make_design(exp))
    with executor_type() as executor:
        report = run_sweep(exp, store, executor, simulate=failing_simulate, workers=2)
    assert (report.ok, report.failed) == (6, 2)
    errors = store.errors()
    assert sorted(errors["run_id"]) == [5, 7]
    assert errors["error"].str.contains("ValueError: model blew up").all()
    assert sorted(store.read_results()["run_id"].unique()) == [0, 1, 2, 3, 4, 6]
    # a rerun does not retry failures unless asked
    assert run_sweep(exp, store, SerialExecutor()).done == 0
    again = run_sweep(exp, store, SerialExecutor(), retry_failed=True)
    assert (again.ok, again.failed) == (2, 0)
    assert store.errors().empty and sorted(store.read_results()["run_id"].unique()) == list(range(8))


def lose_worker():
    raise OSError("worker lost")


def test_task_that_raises_outside_the_run_is_recorded(tmp_path):
    exp = experiment(tmp_path, SMALL)
    store = ResultStore.create_or_resume(tmp_path / "out", exp, make_design(exp))

    class Flaky(SerialExecutor):
        def submit(self, fn, /, *args, **kwargs):
            if args[2][0].run_id == 2:
                return super().submit(lose_worker)
            return super().submit(fn, *args, **kwargs)

    report = run_sweep(exp, store, Flaky(), chunk=2)
    assert report.failed == 2 and set(report.errors) == {2, 3}
    assert "OSError: worker lost" in report.errors[2]


def test_process_backend_matches_serial_results(tmp_path):
    exp = experiment(tmp_path, SMALL)
    design = make_design(exp)
    serial = ResultStore.create_or_resume(tmp_path / "serial", exp, design)
    run_sweep(exp, serial, SerialExecutor())
    parallel = ResultStore.create_or_resume(tmp_path / "process", exp, design)
    with open_executor("process", workers=2) as executor:
        run_sweep(exp, parallel, executor, workers=2, flush_every=2)
    a, b = serial.read_results(), parallel.read_results()
    assert a.equals(b)


def test_folder_of_another_experiment_is_refused(tmp_path):
    exp = experiment(tmp_path, SMALL)
    ResultStore.create_or_resume(tmp_path / "out", exp, make_design(exp))
    other = experiment_from_text(
        f"scenario: {TINY.name}\n" + SMALL.replace("seed: 11", "seed: 12"), "other.yaml", base_dir=tmp_path
    )
    with pytest.raises(ExperimentError, match="another experiment"):
        ResultStore.create_or_resume(tmp_path / "out", other, make_design(other))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("hi")
    with pytest.raises(OutputError, match="holds no sweep"):
        ResultStore.create_or_resume(tmp_path / "full", exp, make_design(exp))


# ---------------------------------------------------------------------- analysis
def test_analysis_summarises_points_and_writes_charts(tmp_path):
    from sim.experiments.analysis import analyze_folder

    exp = experiment(tmp_path, SMALL)
    store = ResultStore.create_or_resume(tmp_path / "out", exp, make_design(exp))
    run_sweep(exp, store, SerialExecutor())
    result = analyze_folder(tmp_path / "out", x="hhi", y="capability_gap")
    summary = result.summary
    assert summary["point"].nunique() == 4 and (summary["runs"] == 2).all()
    assert (summary["p05"] <= summary["mean"] + 1e-9).all() and (summary["mean"] <= summary["p95"] + 1e-9).all()
    spend = summary[(summary["metric"] == "public_spend_krw_bn")].groupby("sovereign_ai_budget_krw_bn")["mean"].mean()
    assert spend[800.0] > spend[0.0]
    top = result.sensitivity[
        (result.sensitivity["metric"] == "public_spend_krw_bn") & (result.sensitivity["rank"] == 1)
    ]
    assert top["parameter"].item() == "sovereign_ai_budget_krw_bn"
    assert (tmp_path / "out" / "analysis" / "summary.csv").exists()
    pytest.importorskip("matplotlib")
    for name in ("fan-charts.png", "tornado.png", "tradeoff.png"):
        assert (tmp_path / "out" / "analysis" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_yearly_rows_of_a_run_match_the_core_yearly_aggregation(small_korea):
    import pandas as pd

    from sim.core.stats import yearly_rows as aggregate_years
    from sim.runner import yearly

    history = simulate_history(small_korea, 3, {})[:10]
    ours = pd.DataFrame(aggregate_years(history))
    core = yearly(pd.DataFrame([{"seed": 3, **row} for row in history])).drop(columns=["seed"])
    pd.testing.assert_frame_equal(ours[core.columns], core, check_dtype=False, rtol=1e-12)


def test_changed_experiment_is_refused_with_a_hint(tmp_path):
    exp = experiment(tmp_path, SMALL)
    ResultStore.create_or_resume(tmp_path / "out", exp, make_design(exp))
    changed = experiment(tmp_path, SMALL.replace("replications: 2", "replications: 3"))
    assert changed.name == exp.name
    with pytest.raises(ExperimentError, match="'exp' or its scenario has changed"):
        ResultStore.create_or_resume(tmp_path / "out", changed, make_design(changed))


def test_every_quarter_results_analyse_like_yearly_ones(tmp_path):
    from sim.experiments.analysis import final_year_rows, per_run_years

    finals = {}
    for keep in ("every_quarter", "yearly", "final_year"):
        exp = experiment(tmp_path, SMALL.replace("keep: yearly", f"keep: {keep}"))
        store = ResultStore.create_or_resume(tmp_path / keep, exp, make_design(exp))
        run_sweep(exp, store, SerialExecutor())
        data = store.read_results()
        assert len(data) == 8 * {"every_quarter": 8, "yearly": 2, "final_year": 1}[keep]
        finals[keep] = final_year_rows(per_run_years(data, keep)).set_index("run_id").sort_index()
    for keep in ("every_quarter", "final_year"):
        for metric in ("market_revenue_usd_bn", "hhi", "active_firms", "budget_left_krw_bn"):
            assert np.allclose(finals[keep][metric], finals["yearly"][metric], rtol=1e-12), (keep, metric)


def test_csv_partitions_without_pyarrow_give_the_same_results(tmp_path, monkeypatch):
    import sim.experiments.store as store_module

    exp = experiment(tmp_path, SMALL)
    parquet = ResultStore.create_or_resume(tmp_path / "parquet", exp, make_design(exp))
    run_sweep(exp, parquet, SerialExecutor())
    monkeypatch.setattr(store_module, "parquet_available", lambda: False)
    csv = ResultStore.create_or_resume(tmp_path / "csv", exp, make_design(exp))
    run_sweep(exp, csv, SerialExecutor(), flush_every=3)
    assert csv.manifest["format"] == "csv" and list((tmp_path / "csv" / "parts").glob("*.csv"))
    a, b = csv.read_results(), parquet.read_results()
    pd.testing.assert_frame_equal(a, b[a.columns], check_dtype=False, rtol=0, atol=0)


def test_a_sweep_run_records_only_its_quarter_rows_and_they_are_a_full_runs(small_korea, monkeypatch):
    """Sweeps read the quarter rows only, so their runs skip firm rows and explanations: the same rows."""
    from sim.model.model import AIMarketModel

    values = {"network_effect": 0.4}
    full = AIMarketModel(small_korea, seed=2, values=values).run()
    assert full.firm_history and full.drivers  # a plain run records them
    swept = []
    plain_run = AIMarketModel.run
    monkeypatch.setattr(AIMarketModel, "run", lambda model: swept.append(model) or plain_run(model))
    assert simulate_history(small_korea, 2, values) == full.history
    assert not swept[0].firm_history and not swept[0].drivers
