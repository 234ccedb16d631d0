"""Korean text: one term per concept (the glossary), and nothing English on a Korean screen but proper nouns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.game import charts
from sim.game.i18n import PROPER_NOUNS, STRINGS

GLOSSARY = Path(__file__).resolve().parent.parent / "sim" / "game" / "glossary_ko.yaml"


def glossary() -> list[dict]:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))


def test_glossary_is_well_formed():
    entries = glossary()
    assert entries and all({"concept", "term", "avoid"} <= set(e) for e in entries)
    concepts = [e["concept"] for e in entries]
    assert len(concepts) == len(set(concepts))


@pytest.mark.parametrize("entry", glossary(), ids=lambda e: e["concept"])
def test_game_korean_text_uses_the_glossary_term(entry):
    from sim.game.i18n import FALLBACK_KO, USER_ERRORS_KO

    texts = {key: ko for key, (_, ko) in STRINGS.items()} | {pattern: ko for pattern, ko in USER_ERRORS_KO}
    for key, ko in (texts | FALLBACK_KO).items():
        for variant in entry["avoid"]:
            assert variant not in ko, f"{key}: {variant!r} -> use {entry['term']!r}"


@pytest.mark.parametrize("entry", glossary(), ids=lambda e: e["concept"])
def test_bundled_scenarios_and_lessons_use_the_glossary_term(entry):
    """What a Korean class reads on screen also comes from the scenarios' and lessons' own text."""
    root = Path(__file__).resolve().parent.parent
    for path in sorted([*root.glob("scenarios/*.yaml"), *root.glob("lessons/*.yaml")]):
        text = path.read_text(encoding="utf-8")
        for variant in entry["avoid"]:
            if variant.strip() in {"pp"}:  # English text may say pp; the Korean side is checked in the game
                continue
            assert variant not in text, f"{path.name}: {variant!r} -> use {entry['term']!r}"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean_literals(path: Path) -> list[tuple[int, str]]:
    """The string constants in a Python file that contain Hangul, with their line numbers (not docstrings,
    which are English prose quoting Korean examples)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and HANGUL.search(node.value)
    ]


@pytest.mark.parametrize("entry", glossary(), ids=lambda e: e["concept"])
def test_korean_text_anywhere_in_the_code_uses_the_glossary_term(entry):
    """Korean also comes from the model's labels, the units' formatter, the classroom's pages and reports."""
    root = Path(__file__).resolve().parent.parent / "sim"
    for path in sorted(root.rglob("*.py")):
        for line, text in korean_literals(path):
            for variant in entry["avoid"]:
                assert variant not in text, (
                    f"{path.relative_to(root.parent)}:{line}: {variant!r} -> use {entry['term']!r}"
                )


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*")


def english_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in LATIN_WORD.findall(text) if w.strip(".-") not in allowed]


def korean_name_words(model) -> set[str]:
    """Latin words the Korean names of firms and platforms keep on purpose ("LG AI연구원 엑사원", "KT")."""
    names = [f.name_ko for f in model.firms] + [p.name_ko for p in model.partners]
    return {w.strip(".-") for name in names for w in LATIN_WORD.findall(name)}


class ShownText:
    """Every string a window draws with charts.text or shows in a widget (for the Korean screens' checks)."""

    def __init__(self, monkeypatch) -> None:
        self.texts: list[str] = []
        original = charts.text

        def recording(surface, value, *args, **kwargs):
            self.texts.append(value)
            return original(surface, value, *args, **kwargs)

        monkeypatch.setattr(charts, "text", recording)

    def take(self, app) -> None:
        """Draw a frame of the current screen and add its widgets' texts."""
        app.pump(2)
        app.draw()
        pending = list(app.manager.get_root_container().elements)
        while pending:
            element = pending.pop()
            self.texts.append(getattr(element, "html_text", None) or getattr(element, "text", "") or "")
            for option in getattr(element, "options_list", None) or []:  # a drop-down menu's choices
                self.texts.append(option[0] if isinstance(option, tuple) else option)
            pending.extend(getattr(element, "elements", []) or [])
            container = getattr(element, "get_container", None)
            if container is not None and element is not container():
                pending.extend(container().elements)

    def stray(self, allowed: set[str]) -> str:
        """The texts with English words beyond ``allowed``, one per line (empty: none)."""
        out = {}
        for text in self.texts:
            if not isinstance(text, str):
                continue
            words = english_words(re.sub(r'<[^>]+>|"[^"]*"', " ", text), allowed)  # markup; quoted names
            if words:
                out[text] = words
        return "\n".join(f"{k!r}: {v}" for k, v in out.items())


def test_korean_screens_show_no_english_but_proper_nouns(tiny_korea, tmp_path, monkeypatch):
    """Play a game in Korean (every tab, the event window, the end screen) and check every string drawn
    or shown in a widget: firm and platform names must be their Korean names."""
    from sim.game.app import App
    from sim.game.screens.end import EndScreen
    from sim.game.session import GameSession
    from sim.game.settings import Settings, save_settings

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(lang="ko", tour_done=True))
    shown = ShownText(monkeypatch)
    app = App(size=(1280, 800))
    shown.take(app)  # the start screen (its scenario's time span read '2024Q1 – 2033Q4')
    session = GameSession(tiny_korea, 0)
    session.set_lever("public_compute_gpus_k", 40)
    app.start_game(session)
    for _ in range(3):
        app.screen.request_step()
    session.sync_ghost()
    allowed = set(PROPER_NOUNS) | korean_name_words(session.model)
    for tab in ("firms", "partners", "news", "why"):
        app.screen.tab = tab
        app.rebuild()
        shown.take(app)
    app.screen.why_target = "openai"  # a firm's share: its name in the title and the sentences
    app.rebuild()
    shown.take(app)
    while not isinstance(app.screen, EndScreen):
        if app.screen.event_window is not None:
            shown.take(app)
            event = session.unanswered_events()[0]
            app.screen.answer(event["id"], event["default_choice"])
        else:
            app.screen.request_step()
    shown.take(app)
    stray = shown.stray(allowed)
    assert not stray, stray
    quarters = [text for text in shown.texts if isinstance(text, str) and re.search(r"\d{4}Q[1-4]", text)]
    assert not quarters, f"quarters written '2025Q3' in Korean (write '2025년 3분기'): {quarters}"
    english = {f.name for f in session.model.firms if f.name != f.name_ko}
    assert not any(name in text for name in english for text in shown.texts if isinstance(text, str))


def test_korean_lesson_screens_show_no_english_but_proper_nouns(tmp_path, monkeypatch):
    """A lesson in Korean: the picker, the briefing, the hand-off, the regulator's dashboard, a platform's
    and a firm's decision screens (quarters as '2024년 1분기', deals by their Korean names, a firm's last
    quarter in Korean words and units) and the lesson's end (objective values with their units)."""
    from classroom_helpers import SMALL_LESSON

    from sim.classroom.game import attach
    from sim.classroom.lesson import lesson_from_text
    from sim.classroom.session import LessonSession
    from sim.game.app import App
    from sim.game.screens.briefing import BriefingScreen
    from sim.game.screens.lesson_end import LessonEndScreen
    from sim.game.screens.role_decision import RoleDecisionScreen
    from sim.game.screens.start import StartScreen
    from sim.game.settings import Settings, save_settings

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(lang="ko", tour_done=True))
    lesson = lesson_from_text(SMALL_LESSON, "small.yaml")
    shown = ShownText(monkeypatch)
    app = App(size=(1280, 800))
    app.show(StartScreen)
    app.screen.act("lessons")
    shown.take(app)
    session = LessonSession(lesson, "파랑", roles=["regulator", "kakao", "naver"], ghost=False)
    attach(app, session)
    app.show(BriefingScreen)
    shown.take(app)
    app.screen.act("begin")
    shown.take(app)  # the hand-off
    for _ in range(2):  # two quarters: the firm's last quarter shows from the second on
        app.screen.act("ready")
        shown.take(app)  # the regulator's dashboard
        app.screen.request_step()
        for _role in ("kakao", "naver"):
            app.pump(2)
            shown.take(app)  # the hand-off
            app.screen.act("ready")
            assert isinstance(app.screen, RoleDecisionScreen)
            shown.take(app)
            app.screen.act("done")
        app.pump(2)
    ended = LessonSession(lesson, "초록", ghost=False)
    while not ended.finished:
        ended.submit()
    attach(app, ended)
    app.show(LessonEndScreen)
    app.screen.wait()
    shown.take(app)
    allowed = set(PROPER_NOUNS) | korean_name_words(session.model) | {"HTML", "HHI"}
    stray = shown.stray(allowed)
    assert not stray, stray
    texts = "\n".join(t for t in shown.texts if isinstance(t, str))
    assert "2024년 1분기" in texts and "서비스 연동" in texts and "2024Q" not in texts


def test_display_names_follow_the_language():
    from types import SimpleNamespace

    from sim.game.i18n import display_name, short_name

    firm = SimpleNamespace(name="Google Gemini", name_ko="구글 제미나이")
    assert display_name(firm, "en") == "Google Gemini"
    assert display_name(firm, "ko") == "구글 제미나이"
    assert display_name(SimpleNamespace(name="Acme", name_ko=None), "ko") == "Acme"  # no Korean name given
    assert short_name("Google Gemini", first_word=True) == "Google"
    assert short_name("구글 제미나이", first_word=True) == "구글"
    assert short_name("Kakao (KakaoTalk)") == "Kakao"
    assert short_name("카카오(카카오톡)") == "카카오"
    assert short_name("스타트업 2", first_word=True) == "스타트업 2"  # entrants keep their number


def test_firm_cards_partners_and_why_use_korean_names(small_korea):
    from sim.game.dashboard_data import firm_cards, partner_rows
    from sim.game.i18n import firm_name
    from sim.model.model import AIMarketModel

    model = AIMarketModel(small_korea, seed=0)
    model.step()
    cards = firm_cards(model, "ko")
    assert {c["name"] for c in cards} <= {f.name_ko for f in model.firms}
    assert any("카카오" in p for c in cards for p in c["partners"])
    rows = {r["platform"]: r for r in partner_rows(model, "ko")}
    assert "카카오(카카오톡)" in rows and rows["카카오(카카오톡)"]["provider"] in {f.name_ko for f in model.firms}
    assert firm_name(model, "openai", "ko") == "오픈AI" and firm_name(model, "openai", "en") == "OpenAI"
    assert [c["id"] for c in firm_cards(model, "en")] == [c["id"] for c in cards]  # same order in both


def test_korean_news_chooses_the_particle_after_a_name():
    from sim.game.dashboard_data import fix_particles

    # a scenario author's title may glue a particle to a name; the feed chooses it by the name
    assert fix_particles("카카오(카카오톡), 오픈AI(으)로 변경") == "카카오(카카오톡), 오픈AI로 변경"
    assert fix_particles("LG AI연구원 엑사원(으)로 변경") == "LG AI연구원 엑사원으로 변경"
    assert fix_particles("스타트업 2(으)로 변경") == "스타트업 2로 변경"
    assert fix_particles("앤트로픽와 제휴") == "앤트로픽과 제휴"


def test_the_models_korean_news_has_the_right_particles(small_korea):
    """The model writes its Korean news with particles chosen by the word before them (news.csv and
    the debrief show it as written): no "(으)로" left open, no 을/를 or (으)로 that does not fit."""
    import re

    from sim.korean import particle
    from sim.model.model import AIMarketModel

    news = []
    for seed in range(3):
        model = AIMarketModel(small_korea, seed=seed)
        model.outcomes_only = True
        news += [item["ko"] for item in model.run().news]
    switches = [text for text in news if "AI 공급자를" in text]
    assert switches, "no platform switched provider in three seeds: the check below saw none"
    for text in news:
        assert "(으)" not in text and "공급자을" not in text, text
        for word, glued in re.findall(r"(\S+?)(을|를|으로|로)(?= )", text):
            pair = "(으)로" if glued in ("으로", "로") else "을/를"
            assert particle(word, pair) == glued, (text, word, glued)


def test_entrants_the_model_creates_have_korean_names(small_korea):
    import numpy as np

    from sim.game.i18n import display_name
    from sim.model.model import AIMarketModel

    model = AIMarketModel(small_korea, seed=0)
    domestic = model._entrant_spec("domestic", np.random.default_rng(0))
    foreign = model._entrant_spec("foreign", np.random.default_rng(0))
    assert (domestic.name, domestic.name_ko) == ("Start-up 1", "스타트업 1")
    assert foreign.name_ko == "해외 연구소 1"
    firm = model._add_firm(domestic)
    assert display_name(firm, "ko") == "스타트업 1" and display_name(firm, "en") == "Start-up 1"


def user_error_cases(tmp_path, scenario) -> dict[str, Exception]:
    """Real errors from the real loaders and writers, one per situation a player meets in the game."""
    import json

    from sim.core.files import atomic_write
    from sim.errors import UserError
    from sim.saves import load_save, write_save
    from sim.scenario import load_scenario

    good = write_save(tmp_path / "good.json", scenario, 3, {})
    data = json.loads(good.read_text(encoding="utf-8"))
    files = {
        "binary.json": b"\x00\x01PNG",
        "latin1.json": "caf\xe9".encode("latin-1"),
        "broken.json": b'{"format": ',
        "list.json": b"[1, 2]",
        "edited.json": json.dumps({**data, "seed": 4}).encode(),
        "unsigned.json": json.dumps({k: v for k, v in data.items() if k != "checksum"}).encode(),
        "future.json": json.dumps({**data, "version": 99}).encode(),
        "badseed.json": json.dumps({**data, "seed": -1}).encode(),
        "empty.yaml": b"  \n",
        "syntax.yaml": b"name: [unclosed\n",
        "unknown.yaml": b"extends: korea-2025\nnmae: x\n",
        "missing.yaml": b"name: x\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "afile").write_text("x")
    attempts = {
        "missing save": lambda: load_save(tmp_path / "nothing.json"),
        "folder": lambda: load_save(tmp_path / "folder.json"),
        **{name: (lambda n=name: load_save(tmp_path / n)) for name in files if name.endswith(".json")},
        **{name: (lambda n=name: load_scenario(tmp_path / n)) for name in files if name.endswith(".yaml")},
        "no scenario": lambda: load_scenario("no-such-scenario"),
        "cannot write": lambda: atomic_write(tmp_path / "afile" / "save.json", "{}"),
    }
    out = {}
    for name, attempt in attempts.items():
        try:
            attempt()
        except UserError as exc:
            out[name] = exc
    assert set(out) == set(attempts), set(attempts) - set(out)
    return out


def test_user_errors_read_in_korean_and_stay_english_for_the_cli(tmp_path, small_korea):
    from sim.game.i18n import USER_ERRORS_KO, error_text

    cases = user_error_cases(tmp_path, small_korea)
    matched = set()
    for name, exc in cases.items():
        assert error_text(exc, "en") == str(exc)  # the English (CLI) wording is untouched
        korean = error_text(exc, "ko")
        where = {w for part in (exc.file, exc.path) if part for w in LATIN_WORD.findall(part)}
        keys = re.sub(r"'[^']*'", " ", korean)  # names quoted from the file or the format ('nmae', 'name')
        assert not english_words(keys, set(PROPER_NOUNS) | where | {"aisim", "JSON", "UTF-8", "NUL"}), (name, korean)
        assert not exc.file or exc.file in korean  # the file named stays
        matched |= {p for p, _ in USER_ERRORS_KO if re.fullmatch(p, exc.message, flags=re.DOTALL)}
    assert len(matched) >= 15  # the table is exercised by real messages, not only by hand-made ones


def test_an_unknown_user_error_keeps_its_detail_after_a_korean_sentence():
    from sim.errors import ScenarioError
    from sim.game.i18n import error_text

    exc = ScenarioError("expected a number from 0 to 1, got 'x'", file="my.yaml", line=4, path="firms[0].capability")
    assert error_text(exc, "ko") == (
        "my.yaml:4: firms[0].capability: 시나리오 파일이 올바르지 않습니다: expected a number from 0 to 1, got 'x'"
    )
    assert error_text(PermissionError(13, "Permission denied", "/x/y.png"), "ko") == "/x/y.png: 권한 없음"


def test_start_screen_errors_follow_the_language(tmp_path, monkeypatch, small_korea):
    """A bad save, a broken scenario and a seed too big, on a Korean start screen; then in English."""
    import pygame

    from sim.game.app import App
    from sim.game.screens.start import StartScreen
    from sim.game.settings import Settings, save_settings

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(lang="ko", tour_done=True))
    user_error_cases(tmp_path, small_korea)  # writes the bad files
    app = App(size=(1280, 800))
    app.pump(2)
    screen = app.screen
    screen.load_save(tmp_path / "edited.json")
    assert isinstance(app.screen, StartScreen)
    assert screen.error == f"{tmp_path / 'edited.json'}: 저장 파일이 검사합과 맞지 않습니다(수정되었거나 손상됨). " + (
        "수정된 저장 파일은 불러오지 않습니다"
    )
    shown = [e.html_text for e in app.manager.get_root_container().elements if hasattr(e, "html_text")]
    assert any("검사합" in text for text in shown)  # the error box is drawn in Korean
    screen.select_path(tmp_path / "syntax.yaml")
    assert "YAML 문법 오류입니다" in screen.error and "syntax.yaml:2" in screen.error
    app.set_language("en")
    assert "YAML syntax error" in app.screen.error  # the same error, now in English
    app.set_language("ko")
    screen = app.screen
    screen.select_bundled(screen.paths[0])
    screen.seed_entry.set_text("9223372036854775808")  # 2**63: a save could not hold it
    screen.act("new")
    assert isinstance(app.screen, StartScreen) and app.session is None
    assert app.screen.error == "시드는 0부터 2**63-1까지의 정수여야 합니다"
    pygame.event.clear()
