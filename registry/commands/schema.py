"""``registry schema``: write the JSON Schema files for editors and validators."""
from __future__ import annotations

import argparse
from pathlib import Path

NAME = "schema"
HELP = "生成 registry.yaml、系统和项目记录的 JSON Schema（供编辑器提示与校验）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="输出目录（默认：登记簿根目录下的 schema/）")


def run(args: argparse.Namespace) -> int:
    from registry.schema import write_schemas

    out = args.out if args.out is not None else args.root / "schema"
    for path in write_schemas(out):
        print(path)
    return 0
