"""Every screen at 960x600, 1280x720, 1920x1080 and 3840x2160: widgets and text stay inside, nothing overlaps,
no line the screen draws is hidden under a widget."""

from __future__ import annotations

import itertools

import pygame
import pygame_gui
import pytest

from sim.game import charts
from sim.game.app import App, DisplayPlan
from sim.game.screens.end import EndScreen
from sim.game.screens.start import StartScreen
from sim.game.session import GameSession
from sim.game.settings import Settings, save_settings

SIZES = ((960, 600), (1280, 720), (1920, 1080), (3840, 2160))
# a label too narrow for its text is clipped by pygame-gui, which only warns: here that fails the test
pytestmark = pytest.mark.filterwarnings("error:Label Rect is too small for text:UserWarning")


class TextRecorder:
    """Records every line of text drawn with charts.text: (surface size, rect, text)."""

    def __init__(self, monkeypatch) -> None:
        self.lines: list[tuple[tuple[int, int], pygame.Rect, str, pygame.Surface]] = []
        original = charts.text

        def recording(surface, value, *args, **kwargs):
            rect = original(surface, value, *args, **kwargs)
            entry = (surface.get_size(), rect, value, surface)
            if not any(e[3] is surface and e[1] == rect and e[2] == value for e in self.lines[-40:]):
                self.lines.append(entry)
            return rect

        monkeypatch.setattr(charts, "text", recording)


def top_level_widgets(app) -> list:
    """Widgets placed directly on the screen (not inside windows or scrolling panels, which clip)."""
    root = app.manager.get_root_container()
    kinds = ("UIButton", "UILabel", "UIDropDownMenu", "UITextEntryLine", "UISelectionList", "UITextBox")
    return [e for e in root.elements if type(e).__name__ in kinds and e.visible and e.ui_container is root]


def ink(rect: pygame.Rect) -> pygame.Rect:
    """Where a line's glyphs are: the font's line box minus its leading (NotoSansKR's is ~45 % of the size)."""
    return rect.inflate(-2, -int(rect.height * 0.4))


def text_under_widgets(app, recorder, where: str) -> list[str]:
    """Lines the screen draws (directly or in a cached panel) where a widget, drawn after it, hides them."""
    if not getattr(app.screen, "retained", False):
        return []
    app.cache.clear()
    recorder.lines.clear()
    plan = DisplayPlan(app.size)
    app.screen.draw(plan)
    placed: dict[int, tuple[int, int]] = {}
    for surface, position in plan.blits:
        placed.setdefault(id(surface), position)
    problems = []
    widgets = top_level_widgets(app)
    for _size, rect, text, surface in recorder.lines:
        offset = (0, 0) if surface is plan else placed.get(id(surface))
        if not text.strip() or offset is None:
            continue
        shown = ink(rect.move(offset))
        for widget in widgets:
            if shown.colliderect(widget.rect):
                problems.append(f"{where}: text {text!r} hidden under {type(widget).__name__} {widget.rect}")
    recorder.lines.clear()
    return problems


def buttons_cut(app, where: str) -> list[str]:
    """Buttons anywhere on the screen (in panels too) whose words do not fit them: pygame-gui cuts a button's
    text without a warning ('conditions' lost its ends in a row of three option buttons at 960x600)."""
    from sim.game.theme import BUTTON_TEXT_MARGIN, WIDGET_FONT_SIZE

    problems = []
    for element in app.manager.get_sprite_group().sprites():
        text = getattr(element, "text", "")
        if type(element).__name__ != "UIButton" or not element.visible or len(text) < 2:  # '▲': a scroll arrow
            continue
        if charts.font(WIDGET_FONT_SIZE).size(text)[0] + BUTTON_TEXT_MARGIN > element.rect.width:
            problems.append(f"{where}: button {text!r} is cut ({element.rect.width} px wide)")
    return problems


def check(app, recorder, where: str) -> list[str]:
    problems = text_under_widgets(app, recorder, where)
    app.cache.clear()
    app.draw()  # the lines as drawn on the window, for the checks below
    window = pygame.Rect((0, 0), app.size)
    widgets = top_level_widgets(app)
    for widget in widgets:
        if not window.contains(widget.rect):
            problems.append(f"{where}: {type(widget).__name__} {getattr(widget, 'text', '')!r} outside the window")
    for a, b in itertools.combinations(widgets, 2):
        if a.rect.colliderect(b.rect):
            problems.append(f"{where}: {getattr(a, 'text', a)!r} overlaps {getattr(b, 'text', b)!r}")
    problems += buttons_cut(app, where)
    problems += not_by_keyboard(app, where)
    for size, rect, text, _ in recorder.lines:
        if not text:
            continue
        bounds = pygame.Rect((0, 0), size).inflate(2, 2)
        if not bounds.contains(rect):
            problems.append(f"{where}: text {text!r} leaves its panel ({rect} in {size})")
    by_surface: dict[int, list] = {}
    for _size, rect, text, surface in recorder.lines:
        if text.strip():
            by_surface.setdefault(id(surface), []).append((rect, text))
    for lines in by_surface.values():
        for (ra, ta), (rb, tb) in itertools.combinations(lines, 2):
            if ink(ra).colliderect(ink(rb)):
                problems.append(f"{where}: text {ta!r} overlaps {tb!r}")
    recorder.lines.clear()
    return problems


def not_by_keyboard(app, where: str) -> list[str]:
    """Widgets a player can use that the keyboard cannot: neither Tab reaches them (Screen.keyboard_widgets) nor
    does a key of their screen work them (the levers and a firm's decision sliders: ↑ ↓ ← →). The start screen,
    the end screen and the lesson screens had keys for Esc alone."""
    screen = app.screen
    reachable = {id(w) for w in screen.keyboard_widgets()}
    by_keys = {id(w) for w in (*getattr(screen, "widget_lever", {}), *getattr(screen, "sliders", {}))}
    kinds = ("UIButton", "UIDropDownMenu", "UITextEntryLine", "UISelectionList", "UIHorizontalSlider")
    problems = []
    for element in app.manager.get_sprite_group().sprites():
        if type(element).__name__ not in kinds or not element.visible or not element.is_enabled:
            continue
        if getattr(element, "parent_element", None) is not None:  # a part of a list, menu, slider or scroll bar
            continue
        if id(element) not in reachable | by_keys:
            problems.append(f"{where}: {type(element).__name__} {getattr(element, 'text', '')!r} has no key")
    return problems


def layout_app(size, tmp_path, monkeypatch, tour_done: bool = True) -> tuple[App, TextRecorder]:
    """A window of ``size`` with its saves in ``tmp_path``, no preview pool, and a recorder of its text."""
    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(tour_done=tour_done))
    return App(size=size), TextRecorder(monkeypatch)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits(size, tiny_korea, tmp_path, monkeypatch):
    app, recorder = layout_app(size, tmp_path, monkeypatch)
    problems = []

    def draw_once():
        app.cache.clear()
        recorder.lines.clear()
        app.draw()

    for lang in ("en", "ko"):
        app.set_language(lang)
        app.show(StartScreen)
        app.pump(2)
        draw_once()
        problems += check(app, recorder, f"{lang} start")
        session = GameSession(tiny_korea, 0)
        session.set_lever("public_compute_gpus_k", 40)
        app.start_game(session)
        for _ in range(3):
            app.screen.request_step()
        session.sync_ghost()
        for tab in ("firms", "partners", "news", "why"):
            app.screen.tab = tab
            app.rebuild()
            app.pump(2)
            draw_once()
            problems += check(app, recorder, f"{lang} dashboard/{tab}")
        for action in ("help", "menu", "save"):  # its windows: inside the window, no label clipped
            app.screen.act(action)
            app.pump(2)
            window = pygame.Rect((0, 0), size)
            opened = [
                e for e in app.manager.get_root_container().elements if isinstance(e, pygame_gui.elements.UIWindow)
            ]
            assert opened, action
            for element in opened:
                if not window.contains(element.rect):
                    problems.append(
                        f"{lang} dashboard {action}: {type(element).__name__} {element.rect} leaves the window"
                    )
            app.rebuild()  # closes it
            app.pump(1)
        while not session.finished:
            app.screen.request_step()
            if app.screen.event_window is not None:
                app.screen.answer("kakao_openai", "conditions")
        assert isinstance(app.screen, EndScreen)
        app.pump(2)
        draw_once()
        problems += check(app, recorder, f"{lang} end")
    assert not problems, "\n".join(problems[:40])


def over_budget_game(app, scenario, lang: str) -> GameSession:
    """A game in ``lang`` two quarters in, with the baseline caught up and a plan well over the budget."""
    app.set_language(lang)
    session = GameSession(scenario, 0)
    app.start_game(session)
    for _ in range(2):
        app.screen.request_step()
    session.sync_ghost()
    for name in ("sovereign_ai_budget_krw_bn", "public_compute_gpus_k"):
        app.screen.set_lever(name, session.scenario.parameters[name].max)
    return session


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_quarter_and_the_plans_cost_are_never_cut_off(size, tiny_korea, tmp_path, monkeypatch):
    """At 960x600 the status line read 'Planning 2025…' (the quarter and the count cut off) and the budget line
    lost the plan's cost, the figure that turns red, behind its ellipsis, then the budget's unit."""
    from sim.game import units

    app, recorder = layout_app(size, tmp_path, monkeypatch)
    for lang in ("en", "ko"):
        session = over_budget_game(app, tiny_korea, lang)
        app.cache.clear()
        recorder.lines.clear()
        app.draw()
        screen = app.screen
        quarter = units.quarter_text(session.model.quarter, lang)
        status = [value for _, rect, value, _ in recorder.lines if rect.topleft == (12, 25)]
        assert len(status) == 1 and quarter in status[0], status
        assert charts.font(13).size(status[0])[0] <= screen.title_right - 12, f"{lang}: {status[0]!r} is cut off"
        planned = units.krw_bn(sum(session.lever_costs().values()), lang, "yr")
        budget = [
            value for _, rect, value, _ in recorder.lines if rect.topleft == (screen.left.x + 4, screen.left.y + 30)
        ]
        _, (plan_bare,), _ = units.shared_words([planned])
        budget_bare = units.shared_words([units.krw_bn(session.budget_krw_bn_per_year(), lang, "yr")])[1][0]
        assert len(budget) == 1 and plan_bare in budget[0] and budget_bare in budget[0], budget
        # whole: it read 'Planned KRW 3,064 bn/yr · Budget KRW 2,500…' at 960x600
        assert charts.font(11).size(budget[0])[0] <= screen.left.width - 8, f"{lang}: {budget[0]!r} is cut off"


def record_cut_numbers(monkeypatch) -> list[str]:
    """From now on, every line with a digit that ``charts.text`` draws wider than its ``max_width`` (so cut with
    an ellipsis) is appended to the list returned."""
    import re

    cut: list[str] = []
    original = charts.text

    def recording(surface, value, pos, size=14, color=charts.TEXT, bold=False, anchor="topleft", max_width=None):
        if max_width is not None and charts.font(size, bold).size(value)[0] > max_width and re.search(r"\d", value):
            cut.append(value)
        return original(surface, value, pos, size, color, bold, anchor, max_width)

    monkeypatch.setattr(charts, "text", recording)
    return cut


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_number_on_the_dashboard_is_cut_off(size, tiny_korea, tmp_path, monkeypatch):
    """At 960x600 the tiles read 'baseline 21.9% behi…' and 'baseline KRW 2,202…', the goals 'projected $2…':
    a line that does not fit drops words first. Only prose may end in an ellipsis: the scenario's title, its
    objectives' labels and the key help."""
    from sim.game.i18n import pick

    app, _ = layout_app(size, tmp_path, monkeypatch)
    cut = record_cut_numbers(monkeypatch)
    for lang in ("en", "ko"):
        session = over_budget_game(app, tiny_korea, lang)
        prose = {pick(o["label"], lang) for o in session.scenario.objectives} | {pick(session.scenario.title, lang)}
        prose |= {app.screen.tr("key_help")}
        for tab in ("firms", "partners", "news", "why"):
            app.screen.tab = tab
            app.rebuild()
            app.pump(2)
            app.cache.clear()
            cut.clear()
            app.draw()
            numbers = [c for c in cut if c not in prose]
            assert not numbers, f"{lang} {tab}: cut off {numbers}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_number_on_the_end_screen_is_cut_off(size, tiny_korea, tmp_path, monkeypatch):
    """The end screen's final-year table read 'Domestic capability (revenue-wei…' and 'baseline 80.4% of the
    fro…' at 1280x800: its columns are named once and a label that does not fit takes its short form. A
    game that ends within a year (here 2025Q2) shows its last four quarters, named as such, as a year."""
    from sim.core.stats import final_year
    from sim.game.i18n import pick
    from sim.game.report import final_year_span, final_year_value
    from sim.scenario import scenario_from_document

    document = dict(tiny_korea.document)
    document["time"] = dict(document["time"], end="2025Q2")
    scenario = scenario_from_document(document, "tiny-korea-half")
    app, _ = layout_app(size, tmp_path, monkeypatch)
    cut = record_cut_numbers(monkeypatch)
    for lang in ("en", "ko"):
        app.set_language(lang)
        session = GameSession(scenario, 0)
        app.start_game(session)
        while not session.finished:
            app.screen.request_step()
        assert isinstance(app.screen, EndScreen)
        app.pump(2)
        prose = {pick(o["label"], lang) for o in scenario.objectives} | {pick(scenario.title, lang)}
        app.cache.clear()
        cut.clear()
        app.draw()
        numbers = [c for c in cut if c not in prose]
        assert not numbers, f"{lang}: cut off {numbers}"
        rows = final_year(session.history)
        assert [r["quarter"] for r in rows] == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
        assert final_year_span(rows, "en") == "2024Q3 – 2025Q2"
        revenue = [r["market_revenue_usd_bn"] for r in rows]
        assert final_year_value(rows, "market_revenue_usd_bn") == pytest.approx(sum(revenue))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_goal_is_on_screen_with_its_measure_whole(size, tiny_korea, tmp_path, monkeypatch):
    """At 960x600 the goals strip had room for six of Korea's seven objectives and dropped the last without a
    word. Every goal gets its mark, with or without a projection; where the strip has no room for two lines
    a goal, a goal on one line has its measure ('Best domestic model') whole, or takes two lines."""
    from sim.game import panels
    from sim.game.screens.forecast import Forecast
    from sim.objectives import aggregate

    app, recorder = layout_app(size, tmp_path, monkeypatch)
    marks: list[pygame.Surface] = []
    original_mark = charts.status_mark
    monkeypatch.setattr(charts, "status_mark", lambda surface, *a: (marks.append(surface), original_mark(surface, *a)))
    for lang, projected in itertools.product(("en", "ko"), (False, True)):
        session = over_budget_game(app, tiny_korea, lang)
        objectives = session.scenario.objectives
        assert len(objectives) >= 7  # Korea's seven: the case that did not fit

        def projection(screen, objectives=objectives, rows=session.history):
            return {o["id"]: aggregate(rows, o["metric"], o["aggregate"]) * 1.1 for o in objectives}

        monkeypatch.setattr(Forecast, "projected_objectives", projection if projected else lambda screen: None)
        app.cache.clear()
        marks.clear()
        recorder.lines.clear()
        app.draw()
        strip = app.screen.goals_rect.size
        drawn = [m for m in marks if m.get_size() == strip]
        assert len(drawn) == len(objectives), f"{lang}: {len(drawn)} of {len(objectives)} goals drawn"
        lines = {value: rect for surface_size, rect, value, _s in recorder.lines if surface_size == strip}
        for goal in panels.goals(session, projection(app.screen) if projected else None, lang):
            if goal.label in lines:  # two lines: the label (prose, may end in an ellipsis), then the values
                continue
            assert goal.short in lines, f"{lang}: {goal.short!r} not drawn"
            whole = charts.font(11).size(goal.short)[0]
            assert lines[goal.short].width >= whole, f"{lang}: {goal.short!r} cut off"


def test_every_outcome_has_a_name_that_fits_the_narrowest_menu():
    """The chart and Why menus show an outcome's short label where its label would be cut; that one must fit
    the narrowest menu (the chart menu, less the list's frame, scroll bar and padding), in both languages."""
    from sim.game.screens.dashboard import CHART_MENU_WIDTH
    from sim.game.theme import MENU_TEXT_MARGIN, WIDGET_FONT_SIZE
    from sim.model.outcomes import METRICS

    pygame.font.init()
    too_long = [
        (name, lang, info.short_label(lang))
        for name, info in METRICS.items()
        for lang in ("en", "ko")
        if charts.font(WIDGET_FONT_SIZE).size(info.short_label(lang))[0] > CHART_MENU_WIDTH - MENU_TEXT_MARGIN
    ]
    assert not too_long, f"declare a short_en / short_ko for: {too_long}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_drop_down_list_cuts_an_option(size, tiny_korea, tmp_path, monkeypatch):
    """Opened, the chart menu cut 'Domestic capability (revenue-weighted)' and 'Programmes cut for lack of
    budget', the Why menu the first, and the speed menu '초당 0.5분기': a name that does not fit takes its short
    label, and the speed menu is wide enough for its Korean."""
    app, _ = layout_app(size, tmp_path, monkeypatch)
    problems = []
    for lang in ("en", "ko"):
        app.set_language(lang)
        app.start_game(GameSession(tiny_korea, 0))
        app.screen.request_step()
        app.screen.tab = "why"
        app.rebuild()
        app.pump(2)
        for name in ("chart_menu", "speed_menu", "why_menu"):
            menu = getattr(app.screen, name)
            pos = menu.current_state.selected_option_button.rect.center
            for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
                pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))
                app.pump(2)
            assert menu.current_state is menu.menu_states["expanded"], f"{lang} {name} did not open"
            problems += buttons_cut(app, f"{lang} {name}")
            app.rebuild()  # closes it
            app.pump(1)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_first_game_tour_box_is_on_top_and_beside_what_it_points_at(size, tiny_korea, tmp_path, monkeypatch):
    """Each tour step's text box lies inside the window and off the part it points at, its lines inside the
    box, and nothing covers it: it is drawn over the widgets (which once hid its words: the chart menu, the
    lever panel, the tabs), with holes for its own two buttons only."""
    app, recorder = layout_app(size, tmp_path, monkeypatch, tour_done=False)
    problems = []
    window = pygame.Rect((0, 0), size)
    for lang in ("en", "ko"):
        app.set_language(lang)
        app.start_game(GameSession(tiny_korea, 0))
        screen = app.screen
        for step in range(screen.TOUR_STEPS):
            screen.tour_step = step
            app.rebuild()
            screen = app.screen
            app.pump(2)
            app.cache.clear()
            recorder.lines.clear()
            app.draw()
            where = f"{lang} tour step {step + 1}"
            box = screen.tour_box()
            target = screen.tour_target().inflate(8, 8)
            if not window.contains(box):
                problems.append(f"{where}: box {box} outside the window")
            if box.colliderect(target):
                problems.append(f"{where}: box {box} covers what it points at {target}")
            recorder.lines.clear()
            layer = screen.tour_layer(step, size, target, box, [b.rect for b in screen.tour_buttons])  # as drawn
            for _size, rect, text, surface in recorder.lines:
                if surface is layer and text.strip() and not box.contains(ink(rect)):
                    problems.append(f"{where}: text {text!r} leaves the box")
            shown = pygame.surfarray.array3d(app.window)
            drawn = pygame.surfarray.array3d(layer)
            inner = box.inflate(-16, -16)
            holes = [b.rect.inflate(4, 4) for b in screen.tour_buttons]
            covered = 0
            for x in range(inner.left, inner.right, 3):
                for y in range(inner.top, inner.bottom, 3):
                    if not any(h.collidepoint(x, y) for h in holes) and (shown[x, y] != drawn[x, y]).any():
                        covered += 1
            if covered:
                problems.append(f"{where}: {covered} sampled pixels of the box are covered")
        screen.end_tour()
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_lesson_screen_fits(size, tmp_path, monkeypatch):
    """The classroom's screens too: the lesson picker, the briefing, the hot-seat hand-off, a partner's
    decision screen, a firm's, a role's dashboard with its goals, and the lesson's end."""
    from classroom_helpers import SMALL_LESSON

    from sim.classroom.game import attach
    from sim.classroom.lesson import lesson_from_text
    from sim.classroom.session import LessonSession
    from sim.game.screens.briefing import BriefingScreen
    from sim.game.screens.lesson_end import LessonEndScreen
    from sim.game.screens.role_decision import RoleDecisionScreen

    lesson = lesson_from_text(SMALL_LESSON, "small.yaml")
    app, recorder = layout_app(size, tmp_path, monkeypatch)
    problems = []

    def look(what: str) -> None:
        app.pump(2)
        problems.extend(check(app, recorder, f"{app.lang} {what} ({type(app.screen).__name__})"))

    for lang in ("en", "ko"):
        app.set_language(lang)
        app.show(StartScreen)
        app.screen.act("lessons")
        look("picker")
        attach(app, LessonSession(lesson, f"Blue-{lang}", roles=["regulator", "kakao"], ghost=False))
        app.show(BriefingScreen)
        look("briefing")
        app.screen.act("begin")
        look("hand-off")
        app.screen.act("ready")
        look("regulator's dashboard")
        app.screen.request_step()
        app.pump(2)
        app.screen.act("ready")
        look("Kakao's decision")
        # a firm's decision with a decision standing and one just made: all three kinds of value line
        firm = LessonSession(lesson, f"Red-{lang}", roles=["naver"], ghost=False)
        firm.submit({"firm:naver": {"rd_usd_bn_per_year": 1.25, "price": 1.2}})
        attach(app, firm)
        app.show(RoleDecisionScreen)
        slider = next(s for s, (name, _) in app.screen.sliders.items() if name == "compute_usd_bn_per_year")
        pygame.event.post(
            pygame.event.Event(pygame_gui.UI_HORIZONTAL_SLIDER_MOVED, {"ui_element": slider, "value": 0.9})
        )
        look("Naver's decision")
        session = LessonSession(lesson, f"Green-{lang}", ghost=False)
        while not session.finished:
            session.submit()
        attach(app, session)
        app.show(LessonEndScreen)
        app.screen.wait()
        look("end")
    assert not problems, "\n".join(problems[:40])
