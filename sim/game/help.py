"""The Help screen's text (controls, the model in one page, what each lever does) and the lever tooltips.

What a lever does comes from the model's lever table (``sim.model.levers``: for each
lever the outcome it moves, the sign, the reason, what it costs and its side effects),
beside the lever's own help sentence from the scenario; Help and the tooltips show the
same lines (:func:`lever_explanation`).
"""

from __future__ import annotations

from sim.game.i18n import option_label, pick, t
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
    ("C, Shift+C", "key_chart"),
    ("W, Shift+W", "key_why"),
    ("[ ]", "key_speed"),
    ("PgUp / PgDn", "key_scroll_panel"),
    ("1-9 (event)", "key_answer"),
    ("L", "key_language"),
    ("+ / -", "key_scale"),
    ("F1 / H", "key_help_screen"),
    ("F11", "key_fullscreen"),
    ("Esc", "key_menu"),
    ("Tab, Shift+Tab, Enter", "key_focus"),
)


def lever_effect_row(lever: str) -> dict | None:
    """What ``lever`` is for, from the model's lever table (:mod:`sim.model.levers`): the outcome it moves,
    the sign, the reason, what it costs and its side effects (None for a lever the table does not name).

    The measured sizes of these effects, against seed noise, are in docs/lever-effects.md.
    """
    from sim.model.levers import EXPECTED

    e = EXPECTED.get(lever)
    if e is None:
        return None
    return {
        "lever": lever,
        "metric": e.metric,
        "expected_sign": e.sign,
        "reason": {"en": e.reason_en, "ko": e.reason_ko},
        "cost": {"en": e.cost_en, "ko": e.cost_ko},
        "side_effects": list(e.side_effects),
    }


def lever_effect_rows(scenario) -> list[dict]:
    """:func:`lever_effect_row` for every lever of ``scenario`` the model's table names."""
    rows = (lever_effect_row(spec.name) for spec in scenario.parameters.of_kind("lever"))
    return [row for row in rows if row is not None]


ARROWS = {1: "↑", -1: "↓"}


def _direction(metric: str, sign: int, lang: str) -> str:
    """'↑ Domestic revenue share': the outcome and which way the lever moves it when raised."""
    label = METRICS[metric].label(lang) if metric in METRICS else metric
    return f"{ARROWS.get(sign, '·')} {label}"


def lever_explanation(spec, lang: str) -> list[str]:
    """What a lever is, what it does and what it costs, as HTML lines (the tooltip and Help both show them).

    What it is: the scenario's help sentence. What it does: the outcome it moves when raised (a
    choice: towards its last option), with an arrow for the direction, and the mechanism. Cost and
    trade-off: the sentence, and the other headline outcomes it measurably moves. All from
    :mod:`sim.model.levers`; a lever the table does not name has its help sentence only.
    """
    lines = [escape(spec.help_for(lang))]
    row = lever_effect_row(spec.name)
    if row is None:
        return lines
    if spec.type == "choice":
        raising = t("lever_does_choice", lang).format(option=option_label(str(spec.options[-1]), lang))
    else:
        raising = t("lever_does", lang)
    does = _direction(row["metric"], row["expected_sign"], lang)
    lines.append(f"<b>{escape(raising)}:</b> {escape(does)} — {escape(pick(row['reason'], lang))}")
    sides = ", ".join(_direction(metric, sign, lang) for metric, sign in row["side_effects"])
    cost = pick(row["cost"], lang)
    if sides or cost:
        said = " — ".join(part for part in (sides, cost) if part)
        lines.append(f"<b>{escape(t('lever_tradeoff', lang))}:</b> {escape(said)}")
    return lines


def lever_tooltip(spec, lang: str, option: str | None = None) -> str:
    """A lever's tooltip (HTML): its name (and the ``option`` a choice button sets), what it is, what it
    does and what it costs."""
    title = spec.label_for(lang) + (f": {option_label(option, lang)}" if option is not None else "")
    return "<br>".join([f"<b>{escape(title)}</b>", *lever_explanation(spec, lang)])


def lever_lines(scenario, lang: str) -> list[str]:
    """One HTML paragraph per lever for Help: its name, what it is, what it does and what it costs."""
    return [
        f"<b>{escape(spec.label_for(lang))}</b><br>" + "<br>".join(lever_explanation(spec, lang))
        for spec in scenario.parameters.of_kind("lever")
    ]


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
