#!/usr/bin/env bash
# The main job: install, validate the demo registry, build the public site into public/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
.venv/bin/registry check
echo "预览：.venv/bin/registry check --format json | less；命令参考见 README"
