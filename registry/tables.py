"""Spreadsheets as rows of cells: ``.xlsx`` (openpyxl) and ``.csv`` (UTF-8 with or without BOM,
or GB18030, which Excel in China writes). Used by ``registry import`` and ``registry init
--units``.

A sheet's header row is its first row with at least two filled cells, so a title row above the
table ("某某县政务信息系统清单") is skipped. Cells keep their spreadsheet types (numbers, dates
as ``datetime``); CSV cells are text. Row numbers are the spreadsheet's own (1-based), so a
message can point at the cell a person sees.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from registry.findings import Message
from registry.loader import ConfigError

SUFFIXES = (".xlsx", ".xlsm", ".csv")
_SPACE = re.compile(r"\s+")
# Full-width and half-width brackets alike: 总投资（万元） = 总投资(万元)
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）", ":": "：", "*": ""})


def header_key(text: str) -> str:
    """A header as compared: no spaces or line breaks, one kind of brackets, no required-marks."""
    return _SPACE.sub("", str(text)).translate(_BRACKETS)


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

    def column_name(self, index: int) -> str:
        """``C（所属单位）``: the column letter a person sees, and its header."""
        letter = ""
        n = index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            letter = chr(65 + rest) + letter
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{letter} 列（{header}）" if header else f"{letter} 列"


def read_table(path: Path) -> list[Sheet]:
    """Every sheet of ``path`` that has a header row."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _error(path, f"不支持的文件类型 {path.suffix or '（无扩展名）'}：请提供 .xlsx 或 .csv 文件",
                     f"unsupported file type {path.suffix!r}: give an .xlsx or .csv file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}") from None
    grids = _csv_grid(path, raw) if suffix == ".csv" else _xlsx_grids(path, raw)
    return [sheet for name, grid in grids if (sheet := _sheet(name, grid)) is not None]


def _error(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(Message(f"{path}：{zh}", f"{path}: {en}"), path="")


def _csv_grid(path: Path, raw: bytes) -> list[tuple[str, list[tuple[Any, ...]]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _error(path, "编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV", "unknown encoding")
    if "\x00" in text:
        raise _error(path, "不是文本格式的 CSV 文件（含空字节）：请在 Excel 中另存为 CSV", "not a text CSV file")
    try:
        grid = [tuple(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise _error(path, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from None
    return [(path.name, grid)]


def _xlsx_grids(path: Path, raw: bytes) -> list[tuple[str, list[tuple[Any, ...]]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only when reading xlsx

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _error(path, f"不是有效的 xlsx 文件（{type(exc).__name__}）：请在 Excel 中另存为 .xlsx",
                     f"not a valid xlsx file ({exc})") from None
    try:
        return [(ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
    finally:
        book.close()


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _sheet(name: str, grid: list[tuple[Any, ...]]) -> Sheet | None:
    for index, row in enumerate(grid):
        if sum(1 for v in row if _filled(v)) >= 2:
            headers = [str(v).strip() if _filled(v) else "" for v in row]
            rows = [
                Row(name, index + 2 + offset, tuple(cells))
                for offset, cells in enumerate(grid[index + 1:])
                if any(_filled(v) for v in cells)
            ]
            return Sheet(name, headers, rows)
    return None
