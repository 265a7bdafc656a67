"""Any sheet XML a generator could write — rows and cells numbered any way, every cell type, shared
strings in and out of range, styles, merges — is read or refused with a ConfigError naming the
file: never a traceback. And whatever is read, no filled row of the sheet is lost without a word:
each is a record, or set aside with its reason."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_bounds import xlsx
from test_x_import_hostile import NS

from registry.errors import ConfigError
from registry.tables import read_table

_NUMBERS = st.one_of(st.integers(-3, 12).map(str), st.sampled_from(["", " 6", "5.0", "+5", "٥", "1e1", "x", "007"]))
_REFS = st.one_of(st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "B", "C", "d", "XFD", "AAAA", "$A", ""]), _NUMBERS),
                  st.none())
_TYPES = st.sampled_from([None, "s", "n", "str", "inlineStr", "b", "e", "d", "x"])
_VALUES = st.one_of(st.none(), st.sampled_from(["0", "1", "2", "99", "-1", "43952", "1e400", "NaN", "#REF!", "TRUE",
                                                "2023-05-01", "系统名称", "所属单位", "甲系统", "财政局", ""]))


@st.composite
def _cell(draw: st.DrawFn) -> str:
    ref, kind, value = draw(_REFS), draw(_TYPES), draw(_VALUES)
    attributes = (f' r="{ref}"' if ref is not None else "") + (f' t="{kind}"' if kind else "")
    if draw(st.booleans()):
        attributes += f' s="{draw(st.integers(0, 3))}"'
    if kind == "inlineStr":
        return f"<c{attributes}><is><t>{value or ''}</t></is></c>"
    formula = "<f>A1+1</f>" if draw(st.integers(0, 5)) == 0 else ""
    return f"<c{attributes}>{formula}" + (f"<v>{value}</v>" if value is not None else "") + "</c>"


@st.composite
def _sheet(draw: st.DrawFn) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        number = draw(st.one_of(st.none(), _NUMBERS))
        hidden = ' hidden="1"' if draw(st.integers(0, 4)) == 0 else ""
        cells = "".join(draw(st.lists(_cell(), max_size=5)))
        rows.append(f"<row{'' if number is None else f' r={chr(34)}{number}{chr(34)}'}{hidden}>{cells}</row>")
    merges = draw(st.lists(st.sampled_from(["A1:B1", "A2:A3", "B2:C4", "A1:A1", "C1:A3", "A:A", "Z9"]), max_size=2))
    after = f"<mergeCells>{''.join(f'<mergeCell ref={chr(34)}{m}{chr(34)}/>' for m in merges)}</mergeCells>" if merges else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{"".join(rows)}</sheetData>{after}</worksheet>'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets=st.lists(_sheet(), min_size=1, max_size=2),
       strings=st.lists(st.sampled_from(["系统名称", "所属单位", "甲系统", "财政局", "", "a_x005F_b"]), max_size=4))
def test_no_sheet_xml_gives_a_traceback_or_loses_a_row(sheets: list[str], strings: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = xlsx(Path(folder) / "a.xlsx", sheets, [f"<si><t>{s}</t></si>" for s in strings])
        try:
            found = read_table(path)
        except ConfigError as exc:
            assert str(path) in exc.message.zh
            return
    for sheet in found:
        numbers = [row.number for row in sheet.rows] + [row.number for row, _ in sheet.skipped]
        assert len(numbers) == len(set(numbers))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=_sheet(), strings=st.lists(st.sampled_from(["系统名称", "所属单位", "甲系统", ""]), max_size=4))
def test_every_value_openpyxl_reads_is_in_the_grid(sheet: str, strings: list[str]) -> None:
    """Our pass over the sheet XML bounds what openpyxl is asked to read: whatever openpyxl itself
    finds in the sheet, read without bounds, is in the grid at the same place (or the file is refused)."""
    import math

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from registry.xlsxbook import xlsx_grids

    with tempfile.TemporaryDirectory() as folder:
        path = xlsx(Path(folder) / "a.xlsx", [sheet], [f"<si><t>{s}</t></si>" for s in strings])
        try:
            (grid,) = xlsx_grids(path, path.read_bytes())
        except ConfigError:
            return
        book = load_workbook(path, read_only=True, data_only=True)
        ws = book.worksheets[0]
        ws.reset_dimensions()
        try:
            seen = [(r, c, v) for r, row in enumerate(ws.iter_rows(values_only=True)) for c, v in enumerate(row)
                    if v is not None]
        except Exception:  # openpyxl refuses the sheet itself: nothing it reads to compare
            return
        finally:
            book.close()
    for r, c, value in seen:
        assert r < len(grid.grid) and c < len(grid.grid[r]), (r, c, value, sheet)
        kept = grid.grid[r][c]
        assert kept == value or (isinstance(value, float) and math.isnan(value) and math.isnan(kept)), (r, c, value, kept)


_HTML_PIECES = st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", '<td rowspan="3">',
                                '<td colspan="99999999">', '<td rowspan="-1">', '<tr style="display:none">', "<br>",
                                "<caption>表</caption>", "系统名称", "所属单位", "甲系统", "&nbsp;", "&#0;", "<!--", "-->"])
_XML_PIECES = st.sampled_from(['<Worksheet ss:Name="表">', "</Worksheet>", "<Table>", "</Table>", "<Row>", "</Row>",
                               '<Row ss:Index="3">', '<Row ss:Index="٥">', '<Row ss:Hidden="1">', "<Cell>", "</Cell>",
                               '<Cell ss:Index="2">', '<Cell ss:MergeAcross="2">', '<Cell ss:MergeDown="999999999">',
                               '<Data ss:Type="String">系统名称</Data>', '<Data ss:Type="Number">1e400</Data>',
                               '<Data ss:Type="DateTime">2023-05-01T00:00:00.000</Data>', '<Data ss:Type="Error">#N/A</Data>',
                               '<ExcelWorkbook xmlns="urn:schemas-microsoft-com:office:excel"><Date1904/></ExcelWorkbook>'])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["html", "xml"]), pieces=st.data())
def test_no_web_page_or_excel_2003_xml_gives_a_traceback(kind: str, pieces: st.DataObject) -> None:
    body = "".join(pieces.draw(st.lists(_HTML_PIECES if kind == "html" else _XML_PIECES, max_size=40)))
    text = (f"<html><body>{body}</body></html>" if kind == "html" else
            '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">{body}</Workbook>')
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.xls"
        path.write_text(text, encoding="utf-8")
        try:
            read_table(path)
        except ConfigError as exc:
            assert str(path) in exc.message.zh
