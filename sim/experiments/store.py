"""The result folder of a sweep: partitions written atomically, a manifest, resume.

Layout::

    DIR/manifest.json        experiment name and hash, scenario hash, versions, format
    DIR/experiment.yaml      the experiment file as given
    DIR/scenario.json        the resolved scenario
    DIR/design.csv           one row per design point (policy, future, varied values)
    DIR/parts/part-000001.parquet   result rows of some runs (CSV where pyarrow is missing)
    DIR/parts/part-000001.json      its commit record: run ids done and failed (with errors)

A partition counts only once its ``.json`` commit record exists; both files are
written to a temporary name and moved into place with :func:`os.replace`, data
first. Data files without a record (a crash between the two) are removed on
resume, so every run id appears exactly once.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ExperimentError, OutputError
from sim.experiments.design import Design
from sim.experiments.spec import Experiment
from sim.versions import package_versions

MANIFEST = "manifest.json"
PARTS = "parts"


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class ResultStore:
    """A sweep's output folder. Use :meth:`create_or_resume` to open one for writing."""

    def __init__(self, root: Path, manifest: Mapping[str, Any]):
        self.root = Path(root)
        self.manifest = dict(manifest)
        self.format = self.manifest.get("format", "csv")
        self._next_part = 1 + max((self._part_number(p) for p in self._records()), default=0)

    # ------------------------------------------------------------------ opening
    @classmethod
    def check_folder(cls, root: Path, experiment: Experiment) -> ResultStore | None:
        """Check that ``root`` can take ``experiment``'s results, writing nothing.

        Returns the store when it already holds this experiment (to resume), None when it
        is new or empty. Raises :class:`ExperimentError` if it holds another experiment and
        :class:`OutputError` if it is not a usable folder.
        """
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise OutputError("exists and is not a folder", file=str(root))
        if (root / MANIFEST).exists():
            store = cls.open(root)
            if store.manifest.get("experiment_hash") != experiment.hash:
                held = store.manifest.get("experiment", "?")
                old_hash = str(store.manifest.get("experiment_hash"))[:12]
                if held == experiment.name:
                    message = (
                        f"experiment {held!r} or its scenario has changed since these results were written "
                        f"(hash {old_hash}, now {experiment.hash[:12]}); choose another --out or restore the files"
                    )
                else:
                    message = (
                        f"this folder holds results of another experiment ({held!r}, hash {old_hash}), "
                        f"not of {experiment.name!r} (hash {experiment.hash[:12]}); choose another --out"
                    )
                raise ExperimentError(message, file=str(root))
            return store
        if root.is_dir() and any(root.iterdir()):
            raise OutputError(
                "folder exists, is not empty and holds no sweep (no manifest.json); choose another --out",
                file=str(root),
            )
        probe = root
        while not probe.exists():
            probe = probe.parent
        if not os.access(probe, os.W_OK | os.X_OK):
            raise OutputError("cannot write here (permission denied)", file=str(root))
        return None

    @classmethod
    def create_or_resume(cls, root: Path, experiment: Experiment, design: Design) -> ResultStore:
        """Open ``root`` for ``experiment``: create it, or resume it if it holds the same experiment.

        Raises :class:`ExperimentError` if it holds another experiment, and
        :class:`OutputError` if it is not a usable folder.
        """
        root = Path(root)
        existing = cls.check_folder(root, experiment)
        if existing is not None:
            existing.clean()
            return existing
        try:
            (root / PARTS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create output folder ({exc.strerror})", file=str(root)) from None
        manifest = {
            "schema": "aisim/sweep-1",
            "experiment": experiment.name,
            "experiment_hash": experiment.hash,
            "experiment_file": experiment.file,
            "scenario": experiment.scenario.name,
            "scenario_hash": experiment.scenario.content_hash,
            "policies": len(design.policies),
            "futures": len(design.futures),
            "replications": experiment.replications,
            "total_runs": design.total_runs,
            "varied": {
                axis.name: {"kind": axis.spec.kind, "type": axis.spec.type, "discrete": axis.values is not None}
                for axis in experiment.axes
            },
            "fixed": dict(experiment.fixed),
            "seed": experiment.seed,
            "seeding": experiment.seeding,
            "keep": experiment.keep,
            "format": "parquet" if parquet_available() else "csv",
            "versions": package_versions(),
            "created": datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        try:
            atomic_write_text(root / "experiment.yaml", experiment.text)
            atomic_write_text(root / "scenario.json", experiment.scenario.document_text() + "\n")
            design_csv = pd.DataFrame(design.table()).to_csv(index=False, float_format="%.12g")
            atomic_write_text(root / "design.csv", design_csv)
            # the manifest last: a folder without it is not a sweep yet
            atomic_write_text(root / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise OutputError(f"cannot write output ({exc.strerror})", file=str(root)) from None
        return cls(root, manifest)

    @classmethod
    def open(cls, root: Path) -> ResultStore:
        """Open an existing result folder for reading."""
        root = Path(root)
        path = root / MANIFEST
        if not root.is_dir():
            raise ExperimentError("no such result folder", file=str(root))
        if not path.exists():
            raise ExperimentError("not a sweep result folder (no manifest.json)", file=str(root))
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ExperimentError(f"manifest.json is unreadable ({exc})", file=str(root)) from None
        if not isinstance(manifest, dict) or manifest.get("schema") != "aisim/sweep-1":
            raise ExperimentError("manifest.json is not an aisim sweep manifest", file=str(root))
        return cls(root, manifest)

    # ------------------------------------------------------------------ partitions
    @property
    def parts(self) -> Path:
        return self.root / PARTS

    def _records(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.json")) if self.parts.is_dir() else []

    @staticmethod
    def _part_number(path: Path) -> int:
        return int(path.name.split(".")[0].split("-")[1])

    def clean(self) -> None:
        """Remove temporary files and data files whose commit record is missing."""
        committed = {p.name.split(".")[0] for p in self._records()}
        for path in self.parts.iterdir():
            if path.name.startswith(".") or (
                path.suffix in (".parquet", ".csv") and path.name.split(".")[0] not in committed
            ):
                path.unlink(missing_ok=True)

    def _read_records(self) -> list[dict]:
        out = []
        for path in self._records():
            out.append(json.loads(path.read_text(encoding="utf-8")))
        return out

    def status(self) -> tuple[set[int], dict[int, str]]:
        """Run ids finished without error, and failed run ids with their errors (a later success wins)."""
        ok: set[int] = set()
        failed: dict[int, str] = {}
        for record in self._read_records():
            ok.update(record["ok"])
            failed.update({int(k): v for k, v in record["failed"].items()})
        for run_id in ok:
            failed.pop(run_id, None)
        return ok, failed

    def write_partition(self, rows: list[dict], ok: Iterable[int], failed: Mapping[int, str]) -> Path:
        """Commit one partition: its rows (may be empty when all runs failed) and its record."""
        name = f"part-{self._next_part:06d}"
        self._next_part += 1
        data_file = None
        if rows:
            frame = pd.DataFrame(rows)
            data_file = self.parts / f"{name}.{'parquet' if self.format == 'parquet' else 'csv'}"
            fd, tmp = tempfile.mkstemp(prefix=f".{data_file.name}.", suffix=".tmp", dir=self.parts)
            os.close(fd)
            try:
                if self.format == "parquet":
                    frame.to_parquet(tmp, index=False)
                else:
                    frame.to_csv(tmp, index=False, float_format="%.17g")
                os.replace(tmp, data_file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        record = {
            "ok": sorted(int(i) for i in ok),
            "failed": {str(k): v for k, v in sorted(failed.items())},
            "data": data_file.name if data_file else None,
            "rows": len(rows),
            "written": datetime.now().isoformat(timespec="seconds"),
        }
        atomic_write_text(self.parts / f"{name}.json", json.dumps(record) + "\n")
        return self.parts / f"{name}.json"

    # ------------------------------------------------------------------ reading
    def read_results(self) -> pd.DataFrame:
        """All committed result rows, sorted by run id (and time), without superseded duplicates."""
        frames = []
        for record in self._read_records():
            if not record.get("data"):
                continue
            path = self.parts / record["data"]
            frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
            frames.append(frame)
        if not frames:
            return pd.DataFrame()
        data = pd.concat(frames, ignore_index=True)
        order = ["run_id"] + [c for c in ("year", "quarter") if c in data.columns]
        return data.sort_values(order, kind="stable").reset_index(drop=True)

    def read_design(self) -> pd.DataFrame:
        return pd.read_csv(self.root / "design.csv")

    def errors(self) -> pd.DataFrame:
        """Failed runs: run id and error text."""
        _, failed = self.status()
        return pd.DataFrame({"run_id": list(failed), "error": list(failed.values())}, columns=["run_id", "error"])
