"""Ledgers laid out for printing, as counties keep them: merged cells, a two-row header under a
merged group title, section titles, a 合计 row and a stamped footer; and the words people write
(县政务云, 县卫健局) read as what they shorten, said on stderr, never guessed where two fit."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]
from test_import import county, records

from registry.cli import main
from registry.enums import Nature
from registry.ledger.values import funding_sources, to_enum
from registry.sheetlayout import MergeError, SheetFacts, SheetGrid, fill_merged, filled, header_rows
from registry.xlsxfacts import merged_ranges
from registry.tables import _sheet, read_table


def import_csv(root: Path, text: str, *options: str, encoding: str = "utf-8") -> int:
    """``registry import`` of a CSV ledger holding ``text`` (written beside ``root``), with ``options``."""
    file = root.parent / "台账.csv"
    file.write_text(text, encoding=encoding)
    return main(["--root", str(root), "import", str(file), *options])


def printed_ledger(path: Path) -> Path:
    """The layout of a county's 政务信息系统台账 as it is printed and stamped."""
    book = Workbook()
    sheet = book.active
    sheet.title = "信息系统"
    sheet["A1"] = "临河县政务信息系统台账（截至2026年6月）"
    sheet.merge_cells("A1:H1")
    sheet.append(["序号", "单位", "系统名称", "运行状态", "上线时间", "部署方式", "安全情况", None])
    sheet.append([None, None, None, None, None, None, "等保级别", "密评情况"])
    for column in "ABCDEF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("G2:H2")
    sheet.append(["一、县直部门"])
    sheet.merge_cells("A4:H4")
    sheet.append([1, "县卫健局", "全民健康信息平台", "在用", dt.datetime(2020, 3, 15), "县政务云", "三级", "通过"])
    sheet.append([2, None, "预防接种系统", "试运行", "2021年3月", "县级政务云", "二级", "未开展"])
    sheet.append([3, None, "家庭医生签约系统", "在用", "2022.05.01", "市级政务云", "", ""])
    sheet.merge_cells("B5:B7")
    sheet.append(["（二）乡镇街道"])
    sheet.append([4, "县财政局", "预算管理一体化系统", "运行中", "2019/6/1", "自建机房", "三级", ""])
    sheet.append(["合  计", "", "4个", "", "", "", "", ""])
    sheet.append(["注：1.运行状态填写在用或停用。"])
    sheet.append(["填表人：李四", "", "", "审核人：王五", "", "联系电话：0537-1234567", "", ""])
    book.save(path)
    return path


def test_a_printed_ledger_imports_every_record_and_says_which_rows_it_set_aside(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = printed_ledger(tmp_path / "台账.xlsx")
    assert main(["--root", str(root), "import", str(file)]) == 0
    out, err = capsys.readouterr()
    assert "已写入 4 条记录" in out
    found = records(root)
    assert {r["unit"] for r in found.values() if r["name"] != "预算管理一体化系统"} == {"wjj"}  # the merged unit cell
    assert found["wjj-system-01"]["deployment"] == "county_cloud"
    assert found["wjj-system-02"]["security"]["mlps_level"] == 2  # 等保级别 under the merged 安全情况
    assert found["wjj-system-02"]["online_since"] == dt.date(2021, 3, 1)
    assert found["wjj-system-03"]["deployment"] == "city_cloud"
    assert found["czj-system-01"]["status"] == "operating"
    for row, reason in ((4, "分类标题行"), (8, "分类标题行"), (10, "合计行"), (11, "表尾的填报信息或说明"),
                        (12, "表尾的填报信息或说明")):
        assert f"工作表 信息系统 第 {row} 行：{reason}，已跳过" in err
    assert "第 5 行 F 列（部署方式）：'县政务云' 按“县级政务云”导入" in err
    assert "第 5 行 B 列（单位）：单位 '县卫健局' 按 wjj（临河县卫生健康局）导入" in err
    assert "未识别的列（已忽略）：密评情况" in err


def test_the_same_ledger_as_csv_sets_aside_the_same_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, "临河县政务信息系统台账,,,,,\n"
                            "序号,单位,系统名称,运行状态,上线时间,部署方式\n"
                            "一、县直部门,,,,,\n"
                            "1,县财政局,非税收入管理系统,在用,2019-05-01,自建机房\n"
                            "合计,,1个,,,\n"
                            "填报单位（盖章）：,,,填报人：张三,联系电话：0537-1234567,\n", encoding="gb18030") == 0
    err = capsys.readouterr().err
    assert [r["name"] for r in records(root).values()] == ["非税收入管理系统"]
    assert "第 3 行：分类标题行，已跳过" in err and "第 5 行：合计行，已跳过" in err
    assert "第 6 行：表尾的填报信息或说明，已跳过" in err


@pytest.mark.parametrize(("cells", "reason"), [
    (["", "某某系统", "", "", "", ""], "缺少所属单位"),  # one filled cell, not a section title: a bad row
    ([5, "合计管理系统", "财政局", "在用", "2020-01-01", "自建机房"], None),  # 合计 inside a name is a name
    (["", "注册审批系统", "财政局", "在用", "2020-01-01", "自建机房"], None),  # 注 begins a name
])
def test_a_row_that_could_be_a_record_is_never_set_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         cells: list[Any], reason: str | None) -> None:
    root = county(tmp_path)
    code = import_csv(root, "序号,系统名称,所属单位,运行状态,上线时间,部署方式\n" + ",".join(map(str, cells)) + "\n",
                      "--dry-run")
    out, err = capsys.readouterr()
    assert "已跳过" not in err
    if reason is None:
        assert code == 0 and "可导入 1 条" in out
    else:
        assert code == 1 and reason in err and "第 2 行" in err


@pytest.mark.parametrize(("written", "expected", "said"), [
    ("县政务云", "county_cloud", "按“县级政务云”导入"),
    ("省政务云", "province_cloud", "按“省级政务云”导入"),
    ("县级政务云", "county_cloud", None),
    ("政务云", None, "无法确定取值 '政务云'：可能是 市级政务云、县级政务云、省级政务云"),
    ("云", None, "无法识别的取值 '云'"),
])
def test_a_shortened_word_is_read_only_when_one_value_fits(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           written: str, expected: str | None,
                                                           said: str | None) -> None:
    root = county(tmp_path)
    code = import_csv(root, f"系统名称,所属单位,运行状态,上线时间,部署方式\n某系统,财政局,在用,2020-01-01,{written}\n")
    err = capsys.readouterr().err
    if said is not None:
        assert said in err
    else:
        assert "按“" not in err  # an exact word is not a guess
    if expected is None:
        assert code == 1 and not (root / "systems").exists()
    else:
        assert code == 0 and records(root)["czj-system-01"]["deployment"] == expected


@pytest.mark.parametrize("status", ["不在用", "半停用", "未运行", "停"])
def test_a_word_inside_a_longer_cell_is_not_read_as_that_word(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              status: str) -> None:
    root = county(tmp_path)
    assert import_csv(root, f"系统名称,所属单位,运行状态,上线时间,部署方式\n某系统,财政局,{status},2020-01-01,自建机房\n") == 1
    assert f"'{status}'" in capsys.readouterr().err and not (root / "systems").exists()


def test_a_unit_is_found_by_its_alias_and_by_the_county_s_short_form(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    config = root / "registry.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "{id: wjj, name: 临河县卫生健康局, kind: department}", "{id: wjj, name: 临河县卫生健康局, kind: department, aliases: [卫健委]}"),
        encoding="utf-8")
    assert import_csv(root, "系统名称,所属单位,运行状态,上线时间,部署方式\n"
                            "甲系统,卫健委,在用,2020-01-01,自建机房\n乙系统,县财政局,在用,2020-01-01,自建机房\n") == 0
    assert "按" not in capsys.readouterr().err  # both are the registry's own words
    assert {r["name"]: r["unit"] for r in records(root).values()} == {"甲系统": "wjj", "乙系统": "czj"}


def _rewrite_sheet(path: Path, change: Any) -> None:
    """Rewrite the first worksheet's XML of ``path`` with ``change`` (text → text)."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as new:
        for part, data in parts.items():
            new.writestr(part, data)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize(("change", "said"), [
    (lambda xml: re.sub(r'<mergeCell ref="[^"]+" />', '<mergeCell ref="A1:H12" />' * 3, xml, count=1), "互相重叠"),
    (lambda xml: xml.replace('"A1:H1"', '"A:A"'), "是整行或整列"),  # said before openpyxl refuses them
    (lambda xml: xml.replace('"A1:H1"', '"一:二"'), "无法识别"),
    (lambda xml: xml.replace("</mergeCells>", "</mergeCells"), "已损坏"),
])
def test_impossible_merges_and_a_damaged_sheet_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                change: Any, said: str) -> None:
    root = county(tmp_path)
    file = printed_ledger(tmp_path / "台账.xlsx")
    _rewrite_sheet(file, change)
    assert main(["--root", str(root), "import", str(file)]) == 2
    err = capsys.readouterr().err
    assert said in err and "工作表 信息系统" in err and "Traceback" not in err
    assert not (root / "systems").exists()


def test_merged_cells_fill_only_the_cells_they_cover(tmp_path: Path) -> None:
    (sheet,) = read_table(printed_ledger(tmp_path / "台账.xlsx"))
    assert sheet.headers == ["序号", "单位", "系统名称", "运行状态", "上线时间", "部署方式", "等保级别", "密评情况"]
    by_row = {row.number: row.cells for row in sheet.rows}
    assert [by_row[n][1] for n in (5, 6, 7, 9)] == ["县卫健局", "县卫健局", "县卫健局", "县财政局"]
    assert not by_row[7][6] and not by_row[7][7]  # empty cells outside any merge stay empty


CELLS = st.one_of(st.none(), st.sampled_from(["合计", "小计：", "注：见说明", "填表人：张三", "一、县直部门", "（二）乡镇",
                                              "财政局", "某系统", "在用", "", " ", "序号", "名称"]),
                  st.integers(-3, 3), st.text(max_size=4))
GRIDS = st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8)
MERGES = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.integers(0, 3), st.integers(0, 3)).map(
    lambda m: (m[0], m[1], m[0] + m[2], m[1] + m[3])), max_size=4)


@settings(max_examples=300, deadline=None)
@given(grid=GRIDS, merges=MERGES)
def test_every_filled_row_under_the_header_is_a_record_or_set_aside_with_a_reason(
        grid: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> None:
    try:
        filled_grid = fill_merged([list(row) for row in grid], merges)
    except MergeError:
        return  # overlapping merges: the caller reports the file
    assert [len(row) for row in filled_grid] == [len(row) for row in grid]
    sheet = _sheet(SheetGrid("表", filled_grid, SheetFacts(tuple(merges))))
    if sheet is None:
        return
    seen = [row.number for row in sheet.rows] + [row.number for row, _ in sheet.skipped]
    assert len(seen) == len(set(seen))
    found = header_rows(filled_grid, merges)
    assert found is not None
    first = found[1] + 1  # the spreadsheet's number of the first row under the header
    expected = [n for n in range(first, len(filled_grid) + 1) if any(filled(v) for v in filled_grid[n - 1])]
    assert sorted(seen) == expected
    assert all(reason in ("合计行", "表尾的填报信息或说明", "分类标题行", "只有序号的空行", "重复的表头行",
                                 "表头下的填写说明行") for _, reason in sheet.skipped)


def test_a_whole_column_merge_in_the_sheet_xml_is_refused_by_our_own_reader() -> None:
    class Part:  # what openpyxl's read-only worksheet hands out: the sheet's XML
        def _get_source(self) -> io.BytesIO:
            return io.BytesIO(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                              b'<mergeCells><mergeCell ref="A:A"/></mergeCells></worksheet>')

    with pytest.raises(MergeError, match="whole row or column"):
        merged_ranges(Part())


def test_a_ledger_kept_as_one_sheet_per_unit_takes_the_unit_from_the_sheet_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    book = Workbook()
    for index, (title, name) in enumerate((("财政局", "非税收入管理系统"), ("卫健局", "全民健康信息平台"),
                                           ("其他", "无主系统"))):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(["序号", "系统名称", "运行状态", "上线时间", "部署方式"])
        sheet.append([1, name, "在用", "2020-01-01", "自建机房"])
    file = tmp_path / "各单位台账.xlsx"
    book.save(file)
    assert main(["--root", str(root), "import", str(file), "--kind", "systems", "--partial"]) == 1
    err = capsys.readouterr().err
    assert "工作表 财政局：表中没有单位列：按工作表名称记为 czj（临河县财政局）" in err
    assert "工作表 卫健局：表中没有单位列：按工作表名称记为 wjj（临河县卫生健康局）" in err
    assert "工作表 其他 第 2 行" in err and "缺少所属单位" in err  # a sheet name that is no unit: no guess
    assert {r["name"]: r["unit"] for r in records(root).values()} == {"非税收入管理系统": "czj", "全民健康信息平台": "wjj"}


@pytest.mark.parametrize(("written", "expected"), [("运维", "om"), ("升级", "upgrade"), ("新建项目", "new"), ("运营", "operation_service")])
def test_the_usual_words_for_a_project_s_nature_are_read(written: str, expected: str) -> None:
    assert to_enum(written, Nature) == expected


def test_an_xls_ledger_from_excel_97_2003_imports_like_an_xlsx(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("系统清单")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 5, "临河县政务信息系统清单")
    for column, title in enumerate(["序号", "单位名称", "系统名称", "运行状态", "上线时间", "部署方式"]):
        sheet.write(1, column, title)
    rows = [(1, "县财政局", "非税收入管理系统", "在用", dt.date(2019, 5, 1), "自建机房"),
            (2, None, "政府采购管理系统", "在用", "2018年3月", "县政务云")]
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if value is not None and column != 1:
                sheet.write(number, column, value, dated if isinstance(value, dt.date) else xlwt.Style.default_style)
    sheet.write_merge(2, 3, 1, 1, "县财政局")  # the unit, written once beside both systems
    sheet.write(4, 0, "合计")
    sheet.write(4, 2, "2个")
    file = tmp_path / "台账.xls"
    book.save(str(file))
    root = county(tmp_path)
    assert main(["--root", str(root), "import", str(file)]) == 0
    err = capsys.readouterr().err
    found = {r["name"]: r for r in records(root).values()}
    assert found["非税收入管理系统"]["online_since"] == dt.date(2019, 5, 1)
    assert found["政府采购管理系统"]["unit"] == "czj" and found["政府采购管理系统"]["deployment"] == "county_cloud"
    assert "第 5 行：合计行，已跳过" in err


@pytest.mark.parametrize(("content", "said"), [
    (b"<html><body><p>\xe7\xb3\xbb\xe7\xbb\x9f</p></body></html>", "网页格式"),  # a page without a table
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "不是有效的 xls 文件"),
    (b"", "不是有效的 xls 文件"),
])
def test_a_file_named_xls_that_is_not_one_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           content: bytes, said: str) -> None:
    file = tmp_path / "导出.xls"
    file.write_bytes(content)
    assert main(["--root", str(county(tmp_path)), "import", str(file)]) == 2
    err = capsys.readouterr().err
    assert said in err and "另存为 .xlsx" in err and "Traceback" not in err


@pytest.mark.parametrize("dimension", ["A1", "A1:C6"])
def test_a_sheet_that_claims_to_be_smaller_than_it_is_is_read_whole(tmp_path: Path, dimension: str) -> None:
    file = printed_ledger(tmp_path / "台账.xlsx")  # some programs write <dimension ref="A1"/> whatever the sheet holds
    _rewrite_sheet(file, lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>', f'<dimension ref="{dimension}"/>', xml))
    (sheet,) = read_table(file)
    assert sheet.headers[-1] == "密评情况"
    assert [row.number for row in sheet.rows] == [5, 6, 7, 9]
    assert [row.number for row, _ in sheet.skipped] == [4, 8, 10, 11, 12]


def test_a_ledger_filed_by_one_unit_takes_the_unit_from_the_line_above_the_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, "临河县政务信息系统台账,,,,\n"
                            "填报单位（盖章）：临河县财政局,,,填报日期：2026年6月30日,\n"
                            "序号,系统名称,运行状态,上线时间,部署方式\n"
                            "1,非税收入管理系统,在用,2019-05-01,自建机房\n") == 0
    assert "表中没有单位列：按表头上方写明的填报单位记为 czj（临河县财政局）" in capsys.readouterr().err
    assert [r["unit"] for r in records(root).values()] == ["czj"]


def test_a_hidden_sheet_is_not_imported_unless_the_mapping_names_it(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    book = Workbook()
    for index, (title, name) in enumerate((("系统台账", "非税收入管理系统"), ("旧表", "早已停用的系统"))):
        sheet = book.active if index == 0 else book.create_sheet(title)
        sheet.title = title
        sheet.append(["系统名称", "所属单位", "运行状态", "上线时间", "部署方式"])
        sheet.append([name, "财政局", "在用", "2020-01-01", "自建机房"])
    book["旧表"].sheet_state = "hidden"
    file = tmp_path / "台账.xlsx"
    book.save(file)
    assert main(["--root", str(root), "import", str(file), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "可导入 1 条" in out and "工作表 旧表 是隐藏的工作表，未导入" in err
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("sheet: 旧表\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(file), "--mapping", str(mapping)]) == 0
    assert [r["name"] for r in records(root).values()] == ["早已停用的系统"]


def test_the_template_s_example_row_is_set_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, "序号,系统名称,所属单位,运行状态,上线时间,部署方式\n"
                            "例,XX县XX管理系统,XX局,在用,2020-01-01,县级政务云\n"
                            "1,非税收入管理系统,财政局,在用,2019-05-01,自建机房\n") == 0
    assert "第 2 行：填写示例行，已跳过" in capsys.readouterr().err
    assert [r["name"] for r in records(root).values()] == ["非税收入管理系统"]


def test_a_mapping_names_the_header_row_when_the_guess_is_wrong(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = tmp_path / "台账.csv"
    file.write_text("临河县,2026年\n"  # two different cells above the table: taken for the header
                    "系统名称,所属单位,运行状态,上线时间,部署方式\n"
                    "非税收入管理系统,财政局,在用,2019-05-01,自建机房\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(file)]) == 2
    assert "找不到可导入的表" in capsys.readouterr().err
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("header_row: 2\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(file), "--mapping", str(mapping)]) == 0
    assert [r["name"] for r in records(root).values()] == ["非税收入管理系统"]
    mapping.write_text("header_row: 0\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(file), "--mapping", str(mapping)]) == 2
    assert "header_row 不正确" in capsys.readouterr().err


def test_a_header_with_a_note_in_brackets_is_its_field_and_amounts_in_yuan_become_wan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    systems = tmp_path / "系统.csv"
    systems.write_text("序号,系统名称（全称）,所属单位（盖章）,运行状态（在用/停用）,上线时间（年月）,"
                       "部署方式（政务云/自建机房）,等保级别(级)\n"
                       "1,非税收入管理系统,财政局,在用,2019年5月,自建机房,三级\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(systems)]) == 0
    (system,) = records(root).values()
    assert (system["name"], system["unit"], system["online_since"], system["security"]["mlps_level"]) == (
        "非税收入管理系统", "czj", dt.date(2019, 5, 1), 3)
    projects = tmp_path / "项目.csv"
    rows = [("县智慧医疗项目", "1234567"), ("县财政云项目", "1,200,000")]
    projects.write_text("项目名称,建设单位,年度,总投资（单位：元）,建设性质,建设方式,项目类别,管理方式\n" + "".join(
        f'{name},卫生健康局,2025,"{amount}",新建,自行建设,专业类,审批制\n' for name, amount in rows), encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(root), "import", str(projects)]) == 0
    assert "D 列（总投资（单位：元））的金额按元换算为万元" in capsys.readouterr().err
    amounts = {r["name"]: r["budget"]["total_wan"] for r in records(root).values() if "budget" in r}
    assert amounts == {"县智慧医疗项目": 123.4567, "县财政云项目": 120}


@pytest.mark.parametrize(("written", "header", "expected"), [
    ("1200000元", "总投资（万元）", 120), ("1,234,567元", "总投资", 123.4567), ("0.5亿元", "总投资", 5000),
    ("120万元", "总投资（元）", 120), ("120万", "总投资（元）", 120), ("1200000", "总投资（元）", 120),
    ("120", "总投资（万元）", 120), ("3亿", "总投资（万元）", 30000),
])
def test_an_amount_s_own_unit_wins_over_its_column_s(tmp_path: Path, written: str, header: str,
                                                      expected: float) -> None:
    root = county(tmp_path)
    file = tmp_path / "项目.csv"
    file.write_text(f"项目名称,建设单位,年度,{header},建设性质,建设方式,项目类别,管理方式\n"
                    f'某项目,卫生健康局,2025,"{written}",新建,自行建设,专业类,审批制\n', encoding="utf-8")
    assert main(["--root", str(root), "import", str(file)]) == 0
    (project,) = records(root).values()
    assert project["budget"]["total_wan"] == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("本级财政 60；上级资金 40", [("county_budget", 60), ("superior_fund", 40)]),
    ("本级财政 600000元；上级资金 40万元", [("county_budget", 60), ("superior_fund", 40)]),
    ("本级财政：0.006亿元、专项债 40万", [("county_budget", 60), ("bond", 40)]),
])
def test_funding_sources_read_the_unit_each_amount_writes(written: str, expected: list[tuple[str, float]]) -> None:
    sources = funding_sources(written, 100, None)
    assert [(s["kind"], s["amount_wan"]) for s in sources] == expected
