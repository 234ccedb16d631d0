"""Lesson picker: a bundled lesson, the team's name and the roles it plays; then the briefing."""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UILabel, UISelectionList, UITextBox, UITextEntryLine

from sim.classroom.game import attach, say
from sim.errors import UserError
from sim.game import charts
from sim.game.screens.base import GuiItems, Screen, escape
from sim.game.theme import WIDGET_FONT_SIZE


def lessons_button(screen: Screen, rect: pygame.Rect):
    """The start screen's "Lessons" button (its action is ``lessons``)."""
    return screen.button(rect, say("lessons", screen.lang), "lessons", say("lessons_tip", screen.lang))


class LessonPickerScreen(Screen):
    """Choose a lesson, type a team name, pick the roles; Start opens the briefing."""

    def __init__(self, app) -> None:
        super().__init__(app)
        from sim.classroom.lesson import bundled_lessons, load_lesson

        self.lessons = []
        for path in bundled_lessons():
            try:
                self.lessons.append(load_lesson(path))
            except UserError:
                continue
        self.chosen = self.lessons[0] if self.lessons else None
        self.roles: list[str] = [self.chosen.roles[0].id] if self.chosen else []
        self.team = ""
        self.error = ""

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        # the left column is a third of the window, but never narrower than its labels (they do not wrap)
        font = self.manager.get_theme().get_font(["label"])
        labels = max(font.size(say(key, self.lang))[0] for key in ("team", "roles")) + 12
        left_w = min(max(min(420, w // 3), labels), w // 2)
        # a title too long for the list shows its part before the colon (the whole one is in the box beside it)
        self.list_lessons: dict[str, Any] = {}  # shown label -> lesson
        for lesson in self.lessons:
            title = lesson.title[self.lang]
            label = charts.first_fitting([title, title.split(":")[0].strip() or title], WIDGET_FONT_SIZE, left_w - 16)
            self.list_lessons[label if label not in self.list_lessons else title] = lesson
        titles: GuiItems = list(self.list_lessons)
        chosen = next((label for label, lesson in self.list_lessons.items() if lesson is self.chosen), None)
        self.list = UISelectionList(
            pygame.Rect(20, 60, left_w, h - 320), titles, self.manager, default_selection=chosen
        )
        y = h - 250
        UILabel(pygame.Rect(20, y, left_w, 26), say("team", self.lang), self.manager)
        self.team_entry = UITextEntryLine(pygame.Rect(20, y + 28, left_w, 34), self.manager, initial_text=self.team)
        UILabel(pygame.Rect(20, y + 70, left_w, 26), say("roles", self.lang), self.manager)
        role_names: GuiItems = [r.label_for(self.lang) for r in self.chosen.roles] if self.chosen else []
        selected: GuiItems = (
            [r.label_for(self.lang) for r in self.chosen.roles if r.id in self.roles] if self.chosen else []
        )
        self.role_list = UISelectionList(
            pygame.Rect(20, y + 98, left_w, 90),
            role_names,
            self.manager,
            allow_multi_select=True,
            default_selection=selected,
        )
        x = left_w + 40
        text = ""
        if self.chosen is not None:
            lesson = self.chosen
            roles = "<br>".join(
                f"• <b>{escape(r.label_for(self.lang))}</b>: "
                + "; ".join(escape(o["label"][self.lang]) for o in r.objectives)
                for r in lesson.roles
            )
            text = (
                f"<b>{escape(lesson.title[self.lang])}</b><br><i>{escape(say('length', self.lang).format(minutes=lesson.minutes, quarters=lesson.quarters))}</i><br><br>"
                f"{escape(lesson.briefing[self.lang])}<br><br>{roles}"
            )
        if self.error:
            text += f"<br><br><font color='{charts.html_color(charts.ERROR)}'>{escape(self.error)}</font>"
        UITextBox(text, pygame.Rect(x, 60, w - x - 20, h - 140), self.manager)
        self.button((w - 360, h - 64, 160, 40), say("back", self.lang), "back", say("back", self.lang))
        self.button((w - 190, h - 64, 170, 40), say("start", self.lang), "start", say("start", self.lang))

    def handle(self, event: pygame.event.Event) -> None:
        super().handle(event)
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            lesson = self.list_lessons.get(event.text)
            if lesson is not None:
                self.chosen, self.roles = lesson, [lesson.roles[0].id]
            self.team = self.team_entry.get_text()
            self.app.rebuild()
        elif event.type in (pygame_gui.UI_SELECTION_LIST_NEW_SELECTION, pygame_gui.UI_SELECTION_LIST_DROPPED_SELECTION):
            if event.ui_element is self.role_list and self.chosen is not None:
                picked = set(self.role_list.get_multi_selection())
                self.roles = [r.id for r in self.chosen.roles if r.label_for(self.lang) in picked]

    def act(self, action: str) -> None:
        if action == "back":
            from sim.game.screens.start import StartScreen

            self.app.show(StartScreen)
        elif action == "start":
            self.start(self.team_entry.get_text().strip(), self.roles)

    def start(self, team: str, roles: list[str]) -> bool:
        """Start the chosen lesson for ``team`` playing ``roles``; False (and a message) if not possible."""
        if self.chosen is None:
            return False
        if not team:
            self.error = say("no_team", self.lang)
        elif not roles:
            self.error = say("no_role", self.lang)
        else:
            from sim.classroom.game import open_team_session
            from sim.game.screens.briefing import BriefingScreen

            session, self.app.message = open_team_session(self.chosen, team, roles)  # a team's save is resumed
            attach(self.app, session)
            self.app.show(BriefingScreen)
            return True
        self.team = team
        self.app.rebuild()
        return False

    def draw(self, surface: pygame.Surface) -> None:
        charts.text(surface, say("lessons", self.lang), (20, 16), 26, charts.ACCENT, bold=True)
