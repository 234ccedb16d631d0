"""Dashboard: charts, outcome gauges, firm cards, partners, news, why panel, policy levers, events."""

from __future__ import annotations

import time
from datetime import datetime

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIDropDownMenu,
    UITextBox,
    UITooltip,
    UIWindow,
)
from pygame_gui.windows import UIFileDialog

from sim.game import charts, panels, units
from sim.game.dashboard_data import (  # noqa: F401 - re-exported for callers and tests
    PAIR_OF,
    PARTICLE_AFTER_NAME,
    firm_cards,
    fix_particles,
    news_html,
    partner_rows,
    snap,
    why_outcomes,
)
from sim.game.i18n import display_name, pick
from sim.game.screens.base import GuiItems
from sim.game.screens.dialogs import Dialogs
from sim.game.screens.forecast import Forecast
from sim.game.screens.levers import LEVER_TIP_WIDTH, LeverPanel
from sim.game.session import AUTOPLAY_UNDO_EVERY, save_dir
from sim.game.theme import MENU_TEXT_MARGIN, WIDGET_FONT_SIZE
from sim.game.why import why_view
from sim.model.outcomes import METRICS
from sim.timeline import quarter_label

GAUGES = (
    "domestic_revenue_share",
    "hhi",
    "consumer_surplus",
    "capability_gap",
    "sovereignty_index",
    "budget_left_krw_bn",
)
SPEEDS = (0.5, 1.0, 2.0, 4.0, 10.0)  # autoplay quarters per second
# After a quarter, the preview and the budget check of the new state wait this long: a player pressing
# Space again meanwhile would only have them compete with the next quarter for the cores.
AFTER_STEP_QUIET_S = 0.5
TABS = ("firms", "partners", "news", "why")
SCROLLED_TABS = ("firms", "partners", "why")  # drawn panels that scroll (the news scroll in their own text box)
SCROLL_STEP = 40  # pixels a mouse wheel notch scrolls the side panel
CHART_MENU_WIDTH = 260  # the chart's outcome menu, where the centre column is that wide
GOAL_TIP_DELAY_S = 0.6  # the mouse rests this long on a goal before its whole text shows


TOP = 48


class DashboardScreen(LeverPanel, Dialogs, Forecast):
    """The main game screen."""

    def __init__(self, app, replay: bool = False) -> None:
        super().__init__(app)
        self.replay = replay
        self.tab = "firms"
        self.scroll: dict[str, int] = {}  # per side-panel tab: pixels scrolled down (see scroll_panel)
        self.scroll_limit: dict[str, int] = {}  # per tab: how far its panel scrolls, as last drawn
        self.chart_metric = "market_revenue_usd_bn"
        self.why_target: str | None = None
        self.speed = 2.0
        self.clock = 0.0
        self.event_window = None
        self.menu_window = None
        self.file_dialog: UIFileDialog | None = None
        self.step_after_answers = False
        self.message_timer = 0.0
        self.preview_due = time.perf_counter()  # a first preview straight away
        self.plan_changed_at = float("-inf")  # no plan change yet
        self.preview_version = 0
        self.projection = None  # the latest finished preview for the current plan
        self.option_projection = None  # the preview of the open event's options
        self.option_tasks: list = []
        self._budget = None  # (plan key, budget check) of the last dry run
        self.budget_job = None  # the budget check's dry run on the worker thread
        self.budget_due: float | None = None  # after a quarter, the same plan is checked from this time
        self._trial = None  # ((session id, version), snapshot, model restored from it) for the next budget check
        self.trial_job = None  # restoring it, on the worker thread
        self.help_window: UIWindow | None = None
        self.step_job = None  # a quarter computed on the app's worker thread (autoplay)
        self.focus_lever = 0  # the lever the arrow keys move
        self.goal_tip: UITooltip | None = None  # the hover text of the goal under the mouse (see update_goal_tip)
        self.goal_tip_key: tuple | None = None  # (goal index, quarters played, projection) it was written for
        self.goal_hover: tuple[tuple[int, int], int | None, float] = ((-1, -1), None, 0.0)  # (mouse, goal, since)
        first_game = not app.settings.tour_done and not replay and not app.session.history
        self.tour_step: int | None = 0 if first_game else None
        if app.previewer is not None:
            app.previewer.warm()  # before the game starts any thread of its own

    # -- layout ------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        self.event_window = self.menu_window = self.file_dialog = None
        self.goal_tip, self.goal_tip_key = None, None  # (the widgets are gone)
        # side panels grow with the window (fixed widths left a sliver of centre at 960x600)
        left_w = max(250, min(420, int(w * 0.26)))
        right_w = max(280, min(560, int(w * 0.30)))
        self.left = pygame.Rect(8, TOP + 4, left_w, h - TOP - 12)
        self.right = pygame.Rect(w - right_w - 8, TOP + 4, right_w, h - TOP - 12)
        self.center = pygame.Rect(self.left.right + 8, TOP + 4, self.right.left - self.left.right - 16, h - TOP - 12)
        self.gauge_rect = pygame.Rect(self.center.x, self.center.y, self.center.width, 184)
        # the chart's outcome menu has its own row, so it never covers the chart's title
        self.chart_menu_rect = pygame.Rect(
            self.center.right - min(CHART_MENU_WIDTH, self.center.width),
            self.gauge_rect.bottom + 4,
            min(CHART_MENU_WIDTH, self.center.width),
            26,
        )
        charts_top = self.chart_menu_rect.bottom + 4
        chart_h = (self.center.bottom - 30 - charts_top - 6) // 2
        self.chart_a = pygame.Rect(self.center.x, charts_top, self.center.width, chart_h)
        self.chart_b = pygame.Rect(self.center.x, self.chart_a.bottom + 6, self.center.width, chart_h)
        self.ticker = pygame.Rect(self.center.x, self.chart_b.bottom + 4, self.center.width, 24)
        self.build_top_bar(w)
        self.build_levers()
        self.build_right()
        self.chart_menu: UIDropDownMenu | None = None
        self.build_chart_menu()
        self.help_window = None
        self.build_tour()
        self.mark_focus_lever()

    def build_chart_menu(self) -> None:
        """The chart's outcome menu, showing the outcome charted now (re-made when a tile picks another)."""
        if self.chart_menu is not None:
            self.chart_menu.kill()
        self.metric_by_label = {self.menu_label(m, self.chart_menu_rect.width): m for m in METRICS}
        shown = {m: label for label, m in self.metric_by_label.items()}
        options: GuiItems = [shown[m] for m in self._metric_names()]
        self.chart_menu = self.drop_down(options, shown[self.chart_metric], self.chart_menu_rect, self.tr("chart_tip"))

    def menu_label(self, metric: str, menu_width: int) -> str:
        """An outcome's name in a drop-down menu ``menu_width`` pixels wide: its label, or its short label where
        the label would be cut ('Domestic capability (revenue-weighted)' was; see theme.MENU_TEXT_MARGIN)."""
        info = METRICS[metric]
        labels = [info.label(self.lang), info.short_label(self.lang)]
        return charts.first_fitting(labels, WIDGET_FONT_SIZE, menu_width - MENU_TEXT_MARGIN)

    def _metric_names(self) -> list[str]:
        return [m for m in METRICS if not self.session.history or m in self.session.history[-1]]

    def build_top_bar(self, w: int) -> None:
        """The top bar: quarter, speed, budget and menu buttons."""
        x = w - 8
        specs = [
            ("help", "?", "help_tip", 40),
            ("menu", "menu", "menu_tip", 80),
            ("fullscreen", "F11", "fullscreen_tip", 52),
            ("lang", "lang_toggle", "lang_tip", 90),
            ("save", "save", "save_tip", 70),
            ("undo", "undo", "undo_tip", 90),
        ]
        for action, label, tip, width in specs:
            x -= width
            text = label if label in ("F11", "?") else self.tr(label)
            widget = self.button((x, 8, width, 34), text, action, self.tr(tip))
            if action == "undo":
                self.undo_button = widget
                if not self.session.can_undo or self.replay:
                    widget.disable()
            x -= 6
        x -= 6
        self.speed_menu = self.drop_down(
            [units.speed_text(v, self.lang) for v in SPEEDS],
            units.speed_text(self.speed, self.lang),
            (x - 106, 8, 106, 34),  # '초당 0.5분기' whole in its list
            self.tr("speed_tip"),
        )
        x -= 112
        self.auto_button = self.button(
            (x - 110, 8, 110, 34),
            self.tr("pause" if self.app.autoplay else "autoplay"),
            "autoplay",
            self.tr("autoplay_tip"),
        )
        x -= 116
        self.next_button = self.button((x - 140, 8, 140, 34), self.tr("next_quarter"), "next", self.tr("next_tip"))
        if self.session.finished or self.replay:
            self.next_button.disable()
        self.title_right = x - 150

    def build_right(self) -> None:
        """The right column: the role's goals, which stay on screen, above tabs for firms, partners, news and Why."""
        # two lines a goal where they fit in 40 % of the column, else that much, where they take one line each and
        # some two (see panels.draw_goals), or more if one line each needs it (tabs and a panel stay below)
        count = len(self.session.scenario.objectives)
        share = int(self.right.height * 0.4)
        goals_h = panels.goals_height(count)
        if goals_h > share:
            goals_h = min(max(share, panels.goals_height(count, one_line=True)), self.right.height - 120)
        self.goals_rect = pygame.Rect(self.right.x, self.right.y, self.right.width, goals_h)
        r = pygame.Rect(self.right.x, self.goals_rect.bottom + 6, self.right.width, self.right.height - goals_h - 6)
        width = (r.width - 6 * 3) // 4
        self.tab_buttons = {}
        for k, tab in enumerate(TABS):
            widget = self.button(
                (r.x + k * (width + 6), r.y, width, 30), self.tr(tab), "tab:" + tab, self.tr(tab + "_tip")
            )
            if tab == self.tab:
                widget.select()
            self.tab_buttons[tab] = widget
        self.content = pygame.Rect(r.x, r.y + 36, r.width, r.height - 36)
        self.news_box = None
        self.why_menu = None
        if self.tab == "news":
            self.news_box = UITextBox(news_html(self.session.model, self.lang), self.content, self.manager)
        elif self.tab == "why":
            label_of: dict[str | None, str] = {None: self.tr("domestic_side")}
            label_of |= {f"metric:{m}": self.menu_label(m, self.content.width) for m in why_outcomes()}
            label_of |= {f.firm_id: display_name(f, self.lang) for f in self.session.model.firms}
            options: GuiItems = [label_of[subject] for subject in self.why_subjects()]
            self.why_names = {label: key for key, label in label_of.items() if key is not None}
            current = label_of.get(self.why_target, label_of[None])
            if current not in options:  # the firm has left the market (or undo went back before it entered)
                current, self.why_target = label_of[None], None
            self.why_menu = self.drop_down(
                options, current, (self.content.x, self.content.y, self.content.width, 30), self.tr("why_select_tip")
            )

    # -- acting ------------------------------------------------------------
    def request_step(self, in_background: bool = False) -> None:
        """Next quarter: ask any pending event choices first, then step.

        With ``in_background`` the quarter is computed on a worker thread (autoplay at
        speed): the window keeps drawing, and :meth:`finish_step` completes it.
        """
        self.finish_step()
        session = self.session
        if session.finished or self.event_window is not None or self.app.screen is not self:
            return
        if not session.script and session.unanswered_events():
            self.step_after_answers = True
            self.app.autoplay = False
            self.open_event_window(session.unanswered_events()[0])
            return
        # autoplay keeps an undo point every few quarters (each is a pickle that stalls the window)
        session.undo_every = AUTOPLAY_UNDO_EVERY if in_background else 1
        if in_background:
            self.frozen_data_key = session.data_key  # draw what was complete until the quarter lands
            # a running worker takes the job: starting a thread here would wait for the new thread
            self.step_job = self.app.background(session.step, background_ghost=True)
            return
        session.step(background_ghost=self.app.background_ghost)
        self.after_step()

    def finish_step(self, wait: bool = True) -> bool:
        """Complete a quarter running on the worker thread (waiting for it unless ``wait`` is False).

        Returns False while it is still running. Input handlers call this first, so nothing
        the player does can touch the session while a quarter is being computed.
        """
        job = self.step_job
        if job is None:
            return True
        if not job.done() and not wait:
            return False
        self.step_job = None
        job.result()  # waits; an error in the quarter is raised here, in the window's thread
        self.after_step()
        return True

    def after_step(self) -> None:
        """Refresh panels, previews and the budget check after a quarter is played."""
        self.app.message = ""
        if self.session.finished:
            from sim.game.screens.end import EndScreen

            self.app.autoplay = False
            self.app.show(EndScreen)
            return
        self.refresh_widgets(preview_delay=AFTER_STEP_QUIET_S)
        self.budget_due = time.perf_counter() + AFTER_STEP_QUIET_S

    def refresh_widgets(self, preview_delay: float = 0.0) -> None:
        """Bring controls in line with the model after a step or undo (events can move levers)."""
        self.want_preview(delay=preview_delay)
        for name, row in self.lever_widgets.items():
            spec, value = row["spec"], self.session.lever_value(name)
            control = row["control"]
            if spec.type == "choice":
                self._select_choice(row, value)
            elif spec.type == "bool":
                control.set_text(units.lever_text(spec, value, self.lang))
            elif spec.is_numeric and snap(spec, control.get_current_value()) != value:
                control.set_current_value(float(value))
            if row["value"] is not None:
                row["value"].set_text(units.lever_text(spec, value, self.lang))
        self.refresh_costs()
        if self.news_box is not None:
            self.news_box.set_text(news_html(self.session.model, self.lang))
        if self.session.can_undo and not self.replay:
            self.undo_button.enable()
        else:
            self.undo_button.disable()
        self.auto_button.set_text(self.tr("pause" if self.app.autoplay else "autoplay"))

    def default_save_path(self):
        """Where Save puts the game by default."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return save_dir() / f"{self.session.scenario.name}-{self.session.model.quarter_label}-{stamp}.json"

    def save_to(self, path) -> bool:
        if super().save_to(path):
            self.message_timer = 6.0
            return True
        return False

    def act(self, action: str) -> None:
        if action == "next":
            self.request_step()
        elif action == "autoplay":
            self.app.autoplay = not self.app.autoplay
            self.clock = 0.0
            self.auto_button.set_text(self.tr("pause" if self.app.autoplay else "autoplay"))
        elif action == "undo":
            self.app.autoplay = False
            if self.session.undo():
                self.refresh_widgets()
        elif action == "reset":
            self.session.reset_levers()
            self.app.rebuild()
        elif action == "save":
            self.close_menu()
            w, h = self.app.size
            save_dir().mkdir(parents=True, exist_ok=True)
            self.file_dialog = UIFileDialog(
                pygame.Rect(w // 2 - 300, h // 2 - 250, 600, 500),
                self.manager,
                window_title=self.tr("save_game"),
                initial_file_path=str(self.default_save_path()),
            )
        elif action == "lang":
            self.app.set_language("en" if self.lang == "ko" else "ko")
        elif action == "fullscreen":
            self.app.toggle_fullscreen()
        elif action == "menu":
            self.open_menu()
        elif action == "help":
            self.close_menu()
            self.open_help()
        elif action == "tour_next":
            self.tour_step = (self.tour_step or 0) + 1
            if self.tour_step >= self.TOUR_STEPS:
                self.end_tour()
            else:
                self.app.rebuild()
        elif action == "tour_skip":
            self.end_tour()
        elif action == "resume":
            self.close_menu()
        elif action == "main_menu":
            from sim.game.screens.start import StartScreen

            self.app.autosave()
            self.app.autoplay = False
            self.app.preselected = self.session.scenario
            self.app.show(StartScreen)
        elif action == "quit":
            self.app.quit()
        elif action.startswith("tab:"):
            self.tab = action[4:]
            self.app.rebuild()
        elif action.startswith("choice:"):
            _, event_id, choice_id = action.split(":", 2)
            self.answer(event_id, choice_id)

    def handle(self, event: pygame.event.Event) -> None:
        self.finish_step()
        if self.app.screen is not self:
            return
        super().handle(event)
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element in self.widget_lever:
            name = self.widget_lever[event.ui_element]
            self.set_lever(name, snap(self.lever_widgets[name]["spec"], event.value))
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.choice_of:
            self.set_lever(self.widget_lever[event.ui_element], self.choice_of[event.ui_element])
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.widget_lever:
            name = self.widget_lever[event.ui_element]
            self.set_lever(name, not self.session.lever_value(name))
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.speed_menu:
                self.speed = {units.speed_text(v, self.lang): v for v in SPEEDS}.get(event.text, self.speed)
            elif event.ui_element is self.chart_menu:
                self.chart_metric = self.metric_by_label.get(event.text, self.chart_metric)
            elif event.ui_element is self.why_menu:
                self.why_target = self.why_names.get(event.text)
                self.scroll["why"] = 0  # a new explanation starts at its top
        elif event.type == pygame_gui.UI_WINDOW_CLOSE:
            if event.ui_element is self.event_window:
                self.event_window = None
                self.step_after_answers = False
            elif event.ui_element is self.menu_window:
                self.menu_window = None
            elif event.ui_element is self.help_window:
                self.help_window = None
            elif event.ui_element is self.file_dialog:
                self.file_dialog = None
        elif event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED and event.ui_element is self.file_dialog:
            self.file_dialog = None
            self.save_to(event.text)
        elif (
            event.type == pygame.MOUSEBUTTONDOWN
            and event.button == 1
            and self.tab == "firms"
            and self.content.collidepoint(event.pos)
            and not self.manager.get_hovering_any_element()
        ):
            cards = firm_cards(self.session.model, self.lang)
            pos = (event.pos[0] - self.content.x, event.pos[1] - self.content.y + self.scroll.get("firms", 0))
            index = charts.firm_card_at(self.content.size, len(cards), pos)
            if index is not None:  # a click on a firm card explains that firm
                self.why_target = cards[index]["id"]
                self.scroll["why"] = 0  # a new explanation starts at its top
                self.tab = "why"
                self.app.rebuild()
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.gauge_rect.collidepoint(event.pos):
            if self.manager.get_hovering_any_element():
                return
            metric = self.gauge_at(event.pos)
            if metric:
                self.chart_metric = "market_revenue_usd_bn" if metric == self.chart_metric else metric
                self.build_chart_menu()
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.goals_rect.collidepoint(event.pos):
            if self.manager.get_hovering_any_element():
                return
            metric = self.goal_metric_at(event.pos)
            if metric is not None and metric != self.chart_metric:  # a click on a goal charts what it measures
                self.chart_metric = metric
                self.build_chart_menu()
        elif (
            event.type == pygame.MOUSEWHEEL
            and self.panel_area().collidepoint(self.app.mouse_position())
            and not self.manager.get_hovering_any_element()  # e.g. the Why panel's menu, opened over it
        ):
            self.scroll_panel(-event.y * SCROLL_STEP)
        elif event.type == pygame.KEYDOWN and not self.text_focus():
            self.on_key(event)

    def panel_area(self) -> pygame.Rect:
        """Where the side panel's current tab draws what it scrolls (the Why panel: under its menu)."""
        if self.tab == "why":
            return pygame.Rect(self.content.x, self.content.y + 36, self.content.width, self.content.height - 36)
        return self.content

    def scroll_panel(self, pixels: int) -> None:
        """Scroll the side panel's firms, partners or Why tab down by ``pixels`` (up if negative), within what
        it has to show (the news scroll in their own box)."""
        if self.tab in SCROLLED_TABS:
            limit = self.scroll_limit.get(self.tab, 0)
            self.scroll[self.tab] = max(0, min(limit, self.scroll.get(self.tab, 0) + pixels))

    def on_key(self, event: pygame.event.Event) -> None:
        """Every action has a key (see Help): the game is playable without a mouse."""
        k, ctrl = event.key, bool(event.mod & pygame.KMOD_CTRL)
        number = k - pygame.K_1 if pygame.K_1 <= k <= pygame.K_9 else None
        if self.event_window is not None and number is not None:
            event_now = self.session.unanswered_events()[0] if self.session.unanswered_events() else None
            if event_now is not None and number < len(event_now["choices"]):
                self.answer(event_now["id"], event_now["choices"][number]["id"])
            return
        if k == pygame.K_ESCAPE:
            if self.tour_step is not None:
                self.end_tour()
            elif self.help_window is not None:
                self.open_help()  # closes it
            elif self.menu_window is not None:
                self.close_menu()
            else:
                self.open_menu()
        elif k in (pygame.K_F1, pygame.K_h):
            self.open_help()
        elif k in (pygame.K_SPACE, pygame.K_n) and not ctrl:
            if not self.replay:
                self.request_step()
        elif k == pygame.K_p:
            self.app.autoplay = False
            self.auto_button.set_text(self.tr("autoplay"))
        elif k == pygame.K_a and not ctrl:
            self.act("autoplay")
        elif k == pygame.K_u or (k == pygame.K_z and ctrl):
            if not self.replay:
                self.act("undo")
        elif k == pygame.K_s and ctrl:
            self.act("save")
        elif k == pygame.K_r and not ctrl:
            self.act("reset")
        elif k == pygame.K_l:
            self.act("lang")
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_MINUS, pygame.K_KP_MINUS):
            self.app.step_ui_scale(1 if k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS) else -1)
        elif k in (pygame.K_UP, pygame.K_DOWN):
            self.focus_lever += -1 if k == pygame.K_UP else 1
            self.mark_focus_lever()
        elif k in (pygame.K_LEFT, pygame.K_RIGHT) and not self.replay:
            self.nudge_lever(-1 if k == pygame.K_LEFT else 1)
        elif k in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            page = max(SCROLL_STEP, self.panel_area().height - 40)
            self.scroll_panel(page if k == pygame.K_PAGEDOWN else -page)
        elif number is not None and number < len(TABS):
            self.act("tab:" + TABS[number])
        elif k == pygame.K_RETURN and self.tour_step is not None:
            self.act("tour_next")
        elif k == pygame.K_c and not ctrl:
            self.cycle_chart(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif k == pygame.K_w and not ctrl:
            self.cycle_why(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif k in (pygame.K_LEFTBRACKET, pygame.K_RIGHTBRACKET):
            self.step_speed(1 if k == pygame.K_RIGHTBRACKET else -1)

    def cycle_chart(self, step: int) -> None:
        """Chart the next outcome of the chart menu (``step`` -1: the one before), as choosing it there would."""
        options = self._metric_names()
        at = options.index(self.chart_metric) if self.chart_metric in options else -1
        self.chart_metric = options[(at + step) % len(options)]
        self.build_chart_menu()

    def cycle_why(self, step: int) -> None:
        """Explain the next subject of the Why panel's menu (``step`` -1: the one before), showing the panel: the
        domestic side, each outcome, then each firm in the market."""
        subjects = self.why_subjects()
        at = subjects.index(self.why_target) if self.why_target in subjects else 0
        self.why_target = subjects[(at + step) % len(subjects)]
        self.scroll["why"] = 0  # a new explanation starts at its top
        self.tab = "why"
        self.app.rebuild()

    def why_subjects(self) -> list[str | None]:
        """What the Why panel can explain, in its menu's order: None (the domestic side), ``metric:<name>`` for
        each outcome (:func:`why_outcomes`), then the id of each firm in the market."""
        firms = [f.firm_id for f in self.session.model.firms if f.available]
        return [None, *(f"metric:{m}" for m in why_outcomes()), *firms]

    def step_speed(self, step: int) -> None:
        """Autoplay one speed faster (``step`` 1) or slower (-1), within :data:`SPEEDS`, as the speed menu would."""
        at = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        speed = SPEEDS[max(0, min(len(SPEEDS) - 1, at + step))]
        if speed != self.speed:
            self.speed = speed
            self.app.rebuild()

    def text_focus(self) -> bool:
        """Whether a text box has the keyboard (keys then type, not act)."""
        focused = self.manager.get_focus_set()
        return bool(focused) and any(type(e).__name__ == "UITextEntryLine" for e in focused)

    def gauge_at(self, pos) -> str | None:
        """The outcome tile under a window position, if any."""
        cols, rows = 3, 2
        cw = self.gauge_rect.width / cols
        rh = self.gauge_rect.height / rows
        col = int((pos[0] - self.gauge_rect.x) // cw)
        row = int((pos[1] - self.gauge_rect.y) // rh)
        index = row * cols + col
        return GAUGES[index] if 0 <= col < cols and 0 <= index < len(GAUGES) else None

    def goal_index_at(self, pos) -> int | None:
        """The index of the goal under a window position, if any."""
        items = panels.goals(self.session, self.projected_objectives(), self.lang)
        local = (pos[0] - self.goals_rect.x, pos[1] - self.goals_rect.y)
        return panels.goal_at(self.goals_rect.size, items, self.lang, local)

    def goal_metric_at(self, pos) -> str | None:
        """The outcome measured by the goal under a window position, if any and if the chart can show it."""
        index = self.goal_index_at(pos)
        if index is None:
            return None
        metric = self.session.scenario.objectives[index]["metric"]
        return metric if metric in self._metric_names() else None

    def update_goal_tip(self) -> None:
        """Show a goal's whole text (label, values, what a click charts) when the mouse rests on it: the strip
        cuts a long label with an ellipsis. Looked up only when the mouse moves; rewritten after a quarter
        or a new projection."""
        if self.step_job is not None:  # a quarter is being computed: never read the model meanwhile
            self.close_goal_tip()
            return
        pos = self.app.mouse_position()
        last_pos, index, since = self.goal_hover
        now = time.perf_counter()
        if pos != last_pos:
            over = self.goals_rect.collidepoint(pos) and (
                self.goal_tip is not None or not self.manager.get_hovering_any_element()
            )
            found = self.goal_index_at(pos) if over else None
            if found != index:
                index, since = found, now
            self.goal_hover = (pos, index, since)
        # not in autoplay: its text would be rewritten with every quarter, several times a second
        key = None if index is None or self.app.autoplay else (index, len(self.session.history), id(self.projection))
        if key != self.goal_tip_key:
            self.close_goal_tip()
        if key is None or index is None or self.goal_tip is not None or now - since < GOAL_TIP_DELAY_S:
            return
        items = panels.goals(self.session, self.projected_objectives(), self.lang)
        metric = self.session.scenario.objectives[index]["metric"]
        charted = METRICS[metric].label(self.lang) if metric in self._metric_names() else None
        html = panels.goal_tip_html(items[index], self.lang, charted)
        width = min(LEVER_TIP_WIDTH, self.app.size[0] - 40)
        self.goal_tip = UITooltip(html, (0, 16), self.manager, wrap_width=width)
        self.goal_tip.find_valid_position(pygame.math.Vector2(pos))
        self.goal_tip_key = key

    def close_goal_tip(self) -> None:
        """Take a goal's hover text off the screen (if shown)."""
        if self.goal_tip is not None:
            self.goal_tip.kill()
        self.goal_tip, self.goal_tip_key = None, None

    def update(self, dt: float) -> None:
        self.update_goal_tip()
        playing = self.app.autoplay and self.event_window is None and self.menu_window is None
        if playing:
            self.clock += dt  # the time a quarter takes counts towards the wait for the next one
        if not self.finish_step(wait=False) or self.app.screen is not self:
            return  # a quarter is being computed (or it ended the game)
        self.session.catch_up_ghost_in_background() if self.app.background_ghost else self.session.sync_ghost()
        self.update_preview()
        self.keep_trial_ready()
        if self.message_timer > 0:
            self.message_timer -= dt
            if self.message_timer <= 0:
                self.app.message = ""
        if not playing or not self.app.autoplay:
            return
        period = 1.0 / self.speed
        if self.clock >= period - 1e-9:  # (six frames of 1/60 s add up to a hair under 0.1 s)
            # keep the time past the mark, so quarters come at the chosen rate on average, not a frame
            # later each; at most one period of it, so a slow quarter is not followed by a burst
            self.clock = min(self.clock - period, period)
            self.request_step(in_background=self.app.threaded_autoplay)

    @property
    def wake_at(self) -> float | None:
        """When this screen next wants a frame however slow the loop runs (a preview or a budget check
        falls due then); None if nothing is due later (a time passed has had its frame)."""
        now = time.perf_counter()
        times = [t for t in (self.preview_due, self.budget_due) if t is not None and t > now]
        return min(times) if times else None

    @property
    def busy(self) -> bool:
        """Background work whose result will change the screen (the loop runs at WAIT_FPS and wakes as it lands)."""
        previewer = self.app.previewer
        waiting = previewer is not None and (previewer.busy or self.preview_due is not None)
        stepping = self.step_job is not None
        checking = self.budget_job is not None and not self.budget_job.done()
        return waiting or stepping or checking or self.session.ghost_behind or self.message_timer > 0

    # -- drawing -----------------------------------------------------------
    def key(self, *extra, baseline: bool = True):
        """The cache key of a panel: the data it shows, the window size, the language and ``extra``.

        ``baseline``: whether the panel shows the baseline run too (its thread lands a moment after
        the player's quarter; panels without it need not be drawn twice). While a quarter is computed
        on the worker thread the panels stay as they were: nothing is drawn from a model mid-step.
        """
        data = self.frozen_data_key if self.step_job is not None else self.session.data_key
        return (data if baseline else data[0], id(self.session), self.app.size, self.lang, *extra)

    def draw(self, surface: pygame.Surface) -> None:
        session = self.session
        model = session.model
        cache = self.app.cache
        played = session.played_quarters
        quarter = units.quarter_text(model.quarter, self.lang)
        label = f"{self.tr('planning')} {quarter}" if not session.finished else self.tr("game_over")
        head = f"{pick(session.scenario.title, self.lang)}"
        charts.text(surface, head, (12, 4), 15, charts.TEXT, bold=True, max_width=self.title_right - 12)
        mode = f" · {self.tr('replaying')}" if self.replay else ""
        count = f"({played}/{session.total_quarters})"
        # in a narrow window the word "Planning" goes first, then the count; the quarter stays
        short = quarter if not session.finished else label
        status = charts.first_fitting(
            [f"{label}  {count}{mode}", f"{short} {count}{mode}", f"{short} {count}", short], 13, self.title_right - 12
        )
        charts.text(surface, status, (12, 25), 13, charts.ACCENT, max_width=self.title_right - 12)
        # budget line over the levers
        costs = session.lever_costs()
        planned = sum(costs.values())
        budget = session.budget_krw_bn_per_year()
        over = planned > budget > 0
        charts.text(surface, self.tr("levers"), (self.left.x + 4, self.left.y + 4), 14, bold=True)
        budget_money, planned_money = (units.krw_bn(v, self.lang, "yr") for v in (budget, planned))
        budget_word, planned_word = self.tr("budget"), self.tr("planned")
        planned_first = f"{planned_word[:1].upper()}{planned_word[1:]}"
        prefix, (budget_bare, planned_bare), suffix = units.shared_words([budget_money, planned_money])
        # what the plan costs first when both do not fit (it is the figure that moves and turns red), then
        # their shared unit written once: 'Planned KRW 3,065 / budget 2,500 bn/yr'
        line = charts.first_fitting(
            [
                f"{budget_word} {budget_money} · {planned_word} {planned_money}",
                f"{planned_first} {planned_money} · {budget_word} {budget_money}",
                f"{planned_first} {prefix}{planned_bare} / {budget_word.lower()} {budget_bare}{suffix}",
            ],
            11,
            self.left.width - 8,
        )
        charts.text(
            surface,
            line,
            (self.left.x + 4, self.left.y + 30),
            11,
            charts.BAD if over else charts.DIM,
            max_width=self.left.width - 8,
        )
        for k, cut_line in enumerate(panels.budget_lines(session, self.budget_state(), self.lang)):
            charts.text(
                surface,
                cut_line,
                (self.left.x + 4, self.left.y + 46 + 16 * k),
                11,
                charts.BAD_SAFE,
                bold=k == 0,
                max_width=self.left.width - 8,
            )
        self.draw_center(surface, cache)
        self.draw_right(surface, cache)
        message = self.app.message or self.tr("key_help")
        charts.text(
            surface,
            message,
            (self.ticker.x + 4, self.ticker.y + 3),
            12,
            charts.ACCENT if self.app.message else charts.DIM,
            max_width=self.ticker.width - 8,
        )
        self.draw_tour_base(surface)

    def draw_over(self, surface) -> None:
        self.draw_tour(surface)  # over the widgets: they would cover its text

    def draw_center(self, surface, cache) -> None:
        """Draw the tiles and the chart in the centre column."""
        session = self.session
        history = session.history
        ghost = session.ghost_history
        current = history[-1] if history else {}
        previous = history[-2] if len(history) > 1 else {}
        # the baseline of the same quarter only (it may still be catching up on its thread)
        ghost_now = ghost[-1] if ghost and len(ghost) == len(history) else {}
        gauges = cache.get(
            "gauges",
            self.key(self.chart_metric),
            lambda: charts.gauge_tiles_grid(
                self.gauge_rect.size, GAUGES, current, ghost_now, previous, self.lang, self.chart_metric
            ),
        )
        surface.blit(gauges, self.gauge_rect)
        metric = self.chart_metric
        info = METRICS[metric]

        def chart_a():
            labels = self.quarter_labels()
            you = [r[metric] for r in history]
            base = [r[metric] for r in ghost]
            fans = []
            if self.projection is not None and history:
                start = len(history) - 1
                for arm, color in (("without", charts.DIM), ("with", charts.ACCENT)):
                    low, mid, high = self.projection.band(metric, arm)
                    anchor = [history[-1][metric]]
                    fans.append((start, anchor + list(low), anchor + list(mid), anchor + list(high), color))
            return charts.draw_line_chart(
                self.chart_a.size,
                f"{info.label(self.lang)} ({units.metric_chart_unit(metric, self.lang)})",
                labels,
                len(labels),
                [(base, charts.ACCENT, True), (you, charts.ACCENT, False)],
                fmt=lambda v: units.axis_value(metric, v, self.lang),
                fans=fans,
                subtitle=self.preview_subtitle(metric),
                legend=[(self.tr("you"), charts.ACCENT), (self.tr("baseline"), charts._blend(charts.ACCENT, 0.5))],
                y_max=1.0 if info.unit == "share" else None,
            )

        preview_key = (self.preview_version, self.app.previewer.busy if self.app.previewer else False)
        surface.blit(cache.get("chart_a", self.key(metric, preview_key), chart_a), self.chart_a)
        surface.blit(cache.get("chart_b", self.key(), self.stacked), self.chart_b)

    def quarter_labels(self) -> list[str]:
        """The scenario's quarters as the charts label them (made when a chart is redrawn, not every frame)."""
        scenario = self.session.scenario
        return [quarter_label(q) for q in range(scenario.start, scenario.end + 1)]

    def stacked(self) -> pygame.Surface:
        """The stacked chart of firms' shares over the quarters played."""
        labels = self.quarter_labels()
        return charts.draw_session_shares(self.chart_b.size, self.session, labels, len(labels), self.lang)

    def draw_goals(self, surface, cache) -> None:
        """Draw the goals strip: each objective now, target and projected."""
        session = self.session
        role = getattr(session, "current_role", None)  # in a lesson, whose goals (see sim.classroom.session)
        label = role.label_for(self.lang) if role is not None else ""

        def draw():
            card = session.scorecard()
            score = self.tr("score_so_far").format(score=f"{card.score:.0f}") if card is not None else ""
            items = panels.goals(session, self.projected_objectives(), self.lang)
            return panels.draw_goals(self.goals_rect.size, items, score, self.lang, label)

        key = self.key(self.preview_version, label, baseline=False)
        surface.blit(cache.get("goals", key, draw), self.goals_rect)

    def draw_right(self, surface, cache) -> None:
        """Draw the right column's current tab."""
        self.draw_goals(surface, cache)
        model = self.session.model
        colors = charts.firm_colors([(f.firm_id, f.origin) for f in model.firms])
        area = self.panel_area()
        if self.tab == "firms":  # only the cards in view are drawn (a scroll draws them again: about a millisecond)
            offset = self.scroll["firms"] = min(self.scroll.get("firms", 0), self.scroll_limit.get("firms", 0))

            def cards() -> pygame.Surface:
                shown = firm_cards(model, self.lang)
                whole = charts.firm_cards_height(area.size, len(shown))
                self.scroll_limit["firms"] = max(0, whole - area.height)
                return charts.draw_firm_cards(area.size, shown, colors, self.lang, offset)

            surface.blit(cache.get("firms", (self.key(baseline=False), offset, area.size), cards), area)
            return
        if self.tab == "partners":
            image = cache.get(
                "partners",
                self.key(baseline=False),
                lambda: charts.draw_partner_table(area.size, partner_rows(model, self.lang), colors, self.lang),
            )
        elif self.tab == "why":
            image = cache.get("why", self.key(self.why_target), lambda: self.why_surface(area.size))
        else:
            return
        # the panel's whole surface, seen through its area from where the player scrolled to
        limit = self.scroll_limit[self.tab] = max(0, image.get_height() - area.height)
        offset = self.scroll[self.tab] = min(self.scroll.get(self.tab, 0), limit)
        if limit == 0:
            surface.blit(image, area)
        else:
            view = cache.get(
                self.tab + "_view", (image, offset, area.size), lambda: charts.scrolled_view(image, offset, area.size)
            )
            surface.blit(view, area)

    def why_surface(self, size) -> pygame.Surface:
        """The Why panel for the chosen outcome (cached per quarter, size and language)."""
        self.session.sync_ghost()  # the baseline of the quarter shown (its thread is a step behind at most)
        view = why_view(self.session, self.why_target, self.lang)
        return charts.draw_why_panel(size, view, self.lang)
