"""Bundled data: the scenarios, experiments and lessons shipped with aisim.

They live at the top of the repository (``scenarios/``, ``experiments/``, ``lessons/``).
The build maps each folder into this package (``sim.bundled.scenarios`` and so on;
see ``setup.py``), so an installed wheel finds them with :mod:`importlib.resources`.
A source checkout (plain or installed with ``pip install -e``) uses the folders at the
top of the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

KINDS = ("scenarios", "experiments", "lessons")
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def folder(kind: str) -> Path:
    """The folder holding the bundled ``kind`` (one of :data:`KINDS`).

    The packaged copy when aisim is installed from a wheel, else the repository's folder.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of bundled data {kind!r}; expected one of {', '.join(KINDS)}")
    packaged = resources.files(__name__) / kind
    source = _SOURCE_ROOT / kind
    if packaged.is_dir() or not source.is_dir():
        return Path(str(packaged))
    return source


def files(kind: str, suffix: str = ".yaml") -> list[Path]:
    """The bundled files of ``kind`` ending in ``suffix``, sorted by name."""
    return sorted(path for path in folder(kind).glob(f"*{suffix}") if path.is_file())


def find(kind: str, name: str, suffix: str = ".yaml") -> Path | None:
    """The bundled file ``name`` (without its suffix) of ``kind``, or None if there is none."""
    path = folder(kind) / f"{name}{suffix}"
    return path if path.is_file() else None
