"""Write docs/constants.md from the Korea scenario's ``model:`` section (``--check``: fail if stale).

Usage: python tools/constants_doc.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.docs import constants_markdown
from sim.scenario import load_scenario

OUT = Path(__file__).resolve().parent.parent / "docs" / "constants.md"
HEADER = """# Behavioural constants (Korea baseline)

Generated from `scenarios/korea-2025.yaml` (`model:`) by `python tools/constants_doc.py`; a
test keeps it current. Every number the model's equations use is here or a parameter
(`aisim params`); each can be swept as a future (`futures:` in an experiment). "assumption"
marks a modelling guess with no published figure behind it. The equations are in
[model.md](model.md).

"""


def render() -> str:
    return HEADER + constants_markdown(load_scenario("korea-2025")) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python tools/constants_doc.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
