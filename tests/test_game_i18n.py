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
    for key, (_, ko) in STRINGS.items():
        for variant in entry["avoid"]:
            assert variant not in ko, f"{key}: {variant!r} -> use {entry['term']!r}"


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*")


def english_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in LATIN_WORD.findall(text) if w.strip(".-") not in allowed]


def test_korean_screens_show_no_english_but_proper_nouns(tiny_korea, tmp_path, monkeypatch):
    """Render the dashboard (every tab) in Korean and check every string drawn or shown in a widget."""
    from sim.game.app import App
    from sim.game.session import GameSession
    from sim.game.settings import Settings, save_settings

    monkeypatch.setenv("AISIM_SAVE_DIR", str(tmp_path))
    monkeypatch.setenv("AISIM_PREVIEW_WORKERS", "0")
    save_settings(Settings(lang="ko", tour_done=True))
    drawn: list[str] = []
    original = charts.text

    def recording(surface, value, *args, **kwargs):
        drawn.append(value)
        return original(surface, value, *args, **kwargs)

    monkeypatch.setattr(charts, "text", recording)
    app = App(size=(1280, 800))
    session = GameSession(tiny_korea, 0)
    session.set_lever("public_compute_gpus_k", 40)
    app.start_game(session)
    for _ in range(3):
        app.screen.request_step()
    session.sync_ghost()
    names = {f.name for f in session.model.firms} | {p.name for p in session.model.partners}
    allowed = set(PROPER_NOUNS) | {w.strip(".-") for name in names for w in LATIN_WORD.findall(name)}
    for tab in ("firms", "partners", "news", "why"):
        app.screen.tab = tab
        app.rebuild()
        app.pump(2)
        app.draw()
    widgets = [getattr(e, "text", "") or "" for e in app.manager.get_root_container().elements]
    stray = {}
    for text in drawn + [w for w in widgets if isinstance(w, str)]:
        words = english_words(re.sub(r"<[^>]+>", " ", text), allowed)
        if words:
            stray[text] = words
    assert not stray, stray
