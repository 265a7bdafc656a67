"""Spreadsheets as rows of cells: ``.xlsx`` (openpyxl) and ``.csv`` (UTF-8 with or without BOM,
or GB18030, which Excel in China writes). Used by ``registry import`` and ``registry init
--units``.

A sheet's header row is its first row with at least two different filled cells, so a title row
above the table ("某某县政务信息系统清单"), merged across the table or not, is skipped. Cells
keep their spreadsheet types (numbers, dates as ``datetime``); CSV cells are text. Row numbers
are the spreadsheet's own (1-based), so a message can point at the cell a person sees.

County ledgers are laid out for printing (see :mod:`registry.sheetlayout`): a merged cell
holds its value in every cell it covers (a unit written once beside its five systems), a
two-row header under a merged group title (安全情况 over 等保级别 and 密码测评) reads as its
lower row, and rows that are not records — 合计, a section title (一、县直部门), the
填报人/联系电话 footer — are set aside with the reason, for the caller to say so.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path
from typing import Any

from registry.findings import Message
from registry.loader import ConfigError
from registry.sheetlayout import (
    Grid,
    MergeError,
    Merges,
    SheetGrid,
    fill_merged,
    filed_by,
    filled,
    header_rows,
    merged_ranges,
    not_a_record,
)
from registry.xlsbook import xls_grids

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_SPACE = re.compile(r"\s+")
# Full-width and half-width brackets alike: 总投资（万元） = 总投资(万元)
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）", ":": "：", "*": ""})


def header_key(text: str) -> str:
    """A header as compared: no spaces or line breaks, one kind of brackets, no required-marks."""
    return _SPACE.sub("", str(text)).translate(_BRACKETS)


@dataclasses.dataclass(frozen=True)
class Row:
    sheet: str
    number: int  # the spreadsheet's row number
    cells: tuple[Any, ...]


@dataclasses.dataclass
class Sheet:
    name: str
    headers: list[str]  # as written (stripped)
    rows: list[Row]
    skipped: list[tuple[Row, str]] = dataclasses.field(default_factory=list)  # not records, and why
    filed_by: str | None = None  # the unit a line above the table names (填报单位：…)
    hidden: bool = False  # a hidden sheet (a stale copy, the lists behind a drop-down): not imported unless named

    def skipped_lines(self) -> list[str]:
        """``工作表 X 第 N 行：合计行，已跳过``, one line per row set aside."""
        return [f"工作表 {self.name} 第 {row.number} 行：{reason}，已跳过" for row, reason in self.skipped]

    def column_name(self, index: int) -> str:
        """``C（所属单位）``: the column letter a person sees, and its header."""
        letter = ""
        n = index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            letter = chr(65 + rest) + letter
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{letter} 列（{header}）" if header else f"{letter} 列"


def read_table(path: Path, header_row: int | None = None) -> list[Sheet]:
    """Every sheet of ``path`` that has a header row: row ``header_row`` (1-based, as the
    spreadsheet numbers it) when given, else the one :func:`header_rows` finds."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _error(path, f"不支持的文件类型 {path.suffix or '（无扩展名）'}：请提供 .xlsx、.xls 或 .csv 文件",
                     f"unsupported file type {path.suffix!r}: give an .xlsx, .xls or .csv file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}") from None
    readers = {".csv": _csv_grid, ".xls": xls_grids}
    grids = readers.get(suffix, _xlsx_grids)(path, raw)
    given = header_row - 1 if header_row is not None else None
    return [sheet for name, grid, merges, hidden in grids
            if (sheet := _sheet(name, grid, merges, hidden, given)) is not None]


def _error(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(Message(f"{path}：{zh}", f"{path}: {en}"), path="")


def _csv_grid(path: Path, raw: bytes) -> list[SheetGrid]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _error(path, "编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV", "unknown encoding")
    if "\x00" in text:
        raise _error(path, "不是文本格式的 CSV 文件（含空字节）：请在 Excel 中另存为 CSV", "not a text CSV file")
    try:
        grid: Grid = [tuple(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise _error(path, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from None
    return [(path.name, grid, (), False)]


def _xlsx_grids(path: Path, raw: bytes) -> list[SheetGrid]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only when reading xlsx

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl on a damaged or hostile archive raises many kinds: all say "not valid"
        raise _error(path, f"不是有效的 xlsx 文件（{type(exc).__name__}）：请在 Excel 中另存为 .xlsx",
                     f"not a valid xlsx file ({exc})") from None
    try:
        grids: list[SheetGrid] = []
        for ws in book.worksheets:
            try:
                # read-only mode believes the sheet's own <dimension>, which some programs write wrong
                # (A1, or too small): every row and cell the sheet holds is read whatever it claims
                ws.reset_dimensions()
                grid = [list(row) for row in ws.iter_rows(values_only=True)]
                merges = merged_ranges(ws)
            except MergeError as exc:
                raise _error(path, f"工作表 {ws.title}：{exc.zh}", f"sheet {ws.title}: {exc.en}") from None
            except Exception as exc:  # openpyxl on a damaged sheet part: whatever it raises, the file is damaged
                raise _error(path, f"工作表 {ws.title} 已损坏（{type(exc).__name__}）：请在 Excel 中打开后另存为 .xlsx",
                             f"sheet {ws.title} is damaged ({exc})") from None
            try:
                grids.append((ws.title, fill_merged(grid, merges), merges, ws.sheet_state != "visible"))
            except MergeError as exc:
                raise _error(path, f"工作表 {ws.title}：{exc.zh}", f"sheet {ws.title}: {exc.en}") from None
        return grids
    finally:
        book.close()


def _sheet(name: str, grid: Grid, merges: Merges = (), hidden: bool = False, given: int | None = None) -> Sheet | None:
    found = header_rows(grid, merges, given)
    if found is None:
        return None
    headers, first = found
    sheet = Sheet(name, headers, [], filed_by=filed_by(grid, first), hidden=hidden)
    for offset, cells in enumerate(grid[first:]):
        row = Row(name, first + 1 + offset, tuple(cells))
        if not any(filled(v) for v in cells):
            continue
        reason = not_a_record(row.cells, first + offset, merges)
        if reason is None:
            sheet.rows.append(row)
        else:
            sheet.skipped.append((row, reason))
    return sheet
