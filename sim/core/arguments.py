"""Arguments given through the Python API, checked as the command line checks its options.

A notebook or a script passes seeds, seed lists, worker counts, years and mappings of values
directly; each is read here, so every entry point (``sim.run``, ``sim.build``, ``sim.outcomes``,
the model, the game session, Mesa's and EMA's adapters, sweeps) takes the same kinds and refuses
the rest with a :class:`~sim.errors.OverrideError` in plain words, naming the argument.

Whole numbers are ints, numpy integers, or floats with no fraction (a seed read from a CSV column
comes back as 3.0); never bools, text, arrays, or numbers with a fraction (``int(3.7)`` would
silently be 3).
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import OverrideError, UserError, describe

if TYPE_CHECKING:
    from sim.scenario import Scenario

MAX_SEED = 2**63 - 1  # the seeds a save holds, so the seeds a run, a game or a sweep takes (one home)
SEED_RANGE = "from 0 to 2**63-1"
MAX_WORKERS = 256


def whole(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (see the module's doc), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Rational):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return int(number)
    return None


def whole_arg(
    value: Any, what: str, low: int, high: int, expected: str | None = None, error: type[UserError] = OverrideError
) -> int:
    """``value`` as an int from ``low`` to ``high``; raises ``error`` naming ``what`` otherwise."""
    number = whole(value)
    if number is None or not low <= number <= high:
        raise error(f"{what}: expected {expected or f'a whole number from {low:,} to {high:,}'}, got {shown(value)}")
    return number


def shown(value: Any) -> str:
    """A value as an error shows it: a number as written ("3.7", "2" for 2.0, numpy's too, never a repr
    like ``np.float32(3.7)``), cut short; anything else as :func:`~sim.errors.describe` says it."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        exact = isinstance(value, numbers.Integral) or type(value).__module__ == "numpy"  # np.float32: "3.7"
        text = str(value) if exact else f"{float(value):.12g}"
        return text if len(text) <= 40 else f"a number of {len(text):,} digits"
    return describe(value)


def seed_arg(value: Any, what: str = "seed", error: type[UserError] = OverrideError) -> int:
    """A run's seed: a whole number from 0 to 2**63-1 (a numpy Generator or None is not a seed)."""
    return whole_arg(value, what, 0, MAX_SEED, f"a seed, a whole number {SEED_RANGE}", error)


def seeds_arg(value: Any, what: str = "seeds") -> list[int]:
    """A count N (seeds 0..N-1, N >= 1) or a list of distinct seeds (each as :func:`seed_arg`)."""
    count = whole(value)
    if count is not None:
        if count < 1:
            raise OverrideError(f"{what}: expected at least one seed, got {count}")
        return list(range(count))
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise OverrideError(f"{what}: expected a number of seeds or a list of seeds, got {describe(value)}")
    seeds = [seed_arg(item, f"{what}[{i}]") for i, item in enumerate(value)]
    if not seeds:
        raise OverrideError(f"{what}: expected at least one seed, got an empty list")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1}) if len(set(seeds)) < len(seeds) else []
    if repeated:
        raise OverrideError(f"{what}: seed {repeated[0]} is given twice (a repeated seed would count one run twice)")
    return seeds


def workers_arg(value: Any, what: str = "workers") -> int | None:
    """Worker processes: None (one per core) or a whole number from 1 to 256."""
    return None if value is None else whole_arg(value, what, 1, MAX_WORKERS)


def mapping_arg(value: Any, what: str, text_keys: bool = True) -> dict:
    """A mapping (None: empty) as a dict, its keys text unless ``text_keys`` is False; refuses lists of
    pairs, text and the rest."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise OverrideError(f"{what}: expected a mapping of names to values, got {describe(value)}")
    for key in value if text_keys else ():
        if not isinstance(key, str):
            raise OverrideError(f"{what}: expected names as text, got {describe(key)}")
    return dict(value)


def year_arg(value: Any, first: int, last: int, what: str = "year") -> int:
    """A calendar year from ``first`` to ``last`` (the years a run covers)."""
    return whole_arg(value, what, first, last, f"a year the run covers, {first} to {last}")


def path_arg(value: Any, what: str, error: type[UserError] = OverrideError) -> Path:
    """A file or folder path given as text or ``os.PathLike`` (not empty, not bytes, not None)."""
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        text = os.fspath(value)
        if isinstance(text, str) and text.strip():
            return Path(text)
    raise error(f"{what}: expected a file path, got {describe(value) if value != '' else 'empty text'}")


def scenario_arg(value: Any) -> Scenario:
    """A scenario argument: a loaded :class:`~sim.scenario.Scenario`, a bundled name or a path (text or
    ``os.PathLike``), or None for the default; loaded when not loaded yet."""
    from sim.scenario import Scenario, load_scenario

    if isinstance(value, Scenario):
        return value
    if value is None or isinstance(value, (str, os.PathLike)):
        return load_scenario(value)
    from sim.errors import ScenarioError

    raise ScenarioError(f"scenario: expected a loaded scenario, a bundled name or a path, got {describe(value)}")
