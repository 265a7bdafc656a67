"""The benchmark runner works end to end at its small size: every script there is runs, prints
its rows, and finds cached and uncached results identical (figures are not checked: timings
depend on the machine; speed aims live in benchmarks/, never in timed assertions)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
CHECK_ROWS = ("冷检查 --no-cache", "冷检查（空缓存，写入缓存）", "未改动，再次检查", "registry check 3 个改动文件（热缓存）",
              "registry check 3 个改动文件（lstat 扫描）",
              "pre-commit 3 个暂存文件（空缓存）", "pre-commit 3 个暂存文件（热缓存）", "pre-commit 空操作钩子（pre-commit 自身）",
              "本工具在 pre-commit 中的份额（热缓存 − 空操作）", "Python 启动（python -c pass）",
              "导入模型（python -c \"import registry.models\"）")
STALENESS = ("工作区改动（未暂存）", "同一秒内同长度改动（修改时间复原）", "touch（内容不变）", "重命名（移到另一单位目录）",
             "删除记录 + 新增未跟踪记录", "git checkout 另一分支", "assume-unchanged 后改动", "skip-worktree 后改动",
             "仓库配置 trustctime=false、checkStat=minimal", "钩子的临时索引（GIT_INDEX_FILE）", "被 .gitignore 忽略的记录",
             "暂存后再次改动（同长度，修改时间复原）", "git 自身被骗（同一秒内 add 后同长度改动）")
STAGED_STALENESS = ("暂存后未暂存的改动", "未跟踪的草稿文件", "部分暂存（git add -p）", "git reset 已暂存的文件",
                    "git checkout 另一分支", "重命名（git mv 到另一单位）", "同一秒内暂存同长度改动",
                    "git update-index --cacheinfo 改写索引", "提交后 HEAD 移动，再暂存改动", "大量提交后（重新列出 HEAD 的树）",
                    "钩子的临时索引（GIT_INDEX_FILE）")


def test_run_all_quick_runs_every_benchmark_and_prints_their_rows(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("REGISTRY_NO_CACHE", None)
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run_all.py"), "--quick"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=3600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    out = done.stdout
    sections = out.split("=" * 20 + " ")
    check = next(s for s in sections if s.startswith("bench_check.py"))
    assert "通过" in check.splitlines()[0]
    for label in CHECK_ROWS:
        row = next(line for line in check.splitlines() if line.startswith(label))
        assert len(row.split()) >= 7, row  # wall, CPU, RSS, the yardstick's wall and CPU, the ratio
    for scenario in STALENESS:
        assert f"无过期：{scenario} 一致" in check
    for scenario in STAGED_STALENESS:
        assert f"无过期（--staged，对照暂存内容的干净目录）：{scenario} 一致" in check
    assert "导入（未改动）" in check and "重型库：无" in check.split("导入（未改动）")[1].splitlines()[0]
    assert "缓存结果与无缓存结果全部一致" in check
    overview = out.split("总览")[-1]
    for script in sorted(p.name for p in BENCHMARKS.glob("bench_*.py")):
        assert script in overview
        section = next(s for s in sections if s.startswith(script))
        if "未运行" not in section.splitlines()[0]:
            assert section.split("\n", 1)[1].strip(), f"{script} printed nothing"
    site = next(s for s in sections if s.startswith("bench_site.py"))
    assert "通过" in site.splitlines()[0]
    side_by_side = site.split("各规模并列")[1].splitlines()
    row = next(line for line in side_by_side if line.startswith("500 "))
    assert len(row.split()) == 12, row  # pages, CPU of ours cold/warm and plain, three ratios, three peaks, the aim
    assert "缓存一致" in site
