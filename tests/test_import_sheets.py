"""Spreadsheets and CSVs as county offices really have them: hidden rows and columns, filters and
protection, per-source amount columns of a 年度计划表, formulas (computed, never computed, gone
wrong), 同上 under a unit, CSV in GB18030 or with a BOM, Excel's UTF-16 "Unicode 文本", dates and
numbers as people type them. Each either imports as a person reads it or is refused at its cell —
never a traceback, never a silent drop, never a guessed value."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from test_import import county, records
from test_import_layouts import _rewrite_sheet, import_csv

from registry.cli import main
from registry.ledger.values import to_bool

SYSTEM_HEADER = ["序号", "系统名称", "所属单位", "运行状态", "上线时间", "部署方式"]
PROJECT_HEADER = ["序号", "项目名称", "建设单位", "年度", "建设性质", "建设方式", "项目类别", "管理方式"]


def workbook(path: Path, header: list[Any], rows: list[list[Any]], change: Any = None, title: str = "台账") -> Path:
    """An .xlsx with ``header`` and ``rows`` on its one sheet; ``change(sheet)`` before saving."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if change is not None:
        change(sheet)
    book.save(path)
    return path


def run(root: Path, file: Path, *options: str) -> int:
    return main(["--root", str(root), "import", str(file), *options])


def system(name: str, unit: str = "财政局", online: Any = "2020-01-01") -> list[Any]:
    return [1, name, unit, "在用", online, "自建机房"]


# ------------------------------------------------------------------ hidden rows and columns


def _hide_row_3_and_column_f(sheet: Any) -> None:
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["F"].hidden = True


def test_a_hidden_row_is_set_aside_and_said_and_the_mapping_can_take_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统"), system("已删除的系统"), system("乙系统")],
                    lambda sheet: setattr(sheet.row_dimensions[3], "hidden", True))
    assert run(root, file) == 0
    err = capsys.readouterr().err
    assert "工作表 台账 第 3 行：隐藏的行（需要导入时请取消隐藏，或在 --mapping 中写 include_hidden: true），已跳过" in err
    assert sorted(r["name"] for r in records(root).values()) == ["乙系统", "甲系统"]
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("include_hidden: true\n", encoding="utf-8")
    assert run(root, file, "--mapping", str(mapping)) == 0
    assert "已跳过" not in capsys.readouterr().err
    assert sorted(r["name"] for r in records(root).values()) == ["乙系统", "已删除的系统", "甲系统"]


def test_a_hidden_column_is_not_imported_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    header = [*SYSTEM_HEADER, "等保级别"]
    file = workbook(tmp_path / "台账.xlsx", header, [[*system("甲系统"), "三级"]],
                    lambda sheet: setattr(sheet.column_dimensions["G"], "hidden", True))
    assert run(root, file) == 0
    assert "工作表 台账：G 列（等保级别）是隐藏的列，未导入" in capsys.readouterr().err
    assert records(root)["czj-system-01"]["security"]["mlps_level"] is None
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("include_hidden: true\n", encoding="utf-8")
    assert run(root, file, "--mapping", str(mapping)) == 0
    assert records(root)["czj-system-01"]["security"]["mlps_level"] == 3


def test_rows_hidden_by_a_filter_on_a_protected_sheet_are_said_as_filtered(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def filter_and_protect(sheet: Any) -> None:
        sheet.auto_filter.ref = "A1:F3"
        sheet.row_dimensions[2].hidden = True
        sheet.protection.sheet = True
        sheet.protection.password = "123"

    root = county(tmp_path)
    file = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统", "卫健局"), system("乙系统")], filter_and_protect)
    assert run(root, file) == 0
    assert "第 2 行：被筛选隐藏的行" in capsys.readouterr().err
    assert [r["name"] for r in records(root).values()] == ["乙系统"]


def test_hidden_rows_and_columns_of_an_xls_are_set_aside_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    for number, row in enumerate([[*SYSTEM_HEADER, "等保级别"], [*system("甲系统"), "三级"], [*system("旧系统"), "二级"]]):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    sheet.row(2).hidden = True
    sheet.col(6).hidden = True
    file = tmp_path / "台账.xls"
    book.save(str(file))
    root = county(tmp_path)
    assert run(root, file) == 0
    err = capsys.readouterr().err
    assert "第 3 行：隐藏的行" in err and "G 列（等保级别）是隐藏的列，未导入" in err
    assert [(r["name"], r["security"]["mlps_level"]) for r in records(root).values()] == [("甲系统", None)]


# ------------------------------------------------------------------ amounts per funding source


@pytest.mark.parametrize(("headers", "cells", "expected", "said"), [
    (["总投资（万元）", "本级财政（元）", "上级资金（万元）"], [100, 600000, 40],
     [("county_budget", 60), ("superior_fund", 40)], "F 列（本级财政（元））的金额按元换算为万元"),
    (["总投资（万元）", "其中：中央资金", "省级资金", "县级配套"], [100, 30, 20, 50],
     [("superior_fund", 30), ("superior_fund", 20), ("county_budget", 50)], None),
    (["总投资", "专项债券", "社会资本"], [100, 70, 30], [("bond", 70), ("social_capital", 30)], None),
])
def test_a_plan_s_amount_columns_per_funding_source_are_its_sources(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], headers: list[str], cells: list[Any],
        expected: list[tuple[str, float]], said: str | None) -> None:
    root = county(tmp_path)
    header = ["项目名称", "建设单位", "年度", "建设性质", *headers, "建设方式", "项目类别", "管理方式"]
    file = workbook(tmp_path / "项目库.xlsx", header, [["某项目", "卫健局", 2025, "新建", *cells, "自建", "专业类", "审批制"]])
    assert run(root, file) == 0
    err = capsys.readouterr().err
    assert "未识别的列" not in err
    if said:
        assert said in err
    (project,) = records(root).values()
    assert project["budget"]["total_wan"] == 100
    assert [(s["kind"], s["amount_wan"]) for s in project["budget"]["sources"]] == expected


def test_a_source_column_no_kind_fits_is_said_and_the_mapping_names_its_kind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    header = ["项目名称", "建设单位", "年度", "建设性质", "总投资（万元）", "自筹（万元）", "建设方式", "项目类别", "管理方式"]
    file = workbook(tmp_path / "项目库.xlsx", header, [["某项目", "卫健局", 2025, "新建", 100, 100, "自建", "专业类", "审批制"]])
    assert run(root, file) == 0
    assert "未识别的列（已忽略）：自筹（万元）" in capsys.readouterr().err
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("columns:\n  自筹（万元）: budget.sources.county_budget\n", encoding="utf-8")
    assert run(root, file, "--mapping", str(mapping)) == 0
    (project,) = records(root).values()
    assert [(s["kind"], s["amount_wan"]) for s in project["budget"]["sources"]] == [("county_budget", 100)]


# ------------------------------------------------------------------ formulas


def test_a_formula_s_computed_value_is_imported(tmp_path: Path) -> None:
    root = county(tmp_path)
    header = ["项目名称", "建设单位", "年度", "建设性质", "本级财政", "上级资金", "总投资", "建设方式", "项目类别", "管理方式"]
    file = workbook(tmp_path / "项目库.xlsx", header, [["某项目", "卫健局", 2025, "新建", 60, 40, "=E2+F2", "自建", "专业类", "审批制"]])
    # what Excel writes: the formula and the value it computed when the file was saved
    _rewrite_sheet(file, lambda xml: xml.replace("<f>E2+F2</f><v /></c>", "<f>E2+F2</f><v>100</v></c>"))
    assert run(root, file) == 0
    (project,) = records(root).values()
    assert project["budget"]["total_wan"] == 100


def test_a_formula_with_no_computed_value_is_reported_at_its_cell(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    header = ["项目名称", "建设单位", "年度", "建设性质", "本级财政", "上级资金", "总投资", "建设方式", "项目类别", "管理方式"]
    # openpyxl (like many report generators) writes formulas without a value: never read as empty
    file = workbook(tmp_path / "项目库.xlsx", header, [["某项目", "卫健局", 2025, "新建", 60, 40, "=E2+F2", "自建", "专业类", "审批制"]])
    assert run(root, file) == 1
    err = capsys.readouterr().err
    assert "工作表 台账 第 2 行 G 列（总投资）：公式 =E2+F2 没有计算结果" in err and "Traceback" not in err
    assert not (root / "projects").exists()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_excel_error_value_is_reported_never_imported_as_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    root = county(tmp_path)
    rows = [system("#N/A"), system("乙系统", "#REF!")]
    if suffix == ".xlsx":
        file = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, rows)
        _rewrite_sheet(file, lambda xml: re.sub(r'<c r="(B2|C3)" t="inlineStr"><is><t>(#[^<]+)</t></is></c>',
                                                r'<c r="\1" t="e"><v>\2</v></c>', xml))
    else:
        file = tmp_path / "台账.csv"
        file.write_text("\n".join(",".join(map(str, row)) for row in [SYSTEM_HEADER, *rows]), encoding="utf-8")
    assert run(root, file) == 1
    err = capsys.readouterr().err
    assert "第 2 行 B 列（系统名称）：单元格是错误值 #N/A" in err
    assert "第 3 行 C 列（所属单位）：单元格是错误值 #REF!" in err
    assert not (root / "systems").exists()


def test_an_error_cell_of_an_xls_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账", cell_overwrite_ok=True)
    for column, value in enumerate(SYSTEM_HEADER):
        sheet.write(0, column, value)
    for column, value in enumerate(system("甲系统")):
        sheet.write(1, column, value)
    sheet.row(1).set_cell_error(2, "#REF!")  # what Excel saves for a formula whose cells were deleted
    file = tmp_path / "台账.xls"
    book.save(str(file))
    root = county(tmp_path)
    assert run(root, file) == 1
    err = capsys.readouterr().err
    assert "第 2 行 C 列（所属单位）：单元格是错误值 #REF!" in err and "Traceback" not in err


# ------------------------------------------------------------------ 同上 and placeholders


@pytest.mark.parametrize("ditto", ["同上", "〃", "  同上 "])
def test_same_as_above_takes_the_record_above(tmp_path: Path, ditto: str) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n"
                            "1,甲系统,卫健局,在用,2020-01-01,县级政务云\n"
                            f"2,乙系统,{ditto},{ditto},2021-01-01,{ditto}\n"
                            f"3,丙系统,{ditto},停用,2021-01-01,自建机房\n") == 1  # 停用 needs its date: not our point
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n"
                            "1,甲系统,卫健局,在用,2020-01-01,县级政务云\n"
                            f"2,乙系统,{ditto},{ditto},2021-01-01,{ditto}\n"
                            f"3,丙系统,{ditto},在用,2021-01-01,自建机房\n") == 0
    found = {r["name"]: r for r in records(root).values()}
    assert {name: (r["unit"], r["status"], r["deployment"]) for name, r in found.items()} == {
        "甲系统": ("wjj", "operating", "county_cloud"), "乙系统": ("wjj", "operating", "county_cloud"),
        "丙系统": ("wjj", "operating", "own_machine_room")}


def test_same_as_above_with_nothing_above_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n1,甲系统,同上,在用,2020-01-01,自建机房\n") == 1
    assert "第 2 行 C 列（所属单位）：写的是“同上”，但上一条记录的该格为空" in capsys.readouterr().err


def test_a_unit_left_blank_below_the_first_row_is_missing_not_guessed(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n1,甲系统,卫健局,在用,2020-01-01,自建机房\n"
                            "2,乙系统,,在用,2020-01-01,自建机房\n") == 1
    assert "第 3 行 C 列（所属单位）：缺少所属单位" in capsys.readouterr().err


@pytest.mark.parametrize("placeholder", ["/", "-", "—", "／", "——"])
def test_a_slash_or_dash_in_a_cell_means_nothing_to_say(tmp_path: Path, placeholder: str) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join([*SYSTEM_HEADER, "等保级别"]) + "\n"
                            f"1,甲系统,财政局,在用,2020-01-01,自建机房,{placeholder}\n") == 0
    assert records(root)["czj-system-01"]["security"]["mlps_level"] is None


def test_row_numbers_in_a_column_titled_bianhao_are_not_taken_for_ids(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    header = ["编号", *SYSTEM_HEADER[1:]]
    assert import_csv(root, ",".join(header) + "\n1,甲系统,财政局,在用,2020-01-01,自建机房\n") == 1
    assert "编号 '1' 像是序号" in capsys.readouterr().err and not (root / "systems").exists()
    assert import_csv(root, ",".join(header) + "\nczj-fs,甲系统,财政局,在用,2020-01-01,自建机房\n") == 0
    assert list(records(root)) == ["czj-fs"]


# ------------------------------------------------------------------ text files: encodings and separators


@pytest.mark.parametrize(("encoding", "suffix", "separator"), [
    ("utf-8-sig", ".csv", ","), ("gbk", ".csv", ","), ("gb18030", ".csv", ","), ("utf-16", ".txt", "\t"),
    ("utf-16-le", ".txt", "\t"), ("utf-8", ".tsv", "\t"), ("gbk", ".csv", "\t"),
])
def test_text_tables_in_the_encodings_and_separators_excel_writes(
        tmp_path: Path, encoding: str, suffix: str, separator: str) -> None:
    root = county(tmp_path)
    file = tmp_path / f"台账{suffix}"
    rows = [SYSTEM_HEADER, ["1", "预算管理一体化系统", "财政局", "在用", "2020年5月", "县级政务云"]]
    file.write_bytes("\r\n".join(separator.join(row) for row in rows).encode(encoding))
    assert run(root, file) == 0
    (found,) = records(root).values()
    assert (found["name"], found["online_since"]) == ("预算管理一体化系统", dt.date(2020, 5, 1))


def test_a_ragged_csv_reads_short_rows_and_says_cells_beyond_the_header(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, "系统名称,所属单位,运行状态,上线时间,部署方式,等保级别\n"
                            "甲系统,财政局,在用,2020-01-01,自建机房\n"  # one cell short
                            "乙系统,财政局,在用,2020-01-01,自建机房,三级,另见附件\n") == 0
    assert "G 列没有列标题，其中第 3 行的内容未导入" in capsys.readouterr().err
    assert sorted(r["name"] for r in records(root).values()) == ["乙系统", "甲系统"]


@pytest.mark.parametrize(("suffix", "writer"), [(".xls", "xlsx"), (".xlsx", "xls"), (".xlsm", "xlsx")])
def test_a_workbook_is_read_by_what_it_is_not_by_its_name(tmp_path: Path, suffix: str, writer: str) -> None:
    root = county(tmp_path)
    file = tmp_path / f"台账{suffix}"
    if writer == "xlsx":
        workbook(tmp_path / "x.xlsx", SYSTEM_HEADER, [system("甲系统")]).rename(file)
    else:
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("台账")
        for number, row in enumerate([SYSTEM_HEADER, system("甲系统")]):
            for column, value in enumerate(row):
                sheet.write(number, column, value)
        book.save(str(file))
    assert run(root, file) == 0
    assert [r["name"] for r in records(root).values()] == ["甲系统"]


def test_a_workbook_with_an_opening_password_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "台账.xlsx"  # an encrypted .xlsx is an OLE file holding EncryptionInfo and the package
    file.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600)
    assert run(county(tmp_path), file) == 2
    err = capsys.readouterr().err
    assert "设置了打开密码" in err and "Traceback" not in err


# ------------------------------------------------------------------ headers


@pytest.mark.parametrize("name_header", ["系统\n名称", "系 统 名 称", "系统　名称", " 系统名称 "])
def test_headers_with_line_breaks_and_spaces_inside(tmp_path: Path, name_header: str) -> None:
    root = county(tmp_path)
    file = workbook(tmp_path / "台账.xlsx", ["序\n号", name_header, "所属\n单位", *SYSTEM_HEADER[3:]], [system("甲系统")])
    assert run(root, file) == 0
    assert [r["name"] for r in records(root).values()] == ["甲系统"]


def test_systems_and_projects_in_one_workbook(tmp_path: Path) -> None:
    root = county(tmp_path)
    book = Workbook()
    book.active.title = "信息系统"
    book.active.append(SYSTEM_HEADER)
    book.active.append(system("甲系统"))
    projects = book.create_sheet("项目库")
    projects.append([*PROJECT_HEADER, "总投资（万元）"])
    projects.append([1, "某项目", "卫健局", "2025年", "新建", "自建", "专业类", "审批制", 100])
    file = tmp_path / "台账.xlsx"
    book.save(file)
    assert run(root, file) == 0
    assert sorted((r["name"], r.get("year")) for r in records(root).values()) == [("某项目", 2025), ("甲系统", None)]


# ------------------------------------------------------------------ dates and numbers as people type them


@pytest.mark.parametrize(("written", "expected"), [
    ("2023年5月", dt.date(2023, 5, 1)), ("2023.05", dt.date(2023, 5, 1)), ("2023/5/1", dt.date(2023, 5, 1)),
    ("2023年5月份", dt.date(2023, 5, 1)), ("2023年05月06日", dt.date(2023, 5, 6)), ("２０２３．５", dt.date(2023, 5, 1)),
    ("2023-5-6 00:00:00", dt.date(2023, 5, 6)), ("20230506", dt.date(2023, 5, 6)), (45052, dt.date(2023, 5, 6)),
    (dt.datetime(2023, 5, 6), dt.date(2023, 5, 6)), ("23年5月", dt.date(2023, 5, 1)),
])
def test_dates_as_people_write_them(tmp_path: Path, capsys: pytest.CaptureFixture[str], written: Any,
                                    expected: dt.date) -> None:
    root = county(tmp_path)
    assert run(root, workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统", online=written)])) == 0
    assert records(root)["czj-system-01"]["online_since"] == expected
    if written == "23年5月":
        assert "'23年5月' 按 2023-05-01 导入（年份只写了两位）" in capsys.readouterr().err


@pytest.mark.parametrize(("written", "said"), [
    (2019, "日期只写了年份 2019：请写到月"),  # a number cell: never read as day 2019 of Excel's calendar (1905)
    ("2019", "日期 '2019' 没有写到月"), ("2019年", "没有写到月"), ("2023年第二季度", "没有写到月"), ("2023年上半年", "没有写到月"),
    ("2023年底", "没有写到月"), (15, "无法识别的日期 '15'"), ("五月", "无法识别的日期"),
])
def test_a_date_without_its_month_is_refused_never_guessed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            written: Any, said: str) -> None:
    root = county(tmp_path)
    assert run(root, workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统", online=written)])) == 1
    err = capsys.readouterr().err
    assert "第 2 行 E 列（上线时间）" in err and said in err
    assert not (root / "systems").exists()


@pytest.mark.parametrize(("written", "expected"), [
    ("１２０", 120), (" 120 万元 ", 120), ("1,200.5", 1200.5), ("￥1,200.00", 1200), ("¥120", 120), (120.0, 120),
])
def test_amounts_as_people_write_them(tmp_path: Path, written: Any, expected: float) -> None:
    root = county(tmp_path)
    header = [*PROJECT_HEADER, "总投资（万元）"]
    file = workbook(tmp_path / "项目库.xlsx", header, [[1, "某项目", "卫健局", 2025, "新建", "自建", "专业类", "审批制", written]])
    assert run(root, file) == 0
    (project,) = records(root).values()
    assert project["budget"]["total_wan"] == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("是", True), ("√", True), ("✓", True), ("否", False), ("×", False), ("✗", False), ("无", False)])
def test_yes_and_no_as_ticks_and_crosses(written: str, expected: bool) -> None:
    assert to_bool(written) is expected


def test_a_tick_in_a_yes_no_column_imports(tmp_path: Path) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join([*SYSTEM_HEADER, "已共享"]) + "\n1,甲系统,财政局,在用,2020-01-01,自建机房,√\n"
                            "2,乙系统,财政局,在用,2020-01-01,自建机房,×\n") == 0
    assert {r["name"]: r["data"]["shared"] for r in records(root).values()} == {"甲系统": True, "乙系统": False}


# ------------------------------------------------------------------ templates as handed out


def test_a_template_numbered_in_advance_sets_aside_rows_with_only_their_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n1,甲系统,财政局,在用,2020-01-01,自建机房\n2,,,,,\n3,,,,,\n") == 0
    err = capsys.readouterr().err
    assert "第 3 行：只有序号的空行，已跳过" in err and "第 4 行：只有序号的空行，已跳过" in err
    assert [r["name"] for r in records(root).values()] == ["甲系统"]


def test_a_group_title_centred_across_its_columns_without_merging(tmp_path: Path) -> None:
    root = county(tmp_path)
    file = tmp_path / "项目库.csv"  # 资金来源 written over 本级财政 | 上级资金, nothing merged (a CSV cannot merge)
    file.write_text("序号,项目名称,建设单位,年度,总投资（万元）,资金来源,,建设性质,建设方式,项目类别,管理方式\n"
                    ",,,,,本级财政,上级资金,,,,\n"
                    "1,某项目,卫健局,2025,100,60,40,新建,自建,专业类,审批制\n", encoding="utf-8")
    assert run(root, file) == 0
    (project,) = records(root).values()
    assert [(s["kind"], s["amount_wan"]) for s in project["budget"]["sources"]] == [("county_budget", 60), ("superior_fund", 40)]


# ------------------------------------------------------------------ the words county ledgers use


@pytest.mark.parametrize(("written", "expected"), [("未定级", None), ("不涉及", None), ("三级", 3), ("第二级", 2)])
def test_not_graded_is_no_level(tmp_path: Path, written: str, expected: int | None) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join([*SYSTEM_HEADER, "等保备案级别"]) + f"\n1,甲系统,财政局,在用,2020-01-01,自建机房,{written}\n") == 0
    assert records(root)["czj-system-01"]["security"]["mlps_level"] == expected


def test_the_usual_headers_and_status_words_of_county_lists(tmp_path: Path) -> None:
    root = county(tmp_path)
    assert import_csv(root, "序号,系统（平台）名称,所属部门,运行情况,上线运行时间,部署情况\n"
                            "1,甲系统,财政局,正在运行,2020-01-01,自建机房\n2,乙系统,财政局,正在建设,,县级政务云\n") == 0
    assert {r["name"]: r["status"] for r in records(root).values()} == {"甲系统": "operating", "乙系统": "building"}
    projects = tmp_path / "项目.csv"
    projects.write_text("项目名称,项目建设单位,建设年度,项目总投资,项目建设内容,建设性质,建设方式,项目类别,管理方式\n"
                        "某项目,卫健局,2025年度,100,建设某平台,新建,自建,专业类,审批制\n", encoding="utf-8")
    assert run(root, projects) == 0
    (project,) = [r for r in records(root).values() if "year" in r]
    assert (project["year"], project["budget"]["total_wan"], project["content"]) == (2025, 100, "建设某平台")


def test_a_unit_s_thousandth_project_of_a_year_is_reported_not_a_crash(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)  # project ids are year-unit-NNN: 999 a year per unit
    rows = "".join(f"{n},项目{n},卫生健康局,2025,新建,自建,专业类,审批制,10\n" for n in range(1, 1001))
    assert import_csv(root, ",".join([*PROJECT_HEADER, "总投资"]) + "\n" + rows, "--dry-run") == 1
    out, err = capsys.readouterr()
    assert "可导入 999 条" in out
    assert "第 1001 行" in err and "项目编号 001–999 已用完" in err and "Traceback" not in err


# ------------------------------------------------------------------ bounded work: a file cannot claim to be huge


def _refused(root: Path, file: Path, capsys: pytest.CaptureFixture[str], said: str) -> None:
    assert run(root, file) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (root / "systems").exists()


def test_a_row_numbered_past_the_limit_is_refused_without_reading_the_rows_between(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统")])
    _rewrite_sheet(file, lambda xml: xml.replace("</sheetData>", '<row r="999999999999"><c r="A999999999999" '
                                                 't="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    _refused(county(tmp_path), file, capsys, "超过 100000 行")


def test_a_far_cell_on_many_rows_is_refused_and_one_far_cell_is_said(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def far_cells(rows: int) -> Any:
        def change(sheet: Any) -> None:
            for row in range(1, rows + 1):
                sheet.cell(row=row, column=16384, value="x")
        return change

    root = county(tmp_path)
    _refused(root, workbook(tmp_path / "宽.xlsx", SYSTEM_HEADER, [system("甲系统")] * 130, far_cells(131)),
             capsys, "超过 2000000 个单元格")
    stray = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统")],
                     lambda sheet: sheet.cell(row=2, column=16384, value="随手写的"))
    assert run(root, stray) == 0
    assert "XFD 列没有列标题，其中第 2 行的内容未导入" in capsys.readouterr().err


def test_an_xlsx_too_large_once_unzipped_is_refused_before_it_is_unzipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import registry.sheetlimits

    monkeypatch.setattr(registry.sheetlimits, "MAX_UNPACKED_BYTES", 1000)  # a zip bomb, in miniature
    _refused(county(tmp_path), workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统")]), capsys, "解压后有")


@pytest.mark.parametrize(("text", "said"), [
    ("系统名称,所属单位\n" + "甲,财政局\n" * 100_001, "超过 100000 行"),
    ("系统名称,所属单位\n" + "," * 2_000_001 + "\n", "超过 2000000 个单元格"),
    ("系统名称,所属单位\n" + ("," * 99 + "\n") * 20_001, "超过 100000 行或 2000000 个单元格（到第 20001 行，最宽 100 列）"),
])
def test_a_csv_past_the_limits_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                          said: str) -> None:
    file = tmp_path / "台账.csv"
    file.write_text(text, encoding="utf-8")
    _refused(county(tmp_path), file, capsys, said)


def test_a_file_too_large_for_a_ledger_is_refused_before_it_is_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import registry.tables
    import registry.textgrid

    file = tmp_path / "台账.csv"
    file.write_text(",".join(SYSTEM_HEADER) + "\n1,甲系统,财政局,在用,2020-01-01,自建机房\n", encoding="utf-8")
    monkeypatch.setattr(registry.textgrid, "MAX_TEXT_BYTES", 10)
    root = county(tmp_path)
    _refused(root, file, capsys, "超过文本表格的上限")
    monkeypatch.setattr(registry.tables, "MAX_FILE_BYTES", 10)
    _refused(root, file, capsys, "不像是台账：请拆分后分别导入")


# ------------------------------------------------------------------ lines above and inside the table


@pytest.mark.parametrize(("above", "expected", "said"), [
    (["临河县2025年信息化项目计划表", "", "", "", "", "", "", "", "单位：元"], 120, "按表头上方写明的“单位：元”换算为万元"),
    (["临河县2025年信息化项目计划表（金额单位：元）"], 120, "单位：元"),
    (["填报单位：临河县卫生健康局", "", "", "", "单位：万元"], 1200000, None),
])
def test_the_money_unit_written_above_the_table_is_its_amounts_unit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], above: list[str], expected: float, said: str | None) -> None:
    root = county(tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.title = "项目库"
    sheet.append(above)
    sheet.append(["项目名称", "建设单位", "年度", "建设性质", "建设方式", "项目类别", "管理方式", "总投资", "本级财政"])
    sheet.append(["某项目", "卫生健康局", 2025, "新建", "自建", "专业类", "审批制", 1200000, 1200000])
    file = tmp_path / "项目库.xlsx"
    book.save(file)
    assert run(root, file) == 0
    err = capsys.readouterr().err
    (project,) = records(root).values()
    assert project["budget"]["total_wan"] == expected and project["budget"]["sources"][0]["amount_wan"] == expected
    if said:
        assert said in err
    else:
        assert "换算" not in err


def test_the_header_printed_again_on_every_page_is_set_aside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n1,甲系统,财政局,在用,2020-01-01,自建机房\n"
                            + ",".join(SYSTEM_HEADER) + "\n2,乙系统,财政局,在用,2020-01-01,自建机房\n") == 0
    assert "第 3 行：重复的表头行，已跳过" in capsys.readouterr().err
    assert sorted(r["name"] for r in records(root).values()) == ["乙系统", "甲系统"]


def test_a_name_wrapped_with_alt_enter_is_one_line(tmp_path: Path) -> None:
    root = county(tmp_path)
    file = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("预算管理\n一体化系统"), system("OA\nSystem 二期")])
    assert run(root, file) == 0
    assert sorted(r["name"] for r in records(root).values()) == ["OA System 二期", "预算管理一体化系统"]


def test_a_csv_cell_exported_as_an_excel_text_formula_is_its_text(tmp_path: Path) -> None:
    root = county(tmp_path)  # ="0012": what portals write so that Excel keeps leading zeros
    assert import_csv(root, "系统编号,系统名称,所属单位,运行状态,上线时间,部署方式\n"
                            '="czj-0012",甲系统,财政局,在用,="2020-01-01",自建机房\n') == 0
    assert records(root)["czj-0012"]["online_since"] == dt.date(2020, 1, 1)


# ------------------------------------------------------------------ rows twice, headers numbered


def test_a_row_copied_twice_is_one_record_reported_not_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    assert import_csv(root, ",".join(SYSTEM_HEADER) + "\n1,甲系统,财政局,在用,2020-01-01,自建机房\n"
                            "2,甲系统,财政局,在用,2020-01-01,自建机房\n") == 1
    assert "第 3 行 B 列（系统名称）：与工作表 台账.csv 第 2 行是同一条记录（单位、名称相同）" in capsys.readouterr().err
    assert not (root / "systems").exists()


def test_the_same_project_name_in_two_years_is_two_projects_and_each_year_updates_its_own(tmp_path: Path) -> None:
    root = county(tmp_path)
    text = ",".join([*PROJECT_HEADER, "总投资"]) + "\n" + "".join(
        f"{n},某系统运维,卫生健康局,{year},运维,购买,专业类,备案制,{amount}\n" for n, year, amount in ((1, 2024, 10), (2, 2025, 12)))
    assert import_csv(root, text) == 0
    assert import_csv(root, text.replace(",12\n", ",15\n")) == 0
    found = {r["year"]: r["budget"]["total_wan"] for r in records(root).values()}
    assert found == {2024: 10, 2025: 15}


@pytest.mark.parametrize("name_header", ["1.系统名称", "（2）系统名称", "②系统名称", "系统名称：", "2、系统名称"])
def test_numbered_and_colon_headers_are_their_fields(tmp_path: Path, name_header: str) -> None:
    root = county(tmp_path)
    assert import_csv(root, f"{name_header},所属单位,运行状态,上线时间,部署方式\n甲系统,财政局,在用,2020-01-01,自建机房\n") == 0
    assert [r["name"] for r in records(root).values()] == ["甲系统"]


# ------------------------------------------------------------------ notes in brackets, years and months as numbers


@pytest.mark.parametrize(("column", "written", "key", "expected"), [
    ("部署方式", "县级政务云（电子政务外网）", "deployment", "county_cloud"),
    ("运行状态", "在用（已等保）", "status", "operating"),
    ("等保级别", "三级（已测评）", "security", 3),
    ("已共享", "是（已接入省平台）", "data", True),
])
def test_a_value_with_a_note_in_brackets_is_the_value_and_the_note_is_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, written: str, key: str, expected: Any) -> None:
    root = county(tmp_path)
    header = ["系统名称", "所属单位", "运行状态", "上线时间", "部署方式", column]
    row = ["甲系统", "财政局", "在用", "2020-01-01", "自建机房", written]
    if column in header[:-1]:
        header, row = header[:-1], [written if h == column else v for h, v in zip(header[:-1], row)]
    assert import_csv(root, ",".join(header) + "\n" + ",".join(row) + "\n") == 0
    assert "括号中的说明未导入" in capsys.readouterr().err
    found = records(root)["czj-system-01"][key]
    found = found.get("mlps_level", found.get("shared")) if isinstance(found, dict) else found
    assert found == expected


@pytest.mark.parametrize(("written", "expected"), [(2020.05, dt.date(2020, 5, 1)), (2020.12, dt.date(2020, 12, 1)),
                                                   (2020.2, dt.date(2020, 2, 1)), (2020.1, None), (2020.13, None)])
def test_a_year_and_month_typed_into_a_number_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str], written: float,
                                                   expected: dt.date | None) -> None:
    root = county(tmp_path)
    code = run(root, workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统", online=written)]))
    if expected is None:
        assert code == 1 and "第 2 行 E 列（上线时间）" in capsys.readouterr().err
    else:
        assert code == 0 and records(root)["czj-system-01"]["online_since"] == expected


# ------------------------------------------------------------------ web pages saved as .xls


PORTAL_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>
<table border="1">
<tr><td colspan="7">临河县政务信息系统清单</td></tr>
<tr><th rowspan="2">序号</th><th rowspan="2">单位</th><th rowspan="2">系统<br>名称</th><th rowspan="2">运行状态</th>
    <th rowspan="2">上线时间</th><th colspan="2">部署与安全</th></tr>
<tr><th>部署方式</th><th>等保级别</th></tr>
<tr><td>1</td><td rowspan="2">县财政局</td><td>预算管理&nbsp;一体化系统</td><td>在用</td><td>2020-05-01</td><td>县级政务云</td><td>三级</td></tr>
<tr><td>2</td><td>非税收入<br/>管理系统</td><td>在用</td><td>2019年3月</td><td>自建机房</td><td>二级</td></tr>
<tr style="display:none"><td>3</td><td>县财政局</td><td>已删除的系统</td><td>停用</td><td>2010-01-01</td><td>自建机房</td><td></td></tr>
</table></body></html>"""


def test_a_web_page_saved_as_xls_by_a_portal_imports_like_a_workbook(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = tmp_path / "系统清单.xls"
    file.write_bytes(PORTAL_PAGE.encode("gbk"))
    assert run(root, file) == 0
    err = capsys.readouterr().err
    found = {r["name"]: r for r in records(root).values()}
    assert set(found) == {"预算管理 一体化系统", "非税收入管理系统"}  # <br> inside a name: one line
    assert {r["unit"] for r in found.values()} == {"czj"}  # rowspan: the unit beside both systems
    assert found["非税收入管理系统"]["online_since"] == dt.date(2019, 3, 1)
    assert found["预算管理 一体化系统"]["security"]["mlps_level"] == 3  # 等保级别 under the colspan group title
    assert "工作表 表1 第 6 行：隐藏的行" in err


def test_a_web_page_with_a_hostile_span_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "导出.xls"
    file.write_text("<table><tr><td>系统名称</td><td>所属单位</td></tr>" + "<tr><td colspan='9999999'>x</td></tr>" * 200
                    + "</table>", encoding="utf-8")
    _refused(county(tmp_path), file, capsys, "不像是台账")


SPREADSHEET_XML = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:x="urn:schemas-microsoft-com:office:excel">
 <Worksheet ss:Name="系统清单"><Table><Column ss:Width="30"/><Column ss:Index="7" ss:Hidden="1"/>
  <Row><Cell ss:MergeAcross="5"><Data ss:Type="String">临河县政务信息系统清单</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">序号</Data></Cell><Cell><Data ss:Type="String">所属单位</Data></Cell>
   <Cell><Data ss:Type="String">系统名称</Data></Cell><Cell><Data ss:Type="String">运行状态</Data></Cell>
   <Cell><Data ss:Type="String">上线时间</Data></Cell><Cell><Data ss:Type="String">等保级别</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">1</Data></Cell><Cell ss:MergeDown="1"><Data ss:Type="String">县财政局</Data></Cell>
   <Cell><Data ss:Type="String">预算管理一体化系统</Data></Cell><Cell><Data ss:Type="String">在用</Data></Cell>
   <Cell><Data ss:Type="DateTime">2020-05-01T00:00:00.000</Data></Cell><Cell><Data ss:Type="Number">3</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">2</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">非税收入管理系统</Data></Cell>
   <Cell><Data ss:Type="String">在用</Data></Cell><Cell><Data ss:Type="String">2019年3月</Data></Cell></Row>
  <Row ss:Hidden="1"><Cell><Data ss:Type="Number">3</Data></Cell><Cell><Data ss:Type="String">县财政局</Data></Cell>
   <Cell><Data ss:Type="String">旧系统</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"""


def test_an_excel_2003_xml_spreadsheet_saved_as_xls_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = tmp_path / "系统清单.xls"
    file.write_text(SPREADSHEET_XML, encoding="utf-8")
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("defaults:\n  deployment: county_cloud\n", encoding="utf-8")
    assert run(root, file, "--mapping", str(mapping)) == 0
    err = capsys.readouterr().err
    found = {r["name"]: r for r in records(root).values()}
    assert set(found) == {"预算管理一体化系统", "非税收入管理系统"} and {r["unit"] for r in found.values()} == {"czj"}
    assert found["预算管理一体化系统"]["online_since"] == dt.date(2020, 5, 1)
    assert found["预算管理一体化系统"]["security"]["mlps_level"] == 3
    assert "工作表 系统清单 第 5 行：隐藏的行" in err


def test_an_excel_2003_xml_spreadsheet_with_an_error_or_a_hostile_merge(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = tmp_path / "系统清单.xml"
    file.write_text(SPREADSHEET_XML.replace('<Data ss:Type="String">非税收入管理系统</Data>', '<Data ss:Type="Error">#REF!</Data>'),
                    encoding="utf-8")
    assert run(root, file, "--dry-run") == 1
    assert "第 4 行 C 列（系统名称）：单元格是错误值 #REF!" in capsys.readouterr().err
    file.write_text(SPREADSHEET_XML.replace('ss:MergeDown="1"', 'ss:MergeDown="999999999"'), encoding="utf-8")
    _refused(root, file, capsys, "不像是一个县的台账")


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace('<row r="3">', '<row r="2">'),  # a row number twice
    lambda xml: xml.replace('<row r="2">', '<row r="9">'),  # rows out of order
    lambda xml: xml.replace('r="B2"', 'r="A2"'),  # a cell twice in its row
])
def test_rows_or_cells_out_of_order_or_twice_are_refused_never_dropped(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                       change: Any) -> None:
    file = workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [system("甲系统"), system("乙系统"), system("丙系统")])
    _rewrite_sheet(file, change)
    _refused(county(tmp_path), file, capsys, "顺序错乱或重复")


def test_an_excel_2003_xml_row_index_that_goes_back_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "系统清单.xls"
    file.write_text(SPREADSHEET_XML.replace('<Row ss:Hidden="1">', '<Row ss:Index="3">'), encoding="utf-8")
    _refused(county(tmp_path), file, capsys, "顺序错乱或重复")
