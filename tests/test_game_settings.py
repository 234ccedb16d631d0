"""Language, window size and UI scale are remembered; the UI scale enlarges the layout for projectors."""

from __future__ import annotations

import pygame

from sim.game.app import App
from sim.game.settings import Settings, load_settings, save_settings, settings_path


def test_settings_round_trip_and_damaged_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    assert load_settings() == Settings()
    save_settings(Settings(lang="ko", size=(1600, 900), ui_scale=1.5, tour_done=True))
    assert load_settings() == Settings(lang="ko", size=(1600, 900), ui_scale=1.5, tour_done=True)
    settings_path().write_text("{not json", encoding="utf-8")
    assert load_settings() == Settings()
    settings_path().write_text('{"lang": "fr", "size": [5, 5], "ui_scale": 7}', encoding="utf-8")
    assert load_settings() == Settings()


def test_the_window_remembers_language_size_and_scale(tmp_path, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    app = App(size=(1400, 900))
    app.pump(2)
    button = next(w for w, a in app.screen.buttons.items() if a == "lang")
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=button.rect.center, button=1))
    app.pump(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=button.rect.center, button=1))
    app.pump(2)
    app.set_ui_scale(1.25)
    assert app.size == (1120, 720) and app.window.get_size() == (1400, 900)
    app.quit()
    again = App()
    assert again.lang == "ko" and again.window_size == (1400, 900) and again.ui_scale == 1.25


def test_ui_scale_maps_clicks_to_the_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    app = App(size=(1920, 1200), ui_scale=2.0)
    app.pump(2)
    assert app.size == (960, 600) and not app.too_small
    button = next(w for w, a in app.screen.buttons.items() if a == "lang")
    x, y = button.rect.center
    real = (x * 2, y * 2)  # where the button is on the real window
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=real, rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=real, button=1))
    app.pump(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=real, button=1))
    app.pump(2)
    assert app.lang == "ko"
    shot = app.screenshot(tmp_path / "scaled.png")
    assert pygame.image.load(str(shot)).get_size() == (1920, 1200)
