"""Regenerate the game's screenshots for the docs: ``python -m sim.game.screenshots docs/screenshots``.

Headless (SDL dummy driver), the bundled Korea scenario, seed 0, a few policy moves,
and the forecast preview computed on the worker pool before each capture.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def play_until_event(app) -> None:
    """Play quarters until an event asks a question (or the game ends)."""
    screen = app.screen
    while screen.event_window is None and not app.session.finished:
        screen.request_step()


def lesson_screens(out: Path) -> list[Path]:
    """The classroom's screens (docs/teaching.md), with the bundled lesson on partnerships: the picker, the
    briefing, the hot-seat hand-off and the platform's decision in Korean, the regulator's dashboard with
    its goals, and the end of a lesson played through by every role's rule; and a firm's decision (the
    lesson on a champion and an entrant)."""
    import pygame
    import pygame_gui

    from sim.classroom.game import attach
    from sim.classroom.lesson import load_lesson
    from sim.classroom.session import LessonSession
    from sim.game.app import App
    from sim.game.commands import wait_for_preview
    from sim.game.screens.briefing import BriefingScreen
    from sim.game.screens.lesson_end import LessonEndScreen
    from sim.game.screens.role_decision import RoleDecisionScreen, slider_position
    from sim.game.screens.start import StartScreen

    lesson = load_lesson("partnerships-lock-in")
    shots = []
    app = App(size=(1280, 800), lang="en", ui_scale=1.0)
    app.show(StartScreen)
    app.screen.act("lessons")
    app.pump(3)
    shots.append(app.screenshot(out / "lesson-picker.png"))
    app.close()

    app = App(size=(1280, 800), lang="ko", ui_scale=1.0)
    attach(app, LessonSession(lesson, "파랑", roles=["regulator", "kakao"], ghost=False))
    app.show(BriefingScreen)
    app.pump(3)
    shots.append(app.screenshot(out / "lesson-briefing-ko.png"))
    app.screen.act("begin")
    app.pump(3)
    shots.append(app.screenshot(out / "lesson-handoff-ko.png"))
    app.screen.act("ready")  # the regulator's dashboard; its quarter goes to the platform next
    app.screen.request_step()
    app.pump(2)
    app.screen.act("ready")
    app.pump(3)
    shots.append(app.screenshot(out / "lesson-role-partner-ko.png"))
    app.close()

    app = App(size=(1280, 800), lang="en", ui_scale=1.0)
    session = LessonSession(lesson, "Blue", roles=["regulator"])
    for _ in range(4):
        session.submit()
    attach(app, session)
    app.show(BriefingScreen)
    app.screen.act("begin")  # one role: straight to its dashboard
    app.pump(2)
    wait_for_preview(app)
    shots.append(app.screenshot(out / "lesson-dashboard.png"))
    app.close()

    # a firm's decision (the lesson on a champion and an entrant): a price set last quarter stands, compute
    # is moved now, the rest follow the model's rule
    app = App(size=(1280, 800), lang="en", ui_scale=1.0)
    naver = LessonSession(load_lesson("champion-vs-entrant"), "Naver team", roles=["naver"], ghost=False)
    naver.submit({"firm:naver": {"price": 0.8}})
    attach(app, naver)
    app.show(RoleDecisionScreen)
    slider = next(s for s, (name, _) in app.screen.sliders.items() if name == "compute_usd_bn_per_year")
    position = slider_position("compute_usd_bn_per_year", 0.5)
    slider.set_current_value(position)  # as a drag leaves it, with the event it posts
    pygame.event.post(
        pygame.event.Event(pygame_gui.UI_HORIZONTAL_SLIDER_MOVED, {"ui_element": slider, "value": position})
    )
    app.pump(3)
    shots.append(app.screenshot(out / "lesson-role-firm.png"))
    app.close()

    session = LessonSession(lesson, "Green", ghost=False)
    while not session.finished:
        session.submit()
    app = App(size=(1280, 800), lang="en", ui_scale=1.0)
    attach(app, session)
    app.show(LessonEndScreen)
    app.screen.wait()
    app.pump(3)
    shots.append(app.screenshot(out / "lesson-end.png"))
    app.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    """Write the documentation's game screenshots into a folder."""
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    os.environ["AISIM_SAVE_DIR"] = tempfile.mkdtemp(prefix="aisim-shots-")
    from sim.game.app import App
    from sim.game.commands import wait_for_preview
    from sim.game.screens.start import StartScreen
    from sim.game.session import GameSession
    from sim.game.settings import Settings, save_settings
    from sim.scenario import load_scenario

    scenario = load_scenario("korea-2025")
    save_settings(Settings(tour_done=True))

    def dashboard(size, lang, tab="firms", quarters=6, lever=("sovereign_ai_budget_krw_bn", 600)):
        app = App(size=size, lang=lang, ui_scale=1.0)
        session = GameSession(scenario, 0)
        session.set_lever("public_compute_gpus_k", 40)
        app.start_game(session)
        for _ in range(quarters):
            if app.screen.event_window is not None:
                event = session.unanswered_events()[0]
                app.screen.answer(event["id"], event["default_choice"])
            app.screen.request_step()
        session.sync_ghost()
        app.screen.tab = tab
        app.rebuild()
        if lever:
            app.screen.set_lever(*lever)
        wait_for_preview(app)
        return app

    shots = []
    app = App(size=(1280, 800), lang="en", ui_scale=1.0)
    app.show(StartScreen)
    app.pump(3)
    shots.append(app.screenshot(out / "start.png"))
    app.close()

    app = dashboard((1280, 800), "en")
    shots.append(app.screenshot(out / "dashboard.png"))
    app.screen.open_help()
    app.pump(3)
    shots.append(app.screenshot(out / "help.png"))
    app.close()
    for size, name in (((1280, 720), "dashboard-1280x720.png"), ((960, 600), "dashboard-960x600.png")):
        app = dashboard(size, "en")
        shots.append(app.screenshot(out / name))
        app.close()
    app = dashboard((1280, 800), "en", tab="why", quarters=10)
    shots.append(app.screenshot(out / "dashboard-why.png"))
    app.close()
    app = dashboard((1280, 800), "ko", tab="why", quarters=10)
    shots.append(app.screenshot(out / "dashboard-why-ko.png"))
    app.close()
    app = dashboard((1280, 800), "en", tab="partners", lever=None)
    shots.append(app.screenshot(out / "dashboard-partners.png"))
    app.close()

    save_settings(Settings(tour_done=False))
    app = App(size=(1280, 800), lang="en", ui_scale=1.0)
    app.start_game(GameSession(scenario, 0))
    app.pump(3)
    shots.append(app.screenshot(out / "tour.png"))
    app.close()
    save_settings(Settings(tour_done=True))

    app = dashboard((1280, 800), "en", quarters=0, lever=None)
    play_until_event(app)
    wait_for_preview(app)
    shots.append(app.screenshot(out / "event.png"))
    while not app.session.finished:
        if app.screen.event_window is not None:
            event = app.session.unanswered_events()[0]
            app.screen.answer(event["id"], event["default_choice"])
        else:
            app.screen.request_step()
    app.pump(3)
    shots.append(app.screenshot(out / "end.png"))
    app.close()
    shots += lesson_screens(out)
    for path in shots:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
