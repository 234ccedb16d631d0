"""Dashboard: charts, outcome gauges, firm cards, partners, news, why panel, policy levers, events."""

from __future__ import annotations

import re
import time
from datetime import datetime

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UIDropDownMenu,
    UIHorizontalSlider,
    UILabel,
    UIScrollingContainer,
    UITextBox,
    UIWindow,
)
from pygame_gui.windows import UIFileDialog

from sim.errors import UserError
from sim.game import charts, panels, units
from sim.game.help import help_html
from sim.game.i18n import option_label, pick
from sim.game.korean import particle
from sim.game.preview import tasks_for
from sim.game.screens.base import Screen, escape
from sim.game.session import save_dir
from sim.game.why import why_view
from sim.model.metrics import HEADLINE_METRICS, METRICS
from sim.params import ParameterSpec
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
TABS = ("firms", "partners", "news", "why")


def why_outcomes() -> list[str]:
    """Outcomes the Why panel explains: the headline ones and any other metric the model reports."""
    rest = [m for m in METRICS if m not in HEADLINE_METRICS and m != "domestic_revenue_share"]
    return [m for m in HEADLINE_METRICS if m != "domestic_revenue_share"] + rest


TOP = 48


def lever_text(spec: ParameterSpec, value, lang: str) -> str:
    """A lever's value with its unit, as shown next to its control."""
    if spec.type == "bool":
        return charts.t("on" if value else "off", lang)
    if spec.type == "choice":
        return option_label(str(value), lang)
    return units.lever_value(spec, value, lang)


def snap(spec: ParameterSpec, raw: float):
    """A slider position -> the nearest allowed value on the spec's step grid."""
    assert spec.min is not None and spec.max is not None and spec.step
    value = spec.min + round((raw - spec.min) / spec.step) * spec.step
    value = min(max(value, spec.min), spec.max)
    return int(round(value)) if spec.type == "integer" else round(value, 10)


def firm_cards(model) -> list[dict]:
    """Data for the firm cards: active firms by revenue share, with their partner platforms."""
    partners: dict[int, list[str]] = {}
    for p in model.partners:
        if p.provider >= 0:
            partners.setdefault(p.provider, []).append(p.name.split(" (")[0])
    rows = []
    for firm in model.firms:
        if not firm.available:
            continue
        rows.append(
            {
                "id": firm.firm_id,
                "name": firm.name,
                "share": firm.revenue_share,
                "capability": firm.capability,
                "korean_quality": firm.korean_quality,
                "price": firm.price,
                "cash": firm.cash_usd_bn,
                "partners": partners.get(firm.index, []),
            }
        )
    rows.sort(key=lambda r: -r["share"])
    return rows


def partner_rows(model, lang: str) -> list[dict]:
    """Which AI provider each partner platform uses."""
    rows = []
    for p in model.partners:
        provider = model.firms[p.provider] if p.provider >= 0 else None
        own = model.firms[p.own_model].name if p.own_model >= 0 else None
        detail = (
            f"{charts.t('until', lang)} {quarter_label(p.contract_end)}"
            if lang == "en"
            else f"{units.quarter_text(p.contract_end, lang)}{charts.t('until', lang)}"
        )
        if own:
            detail += f" · {charts.t('own_model', lang)}: {own}"
        rows.append(
            {
                "platform": p.name,
                "provider": provider.name if provider else "–",
                "provider_id": provider.firm_id if provider else "",
                "detail": detail,
            }
        )
    return rows


PARTICLE_AFTER_NAME = re.compile(r"(\S+?)(와|과|을|를|은|는|이|가)(?= 제휴| 시장| 계약)")
PAIR_OF = {
    "와": "와/과",
    "과": "와/과",
    "을": "을/를",
    "를": "을/를",
    "은": "은/는",
    "는": "은/는",
    "이": "이/가",
    "가": "이/가",
}


def fix_particles(text: str) -> str:
    """Korean news glued a fixed particle to a name ('Anthropic와 제휴'): choose it by the name instead."""

    def fix(match: re.Match) -> str:
        word, glued = match.group(1), match.group(2)
        return word + particle(word, PAIR_OF[glued])

    return PARTICLE_AFTER_NAME.sub(fix, text)


def news_html(model, lang: str) -> str:
    """The news feed, newest first, with next quarter's scheduled events on top."""
    parts = []
    coming = [e for e in model.pending_events]
    if coming:
        items = "<br>".join(f"• {escape(pick(e['title'], lang))}" for e in coming)
        parts.append(f"<font color='#FAC850'><b>{escape(charts.t('coming_up', lang))}</b><br>{items}</font>")
    if not model.news:
        parts.append(escape(charts.t("no_news", lang)))
    for item in reversed(model.news[-80:]):
        text = fix_particles(item["ko"]) if lang == "ko" else item["en"]
        color = {"event": "#FAC850", "entry": "#5AC878", "exit": "#EB5F5A"}.get(item["kind"], "#DCE1EB")
        parts.append(f"<font color='{color}'><b>{units.quarter_text(item['quarter'], lang)}</b></font> {escape(text)}")
    return "<br>".join(parts)


class DashboardScreen(Screen):
    """The main game screen."""

    def __init__(self, app, replay: bool = False) -> None:
        super().__init__(app)
        self.replay = replay
        self.tab = "firms"
        self.chart_metric = "market_revenue_usd_bn"
        self.why_target: str | None = None
        self.speed = 2.0
        self.clock = 0.0
        self.event_window: UIWindow | None = None
        self.menu_window: UIWindow | None = None
        self.file_dialog: UIFileDialog | None = None
        self.step_after_answers = False
        self.message_timer = 0.0
        self.preview_due: float | None = time.perf_counter()  # ask for a preview this soon (None: none wanted)
        self.preview_version = 0
        self.projection = None  # the latest finished preview for the current plan
        self.option_projection = None  # the preview of the open event's options
        self.option_tasks: list = []
        self._budget: tuple | None = None
        self.help_window: UIWindow | None = None
        self.focus_lever = 0  # the lever the arrow keys move
        first_game = not app.settings.tour_done and not replay and not app.session.history
        self.tour_step: int | None = 0 if first_game else None

    @property
    def session(self):
        return self.app.session

    # -- layout ------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        self.event_window = self.menu_window = self.file_dialog = None
        # side panels grow with the window (fixed widths left a sliver of centre at 960x600)
        left_w = max(250, min(420, int(w * 0.26)))
        right_w = max(280, min(560, int(w * 0.30)))
        self.left = pygame.Rect(8, TOP + 4, left_w, h - TOP - 12)
        self.right = pygame.Rect(w - right_w - 8, TOP + 4, right_w, h - TOP - 12)
        self.center = pygame.Rect(self.left.right + 8, TOP + 4, self.right.left - self.left.right - 16, h - TOP - 12)
        self.gauge_rect = pygame.Rect(self.center.x, self.center.y, self.center.width, 184)
        # the chart's outcome menu has its own row, so it never covers the chart's title
        self.chart_menu_rect = pygame.Rect(
            self.center.right - min(260, self.center.width), self.gauge_rect.bottom + 4, min(260, self.center.width), 26
        )
        charts_top = self.chart_menu_rect.bottom + 4
        chart_h = (self.center.bottom - 30 - charts_top - 6) // 2
        self.chart_a = pygame.Rect(self.center.x, charts_top, self.center.width, chart_h)
        self.chart_b = pygame.Rect(self.center.x, self.chart_a.bottom + 6, self.center.width, chart_h)
        self.ticker = pygame.Rect(self.center.x, self.chart_b.bottom + 4, self.center.width, 24)
        self.build_top_bar(w)
        self.build_levers()
        self.build_right()
        self.chart_menu = None
        self.build_chart_menu()
        self.help_window = None
        self.build_tour()
        self.mark_focus_lever()

    # -- first-game tour -----------------------------------------------------
    TOUR_STEPS = 5

    def tour_target(self) -> pygame.Rect:
        """The part of the screen the current tour step points at."""
        step = self.tour_step or 0
        return [
            self.gauge_rect,
            self.left,
            self.chart_a,
            self.next_button.rect,
            self.tab_buttons["why"].rect.union(self.goals_rect),
        ][min(step, self.TOUR_STEPS - 1)]

    def tour_box(self) -> pygame.Rect:
        w, h = self.app.size
        box = pygame.Rect(0, 0, min(520, w - 40), 120)
        target = self.tour_target()
        box.centerx = min(max(target.centerx, box.width // 2 + 10), w - box.width // 2 - 10)
        box.top = target.bottom + 10 if target.bottom + 140 < h else max(10, target.top - 130)
        return box

    def build_tour(self) -> None:
        self.tour_buttons = []
        if self.tour_step is None:
            return
        box = self.tour_box()
        self.tour_buttons = [
            self.button((box.right - 230, box.bottom - 38, 110, 30), self.tr("tour_skip"), "tour_skip", ""),
            self.button((box.right - 114, box.bottom - 38, 104, 30), self.tr("tour_next"), "tour_next", ""),
        ]

    def end_tour(self) -> None:
        self.tour_step = None
        self.app.remember(tour_done=True)
        self.app.rebuild()

    def draw_tour(self, surface: pygame.Surface) -> None:
        if self.tour_step is None:
            return
        shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 120))
        target = self.tour_target().inflate(8, 8)
        shade.fill((0, 0, 0, 0), target)
        surface.blit(shade, (0, 0))
        pygame.draw.rect(surface, charts.ACCENT, target, 3, border_radius=6)
        box = self.tour_box()
        pygame.draw.rect(surface, charts.PANEL, box, border_radius=8)
        pygame.draw.rect(surface, charts.ACCENT, box, 2, border_radius=8)
        y = box.y + 10
        step = f"{self.tour_step + 1}/{self.TOUR_STEPS}  "
        for line in charts.wrap(step + self.tr(f"tour_{self.tour_step + 1}"), 13, box.width - 24):
            charts.text(surface, line, (box.x + 12, y), 13, charts.TEXT)
            y += 19

    # -- keyboard lever control -------------------------------------------------
    def mark_focus_lever(self) -> None:
        """Show which lever the arrow keys move (a ▶ before its name)."""
        names = list(self.lever_widgets)
        if not names:
            return
        self.focus_lever %= len(names)
        for k, name in enumerate(names):
            row = self.lever_widgets[name]
            label = row["spec"].label_for(self.lang)
            row["label"].set_text(("▶ " + label) if k == self.focus_lever else label)

    def nudge_lever(self, direction: int) -> None:
        """Move the focused lever one step (numbers), to the next option (choices) or toggle it (on/off)."""
        names = list(self.lever_widgets)
        if not names:
            return
        name = names[self.focus_lever % len(names)]
        spec = self.lever_widgets[name]["spec"]
        value = self.session.lever_value(name)
        if spec.type == "bool":
            new = not value
        elif spec.type == "choice":
            options = list(spec.options)
            new = options[(options.index(value) + direction) % len(options)]
        else:
            new = snap(spec, float(value) + direction * spec.step)
        self.set_lever(name, new)
        control = self.lever_widgets[name]["control"]
        if spec.is_numeric:
            control.set_current_value(float(new))

    def open_help(self) -> None:
        if self.help_window is not None:
            self.help_window.kill()
            self.help_window = None
            return
        w, h = self.app.size
        rect = pygame.Rect(w // 10, h // 12, w * 8 // 10, h * 10 // 12)
        window = UIWindow(rect, self.manager, window_display_title=self.tr("help"), resizable=True)
        UITextBox(
            help_html(self.session.scenario, self.lang),
            pygame.Rect(0, 0, rect.width - 32, rect.height - 60),
            self.manager,
            container=window,
        )
        self.help_window = window
        self.app.autoplay = False

    def build_chart_menu(self) -> None:
        """The chart's outcome menu, showing the outcome charted now (re-made when a tile picks another)."""
        if self.chart_menu is not None:
            self.chart_menu.kill()
        options = [METRICS[m].label(self.lang) for m in METRICS if m in self._metric_names()]
        self.metric_by_label = {METRICS[m].label(self.lang): m for m in METRICS}
        self.chart_menu = UIDropDownMenu(
            options,
            METRICS[self.chart_metric].label(self.lang),
            self.chart_menu_rect,
            self.manager,
        )
        self.chart_menu.set_tooltip(self.tr("chart_tip"))

    def _metric_names(self) -> list[str]:
        return [m for m in METRICS if not self.session.history or m in self.session.history[-1]]

    def build_top_bar(self, w: int) -> None:
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
        self.speed_menu = UIDropDownMenu(
            [units.speed_text(v, self.lang) for v in SPEEDS],
            units.speed_text(self.speed, self.lang),
            pygame.Rect(x - 96, 8, 96, 34),
            self.manager,
        )
        self.speed_menu.set_tooltip(self.tr("speed_tip"))
        x -= 102
        self.auto_button = self.button(
            (x - 120, 8, 120, 34),
            self.tr("pause" if self.app.autoplay else "autoplay"),
            "autoplay",
            self.tr("autoplay_tip"),
        )
        x -= 126
        self.next_button = self.button((x - 140, 8, 140, 34), self.tr("next_quarter"), "next", self.tr("next_tip"))
        if self.session.finished or self.replay:
            self.next_button.disable()
        self.title_right = x - 150

    def build_levers(self) -> None:
        """One control per lever, generated from the parameter spec."""
        lw = self.left.width
        self.lever_widgets: dict[str, dict] = {}
        self.widget_lever: dict = {}
        self.choice_of: dict = {}  # option button -> option
        top = self.left.y + 84
        self.button((self.left.right - 90, self.left.y + 4, 86, 26), self.tr("reset"), "reset", self.tr("reset_tip"))
        self.lever_box = UIScrollingContainer(
            pygame.Rect(self.left.x, top, lw, self.left.bottom - top), self.manager, allow_scroll_x=False
        )
        inner = lw - 24
        y = 4
        costs = self.session.lever_costs()
        for spec in self.session.levers:
            value = self.session.lever_value(spec.name)
            row: dict = {"spec": spec}
            label = UILabel(
                pygame.Rect(4, y, inner, 22),
                spec.label_for(self.lang),
                self.manager,
                container=self.lever_box,
                object_id="#lever_label",
            )
            label.set_tooltip(spec.help_for(self.lang))
            row["label"] = label
            if spec.type == "bool":
                control = UIButton(
                    pygame.Rect(4, y + 24, inner - 140, 26),
                    lever_text(spec, value, self.lang),
                    self.manager,
                    container=self.lever_box,
                    tool_tip_text=spec.help_for(self.lang),
                )
            elif spec.type == "choice":
                # a row of option buttons: a drop-down inside the scrolling panel would be clipped
                count = len(spec.options)
                width = (inner - 4 * (count - 1)) // count
                row["choices"] = {}
                for k, option in enumerate(spec.options):
                    choice = UIButton(
                        pygame.Rect(4 + k * (width + 4), y + 24, width, 26),
                        option_label(option, self.lang),
                        self.manager,
                        container=self.lever_box,
                        tool_tip_text=f"{spec.label_for(self.lang)}: {option_label(option, self.lang)}. "
                        f"{spec.help_for(self.lang)}",
                    )
                    if option == value:
                        choice.select()
                    row["choices"][option] = choice
                    self.widget_lever[choice] = spec.name
                    self.choice_of[choice] = option
                control = row["choices"][spec.options[0]]
            else:
                control = UIHorizontalSlider(
                    pygame.Rect(4, y + 24, inner - 140, 26),
                    float(value),
                    (float(spec.min), float(spec.max)),
                    self.manager,
                    container=self.lever_box,
                    click_increment=spec.step,
                )
                control.set_tooltip(spec.help_for(self.lang))
                for part in (control.left_button, control.right_button, control.sliding_button):
                    if part is not None:
                        part.set_tooltip(spec.help_for(self.lang))
            row["control"] = control
            self.widget_lever[control] = spec.name
            if spec.type == "choice":
                row["value"] = None
            else:
                row["value"] = UILabel(
                    pygame.Rect(inner - 132, y + 24, 140, 26),
                    lever_text(spec, value, self.lang),
                    self.manager,
                    container=self.lever_box,
                    object_id="#small_label",
                )
            height = 54
            if spec.name in costs:
                row["cost"] = UILabel(
                    pygame.Rect(4, y + 50, inner, 20),
                    self._cost_text(costs[spec.name]),
                    self.manager,
                    container=self.lever_box,
                    object_id="#small_label",
                )
                height += 18
            self.lever_widgets[spec.name] = row
            y += height + 8
        self.lever_box.set_scrollable_area_dimensions((lw - 20, y))

    def _cost_text(self, cost: float) -> str:
        return f"{self.tr('cost')} {units.krw_bn(cost, self.lang, 'yr')}"

    def build_right(self) -> None:
        # the role's goals stay on screen above the tabs
        goals_h = min(24 + 31 * len(self.session.scenario.objectives), int(self.right.height * 0.4))
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
            outcomes = {METRICS[m].label(self.lang): f"metric:{m}" for m in why_outcomes()}
            options = [self.tr("domestic_side"), *outcomes] + [f.name for f in self.session.model.firms if f.available]
            self.why_names = {f.name: f.firm_id for f in self.session.model.firms} | outcomes
            current = self.tr("domestic_side")
            if self.why_target is not None:
                current = next((label for label, key in self.why_names.items() if key == self.why_target), current)
            if current not in options:  # the firm has left the market (or undo went back before it entered)
                current, self.why_target = self.tr("domestic_side"), None
            self.why_menu = UIDropDownMenu(
                options, current, pygame.Rect(self.content.x, self.content.y, self.content.width, 30), self.manager
            )
            self.why_menu.set_tooltip(self.tr("why_select_tip"))

    # -- acting ------------------------------------------------------------
    def request_step(self) -> None:
        """Next quarter: ask any pending event choices first, then step."""
        session = self.session
        if session.finished or self.event_window is not None:
            return
        if not session.script and session.unanswered_events():
            self.step_after_answers = True
            self.app.autoplay = False
            self.open_event_window(session.unanswered_events()[0])
            return
        session.step(background_ghost=self.app.background_ghost)
        self.after_step()

    def after_step(self) -> None:
        self.app.message = ""
        if self.session.finished:
            from sim.game.screens.end import EndScreen

            self.app.autoplay = False
            self.app.show(EndScreen)
            return
        self.refresh_widgets()

    def refresh_widgets(self) -> None:
        """Bring controls in line with the model after a step or undo (events can move levers)."""
        self.want_preview(delay=0.0)
        for name, row in self.lever_widgets.items():
            spec, value = row["spec"], self.session.lever_value(name)
            control = row["control"]
            if spec.type == "choice":
                self._select_choice(row, value)
            elif spec.type == "bool":
                control.set_text(lever_text(spec, value, self.lang))
            elif spec.is_numeric and snap(spec, control.get_current_value()) != value:
                control.set_current_value(float(value))
            if row["value"] is not None:
                row["value"].set_text(lever_text(spec, value, self.lang))
        self.refresh_costs()
        if self.news_box is not None:
            self.news_box.set_text(news_html(self.session.model, self.lang))
        if self.session.can_undo and not self.replay:
            self.undo_button.enable()
        else:
            self.undo_button.disable()
        self.auto_button.set_text(self.tr("pause" if self.app.autoplay else "autoplay"))

    def refresh_costs(self) -> None:
        costs = self.session.lever_costs()
        for name, row in self.lever_widgets.items():
            if "cost" in row:
                row["cost"].set_text(self._cost_text(costs[name]))

    def set_lever(self, name: str, value) -> None:
        try:
            typed = self.session.set_lever(name, value)
        except UserError as exc:
            self.app.message = str(exc)
            return
        row = self.lever_widgets[name]
        if row["value"] is not None:
            row["value"].set_text(lever_text(row["spec"], typed, self.lang))
        if row["spec"].type == "bool":
            row["control"].set_text(lever_text(row["spec"], typed, self.lang))
        if row["spec"].type == "choice":
            self._select_choice(row, typed)
        self.refresh_costs()
        self.want_preview()

    @staticmethod
    def _select_choice(row: dict, value) -> None:
        for option, choice in row["choices"].items():
            if option == value:
                choice.select()
            else:
                choice.unselect()

    def open_event_window(self, event: dict) -> None:
        w, h = self.app.size
        width, height = 600, 186 + 80 * len(event["choices"])
        window = UIWindow(
            pygame.Rect(w // 2 - width // 2, h // 2 - height // 2, width, height),
            self.manager,
            window_display_title=f"{self.tr('event')}: {pick(event['title'], self.lang)}",
            resizable=False,
        )
        body = f"<b>{escape(pick(event['title'], self.lang))}</b><br>{escape(pick(event.get('text'), self.lang))}"
        UITextBox(body, pygame.Rect(8, 8, width - 48, 120), self.manager, container=window)
        y = 136
        self.option_labels = {}
        for choice in event["choices"]:
            label = pick(choice["label"], self.lang)
            self.button(
                (8, y, width - 48, 30),
                label,
                f"choice:{event['id']}:{choice['id']}",
                self.tr("event_tip"),
                container=window,
            )
            notes = self.standing_lever_notes(choice)
            detail = UITextBox(
                escape(" ".join(notes) or self.tr("preview_computing").format(percent="")),
                pygame.Rect(8, y + 30, width - 48, 44),
                self.manager,
                container=window,
                object_id="#option_detail",
            )
            self.option_labels[choice["id"]] = (detail, notes)
            y += 80
        self.event_window = window
        self.event_shown = event
        self.request_option_previews(event)

    def standing_lever_notes(self, choice: dict) -> list[str]:
        """Sentences saying which standing levers an event answer changes (it never does so silently)."""
        notes = []
        params = self.session.scenario.parameters
        for effect in choice.get("effects", []):
            name = effect.get("parameter")
            if name is None or name not in params or params[name].kind != "lever":
                continue
            spec = params[name]
            value = lever_text(spec, effect["value"], self.lang)
            notes.append(
                self.tr("sets_lever").format(
                    lever=spec.label_for(self.lang), value=value, value_ro=value + particle(value, "(으)로")
                )
            )
        return notes

    def request_option_previews(self, event: dict) -> None:
        """Preview every answer of an open event (each against the default answer, same random numbers)."""
        if self.app.previewer is None:
            return
        self.option_event = event
        self.option_tasks = []
        for choice in event["choices"]:
            pending = dict(self.session.pending) | {f"choice:{event['id']}": choice["id"]}
            self.option_tasks += tasks_for(self.session, pending)
        self.want_preview(delay=0.0)

    def show_option_previews(self) -> None:
        """Write each answer's projected effect under its button."""
        from sim.game.preview import Projection

        event, projection = self.option_event, self.option_projection
        count = len(projection.replications) // max(1, len(event["choices"]))
        for k, choice in enumerate(event["choices"]):
            part = Projection(projection.replications[k * count : (k + 1) * count], projection.anchor)
            effects = []
            for metric in ("domestic_revenue_share", "hhi", "consumer_surplus"):
                if metric in METRICS and metric in part.replications[0].without[-1]:
                    import numpy as np

                    # each answer vs the same runs with the plan but no answer (the default answer)
                    delta = float(np.median(part.effect(metric) - self.projection.effect(metric)))
                    effects.append(
                        f"{METRICS[metric].label(self.lang)} {units.metric_change(metric, delta, self.lang)}"
                    )
            label, notes = self.option_labels.get(choice["id"], (None, []))
            if label is not None and label.alive():
                text = self.tr("option_preview").format(year=self.session.scenario.end // 4, effects=", ".join(effects))
                label.set_text(escape(" ".join([*notes, text])))

    def answer(self, event_id: str, choice_id: str) -> None:
        try:
            self.session.answer(event_id, choice_id)
        except UserError as exc:
            self.app.message = str(exc)
        if self.event_window is not None:
            self.event_window.kill()
            self.event_window = None
        self.option_tasks = []
        self.option_projection = None
        self.want_preview()
        remaining = self.session.unanswered_events()
        if remaining:
            self.open_event_window(remaining[0])
        elif self.step_after_answers:
            self.step_after_answers = False
            self.request_step()

    def open_menu(self) -> None:
        if self.menu_window is not None:
            return
        w, h = self.app.size
        window = UIWindow(
            pygame.Rect(w // 2 - 150, h // 2 - 155, 300, 312),
            self.manager,
            window_display_title=self.tr("menu"),
            resizable=False,
        )
        y = 10
        for label, action, tip in (
            ("resume", "resume", "menu_tip"),
            ("save", "save", "save_tip"),
            ("help", "help", "help_tip"),
            ("main_menu", "main_menu", "main_menu_tip"),
            ("quit", "quit", "quit_tip"),
        ):
            self.button((10, y, 250, 40), self.tr(label), action, self.tr(tip), container=window)
            y += 50
        self.menu_window = window
        self.app.autoplay = False

    def close_menu(self) -> None:
        if self.menu_window is not None:
            self.menu_window.kill()
            self.menu_window = None

    def default_save_path(self):
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
            cards = firm_cards(self.session.model)
            pos = (event.pos[0] - self.content.x, event.pos[1] - self.content.y)
            index = charts.firm_card_at(self.content.size, len(cards), pos)
            if index is not None:  # a click on a firm card explains that firm
                self.why_target = cards[index]["id"]
                self.tab = "why"
                self.app.rebuild()
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.gauge_rect.collidepoint(event.pos):
            if self.manager.get_hovering_any_element():
                return
            metric = self.gauge_at(event.pos)
            if metric:
                self.chart_metric = "market_revenue_usd_bn" if metric == self.chart_metric else metric
                self.build_chart_menu()
        elif event.type == pygame.KEYDOWN and not self.text_focus():
            self.on_key(event)

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
        elif number is not None and number < len(TABS):
            self.act("tab:" + TABS[number])
        elif k == pygame.K_RETURN and self.tour_step is not None:
            self.act("tour_next")

    def text_focus(self) -> bool:
        focused = self.manager.get_focus_set()
        return bool(focused) and any(type(e).__name__ == "UITextEntryLine" for e in focused)

    def gauge_at(self, pos) -> str | None:
        cols, rows = 3, 2
        cw = self.gauge_rect.width / cols
        rh = self.gauge_rect.height / rows
        col = int((pos[0] - self.gauge_rect.x) // cw)
        row = int((pos[1] - self.gauge_rect.y) // rh)
        index = row * cols + col
        return GAUGES[index] if 0 <= col < cols and 0 <= index < len(GAUGES) else None

    def update(self, dt: float) -> None:
        self.session.catch_up_ghost_in_background() if self.app.background_ghost else self.session.sync_ghost()
        self.update_preview()
        if self.message_timer > 0:
            self.message_timer -= dt
            if self.message_timer <= 0:
                self.app.message = ""
        if not self.app.autoplay or self.event_window is not None or self.menu_window is not None:
            return
        self.clock += dt
        if self.clock >= 1.0 / self.speed:
            self.clock = 0.0
            self.request_step()

    @property
    def busy(self) -> bool:
        """Background work whose result will change the screen (the window must not sleep)."""
        previewer = self.app.previewer
        waiting = previewer is not None and (previewer.busy or self.preview_due is not None)
        return waiting or self.session.ghost_behind or self.message_timer > 0

    # -- budget and preview ------------------------------------------------
    def budget_state(self) -> dict:
        """The budget check of the plan (a dry run of next quarter), re-done only when the plan changes."""
        key = (self.session.data_key, tuple(sorted(self.session.pending.items())))
        if self._budget is None or self._budget[0] != key:
            self._budget = (key, panels.budget_check(self.session))
        return self._budget[1]

    def want_preview(self, delay: float = 0.08) -> None:
        """Ask for a new preview shortly (a burst of slider moves makes one request)."""
        self.projection = None
        self.preview_due = time.perf_counter() + delay
        if self.app.previewer is not None:
            self.app.previewer.cancel()
        self.preview_version += 1

    def update_preview(self) -> None:
        previewer = self.app.previewer
        if previewer is None or self.session.finished:
            return
        if self.app.autoplay:
            previewer.cancel()
            self.preview_due = time.perf_counter()
            return
        if self.preview_due is not None and time.perf_counter() >= self.preview_due:
            self.preview_due = None
            anchor = self.session.history[-1] if self.session.history else {}
            tasks = tasks_for(self.session) + self.option_tasks
            self.preview_tasks = len(tasks) - len(self.option_tasks)
            previewer.request(tasks, anchor)
        result = previewer.poll()
        if result is None:
            return
        from sim.game.preview import Projection

        if previewer.complete:
            split = self.preview_tasks
            self.projection = Projection(result.replications[:split], result.anchor)
            self.option_projection = (
                Projection(result.replications[split:], result.anchor) if self.option_tasks else None
            )
            if self.event_window is not None and self.option_projection is not None:
                self.show_option_previews()
        elif not self.option_tasks:  # a first look while the rest of the replications run
            self.projection = result
        self.preview_version += 1

    def projected_objectives(self) -> dict | None:
        if self.projection is None:
            return None
        return self.projection.objective_values(self.session.scenario.objectives, self.session.history)

    def preview_subtitle(self, metric: str) -> str:
        previewer = self.app.previewer
        if previewer is None:
            return ""
        if self.projection is None:
            percent = units.percent(previewer.progress(), 0)
            return self.tr("preview_computing").format(percent=percent) if previewer.busy else ""
        n = len(self.projection.replications)
        if not self.session.pending and not self.session.answers:
            return f"{self.tr('preview_none')} {self.tr('preview_legend').format(n=n)}"
        import numpy as np

        effect = self.projection.effect(metric)
        low, mid, high = np.percentile(effect, [5, 50, 95])
        return self.tr("preview_effect").format(
            year=self.session.scenario.end // 4,
            effect=units.metric_change(metric, float(mid), self.lang),
            n=n,
            low=units.metric_change(metric, float(low), self.lang),
            high=units.metric_change(metric, float(high), self.lang),
        )

    # -- drawing -----------------------------------------------------------
    def key(self, *extra):
        return (self.session.data_key, self.app.size, self.lang, *extra)

    def draw(self, surface: pygame.Surface) -> None:
        session = self.session
        model = session.model
        cache = self.app.cache
        played = session.played_quarters
        planning = f"{self.tr('planning')} {units.quarter_text(model.quarter, self.lang)}"
        label = planning if not session.finished else self.tr("game_over")
        head = f"{pick(session.scenario.title, self.lang)}"
        charts.text(surface, head, (12, 4), 15, charts.TEXT, bold=True, max_width=self.title_right - 12)
        mode = f" · {self.tr('replaying')}" if self.replay else ""
        charts.text(
            surface,
            f"{label}  ({played}/{session.total_quarters}){mode}",
            (12, 25),
            13,
            charts.ACCENT,
            max_width=self.title_right - 12,
        )
        # budget line over the levers
        costs = session.lever_costs()
        planned = sum(costs.values())
        budget = session.budget_krw_bn_per_year()
        over = planned > budget > 0
        charts.text(surface, self.tr("levers"), (self.left.x + 4, self.left.y + 4), 14, bold=True)
        line = (
            f"{self.tr('budget')} {units.krw_bn(budget, self.lang, 'yr')} · "
            f"{self.tr('planned')} {units.krw_bn(planned, self.lang, 'yr')}"
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
        self.draw_tour(surface)

    def draw_center(self, surface, cache) -> None:
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
        labels = [quarter_label(q) for q in range(session.scenario.start, session.scenario.end + 1)]
        total = len(labels)
        metric = self.chart_metric
        info = METRICS[metric]

        def chart_a():
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
                total,
                [(base, charts.ACCENT, True), (you, charts.ACCENT, False)],
                fmt=lambda v: units.axis_value(metric, v, self.lang),
                fans=fans,
                subtitle=self.preview_subtitle(metric),
                legend=[(self.tr("you"), charts.ACCENT), (self.tr("baseline"), charts._blend(charts.ACCENT, 0.5))],
                y_max=1.0 if info.unit == "share" else None,
            )

        preview_key = (self.preview_version, self.app.previewer.busy if self.app.previewer else False)
        surface.blit(cache.get("chart_a", self.key(metric, preview_key), chart_a), self.chart_a)
        surface.blit(cache.get("chart_b", self.key(), lambda: self.stacked(labels, total)), self.chart_b)

    def stacked(self, labels, total) -> pygame.Surface:
        return charts.draw_session_shares(self.chart_b.size, self.session, labels, total, self.lang)

    def draw_goals(self, surface, cache) -> None:
        session = self.session

        def draw():
            card = session.scorecard()
            score = self.tr("score_so_far").format(score=f"{card.score:.0f}") if card is not None else ""
            items = panels.goals(session, self.projected_objectives(), self.lang)
            return panels.draw_goals(self.goals_rect.size, items, score, self.lang)

        surface.blit(cache.get("goals", self.key(self.preview_version), draw), self.goals_rect)

    def draw_right(self, surface, cache) -> None:
        self.draw_goals(surface, cache)
        model = self.session.model
        colors = charts.firm_colors([(f.firm_id, f.origin) for f in model.firms])
        if self.tab == "firms":
            image = cache.get(
                "firms",
                self.key(),
                lambda: charts.draw_firm_cards(self.content.size, firm_cards(model), colors, self.lang),
            )
            surface.blit(image, self.content)
        elif self.tab == "partners":
            image = cache.get(
                "partners",
                self.key(),
                lambda: charts.draw_partner_table(self.content.size, partner_rows(model, self.lang), colors, self.lang),
            )
            surface.blit(image, self.content)
        elif self.tab == "why":
            area = pygame.Rect(self.content.x, self.content.y + 36, self.content.width, self.content.height - 36)
            image = cache.get("why", self.key(self.why_target), lambda: self.why_surface(area.size))
            surface.blit(image, area)

    def why_surface(self, size) -> pygame.Surface:
        view = why_view(self.session, self.why_target, self.lang)
        return charts.draw_why_panel(size, view, self.lang)
