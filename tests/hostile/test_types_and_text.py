"""Loose types, numbers that are not numbers, invisible and control characters, URLs as
documents, truncated files: the checker refuses what the exported JSON Schema refuses, and
every export stays valid."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import PROJECT, SYSTEM, Case, Outcome, ids, replace, run_case, set_top, write

PUBLISH = (("check", "--format", "json"), ("export", "--format", "json", "--out", "{out}/c.json"),
           ("export", "--format", "xlsx", "--out", "{out}/c.xlsx"), ("site", "--out", "{out}/site"))


def sys_value(old: str, new: str) -> object:
    return replace(SYSTEM, old, new)


def valid_exports(out: Path, outcomes: list[Outcome]) -> None:
    json.loads(outcomes[0].out)
    text = (out / "c.json").read_text(encoding="utf-8")
    json.loads(text)
    assert "NaN" not in text and "Infinity" not in text


def lines_inside(count: int) -> object:
    def verify(out: Path, outcomes: list[Outcome]) -> None:
        found = [f for f in json.loads(outcomes[0].out)["findings"] if f["path"] == SYSTEM]
        assert found and all(1 <= f["line"] <= count for f in found), found
    return verify


def typed(name: str, build: object) -> Case:
    return Case(name, build, commands=PUBLISH, expect=(1, 0, 0, 0), names=SYSTEM if "proj" not in name else PROJECT,  # type: ignore[arg-type]
                verify=valid_exports)


TRUNCATED = "id: x\nname: y\nunit"

CASES = [
    typed("boolean_off", sys_value("shared: true", "shared: off")),
    typed("boolean_zero", sys_value("trusted_products: true", "trusted_products: 0")),
    typed("boolean_negative_zero", sys_value("duplicate_collection: false", "duplicate_collection: -0.0")),
    typed("integer_true", sys_value("mlps_level: 3", "mlps_level: true")),
    typed("date_zero", sys_value("mlps_tested_on: 2025-11-06", "mlps_tested_on: 0")),
    typed("date_tiny_float", sys_value("crypto_assessed_on: 2025-11-27", "crypto_assessed_on: 5e-324")),
    typed("proj_amount_false", replace(PROJECT, "crypto_wan: 25", "crypto_wan: false")),
    typed("proj_progress_report_zero", replace(PROJECT, "progress_reports: [2021-06-30", "progress_reports: [0")),
    typed("proj_amount_nan", replace(PROJECT, "total_wan: 680", "total_wan: .nan")),
    typed("proj_amount_infinite", replace(PROJECT, "total_wan: 680", "total_wan: .inf")),
    typed("proj_amount_minus_infinite", replace(PROJECT, "security_wan: 40", "security_wan: -.inf")),
    typed("integer_of_500_digits", sys_value("mlps_level: 3", "mlps_level: " + "7" * 500)),
    typed("bell_character_escaped", set_top(SYSTEM, "description", '"a\\x07b"')),
    typed("nul_character_escaped", set_top(SYSTEM, "description", '"a\\0b"')),
    typed("escape_sequence_for_terminals", set_top(SYSTEM, "description", '"\\e[31m红色\\e[0m"')),
    typed("raw_control_character", set_top(SYSTEM, "notes", "a\x01b")),
    Case("bidi_override_in_name", set_top(SYSTEM, "name", '"预算\\u202e统系"'),
         commands=(("check",), ("check", "--strict")), expect=(0, 1), names=SYSTEM),
    Case("zero_width_space_in_name", set_top(SYSTEM, "name", '"预算\\u200b管理一体化系统（金乡县）"'),
         commands=(("check",), ("check", "--strict")), expect=(0, 1), names=SYSTEM),
    Case("file_url_as_document", replace(PROJECT, "feasibility_study: 金大数据字〔2021〕2号", "feasibility_study: file:///etc/passwd"),
         names=PROJECT),
    Case("javascript_url_as_document", replace(PROJECT, "feasibility_study: 金大数据字〔2021〕2号",
                                               "feasibility_study: 'javascript:alert(1)'"), names=PROJECT),
    Case("http_url_as_document", replace(PROJECT, "feasibility_study: 金大数据字〔2021〕2号",
                                         "feasibility_study: http://example.invalid/a.pdf"), names=PROJECT),
    Case("truncated_file_line_inside", write(SYSTEM, TRUNCATED), commands=(("check", "--format", "json"),),
         names=SYSTEM, verify=lines_inside(3)),
    Case("truncated_in_a_quote", write(SYSTEM, 'id: x\nname: "y'), commands=(("check", "--format", "json"),),
         names=SYSTEM, verify=lines_inside(2)),
    Case("truncated_in_a_flow_list", write(SYSTEM, "id: x\nplatforms: [a,\n"), commands=(("check", "--format", "json"),),
         names=SYSTEM, verify=lines_inside(2)),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_types_and_text(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
