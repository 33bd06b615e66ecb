# Sourced by the set-up commands: sets PYTHON to a Python 3.10+ that packages can be installed into.
# Inside an active virtual environment (or CI's own Python, DYNASIM_USE_CURRENT_PYTHON=1) that Python;
# otherwise the checkout's .venv, created on first use, since PEP 668 systems (Debian 12, Ubuntu
# 23.04+) refuse installs into the system Python. Works where `python` is missing and only
# `python3` exists, and where the venv module lacks ensurepip (pip is then bootstrapped from the
# system pip).

_dynasim_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_dynasim_pick_python() {
    local candidate
    for candidate in "${DYNASIM_PYTHON:-}" python3 python; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: dynasim needs Python 3.10 or later as python3 (or set DYNASIM_PYTHON)" >&2
    return 1
}

_dynasim_base="$(_dynasim_pick_python)" || exit 1

# dynasim_make_venv DIR: a virtual environment with pip in DIR, from the base Python.
dynasim_make_venv() {
    echo "==> creating a virtual environment in $1"
    if ! "$_dynasim_base" -m venv "$1" 2>/dev/null; then
        rm -rf "$1"
        "$_dynasim_base" -m venv --without-pip "$1"
        "$_dynasim_base" -m pip --python "$1/bin/python" install --quiet pip </dev/null
    fi
}

if [ -n "${VIRTUAL_ENV:-}" ] || [ "${DYNASIM_USE_CURRENT_PYTHON:-}" = 1 ] ||
    "$_dynasim_base" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
    PYTHON="$_dynasim_base"
else
    _dynasim_venv="$_dynasim_root/.venv"
    if [ ! -x "$_dynasim_venv/bin/python" ]; then
        dynasim_make_venv "$_dynasim_venv"
    fi
    PYTHON="$_dynasim_venv/bin/python"
    export PATH="$_dynasim_venv/bin:$PATH"  # its scripts (dynasim, aws) for what runs next
fi
export PYTHON
