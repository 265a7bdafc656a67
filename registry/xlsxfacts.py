"""Our own pass over an ``.xlsx`` sheet's XML, before openpyxl reads its cells: what openpyxl's
read-only reader keeps none of (merged cells, hidden rows and columns, the filter, formulas
without a computed value), where the sheet's content really ends (whatever its ``<dimension>``
claims), and which shared strings its cells use — each checked against the limits of
:mod:`registry.sheetlimits` as soon as the part says too much. Rows and cells written out of order,
twice, or numbered as Excel never writes them are refused: openpyxl would read them otherwise, and
a row would be dropped without a word.
"""
from __future__ import annotations

import re
from typing import Any

from registry.sheetlayout import MAX_MERGES, MergeError, SheetFacts
from registry.sheetlimits import (MAX_BOOK_ROWS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, SheetError, book_rows, check_range,
                                 too_many_rows)


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
                _canonical(element.get("r"), _ROW_NUMBER, f"第 {self.row_number} 行之后的行号")
                number = _number(element.get("r"), self.row_number + 1)
                if number <= self.row_number:  # openpyxl's reader would drop such a row without a word
                    raise out_of_order(f"第 {number} 行写在第 {self.row_number} 行之后")
                self.row_number = number
                self.column_number = 0
                if element.get("hidden") in ("1", "true") and self.row_number <= MAX_ROWS:
                    self.hidden_rows.add(self.row_number - 1)
            elif tag == self.cell:
                _canonical(element.get("r"), _CELL_REF, f"第 {self.row_number} 行的单元格位置")
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


# A row number and a cell reference as Excel writes them: openpyxl's reader also takes " 6", "5.0",
# "+5", "٥" or "C2 " (Python's int), which our pass would then read otherwise — the two would
# disagree on where the sheet ends, and a row or column would be dropped without a word
_ROW_NUMBER = re.compile(r"[0-9]+")
_CELL_REF = re.compile(r"[A-Za-z]+[0-9]+")


def _canonical(text: str | None, form: re.Pattern[str], what: str) -> None:
    if text is not None and not form.fullmatch(text):
        raise SheetError(f"{what} {text!r} 不是 Excel 写出的样子，不像是 Excel 保存的文件：请在 Excel 或 WPS 中打开后另存为 .xlsx",
                         f"{what}: {text!r} is not a row number or cell reference as Excel writes them")


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
    if left > right or top > bottom:  # C1:A3: Excel writes the top-left cell first
        raise MergeError(f"合并单元格的区域 {ref!r} 首尾颠倒：请在 Excel 中打开后另存", f"merged range {ref!r} is backwards")
    return top - 1, left - 1, bottom - 1, right - 1
