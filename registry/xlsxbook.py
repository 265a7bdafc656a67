"""``.xlsx``/``.xlsm`` workbooks read with openpyxl's read-only reader, within the limits of
:mod:`registry.sheetlimits` for the whole workbook, checked before the work they bound:

- the number of sheets, from the workbook part, before any sheet is opened;
- the rows and cells of all sheets together, each sheet's filled range found by our own pass over
  its XML (:func:`registry.xlsxfacts.sheet_facts`) before openpyxl reads its cells;
- the shared strings (``sharedStrings.xml``, the texts all cells share): openpyxl reads every one
  of them into a list when it opens a workbook — seven million empty strings in a part of 126 MB
  cost a minute and a gigabyte. Here only the strings the sheets' cells use are kept, read after
  the sheets' pass has named them, and a table of more strings than a workbook may have cells is
  refused.

Opening follows the steps of openpyxl's ``load_workbook`` (3.1.5, pinned) without reading the
strings, styles (see :mod:`registry.xlsxparts`), external links, defined names or the sheets'
relationships, none of which an import uses; the parts it still reads whole are bounded first.
"""
from __future__ import annotations

import datetime as dt
import io
import zlib
from pathlib import Path
from typing import Any

from registry.findings import Message
from registry.loader import ConfigError
from registry.sheetlayout import EPOCH_1900, EPOCH_1904, Fault, SheetFacts, SheetGrid, fill_merged
from registry.sheetlimits import (MAX_SHARED_STRINGS, MAX_SHEETS, BookBudget, SheetError, too_many_sheets,
                                  unpacked_size_problem)
from registry.xlsxfacts import sheet_facts
from registry.xlsxparts import check_part, date_styles, transitional


def xlsx_grids(path: Path, raw: bytes) -> list[SheetGrid]:
    too_large = unpacked_size_problem(raw)
    if too_large is not None:
        raise _error(path, too_large, "too large once unzipped")
    raw = _as_transitional(path, raw)
    strings = SharedStrings()
    reader = _open(path, raw, strings)
    book = reader.wb
    try:
        budget = BookBudget()
        facts = [_facts(path, ws, budget, strings.used) for ws in book.worksheets]
        _read_strings(path, reader, strings)
        epoch = EPOCH_1904 if book.epoch.year == 1904 else EPOCH_1900  # openpyxl reads workbookPr date1904
        return [_grid(path, ws, found, epoch) for ws, found in zip(book.worksheets, facts)]
    finally:
        book.close()


class SharedStrings:
    """The workbook's shared strings as openpyxl's sheet reader asks for them (``strings[i]``):
    those of :attr:`used`, read by :func:`_read_strings`; an index the table does not have is an
    IndexError, as it is for openpyxl's own list."""

    def __init__(self) -> None:
        self.used: set[int] = set()
        self.texts: dict[int, str] = {}

    def __getitem__(self, index: int) -> str:
        try:
            return self.texts[index]
        except KeyError:
            raise IndexError(f"no shared string {index}") from None


def _as_transitional(path: Path, raw: bytes) -> bytes:
    """A Strict Open XML workbook as the transitional one openpyxl reads; any other unchanged."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return transitional(archive) or raw
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return raw  # left to openpyxl, which says the file is damaged


def _open(path: Path, raw: bytes, strings: SharedStrings) -> Any:
    """openpyxl's ExcelReader, its workbook read (sheets not yet opened), or the reason it cannot be."""
    from openpyxl.packaging.relationship import get_rels_path  # type: ignore[import-untyped]  # only when reading xlsx
    from openpyxl.reader.excel import ExcelReader, _find_workbook_part  # type: ignore[import-untyped]
    from openpyxl.xml.constants import ARC_CONTENT_TYPES  # type: ignore[import-untyped]

    try:
        reader = ExcelReader(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
        check_part(reader.archive, ARC_CONTENT_TYPES)
        reader.read_manifest()
        part = _find_workbook_part(reader.package).PartName[1:]
        for name in (part, get_rels_path(part)):
            check_part(reader.archive, name)
        reader.read_workbook()
        if len(reader.parser.sheets) > MAX_SHEETS:  # before a sheet is opened: a sheet costs work however small
            raise too_many_sheets(len(reader.parser.sheets))
        reader.wb._date_formats, reader.wb._timedelta_formats = date_styles(reader.archive)
        _add_sheets(reader, strings)
    except SheetError as exc:
        raise _error(path, exc.zh, exc.en) from None
    except Exception as exc:  # openpyxl on a damaged or hostile archive raises many kinds: all say "not valid"
        raise _error(path, f"不是有效的 xlsx 文件（{type(exc).__name__}）：请在 Excel 中另存为 .xlsx",
                     f"not a valid xlsx file ({exc})") from None
    return reader


def _add_sheets(reader: Any, strings: SharedStrings) -> None:
    """The workbook's worksheets, as openpyxl's read-only reader adds them (its ``read_worksheets``
    without the sheets' relationships — comments, drawings, tables — and chart sheets, which hold
    no cells)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # type: ignore[import-untyped]

    for sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            ws = ReadOnlyWorksheet(reader.wb, sheet.name, rel.target, strings)
            ws.sheet_state = sheet.state
            reader.wb._sheets.append(ws)


def _facts(path: Path, ws: Any, budget: BookBudget, used: set[int]) -> SheetFacts:
    """The sheet's facts from its XML, its filled range counted against the workbook's limits."""
    try:
        budget.add_sheet()
        facts = sheet_facts(ws, budget.rows, used)
        if facts.last_row:
            budget.add(facts.last_row, facts.last_column or 0)
        return facts
    except SheetError as exc:
        raise _error(path, f"工作表 {ws.title}：{exc.zh}", f"sheet {ws.title}: {exc.en}") from None
    except Exception as exc:  # a damaged sheet part
        raise _damaged(path, ws, exc) from None


def _read_strings(path: Path, reader: Any, strings: SharedStrings) -> None:
    """The shared strings the sheets use, as openpyxl reads each (its ``read_string_table``),
    read no further than the last one used."""
    from openpyxl.cell.text import Text  # type: ignore[import-untyped]
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]

    if strings.used and max(strings.used) >= MAX_SHARED_STRINGS:
        raise _error(path, f"单元格引用了第 {max(strings.used) + 1} 个共享字符串，超过 {MAX_SHARED_STRINGS} 个，不像是台账："
                     "请在 Excel 中打开后另存为 .xlsx", f"a cell uses shared string {max(strings.used)}")
    wanted = {i for i in strings.used if i >= 0}
    part = reader.package.find(SHARED_STRINGS)
    if not wanted or part is None:
        return
    last, tag, index, root = max(wanted), f"{{{SHEET_MAIN_NS}}}si", 0, None
    try:
        with reader.archive.open(part.PartName[1:]) as source:
            for event, node in iterparse(source, events=("start", "end")):
                if root is None:
                    root = node
                if event != "end" or node.tag != tag:
                    continue
                if index in wanted:
                    strings.texts[index] = Text.from_tree(node).content.replace("x005F_", "")
                index += 1
                root.clear()  # the strings read so far: not kept in the tree (openpyxl keeps an empty element each)
                if index > last:
                    return
    except Exception as exc:  # a damaged or hostile part
        raise _error(path, f"共享字符串（sharedStrings.xml）已损坏（{type(exc).__name__}）：请在 Excel 中打开后另存为 .xlsx",
                     f"sharedStrings.xml is damaged ({exc})") from None


def _grid(path: Path, ws: Any, facts: SheetFacts, epoch: dt.date) -> SheetGrid:
    try:
        # read-only mode believes the sheet's own <dimension>, which some programs write wrong
        # (A1, or too small): the sheet is read up to its last filled cell, whatever it claims,
        # and no further (a row numbered past the limits, one far cell, are not read cell by cell)
        ws.reset_dimensions()
        grid = ([list(row) for row in ws.iter_rows(max_row=facts.last_row, max_col=facts.last_column,
                                                   values_only=True)] if facts.last_row else [])
        _mark_uncomputed(grid, facts)
        return SheetGrid(ws.title, fill_merged(grid, facts.merges), facts, ws.sheet_state != "visible", epoch)
    except SheetError as exc:
        raise _error(path, f"工作表 {ws.title}：{exc.zh}", f"sheet {ws.title}: {exc.en}") from None
    except Exception as exc:  # openpyxl on a damaged sheet part: whatever it raises, the file is damaged
        raise _damaged(path, ws, exc) from None


def _mark_uncomputed(grid: list[list[Any]], facts: SheetFacts) -> None:
    """A formula the file keeps no result for (written by a program, never opened in Excel):
    openpyxl reads it as empty; it is a cell to report, not an empty one."""
    for row, column, formula in facts.uncomputed:
        if row < len(grid) and column < len(grid[row]) and grid[row][column] is None:
            grid[row][column] = Fault(f"={formula}", f"公式 ={formula} 没有计算结果（文件未经 Excel 或 WPS 计算保存）："
                                                    "请在 Excel 或 WPS 中打开、保存后重新导入")


def _damaged(path: Path, ws: Any, exc: Exception) -> ConfigError:
    return _error(path, f"工作表 {ws.title} 已损坏（{type(exc).__name__}）：请在 Excel 中打开后另存为 .xlsx",
                  f"sheet {ws.title} is damaged ({exc})")


def _error(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(Message(f"{path}：{zh}", f"{path}: {en}"), path="")
