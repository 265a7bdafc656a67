"""A county ledger as printed, read as a table.

Ledgers are made to be printed and stamped, not parsed: the unit is written once in a cell
merged down beside its five systems; a group title (安全情况) is merged across the two columns
whose own titles (等保级别, 密码测评) sit in the row below; a 合计 row, a section title
(一、县直部门) and a footer (填报人：…  联系电话：…) share the sheet with the records. This module
reads such a grid as a person does: a merged cell's value in every cell it covers, the lower row
of a two-row header, and the rows that are not records set aside with the reason (for the caller
to say so: nothing is dropped silently).

Rows and columns here are 0-based indices into the grid; a merge is (top, left, bottom, right),
inclusive.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Sequence
from typing import Any

from registry.sheetlimits import (MAX_BOOK_ROWS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, SheetError, book_rows, check_range,
                                 too_many_rows)

Grid = Sequence[Sequence[Any]]
Merges = Sequence[tuple[int, int, int, int]]
MAX_MERGES = 100_000  # Excel's own sheets stay far below; a file past it is not a ledger
EPOCH_1900 = dt.date(1899, 12, 30)  # day 0 of Excel's date serials (the 1900 date system, with its 1900-02-29)
EPOCH_1904 = dt.date(1904, 1, 1)  # day 0 in a workbook of the 1904 date system (old Mac Excel: date1904)

_SPACE = re.compile(r"\s+")
_TOTALS = frozenset({"合计", "总计", "小计", "共计", "总合计", "累计"})
# The filled-in example a template keeps under its header: 例, 示例, 填写示例：…
_EXAMPLE = re.compile(r"^(例|示例|样例|范例|举例|填写示例|填表示例|填报示例)(\d*|（[^）]*）)([:：].*)?$")
# A footer cell: 填报单位（盖章）：…, 填报人：…, 联系电话：…, 注：…, 说明：…
_FOOTER = re.compile(r"^(填报单位|填表单位|报送单位|填报部门|单位名称|单位|填报人|填表人|报送人|审核人|审核|负责人|单位负责人"
                     r"|主要负责人|分管领导|联系人|联系电话|电话|制表人|制表|填报日期|填表日期|报送日期|日期|注\d*|备注"
                     r"|说明|盖章)(（[^）]*）|\([^)]*\))?([:：]|$)")
_FILED_BY = re.compile(r"^(填报单位|填表单位|报送单位|填报部门|单位名称|单位)(（[^）]*）|\([^)]*\))?[:：](?P<unit>[^:：]*?)"
                       r"(填报人|填表人|填报日期|填表日期|日期|联系人|联系电话|$)")
# 单位：元 above the table, or in its title (…计划表（金额单位：万元）)
_MONEY_UNIT_ABOVE = re.compile(r"(?:金额|资金|投资|计量)?单位[:：](?P<unit>亿元|万元|千元|元)(?=$|[）)，,；;])")
# A section title: 一、县直部门  （二）乡镇  第三部分
_SECTION = re.compile(r"^([一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)]|第[一二三四五六七八九十百]+(部分|类|批))")


# A template's line of filling hints under its header: （必填）, 必填，写全称, 格式：2023年5月, 如：财政局
_HINT = re.compile(r"^([（(【\[].*[）)】\]]|(必填|选填|非必填|必须填写|请填写|填写说明|请选择|下拉选择|格式|如|例如|例)([:：，,（(].*)?)$")


def hint_row(cells: Sequence[Any]) -> bool:
    """A template's filling hints under its header (每格都是“（必填）”“格式：2023年5月”这样的说明), not a record."""
    keys = [_key(v) for v in cells if filled(v)]
    return len(keys) >= 2 and all(_HINT.match(key) for key in keys)


class MergeError(SheetError):
    """The sheet's merged cells cannot be those of a real sheet (overlapping, or too many)."""


def filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _key(value: Any) -> str:
    return _SPACE.sub("", str(value)).rstrip(":：")


class Fault:
    """A cell that holds no value to import: an Excel error (#REF!, #N/A), a formula the file
    keeps no computed value for, 同上 under an empty cell. It reads as filled (the row is not
    empty) and the importer reports it at its cell instead of taking its text."""

    def __init__(self, shown: str, reason: str) -> None:
        self.shown, self.reason = shown, reason

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"Fault({self.shown!r})"


ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"})


def error_fault(text: str) -> Fault:
    return Fault(text, f"单元格是错误值 {text}（公式出错）：请在 Excel 中改正该格后重新导出")


@dataclasses.dataclass
class SheetFacts:
    """What a sheet's XML says beyond its cell values: merges, hidden rows and columns (0-based),
    whether a filter is set, and the cells whose formula has no computed value."""

    merges: tuple[tuple[int, int, int, int], ...] = ()
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: tuple[tuple[int, int], ...] = ()  # (first, last) inclusive, as <col min max> writes them
    filtered: bool = False
    uncomputed: tuple[tuple[int, int, str], ...] = ()  # (row, column, formula)
    last_row: int | None = None  # the last row and column (1-based) holding a cell with content, when known
    last_column: int | None = None

    def column_hidden(self, index: int) -> bool:
        return index in self._hidden_column_set

    @functools.cached_property
    def _hidden_column_set(self) -> frozenset[int]:
        # a set, so that asking cell by cell stays cheap however many <col> ranges a file writes
        return frozenset(c for first, last in self.hidden_columns for c in range(first, min(last, MAX_COLUMNS - 1) + 1))


@dataclasses.dataclass
class SheetGrid:
    """A sheet as read from its file: name, cells (merged cells filled), what its XML says, and
    whether the sheet itself is hidden."""

    name: str
    grid: Grid
    facts: SheetFacts = dataclasses.field(default_factory=SheetFacts)
    hidden: bool = False
    epoch: dt.date = EPOCH_1900  # what its numbers count from when they are dates


def merged_ranges(worksheet: Any) -> tuple[tuple[int, int, int, int], ...]:
    """The merged cells of an openpyxl read-only worksheet (see :func:`sheet_facts`)."""
    return sheet_facts(worksheet).merges


def sheet_facts(worksheet: Any, rows_before: int = 0, strings: set[int] | None = None) -> SheetFacts:
    """Merges, hidden rows and columns, the filter, uncomputed formulas and the last filled cell
    of an openpyxl read-only worksheet, read from the sheet's XML (openpyxl keeps none of them in
    read-only mode, which a large file needs). A sheet past the limits of
    :mod:`registry.sheetlimits` — alone, or with the ``rows_before`` of the workbook's sheets
    before it — is a :class:`SheetError` as soon as the part says so. The shared strings its
    cells use are added to ``strings`` (their indices), so that only those are read."""
    source = getattr(worksheet, "_get_source", None)  # ReadOnlyWorksheet: the sheet part of the archive
    if source is None:
        return SheetFacts()
    from openpyxl.xml.constants import SHEET_MAIN_NS  # type: ignore[import-untyped]
    from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]  # what openpyxl parses with

    reading = _FactsReader(f"{{{SHEET_MAIN_NS}}}", rows_before, strings)
    with source() as xml:
        for event, element in iterparse(xml, events=("start", "end")):
            reading.take(event, element)
    return reading.facts()


class _FactsReader:
    """One pass over a sheet part's XML events (see :func:`sheet_facts`)."""

    def __init__(self, ns: str, rows_before: int = 0, strings: set[int] | None = None) -> None:
        self.ns = ns
        self.rows_before, self.strings = rows_before, strings
        self.merge, self.row, self.col, self.cell, self.formula, self.value, self.inline = (
            ns + t for t in ("mergeCell", "row", "col", "c", "f", "v", "is"))
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden_rows: set[int] = set()
        self.hidden_columns: list[tuple[int, int]] = []
        self.uncomputed: list[tuple[int, int, str]] = []
        self.filtered = False
        self.row_number = 0  # the current <row>'s number (1-based); a row may leave out r="…"
        self.column_number = 0
        self.last_row = self.last_column = 0
        self.filled = 0  # cells with content

    def take(self, event: str, element: Any) -> None:
        tag = element.tag
        if event == "start":
            if tag == self.row:
                number = _number(element.get("r"), self.row_number + 1)
                if number <= self.row_number:  # openpyxl's reader would drop such a row without a word
                    raise out_of_order(f"第 {number} 行写在第 {self.row_number} 行之后")
                self.row_number = number
                self.column_number = 0
                if element.get("hidden") in ("1", "true") and self.row_number <= MAX_ROWS:
                    self.hidden_rows.add(self.row_number - 1)
            elif tag == self.cell:
                column = _column(element.get("r"), self.column_number + 1)
                if column <= self.column_number:
                    raise out_of_order(f"第 {self.row_number} 行的第 {column} 列写在第 {self.column_number} 列之后")
                self.column_number = column
            return
        if tag == self.cell:
            self._cell(element)
        elif tag == self.col and element.get("hidden") in ("1", "true"):
            first, last = _number(element.get("min"), 0), _number(element.get("max"), 0)
            if 1 <= first <= last and len(self.hidden_columns) < MAX_COLUMNS:
                self.hidden_columns.append((first - 1, min(last, MAX_COLUMNS) - 1))
        elif tag == self.merge:
            from openpyxl.utils.cell import range_boundaries  # type: ignore[import-untyped]

            self.merges.append(_bounds(range_boundaries, element.get("ref")))
            if len(self.merges) > MAX_MERGES:
                raise MergeError(f"合并单元格超过 {MAX_MERGES} 处，不像是台账：请取消合并后另存",
                                 f"more than {MAX_MERGES} merged ranges")
        elif tag == self.ns + "autoFilter":
            self.filtered = True
        if tag not in (self.formula, self.value, self.inline):  # a cell reads its parts when it ends
            element.clear()

    def _cell(self, element: Any) -> None:
        f, v = element.find(self.formula), element.find(self.value)
        has_value = v is not None and bool((v.text or "").strip())
        if not (has_value or f is not None or element.find(self.inline) is not None):
            return  # a styled empty cell: not content
        if self.row_number > MAX_ROWS:
            raise too_many_rows(self.row_number)
        self.filled += 1
        if self.filled > MAX_CELLS:  # the filled range holds at least as many: refused before the part is all read
            raise SheetError(f"有内容的单元格超过 {MAX_CELLS} 个（到第 {self.row_number} 行），不像是台账：请拆分后分别导入",
                             f"more than {MAX_CELLS} filled cells")
        if self.rows_before + self.row_number > MAX_BOOK_ROWS:
            raise book_rows(self.rows_before + self.row_number)
        if has_value and self.strings is not None and element.get("t") == "s":
            self.strings.add(_number((v.text or "").strip(), -1))  # -1, 10⁹: no such string, said when read
        if self.column_number > MAX_COLUMNS:
            check_range(self.row_number, self.column_number)
        self.last_row = max(self.last_row, self.row_number)
        self.last_column = max(self.last_column, self.column_number)
        if f is not None and not has_value and element.get("t") != "inlineStr":
            if len(self.uncomputed) >= MAX_CELLS:
                raise SheetError(f"没有计算结果的公式超过 {MAX_CELLS} 个，不像是台账：请在 Excel 中打开、保存后重新导入",
                                 f"more than {MAX_CELLS} formulas without a value")
            self.uncomputed.append((self.row_number - 1, self.column_number - 1, f.text or ""))

    def facts(self) -> SheetFacts:
        check_range(self.last_row, self.last_column)
        return SheetFacts(tuple(self.merges), frozenset(self.hidden_rows), tuple(self.hidden_columns), self.filtered,
                          tuple(self.uncomputed), self.last_row, self.last_column)


def out_of_order(where: str) -> SheetError:
    """Rows or cells written out of order or twice: Excel never writes them; reading them would drop one silently."""
    return SheetError(f"{where}（行或单元格的顺序错乱或重复），不像是 Excel 保存的文件：请在 Excel 或 WPS 中打开后另存为 .xlsx",
                      f"rows or cells out of order or repeated: {where}")


def _number(text: str | None, default: int) -> int:
    """A row or column number as the XML writes it; one too long to be any is 10⁹ (past every limit)."""
    if text is None or not text.isdigit() or not text.isascii():
        return default
    return int(text) if len(text) <= 9 else 10**9


def _column(ref: str | None, default: int) -> int:
    """The column number (1-based) of a cell reference like ``AB12``; past XFD, one past the limit."""
    letters = (ref or "").rstrip("0123456789")
    if not letters or not letters.isalpha() or not letters.isascii():
        return default
    if len(letters) > 3:
        return MAX_COLUMNS + 1
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _bounds(boundaries: Any, ref: str | None) -> tuple[int, int, int, int]:
    try:
        left, top, right, bottom = boundaries(ref or "")
    except (ValueError, TypeError):
        raise MergeError(f"合并单元格的区域 {ref!r} 无法识别：请在 Excel 中打开后另存",
                         f"unreadable merged range {ref!r}") from None
    if None in (left, top, right, bottom):  # a whole row or column: no real sheet merges one
        raise MergeError(f"合并单元格的区域 {ref!r} 是整行或整列：请取消合并后另存", f"merged range {ref!r} spans a whole row or column")
    return top - 1, left - 1, bottom - 1, right - 1


def fill_merged(grid: list[list[Any]], merges: Merges) -> list[tuple[Any, ...]]:
    """Every cell a merge covers holds the value of its top-left cell, as the printed sheet shows.
    Merges of a real sheet never overlap (Excel refuses to open such a file): a cell covered twice
    is an error, which also bounds the work by the size of the grid."""
    covered: set[tuple[int, int]] = set()
    for top, left, bottom, right in merges:
        anchor = grid[top][left] if top < len(grid) and left < len(grid[top]) else None
        for number, row in enumerate(grid[top:bottom + 1], start=top):
            for column in range(left, min(right + 1, len(row))):
                if (number, column) in covered:
                    raise MergeError("合并单元格的区域互相重叠：请在 Excel 中取消合并后另存", "overlapping merged ranges")
                covered.add((number, column))
                if row[column] is None:
                    row[column] = anchor
    return [tuple(row) for row in grid]


def header_rows(grid: Grid, merges: Merges = (), given: int | None = None) -> tuple[list[str], int] | None:
    """(the column titles, the index of the first row under them): row ``given`` (0-based) when
    the caller names it; else the first row with two different filled cells (a title merged
    across the sheet has one) that is not a 填报单位/填报日期 line; when a title in it is merged
    across columns and the row below names those columns, the lower row's names."""
    if given is not None:
        return ([str(v).strip() if filled(v) else "" for v in grid[given]], given + 1) if given < len(grid) else None
    for index, row in enumerate(grid):
        keys = [_key(v) for v in row if filled(v)]
        if len(set(keys)) < 2 or all(_FOOTER.match(key) for key in keys) or len({k for k in keys if not _note(k)}) < 2:
            continue  # a title, 填报单位：…  填报日期：… above the table, or the title with its 单位：万元
        headers = [str(v).strip() if filled(v) else "" for v in row]
        below = grid[index + 1] if index + 1 < len(grid) else ()
        if _names_columns_under_group(index, row, below, merges):
            width = max(len(headers), len(below))
            headers = [str(below[c]).strip() if c < len(below) and filled(below[c])
                       else (headers[c] if c < len(headers) else "") for c in range(width)]
            return headers, index + 2
        return headers, index + 1
    return None


def _note(key: str) -> bool:
    """A line's note rather than a column title: 单位：元, 填报日期：2026年6月."""
    return bool(_MONEY_UNIT_ABOVE.search(key) or (_FOOTER.match(key) and re.search("[:：].", key)))


def filed_by(grid: Grid, first: int) -> str | None:
    """The unit a line above the table names (填报单位（盖章）：金乡县财政局), if one does (单位：万元 names none)."""
    for row in grid[:first]:
        for value in row:
            found = _FILED_BY.match(_key(value)) if filled(value) else None
            if found and found["unit"] and not _MONEY_UNIT_ABOVE.search(_key(value)):
                return found["unit"]
    return None


def money_unit_above(grid: Grid, first: int) -> str | None:
    """The money unit a line above the table (or the title) gives its amounts: 单位：元, （金额单位：万元）."""
    for row in grid[:first]:
        for value in row:
            found = _MONEY_UNIT_ABOVE.search(_key(value)) if filled(value) else None
            if found:
                return found["unit"]
    return None


def repeats_header(cells: Sequence[Any], header_lines: Sequence[Sequence[Any]]) -> bool:
    """The header again (printed at the top of every page, then copied into one sheet): at least
    two cells, each the title above it in one of the header's rows."""
    values = [(index, _key(v)) for index, v in enumerate(cells) if filled(v)]
    return len(values) >= 2 and any(
        all(index < len(line) and filled(line[index]) and _key(line[index]) == key for index, key in values)
        for line in header_lines)


def _names_columns_under_group(index: int, row: Sequence[Any], below: Sequence[Any], merges: Merges) -> bool:
    groups = [(left, right) for top, left, bottom, right in merges if top == bottom == index and right > left]
    if not any(filled(v) for v in below):
        return False
    if any(isinstance(v, (int, float, dt.date)) for v in below if filled(v)):
        return False  # a record, not column titles
    if not groups:
        return _names_columns_under_unmerged_group(row, below)
    return any(filled(below[c]) and _key(below[c]) != _key(row[left])
               for left, right in groups for c in range(left, min(right + 1, len(below))))


def _names_columns_under_unmerged_group(row: Sequence[Any], below: Sequence[Any]) -> bool:
    """A group title centred across its columns without merging (WPS and Excel's 跨列居中, or
    simply written over the first): 资金来源 over 本级财政 | 上级资金, the cells beside the title
    empty. The row below is column titles only when every filled cell of it sits under such a
    group (or repeats the title above it): a record has its name outside any group."""
    in_group: set[int] = set()
    for left, value in enumerate(row):
        if not filled(value):
            continue
        right = left
        while right + 1 < len(below) and not (right + 1 < len(row) and filled(row[right + 1])) and filled(below[right + 1]):
            right += 1
        if right > left:
            in_group.update(range(left, right + 1))
    return bool(in_group) and all(c in in_group or (c < len(row) and _key(row[c]) == _key(v))
                                  for c, v in enumerate(below) if filled(v))


def not_a_record(cells: Sequence[Any], index: int, merges: Merges = ()) -> str | None:
    """Why the row at ``index`` is not a record (合计行, the template's example, a section title,
    the footer), or None."""
    values = [v for v in cells if filled(v)]
    keys = {_key(v) for v in values}
    if keys & _TOTALS:
        return "合计行"
    if any(_EXAMPLE.match(key) for key in keys):
        return "填写示例行"
    if all(_FOOTER.match(_key(v)) for v in values):
        return "表尾的填报信息或说明"
    if len(keys) == 1 and (_SECTION.match(_key(values[0])) or _spans_row(index, merges)):
        return "分类标题行"
    return None


def _spans_row(index: int, merges: Merges) -> bool:
    return any(top == bottom == index and right > left for top, left, bottom, right in merges)
