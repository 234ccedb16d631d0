"""The player's settings, remembered between games: language, window size, UI scale, tour seen.

Stored as JSON beside the autosave (``$AISIM_SAVE_DIR/settings.json`` or
``~/.aisim/settings.json``). A missing or damaged file gives the defaults: settings
are a convenience, never a reason not to start.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sim.core.files import atomic_write, read_user_text
from sim.errors import UserError
from sim.game.session import save_dir

SETTINGS_LIMIT_BYTES = 100_000  # a few hundred bytes written; anything far larger is not ours

UI_SCALES = (1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class Settings:
    """What the game remembers between runs: language, window size and UI scale."""

    lang: str = "en"
    size: tuple[int, int] = (1280, 800)
    ui_scale: float = 1.0
    tour_done: bool = False

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)


def settings_path() -> Path:
    """Where the settings file lives (beside the autosave)."""
    return save_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults for anything missing or invalid."""
    path = path or settings_path()
    try:  # read as every user file is (never waits on a pipe, never reads a huge file); damaged: the defaults
        data = json.loads(read_user_text(path, limit=SETTINGS_LIMIT_BYTES))
    except (UserError, ValueError, RecursionError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    out = Settings()
    if data.get("lang") in ("en", "ko"):
        out = out.with_(lang=data["lang"])
    size = data.get("size")
    if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and 320 <= v <= 10000 for v in size):
        out = out.with_(size=(size[0], size[1]))
    if data.get("ui_scale") in UI_SCALES:
        out = out.with_(ui_scale=float(data["ui_scale"]))
    if isinstance(data.get("tour_done"), bool):
        out = out.with_(tour_done=data["tour_done"])
    return out


def save_settings(settings: Settings, path: Path | None = None) -> Path | None:
    """Write the settings atomically; returns the path, or None if the folder is not writable."""
    path = path or settings_path()
    try:
        return atomic_write(path, json.dumps(asdict(settings), indent=1), make_parents=True)
    except UserError:
        return None
