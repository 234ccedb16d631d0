"""Korean particles chosen by the word they follow: 와/과, 을/를, 은/는, 이/가, (으)로.

``with_particle("앤트로픽", "와/과")`` -> "앤트로픽과"; ``with_particle("엑사원", "와/과")``
-> "엑사원과"; ``with_particle("카카오", "을/를")`` -> "카카오를". A word that
ends in a closing parenthesis is read by the word before it ("시장 집중도(HHI)" is
read as 집중도); Latin letters and digits are read the way Koreans say them.
"""

from __future__ import annotations

PAIRS = {"와/과": ("과", "와"), "을/를": ("을", "를"), "은/는": ("은", "는"), "이/가": ("이", "가")}
# How digits are read: does the reading end in a final consonant (받침), and is it ㄹ?
DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
# Acronyms are read letter by letter (엘, 엠, 엔, 알 end in a consonant); words as transcribed
# (Google -> 구글, Gemini -> 제미나이, Naver -> 네이버: only l, m, n leave a consonant)
ACRONYM_FINAL = {"L": "ㄹ", "M": "ㅁ", "N": "ㄴ", "R": "ㄹ"}
WORD_FINAL = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ"}
FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def final_consonant(word: str) -> str:
    """The final consonant (받침) of how ``word`` ends when read aloud, '' for a vowel."""
    text = word.strip()
    while text.endswith(")") and "(" in text:
        text = text[: text.rfind("(")].rstrip()
    text = text.rstrip(" .,!?'\"")
    if not text:
        return ""
    last = text[-1]
    code = ord(last) - 0xAC00
    if 0 <= code < 11172:
        return FINALS[code % 28].strip()
    if last.isdigit():
        return DIGIT_FINAL[last]
    if len(text) >= 2 and text[-2:].isupper():
        return ACRONYM_FINAL.get(last, "")
    return WORD_FINAL.get(last.lower(), "")


def particle(word: str, pair: str) -> str:
    """The particle of ``pair`` ('와/과', '을/를', '은/는', '이/가', '(으)로') that fits after ``word``."""
    final = final_consonant(word)
    if pair == "(으)로":
        return "로" if final in ("", "ㄹ") else "으로"
    with_final, without = PAIRS[pair]
    return with_final if final else without


def with_particle(word: str, pair: str) -> str:
    """``word`` followed by the fitting particle."""
    return word + particle(word, pair)
