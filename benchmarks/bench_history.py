"""How fast are the history commands? Prints figures; it is not a test.

For each size (a record count: half systems, half projects), builds a registry with a history
of ``--merges`` first-parent merges (history_synth.py: pull requests merged with ``--no-ff``),
then times, each as a separate process (CPU seconds of the process and its children, wall
clock, peak RSS), beside the yardstick the issue names — ``git log --first-parent --raw`` on
the same repository — and beside what the history commands actually ask git for (the same log
with each merge's diff against its first parent, ``--diff-merges=first-parent -z``):

1. ``registry inventory --history``  cold (empty cache; best of --repeat, as the warm rows) and warm
   (cache written by the cold run)
2. ``registry audit``                cold and warm
3. ``registry diff --base HEAD~100`` (100 first-parent merges back) cold and warm, and once more
   with every record in the record cache (written by a ``registry check`` run first, untimed) and
   the kept results removed (every record of the working tree rebuilt from the cache)

and checks that the results are the same as the full path's: every command is run once more
with ``REGISTRY_NO_CACHE=1 REGISTRY_HISTORY_FULL=1`` (no cache, every blob through the full
YAML loader); any difference exits 1. ``--quick`` is a small size for CI. Import costs: one
``python -X importtime`` run per command, whether pydantic, gitpython and jieba were imported.
See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history_synth  # noqa: E402  (sibling modules; benchmarks/ is not a package)
import synth  # noqa: E402
from bench_check import VENV_BIN, Timing, child_env, run_timed, snapshot_code  # noqa: E402

AIMS = {"inventory": 0.8, "audit": 1.0, "diff": 1.0}  # CPU seconds, issue #14 at ~800 records
YARDSTICK_FACTOR = 10.0  # inventory --history ≤ 10 × git log --first-parent --raw
FULL_ENV = {"REGISTRY_NO_CACHE": "1", "REGISTRY_HISTORY_FULL": "1"}
WATCHED_IMPORTS = ("pydantic", "git", "jieba", "ruamel.yaml")


@dataclasses.dataclass
class Row:
    size: int
    label: str
    timing: Timing
    aim: float | None = None
    yardstick: float | None = None  # CPU seconds of git log --first-parent --raw
    factor: float | None = None  # aim as a multiple of the yardstick

    def ratio(self) -> str:
        if not self.yardstick:
            return ""
        ratio = self.timing.cpu / self.yardstick
        mark = "" if self.factor is None else f"（≤ {self.factor:g}× {'✓' if ratio <= self.factor else '✗'}）"
        return f"{ratio:.1f}×{mark}"


def commands(root: Path, today: str) -> dict[str, list[str]]:
    registry = str(VENV_BIN / "registry")
    base = [registry, "--root", str(root)]
    return {
        "inventory": [*base, "inventory", "--history", "--today", today, "--format", "json"],
        "audit": [*base, "audit", "--format", "json"],
        "diff": [*base, "diff", "--base", "HEAD~100", "--today", today, "--format", "json"],
    }


def best(label: str, command: Sequence[str], *, cwd: Path, env: dict[str, str], repeat: int) -> Timing:
    runs = [run_timed(label, [command], cwd=cwd, env=env) for _ in range(repeat)]
    return min(runs, key=lambda t: t.cpu)


def imports(command: Sequence[str], env: dict[str, str], cwd: Path) -> str:
    """Total import time and which of the watched libraries the command imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "registry", *command[1:]],
                          cwd=cwd, env=env, capture_output=True, check=False)
    total, seen = 0, set()
    for line in done.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        _, self_us, name = (part.strip() for part in line[len("import time:"):].split("|", 2))
        total += int(self_us)
        top = name.strip().split(".")[0]
        if name.strip() in WATCHED_IMPORTS or top in WATCHED_IMPORTS:
            seen.add(name.strip() if name.strip() in WATCHED_IMPORTS else top)
    watched = "、".join(f"{w}{'✓' if w in seen else '✗'}" for w in WATCHED_IMPORTS)
    return f"导入 {total / 1e6:.3f} s（{watched}）"


def measure(size: int, merges: int, work: Path, env: dict[str, str], repeat: int) -> tuple[list[Row], bool]:
    root = work / f"history-{size}"
    shutil.rmtree(root, ignore_errors=True)  # a reused --workdir: generated afresh
    started = time.perf_counter()
    built = history_synth.build(root, records=size, merges=merges)
    print(f"\n## {size} 条记录，{built.merges} 次首父合并（生成 {time.perf_counter() - started:.1f} s）：{root}")
    git = ["git", "-C", str(root)]
    literal = best("git log --first-parent --raw", [*git, "log", "--first-parent", "--raw"],
                   cwd=root, env=env, repeat=repeat)
    same_data = best("git log --first-parent --diff-merges=first-parent --raw -z",
                     [*git, "log", "--first-parent", "--diff-merges=first-parent", "--root", "--raw", "-z",
                      "--no-abbrev", "--no-renames"], cwd=root, env=env, repeat=repeat)
    rows = [Row(size, literal.label, literal), Row(size, same_data.label, same_data)]
    identical = True
    full_env = {**env, **FULL_ENV}
    for name, command in commands(root, synth.TODAY.isoformat()).items():
        run_timed("bytecode", [command], cwd=root, env=full_env)  # compile the bytecode once, untimed
        cold = best_cold(f"registry {name} 冷（空缓存）", command, root=root, env=env, repeat=repeat)
        warm = best(f"registry {name} 热（缓存已写入）", command, cwd=root, env=env, repeat=repeat)
        full = run_timed(f"registry {name} 完整路径（无缓存、完整 YAML 加载）", [command], cwd=root, env=full_env)
        same = cold.stdout == warm.stdout == full.stdout and set(cold.exit_codes + warm.exit_codes) == set(full.exit_codes)
        if name == "diff":  # the records read back from the record cache (registry/recordcodec.py)
            records = records_run(name, command, root=root, env=env, today=synth.TODAY.isoformat())
            same &= records.stdout == full.stdout and set(records.exit_codes) == set(full.exit_codes)
        identical &= same
        if not same:
            print(f"!! {name}: 快速路径与完整路径结果不同", file=sys.stderr)
        aim = AIMS[name] if size <= 1000 else None
        factor = YARDSTICK_FACTOR if name == "inventory" else None
        rows += [Row(size, cold.label, cold, aim, literal.cpu, factor), Row(size, warm.label, warm, aim, literal.cpu, factor),
                 Row(size, full.label, full, None, literal.cpu)]
        if name == "diff":
            rows.append(Row(size, records.label, records, None, literal.cpu))
        shutil.rmtree(root / ".registry-cache", ignore_errors=True)  # the imports of the cold run (the aimed row)
        print(f"{name}：冷运行的{imports(command, env, root)}；结果一致：{'是' if same else '否'}")
    return rows, identical


def best_cold(label: str, command: Sequence[str], *, root: Path, env: dict[str, str], repeat: int) -> Timing:
    """The cold row taken as the warm rows are: the best of ``repeat`` runs, each on an empty cache
    (a single run is at the mercy of whatever else the machine does in that second: two runs of
    the same code read 1.19 and 1.42 s). The last run leaves the cache the warm rows use."""
    runs = []
    for _ in range(repeat):
        shutil.rmtree(root / ".registry-cache", ignore_errors=True)
        runs.append(run_timed(label, [command], cwd=root, env=env))
    return min(runs, key=lambda t: t.cpu)


def records_run(name: str, command: Sequence[str], *, root: Path, env: dict[str, str], today: str) -> Timing:
    """The command with every record in the record cache and nothing else kept: a cold diff does not
    start a record cache (writing it costs a cold run more than it gains), so an untimed
    ``registry check`` of the working tree writes it first, then the kept results are removed."""
    shutil.rmtree(root / ".registry-cache", ignore_errors=True)
    check = [command[0], "--root", str(root), "check", "--today", today, "--format", "json"]
    run_timed("registry check（写入记录缓存）", [check], cwd=root, env=env)
    forget_runs(root)
    return run_timed(f"registry {name} 记录缓存（先运行 registry check 写入记录缓存，删去已存的结果，记录从缓存重建）",
                     [command], cwd=root, env=env)


def forget_runs(root: Path) -> None:
    """Remove the kept results (whole reports and summaries, the target's findings), keeping
    the record cache: the next run rebuilds every record it needs from the cache."""
    for store in (root / ".registry-cache").glob("*"):
        shutil.rmtree(store / "runs", ignore_errors=True)
        for kept in [*store.glob("diff-base/*"), *store.glob("records.summary*")]:
            kept.unlink()


def print_rows(rows: list[Row]) -> None:
    print("\n| 记录数 | 测量 | CPU s | 墙钟 s | 峰值 RSS MB | ÷ git log --raw（CPU） | 目标 CPU s |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for row in rows:
        t = row.timing
        aim = f"≤ {row.aim}" + (" ✓" if t.cpu <= row.aim else " ✗") if row.aim is not None else ""
        print(f"| {row.size} | {row.label} | {t.cpu:.3f} | {t.wall:.3f} | {t.peak_rss_mb:.0f} | {row.ratio()} | {aim} |")


def print_side_by_side(rows: list[Row]) -> None:
    """Every measurement at every size in one table: CPU s (÷ yardstick); peak RSS."""
    sizes = sorted({row.size for row in rows})
    if len(sizes) < 2:
        return
    found = {(row.size, row.label): row for row in rows}
    print("\n并列（CPU s，÷ git log --first-parent --raw 的 CPU；峰值 RSS MB）：\n")
    print("| 测量 | " + " | ".join(f"{size} 条" for size in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for label in dict.fromkeys(row.label for row in rows):
        cells = []
        for size in sizes:
            row = found.get((size, label))
            ratio = f"（{row.ratio()}）" if row is not None and row.yardstick else ""
            cells.append("" if row is None else f"{row.timing.cpu:.3f}{ratio}；{row.timing.peak_rss_mb:.0f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="历史类命令（inventory --history、audit、diff --base）的性能测试")
    parser.add_argument("--sizes", default="800", help="逗号分隔的记录数（默认 800；例如 2000,5000,10000,20000）")
    parser.add_argument("--merges", type=int, default=1000, help="首父合并次数（默认 1000）")
    parser.add_argument("--quick", action="store_true", help="CI 用的小规模：300 条记录、150 次合并、每项只跑一次")
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="热运行和 git log 各跑 N 次取 CPU 最少的一次")
    parser.add_argument("--workdir", type=Path, default=None, help="工作目录（保留生成的仓库）")
    args = parser.parse_args(argv)
    sizes = [300] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    merges = 150 if args.quick else args.merges
    repeat = 1 if args.quick else max(1, args.repeat)
    if merges <= 100:
        parser.error("--merges 须大于 100（diff --base HEAD~100）")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="registry-bench-history-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        env = child_env(work / "pycache", snapshot_code(work / "src"))
        for key in FULL_ENV:
            env.pop(key, None)
        rows: list[Row] = []
        identical = True
        for size in sizes:
            found, same = measure(size, merges, work, env, repeat)
            print_rows(found)  # each size as soon as it is measured (the largest take long)
            sys.stdout.flush()
            rows += found
            identical &= same
        if len(sizes) > 1:
            print_rows(rows)
        print_side_by_side(rows)
        print(f"\n快速路径与完整路径结果一致：{'是' if identical else '否'}")
        return 0 if identical else 1
    finally:
        if args.workdir:
            print(f"\n工作目录保留在 {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.pop("REGISTRY_NO_CACHE", None)
    raise SystemExit(main())
