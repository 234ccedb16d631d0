"""Bundled scenarios, experiments and lessons are found through sim.bundled (importlib.resources in a wheel)."""

from __future__ import annotations

import pytest

from sim import bundled
from sim.cli import main
from sim.experiments.spec import load_experiment, resolve_experiment_path
from sim.scenario import bundled_scenarios, resolve_scenario_path


def test_every_kind_has_a_folder():
    for kind in bundled.KINDS:
        assert bundled.folder(kind).is_dir(), kind
    with pytest.raises(ValueError, match="unknown kind"):
        bundled.folder("recipes")


def test_bundled_names_resolve():
    names = [path.stem for path in bundled_scenarios()]
    assert "korea-2025" in names
    assert resolve_scenario_path("korea-2025") == bundled.find("scenarios", "korea-2025")
    assert bundled.find("scenarios", "no-such") is None
    assert resolve_experiment_path("quick-look") == bundled.find("experiments", "quick-look")
    assert load_experiment("quick-look").name == "quick-look"


def test_scenarios_lists_every_bundled_scenario(capsys):
    assert main(["scenarios"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == [path.stem for path in bundled_scenarios()]


def test_an_install_without_scenarios_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bundled, "folder", lambda kind: tmp_path)
    assert main(["scenarios"]) == 2
    assert "installation is incomplete" in capsys.readouterr().err


def test_unknown_experiment_name_suggests(capsys):
    assert main(["sweep", "quick-lok", "--dry-run"]) == 2
    assert "did you mean 'quick-look'" in capsys.readouterr().err
