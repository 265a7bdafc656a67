"""How much of a file ``registry import`` reads: a county's ledger, not anything a file can claim.

A spreadsheet is a small file that can claim to be huge: a zip part of gigabytes of spaces, a
row numbered beyond Excel's last, one cell at column XFD on every row (each row then padded to
16,384 cells), a CSV of millions of rows. Each limit below is far beyond any county's ledger
(a few thousand rows, a few dozen columns) and far below what would exhaust the machine; a file
past one is refused at once (exit 2), saying which limit, before the work it would cost.
"""
from __future__ import annotations

import io
import zipfile

MAX_FILE_BYTES = 256 * 1024 * 1024  # the file as stored
# An .xlsx's parts once unzipped, all together: openpyxl scans a sheet part whole when it has no
# <dimension> (about 10 MB a second), so this bounds the time as well as the memory
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_TEXT_BYTES = 64 * 1024 * 1024  # a CSV or text table
MAX_ROWS = 100_000  # rows of one sheet, up to its last filled cell
MAX_COLUMNS = 16_384  # Excel's last column, XFD
MAX_CELLS = 2_000_000  # rows × columns of one sheet's filled range, as it is read into memory
# A whole workbook: its sheets (or a web page's tables) together hold no more than one sheet may
# (so 40 full sheets cost what one does), and a county's sheets are far fewer than this (one per
# unit is the most a ledger has)
MAX_SHEETS = 1_000
MAX_BOOK_ROWS = MAX_ROWS
MAX_BOOK_CELLS = MAX_CELLS
# Texts an .xlsx keeps once for all its cells (sharedStrings): no more than it can have string cells
MAX_SHARED_STRINGS = MAX_BOOK_CELLS


class SheetError(Exception):
    """A sheet that cannot be that of a real ledger: ``zh`` says why, in Chinese."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class BookBudget:
    """What the sheets of one workbook add up to, checked as each sheet is about to be read (so
    the work a workbook costs is bounded by the limits above, whatever its number of sheets)."""

    def __init__(self) -> None:
        self.sheets = self.rows = self.cells = 0

    def add_sheet(self) -> None:
        self.sheets += 1
        if self.sheets > MAX_SHEETS:
            raise too_many_sheets(self.sheets)

    def add(self, rows: int, columns: int) -> None:
        """A sheet's filled range (rows × columns), before its cells are read."""
        self.rows += rows
        self.cells += rows * columns
        if self.rows > MAX_BOOK_ROWS:
            raise book_rows(self.rows)
        if self.cells > MAX_BOOK_CELLS:
            raise SheetError(f"各工作表有内容的区域合计超过 {MAX_BOOK_CELLS} 个单元格（到这个工作表共 {self.cells} 个），"
                             "不像是一个县的台账：请删去不需要的工作表和远处多余的单元格，或拆分为几个文件分别导入",
                             f"the sheets together hold more than {MAX_BOOK_CELLS} cells ({self.cells})")


def too_many_sheets(count: int) -> SheetError:
    return SheetError(f"工作簿的工作表（或表格）超过 {MAX_SHEETS} 个（至少 {count} 个），不像是一个县的台账："
                      "请删去不需要的工作表，或拆分为几个文件分别导入", f"more than {MAX_SHEETS} sheets or tables")


def book_rows(rows: int) -> SheetError:
    return SheetError(f"各工作表合计超过 {MAX_BOOK_ROWS} 行（到这个工作表共 {rows} 行），不像是一个县的台账："
                      "请删去不需要的工作表或多余的行，或拆分为几个文件分别导入",
                      f"the sheets together hold more than {MAX_BOOK_ROWS} rows ({rows})")


def too_many_rows(last_row: int) -> SheetError:
    return SheetError(f"内容超过 {MAX_ROWS} 行（到第 {last_row} 行），不像是一个县的台账：请删去多余的行，或拆分后分别导入",
                      f"more than {MAX_ROWS} rows (row {last_row})")


def check_range(last_row: int, last_column: int) -> None:
    """The filled range of a sheet, refused when past a limit."""
    if last_row > MAX_ROWS:
        raise too_many_rows(last_row)
    if last_column > MAX_COLUMNS:
        raise SheetError(f"第 {last_column} 列超出了 Excel 的最大列数 {MAX_COLUMNS}：文件已损坏，请在 Excel 中打开后另存",
                         f"column {last_column} beyond Excel's last")
    if last_row * last_column > MAX_CELLS:
        raise SheetError(f"有内容的区域为 {last_row} 行 × {last_column} 列，超过 {MAX_CELLS} 个单元格，不像是台账："
                         "请删去远处多余的单元格（按 Ctrl+End 可找到最后一个有内容的单元格），或拆分后分别导入",
                         f"filled range {last_row} x {last_column} is more than {MAX_CELLS} cells")


def unpacked_size_problem(raw: bytes) -> str | None:
    """Why an .xlsx (a zip) is too large once unzipped, else None; a zip that cannot be read is
    left to the reader, which says it is damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    if total > MAX_UNPACKED_BYTES:
        return (f"解压后有 {total // (1024 * 1024)} MB，超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，"
                "不像是台账（可能是被篡改的压缩包）：请在 Excel 中打开后另存，或拆分后分别导入")
    return None
