"""The classroom reports' inline SVG charts: round ticks in the outcome's unit, labels that do not collide."""

from __future__ import annotations

import itertools
import re
from functools import partial

import pytest

from sim.classroom.html import label_boxes, line_chart, nice_ticks, scatter_chart, text_width
from sim.game import units


@pytest.mark.parametrize(
    ("lo", "hi"),
    [(0.0, 1.0), (8.2, 9.7), (0.2712, 0.2788), (1234.0, 5678.0), (-0.4, 0.3), (5.0, 5.0), (0.0, 0.0)],
)
def test_ticks_are_round_and_cover_the_values(lo, hi):
    ticks, step = nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi and 3 <= len(ticks) <= 7
    mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    assert all(abs(t / step - round(t / step)) < 1e-6 for t in ticks)


def y_tick_labels(svg: str) -> list[str]:
    return re.findall(r'<text x="52" y="[\d.]+" font-size="10" text-anchor="end">([^<]*)</text>', svg)


def test_tick_labels_tell_neighbours_apart_in_the_outcomes_unit():
    """The debrief's y axes showed bare numbers at uneven values ("8.2, 8.6, 9.0, 9.3, 9.7")."""
    series = [{"label": "run", "values": [8.2, 8.9, 9.7]}]
    english = y_tick_labels(
        line_chart("t", ["a", "b", "c"], series, fmt=partial(units.axis_value, "consumer_surplus", lang="en"))
    )
    korean = y_tick_labels(
        line_chart("t", ["a", "b", "c"], series, fmt=partial(units.axis_value, "consumer_surplus", lang="ko"))
    )
    assert english == ["8.0", "8.5", "9.0", "9.5", "10.0"]
    assert korean == ["80", "85", "90", "95", "100"]  # 억 달러
    share = [{"label": "run", "values": [0.271, 0.2765]}]
    labels = y_tick_labels(
        line_chart("t", ["a", "b"], share, fmt=partial(units.axis_value, "domestic_revenue_share", lang="en"))
    )
    assert len(set(labels)) == len(labels) and all(label.endswith("%") for label in labels)


def test_close_points_get_labels_that_do_not_overlap():
    """The class report's baseline and a team sat on top of each other when their points were close."""
    points = [
        {"label": "기준선(결정 없음)", "x": 0.300, "y": 85.0, "square": True},
        {"label": "파랑 팀", "x": 0.301, "y": 85.1},
        {"label": "Red", "x": 0.302, "y": 85.05},
        {"label": "Green team", "x": 0.299, "y": 84.95},
        {"label": "far", "x": 0.35, "y": 95.0},
    ]
    svg = scatter_chart("", points, "x", "y", width=760, height=440)
    boxes = label_boxes(svg)
    assert [label for label, _ in boxes] == [p["label"] for p in points]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        overlap = box_a[0] < box_b[2] and box_b[0] < box_a[2] and box_a[1] < box_b[3] and box_b[1] < box_a[3]
        assert not overlap, (a, b)
    for label, box in boxes:
        assert 64 <= box[0] and box[2] <= 760 - 16, label  # inside the plot


def test_wide_characters_count_double():
    assert text_width("팀", 10) == pytest.approx(10) and text_width("ab", 10) == pytest.approx(12)
