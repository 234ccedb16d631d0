"""The generated scenario reference matches the code; the README's set-up commands are true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scenario_reference_is_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "update_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_readme_setup_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./run.sh" in readme and "./test.sh" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./test.sh" in ci
    for script in ("run.sh", "test.sh", "scripts/bootstrap.sh", ".ci/run"):
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"


def test_readme_is_a_guide_not_a_reference():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    assert "CALIBRATION.md" not in readme
    for doc in ("scenario-reference.md", "experiments.md", "benchmarks.md"):
        assert f"docs/{doc}" in readme and (ROOT / "docs" / doc).exists()
