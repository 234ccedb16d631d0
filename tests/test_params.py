"""The parameter spec: coercion, ranges, --set parsing."""

from __future__ import annotations

import pytest

from sim.errors import OverrideError


def test_every_model_parameter_has_a_full_spec(korea):
    for spec in korea.parameters:
        assert spec.label["en"] and spec.label["ko"] and spec.help["en"] and spec.help["ko"]
        if spec.is_numeric:
            assert spec.min <= spec.default <= spec.max and spec.step > 0


def test_parse_assignments_types(korea):
    values = korea.parameters.parse_assignments(
        ["act_grace_quarters=6", "network_effect=0.5", "partnership_review=block"]
    )
    assert values == {"act_grace_quarters": 6, "network_effect": 0.5, "partnership_review": "block"}
    assert isinstance(values["act_grace_quarters"], int)


@pytest.mark.parametrize(
    "text, message",
    [
        ("network_effect", "expected NAME=VALUE"),
        ("network_efect=0.2", "did you mean 'network_effect'"),
        ("network_effect=high", "expected a number from 0 to 1.5"),
        ("network_effect=nan", "expected a number"),
        ("network_effect=inf", "expected a number"),
        ("network_effect=2", "got 2"),
        ("act_grace_quarters=1.5", "whole number"),
        ("partnership_review=maybe", "one of allow, conditions, block"),
    ],
)
def test_bad_assignments(korea, text, message):
    with pytest.raises(OverrideError) as info:
        korea.parameters.parse_assignments([text])
    assert message in str(info.value)


def test_with_values_keeps_original(korea):
    changed = korea.with_values({"act_stringency": 2.0})
    assert changed.values["act_stringency"] == 2.0
    assert korea.values["act_stringency"] == 1.0
    assert changed.overrides == {"act_stringency": 2.0}


def test_grid_respects_bounds(korea):
    grid = korea.parameters["act_grace_quarters"].grid()
    assert grid == list(range(0, 13))
    grid = korea.parameters["procurement_domestic_preference"].grid()
    assert grid[0] == 0 and grid[-1] == pytest.approx(0.5) and len(grid) == 11
    assert korea.parameters["partnership_review"].grid() == ["allow", "conditions", "block"]
