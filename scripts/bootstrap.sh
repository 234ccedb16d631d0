#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project with its test, Dask,
# Parquet and charts extras. Safe to run again: it only installs when something changed.
# Usage: scripts/bootstrap.sh        (sourced by run.sh and test.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

is_new_enough() {  # is $1 a Python >= 3.12?
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidate
  if [ -n "${AISIM_PYTHON:-}" ] && is_new_enough "$AISIM_PYTHON"; then echo "$AISIM_PYTHON"; return 0; fi
  for candidate in python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && is_new_enough "$candidate"; then command -v "$candidate"; return 0; fi
  done
  # pyenv installs that are not the selected version
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    if [ -x "$candidate" ] && is_new_enough "$candidate"; then echo "$candidate"; return 0; fi
  done
  if command -v uv >/dev/null 2>&1; then
    uv python find '>=3.12' 2>/dev/null && return 0
  fi
  return 1
}

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
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  echo "bootstrap: installing aisim and its dependencies into .venv" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  log="$venv/install.log"
  if ! "$venv/bin/python" -m pip install -e "$root[test,dask,parquet,charts]" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "bootstrap: installation failed; full log in $log" >&2
    exit 1
  fi
  touch "$stamp"
fi
