#!/usr/bin/env bash
# Set up (first time only) and run the default Korea scenario headless.
# Extra arguments go to `aisim run`, e.g. ./run.sh --seeds 20 --set act_stringency=2
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/scripts/bootstrap.sh"
exec "$root/.venv/bin/aisim" run "$@"
