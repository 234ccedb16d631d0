"""The parameter spec: every lever and uncertainty declared once.

A scenario's ``parameters:`` section declares each tunable number with its default,
range, step, unit, English and Korean label and help. Validation, ``--set``
overrides, the game's sliders and experiment sweep spaces all read this one spec.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.core.numbers import decimal_number
from sim.errors import OverrideError, UserError

KINDS = ("lever", "uncertainty", "setting", "constant")
TYPES = ("number", "integer", "bool", "choice")

Value = float | int | bool | str


@dataclass(frozen=True)
class ParameterSpec:
    """One tunable parameter.

    ``kind``: ``lever`` (a policy the player or analyst sets, may change every quarter),
    ``uncertainty`` (a fact about the world nobody controls), ``setting`` (a
    fixed scenario constant that can still be overridden with ``--set``), or
    ``constant`` (a behavioural constant of the model, declared under ``model:``
    with its source; sweepable like an uncertainty). ``source`` says where the
    number comes from (a citation or "assumption").
    """

    name: str
    kind: str
    type: str
    default: Value
    min: float | None
    max: float | None
    step: float | None
    units: Mapping[str, str]
    label: Mapping[str, str]
    help: Mapping[str, str]
    options: tuple[str, ...] = ()
    group: str = "general"
    source: str = ""

    @property
    def is_numeric(self) -> bool:
        """True for number and integer parameters (they have min, max and step)."""
        return self.type in ("number", "integer")

    @property
    def unit(self) -> str:
        """The unit in English (``units`` has English and Korean)."""
        return self.units["en"]

    def unit_for(self, language: str = "en") -> str:
        """The unit in ``language`` (English if missing)."""
        return self.units.get(language) or self.units["en"]

    def label_for(self, language: str = "en") -> str:
        """The label in ``language`` (English if missing)."""
        return self.label.get(language) or self.label["en"]

    def help_for(self, language: str = "en") -> str:
        """The help sentence in ``language`` (English if missing)."""
        return self.help.get(language) or self.help["en"]

    def expected(self) -> str:
        """What a valid value looks like, for error messages."""
        if self.type == "bool":
            return "true or false"
        if self.type == "choice":
            return "one of " + ", ".join(self.options)
        kind = "a whole number" if self.type == "integer" else "a number"
        return f"{kind} from {self.min:g} to {self.max:g}" + (f" {self.unit}" if self.unit else "")

    def coerce(self, value: Any) -> Value:
        """Check ``value`` (a Python value or text from the command line) and return it typed.

        Accepts numpy scalars (``np.int64``, ``np.float32``, ``np.bool_``, ``np.str_``), as
        EMA Workbench, SALib and pandas hand them out. Raises ``ValueError`` with a
        message saying what was expected.
        """
        if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
            value = value.item()  # numpy scalar -> the Python int, float, bool or str
        if isinstance(value, str):
            value = value.strip()
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, (int, float)) and value in (0, 1):
                return bool(value)
            if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
                return value.lower() in ("true", "yes", "on", "1")
            raise self._refused(value)
        if self.type == "choice":
            if isinstance(value, str) and value in self.options:
                return value
            raise self._refused(value)
        if isinstance(value, bool):
            raise self._refused(value)
        if isinstance(value, str):
            typed = decimal_number(value)  # plain digits only: not "1_0", "١٠", "nan" (sim.core.numbers)
            if typed is None:
                raise self._refused(value)
            value = typed
        if isinstance(value, numbers.Real) and not isinstance(value, (int, float)):
            value = float(value)  # a Fraction, numpy's longdouble: as near a float as it gets
        if not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
            raise self._refused(value)
        assert self.min is not None and self.max is not None
        if not self.min <= value <= self.max:  # (before float(): an int of 400 digits has no float)
            raise self._refused(value)
        if self.type == "integer":
            if value != int(value):
                raise self._refused(value)
            return int(value)
        return float(value) + 0.0  # -0.0 is zero

    def _refused(self, value: Any) -> ValueError:
        from sim.core.arguments import shown

        return ValueError(f"expected {self.expected()}, got {shown(value)}")

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain JSON data: name, kind, type, default, min, max, step, unit, choices, label, help, source."""
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.type,
            "default": self.default,
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "unit": self.unit,
            "choices": list(self.grid()) if self.type in ("bool", "choice") else None,
            "group": self.group,
            "label": dict(self.label),
            "help": dict(self.help),
            "source": self.source,
        }

    def as_number(self, value: Value) -> float:
        """Value on a numeric axis (bools as 0/1, choices as their index)."""
        if self.type == "choice":
            return float(self.options.index(str(value)))
        return float(value)

    def grid(self) -> list[Value]:
        """All values from min to max by step (bools and choices: all options)."""
        if self.type == "bool":
            return [False, True]
        if self.type == "choice":
            return list(self.options)
        assert self.min is not None and self.max is not None and self.step
        count = int(round((self.max - self.min) / self.step))
        values = [self.min + i * self.step for i in range(count + 1)]
        values = [min(v, self.max) for v in values]
        if self.type == "integer":
            return sorted({int(round(v)) for v in values})
        return [round(v, 12) for v in values]


class ParameterSpace:
    """The ordered set of a scenario's parameter specs."""

    def __init__(self, specs: Iterable[ParameterSpec]):
        self._specs = {spec.name: spec for spec in specs}

    def __contains__(self, name: str) -> bool:
        return name in self._specs

    def __getitem__(self, name: str) -> ParameterSpec:
        return self._specs[name]

    def __iter__(self):
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    @property
    def names(self) -> list[str]:
        """Parameter names in declaration order."""
        return list(self._specs)

    def of_kind(self, kind: str) -> list[ParameterSpec]:
        """The specs of one kind (lever, uncertainty, setting or constant), in declaration order."""
        return [spec for spec in self._specs.values() if spec.kind == kind]

    def defaults(self) -> dict[str, Value]:
        """Every parameter's default value, by name."""
        return {name: spec.default for name, spec in self._specs.items()}

    def _select(self, names: Iterable[str] | None, kinds: Iterable[str]) -> list[ParameterSpec]:
        """The specs of ``names`` (a list of distinct names), or of every parameter of ``kinds``."""
        from sim.errors import describe

        if names is None:
            if isinstance(kinds, str) or not isinstance(kinds, Iterable):
                raise OverrideError(f"kinds: expected a list of kinds ({', '.join(KINDS)}), got {describe(kinds)}")
            kinds = tuple(kinds)
            for kind in kinds:
                if kind not in KINDS:
                    raise OverrideError(f"kinds: expected kinds from {', '.join(KINDS)}, got {describe(kind)}")
            return [spec for spec in self._specs.values() if spec.kind in kinds]
        if isinstance(names, (str, Mapping)) or not isinstance(names, Iterable):
            raise OverrideError(f"names: expected a list of parameter names, got {describe(names)}")
        names = list(names)
        for name in names:
            if not isinstance(name, str) or name not in self._specs:
                raise self.unknown_name_error(name if isinstance(name, str) else describe(name))
        if len(set(names)) < len(names):
            raise OverrideError(f"names: {next(n for n in names if names.count(n) > 1)} is named twice")
        if not names:
            raise OverrideError("names: expected at least one parameter name, got an empty list")
        return [self._specs[name] for name in names]

    def to_salib_problem(
        self, names: Iterable[str] | None = None, kinds: Iterable[str] = ("lever", "uncertainty")
    ) -> dict[str, Any]:
        """A SALib problem (``num_vars``, ``names``, ``bounds``) over numeric parameters.

        Args:
            names: the parameters to vary (default: every number or integer of ``kinds``).
        Integer parameters are included with their bounds; a sample's values for them are
        rounded when run through an explicit-points experiment.
        """
        specs = [spec for spec in self._select(names, kinds) if names is not None or spec.is_numeric]
        for spec in specs:
            if not spec.is_numeric:
                raise OverrideError(f"{spec.name} is a {spec.type} parameter; SALib samples numbers only")
        return {
            "num_vars": len(specs),
            "names": [spec.name for spec in specs],
            "bounds": [[float(spec.min), float(spec.max)] for spec in specs],  # type: ignore[arg-type]
        }

    def to_ema(self, scenario: Any = None, seed: int = 0, year: int | None = None, name: str = "aisim"):
        """EMA Workbench levers, uncertainties and a ready ``Model`` running this scenario.

        Args:
            scenario: the scenario the model runs (name, path or :class:`sim.scenario.Scenario`;
                default: the Korea baseline). Its parameter spec should be this space.
            seed: the model's seed; year: the outcome year (default: the last).
        Returns an :class:`sim.interop.EmaProblem` (``levers``, ``uncertainties``, ``model``).
        Needs ``pip install 'aisim[ema]'``.
        """
        from sim.interop import ema_problem

        return ema_problem(self, scenario=scenario, seed=seed, year=year, name=name)

    def unknown_name_error(self, name: str, error_type: type[UserError] = OverrideError, **where) -> UserError:
        """A user error for an unknown parameter name, with a did-you-mean suggestion."""
        from sim.schema import suggest

        extra = suggest(name, self.names, None)
        return error_type(f"unknown parameter {name!r}{extra} (see `aisim params`)", **where)

    def check(
        self, values: Mapping[str, Any], error_type: type[UserError] = OverrideError, **where
    ) -> dict[str, Value]:
        """Validate a mapping of parameter values; returns them typed."""
        from sim.core.arguments import mapping_arg

        out: dict[str, Value] = {}
        try:
            values = mapping_arg(values, "parameter values")
        except OverrideError as exc:
            raise error_type(exc.message, **where) from None
        for name, value in values.items():
            if name not in self._specs:
                raise self.unknown_name_error(name, error_type, **where)
            try:
                out[name] = self._specs[name].coerce(value)
            except ValueError as exc:
                raise error_type(f"parameter {name}: {exc}", **where) from None
        return out

    def parse_assignments(self, assignments: Iterable[str]) -> dict[str, Value]:
        """Parse ``--set NAME=VALUE`` strings into typed values."""
        out: dict[str, Value] = {}
        given: dict[str, str] = {}
        for text in assignments:
            if "=" not in text:
                raise OverrideError(f"--set {text!r}: expected NAME=VALUE")
            name, _, raw = text.partition("=")
            name = name.strip()
            if name in given:
                raise OverrideError(f"--set {text!r}: {name} is already set by --set {given[name]!r}; set it once")
            given[name] = text
            try:
                out.update(self.check({name: raw}))
            except OverrideError as exc:
                raise OverrideError(f"--set {text!r}: {exc.message}") from None
        return out
