# Sourced by scripts/bootstrap.sh and .ci/run: defines find_python, which prints the
# path of a Python >= 3.12 ($AISIM_PYTHON first, then python3.13/3.12/3/python on PATH,
# pyenv versions, /usr/local and /usr, then `uv python find`) or returns 1; and find_other_pythons,
# which prints the other Pythons >= 3.12 here (one per minor version), for CI to test on too.

is_new_enough() {  # is $1 a Python >= 3.12?
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

python_candidates() {  # paths of Pythons to consider, one per line: each name given that is on the PATH,
  # then pyenv installs (also those that are not the selected version), /usr/local's and /usr's
  local candidate
  for candidate in "$@"; do command -v "$candidate" 2>/dev/null || true; done
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    if [ -x "$candidate" ]; then echo "$candidate"; fi
  done
}

find_python() {
  local candidate
  if [ -n "${AISIM_PYTHON:-}" ] && is_new_enough "$AISIM_PYTHON"; then echo "$AISIM_PYTHON"; return 0; fi
  while IFS= read -r candidate; do
    if is_new_enough "$candidate"; then echo "$candidate"; return 0; fi
  done < <(python_candidates python3.13 python3.12 python3 python)
  if command -v uv >/dev/null 2>&1; then
    uv python find '>=3.12' 2>/dev/null && return 0
  fi
  return 1
}

python_version() {  # "3.12" for a Python 3.12.x at $1
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

find_other_pythons() {  # every other Python >= 3.12 here, one per minor version, none of $1's version
  local candidate version seen
  seen=" $(python_version "$1") "
  while IFS= read -r candidate; do
    is_new_enough "$candidate" || continue
    version="$(python_version "$candidate")"
    case "$seen" in *" $version "*) continue ;; esac
    seen="$seen$version "
    echo "$candidate"
  done < <(python_candidates python3.12 python3.13 python3.14 python3.15)
}
