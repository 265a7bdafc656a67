"""``registry site --out DIR``: write the generated catalog pages for any static-site generator
(the same pages the MkDocs hook adds at build time)."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from registry.commands.common import iso_date
from registry.findings import Message
from registry.loader import ConfigError

NAME = "site"
HELP = "写出网站的生成页面（Markdown 与数据文件），供其他静态网站生成器使用"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="输出目录")
    parser.add_argument("--today", type=iso_date, default=None, help="发布日期：期限提醒按此计算（默认今天）")
    parser.add_argument("--pages", type=Path, default=None, metavar="DIR",
                        help="同时写入手写页面目录（如 site/），首页简介与生成内容合并；供 Zensical 等直接构建")


def run(args: argparse.Namespace) -> int:
    from registry.site import generate

    from registry.site.handwritten import joined

    files = generate(args.root, today=args.today or dt.date.today())
    try:
        if args.pages is not None:
            if not args.pages.is_dir():
                raise ConfigError(Message(f"手写页面目录 {args.pages} 不存在", f"no pages folder {args.pages}"),
                                  path=str(args.pages))
            files = joined(files, args.pages)
        for path, content in sorted(files.items()):
            target = args.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(content)
    except OSError as exc:
        raise ConfigError(Message(
            f"无法写入 {exc.filename}：{exc.strerror}", f"cannot write {exc.filename}: {exc.strerror}",
        ), path=str(args.out)) from None
    print(f"已写出 {len(files)} 个文件到 {args.out}")
    return 0
