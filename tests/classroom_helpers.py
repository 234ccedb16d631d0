"""Shared pieces for the classroom tests: a small lesson (8 quarters, 3 class seeds)."""

from __future__ import annotations

SMALL_LESSON = """\
schema: aisim/lesson-1
name: small
title: {en: Small lesson, ko: 작은 수업}
scenario: korea-2025
quarters: 8
class_seeds: [0, 1, 2]
briefing: {en: Brief., ko: 브리핑.}
roles:
  - id: regulator
    kind: regulator
    label: {en: Regulator, ko: 규제 당국}
    levers: [partnership_review, procurement_domestic_preference]
    objectives:
      - {id: dom, label: {en: Domestic share, ko: 국내}, metric: domestic_revenue_share, op: ">=", target: 0.36, weight: 2}
      - {id: cs, label: {en: Surplus, ko: 잉여}, metric: consumer_surplus, aggregate: final_year_sum, op: ">=", target: 20}
  - id: kakao
    kind: partner
    partner: kakao_talk
    label: {en: Kakao, ko: 카카오}
    objectives:
      - {id: share, label: {en: Kakao share, ko: 카카오 점유율}, metric: firm.revenue_share, firm: kakao, op: ">=", target: 0.03}
  - id: naver
    kind: firm
    firm: naver
    label: {en: Naver, ko: 네이버}
    objectives:
      - {id: share, label: {en: Naver share, ko: 네이버 점유율}, metric: firm.revenue_share, op: ">=", target: 0.15}
events:
  - id: teacher_event
    at: 2024Q3
    title: {en: "Teacher event", ko: 교사 사건}
    effects:
      - {segment: consumer, add: {foreign_trust: -0.1}}
debrief_questions:
  - {en: "Why?", ko: "왜?"}
teacher_notes:
  goals:
    - {en: Learn., ko: 배우기.}
strategies:
  - id: block
    role: regulator
    label: {en: Block, ko: 불허}
    decisions:
      - {at: 2024Q1, set: {partnership_review: block}}
"""


def write_small_lesson(folder, text: str = SMALL_LESSON):
    path = folder / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return path
