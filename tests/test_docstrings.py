"""Every public function, class and method in sim/ has a docstring (STYLE.md).

A method that overrides a documented one of a base class (a screen's ``draw``) inherits
that docstring, as ``help()`` shows it; :func:`inspect.getdoc` applies the same rule.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
OPTIONAL = {"sim.web"}  # needs the web extra; checked by its AST alone


def public_definitions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield prefix + node.name, node
            if isinstance(node, ast.ClassDef):
                yield from public_definitions(node, prefix + node.name + ".")


def _inherited_doc(module, dotted: str) -> str | None:
    """The docstring ``help()`` would show for ``module.dotted`` (inherited from base classes)."""
    owner = module
    parts = dotted.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    if inspect.isclass(owner):
        for klass in inspect.getmro(owner):
            member = klass.__dict__.get(parts[-1])
            if member is not None:
                doc = inspect.getdoc(member.fget if isinstance(member, property) else member)
                if doc:
                    return doc
        return None
    member = getattr(owner, parts[-1], None)
    return inspect.getdoc(member) if member is not None else None


def test_public_functions_have_docstrings():
    missing = []
    for path in sorted(SIM.rglob("*.py")):
        relative = path.relative_to(SIM)
        module_name = "sim." + ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        module = None if module_name in OPTIONAL else importlib.import_module(module_name)
        for name, node in public_definitions(ast.parse(path.read_text(encoding="utf-8"))):
            if ast.get_docstring(node) is not None:
                continue
            if module is not None and "." in name and _inherited_doc(module, name):
                continue
            missing.append(f"sim/{relative.as_posix()}:{node.lineno} {name}")
    assert not missing, "public definitions without a docstring:\n" + "\n".join(missing)
