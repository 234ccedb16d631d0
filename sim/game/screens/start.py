"""Start screen: pick a bundled scenario or a file, read its story and objectives, start or load."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pygame
import pygame_gui
import yaml
from pygame_gui.elements import UILabel, UISelectionList, UITextBox, UITextEntryLine
from pygame_gui.windows import UIConfirmationDialog, UIFileDialog

from sim.errors import OverrideError, UserError
from sim.game import charts, units
from sim.game.i18n import pick
from sim.game.screens.base import GuiItems, Screen, escape
from sim.game.session import GameSession, autosave_path, save_dir
from sim.saves import seed_problem
from sim.scenario import Scenario, bundled_scenarios, load_scenario

_LOADED: dict[tuple[str, float], Scenario] = {}


def cached_scenario(path: Path) -> Scenario:
    """load_scenario, remembered per file and modification time (validation takes ~0.5 s)."""
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError:
        return load_scenario(path)  # let the loader word the error
    if key not in _LOADED:
        _LOADED[key] = load_scenario(path)
    return _LOADED[key]


def preview_document(path: Path) -> dict[str, Any]:
    """A scenario's resolved document for the preview (title, story, objectives; ``extends:`` followed).

    Loaded and validated by :mod:`sim.scenario` (the one reading of scenario files, with its
    path rules and size limits) and cached; a file that does not load shows nothing here and
    its error when the game starts.
    """
    try:
        return dict(cached_scenario(Path(path)).document)
    except UserError:
        return {}


def _quarter(value: Any, lang: str) -> str:
    """A scenario document's quarter ('2024Q1') as the window writes quarters in ``lang`` ('2024년 1분기');
    as it is written if it is not one (the file's error shows when the game starts)."""
    try:
        return units.quarter_text(str(value), lang)
    except ValueError:
        return "" if value is None else str(value)


def scenario_html(document: Mapping[str, Any], lang: str, labels: dict[str, str]) -> str:
    """The start screen's description of a scenario document: title, description, story, objectives."""
    time = document.get("time") or {}
    parts = [
        f"<b>{escape(pick(document.get('title'), lang))}</b>",
        f"<i>{escape(_quarter(time.get('start'), lang))} – {escape(_quarter(time.get('end'), lang))}</i>",
        escape(pick(document.get("description"), lang)),
    ]
    story = document.get("story")
    if story:
        parts.append(f"<b>{escape(labels['story'])}</b><br>{escape(pick(story, lang))}")
    objectives = document.get("objectives") or []
    if objectives:
        items = "<br>".join(f"• {escape(pick(o.get('label'), lang))}" for o in objectives)
        parts.append(f"<b>{escape(labels['objectives'])}</b><br>{items}")
    return "<br><br>".join(parts)


class StartScreen(Screen):
    """Bundled scenarios, a file by path, language toggle, new game or load a save."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.paths = bundled_scenarios()
        self.previews: dict[Path, dict] = {}
        for path in self.paths:
            try:
                self.previews[path] = preview_document(path)
            except (OSError, yaml.YAMLError):
                self.previews[path] = {"title": {"en": path.stem}}
        self.scenario: Scenario | None = app.preselected
        self.selected: Path | None = None  # a bundled scenario chosen but not yet fully loaded
        self.failure: Exception | None = None  # the last error, shown in the current language
        self.file_dialog: UIFileDialog | None = None
        self.confirm: UIConfirmationDialog | None = None
        self.dialog_purpose = ""
        self.typed_path = ""
        if self.scenario is None and self.paths:
            self.selected = self.paths[0]

    @property
    def document(self) -> Mapping[str, Any]:
        """The chosen scenario's document (for its title and description)."""
        if self.scenario is not None:
            return self.scenario.document
        return self.previews.get(self.selected, {}) if self.selected else {}

    def select_bundled(self, path: Path) -> None:
        """Choose a bundled scenario from the list."""
        self.selected, self.scenario, self.failure = path, None, None

    def select_path(self, path) -> bool:
        """Load and validate a scenario file; a bad file shows its error and keeps the old choice."""
        if path is None:
            return False
        try:
            scenario = cached_scenario(Path(path))
        except UserError as exc:
            self.failure = exc
            return False
        self.scenario, self.selected, self.failure = scenario, None, None
        return True

    def build(self, rect: pygame.Rect) -> None:
        super().build(rect)
        w, h = rect.size
        self.title_rect = pygame.Rect(20, 10, w - 40, 40)
        left_w = min(380, w // 3)
        UILabel(pygame.Rect(20, 60, left_w, 24), self.tr("scenarios"), self.manager)
        names: GuiItems = []
        self.by_label = {}
        for path in self.paths:
            title = pick(self.previews[path].get("title"), self.lang) or path.stem
            names.append(title)
            self.by_label[title] = path
        list_h = max(120, h - 330)
        chosen = pick(self.document.get("title"), self.lang)
        self.list = UISelectionList(
            pygame.Rect(20, 88, left_w, list_h),
            names,
            self.manager,
            default_selection=chosen if chosen in names else None,
        )
        self.list.set_tooltip(self.tr("new_game_tip"))
        y = 96 + list_h
        UILabel(pygame.Rect(20, y, left_w, 24), self.tr("scenario_file"), self.manager)
        self.path_entry = UITextEntryLine(
            pygame.Rect(20, y + 28, left_w - 90, 32),
            self.manager,
            initial_text=self.typed_path,
            placeholder_text="scenarios/my.yaml",
        )
        self.path_entry.set_tooltip(self.tr("open_file_tip"))
        self.button((left_w - 64, y + 28, 84, 32), self.tr("open_file"), "open_path", self.tr("open_file_tip"))
        self.button((20, y + 66, left_w, 32), self.tr("browse"), "browse_scenario", self.tr("browse_tip"))
        right_x = left_w + 40
        right_w = w - right_x - 20
        error_h = 70 if self.error else 0
        self.text = UITextBox(self.describe(), pygame.Rect(right_x, 60, right_w, h - 150 - error_h), self.manager)
        if self.error:
            UITextBox(
                f"<font color='{charts.html_color(charts.ERROR)}'><b>{escape(self.tr('error'))}:</b> {escape(self.error)}</font>",
                pygame.Rect(right_x, h - 85 - error_h, right_w, error_h - 5),
                self.manager,
            )
        y = h - 76
        UILabel(pygame.Rect(20, y, 60, 36), self.tr("seed"), self.manager)
        self.seed_entry = UITextEntryLine(pygame.Rect(80, y, 90, 36), self.manager, initial_text=str(self.app.seed))
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_tooltip(self.tr("seed_tip"))
        x = 190
        for label, action, tip, width in (
            ("new_game", "new", "new_game_tip", 150),
            ("load_game", "load", "load_game_tip", 170),
            ("continue", "continue", "continue_tip", 200),
            ("lang_toggle", "lang", "lang_tip", 110),
            ("quit", "quit", "quit_tip", 90),
        ):
            widget = self.button((x, y, width, 36), self.tr(label), action, self.tr(tip))
            if action == "continue" and not autosave_path().exists():
                widget.disable()
            x += width + 10
        from sim.game.screens.lesson_picker import lessons_button  # classroom: lessons for a class

        lessons_button(self, pygame.Rect(w - 170, 14, 150, 32))

    @property
    def error(self) -> str:
        """The last error (a scenario or save that did not load, a bad seed) in the current language."""
        return self.error_line(self.failure) if self.failure is not None else ""

    def describe(self) -> str:
        """The chosen scenario's title, story and objectives in the current language."""
        labels = {"story": self.tr("story"), "objectives": self.tr("objectives")}
        return scenario_html(self.document, self.lang, labels)

    def handle(self, event: pygame.event.Event) -> None:
        super().handle(event)
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            if event.text in self.by_label:
                self.select_bundled(self.by_label[event.text])
            self.app.rebuild()
        elif event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED and event.ui_element is self.file_dialog:
            self.file_dialog = None
            if self.dialog_purpose == "scenario":
                self.select_path(Path(event.text))
                self.app.rebuild()
            else:
                self.load_save(event.text)
        elif event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.path_entry:
            self.act("open_path")
        elif event.type == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED and event.ui_element is self.confirm:
            self.app.quit()
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.file_dialog is None:
            self.act("quit")

    def before_rebuild(self) -> None:
        """Keep the seed and path typed so far: a language switch or resize rebuilds the widgets."""
        if getattr(self, "seed_entry", None) is not None and self.seed_entry.alive():
            self.app.seed = self.seed()
            self.typed_path = self.path_entry.get_text()

    def seed(self) -> int:
        """The seed typed on the start screen (the last one used when the box holds no number)."""
        text = self.seed_entry.get_text().strip()
        return int(text) if text.isdigit() else self.app.seed

    def checked_seed(self) -> int | None:
        """The typed seed if a game can use it (and save it), else None with the error shown."""
        seed = self.seed()
        problem = seed_problem(seed)
        if problem:
            self.failure = OverrideError(problem)
            return None
        return seed

    def act(self, action: str) -> None:
        if action == "open_path":
            path = self.path_entry.get_text().strip()
            if path:
                self.select_path(Path(path))
                self.app.rebuild()
        elif action in ("browse_scenario", "load"):
            self.dialog_purpose = "scenario" if action == "browse_scenario" else "save"
            start = str(self.paths[0].parent) if self.dialog_purpose == "scenario" and self.paths else str(save_dir())
            w, h = self.app.size
            self.file_dialog = UIFileDialog(
                pygame.Rect(w // 2 - 300, h // 2 - 250, 600, 500),
                self.manager,
                window_title=self.tr("browse" if action == "browse_scenario" else "load_game"),
                initial_file_path=start,
                allow_existing_files_only=True,
            )
        elif action == "new":
            if self.scenario is None and self.selected is not None and not self.select_path(self.selected):
                self.app.rebuild()
                return
            seed = self.checked_seed()
            if seed is None:
                self.app.rebuild()
            elif self.scenario is not None:
                self.app.seed = seed
                self.app.start_game(GameSession(self.scenario, seed))
        elif action == "continue":
            self.load_save(autosave_path())
        elif action == "lessons":
            from sim.game.screens.lesson_picker import LessonPickerScreen

            self.app.show(LessonPickerScreen)
        elif action == "lang":
            self.app.set_language("en" if self.lang == "ko" else "ko")
        elif action == "quit":
            w, h = self.app.size
            self.confirm = UIConfirmationDialog(
                pygame.Rect(w // 2 - 200, h // 2 - 100, 400, 200),
                self.tr("quit_confirm"),
                self.manager,
                window_title=self.tr("quit"),
                action_short_name=self.tr("quit"),
            )

    def load_save(self, path) -> None:
        """Check a save now (errors show here); replay it on the loading screen, with progress."""
        from sim.game.screens.loading import LoadingScreen
        from sim.saves import load_save

        try:
            saved = load_save(path)
        except UserError as exc:
            self.failure = exc
            self.app.rebuild()
            return
        self.app.show(LoadingScreen, saved=saved)

    def draw(self, surface: pygame.Surface) -> None:
        charts.text(surface, charts.t("app_title", self.lang), self.title_rect.topleft, 26, charts.ACCENT, bold=True)
