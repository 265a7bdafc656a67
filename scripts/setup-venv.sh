#!/usr/bin/env bash
# Creates .venv (if missing) and installs the package with the given extras, e.g. "test".
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv 2>/dev/null || python3 -m venv --without-pip .venv
if [ ! -x .venv/bin/pip ]; then .venv/bin/python -m ensurepip --upgrade >/dev/null; fi
spec="."
[ -n "${1:-}" ] && spec=".[$1]"
# editable_mode=compat: the editable install is one path line in a .pth file. setuptools'
# default for this layout is an import finder that site.py loads at every start-up (importing
# pathlib and importlib.util: about 8 ms of each `registry` command, a commit hook's included).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" --config-settings editable_mode=compat
