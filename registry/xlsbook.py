"""``.xls`` ledgers (Excel 97–2003, still the format of many offices' files) read with xlrd into
the same grids as ``.xlsx``: dates as ``datetime``, whole numbers as ``int``, merged cells filled
as printed (see :mod:`registry.sheetlayout`).

Many systems in China export a web page (HTML) under a ``.xls`` name: one with a table is read by
:mod:`registry.htmltable`; one without reaches xlrd, which refuses it, and the message says what to do.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from registry.findings import Message
from registry.loader import ConfigError
from registry.sheetlayout import EPOCH_1900, EPOCH_1904, SheetFacts, SheetGrid, error_fault, fill_merged
from registry.sheetlimits import MAX_SHARED_STRINGS, MAX_SHEETS, BookBudget, SheetError, check_range, too_many_sheets


def xls_grids(path: Path, raw: bytes) -> list[SheetGrid]:
    import xlrd  # type: ignore[import-untyped]  # only when reading .xls

    strings = shared_string_count(raw)
    if strings > MAX_SHARED_STRINGS:  # xlrd reads every one into a list when it opens the file
        raise _error(path, f"共享字符串表有 {strings} 项，超过 {MAX_SHARED_STRINGS} 项，不像是台账："
                     "请在 Excel 中打开后另存为 .xlsx，或拆分后分别导入", f"{strings} shared strings")
    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd on a damaged or foreign file raises many kinds: all say "not valid"
        hint = ("（像是网页格式导出的文件）" if raw.lstrip()[:1] == b"<"
                else "（文件设置了打开密码）" if _encrypted(raw, exc) else f"（{type(exc).__name__}）")
        raise _error(path, f"不是有效的 xls 文件{hint}：请在 Excel 或 WPS 中打开后另存为 .xlsx",
                     f"not a valid xls file ({exc})") from None
    try:
        if book.nsheets > MAX_SHEETS:  # before a sheet is read
            too_many = too_many_sheets(book.nsheets)
            raise _error(path, too_many.zh, too_many.en)
        budget = BookBudget()
        return [_grid(path, book, index, budget) for index in range(book.nsheets)]
    finally:
        book.release_resources()


def _grid(path: Path, book: Any, index: int, budget: BookBudget) -> SheetGrid:
    """One sheet, read by xlrd (which finds its size only by reading it: the workbook's totals are
    checked before its cells are turned into a grid, so a workbook costs at most one sheet more
    than the limits), then let go."""
    try:
        sheet = book.sheet_by_index(index)
        check_range(sheet.nrows, sheet.ncols)
        budget.add(sheet.nrows, sheet.ncols)
        grid = [[_value(cell, book.datemode) for cell in sheet.row(r)] for r in range(sheet.nrows)]
        merges = tuple((top, left, bottom - 1, right - 1) for top, bottom, left, right in sheet.merged_cells)
        facts = SheetFacts(merges, frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden),
                           tuple((c, c) for c, info in sheet.colinfo_map.items() if info.hidden))
    except SheetError as exc:
        raise _error(path, f"第 {index + 1} 个工作表：{exc.zh}", f"sheet {index + 1}: {exc.en}") from None
    except Exception as exc:  # a damaged sheet record
        raise _error(path, f"第 {index + 1} 个工作表已损坏（{type(exc).__name__}）：请在 Excel 中打开后另存为 .xlsx",
                     f"sheet {index + 1} is damaged ({exc})") from None
    try:
        return SheetGrid(sheet.name, fill_merged(grid, merges), facts, bool(sheet.visibility),
                         EPOCH_1904 if book.datemode == 1 else EPOCH_1900)
    except SheetError as exc:
        raise _error(path, f"工作表 {sheet.name}：{exc.zh}", f"sheet {sheet.name}: {exc.en}") from None
    finally:
        book.unload_sheet(index)  # xlrd's cells: the grid holds what is needed


def _value(cell: Any, datemode: int) -> Any:
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_ERROR:  # #REF!, #N/A: reported at its cell, never read as empty
        return error_fault(xlrd.error_text_from_code.get(value, "#错误"))
    if kind == xlrd.XL_CELL_DATE:
        try:
            found: dt.datetime = xlrd.xldate_as_datetime(value, datemode)
            return found
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value  # a number formatted as a date that is none: the number, as Excel shows it
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_NUMBER and float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def shared_string_count(raw: bytes) -> int:
    """How many texts the workbook's shared string table (the SST record of its globals) says it
    holds — the count xlrd then reads, one by one, when it opens the file; 0 when there is none or
    the file cannot be read so far (xlrd then says what is wrong)."""
    import io
    import struct

    from xlrd import compdoc

    try:
        streams = compdoc.CompDoc(raw, logfile=io.StringIO())
        mem, position, length = streams.locate_named_stream("Workbook")
        if not mem:
            mem, position, length = streams.locate_named_stream("Book")
        end = position + length if mem else 0
        while position + 4 <= end:
            code, size = struct.unpack("<HH", mem[position:position + 4])
            if code == 0x00FC and size >= 8:  # SST: total, then unique strings
                count: int = struct.unpack("<i", mem[position + 8:position + 12])[0]
                return count
            if code == 0x000A:  # EOF of the globals: no SST
                return 0
            position += 4 + size
    except Exception:  # noqa: BLE001 - a damaged compound document: xlrd reports it
        return 0
    return 0


def _encrypted(raw: bytes, exc: Exception) -> bool:
    """An .xlsx with an opening password is an OLE file holding EncryptionInfo; an encrypted .xls says so."""
    return "EncryptionInfo".encode("utf-16-le") in raw[:1 << 16] or "encrypted" in str(exc).lower()


def _error(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(Message(f"{path}：{zh}", f"{path}: {en}"), path="")
