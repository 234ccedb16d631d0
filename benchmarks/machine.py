"""What a benchmark ran on, printed beside its figures: the interpreter and the machine's load.

Both move the figures. The model's per-quarter work is mostly Python, and so is all of the
BoltzmannWealth reference. On the development machine, a CPython built with profile-guided and
link-time optimisation, as distributions and python.org ship it, cost 15 % less CPU per preview run
than pyenv's default build. It also moved bench_core's ratio from about 93x to about 71x, because
the pure-Python reference gains more. Details: docs/benchmarks.md, "Which Python".
"""

from __future__ import annotations

import os
import platform
import sys


def interpreter_text() -> str:
    """The Python that runs the benchmark: implementation, version, where it lives, whether libpython is shared."""
    shared = _libpython_mapped()
    linked = "" if shared is None else (", shared libpython" if shared else ", libpython built in")
    return f"{platform.python_implementation()} {platform.python_version()} ({sys.base_prefix}{linked})"


def _libpython_mapped() -> bool | None:
    """Whether a shared libpython is loaded in this process (Linux only; None where unknown)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            return any("libpython" in line for line in maps)
    except OSError:
        return None


def load_text() -> str:
    """The machine's load averages and core count (benchmarks on a shared machine vary with it)."""
    try:
        one, five, _ = os.getloadavg()
    except (AttributeError, OSError):
        return f"load unknown on {os.cpu_count()} cores"
    return f"load {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


def machine_text() -> str:
    """One line: the interpreter, then the load."""
    return f"{interpreter_text()}; {load_text()}"
