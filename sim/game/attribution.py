"""What each of the player's policies did, by counterfactual runs with the same random numbers.

The player's decisions are split into groups (one per lever, plus one for event
answers), in the order the player first used them. Next to the player's model the
game keeps one model per prefix of that list: the baseline has no decisions (it is
the session's ghost run when one is given, so it is never run twice), ``models[j]``
has the decisions of the first ``j + 1`` groups only, and the player's model has
them all. Every model starts from the same snapshot, so all share the same random
streams (common random numbers). The part of a group in an outcome is its model's
value minus the previous one's: the parts telescope, so they add up exactly to
player minus baseline. A later group's part includes its interaction with the
earlier ones (the order is stated on screen).

A group first used mid-game starts from a copy of the player's model at that
quarter (which until then had exactly the earlier groups), so nothing is re-run.
The copies are made when the quarter is recorded (:meth:`PolicyChain.step`); the
runs themselves may be stepped later, off the window's thread (:meth:`PolicyChain.catch_up`).

Pure Python over the model's public API (``copy``, ``snapshot``/``restore``,
``apply_decision``, ``step``, ``history``, ``firm_history``): no pygame.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CHOICES = "choices"  # the group of event answers


def group_of(key: str) -> str:
    """The group a decision key belongs to: the lever's name, or ``choices`` for event answers."""
    return CHOICES if key.startswith("choice:") else key


@dataclass(frozen=True)
class Decomposition:
    """An outcome's value split into the baseline and one part per policy group.

    ``parts`` are (group, amount) in the order the groups were first used; they add
    up to ``player - baseline`` (telescoping differences of the same runs).
    """

    baseline: float
    player: float
    parts: tuple[tuple[str, float], ...]

    @property
    def total(self) -> float:
        """The whole change the parts add up to."""
        return self.player - self.baseline


class PolicyChain:
    """Counterfactual models for prefixes of the player's policy groups (see the module docstring).

    Args:
        initial: the model before any quarter is played (copied when no ``baseline`` is given).
        baseline: a model with no decisions that its owner steps (the session's ghost); the chain
            reads it and never steps it, so it may lag: an outcome is split only for quarters it has.
    """

    def __init__(self, initial, baseline=None) -> None:
        self.groups: list[str] = []
        self.owns_baseline = baseline is None
        self.baseline = initial.copy() if baseline is None else baseline
        self.models: list = []  # models[j]: the decisions of groups[: j + 1]
        self.quarters: list[dict[str, Any]] = []  # the player's decision of every quarter recorded, in order
        self.done: list[int] = []  # per model: quarters of ``quarters`` it has played
        self.baseline_done = 0
        self._lock = threading.Lock()  # guards the lists above (recording vs catching up on another thread)

    @property
    def behind(self) -> bool:
        """Whether some run has quarters recorded but not yet played (see :meth:`catch_up`)."""
        with self._lock:
            late = any(done < len(self.quarters) for done in self.done)
            return late or (self.owns_baseline and self.baseline_done < len(self.quarters))

    def groups_in(self, decision: Mapping[str, Any]) -> list[str]:
        """The policy groups in the player's decisions so far, in the order first used."""
        seen: list[str] = []
        for key in decision:
            group = group_of(key)
            if group not in seen:
                seen.append(group)
        return seen

    def step(self, player, decision: Mapping[str, Any], snapshot: bytes | None = None) -> None:
        """Record a quarter: call before the player's model applies ``decision`` and steps.

        A group used for the first time gets its run now, a copy of the player (who until now had
        exactly the earlier groups; ``snapshot``: the player's state as bytes, if already made). The
        runs play the quarter in :meth:`catch_up`, which this does not call.
        """
        from sim.model.model import AIMarketModel

        new = [group for group in self.groups_in(decision) if group not in self.groups]
        copies = [AIMarketModel.restore(snapshot) if snapshot is not None else player.copy() for _ in new]
        with self._lock:
            for group, model in zip(new, copies):
                self.models.append(model)
                self.groups.append(group)
                self.done.append(len(self.quarters))
            self.quarters.append(dict(decision))

    def catch_up(self) -> None:
        """Play every run up to the last quarter recorded (one caller at a time: the session's thread)."""
        with self._lock:
            work = [(j, model, set(self.groups[: j + 1])) for j, model in enumerate(self.models)]
            count = len(self.quarters)
        if self.owns_baseline:
            while self.baseline_done < count:
                if not self.baseline.finished:
                    self.baseline.step()
                self.baseline_done += 1
        for j, model, allowed in work:
            while self.done[j] < count:
                decision = self.quarters[self.done[j]]
                if not model.finished:
                    part = {k: v for k, v in decision.items() if group_of(k) in allowed}
                    if part:
                        model.apply_decision(part)
                    model.step()
                self.done[j] += 1

    @classmethod
    def replayed(
        cls, initial_snapshot: bytes, decisions: Mapping[int, Mapping[str, Any]], quarters: int, baseline=None
    ):
        """A chain rebuilt from scratch by replaying ``quarters`` quarters of ``decisions`` (after undo)."""
        from sim.model.model import AIMarketModel

        player = AIMarketModel.restore(initial_snapshot)
        chain = cls(player, baseline)
        for _ in range(quarters):
            decision = dict(decisions.get(player.quarter, {}))
            chain.step(player, decision)
            chain.catch_up()
            if decision:
                player.apply_decision(decision)
            player.step()
        return chain

    # -- reading -------------------------------------------------------------
    def decompose(self, player, key: str, index: int = -1) -> Decomposition | None:
        """Split outcome ``key`` at history row ``index`` (``metric:NAME`` or ``firm:ID``).

        None when the quarter has not been played in every run (the baseline may lag or run ahead:
        rows are matched by their position from the start, the player's ``index``).
        """
        row = len(player.history) + index if index < 0 else index
        if row < 0:
            return None
        runs = [self.baseline, *self.models, player]
        found = [value_of(model, key, row) for model in runs]
        values = [v for v in found if v is not None]
        if len(values) < len(found):
            return None
        parts = tuple((group, values[j + 1] - values[j]) for j, group in enumerate(self.groups))
        return Decomposition(baseline=values[0], player=values[-1], parts=parts)


def value_of(model, key: str, index: int = -1) -> float | None:
    """An outcome's value in history row ``index``: ``metric:NAME``, or ``firm:ID`` (its revenue share)."""
    history = model.history
    if not history or (index >= 0 and index >= len(history)) or (index < 0 and -index > len(history)):
        return None
    row = history[index]
    kind, _, name = key.partition(":")
    if kind == "metric":
        value = row.get(name)
        return None if value is None else float(value)
    if kind == "firm":
        quarter = row["quarter"]
        for firm_row in reversed(model.firm_history):
            if firm_row["quarter"] == quarter and firm_row["firm"] == name:
                return float(firm_row["revenue_share"])
        return 0.0  # not active that quarter: no revenue
    raise ValueError(f"unknown outcome key {key!r}")


def quarter_change(chain: PolicyChain, player, key: str) -> tuple[float, float, list[tuple[str, float]]] | None:
    """Why ``key`` changed in the last quarter played: (total change, the baseline's own change, per-group changes).

    The baseline's change plus the groups' changes add up exactly to the total change
    (each is a difference of the same telescoping parts one quarter apart).
    """
    now = chain.decompose(player, key, -1)
    before = chain.decompose(player, key, -2)
    if now is None or before is None:
        return None
    by_group_before = dict(before.parts)
    parts = [(group, amount - by_group_before.get(group, 0.0)) for group, amount in now.parts]
    return now.player - before.player, now.baseline - before.baseline, parts
