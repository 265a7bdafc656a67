"""How fast is ``registry check`` where people wait? Prints figures; it is not a test.

For each size (``--sizes``, records; half systems, half projects) a synthetic registry (see
synth.py) is committed to a temporary git repository and each row is timed as separate
processes (wall clock, CPU of the process and its children, peak memory), beside its yardstick
and its aim (issue #14):

=============================================  ================================  ==========================
row                                            aim                               yardstick
=============================================  ================================  ==========================
cold check (``--no-cache``, and empty cache)   ≤ 300 MB peak RSS; ≤ 0.15× CPU    check-jsonschema, all files
unchanged re-check                             ≤ 0.3 s CPU                       check-jsonschema, all files
``registry check`` 3 edited files, warm cache  ≤ 0.4 s wall                      check-jsonschema, 3 files
pre-commit, 3 staged files (cold, warm cache)  ≤ 0.4 s wall (warm)               pre-commit + check-jsonschema
=============================================  ================================  ==========================

The 3-file row is also run with the scan that ``lstat``-s every record file instead of taking
blob ids from git's index (``REGISTRY_GIT_INDEX=0``), alternating with it. Also the imports of
the warm paths (``python -X importtime``), and the staleness proof (staleness.py): cached and
uncached output identical after edits, renames, ``touch``, a same-second edit, a ``git
checkout``, and every way git's index could be trusted wrongly (exit 1 otherwise). ``--quick``
runs one small size (CI).
See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import precommit_rows  # noqa: E402  (sibling modules; benchmarks/ is not a package)
import staleness  # noqa: E402
import synth  # noqa: E402
from benchkit import VENV_BIN, Timing, batches, child_env, pad, progress, run_timed, snapshot_code  # noqa: E402
from precommit_rows import best_of, spread  # noqa: E402

SIZES = (2_000, 5_000, 10_000, 20_000)
QUICK_SIZES = (300,)
PROOF_SIZE = 2_000  # the staleness proof's own registry when every size is above --staleness-max
HEAVY = ("pydantic", "ruamel", "git", "jieba", "mkdocs")  # what a warm run should not need to import


def units_for(records: int) -> int:
    """About 200 records per unit (100 units at 20,000), never fewer than the core units the
    synthetic registry.yaml names as authorities."""
    return max(len(synth.CORE_UNITS), records // 200)


class Row:
    """One line of the report: a measured run, its aim, and its yardstick."""

    def __init__(self, label: str, run: Timing, aim: str = "", met: bool | None = None,
                 yardstick: Timing | None = None) -> None:
        self.label, self.run, self.aim, self.met, self.yardstick = label, run, aim, met, yardstick

    def cells(self) -> list[str]:
        r, y = self.run, self.yardstick
        ratio = f"{r.cpu / y.cpu:.2f}×" if y is not None and y.cpu > 0 else "-"
        verdict = "" if self.met is None else ("达标" if self.met else "未达标")
        return [f"{r.wall:.2f}", f"{r.cpu:.2f}", f"{r.peak_rss_mb:.0f}",
                f"{y.wall:.2f}" if y else "-", f"{y.cpu:.2f}" if y else "-", ratio, self.aim, verdict]


def edit_three(root: Path, written: synth.Written, edition: int) -> list[str]:
    """Edit one system and two projects (a text field: still valid) and return their paths;
    each ``edition`` gives new content, so no earlier run's result applies."""
    chosen = [written.systems[len(written.systems) // 3], written.projects[len(written.projects) // 2],
              written.projects[-7]]
    for path in chosen:
        file = root / path
        field = "description: " if path.startswith("systems/") else "necessity: "
        file.write_text(file.read_text(encoding="utf-8").replace(field, f"{field}（第{edition}次修改）", 1),
                        encoding="utf-8")
    return chosen


def jsonschema_commands(schema: Path, paths: Sequence[str]) -> list[list[str]]:
    """check-jsonschema over ``paths`` in xargs-sized batches, one schema per folder."""
    return [[str(VENV_BIN / "check-jsonschema"), "--schemafile", str(schema / f"{kind}.schema.json"), *batch]
            for kind, folder in (("system", "systems/"), ("project", "projects/"))
            for batch in batches([p for p in paths if p.startswith(folder)]) if batch]


def import_profile(command: Sequence[str], root: Path, env: dict[str, str]) -> str:
    """Total import time of a run (``-X importtime``) and which heavy libraries it imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "registry", *command], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    total, modules = 0, set()
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            total += int(parts[0])
            modules.add(parts[2].strip().split(".")[0])
    heavy = [m for m in HEAVY if m in modules]
    return f"{total / 1e6:.3f} s，{len(modules)} 个顶层包；重型库：{'、'.join(heavy) or '无'}"


def bench_size(records: int, args: argparse.Namespace, work: Path, env: dict[str, str]) -> tuple[list[Row], list[str], bool]:
    """Every row at one size; (rows, notes, staleness proof passed)."""
    root, schema = work / f"registry-{records}", work / f"schema-{records}"
    shutil.rmtree(root, ignore_errors=True)  # a reused --workdir: generated afresh
    started = time.perf_counter()
    progress(f"{records} 条记录：生成合成登记簿")
    written = generate(root, records, args.profiles.split(","))
    registry = str(VENV_BIN / "registry")
    subprocess.run([registry, "--root", str(root), "schema", "--out", str(schema)], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # also compiles the bytecode once
    notes = [f"{records} 条记录（{len(written.systems)} 个系统，{len(written.projects)} 个项目，"
             f"{units_for(records)} 个单位，{written.attachments} 个附件），生成用时 {time.perf_counter() - started:.1f} s"]
    check = [registry, "check", "--today", synth.TODAY.isoformat(), "--format", "json"]
    everything = written.systems + written.projects

    def timed(label: str, *extra: str) -> Timing:
        return run_timed(label, [[*check, *extra]], cwd=root, env=env)

    if not args.skip_jsonschema:
        progress(f"{records} 条记录：check-jsonschema 校验全部 {len(everything)} 个文件")
    all_schema = run_timed("check-jsonschema", jsonschema_commands(schema, everything), cwd=root, env=env) \
        if not args.skip_jsonschema else None
    progress(f"{records} 条记录：冷检查")
    nocache = timed("no-cache", "--no-cache")
    shutil.rmtree(root / ".registry-cache", ignore_errors=True)
    cold = timed("cold")
    unchanged = best_of([timed("unchanged") for _ in range(args.repeat)])
    notes.append(f"导入（未改动）：{import_profile(check[1:], root, env)}")
    same = nocache.stdout == cold.stdout == unchanged.stdout
    rows = [
        Row("冷检查 --no-cache", nocache, "≤300 MB，≤0.15× CPU",
            nocache.peak_rss_mb <= 300 and (all_schema is None or nocache.cpu <= 0.15 * all_schema.cpu), all_schema),
        Row("冷检查（空缓存，写入缓存）", cold, "≤300 MB", cold.peak_rss_mb <= 300, all_schema),
        Row("未改动，再次检查", unchanged, "≤0.3 s CPU", unchanged.cpu <= 0.3, all_schema),
    ]
    progress(f"{records} 条记录：3 个改动文件")
    threes, lstats, edited = [], [], []
    lstat_env = {**env, "REGISTRY_GIT_INDEX": "0"}  # the scan that lstat-s every record file (registry/statindex.py)
    for edition in range(1, args.repeat + 1):  # the two scans alternate: the same load for both
        edited = edit_three(root, written, edition)
        threes.append(timed("3 files", *edited))
        edited = edit_three(root, written, 1000 + edition)
        lstats.append(run_timed("3 files lstat", [[*check, *edited]], cwd=root, env=lstat_env))
    three = best_of(threes)
    notes.append(spread("registry check 3 个改动文件（git 索引扫描）", threes))
    notes.append(spread("registry check 3 个改动文件（lstat 扫描）", lstats))
    reference = timed("3 files no-cache", *edited, "--no-cache")
    same = same and three.stdout == reference.stdout
    three_schema = run_timed("check-jsonschema 3", jsonschema_commands(schema, edited), cwd=root, env=env) \
        if not args.skip_jsonschema else None
    rows.append(Row("registry check 3 个改动文件（热缓存）", three, "≤0.4 s 墙钟",
                    three.wall <= 0.4 and (three_schema is None or three.wall <= three_schema.wall), three_schema))
    rows.append(Row("registry check 3 个改动文件（lstat 扫描）", best_of(lstats), "", None, three_schema))
    edit_three(root, written, args.repeat + 1)  # content no run has seen: the rules run again
    notes.append(f"导入（3 个改动文件）：{import_profile([*check[1:], *edited], root, env)}")
    if not args.skip_pre_commit:
        progress(f"{records} 条记录：pre-commit")
        stage = functools.partial(edit_three, root, written)
        rows += [Row(label, timing, aim, pre_commit_met(kind, timing, yardstick), yardstick)
                 for label, timing, aim, yardstick, kind in precommit_rows.rows(
                     root, schema, synth.TODAY.isoformat(), work, work / "src", env, args.repeat, stage,
                     not args.skip_python_hook, notes)]
    if not same:
        notes.append("缓存与无缓存输出不一致！")
    if records <= args.staleness_max:
        same = prove(root, records, check, env, work, notes) and same
    return rows, notes, same


def prove(root: Path, records: int, check: list[str], env: dict[str, str], work: Path, notes: list[str]) -> bool:
    """The staleness proof (staleness.py) on the registry at ``root``; its lines go to ``notes``."""
    progress(f"{records} 条记录：无过期验证（{len(staleness.SCENARIOS)} + {len(staleness.STAGED_SCENARIOS)} 种情形）")
    proof = staleness.prove(root, check, env)
    notes += [f"无过期：{name} {'一致' if ok else '不一致！'}" for name, ok in proof]
    staged = staleness.prove_staged(root, check, env, work)
    notes += [f"无过期（--staged，对照暂存内容的干净目录）：{name} {'一致' if ok else '不一致！'}" for name, ok in staged]
    return all(ok for _name, ok in proof + staged)


def prove_apart(args: argparse.Namespace, work: Path, env: dict[str, str]) -> tuple[list[str], bool]:
    """The proof when every size is above ``--staleness-max``: on a registry of its own of
    ``PROOF_SIZE`` records. At 20,000 records its 24 scenarios each check the whole registry
    without a cache, and the --staged ones write out 28,000 files each: with check-jsonschema
    that run took over 10 minutes on the shared machine and printed nothing (the proof does not
    depend on the size; the timed rows do)."""
    root = work / f"registry-proof-{PROOF_SIZE}"
    shutil.rmtree(root, ignore_errors=True)
    progress(f"无过期验证：生成 {PROOF_SIZE} 条记录的登记簿")
    generate(root, PROOF_SIZE, args.profiles.split(","))
    check = [str(VENV_BIN / "registry"), "check", "--today", synth.TODAY.isoformat(), "--format", "json"]
    notes = [f"无过期验证在另外生成的 {PROOF_SIZE} 条记录的登记簿上做（各规模都大于 --staleness-max {args.staleness_max}）"]
    return notes, prove(root, PROOF_SIZE, check, env, work, notes)


def generate(root: Path, records: int, profiles: list[str]) -> synth.Written:
    """The synthetic registry, committed, and its objects packed before any row is timed.

    synth.py adds ~28,000 files to a new repository as loose objects; the commit then starts
    ``git gc --auto`` detached in the background, which packed them while the first rows ran
    (check-jsonschema and the cold checks shared the two cores with it). Here that gc runs in
    the foreground, untimed (``gc.autoDetach=false``, also kept for the benchmark's later
    commits): the rows then see one pack, as a clone has."""
    with mock.patch.dict(os.environ, GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="gc.autoDetach", GIT_CONFIG_VALUE_0="false"):
        written = synth.generate(root, systems=records // 2, projects=records - records // 2,
                                 units=units_for(records), profiles=profiles, today=synth.TODAY)
    subprocess.run(["git", "-C", str(root), "config", "gc.autoDetach", "false"], check=True)
    subprocess.run(["git", "-C", str(root), "gc", "--auto", "--quiet"], check=True)
    return written


def pre_commit_met(kind: str, timing: Timing, yardstick: Timing | None) -> bool | None:
    """The aims of #14 for the pre-commit rows: a hook ≤ 0.4 s wall and no slower than
    check-jsonschema's hooks; our share ≤ 0.2 s."""
    if kind == "hook":
        return timing.wall <= 0.4 and (yardstick is None or timing.wall <= yardstick.wall)
    return timing.wall <= 0.2 if kind == "share" else None


HEADER = ["墙钟 s", "CPU s", "峰值RSS MB", "对照墙钟", "对照CPU", "CPU 比", "目标", "结果"]


def print_rows(rows: list[Row]) -> None:
    print(pad("项目", 40) + "".join(pad(c, 11, right=True) for c in HEADER[:6]) + "  " + "  ".join(HEADER[6:]))
    for row in rows:
        cells = row.cells()
        print(pad(row.label, 40) + "".join(pad(c, 11, right=True) for c in cells[:6]) + "  " + "  ".join(cells[6:]))


def print_side_by_side(results: dict[int, list[Row]]) -> None:
    """Each row's CPU seconds (and wall) at every size, in one table."""
    sizes = sorted(results)
    print("\n各规模并列（CPU s / 墙钟 s；峰值 RSS MB）")
    print(pad("项目", 40) + "".join(pad(f"{n} 条", 22, right=True) for n in sizes))
    for i, row in enumerate(results[sizes[0]]):
        cells = []
        for n in sizes:
            r = results[n][i].run
            cells.append(f"{r.cpu:.2f}/{r.wall:.2f}；{r.peak_rss_mb:.0f}")
        print(pad(row.label, 40) + "".join(pad(c, 22, right=True) for c in cells))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="registry check 的性能测试（输出数据，不是测试用例）")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="记录数（系统、项目各半），逗号分隔")
    parser.add_argument("--quick", action="store_true", help=f"只测一个小规模（{QUICK_SIZES[0]} 条，CI 用）")
    parser.add_argument("--profiles", default=",".join(synth.SELECTABLE), help="逗号分隔（默认全部五个配置）")
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="热路径各运行 N 次取最快（默认 3）")
    parser.add_argument("--staleness-max", type=int, default=5_000, metavar="N",
                        help=f"在不超过 N 条记录的规模上做无过期验证（默认 5000；各规模都更大时在另外生成的 {PROOF_SIZE} 条"
                             "记录的登记簿上做；0 表示不做）")
    parser.add_argument("--skip-jsonschema", action="store_true", help="不运行 check-jsonschema 对照")
    parser.add_argument("--skip-pre-commit", action="store_true", help="不运行真实的 pre-commit")
    parser.add_argument("--skip-python-hook", action="store_true",
                        help="不测 language: python 的钩子（要为它安装虚拟环境；--quick 时不测）")
    parser.add_argument("--workdir", type=Path, default=None, help="工作目录（保留；默认临时目录，结束后删除）")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="子进程不使用字节码缓存")
    args = parser.parse_args(argv)
    sizes = list(QUICK_SIZES) if args.quick else [int(n) for n in args.sizes.split(",")]
    args.repeat = 1 if args.quick else args.repeat
    args.skip_python_hook = args.skip_python_hook or args.quick
    work = args.workdir or Path(tempfile.mkdtemp(prefix="registry-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ok = True
    results: dict[int, list[Row]] = {}
    try:
        env = child_env(None if args.no_bytecode_cache else work / "pycache", snapshot_code(work / "src"))
        print(f"registry check 性能（{dt.datetime.now():%Y-%m-%d %H:%M}；规则配置 {args.profiles}；"
              f"CPU 为进程及其子进程的用户态 + 内核态时间）")
        for records in sizes:
            rows, notes, same = bench_size(records, args, work, env)
            results[records] = rows
            print(f"\n## {records} 条记录\n" + "\n".join(notes), flush=True)
            print_rows(rows)
            sys.stdout.flush()
            ok = ok and same
        if args.staleness_max <= 0:
            print("\n无过期验证：未做（--staleness-max 0）")
        elif args.staleness_max < min(sizes):
            notes, proven = prove_apart(args, work, env)
            print("\n## 无过期验证\n" + "\n".join(notes))
            ok = ok and proven
        if len(results) > 1:
            print_side_by_side(results)
        print(f"\n缓存结果与无缓存结果{'全部一致' if ok else '不一致（见上文）'}")
        return 0 if ok else 1
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"工作目录保留在 {work}")


if __name__ == "__main__":
    raise SystemExit(main())
