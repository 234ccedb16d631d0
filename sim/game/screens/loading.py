"""Loading a save: replays its quarters a few per frame with a progress bar, so the window never freezes."""

from __future__ import annotations

import time

import pygame

from sim.game import charts
from sim.game.screens.base import Screen
from sim.game.session import GameSession
from sim.saves import SavedGame

FRAME_BUDGET_S = 0.05  # replay work per frame; the rest of the frame draws and reads input


class LoadingScreen(Screen):
    """Replays a saved game to the quarter it reached, then opens the dashboard (or the end screen)."""

    retained = False  # its progress bar is drawn with shapes on the window

    def __init__(self, app, saved: SavedGame) -> None:
        super().__init__(app)
        self.saved = saved
        self.session = GameSession.replaying(saved)
        self.steps = self.session.fast_forward(saved)
        self.done, self.todo = 0, max(1, GameSession.save_target(saved) - saved.scenario.start)
        self.finished = False

    def update(self, dt: float) -> None:
        if self.finished:
            return
        until = time.perf_counter() + FRAME_BUDGET_S
        while True:  # at least one quarter a frame
            try:
                self.done, self.todo = next(self.steps)
            except StopIteration:
                self.finish()
                return
            if time.perf_counter() >= until:
                return

    def finish(self) -> None:
        """Open the loaded game once its replay is done."""
        self.finished = True
        self.session.sync_ghost()
        if self.session.finished:
            from sim.game.screens.end import EndScreen

            self.app.session = self.session
            self.app.autoplay = False
            self.app.show(EndScreen)
        else:
            self.app.start_game(self.session)

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            from sim.game.screens.start import StartScreen

            self.finished = True
            self.app.show(StartScreen)

    busy = True  # replaying: the window keeps full speed

    @property
    def progress(self) -> float:
        """Share of the save's quarters replayed so far (0-1)."""
        return min(1.0, self.done / max(self.todo, 1))

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        bar = pygame.Rect(w // 4, h // 2, w // 2, 22)
        charts.text(surface, self.tr("loading_save"), (w // 2, bar.y - 40), 18, charts.TEXT, bold=True, anchor="center")
        pygame.draw.rect(surface, charts.PANEL, bar, border_radius=5)
        filled = bar.copy()
        filled.width = int(bar.width * self.progress)
        pygame.draw.rect(surface, charts.ACCENT, filled, border_radius=5)
        line = self.tr("loading_progress").format(done=self.done, total=self.todo)
        charts.text(surface, line, (w // 2, bar.bottom + 18), 13, charts.DIM, anchor="center")
