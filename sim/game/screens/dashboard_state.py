"""What the dashboard's parts share: the state and layout its lever panel, dialogs and forecast read.

:class:`~sim.game.screens.dashboard.DashboardScreen` is put together from parts in
their own modules (:class:`~sim.game.screens.levers.LeverPanel`,
:class:`~sim.game.screens.dialogs.Dialogs`, :class:`~sim.game.screens.forecast.Forecast`).
Each part reads attributes the screen sets and calls a few methods another part
implements; :class:`DashboardState` declares them once, so a reader (and the type
checker) can see what a part relies on. It adds no behaviour of its own.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import pygame
from pygame_gui.elements import UIButton, UIWindow

from sim.game.preview import PreviewTask, Projection
from sim.game.screens.base import Screen
from sim.game.session import GameSession


class DashboardState(Screen):
    """The dashboard's shared state: set by :class:`DashboardScreen` in ``__init__`` and ``build``."""

    # layout, set by DashboardScreen.build for the window's size
    left: pygame.Rect  # the lever column
    gauge_rect: pygame.Rect  # the outcome tiles
    chart_menu_rect: pygame.Rect  # the chart menu, under the tiles
    chart_a: pygame.Rect  # the outcome chart with its forecast fans
    goals_rect: pygame.Rect  # the role's goals above the tabs
    next_button: UIButton
    tab_buttons: dict[str, UIButton]  # tab name -> its button

    # windows open over the dashboard (None: closed)
    event_window: UIWindow | None
    menu_window: UIWindow | None
    help_window: UIWindow | None

    # playing
    step_job: Future | None  # a quarter computed on the app's worker thread (autoplay)
    step_after_answers: bool  # play the quarter once the open event's questions are answered
    tour_step: int | None  # the first-game tour's step (None: no tour)
    focus_lever: int  # the lever the arrow keys move
    scroll: dict[str, int]  # per side-panel tab: pixels scrolled down
    scroll_limit: dict[str, int]  # per side-panel tab: how far it scrolls, as last drawn

    # forecast previews and the budget check
    projection: Projection | None  # the latest finished preview for the current plan
    option_projection: Projection | None  # the preview of the open event's options
    option_tasks: list[PreviewTask]  # the open event's preview runs, after the plan's own
    preview_due: float | None  # ask for a preview at this perf_counter time (None: none wanted)
    plan_changed_at: float  # perf_counter time the plan last changed (a burst of changes makes one preview)
    preview_version: int  # bumps whenever the preview shown changes (charts re-draw on it)
    _budget: tuple[tuple, dict[str, Any]] | None  # (the plan checked: version, plan, session id; its check)
    budget_job: Future | None  # the budget check's dry run on the worker thread
    _trial: tuple[tuple[int, int], bytes, Any] | None  # a model restored ahead for the next budget check
    trial_job: Future | None  # restoring it on the worker thread
    budget_due: float | None  # after a quarter, the same plan is checked from this time

    @property
    def session(self) -> GameSession:
        """The game session shown."""
        return self.app.require_session()

    if TYPE_CHECKING:  # implemented by the parts and the screen; declared so each part can call them

        def want_preview(self, delay: float | None = ...) -> None: ...  # Forecast

        def show_option_previews(self) -> None: ...  # Dialogs

        def request_step(self, in_background: bool = ...) -> None: ...  # DashboardScreen
