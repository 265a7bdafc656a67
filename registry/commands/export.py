"""``registry export``: the public catalog as open data (internal fields left out)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from registry.commands.common import iso_date
from registry.findings import Message
from registry.loader import ConfigError

NAME = "export"
HELP = "导出公开目录（JSON、CSV 或 XLSX；不含备注、联系人等内部信息）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("json", "csv", "xlsx"), required=True, help="输出格式")
    parser.add_argument("--out", type=Path, default=None, metavar="PATH",
                        help="json、xlsx：输出文件（json 默认输出到标准输出，xlsx 默认 catalog.xlsx）；"
                             "csv：输出目录，写入 units.csv、systems.csv、projects.csv（默认当前目录）")
    parser.add_argument("--today", type=iso_date, default=None, help="目录中记载的生成日期（默认今天）")


def run(args: argparse.Namespace) -> int:
    from registry import export
    from registry.checking import load_head
    from registry.loader import load_config

    config = load_config(args.root)
    head = load_head(args.root)
    today: dt.date = args.today or dt.date.today()
    if head.invalid:
        paths = sorted({u.path for u in head.invalid})
        print(f"注意：{len(paths)} 个文件未通过校验，未导出（registry check 列出问题）：{'、'.join(paths)}",
              file=sys.stderr)
    if args.format == "json":
        content = export.to_json(config, head, today)
        if args.out is None:
            sys.stdout.write(content.decode("utf-8"))
            return 0
        _write(args.out, content)
    elif args.format == "xlsx":
        _write(args.out or Path("catalog.xlsx"), export.to_xlsx(config, head, today))
    else:
        folder = args.out or Path(".")
        for name, content in export.to_csv(config, head).items():
            _write(folder / name, content)
    return 0


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise ConfigError(Message(
            f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}",
        ), path=str(path)) from None
    print(path)
