"""Hot-seat hand-off: pass the screen to the next role; nothing of the others' pending choices shows."""

from __future__ import annotations

import pygame

from sim.classroom.game import lesson_session, say, show_turn
from sim.game import charts, units
from sim.game.screens.base import Screen


class HandoffScreen(Screen):
    """A blank interstitial naming who decides next; "I am ready" shows that role's screen."""

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        self.center = (w // 2, h // 2)
        self.button((w // 2 - 100, h // 2 + 70, 200, 44), say("ready", self.lang), "ready", say("ready", self.lang))

    def act(self, action: str) -> None:
        if action == "ready":
            show_turn(self.app)

    def draw(self, surface: pygame.Surface) -> None:
        session = lesson_session(self.app)
        x, y = self.center
        quarter = say("quarter_of", self.lang).format(quarter=units.quarter_text(session.model.quarter, self.lang))
        charts.text(surface, quarter, (x, y - 90), 18, charts.DIM, anchor="center")
        charts.text(surface, say("pass_to", self.lang), (x, y - 50), 20, charts.TEXT, anchor="center")
        name = f"{session.team} · {session.current_role.label_for(self.lang)}"
        charts.text(surface, name, (x, y - 10), 30, charts.ACCENT, bold=True, anchor="center")
        charts.text(surface, say("look_away", self.lang), (x, y + 30), 14, charts.DIM, anchor="center")
