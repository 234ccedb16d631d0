"""What every screen shares: widget helpers and the build/handle/update/draw protocol."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UISelectionList, UITextEntryLine

from sim.errors import UserError
from sim.game.i18n import error_text, t
from sim.game.theme import MENU_ITEM_HEIGHT, MENU_LIST_FRAME

if TYPE_CHECKING:
    from sim.game.app import App

# what pygame-gui's drop-down menus and selection lists take: labels, or (label, object id) pairs
# (a list[str] does not pass for it: list is invariant)
GuiItems = list[str | tuple[str, str]]

FOCUS_RING_PX = 3  # the keyboard focus's outline (see Screen.draw_focus)
_RINGS: dict[tuple[int, int], pygame.Surface] = {}  # one outline surface per size: a frame plans blits by identity


def focus_ring(size: tuple[int, int]) -> pygame.Surface:
    """A transparent surface of ``size`` with an outline in the accent colour (kept per size)."""
    ring = _RINGS.get(size)
    if ring is None:
        from sim.game import charts

        ring = _RINGS[size] = pygame.Surface(size, pygame.SRCALPHA)
        pygame.draw.rect(ring, charts.ACCENT, ring.get_rect(), FOCUS_RING_PX, border_radius=4)
    return ring


def _part_of_another(widget) -> bool:
    """Whether ``widget`` is a part of a list or a menu (its rows, its button), or a window's close button:
    the keyboard reaches those through their whole (and Esc closes windows)."""
    parent = getattr(widget, "parent_element", None)
    if isinstance(parent, (UISelectionList, UIDropDownMenu)):
        return True
    return parent is not None and widget is getattr(parent, "close_window_button", None)


def in_window(widget, window) -> bool:
    """Whether ``widget`` sits inside ``window`` (a pygame-gui window), however deeply nested."""
    inside, container = window.get_container(), getattr(widget, "ui_container", None)
    for _ in range(16):  # containers nest a few levels; the root container is its own parent
        if container is None:
            return False
        if container is inside:
            return True
        container = getattr(container, "ui_container", None)
    return False


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
        self.focus_at: int | None = None  # the keyboard focus: its place among keyboard_widgets (None: not shown)
        self.list_cursor = 0  # the item of a focused list that the arrow keys are on

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

    # -- the keyboard focus: Tab reaches every button, text box and list ---------------------
    def keyboard_widgets(self) -> list:
        """What Tab moves the keyboard focus through, in reading order (rows, then left to right): the screen's
        enabled buttons, text boxes, lists and menus, or, while a window is open (a dialog, the menu), the
        buttons, text boxes, lists and menus in it. A list's rows and a menu's parts are reached through it."""
        stack = self.manager.get_window_stack().get_full_stack()
        window = stack[-1] if stack else None
        widgets = [
            w
            for w in self.manager.get_sprite_group().sprites()
            if w.visible and getattr(w, "is_enabled", True) and not _part_of_another(w)
        ]
        found: list = [w for w in widgets if isinstance(w, (UITextEntryLine, UISelectionList, UIDropDownMenu))]
        if window is None:
            found += [w for w in widgets if w in self.buttons]
        else:
            found += [w for w in widgets if isinstance(w, UIButton)]
            found = [w for w in found if in_window(w, window)]
        return sorted(found, key=lambda w: (w.rect.y, w.rect.x))

    def focused_widget(self):
        """The widget with the keyboard focus, or None while it is not shown."""
        if self.focus_at is None:
            return None
        widgets = self.keyboard_widgets()
        return widgets[self.focus_at % len(widgets)] if widgets else None

    def focus_key(self, event: pygame.event.Event) -> bool:
        """Keyboard focus keys, before the widgets and the screen see the event; True if it was one.

        Tab / Shift+Tab move the focus (and show it); Enter presses a focused button, as a click would; on a
        focused menu, ↑ ↓ choose the option before or after; on a focused list, ↑ ↓ move to the row above or
        below (choosing it in a list of one choice) and Space or Enter picks the row (adds or drops it in a
        list of several). A mouse click hides the focus.
        """
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.focus_at = None
            return False
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_TAB:
            widgets = self.keyboard_widgets()
            if not widgets:
                return True
            step = -1 if event.mod & pygame.KMOD_SHIFT else 1
            start = -1 if step == 1 else 0
            self.focus_at = (start if self.focus_at is None else self.focus_at) + step
            self.focus_at %= len(widgets)
            widget = widgets[self.focus_at]
            self.manager.set_focus_set(widget if isinstance(widget, UITextEntryLine) else None)
            if isinstance(widget, UISelectionList):
                chosen = [k for k, item in enumerate(widget.item_list) if item["selected"]]
                self.list_cursor = chosen[0] if chosen else 0
            return True
        widget = self.focused_widget()
        if widget is None:
            return False
        enter = event.key in (pygame.K_RETURN, pygame.K_KP_ENTER)
        if isinstance(widget, UIButton) and enter:
            press(widget)
            return True
        if isinstance(widget, UIDropDownMenu) and event.key in (pygame.K_UP, pygame.K_DOWN):
            self.choose_in_menu(widget, 1 if event.key == pygame.K_DOWN else -1)
            return True
        if isinstance(widget, UISelectionList) and widget.item_list:
            if event.key in (pygame.K_UP, pygame.K_DOWN):
                count = len(widget.item_list)
                self.list_cursor = max(0, min(count - 1, self.list_cursor + (1 if event.key == pygame.K_DOWN else -1)))
                item = widget.item_list[self.list_cursor]
                if not widget.allow_multi_select and not item["selected"]:
                    press_item(widget, self.list_cursor)
                return True
            if enter or event.key == pygame.K_SPACE:
                if widget.allow_multi_select or not widget.item_list[self.list_cursor]["selected"]:
                    press_item(widget, self.list_cursor)
                return True
        return False

    def choose_in_menu(self, menu: UIDropDownMenu, step: int) -> None:
        """Choose the option after (``step`` 1) or before (-1) the one a drop-down menu shows, as choosing it in
        its list would: the screen gets the menu's change event, then its widgets are built again (every
        screen builds its menus showing its choices)."""
        options = [option if isinstance(option, tuple) else (option, option) for option in menu.options_list]
        shown = menu.selected_option if isinstance(menu.selected_option, tuple) else (menu.selected_option,) * 2
        at = options.index(shown) if shown in options else 0
        text, object_id = options[max(0, min(len(options) - 1, at + step))]
        if (text, object_id) == shown:
            return
        data = {
            "ui_element": menu,
            "text": text,
            "selected_option_id": object_id,
            "ui_object_id": menu.most_specific_combined_id,
        }
        self.handle(pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, data))
        self.app.rebuild()

    def draw_focus(self, surface) -> None:
        """Outline the widget with the keyboard focus (a list: its row under the arrow keys), by blitting."""
        widget = self.focused_widget()
        if widget is None:
            return
        rect = widget.rect
        if isinstance(widget, UISelectionList) and widget.item_list:
            row = widget.item_list[min(self.list_cursor, len(widget.item_list) - 1)].get("button_element")
            rect = row.rect if row is not None and row.visible else rect
        surface.blit(focus_ring(rect.size), rect.topleft)

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


def press(button: UIButton) -> None:
    """Press ``button`` as a click would: post the event pygame-gui posts for one."""
    data = {"ui_element": button, "ui_object_id": button.most_specific_combined_id, "mouse_button": 1}
    pygame.event.post(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, data))


def press_item(selection: UISelectionList, index: int) -> None:
    """Click row ``index`` of a list (it chooses the row, or adds or drops it in a list of several); a row
    scrolled out of view is scrolled to first."""
    item = selection.item_list[index]
    if item.get("button_element") is None and selection.scroll_bar is not None:
        selection.scroll_bar.set_scroll_from_start_percentage(index / max(1, len(selection.item_list)))
        selection.update(0.0)
    row = item.get("button_element")
    if row is not None:
        press(row)
