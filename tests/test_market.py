"""The vectorised market kernel on tiny hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import market


def test_bass_hazard_follows_the_closed_form():
    # from 10 % reached, one year of p=0.1, q=0.4 by the closed form, taken in four quarterly steps
    p, q, fraction = 0.1, 0.4, 0.1
    for _ in range(4):
        reached = 1 - math.exp(-market.bass_hazard(p, q, fraction) / 4)
        fraction += (1 - fraction) * reached
    c = (1 - 0.1) / (1 + q / p * 0.1)
    exact = (1 - c * math.exp(-(p + q))) / (1 + q / p * c * math.exp(-(p + q)))
    assert fraction == pytest.approx(exact, rel=1e-9)
    assert market.bass_hazard(0.0, 0.0, 0.9) == 0.0
    assert market.bass_hazard(0.0, 0.5, 0.0) == 0.0  # nobody to imitate, no innovators


def test_choice_probabilities_are_softmax():
    u = np.array([[0.0, math.log(3.0)], [1.0, 1.0]]).T  # firm-major: firms x rows
    probabilities = market.choice_probabilities(u)
    np.testing.assert_allclose(probabilities.T, [[0.25, 0.75], [0.5, 0.5]])


def test_log_sum_is_stable_and_exact():
    u = np.array([[0.0, 0.0], [1000.0, 1000.0]]).T
    np.testing.assert_allclose(market.log_sum(u), [math.log(2.0), 1000.0 + math.log(2.0)])


def test_choose_providers_follows_probabilities():
    rng = np.random.default_rng(0)
    u = np.tile([0.0, math.log(3.0), -1e9], (40_000, 1)).T
    picks = market.choose_providers(u, rng)
    assert set(np.unique(picks)) <= {0, 1}
    assert (picks == 1).mean() == pytest.approx(0.75, abs=0.01)


def test_choose_providers_empty():
    assert market.choose_providers(np.zeros((3, 0)), np.random.default_rng(0)).shape == (0,)


def test_sample_choices_by_hand():
    u = np.log(np.array([[1.0, 1.0], [2.0, 1.0], [1.0, 2.0]]))  # 3 firms x 2 rows; weights 1:2:1, 1:1:2
    # cumulative shares row 0: 0.25, 0.75, 1.0 ; row 1: 0.25, 0.5, 1.0
    np.testing.assert_array_equal(market.sample_choices(u, np.array([0.1, 0.1])), [0, 0])
    np.testing.assert_array_equal(market.sample_choices(u, np.array([0.5, 0.4])), [1, 1])
    np.testing.assert_array_equal(market.sample_choices(u, np.array([0.8, 0.6])), [2, 2])


@pytest.mark.parametrize("rows", [1, 7, 100, market.SMALL_CHOICE_ROWS - 1])
def test_sample_choices_small_batches_pick_as_the_firm_by_firm_loop(rows, monkeypatch):
    # below SMALL_CHOICE_ROWS the running sums are taken in one call: the picks must be the loop's, exactly
    rng = np.random.default_rng(rows)
    u = rng.normal(0.0, 3.0, size=(15, rows)).astype(np.float32)
    u[3] = market.UNAVAILABLE  # a firm that cannot be chosen
    u[5, : rows // 2] = u[4, : rows // 2]  # ties
    draws = np.concatenate([rng.random(rows - 1), [0.0]])
    small = market.sample_choices(u, draws)
    monkeypatch.setattr(market, "SMALL_CHOICE_ROWS", 0)
    np.testing.assert_array_equal(small, market.sample_choices(u, draws))
    assert not (small == 3).any()


def test_surplus_is_logsum_over_price_taste_relative_to_outside_option():
    u = np.array([[0.0], [0.0], [0.0]])  # two firms and the outside option (last), one row
    # log 3 - 0 utility units over the outside option, 2 utils per price unit, 100 USD per price unit
    value = market.surplus_per_row(u, np.array([2.0]), np.array([100.0]))
    assert value[0] == pytest.approx(50 * math.log(3.0))


def test_surplus_is_zero_when_the_outside_option_dominates():
    u = np.array([[-50.0], [-60.0], [0.0]])
    value = market.surplus_per_row(u, np.array([1.0]), np.array([10.0]))
    assert 0.0 <= value[0] < 1e-15


def test_sample_with_outside_returns_minus_one_for_the_outside_option():
    u = np.zeros((3, 2))  # two firms and the outside option (last), two rows; all equally good
    picks = market.sample_with_outside(u, np.array([0.1, 0.9]))
    np.testing.assert_array_equal(picks, [0, -1])
    scratch = u.astype(np.float32)
    np.testing.assert_array_equal(market.sample_with_outside(scratch, np.array([0.1, 0.9]), overwrite=True), [0, -1])


def test_channel_matrix_caps_at_one_and_uses_strength():
    platforms = np.array([[1, 1], [1, 0], [0, 0]], dtype=float)
    provider = np.array([2, 2])
    strength = np.array([1.0, 0.5])
    channel = market.channel_matrix(platforms, provider, strength, firms=3)
    np.testing.assert_allclose(channel, [[0, 0, 1.0], [0, 0, 1.0], [0, 0, 0]])
    provider = np.array([0, -1])
    channel = market.channel_matrix(platforms, provider, np.array([0.5, 1.0]), firms=3)
    np.testing.assert_allclose(channel[:, 0], [0.5, 0.5, 0.0])


def test_group_memberships_round_trip():
    platforms = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    index, groups = market.group_memberships(platforms)
    np.testing.assert_array_equal(groups[index], platforms)
    assert groups.shape[0] == 3


def _adopters(tastes, segment=None, provider=None):
    """Adopters from (rows x 4) tastes (stored as the kernel reads them: 4 x rows, float32)."""
    n = tastes.shape[0]
    return market.Adopters(
        segment=np.zeros(n, dtype=np.int64) if segment is None else segment,
        weight=np.ones(n),
        aware=np.ones(n, dtype=bool),
        adopted=np.ones(n, dtype=bool),
        provider=np.full(n, -1) if provider is None else provider,
        intensity=np.ones(n),
        tastes=np.ascontiguousarray(tastes.T, dtype=np.float32),
        switching_cost=np.full(n, 0.5),
        platform_group=np.zeros(n, dtype=np.int64),
        group_platforms=np.zeros((1, 0)),
    )


ONE_CELL = (np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))  # one segment, one platform group


def test_utilities_by_hand():
    tastes = np.array([[2.0, 1.0, -3.0, 0.5]])  # capability, korean, -price, domestic
    offer = market.FirmOffer(
        capability=np.array([1.0, 0.8]),
        korean_quality=np.array([0.7, 0.9]),
        price=np.array([1.0, 0.8]),
        domestic=np.array([0.0, 1.0]),
        trust=np.array([0.0, -0.1]),
        available=np.array([True, True]),
    )
    terms = market.SegmentTerms(bonus=np.array([[0.2, 0.0]]), outside=np.array([0.4]))
    channel = np.array([[1.0], [0.0]])  # firms x groups: the row's one platform group carries firm 0
    adopters = _adopters(tastes, provider=np.array([1]))
    table = market.utility_table(offer, terms, market.channel_utility(channel, np.array([1.5]), *ONE_CELL), ONE_CELL[0])
    u = market.utilities(adopters, np.array([0]), offer, table, np.array([-0.1]), include_inertia=True)
    firm0 = 2 * 1.0 + 1 * 0.7 - 3 * 1.0 + 0 + 0 + 0.2 + 1.5
    firm1 = 2 * 0.8 + 1 * 0.9 - 3 * 0.8 + 0.5 - 0.1 + 0.0 + 0 + 0.5  # + switching cost (current)
    np.testing.assert_allclose(u[:, 0], [firm0, firm1, 0.4 - 0.1])
    single = market.utilities(adopters, np.array([0]), offer, table.astype(np.float32), np.array([-0.1]))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single[:, 0], [firm0, firm1, 0.4 - 0.1], rtol=1e-6)


def test_utility_table_has_one_column_per_segment_and_group():
    offer = market.FirmOffer(
        capability=np.ones(2),
        korean_quality=np.zeros(2),
        price=np.ones(2),
        domestic=np.zeros(2),
        trust=np.array([0.1, 0.0]),
        available=np.array([True, False]),
    )
    terms = market.SegmentTerms(bonus=np.array([[0.0, 0.0], [1.0, 2.0]]), outside=np.array([-1.0, -2.0]))
    channel = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0]])  # firms x 3 platform groups
    every_segment, every_group = np.repeat([0, 1], 3), np.tile([0, 1, 2], 2)  # each pair, segment-major
    channel_part = market.channel_utility(channel, np.array([0.5, 2.0]), every_segment, every_group)
    table = market.utility_table(offer, terms, channel_part, every_segment)
    assert table.shape == (3, 2 * 3)
    assert table[0, 1 * 3 + 2] == pytest.approx(0.1 + 1.0 + 2.0 * 0.5)  # segment 1, group 2
    assert table[0, 0 * 3 + 1] == pytest.approx(0.1 + 0.0 + 0.5 * 1.0)  # segment 0, group 1
    assert (table[1] <= market.UNAVAILABLE + 10).all()  # never chosen (float32: UNAVAILABLE exactly)
    assert (table.astype(np.float32)[1] == market.UNAVAILABLE).all()
    np.testing.assert_array_equal(table[2], [-1.0, -1.0, -1.0, -2.0, -2.0, -2.0])


def test_adopters_check_the_taste_layout():
    with pytest.raises(ValueError, match="4 x rows"):
        market.Adopters(**{**_adopters(np.ones((3, 4))).__dict__, "tastes": np.ones((3, 4))})


def test_unavailable_firm_is_never_chosen():
    tastes = np.ones((500, 4))
    offer = market.FirmOffer(
        capability=np.array([1.0, 5.0]),
        korean_quality=np.zeros(2),
        price=np.zeros(2),
        domestic=np.zeros(2),
        trust=np.zeros(2),
        available=np.array([True, False]),
    )
    terms = market.SegmentTerms(bonus=np.zeros((1, 2)), outside=np.zeros(1))
    table = market.utility_table(offer, terms, np.zeros((2, 1)), ONE_CELL[0])
    u = market.utilities(_adopters(tastes), np.arange(500), offer, table, np.zeros(500), include_inertia=False)
    assert (market.choose_providers(u[:-1], np.random.default_rng(1)) == 0).all()
    assert (market.sample_with_outside(u.astype(np.float32), np.random.default_rng(2).random(500)) != 1).all()


def test_calibrate_constants_reproduces_target_shares():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(4, 3000))  # firms x rows
    segment = np.repeat([0, 1], 1500)
    target = np.array([[0.6, 0.3, 0.1, 0.0], [0.25, 0.25, 0.25, 0.25]])
    constants = market.calibrate_constants(base, segment, target)
    for s in range(2):
        absent = np.where(target[s] > 0, 0.0, market.UNAVAILABLE)  # as when that firm is not yet in the market
        predicted = market.choice_probabilities(base[:, segment == s] + (constants[s] + absent)[:, None]).mean(axis=1)
        np.testing.assert_allclose(predicted[target[s] > 0], target[s][target[s] > 0], atol=1e-3)
    # a firm with no target share gets the segment's lowest constant
    assert constants[0, 3] == pytest.approx(constants[0, :3].min())


def test_network_bonus_zero_at_zero_share():
    bonus = market.network_bonus(np.array([0.0, 1.0]), 0.5)
    assert bonus[0] == 0.0
    assert bonus[1] == pytest.approx(0.5 * math.log(101.0))


def test_group_memberships_agree_for_many_partners():
    rng = np.random.default_rng(5)
    platforms = (rng.random((300, 18)) < 0.1).astype(float)  # more partners than the counting shortcut takes
    index, groups = market.group_memberships(platforms)
    np.testing.assert_array_equal(groups[index], platforms)
    few_index, few_groups = market.group_memberships(platforms[:, :6])
    np.testing.assert_array_equal(few_groups[few_index], platforms[:, :6])
    assert np.all(np.diff(few_groups @ (1 << np.arange(6))) > 0)  # groups in order of their code, as np.unique gives


def test_added_option_share_matches_the_logit_share_of_the_stacked_options():
    rng = np.random.default_rng(9)
    u = rng.normal(size=(4, 50)) * 3
    added = rng.normal(size=50) * 3
    expected = market.choice_probabilities(np.vstack([u, added[None, :]]))[-1]
    np.testing.assert_allclose(market.added_option_share(u, added), expected, rtol=1e-6)
    assert market.added_option_share(np.zeros((2, 1)), np.array([-1e4]))[0] == 0.0  # no overflow warnings


def test_stable_argsort_keeps_the_order_of_ties():
    values = np.array([3.0, 1.0, 2.0, 1.0, 3.0, 0.5])
    np.testing.assert_array_equal(market.stable_argsort(values), [5, 1, 3, 2, 0, 4])
    distinct = np.random.default_rng(2).random(1000)
    np.testing.assert_array_equal(market.stable_argsort(distinct), np.argsort(distinct, kind="stable"))


def test_hearing_clocks_give_each_quarter_the_chance_one_minus_exp_of_hazard_times_pull():
    """A clock per unaware row, set once, hears with the chance 1 - exp(-h pull) each quarter (memoryless)."""
    rng = np.random.default_rng(5)
    n = 200_000
    rows = np.arange(n)
    group = (rows % 2).astype(np.int64)  # two groups with different hazards
    pull = np.where(rows % 4 < 2, 1.0, 2.0)  # and two pulls within each
    clocks = market.HearingClocks.start(rows, group, pull, rng.standard_exponential(n), groups=2, bias=0.5)
    hazard = np.array([0.1, 0.3])
    left = np.ones(n, dtype=bool)
    for quarter in range(3):
        new = clocks.advance(hazard * (quarter + 1))  # hazards may change from quarter to quarter
        assert np.unique(new).size == new.size and left[new].all()  # each row hears once
        for g in (0, 1):
            for k in (1.0, 2.0):
                mine = left & (group == g) & (pull == k)
                expected = 1.0 - math.exp(-hazard[g] * (quarter + 1) * k)
                share = np.isin(rows[mine], new).mean()
                assert share == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / mine.sum()))
        left[new] = False
    assert np.array_equal(clocks.rows, np.flatnonzero(left))  # the rows that heard are dropped


def test_hearing_clocks_keep_the_hazard_left_when_pulls_change():
    """A new pull rescales what each row has left to go, not the hazard it already had."""
    rows = np.arange(3)
    clocks = market.HearingClocks.start(rows, np.zeros(3, np.int64), np.ones(3), np.array([1.0, 2.0, 3.0]), 1, bias=0.0)
    assert clocks.advance(np.array([0.5])).size == 0
    clocks.repull(np.array([2.0, 2.0, 1.0]), bias=1.0)  # rows 0 and 1 now twice as fast
    assert clocks.bias == 1.0
    np.testing.assert_allclose(clocks.threshold, [0.5 + 0.5 / 2, 0.5 + 1.5 / 2, 3.0])
    assert clocks.advance(np.array([0.25])).tolist() == [0]  # summed hazard 0.75 reaches 0.75
    assert clocks.advance(np.array([0.5])).tolist() == [1]  # 1.25 reaches 0.5 + 1.5 / 2
    assert clocks.rows.tolist() == [2]


def test_review_gaps_are_geometric():
    """Quarters until the next review minus one: P(gap >= n) = (1 - chance) ** n; never with chance 0."""
    rng = np.random.default_rng(2)
    chance = 0.2
    gaps = market.review_gaps(rng.standard_exponential(400_000), np.full(400_000, -1.0 / math.log1p(-chance)))
    for n in (1, 2, 5):
        assert (gaps >= n).mean() == pytest.approx((1 - chance) ** n, abs=0.004)
    assert gaps.mean() == pytest.approx((1 - chance) / chance, rel=0.02)
    with np.errstate(divide="ignore"):
        scale = -1.0 / np.log1p(-np.array([0.0, 1.0]))
    assert market.review_gaps(np.array([1.0, 1.0]), scale).tolist() == [market.NEVER, 0]


def test_hearing_clocks_agree_with_comparing_every_row_even_with_rows_that_never_hear():
    """Each quarter the clocks return exactly the rows whose threshold the summed hazard reached, as a pass
    over every row would; a zero pull (an infinite threshold) must not disturb the other rows or groups."""
    rng = np.random.default_rng(11)
    n, groups = 400, 7
    rows = np.arange(n)
    group = rng.integers(0, groups, n)
    pull = rng.lognormal(0.0, 0.7, n)
    pull[[3, 150]] = 0.0
    clocks = rng.standard_exponential(n)
    with np.errstate(divide="ignore"):
        kept = market.HearingClocks.start(rows, group, pull, clocks, groups, bias=0.0)
        threshold = clocks / pull
    cumulative = np.zeros(groups)
    heard = np.zeros(n, dtype=bool)
    for _ in range(12):
        hazard = rng.uniform(0.0, 0.4, groups)
        cumulative += hazard
        expected = np.flatnonzero(~heard & (threshold <= cumulative[group]))
        assert sorted(kept.advance(hazard).tolist()) == expected.tolist()
        heard[expected] = True
    assert kept.rows.tolist() == np.flatnonzero(~heard).tolist() and 3 in kept.rows and 150 in kept.rows


def test_utility_tables_have_a_column_per_occupied_cell_and_give_every_pair_tables_utilities():
    """Only (segment, platform group) cells that hold rows get a column; each row's utilities are those
    of a table over every pair, also for a subset of rows that shares the population's cells (the panel)."""
    rng = np.random.default_rng(4)
    n = 40
    segment = np.repeat([0, 1], n // 2)
    group = np.where(segment == 0, rng.choice([0, 2], n), rng.choice([1, 2], n))  # 4 of 6 pairs occupied
    adopters = market.Adopters(
        **{
            **_adopters(rng.normal(size=(n, 4)), segment=segment).__dict__,
            "platform_group": group,
            "group_platforms": np.eye(3),
        }
    )
    np.testing.assert_array_equal(adopters.cell_keys, [0, 2, 4, 5])
    np.testing.assert_array_equal(adopters.cell_keys[adopters.cell], adopters.segment_group)
    offer = market.FirmOffer(
        capability=np.array([1.0, 0.7]),
        korean_quality=np.array([0.5, 0.9]),
        price=np.array([1.0, 0.6]),
        domestic=np.array([0.0, 1.0]),
        trust=np.array([0.1, -0.2]),
        available=np.array([True, True]),
    )
    terms = market.SegmentTerms(bonus=np.array([[0.0, 0.3], [1.0, 2.0]]), outside=np.array([-1.0, -2.0]))
    channel = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0]])
    weight = np.array([0.5, 2.0])
    table = market.utility_table(
        offer,
        terms,
        market.channel_utility(channel, weight, adopters.cell_segment(), adopters.cell_group()),
        adopters.cell_segment(),
    )
    assert table.shape == (3, 4)
    every_segment, every_group = np.repeat([0, 1], 3), np.tile([0, 1, 2], 2)  # each pair, segment-major
    every = market.utility_table(
        offer, terms, market.channel_utility(channel, weight, every_segment, every_group), every_segment
    )
    rows = np.arange(n)
    mine = market.utilities(adopters, rows, offer, table, np.zeros(n))
    expected = every[:, adopters.segment_group] + market.utilities(adopters, rows, offer, np.zeros((3, 4)), np.zeros(n))
    np.testing.assert_allclose(mine, expected, rtol=1e-12)
    subset = np.array([3, 17, 25, 38])
    fields = adopters.__getstate__()  # the fields, without cached derived arrays
    per_row = {key: value[subset] for key, value in fields.items() if key not in ("tastes", "group_platforms")}
    panel = market.Adopters(**{**fields, **per_row, "tastes": adopters.tastes[:, subset]})
    panel.share_cells(adopters.cell_keys, adopters.cell[subset])
    np.testing.assert_array_equal(market.utilities(panel, np.arange(4), offer, table, np.zeros(4)), mine[:, subset])
