"""Web-page tables saved as ``.xls``: what many 政务服务平台 and office systems export (an HTML
page with a ``<table>``, named ``.xls`` so that Excel opens it). Each top-level table is read as a
sheet: ``rowspan``/``colspan`` are merged cells (so a unit written once beside its systems and a
two-row header read as for ``.xlsx``), ``<br>`` is a line break, a row styled ``display:none`` is
a hidden row. Cells are text, as the page shows them.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from registry.sheetlayout import SheetFacts, SheetGrid, fill_merged
from registry.sheetlimits import (MAX_BOOK_CELLS, MAX_BOOK_ROWS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_SHEETS, BookBudget,
                                 SheetError, book_rows, check_range, too_many_sheets)

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f]+")  # HTML's white space (a no-break space is text)
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def looks_like_html(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<?xml")) and (
        b"<table" in raw[:1 << 20].lower())


def decode_html(raw: bytes) -> str:
    """The page's text: the charset its <meta> names, else UTF-8, else GB18030 (what such pages use)."""
    declared = _CHARSET.search(raw[:4096])
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8-sig", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("gb18030", errors="replace")  # pragma: no cover - gb18030 decodes any byte string


def html_grids(raw: bytes) -> list[SheetGrid]:
    """One sheet per top-level table of the page (表1, 表2 … or the table's caption)."""
    reader = _Tables()
    reader.feed(decode_html(raw))
    reader.close()
    grids = []
    budget = BookBudget()
    for number, table in enumerate(reader.tables, start=1):
        name = table.caption or (f"表{number}" if len(reader.tables) > 1 else "表1")
        try:
            grid, facts = _laid_out(table, budget)
            grids.append(SheetGrid(name, fill_merged(grid, facts.merges), facts))
        except SheetError as exc:
            raise SheetError(f"表格 {name}：{exc.zh}", f"table {name}: {exc.en}") from None
    return grids


class _Cell:
    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.parts: list[str] = []

    def text(self) -> str:
        text = "".join(self.parts).replace("\xa0", " ")  # &nbsp; lays a page out; in a cell it is a space
        return "\n".join(_SPACES.sub(" ", part).strip() for part in text.split("\n")).strip()


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[_Cell]] = []
        self.hidden: set[int] = set()
        self.caption = ""
        self.cells = 0


class _Tables(HTMLParser):
    """The top-level tables of a page; a table inside a cell is read as that cell's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.depth = 0  # of <table> elements
        self.cell: _Cell | None = None
        self.in_caption = False
        self.rows = self.cells = 0  # of all the page's tables

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                if len(self.tables) >= MAX_SHEETS:  # said as soon as the page has one table too many
                    raise too_many_sheets(len(self.tables) + 1)
                self.tables.append(_Table())
            return
        if self.depth != 1:
            if tag == "br" and self.cell is not None:
                self.cell.parts.append("\n")
            return
        table = self.tables[-1]
        if tag == "tr":
            if len(table.rows) >= MAX_ROWS:
                raise SheetError(f"表格超过 {MAX_ROWS} 行，不像是台账：请拆分后分别导入", f"more than {MAX_ROWS} rows")
            table.rows.append([])
            self.rows += 1
            if self.rows > MAX_BOOK_ROWS:
                raise book_rows(self.rows)
            if _HIDDEN.search(dict(attrs).get("style") or ""):
                table.hidden.add(len(table.rows) - 1)
            self.cell = None
        elif tag in ("td", "th"):
            if not table.rows:
                table.rows.append([])
            named = dict(attrs)
            self.cell = _Cell(_span(named.get("rowspan"), MAX_ROWS), _span(named.get("colspan"), MAX_COLUMNS))
            table.rows[-1].append(self.cell)
            table.cells += 1
            self.cells += 1
            if table.cells > MAX_CELLS:
                raise SheetError(f"表格超过 {MAX_CELLS} 个单元格，不像是台账：请拆分后分别导入", f"more than {MAX_CELLS} cells")
            if self.cells > MAX_BOOK_CELLS:
                raise SheetError(f"各表格合计超过 {MAX_BOOK_CELLS} 个单元格，不像是台账：请删去不需要的表格，或拆分后分别导入",
                                 f"the tables together hold more than {MAX_BOOK_CELLS} cells")
        elif tag == "br" and self.cell is not None:
            self.cell.parts.append("\n")
        elif tag == "caption":
            self.in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth = max(0, self.depth - 1)
            if self.depth == 0:
                self.cell = None
        elif tag in ("td", "th") and self.depth == 1:
            self.cell = None
        elif tag == "caption":
            self.in_caption = False

    def handle_data(self, data: str) -> None:
        if self.in_caption and self.tables:
            self.tables[-1].caption += data.strip()
        elif self.cell is not None:
            self.cell.parts.append(data)


_LEADING_DIGITS = re.compile(r"[\t\n\f\r ]*\+?([0-9]+)")


def _span(text: str | None, limit: int) -> int:
    """``rowspan``/``colspan`` as a browser (and Excel opening the page) reads them: HTML's rules for
    non-negative integers take the leading digits ("2.0", "+2", "2px" are 2); none, or 0, is 1."""
    digits = _LEADING_DIGITS.match(text or "")
    value = int(digits.group(1)) if digits and len(digits.group(1)) <= 7 else (limit if digits else 1)
    return min(max(value, 1), limit)


def _laid_out(table: _Table, budget: BookBudget) -> tuple[list[list[Any]], SheetFacts]:
    """The table as a grid: each cell at the first column its row has free (cells spanning rows
    above take theirs), its spans as merges."""
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], str] = {}
    merges: list[tuple[int, int, int, int]] = []
    last_row = last_column = 0
    for r, cells in enumerate(table.rows):
        column = 0
        for cell in cells:
            while (r, column) in taken:
                column += 1
            bottom, right = r + cell.rows - 1, column + cell.columns - 1
            check_range(min(bottom, len(table.rows) - 1) + 1, right + 1)
            if cell.rows > 1 or cell.columns > 1:
                merges.append((r, column, bottom, right))
                taken.update((y, x) for y in range(r, min(bottom, len(table.rows) - 1) + 1) for x in range(column, right + 1))
            placed[(r, column)] = cell.text()
            last_row, last_column = max(last_row, r + 1), max(last_column, right + 1)
            column = right + 1
    budget.add(last_row, last_column)  # the page's tables together, before this one becomes a grid
    grid: list[list[Any]] = [[None] * last_column for _ in range(last_row)]
    for (r, c), text in placed.items():
        grid[r][c] = text or None
    return grid, SheetFacts(tuple(merges), frozenset(table.hidden))
