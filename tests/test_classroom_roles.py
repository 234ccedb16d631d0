"""Firm and partner roles (the model's policy interface, sim.model.policies) in lessons and on their decision screen."""

from __future__ import annotations

import pytest
from classroom_helpers import SMALL_LESSON

from sim.classroom.lesson import lesson_from_text
from sim.classroom.session import LessonSession


@pytest.fixture(scope="module")
def lesson():
    return lesson_from_text(SMALL_LESSON, "small.yaml")


def test_firm_fields_declare_bounds_and_labels():
    from sim.model.policies import FIRM_DECISION_FIELDS

    for spec in FIRM_DECISION_FIELDS.values():
        assert {"min", "max", "step", "label_en", "label_ko", "unit_en", "unit_ko"} <= set(spec)


def test_a_firm_role_decision_changes_the_run_and_replays_bit_identically(lesson):
    from sim.runner import simulate

    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False)
    session.submit({"firm:naver": {"price": 0.5}})
    while not session.finished:
        session.submit({})
    assert session.decisions[lesson.scenario.start] == {"firm:naver": {"price": 0.5}}
    assert session.history != simulate(lesson.scenario, session.seed).quarters
    assert simulate(lesson.scenario, session.seed, session.decisions).quarters == session.history


def test_a_firm_role_save_loads_and_replays(lesson, tmp_path):
    from sim.runner import simulate
    from sim.saves import load_save

    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False, save_path=tmp_path / "n.json")
    session.submit({"firm:naver": {"price": 0.5}})
    while not session.finished:
        session.submit({})
    saved = load_save(session.save())
    assert saved.decisions[lesson.scenario.start] == {"firm:naver": {"price": 0.5}}
    assert simulate(saved.scenario, saved.seed, saved.decisions).quarters == session.history

    # a field handed back to the rule (None) is saved and replayed as such
    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False, save_path=tmp_path / "m.json")
    session.submit({"firm:naver": {"price": 0.5, "rd_usd_bn_per_year": 1.0}})
    session.submit({"firm:naver": {"price": None}})
    while not session.finished:
        session.submit({})
    saved = load_save(session.save())
    assert saved.decisions[lesson.scenario.start + 1] == {"firm:naver": {"price": None}}
    assert simulate(saved.scenario, saved.seed, saved.decisions).quarters == session.history


def test_hot_seat_with_a_firm_and_a_partner(lesson):
    session = LessonSession(lesson, "Class A", roles=["naver", "kakao"], ghost=False)
    assert session.submit({"firm:naver": {"rd_usd_bn_per_year": 1.0}}) is False
    assert session.submit({"partner:kakao_talk": {"provider": "naver", "deal": "exclusive"}}) is True
    logged = session.role_log[lesson.scenario.start]
    assert set(logged) == {"naver", "kakao"}
    assert session.decisions[lesson.scenario.start] == {
        "firm:naver": {"rd_usd_bn_per_year": 1.0},
        "partner:kakao_talk": {"provider": "naver", "deal": "exclusive"},
    }


def test_firm_role_fair_score_and_measured_strategies():
    from sim.classroom.lesson import load_lesson
    from sim.classroom.measure import measure

    lesson = load_lesson("champion-vs-entrant")
    results = measure(lesson, lesson.strategies, seeds=lesson.class_seeds[:3], workers=1)
    assert all(r.scores for r in results)


def test_role_decision_screen_builds_firm_sliders_headless(tmp_path, monkeypatch, lesson):
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    from sim.classroom.game import attach
    from sim.game.app import App
    from sim.game.screens.role_decision import RoleDecisionScreen

    app = App(size=(1280, 800))
    attach(app, LessonSession(lesson, "Naver team", roles=["naver"], ghost=False))
    app.show(RoleDecisionScreen)
    app.pump(2)
    screen = app.screen
    from sim.model.policies import FIRM_DECISION_FIELDS

    assert len(screen.sliders) == len(FIRM_DECISION_FIELDS)
    screen.values["price"] = 0.8
    assert screen.decision() == {"firm:naver": {"price": 0.8}}


def _slider_texts(screen) -> dict[str, tuple[float, str]]:
    """Per firm decision field: the value its slider stands at and the text beside it."""
    from sim.game.screens.role_decision import slider_value

    return {
        name: (slider_value(name, slider.get_current_value()), label.text)
        for slider, (name, label) in screen.sliders.items()
    }


@pytest.fixture()
def role_screen(tmp_path, monkeypatch):
    """Open the decision screen of a lesson session in a headless window: ``role_screen(session, lang)``
    returns the app (closed after the test)."""
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    from sim.classroom.game import attach
    from sim.game.app import App
    from sim.game.screens.role_decision import RoleDecisionScreen

    apps = []

    def open_screen(session: LessonSession, lang: str = "en", size: tuple[int, int] = (1280, 800)):
        app = App(size=size, lang=lang)
        apps.append(app)
        attach(app, session)
        app.show(RoleDecisionScreen)
        app.pump(2)
        return app

    yield open_screen
    for app in apps:
        app.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_firm_sliders_start_at_what_the_rule_decides_and_read_in_units(role_screen, lesson, lang):
    """They showed 0.00 for every spending field (the firm has no such attributes) and bare numbers: a player
    read that the model's rule spends nothing, and '0.90' with no unit."""
    import pygame
    import pygame_gui

    from sim.classroom.game import say
    from sim.game import units
    from sim.game.screens.role_decision import RoleDecisionScreen, slider_position
    from sim.model.policies import FIRM_DECISION_FIELDS

    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False)
    app = role_screen(session, lang)
    screen = app.screen
    rule = session.model.firm_decision_now("naver")
    assert rule is not None and rule.rd_usd_bn_per_year > 0
    for name, (value, text) in _slider_texts(screen).items():
        spec = FIRM_DECISION_FIELDS[name]
        expected = min(max(getattr(rule, name), spec["min"]), spec["max"])
        assert value == pytest.approx(expected, abs=spec["step"] / 2 + 1e-9)  # the slider's value, to its step
        assert text == f"{units.decision_value(name, expected, lang)} {say('keep', lang)}"  # the rule's own value
    money = _slider_texts(screen)["rd_usd_bn_per_year"][1]
    assert ("억 달러" in money or "만 달러" in money) if lang == "ko" else "bn/yr" in money
    assert "to_rule" not in screen.buttons.values()  # nothing stands yet: no hand-back button

    # a move, by the event the slider posts: this decision, in units; submitted, it stands next quarter
    slider = next(s for s, (name, _) in screen.sliders.items() if name == "rd_usd_bn_per_year")
    position = slider_position("rd_usd_bn_per_year", 2.5)
    pygame.event.post(
        pygame.event.Event(pygame_gui.UI_HORIZONTAL_SLIDER_MOVED, {"ui_element": slider, "value": position})
    )
    app.pump(2)
    assert (
        _slider_texts(screen)["rd_usd_bn_per_year"][1]
        == f"{units.decision_value('rd_usd_bn_per_year', 2.5, lang)} {say('yours', lang)}"
    )
    screen.act("done")
    app.pump(2)
    assert session.model.firm_overrides["naver"] == {"rd_usd_bn_per_year": 2.5}
    app.show(RoleDecisionScreen)
    app.pump(2)
    screen = app.screen
    texts = _slider_texts(screen)
    assert texts["rd_usd_bn_per_year"] == (
        pytest.approx(2.5),
        f"{units.decision_value('rd_usd_bn_per_year', 2.5, lang)} {say('standing', lang)}",
    )
    assert texts["compute_usd_bn_per_year"][1].endswith(say("keep", lang))

    # handing the firm back to its rule: the rule's value again, and the standing field is dropped when played
    screen.act("to_rule")
    app.pump(2)
    screen = app.screen
    today = session.model.firm_decision_now("naver", standing=False)
    value, text = _slider_texts(screen)["rd_usd_bn_per_year"]
    assert value == pytest.approx(today.rd_usd_bn_per_year, abs=0.005 + 1e-9) and value != pytest.approx(2.5)
    assert text.endswith(say("keep", lang))
    assert screen.decision() == {"firm:naver": {"rd_usd_bn_per_year": None}}
    assert "to_rule" not in screen.buttons.values()
    screen.act("done")
    app.pump(2)
    assert "naver" not in session.model.firm_overrides


def test_asking_what_a_firm_decides_now_changes_nothing(lesson):
    from sim.model.model import AIMarketModel

    asked, quiet = AIMarketModel(lesson.scenario, seed=5), AIMarketModel(lesson.scenario, seed=5)
    assert asked.firm_decision_now("naver") == asked.firm_decision_now("naver", standing=False)
    asked.apply_decision({"firm:naver": {"price": 0.6}})
    quiet.apply_decision({"firm:naver": {"price": 0.6}})
    for _ in range(3):
        assert asked.firm_decision_now("naver").price == 0.6  # the standing field, before and after a quarter
        asked.firm_decision_now("naver", standing=False)
        asked.step()
        quiet.step()
    assert asked.firm_decision_now("naver").price == 0.6
    assert asked.history == quiet.history


def test_debrief_reads_firm_and_platform_decisions_in_words_and_units(lesson):
    """They were shown as firm:naver={'price': 0.8, ...} in both languages."""
    import re

    from sim.classroom.debrief import decision_text
    from sim.game.i18n import PROPER_NOUNS

    decision = {
        "firm:naver": {"price": 0.8, "rd_usd_bn_per_year": 1.25, "compute_usd_bn_per_year": None},
        "partner:kakao_talk": {"provider": "naver", "deal": "exclusive"},
    }
    english = decision_text(decision, lesson.scenario, "en")
    korean = decision_text(decision, lesson.scenario, "ko")
    for text in (english, korean):
        assert "=" not in text and "firm:" not in text and "_usd_bn" not in text and "kakao_talk" not in text
    assert "0.80× the benchmark" in english and "$1.25 bn/yr" in english and "model's rule" in english
    assert "기준의 0.80배" in korean and "연 12.5억 달러" in korean and "모델 규칙" in korean
    assert "네이버" in korean and "카카오" in korean and "독점" in korean
    names = {w for f in lesson.scenario.firms for w in re.findall(r"[A-Za-z][A-Za-z0-9&\-]*", f["name_ko"] or "")}
    assert set(re.findall(r"[A-Za-z][A-Za-z0-9&\-]*", korean)) <= set(PROPER_NOUNS) | names


def test_a_firm_out_of_the_market_has_nothing_to_decide(role_screen, lesson):
    """Its sliders showed every field at its minimum as the model's rule."""
    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False)
    session.submit({"firm:naver": {"rd_usd_bn_per_year": 20.0}})  # spends its cash in a quarter and leaves
    assert not session.model.firm_by_id["naver"].available
    app = role_screen(session, "ko")
    assert not app.screen.sliders and app.screen.decision() == {}
    shown = [getattr(e, "text", "") for e in app.manager.get_root_container().elements]
    assert "네이버 하이퍼클로바X는 시장에 없습니다. 이번 분기에는 정할 것이 없습니다." in shown
    app.screen.act("done")


def test_spending_sliders_reach_small_and_large_budgets():
    """On a linear 0-20 USD bn slider a startup's whole R&D budget sat in its first pixels."""
    from sim.game.screens.role_decision import SLIDER_CLICK, slider_position, slider_value
    from sim.model.policies import FIRM_DECISION_FIELDS

    rd, price = FIRM_DECISION_FIELDS["rd_usd_bn_per_year"], FIRM_DECISION_FIELDS["price"]
    r = "rd_usd_bn_per_year"
    assert slider_position(r, 0.0) == 0.0 and slider_position(r, rd["max"]) == pytest.approx(1.0)
    assert 0.15 < slider_position(r, 0.05) < slider_position(r, 0.5) < slider_position(r, 5.0) < 0.9
    for value in (0.0, 0.01, 0.17, 0.5, 2.5, 12.3, 20.0):
        assert slider_value(r, slider_position(r, value)) == value  # every step can be set exactly
    # one arrow click changes a mid-sized budget by a few per cent, not by a fixed $10 m
    assert 1.03 < slider_value(r, slider_position(r, 1.0) + SLIDER_CLICK) / 1.0 < 1.12
    expected = (1.0 - price["min"]) / (price["max"] - price["min"])
    assert slider_position("price", 1.0) == pytest.approx(expected)  # the price stays linear


def test_a_firm_decision_can_be_made_from_the_keyboard(role_screen, lesson):
    import pygame

    session = LessonSession(lesson, "Naver team", roles=["naver"], ghost=False)
    app = role_screen(session)
    screen = app.screen
    rule = session.model.firm_decision_now("naver").rd_usd_bn_per_year

    def press(key) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
        app.pump(1)

    press(pygame.K_DOWN)  # from the price to R&D
    assert screen.field_labels[1][0].text.startswith("▶") and not screen.field_labels[0][0].text.startswith("▶")
    for _ in range(3):
        press(pygame.K_RIGHT)
    moved = screen.values["rd_usd_bn_per_year"]
    assert rule * 1.1 < moved < rule * 1.5  # three clicks, a few per cent each
    assert _slider_texts(screen)["rd_usd_bn_per_year"][1].endswith("(this decision)")
    press(pygame.K_RETURN)
    assert session.model.firm_overrides["naver"] == {"rd_usd_bn_per_year": moved}


def test_a_platform_decision_can_be_made_from_the_keyboard(role_screen, lesson):
    """Its provider and deal menus took the mouse only: Tab reaches each menu, ↑ ↓ choose in it (the menu
    shows the choice), and Enter submits."""
    import pygame
    from game_helpers import press_key, tab_to
    from pygame_gui.elements import UIDropDownMenu

    session = LessonSession(lesson, "Kakao team", roles=["kakao"], ghost=False)
    app = role_screen(session)

    assert all(isinstance(getattr(app.screen, m), UIDropDownMenu) for m in ("provider_menu", "deal_menu"))
    tab_to(app, lambda w: w is app.screen.provider_menu)
    press_key(app, pygame.K_DOWN)  # from "keep" to the first provider listed
    provider = app.screen.provider
    assert provider is not None and provider == next(iter(app.screen.provider_of.values()))
    assert app.screen.provider_of[app.screen.provider_menu.selected_option[0]] == provider  # the menu shows it
    tab_to(app, lambda w: w is app.screen.deal_menu)
    deal_before = app.screen.deal
    press_key(app, pygame.K_DOWN)
    assert (
        app.screen.deal != deal_before
        and app.screen.deal_of[app.screen.deal_menu.selected_option[0]] == app.screen.deal
    )
    deal = app.screen.deal
    press_key(app, pygame.K_RETURN)
    assert session.decisions[session.model.quarter - 1]["partner:kakao_talk"] == {"provider": provider, "deal": deal}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_platform_sees_what_it_runs_until_when_and_what_each_deal_means(role_screen, lesson, lang):
    """The platform's screen offered a provider and a deal with no word on the contract running, when a
    choice applies, or what the kinds of deal differ in."""
    from sim.game import units
    from sim.game.i18n import firm_name, pick

    session = LessonSession(lesson, "Kakao team", roles=["kakao"], ghost=False)
    app = role_screen(session, lang)
    model = session.model
    kakao = model.partner_by_id["kakao_talk"]
    text = app.screen.partner_status(kakao)
    assert firm_name(model, model.firms[kakao.provider].firm_id, lang) in text
    assert units.quarter_text(kakao.contract_end, lang) in text
    assert units.quarters(kakao.contract_end - model.quarter, lang) in text
    for spec in model.deals.values():
        if spec.kind in ("integration", "exclusive", "equity"):
            assert f"{pick(spec.label, lang)}: {units.quarters(spec.quarters, lang)}" in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_platform_reads_its_whole_brief_without_scrolling_at_the_smallest_window(role_screen, lang):
    """At 960x600 the last kind of deal sat below the text box's edge, behind a scroll bar, above empty space."""
    from pygame_gui.elements import UITextBox

    from sim.classroom.lesson import load_lesson

    shipped = load_lesson("partnerships-lock-in")  # the platform role of a lesson we ship
    app = role_screen(LessonSession(shipped, "Kakao team", roles=["kakao"], ghost=False), lang, (960, 600))
    boxes = [e for e in app.manager.get_root_container().elements if isinstance(e, UITextBox)]
    assert len(boxes) == 1 and boxes[0].scroll_bar is None
    assert boxes[0].rect.bottom < app.screen.provider_menu.rect.top  # the menus stay below it, on screen
    assert app.screen.deal_menu.rect.bottom < app.screen.error_label.rect.top <= app.size[1]


@pytest.mark.parametrize("size", [(960, 600), (1280, 800)])
def test_a_drop_down_near_the_bottom_opens_upwards_with_its_whole_list(role_screen, size):
    """At 960x600 the provider list opened downwards, cut by the window's edge to a few rows and a scroll bar."""
    import pygame

    from sim.classroom.lesson import load_lesson

    app = role_screen(LessonSession(load_lesson("partnerships-lock-in"), "T", roles=["kakao"], ghost=False), "en", size)
    menu = app.screen.provider_menu
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):  # a real click on the closed menu
        pygame.event.post(pygame.event.Event(kind, pos=menu.rect.center, button=1))
        app.pump(2)
    options = menu.current_state.options_selection_list
    assert options is not None, "the click did not open the menu"
    assert options.scroll_bar is None  # every provider shown
    assert 0 <= options.rect.top and options.rect.bottom <= app.size[1]
    assert (options.rect.bottom <= menu.rect.centery) == (size == (960, 600))  # upwards only where below is short
