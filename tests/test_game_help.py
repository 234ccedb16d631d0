"""Help and the lever tooltips: what each lever is, does and costs, from the model's one lever table."""

from __future__ import annotations

import pygame
import pytest

from sim.game.help import help_html, lever_explanation, lever_tooltip
from sim.game.i18n import pick
from sim.game.screens.base import escape
from sim.model.levers import EXPECTED
from sim.model.outcomes import METRICS


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_lever_tooltip_says_what_it_is_does_and_costs(korea, lang):
    for spec in korea.parameters.of_kind("lever"):
        expected = EXPECTED[spec.name]
        tip = lever_tooltip(spec, lang)
        assert escape(spec.help_for(lang)) in tip  # what it is
        reason = expected.reason_ko if lang == "ko" else expected.reason_en
        assert escape(reason) in tip  # what it does (the mechanism)
        arrow = "↑" if expected.sign > 0 else "↓"
        assert f"{arrow} {escape(METRICS[expected.metric].label(lang))}" in tip  # which way, on which outcome
        cost = expected.cost_ko if lang == "ko" else expected.cost_en
        assert escape(cost) in tip  # what it costs
        for metric, sign in expected.side_effects:
            assert f"{'↑' if sign > 0 else '↓'} {escape(METRICS[metric].label(lang))}" in tip


def test_a_choice_lever_says_which_way_is_raising_it(korea):
    spec = korea.parameters["partnership_review"]
    assert "<b>Towards block:</b>" in lever_tooltip(spec, "en")
    assert "<b>불허 쪽으로:</b>" in lever_tooltip(spec, "ko")
    assert lever_tooltip(spec, "ko", "conditions").startswith("<b>해외 제휴 심사: 조건부</b>")


def test_help_and_tooltips_show_the_same_lines(korea):
    for lang in ("en", "ko"):
        text = help_html(korea, lang)
        for spec in korea.parameters.of_kind("lever"):
            assert "<br>".join(lever_explanation(spec, lang)) in text


def test_a_lever_the_table_does_not_name_shows_its_help_only(korea):
    from dataclasses import replace

    spec = replace(korea.parameters["public_compute_gpus_k"], name="new_lever")
    assert lever_explanation(spec, "en") == [escape(pick(spec.help, "en"))]


def test_hovering_a_lever_shows_the_tooltip(tmp_path, monkeypatch, tiny_korea):
    from sim.game.app import App
    from sim.game.session import GameSession
    from sim.game.settings import Settings, save_settings

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(lang="ko", tour_done=True))
    app = App(size=(1280, 800))
    app.start_game(GameSession(tiny_korea, 0))
    app.pump(2)
    row = app.screen.lever_widgets["act_stringency"]
    pos = row["label"].rect.center
    # pygame-gui reads hovering from the mouse itself, which a headless test cannot move: put it there
    monkeypatch.setattr(pygame.mouse, "get_pos", lambda: pos)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    app.pump(12, dt=0.2)  # past the tooltip delay
    tips = [e for e in app.manager.get_root_container().elements if type(e).__name__ == "UITooltip"]
    assert tips, "no tooltip appeared"
    assert app.manager.get_root_container().get_rect().contains(tips[0].rect)  # all of it on screen
    text = tips[0].text_block.html_text
    assert EXPECTED["act_stringency"].reason_ko in text and EXPECTED["act_stringency"].cost_ko in text
