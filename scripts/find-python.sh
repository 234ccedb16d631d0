# Sourced by scripts/bootstrap.sh and .ci/run: defines find_python, which prints the
# path of a Python >= 3.12 ($AISIM_PYTHON first, then python3.13/3.12/3/python on PATH,
# pyenv versions, /usr/local and /usr, then `uv python find`) or returns 1; and find_other_pythons,
# which prints the other Pythons >= 3.12 here (one per minor version), for CI to test on too.

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

python_version() {  # "3.12" for a Python 3.12.x at $1
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

find_other_pythons() {  # every other Python >= 3.12 here, one per minor version, none of $1's version
  local candidate version seen
  seen=" $(python_version "$1") "
  for candidate in python3.12 python3.13 python3.14 python3.15 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    case "$candidate" in */*) [ -x "$candidate" ] || continue ;; *) candidate="$(command -v "$candidate")" || continue ;; esac
    is_new_enough "$candidate" || continue
    version="$(python_version "$candidate")"
    case "$seen" in *" $version "*) continue ;; esac
    seen="$seen$version "
    echo "$candidate"
  done
}
