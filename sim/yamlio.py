"""Safe YAML loading that remembers the line of every key path.

Only a ``yaml.SafeLoader`` subclass is used: tags that would construct Python objects
are rejected, and so is anything that is not plain data (``!!binary``, ``!!set``;
dates stay text and are checked where a quarter is expected). Malformed tagged values
(``!!float abc``), integers too large for a float, duplicate keys, nesting deeper than
:data:`MAX_DEPTH` and alias bombs are refused with the file and line.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from sim.core.files import MAX_USER_FILE_BYTES, read_user_text
from sim.core.numbers import DECIMAL, WHOLE
from sim.errors import UserError, describe

MAX_FILE_BYTES = MAX_USER_FILE_BYTES
MAX_DEPTH = 64  # bundled scenarios nest 7 levels
MAX_ALIAS_EXPANSION = 200_000  # nodes that aliases may add beyond the file's own
MAX_INT = 2**63 - 1  # larger integers are refused: no value in aisim needs them, and float() of them overflows
PLAIN_TYPES = (str, int, float, bool, type(None), list, dict)


# libyaml's parser when present (~6x faster, and it caps nesting itself); same safe constructors.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Safe loader whose scalar constructors fail with a line number instead of a Python error."""


def _strict(base, expected: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return base(loader, node)
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError):
            if isinstance(node.value, str) and len(node.value) > 100:
                problem = f"number with {len(node.value):,} characters is too large (at most {MAX_INT})"
                raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{node.tag.rsplit(':', 1)[-1]} value {_cut(node.value)!r} is not {expected}",
                node.start_mark,
            ) from None

    return construct


def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    # Dates stay text: the schema checks them as quarters (and an impossible date is then one clear error).
    return loader.construct_scalar(node)


INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
# Numbers as a person writes them, the command line's rule (sim.core.numbers; YAML 1.2's core schema, decimal
# only): YAML 1.1 read 1e-3 and 1.5e3 as text, 010 as octal 8, 0x1F as 31, 1_000 as 1000 and 190:20:30 as
# 685230. Now 1e-3 is a number and the others stay text, which the schema refuses as "expected a number".
# YAML's .inf and .nan stay numbers here, so the schema can say they are not finite.
PLAIN_INT = re.compile(f"^{WHOLE.pattern}$")
PLAIN_FLOAT = re.compile(f"^(?:{DECIMAL.pattern}|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (INT_TAG, FLOAT_TAG)]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(INT_TAG, PLAIN_INT, list("-+0123456789"))
_Loader.add_implicit_resolver(FLOAT_TAG, PLAIN_FLOAT, list("-+.0123456789"))


def _decimal_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    return int(loader.construct_scalar(node), 10)  # 010 is ten, as written (YAML 1.1: octal 8)


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    return yaml.SafeLoader.construct_yaml_float(loader, node) + 0.0  # -0.0 is zero, as in sim.core.numbers


_Loader.add_constructor(INT_TAG, _strict(_decimal_int, "a whole number"))
_Loader.add_constructor(FLOAT_TAG, _strict(_float, "a number"))
_Loader.add_constructor("tag:yaml.org,2002:bool", _strict(yaml.SafeLoader.construct_yaml_bool, "true or false"))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
_Loader.add_constructor("tag:yaml.org,2002:binary", _strict(yaml.SafeLoader.construct_yaml_binary, "base64"))


def _cut(text: Any, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_path(path: tuple) -> str:
    """Turn ``("firms", 2, "capability")`` into ``firms[2].capability``.

    Keys that are not plain names (control characters, spaces, very long) are shown quoted and cut.
    """
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            name = str(part)
            if not name.isprintable() or len(name) > 40 or not name or " " in name:
                name = repr(_cut(name))
            text += ("." if text else "") + name
    return text or "(top level)"


def _node_lines(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            _node_lines(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, path + (index,), lines)


def _path_at(root: yaml.Node, index: int) -> tuple | None:
    """The key path of the value starting at character ``index`` (for a complex key: its mapping's path)."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.start_mark.index == index and not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return path
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    if key_node.start_mark.index == index:
                        return path
                    continue
                stack.append((value_node, path + (key_node.value,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return None


def _check_tree(node: yaml.Node, file: str, error_type: type[UserError]) -> None:
    """Depth, duplicate keys and alias expansion, checked on the node graph before any value is built.

    Walks iteratively (no recursion limit to hit). A node reached again is an alias
    use: its subtree counts again, so what aliases add is measured, not the file's size.
    """
    seen: set[int] = set()
    added = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 0, False)]
    sizes: dict[int, int] = {}
    while stack:
        current, depth, via_alias = stack.pop()
        if depth > MAX_DEPTH:
            raise error_type(f"nested more than {MAX_DEPTH} levels deep", file=file, line=current.start_mark.line + 1)
        key = id(current)
        if key in seen:
            added += _subtree_size(current, sizes)
            if added > MAX_ALIAS_EXPANSION:
                raise error_type(
                    f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION:,} extra values (alias bomb?)",
                    file=file,
                    line=current.start_mark.line + 1,
                )
            continue
        seen.add(key)
        if isinstance(current, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    line = key_node.start_mark.line + 1
                    if key_node.value in first:
                        raise error_type(
                            f"duplicate key {_cut(key_node.value)!r} (first on line {first[key_node.value]}, "
                            f"again on line {line})",
                            file=file,
                            line=line,
                        )
                    first[key_node.value] = line
                stack.append((key_node, depth + 1, via_alias))
                stack.append((value_node, depth + 1, via_alias))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, depth + 1, via_alias) for item in current.value)


def _subtree_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Number of nodes under ``node`` with aliases expanded (memoised; capped so bombs stay cheap)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    total = 0
    stack = [node]
    while stack and total <= MAX_ALIAS_EXPANSION:
        current = stack.pop()
        if id(current) in sizes:
            total += sizes[id(current)]
            continue
        total += 1
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    sizes[key] = total
    return total


class LoadedYaml:
    """Parsed YAML data plus the line number of each key path."""

    def __init__(self, data: Any, lines: dict[tuple, int], file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file

    def line_of(self, path: tuple) -> int | None:
        """Line of ``path``, or of its closest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def read_text(file: str | Path, error_type: type[UserError] = UserError) -> str:
    """Read a user's YAML file, refusing missing, huge, binary, non-UTF-8 and non-regular files.

    FIFOs and devices (a link to ``/dev/zero``) are refused before any byte is read.
    """
    return read_user_text(file, limit=MAX_FILE_BYTES, error_type=error_type, what="a YAML file")


def load_yaml_text(text: str, file: str, error_type: type[UserError] = UserError) -> LoadedYaml:
    """Parse YAML text safely; errors name the file and line."""
    if not isinstance(text, str):
        raise error_type(f"expected YAML text, got {describe(text)}", file=str(file))
    if not text.strip():
        raise error_type("file is empty, expected a YAML mapping", file=file)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            problem = exc.problem or "invalid YAML"
            if "nesting depth" in problem:
                problem = f"nested more than {MAX_DEPTH} levels deep"
            raise error_type(f"YAML syntax error: {_cut(problem, 200)}", file=file, line=line) from None
        except yaml.YAMLError as exc:
            raise error_type(f"YAML error: {_cut(exc, 200)}", file=file) from None
        except RecursionError:
            raise error_type(f"nested more than {MAX_DEPTH} levels deep", file=file) from None
        if node is None:
            raise error_type("file holds no data, expected a YAML mapping", file=file)
        _check_tree(node, file, error_type)
        try:
            data = loader.construct_document(node)
        except yaml.constructor.ConstructorError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            problem = exc.problem or "unsupported value"
            if "could not determine a constructor" in problem:
                problem = f"unsupported YAML tag ({_cut(problem, 120)}); only plain data is allowed"
            elif "unhashable key" in problem:
                problem = "a key must be text, got a list or mapping as a key (a YAML complex key)"
            where = _path_at(node, exc.problem_mark.index) if exc.problem_mark else None
            raise error_type(problem, file=file, line=line, path=format_path(where) if where else None) from None
        except yaml.YAMLError as exc:
            raise error_type(f"YAML error: {_cut(exc, 200)}", file=file) from None
        except RecursionError:
            raise error_type(f"nested more than {MAX_DEPTH} levels deep", file=file) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    _node_lines(node, (), lines)
    doc = LoadedYaml(data, lines, file)
    _reject_non_plain(data, (), doc, error_type)
    return doc


def _reject_non_plain(value: Any, path: tuple, doc: LoadedYaml, error_type: type[UserError]) -> None:
    """Only plain data: finite numbers, integers a float can hold, text keys; no sets, bytes or dates."""

    def fail(message: str) -> UserError:
        return error_type(message, file=doc.file, path=format_path(path), line=doc.line_of(path))

    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(f"{value} is not allowed, expected a finite number")
    if isinstance(value, int) and abs(value) > MAX_INT:
        raise fail(f"number with {len(str(abs(value)))} digits is too large (at most {MAX_INT})")
    if not isinstance(value, PLAIN_TYPES):
        names: dict[type, str] = {bytes: "binary data", set: "a set"}
        kind = names.get(type(value), type(value).__name__)
        raise fail(f"{kind} is not allowed here, expected plain data (text, numbers, lists, mappings)")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise fail(f"a key must be text, got {describe(key)}")
            _reject_non_plain(item, path + (key,), doc, error_type)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_non_plain(item, path + (index,), doc, error_type)


def load_yaml_file(file: str | Path, error_type: type[UserError] = UserError) -> LoadedYaml:
    """Read and parse a YAML file safely (see :func:`load_yaml_text`)."""
    return load_yaml_text(read_text(file, error_type), str(file), error_type)
