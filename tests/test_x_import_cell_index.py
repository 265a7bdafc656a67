"""Excel 2003 XML (SpreadsheetML): a cell's ``ss:Index`` written as "4.0" or "+4" (never by Excel)
was taken as "no index" and the value went to the next column: a note meant for 备注 (internal)
lands in 简介 (published), a date in the wrong date column — silently. An index of plain digits
(spaces around them allowed) is read where it points; anything else is refused (exit 2 naming the
file, sheet, row and attribute)."""
from __future__ import annotations

from pathlib import Path

import pytest

from registry.loader import ConfigError
from registry.tables import read_table

HEADER = ("系统名称", "所属单位", "运行状态", "部署方式")


def _book(path: Path, index: str) -> Path:
    cells = "".join(f'<Cell><Data ss:Type="String">{h}</Data></Cell>' for h in HEADER)
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="系统"><Table>'
        f'<Row>{cells}</Row><Row><Cell><Data ss:Type="String">甲系统</Data></Cell>'
        f'<Cell ss:Index="{index}"><Data ss:Type="String">县政务云</Data></Cell></Row>'
        '</Table></Worksheet></Workbook>', "utf-8")
    return path


def _cells_or_refusal(path: Path) -> list[tuple[object, ...]] | str:
    """The rows' cells read from ``path``, or the refusal's Chinese message (which names the file)."""
    try:
        sheets = read_table(path)
    except ConfigError as exc:
        assert str(path) in exc.message.zh
        return exc.message.zh
    return [row.cells for sheet in sheets for row in sheet.rows]


@pytest.mark.parametrize("index", [" 4", "4 "])
def test_a_cell_index_of_digits_is_read_where_it_points(index: str, tmp_path: Path) -> None:
    assert _cells_or_refusal(_book(tmp_path / "台账.xml", index)) == [("甲系统", None, None, "县政务云")]


@pytest.mark.parametrize("index", ["4.0", "+4", "٤", "4th"])
def test_any_other_cell_index_is_refused_naming_sheet_row_and_attribute(index: str, tmp_path: Path) -> None:
    refusal = _cells_or_refusal(_book(tmp_path / "台账.xml", index))
    assert isinstance(refusal, str) and "工作表 系统 第 2 行" in refusal and f"ss:Index=“{index}”" in refusal


@pytest.mark.parametrize("span", ["2", "2.0", "+2", "2px", " 2"])
def test_a_web_page_colspan_is_read_as_a_browser_reads_it(span: str, tmp_path: Path) -> None:
    """A browser (and Excel opening the page) reads colspan="2.0" / "+2" / "2px" as 2 (the HTML
    rules for non-negative integers take the leading digits); read as 1, every later cell of the
    row moved one column left (运行中 under 所属单位)."""
    page = tmp_path / "台账.xls"
    page.write_text(
        '<html><body><table><tr><td>系统名称</td><td>所属单位</td><td>运行状态</td><td>部署方式</td></tr>'
        f'<tr><td colspan="{span}">甲系统</td><td>运行中</td><td>县政务云</td></tr></table></body></html>', "utf-8")
    assert _cells_or_refusal(page) == [("甲系统", "甲系统", "运行中", "县政务云")]
