"""What every screen shares: widget helpers and the build/handle/update/draw protocol."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu

from sim.errors import UserError
from sim.game.i18n import error_text, t
from sim.game.theme import MENU_ITEM_HEIGHT, MENU_LIST_FRAME

if TYPE_CHECKING:
    from sim.game.app import App

# what pygame-gui's drop-down menus and selection lists take: labels, or (label, object id) pairs
# (a list[str] does not pass for it: list is invariant)
GuiItems = list[str | tuple[str, str]]


def escape(value: str) -> str:
    """Text made safe for a pygame-gui UITextBox (which reads simple HTML)."""
    return html.escape(value, quote=False)


class Screen:
    """A screen: ``build`` creates widgets for a window rect; ``handle`` gets events."""

    # Draws only by blitting onto its target (text and cached surfaces), so the app can plan a frame
    # and skip it when nothing changed (see App.draw). A screen that draws shapes on the target sets False.
    retained = True

    def __init__(self, app: App) -> None:
        self.app = app
        self.buttons: dict[Any, str] = {}  # widget -> action name

    @property
    def lang(self) -> str:
        """The interface language (en or ko)."""
        return self.app.lang

    @property
    def manager(self) -> pygame_gui.UIManager:
        """The pygame-gui manager the screen's widgets belong to."""
        return self.app.manager

    def button(self, rect, label: str, action: str, tip: str, container=None) -> UIButton:
        """A UIButton with a tooltip that triggers ``self.act(action)`` when pressed."""
        widget = UIButton(pygame.Rect(rect), label, self.manager, container=container, tool_tip_text=tip)
        self.buttons[widget] = action
        return widget

    def drop_down(self, options, current: str, rect, tip: str | None = None) -> UIDropDownMenu:
        """A drop-down menu that opens upwards when its whole list fits above it but not below (near the
        window's bottom a downward list was cut to a few rows behind a scroll bar)."""
        rect = pygame.Rect(rect)
        needed = MENU_ITEM_HEIGHT * len(options) + MENU_LIST_FRAME
        below, above = self.app.size[1] - rect.bottom, rect.top
        upwards = needed > below and above > below
        menu = UIDropDownMenu(options, current, rect, self.manager, object_id="#menu_up" if upwards else None)
        if tip:
            menu.set_tooltip(tip)
        return menu

    def tr(self, key: str) -> str:
        """A UI string in the current language."""
        return t(key, self.lang)

    def build(self, rect: pygame.Rect) -> None:
        """Create the screen's widgets for the current window size and language."""
        self.buttons = {}

    def before_rebuild(self) -> None:
        """Called before the widgets are thrown away and built again (keep typed text here)."""

    def handle(self, event: pygame.event.Event) -> None:
        """React to one pygame or pygame-gui event."""
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.buttons:
            self.act(self.buttons[event.ui_element])

    def act(self, action: str) -> None:  # pragma: no cover - overridden
        """Do what a button or key stands for (the action's name)."""
        pass

    def error_line(self, exc: Exception) -> str:
        """A user error (or an OS error) as one line in the current language."""
        return error_text(exc, self.lang)

    def save_to(self, path) -> bool:
        """Save the app's game to ``path`` and say where (or why not) in the message line."""
        try:
            saved = self.app.require_session().save(path)
        except UserError as exc:
            self.app.message = self.error_line(exc)
            return False
        self.app.message = f"{self.tr('saved_to')} {saved}"
        return True

    def update(self, dt: float) -> None:
        """Advance the screen's state by ``dt`` seconds (called every frame)."""
        pass

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the screen onto ``surface`` (widgets are drawn by the manager afterwards)."""
        pass

    def covers(self, event: pygame.event.Event) -> bool:
        """Whether a mouse ``event`` (layout pixels) lands on something :meth:`draw_over` draws over the
        widgets, so that no widget hidden under it may take it."""
        return False

    def draw_over(self, surface: pygame.Surface) -> None:
        """Draw what goes over the widgets (the first-game tour's shade and text); by blitting only, like
        :meth:`draw` on a retained screen."""
        pass

    def leave(self) -> None:
        """Clean up before another screen is shown."""
        pass
