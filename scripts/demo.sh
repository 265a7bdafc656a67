#!/usr/bin/env bash
# The main job: install, validate the demo registry, build the public site into public/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
.venv/bin/registry check
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict
echo
echo "网站已生成到 public/（直接打开 public/index.html 即可浏览）。"
echo "本地预览并随修改自动刷新：.venv/bin/mkdocs serve  → http://127.0.0.1:8000/"
