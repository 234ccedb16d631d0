"""Always-visible panels: goals with now/target/projected, the budget check before committing, event answers."""

from __future__ import annotations

import re

import pygame

from sim.game import panels
from sim.game.session import GameSession


def test_goals_show_now_target_and_projection(tiny_korea):
    session = GameSession(tiny_korea, 0, ghost=False)
    session.step()
    items = panels.goals(session, None, "en")
    assert len(items) == len(tiny_korea.objectives)
    market = next(g for g in items if "$" in g.target)
    assert market.target.startswith("≥ $") and market.target.endswith("/yr")  # a yearly objective, yearly units
    assert all(g.projected is None for g in items)
    projected = {o["id"]: 0.5 for o in tiny_korea.objectives}
    assert all(g.projected is not None for g in panels.goals(session, projected, "ko"))
    surface = panels.draw_goals((380, 220), items, "Score so far 50/100", "en")
    assert isinstance(surface, pygame.Surface)


def test_a_narrow_goals_strip_drops_words_before_it_cuts_a_value():
    """At 960x600 the strip's second line ended 'projected $2…' and '≥ 89% of the frontier · projected …'."""
    from sim.game import charts

    pygame.font.init()
    cases = {
        "en": ("80.2% of the frontier", "≥ 89% of the frontier", "90.2% of the frontier"),
        "ko": ("최고 수준의 80.2%", "≥ 최고 수준의 89%", "최고 수준의 90.2%"),
    }
    money = {
        "en": ("$3.97 bn/yr", "≥ $262 bn/yr", "$261 bn/yr"),
        "ko": ("연 39.7억 달러", "≥ 연 2,620억 달러", "연 2,610억 달러"),
    }
    for lang in ("en", "ko"):
        for now, target, projected in (cases[lang], money[lang]):
            for shown in (projected, None):  # with a projection and without
                goal = panels.Goal("label", "measure", now, target, shown, True, False)
                numbers = [n for v in (now, target, shown or "") for n in re.findall(r"[\d,.]+\d", v)]
                for width in (200, 254, 330, 700):  # 254: the strip's line at 960x600
                    text = panels.goal_detail(goal, lang, width)
                    assert charts.font(panels.DETAIL_SIZE).size(text)[0] <= width, (lang, width, text)
                    assert all(n in text for n in numbers), (lang, width, text)
            goal = panels.Goal("label", "measure", now, target, projected, True, False)
            wide = panels.goal_detail(goal, lang, 2000)
            assert wide.startswith(panels.t("goal_now", lang)) and panels.t("goal_projected", lang) in wide


def test_a_goals_strip_too_short_for_its_goals_counts_the_rest(tiny_korea, monkeypatch):
    """Goals that do not fit even one line each are counted on a last line, never dropped without a word."""
    from sim.game import charts

    pygame.font.init()
    session = GameSession(tiny_korea, 0, ghost=False)
    items = panels.goals(session, None, "en")
    drawn: list[str] = []
    original = charts.text
    monkeypatch.setattr(
        charts, "text", lambda surface, value, *a, **k: (drawn.append(value), original(surface, value, *a, **k))[1]
    )
    for height, lines in ((panels.goals_height(len(items)), "two"), (panels.goals_height(len(items), True), "one")):
        drawn.clear()
        panels.draw_goals((380, height), items, "", "en")
        assert all((g.label if lines == "two" else g.short) in drawn for g in items), lines
        assert not any("more goals" in line for line in drawn)
    drawn.clear()
    panels.draw_goals((380, panels.goals_height(3, True)), items, "", "en")  # room for three lines
    assert [g.short for g in items[:2]] == [v for v in drawn if v in {g.short for g in items}]
    assert f"+{len(items) - 2} more goals" in drawn


def test_budget_check_names_the_programmes_scaled_back_before_the_quarter(tiny_korea):
    session = GameSession(tiny_korea, 0, ghost=False)
    assert panels.budget_check(session)["scale"] == 1.0
    assert panels.budget_lines(session, panels.budget_check(session), "en") == []
    session.set_lever("talent_programme_krw_bn", 1000)  # no sovereign teams before 2025Q3: that budget waits
    session.set_lever("public_compute_gpus_k", 100)
    check = panels.budget_check(session)
    assert check["scale"] < 1.0 and check["cuts"]
    lines = panels.budget_lines(session, check, "en")
    assert "Over budget" in lines[0] and "Public GPU provision" in lines[1] and "KRW" in lines[1]
    before = session.model.quarter
    assert session.model.quarter == before and not session.history  # the dry run left the game alone
    session.step()
    assert abs(session.model.regulator.programme_scale - check["scale"]) < 1e-12  # the dry run was exact


def test_the_budget_dry_run_opens_the_quarter_only_and_agrees_with_playing_it(tiny_korea):
    """The dry run stops at the budget's allocation; the rest of the quarter cannot change what it says.

    An event that halves the budget in 2024Q4 shows that the quarter's events come first."""
    from sim.scenario import scenario_from_document

    document = dict(tiny_korea.document)
    cut = {"id": "budget_cut", "at": "2024Q4", "title": {"en": "Budget cut", "ko": "예산 삭감"}}
    cut["effects"] = [{"parameter": "policy_budget_krw_bn_per_year", "value": 400}]
    document["events"] = list(document["events"]) + [cut]
    session = GameSession(scenario_from_document(document, "tiny-korea-cut"), 3, ghost=False)
    plans = [{}, {"talent_programme_krw_bn": 1000, "public_compute_gpus_k": 100}, {"rd_tax_credit": 0.5}]
    binding = 0
    for quarter in range(10):  # through the Act's start and the sovereign teams' arrival
        for plan in plans:
            snapshot = session.model.snapshot()
            check = panels.budget_dry_run(snapshot, plan)
            played = session.model.copy()
            played.apply_decision(dict(plan))
            played.step()
            regulator = played.regulator
            assert check["scale"] == regulator.programme_scale, (quarter, plan)
            assert check["cuts"] == (
                {k: v for k, v in regulator.scaled_back.items() if v > 0} if check["scale"] < 1 else {}
            )
            assert check["scaled_back"] == played.history[-1]["budget_shortfall_krw_bn"]
            binding += bool(check["cuts"])
        session.step()
    assert binding >= 5  # the dear plan binds in most of these quarters
