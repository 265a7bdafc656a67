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
# axe-core (pinned in tests/axe/package-lock.json) for the accessibility check of the site.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/axe --no-audit --no-fund --silent
fi
exec .venv/bin/python -m pytest -q "$@"
