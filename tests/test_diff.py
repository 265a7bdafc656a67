"""``registry diff``: the review summary of a pull request, on real temporary git repositories."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who
from registry.cli import main
from registry.diffing import compute_diff

TODAY = "2025-12-01"
ADMIN = Who("数据局管理员", "admin@dsj.test.gov.cn")
CLERK = Who("填报员", "clerk@test.gov.cn")
RETIRED = {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测政发〔2025〕1号"}
APPROVAL = {"doc_no": "测政字〔2025〕21号", "date": "2025-03-01"}
# Systems that keep every profile rule quiet, so that a summary shows only what a change does.
CLEAN = {"data": {"shared": True}, "platforms": ["smart_city", "collab_office"], "audience": "internal"}


def record(path: str, **fields: Any) -> dict[str, Any]:
    return record_data(path, {**(CLEAN if path.startswith("systems/") else {}), **fields})


def seeded(tmp_path: Path, records: dict[str, dict[str, Any]] | None = None) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    config = copy.deepcopy(REGISTRY)
    config["profiles"] = ["potou"]
    repo.write("registry.yaml", config)
    base = {
        "systems/czj/czj-budget.yaml": record("systems/czj/czj-budget.yaml"),
        "systems/wjw/wjw-his.yaml": record("systems/wjw/wjw-his.yaml"),
        "systems/wjw/wjw-lis.yaml": record("systems/wjw/wjw-lis.yaml"),
        "systems/wjw/wjw-pacs.yaml": record("systems/wjw/wjw-pacs.yaml"),
    }
    for path, data in {**base, **(records or {})}.items():
        repo.write(path, data)
    repo.commit("初始登记", as_=ADMIN)
    repo.branch("change")
    return repo


def diff_of(repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--root", str(repo.path), "diff", "--base", "main", "--today", TODAY, *args]) == 0
    return capsys.readouterr().out


def test_acceptance_one_system_added_two_retired_in_another_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/czj/czj-portal.yaml", record("systems/czj/czj-portal.yaml", status="building",
                                                     online_since=None, new_system_approval=APPROVAL))
    for path in ("systems/wjw/wjw-lis.yaml", "systems/wjw/wjw-pacs.yaml"):
        repo.write(path, record(path, **RETIRED))
    repo.commit("czj 新建门户，wjw 停用两个系统", as_=CLERK)

    text = diff_of(repo, "--format", "markdown", capsys=capsys)

    assert "| czj 测试县财政局 | 1 | 2 | ⚠️ 净增 1 个，已有新增系统批准文件或划转依据 |" in text
    assert "| wjw 测试县卫生健康局 | 3 | 1 | ✅ 减少 2 个，符合“只减不增” |" in text
    assert "- 系统 `czj-portal` 测试系统（czj）：建设中" in text
    assert "- 系统 `wjw-lis` 测试系统（wjw）：运行中 → 已停用（2025-06-30，依据 测政发〔2025〕1号）" in text
    assert "- 系统 `wjw-pacs` 测试系统（wjw）" in text
    assert "新增 1 · 停用 2 · 未引入问题" in text
    for noise in ("**修改**", "### 项目阶段", "### 投资概算", "### 检查结果", "wjw-his", "czj-budget"):
        assert noise not in text
    assert len(text.splitlines()) < 25


def test_a_net_new_system_without_approval_is_a_violation_and_an_introduced_error(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/czj/czj-portal.yaml", record("systems/czj/czj-portal.yaml", status="building", online_since=None))
    repo.commit("czj 新建门户", as_=CLERK)
    diff = compute_diff(repo.path, base="main", today=dt.date(2025, 12, 1))
    assert [(u.unit, u.before, u.after, u.verdict) for u in diff.units] == [("czj", 1, 2, "violation")]
    assert [(f.rule, f.path) for f in diff.introduced] == [("CHG001", "systems/czj/czj-portal.yaml")]


def test_stage_move_and_budget_change_against_the_approved_total(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = "projects/czj/2025-czj-001.yaml"
    approved = {"declared": "2024-09-01", "planned": "2024-09-10", "approved": {"date": "2024-09-20", "doc_no": "测大数据发〔2024〕3号"}}
    repo = seeded(tmp_path, {path: record(path, milestones=approved)})
    repo.write(path, record(path, budget={"total_wan": 110},
                            milestones={**approved, "budgeted": {"date": "2025-01-15", "amount_wan": 110}},
                            changes=[{"date": "2025-01-10", "description": "增加接口改造", "amount_wan": 10}]))
    repo.commit("预算下达", as_=CLERK)

    text = diff_of(repo, capsys=capsys)
    assert "- `2025-czj-001` 测试项目：立项批复 → 预算下达（新增 预算下达 2025-01-15）" in text
    assert "- `2025-czj-001` 测试项目：100 → 110 万元（+10 万元，较批复概算 +10.0%）" in text
    # the record's remaining change (the changes entry) is listed; stage and budget are not repeated
    assert "- 项目 `2025-czj-001` 测试项目（czj）：改动 变更" in text

    payload = json.loads(diff_of(repo, "--format", "json", capsys=capsys))
    assert payload["stages"][0] | {"reached": None} == {
        "kind": "project", "id": "2025-czj-001", "unit": "czj", "name": "测试项目", "path": path,
        "from": "approved", "to": "budgeted", "reached": None}
    assert payload["stages"][0]["reached"] == [{"milestone": "budgeted", "date": "2025-01-15"}]
    budget = payload["budgets"][0]
    assert (budget["from_wan"], budget["to_wan"], budget["delta_wan"], budget["percent"], budget["approved"]) == (100, 110, 10, 10.0, True)
    assert payload["records"]["changed"][0]["fields"] == ["budget.total_wan", "milestones.budgeted", "changes"]


def test_a_transfer_moves_the_count_between_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    repo.move("systems/wjw/wjw-his.yaml", "systems/czj/wjw-his.yaml")
    repo.write("systems/czj/wjw-his.yaml", record("systems/czj/wjw-his.yaml", transferred_from={
        "unit": "wjw", "doc_no": "测编发〔2025〕4号", "date": "2025-07-01"}))
    repo.commit("wjw-his 划转至 czj", as_=CLERK)

    text = diff_of(repo, capsys=capsys)
    assert "**划转**" in text and "- 系统 `wjw-his` 测试系统（czj）：wjw → czj" in text
    assert "| czj 测试县财政局 | 1 | 2 | ⚠️ 净增 1 个" in text
    assert "| wjw 测试县卫生健康局 | 3 | 2 | ✅ 减少 1 个" in text
    assert "### 检查结果" not in text  # CHG006 satisfied, CHG001 excused by the transfer


def test_merged_deleted_and_terminated_records(tmp_path: Path) -> None:
    project = "projects/wjw/2025-wjw-001.yaml"
    repo = seeded(tmp_path, {project: record(project, milestones={"declared": "2024-09-01"})})
    repo.write("systems/wjw/wjw-lis.yaml", record("systems/wjw/wjw-lis.yaml", status="merged",
                                                  retired_on="2025-06-30", merged_into="wjw-his"))
    repo.remove("systems/wjw/wjw-pacs.yaml")
    repo.write(project, record(project, milestones={"declared": "2024-09-01", "terminated": {"date": "2025-02-01", "reason": "并入市级项目"}}))
    repo.commit("整合、删除、终止", as_=CLERK)

    diff = compute_diff(repo.path, base="main", today=dt.date(2025, 12, 1))
    groups = {c.ref.id: (c.group, c.after, c.note) for c in diff.records}
    assert groups == {
        "wjw-lis": ("merged", "wjw-his", ""),
        "wjw-pacs": ("deleted", "", ""),
        "2025-wjw-001": ("terminated", "2025-02-01", "并入市级项目"),
    }
    assert ("CHG002", "systems/wjw/wjw-pacs.yaml") in {(f.rule, f.path) for f in diff.introduced}
    assert [(u.unit, u.before, u.after, u.verdict) for u in diff.units] == [("wjw", 3, 1, "decrease")]


def test_findings_introduced_and_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = {**CLEAN, "data": {"shared": False}}  # PT8.2 needs shared target systems of in-flight projects
    project = "projects/czj/2025-czj-001.yaml"
    repo = seeded(tmp_path, {
        project: record(project, nature="upgrade", systems={"upgrades": ["czj-budget", "wjw-his"]},
                        milestones={"declared": "2024-09-01", "planned": "2024-09-10"}),
        "systems/czj/czj-budget.yaml": record_data("systems/czj/czj-budget.yaml", broken),
    })
    repo.write("systems/czj/czj-budget.yaml", record("systems/czj/czj-budget.yaml"))  # fixed
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", broken))  # broken now
    repo.commit("修复一个，引入一个", as_=CLERK)

    payload = json.loads(diff_of(repo, "--format", "json", capsys=capsys))
    introduced = {(f["rule"], f["field"]) for f in payload["findings"]["introduced"]}
    fixed = {(f["rule"], f["field"]) for f in payload["findings"]["fixed"]}
    assert ("PT8.2", "systems.upgrades[1]") in introduced
    assert ("PT8.2", "systems.upgrades[0]") in fixed
    assert not introduced & fixed
    assert all(f["line"] >= 1 for f in payload["findings"]["introduced"])

    text = diff_of(repo, capsys=capsys)
    assert "**本次变更引入**" in text and "**本次变更修复**" in text and "（PT8.2）" in text


def test_a_document_added_in_the_change_fixes_the_missing_file_finding(tmp_path: Path) -> None:
    project = "projects/czj/2025-czj-001.yaml"
    repo = seeded(tmp_path, {project: record(project, documents={"feasibility_study": "docs/2025-czj-001/可研.pdf"})})
    repo.write("docs/2025-czj-001/可研.pdf", b"%PDF-1.4")
    repo.commit("补充可研报告", as_=CLERK)
    diff = compute_diff(repo.path, base="main", today=dt.date(2025, 12, 1))
    assert [(f.rule, f.field) for f in diff.fixed] == [("REG010", "documents.feasibility_study")]
    assert diff.introduced == [] and diff.records == []


def test_no_change_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    text = diff_of(repo, capsys=capsys)
    assert "本次变更未改动任何登记记录" in text
    assert "### " not in text
    assert main(["--root", str(repo.path), "--lang", "en", "diff", "--base", "main", "--today", TODAY]) == 0
    english = capsys.readouterr().out
    assert "This change touches no record" in english


def test_user_text_cannot_inject_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/czj/czj-portal.yaml", record("systems/czj/czj-portal.yaml", name="门户 | <b>*加粗*</b>",
                                                     new_system_approval=APPROVAL))
    repo.commit("新增", as_=CLERK)
    text = diff_of(repo, capsys=capsys)
    assert r"门户 \| \<b\>\*加粗\*\</b\>" in text
    assert "<b>" not in text


def test_an_unresolvable_base_is_a_usage_error_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    assert main(["--root", str(repo.path), "diff", "--base", "origin/main"]) == 2
    err = capsys.readouterr().err
    assert "无法解析 --base origin/main" in err and "Traceback" not in err


def test_base_is_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(tmp_path), "diff"])
    assert exit_info.value.code == 2
    assert "--base" in capsys.readouterr().err
