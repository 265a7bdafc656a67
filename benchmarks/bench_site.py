"""How long does the catalog site take to build, and how big is it? Prints figures; not a test.

Three builds, each ``mkdocs build --strict`` in a separate process (wall clock, output size):

1. the demo registry at the repository root (the hook generating its pages);
2. a synthetic registry (default 1,000 systems + 1,000 projects, see synth.py) with the hook;
3. the same synthetic site as plain MkDocs: the very pages the hook generates, written out by
   ``registry site --out`` as hand-written Markdown files, built without the hook.

The ratio 2 / 3 is the hook's cost (one check run, the git history, page generation) over
what MkDocs itself needs for that many pages; the aim is ≤ 1.3×. ``--auto-nav`` adds a build
of the synthetic site without the explicit ``nav:``, which shows why the navigation is kept
short: with automatic navigation every page embeds every other page's link.

    python benchmarks/bench_site.py                 # 1,000 + 1,000
    python benchmarks/bench_site.py --records 5000  # larger
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402  (the benchmark registry generator next to this file)

PROJECT = Path(__file__).resolve().parent.parent
TODAY = synth.TODAY.isoformat()


@dataclasses.dataclass
class Result:
    name: str
    pages: int
    seconds: float
    size: int


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, HTML pages) under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(1 for p in files if p.suffix == ".html")


def mkdocs_build(config: Path, out: Path, repeat: int) -> float:
    """Best wall-clock time of ``repeat`` strict builds into ``out``."""
    env = {**os.environ, "REGISTRY_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    best = float("inf")
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(out)],
            env=env, capture_output=True, text=True, check=False,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"mkdocs build of {config} failed:\n{done.stderr[-3000:]}")
        best = min(best, elapsed)
    return best


def measure(name: str, config: Path, out: Path, repeat: int) -> Result:
    seconds = mkdocs_build(config, out, repeat)
    size, pages = tree_size(out)
    result = Result(name, pages, seconds, size)
    print(f"  {name}: {pages} 个页面，{seconds:.1f} 秒，{size / 1e6:.1f} MB", flush=True)
    return result


def stage_site(root: Path) -> None:
    """Put the project's mkdocs.yml, site/ and hooks/ next to a registry."""
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site", root / "site")
    shutil.copytree(PROJECT / "hooks", root / "hooks")


def plain_copy(registry: Path, target: Path) -> Path:
    """The same site as hand-written pages: generated Markdown as files, no hook."""
    target.mkdir()
    docs = target / "site"
    shutil.copytree(PROJECT / "site", docs)
    (docs / "index.md").unlink()  # the generated home page stands in for the spliced one
    subprocess.run([sys.executable, "-m", "registry", "--root", str(registry), "site", "--out", str(docs),
                    "--today", TODAY], check=True, capture_output=True)
    config = (PROJECT / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"\nhooks:\n  - hooks/registry_pages.py\n", "\n", config)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    return target / "mkdocs.yml"


def auto_nav_copy(registry: Path) -> Path:
    config = (registry / "mkdocs.yml").read_text("utf-8")
    config = config.split("\nnot_in_nav:")[0] + "\n"  # drop not_in_nav and nav: MkDocs lists every page
    path = registry / "mkdocs-auto-nav.yml"
    path.write_text(config, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="网站构建性能：演示登记簿与合成登记簿，对比纯 MkDocs")
    parser.add_argument("--records", type=int, default=1000, help="合成登记簿的系统数和项目数（各，默认 1000）")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1, help="每项构建次数，取最快一次（默认 1）")
    parser.add_argument("--auto-nav", action="store_true", help="另测不设 nav（自动导航）时的构建")
    parser.add_argument("--keep", type=Path, default=None, help="保留工作目录（默认用临时目录并删除）")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print("演示登记簿（仓库根目录）", flush=True)
        demo = measure("演示登记簿 + 钩子", PROJECT / "mkdocs.yml", work / "demo-public", args.repeat)

        print(f"合成登记簿：{args.records} 个系统 + {args.records} 个项目，{args.units} 个单位", flush=True)
        registry = work / "synthetic"
        synth.generate(registry, systems=args.records, projects=args.records, units=args.units)
        stage_site(registry)
        hooked = measure("合成登记簿 + 钩子", registry / "mkdocs.yml", work / "synthetic-public", args.repeat)
        plain = measure("同样页面的纯 MkDocs", plain_copy(registry, work / "plain"), work / "plain-public", args.repeat)
        extra = []
        if args.auto_nav:
            extra.append(measure("合成登记簿 + 钩子，自动导航", auto_nav_copy(registry), work / "auto-public", 1))

        print()
        print(f"{'构建':<24}{'页面':>8}{'秒':>9}{'MB':>9}")
        for r in (demo, hooked, plain, *extra):
            print(f"{r.name:<24}{r.pages:>8}{r.seconds:>9.1f}{r.size / 1e6:>9.1f}")
        ratio = hooked.seconds / plain.seconds
        verdict = "达标" if ratio <= 1.3 else "未达标"
        print(f"\n钩子构建 / 纯 MkDocs = {ratio:.2f}×（目标 ≤ 1.3×，{verdict}）；"
              f"输出大小比 {hooked.size / plain.size:.2f}×")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
