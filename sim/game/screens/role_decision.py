"""A firm's or a partner platform's decision for the quarter (lesson roles other than the regulator).

Firms set price, R&D, compute, Korean-language investment and partnership bids
(fields from the model's ``FIRM_DECISION_FIELDS``); a slider left untouched
follows the model's rule. A platform picks a provider and the terms for when
its contract is up. The role's objectives, with their current values, stay visible.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider, UILabel, UITextBox

from sim.classroom.game import lesson_session, say
from sim.classroom.lesson import PARTNER_DEALS, _firm_fields
from sim.classroom.session import LessonSession
from sim.errors import UserError
from sim.game import charts, units
from sim.game.i18n import firm_name, pick
from sim.game.screens.base import GuiItems, Screen, escape
from sim.game.screens.briefing import role_objectives_html


class RoleDecisionScreen(Screen):
    """Sliders (firm) or provider and deal menus (partner); "Decision made" ends the turn."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.values: dict[str, float] = {}  # fields the player moved
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
        UITextBox("<br><br>".join(info), pygame.Rect(20, 50, w - 40, 200), self.manager)
        self.sliders: dict = {}
        y = 270
        if role.kind == "firm":
            assert role.firm is not None  # a firm role names its firm (checked when the lesson loads)
            firm = self.session.model.firm_by_id.get(role.firm)
            for name, spec in _firm_fields().items():
                label = spec[f"label_{self.lang}"] if f"label_{self.lang}" in spec else spec["label_en"]
                unit = spec.get(f"unit_{self.lang}", spec.get("unit_en", ""))
                start = self.values.get(name, float(getattr(firm, name, spec["min"]) or spec["min"]))
                start = min(max(start, spec["min"]), spec["max"])
                UILabel(pygame.Rect(20, y, 360, 28), f"{label} ({unit})", self.manager)
                slider = UIHorizontalSlider(
                    pygame.Rect(390, y, 420, 28),
                    start,
                    (spec["min"], spec["max"]),
                    self.manager,
                    click_increment=spec["step"],
                )
                shown = f"{start:.2f}" if name in self.values else f"{start:.2f} {say('keep', self.lang)}"
                value_label = UILabel(pygame.Rect(820, y, 300, 28), shown, self.manager)
                self.sliders[slider] = (name, value_label)
                y += 40
        else:
            model = self.session.model
            self.provider_of = {firm_name(model, f["id"], self.lang): f["id"] for f in self.session.scenario.firms}
            keep = say("keep", self.lang)
            options: GuiItems = [keep, *self.provider_of]
            shown = firm_name(model, self.provider, self.lang) if self.provider else keep
            UILabel(pygame.Rect(20, y, 200, 30), say("provider", self.lang), self.manager)
            self.provider_menu = UIDropDownMenu(options, shown, pygame.Rect(230, y, 260, 30), self.manager)
            UILabel(pygame.Rect(20, y + 44, 200, 30), say("deal", self.lang), self.manager)
            self.deal_of = {self.deal_label(deal): deal for deal in PARTNER_DEALS}
            deals: GuiItems = list(self.deal_of)
            self.deal_menu = UIDropDownMenu(
                deals, self.deal_label(self.deal), pygame.Rect(230, y + 44, 260, 30), self.manager
            )
        self.button((w - 220, h - 64, 200, 40), say("done", self.lang), "done", say("done", self.lang))
        self.error_label = UILabel(pygame.Rect(20, h - 60, w - 260, 30), self.app.message or "", self.manager)

    def decision(self) -> dict:
        """The role's decision as entered (firm fields or a platform's choice)."""
        role = self.session.current_role
        if role.kind == "firm":
            return {f"firm:{role.firm}": dict(self.values)} if self.values else {}
        if self.provider is None:
            return {}
        return {f"partner:{role.partner}": {"provider": self.provider, "deal": self.deal}}

    def handle(self, event: pygame.event.Event) -> None:
        super().handle(event)
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element in self.sliders:
            name, label = self.sliders[event.ui_element]
            self.values[name] = float(event.value)
            label.set_text(f"{event.value:.2f}")
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if getattr(self, "provider_menu", None) is event.ui_element:
                self.provider = self.provider_of.get(event.text)  # None: keep the current provider
            elif getattr(self, "deal_menu", None) is event.ui_element:
                self.deal = self.deal_of[event.text]

    def act(self, action: str) -> None:
        if action != "done":
            return
        try:
            self.session.submit(self.decision())
        except UserError as exc:
            self.app.message = self.error_line(exc)
            self.error_label.set_text(self.app.message)
            return
        self.app.message = ""

    def deal_label(self, deal: str) -> str:
        """A kind of deal as the scenario names it in the player's language (its id if it has no label)."""
        spec = self.session.model.deals.get(deal)
        return pick(spec.label, self.lang) if spec is not None and spec.label else deal

    def draw(self, surface: pygame.Surface) -> None:
        quarter = say("decide_for", self.lang).format(quarter=units.quarter_text(self.session.model.quarter, self.lang))
        charts.text(surface, quarter, (20, 14), 22, charts.ACCENT, bold=True)
