"""Korean particles chosen by the word before them."""

from __future__ import annotations

import pytest

from sim.korean import particle, with_particle


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("앤트로픽", "와/과", "앤트로픽과"),
        ("엑사원", "와/과", "엑사원과"),
        ("카카오", "와/과", "카카오와"),
        ("카카오", "을/를", "카카오를"),
        ("시장 집중도(HHI)", "은/는", "시장 집중도(HHI)는"),
        ("국내 기업 매출 점유율", "은/는", "국내 기업 매출 점유율은"),
        ("서울", "(으)로", "서울로"),
        ("부산", "(으)로", "부산으로"),
        ("31.1%", "(으)로", "31.1%로"),
        ("6,400억 원", "(으)로", "6,400억 원으로"),
        ("OpenAI", "와/과", "OpenAI와"),
        ("Naver", "이/가", "Naver가"),
        ("2033", "은/는", "2033은"),
    ],
)
def test_particles(word, pair, expected):
    assert with_particle(word, pair) == expected


def test_unknown_pair_is_a_bug():
    with pytest.raises(KeyError):
        particle("말", "에게/한테")


def test_small_korean_text_keeps_visible_word_spaces():
    """At 11 px the bundled font's space is 2 px: '기준 21.9% 뒤처짐' read as one word on the tiles. Korean lines
    there are measured and drawn with each space doubled; English lines and larger text are left alone."""
    import pygame

    from sim.game import charts

    pygame.font.init()
    small, plain = charts.font(11), pygame.font.Font(str(charts.font_path()), 11)
    korean, english = "기준 21.9% 뒤처짐", "baseline 21.9% behind"
    space = plain.size(" ")[0]
    assert small.size(korean)[0] == plain.size(korean)[0] + 2 * space  # two spaces, each drawn twice
    assert small.render(korean, True, (255, 255, 255)).get_width() == small.size(korean)[0]
    assert small.size(english) == plain.size(english)
    assert charts.font(14).size(korean) == pygame.font.Font(str(charts.font_path()), 14).size(korean)
