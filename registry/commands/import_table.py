"""``registry import FILE``: a county's Excel/CSV ledger of systems or projects → one record file
per row. Every row that cannot be imported is reported with its sheet, row, column and reason;
then nothing is written (exit 1) unless ``--partial``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from registry.findings import Message
from registry.loader import ConfigError, load_config

if TYPE_CHECKING:
    from registry.ledger.rows import Planned

NAME = "import"
HELP = "从 Excel（.xlsx、.xls）或 CSV 台账导入政务信息系统或项目（每行写成一个记录文件）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="文件", help="台账文件（.xlsx、.xlsm、Excel 模板 .xltx/.xlt、.xls（含网页格式和 Excel 2003 XML 导出的）、.xml、内容为 xlsx 或 xls 的 WPS .et、.csv，或 Excel 另存的 Unicode 文本 .txt；CSV 可为 UTF-8、GB18030/GBK 或 UTF-16 编码）")
    parser.add_argument("--kind", choices=("systems", "projects"), help="表中是系统还是项目（默认按工作表名称和列标题判断）")
    parser.add_argument("--mapping", type=Path, metavar="映射文件", help="列标题、取值和单位的对应关系（YAML，格式见 README）")
    parser.add_argument("--dry-run", action="store_true", help="只列出会新建和更新的记录以及有问题的行，不写入")
    parser.add_argument("--partial", action="store_true", help="有无法导入的行时，仍写入可导入的行（默认一行也不写）")


def run(args: argparse.Namespace) -> int:
    from registry.checking import load_head
    from registry.ledger.columns import GUIDE_FILE, guess_kind, guide_of, is_guide, layout, mapping_targets
    from registry.ledger.mapping import load_mapping
    from registry.ledger.rows import Importer
    from registry.ledger.verify import refused
    from registry.ledger.writer import check_targets, render, write
    from registry.tables import read_table

    root: Path = args.root
    config = load_config(root)
    mapping = load_mapping(args.mapping, mapping_targets())
    every = read_table(args.file, mapping.header_row, mapping.include_hidden)
    sheets = [s for s in every if not is_guide(s)]
    beside = args.file.with_name(GUIDE_FILE)  # the CSV export's field guide, when it is there
    guide = guide_of(every + (read_table(beside) if args.file.suffix.lower() == ".csv" and beside.is_file() else []))
    if mapping.sheet is not None:
        sheets = [s for s in sheets if s.name == mapping.sheet]
        if not sheets:
            raise ConfigError(Message(f"{args.file} 中没有工作表 {mapping.sheet}", f"no sheet {mapping.sheet}"), path="")
    else:
        for sheet in (s for s in sheets if s.hidden):
            print(f"工作表 {sheet.name} 是隐藏的工作表，未导入（需要导入时请在 Excel 中取消隐藏，或在 --mapping 的 sheet 中指定）",
                  file=sys.stderr)
        sheets = [s for s in sheets if not s.hidden]
    kind = args.kind or mapping.kind
    mapped = mapping.column_targets()
    chosen = []
    for sheet in sheets:
        guessed = guess_kind(sheet, guide)
        if kind is None and guessed is not None:
            chosen.append((sheet, guessed))
        elif kind is not None and guessed in (kind, None) and layout(sheet, kind, guide, mapped).columns_of("name"):
            chosen.append((sheet, kind))
    if not chosen:
        raise ConfigError(Message(
            f"{args.file} 中找不到可导入的表：需要有系统名称或项目名称列；请用 --kind 指明内容，或用 --mapping 指定列标题",
            f"{args.file}: no sheet with a name column; pass --kind or a --mapping",
        ), path="")
    importer = Importer(config, load_head(root), mapping)
    planned, problems = [], []
    for sheet, sheet_kind in chosen:
        found = layout(sheet, sheet_kind, guide, mapped)
        if found.unknown:
            print(f"工作表 {sheet.name}：未识别的列（已忽略）：{'、'.join(found.unknown)}；"
                  "需要导入的请在 --mapping 的 columns 中指定", file=sys.stderr)
        for line in [*(f"工作表 {sheet.name}：{note}" for note in sheet.notes + found.notes), *sheet.skipped_lines()]:
            print(line, file=sys.stderr)  # hidden columns; amounts in 元 converted; 合计, hidden rows, the footer set aside
        items, bad = importer.rows(sheet, found)
        planned += items
        problems += bad
    texts = {item.path: render(root, item, args.file.name) for item in planned}
    refusals = refused(root, config, planned, texts)
    if refusals:
        bad_rows = {(p.sheet, p.row) for p in refusals}
        planned = [item for item in planned if (item.sheet, item.row) not in bad_rows]
        texts = {item.path: texts[item.path] for item in planned}
        problems += refusals
    for guess in importer.guesses:  # a value read by resemblance (县政务云 → 县级政务云): said, never silent
        print(guess.text(), file=sys.stderr)
    for problem in sorted(problems, key=lambda p: (p.sheet, p.row)):
        print(problem.text(), file=sys.stderr)
    changed = [item for item in planned if _changed(root, item, texts[item.path])]
    write_now = not args.dry_run and (not problems or args.partial)
    if write_now:
        check_targets(root, changed)  # no symbolic link on the way to any of them, before the first is written
    for item in changed:
        verb = "新建" if item.old_path is None else "更新"
        print(f"{'' if write_now else '将'}{verb} {item.path}")
        if write_now:
            write(root, item, texts[item.path])
    _summary(len(planned), len(changed), len(problems), args.dry_run, write_now)
    return 1 if problems else 0


def _changed(root: Path, item: Planned, text: str) -> bool:
    if item.old_path is None or item.old_path != item.path:
        return True
    return (root / item.old_path).read_text("utf-8") != text


def _summary(planned: int, changed: int, problems: int, dry_run: bool, written: bool) -> None:
    same = planned - changed
    tail = f"，{same} 条与登记簿一致" if same else ""
    if problems and not written and not dry_run:
        print(f"共 {problems} 处无法导入：未写入任何文件（改正后重新导入，或加 --partial 只写入可导入的行）",
              file=sys.stderr)
    elif dry_run:
        print(f"--dry-run：可导入 {planned} 条（{changed} 条将写入{tail}），{problems} 处无法导入；未写入")
    else:
        print(f"已写入 {changed} 条记录{tail}" + (f"；{problems} 处无法导入（见上）" if problems else ""))
