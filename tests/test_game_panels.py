"""Always-visible panels: goals with now/target/projected, the budget check before committing, event answers."""

from __future__ import annotations

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
