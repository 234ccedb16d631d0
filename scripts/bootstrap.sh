#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project with its test, Dask,
# Parquet and charts extras. Safe to run again: it only installs when something changed.
# Usage: scripts/bootstrap.sh        (called by run.sh and test.sh)
# Environment: AISIM_PYTHON names a Python to use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="test,dask,parquet,charts"

# shellcheck source=scripts/find-python.sh
source "$root/scripts/find-python.sh"

if [ ! -x "$venv/bin/python" ] || ! is_new_enough "$venv/bin/python"; then
  python="$(find_python)" || {
    echo "bootstrap: no Python >= 3.12 found; install one (e.g. 'pyenv install 3.12' or your OS package) or set AISIM_PYTHON" >&2
    exit 2
  }
  echo "bootstrap: creating .venv with $python" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

stamp="$venv/.installed"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ] || [ "$root/setup.py" -nt "$stamp" ]; then
  log="$venv/install.log"
  started=$SECONDS
  echo "bootstrap: upgrading pip in .venv" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  echo "bootstrap: installing aisim and its dependencies into .venv (about 2 minutes the first time; log: $log)" >&2
  if ! "$venv/bin/python" -m pip install -e "$root[$extras]" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "bootstrap: installation failed; full log in $log" >&2
    exit 1
  fi
  touch "$stamp"
  echo "bootstrap: ready in $((SECONDS - started)) s ($("$venv/bin/aisim" --version 2>/dev/null || echo aisim))" >&2
fi
