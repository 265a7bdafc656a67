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

from registry.sheetlimits import MAX_COLUMNS, SheetError

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
        # a set, so that asking cell by cell stays cheap however many <col> ranges a file writes;
        # built from the ranges in order, each column once (16,000 ranges of A:XFD are 16,384 columns)
        hidden: set[int] = set()
        reach = -1
        for first, last in sorted(self.hidden_columns):
            top = min(last, MAX_COLUMNS - 1)
            hidden.update(range(max(first, reach + 1), top + 1))
            reach = max(reach, top)
        return frozenset(hidden)


@dataclasses.dataclass
class SheetGrid:
    """A sheet as read from its file: name, cells (merged cells filled), what its XML says, and
    whether the sheet itself is hidden."""

    name: str
    grid: Grid
    facts: SheetFacts = dataclasses.field(default_factory=SheetFacts)
    hidden: bool = False
    epoch: dt.date = EPOCH_1900  # what its numbers count from when they are dates


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
