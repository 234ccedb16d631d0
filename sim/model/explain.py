"""Why did a firm's share (or the domestic share) change this quarter?

The logit choice gives each firm a mean utility per segment made of named
parts (capability, Korean quality, price, sovereignty preference, brand,
partner channel, network effect, trust, procurement preference). A firm's
share moves when its parts move relative to its rivals'. These functions
measure, from the model's own quantities, how much each part moved between
two quarters, relative to the revenue-weighted average of the rivals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import market
from sim.model.parameters import SEGMENTS

if TYPE_CHECKING:
    from sim.model.model import AIMarketModel

DRIVERS = {
    "capability": ("Model capability", "모델 성능"),
    "korean": ("Korean-language quality", "한국어 품질"),
    "price": ("Price", "가격"),
    "sovereignty": ("Preference for domestic AI", "국산 AI 선호"),
    "brand": ("Brand and awareness", "브랜드·인지도"),
    "channel": ("Partner platform channel", "제휴 플랫폼 채널"),
    "network": ("Network effect (installed base)", "네트워크 효과(이용자 기반)"),
    "trust": ("Trust (incidents, fines, sentiment)", "신뢰(사고·과태료·여론)"),
    "procurement": ("Public procurement preference", "공공조달 우대"),
}


def utility_components(model: AIMarketModel) -> dict[str, np.ndarray]:
    """Mean utility parts per segment and firm: name -> (segments x firms) array.

    Means are over all rows of a segment weighted by the real adopters they stand for.
    """
    offer = model._offer()
    p = model.params
    segments = len(SEGMENTS)
    firms = len(model.firms)
    mean_taste, group_weight = segment_averages(model)
    channel_weight = np.array([model.scenario_def.segments[s]["channel_weight"] for s in SEGMENTS])
    foreign = 1.0 - offer.domestic
    trust = np.zeros((segments, firms))
    procurement = np.zeros((segments, firms))
    public = model.segment_index["public"]
    for s, name in enumerate(SEGMENTS):
        trust[s] = offer.trust + (p["foreign_trust"] + model.segment_state[name]["foreign_trust"]) * foreign
    procurement[public] = (
        p["procurement_domestic_preference"]
        * model.scenario_def.segments["public"]["price_sensitivity"]
        * offer.domestic
    )
    return {
        "capability": mean_taste[:, [0]] * offer.capability[None, :],
        "korean": mean_taste[:, [1]] * offer.korean_quality[None, :],
        "price": mean_taste[:, [2]] * offer.price[None, :],
        "sovereignty": mean_taste[:, [3]] * offer.domestic[None, :],
        "brand": model.brand[:, :firms].copy(),
        "channel": channel_weight[:, None] * (group_weight @ model._channel_by_group().T),
        "network": market.network_bonus(model.segment_firm_shares[:, :firms], p["network_effect"]),
        "trust": trust,
        "procurement": procurement,
    }


def segment_averages(model: AIMarketModel) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean tastes (segments x 4) and platform-group shares (segments x groups).

    Both depend only on the fixed population, so they are computed once per model.
    """
    cached = getattr(model, "_segment_averages", None)
    if cached is not None:
        return cached
    a = model.adopters
    segments = len(SEGMENTS)
    weights = np.bincount(a.segment, weights=a.weight, minlength=segments)
    mean_taste = (
        np.vstack([np.bincount(a.segment, weights=a.weight * a.tastes[:, k], minlength=segments) for k in range(4)]).T
        / weights[:, None]
    )
    groups = a.group_platforms.shape[0]
    cells = np.bincount(a.segment * groups + a.platform_group, weights=a.weight, minlength=segments * groups)
    group_weight = cells.reshape(segments, groups) / weights[:, None]
    model._segment_averages = (mean_taste, group_weight)
    return model._segment_averages


def _pad(array: np.ndarray, firms: int) -> np.ndarray:
    if array.shape[1] >= firms:
        return array
    out = np.zeros((array.shape[0], firms))
    out[:, : array.shape[1]] = array
    return out


def relative_change(
    before: dict[str, np.ndarray],
    after: dict[str, np.ndarray],
    revenue: np.ndarray,
    mask: np.ndarray,
) -> list[tuple[str, float]]:
    """How much each part moved for the firms in ``mask`` relative to the others.

    revenue: (segments x firms) this quarter's revenue, used to weight segments
    and firms. Returns (driver, change in utility units), largest first.
    """
    firms = revenue.shape[1]
    out = []
    segment_weight = revenue[:, mask].sum(axis=1)
    if segment_weight.sum() <= 0:
        segment_weight = np.ones(revenue.shape[0])
    segment_weight = segment_weight / segment_weight.sum()
    for name in DRIVERS:
        delta = _pad(after[name], firms) - _pad(before[name], firms)
        change = 0.0
        for s in range(revenue.shape[0]):
            own_w = revenue[s, mask]
            rival_w = revenue[s, ~mask]
            own = np.average(delta[s, mask], weights=own_w) if own_w.sum() > 0 else delta[s, mask].mean()
            rival = np.average(delta[s, ~mask], weights=rival_w) if rival_w.sum() > 0 else 0.0
            change += segment_weight[s] * (own - rival)
        out.append((name, float(change)))
    out.sort(key=lambda item: -abs(item[1]))
    return out


def explain(model: AIMarketModel, firm_id: str | None = None, language: str = "en") -> list[dict]:
    """The drivers of the last quarter's change for one firm, or for domestic firms (``None``).

    Each item: ``driver`` (key), ``label``, ``change`` (utility units; positive
    helped the firm or the domestic side). Empty before the second quarter.
    """
    if not model.previous_drivers or not model.drivers:
        return []
    revenue = model.segment_revenue
    firms = revenue.shape[1]
    if firm_id is None:
        mask = np.array([f.domestic for f in model.firms[:firms]])
    else:
        mask = np.array([f.firm_id == firm_id for f in model.firms[:firms]])
    if not mask.any() or mask.all():
        return []
    index = 1 if language == "ko" else 0
    return [
        {"driver": name, "label": DRIVERS[name][index], "change": change}
        for name, change in relative_change(model.previous_drivers, model.drivers, revenue, mask)
    ]
