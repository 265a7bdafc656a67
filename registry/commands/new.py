"""``registry new system|project``: write a commented template record in the right place."""
from __future__ import annotations

import argparse
import datetime as dt
import re
from importlib import resources
from pathlib import Path
from string import Template

from registry.findings import Message
from registry.loader import ConfigError, load_config
from registry.safewrite import check_inside, write_text_inside

NAME = "new"
HELP = "在正确位置生成带注释的新记录模板"

_SYSTEM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PROJECT_ID = re.compile(r"^(\d{4})-([a-z][a-z0-9]{1,31})-(\d{3})$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("system", "project"), help="记录类型")
    parser.add_argument("--unit", required=True, help="单位代码（registry.yaml 中 units 的 id）")
    parser.add_argument("--id", dest="record_id", help="记录编号（默认：项目为 今年-单位-下一个序号；系统为 单位-system-序号）")


def run(args: argparse.Namespace) -> int:
    config = load_config(args.root)
    if config.unit(args.unit) is None:
        raise ConfigError(Message(
            f"单位 {args.unit} 未在 registry.yaml 的 units 中登记：请先由数据主管部门添加该单位",
            f"unit {args.unit} is not listed under units in registry.yaml",
        ))
    folder = "systems" if args.kind == "system" else "projects"
    record_id = args.record_id or _next_id(args.root / folder / args.unit, args.kind, args.unit)
    _check_id(args.kind, record_id, args.unit)
    path = args.root / folder / args.unit / f"{record_id}.yaml"
    check_inside(args.root, path)  # no link in its place or above it (registry.safewrite)
    if path.exists():
        raise ConfigError(Message(f"{path.relative_to(args.root)} 已存在，未覆盖", f"{path} exists; not overwritten"),
                          path=str(path.relative_to(args.root)))
    text = Template(resources.files("registry.templates").joinpath(f"{args.kind}.yaml").read_text("utf-8"))
    year = record_id[:4] if args.kind == "project" else ""
    write_text_inside(args.root, path, text.substitute(id=record_id, unit=args.unit, year=year))
    print(path.relative_to(args.root).as_posix())
    return 0


def _next_id(folder: Path, kind: str, unit: str) -> str:
    existing = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    for n in range(1, 1000):
        candidate = f"{dt.date.today().year}-{unit}-{n:03d}" if kind == "project" else f"{unit}-system-{n:02d}"
        if candidate not in existing:
            return candidate
    raise ConfigError(Message("没有可用的序号，请用 --id 指定", "no free sequence number; pass --id"))


def _check_id(kind: str, record_id: str, unit: str) -> None:
    if kind == "system" and not _SYSTEM_ID.match(record_id):
        raise ConfigError(Message(f"系统编号 {record_id} 格式不正确：只能用小写字母、数字和连字符",
                                  f"system id {record_id}: lowercase letters, digits and hyphens only"), path="--id")
    if kind == "project":
        m = _PROJECT_ID.match(record_id)
        if not m or m.group(2) != unit:
            raise ConfigError(Message(f"项目编号 {record_id} 应为 年度-{unit}-三位序号，例如 2026-{unit}-001",
                                      f"project id {record_id} must be year-{unit}-NNN"), path="--id")


