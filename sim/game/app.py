"""The game window: pygame loop, screen manager, global keys, autosave.

Screens (start, dashboard, end) build pygame-gui widgets for the current window
size and language; on a resize or language switch the app clears the UI and
asks the screen to build again. Game state lives in :class:`GameSession`.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pygame
import pygame_gui

from sim.errors import UserError
from sim.game import charts
from sim.game.i18n import error_text, t
from sim.game.preview import Previewer, preview_workers
from sim.game.session import GameSession, autosave_path
from sim.game.settings import UI_SCALES, load_settings, save_settings
from sim.game.theme import theme

DEFAULT_SIZE = (1280, 800)
MIN_SIZE = (960, 600)  # smaller windows show a "too small" notice instead of the UI
FPS = 60
IDLE_FPS = 10  # frames per second when nothing moves: the window sleeps instead of redrawing at 60/s
WAIT_FPS = 10  # when only background work runs (a forecast, a quarter): the window leaves the cores to the
# work, and wakes as soon as a piece of it lands (see App.run_once), not at the next frame
IDLE_AFTER_S = 0.25  # quiet time (no input) before the window slows down from 60 frames/s
REDRAW_AT_LEAST_S = 1.0  # a frame that looks unchanged is skipped, but the window is redrawn this often
# pygame-gui's widgets (hover, tooltips, held buttons, a slider's knob set from code) are updated in every
# frame with input, a mouse button down or a changed picture, and otherwise this often, with the time since
# their last update (about 1.5 ms a time on the dashboard: most of a quiet frame's cost at 60 frames/s)
QUIET_UI_UPDATE_S = 0.1


class DisplayPlan:
    """What a screen would draw this frame, recorded instead of drawn (see :meth:`App.draw`).

    A screen whose ``retained`` attribute is true (the default, see :class:`Screen`) draws only with
    ``blit`` and reads only ``get_size`` of its target, so its drawing can be planned first and done
    only if the plan differs from the frame on the window. Surfaces compare by identity: a changed picture is a new
    surface (the text and panel caches hand out the same surface while nothing changes), and the
    plan kept for the last frame holds its surfaces, so no new surface can reuse one's identity.
    """

    def __init__(self, size: tuple[int, int]) -> None:
        self._size = size
        self.blits: list[tuple[pygame.Surface, tuple[int, int]]] = []

    def get_size(self) -> tuple[int, int]:
        """The size of the surface the frame is for (as ``Surface.get_size``)."""
        return self._size

    def blit(self, source: pygame.Surface, dest) -> pygame.Rect:
        """Record ``source`` drawn at ``dest`` (a position or a rect's top-left); returns the rect it covers."""
        x, y = int(dest[0]), int(dest[1])
        self.blits.append((source, (x, y)))
        return pygame.Rect((x, y), source.get_size())

    def signature(self) -> tuple:
        """What the plan draws: each surface (compared by identity) and where, in order."""
        return tuple(self.blits)

    def replay(self, target: pygame.Surface) -> None:
        """Do the recorded blits on ``target``, in order."""
        target.blits(self.blits, doreturn=False)


def widgets_signature(manager: pygame_gui.UIManager) -> tuple | None:
    """What pygame-gui would blit (each visible widget's image, place and blend mode), or None if the
    manager does not say (then every frame is drawn)."""
    visible = getattr(manager.get_sprite_group(), "visible", None)
    if visible is None:
        return None
    return tuple((data[0], tuple(data[1]), data[-1]) for data in visible)


class App:
    """The running game.

    ``size`` is the UI's size in layout pixels: the window's size divided by the UI
    scale (1, 1.25, 1.5 or 2: bigger text and controls for projectors). With a scale
    above 1 the UI is drawn on a canvas of that size and scaled up to the window.

    Args:
        size: window size in pixels (default: the remembered one).
        lang: "en" or "ko" (default: the remembered one).
        scenario: a Scenario to preselect on the start screen.
        seed: the seed new games use.
        background_ghost: step the ghost baseline on a worker thread (smoother autoplay).
    """

    def __init__(
        self,
        size: tuple[int, int] | None = None,
        lang: str | None = None,
        scenario=None,
        seed: int = 0,
        background_ghost: bool = True,
        ui_scale: float | None = None,
    ) -> None:
        workers = preview_workers()  # checked before a window opens
        pygame.display.init()  # no pygame.init(): the game has no sound, and audio init is noisy without a card
        pygame.font.init()
        self.settings = load_settings()
        lang = lang or self.settings.lang
        size = size or self.settings.size
        self.ui_scale = float(ui_scale or self.settings.ui_scale)
        self.background_ghost = background_ghost
        self.threaded_autoplay = background_ghost  # autoplay computes quarters off the UI thread
        pygame.display.set_caption(t("app_title", lang))
        self.window_size = (max(200, int(size[0])), max(150, int(size[1])))
        self.window = pygame.display.set_mode(self.window_size, pygame.RESIZABLE)
        self.size = self.layout_size(self.window_size)
        self.canvas = self.window if self.ui_scale == 1.0 else pygame.Surface(self.size)
        self.manager = pygame_gui.UIManager(self.size, theme(), starting_language=lang)
        self.manager.mouse_pos_scale_factor = [1.0 / self.ui_scale, 1.0 / self.ui_scale]
        self.manager.preload_fonts(
            [
                {"name": "noto_sans_kr", "point_size": size, "style": style}
                for size in (12, 14)
                for style in ("bold", "italic")
            ]
        )
        self.lang = lang
        self.seed = int(seed)
        self.clock = pygame.time.Clock()
        self.cache = charts.SurfaceCache()
        self.session: GameSession | None = None
        self.running = True
        self.minimised = False
        self.autoplay = False
        self.fullscreen = False
        self.windowed_size = self.window_size  # restored when F11 leaves fullscreen
        self.message = ""  # a status line the screens show (saved to ..., errors)
        self.last_input = time.perf_counter()
        self.ui_time = 0.0  # seconds since pygame-gui's widgets were last updated (see QUIET_UI_UPDATE_S)
        self.preselected = scenario
        # forecast previews run on a small process pool (AISIM_PREVIEW_WORKERS=0 turns them off)
        self.wake = threading.Event()  # set when background work lands: a slow frame loop wakes at once
        self.frame_started = time.perf_counter()
        self.previewer = Previewer(workers, on_arrival=self.wake.set) if workers > 0 else None
        self._worker: ThreadPoolExecutor | None = None  # quarters computed off the window's thread
        self.screen: Any = None
        self.next_screen: tuple | None = None  # (screen class, kwargs) to show after this frame's update
        self.drawn: tuple | None = None  # what the window shows: the last drawn plan's signature (see draw)
        self.drawn_at = 0.0
        self.frames_drawn = 0  # frames drawn and skipped as unchanged (for tests and the benchmark)
        self.frames_skipped = 0
        from sim.game.screens.start import StartScreen

        self.show(StartScreen)

    def layout_size(self, window_size: tuple[int, int]) -> tuple[int, int]:
        """The size the screens lay out for: the window divided by the UI scale."""
        return (max(1, int(window_size[0] / self.ui_scale)), max(1, int(window_size[1] / self.ui_scale)))

    def remember(self, **changes) -> None:
        """Update and save the remembered settings (language, window size, UI scale, tour)."""
        self.settings = self.settings.with_(**changes)
        save_settings(self.settings)

    def set_ui_scale(self, scale: float) -> None:
        """Scale text and controls (for projectors); the window keeps its size."""
        self.ui_scale = float(scale)
        self.manager.mouse_pos_scale_factor = [1.0 / self.ui_scale, 1.0 / self.ui_scale]
        self.size = (0, 0)  # force the resize below to re-lay out
        self.resize(self.window_size, force=True)
        self.remember(ui_scale=self.ui_scale)

    def step_ui_scale(self, direction: int) -> None:
        """The next larger (+1) or smaller (-1) UI scale."""
        scales = list(UI_SCALES)
        index = scales.index(self.ui_scale) if self.ui_scale in scales else 0
        self.set_ui_scale(scales[max(0, min(len(scales) - 1, index + direction))])

    # -- screens -----------------------------------------------------------
    @property
    def too_small(self) -> bool:
        """Whether the window is below the smallest supported size."""
        return self.size[0] < MIN_SIZE[0] or self.size[1] < MIN_SIZE[1]

    def show(self, screen_class, **kwargs) -> None:
        """Switch to a screen (it builds its widgets now)."""
        if self.screen is not None:
            self.screen.leave()
        self.manager.clear_and_reset()
        self.screen = screen_class(self, **kwargs)
        self.rebuild()

    def rebuild(self) -> None:
        """Re-create the current screen's widgets for the window size and language."""
        self.screen.before_rebuild()
        self.manager.clear_and_reset()
        if not self.too_small:
            self.screen.build(pygame.Rect((0, 0), self.size))

    def set_language(self, lang: str) -> None:
        """Switch the interface language and rebuild the screen (remembered in the settings)."""
        self.lang = lang
        self.remember(lang=lang)
        self.manager.set_locale(lang)
        pygame.display.set_caption(t("app_title", lang))
        self.cache.clear()
        self.rebuild()

    def resize(self, window_size: tuple[int, int], force: bool = False) -> None:
        """The window now has ``window_size`` real pixels: lay the UI out again."""
        window_size = (max(1, int(window_size[0])), max(1, int(window_size[1])))
        if window_size == self.window_size and not force:
            return
        self.window_size = window_size
        self.window = pygame.display.get_surface() or self.window
        size = self.layout_size(window_size)
        self.size = size
        self.canvas = self.window if self.ui_scale == 1.0 else pygame.Surface(size)
        self.manager.set_window_resolution(size)
        self.cache.clear()
        self.rebuild()

    def toggle_fullscreen(self) -> None:
        """F11: desktop fullscreen, and back to the windowed size, centred on the screen.

        (``pygame.display.toggle_fullscreen`` left a screen-sized window partly off
        screen under some window managers when toggled twice.)
        """
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # from_display_module is fine for us
                window = pygame.Window.from_display_module()
            if not self.fullscreen:
                self.windowed_size = self.window_size
                window.set_fullscreen(desktop=True)
            else:
                window.set_windowed()
                desktop = pygame.display.get_desktop_sizes()[0]
                window.size = (
                    min(self.windowed_size[0], max(MIN_SIZE[0], desktop[0] - 40)),
                    min(self.windowed_size[1], max(MIN_SIZE[1], desktop[1] - 80)),
                )
                window.position = pygame.WINDOWPOS_CENTERED
            self.fullscreen = not self.fullscreen
            self.resize(window.size)
        except pygame.error as exc:  # a video driver or window manager that refuses
            self.message = f"{t('error', self.lang)}: {error_text(exc, self.lang)}"

    def start_game(self, session: GameSession, replay: bool = False) -> None:
        """Start a session (a new game or a loaded one) and show the dashboard."""
        from sim.game.screens.dashboard import DashboardScreen

        self.session = session
        self.autoplay = replay
        self.show(DashboardScreen, replay=replay)

    def require_session(self) -> GameSession:
        """The session being played; only screens shown during a game ask (no session is a bug)."""
        if self.session is None:
            raise RuntimeError("no game is being played")
        return self.session

    # -- saving ------------------------------------------------------------
    def autosave(self) -> Path | None:
        """Save the game in progress to the autosave file; never raises."""
        if self.session is None or not self.session.history:
            return None
        try:
            return self.session.save(autosave_path())
        except UserError:
            return None

    def quit(self) -> None:
        """Autosave the game (when there is one) and end the main loop."""
        finish = getattr(self.screen, "finish_step", None)
        if finish is not None:
            finish()  # a quarter still being computed belongs in the autosave
        self.autosave()
        if not self.fullscreen:
            self.remember(size=self.window_size)
        self.running = False
        self.close()

    def worker(self) -> ThreadPoolExecutor:
        """The one worker thread that computes quarters during autoplay (started on first use)."""
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quarter")
        return self._worker

    def background(self, function, *args, **kwargs) -> Future:
        """Run ``function`` on the worker thread; the frame loop wakes when it is done."""
        future = self.worker().submit(function, *args, **kwargs)
        future.add_done_callback(lambda _: self.wake.set())
        return future

    def close(self) -> None:
        """Stop background work (the screen's, the preview pool, the quarter worker); the window closes with
        the process."""
        if self.screen is not None:
            self.screen.leave()
        if self.previewer is not None:
            self.previewer.shutdown()
        if self._worker is not None:
            self._worker.shutdown(wait=True)  # a quarter in flight finishes (the autosave already has it)
            self._worker = None

    # -- the loop ----------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        """Route one event: window and global keys here, the rest to the screen."""
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            self.resize((event.w, event.h))
            return
        if event.type == pygame.WINDOWSIZECHANGED:
            self.resize((event.x, event.y))
            return
        if event.type == pygame.WINDOWMINIMIZED:
            self.minimised = True
        elif event.type in (pygame.WINDOWRESTORED, pygame.WINDOWEXPOSED, pygame.WINDOWMAXIMIZED):
            self.minimised = False
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
            self.toggle_fullscreen()
            return
        layout_event = self.to_layout(event)
        if not self.too_small and self.screen.covers(layout_event):
            return  # a click on what the screen draws over its widgets: not for a widget hidden under it
        if not self.too_small and self.screen.focus_key(layout_event):
            return  # Tab, or a key for the widget with the keyboard focus (see Screen.focus_key)
        self.manager.process_events(event)
        if not self.too_small:
            self.screen.handle(layout_event)

    def mouse_position(self) -> tuple[int, int]:
        """The mouse's position in layout pixels (the screens' coordinates)."""
        x, y = pygame.mouse.get_pos()
        return int(x / self.ui_scale), int(y / self.ui_scale)

    def to_layout(self, event: pygame.event.Event) -> pygame.event.Event:
        """A mouse event with its position in layout pixels (the screens' coordinates)."""
        if self.ui_scale == 1.0 or not hasattr(event, "pos"):
            return event
        x, y = event.pos
        return pygame.event.Event(event.type, {**event.dict, "pos": (int(x / self.ui_scale), int(y / self.ui_scale))})

    def frame(self, dt: float) -> None:
        """Process pending events, update and draw one frame (dt in seconds).

        A frame with no events whose picture would be the one on the window is not drawn again
        (see :meth:`draw`): the window sleeps while nothing changes. Without input, pygame-gui's
        widgets are updated every :data:`QUIET_UI_UPDATE_S` (with the time passed since), and before
        any frame that is drawn.
        """
        events = pygame.event.get()
        for event in events:
            self.last_input = time.perf_counter()
            self.handle(event)
            if not self.running:
                return
        if not self.too_small:
            self.screen.update(dt)
        if self.next_screen is not None:  # a screen change asked for from outside a screen (lesson turns)
            screen_class, kwargs = self.next_screen
            self.next_screen = None
            self.show(screen_class, **kwargs)
        self.ui_time += dt
        if events or self.ui_time >= QUIET_UI_UPDATE_S or any(pygame.mouse.get_pressed()):
            self.update_widgets()
        if self.minimised:
            return
        self.draw(force=bool(events))

    def update_widgets(self) -> None:
        """Update pygame-gui's widgets with the time passed since they last were (see :data:`QUIET_UI_UPDATE_S`)."""
        self.manager.update(self.ui_time)
        self.ui_time = 0.0

    def draw(self, force: bool = True) -> None:
        """Draw the current screen and widgets, scaled to the window.

        Without ``force``, a screen that is ``retained`` (see :class:`DisplayPlan`) is planned first,
        with what it draws over its widgets, and the frame is skipped when the plans and pygame-gui's
        widgets are those already on the window, unless :data:`REDRAW_AT_LEAST_S` have passed since the
        window was last drawn (a safety net for a widget that repaints its image in place). Events always
        draw (``frame`` forces it).
        """
        target = self.canvas
        # in autoplay a quarter lands several times a second: redraw the panels it changed one per frame
        self.cache.begin_frame(1 if self.autoplay else None)
        if getattr(self.screen, "retained", False) and not self.too_small:
            plan, over = DisplayPlan(target.get_size()), DisplayPlan(target.get_size())
            self.screen.draw(plan)
            self.screen.draw_over(over)  # drawn over the widgets
            self.screen.draw_focus(over)
            planned, overlaid = plan.signature(), over.signature()
            if self.ui_time > 0 and (force or self.drawn is None or (planned, overlaid) != self.drawn[1::2]):
                self.update_widgets()  # the frame will be drawn: its widgets are brought up to date first
            widgets = widgets_signature(self.manager)
            signature = None if widgets is None else (target, planned, widgets, overlaid)
            now = time.perf_counter()
            if (
                not force
                and signature is not None
                and signature == self.drawn
                and now - self.drawn_at < REDRAW_AT_LEAST_S
            ):
                self.frames_skipped += 1
                return
            target.fill(charts.BG)
            plan.replay(target)
            self.manager.draw_ui(target)
            over.replay(target)
            self.drawn, self.drawn_at = signature, now
        else:
            self.drawn = None
            if self.ui_time > 0:
                self.update_widgets()
            self.draw_screen(target)
        self.frames_drawn += 1
        if target is not self.window:
            pygame.transform.smoothscale(target, self.window.get_size(), self.window)
        pygame.display.flip()

    def draw_screen(self, target: pygame.Surface) -> None:
        """Draw the screen, its widgets and what it draws over them on ``target`` (or the too-small notice)."""
        target.fill(charts.BG)
        if self.too_small:
            charts.text(target, t("too_small", self.lang), (self.size[0] // 2, self.size[1] // 2), 14, anchor="center")
        else:
            self.screen.draw(target)
            self.manager.draw_ui(target)
            self.screen.draw_over(target)
            self.screen.draw_focus(target)

    def run(self) -> None:
        """Run until the window closes; closing it (or Quit) autosaves the game in progress.

        Being killed (Ctrl-C in the terminal, SIGTERM) does not autosave: the
        autosave is the last game the player chose to leave, and a stray
        process must never overwrite it.
        """
        try:
            while self.running:
                self.run_once()
        finally:
            self.close()

    def frame_rate(self) -> int:
        """Frames per second the loop runs at now: 60 while the player acts or autoplay runs, else 10
        (:data:`WAIT_FPS` while the screen waits for background work, which wakes the loop as it lands;
        :data:`IDLE_FPS` when nothing moves)."""
        if self.autoplay or time.perf_counter() - self.last_input <= IDLE_AFTER_S:
            return FPS
        return WAIT_FPS if getattr(self.screen, "busy", False) else IDLE_FPS

    def run_once(self) -> None:
        """One pass of the main loop, at :meth:`frame_rate`.

        Below full speed the loop sleeps until the next frame is due, but wakes earlier when background
        work lands (:attr:`wake`: a preview's first replications or its last, a quarter, a budget check)
        or when the screen asked for a frame at a set time (its ``wake_at``, e.g. a preview request after
        a slider drag).
        """
        rate = self.frame_rate()
        if rate < FPS:
            due = self.frame_started + 1.0 / rate
            wake_at = getattr(self.screen, "wake_at", None)
            if wake_at is not None:
                due = min(due, wake_at)
            delay = due - time.perf_counter()
            if delay > 0:
                self.wake.wait(delay)
            self.wake.clear()  # before the frame: whatever lands from now on wakes the next wait
            dt = self.clock.tick() / 1000.0
        else:
            dt = self.clock.tick(rate) / 1000.0
        self.frame_started = time.perf_counter()
        self.frame(dt)

    def pump(self, frames: int = 1, dt: float = 1 / FPS) -> None:
        """Run ``frames`` frames without waiting (for tests and headless capture)."""
        for _ in range(frames):
            if not self.running:
                return
            self.frame(dt)

    def screenshot(self, path: str | Path) -> Path:
        """Draw a frame and save the window as a PNG."""
        from sim.core.files import atomic_write

        self.draw()
        return atomic_write(Path(path), lambda tmp: pygame.image.save(self.window, str(tmp)), make_parents=True)


def headless_environment() -> None:
    """Use SDL's dummy video and audio drivers (call before the window opens)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
