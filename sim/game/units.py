"""Every number the game shows, with its unit and period, in English or Korean: one home for formatting.

English writes ``$7.85 bn/qtr``, ``KRW 640 bn/yr``, ``37.0%``, ``+0.13 pp``;
Korean writes money in 억/조 (``연 6,400억 원``, ``분기 78.5억 달러``), counts in 만
(``1만 3천 장``), ``%p`` for percentage points, ``배`` for multiples and
``개 분기`` for a number of quarters. Metric units come from
:data:`sim.model.outcomes.METRICS`; lever units from the parameter spec's English
unit text (unknown units fall back to "value unit", so new metrics and levers
still show something sensible).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from typing import Any

from sim.game.i18n import option_label, t
from sim.model.outcomes import METRICS
from sim.model.policies import is_spending

PERIODS = ("qtr", "yr")
# metrics that measure a distance behind the frontier (a frontier index): a tile writes '21.9% behind', an
# objective turns it round into the level it asks for ('≥ 89% of the frontier'). Other frontier indices
# (domestic_capability_weighted) are levels already.
FRONTIER_GAPS = frozenset({"capability_gap"})


def group(value: float, decimals: int = 0) -> str:
    """1234.5 -> '1,234.5' (thousands separators; ``decimals`` after the point)."""
    return f"{value:,.{decimals}f}"


def _sig(value: float, digits: int = 3) -> str:
    """A number with about ``digits`` significant digits and thousands separators: 7.85, 78.5, 1,234."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = int(math.floor(math.log10(abs(value))))
    decimals = max(0, digits - 1 - magnitude)
    return group(value, decimals)


def korean_count(n: float) -> str:
    """A whole number in Korean style: 13000 -> '1만 3천', 250000 -> '25만', 1234 -> '1,234'."""
    n = int(round(n))
    sign = "-" if n < 0 else ""
    n = abs(n)
    if n < 10_000:
        return f"{sign}{n:,}"
    man, rest = divmod(n, 10_000)
    out = f"{man:,}만"
    if rest:
        out += f" {rest // 1000}천" if rest % 1000 == 0 else f" {rest:,}"
    return sign + out


def korean_won_from_krw_bn(krw_bn: float, extra: int = 0) -> str:
    """KRW bn (십억 원) -> '6,400억 원' / '1조 2,000억 원' / '5,000만 원' (``extra`` decimals more in 억)."""
    if krw_bn == 0:
        return "0원"
    eok = krw_bn * 10.0  # 1 bn won = 10억 원
    sign = "-" if eok < 0 else ""
    eok = abs(eok)
    if extra and eok >= 1:
        return f"{sign}{group(eok, extra)}억 원"
    if eok >= 10_000:
        jo, rest = divmod(round(eok), 10_000)
        return f"{sign}{jo:,}조" + (f" {rest:,}억" if rest else "") + " 원"
    if eok >= 10:
        return f"{sign}{round(eok):,}억 원"
    if eok >= 1:
        return f"{sign}{eok:.1f}억 원".replace(".0억", "억")
    return f"{sign}{round(eok * 10_000):,}만 원"


def korean_dollars_from_usd_bn(usd_bn: float, extra: int = 0) -> str:
    """USD bn -> '78.5억 달러' / '1,002억 달러' / '3,000만 달러' / '2억 달러' (``extra`` significant digits
    more; no trailing zeros: '2.00억' reads oddly in Korean)."""
    if usd_bn == 0:
        return "0달러"
    eok = usd_bn * 10.0
    sign = "-" if eok < 0 else ""
    eok = abs(eok)
    if eok >= 1000:
        return f"{sign}{group(eok, extra)}억 달러"
    if eok >= 1:
        return f"{sign}{_without_trailing_zeros(_sig(eok, 3 + extra))}억 달러"
    return f"{sign}{round(eok * 10_000):,}만 달러"


def with_period(text: str, period: str | None, lang: str) -> str:
    """Attach a period: en '… /qtr' or '… /yr'; ko '분기 …' or '연 …'."""
    if period is None:
        return text
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    if lang == "ko":
        return ("분기 " if period == "qtr" else "연 ") + text
    return f"{text}/{period}"


def usd_bn(value: float, lang: str, period: str | None = None, extra: int = 0) -> str:
    """Money in US dollars held in USD bn (three significant digits, ``extra`` more; no trailing zeros:
    '$0.2 bn', '$50 m', not '$0.200 bn', '$50.0 m')."""
    if lang == "ko":
        return with_period(korean_dollars_from_usd_bn(value, extra), period, lang)
    if value == 0:
        return with_period("$0", period, lang)
    sign = "-" if value < 0 else ""
    if abs(value) < 0.1:
        return with_period(f"{sign}${_without_trailing_zeros(_sig(abs(value) * 1000, 3 + extra))} m", period, lang)
    return with_period(f"{sign}${_without_trailing_zeros(_sig(abs(value), 3 + extra))} bn", period, lang)


def krw_bn(value: float, lang: str, period: str | None = None, extra: int = 0) -> str:
    """Money in won held in KRW bn (``extra`` decimals more)."""
    if lang == "ko":
        return with_period(korean_won_from_krw_bn(value, extra), period, lang)
    return with_period(f"KRW {group(value, extra)} bn", period, lang)


def percent(value: float, decimals: int = 1) -> str:
    """A share 0-1 as '37.0%'."""
    return f"{value * 100:.{decimals}f}%"


def share_text(value: float, extra: int = 0) -> str:
    """A market share: '37.0%', and a second decimal below 10% ('3.10%'); ``extra`` decimals more."""
    return percent(value, (2 if abs(value) < 0.1 and value != 0 else 1) + extra)


def points_change(delta_share: float, lang: str, decimals: int = 2) -> str:
    """A change of a share in percentage points: '+0.13 pp' / '+0.13%p'."""
    return f"{delta_share * 100:+.{decimals}f}" + ("%p" if lang == "ko" else " pp")


def quarters(n: int, lang: str) -> str:
    """A number of quarters: '4 quarters' / '4개 분기' (not '4 분기', which reads as Q4)."""
    if lang == "ko":
        return f"{n}개 분기"
    return f"{n} quarter" + ("" if n == 1 else "s")


def metric_period(metric: str) -> str | None:
    """'qtr' for flows (a quarter's amount), None for levels and stocks."""
    info = METRICS.get(metric)
    return "qtr" if info is not None and info.per_year == "sum" else None


def metric_value(metric: str, value: float, lang: str = "en", period: str | None = "auto", extra: int = 0) -> str:
    """An outcome's value with its unit (and period for flows: a quarter's amount unless told 'yr');
    ``extra`` digits more than usual (to tell a value from a target it is close to)."""
    info = METRICS.get(metric)
    if period == "auto":
        period = metric_period(metric)
    if info is None:
        return _sig(float(value))
    unit = info.unit
    if unit == "USD bn":
        return usd_bn(value, lang, period, extra)
    if unit == "KRW bn":
        return krw_bn(value, lang, period, extra)
    if unit == "share":
        return share_text(value, extra)
    if unit.startswith("points"):
        return f"{group(value, extra)}" + ("점" if lang == "ko" else " pts")
    if metric in FRONTIER_GAPS:
        return percent(value, 1 + extra) + (" 뒤처짐" if lang == "ko" else " behind")
    if unit == "frontier index":
        shown = percent(value, 1 + extra)
        return ("최고 수준 대비 " + shown) if lang == "ko" else (shown + " of the frontier")
    if unit == "incidents":
        # a count of incidents is whole; the expected number has decimals
        count = group(value) if float(value).is_integer() else _sig(float(value), 3 + extra)
        shown = count + ("건" if lang == "ko" else (" incident" if value == 1 else " incidents"))
        return with_period(shown, period, lang)
    if unit == "millions":
        return f"{group(value * 100)}만" if lang == "ko" else f"{_sig(float(value))}M"
    if unit == "index":
        return f"{_sig(float(value))}" + (" (지수)" if lang == "ko" else " (index)")
    if unit == "firms":
        shown = f"{value:.0f}" + ("개" if lang == "ko" else (" firm" if round(value) == 1 else " firms"))
        return with_period(shown, period, lang)
    return with_period(f"{_sig(float(value))} {unit}".strip(), period, lang)


def metric_change(metric: str, delta: float, lang: str = "en", period: str | None = "auto") -> str:
    """A change in an outcome with its unit, and its period for a flow (a quarter's, unless told 'yr' or
    None): '+0.13 pp', '+$0.42 bn/qtr' ('분기 +4.2억 달러'), '-35 pts'."""
    info = METRICS.get(metric)
    if info is None:
        return f"{delta:+.3g}"
    if info.unit == "share" or info.unit == "frontier index":
        return points_change(delta, lang)
    if period == "auto":
        period = metric_period(metric)
    sign = "+" if delta >= 0 else "-"
    return with_period(sign + metric_value(metric, abs(delta), lang, period=None), period, lang)


def metric_chart_unit(metric: str, lang: str) -> str:
    """The unit line of a chart title: 'USD bn per quarter' / '분기, 억 달러'."""
    info = METRICS.get(metric)
    if info is None:
        return ""
    flows = info.per_year == "sum"
    en = {
        "USD bn": "USD bn per quarter" if flows else "USD bn",
        "KRW bn": "KRW bn per quarter" if flows else "KRW bn",
        "share": "%",
        "frontier index": "% behind the frontier" if metric in FRONTIER_GAPS else "% of the frontier",
        "firms": "firms",
    }
    ko = {
        "USD bn": "분기, 억 달러" if flows else "억 달러",
        "KRW bn": "분기, 억 원" if flows else "억 원",
        "share": "%",
        "frontier index": "최고 수준 대비 %",
        "firms": "개",
    }
    table = ko if lang == "ko" else en
    if info.unit.startswith("points"):
        return "점, 0-10,000" if lang == "ko" else "points, 0-10,000"
    return table.get(info.unit, info.unit)


def axis_value(metric: str, value: float, lang: str, step: float | None = None) -> str:
    """A short axis tick label in the chart's unit (see :func:`metric_chart_unit`). With ``step``, the
    ticks' spacing, as many decimals as tell neighbouring ticks apart."""
    info = METRICS.get(metric)
    unit = info.unit if info else ""
    scale = (
        100.0 if unit in ("share", "frontier index") else 10.0 if lang == "ko" and unit in ("USD bn", "KRW bn") else 1.0
    )
    suffix = "%" if scale == 100.0 else ""  # money in Korean is counted in 억
    if step is None:
        return (f"{value * 100:.0f}" if suffix else _sig(value * scale, 2)) + suffix
    decimals = max(0, -math.floor(math.log10(step * scale) + 1e-9))
    return group(value * scale, decimals) + suffix


def quarter_text(quarter: int | str, lang: str) -> str:
    """A quarter: '2025Q3' in English, '2025년 3분기' in Korean. Takes a quarter number or a '2025Q3' label."""
    if isinstance(quarter, str):
        year, _, q = quarter.partition("Q")
        year_n, q_n = int(year), int(q)
    else:
        year_n, q_n = quarter // 4, quarter % 4 + 1
    return f"{year_n}년 {q_n}분기" if lang == "ko" else f"{year_n}Q{q_n}"


def speed_text(quarters_per_second: float, lang: str) -> str:
    """An autoplay speed: '2 q/s' / '초당 2분기'."""
    shown = f"{quarters_per_second:g}"
    return f"초당 {shown}분기" if lang == "ko" else f"{shown} q/s"


# -- levers -------------------------------------------------------------------


def lever_text(spec: Any, value: Any, lang: str) -> str:
    """A lever's value with its unit, as shown next to its control (and in the debrief's decisions)."""
    if spec.type == "bool":
        return t("on" if value else "off", lang)
    if spec.type == "choice":
        return option_label(str(value), lang)
    return lever_value(spec, value, lang)


def lever_value(spec: Any, value: Any, lang: str = "en") -> str:
    """A policy lever's numeric value with its unit, read from the spec's English unit text."""
    unit = (getattr(spec, "unit", "") or "").strip()
    if unit == "KRW bn/yr":
        return krw_bn(value, lang, "yr")
    if unit == "KRW bn":
        return krw_bn(value, lang)
    if unit == "thousand GPUs":
        count = value * 1000
        return f"{korean_count(count)} 장" if lang == "ko" else f"{group(count)} GPUs"
    if unit == "price advantage":
        return f"{percent(value, 0)} 가격 우대" if lang == "ko" else f"{percent(value, 0)} price advantage"
    if unit == "x obligations":
        return f"의무 {value:.1f}배" if lang == "ko" else f"{value:.1f}× obligations"
    if unit == "per year":
        return f"연 {percent(value, 0)}" if lang == "ko" else f"{percent(value, 0)} a year"
    if unit == "quarters":
        return quarters(int(value), lang)
    if unit == "share":
        return percent(value, 0)
    if unit == "share of R&D":
        return f"연구개발비의 {percent(value, 0)}" if lang == "ko" else f"{percent(value, 0)} of R&D"
    shown = f"{value:g}" if isinstance(value, int) else f"{value:.4g}"
    local = spec.unit_for(lang) if hasattr(spec, "unit_for") else unit
    return f"{shown} {local}".strip()


# -- objectives -----------------------------------------------------------------


def objective_period(objective_aggregate: str, metric: str) -> str | None:
    """'yr' when an objective sums a flow over a year (compare it with a yearly total), else None (a level,
    or a flow summed over every quarter played: a total, not a rate)."""
    return "yr" if objective_aggregate == "final_year_sum" and metric_period(metric) == "qtr" else None


def shared_words(values: Sequence[str]) -> tuple[str, list[str], str]:
    """The words a few values written with their unit share before and after them, and each value without
    them: ('KRW 3,065 bn/yr', 'KRW 2,500 bn/yr') -> ('KRW ', ['3,065', '2,500'], ' bn/yr'); in Korean the
    unit may come first ('연 '). Only whole words are shared (never the '억' of '3,064억'), so each value
    keeps its own digits and magnitude."""
    prefix = os.path.commonprefix(list(values))
    prefix = prefix[: prefix.rfind(" ") + 1]  # whole words only
    suffix = os.path.commonprefix([v[len(prefix) :][::-1] for v in values])[::-1]
    suffix = suffix[suffix.find(" ") :] if " " in suffix else ""
    return prefix, [v[len(prefix) : len(v) - len(suffix)] for v in values], suffix


def objective_measure(metric: str, lang: str) -> str | None:
    """What an objective on ``metric`` measures, in a few words and in the objective's own terms (one on the
    capability gap is judged on the best domestic model's level: 'Best domestic model'); None for a firm's
    column."""
    info = METRICS.get(metric)
    if info is None:
        return None
    if metric in FRONTIER_GAPS:
        return "최고 국산 모델" if lang == "ko" else "Best domestic model"
    return info.short_label(lang)


def objective_value(metric: str, value: float, lang: str, period: str | None, extra: int = 0) -> str:
    """An objective's value in the objective's own terms (the capability gap as '% of the frontier')."""
    if metric in FRONTIER_GAPS:
        shown = percent(1.0 - value, 1 + extra)
        return f"최고 수준의 {shown}" if lang == "ko" else f"{shown} of the frontier"
    return metric_value(metric, value, lang, period, extra)


def firm_value(field: str, value: float, lang: str, period: str | None = "auto", extra: int = 0) -> str:
    """One firm's column of firms.csv (``firm.<field>`` in a lesson's objectives) with its unit: money in
    USD bn (a quarter's flow unless told 'yr'; cash is a stock), shares in %, users in millions."""
    if field.endswith("_usd_bn"):
        if period == "auto":
            period = None if field == "cash_usd_bn" else "qtr"
        return usd_bn(value, lang, period, extra)
    if field == "revenue_share" or field.startswith("share_"):
        return share_text(value, extra)
    if field.startswith("users_"):
        return metric_value("users_m", value, lang, None)
    if field in ("capability", "offered_capability"):
        return objective_value("capability_gap", 1.0 - value, lang, None, extra)  # relative to the frontier
    return _sig(float(value), 3 + extra)


def decision_value(field: str, value: float, lang: str) -> str:
    """A firm's decision field (``sim.model.policies.FIRM_DECISION_FIELDS``) with its unit: the price as a
    multiple of the benchmark price, spending in money a year."""
    if field == "price":
        return f"기준의 {value:.2f}배" if lang == "ko" else f"{value:.2f}× the benchmark"
    if is_spending(field):
        return usd_bn(value, lang, "yr")
    return _sig(float(value))


def objective_result(metric: str, value: float, aggregate: str, lang: str, extra: int = 0) -> str:
    """The value an objective is judged on, in its own terms: an outcome (``metric``) or a firm's column
    (``firm.<field>``, optionally ``@firm``), summed over a year when its ``aggregate`` says so."""
    name = metric.split("@")[0]
    if name.startswith("firm."):
        field = name.removeprefix("firm.")
        flow = field.endswith("_usd_bn") and field != "cash_usd_bn"
        if flow and aggregate.endswith("sum"):  # a year's total, or the total over every quarter played
            return firm_value(field, value, lang, "yr" if aggregate == "final_year_sum" else None, extra)
        return firm_value(field, value, lang, extra=extra)
    return objective_value(name, value, lang, objective_period(aggregate, name), extra)


OP_SYMBOLS = {">=": "≥", "<=": "≤"}


def _without_trailing_zeros(text: str) -> str:
    """'258.30억' -> '258.3억', '29.00%' -> '29%': the number a text shows, whatever its decimals."""
    return re.sub(r"(\.\d*?[1-9])0+(?=\D|$)|\.0+(?=\D|$)", lambda m: m.group(1) or "", text)


def objective_goal(metric: str, op: str, target: float, aggregate: str, lang: str, extra: int = 0) -> str:
    """An objective's target in its own terms, firm objectives too (see :func:`objective_result`)."""
    name = metric.split("@")[0]
    if name.startswith("firm."):
        return f"{OP_SYMBOLS.get(op, op)} {objective_result(metric, target, aggregate, lang, extra)}"
    return objective_target(name, op, target, lang, objective_period(aggregate, name), extra)


def objective_target(metric: str, op: str, target: float, lang: str, period: str | None, extra: int = 0) -> str:
    """'≥ $27 bn/yr', '≤ 2,800 pts', and the capability gap as '≥ 88% of the frontier'."""
    if metric in FRONTIER_GAPS:
        op = {"<=": ">=", ">=": "<="}[op]
        target = 1.0 - target
        shown = percent(target, extra)
        text = f"최고 수준의 {shown}" if lang == "ko" else f"{shown} of the frontier"
    else:
        text = metric_value(metric, target, lang, period, extra)
    return f"{OP_SYMBOLS.get(op, op)} {text}"


def objective_texts(
    metric: str, values: Sequence[float | None], op: str, target: float, aggregate: str, lang: str
) -> tuple[list[str], str]:
    """Values an objective is judged on (None: '–') and its target, each in the objective's own terms, with
    as many more digits as show the target as it was set and keep a value that differs from the target from
    reading the same as it (they showed '29.0%' beside '≥ 29.0%' for a share of 28.98 % that missed its
    target, and '≥ 연 258억 달러' for a target of 258.3억)."""
    for extra in range(4):
        goal_number = objective_result(metric, target, aggregate, lang, extra)
        exact = _without_trailing_zeros(goal_number) == _without_trailing_zeros(
            objective_result(metric, target, aggregate, lang, extra + 1)
        )
        shown = [objective_result(metric, v, aggregate, lang, extra) if v is not None else "–" for v in values]
        if exact and all(
            v is None or v == target or text != goal_number for v, text in zip(values, shown, strict=True)
        ):
            break
    return shown, objective_goal(metric, op, target, aggregate, lang, extra)
