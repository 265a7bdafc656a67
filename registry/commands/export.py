"""``registry export``: the public catalog as open data (internal fields left out)."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from registry.commands.common import iso_date
from registry.findings import Message
from registry.loader import ConfigError
from registry.reporters.formats import Renderers

if TYPE_CHECKING:
    from registry.models import RegistryConfig
    from registry.snapshot import Snapshot

NAME = "export"
HELP = "导出公开目录（JSON、CSV 或 XLSX；不含备注、联系人等内部信息）"


# Each format renders the catalog as files by name (registry.export, which needs openpyxl and
# the rule texts, is imported only when exporting). One file is written to --out (JSON: to
# standard output without --out), several into the folder --out.
def _json(catalog: Catalog, lang: str) -> dict[str, bytes]:
    from registry import export

    return {"catalog.json": export.to_json(catalog.config, catalog.head, catalog.today)}


def _csv(catalog: Catalog, lang: str) -> dict[str, bytes]:
    from registry import export

    return export.to_csv(catalog.config, catalog.head)


def _xlsx(catalog: Catalog, lang: str) -> dict[str, bytes]:
    from registry import export

    return {"catalog.xlsx": export.to_xlsx(catalog.config, catalog.head, catalog.today)}


@dataclasses.dataclass(frozen=True)
class Catalog:
    """What is exported: the registry's configuration and records, as of ``today``."""

    config: RegistryConfig
    head: Snapshot
    today: dt.date


FORMATS: Renderers[Catalog, dict[str, bytes]] = Renderers()
FORMATS.add("json", "一个 JSON 文档（不指定 --out 时输出到标准输出）", _json)
FORMATS.add("csv", "units.csv、systems.csv、projects.csv 三张表（UTF-8 带 BOM，Excel 可直接打开）", _csv)
FORMATS.add("xlsx", "一个 Excel 工作簿（默认 catalog.xlsx），每张表一个工作表", _xlsx)
STANDARD_OUTPUT = ".json"  # a single file of this kind goes to standard output unless --out names a file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    FORMATS.add_argument(parser, required=True)
    parser.add_argument("--out", type=Path, default=None, metavar="PATH",
                        help="json、xlsx：输出文件（json 默认输出到标准输出，xlsx 默认 catalog.xlsx）；"
                             "csv：输出目录，写入 units.csv、systems.csv、projects.csv（默认当前目录）")
    parser.add_argument("--today", type=iso_date, default=None, help="目录中记载的生成日期（默认今天）")


def run(args: argparse.Namespace) -> int:
    from registry.checking import load_head
    from registry.loader import load_config

    config = load_config(args.root)
    head = load_head(args.root)
    today: dt.date = args.today or dt.date.today()
    if head.invalid:
        paths = sorted({u.path for u in head.invalid})
        print(f"注意：{len(paths)} 个文件未通过校验，未导出（registry check 列出问题）：{'、'.join(paths)}",
              file=sys.stderr)
    files = FORMATS.render(args.format, Catalog(config, head, today), args.lang)
    if len(files) > 1:
        folder = args.out or Path(".")
        for name, content in files.items():
            _write(folder / name, content)
        return 0
    [(name, content)] = files.items()
    if args.out is None and name.endswith(STANDARD_OUTPUT):
        sys.stdout.write(content.decode("utf-8"))
    else:
        _write(args.out or Path(name), content)
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
