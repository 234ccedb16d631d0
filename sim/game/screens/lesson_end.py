"""End of a lesson: each role's fair score (its decisions over the class seeds) beside the run seen.

The replays run on a worker thread (on the process pool), so the window stays
responsive; the sentence under each score says why the two differ.
"""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pygame
from pygame_gui.elements import UITextBox

from sim.classroom.game import lesson_session, say
from sim.classroom.scoring import luck_word
from sim.errors import UserError, report_bug
from sim.game import charts
from sim.game.screens.base import Screen, escape
from sim.game.screens.briefing import role_objectives_html


class LessonEndScreen(Screen):
    """Fair scores with 5-95 % ranges, the seen scores, one sentence each; debrief and back buttons."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.results: list | None = None
        self.failed = ""
        self.shown = False
        self.stopping = threading.Event()  # set by leave(): the scores are no longer wanted
        self.pool: ProcessPoolExecutor | None = None  # the replays' pool while they run (leave() stops it)
        self._pool_lock = threading.Lock()
        self.thread = threading.Thread(target=self._compute, name="fair-scores", daemon=True)
        self.thread.start()

    def _compute(self) -> None:
        from sim.classroom.scoring import explain_difference, fair_score
        from sim.pool import process_pool

        session = lesson_session(self.app)
        try:
            out = []
            for role in session.human_roles:
                with self._pool_lock:
                    if self.stopping.is_set():
                        return
                    self.pool = pool = process_pool(2)
                try:
                    fair = fair_score(session.lesson, role, session.decisions, session.seed, executor=pool)
                except BrokenProcessPool:  # a pool cannot start here (e.g. no importable __main__): run serially
                    if self.stopping.is_set():
                        return
                    fair = fair_score(session.lesson, role, session.decisions, session.seed, workers=1)
                finally:
                    with self._pool_lock:
                        self.pool = None
                    pool.shutdown(wait=not self.stopping.is_set())
                out.append((role, fair, explain_difference(session.lesson, fair, self.lang)))
            self.results = out
        except Exception as exc:  # shown on screen; the game must not die at its last screen
            if self.stopping.is_set():
                return  # stopped on purpose (the window closed): nothing to show or report
            self.failed = str(exc) or type(exc).__name__
            report_bug("the fair scores could not be computed", exc)

    def leave(self) -> None:
        """Stop the replays if they still run (another screen, or the window closing): a pool left running
        as the process exits has its workers start without the parent's semaphores, each printing a
        traceback."""
        from sim.pool import STOP_WAIT_S, stop_process_pool

        with self._pool_lock:
            self.stopping.set()
            pool = self.pool
        if pool is not None:
            stop_process_pool(pool)
        if self.thread is not threading.current_thread():
            self.thread.join(STOP_WAIT_S)

    def wait(self) -> None:
        """Block until the fair scores are ready (headless captures and tests)."""
        self.thread.join()

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        session = lesson_session(self.app)
        parts = [f"<b>{escape(session.lesson.title[self.lang])}</b> · {escape(session.team)}"]
        if self.results is None and not self.failed:
            parts.append(escape(say("computing", self.lang)))
        for role, fair, sentence in self.results or []:
            card = session.role_scorecard(role)
            parts.append(
                f"<b>{escape(role.label_for(self.lang))}</b><br>"
                f"{escape(say('fair', self.lang))}: <b>{fair.mean:.0f}</b> (5-95 %: {fair.p05:.0f}-{fair.p95:.0f})<br>"
                f"{escape(say('seen', self.lang))}: <b>{fair.seen_score:.0f}</b> ({escape(luck_word(fair.luck_verdict, self.lang))})<br>"
                f"<i>{escape(sentence)}</i><br>{role_objectives_html(role, self.lang, card)}"
            )
        if self.failed:
            parts.append(f"<font color='{charts.html_color(charts.ERROR)}'>{escape(self.failed)}</font>")
        if self.app.message:
            parts.append(escape(self.app.message))
        UITextBox("<br><br>".join(parts), pygame.Rect(20, 60, w - 40, h - 140), self.manager)
        self.button((20, h - 64, 240, 40), say("debrief", self.lang), "debrief", say("debrief", self.lang))
        self.button((w - 200, h - 64, 180, 40), say("to_start", self.lang), "start", say("to_start", self.lang))

    def update(self, dt: float) -> None:
        if not self.shown and (self.results is not None or self.failed):
            self.shown = True
            self.app.rebuild()

    def act(self, action: str) -> None:
        if action == "start":
            from sim.game.screens.start import StartScreen

            self.app.show(StartScreen)
        elif action == "debrief":
            from sim.classroom.debrief import write_debrief

            session = lesson_session(self.app)
            try:
                path = session.save()
                out = path.parent / f"{path.stem}-debrief"
                write_debrief([path], out, lang=self.lang, force=True)
                self.app.message = f"{say('saved', self.lang)} {out / 'index.html'}"
            except UserError as exc:
                self.app.message = self.error_line(exc)
            self.app.rebuild()

    def draw(self, surface: pygame.Surface) -> None:
        charts.text(surface, say("fair", self.lang), (20, 16), 24, charts.ACCENT, bold=True)
