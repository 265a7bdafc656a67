"""Spreadsheets as rows of cells: ``.xlsx``/``.xlsm`` (openpyxl), ``.xls`` (xlrd) and text tables
(:mod:`registry.textgrid`: CSV in UTF-8, GB18030 or UTF-16, comma or tab separated), told apart by
their content rather than their name. Used by ``registry import`` and ``registry init --units``.

A sheet's header row is its first row with at least two different filled cells, so a title row
above the table ("某某县政务信息系统清单"), merged across the table or not, is skipped. Cells
keep their spreadsheet types (numbers, dates as ``datetime``); CSV cells are text. Row numbers
are the spreadsheet's own (1-based), so a message can point at the cell a person sees.

County ledgers are laid out for printing (see :mod:`registry.sheetlayout`): a merged cell
holds its value in every cell it covers (a unit written once beside its five systems), a
two-row header under a merged group title (安全情况 over 等保级别 and 密码测评) reads as its
lower row, and rows that are not records — 合计, a section title (一、县直部门), the
填报人/联系电话 footer, a row holding only its 序号 — are set aside with the reason, for the caller
to say so. Hidden rows and columns are set aside and said unless asked for; 同上 takes the value of
the record above; an Excel error value (#REF!) or a formula the file keeps no result for becomes a
:class:`~registry.sheetlayout.Fault` that the importer reports at its cell.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from registry.findings import Message
from registry.loader import ConfigError
from registry.sheetlayout import (
    EPOCH_1900,
    ERROR_VALUES,
    Fault,
    SheetFacts,
    SheetGrid,
    error_fault,
    filed_by,
    money_unit_above,
    filled,
    header_rows,
    hint_row,
    not_a_record,
    repeats_header,
)
from registry.htmltable import html_grids, looks_like_html
from registry.sheetlimits import MAX_FILE_BYTES, SheetError
from registry.textgrid import text_grid
from registry.xmlbook import looks_like_spreadsheet_xml, spreadsheet_xml_grids
from registry.xlsbook import xls_grids
from registry.xlsxbook import xlsx_grids

SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".csv", ".tsv", ".txt", ".htm", ".html", ".xml")
_NUMBERING = frozenset({"序号", "编号序号", "no.", "no"})  # a row-number column's header
_DITTO = frozenset({"同上", "〃", "″", "\"", "”", "同上单位"})  # "the same as the row above"
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an .xlsx and an .xls file begin
_WPS = (".et", ".ett")  # WPS 表格's own files: often an .xls or .xlsx inside, read when they are
_OTHER_FORMATS = {".et": "WPS 表格文件", ".ett": "WPS 表格模板", ".ods": "OpenDocument 表格", ".fods": "OpenDocument 表格",
                  ".xlsb": "Excel 二进制工作簿", ".numbers": "Numbers 表格"}
_SAVE_AS = "请在 WPS 或 Excel 中打开，点“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”，保存后导入新文件"
_SPACE = re.compile(r"\s+")
# Full-width and half-width brackets alike: 总投资（万元） = 总投资(万元)
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）", ":": "：", "*": ""})


def header_key(text: str) -> str:
    """A header as compared: no spaces or line breaks, one kind of brackets, no required-marks, no colon after it."""
    return _SPACE.sub("", str(text)).translate(_BRACKETS).rstrip("：")


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
    money_unit: str | None = None  # the money unit a line above the table names (单位：元)
    hidden: bool = False  # a hidden sheet (a stale copy, the lists behind a drop-down): not imported unless named
    notes: list[str] = dataclasses.field(default_factory=list)  # hidden columns left out, cells without a header
    epoch: dt.date = EPOCH_1900  # the workbook's date system: a date's serial number counts from it

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


def read_table(path: Path, header_row: int | None = None, include_hidden: bool = False) -> list[Sheet]:
    """Every sheet of ``path`` that has a header row: row ``header_row`` (1-based, as the
    spreadsheet numbers it) when given, else the one :func:`header_rows` finds. Hidden rows and
    columns are set aside (and said) unless ``include_hidden``."""
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS and suffix not in _WPS:
        raise _error(path, f"{_OTHER_FORMATS[suffix]}（{suffix}）不能直接导入：{_SAVE_AS}", f"{suffix} files cannot be read: save as .xlsx")
    if suffix not in SUFFIXES and suffix not in _WPS:
        raise _error(path, f"不支持的文件类型 {path.suffix or '（无扩展名）'}：请提供 .xlsx、.xls 或 .csv 文件",
                     f"unsupported file type {path.suffix!r}: give an .xlsx, .xls or .csv file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _error(path, f"文件有 {size // (1024 * 1024)} MB，超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不像是台账："
                         "请拆分后分别导入", "file too large")
        raw = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}") from None
    grids = _wps_grids(path, raw) if suffix in _WPS else _grids(path, suffix, raw)
    given = header_row - 1 if header_row is not None else None
    return [sheet for found in grids if (sheet := _sheet(found, given, include_hidden)) is not None]


def _wps_grids(path: Path, raw: bytes) -> list[SheetGrid]:
    """A WPS 表格 file (.et): read when it holds an .xlsx or .xls workbook, else said what to do."""
    why = "不是 WPS 能另存的 Excel 格式"
    if raw.startswith((_ZIP, _OLE)):
        try:
            return xlsx_grids(path, raw) if raw.startswith(_ZIP) else xls_grids(path, raw)
        except ConfigError as exc:
            why = exc.message.zh.removeprefix(f"{path}：").split("：")[0]
    raise _error(path, f"WPS 表格文件（{path.suffix}）无法直接读取（{why}）：{_SAVE_AS}", "a WPS .et file: save as .xlsx")


def _grids(path: Path, suffix: str, raw: bytes) -> list[SheetGrid]:
    # What the file is, not what it is called: an .xlsx saved under .xls (WPS does), an .xls renamed .xlsx
    if raw.startswith(_ZIP):
        grids = xlsx_grids(path, raw)
    elif suffix in (".xls", ".xml") and looks_like_spreadsheet_xml(raw):  # Excel 2003 XML, saved as .xls by many systems
        try:
            grids = spreadsheet_xml_grids(raw)
        except SheetError as exc:
            raise _error(path, exc.zh, exc.en) from None
    elif suffix in (".xls", ".htm", ".html") and looks_like_html(raw):  # a web page saved as .xls by a portal
        try:
            grids = html_grids(raw)
        except SheetError as exc:
            raise _error(path, f"{exc.zh}", exc.en) from None
    elif raw.startswith(_OLE) or suffix == ".xls":
        grids = xls_grids(path, raw)
    elif suffix in (".xlsx", ".xlsm"):
        raise _error(path, "不是有效的 xlsx 文件：请在 Excel 或 WPS 中打开后另存为 .xlsx", "not a valid xlsx file")
    else:
        try:
            grids = [SheetGrid(path.name, text_grid(raw))]
        except ValueError as exc:
            raise _error(path, str(exc), "not a readable text table") from None
    return grids


def _error(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(Message(f"{path}：{zh}", f"{path}: {en}"), path="")


def _sheet(found: SheetGrid, given: int | None = None, include_hidden: bool = False) -> Sheet | None:
    grid, facts = found.grid, found.facts
    located = header_rows(grid, facts.merges, given)
    if located is None:
        return None
    headers, first = located
    sheet = Sheet(found.name, headers, [], filed_by=filed_by(grid, first), money_unit=money_unit_above(grid, first),
                  hidden=found.hidden, epoch=found.epoch)
    header_lines = [*grid[max(0, first - 2):first], headers]
    if not include_hidden:
        _leave_out_hidden_columns(sheet, facts)
    numbering = {index for index, header in enumerate(headers) if header_key(header).lower() in _NUMBERING}
    for offset, cells in enumerate(grid[first:]):
        row = Row(found.name, first + 1 + offset, tuple(_fault_or_value(v) for v in cells))
        if not any(filled(v) for v in cells):
            continue
        reason = not_a_record(row.cells, first + offset, facts.merges)
        if reason is None and repeats_header(cells, header_lines):
            reason = "重复的表头行"  # printed at the top of every page
        if reason is None and not sheet.rows and hint_row(cells):
            reason = "表头下的填写说明行"  # （必填）（格式：2023年5月）under each title of a template
        if reason is None and numbering and all(i in numbering for i, v in enumerate(cells) if filled(v)):
            reason = "只有序号的空行"  # a template numbered 1–50 in advance, filled as far as the unit's systems go
        if reason is None and not include_hidden and first + offset in facts.hidden_rows:
            reason = ("被筛选隐藏的行" if facts.filtered else "隐藏的行") + "（需要导入时请取消隐藏，或在 --mapping 中写 include_hidden: true）"
        if reason is None:
            sheet.rows.append(_ditto(row, sheet.rows[-1] if sheet.rows else None))
        else:
            sheet.skipped.append((row, reason))
    sheet.notes += _headerless(sheet, facts)
    return sheet


def _fault_or_value(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ERROR_VALUES:
        return error_fault(value.strip())  # #REF!, #N/A: what Excel shows for a formula gone wrong
    return value


def _ditto(row: Row, above: Row | None) -> Row:
    """同上 / 〃 in a cell: the value of the record above, in the same column."""
    if not any(isinstance(v, str) and v.strip() in _DITTO for v in row.cells):
        return row
    cells = list(row.cells)
    for index, value in enumerate(cells):
        if isinstance(value, str) and value.strip() in _DITTO:
            previous = above.cells[index] if above is not None and index < len(above.cells) else None
            cells[index] = previous if filled(previous) else Fault(value.strip(), f"写的是“{value.strip()}”，但上一条记录的该格为空")
    return dataclasses.replace(row, cells=tuple(cells))


def _leave_out_hidden_columns(sheet: Sheet, facts: SheetFacts) -> None:
    """A hidden column (a helper column, an old one kept for formulas) is not imported: its
    header is cleared and the sheet says so."""
    for index, header in enumerate(sheet.headers):
        if header and facts.column_hidden(index):
            sheet.notes.append(f"{sheet.column_name(index)}是隐藏的列，未导入（需要导入时请取消隐藏，"
                               "或在 --mapping 中写 include_hidden: true）")
            sheet.headers[index] = ""


def _headerless(sheet: Sheet, facts: SheetFacts) -> list[str]:
    """Cells filled in a column without a title: not imported, and said (a hidden column is said above)."""
    rows: dict[int, list[int]] = {}
    for row in sheet.rows:
        for index, value in enumerate(row.cells):
            if (filled(value) and (index >= len(sheet.headers) or not sheet.headers[index])
                    and not facts.column_hidden(index)):
                rows.setdefault(index, []).append(row.number)
    out = []
    for index, numbers in sorted(rows.items()):
        shown = "、".join(map(str, numbers[:5])) + (f" 等 {len(numbers)} 行" if len(numbers) > 5 else " 行")
        out.append(f"{sheet.column_name(index)}没有列标题，其中第 {shown}的内容未导入")
    return out
