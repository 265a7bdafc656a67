"""`registry schema`: standard JSON Schemas that validators and editors accept."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from registry.cli import main
from registry.loader import record_files
from registry.yamlio import parse

REPO = Path(__file__).resolve().parents[1]
KINDS = {"systems": "system.schema.json", "projects": "project.schema.json"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schema")
    assert main(["--root", str(REPO), "schema", "--out", str(out)]) == 0
    return out


def as_json(value: Any) -> Any:
    """YAML data as JSON sees it: dates become ISO strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def validator(schemas: Path, name: str) -> Draft202012Validator:
    schema = json.loads((schemas / name).read_text("utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schemas_pass_the_metaschema(schemas: Path) -> None:
    names = sorted(p.name for p in schemas.iterdir())
    assert names == ["project.schema.json", "registry.schema.json", "system.schema.json"]
    for name in names:
        Draft202012Validator.check_schema(json.loads((schemas / name).read_text("utf-8")))


def test_every_demo_record_validates(schemas: Path) -> None:
    checked = 0
    for path in record_files(REPO):
        data = as_json(parse((REPO / path).read_bytes()).data)
        errors = list(validator(schemas, KINDS[path.split("/")[0]]).iter_errors(data))
        assert errors == [], (path, [e.message for e in errors])
        checked += 1
    config = as_json(parse((REPO / "registry.yaml").read_bytes()).data)
    assert list(validator(schemas, "registry.schema.json").iter_errors(config)) == []
    assert checked >= 70


@pytest.mark.parametrize(
    ("change", "words"),
    [({"nmae": "错字"}, "Additional properties"), ({"status": "runing"}, "is not one of"),
     ({"deployment": None}, "None is not one of"), ({"security": {"mlps_level": 5}}, "is not valid under any")],
    ids=["unknown-key", "wrong-enum", "required-null", "out-of-range"],
)
def test_bad_records_fail_the_schema(schemas: Path, change: dict[str, Any], words: str) -> None:
    record = {"id": "czj-x", "name": "甲", "unit": "czj", "status": "planned", "deployment": "county_cloud", **change}
    messages = [e.message for e in validator(schemas, "system.schema.json").iter_errors(record)]
    assert any(words in m for m in messages), messages


def test_milestones_accept_a_bare_date_or_a_mapping(schemas: Path) -> None:
    project = as_json(parse((REPO / "projects/gaj/2025-gaj-002.yaml").read_bytes()).data)
    project["milestones"] = {"declared": "2024-10-16", "approved": {"date": "2025-03-14", "doc_no": "金大数据发〔2025〕11号"}}
    assert list(validator(schemas, "project.schema.json").iter_errors(project)) == []
    project["milestones"]["declared"] = "十月"
    assert list(validator(schemas, "project.schema.json").iter_errors(project)) != []


def test_every_property_has_a_chinese_title(schemas: Path) -> None:
    for name in KINDS.values():
        schema = json.loads((schemas / name).read_text("utf-8"))
        for holder in [schema, *schema.get("$defs", {}).values()]:
            for key, prop in holder.get("properties", {}).items():
                assert _CJK.search(prop.get("title", "")), f"{name}: {key} has no Chinese title"
        status = schema["$defs"].get("SystemStatus")
        if status:
            assert status["enumDescriptions"] == ["规划中", "建设中", "试运行", "运行中", "已停用", "已整合"]


def test_check_jsonschema_accepts_the_yaml_files(schemas: Path) -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extras")
    files = [str(REPO / p) for p in record_files(REPO) if p.startswith("systems/")][:10]
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schemas / "system.schema.json"), *files],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_committed_schemas_are_current(schemas: Path) -> None:
    """Templates point editors at ../../schema/*.json: the committed copies must match."""
    for name in ("registry.schema.json", "system.schema.json", "project.schema.json"):
        committed = REPO / "schema" / name
        assert committed.exists(), "run `registry schema` and commit schema/"
        assert committed.read_text("utf-8") == (schemas / name).read_text("utf-8"), (
            f"schema/{name} is stale: run `registry schema` and commit it"
        )


def test_schema_out_directory_is_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    assert main(["--root", str(REPO), "schema", "--out", str(target)]) == 0
    assert len(list(target.glob("*.schema.json"))) == 3
    shutil.rmtree(target)
