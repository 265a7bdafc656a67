"""The parts of an ``.xlsx`` that openpyxl reads whole, bounded before it does, and the one it
need not read at all.

openpyxl builds a Python object for every element of the content types, the workbook part and
its relationships (a defined name, a sheet, a relationship: hundreds of bytes each, from a few
bytes of XML), and for every element of the styles part — 3.6 MB of ``<xf/>`` cost three seconds
and 190 MB. A part of a hundred megabytes (within the unzipped allowance) would cost gigabytes. So:

- the parts openpyxl still reads whole are counted element by element, streaming, first, and a
  part of more elements than any workbook's is refused (:func:`check_part`);
- the styles part is not given to openpyxl: the import needs of it only which cell styles show a
  date (so that openpyxl reads their serials as dates), found here in one streaming pass with
  openpyxl's own tests of a number format (:func:`date_styles`), within Excel's own limit of
  cell styles (64,000) many times over.
"""
from __future__ import annotations

from typing import Any

from registry.sheetlimits import SheetError

# Elements of one part openpyxl reads whole: a workbook of a thousand sheets and tens of
# thousands of defined names (copied along with sheets for years) stays far below
MAX_PART_ELEMENTS = 200_000
MAX_CELL_STYLES = 640_000  # ten times Excel's limit


def check_part(archive: Any, name: str) -> None:
    """Refuse the part ``name`` of ``archive`` if it holds more elements than any workbook's; a
    part that is not there is left to openpyxl."""
    from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]  # what openpyxl parses with

    if name not in archive.namelist():
        return
    count, root = 0, None
    with archive.open(name) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if root is None:
                root = element
            if event == "start":
                count += 1
                if count > MAX_PART_ELEMENTS:
                    raise SheetError(f"{name} 有超过 {MAX_PART_ELEMENTS} 个元素，不像是 Excel 保存的台账："
                                     "请在 Excel 或 WPS 中打开后另存为 .xlsx（或复制需要的工作表到新文件）",
                                     f"{name} holds more than {MAX_PART_ELEMENTS} elements")
            else:
                root.clear()


def date_styles(archive: Any) -> tuple[set[int], set[int]]:
    """(the cell styles showing a date, those showing a duration), by index, as openpyxl's
    ``Stylesheet`` finds them: the style's number format (a custom one of ``numFmts``, else a
    built-in one) tested with openpyxl's ``is_date_format``/``is_timedelta_format``."""
    from openpyxl.styles.numbers import (  # type: ignore[import-untyped]
        builtin_format_code, is_date_format, is_timedelta_format)
    from openpyxl.xml.constants import ARC_STYLE, SHEET_MAIN_NS  # type: ignore[import-untyped]
    from openpyxl.xml.functions import iterparse

    dates: set[int] = set()
    durations: set[int] = set()
    if ARC_STYLE not in archive.namelist():
        return dates, durations
    ns = f"{{{SHEET_MAIN_NS}}}"
    custom: dict[int, str] = {}
    styles, in_cell_styles = 0, False
    open_elements: list[Any] = []
    with archive.open(ARC_STYLE) as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if tag == ns + "cellXfs":
                in_cell_styles = event == "start"
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if tag == ns + "numFmt" and len(custom) < MAX_CELL_STYLES:
                custom[_integer(element.get("numFmtId"))] = element.get("formatCode") or ""
            elif tag == ns + "xf" and in_cell_styles:
                number = _integer(element.get("numFmtId"))
                code = custom[number] if number in custom else builtin_format_code(number)
                if is_date_format(code):
                    dates.add(styles)
                if is_timedelta_format(code):
                    durations.add(styles)
                styles += 1
                if styles > MAX_CELL_STYLES:
                    raise SheetError(f"单元格样式超过 {MAX_CELL_STYLES} 个（Excel 最多 64000 个），不像是 Excel 保存的文件："
                                     "请在 Excel 或 WPS 中打开后另存为 .xlsx", f"more than {MAX_CELL_STYLES} cell styles")
            if open_elements:
                open_elements[-1].remove(element)  # read: not kept in the tree (its only child by now)
    return dates, durations


def _integer(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


# Strict Open XML (Excel's "Strict Open XML 电子表格"): the parts of a transitional .xlsx under other
# namespace names, which openpyxl does not know. The names are mapped back; nothing else differs for
# what an import reads (a date may be an ISO text, t="d", which openpyxl reads).
_STRICT = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/drawingml/", b"http://schemas.openxmlformats.org/drawingml/2006/"),
)


def transitional(archive: Any) -> bytes | None:
    """The Strict Open XML workbook in ``archive`` written as a transitional one (a new zip), or
    None when it is not Strict. Its parts are read whole: the caller has bounded their size."""
    import io
    import zipfile

    names = archive.namelist()
    if "_rels/.rels" not in names or _STRICT[1][0] not in archive.read("_rels/.rels"):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as written:
        for name in names:
            data = archive.read(name)
            if name.endswith((".xml", ".rels")):
                for strict, plain in _STRICT:
                    data = data.replace(strict, plain)
            written.writestr(name, data)
    return out.getvalue()
