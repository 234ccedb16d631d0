"""Analysis of a sweep: outcome ranges per design point, global sensitivity, charts.

* ``summary.csv``: per design point and outcome, the mean and 5-95 % range over
  replications of the final year (flows summed over the year, levels averaged).
* ``sensitivity.csv``: per outcome, how much each varied parameter matters:
  standardised regression coefficients (SRC, signed; for a choice parameter the
  square root of the R^2 its dummies add) and a first-order index (the share of the
  outcome's variance explained by the parameter alone, estimated by binning, i.e.
  a given-data estimate of the first-order Sobol index). ``r2`` tells how much of
  the variance the linear model explains: SRCs are trustworthy when it is high.
* PNG charts (matplotlib, optional): fan charts of outcomes over time per policy,
  a tornado chart of SRCs, a trade-off scatter of two outcomes.
* ``morris.csv`` or ``sobol.csv`` (``method="morris"`` or ``"sobol"``, needs SALib): the
  indices SALib computes from a sweep of its own sample (an explicit-points experiment
  run in sample order); outputs are each point's final-year mean over replications.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.files import (
    LOCK_NAME,
    MAX_USER_FILE_BYTES,
    atomic_write,
    atomic_write_text,
    check_path_text,
    holds_aisim_result,
    read_user_bytes,
)
from sim.core.stats import YEAR_QUARTERS, summary_stats, yearly
from sim.core.tables import to_csv_text
from sim.errors import ExperimentError, OutputError, describe, one_line
from sim.experiments.store import ResultStore
from sim.model.outcomes import HEADLINE_METRICS, METRICS
from sim.timeline import QUARTERS_PER_YEAR

KEY_METRICS = HEADLINE_METRICS
METHODS = ("regression", "morris", "sobol")
MAX_FAN_POLICIES = 8
MAX_BINS = 10


@dataclass
class Analysis:
    """What ``analyze`` produced: tables and the files written."""

    folder: Path
    out: Path
    runs: int
    failed: int
    final_year: int
    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    salib: pd.DataFrame | None = None  # Morris or Sobol indices, when asked for


# ---------------------------------------------------------------------- tables
def per_run_years(data: pd.DataFrame, keep: str) -> pd.DataFrame:
    """Result rows -> one row per run and year (quarter rows aggregated by :func:`sim.core.stats.yearly`)."""
    if keep != "every_quarter":
        return data
    id_columns = [c for c in data.columns if c not in METRICS and c not in ("quarter", "year")]
    ids = data[id_columns].drop_duplicates("run_id").set_index("run_id")
    years = yearly(data.drop(columns=["quarter"]), keys=("run_id",))
    return ids.join(years.set_index("run_id"), how="inner").reset_index()


def final_year_rows(years: pd.DataFrame) -> pd.DataFrame:
    """The last year of every run."""
    return years[years["year"] == years["year"].max()].reset_index(drop=True)


def partial_year_note(final: pd.DataFrame) -> str | None:
    """A sentence when the final year's rows hold only part of a calendar year (a scenario ending within
    one): their flows are those quarters' totals, not a year's. None for a whole year, or results from
    before rows said how many quarters they hold."""
    if YEAR_QUARTERS not in final.columns or final.empty:
        return None
    held = int(final[YEAR_QUARTERS].min())
    if held >= QUARTERS_PER_YEAR:
        return None
    year = int(final["year"].max())
    return (
        f"the final year, {year}, holds only {held} of its quarters (the scenario ends within it): "
        f"its flows (the outcomes a year sums) are totals over {held} quarter{'s' if held != 1 else ''}, not a year's"
    )


def outcome_columns(frame: pd.DataFrame) -> list[str]:
    """The outcome metrics present in ``frame``, in METRICS order."""
    return [m for m in METRICS if m in frame.columns]


def summarise_points(final: pd.DataFrame, varied: Sequence[str]) -> pd.DataFrame:
    """Per design point and outcome: mean, 5th and 95th percentile and number of runs."""
    rows = []
    metrics = outcome_columns(final)
    for point, group in final.groupby("point", sort=True):
        first = group.iloc[0]
        base = {"point": int(point), "policy": int(first["policy"]), "future": int(first["future"])}
        base.update({name: first[name] for name in varied})
        for metric in metrics:
            values = group[metric].to_numpy(dtype=float)
            rows.append({**base, "metric": metric, **summary_stats(values), "runs": len(values)})
    return pd.DataFrame(rows)


def _design_columns(frame: pd.DataFrame, varied: Mapping[str, str]) -> tuple[list[np.ndarray], list[str]]:
    """Varied parameters -> lists of standardised columns (a choice gives one dummy per option but the first)."""
    blocks, names = [], []
    for name, type_ in varied.items():
        column = frame[name]
        if type_ == "choice":
            options = sorted(column.astype(str).unique())
            cols = [(column.astype(str) == option).to_numpy(dtype=float) for option in options[1:]]
        else:
            cols = [column.to_numpy(dtype=float)]
        cols = [(c - c.mean()) / c.std() for c in cols if c.std() > 0]
        blocks.append(np.column_stack(cols) if cols else np.empty((len(frame), 0)))
        names.append(name)
    return blocks, names


CONFOUNDED_CORRELATION = 0.999  # two varied parameters this correlated in the design cannot be told apart


def confounded(final: pd.DataFrame, varied: Mapping[str, str]) -> list[str]:
    """Notes on varied parameters whose effects the design cannot separate.

    A regression splits one effect evenly between columns that move together (an explicit
    ``points:`` design can do that), so their SRCs come out equal whatever each really does.
    Pairs correlated beyond :data:`CONFOUNDED_CORRELATION` are named; a dependence among more
    than two is named as a whole.
    """
    blocks, names = _design_columns(final, varied)
    notes: list[str] = []
    paired: set[str] = set()
    for i, j in itertools.combinations(range(len(names)), 2):
        a, b = blocks[i], blocks[j]
        if not a.shape[1] or not b.shape[1]:
            continue
        r = np.abs(a.T @ b) / len(final)  # correlations of standardised columns
        if float(r.max()) > CONFOUNDED_CORRELATION:
            paired |= {names[i], names[j]}
            notes.append(
                f"{names[i]} and {names[j]} move together in this design (correlation {float(r.max()):.3f}): their "
                "SRCs share one effect and cannot be told apart; vary them independently to separate them"
            )
    x_all = np.column_stack(blocks) if sum(b.shape[1] for b in blocks) else np.empty((len(final), 0))
    if x_all.shape[1] and len(final) > x_all.shape[1] and not paired:
        if np.linalg.matrix_rank(x_all, tol=1e-6 * len(final)) < x_all.shape[1]:
            notes.append(
                "the varied parameters are linearly dependent in this design (one is a mix of others): "
                "their SRCs cannot be told apart; vary them independently"
            )
    return notes


def _r2(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    design = np.column_stack([np.ones(len(y)), x]) if x.size else np.ones((len(y), 1))
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    return 1.0 - float(residual @ residual) / float(y @ y), coef[1:]


def first_order_index(x: pd.Series, y: np.ndarray, discrete: bool) -> float:
    """Share of Var(y) explained by E[y | x] (a given-data first-order Sobol estimate).

    A discrete ``x`` (a choice, or a list or grid of values crossed with the rest of the
    design) is grouped by value. A sampled ``x`` is cut into at most 10 quantile bins
    holding at least 4 distinct values each, so that a bin never stands for a single
    future (which would credit ``x`` with everything that future's other values do);
    with fewer than 8 distinct values there is no estimate (NaN).
    """
    total = float(np.var(y))
    if total <= 0:
        return float("nan")
    if discrete:
        groups = x.astype(str).to_numpy()
    else:
        distinct = np.sort(x.unique())
        bins = min(MAX_BINS, len(distinct) // 4)
        if bins < 2:
            return float("nan")
        edges = distinct[np.linspace(0, len(distinct), bins + 1).astype(int)[1:-1]]
        groups = np.searchsorted(edges, x.to_numpy(), side="right")
    frame = pd.DataFrame({"g": groups, "y": y})
    means = frame.groupby("g")["y"].agg(["mean", "size"])
    between = float(np.sum(means["size"] * (means["mean"] - y.mean()) ** 2) / len(y))
    return between / total


def sensitivity(
    final: pd.DataFrame,
    varied: Mapping[str, str],
    metrics: Sequence[str] | None = None,
    discrete: Sequence[str] = (),
) -> pd.DataFrame:
    """Per outcome and varied parameter: SRC, importance, first-order index and rank (1 = matters most).

    Args:
        final: one row per run (inputs and outcomes).
        varied: parameter name -> its type (number, integer, bool, choice).
        discrete: parameters that took a fixed list of values crossed with the others
            (grids, value lists); bools and choices always are.
    """
    metrics = list(metrics or outcome_columns(final))
    blocks, names = _design_columns(final, varied)
    widths = [b.shape[1] for b in blocks]
    x_all = np.column_stack(blocks) if sum(widths) else np.empty((len(final), 0))
    rows = []
    for metric in metrics:
        y_raw = final[metric].to_numpy(dtype=float)
        spread = y_raw.std()
        if len(final) < 3 or not spread > 1e-9 * max(1.0, abs(float(y_raw.mean()))):
            for name in names:
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "src": math.nan,
                        "importance": 0.0,
                        "first_order": math.nan,
                        "r2": math.nan,
                    }
                )
            continue
        y = (y_raw - y_raw.mean()) / spread
        r2_full, coef = _r2(x_all, y)
        start = 0
        for name, width in zip(names, widths):
            if width == 0:
                src, importance = math.nan, 0.0
            elif varied[name] == "choice":
                rest = np.delete(x_all, range(start, start + width), axis=1)
                r2_rest, _ = _r2(rest, y)
                src, importance = math.nan, math.sqrt(max(0.0, r2_full - r2_rest))
            else:
                src = float(coef[start])
                importance = abs(src)
            rows.append(
                {
                    "metric": metric,
                    "parameter": name,
                    "src": src,
                    "importance": importance,
                    "first_order": first_order_index(
                        final[name], y, varied[name] in ("choice", "bool") or name in discrete
                    ),
                    "r2": r2_full,
                }
            )
            start += width
    table = pd.DataFrame(rows)
    if len(table):
        table["rank"] = table.groupby("metric")["importance"].rank(ascending=False, method="first").astype(int)
        table = table.sort_values(["metric", "rank"], key=lambda s: s.map(metrics.index) if s.name == "metric" else s)
    return table.reset_index(drop=True)


def salib_indices(
    final: pd.DataFrame,
    design: pd.DataFrame,
    names: Sequence[str],
    method: str,
    morris_levels: int = 4,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """SALib Morris or Sobol indices per outcome and varied parameter.

    ``design`` has one row per design point (``point`` and the varied values) in the
    order SALib sampled them; ``final`` one row per run in its final year. Outputs are
    averaged over replications per point. Bounds are the sampled values' min and max.
    Sobol infers second-order indices from the sample size (N(2D+2) rows) else first
    and total only (N(D+2) rows).
    """
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
    except ImportError:
        raise ExperimentError(f"--method {method} needs SALib: pip install 'aisim[salib]'") from None
    design = design.sort_values("point").reset_index(drop=True)
    words = [name for name in names if not pd.api.types.is_numeric_dtype(design[name])]
    if words:
        raise ExperimentError(
            f"--method {method} needs numeric parameters, but {words[0]} takes choices "
            f"({', '.join(map(str, sorted(set(design[words[0]]))))}); use --method regression"
        )
    x = design[list(names)].to_numpy(dtype=float)
    d = len(names)
    if method == "morris" and len(x) % (d + 1):
        raise ExperimentError(
            f"{len(x)} points is not a Morris sample of {d} parameters (trajectories of {d + 1} points each)"
        )
    means = final.groupby("point").mean(numeric_only=True)
    missing = sorted(set(design["point"]) - set(means.index))
    if missing:
        raise ExperimentError(
            f"{len(missing)} design point(s) have no finished run (first: {missing[0]}); "
            f"SALib's {method} analysis needs every point of its sample: finish the sweep first"
        )
    problem = {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [[float(x[:, j].min()), float(x[:, j].max())] for j in range(len(names))],
    }
    rows = []
    for metric in metrics or outcome_columns(final):
        y = means.loc[design["point"], metric].to_numpy(dtype=float)
        if not np.std(y) > 0:  # the same in every run: no index to estimate
            columns = (
                ("mu", "mu_star", "sigma", "mu_star_conf") if method == "morris" else ("S1", "S1_conf", "ST", "ST_conf")
            )
            rows += [{"metric": metric, "parameter": name, **dict.fromkeys(columns, math.nan)} for name in names]
            continue
        if method == "morris":
            try:
                result = morris_analyze.analyze(problem, x, y, num_levels=morris_levels, seed=0)
            except (ValueError, ZeroDivisionError) as exc:  # SALib's own check of the sample
                raise ExperimentError(f"the points are not a Morris sample SALib can analyse ({exc})") from None
            columns = ("mu", "mu_star", "sigma", "mu_star_conf")
        else:
            if len(y) % (2 * d + 2) == 0:
                second = True
            elif len(y) % (d + 2) == 0:
                second = False
            else:
                raise ExperimentError(
                    f"{len(y)} points is not a Saltelli/Sobol sample of {d} parameters (N x {2 * d + 2} or N x {d + 2})"
                )
            result = sobol_analyze.analyze(problem, y, calc_second_order=second, seed=0)
            columns = ("S1", "S1_conf", "ST", "ST_conf")
        rows += [
            {"metric": metric, "parameter": name, **{key: float(result[key][j]) for key in columns}}
            for j, name in enumerate(names)
        ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- charts
def _policy_labels(design: pd.DataFrame, policy_names: Sequence[str]) -> dict[int, str]:
    labels = {}
    for policy, group in design.groupby("policy", sort=True):
        first = group.iloc[0]
        text = ", ".join(f"{name}={_show(first[name])}" for name in policy_names)
        labels[int(policy)] = text or "baseline policy"
    return labels


def _show(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return chart_text(str(value))


CHART_TEXT_CHARS = 60


def chart_text(text: str) -> str:
    """A user's text (a parameter's label, a choice) as a chart draws it: as written. matplotlib reads
    text between two ``$`` as mathematics (``$\\foo$`` ended analyze in a traceback, ``$5 to $10`` lost
    its dollars); control characters drew as boxes (now shown escaped, as errors show them); long labels
    ran over the next panel (now cut, as errors cut them)."""
    return one_line(text.replace("$", r"\$"), CHART_TEXT_CHARS)


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _metric_title(metric: str) -> str:
    info = METRICS[metric]
    return f"{info.label_en} ({info.unit})"


def fan_charts(years: pd.DataFrame, labels: Mapping[int, str], metrics: Sequence[str], path: Path) -> Path:
    """Outcomes over years per policy: median line and 5-95 % band over futures and replications."""
    plt = _pyplot()
    policies = sorted(years["policy"].unique())[:MAX_FAN_POLICIES]
    cols = 3 if len(metrics) > 4 else 2
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.6 * rows + 1.2), squeeze=False)
    colours = plt.get_cmap("tab10")
    for ax, metric in zip(axes.flat, metrics):
        for i, policy in enumerate(policies):
            grouped = years[years["policy"] == policy].groupby("year")[metric]
            stats = grouped.quantile([0.05, 0.5, 0.95]).unstack()
            ax.fill_between(stats.index, stats[0.05], stats[0.95], color=colours(i % 10), alpha=0.18, linewidth=0)
            ax.plot(
                stats.index, stats[0.5], color=colours(i % 10), linewidth=2, label=labels.get(int(policy), str(policy))
            )
        ax.set_title(_metric_title(metric), fontsize=10)
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=min(2, len(names)), fontsize=9, frameon=False)
    fig.suptitle(
        "Outcomes over time per policy (line: median; band: 5-95 % over futures and replications)", fontsize=11
    )
    fig.tight_layout(rect=(0, 0.04 + 0.03 * math.ceil(len(names) / 2), 1, 0.96))
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    finally:
        plt.close(fig)
    return path


def tornado_chart(table: pd.DataFrame, labels: Mapping[str, str], metrics: Sequence[str], path: Path) -> Path:
    """Per outcome, the varied parameters by importance: signed SRC bars (choices: importance, hatched)."""
    plt = _pyplot()
    cols = 3 if len(metrics) > 4 else 2
    rows = math.ceil(len(metrics) / cols)
    parameters = table["parameter"].nunique()
    height = max(2.4, 0.42 * parameters + 1.2)
    fig, axes = plt.subplots(rows, cols, figsize=(5.6 * cols, height * rows + 0.8), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        part = table[table["metric"] == metric].sort_values("importance")
        values = [r.src if not math.isnan(r.src) else r.importance for r in part.itertuples()]
        colours = [
            "#7f7f7f" if math.isnan(r.src) else ("#2a7ab9" if r.src >= 0 else "#d1495b") for r in part.itertuples()
        ]
        bars = ax.barh([labels.get(p, p) for p in part["parameter"]], values, color=colours)
        for bar, r in zip(bars, part.itertuples()):
            if math.isnan(r.src):
                bar.set_hatch("//")
        r2 = part["r2"].iloc[0] if len(part) else float("nan")
        ax.set_title(f"{METRICS[metric].label_en}  (R² {r2:.2f})", fontsize=10)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlim(-1.05, 1.05)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="y", labelsize=8)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    fig.suptitle(
        "What matters most: standardised regression coefficients (blue +, red -; grey hatched: choice, unsigned)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    finally:
        plt.close(fig)
    return path


def tradeoff_chart(final: pd.DataFrame, labels: Mapping[int, str], x: str, y: str, path: Path) -> Path:
    """One dot per run (final year) coloured by policy; the policy means as large markers."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 6.2))
    colours = plt.get_cmap("tab10")
    policies = sorted(final["policy"].unique())
    for i, policy in enumerate(policies[:MAX_FAN_POLICIES]):
        part = final[final["policy"] == policy]
        colour = colours(i % 10)
        ax.scatter(part[x], part[y], s=24, alpha=0.6, color=colour, linewidths=0)
        ax.scatter(
            [part[x].mean()],
            [part[y].mean()],
            s=140,
            color=colour,
            edgecolors="black",
            marker="D",
            label=labels.get(int(policy), str(policy)),
        )
    if len(policies) > MAX_FAN_POLICIES:
        rest = final[final["policy"].isin(policies[MAX_FAN_POLICIES:])]
        ax.scatter(
            rest[x],
            rest[y],
            s=10,
            alpha=0.3,
            color="#999999",
            label=f"{len(policies) - MAX_FAN_POLICIES} other policies",
        )
    ax.set_xlabel(_metric_title(x))
    ax.set_ylabel(_metric_title(y))
    ax.grid(alpha=0.3)
    ax.set_title(
        f"Trade-off in the final year: {METRICS[x].label_en} vs {METRICS[y].label_en}\n(dots: runs; diamonds: policy means)",
        fontsize=11,
    )
    ax.legend(fontsize=8, loc="best", framealpha=0.85)
    fig.tight_layout()
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    finally:
        plt.close(fig)
    return path


# ---------------------------------------------------------------------- driver
def check_levels(levels: Any, what: str) -> int:
    """A Morris sample's ``num_levels`` (at least 2), else ExperimentError naming ``what``."""
    from sim.core.arguments import whole_arg

    return whole_arg(levels, what, 2, 1000, "the Morris sample's num_levels, at least 2", ExperimentError)


def check_outcome(metric: Any, what: str) -> str:
    """``metric`` when it names an outcome (a trade-off chart's axis), else ExperimentError naming ``what``."""
    if isinstance(metric, str) and metric in METRICS:
        return metric
    if not isinstance(metric, str):
        raise ExperimentError(f"{what}: expected an outcome name, got {describe(metric)}")
    from sim.schema import suggest

    raise ExperimentError(f"{what}: unknown outcome {metric!r}{suggest(metric, list(METRICS), 'known')}")


def analyze_folder(
    folder: Path,
    out: Path | None = None,
    x: str = "consumer_surplus",
    y: str = "sovereignty_index",
    charts: bool = True,
    method: str = "regression",
    morris_levels: int = 4,
) -> Analysis:
    """Read a sweep folder and write summary.csv, sensitivity.csv and charts into ``out`` (default DIR/analysis).

    ``method`` ``morris`` or ``sobol`` also writes SALib's indices (``morris.csv`` or ``sobol.csv``);
    ``morris_levels`` must equal the ``num_levels`` the Morris sample was drawn with.
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ExperimentError(f"method: expected one of {', '.join(METHODS)}, got {describe(method)}")
    check_levels(morris_levels, "morris_levels")
    check_outcome(x, "x")
    check_outcome(y, "y")
    store = ResultStore.open(folder)
    manifest = store.manifest
    notes: list[str] = []
    data = store.read_results(notes)
    ok, failed = store.status()
    if data.empty:
        raise ExperimentError("no finished runs to analyse yet (run `aisim sweep` first)", file=str(folder))
    total = manifest.get("total_runs")
    if isinstance(total, int) and len(ok) + len(failed) < total:
        busy = " (a sweep is writing into it now)" if _locked(Path(folder)) else ""
        notes.append(
            f"the sweep is unfinished{busy}: {len(ok) + len(failed):,} of {total:,} runs done; "
            "these results cover only the finished runs (run the sweep command again to finish)"
        )
    varied = {name: info["type"] for name, info in manifest["varied"].items()}
    unknown = [name for name in varied if name not in data.columns]
    if unknown:
        raise ExperimentError(
            f"manifest.json names varied parameter {unknown[0]!r}, which the results do not hold; "
            "it was edited or damaged",
            file=str(folder),
        )
    keep = manifest["keep"]
    years = per_run_years(data, keep)
    final = final_year_rows(years)
    part = partial_year_note(final)
    if part:
        notes.append(part)
    out = check_path_text(str(out)) if out is not None else Path(folder) / "analysis"
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError("expected a folder for the analysis (not a file or a symbolic link)", file=str(out))
    if out.is_dir() and any(out.iterdir()) and out != Path(folder) / "analysis" and holds_aisim_result(out):
        raise OutputError("holds an aisim result; write the analysis elsewhere", file=str(out))
    inside = [f for f in (store.parts, store.commits) if out.resolve().is_relative_to(f.resolve())]
    if inside:  # parts/ must stay one dataset (pandas.read_parquet reads the folder), commits/ the sweep's own
        raise OutputError(
            f"is inside the sweep's {inside[0].name}/ folder; write the analysis elsewhere", file=str(out)
        )
    # SALib's indices first: a sample they cannot read is refused before anything is written
    salib = (
        salib_indices(final, store.read_design(), list(varied), method, morris_levels)
        if method != "regression"
        else None
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the analysis folder ({exc.strerror or exc})", file=str(out)) from None
    result = Analysis(
        folder=Path(folder),
        out=out,
        notes=notes,
        runs=int(final["run_id"].nunique()),
        failed=len(failed),
        final_year=int(final["year"].max()),
        summary=summarise_points(final, list(varied)),
        sensitivity=sensitivity(
            final, varied, discrete=[n for n, info in manifest["varied"].items() if info.get("discrete")]
        ),
    )
    summary_path, sensitivity_path = out / "summary.csv", out / "sensitivity.csv"
    atomic_write_text(summary_path, to_csv_text(result.summary, digits=6))
    atomic_write_text(sensitivity_path, to_csv_text(result.sensitivity, digits=4))
    result.files += [summary_path, sensitivity_path]
    if salib is not None:
        path = out / f"{method}.csv"
        atomic_write_text(path, to_csv_text(salib, digits=4))
        result.files.append(path)
        result.salib = salib
    result.notes += confounded(final, varied)
    if result.runs < len(varied) + 2:
        result.notes.append(
            f"only {result.runs} runs for {len(varied)} varied parameters: sensitivity is not meaningful"
        )
    if not charts:
        return result
    if _pyplot() is None:
        result.notes.append("charts skipped: install matplotlib (pip install 'aisim[charts]')")
        return result
    design = store.read_design()
    policy_names = [n for n, info in manifest["varied"].items() if info["kind"] == "lever"]
    labels = _policy_labels(design, policy_names)
    parameter_labels = _parameter_labels(folder)
    metrics = [m for m in KEY_METRICS if m in final.columns]
    if years["year"].nunique() > 1:
        result.files.append(fan_charts(years, labels, metrics, out / "fan-charts.png"))
    else:
        result.notes.append(
            "fan charts skipped: the sweep's rows hold one year (its scenario spans one, or it kept only the "
            "final year: keep: yearly or every_quarter for more)"
        )
    if varied and len(final) >= 3:
        result.files.append(tornado_chart(result.sensitivity, parameter_labels, metrics, out / "tornado.png"))
    result.files.append(tradeoff_chart(final, labels, x, y, out / "tradeoff.png"))
    if int(final["policy"].nunique()) > MAX_FAN_POLICIES:
        result.notes.append(f"charts show the first {MAX_FAN_POLICIES} policies only; summary.csv has them all")
    return result


def _locked(folder: Path) -> bool:
    """True if a sweep holds ``folder``'s lock right now."""
    import fcntl
    import os

    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _parameter_labels(folder: Path) -> dict[str, str]:
    """Parameter name -> English label, from the scenario stored with the sweep."""
    try:
        from sim.scenario import scenario_from_document

        scenario = scenario_from_document(
            json.loads(read_user_bytes(Path(folder) / "scenario.json", limit=MAX_USER_FILE_BYTES)), "scenario.json"
        )
    except Exception:  # noqa: BLE001 - labels are cosmetic; fall back to names
        return {}
    return {spec.name: chart_text(spec.label_for("en")) for spec in scenario.parameters}


NO_INDEX = (
    "no first-order index: a sampled parameter needs at least 8 distinct values for one "
    "(or vary it over a grid or a list of values)"
)


def _index(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def format_report(result: Analysis, top: int = 3) -> str:
    """Plain-text report: runs, the top drivers per outcome, files written."""
    lines = [f"{result.runs:,} runs analysed ({result.failed} failed), final year {result.final_year}", ""]
    unknown_index = False
    if len(result.sensitivity):
        lines.append(f"What matters most (|SRC|; first-order index in brackets; top {top}):")
        for metric, group in result.sensitivity.groupby("metric", sort=False):
            r2 = group["r2"].iloc[0]
            if math.isnan(r2):
                lines.append(f"  {METRICS[metric].label_en:<40} (the same in every run)")
                continue
            best = group.sort_values("rank").head(top)
            parts = [f"{r.parameter} {r.importance:.2f} [{_index(r.first_order)}]" for r in best.itertuples()]
            unknown_index = unknown_index or any(math.isnan(r.first_order) for r in best.itertuples())
            lines.append(f"  {METRICS[metric].label_en:<40} {'; '.join(parts)}   (R² {r2:.2f})")
        if unknown_index:
            lines.append(f"  [n/a]: {NO_INDEX}")
        lines.append("")
    if result.salib is not None and len(result.salib):
        key = "mu_star" if "mu_star" in result.salib.columns else "ST"
        lines.append(f"SALib {'Morris mu*' if key == 'mu_star' else 'Sobol total index ST'} (top {top}):")
        for metric, group in result.salib.groupby("metric", sort=False):
            best = group.dropna(subset=[key]).sort_values(key, ascending=False).head(top)
            parts = [f"{r.parameter} {getattr(r, key):.3g}" for r in best.itertuples()]
            lines.append(f"  {METRICS[metric].label_en:<40} {'; '.join(parts) or '(the same in every run)'}")
        lines.append("")
    lines += [f"  wrote {path}" for path in result.files]
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines)
