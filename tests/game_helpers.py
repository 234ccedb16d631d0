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
