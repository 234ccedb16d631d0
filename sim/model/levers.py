"""What each policy lever is for: the outcome it moves, the sign, and the mechanism, in one sentence.

Pure data about the model's mechanisms (no runs here): ``sim.effects`` measures each
lever's effect against seed noise and the tests assert these signs; ``aisim params``
and the game's Help screen show the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expected:
    """The outcome a lever must move (min -> max), the sign, and why."""

    metric: str
    sign: int
    reason_en: str
    reason_ko: str


EXPECTED: dict[str, Expected] = {
    "sovereign_ai_budget_krw_bn": Expected(
        "domestic_capability_weighted",
        1,
        "Grants raise the selected teams' effective investment, so domestic models, weighted by their revenue, improve."
        " Domestic share rises less: the teams win customers partly from domestic firms outside the programme.",
        "지원금이 선정 팀의 실효 투자를 늘려 매출 가중 국내 모델 역량이 오른다."
        " 국내 점유율은 덜 오른다: 선정 팀이 사업 밖 국내 기업의 고객도 가져가기 때문이다.",
    ),
    "public_compute_gpus_k": Expected(
        "capability_gap",
        -1,
        "Public GPUs add free compute to domestic firms' training (and serving), so their best model closes its gap.",
        "공공 GPU가 국내 기업의 학습(과 서비스)에 무상 컴퓨팅을 더해 최고 국산 모델이 격차를 좁힌다.",
    ),
    "procurement_domestic_preference": Expected(
        "domestic_share_public",
        1,
        "Public buyers act as if domestic models were cheaper, so more public spending goes to them.",
        "공공 구매자가 국산 모델을 더 싸게 평가해 공공 지출이 국산으로 옮겨간다.",
    ),
    "act_stringency": Expected(
        "incident_risk",
        -1,
        "Deeper obligations make complying firms' practice safer, so fewer incidents happen.",
        "의무가 강해지면 준수 기업의 관행이 안전해져 사고가 줄어든다.",
    ),
    "act_enforcement_probability": Expected(
        "incident_risk",
        -1,
        "Likelier inspections make small firms comply, and complying firms have fewer incidents.",
        "점검 가능성이 높아지면 중소기업도 법을 지키고, 준수 기업은 사고가 적다.",
    ),
    "act_grace_quarters": Expected(
        "incident_risk",
        1,
        "During the grace period firms prepare only partly, so more incidents slip through.",
        "계도 기간에는 기업이 일부만 준비해 사고가 더 많이 난다.",
    ),
    "public_data_openness": Expected(
        "domestic_revenue_share",
        1,
        "Open Korean data raises the Korean-language quality firms that train locally can reach, so domestic models win users.",
        "공개된 한국어 데이터가 국내에서 학습하는 기업이 도달할 수 있는 한국어 품질을 높여 국산 모델이 이용자를 얻는다.",
    ),
    "partnership_review": Expected(
        "domestic_revenue_share",
        1,
        "Blocking foreign platform deals keeps the platforms' channels with domestic models.",
        "해외 플랫폼 제휴를 막으면 플랫폼 채널이 국산 모델에 남는다.",
    ),
    "rd_tax_credit": Expected(
        "capability_gap",
        -1,
        "A lower after-tax price of R&D raises domestic investment, and capability with it.",
        "세후 연구개발 비용이 낮아져 국내 투자와 역량이 늘어난다.",
    ),
    "talent_programme_krw_bn": Expected(
        "capability_gap",
        -1,
        "Talent makes each won of domestic R&D more productive.",
        "인재가 국내 연구개발 1원당 생산성을 높인다.",
    ),
}


def lever_hint(lever: str, language: str = "en") -> str:
    """One sentence on what ``lever`` does (empty for a lever the table does not name)."""
    expected = EXPECTED.get(lever)
    if expected is None:
        return ""
    return expected.reason_ko if language == "ko" else expected.reason_en
