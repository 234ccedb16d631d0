"""Helpers for the game window's tests (headless): what the window shows."""

from __future__ import annotations

import numpy as np
import pygame


def window_pixels(app) -> np.ndarray:
    """A copy of the window's pixels (width x height x RGB)."""
    return pygame.surfarray.array3d(app.window).copy()


def planned_and_direct(app) -> tuple[np.ndarray, np.ndarray]:
    """The window drawn once through the frame plan (the screen is ``retained``) and once straight onto
    the window (its instance attribute set False, which hides the class's), as two pixel arrays."""
    assert app.screen.retained, type(app.screen).__name__
    app.draw()
    planned = window_pixels(app)
    app.screen.retained = False
    app.draw()
    direct = window_pixels(app)
    del app.screen.retained
    return planned, direct


def press_key(app, key: int, mod: int = 0, frames: int = 3) -> None:
    """A key pressed, then ``frames`` frames: the key, the widget's event it may post, the screen's answer."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    app.pump(frames)


def type_text(app, text: str) -> None:
    """Text typed into the widget that has the keyboard (pygame sends typing as TEXTINPUT, a character each)."""
    for char in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
    app.pump(2)


def tab_to(app, wanted) -> None:
    """Press Tab until the keyboard focus is on a widget for which ``wanted(widget)`` is true (at most once
    round the screen's widgets); AssertionError if Tab never gets there."""
    for _ in range(len(app.screen.keyboard_widgets()) + 1):
        widget = app.screen.focused_widget()
        if widget is not None and wanted(widget):
            return
        press_key(app, pygame.K_TAB)
    raise AssertionError("Tab never reached the widget")
