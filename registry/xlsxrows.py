"""The rows of a write-only openpyxl sheet written straight to its XML stream: the same bytes,
several times faster for the plain cells that make up almost all of the open-data workbook.

openpyxl's write-only sheet turns every value into a cell object, then into an XML element,
then serializes that element through a pure-Python serializer — about 10 µs a cell, seconds
for the site's ``catalog.xlsx`` at 10,000 records. Text and finite numbers need none of that:
their XML is fixed (``<c r="B7" t="inlineStr"><is><t>…</t></is></c>``, ``<c r="C7" t="n"><v>…</v></c>``)
and is written here exactly as openpyxl writes it; so is a date, once openpyxl has written the
first one (and registered the date style it carries). Every other value — date-times, formulas,
error codes, characters a worksheet may not hold, text longer than a cell holds — goes through
openpyxl's own cell writer, in order, so styles are registered as before and errors are raised
as before. ``tests/test_xlsx_rows.py`` checks that
workbooks are byte-identical with and without this module for such values.

Only for the openpyxl version it was checked against, with the standard-library XML writer
(not lxml); anything else keeps openpyxl's path.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from openpyxl.cell._writer import write_cell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.comments.comment_sheet import CommentRecord  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.datetime import to_excel  # type: ignore[import-untyped]

CHECKED_VERSION = "3.1.5"
ENABLED = True  # tests turn it off to compare the bytes
_MAX_TEXT = 32767  # openpyxl cuts longer text: left to it


def stream_rows(sheet: Any) -> None:
    """From now on, rows appended to the write-only ``sheet`` are written by this module."""
    if not ENABLED or openpyxl.__version__ != CHECKED_VERSION or openpyxl.LXML:
        return
    sheet._get_writer()
    rows = _Rows(sheet, sheet._writer.write_row)
    sheet._values_to_row = lambda values, row_index: values  # the values reach write_row as they are
    sheet._writer.write_row = rows.write_row


class _Rows:
    def __init__(self, sheet: Any, openpyxl_row: Any) -> None:
        self.sheet = sheet
        self.openpyxl_row = openpyxl_row
        # A date cell carries the workbook's date style: its id, once openpyxl has registered it.
        self.date_style: int | None = None

    def write_row(self, xf: Any, values: list[Any], row_index: int) -> None:
        out = getattr(xf, "_file", None)
        if out is None or self.sheet.row_dimensions.get(row_index):
            self.openpyxl_row(xf, type(self.sheet)._values_to_row(self.sheet, values, row_index), row_index)
            return
        out(f'<row r="{row_index}">')
        for column, value in enumerate(values, 1):
            if value is not None:
                self._write_cell(xf, out, value, column, row_index)
        out("</row>")

    def _write_cell(self, xf: Any, out: Any, value: Any, column: int, row_index: int) -> None:
        ref = f"{get_column_letter(column)}{row_index}"
        plain = _plain_cell(ref, value)
        if plain is None and type(value) is dt.date and self.date_style is not None:
            plain = f'<c r="{ref}" s="{self.date_style}" t="n"><v>{"%.16g" % to_excel(value, self.sheet.parent.epoch)}</v></c>'
        if plain is not None:
            out(plain)
            return
        sheet = self.sheet
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet)
        if cell is not value:
            cell.value = value
        cell.column, cell.row = column, row_index
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        if cell._comment is not None:
            sheet._comments.append(CommentRecord.from_cell(cell))
        if cell._value is None and not cell.has_style and not cell._comment:
            return
        write_cell(xf, sheet, cell, cell.has_style)
        if type(value) is dt.date and not sheet.parent.iso_dates:
            self.date_style = cell.style_id  # registered by write_cell: the same id from now on


def _plain_cell(ref: str, value: Any) -> str | None:
    """The cell's XML as openpyxl writes it, for text and finite numbers; None for the rest."""
    kind = type(value)
    if kind is str:
        if (not value or len(value) > _MAX_TEXT or value.startswith("=") or value in ERROR_CODES
                or ILLEGAL_CHARACTERS_RE.search(value)):
            return None
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_escape_text(value)}</t></is></c>'
    if kind is int or kind is float:
        if not math.isfinite(value):
            return None
        return f'<c r="{ref}" t="n"><v>{"%.16g" % value}</v></c>'
    return None


def _escape_text(text: str) -> str:
    """Character data as the standard library's XML writer escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text
