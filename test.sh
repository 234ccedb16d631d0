#!/usr/bin/env bash
# Set up (first time only), lint, and run the test suite headless.
# Extra arguments go to pytest, e.g. ./test.sh -k market   or   ./test.sh -x -q
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1
.venv/bin/ruff check sim tests benchmarks tools
.venv/bin/ruff format --check sim tests benchmarks tools
exec .venv/bin/python -m pytest "$@"
