"""Versions of Python and the packages that shape results (recorded in run folders).

Kept apart from the runner so that recording versions does not import the model.
"""

from __future__ import annotations

import platform
from importlib import metadata

PACKAGES = (
    "aisim",
    "mesa",
    "numpy",
    "pandas",
    "pyyaml",
    "pygame-ce",
    "pygame-gui",
    "pyarrow",
    "dask",
    "distributed",
    "matplotlib",
)


def package_versions() -> dict[str, str]:
    """``{"python": ..., package: version}`` for the installed packages of :data:`PACKAGES`."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out
