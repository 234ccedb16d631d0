"""The dashboard's windows: the event decision (with previews), the menu, Help and the first-game tour."""

from __future__ import annotations

import pygame
from pygame_gui.elements import (
    UITextBox,
    UIWindow,
)

from sim.errors import UserError
from sim.game import charts, units
from sim.game.help import help_html
from sim.game.i18n import pick
from sim.game.preview import tasks_for
from sim.game.screens.base import escape
from sim.game.screens.dashboard_state import DashboardState
from sim.game.units import lever_text
from sim.korean import particle
from sim.model.outcomes import METRICS


class Dialogs(DashboardState):
    """The dashboard's windows: the event decision (with previews), the menu, Help and the first-game tour.  (A mixin of :class:`DashboardScreen`.)"""

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
        """Where the current tour step's text box goes: below the part it points at, else above it, else
        (a part as tall as the window, like the lever panel) beside it; never over it."""
        w, h = self.app.size
        box = pygame.Rect(0, 0, min(520, w - 40), 120)
        target = self.tour_target().inflate(8, 8)  # as framed (see draw_tour)
        box.centerx = min(max(target.centerx, box.width // 2 + 10), w - box.width // 2 - 10)
        if target.bottom + 10 + box.height <= h - 10:
            box.top = target.bottom + 10
            menu = self.chart_menu_rect  # just under the tiles: not half hidden under the box's edge
            if box.colliderect(menu) and menu.bottom + 6 + box.height <= h - 10:
                box.top = menu.bottom + 6
        elif target.top - 10 - box.height >= 10:
            box.bottom = target.top - 10
        else:
            box.top = min(target.top + 40, h - 10 - box.height)
            right = target.right + 10 + box.width <= w - 10
            box.left = target.right + 10 if right else max(10, target.left - 10 - box.width)
        return box

    def build_tour(self) -> None:
        """Show the current step of the first-game tour."""
        self.tour_buttons = []
        if self.tour_step is None:
            return
        box = self.tour_box()
        self.tour_buttons = [
            self.button((box.right - 230, box.bottom - 38, 110, 30), self.tr("tour_skip"), "tour_skip", ""),
            self.button((box.right - 114, box.bottom - 38, 104, 30), self.tr("tour_next"), "tour_next", ""),
        ]

    def end_tour(self) -> None:
        """End the tour and remember it was seen."""
        self.tour_step = None
        self.app.remember(tour_done=True)
        self.app.rebuild()

    def draw_tour(self, surface: pygame.Surface) -> None:
        """Dim everything but the panel the tour step is about, widgets included (one cached layer over the
        screen and its widgets, with holes for the tour's own buttons)."""
        if self.tour_step is None:
            return
        size = surface.get_size()
        target = self.tour_target().inflate(8, 8)
        box = self.tour_box()
        step = self.tour_step
        buttons = [button.rect.copy() for button in self.tour_buttons]
        key = (step, size, tuple(target), tuple(box), tuple(map(tuple, buttons)), self.lang)
        layer = self.app.cache.get("tour", key, lambda: self.tour_layer(step, size, target, box, buttons))
        surface.blit(layer, (0, 0))

    def covers(self, event: pygame.event.Event) -> bool:
        """A click or scroll on the tour's text box, but not on its buttons (widgets under the box are hidden)."""
        if self.tour_step is None or event.type not in (
            pygame.MOUSEBUTTONDOWN,
            pygame.MOUSEBUTTONUP,
            pygame.MOUSEWHEEL,
        ):
            return False
        pos = event.pos if hasattr(event, "pos") else self.app.mouse_position()
        return self.tour_box().collidepoint(pos) and not any(b.rect.collidepoint(pos) for b in self.tour_buttons)

    def draw_tour_base(self, surface: pygame.Surface) -> None:
        """The tour's text box, empty, under the widgets: its buttons sit on it (the layer over the widgets
        leaves holes for them, see :meth:`tour_layer`)."""
        if self.tour_step is None:
            return
        box = self.tour_box()

        def panel() -> pygame.Surface:
            layer = pygame.Surface(box.size, pygame.SRCALPHA)
            pygame.draw.rect(layer, charts.PANEL, layer.get_rect(), border_radius=8)
            return layer

        surface.blit(self.app.cache.get("tour_base", box.size, panel), box.topleft)

    def tour_layer(
        self, step: int, size: tuple[int, int], target: pygame.Rect, box: pygame.Rect, buttons: list[pygame.Rect]
    ) -> pygame.Surface:
        """Tour step ``step``'s layer: a shade with a hole over ``target``, its frame, the text ``box`` and
        holes where its ``buttons`` are (widgets, drawn under the layer)."""
        layer = pygame.Surface(size, pygame.SRCALPHA)
        layer.fill((0, 0, 0, 120))
        layer.fill((0, 0, 0, 0), target)
        pygame.draw.rect(layer, charts.ACCENT, target, 3, border_radius=6)
        pygame.draw.rect(layer, charts.PANEL, box, border_radius=8)
        pygame.draw.rect(layer, charts.ACCENT, box, 2, border_radius=8)
        y = box.y + 10
        counter = f"{step + 1}/{self.TOUR_STEPS}  "
        for line in charts.wrap(counter + self.tr(f"tour_{step + 1}"), 13, box.width - 24):
            charts.text(layer, line, (box.x + 12, y), 13, charts.TEXT)
            y += 19
        for button in buttons:
            layer.fill((0, 0, 0, 0), button)
        return layer

    def open_help(self) -> None:
        """Open the Help window."""
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

    def open_event_window(self, event: dict) -> None:
        """Open the window of an event that asks a question, with each answer's preview."""
        w, h = self.app.size
        width = min(720, w - 40)
        height = min(h - 20, 186 + 96 * len(event["choices"]))
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
                pygame.Rect(8, y + 30, width - 48, 60),
                self.manager,
                container=window,
                object_id="#option_detail",
            )
            self.option_labels[choice["id"]] = (detail, notes)
            y += 96
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

        event, projection, plan_only = self.option_event, self.option_projection, self.projection
        assert projection is not None and plan_only is not None  # Forecast calls this once both are in
        count = len(projection.replications) // max(1, len(event["choices"]))
        for k, choice in enumerate(event["choices"]):
            part = Projection(projection.replications[k * count : (k + 1) * count], projection.anchor)
            effects = []
            for metric in ("domestic_revenue_share", "hhi", "consumer_surplus"):
                if metric in METRICS and metric in part.replications[0].rows("without")[-1]:
                    import numpy as np

                    # each answer vs the same runs with the plan but no answer (the default answer)
                    delta = float(np.median(part.effect(metric) - plan_only.effect(metric)))
                    effects.append(
                        f"{METRICS[metric].label(self.lang)} {units.metric_change(metric, delta, self.lang)}"
                    )
            label, notes = self.option_labels.get(choice["id"], (None, []))
            if label is not None and label.alive():
                text = self.tr("option_preview").format(year=self.session.scenario.end // 4, effects=", ".join(effects))
                label.set_text(escape(" ".join([*notes, text])))

    def answer(self, event_id: str, choice_id: str) -> None:
        """Record the player's answer to an event."""
        try:
            self.session.answer(event_id, choice_id)
        except UserError as exc:
            self.app.message = self.error_line(exc)
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
        """Open the Esc menu."""
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
        """Close the Esc menu."""
        if self.menu_window is not None:
            self.menu_window.kill()
            self.menu_window = None
