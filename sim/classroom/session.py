"""A lesson being played: teams, roles taking turns each quarter (hot-seat), team saves.

Pure Python (no pygame). Each quarter every human role submits its decision in
turn; when the last one has decided, the quarter runs with all of them merged
into one decision (regulator levers, ``choice:`` answers, ``firm:<id>`` and
``partner:<id>`` entries), exactly what :func:`sim.runner.simulate` applies on
replay, so a lesson save replays bit-identically. Saves are named by lesson and
team, never one shared slot, and carry the team, lesson and per-role decisions.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.classroom.lesson import Lesson, LessonError, Role, check_role_decision, role_of_key
from sim.errors import OverrideError
from sim.game.session import GameSession, save_dir
from sim.saves import SavedGame, write_save
from sim.schema import WINDOWS_DEVICES
from sim.timeline import parse_quarter, quarter_label

TEAM_SLUG_CHARS = 60


def team_key(team: str) -> str:
    """What identifies a team name: Unicode's compatibility form (``가팀`` typed as one syllable or as its
    letters, full-width ``ｂｌｕｅ``: the same name), case folded, blanks around it dropped."""
    return unicodedata.normalize("NFKC", team).strip().casefold()


def team_slug(team: str) -> str:
    """A file-name-safe form of a team name (letters of any script, digits, -), the team's save slot.

    Names that differ only in case, spaces or punctuation share a slot (a team that types its name
    again slightly differently resumes its game). A name with nothing left ("🙂", "///") or longer than
    :data:`TEAM_SLUG_CHARS` gets a short digest of the whole name, so two such teams never share a slot
    (they did: every emoji-only team was ``team.json``, and long names sharing their first 60 letters
    met in one file, the second team playing on the first one's game); so does a Windows device name
    (``CON``, ``nul``), which Windows cannot use as a file's name.
    """
    team = team_key(team)
    slug = re.sub(r"[^\w-]+", "-", team, flags=re.UNICODE).strip("-_")
    if slug and len(slug) <= TEAM_SLUG_CHARS and slug not in WINDOWS_DEVICES:
        return slug
    digest = hashlib.sha256(team.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug[: TEAM_SLUG_CHARS - 9].rstrip('-_')}-{digest}" if slug else f"team-{digest}"


def lesson_save_path(lesson_name: str, team: str, folder: Path | None = None) -> Path:
    """``<save dir>/lessons/<lesson>/<team>.json``: one slot per lesson and team."""
    return (folder or save_dir() / "lessons" / lesson_name) / f"{team_slug(team)}.json"


class LessonSession(GameSession):
    """A :class:`GameSession` for a lesson, with the roles human teams play deciding in turn.

    Args:
        lesson: the lesson.
        team: the team's name (goes into the save and its file name).
        roles: ids of the roles people play (default: the lesson's first role);
            the others follow the model's rules.
        seed: the seed played (default: the lesson's play seed).
        save_path: where this team's save goes (default: :func:`lesson_save_path`).
    """

    def __init__(
        self,
        lesson: Lesson,
        team: str,
        roles: Sequence[str] | None = None,
        seed: int | None = None,
        script: Mapping[int, Mapping[str, Any]] | None = None,
        ghost: bool = True,
        save_path: Path | None = None,
    ) -> None:
        super().__init__(lesson.scenario, lesson.play_seed if seed is None else seed, script=script, ghost=ghost)
        self.lesson = lesson
        self.team = team.strip() or "team"
        self.human_roles: list[Role] = [lesson.role(r) for r in (roles or [lesson.roles[0].id])]
        self.turn = 0  # index into human_roles of who decides now
        self.role_pending: dict[str, dict[str, Any]] = {}
        self.role_log: dict[int, dict[str, dict[str, Any]]] = {}
        self.save_path = save_path or lesson_save_path(lesson.name, self.team)
        self.on_turn: Callable[[Role], None] | None = None  # the game shows a hand-off screen
        self.on_quarter: Callable[[], None] | None = None  # after a quarter ran

    # -- levers: only a human regulator moves them, and only the lesson's ------
    @property
    def regulator_role(self) -> Role | None:
        """The human regulator role, if a team plays one."""
        return next((r for r in self.human_roles if r.kind == "regulator"), None)

    @property
    def levers(self):
        """The levers the dashboard shows: the human regulator's lesson levers (none without one)."""
        role = self.regulator_role
        if role is None:
            return []
        return [spec for spec in self.scenario.parameters.of_kind("lever") if spec.name in role.levers]

    def set_lever(self, name: str, value: Any):
        """Set one of the human regulator's levers for next quarter; raises OverrideError for others."""
        role = self.regulator_role
        if role is None or name not in role.levers:
            raise OverrideError(f"{name!r} is not a lever of your role in this lesson")
        return super().set_lever(name, value)

    # -- turns ---------------------------------------------------------------
    @property
    def current_role(self) -> Role:
        """The role whose turn it is."""
        return self.human_roles[self.turn]

    @property
    def last_turn(self) -> bool:
        """True when the current role is the last to decide this quarter."""
        return self.turn >= len(self.human_roles) - 1

    def regulator_decision(self) -> dict[str, Any]:
        """What the screen's regulator controls have set for next quarter (levers and answers)."""
        decision: dict[str, Any] = dict(self.pending)
        live = {e["id"] for e in self.choice_events()}
        decision.update({f"choice:{k}": v for k, v in self.answers.items() if k in live})
        return decision

    def submit(self, decision: Mapping[str, Any] | None = None) -> bool:
        """The current role has decided (``decision`` or, for a regulator, the pending levers).

        Returns True when that was the last role and the quarter ran (``on_quarter``
        is called); else the turn passes on (``on_turn`` is called). Raises LessonError.
        """
        role = self.current_role
        if decision is None:
            decision = self.regulator_decision() if role.kind == "regulator" else {}
        self.role_pending[role.id] = check_role_decision(role, self.scenario, decision)
        if role.kind == "regulator":
            self.pending, self.answers = {}, {}  # kept in role_pending, out of the next role's sight
        if not self.last_turn:
            self.turn += 1
            if self.on_turn is not None:
                self.on_turn(self.current_role)
            return False
        self.run_quarter()
        return True

    def step(self, background_ghost: bool = False) -> None:
        """The dashboard's "next quarter": the regulator's turn ends (the quarter runs after the last role).

        Replays (a script for this quarter) and single-regulator games run the quarter at once.
        """
        if self.finished:
            return
        if self.model.quarter in self.script or len(self.human_roles) == 1 and self.current_role.kind == "regulator":
            self.run_quarter(background_ghost)
            return
        if self.current_role.kind != "regulator":
            if self.on_turn is not None:
                self.on_turn(self.current_role)
            return
        self.submit()

    def run_quarter(self, background_ghost: bool = False) -> None:
        """Run the quarter with every role's decision merged (the script's when replaying)."""
        if self.finished:
            return
        quarter = self.model.quarter
        has_regulator = any(r.kind == "regulator" for r in self.human_roles)
        if quarter not in self.script:
            for role in self.human_roles:
                if role.kind == "regulator" and role.id not in self.role_pending:
                    self.role_pending[role.id] = check_role_decision(role, self.scenario, self.regulator_decision())
            merged: dict[str, Any] = {}
            for decision in self.role_pending.values():
                merged.update(decision)
            # levers move only for a human regulator; otherwise the model's rules keep them
            self.pending = {k: v for k, v in merged.items() if ":" not in k} if has_regulator else {}
            self.answers = {k.split(":", 1)[1]: v for k, v in merged.items() if k.startswith("choice:")}
            extra = {k: v for k, v in merged.items() if k.startswith(("firm:", "partner:"))}
            if extra:
                self.model.apply_decision(extra)
            logged = {r: d for r, d in self.role_pending.items() if d}
            if logged:
                self.role_log[quarter] = logged
        self.role_pending = {}
        self.turn = 0
        super().step(background_ghost=background_ghost)
        if self.on_quarter is not None:
            self.on_quarter()

    def undo(self) -> bool:
        """Go back one quarter, forgetting that quarter's role decisions."""
        done = super().undo()
        if done:
            self.role_log.pop(self.model.quarter, None)
            self.role_pending, self.turn = {}, 0
        return done

    # -- scores --------------------------------------------------------------
    def role_scorecard(self, role: Role | None = None):
        """The role's objectives judged on the quarters played (None before the first)."""
        from sim.classroom.scoring import score_role

        if not self.history:
            return None
        return score_role(role or self.current_role, self.history, self.model.firm_history)

    # -- saving ----------------------------------------------------------------
    def save_extra(self) -> dict[str, Any]:
        """What a lesson save carries besides the game: team, lesson, roles, decisions per role."""
        return {
            "team": self.team,
            "lesson": {
                "name": self.lesson.name,
                "content_hash": self.lesson.content_hash,
                "source": self.lesson.source,
            },
            "roles": [r.id for r in self.human_roles],
            "role_decisions": {
                quarter_label(q): {r: dict(d) for r, d in roles.items()} for q, roles in sorted(self.role_log.items())
            },
        }

    def save(self, path: str | Path | None = None) -> Path:
        """Write this team's save. A lesson game always saves to its own team slot, never a shared one."""
        return write_save(
            self.save_path,
            self.scenario,
            self.seed,
            self.decisions,
            quarter=self.model.quarter,
            extra=self.save_extra(),
        )

    @classmethod
    def from_lesson_save(cls, lesson: Lesson, saved: SavedGame, ghost: bool = True) -> LessonSession:
        """Resume a lesson save (fast-forwarded to the quarter it reached)."""
        extra = saved.extra
        session = cls(lesson, str(extra.get("team", "team")), roles=extra.get("roles"), seed=saved.seed, ghost=ghost)
        session.script = {q: dict(d) for q, d in saved.decisions.items()}
        target = saved.quarter if saved.quarter is not None else saved.scenario.start
        while not session.finished and session.model.quarter < target:
            session.run_quarter()
        session.undo_stack.clear()
        session.script = {}
        for label, roles in (extra.get("role_decisions") or {}).items():
            quarter = parse_quarter(label)
            if quarter is not None:
                session.role_log[quarter] = {r: dict(d) for r, d in roles.items()}
        return session


def decisions_by_role(lesson: Lesson, decisions: Mapping[int, Mapping[str, Any]]) -> dict[str, dict[int, dict]]:
    """Split a merged decision log by the lesson role that owns each key (unknown keys: ``other``)."""
    out: dict[str, dict[int, dict]] = {}
    for quarter, decision in decisions.items():
        for key, value in decision.items():
            role = role_of_key(lesson, key)
            out.setdefault(role.id if role else "other", {}).setdefault(quarter, {})[key] = value
    return out


def lesson_of_save(saved: SavedGame, search: Sequence[Path] = ()) -> Lesson:
    """The lesson a save was played in, checked against the scenario the save holds (its numbers: a release
    that only rewords the scenario's text still reads the class's saves). Raises LessonError."""
    from sim.classroom.lesson import load_lesson

    name = saved_lesson_name(saved)
    lesson = None
    # where a teacher keeps a local lesson: beside the saves, the class pack above them, here. Not the file
    # the save records: a save comes from a student's machine, and may name any file on the teacher's.
    candidates = [Path(folder) / f"{name}.yaml" for folder in search]
    candidates += [Path.cwd() / f"{name}.yaml", Path.cwd() / "lessons" / f"{name}.yaml"]
    mismatched = None
    for candidate in candidates:
        if candidate.is_file():
            found = load_lesson(candidate)
            if found.name == name and found.scenario.numbers_hash == saved.scenario.numbers_hash:
                lesson = found
                break
            if found.name == name and mismatched is None:
                mismatched = candidate
    if lesson is None:
        try:
            lesson = load_lesson(name)
        except LessonError:
            if mismatched is None:
                raise
            raise LessonError(different_version(name, mismatched)) from None
    check_lesson_save(saved, lesson)
    return lesson


def saved_lesson_name(saved: SavedGame) -> str:
    """The name of the lesson a save was played in. Raises LessonError when it has none, or when it is a path:
    a received save must not make aisim read files elsewhere (a path there was read, and quoted)."""
    info = saved.extra.get("lesson") if isinstance(saved.extra, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("name"), str):
        raise LessonError("not a lesson save (no lesson name in it); play with `aisim play --lesson NAME --team NAME`")
    name = info["name"]
    if not 0 < len(name) <= 100 or name in (".", "..") or any(c in name for c in "/\\\x00"):
        raise LessonError(f"the save names its lesson {name[:40]!r}; expected a lesson name, not a path")
    return name


def check_lesson_save(saved: SavedGame, lesson: Lesson) -> None:
    """Refuse a save that was not played in ``lesson`` (another lesson, or a version whose numbers differ:
    a release that only rewords the scenario's text still reads the class's saves). Raises LessonError."""
    name = saved_lesson_name(saved)
    if name != lesson.name:
        raise LessonError(f"the save was played in lesson {name!r}, not {lesson.name!r}")
    if lesson.scenario.numbers_hash != saved.scenario.numbers_hash:
        raise LessonError(different_version(name))


def different_version(name: str, file: Path | None = None) -> str:
    """Why a save of lesson ``name`` does not fit the lesson at hand (``file``: the lesson file it was compared with)."""
    return f"played on a different version of lesson {name!r} (its scenario does not match{f' {file}' if file else ''})"
