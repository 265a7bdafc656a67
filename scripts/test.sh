#!/usr/bin/env bash
# Installs what the tests need (Python packages and, for the browser test, Debian's chromium)
# and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "安装浏览器测试所需的 chromium（apt-get）…"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
# npm packages pinned by their lock files: axe-core for the site's accessibility check,
# decap-server for the web-form browser test.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/axe --no-audit --no-fund --silent
  echo "安装网页表单测试所需的 decap-server（npm ci，版本见 tests/cms/package-lock.json）…"
  npm ci --prefix tests/cms --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# Tests never write into the project (tests/conftest.py checks it): Python's bytecode goes to a
# folder outside it, for tests/conftest.py itself too (pytest compiles it before it can say so).
export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-${TMPDIR:-/tmp}/registry-tests-$(id -u)/pycache}"
exec .venv/bin/python -m pytest -q "$@"
