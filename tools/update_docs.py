"""Regenerate docs/scenario-reference.md's generated sections from the code (schema, parameter spec).

Usage: python tools/update_docs.py [--check]
With --check, exit 1 if the file is out of date (the test suite runs this).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.docs import parameters_markdown, scenario_reference_markdown  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "scenario-reference.md"


def generated() -> dict[str, str]:
    """Section name -> its generated Markdown."""
    return {
        "schema": scenario_reference_markdown(),
        "parameters": parameters_markdown(load_scenario("korea-2025")),
    }


def render(text: str) -> str:
    """``text`` with every generated section replaced by its current content."""
    for name, body in generated().items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{REFERENCE.name} has no generated section {name!r}")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    """Rewrite the file, or with ``--check`` only report whether it is current."""
    text = REFERENCE.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print(f"{REFERENCE} is out of date: run python tools/update_docs.py", file=sys.stderr)
            return 1
        return 0
    REFERENCE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
