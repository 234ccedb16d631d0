"""Render the classroom reports' screenshots in docs/screenshots with headless Chromium.

Usage: python tools/report_screenshots.py [OUT_DIR]   (default docs/screenshots)

Plays the bundled lesson on partnerships three times as a regulator team would (Blue blocks foreign
platform deals in its first quarter, Green puts conditions on them, Red leaves the rules as they are),
writes the debrief of Blue in English and in Korean and the English class report of all three, and
screenshots each page at 1280 px wide, cut below its last line:
debrief.png, debrief-ko.png, class-report.png.

Needs a Chromium (``chromium``, ``chromium-browser`` or ``google-chrome`` on the PATH) and, for the
Korean page, a font with Hangul (Debian: ``apt-get install chromium fonts-noto-cjk``). Without a
Chromium it says so and exits 2. The game's own screenshots come from ``python -m sim.game.screenshots``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
WIDTH = 1280
TALLEST = 4000  # px rendered before the page is cut below its last line
MARGIN = 24  # px kept below the last line
TEAMS = {"Blue": {"partnership_review": "block"}, "Green": {"partnership_review": "conditions"}, "Red": {}}


def play_saves(folder: Path) -> dict[str, Path]:
    """One finished save per team of :data:`TEAMS` in ``folder``."""
    from sim.classroom.lesson import load_lesson
    from sim.classroom.session import LessonSession

    lesson = load_lesson("partnerships-lock-in")
    saves = {}
    for team, first in TEAMS.items():
        path = folder / f"{team.lower()}.json"
        session = LessonSession(lesson, team, roles=["regulator"], ghost=False, save_path=path)
        session.submit(first)
        while not session.finished:
            session.submit({})
        session.save()
        saves[team] = path
    return saves


def screenshot(browser: str, page: Path, out: Path) -> Path:
    """``page`` rendered at :data:`WIDTH` px wide, cut :data:`MARGIN` px below its last non-white row."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "full.png"
        command = [browser, "--headless", "--no-sandbox", "--hide-scrollbars", f"--window-size={WIDTH},{TALLEST}"]
        subprocess.run([*command, f"--screenshot={full}", page.resolve().as_uri()], check=True, capture_output=True)
        image = pygame.image.load(str(full))
    pixels = pygame.surfarray.pixels3d(image)
    inked = (pixels < 250).any(axis=2).any(axis=0).nonzero()[0]  # rows with anything but white
    bottom = min(image.get_height(), int(inked[-1]) + MARGIN) if inked.size else image.get_height()
    del pixels
    pygame.image.save(image.subsurface(pygame.Rect(0, 0, WIDTH, bottom)), str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the three report screenshots; 2 without a Chromium."""
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        print("report_screenshots: needs Chromium (Debian: apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    from sim.classroom.debrief import write_debrief
    from sim.classroom.report import write_class_report

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "saves").mkdir()
        saves = play_saves(work / "saves")
        pages = {
            "debrief.png": write_debrief([saves["Blue"]], work / "debrief", "en") / "index.html",
            "debrief-ko.png": write_debrief([saves["Blue"]], work / "debrief-ko", "ko") / "index.html",
            "class-report.png": write_class_report(work / "saves", work / "report")[0] / "index.html",
        }
        for name, page in pages.items():
            print(screenshot(browser, page, out / name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
