"""A game in progress: the player's model, the ghost baseline, undo snapshots, saves.

Pure Python (no pygame), so the whole game logic is testable headless. The
player's choices reach the model only through ``apply_decision`` right before a
quarter is stepped, which is exactly what :func:`sim.runner.simulate` does on
replay, so a saved game replays to identical numbers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sim.errors import OverrideError, describe
from sim.game.attribution import PolicyChain, quarter_change
from sim.objectives import Scorecard, evaluate
from sim.params import ParameterSpec, Value
from sim.saves import SavedGame, load_save, write_save
from sim.scenario import Scenario

MAX_UNDO = 16  # undo points kept (~6 MB each for the full Korea scenario)
# Quarters between undo points while autoplay runs: a point costs a pickle of the model (~20-30 ms
# holding the interpreter, a stutter in the window); undo replays the quarters after the nearest point.
AUTOPLAY_UNDO_EVERY = 4


SAVE_DIR_ENV = "AISIM_SAVE_DIR"


def save_dir() -> Path:
    """Where the game keeps its autosave (``$AISIM_SAVE_DIR`` or ``~/.aisim``)."""
    return Path(os.environ.get(SAVE_DIR_ENV) or Path.home() / ".aisim").expanduser()


def autosave_path() -> Path:
    """Where the autosave of this user lives (AISIM_SAVE_DIR or ~/.aisim)."""
    return save_dir() / "autosave.json"


class GameSession:
    """One played game.

    Args:
        scenario: the scenario being played (loaded, or a bundled name or path).
        seed: the run's seed (a whole number from 0 to 2**63-1).
        script: decisions to replay (quarter -> decision), applied as the game reaches
            each quarter (used by ``--load`` to fast-forward and by "watch replay").
        ghost: keep a second model stepped with no decisions, for the baseline lines.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        script: Mapping[int, Mapping[str, Any]] | None = None,
        ghost: bool = True,
    ) -> None:
        from sim.core.arguments import mapping_arg, scenario_arg, seed_arg
        from sim.model.model import AIMarketModel  # imported here: mesa takes ~1 s, the start screen needs none

        self.scenario = scenario = scenario_arg(scenario)
        self.seed = seed_arg(seed)
        self.model = AIMarketModel(scenario, seed=self.seed)
        self.ghost = AIMarketModel(scenario, seed=self.seed) if ghost else None
        # counterfactual runs for the Why panel (same random numbers as the player's), with the ghost as
        # their baseline (it is the same run: no decisions, same seed)
        self.initial_snapshot = self.model.snapshot() if ghost else None
        self._chain: PolicyChain | None = PolicyChain(self.model, self.ghost) if ghost else None
        self.script: dict[int, dict[str, Any]] = {
            self._script_quarter(q): mapping_arg(d, f"script[{q!r}]")
            for q, d in mapping_arg(script, "script", text_keys=False).items()
        }
        self.pending: dict[str, Value] = {}
        self.answers: dict[str, str] = {}
        self.undo_stack: list[tuple[int, bytes]] = []  # (quarters played at the point, snapshot)
        self.undo_every = 1  # quarters between undo points (the dashboard raises it during autoplay)
        self.version = 0  # bumps whenever the player's data changes (charts re-draw on it)
        self._ghost_thread: threading.Thread | None = None
        # The player's model is stepped and pickled one at a time (the budget check pickles it on a
        # worker thread); its snapshot is made once per quarter and is also the next undo point.
        self._lock = threading.RLock()
        self._ghost_lock = threading.Lock()  # one thread at a time plays the ghost and the Why runs
        self._state: tuple[tuple, bytes] | None = None  # (fingerprint of the model's state, its snapshot)
        # A loaded scenario's parameters come back sorted by name (the saved document is canonical
        # JSON), so a save also records the order the levers were shown in.
        self.lever_order: list[str] = [spec.name for spec in scenario.parameters.of_kind("lever")]

    # -- reading -----------------------------------------------------------
    @property
    def finished(self) -> bool:
        """Whether the scenario has ended."""
        return self.model.finished

    @property
    def history(self) -> list[dict]:
        """The outcome rows played so far."""
        return self.model.history

    @property
    def ghost_history(self) -> list[dict]:
        """The baseline's outcome rows for the quarters the player has played."""
        if self.ghost is None:
            return []
        return self.ghost.history[: len(self.model.history)]

    @property
    def data_key(self) -> tuple[int, int]:
        """Changes whenever anything drawn from this session changes (player or ghost)."""
        return self.version, len(self.ghost.history) if self.ghost is not None else 0

    @property
    def ghost_behind(self) -> bool:
        """Whether the baseline run, or one of the Why panel's runs, has not yet played the player's quarters."""
        chain = self._chain
        if chain is not None and chain.behind:
            return True
        return self.ghost is not None and not self.ghost.finished and len(self.ghost.history) < len(self.model.history)

    @property
    def decisions(self) -> dict[int, dict[str, Any]]:
        """Decisions applied so far, quarter -> decision (what a save holds)."""
        return {q: dict(d) for q, d in self.model.decision_log.items() if d}

    @property
    def levers(self) -> list[ParameterSpec]:
        """The scenario's levers in the order its author wrote them (kept across a save and load)."""
        specs = list(self.scenario.parameters.of_kind("lever"))
        if not self.lever_order:
            return specs
        rank = {name: k for k, name in enumerate(self.lever_order)}
        return sorted(specs, key=lambda spec: rank.get(spec.name, len(rank)))

    @property
    def total_quarters(self) -> int:
        """Quarters in the scenario."""
        return self.scenario.end - self.scenario.start + 1

    @property
    def played_quarters(self) -> int:
        """Quarters played so far."""
        return len(self.model.history)

    def lever_value(self, name: str) -> Value:
        """The value a lever will have next quarter (the pending change, else current); OverrideError for
        a name that is no parameter."""
        if not isinstance(name, str) or name not in self.model.params:
            raise self.scenario.parameters.unknown_name_error(name if isinstance(name, str) else repr(name))
        return self.pending.get(name, self.model.params[name])

    def choice_events(self) -> list[dict]:
        """Events firing next quarter that ask the player to choose."""
        return [e for e in self.model.pending_events if e["choices"]]

    def unanswered_events(self) -> list[dict]:
        """Events due next quarter that ask a question not yet answered."""
        return [e for e in self.choice_events() if e["id"] not in self.answers]

    def lever_costs(self) -> dict[str, float]:
        """Planned KRW bn/yr of each spending lever at the values set for next quarter."""
        return self.model.regulator.lever_costs_krw_bn_per_year(self.pending)

    def budget_krw_bn_per_year(self) -> float:
        """The scenario's yearly policy budget, KRW bn."""
        return float(self.model.params.get("policy_budget_krw_bn_per_year", 0.0))

    def scorecard(self) -> Scorecard | None:
        """Objectives judged on the quarters played (None before the first quarter)."""
        if not self.history or not self.scenario.objectives:
            return None
        return evaluate(self.scenario.objectives, self.history)

    def ghost_scorecard(self) -> Scorecard | None:
        """The baseline run's scorecard (for the end screen)."""
        rows = self.ghost_history
        if not rows or not self.scenario.objectives:
            return None
        return evaluate(self.scenario.objectives, rows)

    # -- acting ------------------------------------------------------------
    def set_lever(self, name: str, value: Any) -> Value:
        """Set a lever for next quarter; returns the typed value. Raises OverrideError."""
        spec = self.scenario.parameters[name] if name in self.scenario.parameters else None
        if spec is None or spec.kind != "lever":
            raise OverrideError(f"{name!r} is not a lever of this scenario")
        try:
            typed = spec.coerce(value)
        except ValueError as exc:
            raise OverrideError(f"parameter {name}: {exc}") from None
        if typed == self.model.params[name]:
            self.pending.pop(name, None)
        else:
            self.pending[name] = typed
        return typed

    def reset_levers(self) -> None:
        """Drop the lever changes not yet played."""
        self.pending.clear()

    def answer(self, event_id: str, choice_id: str) -> None:
        """Answer a choice event that fires next quarter. Raises OverrideError."""
        event = next((e for e in self.choice_events() if e["id"] == event_id), None)
        if event is None:
            raise OverrideError(f"no event {event_id!r} asks for a choice this quarter")
        if choice_id not in [c["id"] for c in event["choices"]]:
            raise OverrideError(f"event {event_id}: no choice {choice_id!r}")
        self.answers[event_id] = choice_id

    def step(self, background_ghost: bool = False) -> None:
        """Simulate one quarter with the pending levers and answers (or the script's).

        With ``background_ghost`` the baseline model and the Why panel's runs catch up on a
        worker thread (they share nothing with the player's model), so the window stays smooth.
        """
        if self.finished:
            return
        with self._lock:
            self._step(background_ghost)

    def _step(self, background_ghost: bool) -> None:
        decision: dict[str, Any] = {}
        scripted = self.script.get(self.model.quarter)
        if scripted is not None:
            decision.update(scripted)
        else:
            decision.update(self.pending)
            live = {e["id"] for e in self.choice_events()}
            decision.update({f"choice:{k}": v for k, v in self.answers.items() if k in live})
        if decision:  # a bad decision (a script's) is refused before anything is recorded: no undo point, no Why run
            self.model.apply_decision(decision, check_only=True)
        played = self.played_quarters
        if not self.undo_stack or played - self.undo_stack[-1][0] >= self.undo_every:
            snapshot = self.state_snapshot()
            assert snapshot is not None  # asked without a version: always made
            self.undo_stack.append((played, snapshot))
            del self.undo_stack[:-MAX_UNDO]
        if self._chain is not None:  # the Why runs: recorded now, played with the ghost (below)
            cached = self._state[1] if self._state is not None and self._state[0] == self._fingerprint() else None
            self._chain.step(self.model, decision, snapshot=cached)
        if decision:
            self.model.apply_decision(decision)
        self.pending = {}
        self.answers = {}
        self.model.step()
        self.version += 1
        if background_ghost:
            self.catch_up_ghost_in_background()
        else:
            self.sync_ghost()
            self._advance_ghost()

    def _fingerprint(self) -> tuple:
        """What identifies the player's model state between steps: the session's version, the model, and
        anything applied to it since the last step (decisions are logged; firm policies are objects)."""
        model = self.model
        applied = model.decision_log.get(model.quarter)
        policies = tuple(sorted((k, id(v)) for k, v in getattr(model, "firm_policies", {}).items()))
        return self.version, id(model), repr(applied), policies

    def state_snapshot(self, version: int | None = None) -> bytes | None:
        """The player's model as it is now, as :meth:`~sim.model.model.AIMarketModel.snapshot` bytes.

        Made once per state (whoever asks first: the budget check, or the next step, which keeps it
        as its undo point). With ``version``: None if the game has moved on from that version.
        """
        with self._lock:
            if version is not None and version != self.version:
                return None
            fingerprint = self._fingerprint()
            if self._state is None or self._state[0] != fingerprint:
                self._state = (fingerprint, self.model.snapshot())
            return self._state[1]

    def _advance_ghost(self) -> None:
        """Play the baseline and the Why runs up to the player's quarter (one thread at a time)."""
        with self._ghost_lock:
            if self.ghost is not None:
                while len(self.ghost.history) < len(self.model.history) and not self.ghost.finished:
                    self.ghost.step()
            chain = self._chain
            if chain is not None:
                chain.catch_up()

    def catch_up_ghost_in_background(self) -> None:
        """Start a worker thread stepping the ghost and the Why runs up to the player's quarter (if behind
        and none runs)."""
        if not self.ghost_behind or (self._ghost_thread is not None and self._ghost_thread.is_alive()):
            return
        self._ghost_thread = threading.Thread(target=self._advance_ghost, name="ghost-baseline", daemon=True)
        self._ghost_thread.start()

    def sync_ghost(self) -> None:
        """Wait for the ghost and the Why runs to catch up with the player."""
        if self._ghost_thread is not None:
            self._ghost_thread.join()
            self._ghost_thread = None
        self._advance_ghost()

    @property
    def policy_chain(self) -> PolicyChain | None:
        """The counterfactual runs behind the Why panel (None when the session keeps no baseline)."""
        if self._chain is None and self.initial_snapshot is not None:
            self._chain = PolicyChain.replayed(
                self.initial_snapshot, self.model.decision_log, self.played_quarters, self.ghost
            )
        return self._chain

    def decompose(self, key: str):
        """Player vs baseline for outcome ``key`` (``metric:NAME`` / ``firm:ID``), split by policy; or None.
        OverrideError for a key that names no outcome."""
        self._check_outcome_key(key)
        self.sync_ghost()
        chain = self.policy_chain
        return None if chain is None else chain.decompose(self.model, key)

    def quarter_change(self, key: str):
        """Why ``key`` changed last quarter: (total, baseline's own change, per-policy changes); or None."""
        self._check_outcome_key(key)
        self.sync_ghost()
        chain = self.policy_chain
        return None if chain is None else quarter_change(chain, self.model, key)

    def _script_quarter(self, quarter: Any) -> int:
        """A script's quarter: a quarter number of the scenario (as saves hold them) or a label like 2025Q1."""
        from sim.core.arguments import whole
        from sim.timeline import parse_quarter, quarter_label

        number = parse_quarter(quarter) if isinstance(quarter, str) else whole(quarter)
        if number is None or not self.scenario.start <= number <= self.scenario.end:
            span = f"{quarter_label(self.scenario.start)}..{quarter_label(self.scenario.end)}"
            raise OverrideError(f"script: expected quarters in {span}, got {describe(quarter)}")
        return number

    def _check_outcome_key(self, key: Any) -> None:
        from sim.model.outcomes import METRICS

        kind, _, name = key.partition(":") if isinstance(key, str) else ("", "", "")
        if not ((kind == "metric" and name in METRICS) or (kind == "firm" and name in self.model.firm_by_id)):
            raise OverrideError(f"expected an outcome key, metric:NAME or firm:ID, got {describe(key)}")

    @property
    def can_undo(self) -> bool:
        """Whether a played quarter can be undone."""
        return bool(self.undo_stack)

    def undo(self) -> bool:
        """Go back one quarter (the model as it was before the last step). False if nothing to undo.

        Restores the nearest undo point and, when it is older (autoplay keeps fewer), replays the
        quarters after it with the decisions played, which gives the same numbers. Lever changes
        set for next quarter but not yet played are kept.
        """
        if not self.undo_stack:
            return False
        from sim.model.model import AIMarketModel

        with self._lock:
            target = self.played_quarters - 1
            played, blob = self.undo_stack[-1]
            model = AIMarketModel.restore(blob)
            if played >= target:
                self.undo_stack.pop()
            log = self.model.decision_log
            while len(model.history) < target:
                decision = log.get(model.quarter)
                if decision:
                    model.apply_decision(dict(decision))
                model.step()
            self.model = model
            self.version += 1
            if played >= target:
                self._state = (self._fingerprint(), blob)  # the model is that snapshot: the next undo point
        if self._chain is not None:
            self._chain = None  # rebuilt from the decisions when next asked for
        # lever changes planned but not yet played stay planned (undo takes back a quarter, not a plan)
        self.pending = {k: v for k, v in self.pending.items() if self.model.params.get(k) != v}
        self.answers = {}
        return True

    # -- saving ------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write a save file (scenario, seed, decisions so far)."""
        return write_save(
            path,
            self.scenario,
            self.seed,
            self.decisions,
            quarter=self.model.quarter,
            extra={"lever_order": [spec.name for spec in self.levers]},
        )

    @classmethod
    def from_save(cls, saved: SavedGame, ghost: bool = True, fast_forward: bool = True) -> GameSession:
        """Rebuild a saved game; with ``fast_forward`` replay to the quarter it reached."""
        session = cls.replaying(saved, ghost=ghost)
        if fast_forward:
            for _ in session.fast_forward(saved):
                pass
        session.script = {}
        return session

    @classmethod
    def replaying(cls, saved: SavedGame, ghost: bool = True) -> GameSession:
        """A new session that will replay a save's decisions (step it with :meth:`fast_forward`)."""
        session = cls(saved.scenario, saved.seed, script=saved.decisions, ghost=ghost)
        order = saved.extra.get("lever_order")
        if isinstance(order, list) and all(isinstance(name, str) for name in order):
            session.lever_order = order
        return session

    @staticmethod
    def save_target(saved: SavedGame) -> int:
        """The quarter a save had reached (the next one to play)."""
        return saved.quarter if saved.quarter is not None else max(saved.decisions, default=saved.scenario.start)

    def fast_forward(self, saved: SavedGame) -> Iterator[tuple[int, int]]:
        """Replay a save quarter by quarter, yielding (quarters done, quarters to do) after each.

        A caller can draw progress between quarters; when the generator ends the
        session is where the save left off, with no undo history and no script.
        """
        todo = max(0, min(self.save_target(saved), self.scenario.end + 1) - self.model.quarter)
        done = 0
        while not self.finished and self.model.quarter < self.save_target(saved):
            self.step()
            done += 1
            yield done, todo
        self.undo_stack.clear()
        self.script = {}

    @classmethod
    def load(cls, path: str | Path, ghost: bool = True) -> GameSession:
        """A session from a save file (replayed to where it was saved)."""
        return cls.from_save(load_save(path), ghost=ghost)
