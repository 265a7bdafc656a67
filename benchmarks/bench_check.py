"""How fast is ``registry check`` on a large registry? Prints figures; it is not a test.

Generates a synthetic registry (default 10,000 systems + 10,000 projects, see synth.py),
commits it to a temporary git repository, then times, each as a separate process (wall
clock, CPU time and peak memory of the process and its children):

1. ``registry check --no-cache``           the pipeline itself, nothing cached
2. ``registry check`` with an empty cache  cold: same work, and the cache gets written
3. ``registry check`` again                nothing changed
4. ``registry check PATH PATH PATH``       three files edited (all records still load)
5. ``registry check`` (all files)          after those edits, the whole registry
6. ``check-jsonschema --schemafile …``     the same files against the exported JSON Schema,
                                           in xargs-sized batches (what a user would
                                           otherwise put in pre-commit)

and prints the ratios against the aims (cold ≤ 1/5 of check-jsonschema; unchanged and
three-file runs under 1 s). ``--stages`` adds an in-process breakdown of a cold run and
``--profile`` the top of a cProfile of one. See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import gc
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402  (sibling module; benchmarks/ is not a package)

VENV_BIN = Path(sys.executable).parent
XARGS_BYTES = 128 * 1024  # GNU xargs' default command-line buffer


@dataclasses.dataclass
class Timing:
    label: str
    wall: float
    cpu: float  # user + system, the process and all its children
    peak_rss_mb: float  # largest single process (getrusage semantics)
    tree_rss_mb: float | None  # largest sum over the process tree, sampled every 20 ms
    exit_codes: list[int]
    stdout: bytes = b""
    runs: int = 1


def run_timed(label: str, commands: Sequence[Sequence[str]], *, cwd: Path, env: dict[str, str]) -> Timing:
    """Run ``commands`` one after another; wall clock, CPU and memory over all of them."""
    wall = cpu = peak = 0.0
    tree: float | None = 0.0
    codes, out = [], b""
    for command in commands:
        with tempfile.TemporaryFile() as sink:
            start = time.perf_counter()
            proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.PIPE)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall += time.perf_counter() - start
            sampler.stop()
            proc.returncode = os.waitstatus_to_exitcode(status)
            stderr = proc.stderr.read() if proc.stderr else b""
            sink.seek(0)
            out += sink.read()
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
        tree = None if sampler.peak is None or tree is None else max(tree, sampler.peak)
        codes.append(proc.returncode)
        if proc.returncode not in (0, 1):
            sys.stderr.write(f"{label}: exit {proc.returncode}\n{stderr.decode(errors='replace')}\n")
    return Timing(label, wall, cpu, peak, tree, codes, out, len(commands))


class TreeSampler(threading.Thread):
    """Peak resident memory of a process and its descendants (Linux /proc), sampled."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: float | None = 0.0 if Path("/proc/self/stat").exists() else None
        self._done = threading.Event()

    def run(self) -> None:
        while self.peak is not None and not self._done.wait(0.02):
            self.peak = max(self.peak, self._tree_mb())

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _tree_mb(self) -> float:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        return total / 2**20


def batches(paths: Sequence[str], limit: int = XARGS_BYTES) -> list[list[str]]:
    """Split arguments the way xargs does: each command line under ``limit`` bytes."""
    out: list[list[str]] = [[]]
    size = 0
    for path in paths:
        length = len(path.encode()) + 1
        if out[-1] and size + length > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += length
    return out


def snapshot_code(dest: Path) -> Path:
    """A copy of the registry package for the children to run: every timed run uses the same
    code even while the working tree is being edited (the cache is keyed on the tool's source,
    so an edit between two runs would otherwise turn an "unchanged" run into a cold one)."""
    import registry

    shutil.copytree(Path(registry.__file__).parent, dest / "registry",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".registry-cache"))
    return dest


def child_env(pycache: Path | None, code: Path) -> dict[str, str]:
    """The children's environment: the snapshot of the code first on the path, and — as an
    installed tool has its bytecode compiled — a bytecode cache outside the source tree
    (unless ``--no-bytecode-cache``)."""
    env = dict(os.environ)
    env.pop("REGISTRY_NO_CACHE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH", "")]))
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def touch_three(root: Path, written: synth.Written, edition: int) -> list[str]:
    """Edit one system and two projects (a text field: still valid) and return their paths;
    each ``edition`` gives new content, so no earlier run's result applies."""
    chosen = [written.systems[len(written.systems) // 3], written.projects[len(written.projects) // 2],
              written.projects[-7]]
    for path in chosen:
        file = root / path
        text = file.read_text(encoding="utf-8")
        field = "description: " if path.startswith("systems/") else "necessity: "
        file.write_text(text.replace(field, f"{field}（第{edition}次修改）", 1), encoding="utf-8")
    return chosen


def best_of(timings: list[Timing]) -> Timing:
    """The fastest of repeated runs: the least disturbed by other processes on the machine."""
    best = min(timings, key=lambda t: t.wall)
    best.runs = len(timings)
    return best


def findings_count(out: bytes) -> str:
    try:
        summary = json.loads(out)["summary"]
    except (ValueError, KeyError):
        return "?"
    return f"{summary['errors']} 错误 / {summary['warnings']} 警告"


def print_table(rows: list[Timing], files: int) -> None:
    columns = ("墙钟 s", "CPU s", "文件/秒", "峰值RSS MB", "进程树 MB")
    print("\n" + _pad("运行", 42) + "".join(_pad(c, 12, right=True) for c in columns) + "  结果")
    for t in rows:
        tree = f"{t.tree_rss_mb:.0f}" if t.tree_rss_mb is not None else "-"
        result = findings_count(t.stdout) if t.label.startswith("registry") else f"{t.runs} 次调用"
        if t.label.startswith("registry") and t.runs > 1:
            result += f"（{t.runs} 次中最快）"
        cells = (f"{t.wall:.2f}", f"{t.cpu:.2f}", f"{files / t.wall:.0f}", f"{t.peak_rss_mb:.0f}", tree)
        print(_pad(t.label, 42) + "".join(_pad(c, 12, right=True) for c in cells) + f"  {result}")


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a display width: CJK characters take two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - shown)
    return fill + text if right else text + fill


def stages(root: Path, today: dt.date) -> None:
    """Where a cold run's time goes, in this process (no cache)."""
    from registry.checking import load_snapshot, scan
    from registry.engine import Locator, findings_of, run_rules, select_rules
    from registry.loader import load_config
    from registry.rules.base import Context

    clock = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        print(f"  {label:<36}{now - clock:8.2f} s")
        clock = now

    print("\n各阶段耗时（本进程内，无缓存；与 registry check 一样暂停循环垃圾回收）：")
    gc.disable()
    config = load_config(root)
    selection = select_rules(config)
    lap("registry.yaml + 规则选择")
    files = scan(root)
    lap(f"列出并读取 {len(files)} 个文件、计算 blob id")
    head = load_snapshot(files, None)
    lap("解析 + 校验（1000 个文件以上时多进程）")
    ctx = Context(config=config, head=head, today=today)
    problems = run_rules(selection, ctx)
    lap(f"运行 {len(selection.rules)} 条规则")
    findings = findings_of(problems, ctx, Locator(root))
    lap(f"定位 {len(findings)} 个问题的行列号")
    gc.enable()


def profile(root: Path, today: dt.date, top: int) -> None:
    from registry.checking import check_report

    profiler = cProfile.Profile()
    profiler.enable()
    check_report(root, today=today, use_cache=False)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(top)
        print(f"\ncProfile（无缓存冷运行，按 {order} 排序，前 {top} 项；分析器本身使运行变慢数倍）：")
        print(text.getvalue().split("\n\n", 1)[-1].rstrip())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="registry check 在大型登记簿上的性能测试（输出数据，不是测试用例）")
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--profiles", default=",".join(synth.SELECTABLE), help="逗号分隔（默认全部五个配置，使每条规则都运行）")
    parser.add_argument("--workdir", type=Path, default=None, help="工作目录（默认临时目录，结束后删除）")
    parser.add_argument("--keep", action="store_true", help="保留工作目录")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="子进程不使用字节码缓存（每次重新编译源码）")
    parser.add_argument("--skip-jsonschema", action="store_true", help="不运行 check-jsonschema")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="未改动和 3 个文件两项各运行 N 次，取最快一次（默认 3）")
    parser.add_argument("--stages", action="store_true", help="另外在本进程内分阶段计时一次冷运行")
    parser.add_argument("--profile", type=int, nargs="?", const=30, default=0, metavar="N",
                        help="另外用 cProfile 分析一次冷运行，打印前 N 项（默认 30）")
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="registry-bench-"))
    root = work / "registry"
    today = synth.TODAY
    try:
        started = time.perf_counter()
        written = synth.generate(root, systems=args.systems, projects=args.projects, units=args.units,
                                 profiles=args.profiles.split(","), today=today)
        print(f"合成登记簿：{root}（{len(written.systems)} 个系统，{len(written.projects)} 个项目，"
              f"{args.units} 个单位，{written.attachments} 个附件；规则配置 {args.profiles}；"
              f"生成并提交用时 {time.perf_counter() - started:.1f} s）")
        env = child_env(None if args.no_bytecode_cache else work / "pycache", snapshot_code(work / "src"))
        registry = str(VENV_BIN / "registry")
        schema_dir = work / "schema"
        subprocess.run([registry, "--root", str(root), "schema", "--out", str(schema_dir)], env=env,
                       check=True, stdout=subprocess.DEVNULL)  # also compiles the bytecode once
        check = [registry, "--root", str(root), "check", "--today", today.isoformat(), "--format", "json"]
        files = len(written.systems) + len(written.projects)

        rows = [run_timed("registry check --no-cache", [[*check, "--no-cache"]], cwd=root, env=env)]
        shutil.rmtree(root / ".registry-cache", ignore_errors=True)
        rows.append(run_timed("registry check 冷运行（空缓存，写入缓存）", [check], cwd=root, env=env))
        rows.append(best_of([run_timed("registry check 未改动（再次运行）", [check], cwd=root, env=env)
                             for _ in range(args.repeat)]))
        three = []
        for edition in range(1, args.repeat + 1):
            edited = touch_three(root, written, edition)
            three.append(run_timed("registry check PATHS（改动 3 个文件）", [[*check, *edited]], cwd=root, env=env))
        last_three = three[-1].stdout  # the same edition as the --no-cache reference below
        rows.append(best_of(three))
        reference = run_timed("registry check PATHS --no-cache", [[*check, *edited, "--no-cache"]], cwd=root, env=env)
        rows.append(reference)
        rows.append(run_timed("registry check 全部（改动 3 个文件后）", [check], cwd=root, env=env))
        same_cold = rows[0].stdout == rows[1].stdout == rows[2].stdout
        same_paths = last_three == reference.stdout
        if not args.skip_jsonschema:
            jsonschema = str(VENV_BIN / "check-jsonschema")
            commands = [[jsonschema, "--schemafile", str(schema_dir / f"{kind}.schema.json"), *batch]
                        for kind, paths in (("system", written.systems), ("project", written.projects))
                        for batch in batches(paths)]
            rows.append(run_timed("check-jsonschema（同样的文件）", commands, cwd=root, env=env))
        print_table(rows, files)
        print(f"\n缓存与无缓存结果一致：全部检查 {'是' if same_cold else '否'}；3 个文件 {'是' if same_paths else '否'}")
        summarize(rows, args.skip_jsonschema)
        cache_size = sum(p.stat().st_size for p in (root / ".registry-cache").rglob("*") if p.is_file())
        print(f"缓存目录 .registry-cache/ 大小：{cache_size / 2**20:.1f} MB")
        if args.stages:
            stages(root, today)
        if args.profile:
            profile(root, today, args.profile)
        return 0 if same_cold and same_paths else 1
    finally:
        if args.keep or args.workdir:
            print(f"\n工作目录保留在 {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def summarize(rows: list[Timing], skip_jsonschema: bool) -> None:
    by = {t.label: t for t in rows}
    cold = by["registry check 冷运行（空缓存，写入缓存）"]
    unchanged = by["registry check 未改动（再次运行）"]
    three = by["registry check PATHS（改动 3 个文件）"]
    print(f"未改动 / 冷运行 = {unchanged.wall / cold.wall:.3f}；3 个文件 / 冷运行 = {three.wall / cold.wall:.3f}")
    if not skip_jsonschema:
        reference = by["check-jsonschema（同样的文件）"]
        print(f"冷运行 / check-jsonschema = {cold.wall / reference.wall:.3f}（目标 ≤ 0.200）；"
              f"--no-cache / check-jsonschema = {by['registry check --no-cache'].wall / reference.wall:.3f}；"
              f"CPU 时间之比 {cold.cpu / reference.cpu:.3f}")
    print(f"未改动 {unchanged.wall:.2f} s，3 个文件 {three.wall:.2f} s（目标均 < 1 s）")


if __name__ == "__main__":
    raise SystemExit(main())
