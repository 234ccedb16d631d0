"""Scheduled and random events, and the effects they have on the world.

Events due next quarter are drawn at the end of the previous one (from their
own random stream), so a caller can show them and answer choice events before
they take effect. An effect changes a firm, a segment, a parameter, signs a
partnership (subject to the regulator's review), or brings a firm in or out.
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


def _apply_fields(target, fields: dict, op: str, clamp: dict[str, tuple[float, float]]) -> None:
    for name, amount in fields.items():
        old = getattr(target, name) if not isinstance(target, dict) else target[name]
        new = {"add": old + amount, "multiply": old * amount, "set": amount}[op]
        lo, hi = clamp.get(name, (-1e12, 1e12))
        new = min(max(new, lo), hi)
        if isinstance(target, dict):
            target[name] = new
        else:
            setattr(target, name, new)


FIRM_LIMITS = {
    "capability": (0.0, 1.5),
    "korean_quality": (0.0, 1.0),
    "price": (0.1, 3.0),
    "compute_k_gpus": (0.0, 1e6),
    "rd_usd_bn_per_year": (0.0, 1e4),
}
SEGMENT_LIMITS = {"adoption_ceiling": (0.0, 1.0), "bass_q": (0.0, 3.0), "spend_usd_per_adopter_per_year": (0.0, 1e9)}


def apply_effects(model: AIMarketModel, effects: list[dict], quarter: int) -> None:
    """Apply a list of validated effects to the model."""
    for effect in effects:
        if effect["firm"] is not None:
            firm = model.firm_by_id[effect["firm"]]
            for op in ("add", "multiply", "set"):
                _apply_fields(firm, effect[op], op, FIRM_LIMITS)
        elif effect["segment"] is not None:
            state = model.segment_state[effect["segment"]]
            for op in ("add", "multiply", "set"):
                _apply_fields(state, effect[op], op, SEGMENT_LIMITS)
        elif effect["partnership"] is not None:
            deal = effect["partnership"]
            partner = model.partner_by_id[deal["partner"]]
            firm = model.firm_by_id[deal["provider"]]
            if not firm.available:
                model.add_news(quarter, "partnership_void", f"{partner.name}–{firm.name}: provider not in the market")
                continue
            decision = model.regulator.review(partner, firm)
            if decision == "block":
                model.add_news(
                    quarter,
                    "review",
                    f"Regulator blocks {partner.name}–{firm.name} partnership",
                    f"규제 당국이 {partner.name}–{firm.name} 제휴를 불허",
                )
                continue
            partner.sign(firm.index, deal["quarters"], quarter, decision)
            suffix = " (with conditions)" if decision == "conditions" else ""
            model.add_news(
                quarter,
                "partnership",
                f"{partner.name} partners with {firm.name}{suffix}",
                f"{partner.name}, {firm.name}와 제휴" + (" (조건부)" if decision == "conditions" else ""),
            )
        elif effect["parameter"] is not None:
            model.params[effect["parameter"]] = effect["value"]
        elif effect["enter"] is not None:
            model.activate_firm(model.firm_by_id[effect["enter"]], quarter)
        elif effect["exit"] is not None:
            model.retire_firm(model.firm_by_id[effect["exit"]], quarter, reason="event")
