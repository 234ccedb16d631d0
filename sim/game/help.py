"""The Help screen's text: controls, the model in one page, and what each lever does.

What a lever does comes from the model's lever table (``sim.model.levers``: for each
lever the outcome it moves, the sign and the reason), beside the lever's own help
sentence from the scenario.
"""

from __future__ import annotations

from sim.game.i18n import pick, t
from sim.game.screens.base import escape
from sim.model.outcomes import METRICS

CONTROLS = (
    ("Space / N", "key_next"),
    ("P", "key_pause"),
    ("A", "key_autoplay"),
    ("U, Ctrl+Z", "key_undo"),
    ("Ctrl+S", "key_save"),
    ("↑ ↓", "key_lever_select"),
    ("← →", "key_lever_move"),
    ("R", "key_reset"),
    ("1-4", "key_tabs"),
    ("1-9 (event)", "key_answer"),
    ("L", "key_language"),
    ("+ / -", "key_scale"),
    ("F1 / H", "key_help_screen"),
    ("F11", "key_fullscreen"),
    ("Esc", "key_menu"),
)


def lever_effect_rows(scenario) -> list[dict]:
    """What each lever is for, from the model's lever table (:mod:`sim.model.levers`): lever, metric, sign, reason.

    The measured sizes of these effects, against seed noise, are in docs/lever-effects.md.
    """
    from sim.model.levers import EXPECTED

    return [
        {"lever": name, "metric": e.metric, "expected_sign": e.sign, "reason": {"en": e.reason_en, "ko": e.reason_ko}}
        for name, e in EXPECTED.items()
        if name in scenario.parameters
    ]


def lever_lines(scenario, lang: str) -> list[str]:
    """One HTML paragraph per lever: its name and what it does."""
    rows = lever_effect_rows(scenario)
    out = []
    for spec in scenario.parameters.of_kind("lever"):
        what = escape(spec.help_for(lang))
        if rows:
            effects = []
            for row in rows:
                if row.get("lever") != spec.name:
                    continue
                metric = METRICS[row["metric"]].label(lang) if row.get("metric") in METRICS else row.get("metric")
                sign = {1: "↑", -1: "↓"}.get(row.get("expected_sign", 0), "·")
                reason = row.get("reason")
                reason = pick(reason, lang) if isinstance(reason, dict) else (reason or "")
                effects.append(f"{sign} {escape(str(metric))}" + (f": {escape(reason)}" if reason else ""))
            if effects:
                what += "<br>" + "<br>".join(effects)
        out.append(f"<b>{escape(spec.label_for(lang))}</b><br>{what}")
    return out


def help_html(scenario, lang: str) -> str:
    """The whole Help text as pygame-gui HTML."""
    parts = [f"<b>{escape(t('help_controls', lang))}</b>"]
    parts.append("<br>".join(f"<b>{escape(key)}</b>  {escape(t(name, lang))}" for key, name in CONTROLS))
    parts.append(f"<b>{escape(t('help_model_title', lang))}</b>")
    parts.append(escape(t("help_model", lang)).replace("\n", "<br>"))
    parts.append(f"<b>{escape(t('help_panels_title', lang))}</b>")
    parts.append(escape(t("help_panels", lang)).replace("\n", "<br>"))
    if scenario is not None:
        parts.append(f"<b>{escape(t('help_levers_title', lang))}</b>")
        parts.extend(lever_lines(scenario, lang))
    return "<br><br>".join(parts)
