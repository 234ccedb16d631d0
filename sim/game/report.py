"""End-of-game report: a text summary and a PNG of the key charts (used by the end screen's Export)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import pygame

from sim.core.files import atomic_write, atomic_write_text
from sim.core.stats import final_year
from sim.core.stats import final_year_value as year_value
from sim.game import charts, units
from sim.game.i18n import pick, t
from sim.game.session import GameSession
from sim.model.outcomes import HEADLINE_METRICS, METRICS
from sim.timeline import QUARTERS_PER_YEAR, quarter_label

SUMMARY_METRICS = (
    *HEADLINE_METRICS,
    "public_spend_krw_bn",
    "adoption_rate",
    "active_firms",
)


def result_mark(met: bool, lang: str) -> str:
    """'[met]' or '[missed]' ('[달성]', '[미달]'): an objective's result in words, never in colour alone."""
    return f"[{t('met', lang) if met else t('missed', lang)}]"


def objective_line(result, lang: str, aggregate: str = "final") -> str:
    """'[met] label: value (≥ target)', both in the objective's own unit and period (a year for yearly sums)."""
    (value,), target = units.objective_texts(result.metric, [result.value], result.op, result.target, aggregate, lang)
    return f"{result_mark(result.met, lang)} {result.label_for(lang)}: {value} ({target})"


def objective_lines(session: GameSession, card, lang: str) -> list[str]:
    """One line per judged objective, with each objective's aggregate from the scenario."""
    how = {o["id"]: o.get("aggregate", "final") for o in session.scenario.objectives}
    return [objective_line(r, lang, how.get(r.id, "final")) for r in card.results]


def final_year_span(rows: list[dict], lang: str) -> str:
    """What the final year's rows cover: '2033' ('2033년'), or their quarters ('2025Q3 – 2026Q2') where they
    are not one whole calendar year (a game ending within a year)."""
    if len(rows) == QUARTERS_PER_YEAR and rows[0]["year"] == rows[-1]["year"]:
        return f"{rows[-1]['year']}년" if lang == "ko" else str(rows[-1]["year"])
    return f"{units.quarter_text(rows[0]['quarter'], lang)} – {units.quarter_text(rows[-1]['quarter'], lang)}"


def final_year_value(rows: list[dict], metric: str) -> float:
    """A metric over the final year by its own rule: flows summed (a year's worth), levels averaged, stocks
    at the end (see :func:`sim.core.stats.final_year_value`)."""
    rule = METRICS[metric].per_year if metric in METRICS else "mean"
    values = [float(r[metric]) for r in rows if metric in r]
    if not values:
        return float("nan")
    return year_value(values, rule)


def final_year_text(metric: str, rows: list[dict], lang: str) -> str:
    """A metric's final-year figure with its unit; flows as a yearly total ('/yr', '연')."""
    period = "yr" if units.metric_period(metric) == "qtr" else None
    return units.metric_value(metric, final_year_value(rows, metric), lang, period)


def summary_text(session: GameSession, lang: str = "en") -> str:
    """A plain-text summary of a game: scenario, seed, score, objectives, outcomes vs baseline, decisions."""
    scenario = session.scenario
    lines = [
        f"{pick(scenario.title, lang)} ({scenario.name}, {t('seed', lang).lower()} {session.seed})",
        f"{units.quarter_text(scenario.start, lang)} - {units.quarter_text(session.model.quarter - 1, lang)}",
        "",
    ]
    card = session.scorecard()
    if card is not None:
        lines.append(f"{t('score', lang)}: {card.score:.0f}/100  {t('grade', lang)}: {card.grade}")
        ghost = session.ghost_scorecard()
        if ghost is not None:
            lines.append(f"{t('baseline_score', lang)}: {ghost.score:.0f}/100 ({ghost.grade})")
        lines.append("")
        lines.append(t("objectives", lang))
        lines.extend("  " + line for line in objective_lines(session, card, lang))
        lines.append("")
    if session.history:
        now = final_year(session.history)
        base = final_year(session.ghost_history)
        lines.append(t("final_outcomes", lang).format(year=final_year_span(now, lang)))
        for metric in SUMMARY_METRICS:
            if metric not in now[-1]:
                continue
            info = METRICS[metric]
            shown = final_year_text(metric, now, lang)
            if base and metric in base[-1]:
                shown += f"   ({t('baseline', lang)} {final_year_text(metric, base, lang)})"
            lines.append(f"  {info.label(lang)}: {shown}")
        lines.append("")
    if session.decisions:
        lines.append("Decisions" if lang == "en" else "결정")
        from sim.classroom.debrief import decision_text  # the one wording of a decision (levers, answers, ...)

        for quarter, decision in sorted(session.decisions.items()):
            lines.append(f"  {units.quarter_text(quarter, lang)}: {decision_text(decision, scenario, lang)}")
    return "\n".join(lines) + "\n"


def report_surface(session: GameSession, lang: str = "en", size: tuple[int, int] = (1200, 900)) -> pygame.Surface:
    """The key charts of a game on one surface: domestic share, market revenue, shares by firm."""
    surface = pygame.Surface(size)
    surface.fill(charts.BG)
    w, h = size
    card = session.scorecard()
    title = pick(session.scenario.title, lang)
    charts.text(surface, title, (20, 12), 22, charts.TEXT, bold=True, max_width=w - 40)
    if card is not None:
        charts.text(
            surface,
            f"{t('score', lang)} {card.score:.0f}/100 · {t('grade', lang)} {card.grade}",
            (20, 44),
            18,
            charts.ACCENT,
            bold=True,
        )
    labels = [quarter_label(q) for q in range(session.scenario.start, session.scenario.end + 1)]
    top = 80
    chart_h = (h - top - 20) // 2 - 6
    half = (w - 50) // 2
    for k, metric in enumerate(("domestic_revenue_share", "market_revenue_usd_bn")):
        info = METRICS[metric]
        you = [r[metric] for r in session.history]
        base = [r[metric] for r in session.ghost_history]
        share = info.unit == "share"
        image = charts.draw_line_chart(
            (half, chart_h),
            f"{info.label(lang)} ({units.metric_chart_unit(metric, lang)})",
            labels,
            len(labels),
            [(base, charts.ACCENT, True), (you, charts.ACCENT, False)],
            fmt=partial(units.axis_value, metric, lang=lang),
            legend=[(t("you", lang), charts.ACCENT)],
            y_max=1.0 if share else None,
        )
        surface.blit(image, (20 + k * (half + 10), top))
    stacked = charts.draw_session_shares((w - 40, chart_h), session, labels, len(labels), lang)
    surface.blit(stacked, (20, top + chart_h + 12))
    return surface


def export_report(session: GameSession, out_dir: str | Path, lang: str = "en") -> tuple[Path, Path]:
    """Write ``<scenario>-<time>-charts.png`` and ``-summary.txt`` into ``out_dir``; returns both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{session.scenario.name}-seed{session.seed}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    png = out / f"{stem}-charts.png"
    txt = out / f"{stem}-summary.txt"
    surface = report_surface(session, lang)
    atomic_write(png, lambda tmp: pygame.image.save(surface, str(tmp)))
    atomic_write_text(txt, summary_text(session, lang))
    return png, txt
