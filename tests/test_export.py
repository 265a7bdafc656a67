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


def test_csv_has_one_table_per_kind_with_dotted_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(HOSTILE), "export", "--format", "csv", "--out", str(tmp_path))
    assert code == 0 and out.splitlines() == [str(tmp_path / f"{k}.csv") for k in ("units", "systems", "projects")]
    systems = {r["id"]: r for r in rows((tmp_path / "systems.csv").read_bytes())}
    assert systems["czj-xss"]["security.mlps_level"] == "2"
    assert systems["czj-xss"]["platforms"] == "big_data_platform; shandongtong"
    assert systems["czj-old"]["merged_into"] == "czj-xss" and systems["czj-old"]["status"] == "merged"
    projects = rows((tmp_path / "projects.csv").read_bytes())
    assert projects[0]["milestones.approved.date"] == "2024-02-01"
    assert projects[0]["budget.total_wan"] == "120"
    assert json.loads(projects[0]["basis"])[0]["kind"] == "plan"  # lists of mappings as JSON text
    units = rows((tmp_path / "units.csv").read_bytes())
    assert list(units[0]) == ["id", "name", "kind", "parent", "reviewers", "approvers"]


def test_csv_and_xlsx_do_not_run_formulas(tmp_path: Path) -> None:
    build_registry(tmp_path, {"records": {"systems/czj/czj-budget.yaml": {
        "name": "=HYPERLINK(\"http://evil.example\",\"点我\")", "description": "-2+3", "retirement_ref": "@SUM(A1)",
    }}})
    config, head = load_config(tmp_path), load_head(tmp_path)
    row = rows(export.to_csv(config, head)["systems.csv"])[0]
    assert row["name"].startswith("'=HYPERLINK") and row["description"] == "'-2+3" and row["retirement_ref"] == "'@SUM(A1)"
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(config, head, TODAY)))["政务信息系统"]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def xlsx_rows(content: bytes, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


def test_xlsx_has_chinese_titles_labels_and_a_field_guide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "目录.xlsx"
    code, out, _ = run(capsys, "--root", str(HOSTILE), "export", "--format", "xlsx", "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["单位", "政务信息系统", "政务信息化项目", "字段说明"]
    header, *records = xlsx_rows(target.read_bytes(), "政务信息系统")
    assert header[:4] == ["系统编号", "系统名称", "所属单位", "状态"] and "安全·等保级别" in header
    xss = next(r for r in records if r[0] == "czj-xss")
    assert xss[3] == "运行中" and xss[header.index("部署方式")] == "县级政务云"
    assert xss[header.index("接入平台")] == "一体化大数据平台、山东通"
    assert xss[header.index("执法监管系统")] == "否"
    guide = xlsx_rows(target.read_bytes(), "字段说明")
    assert ["政务信息系统", "安全·等保级别", "security.mlps_level"] == guide[[g[2] for g in guide].index("security.mlps_level")][:3]


def test_site_downloads_are_the_exported_files(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    files = generate(fixture_copy("hostile", tmp_path_factory), today=TODAY)
    root = ["--root", str(HOSTILE)]
    run(capsys, *root, "export", "--format", "csv", "--out", str(tmp_path))
    run(capsys, *root, "export", "--format", "json", "--today", "2025-12-01", "--out", str(tmp_path / "catalog.json"))
    run(capsys, *root, "export", "--format", "xlsx", "--today", "2025-12-01", "--out", str(tmp_path / "catalog.xlsx"))
    for name in ("catalog.json", "units.csv", "systems.csv", "projects.csv"):
        assert files[f"data/{name}"] == (tmp_path / name).read_bytes(), name
    for sheet in ("单位", "政务信息系统", "政务信息化项目", "字段说明"):  # xlsx embeds its save time
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
