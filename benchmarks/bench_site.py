"""How long does the catalog site take to build, against plain Material with the same pages?
Prints figures; not a test (exit 1 only when a cached build differs from an uncached one).

For each size (records = systems + projects, half each, from synth.py, with 100 units) four
``mkdocs build --strict`` runs, each in its own process (wall clock, CPU of the process and its
children, peak memory of the largest process and of the whole process tree — the check's parsing
workers are separate processes), all running one snapshot of the code (``benchkit.snapshot_code``):

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

Ratios are of CPU seconds (the machine is shared; wall clock is printed too). At the end, every
build, then one line per size side by side (ours cold and warm, plain Material, the ratios, peak
memory, whether the aim is met), then the linearity: CPU seconds per 1,000 pages at each size. The auto-nav yardstick grows with the
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
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402  (sibling modules; benchmarks/ is not a package)
from benchkit import child_env, pad, run_timed, snapshot_code  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
TODAY = synth.TODAY.isoformat()
FIXED = {"REGISTRY_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1782777600"}
COLD, WARM = "本工具（冷，无缓存）", "本工具（热，页面缓存）"
AUTO, PLAIN = "纯 Material（自动导航）", "纯 Material（同样导航）"
AIM = 1.3  # issue #14: the site build ≤ 1.3 × plain Material with the same pages


@dataclasses.dataclass
class Build:
    name: str
    records: int
    pages: int
    wall: float
    cpu: float
    rss_mb: float  # the largest single process (ru_maxrss)
    tree_mb: float | None  # the largest sum over the process tree (the check's parsing workers too)

    def per_thousand(self) -> float:
        return self.cpu / self.pages * 1000


def mkdocs_build(name: str, records: int, config: Path, out: Path, env: dict[str, str], repeat: int = 1,
                 before: Callable[[], None] | None = None) -> Build:
    """The build with the least CPU time of ``repeat`` (``before`` runs before each)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(out)]
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        if before is not None:
            before()
        timing = run_timed(name, [command], cwd=config.parent, env=env, sample_tree=True)
        if timing.exit_codes != [0]:  # once more, to say why
            again = subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, check=False)
            raise SystemExit(f"{name}：mkdocs build 失败（退出码 {timing.exit_codes[0]}）\n{again.stderr[-3000:]}")
        runs.append(timing)
    best = min(runs, key=lambda run: run.cpu)
    pages = sum(1 for _ in out.rglob("*.html"))
    build = Build(name, records, pages, best.wall, best.cpu, best.peak_rss_mb, best.tree_rss_mb)
    print(f"  {name}：{pages} 个页面，墙钟 {best.wall:.1f} 秒，CPU {best.cpu:.1f} 秒，"
          f"峰值 {best.peak_rss_mb:.0f} MB（进程树 {_mb(best.tree_rss_mb)}）", flush=True)
    return build


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def stage_site(root: Path) -> None:
    """Put the project's mkdocs.yml, site/ and hooks/ next to a registry."""
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site", root / "site")
    shutil.copytree(PROJECT / "hooks", root / "hooks")


def registry_site(registry: Path, out: Path, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "registry", "--root", str(registry), "site", "--out", str(out),
                    "--today", TODAY], check=True, capture_output=True, env=env)


def plain_copy(registry: Path, target: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The same site as hand-written pages (generated Markdown as files, no hook), with our
    navigation and with Material's automatic one."""
    target.mkdir()
    docs = target / "site"
    shutil.copytree(PROJECT / "site", docs)
    (docs / "index.md").unlink()  # the generated home page stands in for the spliced one
    registry_site(registry, docs, {**env, "REGISTRY_NO_CACHE": "1"})
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


def edit_records(registry: Path, env: dict[str, str]) -> None:
    """Rename a system that projects name, change a project, and commit both."""
    system = sorted((registry / "systems").rglob("*.yaml"))[0]
    text = system.read_text("utf-8")
    system.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1（更名）", text, count=1), encoding="utf-8")
    project = sorted((registry / "projects").rglob("*.yaml"))[0]
    text = project.read_text("utf-8")
    project.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1（调整）", text, count=1), encoding="utf-8")
    for args in (["add", "-A", "systems", "projects"], ["commit", "-q", "-m", "更名"]):
        subprocess.run(["git", *args], cwd=registry, check=True, capture_output=True,
                       env={**env, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"})


def never_stale(registry: Path, work: Path, env: dict[str, str]) -> list[str]:
    """Differences between a cached and an uncached ``registry site --out`` after edits."""
    edit_records(registry, env)
    cached, uncached = work / "after-edit-cached", work / "after-edit-uncached"
    registry_site(registry, cached, env)
    registry_site(registry, uncached, {**env, "REGISTRY_NO_CACHE": "1"})
    return differences(cached, uncached)


def warm_up(work: Path, env: dict[str, str]) -> None:
    """One small build before anything is measured: the children write their bytecode (of
    MkDocs, Material, jieba, the registry…) and jieba its dictionary cache once, so the first
    measured build does not pay for what an installed tool has done at installation."""
    registry = work / "warm-up"
    shutil.rmtree(registry, ignore_errors=True)  # a reused --keep directory: generated afresh
    synth.generate(registry, systems=20, projects=20, units=10)  # 10: the authorities' units exist
    stage_site(registry)
    mkdocs_build("预热（不计入）", 40, registry / "mkdocs.yml", work / "warm-up-site", env)
    shutil.rmtree(registry / ".registry-cache", ignore_errors=True)


def one_size(records: int, args: argparse.Namespace, work: Path, env: dict[str, str]) -> tuple[list[Build], list[str]]:
    print(f"\n{records} 条记录（{records // 2} 个系统 + {records - records // 2} 个项目，{args.units} 个单位）", flush=True)
    base = work / str(records)
    registry = base / "registry"
    shutil.rmtree(registry, ignore_errors=True)  # a reused --keep directory: generated afresh
    synth.generate(registry, systems=records // 2, projects=records - records // 2, units=args.units)
    stage_site(registry)
    config = registry / "mkdocs.yml"
    cache = registry / ".registry-cache"
    cold = mkdocs_build(COLD, records, config, base / "cold", env, args.repeat,
                        before=lambda: shutil.rmtree(cache, ignore_errors=True))
    warm = mkdocs_build(WARM, records, config, base / "warm", env, args.repeat)
    stale = [f"冷/热构建不同：{name}" for name in differences(base / "cold", base / "warm")]
    ours_nav, auto_nav = plain_copy(registry, base / "plain", env)
    builds = [cold, warm]
    if records <= args.auto_nav_max:
        builds.append(mkdocs_build(AUTO, records, auto_nav, base / "plain-auto", env))
    else:
        print(f"  {AUTO}：超过 --auto-nav-max {args.auto_nav_max}，略去（构建时间随页面数平方增长）")
    builds.append(mkdocs_build(PLAIN, records, ours_nav, base / "plain-nav", env, args.repeat))
    unlike = differences(base / "cold", base / "plain-nav")
    print(f"  同样的页面：本工具与{PLAIN}的输出有 {len(unlike)} 个文件不同"
          + (f"（{'、'.join(unlike[:5])}）" if unlike else ""))
    stale += [f"编辑后缓存与无缓存不同：{name}" for name in never_stale(registry, base, env)]
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return builds, stale


def table(header: list[str], rows: list[list[str]]) -> None:
    """Columns lined up (CJK text is two columns wide), the first left-aligned."""
    widths = [max(_width(cell) for cell in column) + 2 for column in zip(header, *rows)]
    for row in [header, *rows]:
        print("".join(pad(cell, width, right=index > 0) for index, (cell, width) in enumerate(zip(row, widths))).rstrip())


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def report(builds: list[Build]) -> None:
    """Every build, then the sizes side by side (CPU, ratio, peak memory), then linearity."""
    print()
    table(["构建", "记录", "页面", "墙钟 s", "CPU s", "峰值 MB", "进程树峰值 MB", "CPU s/千页"],
          [[b.name, str(b.records), str(b.pages), f"{b.wall:.1f}", f"{b.cpu:.1f}", f"{b.rss_mb:.0f}",
            _mb(b.tree_mb).removesuffix(" MB"), f"{b.per_thousand():.2f}"] for b in builds])
    sizes = sorted({b.records for b in builds})
    by_size = {records: {b.name: b for b in builds if b.records == records} for records in sizes}
    print(f"\n各规模并列（CPU 秒；比值 = 本工具 ÷ {PLAIN}，目标 ≤ {AIM}×；峰值为进程树内存）")
    rows = []
    for records, row in by_size.items():
        cold, warm, plain = row[COLD], row[WARM], row[PLAIN]
        auto = row.get(AUTO)
        rows.append([str(records), str(cold.pages), f"{cold.cpu:.1f}", f"{warm.cpu:.1f}", f"{plain.cpu:.1f}",
                     f"{cold.cpu / plain.cpu:.2f}×", f"{warm.cpu / plain.cpu:.2f}×",
                     f"{cold.cpu / auto.cpu:.2f}×" if auto else "—",
                     _mb(cold.tree_mb or cold.rss_mb).removesuffix(" MB"),
                     _mb(warm.tree_mb or warm.rss_mb).removesuffix(" MB"),
                     _mb(plain.tree_mb or plain.rss_mb).removesuffix(" MB"),
                     "达到" if cold.cpu / plain.cpu <= AIM else "未达到"])
    table(["记录", "页面", "冷 CPU", "热 CPU", "纯 CPU", "冷/纯", "热/纯", "冷/自动导航",
           "冷 MB", "热 MB", "纯 MB", f"≤ {AIM}×"], rows)
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
                        help="记录数（系统 + 项目，各一半），默认 500 2000 5000；#14 的表：2000 5000 10000 20000")
    parser.add_argument("--quick", action="store_true", help="CI 用：只测 500 条记录、20 个单位")
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
    # Every build runs the same snapshot of the code (the page cache is keyed on it), with its
    # bytecode compiled once, as an installed tool has it.
    env = {**child_env(work / "pycache", snapshot_code(work / "src")), **FIXED}
    builds: list[Build] = []
    stale: list[str] = []
    try:
        warm_up(work, env)
        for records in sizes:
            done, problems = one_size(records, args, work, env)
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
