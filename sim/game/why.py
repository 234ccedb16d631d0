"""The Why panel's content: plain sentences and bars, in the outcome's own units, from the counterfactual runs.

Two questions: why did this outcome change this quarter, and what has my policy
done so far compared with the baseline (no policy change, same random numbers).
The bars of each question add up exactly to the number its sentence states
(see :mod:`sim.game.attribution`). Pure data (no pygame), so it is tested alone.

One order everywhere: this quarter's bars start with the market itself (as its
sentence does), then the policy groups in the order the player first used them,
which is the order of the counterfactual runs (each bar includes its policy's
interaction with those above it); the bars so far are the same groups in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.game import units
from sim.game.attribution import CHOICES
from sim.game.i18n import firm_name, t
from sim.korean import particle
from sim.model.outcomes import METRICS

DOMESTIC = "metric:domestic_revenue_share"
SMALL = 1e-9  # changes below this are "no change"


@dataclass(frozen=True)
class Bar:
    """One bar: a label, an amount in the outcome's units, its text, and whether it moved the good way."""

    label: str
    amount: float
    text: str
    good: bool | None


@dataclass(frozen=True)
class WhyView:
    """What the Why panel shows: a sentence, then the parts as bars, in the outcome's own units."""

    title: str
    now_sentence: str
    now_bars: tuple[Bar, ...]
    total_sentence: str
    total_bars: tuple[Bar, ...]


def target_key(why_target: str | None) -> str:
    """The dashboard's choice (None: domestic firms, ``metric:X``, or a firm id) as an outcome key."""
    if why_target is None:
        return DOMESTIC
    return why_target if why_target.startswith("metric:") else f"firm:{why_target}"


def _metric(key: str) -> str | None:
    return key.split(":", 1)[1] if key.startswith("metric:") else None


def value_text(key: str, value: float, lang: str) -> str:
    """An outcome's value with its unit."""
    metric = _metric(key)
    return units.metric_value(metric, value, lang) if metric else units.percent(value)


def change_text(key: str, delta: float, lang: str) -> str:
    """A change in an outcome with its unit."""
    metric = _metric(key)
    return units.metric_change(metric, delta, lang) if metric else units.points_change(delta, lang)


def higher_is_better(key: str) -> bool | None:
    """Whether a rise in the outcome is good news."""
    metric = _metric(key)
    if metric is None:
        return None  # one firm's share: neither good nor bad for the player as such
    return METRICS[metric].higher_is_better if metric in METRICS else None


def group_label(group: str, session, lang: str) -> str:
    """The name of a group of the player's decisions (a lever or the event answers)."""
    if group == CHOICES:
        return t("event_answers", lang)
    params = session.scenario.parameters
    return params[group].label_for(lang) if group in params else group


def outcome_label(key: str, session, lang: str) -> str:
    """An outcome's label in the current language."""
    metric = _metric(key)
    if metric is not None:
        return METRICS[metric].label(lang) if metric in METRICS else metric
    return t("firm_share_of", lang).format(firm=firm_name(session.model, key.split(":", 1)[1], lang))


def _bar(label: str, key: str, amount: float, lang: str) -> Bar:
    better = higher_is_better(key)
    good = None if better is None or abs(amount) < SMALL else (amount > 0) == better
    return Bar(label, amount, change_text(key, amount, lang), good)


def why_view(session, why_target: str | None, lang: str) -> WhyView | None:
    """The Why panel for the dashboard's current choice, or None before two quarters are played."""
    key = target_key(why_target)
    name = outcome_label(key, session, lang)
    title = t("why_title", lang).format(outcome=name)
    split = session.decompose(key)
    step = session.quarter_change(key)
    if split is None or step is None:
        return None
    total, own, parts = step
    before = split.player - total
    policy = sum(amount for _, amount in parts)
    topic = name + particle(name, "은/는") if lang == "ko" else name
    now_sentence = t("why_now_sentence", lang).format(
        outcome=topic,
        before=value_text(key, before, lang),
        now=value_text(key, split.player, lang),
        now_ro=value_text(key, split.player, lang) + particle(value_text(key, split.player, lang), "(으)로"),
        change=change_text(key, total, lang),
        own=change_text(key, own, lang),
        policy=change_text(key, policy, lang),
    )
    now_bars = [_bar(t("market_itself", lang), key, own, lang)] + [
        _bar(group_label(g, session, lang), key, amount, lang) for g, amount in parts
    ]
    if split.parts:
        group, amount = max(split.parts, key=lambda p: abs(p[1]))
        biggest = t("why_biggest", lang).format(
            policy=group_label(group, session, lang), change=change_text(key, amount, lang)
        )
    else:
        biggest = t("why_no_policy", lang)
    total_sentence = t("why_total_sentence", lang).format(
        outcome=name + particle(name, "을/를") if lang == "ko" else name,
        change=change_text(key, split.total, lang),
        you=value_text(key, split.player, lang),
        baseline=value_text(key, split.baseline, lang),
        biggest=biggest,
    )
    total_bars = [_bar(group_label(g, session, lang), key, amount, lang) for g, amount in split.parts]
    return WhyView(title, now_sentence, tuple(now_bars), total_sentence, tuple(total_bars))
