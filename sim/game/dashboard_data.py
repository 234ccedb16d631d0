"""The dashboard's pure data helpers: lever values as text, slider snapping, firm cards, partners, news.

No widgets here (pygame-gui escaping only), so each piece is tested alone.
"""

from __future__ import annotations

import re

from sim.game import charts, units
from sim.game.i18n import display_name, pick, short_name
from sim.game.screens.base import escape
from sim.korean import particle
from sim.model.outcomes import HEADLINE_METRICS, METRICS
from sim.params import ParameterSpec
from sim.timeline import quarter_label


def why_outcomes() -> list[str]:
    """Outcomes the Why panel explains: the headline ones and any other metric the model reports."""
    rest = [m for m in METRICS if m not in HEADLINE_METRICS and m != "domestic_revenue_share"]
    return [m for m in HEADLINE_METRICS if m != "domestic_revenue_share"] + rest


def snap(spec: ParameterSpec, raw: float):
    """A slider position -> the nearest allowed value on the spec's step grid."""
    assert spec.min is not None and spec.max is not None and spec.step
    value = spec.min + round((raw - spec.min) / spec.step) * spec.step
    value = min(max(value, spec.min), spec.max)
    return int(round(value)) if spec.type == "integer" else round(value, 10)


def firm_cards(model, lang: str = "en") -> list[dict]:
    """Data for the firm cards: active firms by revenue share, with their partner platforms (names in ``lang``)."""
    partners: dict[int, list[str]] = {}
    for p in model.partners:
        if p.provider >= 0:
            partners.setdefault(p.provider, []).append(short_name(display_name(p, lang)))
    rows = []
    for firm in model.firms:
        if not firm.available:
            continue
        rows.append(
            {
                "id": firm.firm_id,
                "name": display_name(firm, lang),
                "share": firm.revenue_share,
                "capability": firm.capability,
                "korean_quality": firm.korean_quality,
                "price": firm.price,
                "cash": firm.cash_usd_bn,
                "partners": partners.get(firm.index, []),
            }
        )
    rows.sort(key=lambda r: -r["share"])
    return rows


def partner_rows(model, lang: str) -> list[dict]:
    """Which AI provider each partner platform uses (names in ``lang``)."""
    rows = []
    for p in model.partners:
        provider = model.firms[p.provider] if p.provider >= 0 else None
        own = display_name(model.firms[p.own_model], lang) if p.own_model >= 0 else None
        detail = (
            f"{charts.t('until', lang)} {quarter_label(p.contract_end)}"
            if lang == "en"
            else f"{units.quarter_text(p.contract_end, lang)}{charts.t('until', lang)}"
        )
        if own:
            detail += f" · {charts.t('own_model', lang)}: {own}"
        rows.append(
            {
                "platform": display_name(p, lang),
                "provider": display_name(provider, lang) if provider else "–",
                "provider_id": provider.firm_id if provider else "",
                "detail": detail,
            }
        )
    return rows


PARTICLE_AFTER_NAME = re.compile(r"(\S+?)(와|과|을|를|은|는|이|가)(?= 제휴| 시장| 계약)")


PAIR_OF = {
    "와": "와/과",
    "과": "와/과",
    "을": "을/를",
    "를": "을/를",
    "은": "은/는",
    "는": "은/는",
    "이": "이/가",
    "가": "이/가",
}


# A scenario author's Korean title may leave "(으)로" open after a name ("{name}(으)로 변경"); the
# model's own news chooses its particles (sim.korean) when it writes them.
OPEN_PARTICLE_AFTER_NAME = re.compile(r"(\S+?)\(으\)로")


def fix_particles(text: str) -> str:
    """Korean news with a particle glued to a name ('Anthropic와 제휴', '앤트로픽(으)로'), as a scenario's
    event titles may have it: choose it by the name."""

    def fix(match: re.Match) -> str:
        word, glued = match.group(1), match.group(2)
        return word + particle(word, PAIR_OF[glued])

    def fix_open(match: re.Match) -> str:
        return match.group(1) + particle(match.group(1), "(으)로")

    return OPEN_PARTICLE_AFTER_NAME.sub(fix_open, PARTICLE_AFTER_NAME.sub(fix, text))


def news_html(model, lang: str) -> str:
    """The news feed, newest first, with next quarter's scheduled events on top."""
    parts = []
    coming = [e for e in model.pending_events]
    if coming:
        items = "<br>".join(f"• {escape(pick(e['title'], lang))}" for e in coming)
        accent = charts.html_color(charts.ACCENT)
        parts.append(f"<font color='{accent}'><b>{escape(charts.t('coming_up', lang))}</b><br>{items}</font>")
    if not model.news:
        parts.append(escape(charts.t("no_news", lang)))
    for item in reversed(model.news[-80:]):
        text = fix_particles(item["ko"]) if lang == "ko" else item["en"]
        color = charts.html_color(
            {"event": charts.ACCENT, "entry": charts.GOOD, "exit": charts.BAD}.get(item["kind"], charts.TEXT)
        )
        parts.append(f"<font color='{color}'><b>{units.quarter_text(item['quarter'], lang)}</b></font> {escape(text)}")
    return "<br>".join(parts)
