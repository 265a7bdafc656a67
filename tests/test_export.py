"""`registry export` and registry.export: the public catalog as JSON, CSV and XLSX."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from casekit import build_registry
from registry import export
from registry.checking import load_head
from registry.cli import main
from registry.loader import load_config
from registry.models import Project, System, Unit
from registry.site import generate
from sitebuild import FIXTURES, fixture_copy

HOSTILE = FIXTURES / "hostile"
TODAY = dt.date(2025, 12, 1)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text as UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_internal_fields_are_exactly_those_the_models_mark_internal() -> None:
    """A field whose description says 内部信息 must be left out of every export, and only those."""
    for model in (System, Project, Unit):
        marked = {name for name, info in model.model_fields.items() if "内部信息" in (info.description or "")}
        assert marked == export.INTERNAL_FIELDS[model], model.__name__


def test_public_view_leaves_out_internal_fields() -> None:
    config = load_config(HOSTILE)
    head = load_head(HOSTILE)
    for record in (*head.systems, *head.projects):
        view = export.public_view(record)
        assert "notes" not in view and "contacts" not in view and view["id"] == record.id
    for unit in config.units:
        view = export.public_view(unit)
        assert "contact" not in view and view["name"] == unit.name


def test_json_holds_every_public_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(HOSTILE), "export", "--format", "json", "--today", "2025-12-01")
    assert code == 0
    data = json.loads(out)
    assert data["jurisdiction"] == "测试县<b>粗体</b>" and data["generated_on"] == "2025-12-01"
    assert [s["id"] for s in data["systems"]] == ["czj-old", "czj-xss", "wjj-table"]
    system = next(s for s in data["systems"] if s["id"] == "czj-xss")
    assert system["security"]["mlps_level"] == 2 and system["platforms"] == ["big_data_platform", "shandongtong"]
    project = data["projects"][0]
    assert project["milestones"]["contracted"]["implementation_months"] == 12
    assert project["budget"]["sources"] == [{"kind": "county_budget", "amount_wan": 120.0}]


def test_csv_has_chinese_headers_and_values_with_codes_in_extra_columns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(HOSTILE), "export", "--format", "csv", "--out", str(tmp_path))
    assert code == 0 and out.splitlines() == [str(tmp_path / f"{k}.csv") for k in ("units", "systems", "projects")]
    systems = {r["系统编号"]: r for r in rows((tmp_path / "systems.csv").read_bytes())}
    xss = systems["czj-xss"]
    assert xss["安全·等保级别"] == "2" and xss["状态"] == "运行中" and xss["状态代码"] == "operating"
    assert xss["部署方式"] == "县级政务云" and xss["部署方式代码"] == "county_cloud"
    assert xss["接入平台"] == "一体化大数据平台、山东通" and xss["接入平台代码"] == "big_data_platform; shandongtong"
    assert xss["所属单位"] == "财政局 <script>alert('unit')</script>" and xss["所属单位代码"] == "czj"
    assert xss["执法监管系统"] == "否"
    assert systems["czj-old"]["整合至"] == "czj-xss" and systems["czj-old"]["状态代码"] == "merged"
    header = list(xss)
    assert header.index("状态代码") > header.index("划转来源·日期")  # the machine columns come last
    projects = rows((tmp_path / "projects.csv").read_bytes())
    assert projects[0]["里程碑·立项批复·日期"] == "2024-02-01"
    assert projects[0]["投资·投资概算（万元）"] == "120"
    # Funding sources flattened: one amount column per kind of source.
    assert projects[0]["投资·资金来源·本级财政预算（万元）"] == "120" and projects[0]["投资·资金来源·社会资本（万元）"] == ""
    assert projects[0]["建设依据"].startswith("依据名称 ") and "依据类型 规划" in projects[0]["建设依据"]
    # No JSON in the readable columns; the machine form of lists of entries is in the 代码 twins.
    assert not any(value.startswith(("[{", "{")) for p in projects for k, value in p.items() if not k.endswith("代码"))
    assert json.loads(projects[0]["建设依据代码"])[0]["kind"] == "plan"
    assert json.loads(projects[0]["投资·资金来源代码"]) == [{"kind": "county_budget", "amount_wan": 120.0}]
    units = rows((tmp_path / "units.csv").read_bytes())
    # Approvers' and reviewers' identities are not published unless the registry says so.
    assert list(units[0]) == ["单位代码", "单位名称", "简称", "单位类型", "主管部门", "单位类型代码", "主管部门代码"]
    wjj = next(u for u in units if u["单位代码"] == "wjj")
    assert wjj["主管部门"] == "财政局 <script>alert('unit')</script>" and wjj["主管部门代码"] == "czj"


def test_csv_and_xlsx_do_not_run_formulas(tmp_path: Path) -> None:
    build_registry(tmp_path, {"records": {"systems/czj/czj-budget.yaml": {
        "name": "=HYPERLINK(\"http://evil.example\",\"点我\")", "description": "-2+3", "retirement_ref": "@SUM(A1)",
    }}})
    config, head = load_config(tmp_path), load_head(tmp_path)
    row = rows(export.to_csv(config, head)["systems.csv"])[0]
    assert row["系统名称"].startswith("'=HYPERLINK") and row["系统简介"] == "'-2+3" and row["停用依据"] == "'@SUM(A1)"
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(config, head, TODAY)))["政务信息系统"]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def xlsx_rows(content: bytes, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_xlsx_has_chinese_titles_labels_and_a_data_dictionary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "目录.xlsx"
    code, out, _ = run(capsys, "--root", str(HOSTILE), "export", "--format", "xlsx", "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["单位", "政务信息系统", "政务信息化项目", "数据字典"]
    for name in book.sheetnames:  # a filter on the header row, the header frozen
        assert book[name].auto_filter.ref.startswith("A1:") and book[name].freeze_panes == "A2"
    header, *records = xlsx_rows(target.read_bytes(), "政务信息系统")
    assert header[:5] == ["系统编号", "系统名称", "简称", "所属单位", "状态"] and "安全·等保级别" in header
    xss = next(r for r in records if r[0] == "czj-xss")
    assert xss[4] == "运行中" and xss[header.index("部署方式")] == "县级政务云"
    assert xss[header.index("接入平台")] == "一体化大数据平台、山东通"
    assert xss[header.index("执法监管系统")] == "否"
    assert xss[header.index("状态代码")] == "operating"
    guide = xlsx_rows(target.read_bytes(), "数据字典")
    assert guide[0] == ["表", "列名", "字段", "含义", "类型", "计量单位", "取值"]
    entry = guide[[g[2] for g in guide].index("security.mlps_level")]
    assert entry[:3] == ["政务信息系统", "安全·等保级别", "security.mlps_level"] and entry[4] == "整数"
    status = guide[[g[1] for g in guide].index("状态代码")]
    assert status[2] == "status" and "operating 运行中" in status[6]
    amount = guide[[g[1] for g in guide].index("投资·投资概算（万元）")]
    assert amount[4] == "数值" and amount[5] == "万元"


def test_site_downloads_are_the_exported_files(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    files = generate(fixture_copy("hostile", tmp_path_factory), today=TODAY)
    root = ["--root", str(HOSTILE)]
    run(capsys, *root, "export", "--format", "csv", "--out", str(tmp_path))
    run(capsys, *root, "export", "--format", "json", "--today", "2025-12-01", "--out", str(tmp_path / "catalog.json"))
    run(capsys, *root, "export", "--format", "xlsx", "--today", "2025-12-01", "--out", str(tmp_path / "catalog.xlsx"))
    for name in ("units.csv", "systems.csv", "projects.csv"):
        assert files[f"data/{name}"] == (tmp_path / name).read_bytes(), name
    site_json = files["data/catalog.json"]
    assert isinstance(site_json, bytes)
    published, exported = json.loads(site_json), json.loads((tmp_path / "catalog.json").read_bytes())
    assert {k: published[k] for k in exported} == exported  # the site's copy adds the DCAT description
    assert published["@type"] == "dcat:Catalog"
    for sheet in ("单位", "政务信息系统", "政务信息化项目", "数据字典"):  # xlsx embeds its save time
        site_xlsx = files["data/catalog.xlsx"]
        assert isinstance(site_xlsx, bytes)
        assert xlsx_rows(site_xlsx, sheet) == xlsx_rows((tmp_path / "catalog.xlsx").read_bytes(), sheet)
    assert json.loads(files["data/schema/system.schema.json"])["title"].startswith("政务信息系统")


def test_invalid_records_are_left_out_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_registry(tmp_path, {"records": {}, "raw": {"systems/czj/czj-bad.yaml": "id: czj-bad\nname: [坏\n"}})
    code, out, err = run(capsys, "--root", str(tmp_path), "export", "--format", "json")
    assert code == 0 and [s["id"] for s in json.loads(out)["systems"]] == ["czj-budget"]
    assert "1 个文件未通过校验，未导出" in err and "systems/czj/czj-bad.yaml" in err


def test_usage_errors_exit_2_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--root", str(tmp_path), "export", "--format", "json")
    assert code == 2 and "registry.yaml" in err
    (tmp_path / "blocker").write_text("a file where a folder should be")
    build_registry(tmp_path, {"records": {}})
    code, _, err = run(capsys, "--root", str(tmp_path), "export", "--format", "csv", "--out", str(tmp_path / "blocker"))
    assert code == 2 and "无法写入" in err
