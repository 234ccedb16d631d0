"""Test set-up: headless pygame, and shared fixtures."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest  # noqa: E402

from sim.scenario import load_scenario  # noqa: E402


@pytest.fixture(scope="session")
def korea():
    """The bundled Korea baseline scenario."""
    return load_scenario("korea-2025")


@pytest.fixture(scope="session")
def small_korea(korea):
    """The Korea baseline with few adopter rows, for fast tests."""
    from sim.scenario import scenario_from_document

    document = dict(korea.document)
    document["population"] = dict(document["population"], adopter_rows=4000)
    return scenario_from_document(document, "small-korea")


@pytest.fixture(scope="session")
def tiny_korea(korea):
    """Korea, 2024Q1-2025Q4 (the Kakao-OpenAI choice event fires in 2025Q4), 3,000 adopter rows."""
    from sim.scenario import scenario_from_document

    document = dict(korea.document)
    document["time"] = {"start": "2024Q1", "end": "2025Q4"}
    document["population"] = dict(document["population"], adopter_rows=3000)
    return scenario_from_document(document, "tiny-korea")
