"""Data and drawing for the dashboard's always-visible panels: goals, the budget check, the preview summary.

The data helpers are pure (no pygame) and tested alone; ``draw_goals`` renders one
cached surface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pygame

from sim.game import charts, units
from sim.game.i18n import pick, t
from sim.game.screens.base import escape


@dataclass(frozen=True)
class Goal:
    """One objective as the player sees it while playing."""

    label: str
    short: str  # what the objective measures, in a few words (units.objective_measure), for a one-line goal
    now: str
    target: str
    projected: str | None
    met_now: bool
    met_projected: bool | None


def goals(session, projected: Mapping[str, float] | None, lang: str) -> list[Goal]:
    """The role's objectives: value so far, target, and the preview's projected end value (if any)."""
    from sim.objectives import aggregate, judge

    out = []
    rows = session.history
    for objective in session.scenario.objectives:
        metric, how = objective["metric"], objective.get("aggregate", "final")
        now_value = aggregate(rows, metric, how) if rows else None
        met_now = judge(objective, now_value)[0] if now_value is not None else False
        projected_value = (projected or {}).get(objective["id"])
        (now, projected_text), target = units.objective_texts(
            metric, [now_value, projected_value], objective["op"], float(objective["target"]), how, lang
        )
        label = pick(objective["label"], lang)
        out.append(
            Goal(
                label=label,
                short=units.objective_measure(metric, lang) or label,
                now=now,
                target=target,
                projected=projected_text if projected_value is not None else None,
                met_now=met_now,
                met_projected=judge(objective, projected_value)[0] if projected_value is not None else None,
            )
        )
    return out


DETAIL_SIZE = 10  # font size of a goal's second line
GOALS_HEADER_H = 24  # the strip's title line
GOAL_ROWS_H = 31  # a goal as two lines: its label, then now · target · projected
GOAL_LINE_H = 16  # a goal as one line, when the strip is too short for two each (seven goals at 960x600)


def goals_height(count: int, one_line: bool = False) -> int:
    """Pixels the goals strip needs for ``count`` goals, two lines each or (``one_line``) one."""
    return GOALS_HEADER_H + count * GOAL_LINE_H + 4 if one_line else GOALS_HEADER_H + count * GOAL_ROWS_H


def goal_details(goal: Goal, lang: str) -> list[str]:
    """Wordings of a goal's values (now, target, projected), longest first: a narrow strip drops words
    ("target", "projected" for →, "now", then a unit written once) before it would cut a value."""
    now, target = f"{t('goal_now', lang)} {goal.now}", goal.target
    if goal.projected is None:
        return [
            f"{now} · {t('goal_target', lang)} {target}",
            f"{now} · {target}",
            f"{goal.now} · {target}",
            _unit_once(goal.now, target),
        ]
    projected = f"{t('goal_projected', lang)} {goal.projected}"
    return [
        f"{now} · {t('goal_target', lang)} {target} · {projected}",
        f"{now} · {target} · {projected}",
        f"{now} · {target} · → {goal.projected}",
        f"{goal.now} · {target} · → {goal.projected}",
        _unit_once(goal.now, target, goal.projected),
    ]


def goal_detail(goal: Goal, lang: str, width: int) -> str:
    """A goal's second line: now, target and projected, in the longest wording that fits ``width`` pixels."""
    return charts.first_fitting(goal_details(goal, lang), DETAIL_SIZE, width)


def goal_tip_html(goal: Goal, lang: str, charted: str | None = None) -> str:
    """A goal's hover text: its whole label (the strip may cut it), its values in full, and, when a click
    charts what it measures, which outcome (``charted``, its label)."""
    lines = [f"<b>{escape(goal.label)}</b>", escape(goal_details(goal, lang)[0])]
    if charted:
        lines.append(f"<i>{escape(t('goal_click_charts', lang).format(metric=charted))}</i>")
    return "<br>".join(lines)


@dataclass(frozen=True)
class GoalRow:
    """Where a goal sits in the goals strip: its index among the goals, its top, and how it is written
    (two lines: label, then values; one line: ``values`` at the right of what it measures)."""

    index: int
    y: int
    two_lines: bool
    values: str = ""

    @property
    def height(self) -> int:
        """Pixels the goal takes in the strip."""
        return GOAL_ROWS_H if self.two_lines else GOAL_LINE_H


def goal_rows(size: tuple[int, int], items: list[Goal], lang: str) -> list[GoalRow]:
    """The goals strip's layout: the goals shown, each as one or two lines (see :func:`draw_goals`).

    One home for the layout: the strip draws it, and a click finds its goal with :func:`goal_at`.
    """
    w, h = size
    one_line = goals_height(len(items)) > h
    spare = h - goals_height(len(items), one_line=True)  # pixels left for goals that need two lines
    if not one_line or spare >= 0:
        shown = len(items)
    else:
        shown = max(0, (h - goals_height(0, one_line=True)) // GOAL_LINE_H - 1)
    rows = []
    y = GOALS_HEADER_H
    for index, goal in enumerate(items[:shown]):
        if not one_line:
            rows.append(GoalRow(index, y, True))
            y += GOAL_ROWS_H
            continue
        details = goal_details(goal, lang)
        room = w - 42 - charts.font(11).size(goal.short)[0]  # beside the measure's words, whole
        values = charts.first_fitting(details, DETAIL_SIZE, room)
        if charts.font(DETAIL_SIZE).size(values)[0] > room:
            if spare >= GOAL_ROWS_H - GOAL_LINE_H:
                spare -= GOAL_ROWS_H - GOAL_LINE_H
                rows.append(GoalRow(index, y, True))
                y += GOAL_ROWS_H
                continue
            values = charts.first_fitting(details, DETAIL_SIZE, (w - 34) * 2 // 3)  # the values whole, words cut
        rows.append(GoalRow(index, y, False, values))
        y += GOAL_LINE_H
    return rows


def goal_at(size: tuple[int, int], items: list[Goal], lang: str, pos: tuple[int, int]) -> int | None:
    """The index of the goal drawn at ``pos`` (relative to the strip), if any."""
    x, y = pos
    if not 0 <= x < size[0]:
        return None
    return next((row.index for row in goal_rows(size, items, lang) if row.y <= y < row.y + row.height), None)


def draw_goals(size: tuple[int, int], items: list[Goal], score: str, lang: str, role: str = "") -> pygame.Surface:
    """The goals strip: each objective (mark by shape and colour) with its values, and the score so far; in a
    lesson, whose goals they are (``role``: hot-seat teams share the screen).

    A goal takes two lines, its label and then its values, where the strip has room for all of them that way
    (:func:`goals_height`). Else a goal takes one line, what it measures in a few words and then its values,
    and a goal whose values leave no room for those words whole takes two lines while the strip has room
    to spare. Every goal is shown: ones that would not fit even one line each are counted on a last line.
    """
    surface = pygame.Surface(size)
    surface.fill(charts.PANEL)
    w, h = size
    title = f"{t('goals', lang)}: {role}" if role else t("goals", lang)
    # the score whole where it fits in half the strip; the title (whose role's name is prose) takes the rest
    score_w = charts.text(surface, score, (w - 8, 5), 12, charts.ACCENT, anchor="topright", max_width=w // 2 - 12).width
    charts.text(surface, title, (8, 4), 13, charts.TEXT, bold=True, max_width=w - 24 - score_w)
    rows = goal_rows(size, items, lang)
    for row in rows:
        goal, y = items[row.index], row.y
        ok = goal.met_projected if goal.met_projected is not None else goal.met_now
        color = charts.GOOD_SAFE if ok else charts.BAD_SAFE
        charts.status_mark(surface, ok, (14, y + 8), color)
        if row.two_lines:
            charts.text(surface, goal.label, (26, y), 11, charts.TEXT, max_width=w - 34)
            charts.text(
                surface, goal_detail(goal, lang, w - 34), (26, y + 15), DETAIL_SIZE, charts.DIM, max_width=w - 34
            )
            continue
        right = charts.text(surface, row.values, (w - 8, y + 1), DETAIL_SIZE, charts.DIM, anchor="topright")
        charts.text(surface, goal.short, (26, y), 11, charts.TEXT, max_width=max(0, right.left - 34))
    if len(rows) < len(items):
        y = rows[-1].y + rows[-1].height if rows else GOALS_HEADER_H
        more = t("goals_more", lang).format(n=len(items) - len(rows))
        charts.text(surface, more, (26, y), DETAIL_SIZE, charts.DIM, max_width=w - 34)
    return surface


def _unit_once(now: str, target: str, projected: str | None = None) -> str:
    """'80.2% · ≥ 89% · → 90.2% of the frontier': the values with the words they share (a unit or period
    after them, or before them in Korean, see :func:`units.shared_words`) written once, for a goals strip
    too narrow for them in full (without ``projected``: '80.2% · ≥ 89% of the frontier')."""
    op, _, goal = target.partition(" ") if target[:1] in "≥≤" else ("", "", target)
    prefix, bare, suffix = units.shared_words([now, goal] if projected is None else [now, goal, projected])
    arrow = f" · → {bare[2]}" if projected is not None else ""
    return f"{prefix}{bare[0]} · {op} {bare[1]}{arrow}{suffix}".replace("  ", " ")


NO_CUTS: dict[str, Any] = {"scale": 1.0, "cuts": {}, "scaled_back": None}


def budget_may_cut(session) -> bool:
    """Whether next quarter's plan could run past the budget (only then is a dry run worth it).

    With room left this year for the whole plan with a margin (entitlements are estimated from
    last quarter and grow with the market), no programme can be cut.
    """
    model = session.model
    if model.finished:
        return False
    planned = sum(session.lever_costs().values())
    left = session.history[-1].get("budget_left_krw_bn") if session.history else None
    if left is None or session.history[-1].get("year") != model.quarter // 4:
        left = session.budget_krw_bn_per_year()  # a new year starts with the whole budget
    quarters_left = 4 - model.quarter % 4
    return planned * 1.5 > max(left, 0.0) / quarters_left * 4.0


def budget_dry_run(snapshot: bytes, pending: Mapping[str, Any], trial=None) -> dict[str, Any]:
    """The start of next quarter played on a model restored from ``snapshot`` with the ``pending``
    decisions, up to the budget's allocation (:meth:`AIMarketModel.open_budget`; the rest of the
    quarter cannot change it): what the budget cuts (``scale``, ``cuts`` lever -> KRW bn/yr not
    funded, and ``scaled_back``, KRW bn this quarter).

    ``trial``: that model, restored from ``snapshot`` ahead of time and not used since (it is used
    up). Touches nothing but its own copy, so it may run on a worker thread.
    """
    from sim.model.model import AIMarketModel

    if trial is None:
        trial = AIMarketModel.restore(snapshot)
    if pending:
        trial.apply_decision(dict(pending))
    trial.open_budget()
    # the model says which programmes it scaled back and by how much (KRW bn per year)
    regulator = trial.regulator
    scale = float(regulator.programme_scale)
    cuts = {k: v for k, v in regulator.scaled_back.items() if v > 0} if scale < 1 else {}
    return {"scale": scale, "cuts": cuts, "scaled_back": regulator.shortfall_krw_bn()}


def budget_check(session) -> dict[str, Any]:
    """What the budget does to the plan next quarter: a dry run of the quarter on a copy of the model.

    Returns ``scale`` (1.0: nothing cut), ``cuts`` (lever -> KRW bn/yr not funded) and the
    model's own ``scaled_back`` figure when it reports one.
    """
    if not budget_may_cut(session):
        return dict(NO_CUTS)
    return budget_dry_run(session.state_snapshot(), session.pending)


def budget_lines(session, check: Mapping[str, Any], lang: str) -> list[str]:
    """Plain lines for the lever panel: nothing, or which programmes will be scaled back and by how much."""
    if check["scale"] >= 0.999 or not check["cuts"]:
        return []
    params = session.scenario.parameters
    names = ", ".join(params[k].label_for(lang) for k in check["cuts"] if k in params)
    cut = sum(check["cuts"].values())
    return [
        t("budget_cut", lang).format(percent=units.percent(check["scale"], 0)),
        f"{names}: −{units.krw_bn(cut, lang, 'yr')}",
    ]
