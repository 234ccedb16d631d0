"""Scheduled and random events, and the effects they have on the world.

Events due next quarter are drawn at the end of the previous one (from their
own random stream), so a caller can show them and answer choice events before
they take effect. An effect changes a firm, a segment, a parameter, signs a
partnership (subject to the regulator's review), or brings a firm in or out.
Shocks fade: trust shocks decay with the scenario's trust half-life, and the
additive effects of an event with ``half_life_quarters`` decay with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.model import AIMarketModel


def due_events(events: list[dict], quarter: int, fired: set[str], rng: np.random.Generator) -> list[dict]:
    """Events that happen in ``quarter``: scheduled ones at it, random ones that draw true.

    Every random event in its window draws once per quarter whether or not it
    fires, so the stream does not depend on which events fired before.
    """
    out = []
    for event in events:
        if event["at"] is not None:
            if event["at"] == quarter:
                out.append(event)
            continue
        in_window = (event["start"] is None or quarter >= event["start"]) and (
            event["until"] is None or quarter <= event["until"]
        )
        draw = rng.random()
        if in_window and not (event["once"] and event["id"] in fired) and draw < event["probability_per_quarter"]:
            out.append(event)
    return out


def _apply_fields(target, fields: dict, op: str, clamp: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Apply ``op`` to each field, kept within ``clamp``; returns the change actually made to each."""
    applied = {}
    for name, amount in fields.items():
        old = getattr(target, name) if not isinstance(target, dict) else target[name]
        new = {"add": old + amount, "multiply": old * amount, "set": amount}[op]
        lo, hi = clamp.get(name, (-1e12, 1e12))
        new = min(max(new, lo), hi)
        if isinstance(target, dict):
            target[name] = new
        else:
            setattr(target, name, new)
        applied[name] = new - old
    return applied


# Fields an event may change, and the range each is kept in (what the equations can take).
FIRM_LIMITS = {
    "capability": (0.0, 1.5),
    "anchor_capability": (0.0, 1.5),
    "korean_quality": (0.0, 1.0),
    "price": (0.05, 5.0),
    "cash_usd_bn": (-1e4, 1e4),
    "base_investment_usd_bn_per_year": (0.0, 1e4),
    "trust": (-10.0, 10.0),
}
SEGMENT_LIMITS = {
    "foreign_trust": (-10.0, 10.0),
    "bass_p": (0.0, 1.0),
    "bass_q": (0.0, 10.0),
    "outside_utility": (-50.0, 50.0),
    "frontier_value_weight": (0.0, 10.0),
}


def fade_shocks(model: AIMarketModel) -> None:
    """Start of quarter: market-wide trust shocks decay; events' fading additive effects decay."""
    decay = 0.5 ** (1.0 / model.params["trust_half_life_quarters"])
    for state in model.segment_state.values():
        state["foreign_trust"] *= decay
    kept = []
    for shock in model.shocks:
        fade = shock["remaining"] * (1.0 - 0.5 ** (1.0 / shock["half_life"]))
        target = model.firm_by_id[shock["id"]] if shock["kind"] == "firm" else model.segment_state[shock["id"]]
        _apply_fields(
            target, {shock["field"]: -fade}, "add", FIRM_LIMITS if shock["kind"] == "firm" else SEGMENT_LIMITS
        )
        shock["remaining"] -= fade
        if abs(shock["remaining"]) > 1e-6:
            kept.append(shock)
    model.shocks = kept


def apply_effects(model: AIMarketModel, effects: list[dict], quarter: int, half_life: float | None = None) -> None:
    """Apply a list of validated effects to the model; with ``half_life`` (quarters) additive ones fade."""
    for effect in effects:
        if effect["firm"] is not None or effect["segment"] is not None:
            is_firm = effect["firm"] is not None
            key = effect["firm"] if is_firm else effect["segment"]
            target = model.firm_by_id[key] if is_firm else model.segment_state[key]
            limits = FIRM_LIMITS if is_firm else SEGMENT_LIMITS
            added = _apply_fields(target, effect["add"], "add", limits)
            for op in ("multiply", "set"):
                _apply_fields(target, effect[op], op, limits)
            if half_life:
                # what fades is what was actually added (a clamped push must not eat the base value)
                for name, amount in added.items():
                    kind = "firm" if is_firm else "segment"
                    model.shocks.append(
                        {"kind": kind, "id": key, "field": name, "remaining": amount, "half_life": half_life}
                    )
        elif effect["partnership"] is not None:
            deal = dict(effect["partnership"])
            partner = model.partner_by_id[deal["partner"]]
            if partner.pending is not None and partner.pending["provider"] in model.firm_by_id:
                # the platform (a player's role) answers the offer with its own choice
                offered = model.firm_by_id[deal["provider"]]
                deal["provider"], deal["deal"] = partner.pending["provider"], partner.pending.get("deal")
                partner.pending = None
                if deal["provider"] != offered.firm_id:
                    chosen = model.firm_by_id[deal["provider"]]
                    model.add_news(
                        quarter,
                        "partnership",
                        f"{partner.name} turns down {offered.name} and picks {chosen.name}",
                        f"{partner.name_ko}, {offered.name_ko} 제안을 거절하고 {chosen.name_ko} 선택",
                    )
            firm = model.firm_by_id[deal["provider"]]
            if not firm.available:
                model.add_news(
                    quarter,
                    "partnership_void",
                    f"{partner.name}–{firm.name}: the provider is not in the market; no deal",
                    f"{partner.name_ko}–{firm.name_ko}: 공급자가 시장에 없어 제휴 무산",
                )
                continue
            decision = model.regulator.review(partner, firm)
            if decision == "block":
                model.add_news(
                    quarter,
                    "review",
                    f"Regulator blocks {partner.name}–{firm.name} partnership",
                    f"규제 당국, {partner.name_ko}–{firm.name_ko} 제휴 불허",
                )
                continue
            kind = deal.get("deal") or model.default_deal
            partner.sign(firm.index, quarter, decision, kind)
            model.regulator.explain_review(partner, firm, quarter)
            partner.contract_end = quarter + deal["quarters"]
            suffix = " (with conditions)" if decision == "conditions" else ""
            model.add_news(
                quarter,
                "partnership",
                f"{partner.name} partners with {firm.name}: {kind}{suffix}",
                f"{partner.name_ko}–{firm.name_ko} 제휴" + (" (조건부)" if decision == "conditions" else ""),
            )
        elif effect["parameter"] is not None:
            model.params[effect["parameter"]] = effect["value"]
        elif effect["enter"] is not None:
            model.activate_firm(model.firm_by_id[effect["enter"]], quarter)
        elif effect["exit"] is not None:
            model.retire_firm(model.firm_by_id[effect["exit"]], quarter, reason="event")
