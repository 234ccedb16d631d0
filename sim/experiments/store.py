"""The result folder of a sweep: partitions written atomically, a manifest, a lock, resume.

Layout::

    DIR/manifest.json        experiment name and hash, scenario hash, versions, format
    DIR/experiment.yaml      the experiment file as given
    DIR/scenario.json        the resolved scenario
    DIR/design.csv           one row per design point (policy, future, varied values)
    DIR/parts/part-000001.parquet   result rows of some runs (CSV where pyarrow is missing)
    DIR/commits/part-000001.json    its commit record: run ids done and failed (with errors)
    DIR/.aisim-lock          held by the sweep writing into the folder (pid and host inside)

``parts/`` holds nothing but data files, so pandas, polars and DuckDB read it as one
Parquet dataset. A partition counts only once its commit record exists; both files are
written to a temporary name and moved into place, data first. On resume, data files
without a record (a crash between the two) are removed, and records that are corrupt or
whose data file is gone are set aside (renamed ``commits/.corrupt-*``) so their runs are
done again: every run id appears exactly once. Folders written before commit records moved
out of ``parts/`` are still read.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.files import (
    LOCK_NAME,
    FolderLock,
    atomic_write,
    check_output_folder,
    folder_write_problem,
    read_user_bytes,
)
from sim.core.files import atomic_write_text as _atomic_write_text
from sim.core.tables import to_csv_text
from sim.errors import ExperimentError, OutputError
from sim.experiments.design import Design
from sim.experiments.spec import Experiment
from sim.versions import package_versions

MANIFEST = "manifest.json"
PARTS = "parts"
COMMITS = "commits"
RECORD_NAME = re.compile(r"part-([0-9]{6,9})\.json", re.ASCII)
DATA_NAME = re.compile(r"part-([0-9]{6,9})\.(parquet|csv)", re.ASCII)
# What a sweep writes while creating its folder, before the manifest: a folder holding only
# these (and no manifest) is a sweep killed while being created, which may be started again.
CREATION_FILES = {"experiment.yaml", "scenario.json", "design.csv", PARTS, COMMITS, LOCK_NAME}
MAX_RECORD_BYTES = 50_000_000


def parquet_available() -> bool:
    """Whether pyarrow is installed (results as Parquet rather than CSV)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one."""
    atomic_write(path, data)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`sim.core.files.atomic_write`)."""
    _atomic_write_text(path, text)


class CorruptRecord(ExperimentError):
    """A commit record that is unreadable, or names a data file that is missing or invalid."""


def interrupted_creation(root: Path) -> bool:
    """True if ``root`` is a sweep folder killed while being created (no manifest, only creation files)."""
    if not root.is_dir() or (root / MANIFEST).exists():
        return False
    names = {p.name for p in root.iterdir()}
    if not names or not names <= CREATION_FILES:
        return False
    if (root / PARTS).is_dir() and any(not p.name.startswith(".") for p in (root / PARTS).iterdir()):
        return False  # data without a manifest: not ours to remove
    return not ((root / COMMITS).is_dir() and any((root / COMMITS).iterdir()))


def remove_interrupted_creation(root: Path) -> None:
    """Remove what a sweep killed while creating ``root`` left (see :func:`interrupted_creation`)."""
    import shutil

    for name in CREATION_FILES - {LOCK_NAME}:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def lock_folder(root: Path) -> FolderLock:
    """Create ``root`` if needed and take its lock; a second sweep into it exits 2 naming the holder.

    Release with ``.release()`` (or use it as a context manager). A lock left by a killed
    sweep is taken over.
    """
    root = Path(root)
    check_output_folder(root, allow_existing=lambda folder: True)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder ({exc.strerror or exc})", file=str(root)) from None
    return FolderLock(root).acquire()


def manifest_problem(manifest: dict) -> str | None:
    """What is wrong with the fields of a sweep manifest that reading it relies on, or None."""
    from sim.experiments.spec import KEEP
    from sim.params import KINDS

    varied = manifest.get("varied")
    if not isinstance(varied, dict):
        return "varied: expected a mapping of parameter names"
    for name, info in varied.items():
        if not isinstance(info, dict) or info.get("kind") not in KINDS or not isinstance(info.get("type"), str):
            return f"varied.{name}: expected its kind ({', '.join(KINDS)}) and type"
    if manifest.get("keep") not in KEEP:
        return f"keep: expected one of {', '.join(KEEP)}, got {manifest.get('keep')!r}"
    if manifest.get("format", "csv") not in ("parquet", "csv"):
        return f"format: expected parquet or csv, got {manifest.get('format')!r}"
    total = manifest.get("total_runs", 0)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        return f"total_runs: expected a whole number, got {total!r}"
    return None


class ResultStore:
    """A sweep's output folder. Use :meth:`create_or_resume` to open one for writing."""

    def __init__(self, root: Path, manifest: Mapping[str, Any]):
        self.root = Path(root)
        self.manifest = dict(manifest)
        self.format = self.manifest.get("format", "csv")
        self.repaired: list[str] = []
        # what this object committed: a repeated flush must not record it again (see write_partition)
        self._written_ok: set[int] = set()
        self._written_failed: dict[int, str] = {}
        numbers = [self._part_number(p) for p in self._records(all_names=True)]
        if self.parts.is_dir():
            numbers += [int(m.group(1)) for p in self.parts.iterdir() if (m := DATA_NAME.fullmatch(p.name))]
        self._next_part = 1 + max(numbers, default=0)

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
        if interrupted_creation(root):
            return None  # killed while being created: create_or_resume starts it again
        if root.is_dir() and any(p.name != LOCK_NAME for p in root.iterdir()):
            raise OutputError(
                "folder exists, is not empty and holds no sweep (no manifest.json); choose another --out",
                file=str(root),
            )
        problem = folder_write_problem(root)
        if problem:
            raise OutputError(problem, file=str(root))
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
            existing.repaired = existing.repair()
            existing.clean()
            return existing
        if interrupted_creation(root):
            remove_interrupted_creation(root)
        try:
            (root / PARTS).mkdir(parents=True, exist_ok=True)
            (root / COMMITS).mkdir(parents=True, exist_ok=True)
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
            "layout": COMMITS,
            "versions": package_versions(),
            "created": datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        try:
            atomic_write_text(root / "experiment.yaml", experiment.text)
            atomic_write_text(root / "scenario.json", experiment.scenario.document_text() + "\n")
            design_csv = to_csv_text(pd.DataFrame(design.table()), digits=12)
            atomic_write_text(root / "design.csv", design_csv)
            # the manifest last: a folder without it is not a sweep yet
            atomic_write_text(root / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise OutputError(f"cannot write output ({exc.strerror})", file=str(root)) from None
        return cls(root, manifest)

    @classmethod
    def open(cls, root: Path) -> ResultStore:
        """Open an existing result folder for reading."""
        from sim.core.arguments import path_arg

        root = path_arg(root, "result folder", ExperimentError)
        path = root / MANIFEST
        if not root.is_dir():
            raise ExperimentError("no such result folder", file=str(root))
        if not path.exists():
            if interrupted_creation(root):
                raise ExperimentError(
                    "this sweep was killed while its folder was being created (no manifest.json); "
                    "run the same `aisim sweep` command again to start it",
                    file=str(root),
                )
            raise ExperimentError("not a sweep result folder (no manifest.json)", file=str(root))
        try:
            manifest = json.loads(read_user_bytes(path, limit=MAX_RECORD_BYTES, error_type=ExperimentError))
        except (ValueError, RecursionError) as exc:
            raise ExperimentError(f"manifest.json is unreadable ({type(exc).__name__})", file=str(root)) from None
        if not isinstance(manifest, dict) or manifest.get("schema") != "aisim/sweep-1":
            raise ExperimentError("manifest.json is not an aisim sweep manifest", file=str(root))
        problem = manifest_problem(manifest)
        if problem:
            raise ExperimentError(f"manifest.json: {problem}; it was edited or damaged", file=str(root))
        return cls(root, manifest)

    # ------------------------------------------------------------------ partitions
    @property
    def parts(self) -> Path:
        """The folder of result parts (a pure Parquet or CSV dataset)."""
        return self.root / PARTS

    @property
    def commits(self) -> Path:
        """The folder of commit records (outside parts/, so parts/ reads as one dataset)."""
        return self.root / COMMITS

    def _records(self, all_names: bool = False) -> list[Path]:
        """Commit records, oldest first (``commits/``, and ``parts/`` in folders of older aisim)."""
        found = []
        for folder in (self.commits, self.parts):
            if folder.is_dir():
                found += [p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith(".")]
        if not all_names:
            found = [p for p in found if RECORD_NAME.fullmatch(p.name)]
        return sorted(found, key=lambda p: (self._part_number(p), p.parent.name))

    @staticmethod
    def _part_number(path: Path) -> int:
        match = re.match(r"part-([0-9]+)", path.name)
        return int(match.group(1)) if match else 0

    def clean(self) -> None:
        """Remove temporary files, and data files that no commit record names."""
        named = set()
        for path in self._records():
            try:
                record = self._read_record(path)
            except CorruptRecord:
                continue
            if record["data"]:
                named.add(record["data"])
        for folder in (self.parts, self.commits):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                hidden_temp = path.name.startswith(".") and not path.name.startswith(".corrupt-")
                orphan = folder == self.parts and DATA_NAME.fullmatch(path.name) and path.name not in named
                if (hidden_temp or orphan) and path.is_file():
                    path.unlink(missing_ok=True)

    def _read_record(self, path: Path) -> dict:
        """One commit record, checked: run ids, errors, and a data file name inside ``parts/``."""

        def corrupt(why: str) -> CorruptRecord:
            return CorruptRecord(why, file=str(path))

        if not RECORD_NAME.fullmatch(path.name):
            raise corrupt("a stray file among the commit records (expected part-NNNNNN.json)")
        try:
            record = json.loads(read_user_bytes(path, limit=MAX_RECORD_BYTES, error_type=ExperimentError))
        except (ValueError, RecursionError, ExperimentError):
            raise corrupt("commit record is truncated or not JSON") from None
        if not isinstance(record, dict):
            raise corrupt("commit record is not a JSON object")
        ok, failed, data = record.get("ok"), record.get("failed"), record.get("data")
        if not isinstance(ok, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ok):
            raise corrupt("commit record has no list of run ids under ok")
        if not isinstance(failed, dict) or not all(str(k).isdigit() and isinstance(v, str) for k, v in failed.items()):
            raise corrupt("commit record has no mapping of failed run ids under failed")
        if data is not None:
            match = DATA_NAME.fullmatch(data) if isinstance(data, str) else None
            if match is None or int(match.group(1)) != self._part_number(path):
                raise corrupt("commit record names a data file other than its own part (refused)")
            if not (self.parts / data).is_file():
                raise corrupt(f"the data file parts/{data} is missing")
        elif ok:
            raise corrupt("commit record lists finished runs but no data file")
        return record

    def _read_records(self) -> list[dict]:
        return [self._read_record(path) for path in self._records(all_names=True)]

    def problems(self) -> list[str]:
        """What is wrong with the commit records (empty if nothing), one sentence each."""
        out = []
        for path in self._records(all_names=True):
            try:
                self._read_record(path)
            except CorruptRecord as exc:
                out.append(str(exc))
        return out

    def repair(self) -> list[str]:
        """Set aside corrupt records and records whose data is missing or unreadable, so resume redoes their runs.

        Returns one sentence per record set aside. Called when a sweep resumes.
        """
        notes = []
        for path in self._records(all_names=True):
            try:
                record = self._read_record(path)
                if record["data"]:
                    self._check_data(self.parts / record["data"])
            except CorruptRecord as exc:
                aside = self.commits / f".corrupt-{path.name}"
                self.commits.mkdir(exist_ok=True)
                path.replace(aside)
                notes.append(f"{exc.message}: set aside as {COMMITS}/{aside.name}; its runs will be done again")
        return notes

    @staticmethod
    def _check_data(path: Path) -> None:
        """Refuse a data file that cannot be read (truncated Parquet, empty CSV)."""
        try:
            if path.suffix == ".parquet":
                import pyarrow.parquet as pq

                pq.read_metadata(path)
            elif path.stat().st_size == 0:
                raise ValueError("empty")
        except Exception:  # noqa: BLE001 - any reader error means the file is damaged
            raise CorruptRecord(f"the data file parts/{path.name} is truncated or unreadable", file=str(path)) from None

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

    def write_partition(self, rows: list[dict], ok: Iterable[int], failed: Mapping[int, str]) -> Path | None:
        """Commit one partition: its rows (may be empty when all runs failed) and its record.

        Run ids this store already committed are left out (None when nothing is left): a
        Ctrl-C that lands after a record is written but before the caller clears its buffer
        makes the caller flush the same runs again, which must not record them twice.
        """
        ok = [int(i) for i in ok if int(i) not in self._written_ok]
        failed = {
            int(k): v
            for k, v in failed.items()
            if int(k) not in self._written_ok and self._written_failed.get(int(k)) != v
        }
        if not ok and not failed:
            return None
        keep = set(ok)
        rows = [row for row in rows if row.get("run_id") in keep]
        name = f"part-{self._next_part:06d}"
        self._next_part += 1
        data_file = None
        if rows:
            frame = pd.DataFrame(rows)
            data_file = self.parts / f"{name}.{'parquet' if self.format == 'parquet' else 'csv'}"
            if self.format == "parquet":
                atomic_write(data_file, lambda tmp: frame.to_parquet(tmp, index=False))
            else:
                atomic_write(data_file, to_csv_text(frame, digits=17))
        record = {
            "ok": sorted(int(i) for i in ok),
            "failed": {str(k): v for k, v in sorted(failed.items())},
            "data": data_file.name if data_file else None,
            "rows": len(rows),
            "written": datetime.now().isoformat(timespec="seconds"),
        }
        self.commits.mkdir(exist_ok=True)
        path = self.commits / f"{name}.json"
        try:
            atomic_write_text(path, json.dumps(record) + "\n")
        finally:
            # a Ctrl-C can land after the record is renamed into place (while its folder is
            # synced): the runs are committed then, and the flush that follows must skip them
            if path.exists():
                self._written_ok.update(ok)
                self._written_failed.update(failed)
        return path

    # ------------------------------------------------------------------ reading
    def read_results(self, notes: list[str] | None = None) -> pd.DataFrame:
        """All committed result rows, sorted by run id (and time), each run once.

        A run id recorded by two partitions (two sweeps that wrote into one folder
        before it was locked) keeps its first partition's rows; ``notes`` gets a
        sentence saying how many were dropped. A corrupt record or data file raises
        :class:`ExperimentError` saying how to repair the folder.
        """
        frames = []
        seen: set[int] = set()
        repeated = 0
        for path in self._records(all_names=True):
            try:
                record = self._read_record(path)
            except CorruptRecord as exc:
                raise ExperimentError(
                    f"{exc.message}; run the same `aisim sweep` command again to repair the folder and redo those runs",
                    file=exc.file,
                ) from None
            if not record["data"]:
                continue
            data_path = self.parts / record["data"]
            try:
                frame = pd.read_parquet(data_path) if data_path.suffix == ".parquet" else pd.read_csv(data_path)
                if "run_id" not in frame.columns:
                    raise ValueError("no run_id column")
            except Exception:  # noqa: BLE001 - any reader error means the file is damaged
                raise ExperimentError(
                    "data file is truncated or unreadable; run the same `aisim sweep` command again "
                    "to repair the folder and redo its runs",
                    file=str(data_path),
                ) from None
            ids = set(int(i) for i in frame["run_id"].unique())
            dupes = ids & seen
            if dupes:
                repeated += len(dupes)
                frame = frame[~frame["run_id"].isin(dupes)]
            seen |= ids
            frames.append(frame)
        if repeated and notes is not None:
            notes.append(f"{repeated} run id(s) were recorded more than once; the first result of each was kept")
        if not frames:
            return pd.DataFrame()
        data = pd.concat(frames, ignore_index=True)
        order = ["run_id"] + [c for c in ("year", "quarter") if c in data.columns]
        return data.sort_values(order, kind="stable").reset_index(drop=True)

    def read_design(self) -> pd.DataFrame:
        """The sweep's design table (design.csv) as a DataFrame."""
        import io

        raw = read_user_bytes(self.root / "design.csv", limit=1_000_000_000, error_type=ExperimentError)
        return pd.read_csv(io.BytesIO(raw))

    def errors(self) -> pd.DataFrame:
        """Failed runs: run id and error text."""
        _, failed = self.status()
        return pd.DataFrame({"run_id": list(failed), "error": list(failed.values())}, columns=["run_id", "error"])
