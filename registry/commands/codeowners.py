"""``registry codeowners``: print (or write, or check) CODEOWNERS from the units' reviewers."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from registry import codeowners
from registry.loader import load_config
from registry.safewrite import write_text_inside

NAME = "codeowners"
HELP = "根据 registry.yaml 中各单位的 reviewers 生成 CODEOWNERS（--check 检查已提交的文件是否最新）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true",
                        help="检查已提交的 CODEOWNERS 是否与 registry.yaml 一致（不一致时退出码 1）")
    action.add_argument("--write", action="store_true",
                        help="写入 CODEOWNERS 文件（而不是输出到屏幕；Windows PowerShell 重定向会改变编码）")
    parser.add_argument("--file", type=Path, default=None,
                        help="CODEOWNERS 文件位置（默认：仓库中已有的 CODEOWNERS、.github/ 或 .gitlab/ 下的，否则仓库根目录）")


def run(args: argparse.Namespace) -> int:
    config = load_config(args.root)
    codeowners.check_reviewers(config, args.root)
    text = codeowners.render(config, prefix=codeowners.root_prefix(args.root))
    target = args.file or codeowners.committed_file(args.root)
    if args.check:
        return _check(text, target, args.lang)
    if args.write:
        top = codeowners.repository_top(args.root)
        path = target or top / "CODEOWNERS"
        write_text_inside(top, path, text)  # never through a link committed in its place
        print(f"wrote {path}" if args.lang == "en" else f"已写入 {path}", file=sys.stderr)
        return 0
    sys.stdout.write(text)
    return 0


def _check(text: str, target: Path | None, lang: str) -> int:
    if target is None or not target.is_file():
        print("no CODEOWNERS file: run `registry codeowners --write` and commit it" if lang == "en"
              else "仓库中没有 CODEOWNERS 文件：请运行 registry codeowners --write 生成并提交", file=sys.stderr)
        return 1
    if codeowners.is_current(text, target):
        print(f"{target} is up to date" if lang == "en" else f"{target} 与 registry.yaml 一致", file=sys.stderr)
        return 0
    current = target.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    committed, expected = ("committed", "expected") if lang == "en" else ("已提交", "应为")
    sys.stdout.writelines(difflib.unified_diff(
        current.splitlines(keepends=True), text.splitlines(keepends=True),
        fromfile=f"{target.name} ({committed})", tofile=f"{target.name} ({expected})",
    ))
    print(f"{target} is out of date: run `registry codeowners --write` and commit it" if lang == "en"
          else f"{target} 与 registry.yaml 中的 reviewers 不一致：请运行 registry codeowners --write 重新生成并提交",
          file=sys.stderr)
    return 1
