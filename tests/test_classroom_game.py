"""Lessons in the game window (headless): picker, briefing, hot-seat hand-off, role screen, end screen."""

from __future__ import annotations

import time

import pytest
from classroom_helpers import SMALL_LESSON
from game_helpers import planned_and_direct, press_key, tab_to, type_text

from sim.classroom.game import attach
from sim.classroom.lesson import lesson_from_text
from sim.classroom.session import LessonSession
from sim.game.app import App
from sim.game.screens.briefing import BriefingScreen
from sim.game.screens.dashboard import DashboardScreen
from sim.game.screens.handoff import HandoffScreen
from sim.game.screens.lesson_end import LessonEndScreen
from sim.game.screens.lesson_picker import LessonPickerScreen
from sim.game.screens.role_decision import RoleDecisionScreen
from sim.game.screens.start import StartScreen


@pytest.fixture(scope="module")
def lesson():
    return lesson_from_text(SMALL_LESSON, "small.yaml")


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    game = App(size=(1280, 800))
    game.pump(2)
    return game


def test_start_screen_has_a_lessons_button_that_opens_the_picker(app):
    assert isinstance(app.screen, StartScreen)
    assert "lessons" in app.screen.buttons.values()
    app.screen.act("lessons")
    assert isinstance(app.screen, LessonPickerScreen)
    assert len(app.screen.lessons) >= 4
    assert app.screen.start("", ["regulator"]) is False  # a team name is needed
    assert app.screen.start("Blue", [app.screen.chosen.roles[0].id]) is True
    assert isinstance(app.screen, BriefingScreen)
    assert app.session.team == "Blue"


def test_the_picker_lists_long_titles_by_their_first_part_and_a_click_picks_that_lesson(tmp_path, monkeypatch):
    """At 960x600 three of the four lesson titles were cut in the list ('Platform partnerships and lock-in:
    Kakao an…'); one that does not fit shows its part before the colon, and clicking it picks that lesson."""
    import pygame

    from sim.game import charts

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    app = App(size=(960, 600))
    app.show(LessonPickerScreen)
    app.pump(2)
    screen = app.screen
    items = [e for e in screen.list.item_list_container.elements if getattr(e, "text", "")]
    assert sorted(e.text for e in items) == sorted(screen.list_lessons)
    assert len(items) == len(screen.lessons)
    shortened = [e for e in items if e.text != screen.list_lessons[e.text].title["en"]]
    assert shortened, "every title fits at 960x600: this test needs one that does not"
    for item in items:
        assert charts.font(14).size(item.text)[0] + 6 <= item.rect.width, item.text
    target = shortened[-1]
    lesson = screen.list_lessons[target.text]
    assert lesson.title["en"].startswith(target.text) and lesson is not screen.chosen
    pos = target.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(1)
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))
        app.pump(3)
    assert app.screen.chosen is lesson


def test_a_lesson_starts_from_the_keyboard_alone(app):
    """The picker, the briefing and the hand-off had no keys: Tab reaches the lessons, the team box, the
    roles and the buttons; ↓ picks a lesson, Space adds or drops a role, Enter presses a button."""
    import pygame

    app.screen.act("lessons")
    picker = app.screen
    assert isinstance(picker, LessonPickerScreen)
    tab_to(app, lambda w: w is app.screen.list)
    first = app.screen.chosen
    press_key(app, pygame.K_DOWN)
    lesson = app.screen.chosen
    assert lesson is not first and len(lesson.roles) >= 2
    tab_to(app, lambda w: w is app.screen.team_entry)
    type_text(app, "Blue")
    tab_to(app, lambda w: w is app.screen.role_list)
    press_key(app, pygame.K_DOWN)  # the second role
    press_key(app, pygame.K_SPACE)  # added beside the first
    assert app.screen.roles == [lesson.roles[0].id, lesson.roles[1].id]
    tab_to(app, lambda w: app.screen.buttons.get(w) == "start")
    press_key(app, pygame.K_RETURN)
    assert isinstance(app.screen, BriefingScreen) and app.session.team == "Blue"
    tab_to(app, lambda w: w in app.screen.buttons)
    press_key(app, pygame.K_RETURN)
    assert not isinstance(app.screen, BriefingScreen)


def test_hot_seat_quarter_passes_the_screen_between_roles(app, lesson):
    attach(app, LessonSession(lesson, "Blue", roles=["regulator", "kakao"], ghost=False))
    app.show(BriefingScreen)
    app.screen.act("begin")
    assert isinstance(app.screen, HandoffScreen)
    app.screen.act("ready")
    assert isinstance(app.screen, DashboardScreen)
    app.session.set_lever("partnership_review", "block")
    app.screen.request_step()  # the regulator is done: hand the screen to Kakao
    app.pump(2)
    assert isinstance(app.screen, HandoffScreen) and app.session.current_role.id == "kakao"
    assert not app.session.history
    app.screen.act("ready")
    assert isinstance(app.screen, RoleDecisionScreen)
    app.pump(1)
    app.screen.act("done")  # Kakao keeps the model's rule; the quarter runs
    app.pump(2)
    assert len(app.session.history) == 1
    assert app.session.model.params["partnership_review"] == "block"
    assert isinstance(app.screen, HandoffScreen) and app.session.current_role.id == "regulator"
    assert app.session.save_path.exists()  # autosaved in the team's own slot


def show_finished_lesson(app, lesson, team: str) -> None:
    """Play ``lesson`` to its end for ``team`` (every role by its rule) and show the lesson's end screen."""
    session = LessonSession(lesson, team, ghost=False)
    while not session.finished:
        session.submit()
    attach(app, session)
    app.show(LessonEndScreen)
    app.screen.wait()


def test_lesson_end_screen_shows_fair_scores(app, lesson):
    show_finished_lesson(app, lesson, "Blue")
    app.pump(2)
    screen = app.screen
    assert isinstance(screen, LessonEndScreen) and not screen.failed
    ((role, fair, sentence),) = screen.results
    assert role.id == "regulator" and len(fair.scores) == 3 and sentence


def test_leaving_the_lesson_end_stops_its_replays_before_the_process_ends(app, lesson, capsys):
    """The fair scores' pool kept running when the window closed (or a headless play exited): its workers then
    started without the parent's semaphores and printed a multiprocessing traceback (4 runs in 5 under load)."""
    session = LessonSession(lesson, "Blue", ghost=False)
    while not session.finished:
        session.submit()
    attach(app, session)
    app.show(LessonEndScreen)
    screen = app.screen
    deadline = time.monotonic() + 30
    while screen.pool is None and screen.thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)  # the replays have started
    workers = list((getattr(screen.pool, "_processes", None) or {}).values())
    app.close()  # as the window closing does: App.close asks the screen to leave
    assert not screen.thread.is_alive() and screen.pool is None
    assert not screen.failed  # stopped (or, on a fast machine, finished first), never failed: nothing reported
    for process in workers:
        process.join(5)
        assert not process.is_alive()
    assert "Traceback" not in capsys.readouterr().err


def test_a_roles_objectives_say_met_or_missed_in_words_not_only_in_colour(app, lesson):
    """The lesson end screen coloured each objective's value green or red and nothing else: the words say it."""
    from sim.game.screens.briefing import role_objectives_html

    session = LessonSession(lesson, "Blue", ghost=False)
    while not session.finished:
        session.submit()
    for role in lesson.roles:
        card = session.role_scorecard(role)
        for lang, met, missed in (("en", "[met]", "[missed]"), ("ko", "[달성]", "[미달]")):
            lines = role_objectives_html(role, lang, card).split("<br>")
            assert len(lines) == len(card.results)
            for line, result in zip(lines, card.results):
                assert (met if result.met else missed) in line, line
    assert "[" not in role_objectives_html(lesson.roles[0], "en")  # before a score: the objectives alone


def test_lesson_end_screen_says_when_the_fair_scores_fail_and_reports_why(app, lesson, monkeypatch, capsys):
    """A failure while replaying the fair scores is shown on the screen (the game does not die at its
    last screen) and its traceback goes to stderr, for whoever reports it."""
    import sim.classroom.scoring as scoring

    def broken(*args, **kwargs):
        raise ValueError("replay broke")

    monkeypatch.setattr(scoring, "fair_score", broken)  # the screen imports it when it runs
    show_finished_lesson(app, lesson, "Blue")
    app.pump(2)
    assert app.screen.failed == "replay broke" and app.screen.results is None
    err = capsys.readouterr().err
    assert "the fair scores could not be computed" in err and "ValueError: replay broke" in err


def test_screenshot_of_the_briefing_in_korean(tmp_path, lesson, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    game = App(size=(1280, 800), lang="ko")
    attach(game, LessonSession(lesson, "파랑", ghost=False))
    game.show(BriefingScreen)
    game.pump(2)
    assert game.screenshot(tmp_path / "briefing.png").stat().st_size > 10_000


def test_every_lesson_screen_plans_the_same_pixels_it_draws_and_then_sleeps(app, lesson):
    """Every screen but the loading screen draws only by blitting, so the app plans its frames and skips
    the unchanged ones (see App.draw): a planned frame has the pixels drawing directly gives, and an
    idle screen is not drawn again."""
    import numpy as np

    def planned_equals_direct():
        app.pump(2)
        planned, direct = planned_and_direct(app)
        assert np.array_equal(planned, direct), type(app.screen).__name__
        app.pump(2)
        drawn = app.frames_drawn
        app.pump(5)
        assert app.frames_drawn == drawn, f"{type(app.screen).__name__} redrew an unchanged frame"

    planned_equals_direct()  # the start screen
    app.screen.act("lessons")
    planned_equals_direct()  # the picker
    attach(app, LessonSession(lesson, "Blue", roles=["regulator", "kakao"], ghost=False))
    app.show(BriefingScreen)
    planned_equals_direct()
    app.screen.act("begin")
    planned_equals_direct()  # the hand-off
    app.screen.act("ready")
    app.screen.request_step()
    app.pump(2)
    app.screen.act("ready")
    assert isinstance(app.screen, RoleDecisionScreen)
    planned_equals_direct()
    show_finished_lesson(app, lesson, "Green")
    planned_equals_direct()


def test_a_lesson_dashboard_names_whose_goals_it_shows_and_draws_nothing_over_the_levers(app, lesson, monkeypatch):
    """The goals panel (each objective now, target and projected, the score so far) says whose goals they are,
    so hot-seat teams see whose turn it is; no second objectives strip is drawn over the lever panel, where it
    hid the lower levers (and contradicted the goals' marks: met so far there, projected to miss here)."""
    from sim.game import panels
    from sim.game.app import DisplayPlan

    titles = []
    real = panels.draw_goals
    monkeypatch.setattr(panels, "draw_goals", lambda *args: (titles.append(args[4:]), real(*args))[1])
    attach(app, LessonSession(lesson, "Blue", roles=["regulator"], ghost=False))
    app.show(BriefingScreen)
    app.screen.act("begin")
    app.pump(2)
    assert isinstance(app.screen, DashboardScreen)
    assert titles and titles[-1] == ("Regulator",)
    if app.screen.tour_step is not None:  # a first game's tour is drawn over everything; then nothing is
        app.screen.end_tour()
    over = DisplayPlan(app.size)
    app.screen.draw_over(over)
    assert over.blits == []
