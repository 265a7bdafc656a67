"""Text tables as offices save them: CSV from Excel in China (GB18030/GBK, or UTF-8 with or
without a BOM), and Excel's "Unicode 文本" (UTF-16 with a BOM, tab separated, usually ``.txt``).
Rows may be ragged: a short row is read as far as it goes.
"""
from __future__ import annotations

import csv
import io

from registry.sheetlayout import Grid
from registry.sheetlimits import MAX_CELLS, MAX_ROWS, MAX_TEXT_BYTES

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SNIFF_LINES = 50  # enough lines to tell commas from tabs, never the whole file


def decode(raw: bytes) -> str:
    """The text of a table file, or ValueError with the Chinese reason."""
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("像是 UTF-16 编码（Unicode 文本），但无法解码：请在 Excel 中另存为 CSV") from None
    guess = _utf16_without_bom(raw)
    if guess is not None:
        return guess
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValueError("编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV")
    if "\x00" in text:
        raise ValueError("不是文本格式的 CSV 文件（含空字节）：请在 Excel 中另存为 CSV")
    return text


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a BOM: the zero bytes of its ASCII (digits, commas, tabs, line breaks) all
    fall on one side, which never happens in UTF-8 or GB18030 text; else None."""
    head = raw[:200]
    if len(raw) % 2 or len(head) < 4:
        return None
    for zeros, encoding in ((head[1::2], "utf-16-le"), (head[0::2], "utf-16-be")):
        if zeros.count(0) > len(zeros) // 4:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if "\x00" not in text else None
    return None


def delimiter(text: str) -> str:
    """A tab when the first lines hold more tabs than commas (Excel's 文本文件（制表符分隔）), else a comma."""
    head = text.splitlines()[:_SNIFF_LINES]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") for line in head)
    return "\t" if tabs > commas else ","


def _as_text(cell: str) -> str:
    """="0012" is how many systems export a cell Excel must keep as text: the text inside."""
    if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
        return cell[2:-1].replace('""', '"')
    return cell


def text_grid(raw: bytes) -> Grid:
    """The rows of a CSV or tab-separated text table, cells as text; ValueError with the Chinese
    reason for a file past the limits of :mod:`registry.sheetlimits` (said before it is all read)."""
    if len(raw) > MAX_TEXT_BYTES:
        raise ValueError(f"文件有 {len(raw) // (1024 * 1024)} MB，超过文本表格的上限 {MAX_TEXT_BYTES // (1024 * 1024)} MB，"
                         "不像是台账：请拆分后分别导入")
    text = decode(raw)
    separator = delimiter(text)
    if text.count(separator) > MAX_CELLS:  # every cell but a row's first follows a separator: said before parsing
        raise ValueError(f"超过 {MAX_CELLS} 个单元格，不像是台账：请删去多余的行和列，或拆分后分别导入")
    rows: list[tuple[str, ...]] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            rows.append(tuple(_as_text(cell) for cell in row))
            width = max(width, len(row))
            if len(rows) > MAX_ROWS or len(rows) * width > MAX_CELLS:
                raise ValueError(f"超过 {MAX_ROWS} 行或 {MAX_CELLS} 个单元格（到第 {len(rows)} 行，最宽 {width} 列），"
                                 "不像是台账：请删去多余的行和列，或拆分后分别导入")
    except csv.Error as exc:
        raise ValueError(f"CSV 格式错误：{exc}") from None
    return rows
