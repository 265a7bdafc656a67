"""Ledgers as county offices really send them, each made here as the office's program would, and
the records each yields: Excel's "Strict Open XML" workbooks, WPS 表格's own .et files, Excel
templates (.xltx), a template's line of filling hints under its header, and a whole printed
ledger — title, 填报单位 line, notes above a header split over two merged rows, full-width digits
and dates typed as numbers, 合计 and 说明 rows and the 填表人 footer — or a project plan in 元 with
its amounts written every way people write them."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from test_import import county, records
from test_import_sheets import SYSTEM_HEADER, run

from registry.errors import ConfigError
from registry.tables import read_table

MAY = "2023-05-01"


def _system_book(rows: list[list[Any]] | None = None) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(SYSTEM_HEADER)
    for row in rows or [[1, "甲系统", "财政局", "在用", dt.datetime(2023, 5, 1), "自建机房"]]:
        sheet.append(row)
    return book


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _online(root: Path) -> dict[str, str]:
    return {r["name"]: str(r.get("online_since")) for r in records(root).values()}


# ------------------------------------------------------------------ file formats


_TO_STRICT = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/", b"http://purl.oclc.org/ooxml/drawingml/"),
)


def _strict(path: Path, plain: bytes) -> Path:
    """``plain`` saved as Excel's "Strict Open XML 电子表格": the same parts under Strict's namespace
    names, the workbook marked conformance="strict"."""
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            for transitional, strict in _TO_STRICT:
                data = data.replace(transitional, strict)
            if name == "xl/workbook.xml":
                data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            out.writestr(name, data)
    return path


def test_a_strict_open_xml_workbook_is_read(tmp_path: Path) -> None:
    """openpyxl knows only transitional names: a Strict workbook read as having no sheet at all
    (the import then said it found no table to import)."""
    file = _strict(tmp_path / "台账.xlsx", _bytes(_system_book()))
    (sheet,) = read_table(file)
    assert sheet.headers == SYSTEM_HEADER and sheet.rows[0].cells[1] == "甲系统"
    root = county(tmp_path)
    assert run(root, file) == 0
    assert _online(root) == {"甲系统": MAY}


@pytest.mark.parametrize("inside", ["xlsx", "xls"])
def test_a_wps_et_file_holding_a_workbook_is_read(tmp_path: Path, inside: str) -> None:
    file = tmp_path / "台账.et"
    if inside == "xlsx":
        file.write_bytes(_bytes(_system_book()))
    else:
        import xlwt  # type: ignore[import-untyped]

        book = xlwt.Workbook()
        sheet = book.add_sheet("台账")
        for c, value in enumerate(SYSTEM_HEADER):
            sheet.write(0, c, value)
        for c, value in enumerate([1, "甲系统", "财政局", "在用", "2023年5月", "自建机房"]):
            sheet.write(1, c, value)
        book.save(str(file))
    root = county(tmp_path)
    assert run(root, file) == 0
    assert _online(root) == {"甲系统": MAY}


@pytest.mark.parametrize(("name", "data", "says"), [
    ("台账.et", b"\x00WPS\x00" * 100, "WPS 表格文件（.et）无法直接读取"),
    ("台账.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "WPS 表格文件（.et）无法直接读取"),
    ("台账.ods", b"PK\x03\x04", "OpenDocument 表格（.ods）不能直接导入"),
    ("台账.xlsb", b"PK\x03\x04", "Excel 二进制工作簿（.xlsb）不能直接导入"),
])
def test_a_format_that_cannot_be_read_says_how_to_save_it(tmp_path: Path, name: str, data: bytes, says: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / name
    file.write_bytes(data)
    root = county(tmp_path)
    assert run(root, file) == 2
    err = capsys.readouterr().err
    assert says in err and "另存为" in err and "Excel 工作簿（*.xlsx）" in err and str(file) in err
    assert "Traceback" not in err


def test_an_excel_template_is_read(tmp_path: Path) -> None:
    book = _system_book()
    book.template = True
    book.save(tmp_path / "台账.xltx")
    root = county(tmp_path)
    assert run(root, tmp_path / "台账.xltx") == 0
    assert _online(root) == {"甲系统": MAY}


# ------------------------------------------------------------------ layouts


@pytest.mark.parametrize("hints", [
    ["", "（必填）", "（必填，写全称）", "（如：在用）", "（格式：2023年5月）", "（下拉选择）"],
    ["", "必填", "必填", "选填", "格式：2023-05", "请选择"],
])
def test_a_template_s_hints_under_its_header_are_set_aside_and_said(tmp_path: Path, hints: list[str],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    book = _system_book([hints, [1, "甲系统", "财政局", "在用", "2023年5月", "自建机房"]])
    book.save(tmp_path / "台账.xlsx")
    root = county(tmp_path)
    assert run(root, tmp_path / "台账.xlsx") == 0
    assert "第 2 行：表头下的填写说明行，已跳过" in capsys.readouterr().err
    assert _online(root) == {"甲系统": MAY}


def test_a_record_under_the_header_is_never_taken_for_hints(tmp_path: Path) -> None:
    book = _system_book([[1, "如意系统", "财政局", "在用", "2023年5月", "自建机房"]])
    book.save(tmp_path / "台账.xlsx")
    root = county(tmp_path)
    assert run(root, tmp_path / "台账.xlsx") == 0
    assert _online(root) == {"如意系统": MAY}


def test_a_printed_county_ledger_yields_its_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "系统"
    sheet.append(["临河县政务信息系统统计表"])
    sheet.merge_cells("A1:G1")
    sheet.append(["填报单位（盖章）：临河县财政局", None, None, None, "填报日期：2026年6月"])
    sheet.append(["说明：1.请如实填写；2.上线时间写到月"])
    sheet.merge_cells("A3:G3")
    sheet.append(["序号", "系统名称", "所属单位", "建设情况", None, "部署方式", "等保级别"])
    sheet.append([None, None, None, "上线时间", "运行状态", None, None])
    for column in "ABCFG":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("D4:E4")
    sheet.append([1, "预算管理一体化系统", "财政局", "２０２３年５月", "在用", "县级政务云", "三级"])
    sheet.append([2, "国库集中支付系统", None, 20230501, "运行中", "自建机房", "二级"])
    sheet.append([3, "非税收入系统", None, 202305, "在用", "县级政务云", "第二级"])
    sheet.merge_cells("C6:C8")  # the unit written once beside its three systems
    sheet.append(["合计", None, "3个"])
    sheet.append(["说明：本表由各单位填报，数据主管部门汇总"])
    sheet.merge_cells("A10:G10")
    sheet.append(["填表人：张三", None, "联系电话：0000-1234567", None, "审核人：李四"])
    book.save(tmp_path / "台账.xlsx")
    root = county(tmp_path)
    assert run(root, tmp_path / "台账.xlsx") == 0
    err = capsys.readouterr().err
    for said in ("第 9 行：合计行，已跳过", "第 10 行：表尾的填报信息或说明，已跳过", "第 11 行：表尾的填报信息或说明，已跳过"):
        assert said in err
    found = {r["name"]: r for r in records(root).values()}
    assert {name: str(r["online_since"]) for name, r in found.items()} == {
        "预算管理一体化系统": MAY, "国库集中支付系统": MAY, "非税收入系统": MAY}
    assert {r["unit"] for r in found.values()} == {"czj"}
    assert found["国库集中支付系统"]["deployment"] == "own_machine_room"


def test_a_plan_in_yuan_reads_every_way_an_amount_is_written(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(["临河县2025年政务信息化项目计划表（金额单位：元）"])
    sheet.merge_cells("A1:H1")
    sheet.append(["项目名称", "建设单位", "年度", "建设性质", "总投资", "建设方式", "项目类别", "管理方式"])
    amounts = ["1,200,000", "１２０万元", 1200000, "0.012亿元", "￥1,200,000.00"]
    years: list[Any] = ["2025年", "２０２５", 2025, "2025年度", "2025"]
    for number, (amount, year) in enumerate(zip(amounts, years)):
        sheet.append([f"项目{number}", "卫健局", year, "新建", amount, "自建", "专业类", "审批制"])
    sheet.append(["合计", None, None, None, 6000000])
    sheet.append(["注：金额单位为元"])
    book.save(tmp_path / "项目.xlsx")
    root = county(tmp_path)
    assert run(root, tmp_path / "项目.xlsx") == 0
    found = list(records(root).values())
    assert len(found) == 5
    assert {(r["year"], r["budget"]["total_wan"]) for r in found} == {(2025, 120.0)}


def test_an_unreadable_strict_part_is_a_clear_refusal(tmp_path: Path) -> None:
    file = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(file, "w") as out:
        out.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     '<Relationship Id="r" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" '
                     'Target="xl/workbook.xml"/></Relationships>')
    with pytest.raises(ConfigError) as caught:
        read_table(file)
    assert "不是有效的 xlsx 文件" in caught.value.message.zh
