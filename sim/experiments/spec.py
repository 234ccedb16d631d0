"""Experiment files: YAML -> a validated, frozen :class:`Experiment`.

An experiment names a scenario and says which of its parameters vary. Levers vary
under ``policies:``, uncertainties (and settings) under ``futures:``; every design
point is one policy crossed with one future. Ranges default to the parameter
spec's own min/max/step, so ``vary: [network_effect]`` means "its whole range".
Errors name the file, the key path and the line, exactly like scenario errors.

Example::

    scenario: korea-2025
    policies:
      design: grid
      vary:
        sovereign_ai_budget_krw_bn: {values: [0, 200, 1000]}
        partnership_review: {}
    futures:
      design: latin_hypercube
      points: 20
      vary: [network_effect, foreign_trust]
    replications: 3
    seed: 2025
    keep: yearly

Instead of policies and futures, ``points:`` lists explicit design points, inline
(a list of mappings) or as a CSV file (one column per parameter, one row per point;
a path relative to the experiment file). Any external sample (SALib's Saltelli or
Morris, EMA Workbench, a hand-made table) runs this way, in file order, so
``aisim analyze --method sobol|morris`` can pair outputs with inputs::

    scenario: korea-2025
    points: salib-sample.csv
    replications: 1
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

from sim import bundled
from sim.core.arguments import MAX_SEED
from sim.core.files import read_user_text
from sim.errors import ExperimentError, ScenarioError, kind_of
from sim.params import ParameterSpec, Value
from sim.scenario import Scenario, canonical_json, load_scenario, path_inside_folder, referenced_scenario_path
from sim.schema import (
    NAME,
    REQUIRED,
    Any_,
    Context,
    ListOf,
    Localized,
    MapOf,
    Num,
    Record,
    Str,
    describe,
    name_from_file,
    short_repr,
    suggest,
)
from sim.yamlio import LoadedYaml, load_yaml_text, read_text

SCHEMA_ID = "aisim/experiment-1"
DESIGNS = ("grid", "monte_carlo", "latin_hypercube")
DISTRIBUTIONS = ("uniform", "triangular", "normal")
KEEP = ("every_quarter", "yearly", "final_year")
SEEDING = ("common", "independent")
# Limits measured on a 2-core, 8 GB machine (docs/guarantees.md): design points are held in
# memory (~1.3 KB each; 200,000 take ~260 MB and ~8 s to lay out), runs are generated lazily.
MAX_POINTS = 200_000
MAX_RUNS = 2_000_000
# Which parameter kinds each block may vary: policies are what a government chooses,
# futures what it cannot (settings and model constants are assumptions one may still explore).
BLOCK_KINDS = {"policies": ("lever",), "futures": ("uncertainty", "setting", "constant")}

AXIS = Record(
    {
        "values": (ListOf(Any_(), min_len=1), None),
        "min": (Num(), None),
        "max": (Num(), None),
        "step": (Num(), None),
        "distribution": (Str(choices=DISTRIBUTIONS), None),
        "mode": (Num(), None),
        "mean": (Num(), None),
        "sd": (Num(), None),
    }
)
BLOCK = Record(
    {
        "design": (Str(choices=DESIGNS), "grid"),
        "points": (Num(1, MAX_POINTS, integer=True), None),
        "vary": (Any_(), REQUIRED),
    }
)
TOP = Record(
    {
        "schema": (Str(choices=(SCHEMA_ID,)), None),
        "name": (NAME, None),
        "title": (Localized(), None),
        "description": (Localized(), None),
        "scenario": (Str(), "korea-2025"),
        "set": (MapOf(Any_()), dict),
        "policies": (BLOCK, None),
        "futures": (BLOCK, None),
        "points": (Any_(), None),
        "replications": (Num(1, 100_000, integer=True), 1),
        "seed": (Num(0, MAX_SEED, integer=True), 0),
        "seeding": (Str(choices=SEEDING), "common"),
        "keep": (Str(choices=KEEP), "yearly"),
    }
)


@dataclass(frozen=True)
class Axis:
    """One varied parameter and the values it may take.

    ``values`` is set for a discrete axis (a list, a grid, or a bool/choice);
    otherwise values are drawn between ``low`` and ``high`` from ``distribution``.
    """

    spec: ParameterSpec
    values: tuple[Value, ...] | None
    low: float | None = None
    high: float | None = None
    step: float | None = None
    distribution: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    @property
    def name(self) -> str:
        """The varied parameter's name."""
        return self.spec.name

    def value_at(self, u: float) -> Value:
        """The value at quantile ``u`` in [0, 1) (a sampled design's inverse transform)."""
        if self.values is not None:
            return self.values[min(len(self.values) - 1, int(u * len(self.values)))]
        assert self.low is not None and self.high is not None
        low, high = self.low, self.high
        if high == low:
            x = low
        elif self.distribution == "triangular":
            mode = self.mode if self.mode is not None else (low + high) / 2
            cut = (mode - low) / (high - low)
            if u < cut:
                x = low + math.sqrt(u * (high - low) * (mode - low))
            else:
                x = high - math.sqrt((1 - u) * (high - low) * (high - mode))
        elif self.distribution == "normal":
            assert self.mean is not None and self.sd is not None
            dist = NormalDist(self.mean, self.sd)
            # truncated to [low, high]: map u into the CDF range of the bounds
            lo_p, hi_p = dist.cdf(low), dist.cdf(high)
            p = min(max(lo_p + u * (hi_p - lo_p), 1e-12), 1 - 1e-12)
            x = dist.inv_cdf(p)
        else:
            x = low + u * (high - low)
        if self.step:
            x = low + round((x - low) / self.step) * self.step
        x = min(max(x, low), high)
        return int(round(x)) if self.spec.type == "integer" else round(float(x), 12)


@dataclass(frozen=True)
class Block:
    """The policies or the futures: a design over some axes."""

    role: str
    design: str
    points: int | None
    axes: tuple[Axis, ...]
    rows: tuple[Mapping[str, Value], ...] | None = None  # the explicit points of a ``points:`` design

    @property
    def size(self) -> int:
        """Number of points this block yields (1 when nothing varies)."""
        if self.rows is not None:
            return len(self.rows)
        if not self.axes:
            return 1
        if self.design == "grid":
            return math.prod(len(axis.values or ()) for axis in self.axes)
        return int(self.points or 0)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: a scenario, a design, replications and what to keep.

    ``hash`` identifies the experiment's meaning (its normalised content and the
    scenario's content hash), not its comments or layout.
    """

    name: str
    file: str
    text: str
    scenario: Scenario
    fixed: Mapping[str, Value]
    policies: Block
    futures: Block
    replications: int
    seed: int
    seeding: str
    keep: str
    title: str = ""
    hash: str = ""
    normalised: Mapping[str, Any] = field(default_factory=dict)

    @property
    def axes(self) -> tuple[Axis, ...]:
        """Every varied axis, policies first."""
        return self.policies.axes + self.futures.axes

    @property
    def varied(self) -> list[str]:
        """Names of the varied parameters, policies first."""
        return [axis.name for axis in self.axes]

    @property
    def points(self) -> int:
        """Number of design points (policies x futures)."""
        return self.policies.size * self.futures.size

    @property
    def total_runs(self) -> int:
        """Number of runs (design points x replications)."""
        return self.points * self.replications


def resolve_experiment_path(name_or_path: str | Path) -> Path:
    """A bundled experiment name (``quick-look``) or a file path -> the file's path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists() or len(candidate.parts) > 1:
        return candidate
    found = bundled.find("experiments", str(name_or_path))
    if found is None:
        names = [path.stem for path in bundled.files("experiments")]
        raise ExperimentError(
            f"no bundled experiment or file named {str(name_or_path)!r}{suggest(str(name_or_path), names, 'bundled')}"
        )
    return found


def load_experiment(file: str | Path) -> Experiment:
    """Read and validate an experiment file (or bundled name); raises :class:`ExperimentError` naming file, key path and line."""
    from sim.core.arguments import path_arg

    path = resolve_experiment_path(str(path_arg(file, "experiment", ExperimentError)))
    text = read_text(path, ExperimentError)
    return _build(load_yaml_text(text, str(path), ExperimentError), path, text=text)


def experiment_from_text(text: str, source: str = "<experiment>", base_dir: str | Path = ".") -> Experiment:
    """Validate experiment YAML text (scenario paths are relative to ``base_dir``)."""
    from sim.core.arguments import path_arg

    folder = path_arg(base_dir, "base_dir", ExperimentError)
    doc = load_yaml_text(text, str(source), ExperimentError)
    return _build(doc, folder / Path(str(source)).name, text=text)


def _build(doc: LoadedYaml, path: Path, text: str | None = None) -> Experiment:
    ctx = Context(doc, ExperimentError)
    if not isinstance(doc.data, dict):
        raise ctx.fail((), f"not an aisim experiment: expected a mapping at the top level, got {kind_of(doc.data)}")
    if doc.data and not any(key in TOP.fields for key in doc.data):
        # say nothing of its content: it may be any YAML file on the machine
        raise ctx.fail((), "not an aisim experiment (none of its top-level keys is an experiment key)")
    data = TOP.check(doc.data, ctx, ())
    scenario = _load_scenario(data["scenario"], path, ctx)
    space = scenario.parameters
    fixed: dict[str, Value] = {}
    for name, value in data["set"].items():
        if name not in space:
            raise space.unknown_name_error(
                name, ExperimentError, file=doc.file, path=f"set.{name}", line=doc.line_of(("set", name))
            )
        try:
            fixed[name] = space[name].coerce(value)
        except ValueError as exc:
            raise ctx.fail(("set", name), str(exc)) from None
    scenario = scenario.with_values(fixed) if fixed else scenario
    if data["points"] is not None:
        for role in ("policies", "futures"):
            if data[role] is not None:
                raise ctx.fail((role,), "points: lists every design point; give it without policies: or futures:")
        blocks = {
            "policies": _points_block(data["points"], path, scenario, ctx),
            "futures": Block(role="futures", design="grid", points=None, axes=()),
        }
    else:
        blocks = {role: _block(role, data[role], scenario, ctx) for role in ("policies", "futures")}
    seen: dict[str, str] = {}
    for role, block in blocks.items():
        for axis in block.axes:
            if axis.name in fixed:
                raise ctx.fail((role, "vary", axis.name), f"{axis.name} is both fixed in set: and varied")
            seen[axis.name] = role
    if not seen:
        raise ctx.fail(
            (), "nothing varies: give policies: or futures: with vary: (one run per replication is `aisim run`)"
        )
    points = blocks["policies"].size * blocks["futures"].size
    if points > MAX_POINTS:
        raise ctx.fail(
            (),
            f"the design has {points:,} points (policies x futures), more than the {MAX_POINTS:,} allowed; "
            "use fewer values or a sampled design",
        )
    experiment_len = points * data["replications"]
    if experiment_len > MAX_RUNS:
        raise ctx.fail(
            (),
            f"the design has {experiment_len:,} runs, more than the {MAX_RUNS:,} allowed; use fewer values or a sampled design",
        )
    normalised = {
        "schema": SCHEMA_ID,
        "scenario_hash": scenario.content_hash,
        "set": fixed,
        "policies": _block_document(blocks["policies"]),
        "futures": _block_document(blocks["futures"]),
        "replications": data["replications"],
        "seed": data["seed"],
        "seeding": data["seeding"],
        "keep": data["keep"],
    }
    digest = hashlib.sha256(canonical_json(normalised).encode("utf-8")).hexdigest()
    title = data["title"]["en"] if data["title"] else ""
    return Experiment(
        name=data["name"] or name_from_file(path, ctx),
        file=str(path),
        text=text if text is not None else read_text(path, ExperimentError),
        scenario=scenario,
        fixed=fixed,
        policies=blocks["policies"],
        futures=blocks["futures"],
        replications=data["replications"],
        seed=data["seed"],
        seeding=data["seeding"],
        keep=data["keep"],
        title=title,
        hash=digest,
        normalised=normalised,
    )


def _load_scenario(ref: str, path: Path, ctx: Context) -> Scenario:
    """A bundled name, or a path relative to the experiment file that stays in its folder."""
    scenario_path = referenced_scenario_path(ref, path, Context(ctx.doc, ExperimentError), ("scenario",))
    try:
        return load_scenario(scenario_path)
    except ScenarioError as exc:
        if exc.file is None or exc.message == "file not found":
            raise ctx.fail(("scenario",), f"scenario {short_repr(ref)} not found") from None
        raise


def _block(role: str, raw: dict | None, scenario: Scenario, ctx: Context) -> Block:
    if raw is None:
        return Block(role=role, design="grid", points=None, axes=())
    base = (role,)
    design = raw["design"]
    if design != "grid" and raw["points"] is None:
        raise ctx.fail(base, f"a {design} design needs points: (how many to draw)")
    if design == "grid" and raw["points"] is not None:
        raise ctx.fail(
            base + ("points",), "points: is for monte_carlo and latin_hypercube designs; a grid takes every value"
        )
    vary = raw["vary"]
    if isinstance(vary, list):
        entries = []
        for i, item in enumerate(vary):
            if not isinstance(item, str):
                raise ctx.fail(base + ("vary", i), f"expected a parameter name, got {describe(item)}")
            entries.append((item, None, base + ("vary", i)))
    elif isinstance(vary, dict):
        entries = [(str(name), value, base + ("vary", name)) for name, value in vary.items()]
    else:
        raise ctx.fail(
            base + ("vary",), f"expected a list of parameter names or a mapping name -> range, got {describe(vary)}"
        )
    if not entries:
        raise ctx.fail(base + ("vary",), "expected at least one parameter to vary")
    axes = []
    names: set[str] = set()
    for name, value, where in entries:
        if name in names:
            raise ctx.fail(where, f"{name} is listed twice")
        names.add(name)
        axes.append(_axis(role, design, name, value, scenario, ctx, where))
    return Block(role=role, design=design, points=raw["points"], axes=tuple(axes))


def _axis(role: str, design: str, name: str, raw: Any, scenario: Scenario, ctx: Context, where: tuple) -> Axis:
    space = scenario.parameters
    if name not in space:
        raise space.unknown_name_error(
            name, ExperimentError, file=ctx.doc.file, path=_path_text(where), line=ctx.doc.line_of(where)
        )
    spec = space[name]
    if spec.kind not in BLOCK_KINDS[role]:
        other = "policies" if spec.kind == "lever" else "futures"
        raise ctx.fail(
            where, f"{name} is a{'n' if spec.kind[0] in 'aeiou' else ''} {spec.kind}; vary it under {other}:"
        )
    if isinstance(raw, list):
        raw = {"values": raw}
    elif raw is not None and not isinstance(raw, dict):
        raise ctx.fail(
            where,
            f"a single value ({describe(raw)}) does not vary; fix it under set:, or give values: [..] or min:/max:",
        )
    raw = AXIS.check(raw if raw is not None else {}, ctx, where)
    sampled = design != "grid"
    if raw["values"] is not None:
        extra = [k for k in ("min", "max", "step", "distribution", "mode", "mean", "sd") if raw[k] is not None]
        if extra:
            raise ctx.fail(where + (extra[0],), f"{extra[0]}: cannot be combined with values:")
        values = []
        for i, item in enumerate(raw["values"]):
            try:
                values.append(spec.coerce(item))
            except ValueError as exc:
                raise ctx.fail(where + ("values", i), f"{name}: {exc}") from None
        if len(set(values)) != len(values):
            raise ctx.fail(where + ("values",), "values are repeated")
        return Axis(spec=spec, values=tuple(values))
    if not spec.is_numeric:
        extra = [k for k in ("min", "max", "step", "distribution", "mode", "mean", "sd") if raw[k] is not None]
        if extra:
            raise ctx.fail(
                where + (extra[0],),
                f"{name} is a {spec.type} parameter; give values: [..] or nothing (all of {', '.join(map(str, spec.grid()))})",
            )
        return Axis(spec=spec, values=tuple(spec.grid()))
    assert spec.min is not None and spec.max is not None
    low = raw["min"] if raw["min"] is not None else spec.min
    high = raw["max"] if raw["max"] is not None else spec.max
    for key, bound in (("min", low), ("max", high)):
        if not spec.min <= bound <= spec.max:
            raise ctx.fail(
                where + (key,), f"{key} {bound:g} is outside {name}'s spec range {spec.min:g} to {spec.max:g}"
            )
    if low > high:
        raise ctx.fail(where + ("min",), f"min {low:g} is greater than max {high:g}")
    if low == high:
        raise ctx.fail(where, f"min and max are both {low:g}: nothing varies; fix it under set:, or widen the range")
    step = raw["step"]
    if step is not None and step <= 0:
        raise ctx.fail(where + ("step",), f"expected a step > 0, got {step:g}")
    if step is not None and high > low:
        ratio = (high - low) / step
        if not math.isfinite(ratio) or ratio > 100_000:
            raise ctx.fail(
                where + ("step",), f"step {step:g} is too small: more than 100,000 values from {low:g} to {high:g}"
            )
    if spec.type == "integer" and step is not None and step != int(step):
        raise ctx.fail(where + ("step",), f"{name} is a whole number; expected a whole step, got {step:g}")
    distribution = raw["distribution"] or "uniform"
    if not sampled:
        for key in ("distribution", "mode", "mean", "sd"):
            if raw[key] is not None:
                raise ctx.fail(
                    where + (key,), f"{key}: needs a sampled design (monte_carlo or latin_hypercube), not grid"
                )
        given = step is not None
        step = step if step is not None else spec.step
        assert step is not None  # numeric specs always have a step
        count = int(math.floor((high - low) / step + 1e-9)) + 1
        if count > 100_000:
            raise ctx.fail(where, f"{count:,} grid values; give a larger step or fewer values")
        if count == 1:
            whose = f"step {step:g}" if given else f"{name}'s own step {step:g}"
            raise ctx.fail(
                where + (("step",) if given else ()),
                f"{whose} is larger than the range {low:g} to {high:g}, so the grid would hold {low:g} alone;"
                " give a smaller step, or values: [..]",
            )
        grid = [low + i * step for i in range(count)]
        if spec.type == "integer":
            values = sorted({int(round(v)) for v in grid})
        else:
            values = [round(v, 12) for v in grid]
        return Axis(spec=spec, values=tuple(values), low=low, high=high, step=step)
    if distribution == "triangular":
        mode = raw["mode"] if raw["mode"] is not None else float(spec.default)
        if not low <= mode <= high:
            raise ctx.fail(where + ("mode",), f"mode {mode:g} is outside {low:g} to {high:g}")
        return Axis(spec=spec, values=None, low=low, high=high, step=step, distribution=distribution, mode=mode)
    if distribution == "normal":
        if raw["sd"] is None or raw["sd"] <= 0:
            raise ctx.fail(where + ("sd",), "a normal distribution needs sd: > 0")
        mean = raw["mean"] if raw["mean"] is not None else float(spec.default)
        _check_normal_mass(mean, raw["sd"], low, high, ctx, where)
        return Axis(
            spec=spec, values=None, low=low, high=high, step=step, distribution=distribution, mean=mean, sd=raw["sd"]
        )
    for key in ("mode", "mean", "sd"):
        if raw[key] is not None:
            raise ctx.fail(where + (key,), f"{key}: does not apply to a {distribution} distribution")
    return Axis(spec=spec, values=None, low=low, high=high, step=step, distribution=distribution)


MIN_NORMAL_MASS = 1e-9  # below this a truncated normal's share inside its bounds is lost in rounding


def _check_normal_mass(mean: float, sd: float, low: float, high: float, ctx: Context, where: tuple) -> None:
    """Refuse a normal distribution with (next to) none of its probability between ``low`` and ``high``.

    Sampling inverts the normal's CDF between the bounds' CDF values; when they are equal in floating
    point (a mean many sd outside the range, or an sd so large that the density is flat) every sample
    was the same value, silently.
    """
    dist = NormalDist(mean, sd)
    mass = dist.cdf(high) - dist.cdf(low)
    if mass >= MIN_NORMAL_MASS:
        return
    if sd > (high - low) * 1e6:
        problem = f"sd {sd:g} is so large that the normal is flat from {low:g} to {high:g}; use distribution: uniform"
    else:
        problem = (
            f"mean {mean:g} with sd {sd:g} leaves {mass:.1g} of the distribution between {low:g} and {high:g},"
            " so every sample would be the same; give a mean nearer the range or a larger sd"
        )
    raise ctx.fail(where + ("sd",), problem)


def _path_text(path: tuple | None) -> str | None:
    """A key path as errors show it; None (a CSV row, which its line names) shows none."""
    from sim.yamlio import format_path

    return None if path is None else format_path(path)


def _points_block(raw: Any, path: Path, scenario: Scenario, ctx: Context) -> Block:
    """Explicit design points from a list of mappings or a CSV file (a ``points`` design)."""
    if isinstance(raw, str):
        items, where = _read_points_csv(path_inside_folder(raw, path, ctx, ("points",), elsewhere=""), ctx)
    elif isinstance(raw, list):
        items = raw
        where = [(("points", i), ctx.doc.file, ctx.doc.line_of(("points", i))) for i in range(len(raw))]
    else:
        raise ctx.fail(("points",), f"expected a CSV file name or a list of mappings, got {describe(raw)}")
    if not items:
        raise ctx.fail(("points",), "expected at least one point")
    space = scenario.parameters
    names: list[str] = []
    rows: list[dict[str, Value]] = []
    for i, item in enumerate(items):
        key, file, line = where[i]
        if not isinstance(item, dict):
            raise ExperimentError(
                f"expected a mapping parameter -> value, got {describe(item)}",
                file=file,
                path=_path_text(key),
                line=line,
            )
        if i == 0:
            names = [str(name) for name in item]
            for name in names:
                if name not in space:
                    raise space.unknown_name_error(name, ExperimentError, file=file, path=_path_text(key), line=line)
        elif sorted(map(str, item)) != sorted(names):
            raise ExperimentError(
                f"every point must set the same parameters ({', '.join(names)}); this one sets {', '.join(map(str, item))}",
                file=file,
                path=_path_text(key),
                line=line,
            )
        row = {}
        for name in names:
            try:
                row[name] = _point_value(space[name], item[name])
            except ValueError as exc:
                raise ExperimentError(f"{name}: {exc}", file=file, path=_path_text(key), line=line) from None
        rows.append(row)
    axes = []
    for name in names:
        spec = space[name]
        column = [row[name] for row in rows]
        if spec.is_numeric:
            axes.append(Axis(spec=spec, values=None, low=float(min(column)), high=float(max(column))))
        else:
            axes.append(Axis(spec=spec, values=tuple(dict.fromkeys(column))))
    return Block(role="policies", design="points", points=len(rows), axes=tuple(axes), rows=tuple(rows))


def _point_value(spec: ParameterSpec, raw: Any) -> Value:
    """A point's value, typed; integers drawn as reals by a sampler are rounded to the nearest whole number."""
    if spec.type == "integer" and not isinstance(raw, bool):
        try:
            raw = round(float(raw))
        except (TypeError, ValueError):
            pass  # coerce says what was expected
    return spec.coerce(raw)


def _read_points_csv(csv_path: Path, ctx: Context) -> tuple[list[dict[str, str]], list[tuple]]:
    """A points CSV's rows (read as every user file is: a regular file, capped in size, UTF-8 text)."""
    import csv
    import io

    text = read_user_text(csv_path, error_type=ExperimentError, what="a points CSV file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        items = [dict(row) for row in reader]
    except csv.Error as exc:
        raise ExperimentError(f"not a readable CSV file ({exc})", file=str(csv_path), line=reader.line_num) from None
    fields = reader.fieldnames or []
    if not fields:
        raise ExperimentError("expected a header row of parameter names", file=str(csv_path), line=1)
    repeated = sorted({name for name in fields if fields.count(name) > 1})
    if repeated:
        raise ExperimentError(
            f"column {repeated[0]!r} appears more than once in the header", file=str(csv_path), line=1
        )
    for i, item in enumerate(items):
        if None in item or any(value is None for value in item.values()):
            raise ExperimentError(f"expected {len(fields)} values, one per column", file=str(csv_path), line=i + 2)
    return items, [(None, str(csv_path), i + 2) for i in range(len(items))]  # the line names the row


def _block_document(block: Block) -> dict[str, Any]:
    if block.rows is not None:
        return {"design": block.design, "points": [dict(row) for row in block.rows]}
    return {
        "design": block.design,
        "points": block.points,
        "axes": [
            {
                "name": a.name,
                "values": list(a.values) if a.values is not None else None,
                "low": a.low,
                "high": a.high,
                "step": a.step,
                "distribution": a.distribution,
                "mode": a.mode,
                "mean": a.mean,
                "sd": a.sd,
            }
            for a in block.axes
        ],
    }
