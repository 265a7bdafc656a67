"""Every benchmark of issue #14 in one run, one report: ``registry check`` (bench_check.py),
the history commands (bench_history.py) and the site build (bench_site.py), each as its own
process with the same ``--quick`` or ``--sizes``, their figures printed one section after the
other (each beside its yardstick, as each script prints it) and an overview at the end.

    python benchmarks/run_all.py --quick                 # small sizes (CI, tests/test_benchmarks.py)
    python benchmarks/run_all.py --sizes 2000,10000,20000

A script that is not there (yet), or that does not accept the options asked for, is named in
the overview and not run. Exit code: 0 when every script that ran exited 0, else 1 (a script
exits 1 when cached and uncached results differ). Figures only — nothing here is a timed test.
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_check.py", "bench_history.py", "bench_site.py")


@dataclasses.dataclass
class Section:
    script: str
    status: str  # what happened, for the overview
    code: int | None = None  # exit code; None: not run
    seconds: float = 0.0
    output: str = ""


def options_of(script: Path) -> str:
    """The script's ``--help`` text (to see which options it takes)."""
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, check=False)
    return done.stdout


def run_script(name: str, quick: bool, sizes: str | None) -> Section:
    script = HERE / name
    if not script.exists():
        return Section(name, "脚本不存在，未运行")
    help_text = options_of(script)
    args: list[str] = []
    for option, wanted, value in (("--quick", quick, None), ("--sizes", sizes is not None, sizes)):
        if not wanted:
            continue
        if option not in help_text:
            return Section(name, f"不支持 {option}，未运行")
        if value is None:
            args.append(option)
        elif re.search(rf"{option} \S+ \[\S+ \.\.\.\]", help_text):  # nargs="+": one value each
            args += [option, *value.split(",")]
        else:
            args += [option, value]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = done.stdout + (f"\n[stderr]\n{done.stderr[-4000:]}" if done.returncode != 0 and done.stderr else "")
    status = "通过" if done.returncode == 0 else f"退出码 {done.returncode}"
    return Section(name, status, done.returncode, seconds, output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运行 benchmarks/ 下全部性能测试，输出一份合并报告（输出数据，不是测试用例）")
    parser.add_argument("--quick", action="store_true", help="各脚本只测小规模（CI 用）")
    parser.add_argument("--sizes", default=None, help="记录数，逗号分隔，原样传给各脚本（例如 2000,10000,20000）")
    parser.add_argument("--only", default=None, help="只运行这些脚本（逗号分隔，例如 bench_check.py）")
    args = parser.parse_args(argv)
    chosen = [s for s in SCRIPTS if args.only is None or s in args.only.split(",")]
    sections = []
    for name in chosen:
        section = run_script(name, args.quick, args.sizes)
        sections.append(section)
        print(f"\n{'=' * 20} {name}（{section.status}，{section.seconds:.0f} s）{'=' * 20}", flush=True)
        print(section.output.rstrip() or "（无输出）", flush=True)
    print(f"\n{'=' * 20} 总览 {'=' * 20}")
    for section in sections:
        print(f"{section.script:<20}{section.status:<24}{section.seconds:>8.0f} s")
    ran = [s for s in sections if s.code is not None]
    return 0 if ran and all(s.code == 0 for s in ran) else 1


if __name__ == "__main__":
    raise SystemExit(main())
