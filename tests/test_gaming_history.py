"""Issue #8, holes 5–8, as a department trying to game the register would, in real git repositories.

Each attempt is a branch off ``main`` checked with ``registry check --base main``: it must exit 1
with a finding on the offending file (before these rules it exited 0). The legitimate changes
next to each hole must still exit 0.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from casekit import build_registry, record_data
from gitrepo import GitRepo, yaml_text
from registry.cli import main
from test_check_git import MILESTONES  # a project that meets every potou rule up to approval

TODAY = "2025-12-01"
OLD_APPROVAL = {"doc_no": "测政字〔2024〕7号", "date": "2024-03-01"}
CHANGE_40 = {"date": "2025-06-01", "description": "增加数据治理模块", "amount_wan": 40,
             "approval": {"doc_no": "测大数据发〔2025〕21号", "date": "2025-06-01"}}
PROJECT = {
    "basis": [{"title": "测试县数字政府建设规划", "doc_no": "测政发〔2023〕5号", "kind": "plan"}],
    "documents": {"resource_catalog": "测资源目录〔2025〕1号"},
    "milestones": MILESTONES,
    "budget": {"total_wan": 140},
    "changes": [CHANGE_40],
    "evaluations": [{"kind": "self", "date": "2025-07-01", "ref": "测评〔2025〕9号"}],
    "progress_reports": ["2025-04-01", "2025-07-01"],
    "systems": {"upgrades": ["czj-old"]},
}
SOUND = {"data": {"shared": True}, "security": {"mlps_level": 2, "crypto_assessment": "passed", "trusted_products": True}}
RETIRED = {**SOUND, "status": "retired", "online_since": "2018-01-01", "retired_on": "2024-06-30",
           "retirement_ref": "测大数据发〔2024〕9号"}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """main: units czj (2 active systems, one of them approved as net-new in 2024) and gaj
    (1 active, 1 retired), one approved project; then a feature branch to attack from."""
    repo = GitRepo.init(tmp_path / "registry")
    build_registry(repo.path, {"registry": {"profiles": ["potou"]}, "template": False, "records": {
        "systems/czj/czj-old.yaml": SOUND,
        "systems/czj/czj-approved.yaml": {**SOUND, "new_system_approval": OLD_APPROVAL},
        "systems/gaj/gaj-app.yaml": SOUND,
        "systems/gaj/gaj-legacy.yaml": RETIRED,
        "projects/czj/2025-czj-001.yaml": PROJECT,
    }})
    repo.commit("初始登记")
    repo.branch("feature")
    return repo


def write(repo: GitRepo, path: str, fields: dict[str, Any]) -> None:
    repo.write(path, yaml_text(record_data(path, fields)))


def project(**changes: Any) -> dict[str, Any]:
    return {**PROJECT, **changes}


def check(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str, str]]]:
    repo.commit("部门提交的变更")
    code = main(["--root", str(repo.path), "check", "--base", "main", "--format", "json", "--today", TODAY])
    out = capsys.readouterr().out
    findings = json.loads(out)["findings"] if code in (0, 1) else []
    return code, [(f["rule"], f["path"], f["field"]) for f in findings if f["severity"] == "error"]


def test_the_starting_registry_is_clean(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(repo, capsys) == (0, [])


# -- hole 5: a retirement dated in the future ----------------------------------------------------


def test_hole5_future_retirement_frees_no_slot(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "systems/czj/czj-old.yaml", {**SOUND, "status": "retired", "retired_on": "2030-12-31",
                                             "retirement_ref": "测大数据发〔2025〕30号"})
    write(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None})
    code, found = check(repo, capsys)
    assert code == 1
    assert ("REG013", "systems/czj/czj-old.yaml", "retired_on") in found
    assert ("CHG001", "systems/czj/czj-new.yaml", "status") in found


def test_hole5_future_retirement_still_counts_in_the_inventory(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "systems/czj/czj-old.yaml", {**SOUND, "status": "retired", "retired_on": "2030-12-31",
                                             "retirement_ref": "测大数据发〔2025〕30号"})
    repo.commit("停用日期写在未来")
    assert main(["--root", str(repo.path), "inventory", "--format", "json", "--today", TODAY]) == 0
    counts = {u["unit"]: u["active"] for u in json.loads(capsys.readouterr().out)["units"]}
    assert counts["czj"] == 2
    assert main(["--root", str(repo.path), "inventory", "--format", "json", "--today", "2031-01-01"]) == 0
    assert {u["unit"]: u["active"] for u in json.loads(capsys.readouterr().out)["units"]}["czj"] == 1
    assert main(["--root", str(repo.path), "inventory", "--history", "--base-branch", "feature", "--format", "json",
                 "--today", TODAY]) == 0
    assert json.loads(capsys.readouterr().out)["history"][-1]["counts"]["czj"] == 2


def test_hole5_legit_retire_one_add_one(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "systems/czj/czj-approved.yaml", {**SOUND, "new_system_approval": OLD_APPROVAL, "status": "retired",
                                                  "retired_on": TODAY, "retirement_ref": "测大数据发〔2025〕30号"})
    write(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None})
    assert check(repo, capsys) == (0, [])


# -- hole 6: approvals that are not approvals ---------------------------------------------------


@pytest.mark.parametrize("approval", [
    {"doc_no": "", "date": "2025-03-01"},
    {"doc_no": "   ", "date": "2025-03-01"},
    {"doc_no": "无", "date": "2025-03-01"},
    {"doc_no": "暂 无", "date": "2025-03-01"},
    {"doc_no": "Ｎ／Ａ", "date": "2025-03-01"},
    {"doc_no": "—", "date": "2025-03-01"},
    {"doc_no": "县长同意", "date": "2025-03-01"},
    {"doc_no": "测政字〔2025〕22号", "date": "2026-01-05"},  # dated in the future
    {"doc_no": "测政字〔2026〕1号", "date": "2025-03-01"},  # a number not issued yet
], ids=["empty", "blank", "wu", "zanwu-spaced", "fullwidth-na", "dash", "not-a-number", "future-date", "future-number"])
def test_hole6_placeholder_or_future_approval(repo: GitRepo, capsys: pytest.CaptureFixture[str], approval: dict[str, str]) -> None:
    write(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None, "new_system_approval": approval})
    code, found = check(repo, capsys)
    assert code == 1
    assert ("CHG001", "systems/czj/czj-new.yaml", "new_system_approval") in found
    assert any(rule in ("REG013", "REG014") and path == "systems/czj/czj-new.yaml" for rule, path, _ in found)


def test_hole6_one_approval_for_two_new_systems(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    approval = {"doc_no": "测政字〔2025〕22号", "date": "2025-03-01"}
    for name in ("czj-new-a", "czj-new-b"):
        write(repo, f"systems/czj/{name}.yaml", {"status": "building", "online_since": None, "new_system_approval": approval})
    code, found = check(repo, capsys)
    assert code == 1
    assert {("REG015", f"systems/czj/{n}.yaml", "new_system_approval.doc_no") for n in ("czj-new-a", "czj-new-b")} <= set(found)


@pytest.mark.parametrize(("path", "approval"), [
    ("systems/czj/czj-new.yaml", {"doc_no": "测政字(2024)第7号", "date": "2024-03-01"}),  # czj-approved's, respelt
    ("systems/gaj/gaj-new.yaml", OLD_APPROVAL),  # lent to another unit
], ids=["reused-from-main", "lent-to-another-unit"])
def test_hole6_approval_already_spent(repo: GitRepo, capsys: pytest.CaptureFixture[str], path: str,
                                      approval: dict[str, str]) -> None:
    write(repo, path, {"status": "building", "online_since": None, "new_system_approval": approval})
    code, found = check(repo, capsys)
    assert code == 1
    assert ("CHG001", path, "new_system_approval") in found
    assert ("REG015", path, "new_system_approval.doc_no") in found


def test_hole6_approval_moved_from_its_system(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "systems/czj/czj-approved.yaml", SOUND)
    write(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None, "new_system_approval": OLD_APPROVAL})
    code, found = check(repo, capsys)
    assert code == 1
    assert ("CHG004", "systems/czj/czj-approved.yaml", "new_system_approval") in found


def test_hole6_legit_new_approval_not_used_before(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    fresh = {"doc_no": "测政字〔2025〕22号", "date": "2025-03-01"}
    write(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None, "new_system_approval": fresh})
    assert check(repo, capsys) == (0, [])


def test_hole6_legit_one_approval_for_two_systems_with_count(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    approval = {"doc_no": "测政字〔2025〕22号", "date": "2025-03-01", "count": 2}
    for name in ("czj-new-a", "czj-new-b"):
        write(repo, f"systems/czj/{name}.yaml", {"status": "building", "online_since": None, "new_system_approval": approval})
    assert check(repo, capsys) == (0, [])


# -- hole 7: rewriting the history of adjustments -----------------------------------------------


def test_hole7_change_entry_rewritten(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    edited = {**CHANGE_40, "approval": {"doc_no": "测大数据发〔2025〕99号", "date": "2025-06-01"}}
    write(repo, "projects/czj/2025-czj-001.yaml", project(changes=[edited]))
    code, found = check(repo, capsys)
    assert code == 1 and ("CHG004", "projects/czj/2025-czj-001.yaml", "changes[0]") in found


def test_hole7_change_entry_deleted(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "projects/czj/2025-czj-001.yaml", project(changes=[], budget={"total_wan": 100}))
    code, found = check(repo, capsys)
    assert code == 1
    assert ("CHG004", "projects/czj/2025-czj-001.yaml", "changes") in found
    assert ("CHG005", "projects/czj/2025-czj-001.yaml", "budget.total_wan") in found


def test_hole7_plus_40_replaced_by_plus_10_while_total_rises_by_10(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "projects/czj/2025-czj-001.yaml", project(changes=[{**CHANGE_40, "amount_wan": 10}], budget={"total_wan": 150}))
    code, found = check(repo, capsys)
    assert code == 1
    assert ("CHG005", "projects/czj/2025-czj-001.yaml", "budget.total_wan") in found
    assert ("CHG004", "projects/czj/2025-czj-001.yaml", "changes[0]") in found


def test_hole7_evaluations_and_progress_reports_rewritten(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "projects/czj/2025-czj-001.yaml", project(
        evaluations=[{"kind": "self", "date": "2025-07-15", "ref": "测评〔2025〕9号"}], progress_reports=["2025-04-01"]))
    code, found = check(repo, capsys)
    assert code == 1
    assert ("CHG004", "projects/czj/2025-czj-001.yaml", "evaluations[0]") in found
    assert ("CHG004", "projects/czj/2025-czj-001.yaml", "progress_reports") in found


def test_hole7_legit_adjustment_appended(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    more = {"date": "2025-09-01", "description": "增加接口", "amount_wan": 10,
            "approval": {"doc_no": "测大数据发〔2025〕30号", "date": "2025-09-01"}}
    write(repo, "projects/czj/2025-czj-001.yaml", project(
        changes=[CHANGE_40, more], budget={"total_wan": 150}, progress_reports=["2025-04-01", "2025-07-01", "2025-10-01"]))
    assert check(repo, capsys) == (0, [])


# -- hole 8: money for retired systems ----------------------------------------------------------


@pytest.mark.parametrize(("nature", "role"), [
    ("upgrade", "upgrades"), ("expansion", "upgrades"), ("new", "creates"), ("om", "maintains"),
    ("third_party", "maintains"), ("rebuild", "retires"),
])
def test_hole8_project_after_retirement_names_the_system(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], nature: str, role: str
) -> None:
    write(repo, "projects/gaj/2025-gaj-001.yaml", project(
        unit="gaj", nature=nature, changes=[], budget={"total_wan": 50}, evaluations=[], progress_reports=[],
        systems={role: ["gaj-legacy"]}))
    code, found = check(repo, capsys)
    assert code == 1
    assert ("REG011", "projects/gaj/2025-gaj-001.yaml", f"systems.{role}[0]") in found


def test_hole8_legit_project_for_an_active_system(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo, "projects/gaj/2025-gaj-001.yaml", project(
        unit="gaj", nature="upgrade", changes=[], budget={"total_wan": 50}, evaluations=[], progress_reports=[],
        systems={"upgrades": ["gaj-app"]}))
    assert check(repo, capsys) == (0, [])
