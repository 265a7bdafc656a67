"""``registry inventory``: active systems per unit now, or per first-parent commit."""
from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from json.encoder import encode_basestring
from typing import Any

from registry import gitio, plainclass
from registry.commands.common import iso_date
from registry.configfacts import config_facts
from registry.errors import ConfigError
from registry.findings import Message
from registry.inventory import InventoryPoint, current_counts, history, units_of
from registry.reporters.formats import Renderers
from registry.reporters.jsontext import indented_json

NAME = "inventory"
HELP = "各单位在用政务信息系统数量（“只减不增”）；--history 给出主分支每个首父提交时的数量"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", action="store_true", help="按主分支的首父提交逐个列出各单位数量")
    parser.add_argument("--base-branch", metavar="B", default=None,
                        help="--history 读取的分支（默认 registry.yaml 的 base_branch，不存在时用 HEAD）")
    FORMATS.add_argument(parser)
    parser.add_argument("--today", type=iso_date, default=None,
                        help="按此日期计数（默认今天）：停用日期在此日期之后的系统仍计为在用")


def run(args: argparse.Namespace) -> int:
    if args.history:
        repo = gitio.try_open_repo(args.root)
        try:
            in_git = repo is not None and bool(repo.working_tree_dir)
            # registry.yaml validated as everywhere, remembered by its content (the cache: in git only)
            facts = config_facts(args.root, cached=in_git)
            if not in_git:
                raise ConfigError(Message(
                    f"{args.root} 不在 git 仓库中：--history 需要 git 历史",
                    f"{args.root} is not inside a git repository: --history needs git history",
                ), path=str(args.root))
            points = history(args.root, args.base_branch, args.today, base_branch=facts.base_branch, repo=repo)
        finally:
            if repo is not None:
                repo.close()
        inventory = Inventory(facts.unit_names, history=points)
    else:
        from registry.checking import load_head  # the rules engine: not needed for the history
        from registry.loader import load_config

        names = {u.id: u.name for u in load_config(args.root).units}
        head = load_head(args.root)
        _say_uncounted(sorted({u.path for u in head.invalid if u.path.startswith("systems/")}), args.lang)
        inventory = Inventory(names, counts=current_counts(head, args.today))
    sys.stdout.write(FORMATS.render(args.format, inventory, args.lang))
    return 0


def _say_uncounted(paths: list[str], lang: str) -> None:
    """A system file that does not load is not counted: said on stderr (as ``export`` says what it
    leaves out), so that a count short by a broken record is never taken for the real one."""
    if not paths:
        return
    listed = "、".join(paths) if lang != "en" else ", ".join(paths)
    print(f"note: {len(paths)} file(s) under systems/ failed validation and are not counted (registry check "
          f"lists the problems): {listed}" if lang == "en" else
          f"注意：systems/ 下 {len(paths)} 个文件未通过校验，未计入（registry check 列出问题）：{listed}", file=sys.stderr)


@plainclass.dataclass
class Inventory:
    """Active systems per unit: now (``counts``) or at every first-parent commit (``history``)."""

    unit_names: dict[str, str]  # unit id → name, registry.yaml's units
    counts: dict[str, int] | None = None
    history: list[InventoryPoint] | None = None


def render_text(inventory: Inventory, lang: str) -> str:
    if inventory.history is not None:
        points = inventory.history
        return "".join(_history_line(prev, p, lang) + "\n" for prev, p in zip([None, *points], points))
    rows = _rows(inventory.counts or {}, inventory.unit_names)
    label = "total" if lang == "en" else "合计"
    width = max([_width(u) for u, _, _ in rows] + [_width(label)])
    lines = [f"{_pad(u, width)}  {n:>4}  {name}" for u, name, n in rows]
    lines.append(f"{_pad(label, width)}  {sum(n for _, _, n in rows):>4}")
    return "\n".join(lines) + "\n"


def render_json(inventory: Inventory, lang: str) -> str:
    if inventory.history is not None:
        return _history_json(inventory.history, inventory.unit_names) + "\n"
    rows = _rows(inventory.counts or {}, inventory.unit_names)
    payload = {"units": [{"unit": u, "name": name, "active": n} for u, name, n in rows],
               "total": sum(n for _, _, n in rows)}
    return indented_json(payload) + "\n"


def _history_json(points: list[InventoryPoint], names: dict[str, str]) -> str:
    """:func:`indented_json` of ``{"units": [...], "history": [{"commit", "date", "subject",
    "counts", "total"}, ...]}``, written point by point with each distinct ``counts`` written
    once: a long history repeats the same counts commit after commit (a commit that changes no
    system leaves them as they were), and writing them again was most of the command's time.
    Every value is a single line of JSON, so a part written alone is indented by prefixing its
    lines (tests compare with ``json.dumps(indent=2)``)."""
    units = indented_json([{"unit": u, "name": names.get(u, "")} for u in units_of(points)])
    written: dict[tuple[tuple[str, int], ...], str] = {}
    items = []
    for point in points:
        key = tuple(point.counts.items())
        counts = written.get(key)
        if counts is None:
            counts = written[key] = indented_json(point.counts).replace("\n", "\n" + " " * 6)
        items.append(f'    {{\n      "commit": {encode_basestring(point.commit)},\n'
                     f'      "date": {encode_basestring(point.date.isoformat())},\n'
                     f'      "subject": {encode_basestring(point.subject)},\n'
                     f'      "counts": {counts},\n      "total": {indented_json(point.total)}\n    }}')
    history = "[\n" + ",\n".join(items) + "\n  ]" if items else "[]"
    return '{\n  "units": ' + units.replace("\n", "\n  ") + ',\n  "history": ' + history + "\n}"


def render_csv(inventory: Inventory, lang: str) -> str:
    if inventory.history is not None:
        points = inventory.history
        units = units_of(points)
        header = ["date", "commit", "subject", "total", *units]
        return _csv([header, *[[p.date.isoformat(), p.commit, p.subject, p.total, *[p.counts.get(u, 0) for u in units]]
                               for p in points]])
    rows = _rows(inventory.counts or {}, inventory.unit_names)
    return _csv([["unit", "name", "active"], *[[u, name, n] for u, name, n in rows]])


FORMATS: Renderers[Inventory, str] = Renderers(default="text")
FORMATS.add("text", "对齐的文本表（--history：每个提交一行，只列数量变化的单位）", render_text)
FORMATS.add("json", "JSON，供程序读取", render_json)
FORMATS.add("csv", "CSV 表（--history：每个提交一行、每个单位一列）", render_csv)


# -- now ----------------------------------------------------------------------------------------


def _rows(counts: dict[str, int], names: dict[str, str]) -> list[tuple[str, str, int]]:
    """(unit, name, active) for every configured unit and every unit holding systems."""
    units = sorted(set(names) | set(counts))
    return [(u, names.get(u, ""), counts.get(u, 0)) for u in units]


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# -- history ------------------------------------------------------------------------------------


def _history_line(prev: InventoryPoint | None, point: InventoryPoint, lang: str) -> str:
    """``date commit 合计 N  czj 3→4，wjw 3→2  subject``: only the units that changed."""
    before = prev.counts if prev else {}
    moved = [
        f"{u} {before.get(u, 0)}→{point.counts.get(u, 0)}"
        for u in sorted(set(before) | set(point.counts))
        if before.get(u, 0) != point.counts.get(u, 0)
    ]
    total = "total" if lang == "en" else "合计"
    changes = (", " if lang == "en" else "，").join(moved) if moved else "—"
    return f"{point.date.isoformat()}  {point.commit[:8]}  {total} {point.total:>4}  {changes}  {point.subject}"


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
