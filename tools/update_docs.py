"""Regenerate the docs' generated sections from the code: docs/scenario-reference.md (schema,
parameter spec) and docs/experiments.md (output columns).

Usage: python tools/update_docs.py [--check]
With --check, exit 1 if the file is out of date (the test suite runs this).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.docs import parameters_markdown, scenario_reference_markdown  # noqa: E402
from sim.model.outcomes import outputs_markdown  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
REFERENCE = DOCS / "scenario-reference.md"


def generated() -> dict[Path, dict[str, str]]:
    """File -> section name -> its generated Markdown."""
    return {
        REFERENCE: {
            "schema": scenario_reference_markdown(),
            "parameters": parameters_markdown(load_scenario("korea-2025")),
        },
        DOCS / "experiments.md": {"outputs": outputs_markdown()},
    }


def render(text: str, sections: dict[str, str], name_of_file: str = REFERENCE.name) -> str:
    """``text`` with every generated section replaced by its current content."""
    for name, body in sections.items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{name_of_file} has no generated section {name!r}")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    """Rewrite the files, or with ``--check`` only report whether they are current."""
    stale = []
    for path, sections in generated().items():
        text = path.read_text(encoding="utf-8")
        new = render(text, sections, path.name)
        if new == text:
            continue
        if "--check" in sys.argv:
            stale.append(path)
        else:
            path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{path} is out of date: run python tools/update_docs.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
