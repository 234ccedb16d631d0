"""Measure decision logs over a lesson's class seeds: teacher notes, ``aisim lesson check``.

One pool runs every (policy, seed) job; each policy is scored with its role's
objectives, so the notes' numbers come from the same machinery as fair scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.classroom.lesson import Lesson, Role, Strategy
from sim.classroom.scoring import replay_many, role_rows, score_role
from sim.objectives import aggregate
from sim.timeline import quarter_label

# Outcomes every measured table shows, besides the role's own objectives.
CONTEXT_METRICS = (
    ("domestic_revenue_share", "final_year_mean"),
    ("consumer_surplus", "final_year_sum"),
    ("hhi", "final_year_mean"),
)


@dataclass(frozen=True)
class Measured:
    """One policy's scores and outcomes over the class seeds."""

    id: str
    label: Mapping[str, str]
    role: Role
    decisions: Mapping[int, Mapping[str, Any]]
    scores: tuple[float, ...]
    outcomes: Mapping[str, float]  # metric -> mean over seeds (objective and context metrics)

    @property
    def mean(self) -> float:
        """Mean score over the seeds (nan when not measured)."""
        return float(np.mean(self.scores)) if self.scores else float("nan")

    @property
    def p05(self) -> float:
        """5th percentile of the scores."""
        return float(np.percentile(self.scores, 5)) if self.scores else float("nan")

    @property
    def p95(self) -> float:
        """95th percentile of the scores."""
        return float(np.percentile(self.scores, 95)) if self.scores else float("nan")


def builtin_sweep(lesson: Lesson, role: Role) -> list[Strategy]:
    """The lesson's strategies for ``role`` plus, for a regulator, each lever at its extremes from the start.

    Firm and partner roles get a few standard moves (price down/up, more R&D).
    """
    out = [s for s in lesson.strategies if s.role == role.id]
    start = lesson.scenario.start
    known = {tuple(sorted((k, str(v)) for d in s.decisions.values() for k, v in d.items())) for s in out}

    def add(sid: str, en: str, decision: dict) -> None:
        key = tuple(sorted((k, str(v)) for k, v in decision.items()))
        if key not in known:
            known.add(key)
            out.append(Strategy(sid, role.id, {"en": en, "ko": en}, {start: decision}))

    if role.kind == "regulator":
        for name in role.levers:
            spec = lesson.scenario.parameters[name]
            if spec.type == "choice":
                for option in spec.options:
                    if option != spec.default:
                        add(f"{name}={option}", f"{name} = {option}", {name: option})
            elif spec.type == "bool":
                add(f"{name}={not spec.default}", f"{name} = {not spec.default}", {name: not spec.default})
            else:
                for value in (spec.min, spec.max):
                    typed = spec.coerce(value)
                    if typed != spec.default:
                        add(f"{name}={typed:g}", f"{name} = {typed:g}", {name: typed})
    elif role.kind == "firm":
        key = f"firm:{role.firm}"
        add("price_low", "price 0.7", {key: {"price": 0.7}})
        add("price_high", "price 1.5", {key: {"price": 1.5}})
        add("rd_high", "R&D USD 3 bn/yr", {key: {"rd_usd_bn_per_year": 3.0}})
        add("korean_high", "Korean-language USD 0.5 bn/yr", {key: {"korean_usd_bn_per_year": 0.5}})
        add("bids_high", "partner bids USD 0.5 bn/yr", {key: {"partner_bid_usd_bn_per_year": 0.5}})
    elif role.kind == "partner":
        key = f"partner:{role.partner}"
        platform = next(p for p in lesson.scenario.partners if p.id == role.partner)
        firms = {f["id"]: f for f in lesson.scenario.firms}
        candidates = [platform.own_model, platform.provider]
        candidates += [
            max((f for f in firms.values() if f["origin"] == o), key=lambda f: f["capability"])["id"]
            for o in ("domestic", "foreign")
            if any(f["origin"] == o for f in firms.values())
        ]
        for provider in dict.fromkeys(c for c in candidates if c in firms):
            for deal in ("integration", "exclusive"):
                add(f"{provider}_{deal}", f"{provider}, {deal}", {key: {"provider": provider, "deal": deal}})
    return out


def measure(
    lesson: Lesson,
    policies: Sequence[Strategy],
    seeds: Sequence[int] | None = None,
    workers: int | None = None,
    progress=None,
) -> list[Measured]:
    """Run every policy on every seed (one pool) and score it with its role's objectives."""
    seeds = list(lesson.class_seeds if seeds is None else seeds)
    jobs, owners = [], []
    for index, policy in enumerate(policies):
        for seed in seeds:
            jobs.append((lesson.scenario, seed, {q: dict(d) for q, d in policy.decisions.items()}))
            owners.append(index)
    runs = replay_many(jobs, workers, progress=progress)
    by_policy: dict[int, list] = {}
    for index, run in zip(owners, runs):
        by_policy.setdefault(index, []).append(run)
    out = []
    for index, policy in enumerate(policies):
        role = lesson.role(policy.role)
        policy_runs = by_policy.get(index, [])
        scores = tuple(score_role(role, r.quarters, r.firms).score for r in policy_runs)
        outcomes: dict[str, float] = {}
        for objective in role.objectives:
            name = objective["metric"] if not objective["metric"].startswith("firm.") else None
            values = []
            for run in policy_runs:
                rows = role_rows(role, run.quarters, run.firms)
                metric = name or f"{objective['metric']}@{objective['firm']}"
                values.append(aggregate(rows, metric, objective["aggregate"]))
            outcomes[objective["id"]] = float(np.mean(values))
        for metric, how in CONTEXT_METRICS:
            outcomes[metric] = float(np.mean([aggregate(r.quarters, metric, how) for r in policy_runs]))
        out.append(Measured(policy.id, policy.label, role, policy.decisions, scores, outcomes))
    return out


def describe_decisions(decisions: Mapping[int, Mapping[str, Any]]) -> str:
    """``2024Q1: partnership_review=block`` (decision logs in one line)."""
    if not decisions:
        return "no changes"
    parts = []
    for quarter in sorted(decisions):
        items = ", ".join(f"{k}={v}" for k, v in decisions[quarter].items())
        parts.append(f"{quarter_label(quarter)}: {items}")
    return "; ".join(parts)
