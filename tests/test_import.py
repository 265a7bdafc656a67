"""`registry import`: the demo registry's own export round-trips; a county's ledger in its own
layout imports through synonyms and a mapping file, every bad row reported by sheet, row and
column; re-importing updates instead of duplicating (issue 11)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from ruamel.yaml import YAML

from registry.checking import load_head
from registry.cli import main
from registry.export import INTERNAL_FIELDS

REPO = Path(__file__).resolve().parents[1]
CONFIG = """\
jurisdiction: 临河县
profiles: [jinxiang]
authorities: {data_authority: dsj, finance: czj}
units:
  - {id: dsj, name: 临河县大数据局, kind: authority}
  - {id: czj, name: 临河县财政局, kind: department}
  - {id: wjj, name: 临河县卫生健康局, kind: department}
"""


def records(root: Path) -> dict[str, dict[str, Any]]:
    """Every record as published data (internal notes and contacts left out), by id."""
    head = load_head(root)
    out = {}
    for record in [*head.systems, *head.projects]:
        out[record.id] = record.model_dump(exclude=set(INTERNAL_FIELDS[type(record)]))
    return out


def findings(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, ...]]]:
    capsys.readouterr()
    code = main(["--root", str(root), "check", "--no-cache", "--today", "2026-12-01", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    return code, sorted((f["rule"], f["path"], f["field"], f["message"]) for f in found)


def empty_like(tmp_path: Path, source: Path) -> Path:
    """An empty registry with the same registry.yaml (and the attachments the records cite)."""
    root = tmp_path / "empty"
    root.mkdir()
    shutil.copy(source / "registry.yaml", root / "registry.yaml")
    if (source / "docs").is_dir():
        shutil.copytree(source / "docs", root / "docs")
    return root


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_demo_registry_round_trips_through_its_own_export(tmp_path: Path, fmt: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / ("catalog.xlsx" if fmt == "xlsx" else "csv")
    assert main(["--root", str(REPO), "export", "--format", fmt, "--out", str(out), "--today", "2026-01-01"]) == 0
    root = empty_like(tmp_path, REPO)
    files = [out] if fmt == "xlsx" else [out / "systems.csv", out / "projects.csv"]
    for file in files:
        assert main(["--root", str(root), "import", str(file)]) == 0, capsys.readouterr().err
    assert records(root) == records(REPO)
    capsys.readouterr()
    # the same findings as the demo itself (each rule, file, field and message; lines differ)
    assert findings(root, capsys) == findings(REPO, capsys)
    for file in files:  # again: nothing to write, nothing duplicated
        assert main(["--root", str(root), "import", str(file)]) == 0
    assert "已写入 0 条记录" in capsys.readouterr().out
    assert records(root) == records(REPO)


def ledger(path: Path, header: list[str], rows: list[list[Any]], title: str | None = "临河县政务信息系统清单") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "系统台账"
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def county(tmp_path: Path) -> Path:
    root = tmp_path / "county"
    root.mkdir()
    (root / "registry.yaml").write_text(CONFIG, encoding="utf-8")
    return root


HEADER = ["序号", "系统名称", "所属单位", "运行状态", "上线时间", "部署方式", "等保级别"]
GOOD = [
    [1, "预算管理一体化系统", "财政局", "在用", dt.datetime(2021, 6, 1), "县级政务云", "三级"],
    [2, "国库集中支付系统", "临河县财政局", "运行中", "2024年3月", "自建机房", "二级"],
    [3, "健康档案系统", "卫生健康局", "运行中", "2024.03.01", "市级政务云", 3],
    [4, "旧疫苗系统", "wjj", "运行中", "2024/3/1", "县级政务云", ""],
    [5, "核酸检测系统", "卫生健康局", "试运行", 45352, "县级政务云", "第二级"],
]


def test_a_ledger_with_the_usual_headers_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = ledger(tmp_path / "台账.xlsx", HEADER, GOOD)
    assert main(["--root", str(root), "import", str(file), "--dry-run"]) == 0
    assert "将新建 systems/czj/czj-system-01.yaml" in capsys.readouterr().out
    assert not (root / "systems").exists()
    assert main(["--root", str(root), "import", str(file)]) == 0
    found = records(root)
    assert found["czj-system-01"]["name"] == "预算管理一体化系统"
    assert found["czj-system-01"]["status"] == "operating" and found["czj-system-01"]["security"]["mlps_level"] == 3
    assert found["czj-system-02"]["online_since"] == dt.date(2024, 3, 1)
    assert found["czj-system-02"]["deployment"] == "own_machine_room"
    assert {found[f"wjj-system-0{n}"]["online_since"] for n in (1, 2, 3)} == {dt.date(2024, 3, 1)}
    assert found["wjj-system-03"]["status"] == "trial" and found["wjj-system-03"]["security"]["mlps_level"] == 2
    capsys.readouterr()
    assert main(["--root", str(root), "check", "--no-cache"]) in (0, 1)
    assert "REG00" not in capsys.readouterr().out  # valid records in the right place


def test_every_bad_row_is_reported_by_sheet_row_and_column_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    bad = [
        [6, "", "财政局", "运行中", "2024-01-01", "县级政务云", ""],
        [7, "教育系统", "教育局", "运行中", "2024-01-01", "县级政务云", ""],
        [8, "日期错误系统", "财政局", "运行中", "去年", "县级政务云", ""],
        [9, "状态错误系统", "财政局", "半停用", "2024-01-01", "县级政务云", ""],
        [10, "等保错误系统", "财政局", "运行中", "2024-01-01", "县级政务云", "五级"],
        [11, "缺部署系统", "财政局", "运行中", "2024-01-01", "", ""],
    ]
    file = ledger(tmp_path / "台账.xlsx", HEADER, GOOD + bad)
    assert main(["--root", str(root), "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert not (root / "systems").exists()
    expected = [
        ("第 8 行", "缺少系统名称"),
        ("第 9 行 C 列（所属单位）", "单位 '教育局' 未在 registry.yaml"),
        ("第 10 行 E 列（上线时间）", "无法识别的日期 '去年'"),
        ("第 11 行 D 列（运行状态）", "无法识别的取值 '半停用'"),
        ("第 12 行 G 列（等保级别）", "超出允许范围（当前值：5）"),
        ("第 13 行", "缺少必填字段 deployment"),
    ]
    for where, reason in expected:
        line = next((line for line in err.splitlines() if f"工作表 系统台账 {where}" in line), "")
        assert reason in line, f"{where}: {err}"
    assert "未写入任何文件" in err
    assert main(["--root", str(root), "import", str(file), "--partial"]) == 1
    assert len(records(root)) == len(GOOD)


def test_a_mapping_file_maps_headers_values_units_and_defaults(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    mapping = tmp_path / "映射.yaml"
    mapping.write_text(
        "kind: systems\n"
        "columns:\n  系统中文名: name\n  责任科室: unit\n  使用情况: status\n  启用: online_since\n  备注: null\n"
        "values:\n  status: {在运: operating, 已撤销: retired}\n"
        "units:\n  卫健委: wjj\n"
        "defaults:\n  deployment: county_cloud\n", encoding="utf-8")
    rows = [["系统中文名", "责任科室", "使用情况", "启用", "备注"],
            ["医保结算系统", "卫健委", "在运", "2023-05-01", "无"],
            ["老旧系统", "卫健委", "已撤销", "2019-01-01", ""]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    file = tmp_path / "台账.csv"
    file.write_bytes(buffer.getvalue().encode("gb18030"))
    code = main(["--root", str(root), "import", str(file), "--mapping", str(mapping)])
    err = capsys.readouterr().err
    assert code == 1  # a retired system needs retired_on: reported, nothing written
    assert "第 3 行" in err and "retired_on" in err and not (root / "systems").exists()
    assert main(["--root", str(root), "import", str(file), "--mapping", str(mapping), "--partial"]) == 1
    found = records(root)
    assert found["wjj-system-01"]["status"] == "operating"
    assert found["wjj-system-01"]["deployment"] == "county_cloud"
    mapping.write_text("columns:\n  系统中文名: nmae\n", encoding="utf-8")
    assert main(["--root", str(root), "import", str(file), "--mapping", str(mapping)]) == 2
    assert "nmae" in capsys.readouterr().err


def test_reimporting_updates_the_matching_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = ledger(tmp_path / "台账.xlsx", HEADER, GOOD[:1])
    assert main(["--root", str(root), "import", str(file)]) == 0
    path = root / "systems/czj/czj-system-01.yaml"
    path.write_text("# 财政局补充的说明\n" + path.read_text("utf-8") + "description: 预算编制与执行\n", encoding="utf-8")
    changed = [[1, "预算管理一体化系统", "财政局", "已停用", dt.datetime(2021, 6, 1), "县级政务云", "三级"]]
    file = ledger(tmp_path / "台账2.xlsx", [*HEADER, "停用时间", "停用依据"],
                  [[*changed[0], "2025-06-30", "临财发〔2025〕3号"]])
    assert main(["--root", str(root), "import", str(file)]) == 0
    assert "更新 systems/czj/czj-system-01.yaml" in capsys.readouterr().out
    assert sorted(p.name for p in (root / "systems/czj").iterdir()) == ["czj-system-01.yaml"]
    text = path.read_text("utf-8")
    assert "# 财政局补充的说明" in text and "description: 预算编制与执行" in text
    data = YAML(typ="safe").load(text)
    assert data["status"] == "retired" and str(data["retired_on"]) == "2025-06-30"


def test_a_project_ledger_imports_amounts_sources_and_approvals(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    mapping = tmp_path / "映射.yaml"
    mapping.write_text("defaults: {nature: upgrade, delivery: build, scope: professional, track: approval}\n",
                       encoding="utf-8")
    header = ["项目名称", "建设单位", "总投资（万元）", "资金来源", "批复文号", "批复时间"]
    rows = [["预算系统升级", "财政局", "120.5万元", "本级财政", "临政字〔2025〕3号", "2025年3月"],
            ["卫健信息平台", "卫生健康局", "1,000", "本级财政 600；上级资金 400", "临政字〔2024〕9号", "2024/5/6"]]
    book = Workbook()
    book.active.title = "项目台账"
    for row in [header, *rows]:
        book.active.append(row)
    book.save(tmp_path / "项目.xlsx")
    assert main(["--root", str(root), "import", str(tmp_path / "项目.xlsx"), "--mapping", str(mapping)]) == 0, \
        capsys.readouterr().err
    found = records(root)
    first, second = found["2025-czj-001"], found["2024-wjj-001"]
    assert first["budget"]["total_wan"] == 120.5
    assert first["budget"]["sources"] == [{"kind": "county_budget", "amount_wan": 120.5}]
    assert first["milestones"]["approved"]["doc_no"] == "临政字〔2025〕3号"
    assert first["milestones"]["approved"]["date"] == dt.date(2025, 3, 1)
    assert second["budget"]["total_wan"] == 1000
    assert [s["amount_wan"] for s in second["budget"]["sources"]] == [600, 400]


@pytest.mark.parametrize("content, reason", [
    (b"PK\x03\x04not a zip", "不是有效的 xlsx 文件"),
    (b"", "找不到可导入的表"),
])
def test_unreadable_files_are_usage_errors(tmp_path: Path, content: bytes, reason: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    file = tmp_path / ("坏.xlsx" if content else "空.csv")
    file.write_bytes(content)
    assert main(["--root", str(root), "import", str(file)]) == 2
    assert reason in capsys.readouterr().err


def test_the_chinese_layout_with_code_columns_and_a_data_dictionary_imports(tmp_path: Path) -> None:
    """The open-data layout with Chinese headers and values, the codes in extra …代码 columns
    and a 数据字典 sheet (表, 列名, 字段): each field is read from whichever column it can."""
    root = county(tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.title = "政务信息系统"
    sheet.append(["编号", "系统全名", "单位", "单位代码", "状态", "状态代码", "部署", "部署代码", "上线"])
    sheet.append(["czj-budget", "预算系统", "临河县财政局", "czj", "运行中", "operating", "县级政务云", "county_cloud",
                  dt.datetime(2021, 6, 1)])
    sheet.append(["wjj-his", "医院系统", "", "wjj", "", "retired", "", "own_machine_room", "2019-01-01"])
    guide = book.create_sheet("数据字典")
    guide.append(["表", "列名", "字段", "含义"])
    for header, key in [("编号", "id"), ("系统全名", "name"), ("单位", "unit"), ("单位代码", "unit"), ("状态", "status"),
                        ("状态代码", "status"), ("部署", "deployment"), ("部署代码", "deployment"), ("上线", "online_since")]:
        guide.append(["政务信息系统", header, key, ""])
    book.save(tmp_path / "catalog.xlsx")
    assert main(["--root", str(root), "import", str(tmp_path / "catalog.xlsx"), "--partial"]) == 1  # retired_on
    found = records(root)
    assert found["czj-budget"]["unit"] == "czj" and found["czj-budget"]["status"] == "operating"
    assert found["czj-budget"]["deployment"] == "county_cloud" and found["czj-budget"]["name"] == "预算系统"


def test_the_readable_open_data_layout_of_projects_imports(tmp_path: Path) -> None:
    """Entries written for readers ("依据名称 …，文号 …；…"), one amount column per funding
    source, a dictionary whose keys mark the readable twin of a code column (``unit:label``)."""
    root = county(tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.title = "政务信息化项目"
    header = ["项目编号", "项目名称", "建设单位", "建设单位代码", "计划年度", "项目性质", "建设方式", "类别",
              "管理方式", "投资·投资概算（万元）", "投资·资金来源·本级财政预算（万元）", "投资·资金来源·上级资金（万元）",
              "建设依据", "绩效目标", "变更"]
    sheet.append(header)
    sheet.append(["2025-czj-001", "预算系统升级", "临河县财政局", "czj", 2025, "升级改造", "自行建设", "专业类", "审批制",
                  100, 60, 40,
                  "依据名称 临河县数字政府规划，文号 临政发〔2021〕3号，依据类型 规划；依据名称 上级通知，依据类型 上级或县委县政府明确要求",
                  "绩效指标 接入部门数，目标值 40；绩效指标 可用性，目标值 ≥99.9%",
                  "日期 2025-05-06，变更内容 增加接口，调整工期，金额变化（万元） 10，变更批复 临政字〔2025〕9号，2025-05-01"])
    guide = book.create_sheet("数据字典")
    guide.append(["表", "列名", "字段"])
    keys = ["id", "name", "unit:label", "unit", "year", "nature:label", "delivery:label", "scope:label", "track:label",
            "budget.total_wan", "budget.sources.county_budget", "budget.sources.superior_fund", "basis", "goals", "changes"]
    for title, key in zip(header, keys):
        guide.append(["政务信息化项目", title, key])
    book.save(tmp_path / "catalog.xlsx")
    assert main(["--root", str(root), "import", str(tmp_path / "catalog.xlsx")]) == 0
    project = records(root)["2025-czj-001"]
    assert project["budget"]["sources"] == [{"kind": "county_budget", "amount_wan": 60}, {"kind": "superior_fund", "amount_wan": 40}]
    assert project["basis"][0] == {"title": "临河县数字政府规划", "doc_no": "临政发〔2021〕3号", "kind": "plan"}
    assert project["basis"][1]["kind"] == "directive" and project["basis"][1]["doc_no"] is None
    assert [g["target"] for g in project["goals"]] == [40, "≥99.9%"]
    change = project["changes"][0]
    assert change["description"] == "增加接口，调整工期" and change["amount_wan"] == 10
    assert change["approval"]["doc_no"] == "临政字〔2025〕9号"
