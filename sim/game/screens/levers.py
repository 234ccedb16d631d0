"""The lever panel: one control per policy lever from the parameter spec, its cost, keyboard moves."""

from __future__ import annotations

import pygame
from pygame_gui.elements import (
    UIButton,
    UIHorizontalSlider,
    UILabel,
    UIScrollingContainer,
)

from sim.errors import UserError
from sim.game import charts, units
from sim.game.dashboard_data import snap
from sim.game.help import lever_tooltip
from sim.game.i18n import option_label
from sim.game.screens.dashboard_state import DashboardState
from sim.game.theme import BUTTON_TEXT_MARGIN, WIDGET_FONT_SIZE
from sim.game.units import lever_text

LEVER_TIP_WIDTH = 420  # pixels
CHOICE_ROW_H = 30  # a further row of a choice lever's option buttons


def choice_columns(labels: list[str], width: int) -> tuple[int, int]:
    """(columns, button width) for a choice lever's option buttons in ``width`` pixels: all in one row when
    each label fits its button whole, else as few rows as let them (one a row at worst, cut only then)."""
    widest = max((charts.font(WIDGET_FONT_SIZE).size(label)[0] for label in labels), default=0)
    for columns in range(len(labels), 0, -1):
        button = (width - 4 * (columns - 1)) // columns
        if widest + BUTTON_TEXT_MARGIN <= button or columns == 1:
            return columns, button
    return 1, width  # no labels


class LeverPanel(DashboardState):
    """The lever panel: one control per policy lever from the parameter spec, its cost, keyboard moves.  (A mixin of :class:`DashboardScreen`.)"""

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
            tip = lever_tooltip(spec, self.lang)  # what it is, what it does, what it costs
            # a few sentences: wider than pygame-gui's 170-pixel tooltips, which would not fit on screen
            wide = min(LEVER_TIP_WIDTH, self.app.size[0] - 40)
            row: dict = {"spec": spec}
            label = UILabel(
                pygame.Rect(4, y, inner, 22),
                spec.label_for(self.lang),
                self.manager,
                container=self.lever_box,
                object_id="#lever_label",
            )
            label.set_tooltip(tip, wrap_width=wide)
            row["label"] = label
            control: UIButton | UIHorizontalSlider
            if spec.type == "bool":
                control = UIButton(
                    pygame.Rect(4, y + 24, inner - 140, 26),
                    lever_text(spec, value, self.lang),
                    self.manager,
                    container=self.lever_box,
                )
                control.set_tooltip(tip, wrap_width=wide)
            elif spec.type == "choice":
                # rows of option buttons (a drop-down inside the scrolling panel would be clipped): as many to a
                # row as fit their words whole ('conditions' was cut in three to a row at 960x600)
                labels = [option_label(option, self.lang) for option in spec.options]
                columns, width = choice_columns(labels, inner)
                row["choices"] = {}
                extra_rows = (len(labels) - 1) // columns
                for k, option in enumerate(spec.options):
                    line, column = divmod(k, columns)
                    choice = UIButton(
                        pygame.Rect(4 + column * (width + 4), y + 24 + line * CHOICE_ROW_H, width, 26),
                        option_label(option, self.lang),
                        self.manager,
                        container=self.lever_box,
                    )
                    choice.set_tooltip(lever_tooltip(spec, self.lang, option), wrap_width=wide)
                    if option == value:
                        choice.select()
                    row["choices"][option] = choice
                    self.widget_lever[choice] = spec.name
                    self.choice_of[choice] = option
                control = row["choices"][spec.options[0]]
            else:
                assert spec.min is not None and spec.max is not None and spec.step is not None  # numeric specs have all
                control = UIHorizontalSlider(
                    pygame.Rect(4, y + 24, inner - 140, 26),
                    float(value),
                    (float(spec.min), float(spec.max)),
                    self.manager,
                    container=self.lever_box,
                    click_increment=spec.step,
                )
                control.set_tooltip(tip, wrap_width=wide)
                for part in (control.left_button, control.right_button, control.sliding_button):
                    if part is not None:
                        part.set_tooltip(tip, wrap_width=wide)
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
            height = 54 + (extra_rows * CHOICE_ROW_H if spec.type == "choice" else 0)
            if spec.name in costs:
                row["cost"] = UILabel(
                    pygame.Rect(4, y + height - 4, inner, 20),
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

    def refresh_costs(self) -> None:
        """Update each lever's yearly cost line and the budget line."""
        costs = self.session.lever_costs()
        for name, row in self.lever_widgets.items():
            if "cost" in row:
                row["cost"].set_text(self._cost_text(costs[name]))

    def set_lever(self, name: str, value) -> None:
        """Set a lever's pending value (from its widget or a key)."""
        try:
            typed = self.session.set_lever(name, value)
        except UserError as exc:
            self.app.message = self.error_line(exc)
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
