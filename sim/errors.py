"""Errors a user can cause, each carrying where it happened.

They are caught at the edge (CLI, game, batch runner) and shown as one sentence;
anything else is a bug and stays loud.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any


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
        return one_line(f"{where}: {self.message}" if where else self.message)


MAX_MESSAGE_CHARS = 1000


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` as one printable line of at most ``limit`` characters (control characters escaped).

    An error message may quote a file name, a key or a value from a user's file; whatever they
    hold, the message stays one line and short.
    """
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# What a terminal would act on instead of showing: C0/C1 control characters but newline and tab (escape
# sequences clear the screen or set the title, a carriage return overwrites the line), and the bidi and
# zero-width format characters (U+202E turns the rest of a line around)
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def terminal_text(text: str) -> str:
    """``text`` with what a terminal would act on (:data:`TERMINAL_UNSAFE`) shown escaped (``\\x1b``)."""
    return TERMINAL_UNSAFE.sub(lambda match: repr(match.group())[1:-1], text)


class _TerminalStream:
    """A text stream that writes :func:`terminal_text` of what it is given to the stream it wraps."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_text(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_stdout() -> Iterator[None]:
    """While inside, standard output shows users' text (titles, labels, file names from their files or a
    student's save) but never acts on it (:func:`terminal_text`); error lines are :func:`one_line` already."""
    stream = sys.stdout
    sys.stdout = _TerminalStream(stream)
    try:
        yield
    finally:
        sys.stdout = stream


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr`` of a user's value cut to about ``limit`` characters (errors never echo a whole file)."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[: limit - 3] + "...")
    text = repr(value)
    return text if len(text) <= limit + 2 else text[:limit] + "..."


def kind_of(value: Any) -> str:
    """What kind of value this is, without quoting it (for a whole file that is not what was expected)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "text" if isinstance(value, str) else describe(value)


def describe(value: Any) -> str:
    """Short description of a value for 'got ...' messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"text {short_repr(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (set, tuple)):
        return "a set" if isinstance(value, set) else "a sequence"
    return "a value of another kind"


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


def report_bug(what: str, error: BaseException) -> None:
    """Print ``error`` with its traceback on stderr, headed ``aisim: WHAT:``: for a failure in background
    work that the window shows in a line and keeps going (a bug stays loud, for whoever reports it)."""
    import sys
    import traceback

    print(f"aisim: {what}:", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler's time limit), raised where Ctrl-C would be (see :func:`sigterm_as_interrupt`):
    a stopped command then cleans up, keeps finished work and says so as it does after Ctrl-C."""


def interrupt_exit_code(interrupt: BaseException) -> int:
    """The shell's exit code for a command stopped by ``interrupt``: 143 for SIGTERM, 130 for Ctrl-C."""
    return 143 if isinstance(interrupt, Terminated) else 130


_TERMINATED = threading.Event()  # SIGTERM came (set by the handler, whether or not its exception got through)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread (elsewhere: no change).

    It also sets a flag that long loops check with :func:`raise_if_terminated`: an exception a signal
    handler raises is lost when the signal comes while Python runs a ``__del__`` or a garbage
    collection callback ("Exception ignored in ..."), and a sweep then went on to its end.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        _TERMINATED.set()
        raise Terminated

    _TERMINATED.clear()
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _TERMINATED.clear()


def raise_if_terminated() -> None:
    """Raise :class:`Terminated` if SIGTERM came inside :func:`sigterm_as_interrupt` (its own raise may have
    been lost, see there); long loops call this once a round."""
    if _TERMINATED.is_set():
        raise Terminated
