"""Errors a user can cause, each carrying where it happened.

They are caught at the edge (CLI, game, batch runner) and shown as one sentence;
anything else is a bug and stays loud.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with something the user gave us (a file, an argument, a value).

    Args:
        message: what was wrong and what was expected.
        file: the file it came from, if any.
        path: the key path inside the file, like ``firms[2].capability``.
        line: 1-based line number where known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.path = path
        self.line = line

    def where(self) -> str:
        """The location part of the message: ``file:line: key.path``."""
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        elif self.line:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(self.path)
        return ": ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class ScenarioError(UserError):
    """A scenario file is invalid."""


class OverrideError(UserError):
    """A ``--set PARAM=VALUE`` override or a decision is invalid."""


class OutputError(UserError):
    """An output location cannot be used."""


class SaveFileError(UserError):
    """A saved game is corrupt, foreign or does not match its scenario."""


class ExperimentError(UserError):
    """An experiment file or result folder is invalid."""
