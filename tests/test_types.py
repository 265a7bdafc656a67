"""Strict value types: the checker refuses exactly what the exported JSON Schema refuses.

Each value below is put into a valid record, then judged twice — by ``registry schema``'s
JSON Schema (with format checking, as check-jsonschema does) and by the models (REG002).
The two verdicts must agree, in both directions.
"""
from __future__ import annotations

import datetime as dt
import json
import typing
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError
from pydantic import Strict as StrictMode

from registry.cli import main
from registry.loader import load_record
from registry.models import Project, RegistryConfig, System
from registry.hiddentext import hidden
from registry.schema import SCHEMAS, schema_of
from registry.yamlio import YamlError, parse
from test_schema import as_json

SYSTEM = {"id": "czj-x", "name": "甲", "unit": "czj", "status": "planned", "deployment": "county_cloud"}
PROJECT = {"id": "2025-czj-001", "name": "乙", "unit": "czj", "year": 2025, "nature": "new", "delivery": "build",
           "scope": "public", "track": "approval", "budget": {"total_wan": 10}}


def validator(model: type[BaseModel]) -> Draft202012Validator:
    name = next(n for n, (m, _) in SCHEMAS.items() if m is model)
    schema = schema_of(model, SCHEMAS[name][1])
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def put(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(record))
    *parents, last = path.split(".")
    holder = out
    for part in parents:
        holder = holder.setdefault(part, {})
    holder[last] = value
    return out


BOOLEAN_FIELDS = [(System, "enforcement"), (System, "data.shared"), (System, "data.duplicate_collection"),
                  (System, "security.trusted_products"), (Project, "classified")]
INTEGER_FIELDS = [(System, "security.mlps_level"), (Project, "year")]
NUMBER_FIELDS = [(Project, "budget.total_wan"), (Project, "budget.crypto_wan"), (Project, "budget.security_wan")]
DATE_FIELDS = [(System, "online_since"), (System, "security.mlps_tested_on"), (System, "security.crypto_assessed_on")]

VALUES: dict[str, list[Any]] = {
    "boolean": [True, False, "off", "no", "yes", "true", 0, 1, -0.0, 1.0, None],
    "integer": [2, 2.0, 2.5, True, False, "2", float("nan"), float("inf"), 2025, 2025.0, 0],
    "number": [10, 10.5, 0, True, False, "10", float("nan"), float("inf"), float("-inf"), [1]],
    "date": [dt.date(2025, 3, 14), "2025-03-14", "2025-3-14", "2025-02-30", 0, 5e-324, 20250314, True,
             dt.datetime(2025, 3, 14, 10, 0), dt.datetime(2025, 3, 14), "20250314", "2025-W11-5", "٢٠٢٥-٠٣-١٤"],
}
CASES = [
    (model, path, kind, value)
    for kind, fields in (("boolean", BOOLEAN_FIELDS), ("integer", INTEGER_FIELDS), ("number", NUMBER_FIELDS), ("date", DATE_FIELDS))
    for model, path in fields
    for value in VALUES[kind]
]


def schema_accepts(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        text = json.dumps(as_json(data), allow_nan=False)
    except ValueError:
        return False  # NaN and infinities are not JSON: no JSON document can carry them
    return not list(validator(model).iter_errors(json.loads(text)))


def checker_accepts(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(("model", "path", "kind", "value"), CASES,
                         ids=[f"{m.__name__}.{p}={v!r}" for m, p, _, v in CASES])
def test_schema_and_checker_agree(model: type[BaseModel], path: str, kind: str, value: Any) -> None:
    base = SYSTEM if model is System else PROJECT
    if path == "online_since":
        base = {**base, "status": "operating"}
    data = put(base, path, value)
    assert checker_accepts(model, data) == schema_accepts(model, data), (path, value)


def test_the_issue_s_examples_are_refused() -> None:
    refused = [
        (System, "data.shared", "off"), (System, "enforcement", "no"), (System, "security.trusted_products", 0),
        (System, "data.duplicate_collection", -0.0), (System, "security.mlps_level", True),
        (System, "security.mlps_tested_on", 0), (System, "security.crypto_assessed_on", 5e-324),
        (Project, "budget.crypto_wan", False), (Project, "progress_reports", [0]),
        (Project, "budget.total_wan", float("nan")), (Project, "budget.total_wan", float("inf")),
    ]
    for model, path, value in refused:
        data = put(SYSTEM if model is System else PROJECT, path, value)
        assert not checker_accepts(model, data), (path, value)
        assert not schema_accepts(model, data), (path, value)


def _leaves(annotation: Any, metadata: tuple[Any, ...] = ()) -> typing.Iterator[tuple[Any, tuple[Any, ...]]]:
    """(type, Annotated metadata) of every leaf of a field annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from _leaves(inner, (*metadata, *extra))
    elif origin is dict:
        yield from _leaves(typing.get_args(annotation)[1], metadata)  # keys are always text in YAML
    elif origin is not None:
        for arg in typing.get_args(annotation):
            yield from _leaves(arg, ())
    else:
        yield annotation, metadata


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> typing.Iterator[type[BaseModel]]:
    if model in seen:
        return
    seen.add(model)
    yield model
    for info in model.model_fields.values():
        for leaf, _ in _leaves(info.annotation):
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                yield from _models(leaf, seen)


def test_every_boolean_number_and_date_field_is_strict() -> None:
    """A field added later as a bare ``bool``/``int``/``float``/``date`` would be coerced again."""
    seen: set[type[BaseModel]] = set()
    loose = []
    for root in (System, Project, RegistryConfig):
        for model in _models(root, seen):
            for name, info in model.model_fields.items():
                for leaf, metadata in _leaves(info.annotation, tuple(info.metadata)):
                    if leaf in (bool, int, float, dt.date, dt.datetime) and not any(isinstance(m, StrictMode) for m in metadata):
                        loose.append(f"{model.__name__}.{name}: {leaf.__name__}")
    assert loose == [], "use Flag / Integer / Number / Date from registry.models.base"


def test_every_invisible_format_character_is_caught() -> None:
    """REG012 covers all of Unicode's format characters (category Cf) this Python knows."""
    missed = [f"U+{c:04X}" for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf" and not hidden().match(chr(c))]
    assert missed == []


# ------------------------------------------------------------------ lines inside the file

DEMO = Path(__file__).resolve().parents[1]


def _lines(raw: bytes) -> int:
    return max(1, len(raw.splitlines()))


@pytest.mark.parametrize("path", ["systems/czj/czj-asset.yaml", "projects/gaj/2025-gaj-002.yaml"])
def test_every_truncation_reports_a_line_of_the_file(path: str) -> None:
    """Cut a real record at every byte: each problem found is on a line the cut file has."""
    whole = (DEMO / path).read_bytes()
    for end in range(len(whole) + 1):
        raw = whole[:end]
        result = load_record(path, raw)
        if isinstance(result, list):
            for problem in result:
                assert 1 <= problem.line <= _lines(raw), (end, problem)


@pytest.mark.parametrize("raw", [b"id: x\nname: y\nunit", b"a: 'x\n", b"a: [\n\n", b"a: \"x", b"a: {b: 1\r\n", b"a: b\rc\r",
                                 b"- a\n- b", b"", b"\n\n\n", b"a:\n  - b\n c: d"])
def test_syntax_errors_point_inside_the_file(raw: bytes) -> None:
    with pytest.raises(YamlError) as caught:
        parse(raw)
    assert 1 <= caught.value.line <= _lines(raw)
    assert f"第 {caught.value.line} 行" in caught.value.message.zh or "YAML 语法错误" not in caught.value.message.zh


# ------------------------------------------------------------------ end to end


def _registry(tmp_path: Path, extra: dict[str, bytes]) -> Path:
    root = tmp_path / "reg"
    (root / "systems" / "czj").mkdir(parents=True)
    (root / "registry.yaml").write_text(
        "jurisdiction: 测试县\nprofiles: [jinxiang]\nunits:\n  - {id: dsj, name: 大数据局, kind: authority}\n"
        "  - {id: czj, name: 财政局, kind: department}\nauthorities: {data_authority: dsj}\n", encoding="utf-8")
    (root / "systems/czj/czj-ok.yaml").write_text(
        "id: czj-ok\nname: 好系统\nunit: czj\nstatus: planned\ndeployment: county_cloud\n", encoding="utf-8")
    for path, raw in extra.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(raw)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


PROJECT_TEXT = ("id: 2025-czj-001\nname: 乙\nunit: czj\nyear: 2025\nnature: new\ndelivery: build\nscope: public\n"
                "track: approval\n")


@pytest.mark.parametrize(("path", "text", "line", "field"), [
    ("systems/czj/czj-bel.yaml", 'id: czj-bel\nname: 甲\nunit: czj\nstatus: planned\ndeployment: county_cloud\ndescription: "a\\x07b"\n', 6, "description"),
    ("projects/czj/2025-czj-001.yaml", PROJECT_TEXT + "budget: {total_wan: .nan}\n", 9, "budget.total_wan"),
    ("projects/czj/2025-czj-001.yaml", PROJECT_TEXT + "budget:\n  total_wan: .inf\n", 10, "budget.total_wan"),
    ("systems/czj/czj-cut.yaml", "id: czj-cut\nname: y\nunit", 3, ""),
    ("systems/czj/czj-x.yaml", "id: czj-x\nname: 甲\nunit: czj\nstatus: planned\ndeployment: county_cloud\ndata: {shared: off}\n", 6, "data.shared"),
], ids=["control-character", "nan", "inf", "truncated", "off-as-boolean"])
def test_check_reports_and_exports_stay_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              path: str, text: str, line: int, field: str) -> None:
    root = _registry(tmp_path, {path: text.encode("utf-8")})
    before = _files(root)
    code, out = _run(capsys, "--root", str(root), "check", "--format", "json")
    assert code == 1
    findings = json.loads(out.split("\n注意")[0])["findings"]
    mine = [f for f in findings if f["path"] == path]
    assert mine and mine[0]["line"] == line and mine[0]["rule"] in ("REG001", "REG002"), findings
    assert mine[0]["field"] == field
    assert line <= _lines(text.encode("utf-8"))

    code, out = _run(capsys, "--root", str(root), "export", "--format", "json")
    assert code == 0
    catalog = json.loads(out[: out.rindex("}") + 1], parse_constant=_no_constant)
    assert [s["id"] for s in catalog["systems"]] == ["czj-ok"]
    for fmt, target in (("xlsx", tmp_path / "out.xlsx"), ("csv", tmp_path / "csv")):
        code, _ = _run(capsys, "--root", str(root), "export", "--format", fmt, "--out", str(target))
        assert code == 0
    assert _files(root) == before


def _files(root: Path) -> dict[Path, bytes]:
    """Every file of the registry but the checker's own cache."""
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".registry-cache" not in p.parts}


def _no_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def test_invisible_and_bidi_characters_warn_with_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _registry(tmp_path, {
        "systems/czj/czj-spoof.yaml": "id: czj-spoof\nname: \"好\u200b系统\"\nunit: czj\nstatus: planned\ndeployment: county_cloud\n"
                                      "description: \"abc\u202edcba\"\n".encode("utf-8"),
    })
    code, out = _run(capsys, "--root", str(root), "check", "--format", "json")
    findings = [f for f in json.loads(out)["findings"] if f["rule"] == "REG012"]
    assert code == 0  # warnings only
    assert [(f["field"], f["line"], f["severity"]) for f in findings] == [("name", 2, "warning"), ("description", 6, "warning")]
    assert "U+200B" in findings[0]["message"] and "U+202E" in findings[1]["message"]
    code, _ = _run(capsys, "--root", str(root), "check", "--strict")
    assert code == 1
