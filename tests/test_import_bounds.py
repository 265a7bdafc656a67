"""Workbook-wide limits of ``registry import``: a workbook is bounded as a whole, not only sheet by
sheet — its number of sheets (or a web page's tables), the rows and cells of all its sheets
together, and the shared strings of an .xlsx (seven million empty strings in a part of 126 MB cost
a minute and a gigabyte when every one was read). Each refusal is exit 2 naming the file and the
limit, said before the work it bounds; a workbook that only *has* many shared strings but uses a
few is read, in bounded memory.

The workbooks are written part by part (zip parts, HTML, Excel 2003 XML, xlwt), each carrying
exactly one trick."""
from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from test_x_import_hostile import NS, PEAK_MB, refused, registry_root, run_import

from registry.errors import ConfigError
from registry.sheetlimits import MAX_BOOK_ROWS, MAX_SHEETS
from registry.tables import read_table

__all__ = ["registry_root"]  # the fixture, shared with the hostile-file tests

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_LEDGER = ("系统名称", "所属单位", "状态", "部署方式")


def xlsx(path: Path, sheets: list[str], strings: Iterable[str] = (), sheet_parts: int | None = None) -> Path:
    """An .xlsx whose workbook lists ``sheets`` (worksheet XML each); with ``sheet_parts`` = 1 every
    listed sheet is the one part (a workbook that claims many sheets cheaply). ``strings``: the
    ``<si>`` elements of the shared strings, written as they come (a generator for millions)."""
    parts = len(sheets) if sheet_parts is None else sheet_parts
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, parts + 1))
            + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
              'spreadsheetml.sharedStrings+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                         'Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {NS} xmlns:r="{_REL}"><sheets>'
                         + "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
                         + "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships">'
                         + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet'
                                   f'{min(i, parts)}.xml"/>' for i in range(1, len(sheets) + 1))
                         + f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        for number, text in enumerate(sheets[:parts], start=1):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
            batch: list[str] = []
            for item in strings:
                batch.append(item)
                if len(batch) >= 100_000:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + "</sst>").encode())
    return path


def worksheet(rows: Iterable[tuple[int, tuple[str, ...]]], shared: bool = False) -> str:
    """A worksheet of ``(row number, cells)``; with ``shared`` each cell is the index of a shared string."""
    def cell(column: str, number: int, value: str) -> str:
        if shared:
            return f'<c r="{column}{number}" t="s"><v>{value}</v></c>'
        return f'<c r="{column}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
    body = "".join(f'<row r="{n}">' + "".join(cell(c, n, v) for c, v in zip("ABCD", cells)) + "</row>" for n, cells in rows)
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{body}</sheetData></worksheet>'


def _rows(count: int, first: int = 2) -> list[tuple[int, tuple[str, ...]]]:
    return [(1, _LEDGER), *((n, (f"系统{n}", "金乡县财政局")) for n in range(first, first + count))]


def _refusal(file: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        read_table(file)
    text = caught.value.message.zh
    assert str(file) in text and "Traceback" not in text
    return text


# ------------------------------------------------------------------ shared strings


def _many_strings(used: list[str], empty: int) -> Iterable[str]:
    yield from (f"<si><t>{text}</t></si>" for text in used)
    yield from ("<si><t/></si>" for _ in range(empty))


_SYSTEM_ROW = ("甲系统", "金乡县财政局", "规划中", "县级政务云")


def test_millions_of_shared_strings_a_sheet_does_not_use_cost_little(registry_root: Path, tmp_path: Path) -> None:
    """x21's amplification: 7 M tiny strings in the shared strings part. The sheet uses eight of
    them: those are read, the rest are not kept — the ledger imports, in bounded memory."""
    texts = [*_LEDGER, *_SYSTEM_ROW]
    sheet = worksheet([(1, ("0", "1", "2", "3")), (2, ("4", "5", "6", "7"))], shared=True)
    file = xlsx(tmp_path / "a.xlsx", [sheet], _many_strings(texts, 7_000_000))
    code, out, err, peak = run_import(registry_root, file, timeout=240)
    assert code == 0 and out.count("将新建") == 1, (code, out, err)
    assert peak < PEAK_MB, f"{peak} MB"


def test_a_cell_naming_a_shared_string_past_the_limit_is_refused(tmp_path: Path) -> None:
    sheet = worksheet([(1, ("0", "1", "2", "3")), (2, ("4", "5", "6", "2500000"))], shared=True)
    file = xlsx(tmp_path / "a.xlsx", [sheet], _many_strings([*_LEDGER, *_SYSTEM_ROW], 10))
    assert "共享字符串" in _refusal(file)


def test_a_cell_naming_a_shared_string_the_table_lacks_is_refused(tmp_path: Path) -> None:
    sheet = worksheet([(1, ("0", "1", "2", "3")), (2, ("4", "5", "6", "99"))], shared=True)
    file = xlsx(tmp_path / "a.xlsx", [sheet], _many_strings([*_LEDGER, *_SYSTEM_ROW], 10))
    assert "损坏" in _refusal(file)


def test_shared_strings_are_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    """Rich text runs joined, phonetic runs left out, ``_x005F_`` escapes as openpyxl undoes them."""
    texts = ["<si><t>系统名称</t></si>", "<si><t>所属单位</t></si>",
             "<si><r><t>财政</t></r><r><rPr><b/></rPr><t>系统</t></r></si>",
             "<si><t>金乡县财政局</t><rPh sb=\"0\" eb=\"1\"><t>ザイセイ</t></rPh></si>",
             "<si><t>a_x005F_x000D_b</t></si>"]
    sheet = worksheet([(1, ("0", "1")), (2, ("2", "3")), (3, ("4", "3"))], shared=True)
    (found,) = read_table(xlsx(tmp_path / "a.xlsx", [sheet], texts))
    assert [row.cells for row in found.rows] == [("财政系统", "金乡县财政局"), ("a_x000D_b", "金乡县财政局")]


# ------------------------------------------------------------------ sheets and their totals


def test_a_workbook_of_more_sheets_than_any_ledger_is_refused_before_they_are_read(tmp_path: Path) -> None:
    sheets = [worksheet(_rows(1))] * (MAX_SHEETS + 1)
    text = _refusal(xlsx(tmp_path / "a.xlsx", sheets, sheet_parts=1))
    assert f"{MAX_SHEETS}" in text and "工作表" in text and "拆分" in text


def test_one_sheet_per_unit_is_still_read(tmp_path: Path) -> None:
    sheets = [worksheet(_rows(3))] * 200  # a county's units, one sheet each
    assert len(read_table(xlsx(tmp_path / "a.xlsx", sheets, sheet_parts=1))) == 200


def test_the_rows_of_all_sheets_together_are_bounded(tmp_path: Path) -> None:
    third = MAX_BOOK_ROWS // 3 + 10
    sheets = [worksheet(_rows(third))] * 3
    text = _refusal(xlsx(tmp_path / "a.xlsx", sheets, sheet_parts=1))
    assert f"各工作表合计超过 {MAX_BOOK_ROWS} 行" in text and "表3" in text


def _html(tables: int, rows: int) -> str:
    body = "<tr><th>系统名称</th><th>所属单位</th></tr>" + "<tr><td>甲系统</td><td>金乡县财政局</td></tr>" * rows
    return "<html><body>" + f"<table>{body}</table>" * tables + "</body></html>"


def _spreadsheet_xml(sheets: int, rows: int) -> str:
    row = '<Row><Cell><Data ss:Type="String">甲系统</Data></Cell><Cell><Data ss:Type="String">金乡县财政局</Data></Cell></Row>'
    sheet = ('<Worksheet ss:Name="{n}"><Table><Row><Cell><Data ss:Type="String">系统名称</Data></Cell>'
             '<Cell><Data ss:Type="String">所属单位</Data></Cell></Row>' + row * rows + "</Table></Worksheet>")
    return ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
            + "".join(sheet.format(n=f"表{i}") for i in range(sheets)) + "</Workbook>")


def _xls(path: Path, sheets: int, rows: int) -> Path:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook()
    for number in range(sheets):
        sheet = book.add_sheet(f"表{number}")
        sheet.write(0, 0, "系统名称")
        sheet.write(0, 1, "所属单位")
        for r in range(1, rows + 1):
            sheet.write(r, 0, "甲系统")
    book.save(str(path))
    return path


WORKBOOKS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "web-page-tables": (lambda d: _write(d / "a.xls", _html(MAX_SHEETS + 1, 1)), f"超过 {MAX_SHEETS} 个"),
    "web-page-rows": (lambda d: _write(d / "a.xls", _html(3, MAX_BOOK_ROWS // 3 + 10)), f"合计超过 {MAX_BOOK_ROWS} 行"),
    "spreadsheet-xml-sheets": (lambda d: _write(d / "a.xls", _spreadsheet_xml(MAX_SHEETS + 1, 1)), f"超过 {MAX_SHEETS} 个"),
    "spreadsheet-xml-rows": (lambda d: _write(d / "a.xls", _spreadsheet_xml(3, MAX_BOOK_ROWS // 3 + 10)),
                             f"合计超过 {MAX_BOOK_ROWS} 行"),
    "xls-rows": (lambda d: _xls(d / "a.xls", 3, MAX_BOOK_ROWS // 3 + 10), f"合计超过 {MAX_BOOK_ROWS} 行"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(WORKBOOKS))
def test_every_reader_bounds_the_workbook_as_a_whole(kind: str, tmp_path: Path) -> None:
    make, says = WORKBOOKS[kind]
    assert says in _refusal(make(tmp_path))


def test_a_refusal_is_exit_2_from_the_command(registry_root: Path, tmp_path: Path) -> None:
    refused(registry_root, xlsx(tmp_path / "a.xlsx", [worksheet(_rows(1))] * (MAX_SHEETS + 1), sheet_parts=1),
            f"超过 {MAX_SHEETS} 个")


# ------------------------------------------------------------------ parts openpyxl would read whole


def _with_part(path: Path, name: str, text: str, content_type: str | None = None) -> Path:
    """``path`` rewritten with the part ``name`` (added to the content types when ``content_type``)."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[name] = text.encode()
    if content_type is not None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return path


_STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


def _styles(xfs: str, formats: str = "") -> str:
    return f'<?xml version="1.0"?><styleSheet {NS}><numFmts>{formats}</numFmts><cellXfs>{xfs}</cellXfs></styleSheet>'


def test_a_styles_part_of_more_cell_styles_than_excel_allows_is_refused(tmp_path: Path) -> None:
    """3.6 MB of ``<xf/>`` cost openpyxl three seconds and 190 MB: the styles part is read here,
    streaming, and one past ten times Excel's 64,000 cell styles is refused."""
    file = _with_part(xlsx(tmp_path / "a.xlsx", [worksheet(_rows(1))]), "xl/styles.xml",
                      _styles('<xf numFmtId="0"/>' * 700_000), _STYLES_TYPE)
    assert "单元格样式超过" in _refusal(file)


def test_dates_are_found_by_their_style_as_openpyxl_finds_them(tmp_path: Path) -> None:
    """Cell styles 1 and 2 show dates (a built-in format, a custom 年月 format), 3 a duration,
    0 and 4 numbers: serial 43952 reads as 2020-05-01 in the first two only."""
    import datetime as dt

    xfs = '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="170"/><xf numFmtId="46"/><xf numFmtId="171"/>'
    formats = '<numFmt numFmtId="170" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/><numFmt numFmtId="171" formatCode="0.00_ "/>'
    cells = "".join(f'<c r="{c}2" s="{s}"><v>43952</v></c>' for c, s in zip("ABCDE", range(5)))
    sheet = (f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1">'
             + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{c}列</t></is></c>' for c in "ABCDE")
             + f'</row><row r="2">{cells}</row></sheetData></worksheet>')
    file = _with_part(xlsx(tmp_path / "a.xlsx", [sheet]), "xl/styles.xml", _styles(xfs, formats), _STYLES_TYPE)
    (found,) = read_table(file)
    may_day = dt.datetime(2020, 5, 1)
    assert found.rows[0].cells[:3] == (43952, may_day, may_day) and found.rows[0].cells[4] == 43952
    assert isinstance(found.rows[0].cells[3], dt.timedelta)


def test_a_workbook_part_of_more_elements_than_any_workbook_is_refused(tmp_path: Path) -> None:
    """Defined names by the hundred thousand: openpyxl would build an object for each."""
    names = "".join(f'<definedName name="n{i}">表1!$A$1</definedName>' for i in range(250_000))
    file = xlsx(tmp_path / "a.xlsx", [worksheet(_rows(1))])
    with zipfile.ZipFile(file) as archive:
        text = archive.read("xl/workbook.xml").decode()
    file = _with_part(file, "xl/workbook.xml", text.replace("</workbook>", f"<definedNames>{names}</definedNames></workbook>"))
    assert "xl/workbook.xml 有超过" in _refusal(file)


def test_an_xls_whose_shared_string_table_claims_millions_is_refused_before_xlrd_reads_it(tmp_path: Path) -> None:
    """xlrd reads every text of an .xls's SST record into a list as it opens the file, as many as
    the record says: the count is read first, and one past the limit refused."""
    import struct

    from registry.sheetlimits import MAX_SHARED_STRINGS
    from registry.xlsbook import shared_string_count

    data = bytearray(_xls(tmp_path / "a.xls", 1, 1).read_bytes())
    assert shared_string_count(bytes(data)) == 3  # 系统名称, 所属单位, 甲系统
    at = next(i for i in range(len(data) - 12) if data[i:i + 2] == b"\xfc\x00" and data[i + 8:i + 12] == struct.pack("<i", 3))
    data[at + 8:at + 12] = struct.pack("<i", MAX_SHARED_STRINGS + 1)
    (tmp_path / "b.xls").write_bytes(bytes(data))
    assert "共享字符串表有" in _refusal(tmp_path / "b.xls")


def test_thousands_of_hidden_column_ranges_cost_one_pass_over_the_columns(tmp_path: Path) -> None:
    """16,000 ``<col min="1" max="16384" hidden="1"/>``: each column is looked at once, not once per range."""
    from registry.sheetlayout import SheetFacts

    facts = SheetFacts(hidden_columns=((0, 16383),) * 16_000 + ((5, 9), (20, 20)))
    assert facts.column_hidden(0) and facts.column_hidden(16383) and not facts.column_hidden(16384)
    partial = SheetFacts(hidden_columns=((5, 9), (7, 12), (20, 20), (3, 4)))
    assert [c for c in range(25) if partial.column_hidden(c)] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20]
