"""Regenerate the README's reference sections from the code (scenario schema, parameter spec).

Usage: python tools/update_readme.py [--check]
With --check, exit 1 if the README is out of date (the test suite runs this).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.docs import parameters_markdown, scenario_reference_markdown  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"


def generated() -> dict[str, str]:
    return {
        "schema": scenario_reference_markdown(),
        "parameters": parameters_markdown(load_scenario("korea-2025")),
    }


def render(text: str) -> str:
    for name, body in generated().items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"README has no generated section {name!r}")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print("README.md is out of date: run python tools/update_readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
