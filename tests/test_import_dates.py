"""Workbooks in the 1904 date system (old Mac Excel; ``workbookPr date1904`` in an .xlsx, the
datemode of an .xls, ``<Date1904/>`` in Excel 2003 XML): a date's serial number counts from
1904-01-01, 1,462 days later than in the 1900 system. A date cell and a serial number left in a
General-formatted cell are read with the workbook's own epoch in every reader — never four years
and a day early. And dates typed as numbers the way ledgers do (20230501, 202305) are read as
written, never as serials of the 25th century."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.utils.datetime import CALENDAR_MAC_1904  # type: ignore[import-untyped]
from test_import import county, records
from test_import_sheets import SYSTEM_HEADER, run

from registry.ledger.values import to_date
from registry.sheetlayout import EPOCH_1900, EPOCH_1904
from registry.tables import read_table

MAY_DAY = dt.date(2020, 5, 1)
SERIAL_1904 = 42490  # 2020-05-01 counted from 1904-01-01 (43952 from 1899-12-30)


def _online(root: Path) -> list[str]:
    return sorted(str(r["online_since"]) for r in records(root).values())


def _both_read_as_may_day(tmp_path: Path, file: Path) -> None:
    (found,) = read_table(file)
    assert found.epoch == EPOCH_1904
    root = county(tmp_path)
    assert run(root, file) == 0
    assert _online(root) == [str(MAY_DAY)] * 2


def _rows() -> list[list[Any]]:
    return [[1, "甲系统", "财政局", "在用", SERIAL_1904, "自建机房"],  # a serial in a General cell
            [2, "乙系统", "财政局", "在用", dt.datetime(2020, 5, 1), "自建机房"]]  # a date cell


def test_an_xlsx_in_the_1904_date_system(tmp_path: Path) -> None:
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(SYSTEM_HEADER)
    for row in _rows():
        sheet.append(row)
    book.save(tmp_path / "台账.xlsx")
    _both_read_as_may_day(tmp_path, tmp_path / "台账.xlsx")


def test_an_xls_in_the_1904_date_system(tmp_path: Path) -> None:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook()
    book.dates_1904 = True
    sheet = book.add_sheet("台账")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, title in enumerate(SYSTEM_HEADER):
        sheet.write(0, c, title)
    for r, row in enumerate(_rows(), start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dates) if isinstance(value, dt.datetime) else sheet.write(r, c, value)
    book.save(str(tmp_path / "台账.xls"))
    _both_read_as_may_day(tmp_path, tmp_path / "台账.xls")


def _spreadsheet_xml(date1904: bool) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, int):
            return f'<Cell><Data ss:Type="Number">{value}</Data></Cell>'
        if isinstance(value, dt.datetime):
            return f'<Cell><Data ss:Type="DateTime">{value.isoformat()}.000</Data></Cell>'
        return f'<Cell><Data ss:Type="String">{value}</Data></Cell>'
    rows = "".join("<Row>" + "".join(cell(v) for v in row) + "</Row>" for row in [SYSTEM_HEADER, *_rows()])
    options = '<ExcelWorkbook xmlns="urn:schemas-microsoft-com:office:excel"><Date1904/></ExcelWorkbook>' if date1904 else ""
    return ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">{options}'
            f'<Worksheet ss:Name="台账"><Table>{rows}</Table></Worksheet></Workbook>')


@pytest.mark.parametrize("date1904", [True, False])
def test_excel_2003_xml_in_either_date_system(tmp_path: Path, date1904: bool) -> None:
    file = tmp_path / "台账.xls"
    file.write_text(_spreadsheet_xml(date1904), encoding="utf-8")
    (found,) = read_table(file)
    assert found.epoch == (EPOCH_1904 if date1904 else EPOCH_1900)
    root = county(tmp_path)
    assert run(root, file) == 0
    first = MAY_DAY if date1904 else MAY_DAY - dt.timedelta(days=1462)
    assert _online(root) == sorted([str(first), str(MAY_DAY)])


def test_a_1900_workbook_and_text_keep_the_1900_epoch(tmp_path: Path) -> None:
    assert to_date(43952) == MAY_DAY and to_date("43952") == MAY_DAY
    assert to_date(SERIAL_1904, epoch=EPOCH_1904) == MAY_DAY


def test_a_serial_past_the_last_day_from_1904_is_refused_not_a_traceback() -> None:
    from registry.ledger.values import CellError

    with pytest.raises(CellError):
        to_date(2958465, epoch=EPOCH_1904)
    with pytest.raises(CellError, match="只写了年份"):  # 2019 in a date cell: still a year, whatever the epoch
        to_date(2019, epoch=EPOCH_1904)


# ------------------------------------------------------------------ dates typed as numbers


@pytest.mark.parametrize(("typed", "read"), [
    (20230501, dt.date(2023, 5, 1)), ("20230501", dt.date(2023, 5, 1)),  # yyyymmdd in a General cell
    (202305, dt.date(2023, 5, 1)), ("202305", dt.date(2023, 5, 1)),  # yyyymm: not serial 202305 (2453-11-20)
    (199912, dt.date(1999, 12, 1)), (43952, MAY_DAY), (73415, dt.date(2100, 12, 31)),
])
def test_a_date_typed_as_a_number_is_read_as_written(typed: Any, read: dt.date) -> None:
    assert to_date(typed) == read


@pytest.mark.parametrize("typed", [202313, 20231345, 73416, 150000, 99999999, -5])
def test_a_number_that_is_no_date_of_a_county_s_system_is_refused_never_read_as_one(typed: int) -> None:
    from registry.ledger.values import CellError

    with pytest.raises(CellError, match="无法识别的日期"):
        to_date(typed)


def test_a_ledger_with_dates_typed_as_numbers_imports_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(SYSTEM_HEADER)
    sheet.append([1, "甲系统", "财政局", "在用", 20200501, "自建机房"])
    sheet.append([2, "乙系统", "财政局", "在用", 202005, "自建机房"])
    book.save(tmp_path / "台账.xlsx")
    root = county(tmp_path)
    assert run(root, tmp_path / "台账.xlsx") == 0
    assert _online(root) == [str(MAY_DAY)] * 2
