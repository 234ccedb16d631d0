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
    "capability": ("Model capability", "모델 역량"),
    "korean": ("Korean-language quality", "한국어 품질"),
    "price": ("Price", "가격"),
    "sovereignty": ("Preference for domestic AI", "국산 AI 선호"),
    "brand": ("Brand and awareness", "브랜드·인지도"),
    "channel": ("Partner platform channel", "제휴 플랫폼 채널"),
    "network": ("Network effect (installed base)", "네트워크 효과(이용자 기반)"),
    "trust": ("Trust (incidents, fines, sentiment)", "신뢰(사고·과태료·여론)"),
    "procurement": ("Public procurement preference", "공공조달 우대"),
}


def utility_components(model: AIMarketModel, offer: market.FirmOffer | None = None) -> dict[str, np.ndarray]:
    """Mean utility parts per segment and firm: name -> (segments x firms) array.

    Means are over all rows of a segment weighted by the real adopters they stand for.
    ``offer``: the model's offers now, if the caller has them already.
    """
    offer = model._offer() if offer is None else offer
    segments = len(SEGMENTS)
    firms = len(model.firms)
    mean_taste, _ = segment_averages(model)
    # the taste parts in one product: (segments x 4 tastes x firms), the tastes in Adopters.tastes' order
    taste_parts = mean_taste[:, :, None] * offer.attributes()[None, :, :]
    # the network effect and foreign trust are the terms the choices use (kept by the model until they change)
    _, network, foreign = model._segment_parts(firms)
    procurement = np.zeros((segments, firms))
    procurement[model.segment_index["public"]] = model.procurement_bonus(offer)
    return {
        "capability": taste_parts[:, 0],
        "korean": taste_parts[:, 1],
        "price": taste_parts[:, 2],
        "sovereignty": taste_parts[:, 3],
        "brand": model.brand[:, :firms].copy(),
        "channel": _mean_channel_utility(model).copy(),
        "network": network,
        "trust": offer.trust[None, :] + foreign,
        "procurement": procurement,
    }


def _mean_channel_utility(model: AIMarketModel) -> np.ndarray:
    """(segments x firms) channel utility averaged over each segment's platform groups.

    Kept with the model's channel strengths, which change only with partnerships.
    """
    channel = model._channel_by_group()
    cached = getattr(model, "_mean_channel_cache", None)
    if cached is None or cached[0] is not channel:
        _, group_weight = segment_averages(model)
        channel_weight = np.array([model.scenario_def.segments[s].channel_weight for s in SEGMENTS])
        cached = (channel, channel_weight[:, None] * (group_weight @ channel.T))
        model._mean_channel_cache = cached
    return cached[1]


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
        np.vstack([np.bincount(a.segment, weights=a.weight * a.tastes[k], minlength=segments) for k in range(4)]).T
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


def _own_minus_rival(
    before: dict[str, np.ndarray], after: dict[str, np.ndarray], revenue: np.ndarray, mask: np.ndarray
) -> dict[str, np.ndarray]:
    """Per driver, per segment: how much the part moved for ``mask``'s firms minus their rivals (utility units).

    Firms are weighted by this quarter's revenue in the segment (equally when they have none).
    """
    firms = revenue.shape[1]
    out = {}
    for name in DRIVERS:
        delta = _pad(after[name], firms) - _pad(before[name], firms)
        moved = np.zeros(revenue.shape[0])
        for s in range(revenue.shape[0]):
            own_w = revenue[s, mask]
            rival_w = revenue[s, ~mask]
            own = np.average(delta[s, mask], weights=own_w) if own_w.sum() > 0 else delta[s, mask].mean()
            rival = np.average(delta[s, ~mask], weights=rival_w) if rival_w.sum() > 0 else 0.0
            moved[s] = own - rival
        out[name] = moved
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
    segment_weight = revenue[:, mask].sum(axis=1)
    if segment_weight.sum() <= 0:
        segment_weight = np.ones(revenue.shape[0])
    segment_weight = segment_weight / segment_weight.sum()
    moved = _own_minus_rival(before, after, revenue, mask)
    out = [(name, float(segment_weight @ moved[name])) for name in DRIVERS]
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


# ---------------------------------------------------------------------- outcomes
OUTCOME_DRIVERS = {
    "adopters": ("More people using or aware of AI", "AI를 알거나 쓰는 사람 증가"),
    "spend": ("Spending per adopter", "이용자당 지출"),
    "prices": ("Prices", "가격"),
    "choice_value": ("Better or cheaper choices", "더 좋거나 싼 선택지"),
    "frontier": ("Frontier moved ahead", "최고 수준 모델의 발전"),
    "catch_up": ("Domestic catch-up", "국내 추격"),
    "leader": ("New best domestic model", "최고 국산 모델 교체"),
    "mix": ("Segment mix and other effects", "부문 구성 변화 등 기타"),
}

# share outcome -> (the side whose share it is, the segments it covers)
SHARE_OUTCOMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "domestic_revenue_share": ("domestic", SEGMENTS),
    "foreign_revenue_share": ("foreign", SEGMENTS),
    "sovereignty_index": ("domestic", ("enterprise", "public")),
    "domestic_share_consumer": ("domestic", ("consumer",)),
    "domestic_share_enterprise": ("domestic", ("enterprise",)),
    "domestic_share_public": ("domestic", ("public",)),
}


def _share_drivers(model: AIMarketModel, metric: str, index: int) -> list[tuple[str, str, float]]:
    """A share outcome's change split over the utility parts, in share units, adding up to the change.

    In a logit a group's share s moves by about s (1 - s) per unit of utility it gains on its
    rivals among those who choose, so each part's own-minus-rival move is scaled by
    s (1 - s) times the share of the segment that chose this quarter, and weighted by the
    segment's revenue; what that linear split leaves (segments growing at different speeds,
    the outside option, choices still catching up with earlier moves) is the "mix" item, so
    the parts sum to the change shown.
    """
    revenue = model.segment_revenue
    firms = revenue.shape[1]
    side, covered = SHARE_OUTCOMES[metric]
    domestic = np.array([f.domestic for f in model.firms[:firms]])
    mask = domestic if side == "domestic" else ~domestic
    if not mask.any() or mask.all():
        return []
    rows = [SEGMENTS.index(name) for name in covered]
    totals = revenue[rows].sum(axis=1)
    if totals.sum() <= 0:
        return []
    weight = totals / totals.sum()
    share = np.divide(revenue[rows][:, mask].sum(axis=1), totals, out=np.zeros(len(rows)), where=totals > 0)
    moved = _own_minus_rival(model.previous_drivers, model.drivers, revenue, mask)
    slope = weight * share * (1.0 - share) * model.chose_share[rows]
    out = [(name, DRIVERS[name][index], float(slope @ moved[name][rows])) for name in DRIVERS]
    total = model.history[-1][metric] - model.history[-2][metric]
    out.append(("mix", OUTCOME_DRIVERS["mix"][index], total - sum(v for _, _, v in out)))
    return out


def outcome_parts(model: AIMarketModel, shares: np.ndarray) -> dict:
    """The quantities outcome explanations compare between quarters (recorded every quarter)."""
    segments = len(SEGMENTS)
    adopted = model.served_weight
    e = model.params["usage_capability_elasticity"]
    spend = model._usage_base() * model.frontier_level**e * model.price_level  # per adopter at price index 1
    revenue = model.segment_revenue.sum(axis=1) * 1e9
    price = np.divide(revenue, adopted * spend, out=np.ones(segments), where=adopted * spend > 0)
    domestic = [f for f in model.firms if f.available and f.domestic]
    best = max(domestic, key=lambda f: (f.capability, -f.index), default=None)
    growth = (1.0 + model.params["frontier_growth_per_year"]) ** 0.25 - 1.0
    return {
        "adopters": adopted,
        "spend": spend,
        "price": price,
        "firm_shares": {f.firm_id: float(shares[f.index]) for f in model.firms if f.index < shares.shape[0]},
        "firm_names": {f.firm_id: f.name for f in model.firms},
        "firm_names_ko": {f.firm_id: f.name_ko for f in model.firms},
        "surplus": dict(model.surplus_parts),
        "best_domestic": None
        if best is None
        else {"id": best.firm_id, "name": best.name, "rate": best.catch_up_rate, "growth": growth},
        "capability_before": {f.firm_id: f.capability for f in model.firms},
    }


def _log_parts(before: float, after: float, parts: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Split ``after - before`` of a product into its factors' shares (log-change weights)."""
    total = after - before
    logs = {k: np.log(b1 / b0) if b0 > 0 and b1 > 0 else 0.0 for k, (b0, b1) in parts.items()}
    log_total = sum(logs.values())
    if abs(log_total) < 1e-12:
        return {k: 0.0 for k in parts}
    return {k: total * v / log_total for k, v in logs.items()}


def explain_outcome(model: AIMarketModel, metric: str, language: str = "en") -> list[dict]:
    """The drivers of last quarter's change in an outcome, in the outcome's own units.

    Market revenue splits into adopters, spend per adopter and prices (per
    segment, log-change shares); consumer surplus into adopters, spend and the
    value of the choice set; HHI into the firms whose squared shares moved; the
    capability gap into the frontier's advance and domestic catch-up; domestic
    shares and sovereignty into utility parts (see :func:`explain`). Each item:
    ``driver``, ``label``, ``change``; empty when there is nothing to compare.
    """
    before, after = model.previous_outcome_parts, model.outcome_parts
    if not before or not after or len(model.history) < 2:
        return []
    index = 1 if language == "ko" else 0
    out: list[tuple[str, str, float]] = []

    def label(key: str) -> str:
        return OUTCOME_DRIVERS[key][index]

    if metric in SHARE_OUTCOMES:
        if not model.previous_drivers or not model.drivers:
            return []
        out = _share_drivers(model, metric, index)
    elif metric == "market_revenue_usd_bn":
        totals = {"adopters": 0.0, "spend": 0.0, "prices": 0.0}
        for s in range(len(SEGMENTS)):
            r0 = before["adopters"][s] * before["spend"][s] * before["price"][s] / 1e9
            r1 = after["adopters"][s] * after["spend"][s] * after["price"][s] / 1e9
            parts = _log_parts(
                r0,
                r1,
                {
                    "adopters": (before["adopters"][s], after["adopters"][s]),
                    "spend": (before["spend"][s], after["spend"][s]),
                    "prices": (before["price"][s], after["price"][s]),
                },
            )
            for key, value in parts.items():
                totals[key] += value
        out = [(k, label(k), v) for k, v in totals.items()]
    elif metric == "consumer_surplus":
        b, a = before["surplus"], after["surplus"]
        if b and a:
            cs0 = b["aware"] * b["per_person_usd"] / 1e9
            cs1 = a["aware"] * a["per_person_usd"] / 1e9
            parts = _log_parts(
                cs0,
                cs1,
                {"adopters": (b["aware"], a["aware"]), "choice_value": (b["per_person_usd"], a["per_person_usd"])},
            )
            out = [(k, label(k), v) for k, v in parts.items()]
    elif metric == "hhi":
        names = after.get("firm_names_ko", after["firm_names"]) if index else after["firm_names"]
        ids = set(before["firm_shares"]) | set(after["firm_shares"])
        for firm_id in sorted(ids):
            s0 = before["firm_shares"].get(firm_id, 0.0)
            s1 = after["firm_shares"].get(firm_id, 0.0)
            out.append((f"firm:{firm_id}", names.get(firm_id, firm_id), (100 * s1) ** 2 - (100 * s0) ** 2))
    elif metric == "capability_gap":
        best0, best1 = before["best_domestic"], after["best_domestic"]
        if best0 and best1:
            c0 = before["capability_before"][best0["id"]]  # best firm's capability a quarter ago
            g, r = best1["growth"], next(f.catch_up_rate for f in model.firms if f.firm_id == best0["id"])
            # c' = c (1 - r) / (1 + g) + r  =>  c' - c = r (1 - c / (1 + g)) - c g / (1 + g)
            frontier = c0 * g / (1.0 + g)  # the gap widens by this much
            catch_up = r * (1.0 - c0 / (1.0 + g))  # and narrows by this much
            total = model.history[-1]["capability_gap"] - model.history[-2]["capability_gap"]
            out = [("frontier", label("frontier"), frontier), ("catch_up", label("catch_up"), -catch_up)]
            rest = total - (frontier - catch_up)
            if best0["id"] != best1["id"] or abs(rest) > 1e-9:
                out.append(("leader", label("leader"), rest))
    out.sort(key=lambda item: -abs(item[2]))
    return [{"driver": d, "label": lab, "change": float(v)} for d, lab, v in out]
