"""The game window, driven headless with posted events: levers, next quarter, events, screens, bad input."""

from __future__ import annotations

import time

import numpy as np
import pygame
import pygame_gui
import pytest
from game_helpers import planned_and_direct, press_key, tab_to, type_text, window_pixels

from sim.game.app import QUIET_UI_UPDATE_S, App
from sim.game.charts import wrap
from sim.game.i18n import t
from sim.game.screens.dashboard import SCROLL_STEP, TABS, DashboardScreen, firm_cards, partner_rows
from sim.game.screens.end import EndScreen
from sim.game.screens.start import StartScreen
from sim.game.session import GameSession, autosave_path
from sim.game.settings import Settings, save_settings
from sim.game.why import why_view


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")  # previews have their own tests (a pool per test is slow)
    save_settings(Settings(tour_done=True))  # the first-game tour has its own test
    game = App(size=(1280, 800))
    game.threaded_autoplay = False  # quarters in step with the frames; threaded autoplay has its own test
    game.pump(2)
    return game


def playing(app, scenario, seed=0) -> DashboardScreen:
    app.start_game(GameSession(scenario, seed))
    app.pump(2)
    assert isinstance(app.screen, DashboardScreen)
    return app.screen


def click(app, widget) -> None:
    """A real mouse click: button down and up in separate frames."""
    pos = widget.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    app.pump(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    app.pump(4, dt=0.05)  # sliders report their move a frame or two later


def key(app, code) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=0, unicode="", scancode=0))
    app.pump(2)


def button(screen, action):
    return next(w for w, a in screen.buttons.items() if a == action)


def colours(path_or_surface) -> int:
    surface = (
        pygame.image.load(str(path_or_surface)) if not isinstance(path_or_surface, pygame.Surface) else path_or_surface
    )
    pixels = pygame.surfarray.array2d(surface)
    return len(np.unique(pixels))


def assert_rendered(app, path) -> None:
    app.screenshot(path)
    assert path.exists()
    assert colours(path) > 200, f"{path.name} looks blank"


def test_slider_click_then_next_quarter_changes_the_model(app, tiny_korea):
    screen = playing(app, tiny_korea)
    session = app.session
    slider = screen.lever_widgets["sovereign_ai_budget_krw_bn"]["control"]
    spec = screen.lever_widgets["sovereign_ai_budget_krw_bn"]["spec"]
    before = session.model.params["sovereign_ai_budget_krw_bn"]
    click(app, slider.right_button)
    click(app, slider.right_button)
    assert session.pending["sovereign_ai_budget_krw_bn"] == pytest.approx(before + 2 * spec.step)
    click(app, screen.next_button)
    assert session.played_quarters == 1
    assert session.model.params["sovereign_ai_budget_krw_bn"] == pytest.approx(before + 2 * spec.step)
    assert session.decisions[tiny_korea.start] == {"sovereign_ai_budget_krw_bn": pytest.approx(before + 2 * spec.step)}
    key(app, pygame.K_SPACE)
    assert session.played_quarters == 2


def test_every_lever_gets_a_control_with_tooltip(app, tiny_korea):
    screen = playing(app, tiny_korea)
    levers = [spec.name for spec in tiny_korea.parameters.of_kind("lever")]
    assert list(screen.lever_widgets) == levers
    for row in screen.lever_widgets.values():
        assert row["control"].tool_tip_text
        kinds = {"bool": "UIButton", "choice": "UIButton"}
        assert type(row["control"]).__name__ == kinds.get(row["spec"].type, "UIHorizontalSlider")
        if row["spec"].type == "choice":
            assert list(row["choices"]) == list(row["spec"].options)
            assert all(b.tool_tip_text for b in row["choices"].values())
        if row["spec"].is_numeric:
            assert row["control"].right_button.tool_tip_text  # hovering the arrows shows the help too
    for widget in screen.buttons:
        assert widget.tool_tip_text, widget.text


def test_choice_lever_buttons(app, tiny_korea):
    screen = playing(app, tiny_korea)
    row = screen.lever_widgets["partnership_review"]
    screen.lever_box.vert_scroll_bar.set_scroll_from_start_percentage(1.0)  # scroll the option row into view
    app.pump(3, dt=QUIET_UI_UPDATE_S)  # a scroll from code, no input: the widgets move at their next update
    click(app, row["choices"]["block"])
    assert app.session.pending["partnership_review"] == "block"
    assert row["choices"]["block"].is_selected and not row["choices"]["allow"].is_selected
    screen.request_step()
    assert app.session.model.params["partnership_review"] == "block"


def test_event_choice_is_asked_and_applied_then_game_ends(app, tiny_korea, tmp_path):
    screen = playing(app, tiny_korea)
    session = app.session
    while screen.event_window is None:
        click(app, screen.next_button)
        assert session.played_quarters < 8
    assert session.model.quarter_label == "2025Q4"
    assert_rendered(app, tmp_path / "event.png")
    block = next(w for w, a in screen.buttons.items() if a == "choice:kakao_openai:block")
    click(app, block)
    # answering the last open question plays the quarter the player asked for
    assert session.decisions[tiny_korea.end]["choice:kakao_openai"] == "block"
    assert isinstance(app.screen, EndScreen)
    assert session.model.params["partnership_review"] == "block"
    kakao = session.model.partner_by_id["kakao_talk"]
    assert session.model.firms[kakao.provider].firm_id != "openai"
    assert_rendered(app, tmp_path / "end.png")


def test_autoplay_runs_quarters_and_pause_stops_it(app, tiny_korea):
    screen = playing(app, tiny_korea)
    click(app, screen.auto_button)
    assert app.autoplay
    app.pump(40, dt=0.1)  # 4 s at 2 quarters/s
    played = app.session.played_quarters
    assert played >= 4 or screen.event_window is not None
    key(app, pygame.K_p)
    assert not app.autoplay
    app.pump(30, dt=0.1)
    assert app.session.played_quarters == played


def test_undo_button(app, tiny_korea):
    screen = playing(app, tiny_korea)
    click(app, screen.next_button)
    first = [dict(r) for r in app.session.history]
    click(app, screen.next_button)
    click(app, screen.undo_button)
    assert app.session.history == first


def test_every_screen_renders_in_both_languages_and_sizes(app, tiny_korea, tmp_path):
    for size in ((1280, 800), (1280, 720)):
        app.resize(size)
        for lang in ("en", "ko"):
            app.set_language(lang)
            app.show(StartScreen)
            app.pump(2)
            assert_rendered(app, tmp_path / f"start-{lang}-{size[1]}.png")
            screen = playing(app, tiny_korea)
            for _ in range(3):
                screen.request_step()
            for tab in ("firms", "partners", "news", "why"):
                click(app, button(screen, "tab:" + tab))
                screen = app.screen
                assert screen.tab == tab
                assert_rendered(app, tmp_path / f"dash-{tab}-{lang}-{size[1]}.png")
            key(app, pygame.K_ESCAPE)
            assert screen.menu_window is not None
            assert_rendered(app, tmp_path / f"menu-{lang}-{size[1]}.png")
            key(app, pygame.K_ESCAPE)
            assert screen.menu_window is None


def test_korean_text_is_drawn_not_boxes(app, tiny_korea):
    from sim.game import charts

    hangul = charts.font(14).render("국내 기업", True, (255, 255, 255))
    tofu = charts.font(14).render("\uffff\uffff \uffff\uffff", True, (255, 255, 255))
    assert pygame.image.tobytes(hangul, "RGB") != pygame.image.tobytes(tofu, "RGB")
    app.set_language("ko")
    screen = playing(app, tiny_korea)
    assert button(screen, "next").text == "다음 분기"


def test_language_toggle_button(app):
    click(app, button(app.screen, "lang"))
    assert app.lang == "ko"
    click(app, button(app.screen, "lang"))
    assert app.lang == "en"


def test_broken_scenario_shows_the_error_and_the_game_goes_on(app, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema: aisim/scenario-1\nname: broken\ntime: {start: 2024Q1}\n", encoding="utf-8")
    screen = app.screen
    screen.path_entry.set_text(str(bad))
    click(app, button(screen, "open_path"))
    assert app.running
    assert "broken.yaml" in app.screen.error
    assert app.screen.document.get("title")  # the previous choice is kept
    assert_rendered(app, tmp_path / "start-error.png")
    click(app, button(app.screen, "new"))
    assert isinstance(app.screen, DashboardScreen)


def test_corrupt_save_shows_a_message_in_game(app, tmp_path):
    bad = tmp_path / "corrupt.json"
    bad.write_text('{"format": "aisim-save", "version": 1, "scenario": 3}', encoding="utf-8")
    app.screen.load_save(bad)
    assert isinstance(app.screen, StartScreen)
    assert "corrupt.json" in app.screen.error and "scenario" in app.screen.error
    app.pump(2)


def test_tiny_window_minimise_and_close_during_autoplay_keep_the_game(app, tiny_korea):
    screen = playing(app, tiny_korea)
    screen.request_step()
    screen.request_step()
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=120, h=90, size=(120, 90)))
    app.pump(3)
    assert app.too_small and app.running
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1280, h=720, size=(1280, 720)))
    pygame.event.post(pygame.event.Event(pygame.WINDOWMINIMIZED))
    app.pump(2)
    pygame.event.post(pygame.event.Event(pygame.WINDOWRESTORED))
    app.pump(2)
    assert not app.too_small
    assert isinstance(app.screen, DashboardScreen)
    app.session.set_lever("rd_tax_credit", 0.6)
    app.autoplay = True
    app.pump(10, dt=0.2)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.pump(1)
    assert not app.running
    resumed = GameSession.load(autosave_path(), ghost=False)
    assert resumed.history == app.session.history
    assert resumed.decisions == app.session.decisions
    assert any("rd_tax_credit" in d for d in resumed.decisions.values())


def test_end_screen_buttons_save_export_replay(app, tiny_korea, tmp_path):
    playing(app, tiny_korea)
    session = app.session
    session.set_lever("public_compute_gpus_k", 40)
    while not session.finished:
        app.screen.request_step()
        if app.screen.event_window is not None:
            app.screen.answer("kakao_openai", "conditions")
    assert isinstance(app.screen, EndScreen)
    app.pump(2)
    png, txt = app.screen.export(tmp_path / "export")
    assert colours(png) > 100
    summary = txt.read_text(encoding="utf-8")
    # decisions by the lever's name and in its unit, answers by the event's title (it read
    # 'public_compute_gpus_k=40' and 'choice:kakao_openai=conditions')
    assert "Score" in summary and "Public GPU provision: 40,000 GPUs" in summary, summary
    assert "Kakao and OpenAI: ChatGPT inside KakaoTalk: Allow with conditions" in summary and "choice:" not in summary
    assert "2024Q1 - 2025Q4" in summary and "seed 0" in summary
    from sim.game.report import summary_text

    korean = summary_text(session, "ko")  # quarters and words in Korean (it read '2024Q1', 'seed')
    assert "2024년 1분기 - 2025년 4분기" in korean and "시드 0" in korean and "공공 GPU 제공: 4만 장" in korean, korean
    assert "public_compute_gpus_k" not in korean and "choice:" not in korean and "조건부 허용" in korean
    (tmp_path / "a-file").write_text("x")
    assert app.screen.export(tmp_path / "a-file" / "export") is None  # cannot write there: said, not a crash
    assert app.message.startswith("Error: ") and "a-file" in app.message
    app.set_language("ko")
    app.screen.export(tmp_path / "a-file")
    assert app.message == f"오류: {tmp_path / 'a-file'}: 같은 이름의 파일이 이미 있음"
    app.set_language("en")
    app.screen.save_to(tmp_path / "final.json")
    again = GameSession.load(tmp_path / "final.json", ghost=False)
    assert again.history == session.history
    click(app, button(app.screen, "replay"))
    assert isinstance(app.screen, DashboardScreen) and app.screen.replay and app.autoplay
    app.pump(80, dt=0.1)
    assert isinstance(app.screen, EndScreen)
    assert app.session is not session and app.session.history == session.history


def test_headless_capture_command(tiny_korea, tmp_path, monkeypatch):
    from sim.cli import main

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    path = tmp_path / "tiny_korea.yaml"
    path.write_text(tiny_korea.document_text(), encoding="utf-8")
    shot = tmp_path / "shot.png"
    assert (
        main(
            [
                "play",
                str(path),
                "--headless",
                "--autoplay",
                "3",
                "--screenshot",
                str(shot),
                "--lang",
                "ko",
                "--size",
                "1280x720",
            ]
        )
        == 0
    )
    assert colours(shot) > 200
    assert pygame.image.load(str(shot)).get_size() == (1280, 720)
    end = tmp_path / "end.png"
    assert main(["play", str(path), "--headless", "--autoplay", "99", "--screenshot", str(end)]) == 0
    assert colours(end) > 200
    saved = GameSession.load(autosave_path(), ghost=False)
    assert saved.finished


def test_cli_load_resumes_and_set_applies_levers(tiny_korea, tmp_path, monkeypatch):
    from sim.cli import main

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    path = tmp_path / "tiny_korea.yaml"
    path.write_text(tiny_korea.document_text(), encoding="utf-8")
    shot = tmp_path / "a.png"
    argv = ["play", str(path), "--headless", "--set", "public_compute_gpus_k=30", "--autoplay", "3"]
    assert main([*argv, "--screenshot", str(shot)]) == 0
    first = GameSession.load(autosave_path(), ghost=False)
    assert first.played_quarters == 3
    assert first.decisions == {tiny_korea.start: {"public_compute_gpus_k": 30.0}}
    copy = tmp_path / "copy.json"
    copy.write_bytes(autosave_path().read_bytes())
    assert main(["play", "--load", str(copy), "--headless", "--autoplay", "2"]) == 0
    resumed = GameSession.load(autosave_path(), ghost=False)
    assert resumed.played_quarters == 5
    assert resumed.history[:3] == first.history
    assert main(["play", str(path), "--headless", "--set", "frontier_growth_per_year=0.5"]) == 2


def test_save_button_writes_the_file_picked_in_the_dialog(app, tiny_korea, tmp_path):
    screen = playing(app, tiny_korea)
    screen.request_step()
    click(app, button(screen, "save"))
    assert screen.file_dialog is not None
    target = tmp_path / "picked.json"
    pygame.event.post(
        pygame.event.Event(pygame_gui.UI_FILE_DIALOG_PATH_PICKED, text=str(target), ui_element=screen.file_dialog)
    )
    app.pump(2)
    assert GameSession.load(target, ghost=False).history == app.session.history
    assert "picked.json" in app.message


def test_continue_autosave_and_quit_confirmation(app, tiny_korea):
    screen = playing(app, tiny_korea)
    screen.request_step()
    screen.act("main_menu")
    assert isinstance(app.screen, StartScreen)
    click(app, button(app.screen, "continue"))
    app.pump(5)
    assert isinstance(app.screen, DashboardScreen) and app.session.played_quarters == 1
    app.show(StartScreen)
    key(app, pygame.K_ESCAPE)
    assert app.running and app.screen.confirm is not None
    pygame.event.post(pygame.event.Event(pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED, ui_element=app.screen.confirm))
    app.pump(1)
    assert not app.running


def test_charts_redraw_only_when_data_changes(app, tiny_korea):
    screen = playing(app, tiny_korea)
    screen.request_step()
    app.session.sync_ghost()
    app.pump(3)
    before = app.cache.draws
    app.pump(30)
    assert app.cache.draws == before  # idle frames only blit cached surfaces
    screen.request_step()
    app.session.sync_ghost()
    app.pump(3)
    assert app.cache.draws > before


def test_autoplay_redraws_one_panel_per_frame_and_pausing_catches_up(app, tiny_korea):
    screen = playing(app, tiny_korea)
    screen.request_step()
    app.session.sync_ghost()
    app.pump(3)
    screen.speed = 10.0
    app.autoplay = True
    per_frame, deferred = [], []
    while app.session.played_quarters < 4:
        before = app.cache.draws
        app.pump(1, dt=0.05)
        per_frame.append(app.cache.draws - before)
        deferred.append(app.cache.deferred)
    assert max(per_frame) == 1 and max(deferred) > 0  # a quarter landed: its panels wait their turn
    app.autoplay = False
    app.session.sync_ghost()  # (the baseline's thread lands too)
    app.pump(1)
    assert app.cache.deferred == 0  # paused: every panel shows the quarter reached
    before = app.cache.draws
    app.pump(3)
    assert app.cache.draws == before


def test_the_budget_check_runs_off_the_window_thread_and_not_in_autoplay(app, tiny_korea):
    from sim.game import panels

    screen = playing(app, tiny_korea)
    session = app.session
    session.set_lever("talent_programme_krw_bn", 1000)
    session.set_lever("public_compute_gpus_k", 100)
    assert screen.budget_state() == panels.NO_CUTS  # asked: the dry run starts on the worker
    job = screen.budget_job
    assert job is not None
    job.result()
    check = screen.budget_state()
    assert check["scale"] < 1.0 and check == panels.budget_check(session)
    app.pump(2)
    assert screen.budget_job is job  # nothing changed: no new dry run
    screen.request_step()  # a new quarter, nothing planned yet: checked once the player pauses
    assert screen.budget_state() == panels.NO_CUTS and screen.budget_job is job
    session.set_lever("public_compute_gpus_k", 95)  # a plan changed is checked at once
    screen.budget_state()
    assert screen.budget_job is not job
    screen.budget_job.result()
    job = screen.budget_job
    app.autoplay = True
    session.set_lever("public_compute_gpus_k", 90)
    assert screen.budget_state() == panels.NO_CUTS and screen.budget_job is job  # none while autoplay runs
    app.autoplay = False


def test_the_budget_check_plays_on_a_model_restored_while_all_was_quiet(app, tiny_korea, monkeypatch):
    """Restoring the player's model is most of a dry run's cost: once the plan is checked and the
    forecast is in, the next check's model is restored ahead; a lever move's check then uses it (no
    restore on the move's path) and says what a check on a fresh copy says. A new state gets its own."""
    from sim.game import panels
    from sim.model.model import AIMarketModel

    screen = playing(app, tiny_korea)
    session = app.session
    session.set_lever("talent_programme_krw_bn", 1000)
    session.set_lever("public_compute_gpus_k", 100)
    screen.budget_state()
    screen.budget_job.result()  # the plan is checked
    screen.budget_state()
    screen.keep_trial_ready()
    assert screen.trial_job is not None  # asked for, on the worker thread
    screen.trial_job.result()
    assert screen._trial is not None and screen._trial[0] == (id(session), session.version)
    restores: list[bytes] = []
    real_restore = AIMarketModel.restore
    monkeypatch.setattr(AIMarketModel, "restore", lambda blob: (restores.append(blob), real_restore(blob))[1])
    session.set_lever("public_compute_gpus_k", 95)  # a lever move
    screen.budget_state()
    screen.budget_job.result()
    assert restores == [] and screen._trial is None  # played on the kept model, which is used up
    assert screen.budget_state() == panels.budget_check(session) and len(restores) == 1  # a fresh copy agrees
    screen.keep_trial_ready()
    screen.trial_job.result()
    old = screen._trial
    assert old is not None and len(restores) == 2
    screen.request_step()  # a new state: the kept model is of the old one
    session.set_lever("public_compute_gpus_k", 90)
    screen.budget_state()
    screen.budget_job.result()
    assert restores[-1] is session.state_snapshot() is not old[1]  # not used: this check restored the new state
    assert screen.budget_state() == panels.budget_check(session)


class PreviewRecorder:  # stands in for the preview pool: counts requests
    busy = False
    error = None

    def __init__(self) -> None:
        self.requests = 0

    def request(self, tasks, anchor):
        self.requests += 1

    def cancel(self):
        pass

    def poll(self):
        return None

    def progress(self):
        return 1.0


def test_the_preview_of_a_new_quarter_waits_for_the_player_to_pause(app, tiny_korea):

    from sim.game.screens.dashboard import AFTER_STEP_QUIET_S

    screen = playing(app, tiny_korea)
    app.previewer = PreviewRecorder()
    screen.request_step()
    assert screen.preview_due is not None and screen.preview_due > time.perf_counter()
    app.pump(1)
    assert app.previewer.requests == 0  # Space again now would not race a preview for the cores
    screen.preview_due -= AFTER_STEP_QUIET_S  # as if the player had waited
    app.pump(1)
    assert app.previewer.requests == 1
    app.previewer = None


def test_a_lever_move_asks_for_its_preview_at_once_and_a_burst_of_moves_once_more_after_it(
    app, tiny_korea, monkeypatch
):
    from sim.game.screens import forecast

    monkeypatch.setattr(forecast, "PREVIEW_BURST_S", 30.0)  # the clicks below are one burst, however slow the machine
    screen = playing(app, tiny_korea)
    app.previewer = PreviewRecorder()
    screen.preview_due = None  # the game's first preview is not what this test is about
    slider = screen.lever_widgets["sovereign_ai_budget_krw_bn"]["control"]
    click(app, slider.right_button)
    assert app.previewer.requests == 1  # asked for at once: no wait before the workers start
    click(app, slider.right_button)
    click(app, slider.right_button)
    assert app.previewer.requests == 1  # moves in a burst wait for it to go quiet
    assert screen.preview_due is not None and screen.preview_due > time.perf_counter()
    screen.preview_due = time.perf_counter()  # as if the burst had been quiet for PREVIEW_BURST_S
    app.pump(1)
    assert app.previewer.requests == 2  # one more request for the whole burst
    app.previewer = None


def test_domestic_firms_are_blue_and_foreign_red():
    from sim.game.charts import firm_colors

    colors = firm_colors([("a", "domestic"), ("b", "foreign"), ("c", "domestic"), ("d", "foreign")])
    for firm in ("a", "c"):
        assert colors[firm][2] > colors[firm][0]
    for firm in ("b", "d"):
        assert colors[firm][0] > colors[firm][2]
    assert colors["a"] != colors["c"] and colors["b"] != colors["d"]


def test_clicking_a_firm_card_explains_that_firm(app, tiny_korea):
    from sim.game import charts
    from sim.game.screens.dashboard import firm_cards

    screen = playing(app, tiny_korea)
    for _ in range(3):
        screen.request_step()
    app.pump(2)
    second = firm_cards(app.session.model)[1]
    rect = charts.firm_card_rect(screen.content.size, 1).move(screen.content.topleft)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rect.center, button=1))
    app.pump(2)
    screen = app.screen
    assert screen.tab == "why" and screen.why_target == second["id"]
    drivers = app.session.model.explain(second["id"])
    assert drivers and screen.why_menu.selected_option[0] == second["name"]


@pytest.fixture()
def small_app(tmp_path, monkeypatch):
    """The window at its smallest supported size, 960x600, where the side panel has room for a few rows."""
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(tour_done=True))
    game = App(size=(960, 600))
    game.threaded_autoplay = False
    game.pump(2)
    return game


def drawn_on_panel(app, monkeypatch, screen) -> list[str]:
    """The lines of text the side panel's current tab draws, from a fresh frame."""
    from sim.game import charts

    lines: list[str] = []
    original = charts.text
    area = screen.panel_area()

    def recording(surface, value, *args, **kwargs):
        width, height = surface.get_size()
        if width == area.width and height >= area.height:  # the panel's surfaces (not the goals above)
            lines.append(value)
        return original(surface, value, *args, **kwargs)

    monkeypatch.setattr(charts, "text", recording)
    app.cache.clear()
    app.draw()
    monkeypatch.setattr(charts, "text", original)
    return lines


def panel_pixels(app, screen) -> np.ndarray:
    area = screen.panel_area()
    return window_pixels(app)[area.left : area.right, area.top : area.bottom].copy()


@pytest.mark.parametrize("tab", ["partners", "firms", "why"])
def test_the_side_panel_scrolls_to_what_a_small_window_has_no_room_for(small_app, tiny_korea, monkeypatch, tab):
    """At 960x600 the partners tab showed five of Korea's eight platforms, the firms tab four of its firms, the
    Why panel lost its last bars, and nothing said so: now the panel scrolls, with the mouse wheel over it and
    with PgUp / PgDn, and every row is drawn at some place between its top and its end."""
    app = small_app
    screen = playing(app, tiny_korea)
    app.session.set_lever("public_compute_gpus_k", 40)
    for _ in range(3):
        screen.request_step()
    app.session.sync_ghost()
    key(app, pygame.K_1 + TABS.index(tab))
    screen = app.screen
    assert screen.tab == tab
    lines = drawn_on_panel(app, monkeypatch, screen)
    for _ in range(60):  # page by page to the end, reading what each place draws
        key(app, pygame.K_PAGEDOWN)
        lines += drawn_on_panel(app, monkeypatch, screen)
    for _ in range(60):
        key(app, pygame.K_PAGEUP)
    assert screen.scroll[tab] == 0
    model = app.session.model
    if tab == "partners":
        expected = [row["platform"] for row in partner_rows(model, "en")]
    elif tab == "firms":
        expected = [card["name"] for card in firm_cards(model, "en")]
    else:
        view = why_view(app.session, screen.why_target, "en")
        expected = [bar.label for bar in [*view.now_bars, *view.total_bars]] + [
            wrap(t("why_method", "en"), 10, 200)[0][:8]
        ]
    missing = [e for e in expected if not any(line.startswith(e) for line in lines)]
    assert not missing, f"{tab}: not drawn {missing}"
    limit = screen.scroll_limit[tab]
    assert limit > 0, f"{tab}: everything fits at 960x600; this test needs a panel that scrolls"
    top = panel_pixels(app, screen)
    monkeypatch.setattr(app, "mouse_position", lambda: screen.panel_area().center)
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False))
    app.pump(2)
    assert screen.scroll[tab] == min(limit, SCROLL_STEP)
    assert not np.array_equal(panel_pixels(app, screen), top), "the wheel moved nothing on screen"
    for _ in range(limit // SCROLL_STEP + 30):  # well past the end: it stops there
        key(app, pygame.K_PAGEDOWN)
    assert screen.scroll[tab] == limit
    key(app, pygame.K_PAGEUP)
    assert screen.scroll[tab] < limit
    monkeypatch.setattr(app, "mouse_position", lambda: (5, 5))  # over the levers: the side panel stays
    before = screen.scroll[tab]
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False))
    app.pump(2)
    assert screen.scroll[tab] == before
    for _ in range(limit // SCROLL_STEP + 30):
        key(app, pygame.K_PAGEUP)
    assert screen.scroll[tab] == 0
    assert np.array_equal(panel_pixels(app, screen), top)


def test_a_click_on_a_firm_card_scrolled_into_view_explains_that_firm(small_app, tiny_korea):
    from sim.game import charts

    app = small_app
    screen = playing(app, tiny_korea)
    screen.request_step()
    app.pump(2)
    cards = firm_cards(app.session.model)
    for _ in range(40):
        key(app, pygame.K_PAGEDOWN)
    offset = screen.scroll["firms"]
    assert offset > 0
    last = charts.firm_card_rect(screen.content.size, len(cards) - 1)  # on the cards' whole surface
    pos = (screen.content.x + last.centerx, screen.content.y + last.centery - offset)
    assert screen.content.collidepoint(pos)
    screen.scroll["why"] = 50  # the player had scrolled an earlier explanation down
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    app.pump(2)
    assert app.screen.tab == "why" and app.screen.why_target == cards[-1]["id"]
    assert app.screen.scroll.get("why", 0) == 0  # the explanation starts at its top


def test_gauges_compare_with_the_baseline_of_the_same_quarter(app, tiny_korea):
    screen = playing(app, tiny_korea)
    screen.request_step()
    screen.request_step()
    session = app.session
    session.sync_ghost()
    session.model.step()  # the player moves on; the baseline is one quarter behind, as while its thread runs
    session.version += 1
    seen = {}
    original = screen.draw_center.__globals__["charts"].gauge_tiles_grid

    def spy(size, metrics, current, ghost_now, *rest):
        seen["ghost"] = ghost_now
        return original(size, metrics, current, ghost_now, *rest)

    screen.draw_center.__globals__["charts"].gauge_tiles_grid = spy
    try:
        app.cache.clear()
        app.draw()
        assert seen["ghost"] == {}
        session.sync_ghost()  # catches up again
        app.cache.clear()
        app.draw()
        assert seen["ghost"]["quarter"] == session.history[-1]["quarter"]
    finally:
        screen.draw_center.__globals__["charts"].gauge_tiles_grid = original


def test_why_panel_explains_an_outcome_chosen_in_the_menu(app, tiny_korea, monkeypatch):
    screen = playing(app, tiny_korea)
    app.session.set_lever("public_compute_gpus_k", 40)
    for _ in range(3):
        screen.request_step()
    app.pump(2)
    click(app, screen.tab_buttons["why"])
    screen = app.screen
    assert screen.tab == "why"
    label = "Capability gap to frontier"
    assert label in screen.why_names
    shown = {}

    def spy(size, view, lang):
        shown.update(view=view)
        return pygame.Surface(size)

    monkeypatch.setattr("sim.game.screens.dashboard.charts.draw_why_panel", spy)
    pygame.event.post(
        pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, {"ui_element": screen.why_menu, "text": label})
    )
    app.pump(3)
    assert screen.why_target == "metric:capability_gap"
    view = shown["view"]
    assert label in view.title
    assert "logit" not in view.now_sentence + view.total_sentence
    assert [b.label for b in view.total_bars] == ["Public GPU provision"]
    history, ghost = app.session.history, app.session.ghost_history
    change = history[-1]["capability_gap"] - history[-2]["capability_gap"]
    assert sum(b.amount for b in view.now_bars) == pytest.approx(change, abs=1e-12)
    effect = history[-1]["capability_gap"] - ghost[-1]["capability_gap"]
    assert sum(b.amount for b in view.total_bars) == pytest.approx(effect, abs=1e-12)
    assert "pp" in view.total_bars[0].text  # the gap is a share of the frontier: in percentage points


def test_the_chart_the_why_panel_and_the_speed_have_keys(app, tiny_korea):
    """C / Shift+C chart the next / previous outcome of the chart menu, W / Shift+W the Why panel's next /
    previous subject (opening the panel), [ and ] the autoplay speed: each shown in its menu, as choosing it
    there would (they were reachable with the mouse only)."""
    from sim.game import units
    from sim.game.screens.dashboard import SPEEDS
    from sim.model.outcomes import METRICS

    screen = playing(app, tiny_korea)
    screen.request_step()
    app.pump(2)
    metrics = [m for m in METRICS if m in app.session.history[-1]]
    first = screen.chart_metric
    key(app, pygame.K_c)
    assert screen.chart_metric == metrics[(metrics.index(first) + 1) % len(metrics)]
    assert screen.metric_by_label[screen.chart_menu.selected_option[0]] == screen.chart_metric
    pygame.event.post(
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=pygame.KMOD_SHIFT, unicode="C", scancode=0)
    )
    app.pump(2)
    assert screen.chart_metric == first
    for _ in metrics:  # round the whole menu and back where it began
        key(app, pygame.K_c)
    assert screen.chart_metric == first

    key(app, pygame.K_w)
    screen = app.screen
    assert screen.tab == "why"
    subjects = screen.why_subjects()
    assert screen.why_target == subjects[1] and subjects[0] is None
    assert screen.why_names[screen.why_menu.selected_option[0]] == screen.why_target
    pygame.event.post(
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_w, mod=pygame.KMOD_SHIFT, unicode="W", scancode=0)
    )
    pygame.event.post(
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_w, mod=pygame.KMOD_SHIFT, unicode="W", scancode=0)
    )
    app.pump(2)
    screen = app.screen
    assert screen.why_target == subjects[-1]  # from the first subject back round to the last firm
    assert screen.why_names[screen.why_menu.selected_option[0]] == screen.why_target

    assert screen.speed == 2.0
    key(app, pygame.K_RIGHTBRACKET)
    screen = app.screen
    assert screen.speed == SPEEDS[SPEEDS.index(2.0) + 1]
    assert screen.speed_menu.selected_option[0] == units.speed_text(screen.speed, "en")
    for _ in SPEEDS:
        key(app, pygame.K_LEFTBRACKET)
    assert app.screen.speed == SPEEDS[0]  # held at the slowest


def test_korean_mode_translates_costs_and_review_options(app, tiny_korea):
    app.lang = "ko"
    screen = playing(app, tiny_korea)
    buttons = {w.text for w in screen.widget_lever if screen.widget_lever[w] == "partnership_review"}
    assert buttons == {"허용", "조건부", "불허"}
    assert screen._cost_text(200.0) == "비용 연 2,000억 원"


# -- regressions from playing the game (issue 9, item 8), each driven by posted events -----------


def test_lever_order_is_the_same_after_loading_a_save(app, tiny_korea):
    screen = playing(app, tiny_korea)
    order = list(screen.lever_widgets)
    assert order == [spec.name for spec in tiny_korea.parameters.of_kind("lever")]
    click(app, screen.next_button)
    click(app, button(screen, "menu"))
    click(app, button(app.screen, "main_menu"))
    assert isinstance(app.screen, StartScreen)
    click(app, button(app.screen, "continue"))
    app.pump(5)
    assert isinstance(app.screen, DashboardScreen)
    assert list(app.screen.lever_widgets) == order


def test_seed_typed_on_the_start_screen_survives_a_language_switch(app):
    screen = app.screen
    click(app, screen.seed_entry)
    screen.seed_entry.set_text("")
    type_text(app, "4711")
    assert screen.seed_entry.get_text() == "4711"
    click(app, button(screen, "lang"))
    assert app.lang == "ko"
    assert app.screen.seed_entry.get_text() == "4711"
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1100, h=700, size=(1100, 700)))
    app.pump(2)
    assert app.screen.seed_entry.get_text() == "4711"


def test_f11_twice_restores_the_window_size(app):
    size = app.size
    key(app, pygame.K_F11)
    assert app.fullscreen
    key(app, pygame.K_F11)
    assert not app.fullscreen
    app.pump(3)
    desktop = pygame.display.get_desktop_sizes()[0]
    # back to the windowed size, but never larger than the screen (so never partly off it)
    expected = (min(size[0], max(960, desktop[0] - 40)), min(size[1], max(600, desktop[1] - 80)))
    assert app.size == expected
    assert app.window.get_size() == expected


def test_firm_labels_do_not_cover_the_axis_labels_early_in_the_game(tiny_korea):
    from sim.game import charts

    session = GameSession(tiny_korea, 0, ghost=False)
    for _ in range(2):
        session.step()
    model = session.model
    quarters = sorted({row["quarter"] for row in model.firm_history})
    shares = [{r["firm"]: r["revenue_share"] for r in model.firm_history if r["quarter"] == q} for q in quarters]
    colors = charts.firm_colors([(f.firm_id, f.origin) for f in model.firms])
    boxes: list = []
    charts.draw_stacked_shares((600, 240), "t", ["a"] * 8, 8, shares, colors, {}, boxes=boxes)
    axis, firms = boxes[:5], boxes[5:]
    assert firms, "the biggest firms are labelled"
    for label in firms:
        assert label.collidelist(axis) == -1
        assert label.right <= 600


def test_clicking_a_tile_also_updates_the_chart_menu(app, tiny_korea):
    from sim.model.outcomes import METRICS

    screen = playing(app, tiny_korea)
    click(app, screen.next_button)
    tile = pygame.Rect(screen.gauge_rect.x, screen.gauge_rect.y, screen.gauge_rect.width // 3, 40)
    metric = screen.gauge_at(tile.center)
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=tile.center, button=1))
        app.pump(1)
    assert screen.chart_metric == metric
    assert screen.chart_menu.selected_option[0] == METRICS[metric].label("en")


@pytest.mark.parametrize("window", ["app", "small_app"])  # goals on two lines each, and on one line each
def test_clicking_a_goal_charts_what_it_measures(window, request, tiny_korea):
    from sim.game import panels

    app = request.getfixturevalue(window)
    screen = playing(app, tiny_korea)
    click(app, screen.next_button)
    objectives = tiny_korea.objectives
    items = panels.goals(app.session, screen.projected_objectives(), "en")
    rows = panels.goal_rows(screen.goals_rect.size, items, "en")
    assert [r.index for r in rows] == list(range(len(objectives)))  # every goal has its row
    assert any(r.two_lines for r in rows) == (window == "app")
    charted = set()
    for row in reversed(rows):  # from the last goal up: each click moves the chart away from the one before
        pos = (screen.goals_rect.centerx, screen.goals_rect.y + row.y + row.height // 2)
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))
            app.pump(1)
        metric = objectives[row.index]["metric"]
        assert screen.chart_metric == metric, objectives[row.index]["id"]
        assert screen.chart_menu.selected_option[0] == screen.menu_label(metric, screen.chart_menu_rect.width)
        charted.add(metric)
    assert len(charted) > 1
    # the strip's title is no goal: a click there leaves the chart as it is
    before = screen.chart_metric
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=(screen.goals_rect.centerx, screen.goals_rect.y + 4), button=1))
        app.pump(1)
    assert screen.chart_metric == before


@pytest.mark.parametrize("window", ["app", "small_app"])
def test_resting_on_a_goal_shows_its_whole_text(window, request, tiny_korea, monkeypatch):
    """The strip may cut a goal's label with an ellipsis: resting the mouse on it shows the whole label,
    its values and what a click charts; leaving the strip closes it; a click still charts the goal."""
    from sim.game import panels
    from sim.game.screens import dashboard
    from sim.model.outcomes import METRICS

    monkeypatch.setattr(dashboard, "GOAL_TIP_DELAY_S", 0.0)
    app = request.getfixturevalue(window)
    screen = playing(app, tiny_korea)
    click(app, screen.next_button)
    items = panels.goals(app.session, screen.projected_objectives(), "en")
    rows = panels.goal_rows(screen.goals_rect.size, items, "en")
    for row in rows:
        pos = (screen.goals_rect.centerx, screen.goals_rect.y + row.y + row.height // 2)
        pygame.mouse.set_pos(pos)
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        app.pump(2)
        assert screen.goal_tip is not None and screen.goal_tip.alive(), row.index
        text = screen.goal_tip.text_block.html_text
        objective = tiny_korea.objectives[row.index]
        assert "&" not in objective["label"]["en"]  # (escaped text would not compare)
        assert objective["label"]["en"] in text  # whole, where the strip may cut it
        assert items[row.index].now in text and items[row.index].target in text
        assert "Click to chart " + METRICS[objective["metric"]].label("en") in text
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):  # the tip does not take the click
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))
        app.pump(1)
    assert screen.chart_metric == tiny_korea.objectives[rows[-1].index]["metric"]
    pygame.mouse.set_pos((5, 5))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(2)
    assert screen.goal_tip is None
    pygame.mouse.set_pos((0, 0))


def test_undo_keeps_lever_changes_not_yet_played(app, tiny_korea):
    screen = playing(app, tiny_korea)
    click(app, screen.next_button)
    slider = screen.lever_widgets["sovereign_ai_budget_krw_bn"]["control"]
    click(app, slider.right_button)
    planned = dict(app.session.pending)
    assert planned
    click(app, screen.undo_button)
    assert app.session.played_quarters == 0
    assert app.session.pending == planned


def test_loading_a_finished_save_shows_progress_and_never_freezes(app, tiny_korea, tmp_path, monkeypatch):

    from sim.game.screens import loading
    from sim.game.screens.loading import LoadingScreen

    monkeypatch.setattr(loading, "FRAME_BUDGET_S", 0.0)  # one quarter a frame, so the tiny game takes frames

    session = GameSession(tiny_korea, 0, ghost=False)
    session.set_lever("public_compute_gpus_k", 30)
    while not session.finished:
        session.step()
    session.save(autosave_path())
    app.show(StartScreen)
    app.pump(2)
    click(app, button(app.screen, "continue"))
    assert isinstance(app.screen, LoadingScreen)
    slowest, progress = 0.0, []
    while isinstance(app.screen, LoadingScreen):
        started = time.perf_counter()
        app.pump(1)
        slowest = max(slowest, time.perf_counter() - started)
        if isinstance(app.screen, LoadingScreen):
            progress.append(app.screen.progress)
    assert isinstance(app.screen, EndScreen)
    assert app.session.history == session.history
    assert progress == sorted(progress)
    assert slowest < 1.0  # was 5-9 s of frozen start screen; a frame is ~20 ms, the last builds the end screen


def test_event_answers_say_when_they_change_a_standing_lever(app, tiny_korea):
    screen = playing(app, tiny_korea)
    while screen.event_window is None:
        click(app, screen.next_button)
    notes = {cid: label[1] for cid, label in screen.option_labels.items()}
    assert any("Foreign partnership review" in " ".join(n) for n in notes.values())
    assert any(not n for n in notes.values())  # an answer that leaves the levers alone says nothing of them


def test_goals_panel_is_drawn_on_the_dashboard(app, tiny_korea):
    screen = playing(app, tiny_korea)
    click(app, screen.next_button)
    assert screen.goals_rect.height > 60
    assert screen.goals_rect.bottom < screen.content.top
    assert app.cache._slots["goals"][1].get_size() == screen.goals_rect.size


def test_a_lever_change_shows_a_preview_fan_computed_on_the_pool(tiny_korea, tmp_path, monkeypatch):

    from sim.game import panels

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "2")
    game = App(size=(1280, 800))
    try:
        screen = playing(game, tiny_korea)
        click(game, screen.next_button)
        slider = screen.lever_widgets["sovereign_ai_budget_krw_bn"]["control"]
        click(game, slider.right_button)
        click(game, slider.right_button)  # moved again: the first request is cancelled
        requests = game.previewer.generation
        deadline = time.time() + 90
        while (screen.projection is None or game.previewer.busy) and time.time() < deadline:
            game.pump(1)
            time.sleep(0.02)
        assert screen.projection is not None and game.previewer.result_generation == game.previewer.generation
        assert game.previewer.generation >= requests  # one request per settled lever position
        assert len(screen.projection.replications) >= 20
        full, short = screen.preview_subtitle("market_revenue_usd_bn")  # the chart draws the first that fits
        assert "median of 20 runs" in full and short.startswith("By ") and " to " in short
        assert any(g.projected for g in panels.goals(game.session, screen.projected_objectives(), "en"))
    finally:
        game.close()


def test_first_game_tour_walks_through_and_is_remembered(tmp_path, monkeypatch, tiny_korea):
    from sim.game.settings import load_settings

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    game = App(size=(1280, 800))
    screen = playing(game, tiny_korea)
    assert screen.tour_step == 0
    assert_rendered(game, tmp_path / "tour.png")
    for step in range(1, 5):
        click(game, button(game.screen, "tour_next"))
        assert game.screen.tour_step == step
    key(game, pygame.K_RETURN)
    assert game.screen.tour_step is None and load_settings().tour_done
    again = playing(game, tiny_korea)
    assert again.tour_step is None


def test_a_click_on_the_tour_box_does_not_reach_a_widget_hidden_under_it(tmp_path, monkeypatch, tiny_korea):
    """The tour's box is drawn over the widgets; a click on it must not press one it hides (at 960x600 its
    fourth step covers the lever panel's Reset), while its own buttons still work."""
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    game = App(size=(960, 600))
    screen = playing(game, tiny_korea)
    for _ in range(3):
        click(game, button(game.screen, "tour_next"))
    screen = game.screen
    assert screen.tour_step == 3
    reset = button(screen, "reset")
    assert screen.tour_box().contains(reset.rect)  # hidden under the box
    game.session.set_lever("public_compute_gpus_k", 40)
    click(game, reset)
    assert game.session.pending == {"public_compute_gpus_k": 40}  # not reset
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False, precise_x=0.0, precise_y=-1.0))
    game.pump(2)
    click(game, button(screen, "tour_next"))
    assert game.screen.tour_step == 4
    game.screen.end_tour()
    click(game, button(game.screen, "reset"))  # no box: the same click resets
    assert game.session.pending == {}


def test_keyboard_alone_plays_the_game(app, tiny_korea):
    screen = playing(app, tiny_korea)
    first = list(screen.lever_widgets)[0]
    before = app.session.lever_value(first)
    key(app, pygame.K_RIGHT)
    assert app.session.lever_value(first) > before
    key(app, pygame.K_DOWN)
    assert screen.lever_widgets[list(screen.lever_widgets)[1]]["label"].text.startswith("▶")
    key(app, pygame.K_n)
    assert app.session.played_quarters == 1
    key(app, pygame.K_u)
    assert app.session.played_quarters == 0
    key(app, pygame.K_4)
    assert app.screen.tab == "why"
    key(app, pygame.K_F1)
    assert app.screen.help_window is not None
    key(app, pygame.K_ESCAPE)
    assert app.screen.help_window is None
    key(app, pygame.K_l)
    assert app.lang == "ko"
    while app.screen.event_window is None and not app.session.finished:
        key(app, pygame.K_SPACE)
    assert app.screen.event_window is not None
    event = app.session.unanswered_events()[0]
    key(app, pygame.K_3)  # the third answer
    assert app.session.decisions[tiny_korea.end][f"choice:{event['id']}"] == event["choices"][2]["id"]


def test_tab_and_enter_start_a_game_and_work_its_menu_without_a_mouse(app):
    """The start screen had keys for Esc only: a keyboard alone could not pick a scenario, type a seed or
    start. Tab moves a focus through every button, text box and list (in reading order), ↑ ↓ choose in a
    list, Enter presses a button; with a window open, Tab stays in it."""
    from pygame_gui.elements import UIButton

    screen = app.screen
    assert isinstance(screen, StartScreen)
    reachable = set(screen.keyboard_widgets())
    enabled = {w for w in screen.buttons if w.is_enabled and w.visible}
    assert enabled <= reachable and screen.list in reachable and screen.seed_entry in reachable
    assert screen.focused_widget() is None  # no focus shown until the keyboard asks for it
    tab_to(app, lambda w: w is app.screen.list)
    first = app.screen.selected
    press_key(app, pygame.K_DOWN)
    press_key(app, pygame.K_DOWN)
    chosen = app.screen.selected
    assert chosen != first and chosen == app.screen.paths[2]
    assert app.screen.by_label[app.screen.list.get_single_selection()] == chosen
    tab_to(app, lambda w: w is app.screen.seed_entry)
    assert app.screen.seed_entry in app.manager.get_focus_set()  # typing goes into it
    press_key(app, pygame.K_END)
    press_key(app, pygame.K_BACKSPACE)
    type_text(app, "7")
    press_key(app, pygame.K_TAB, pygame.KMOD_SHIFT)  # back, then forward again: Shift+Tab goes the other way
    press_key(app, pygame.K_TAB)
    assert app.screen.focused_widget() is app.screen.seed_entry
    tab_to(app, lambda w: isinstance(w, UIButton) and w.text == t("new_game", "en"))
    press_key(app, pygame.K_RETURN)
    assert isinstance(app.screen, DashboardScreen)
    assert app.session.seed == 7 and app.session.scenario.source == str(chosen)

    press_key(app, pygame.K_ESCAPE)
    screen = app.screen
    assert screen.menu_window is not None
    in_menu = screen.keyboard_widgets()
    assert in_menu and all(w.rect.colliderect(screen.menu_window.rect) for w in in_menu)  # Tab stays in it
    tab_to(app, lambda w: isinstance(w, UIButton) and w.text == t("resume", "en"))
    press_key(app, pygame.K_RETURN)
    assert screen.menu_window is None
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1))
    app.pump(1)
    assert screen.focused_widget() is None  # a click hides the keyboard focus


def test_help_lists_every_lever_and_the_controls(tiny_korea):
    from sim.game.help import help_html
    from sim.game.screens.base import escape

    for lang in ("en", "ko"):
        text = help_html(tiny_korea, lang)
        for spec in tiny_korea.parameters.of_kind("lever"):
            assert escape(spec.label_for(lang)) in text
        assert "F11" in text and "Space" in text


def test_top_speed_autoplay_computes_quarters_off_the_ui_thread(tiny_korea, tmp_path, monkeypatch):
    """Frames keep coming while a quarter is computed; the game is the same as stepping in the foreground."""

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(tour_done=True))
    game = App(size=(1280, 800))
    assert game.threaded_autoplay
    screen = playing(game, tiny_korea)
    screen.speed = 10.0
    game.autoplay = True
    saw_thread = False
    deadline = time.time() + 60
    while time.time() < deadline and game.session.played_quarters < 5 and screen.event_window is None:
        game.pump(1, dt=0.1)
        saw_thread = saw_thread or screen.step_job is not None
        time.sleep(0.002)
    assert saw_thread and game.session.played_quarters >= 5
    key(game, pygame.K_p)  # pausing waits for the quarter in flight, then nothing more is played
    played = game.session.played_quarters
    game.pump(20, dt=0.1)
    assert game.session.played_quarters == played and screen.step_job is None
    foreground = GameSession(tiny_korea, 0)
    for _ in range(played):
        foreground.step()
    assert foreground.history == game.session.history


def test_autoplay_keeps_its_pace_while_a_quarter_takes_time(app, tiny_korea):
    """At 2 quarters/s a quarter starts every 0.5 s, however long the one before took (up to 0.5 s)."""
    from concurrent.futures import Future

    class SlowWorker:  # a quarter that takes three frames
        def __init__(self):
            self.jobs = []

        def submit(self, fn, *args, **kwargs):
            future = Future()
            self.jobs.append([fn, args, kwargs, future, 3])
            return future

        def tick(self):
            for job in self.jobs:
                job[4] -= 1
                if job[4] == 0:
                    job[3].set_result(job[0](*job[1], **job[2]))

    screen = playing(app, tiny_korea)
    worker = SlowWorker()
    app.worker = lambda: worker
    app.threaded_autoplay = True
    screen.speed = 2.0
    app.autoplay = True
    started = []
    for frame in range(40):
        before = len(worker.jobs)
        worker.tick()
        app.pump(1, dt=0.1)
        if len(worker.jobs) > before:
            started.append(frame)
    gaps = [b - a for a, b in zip(started, started[1:])]
    assert len(started) >= 5 and max(gaps) <= 6  # 5 frames of 0.1 s, not 3 + 5
    app.autoplay = False
    screen.finish_step()


@pytest.mark.parametrize(("speed", "dt", "frames"), [(10.0, 1 / 60, 120), (4.0, 1 / 60, 120), (10.0, 0.017, 120)])
def test_autoplay_plays_at_the_chosen_rate(app, tiny_korea, speed, dt, frames):
    """Quarters come at the chosen speed on average (frames that do not divide the period evenly
    used to cost a whole extra frame per quarter: 8.6 instead of 10 quarters/s at 60 frames/s)."""
    screen = playing(app, tiny_korea)
    app.threaded_autoplay = False  # quarters computed in the frame: only the pacing is measured
    screen.speed = speed
    app.autoplay = True
    played, elapsed = app.session.played_quarters, 0
    while elapsed < frames and app.session.played_quarters < app.session.total_quarters - 1:
        app.pump(1, dt=dt)
        elapsed += 1
        while screen.event_window is not None:  # answered at once: only the pacing is measured
            event = app.session.unanswered_events()[0]
            screen.answer(event["id"], event["default_choice"])
        app.autoplay = True
    app.autoplay = False
    quarters = app.session.played_quarters - played
    assert quarters >= 4
    achieved = quarters / (elapsed * dt)
    assert achieved == pytest.approx(speed, rel=0.1)


def test_a_pause_after_a_quarter_makes_the_next_undo_point_on_the_worker(app, tiny_korea, monkeypatch):
    from sim.game.screens.dashboard import AFTER_STEP_QUIET_S
    from sim.model.model import AIMarketModel

    screen = playing(app, tiny_korea)
    session = app.session
    screen.request_step()
    pickles = []
    snapshot = AIMarketModel.snapshot

    def counted(model):
        pickles.append(model)
        return snapshot(model)

    monkeypatch.setattr(AIMarketModel, "snapshot", counted)
    screen.budget_due -= AFTER_STEP_QUIET_S  # the player paused
    screen.budget_state()
    screen.budget_job.result()
    assert len(pickles) == 1  # made on the worker
    made = session.state_snapshot()
    screen.request_step()
    assert len(pickles) == 1 and session.undo_stack[-1][1] is made  # the quarter kept it as its undo point


def test_a_slow_loop_wakes_when_background_work_lands_or_a_preview_falls_due(app, tiny_korea, monkeypatch):
    """At 10 frames/s the loop sleeps on the app's wake event: work landing (a quarter, a replication)
    sets it, so its result is drawn at once instead of at the next frame; a preview due sooner than the
    next frame (after a slider drag) shortens the sleep."""
    from sim.game.app import WAIT_FPS

    screen = playing(app, tiny_korea)
    app.last_input = time.perf_counter() - 10
    monkeypatch.setattr(type(screen), "busy", property(lambda self: True))
    assert app.frame_rate() == WAIT_FPS
    sleeps = []
    monkeypatch.setattr(app.wake, "wait", lambda timeout=None: sleeps.append(timeout) or True)
    app.background(lambda: None).result()
    assert app.wake.is_set()  # the work landed
    app.frame_started = time.perf_counter()  # a frame just began: the next is due in 1 / WAIT_FPS s
    app.run_once()
    assert not app.wake.is_set()  # cleared before the frame that shows it
    assert 0 < sleeps[-1] <= 1 / WAIT_FPS
    screen.preview_due = time.perf_counter() + 0.01
    app.frame_started = time.perf_counter()
    app.run_once()
    assert sleeps[-1] <= 0.01  # woken for the preview request, not a whole frame later
    screen.preview_due = time.perf_counter() - 1  # a time passed: no reason to hurry the next frame
    assert screen.wake_at is None or screen.wake_at > time.perf_counter()


def test_the_loop_runs_fast_while_the_player_acts_slower_while_work_runs_and_sleeps_when_idle(
    app, tiny_korea, monkeypatch
):
    from sim.game.app import FPS, IDLE_FPS, WAIT_FPS

    screen = playing(app, tiny_korea)
    app.last_input = time.perf_counter()
    assert app.frame_rate() == FPS  # the player just acted
    app.last_input = time.perf_counter() - 10
    monkeypatch.setattr(type(screen), "busy", property(lambda self: True))
    assert app.frame_rate() == WAIT_FPS  # a forecast (or a quarter) is being computed
    monkeypatch.setattr(type(screen), "busy", property(lambda self: False))
    assert app.frame_rate() == IDLE_FPS  # nothing moves
    app.autoplay = True
    assert app.frame_rate() == FPS
    app.autoplay = False


def test_an_unchanged_frame_is_not_drawn_again_and_the_window_keeps_its_picture(app, tiny_korea):
    """The window sleeps while nothing changes: an idle dashboard frame is planned, found to be the one
    on the window and skipped; what a person sees stays the same."""
    playing(app, tiny_korea)
    app.session.sync_ghost()
    app.pump(3)  # whatever landed is drawn
    shown = window_pixels(app)
    drawn, skipped = app.frames_drawn, app.frames_skipped
    app.pump(20)
    assert app.frames_drawn == drawn
    assert app.frames_skipped == skipped + 20
    assert np.array_equal(window_pixels(app), shown)


def test_a_change_without_an_event_is_drawn_in_the_next_frame(app, tiny_korea):
    """Changes that come from no input (a status message, a lever set from code, a new quarter, a chart
    chosen by a key handler) are in the next frame's plan, so the frame is drawn."""
    screen = playing(app, tiny_korea)
    app.session.sync_ghost()
    app.pump(3)
    for change in (
        lambda: setattr(app, "message", "a status line that was not there"),
        lambda: screen.set_lever(
            "sovereign_ai_budget_krw_bn", screen.lever_widgets["sovereign_ai_budget_krw_bn"]["spec"].max
        ),
        lambda: (screen.request_step(), app.session.sync_ghost()),
        lambda: setattr(screen, "chart_metric", "hhi"),
    ):
        shown = window_pixels(app)
        drawn = app.frames_drawn
        change()
        app.pump(2)
        assert app.frames_drawn > drawn
        assert not np.array_equal(window_pixels(app), shown)


def test_widgets_update_with_input_before_a_drawn_frame_and_otherwise_every_tenth_of_a_second(
    app, tiny_korea, monkeypatch
):
    """pygame-gui's update (hover checks over every widget) is most of a quiet frame's cost at 60 frames/s:
    without input it runs every QUIET_UI_UPDATE_S with the time passed since, so tooltips and held
    buttons keep their pace; a frame with input, or one that will be drawn, updates first."""
    screen = playing(app, tiny_korea)
    app.session.sync_ghost()
    app.pump(3)
    updates: list[float] = []
    real_update = app.manager.update
    monkeypatch.setattr(app.manager, "update", lambda dt: (updates.append(dt), real_update(dt)))
    app.pump(12, dt=1 / 60)  # 0.2 s of quiet frames at 60 frames/s
    assert len(updates) == 2  # not 12
    assert all(QUIET_UI_UPDATE_S - 1e-9 <= dt < QUIET_UI_UPDATE_S + 1 / 60 for dt in updates)  # the time passed
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(1, dt=1 / 60)
    assert len(updates) == 3  # input: updated in its own frame
    app.pump(1, dt=1 / 60)
    assert len(updates) == 3
    button = screen.lever_widgets["partnership_review"]["choices"]["block"]
    place = button.rect.copy()
    screen.lever_box.vert_scroll_bar.set_scroll_from_start_percentage(1.0)  # widgets move at their update
    app.pump(1, dt=1 / 60)
    assert len(updates) == 3 and button.rect == place  # no input, the same picture: not yet
    drawn = app.frames_drawn
    app.message = "a status line"  # a new picture, from code
    app.pump(1, dt=1 / 60)
    assert app.frames_drawn == drawn + 1 and len(updates) == 4  # updated before the frame was drawn
    assert button.rect != place  # so the frame shows the scrolled panel with the new status line


def test_an_event_always_draws_and_the_safety_net_redraws_an_unchanged_window(app, tiny_korea, monkeypatch):
    import sim.game.app as app_module

    playing(app, tiny_korea)
    app.pump(3)
    drawn = app.frames_drawn
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(1)
    assert app.frames_drawn == drawn + 1  # input: drawn whatever the plan says
    app.pump(3)
    drawn = app.frames_drawn
    monkeypatch.setattr(app_module, "REDRAW_AT_LEAST_S", 0.0)
    app.pump(2)
    assert app.frames_drawn == drawn + 2  # nothing changed, but the window is redrawn this often


def test_a_planned_frame_draws_the_same_pixels_as_drawing_directly(app, tiny_korea):
    """The plan (blits recorded, then replayed) and drawing straight onto the window give one picture,
    with the first-game tour's layer too."""
    screen = playing(app, tiny_korea)
    app.session.sync_ghost()
    app.pump(3)
    for tour in (None, 0, 2):
        screen.tour_step = tour
        planned, direct = planned_and_direct(app)
        assert np.array_equal(planned, direct), f"tour step {tour}"


def test_a_tooltip_that_appears_while_the_mouse_rests_is_drawn(app, tiny_korea):
    """pygame-gui shows a tooltip after the mouse has rested on a widget for a while, with no event in
    between: the new widget is in the next frame's plan, so the frame is drawn and the tip is seen."""
    screen = playing(app, tiny_korea)
    app.pump(3)
    slider = screen.lever_widgets["sovereign_ai_budget_krw_bn"]["control"]
    pos = slider.right_button.rect.center
    pygame.mouse.set_pos(pos)  # pygame-gui reads hovering from the mouse's position, not from the event
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(1)
    app.pump(2)  # the hover settles
    assert slider.right_button.hovered
    shown = window_pixels(app)
    drawn = app.frames_drawn
    for _ in range(30):  # 3 s of rest at 10 frames/s, no events
        app.pump(1, dt=0.1)
        if app.frames_drawn > drawn:
            break
    assert app.frames_drawn > drawn
    assert any(type(w).__name__ == "UITooltip" for w in app.manager.get_sprite_group().sprites())
    assert not np.array_equal(window_pixels(app), shown)
    pygame.mouse.set_pos((0, 0))


def test_a_preview_that_fails_says_so_under_the_chart(tiny_korea, tmp_path, monkeypatch, capsys):
    """A lever move whose preview runs fail (here: a document the workers cannot read) shows why under
    the forecast chart, instead of an empty line and no fan (Python 3.13 failed every run that way)."""
    from dataclasses import replace

    from sim.game.screens import forecast

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "1")
    real_tasks_for = forecast.tasks_for

    def unreadable(session):
        return [replace(task, document_text="{") for task in real_tasks_for(session)]

    monkeypatch.setattr(forecast, "tasks_for", unreadable)
    game = App(size=(1280, 800))
    try:
        screen = playing(game, tiny_korea)
        click(game, screen.lever_widgets["sovereign_ai_budget_krw_bn"]["control"].right_button)
        deadline = time.time() + 60
        while not game.previewer.failed and time.time() < deadline:
            game.pump(1)
            time.sleep(0.02)
        game.pump(1)
        subtitle = screen.preview_subtitle("market_revenue_usd_bn")
        assert "could not be computed (details in the terminal): JSONDecodeError:" in subtitle
        assert screen.projection is None and not game.previewer.busy
        assert "the forecast preview failed" in capsys.readouterr().err
    finally:
        game.close()
