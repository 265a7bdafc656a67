"""How long does the catalog site take to build, against plain Material with the same pages?
Prints figures; not a test (exit 1 only when a cached build differs from an uncached one).

For each size (records = systems + projects, half each, from synth.py, with 100 units) four
``mkdocs build --strict`` runs, each in its own process (wall clock, CPU of the process and its
children, peak RSS):

* **ours, cold** — the project's mkdocs.yml with the hook (one check run, the git history, page
  generation), no cache (``.registry-cache/`` absent, as in CI on a fresh clone);
* **ours, warm** — the same build again: record pages, open-data files and change sentences
  come from the page cache (:mod:`registry.site.pagecache`), MkDocs itself runs in full;
* **plain Material, auto nav** — the yardstick: the very pages the hook generates, written
  out by ``registry site --out`` as hand-written Markdown files next to the hand-written
  pages, built with our mkdocs.yml minus the hook, ``nav:`` and ``not_in_nav:`` — Material's
  default navigation of every page, as a stock configuration has it;
* **plain Material, our nav** — the same pages with our mkdocs.yml minus only the hook: the
  stricter yardstick, which isolates what the hook costs.

Ratios are of CPU seconds (the machine is shared; wall clock is printed too). The linearity
figure is CPU seconds per 1,000 pages at each size. The auto-nav yardstick grows with the
square of the pages (every page lists every page), so it is skipped above ``--auto-nav-max``.

Then the check that nothing is ever served stale: after an edit of a system's name (shown on
the pages of the projects that name it) and of a project, committed, ``registry site --out`` with
the warm cache must write exactly the files it writes with ``REGISTRY_NO_CACHE=1``; and the cold
and warm MkDocs builds above must be byte-identical.

    python benchmarks/bench_site.py --quick                 # CI: 500 records
    python benchmarks/bench_site.py --sizes 500 2000 5000   # the linearity run
    python benchmarks/bench_site.py --sizes 2000 5000 10000 20000 --auto-nav-max 5000
"""
from __future__ import annotations

import argparse
import dataclasses
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402  (the benchmark registry generator next to this file)

PROJECT = Path(__file__).resolve().parent.parent
TODAY = synth.TODAY.isoformat()
ENV = {**os.environ, "REGISTRY_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1782777600"}


@dataclasses.dataclass
class Build:
    name: str
    records: int
    pages: int
    wall: float
    cpu: float
    rss_mb: float

    def per_thousand(self) -> float:
        return self.cpu / self.pages * 1000


def run_measured(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, float, str]:
    """(wall s, CPU s of the process and its children, peak RSS MB, stderr) of one process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


def mkdocs_build(name: str, records: int, config: Path, out: Path, repeat: int = 1,
                 before: Callable[[], None] | None = None) -> Build:
    """The build with the least CPU time of ``repeat`` (``before`` runs before each)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(out)]
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        if before is not None:
            before()
        runs.append(run_measured(command, ENV)[:3])
    wall, cpu, rss = min(runs, key=lambda run: run[1])
    pages = sum(1 for _ in out.rglob("*.html"))
    build = Build(name, records, pages, wall, cpu, rss)
    print(f"  {name}: {pages} 个页面，墙钟 {wall:.1f} 秒，CPU {cpu:.1f} 秒，峰值 {rss:.0f} MB", flush=True)
    return build


def stage_site(root: Path) -> None:
    """Put the project's mkdocs.yml, site/ and hooks/ next to a registry."""
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site", root / "site")
    shutil.copytree(PROJECT / "hooks", root / "hooks")


def registry_site(registry: Path, out: Path, env: dict[str, str] = ENV) -> None:
    subprocess.run([sys.executable, "-m", "registry", "--root", str(registry), "site", "--out", str(out),
                    "--today", TODAY], check=True, capture_output=True, env=env)


def plain_copy(registry: Path, target: Path) -> tuple[Path, Path]:
    """The same site as hand-written pages (generated Markdown as files, no hook), with our
    navigation and with Material's automatic one."""
    target.mkdir()
    docs = target / "site"
    shutil.copytree(PROJECT / "site", docs)
    (docs / "index.md").unlink()  # the generated home page stands in for the spliced one
    registry_site(registry, docs, {**ENV, "REGISTRY_NO_CACHE": "1"})
    config = (PROJECT / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"\nhooks:\n  - hooks/registry_pages.py\n", "\n", config)
    # Without REGISTRY_REPO_URL the hook turns the edit links off (on_config); so does this copy,
    # or MkDocs would render an edit button (and log a warning) on every page.
    config = re.sub(r"(?m)^(repo_url|repo_name|edit_uri):.*\n", "", config)
    ours = target / "mkdocs.yml"
    ours.write_text(config, encoding="utf-8")
    auto = target / "mkdocs-auto-nav.yml"
    auto.write_text(config.split("\nnot_in_nav:")[0] + "\n", encoding="utf-8")  # no not_in_nav, no nav
    return ours, auto


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two trees."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


def edit_records(registry: Path) -> None:
    """Rename a system that projects name, change a project, and commit both."""
    system = sorted((registry / "systems").rglob("*.yaml"))[0]
    text = system.read_text("utf-8")
    system.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1（更名）", text, count=1), encoding="utf-8")
    project = sorted((registry / "projects").rglob("*.yaml"))[0]
    text = project.read_text("utf-8")
    project.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1（调整）", text, count=1), encoding="utf-8")
    for args in (["add", "-A", "systems", "projects"], ["commit", "-q", "-m", "更名"]):
        subprocess.run(["git", *args], cwd=registry, check=True, capture_output=True,
                       env={**ENV, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"})


def never_stale(registry: Path, work: Path) -> list[str]:
    """Differences between a cached and an uncached ``registry site --out`` after edits."""
    edit_records(registry)
    cached, uncached = work / "after-edit-cached", work / "after-edit-uncached"
    registry_site(registry, cached)
    registry_site(registry, uncached, {**ENV, "REGISTRY_NO_CACHE": "1"})
    return differences(cached, uncached)


def one_size(records: int, args: argparse.Namespace, work: Path) -> tuple[list[Build], list[str]]:
    print(f"\n{records} 条记录（{records // 2} 个系统 + {records - records // 2} 个项目，{args.units} 个单位）", flush=True)
    base = work / str(records)
    registry = base / "registry"
    synth.generate(registry, systems=records // 2, projects=records - records // 2, units=args.units)
    stage_site(registry)
    config = registry / "mkdocs.yml"
    cache = registry / ".registry-cache"
    cold = mkdocs_build("本工具（冷，无缓存）", records, config, base / "cold", args.repeat,
                        before=lambda: shutil.rmtree(cache, ignore_errors=True))
    warm = mkdocs_build("本工具（热，页面缓存）", records, config, base / "warm", args.repeat)
    stale = [f"冷/热构建不同：{name}" for name in differences(base / "cold", base / "warm")]
    ours_nav, auto_nav = plain_copy(registry, base / "plain")
    builds = [cold, warm]
    if records <= args.auto_nav_max:
        builds.append(mkdocs_build("纯 Material（自动导航）", records, auto_nav, base / "plain-auto"))
    else:
        print(f"  纯 Material（自动导航）：超过 --auto-nav-max {args.auto_nav_max}，略去（构建时间随页面数平方增长）")
    builds.append(mkdocs_build("纯 Material（同样导航）", records, ours_nav, base / "plain-nav", args.repeat))
    unlike = differences(base / "cold", base / "plain-nav")
    print(f"  同样的页面：本工具与纯 Material（同样导航）的输出有 {len(unlike)} 个文件不同"
          + (f"（{'、'.join(unlike[:5])}）" if unlike else ""))
    stale += [f"编辑后缓存与无缓存不同：{name}" for name in never_stale(registry, base)]
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return builds, stale


def report(builds: list[Build]) -> None:
    print(f"\n{'构建':<20}{'记录':>7}{'页面':>7}{'墙钟 s':>9}{'CPU s':>8}{'峰值 MB':>9}{'CPU s/千页':>11}")
    for b in builds:
        print(f"{b.name:<20}{b.records:>8}{b.pages:>8}{b.wall:>9.1f}{b.cpu:>8.1f}{b.rss_mb:>9.0f}{b.per_thousand():>11.2f}")
    print("\n比值（CPU，目标：本工具冷构建 ≤ 1.3 × 纯 Material）")
    for records in sorted({b.records for b in builds}):
        row = {b.name: b for b in builds if b.records == records}
        cold, warm = row["本工具（冷，无缓存）"], row["本工具（热，页面缓存）"]
        parts = []
        for name, label in (("纯 Material（自动导航）", "自动导航"), ("纯 Material（同样导航）", "同样导航")):
            if name in row:
                parts.append(f"冷/{label} {cold.cpu / row[name].cpu:.2f}×，热/{label} {warm.cpu / row[name].cpu:.2f}×")
        print(f"  {records} 条记录：" + "；".join(parts))
    sizes = sorted({b.records for b in builds})
    if len(sizes) > 1:
        print("\n线性：每千页 CPU 秒（最大规模 / 最小规模，1.0 为严格线性）")
        for name in dict.fromkeys(b.name for b in builds):
            series = [b for b in builds if b.name == name]
            figures = "，".join(f"{b.records}: {b.per_thousand():.2f}" for b in series)
            growth = series[-1].per_thousand() / series[0].per_thousand()
            print(f"  {name}：{figures}（{growth:.2f}）")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="网站构建性能：本工具（冷/热）对比同样页面的纯 Material")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000],
                        help="记录数（系统 + 项目，各一半），默认 500 2000 5000")
    parser.add_argument("--quick", action="store_true", help="CI 用：只测 500 条记录")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--auto-nav-max", type=int, default=5000,
                        help="超过此记录数不测自动导航的纯 Material（默认 5000）")
    parser.add_argument("--repeat", type=int, default=1, help="本工具和同样导航的构建各跑几次，取 CPU 最少的一次（默认 1）")
    parser.add_argument("--json", type=Path, default=None, help="另把数字写入 JSON 文件")
    parser.add_argument("--keep", type=Path, default=None, help="保留工作目录（默认用临时目录并删除）")
    args = parser.parse_args(argv)
    sizes = [500] if args.quick else sorted(set(args.sizes))
    if args.quick:
        args.units = min(args.units, 20)

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    builds: list[Build] = []
    stale: list[str] = []
    try:
        for records in sizes:
            done, problems = one_size(records, args, work)
            builds += done
            stale += problems
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report(builds)
    if args.json is not None:
        args.json.write_text(json.dumps({"builds": [dataclasses.asdict(b) for b in builds], "stale": stale},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    if stale:
        print("\n缓存结果与无缓存结果不一致：\n  " + "\n  ".join(stale[:20]))
        return 1
    print("\n缓存一致：冷/热构建逐字节相同；编辑并提交后，带缓存与不带缓存生成的页面相同。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
