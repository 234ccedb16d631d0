"""What each policy lever is for: the outcome it moves, the sign, the mechanism, and what it costs.

Pure data about the model's mechanisms (no runs here): ``sim.effects`` measures each
lever's effect against seed noise and the tests assert these signs (the main effect and
the side effects named here); ``aisim params``, the game's Help screen and its lever
tooltips show the reasons and the costs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expected:
    """The outcome a lever must move (min -> max), the sign, and why; what it costs and may hurt.

    ``side_effects``: other headline outcomes the lever moves (min -> max) beyond seed noise,
    as (metric, sign), the measured trade-offs of docs/lever-effects.md.
    """

    metric: str
    sign: int
    reason_en: str
    reason_ko: str
    cost_en: str = ""
    cost_ko: str = ""
    side_effects: tuple[tuple[str, int], ...] = ()


EXPECTED: dict[str, Expected] = {
    "sovereign_ai_budget_krw_bn": Expected(
        "domestic_capability_weighted",
        1,
        "Grants raise the selected teams' effective investment, so domestic models, weighted by their revenue, improve."
        " Domestic share rises less: the teams win customers partly from domestic firms outside the programme.",
        "지원금이 선정 팀의 실효 투자를 늘려 매출 가중 국내 모델 역량이 오른다."
        " 국내 점유율은 덜 오른다: 선정 팀이 사업 밖 국내 기업의 고객도 가져가기 때문이다.",
        "Its whole amount comes out of the programme budget every year, and only the selected teams gain.",
        "금액 전부가 매년 사업 예산에서 나가고, 혜택은 선정된 팀에만 돌아간다.",
    ),
    "public_compute_gpus_k": Expected(
        "capability_gap",
        -1,
        "Public GPUs add free compute to domestic firms' training (and serving), so their best model closes its gap.",
        "공공 GPU가 국내 기업의 학습(과 서비스)에 무상 컴퓨팅을 더해 최고 국산 모델이 격차를 좁힌다.",
        "Every thousand GPUs costs budget; more small domestic firms stay in the market, and small firms that"
        " skip compliance add to the expected incidents.",
        "GPU 1천 장마다 예산이 들고, 시장에 남는 국내 중소기업이 늘어 법을 지키지 않는 중소기업의 사고 위험이 더해진다.",
        (("incident_risk", 1),),
    ),
    "procurement_domestic_preference": Expected(
        "domestic_share_public",
        1,
        "Public buyers act as if domestic models were cheaper, so more public spending goes to them.",
        "공공 구매자가 국산 모델을 더 싸게 평가해 공공 지출이 국산으로 옮겨간다.",
        "The price premium public buyers pay for domestic models comes out of the budget, and public users may"
        " get weaker models than they would choose on merit.",
        "공공 구매자가 국산 모델에 더 내는 금액은 예산에서 나가고, 공공 이용자는 역량만 보고 고를 때보다 약한 모델을 쓸 수 있다.",
    ),
    "act_stringency": Expected(
        "incident_risk",
        -1,
        "Deeper obligations make complying firms' practice safer, so fewer incidents happen.",
        "의무가 강해지면 준수 기업의 관행이 안전해져 사고가 줄어든다.",
        "Compliance costs raise prices and launch delays hold newer models back, so the market earns less; small"
        " domestic firms bear the most per unit of revenue, so the domestic share slips a little too (less than the"
        " spread between seeds).",
        "준수 비용이 가격을 올리고 출시 지연이 새 모델을 늦춰 시장 매출이 줄어든다. 매출 대비 부담이 가장 큰 국내"
        " 중소기업 때문에 국내 점유율도 조금 줄어든다(시드 간 편차보다 작다).",
        (("market_revenue_usd_bn", -1),),
    ),
    "act_enforcement_probability": Expected(
        "incident_risk",
        -1,
        "Likelier inspections make small firms comply, and complying firms have fewer incidents.",
        "점검 가능성이 높아지면 중소기업도 법을 지키고, 준수 기업은 사고가 적다.",
        "Small firms that now comply pay the Act's compliance costs, and fined firms lose trust.",
        "새로 법을 지키는 중소기업이 준수 비용을 부담하고, 과태료를 받은 기업은 신뢰를 잃는다.",
    ),
    "act_grace_quarters": Expected(
        "incident_risk",
        1,
        "During the grace period firms prepare only partly, so more incidents slip through.",
        "계도 기간에는 기업이 일부만 준비해 사고가 더 많이 난다.",
        "A longer grace period spares firms the Act's costs and fines for longer; the price is the extra incidents.",
        "계도 기간이 길면 기업이 준수 비용과 과태료를 더 오래 피하지만, 그만큼 사고가 더 난다.",
    ),
    "public_data_openness": Expected(
        "domestic_revenue_share",
        1,
        "Open Korean data raises the Korean-language quality firms that train locally can reach, so domestic models win users.",
        "공개된 한국어 데이터가 국내에서 학습하는 기업이 도달할 수 있는 한국어 품질을 높여 국산 모델이 이용자를 얻는다.",
        "Opening the data costs budget, and firms that train abroad (most foreign ones) gain little from it.",
        "데이터 개방에 예산이 들고, 해외에서 학습하는 기업(대부분의 해외 기업)은 얻는 것이 적다.",
    ),
    "partnership_review": Expected(
        "domestic_revenue_share",
        1,
        "Blocking foreign platform deals keeps the platforms' channels with domestic models.",
        "해외 플랫폼 제휴를 막으면 플랫폼 채널이 국산 모델에 남는다.",
        "Platforms lose foreign models their users want (conditions weaken the integration, block stops the"
        " deal), so adoption and market revenue can fall.",
        "플랫폼이 이용자가 원하는 해외 모델을 쓰지 못해(조건부는 연동 제한, 불허는 제휴 중단) 도입과 시장 매출이 줄 수 있다.",
    ),
    "rd_tax_credit": Expected(
        "capability_gap",
        -1,
        "A lower after-tax price of R&D raises domestic investment, and capability with it.",
        "세후 연구개발 비용이 낮아져 국내 투자와 역량이 늘어난다.",
        "The tax forgone counts against the budget, and part of it pays for R&D firms would have done anyway.",
        "줄어든 세수가 예산에 계산되고, 그 일부는 기업이 어차피 했을 연구개발에 돌아간다.",
    ),
    "talent_programme_krw_bn": Expected(
        "capability_gap",
        -1,
        "Talent makes each won of domestic R&D more productive.",
        "인재가 국내 연구개발 1원당 생산성을 높인다.",
        "It costs budget every year, and each extra won adds less: the boost saturates.",
        "매년 예산이 들고, 효과가 포화되어 더 쓸수록 1원당 효과가 작아진다.",
    ),
}


def lever_cost(lever: str, language: str = "en") -> str:
    """One sentence on what ``lever`` costs and what it may hurt (empty for a lever the table does not name)."""
    expected = EXPECTED.get(lever)
    if expected is None:
        return ""
    return expected.cost_ko if language == "ko" else expected.cost_en


def lever_hint(lever: str, language: str = "en") -> str:
    """One sentence on what ``lever`` does (empty for a lever the table does not name)."""
    expected = EXPECTED.get(lever)
    if expected is None:
        return ""
    return expected.reason_ko if language == "ko" else expected.reason_en
