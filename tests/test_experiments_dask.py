"""The Dask distributed backend on a local cluster: same results as the serial backend."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.experiments.backends import SerialExecutor, dask_client
from sim.experiments.design import make_design
from sim.experiments.runner import run_sweep
from sim.experiments.spec import experiment_from_text
from sim.experiments.store import ResultStore

pytest.importorskip("dask.distributed")

TINY = (Path(__file__).parent / "data" / "experiments" / "tiny-korea.yaml").resolve()
TEXT = f"""
scenario: {TINY.name}
policies: {{vary: {{partnership_review: [allow, block]}}}}
futures: {{design: latin_hypercube, points: 3, vary: [network_effect]}}
replications: 1
seed: 4
keep: final_year
"""


def test_dask_local_cluster_gives_the_same_results_as_serial(tmp_path):
    experiment = experiment_from_text(TEXT, "dask.yaml", base_dir=TINY.parent)
    design = make_design(experiment)
    serial = ResultStore.create_or_resume(tmp_path / "serial", experiment, design)
    run_sweep(experiment, serial, SerialExecutor())
    distributed = ResultStore.create_or_resume(tmp_path / "dask", experiment, design)
    with dask_client(workers=2) as client:  # worker processes: real pickling
        executor = client.get_executor()
        report = run_sweep(experiment, distributed, executor, workers=2, flush_every=2)
        assert len(client.scheduler_info()["workers"]) == 2
    assert (report.ok, report.failed, report.partitions) == (6, 0, 3)
    assert serial.read_results().equals(distributed.read_results())


def test_cli_dask_backend(tmp_path, capsys):
    from sim.cli import main

    (tmp_path / "e.yaml").write_text(TEXT, encoding="utf-8")
    shutil.copy(TINY, tmp_path / TINY.name)  # a file names its scenario beside it (issue 10)
    code = main(
        ["sweep", str(tmp_path / "e.yaml"), "--backend", "dask", "--workers", "1", "--out", str(tmp_path / "o")]
    )
    assert code == 0, capsys.readouterr().err
    store = ResultStore.open(tmp_path / "o")
    assert sorted(store.status()[0]) == list(range(6))
