"""A small declarative validator for user YAML files.

Each field type checks one value and returns it normalised; errors name the file,
the key path, the line, and what was expected. Unknown keys are refused with a
"did you mean" suggestion. Used for scenarios, experiments and saves alike.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.errors import UserError, describe, short_repr
from sim.timeline import parse_quarter
from sim.yamlio import LoadedYaml, format_path

REQUIRED = object()


def suggest(value: object, known: list[str] | tuple[str, ...], listing: str | None = "allowed") -> str:
    """``"; did you mean 'x'?"`` for the closest known name, else ``"; allowed: a, b"`` (or nothing).

    ``listing`` names the fallback list (``None``: no list when nothing is close).
    """
    hint = difflib.get_close_matches(str(value)[:100], list(known), n=1)
    if hint:
        return f"; did you mean {hint[0]!r}?"
    return f"; {listing}: {', '.join(known)}" if listing and known else ""


@dataclass
class Context:
    """Where values come from, for error messages."""

    doc: LoadedYaml
    error_type: type[UserError] = UserError

    def fail(self, path: tuple, message: str) -> UserError:
        """A user error at ``path`` of this document, naming the file and the line where known."""
        return self.error_type(message, file=self.doc.file, path=format_path(path), line=self.doc.line_of(path))


class Field:
    """Base class: ``check(value, ctx, path)`` returns the normalised value."""

    expected = "a value"

    def check(self, value: Any, ctx: Context, path: tuple) -> Any:
        """Validate ``value`` found at ``path``; return it normalised or raise the context's error."""
        raise NotImplementedError


class Num(Field):
    """A finite number, optionally an integer, within [lo, hi]."""

    def __init__(self, lo: float | None = None, hi: float | None = None, integer: bool = False):
        self.lo, self.hi, self.integer = lo, hi, integer
        kind = "a whole number" if integer else "a number"
        if lo is not None and hi is not None:
            kind += f" from {lo} to {hi}"
        elif lo is not None:
            kind += f" >= {lo}"
        elif hi is not None:
            kind += f" <= {hi}"
        self.expected = kind

    def check(self, value, ctx, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ctx.fail(path, f"expected {self.expected}, got {describe(value)}")
        if not math.isfinite(value):
            raise ctx.fail(path, f"expected {self.expected}, got {value}")
        if self.integer and value != int(value):
            raise ctx.fail(path, f"expected {self.expected}, got {value}")
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise ctx.fail(path, f"expected {self.expected}, got {value}")
        return int(value) if self.integer else float(value)


class Str(Field):
    """Text, optionally matching a pattern or one of some choices."""

    def __init__(self, pattern: str | None = None, choices: tuple[str, ...] | None = None, what: str = "text"):
        self.pattern = re.compile(pattern) if pattern else None
        self.choices = choices
        self.expected = f"one of {', '.join(choices)}" if choices else what

    def check(self, value, ctx, path):
        if not isinstance(value, str):
            raise ctx.fail(path, f"expected {self.expected}, got {describe(value)}")
        if self.choices is not None and value not in self.choices:
            raise ctx.fail(
                path, f"expected {self.expected}, got {short_repr(value)}{suggest(value, self.choices, None)}"
            )
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise ctx.fail(path, f"expected {self.expected}, got {short_repr(value)}")
        return value


ID = Str(pattern=r"[a-z][a-z0-9_]*", what="an id (lower-case letters, digits and _, starting with a letter)")
# the name of a scenario, an experiment or a lesson: it becomes a folder name (runs/NAME, sweeps/NAME), so
# it is short enough for any file system with room to spare (a 10,000-character name passed validation, then
# failed as an --out the user never gave)
# names Windows keeps for devices, with or without an extension: no file or folder can have them there
# (classrooms run Windows; a lesson `con` would be the folder lessons/con/, a team `CON` the file con.json)
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)})
NAME = Str(
    pattern=rf"(?!(?:{'|'.join(sorted(WINDOWS_DEVICES))})(?:\.|$))[a-z0-9][a-z0-9_.-]{{0,99}}",
    what="a name (lower-case letters, digits, - _ .; at most 100; not a Windows device name such as con or nul)",
)


def name_from_file(path: Any, ctx: Context) -> str:
    """The name of a scenario, lesson or experiment that states no ``name:``: its file's stem, which
    must be fit to be a folder's or a save slot's name. A stem like ``..`` (the file ``...yaml``) put a
    lesson's saves in the folder above, and control or bidi characters reached the terminal; such a
    file must state ``name:``. Other stems (spaces, capitals, Korean) are kept as they were."""
    import unicodedata

    stem = path.stem
    bad = (
        not stem
        or stem[0] in ".-"
        or len(stem) > 100
        or any(unicodedata.category(c).startswith("C") for c in stem)
        or stem.split(".")[0].lower() in WINDOWS_DEVICES
    )
    if bad:
        raise ctx.fail(
            ("name",),
            f"the file's name {short_repr(stem)} cannot name it (it starts with . or -, is over 100 characters, "
            "holds control characters or is a Windows device name): add name: (lower-case letters, digits, - _ .)",
        )
    return stem


class Bool(Field):
    """A true/false value."""

    expected = "true or false"

    def check(self, value, ctx, path):
        if not isinstance(value, bool):
            raise ctx.fail(path, f"expected true or false, got {describe(value)}")
        return value


class Quarter(Field):
    """A quarter like ``2026Q1`` or a date like ``2026-01-22`` (its quarter is taken)."""

    expected = "a quarter like 2026Q1 or a date like 2026-01-22"

    def check(self, value, ctx, path):
        text = str(value) if not isinstance(value, (dict, list)) else None
        quarter = parse_quarter(text) if text is not None else None
        if quarter is None:
            raise ctx.fail(path, f"expected {self.expected}, got {describe(value)}")
        return quarter


class Localized(Field):
    """Text in English and Korean: either plain text or ``{en: ..., ko: ...}``."""

    expected = "text, or a mapping with en and ko texts"

    def check(self, value, ctx, path):
        if isinstance(value, str):
            return {"en": value, "ko": value}
        if isinstance(value, dict):
            out = Record({"en": (Str(), REQUIRED), "ko": (Str(), None)}).check(value, ctx, path)
            if out["ko"] is None:
                out["ko"] = out["en"]
            return out
        raise ctx.fail(path, f"expected {self.expected}, got {describe(value)}")


class ListOf(Field):
    """A list whose items all match one field (optionally with a length range, unique ids or unique items)."""

    def __init__(
        self,
        item: Field,
        min_len: int = 0,
        unique_key: str | None = None,
        max_len: int | None = None,
        unique_items: bool = False,
        weight_key: str | None = None,
    ):
        self.item, self.min_len, self.unique_key = item, min_len, unique_key
        self.max_len, self.unique_items = max_len, unique_items
        self.weight_key = weight_key  # a field of the items that may not be 0 in all of them (objectives' weight)
        self.expected = "a list"

    def check(self, value, ctx, path):
        if not isinstance(value, list):
            raise ctx.fail(path, f"expected a list, got {describe(value)}")
        if len(value) < self.min_len:
            raise ctx.fail(path, f"expected at least {self.min_len} item(s), got {len(value)}")
        if self.max_len is not None and len(value) > self.max_len:
            raise ctx.fail(path, f"expected at most {self.max_len:,} items, got {len(value):,}")
        out = [self.item.check(v, ctx, path + (i,)) for i, v in enumerate(value)]
        if self.weight_key and out and not any(item[self.weight_key] > 0 for item in out):
            raise ctx.fail(
                path,
                f"every item has {self.weight_key} 0, so the score would be 0 whatever is met; "
                f"give at least one a {self.weight_key} above 0",
            )
        if self.unique_items:
            first: dict = {}
            for i, item in enumerate(out):
                if item in first:
                    raise ctx.fail(path + (i,), f"{short_repr(item)} is listed twice (already item {first[item]})")
                first[item] = i
        if self.unique_key:
            seen: dict[str, int] = {}
            for i, item in enumerate(out):
                key = item[self.unique_key]
                if key in seen:
                    raise ctx.fail(
                        path + (i, self.unique_key),
                        f"duplicate {self.unique_key} {key!r} (already used by item {seen[key]})",
                    )
                seen[key] = i
        return out


class MapOf(Field):
    """A mapping with free keys (checked by ``key``) and uniform values."""

    def __init__(self, value: Field, key: Field = ID, min_len: int = 0):
        self.value, self.key, self.min_len = value, key, min_len
        self.expected = "a mapping"

    def check(self, value, ctx, path):
        if not isinstance(value, dict):
            raise ctx.fail(path, f"expected a mapping, got {describe(value)}")
        if len(value) < self.min_len:
            raise ctx.fail(path, f"expected at least {self.min_len} entr(ies), got {len(value)}")
        out = {}
        for k, v in value.items():
            self.key.check(k, ctx, path + (k,))
            out[k] = self.value.check(v, ctx, path + (k,))
        return out


class Record(Field):
    """A mapping with known keys: ``{name: (Field, default-or-REQUIRED)}``.

    ``check_all`` (optional) runs on the whole normalised record for rules that
    involve several keys; it raises via ``ctx.fail``.
    """

    def __init__(self, fields: dict[str, tuple[Field, Any]], check_all: Callable | None = None):
        self.fields = fields
        self.check_all = check_all
        self.expected = "a mapping"

    def check(self, value, ctx, path):
        if not isinstance(value, dict):
            raise ctx.fail(path, f"expected a mapping with keys {', '.join(self.fields)}, got {describe(value)}")
        for key in value:
            if key not in self.fields:
                raise ctx.fail(path + (key,), f"unknown key {short_repr(key)}{suggest(key, tuple(self.fields))}")
        out = {}
        for name, (field, default) in self.fields.items():
            if name in value and value[name] is not None:
                out[name] = field.check(value[name], ctx, path + (name,))
            elif default is REQUIRED:
                raise ctx.fail(path, f"missing required key {name!r} ({field.expected})")
            elif isinstance(field, Record) and default is dict:
                # an omitted sub-record gets its own defaults, so whatever validates also runs
                out[name] = field.check({}, ctx, path + (name,))
            else:
                out[name] = default() if callable(default) else default
        if self.check_all is not None:
            self.check_all(out, ctx, path)
        return out


class Any_(Field):
    """Any plain value (used where a later step checks it in context)."""

    expected = "a value"

    def check(self, value, ctx, path):
        return value
