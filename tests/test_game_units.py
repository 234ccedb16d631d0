"""The game's one number formatter: units and periods in English and Korean."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sim.game import units


@pytest.mark.parametrize(
    ("krw_bn", "text"),
    [(640, "6,400억 원"), (1234.5, "1조 2,345억 원"), (1000, "1조 원"), (0.5, "5억 원"), (0.02, "2,000만 원")],
)
def test_korean_won(krw_bn, text):
    assert units.korean_won_from_krw_bn(krw_bn) == text


def test_korean_counts_and_periods():
    assert units.korean_count(13000) == "1만 3천"
    assert units.korean_count(250000) == "25만"
    assert units.korean_count(1234) == "1,234"
    assert units.krw_bn(640, "ko", "yr") == "연 6,400억 원"
    assert units.krw_bn(640, "en", "yr") == "KRW 640 bn/yr"
    assert units.usd_bn(7.85, "en", "qtr") == "$7.85 bn/qtr"
    assert units.usd_bn(40.18, "ko") == "402억 달러"
    # English money has no trailing zeros either (deal bids read '$0.200 bn/yr' and '$50.0 m/yr')
    assert units.usd_bn(0.2, "en", "yr") == "$0.2 bn/yr"
    assert units.usd_bn(0.05, "en", "yr") == "$50 m/yr"
    assert units.usd_bn(-0.77, "en") == "-$0.77 bn"
    assert units.usd_bn(1000.0, "en") == "$1,000 bn"
    assert units.usd_bn(0.5, "en", extra=1) == "$0.5 bn"
    assert units.quarters(4, "ko") == "4개 분기"
    assert units.points_change(0.0013, "ko") == "+0.13%p"
    assert units.points_change(0.0013, "en") == "+0.13 pp"


def test_levers_read_as_sentences_in_korean():
    def spec(unit):
        return SimpleNamespace(unit=unit, unit_for=lambda lang: unit)

    assert units.lever_value(spec("KRW bn/yr"), 640.0, "ko") == "연 6,400억 원"
    assert units.lever_value(spec("thousand GPUs"), 13.0, "ko") == "1만 3천 장"
    assert units.lever_value(spec("price advantage"), 0.45, "ko") == "45% 가격 우대"
    assert units.lever_value(spec("per year"), 0.05, "ko") == "연 5%"
    assert units.lever_value(spec("quarters"), 4, "ko") == "4개 분기"
    assert units.lever_value(spec("per year"), 0.05, "en") == "5% a year"


def test_every_metric_value_carries_a_unit():
    from sim.model.outcomes import METRICS

    for metric, info in METRICS.items():
        for lang in ("en", "ko"):
            text = units.metric_value(metric, 12.5, lang)
            assert any(ch in text for ch in "%$원점개러건만지") or any(
                w in text for w in ("bn", "pts", "firm", "behind", "incident", "M", "index")
            ), (
                metric,
                text,
            )
            if info.per_year == "sum":
                assert "/qtr" in text or "분기" in text  # a flow says it is one quarter's amount


def test_a_change_in_a_flow_says_its_period():
    """'By 2033, against the default answer: … Consumer surplus -$0.188 bn' left out that it is a quarter's
    amount (the goals beside it are yearly): a change carries the period its value does."""
    from sim.model.outcomes import METRICS

    assert units.metric_change("consumer_surplus", -0.188, "en") == "-$0.188 bn/qtr"
    assert units.metric_change("consumer_surplus", 0.389, "ko") == "분기 +3.89억 달러"  # the sign with the number
    assert units.metric_change("consumer_surplus", 0.75, "en", "yr") == "+$0.75 bn/yr"
    assert units.metric_change("hhi", -35, "en") == "-35 pts"
    for metric, info in METRICS.items():
        for lang in ("en", "ko"):
            text = units.metric_change(metric, 1.5, lang)
            assert ("/qtr" in text or "분기" in text) == (info.per_year == "sum"), (metric, text)


def test_yearly_objectives_are_shown_as_yearly_totals_and_the_gap_as_a_share_of_the_frontier():
    from sim.game.report import objective_line
    from sim.objectives import ObjectiveResult

    revenue = ObjectiveResult("m", {"en": "Market", "ko": "시장"}, "market_revenue_usd_bn", ">=", 27, 1, 31.4, True, 1)
    assert objective_line(revenue, "en", "final_year_sum") == "[met] Market: $31.4 bn/yr (≥ $27 bn/yr)"
    gap = ObjectiveResult("g", {"en": "Gap", "ko": "격차"}, "capability_gap", "<=", 0.12, 1, 0.141, False, 0.3)
    assert objective_line(gap, "ko", "final") == "[미달] 격차: 최고 수준의 85.9% (≥ 최고 수준의 88%)"


@pytest.mark.parametrize(
    ("metric", "value", "aggregate", "en", "ko"),
    [
        ("consumer_surplus", 24.93, "final_year_sum", "$24.9 bn/yr", "연 249억 달러"),
        ("hhi", 2405, "final", "2,405 pts", "2,405점"),
        ("domestic_revenue_share", 0.272, "final", "27.2%", "27.2%"),
        ("capability_gap", 0.12, "final", "88.0% of the frontier", "최고 수준의 88.0%"),
        ("firm.revenue_share@kakao", 0.031, "final", "3.10%", "3.10%"),
        ("firm.profit_usd_bn", 1.23, "final_year_sum", "$1.23 bn/yr", "연 12.3억 달러"),
        ("firm.users_consumer_m", 0.3, "final", "0.300M", "30만"),
        # a total over every quarter played is not a rate (it read "$-0.243 bn/yr"), and the sign comes first
        ("firm.profit_usd_bn", -0.243, "sum", "-$0.243 bn", "-2.43억 달러"),
        ("incidents", 3, "sum", "3 incidents", "3건"),
        ("firm.capability", 0.822, "final", "82.2% of the frontier", "최고 수준의 82.2%"),
        # a level of the frontier, not a gap: it read '20.0% of the frontier' for 80 %
        ("domestic_capability_weighted", 0.8, "final", "80.0% of the frontier", "최고 수준 대비 80.0%"),
    ],
)
def test_an_objective_result_reads_in_its_own_unit(metric, value, aggregate, en, ko):
    """Lesson screens show the value each objective is judged on with its unit (they once showed '24.93'
    for a yearly surplus and '2405' for the HHI), firm objectives included."""
    assert units.objective_result(metric, value, aggregate, "en") == en
    assert units.objective_result(metric, value, aggregate, "ko") == ko


def test_luck_has_one_rule_and_reads_in_korean():
    from sim.classroom.scoring import LUCK_POINTS, luck_verdict, luck_word

    assert luck_verdict(None, 50, 40, 60) == "typical"
    assert luck_verdict(50 + LUCK_POINTS + 1, 50, 40, 70) == "lucky"
    assert luck_verdict(39, 50, 40, 60) == "unlucky"
    assert luck_verdict(52, 50, 40, 60) == "typical"
    assert [luck_word(v, "ko") for v in ("lucky", "unlucky", "typical")] == ["운이 좋음", "운이 나쁨", "평균적"]
    assert luck_word("unlucky", "en") == "unlucky"


@pytest.mark.parametrize(
    ("metric", "values", "op", "target", "aggregate", "lang", "shown", "goal"),
    [
        # a share that missed its target read the same as the target ("29.0%" beside "≥ 29.0%")
        ("domestic_revenue_share", [0.2898], ">=", 0.29, "final", "en", ["28.98%"], "≥ 29.00%"),
        ("domestic_revenue_share", [0.29, 0.35], ">=", 0.29, "final", "en", ["29.0%", "35.0%"], "≥ 29.0%"),
        (
            "consumer_surplus",
            [25.79, None],
            ">=",
            25.83,
            "final_year_sum",
            "en",
            ["$25.79 bn/yr", "–"],
            "≥ $25.83 bn/yr",
        ),
        ("consumer_surplus", [25.79], ">=", 25.83, "final_year_sum", "ko", ["연 257.9억 달러"], "≥ 연 258.3억 달러"),
        ("capability_gap", [0.1204], "<=", 0.12, "final", "en", ["87.96% of the frontier"], "≥ 88.0% of the frontier"),
        ("hhi", [2300.4], "<=", 2300, "final", "en", ["2,300.4 pts"], "≤ 2,300.0 pts"),
        # a level is not turned round as the gap is (it read '≤ 20% of the frontier' for '≥ 80%')
        (
            "domestic_capability_weighted",
            [0.75],
            ">=",
            0.8,
            "final",
            "en",
            ["75.0% of the frontier"],
            "≥ 80.0% of the frontier",
        ),
        ("firm.revenue_share", [0.1496], ">=", 0.15, "final", "en", ["14.96%"], "≥ 15.00%"),
        # a target shown as it was set (it read '≥ 연 258억 달러' for 258.3억)
        ("consumer_surplus", [30.0], ">=", 25.83, "final_year_sum", "ko", ["연 300억 달러"], "≥ 연 258.3억 달러"),
        ("domestic_revenue_share", [0.35], ">=", 0.2855, "final", "en", ["35.00%"], "≥ 28.55%"),
    ],
)
def test_a_value_close_to_its_target_never_reads_the_same(metric, values, op, target, aggregate, lang, shown, goal):
    assert units.objective_texts(metric, values, op, target, aggregate, lang) == (shown, goal)


def test_an_objective_names_what_it_measures_in_its_own_terms():
    """A one-line goal names its measure: the gap's objective is judged as a level ('≥ 89% of the frontier'),
    so it reads 'Best domestic model', not 'Capability gap'; a firm's column has no such name."""
    assert units.objective_measure("capability_gap", "en") == "Best domestic model"
    assert units.objective_measure("capability_gap", "ko") == "최고 국산 모델"
    assert units.objective_measure("domestic_revenue_share", "en") == "Domestic share"
    assert units.objective_measure("hhi", "ko") == "시장 집중도(HHI)"
    assert units.objective_measure("firm.revenue_share", "en") is None
    assert units.metric_chart_unit("capability_gap", "en") == "% behind the frontier"
    assert units.metric_chart_unit("domestic_capability_weighted", "en") == "% of the frontier"
