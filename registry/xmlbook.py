"""Excel 2003 XML spreadsheets (SpreadsheetML: ``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">``),
which many government and finance systems still export, usually named ``.xls``. Each worksheet is
read like an ``.xlsx`` sheet: ``ss:MergeAcross``/``ss:MergeDown`` as merged cells, ``ss:Index`` for
cells and rows left out, numbers and dates typed, hidden rows, columns and sheets, error values
reported at their cell. Parsed with the standard library's expat (which refuses entity expansion
bombs), within the limits of :mod:`registry.sheetlimits`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from registry.sheetlayout import EPOCH_1904, SheetFacts, SheetGrid, error_fault, fill_merged
from registry.sheetlimits import MAX_BOOK_ROWS, MAX_COLUMNS, MAX_ROWS, BookBudget, SheetError, book_rows, check_range
from registry.xlsxfacts import out_of_order

_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = f"{{{_NS}}}"
_X = "{urn:schemas-microsoft-com:office:excel}"


def looks_like_spreadsheet_xml(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") and _NS.encode() in head and b"<Workbook" in raw[:1 << 16]


def spreadsheet_xml_grids(raw: bytes) -> list[SheetGrid]:
    sheets: list[SheetGrid] = []
    reading: _Sheet | None = None
    budget = BookBudget()
    date1904 = False
    try:
        for event, element in iterparse(io.BytesIO(raw), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _SS + "Worksheet":
                    budget.add_sheet()
                    reading = _Sheet(element.get(_SS + "Name") or f"Sheet{len(sheets) + 1}", budget.rows)
                elif tag == _SS + "Row" and reading is not None:
                    reading.start_row(element)
                continue
            if tag == _X + "Date1904":  # in <ExcelWorkbook>, outside any sheet
                date1904 = True
            if reading is None:
                continue
            if tag == _SS + "Cell":
                reading.cell(element)
                element.clear()
            elif tag == _SS + "Column":
                reading.column_info(element)
            elif tag == _X + "Visible" and (element.text or "").strip() in ("SheetHidden", "SheetVeryHidden"):
                reading.hidden = True
            elif tag == _SS + "Worksheet":
                sheets.append(reading.grid(budget))
                reading = None
                element.clear()
    except ParseError as exc:
        raise SheetError(f"不是有效的 Excel 2003 XML 表格（{exc}）：请在 Excel 中打开后另存为 .xlsx", f"not valid SpreadsheetML ({exc})") from None
    return [dataclasses.replace(sheet, epoch=EPOCH_1904) for sheet in sheets] if date1904 else sheets


class _Sheet:
    def __init__(self, name: str, rows_before: int = 0) -> None:
        self.name = name
        self.rows_before = rows_before  # of the workbook's sheets before this one
        self.row = 0  # the current row's number (1-based)
        self.column = 0
        self.next_column = 1  # a <Column> without ss:Index follows the one before
        self.values: dict[tuple[int, int], Any] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden_rows: set[int] = set()
        self.hidden_columns: list[tuple[int, int]] = []
        self.hidden = False
        self.last_row = self.last_column = 0

    def start_row(self, element: Any) -> None:
        number = self._number(element, "Index", self.row + 1)
        if number <= self.row:
            raise out_of_order(f"工作表 {self.name} 第 {number} 行写在第 {self.row} 行之后")
        self.row = number
        self.column = 0
        if self.row > MAX_ROWS:
            check_range(self.row, 1)
        if self.rows_before + self.row > MAX_BOOK_ROWS:
            raise book_rows(self.rows_before + self.row)
        if element.get(_SS + "Hidden") in ("1", "true"):
            self.hidden_rows.add(self.row - 1)

    def column_info(self, element: Any) -> None:
        first = self._number(element, "Index", self.next_column)
        span = self._number(element, "Span", 0)
        last = min(first + span, MAX_COLUMNS)
        self.next_column = last + 1
        if element.get(_SS + "Hidden") in ("1", "true") and len(self.hidden_columns) < MAX_COLUMNS:
            self.hidden_columns.append((first - 1, last - 1))

    def _number(self, element: Any, name: str, default: int) -> int:
        """An ``ss:`` number attribute as Excel writes it (ASCII digits). Anything else ("4.0", "+4",
        "٤") is refused, never taken as absent: a value read one column off lands in another field."""
        text = element.get(_SS + name)
        if text is None:
            return default
        digits = text.strip()
        if not (digits.isascii() and digits.isdigit()):
            where = f"工作表 {self.name} 第 {max(self.row, 1)} 行"
            raise SheetError(f"{where}的 ss:{name}=“{text}”不是整数，不像是 Excel 保存的文件：请在 Excel 或 WPS 中打开后另存为 .xlsx",
                             f"{where}: ss:{name}={text!r} is not an integer")
        return int(digits) if len(digits) <= 9 else 10**9

    def cell(self, element: Any) -> None:
        column = self._number(element, "Index", self.column + 1)
        if column <= self.column:
            raise out_of_order(f"工作表 {self.name} 第 {self.row} 行的第 {column} 列写在第 {self.column} 列之后")
        self.column = column
        across, down = self._number(element, "MergeAcross", 0), self._number(element, "MergeDown", 0)
        right, bottom = self.column + across, self.row + down
        check_range(min(bottom, MAX_ROWS + 1), min(right, MAX_COLUMNS + 1))
        if across or down:
            self.merges.append((self.row - 1, self.column - 1, bottom - 1, right - 1))
        data = element.find(_SS + "Data")
        value = _value(data) if data is not None else None
        if value is not None:
            self.values[(self.row - 1, self.column - 1)] = value
            self.last_row, self.last_column = max(self.last_row, self.row), max(self.last_column, right)
            check_range(self.last_row, self.last_column)
        self.column = right

    def grid(self, budget: BookBudget) -> SheetGrid:
        try:
            budget.add(self.last_row, self.last_column)
        except SheetError as exc:
            raise SheetError(f"工作表 {self.name}：{exc.zh}", f"sheet {self.name}: {exc.en}") from None
        grid: list[list[Any]] = [[None] * self.last_column for _ in range(self.last_row)]
        for (r, c), value in self.values.items():
            grid[r][c] = value
        facts = SheetFacts(tuple(self.merges), frozenset(self.hidden_rows), tuple(self.hidden_columns),
                           last_row=self.last_row, last_column=self.last_column)
        try:
            return SheetGrid(self.name, fill_merged(grid, facts.merges), facts, self.hidden)
        except SheetError as exc:
            raise SheetError(f"工作表 {self.name}：{exc.zh}", f"sheet {self.name}: {exc.en}") from None




def _value(data: Any) -> Any:
    """A <Data> element's value: ss:Type says what it is (String when it says nothing)."""
    text = "".join(data.itertext())
    kind = data.get(_SS + "Type") or "String"
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "DateTime":
        try:
            return dt.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() in ("1", "true")
    if kind == "Error":
        return error_fault(text.strip() or "#错误")
    return text if text.strip() else None
