"""Lesson briefing: the situation, the roles in play and each role's objectives, before the first quarter."""

from __future__ import annotations

import pygame
from pygame_gui.elements import UITextBox

from sim.classroom.game import lesson_session, say, show_turn
from sim.game import charts, units
from sim.game.report import result_mark
from sim.game.screens.base import Screen, escape


def role_objectives_html(role, lang: str, scorecard=None) -> str:
    """A role's objectives as pygame-gui HTML (with current values when a scorecard is given)."""
    results = {r.id: r for r in scorecard.results} if scorecard is not None else {}
    lines = []
    for objective in role.objectives:
        result = results.get(objective["id"])
        if result is None:
            lines.append(f"• {escape(objective['label'][lang])}")
            continue
        # met or missed in words first (the colour is the second cue, not the only one)
        line = f"• {escape(result_mark(result.met, lang))} {escape(objective['label'][lang])}"
        color = charts.html_color(charts.GOOD if result.met else charts.BAD)
        (shown,), _ = units.objective_texts(
            objective["metric"],
            [result.value],
            objective["op"],
            float(objective["target"]),
            objective.get("aggregate", "final"),
            lang,
        )
        lines.append(f"{line} <font color='{color}'>({escape(shown)})</font>")
    return "<br>".join(lines)


class BriefingScreen(Screen):
    """The lesson's briefing and the roles people play; Begin starts the first turn."""

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        session = lesson_session(self.app)
        lesson = session.lesson
        parts = [f"<b>{escape(lesson.title[self.lang])}</b>", escape(lesson.briefing[self.lang])]
        for role in session.human_roles:
            brief = f"<br>{escape(role.brief[self.lang])}" if role.brief else ""
            parts.append(
                f"<b>{escape(say('your_role', self.lang))}: {escape(role.label_for(self.lang))}</b>{brief}<br>"
                f"<b>{escape(say('objectives', self.lang))}</b><br>{role_objectives_html(role, self.lang)}"
            )
        others = [r for r in lesson.roles if r not in session.human_roles]
        if others:
            parts.append("<i>" + escape(", ".join(r.label_for(self.lang) for r in others)) + ": model</i>")
        UITextBox("<br><br>".join(parts), pygame.Rect(20, 60, w - 40, h - 140), self.manager)
        self.button((w - 200, h - 64, 180, 40), say("begin", self.lang), "begin", say("begin", self.lang))
        self.title = f"{say('briefing', self.lang)} · {session.team}"

    def act(self, action: str) -> None:
        if action == "begin":
            session = lesson_session(self.app)
            if len(session.human_roles) > 1:
                from sim.game.screens.handoff import HandoffScreen

                self.app.show(HandoffScreen)
            else:
                show_turn(self.app)

    def draw(self, surface: pygame.Surface) -> None:
        charts.text(surface, self.title, (20, 16), 24, charts.ACCENT, bold=True)
