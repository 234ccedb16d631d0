"""End screen: objectives met or missed, score and grade, key charts; save, export, replay, play again."""

from __future__ import annotations

from functools import partial

import pygame
import pygame_gui
from pygame_gui.windows import UIFileDialog

from sim.core.stats import final_year
from sim.errors import UserError
from sim.game import charts, units
from sim.game.i18n import pick
from sim.game.report import (
    SUMMARY_METRICS,
    export_report,
    final_year_span,
    final_year_text,
    objective_lines,
)
from sim.game.screens.base import Screen
from sim.game.session import GameSession, save_dir
from sim.model.outcomes import METRICS
from sim.timeline import quarter_label


class EndScreen(Screen):
    """Shown when the scenario's last quarter has been played."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.file_dialog: UIFileDialog | None = None
        app.session.sync_ghost()  # the baseline must be complete for the scorecard

    @property
    def session(self) -> GameSession:
        """The finished game session."""
        return self.app.require_session()

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        self.left = pygame.Rect(16, 16, int(w * 0.42), h - 80)
        self.right = pygame.Rect(self.left.right + 16, 16, w - self.left.right - 32, h - 80)
        y = h - 54
        x = 16
        for label, action, tip, width in (
            ("save_game", "save", "save_tip", 150),
            ("export", "export", "export_tip", 230),
            ("replay", "replay", "replay_tip", 150),
            ("play_again", "again", "play_again_tip", 140),
            ("lang_toggle", "lang", "lang_tip", 100),
            ("quit", "quit", "quit_tip", 90),
        ):
            self.button((x, y, width, 40), self.tr(label), action, self.tr(tip))
            x += width + 10

    def act(self, action: str) -> None:
        if action == "save":
            w, h = self.app.size
            save_dir().mkdir(parents=True, exist_ok=True)
            path = save_dir() / f"{self.session.scenario.name}-seed{self.session.seed}-final.json"
            self.file_dialog = UIFileDialog(
                pygame.Rect(w // 2 - 300, h // 2 - 250, 600, 500),
                self.manager,
                window_title=self.tr("save_game"),
                initial_file_path=str(path),
            )
        elif action == "export":
            self.export(save_dir() / "exports")
        elif action == "replay":
            s = self.session
            again = GameSession(s.scenario, s.seed, script=s.decisions)
            again.lever_order = list(s.lever_order)
            self.app.start_game(again, replay=True)
        elif action == "again":
            from sim.game.screens.start import StartScreen

            self.app.preselected = self.session.scenario
            self.app.show(StartScreen)
        elif action == "lang":
            self.app.set_language("en" if self.lang == "ko" else "ko")
        elif action == "quit":
            self.app.quit()

    def export(self, out_dir) -> tuple | None:
        """Write the report (charts PNG and summary text) and say where."""
        try:
            png, txt = export_report(self.session, out_dir, self.lang)
        except (UserError, OSError, pygame.error) as exc:  # a folder it cannot write, a full disk
            self.app.message = f"{self.tr('error')}: {self.error_line(exc)}"
            return None
        self.app.message = f"{self.tr('exported_to')}: {png} , {txt.name}"
        return png, txt

    def handle(self, event: pygame.event.Event) -> None:
        super().handle(event)
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED and event.ui_element is self.file_dialog:
            self.file_dialog = None
            self.save_to(event.text)
        elif event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.file_dialog:
            self.file_dialog = None
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.file_dialog is None:
            self.act("again")

    def draw(self, surface: pygame.Surface) -> None:
        cache = self.app.cache
        key = (self.session.data_key, self.app.size, self.lang, id(self.session))
        surface.blit(cache.get("end_left", key, lambda: self.scorecard(self.left.size)), self.left)
        surface.blit(cache.get("end_right", key, lambda: self.charts(self.right.size)), self.right)
        if self.app.message:
            charts.text(
                surface,
                self.app.message,
                (16, self.app.size[1] - 76),
                12,
                charts.ACCENT,
                max_width=self.app.size[0] - 32,
            )

    def scorecard(self, size) -> pygame.Surface:
        """Draw the scorecard: score, grade, objectives and final-year outcomes."""
        surface = pygame.Surface(size)
        surface.fill(charts.PANEL)
        session = self.session
        w = size[0]
        y = 10
        charts.text(surface, self.tr("game_over"), (14, y), 16, charts.DIM)
        y += 24
        charts.text(
            surface, pick(session.scenario.title, self.lang), (14, y), 18, charts.TEXT, bold=True, max_width=w - 28
        )
        y += 30
        first = units.quarter_text(session.scenario.start, self.lang)
        last = units.quarter_text(session.model.quarter - 1, self.lang)
        span = f"{first} – {last} · {self.tr('seed')} {session.seed}"
        charts.text(surface, span, (14, y), 12, charts.DIM)
        y += 26
        card = session.scorecard()
        if card is not None:
            charts.text(surface, f"{card.grade}", (14, y), 56, charts.ACCENT, bold=True)
            charts.text(surface, f"{self.tr('score')} {card.score:.0f}/100", (100, y + 12), 22, charts.TEXT, bold=True)
            ghost = session.ghost_scorecard()
            if ghost is not None:
                charts.text(
                    surface,
                    f"{self.tr('baseline_score')}: {ghost.score:.0f} ({ghost.grade})",
                    (100, y + 46),
                    12,
                    charts.DIM,
                    max_width=w - 110,
                )
            y += 90
            charts.text(surface, self.tr("objectives"), (14, y), 15, charts.TEXT, bold=True)
            y += 24
            for result, line_text in zip(card.results, objective_lines(session, card, self.lang)):
                color = charts.GOOD if result.met else charts.BAD
                charts.status_mark(surface, result.met, (22, y + 9), color)
                for k, line in enumerate(charts.wrap(line_text, 12, w - 50)):
                    charts.text(surface, line, (34, y), 12, charts.TEXT if k == 0 else charts.DIM)
                    y += 18
                y += 6
        y += 8
        now = final_year(session.history)  # the last four quarters (sim.core.stats)
        base = final_year(session.ghost_history)
        if not now or y + 24 + 19 > size[1] - 20:  # no room for the heading and one row: the report has them
            return surface
        # three columns: the outcome, yours, the baseline's (named once, on the heading's line)
        you_x, base_x = int(w * 0.40), int(w * 0.71)
        heading = self.tr("final_year_heading").format(year=final_year_span(now, self.lang))
        charts.text(surface, heading, (14, y), 15, charts.TEXT, bold=True, max_width=w - 28)
        if charts.font(15, True).size(heading)[0] > you_x - 24:  # (a span of quarters): the names on a line below
            y += 20
        charts.text(surface, self.tr("you"), (you_x, y + 3), 12, charts.ACCENT, max_width=base_x - you_x - 8)
        if base:
            charts.text(surface, self.tr("baseline"), (base_x, y + 3), 12, charts.DIM, max_width=w - base_x - 8)
        y += 24
        for metric in SUMMARY_METRICS:
            if metric not in now[-1] or y > size[1] - 20:
                continue
            info = METRICS[metric]
            label = charts.first_fitting([info.label(self.lang), info.short_label(self.lang)], 12, you_x - 24)
            charts.text(surface, label, (14, y), 12, charts.DIM, max_width=you_x - 24)
            charts.text(
                surface,
                final_year_text(metric, now, self.lang),
                (you_x, y),
                12,
                charts.TEXT,
                bold=True,
                max_width=base_x - you_x - 8,
            )
            if base:
                charts.text(
                    surface,
                    final_year_text(metric, base, self.lang),
                    (base_x, y),
                    12,
                    charts.DIM,
                    max_width=w - base_x - 8,
                )
            y += 19
        return surface

    def charts(self, size) -> pygame.Surface:
        """Draw the outcome charts against the baseline."""
        surface = pygame.Surface(size)
        surface.fill(charts.BG)
        session = self.session
        labels = [quarter_label(q) for q in range(session.scenario.start, session.scenario.end + 1)]
        height = (size[1] - 12) // 3
        metrics = ("domestic_revenue_share", "market_revenue_usd_bn", "sovereignty_index")
        for k, metric in enumerate(metrics):
            info = METRICS[metric]
            share = info.unit == "share"
            image = charts.draw_line_chart(
                (size[0], height),
                f"{info.label(self.lang)} ({units.metric_chart_unit(metric, self.lang)}) — {self.tr('ghost_legend')}",
                labels,
                len(labels),
                [
                    ([r[metric] for r in session.ghost_history], charts.ACCENT, True),
                    ([r[metric] for r in session.history], charts.ACCENT, False),
                ],
                fmt=partial(units.axis_value, metric, lang=self.lang),
                legend=[(self.tr("you"), charts.ACCENT), (self.tr("baseline"), charts._blend(charts.ACCENT, 0.5))],
                y_max=1.0 if share else None,
            )
            surface.blit(image, (0, k * (height + 6)))
        return surface
