"""A firm's or a partner platform's decision for the quarter (lesson roles other than the regulator).

Firms set price, R&D, compute, Korean-language investment and partnership bids
(fields from the model's ``FIRM_DECISION_FIELDS``); a slider left untouched
keeps the firm's standing decision or follows the model's rule. A platform picks a
provider and the terms for when its contract is up. The role's objectives, with
their current values, stay visible. Keys: ↑/↓ pick a firm's field, ←/→ move it,
Enter: decision made.
"""

from __future__ import annotations

import math

import pygame
import pygame_gui
from pygame_gui.elements import UIHorizontalSlider, UILabel, UITextBox

from sim.classroom.game import lesson_session, say
from sim.classroom.lesson import PARTNER_DEALS
from sim.classroom.session import LessonSession
from sim.errors import UserError
from sim.game import charts, units
from sim.game.i18n import deal_label, firm_name
from sim.game.screens.base import GuiItems, Screen, escape
from sim.game.screens.briefing import role_objectives_html
from sim.korean import with_particle
from sim.model.policies import FIRM_DECISION_FIELDS, field_label, is_spending

# A firm's spending sliders run on a logarithmic scale over the field's whole range: spending spans three
# orders of magnitude between firms (a startup's R&D of $10 m a year, a champion's $2 bn, the bound $20 bn),
# and a linear slider put a small firm's whole budget in its first few pixels. The price stays linear.
LOG_DECADES = 3.0
SLIDER_CLICK = 0.01  # an arrow click moves the slider by 1 % of its length (about 7 % of a spending value)


def slider_position(field: str, value: float) -> float:
    """Where ``value`` of a firm decision ``field`` sits on its slider (0 to 1)."""
    spec = FIRM_DECISION_FIELDS[field]
    low, high = spec["min"], spec["max"]
    share = (min(max(value, low), high) - low) / (high - low)
    if not is_spending(field):
        return share
    return math.log10(1.0 + (10.0**LOG_DECADES - 1.0) * share) / LOG_DECADES


def slider_value(field: str, position: float) -> float:
    """The ``field``'s value at a slider ``position`` (0 to 1), rounded to the field's step."""
    spec = FIRM_DECISION_FIELDS[field]
    low, high = spec["min"], spec["max"]
    position = min(max(position, 0.0), 1.0)
    if is_spending(field):
        share = (10.0 ** (LOG_DECADES * position) - 1.0) / (10.0**LOG_DECADES - 1.0)
    else:
        share = position
    value = low + (high - low) * share
    return min(max(round(round(value / spec["step"]) * spec["step"], 10), low), high)


class RoleDecisionScreen(Screen):
    """Sliders (firm) or provider and deal menus (partner); "Decision made" ends the turn."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.values: dict[str, float | None] = {}  # fields the player moved; None: handed back to the rule
        self.focus = 0  # the firm decision field the arrow keys move
        self.provider: str | None = None
        self.deal = PARTNER_DEALS[0]

    @property
    def session(self) -> LessonSession:
        """The lesson's game session."""
        return lesson_session(self.app)

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        role = self.session.current_role
        card = self.session.role_scorecard(role)
        info = [
            f"<b>{escape(role.label_for(self.lang))}</b> · {escape(self.session.team)}",
            f"<b>{escape(say('objectives', self.lang))}</b><br>{role_objectives_html(role, self.lang, card)}",
        ]
        if role.firm and self.session.model.firm_history:
            rows = [r for r in self.session.model.firm_history if r["firm"] == role.firm]
            if rows:
                last = rows[-1]
                shown = ", ".join(
                    f"{say(field, self.lang)} {units.firm_value(field, last[field], self.lang)}"
                    for field in ("revenue_share", "profit_usd_bn", "cash_usd_bn", "capability")
                )
                when = units.quarter_text(last["quarter"], self.lang)
                info.append(f"<b>{escape(say('last_quarter', self.lang))} ({escape(when)})</b>: {escape(shown)}")
        if role.kind == "partner" and role.partner in self.session.model.partner_by_id:
            info.append(self.partner_status(self.session.model.partner_by_id[role.partner]))
        if role.kind == "firm":
            box = 200 if h >= 720 else 150  # six slider rows, the hand-back button and Done fit from 960x600 up
        else:
            box = max(150, min(360, h - 230))  # two menus below it, then the message line and Done
        UITextBox("<br><br>".join(info), pygame.Rect(20, 50, w - 40, box), self.manager)
        self.sliders: dict = {}
        self.field_labels: list[tuple[UILabel, str]] = []
        y = 50 + box + 20
        if role.kind == "firm":
            assert role.firm is not None  # a firm role names its firm (checked when the lesson loads)
            model = self.session.model
            now = model.firm_decision_now(role.firm)
            if now is None:  # not in the market (left, or not entered yet): nothing to decide
                name = firm_name(model, role.firm, self.lang)
                subject = with_particle(name, "은/는") if self.lang == "ko" else name
                UILabel(
                    pygame.Rect(20, y, w - 40, 30), say("not_in_market", self.lang).format(firm=subject), self.manager
                )
            rule = model.firm_decision_now(role.firm, standing=False) if None in self.values.values() else now
            # three columns: the field, its slider, its value and whose it is
            label_w = min(360, max(200, int(w * 0.26)))
            value_w = max(280, int(w * 0.3))
            slider_x = 20 + label_w + 10
            slider_w = w - 20 - value_w - 10 - slider_x
            for name, spec in FIRM_DECISION_FIELDS.items() if now is not None else ():
                label = field_label(spec, self.lang)
                start = self.values.get(name)
                if start is None:
                    start = getattr(rule if name in self.values else now, name)
                start = min(max(float(start), spec["min"]), spec["max"])
                label_widget = UILabel(pygame.Rect(20, y, label_w, 28), label, self.manager)
                slider = UIHorizontalSlider(
                    pygame.Rect(slider_x, y, slider_w, 28),
                    slider_position(name, start),
                    (0.0, 1.0),
                    self.manager,
                    click_increment=SLIDER_CLICK,
                )
                value_label = UILabel(
                    pygame.Rect(w - 20 - value_w, y, value_w, 28), self.value_text(name, start), self.manager
                )
                self.sliders[slider] = (name, value_label)
                self.field_labels.append((label_widget, label))
                y += 40
            self.mark_focus()
            if now is not None and set(self.standing()) - set(self.values):
                self.button((20, y + 8, 360, 36), say("to_rule", self.lang), "to_rule", say("to_rule_tip", self.lang))
        else:
            model = self.session.model
            self.provider_of = {firm_name(model, f["id"], self.lang): f["id"] for f in self.session.scenario.firms}
            keep = say("keep", self.lang)
            options: GuiItems = [keep, *self.provider_of]
            shown = firm_name(model, self.provider, self.lang) if self.provider else keep
            UILabel(pygame.Rect(20, y, 200, 30), say("provider", self.lang), self.manager)
            self.provider_menu = self.drop_down(options, shown, (230, y, 260, 30))
            UILabel(pygame.Rect(20, y + 44, 200, 30), say("deal", self.lang), self.manager)
            self.deal_of = {deal_label(model.deals, deal, self.lang): deal for deal in PARTNER_DEALS}
            deals: GuiItems = list(self.deal_of)
            self.deal_menu = self.drop_down(
                deals, deal_label(model.deals, self.deal, self.lang), (230, y + 44, 260, 30)
            )
        self.button((w - 220, h - 64, 200, 40), say("done", self.lang), "done", say("done", self.lang))
        self.error_label = UILabel(pygame.Rect(20, h - 60, w - 260, 30), self.app.message or "", self.manager)

    def standing(self) -> dict[str, float]:
        """The firm role's standing decisions (fields set in earlier quarters)."""
        return self.session.model.firm_overrides.get(self.session.current_role.firm or "", {})

    def value_text(self, field: str, value: float) -> str:
        """A firm decision slider's value with its unit, and whose it is: this decision, a standing one, or
        the model's rule (the firm's last quarter's decision, or the rule's today before its first or once
        handed back)."""
        if self.values.get(field) is not None:
            whose = "yours"
        elif field in self.standing() and field not in self.values:
            whose = "standing"
        else:
            whose = "keep"
        return f"{units.decision_value(field, value, self.lang)} {say(whose, self.lang)}"

    def set_field(self, slider, position: float) -> None:
        """The player moved ``slider`` to ``position``: the field's value is theirs, shown in its unit."""
        name, label = self.sliders[slider]
        value = slider_value(name, position)
        self.values[name] = value
        label.set_text(self.value_text(name, value))

    def mark_focus(self) -> None:
        """Mark the field the arrow keys move (▶ before its label)."""
        if not self.field_labels:
            return
        self.focus %= len(self.field_labels)
        for k, (widget, label) in enumerate(self.field_labels):
            widget.set_text(("▶ " + label) if k == self.focus else label)

    def decision(self) -> dict:
        """The role's decision as entered (firm fields or a platform's choice; a firm field handed back to the
        model's rule is None)."""
        role = self.session.current_role
        if role.kind == "firm":
            return {f"firm:{role.firm}": dict(self.values)} if self.values else {}
        if self.provider is None:
            return {}
        return {f"partner:{role.partner}": {"provider": self.provider, "deal": self.deal}}

    def handle(self, event: pygame.event.Event) -> None:
        super().handle(event)
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element in self.sliders:
            self.set_field(event.ui_element, float(event.value))
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.act("done")
            elif event.key in (pygame.K_UP, pygame.K_DOWN) and self.sliders:
                self.focus += -1 if event.key == pygame.K_UP else 1
                self.mark_focus()
            elif event.key in (pygame.K_LEFT, pygame.K_RIGHT) and self.sliders:
                slider = list(self.sliders)[self.focus % len(self.sliders)]
                moved = slider.get_current_value() + (SLIDER_CLICK if event.key == pygame.K_RIGHT else -SLIDER_CLICK)
                slider.set_current_value(min(max(moved, 0.0), 1.0))
                self.set_field(slider, slider.get_current_value())
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if getattr(self, "provider_menu", None) is event.ui_element:
                self.provider = self.provider_of.get(event.text)  # None: keep the current provider
            elif getattr(self, "deal_menu", None) is event.ui_element:
                self.deal = self.deal_of[event.text]

    def act(self, action: str) -> None:
        if action == "to_rule":
            self.values = dict.fromkeys(self.standing()) | {k: v for k, v in self.values.items() if v is not None}
            self.app.rebuild()
            return
        if action != "done":
            return
        try:
            self.session.submit(self.decision())
        except UserError as exc:
            self.app.message = self.error_line(exc)
            self.error_label.set_text(self.app.message)
            return
        self.app.message = ""

    def partner_status(self, partner) -> str:
        """What the platform runs now and until when, when a choice made here applies, and what each kind
        of deal means (pygame-gui HTML)."""
        model, lang = self.session.model, self.lang
        provider = firm_name(model, model.firms[partner.provider].firm_id, lang) if partner.provider >= 0 else "–"
        deal = say("own_model", lang) if partner.deal == "own" else deal_label(model.deals, partner.deal, lang)
        left = max(0, partner.contract_end - model.quarter)
        now = say("platform_now", lang).format(
            provider=provider,
            deal=deal,
            end=units.quarter_text(partner.contract_end, lang),
            left=units.quarters(left, lang),
        )
        kinds = [
            say("deal_terms", lang).format(
                deal=deal_label(model.deals, kind, lang),
                length=units.quarters(spec.quarters, lang),
                strength=f"{spec.channel_strength:.1f}",
                bid=units.usd_bn(spec.min_bid_usd_bn_per_year, lang, "yr")
                if spec.min_bid_usd_bn_per_year > 0
                else say("no_bid", lang),
            )
            for kind, spec in model.deals.items()
            if kind in PARTNER_DEALS
        ]
        return (
            f"<b>{escape(say('platform', lang))}</b>: {escape(now)}<br>"
            f"<b>{escape(say('deal_kinds', lang))}</b><br>" + "<br>".join(f"• {escape(k)}" for k in kinds)
        )

    def draw(self, surface: pygame.Surface) -> None:
        quarter = say("decide_for", self.lang).format(quarter=units.quarter_text(self.session.model.quarter, self.lang))
        charts.text(surface, quarter, (20, 14), 22, charts.ACCENT, bold=True)
