"""The commented lesson template ``aisim lesson new NAME`` writes (it validates as it is)."""

from __future__ import annotations

TEMPLATE = """\
# A lesson for aisim. Check it with:  aisim lesson check {name}.yaml
# Reference of every key: docs/teaching.md ("Lesson file reference").
schema: aisim/lesson-1
name: {name}
title:
  en: "My lesson"
  ko: "나의 수업"
scenario: korea-2025          # the scenario the lesson extends (bundled name or a path)
minutes: 45                   # class length, for you
quarters: 12                  # quarters played from the scenario's start (2024Q1 for korea-2025)
# Every team's decisions are replayed on these seeds for the fair score (at least 3; 20 is a good size).
class_seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
# play_seed: 0                # the seed students see (default: the first class seed)
briefing:
  en: >-
    What students read before the first quarter: the situation, their role, what is at stake.
  ko: >-
    첫 분기 전에 학생이 읽는 글: 상황, 역할, 걸린 것.
roles:
  - id: regulator
    kind: regulator           # regulator | firm | partner
    label: {{en: Regulator, ko: 규제 당국}}
    levers: [partnership_review, procurement_domestic_preference]   # omit for all levers
    objectives:               # scored on the lesson's quarters; weights add up per role
      - id: domestic_share
        label: {{en: "Domestic firms earn at least 30 % of revenue in the last year", ko: "마지막 해 국내 기업 매출 점유율 30% 이상"}}
        metric: domestic_revenue_share     # any outcome of `aisim run`, or firm.<field> for one firm
        aggregate: final_year_mean          # final_year_mean | final_year_sum | final | mean | min | max | sum
        op: ">="
        target: 0.30
        weight: 2
      - id: users_served
        label: {{en: "Consumer surplus at least $30B in the last year", ko: "마지막 해 소비자 잉여 300억 달러 이상"}}
        metric: consumer_surplus
        aggregate: final_year_sum
        op: ">="
        target: 30
        weight: 1
#  - id: naver                # a firm role (needs the model's firm policy interface)
#    kind: firm
#    firm: naver
#    label: {{en: Naver, ko: 네이버}}
#    objectives:
#      - {{id: share, label: {{en: Naver share >= 15 %, ko: 네이버 점유율 15% 이상}}, metric: firm.revenue_share, op: ">=", target: 0.15}}
events:                       # your own events on the timeline (same format as scenario events)
  - id: teacher_news
    at: 2025Q2
    title: {{en: "Teacher's event: a headline", ko: "교사 사건: 헤드라인"}}
    effects:
      - {{segment: consumer, add: {{foreign_trust: -0.1}}}}
debrief_questions:
  - en: What changed the market most, and when?
    ko: 무엇이 언제 시장을 가장 크게 바꾸었나요?
teacher_notes:
  goals:
    - en: What students should understand at the end.
      ko: 수업이 끝날 때 학생이 이해해야 할 것.
  watch_for:
    - en: Mistakes or strategies to look out for.
      ko: 지켜볼 실수나 전략.
strategies:                   # typical student strategies, measured by `aisim lesson check`
  - id: do_nothing
    role: regulator
    label: {{en: Do nothing, ko: 아무것도 하지 않기}}
  - id: block_deals
    role: regulator
    label: {{en: Block foreign platform deals, ko: 해외 플랫폼 제휴 불허}}
    decisions:
      - {{at: 2024Q1, set: {{partnership_review: block}}}}
"""


def lesson_template(name: str) -> str:
    """The commented template for a lesson called ``name``."""
    return TEMPLATE.format(name=name)
