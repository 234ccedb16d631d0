"""Safe YAML loading that remembers the line of every key path.

Only ``yaml.SafeLoader`` is used: tags that would construct Python objects are
rejected, and alias expansion is bounded so that an "alias bomb" cannot eat memory.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from sim.errors import UserError

MAX_FILE_BYTES = 5_000_000
MAX_EXPANDED_NODES = 200_000


def format_path(path: tuple) -> str:
    """Turn ``("firms", 2, "capability")`` into ``firms[2].capability``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
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


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    """Number of nodes after alias expansion (memoised, so bombs stay cheap to measure)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > 200:
        return MAX_EXPANDED_NODES + 1
    size = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            if size > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, memo, depth + 1)
            if size > MAX_EXPANDED_NODES:
                break
    memo[key] = size
    return size


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
    """Read a user's text file, refusing missing, huge, binary or non-UTF-8 files."""
    path = Path(file)
    name = str(file)
    if not path.exists():
        raise error_type("file not found", file=name)
    if path.is_dir():
        raise error_type("is a folder, expected a YAML file", file=name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error_type(f"cannot read file ({exc.strerror})", file=name) from None
    if len(raw) > MAX_FILE_BYTES:
        raise error_type(f"file is {len(raw)} bytes, more than the {MAX_FILE_BYTES} allowed", file=name)
    if b"\x00" in raw:
        raise error_type("looks like a binary file (contains NUL bytes), expected YAML text", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error_type(f"is not UTF-8 text (bad byte at offset {exc.start})", file=name) from None


def load_yaml_text(text: str, file: str, error_type: type[UserError] = UserError) -> LoadedYaml:
    """Parse YAML text safely; errors name the file and line."""
    if not text.strip():
        raise error_type("file is empty, expected a YAML mapping", file=file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = exc.problem or "invalid YAML"
        raise error_type(f"YAML syntax error: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise error_type(f"YAML error: {exc}", file=file) from None
    if node is None:
        raise error_type("file holds no data, expected a YAML mapping", file=file)
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise error_type(
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)",
            file=file,
        )
    try:
        data = yaml.SafeLoader(text).get_single_data()
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise error_type(
            f"unsupported YAML tag ({exc.problem}); only plain data is allowed",
            file=file,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise error_type(f"YAML error: {exc}", file=file) from None
    lines: dict[tuple, int] = {}
    _node_lines(node, (), lines)
    _reject_non_finite(data, (), LoadedYaml(data, lines, file), error_type)
    return LoadedYaml(data, lines, file)


def _reject_non_finite(value: Any, path: tuple, doc: LoadedYaml, error_type: type[UserError]) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise error_type(
            f"{value} is not allowed, expected a finite number",
            file=doc.file,
            path=format_path(path),
            line=doc.line_of(path),
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_non_finite(item, path + (key,), doc, error_type)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_non_finite(item, path + (index,), doc, error_type)


def load_yaml_file(file: str | Path, error_type: type[UserError] = UserError) -> LoadedYaml:
    """Read and parse a YAML file safely (see :func:`load_yaml_text`)."""
    return load_yaml_text(read_text(file, error_type), str(file), error_type)
