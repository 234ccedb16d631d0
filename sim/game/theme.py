"""The pygame-gui theme: NotoSansKR for every widget (Hangul renders in English mode too), left-aligned labels.

pygame-gui keys fonts by locale; a font given without ``locale`` is the English one.
In Korean pygame-gui already uses its bundled NotoSansKR.
"""

from __future__ import annotations

from sim.game.charts import font_path

ELEMENTS = (
    "button",
    "label",
    "text_box",
    "text_entry_line",
    "drop_down_menu",
    "selection_list",
    "horizontal_slider",
    "window",
    "tool_tip",
    "file_dialog",
    "confirmation_dialog",
    "title_bar",
)

WIDGET_FONT_SIZE = 14  # pygame-gui's widgets (buttons, menus, lists) write in this size unless themed otherwise
# pixels of a button's width that its border and shadow take (pygame-gui lays its text out in the rest)
BUTTON_TEXT_MARGIN = 6
# a drop-down menu's list: each option's height and the list's frame (shadows and borders, top and bottom)
MENU_ITEM_HEIGHT = 20
MENU_LIST_FRAME = 8
# pixels of a drop-down menu's width an option's text cannot use when its list scrolls: the list's frame and
# scroll bar (46, so each option is a button that much narrower than the menu), then the button's margin
MENU_TEXT_MARGIN = 46 + BUTTON_TEXT_MARGIN


def theme() -> dict:
    """A theme dict for ``UIManager(size, theme)``."""
    regular, bold = str(font_path(False)), str(font_path(True))
    font = {
        "name": "noto_sans_kr",
        "size": str(WIDGET_FONT_SIZE),
        "regular_path": regular,
        "bold_path": bold,
        "italic_path": regular,
        "bold_italic_path": bold,
    }
    out: dict = {name: {"font": dict(font)} for name in ELEMENTS}
    out["label"]["misc"] = {"text_horiz_alignment": "left"}
    out["drop_down_menu"]["misc"] = {"list_item_height": str(MENU_ITEM_HEIGHT)}
    out["#menu_up"] = {"misc": {"expand_direction": "up", "list_item_height": str(MENU_ITEM_HEIGHT)}}
    out["#lever_label"] = {
        "font": [dict(font, size="13", bold="1"), dict(font, size="13", bold="1", locale="ko")],
        "misc": {"text_horiz_alignment": "left"},
    }
    out["#small_label"] = {
        "font": [dict(font, size="12"), dict(font, size="12", locale="ko")],
        "misc": {"text_horiz_alignment": "left"},
        "colours": {"normal_text": "#A8B0C0"},
    }
    out["#option_detail"] = {
        "font": [dict(font, size="12"), dict(font, size="12", locale="ko")],
        "colours": {"normal_text": "#A8B0C0", "dark_bg": "#202530"},
        "misc": {"border_width": "0", "padding": "2,1"},
    }
    return out
