"""Text that is published, and values that only look right: what the strict types, REG001's
control characters, REG012's invisible characters and REG010's URLs do with them, end to end
(check, every export, the site), on a copy of the demo registry.

Every command of every case: the expected exit code (never 3, never outside 0/1/2), no
traceback, the output names the file (unless exit 0), a time bound, and no file of the
registry changed. (A small runner of its own, the commands of a case running in turn on one copy; the timer
and the tree digest are the corpus harness's.)
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import CpuClock, time_limit, tree_digest
from registry.cli import main

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-22"  # the demo registry checks clean on this date
SYSTEM = "systems/czj/czj-budget.yaml"
PROJECT = "projects/dsj/2021-dsj-001.yaml"
Build = Callable[[Path], None]


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    build: Build
    commands: tuple[tuple[str, ...], ...] = (("check",),)
    expect: int | tuple[int, ...] = 1
    names: str | None = None
    verify: Callable[[Path, list[Outcome]], None] | None = None
    cpu: float = 30.0  # CPU seconds of the commands (load-independent; see harness.CpuClock)
    timeout: float = 300.0  # wall-clock seconds before a command counts as hung


def replace(relpath: str, old: str, new: str) -> Build:
    def build(root: Path) -> None:
        text = (root / relpath).read_text("utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        (root / relpath).write_text(text.replace(old, new, 1), "utf-8")
    return build


def set_top(relpath: str, key: str, value_yaml: str) -> Build:
    """``key: value_yaml`` as the record's last top-level line (an existing ``key:`` line removed)."""
    def build(root: Path) -> None:
        lines = [line for line in (root / relpath).read_text("utf-8").splitlines() if not line.startswith(f"{key}:")]
        (root / relpath).write_text("\n".join([*lines, f"{key}: {value_yaml}"]) + "\n", "utf-8")
    return build


def write(relpath: str, text: str) -> Build:
    return lambda root: (root / relpath).write_bytes(text.encode("utf-8"))


def config_line(old: str, new: str) -> Build:
    return replace("registry.yaml", old, new)


def ids(cases: list[Case]) -> list[str]:
    return [case.name for case in cases]


def run_case(case: Case, tmp_path: Path) -> list[Outcome]:
    root, out = tmp_path / "registry", tmp_path / "out"
    root.mkdir()
    shutil.copy2(REPO / "registry.yaml", root / "registry.yaml")
    for folder in ("systems", "projects", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    case.build(root)
    before = tree_digest(root)
    outcomes = []
    for index, command in enumerate(case.commands):
        args = [a.replace("{out}", str(out)) for a in command]
        args += ["--no-cache"] if args[0] == "check" else []
        stdout, stderr = io.StringIO(), io.StringIO()
        clock = CpuClock()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), time_limit(case.timeout, case.cpu):
            code = main(["--root", str(root), *args, "--today", TODAY])
        outcome = Outcome(code, stdout.getvalue(), stderr.getvalue())
        expected = case.expect if isinstance(case.expect, int) else case.expect[index]
        label = f"{case.name}: registry {' '.join(command)}\n{outcome.out[-2000:]}\n{outcome.err[-2000:]}"
        assert clock.seconds() <= case.cpu, f"{clock.seconds():.1f} s of CPU, more than {case.cpu} s: {label}"
        assert code in (0, 1, 2) and code == expected, f"exit {code}, expected {expected}: {label}"
        assert "Traceback" not in outcome.out + outcome.err, label
        if case.names is not None and code != 0:
            assert case.names in outcome.out + outcome.err, label
        outcomes.append(outcome)
    assert tree_digest(root) == before, f"{case.name}: files changed"
    if case.verify is not None:
        case.verify(out, outcomes)
    return outcomes

EXPORTS = (("export", "--format", "json", "--out", "{out}/c.json"), ("export", "--format", "xlsx", "--out", "{out}/c.xlsx"),
           ("export", "--format", "csv", "--out", "{out}/csv"))
PUBLISH = (("check", "--format", "json"), *EXPORTS, ("site", "--out", "{out}/site"))
FEASIBILITY = "feasibility_study: 金大数据字〔2021〕2号"


def report(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(outcomes[0].out)["findings"]
    return findings


def published(rule: str, path: str, field: str, shown: str) -> Callable[[Path, list[Outcome]], None]:
    """The record is published (in every export and on the site) with a finding of ``rule``."""
    def verify(out: Path, outcomes: list[Outcome]) -> None:
        assert (rule, path, field) in {(f["rule"], f["path"], f["field"]) for f in report(outcomes)}, report(outcomes)
        catalog = (out / "c.json").read_text("utf-8")
        json.loads(catalog, parse_constant=_no_constant)
        assert shown in catalog
        assert any(shown in p.read_text("utf-8") for p in (out / "site").rglob("*.md"))
    return verify


def refused(rule: str, path: str, field: str, lines: int | None = None) -> Callable[[Path, list[Outcome]], None]:
    """A finding of ``rule`` on ``field``, on a line of the file; a record that does not load
    (REG001/REG002) stays out of the exports."""
    def verify(out: Path, outcomes: list[Outcome]) -> None:
        mine = [f for f in report(outcomes) if f["path"] == path]
        assert (rule, field) in {(f["rule"], f["field"]) for f in mine}, mine
        if lines is not None:
            assert all(1 <= f["line"] <= lines for f in mine), mine
        catalog = json.loads((out / "c.json").read_text("utf-8"), parse_constant=_no_constant)
        record_id = path.rsplit("/", 1)[1].removesuffix(".yaml")
        exported = record_id in {r["id"] for r in catalog["systems"] + catalog["projects"]}
        assert exported == (rule not in ("REG001", "REG002"))
    return verify


def _no_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def warned(name: str, build: Build, field: str, shown: str, path: str = SYSTEM) -> Case:
    return Case(name, build, commands=PUBLISH + (("check", "--strict"),), expect=(0, 0, 0, 0, 0, 1),
                names=path, verify=published("REG012", path, field, shown))


def bad(name: str, build: Build, rule: str, field: str, path: str = SYSTEM, lines: int | None = None) -> Case:
    return Case(name, build, commands=PUBLISH, expect=(1, 0, 0, 0, 0), names=path,
                verify=refused(rule, path, field, lines))


def fine(name: str, build: Build, shown: str) -> Case:
    def verify(out: Path, outcomes: list[Outcome]) -> None:
        assert shown in (out / "c.json").read_text("utf-8")
    return Case(name, build, commands=(("check",), EXPORTS[0]), expect=0, verify=verify)


CASES = [
    # invisible and bidi characters: published, with a warning (REG012); --strict fails
    warned("right_to_left_override_in_name", set_top(SYSTEM, "name", '"预算\\u202e统系化体一理管"'), "name", "预算"),
    warned("zero_width_joiner_in_description", set_top(SYSTEM, "description", '"预算\\u200d管理"'), "description", "预算"),
    warned("byte_order_mark_inside_a_resource_code", replace(SYSTEM, "[JX-CZJ-0001,", '["\\ufeffJX-CZJ-0001",'),
           "data.resource_catalog[0]", "JX-CZJ-0002"),
    warned("soft_hyphen_in_a_goal", replace(PROJECT, "indicator: 云平台可用性", 'indicator: "云平台\\u00ad可用性"'),
           "goals[2].indicator", "金乡县政务云平台扩容工程", path=PROJECT),
    warned("bidi_isolates_in_a_basis_title", replace(PROJECT, "title: 金乡县“十四五”数字政府建设规划",
                                                     'title: "金乡县\\u2067规划\\u2069"'), "basis[0].title", "金乡县", path=PROJECT),
    warned("tag_characters_in_a_document_number", replace(PROJECT, FEASIBILITY, 'feasibility_study: "金大数据字\\U000E0041〔2021〕2号"'),
           "documents.feasibility_study", "金乡县政务云平台扩容工程", path=PROJECT),
    # control characters: refused (REG001), whatever the escape
    bad("c1_control_escaped", set_top(SYSTEM, "description", '"a\\x85b"'), "REG001", "description"),
    bad("noncharacter_fffe_escaped", set_top(SYSTEM, "description", '"a\\uFFFEb"'), "REG001", "description"),
    bad("delete_character_escaped", set_top(SYSTEM, "name", '"预算\\x7f系统"'), "REG001", "name"),
    bad("control_character_in_a_key", set_top(SYSTEM, '"a\\x07b"', "1"), "REG001", ""),
    bad("control_character_in_a_list_item", replace(SYSTEM, "major_risks: []", 'major_risks: ["\\x1b[2J"]'),
        "REG001", "security.major_risks.0"),
    bad("hex_integer_of_5000_digits", set_top(SYSTEM, "enforcement", "0x" + "f" * 5000), "REG001", "enforcement"),
    # loose types the schema refuses: REG002
    bad("yes_for_a_boolean", set_top(SYSTEM, "enforcement", "yes"), "REG002", "enforcement"),
    bad("quoted_true_for_a_boolean", set_top(SYSTEM, "enforcement", '"true"'), "REG002", "enforcement"),
    bad("one_for_a_boolean", replace(PROJECT, "ip_clause: true", "ip_clause: 1"), "REG002", "milestones.contracted.ip_clause",
        path=PROJECT),
    bad("quoted_number_for_an_amount", replace(PROJECT, "total_wan: 680", 'total_wan: "680"'), "REG002", "budget.total_wan",
        path=PROJECT),
    bad("fraction_for_months", replace(PROJECT, "implementation_months: 15", "implementation_months: 15.5"), "REG002",
        "milestones.contracted.implementation_months", path=PROJECT),
    bad("boolean_for_a_goal_target", replace(PROJECT, 'target: "≥3000核"', "target: true"), "REG002", "goals[0].target",
        path=PROJECT),
    bad("date_with_a_time", replace(PROJECT, "started: 2021-07-12", "started: 2021-07-12 08:30:00"), "REG002",
        "milestones.started", path=PROJECT),
    bad("quoted_date_that_does_not_exist", replace(SYSTEM, "online_since: 2021-01-01", 'online_since: "2021-02-30"'),
        "REG002", "online_since"),
    bad("quoted_date_without_leading_zeros", replace(SYSTEM, "online_since: 2021-01-01", 'online_since: "2021-1-1"'),
        "REG002", "online_since"),
    bad("seconds_since_1970_for_a_date", replace(PROJECT, "progress_reports: [2021-06-30,", "progress_reports: [1625011200,"),
        "REG002", "progress_reports[0]", path=PROJECT),
    bad("nan_in_a_funding_source", replace(PROJECT, "amount_wan: 480", "amount_wan: .NaN"), "REG002",
        "budget.sources[0].amount_wan", path=PROJECT),
    # URLs as documents: refused (REG010)
    bad("data_url_as_document", replace(PROJECT, FEASIBILITY, "feasibility_study: 'data:text/html,<script>alert(1)</script>'"),
        "REG010", "documents.feasibility_study", path=PROJECT),
    bad("https_url_as_document", replace(PROJECT, FEASIBILITY, "feasibility_study: https://www.jinxiang.gov.cn/a.pdf"),
        "REG010", "documents.feasibility_study", path=PROJECT),
    bad("mixed_case_javascript_with_a_blank", replace(PROJECT, FEASIBILITY, "feasibility_study: ' JaVaScRiPt:alert(1)'"),
        "REG010", "documents.feasibility_study", path=PROJECT),
    # truncated files: the reported line is a line of the file
    bad("truncated_crlf_file", write(SYSTEM, "id: czj-budget\r\nname: y\r\nunit"), "REG001", "", lines=3),
    bad("truncated_after_a_byte_order_mark", write(SYSTEM, "\ufeffid: czj-budget\nname: [a,\n\n\n"), "REG001", "", lines=4),
    bad("truncated_cr_only_file", write(SYSTEM, "id: czj-budget\rname: 'y\r"), "REG001", "", lines=2),
    # what JSON writes the same way is accepted, and published as the value it is
    fine("quoted_iso_date", replace(SYSTEM, "online_since: 2021-01-01", 'online_since: "2021-01-01"'), '"online_since": "2021-01-01"'),
    fine("whole_number_written_as_float", replace(SYSTEM, "mlps_level: 3", "mlps_level: 3.0"), '"mlps_level": 3,'),
    fine("capitalised_yaml_1_2_boolean", replace(SYSTEM, "trusted_products: true", "trusted_products: TRUE"),
         '"trusted_products": true'),
    # registry.yaml: a control character stops every command, naming the file and its line
    Case("control_character_in_a_unit_name", config_line("name: 金乡县财政局", 'name: "金乡县财政局\\x07"'),
         commands=(("check",), EXPORTS[0], ("site", "--out", "{out}/site")), expect=2, names="registry.yaml"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_published_text(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
