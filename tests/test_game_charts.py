"""Chart drawing helpers: the surface cache (with a per-frame redraw budget) and cached text."""

from __future__ import annotations

import pygame

from sim.game import charts


def test_text_is_rendered_once_per_look():
    a = charts.rendered_text("Market revenue", 12, charts.TEXT)
    assert charts.rendered_text("Market revenue", 12, charts.TEXT) is a
    assert charts.rendered_text("Market revenue", 12, charts.DIM) is not a  # another colour, another surface
    clipped = charts.rendered_text("A long firm name that will not fit", 12, charts.TEXT, max_width=60)
    assert clipped.get_width() <= 60
    for k in range(charts.TEXT_CACHE_ENTRIES + 10):
        charts.rendered_text(str(k), 11, charts.DIM)
    assert len(charts._TEXT_CACHE) <= charts.TEXT_CACHE_ENTRIES


def test_a_redraw_budget_spreads_redraws_over_frames():
    cache = charts.SurfaceCache()
    drawn = []

    def draw(name):
        def make():
            drawn.append(name)
            return pygame.Surface((4, 4))

        return make

    old = {slot: cache.get(slot, 1, draw(slot)) for slot in ("a", "b", "c")}  # first surfaces: always drawn
    cache.begin_frame(1)
    shown = {slot: cache.get(slot, 2, draw(slot)) for slot in ("a", "b", "c")}
    assert drawn[3:] == ["a"] and cache.deferred == 2
    assert shown["b"] is old["b"] and shown["c"] is old["c"]  # the others show their last surface
    cache.begin_frame(1)
    for slot in ("a", "b", "c"):
        cache.get(slot, 2, draw(slot))
    assert drawn[3:] == ["a", "b"] and cache.deferred == 1
    cache.begin_frame(None)  # no budget: everything stale is drawn now
    for slot in ("a", "b", "c"):
        cache.get(slot, 2, draw(slot))
    assert drawn[3:] == ["a", "b", "c"] and cache.deferred == 0
