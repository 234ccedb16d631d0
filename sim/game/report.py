"""End-of-game report: a text summary and a PNG of the key charts (used by the end screen's Export)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pygame

from sim.game import charts
from sim.game.i18n import pick, t
from sim.game.session import GameSession
from sim.model.outcomes import HEADLINE_METRICS, METRICS
from sim.timeline import quarter_label

SUMMARY_METRICS = (
    *HEADLINE_METRICS,
    "public_spend_krw_bn",
    "adoption_rate",
    "active_firms",
)


def objective_line(result, lang: str) -> str:
    info = METRICS.get(result.metric)
    fmt = info.fmt if info else "{:.3g}"
    mark = t("met", lang) if result.met else t("missed", lang)
    return f"[{mark}] {result.label_for(lang)}: {fmt.format(result.value)} ({result.op} {fmt.format(result.target)})"


def summary_text(session: GameSession, lang: str = "en") -> str:
    """A plain-text summary of a game: scenario, seed, score, objectives, outcomes vs baseline, decisions."""
    scenario = session.scenario
    lines = [
        f"{pick(scenario.title, lang)} ({scenario.name}, seed {session.seed})",
        f"{quarter_label(scenario.start)} - {quarter_label(session.model.quarter - 1)}",
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
        lines.extend("  " + objective_line(r, lang) for r in card.results)
        lines.append("")
    if session.history:
        lines.append(t("final_outcomes", lang))
        now = session.history[-1]
        base = session.ghost_history[-1] if session.ghost_history else {}
        for metric in SUMMARY_METRICS:
            info = METRICS[metric]
            shown = info.fmt.format(now[metric])
            if metric in base:
                shown += f"   ({t('baseline', lang)} {info.fmt.format(base[metric])})"
            lines.append(f"  {info.label(lang)}: {shown}")
        lines.append("")
    if session.decisions:
        lines.append("Decisions" if lang == "en" else "결정")
        for quarter, decision in sorted(session.decisions.items()):
            items = ", ".join(f"{k}={v}" for k, v in decision.items())
            lines.append(f"  {quarter_label(quarter)}: {items}")
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
            info.label(lang),
            labels,
            len(labels),
            [(base, charts.ACCENT, True), (you, charts.ACCENT, False)],
            fmt="{:.0%}" if share else "{:.3g}",
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
    pygame.image.save(report_surface(session, lang), str(png))
    txt.write_text(summary_text(session, lang), encoding="utf-8")
    return png, txt
