"""``registry audit`` in the weaker ``--trust identities`` mode: authority milestones must
arrive through a merge by that authority's approvers (by e-mail); changes must not reach the
base branch without a merge. Real temporary repositories with merge commits made by different
identities. Signed merges and the seven attacks of issue #9: test_audit_signed.py."""
from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from auditkit import ADMIN, APPROVED, CLERK, EARLY, FINANCE, GITHUB, PROJECT, project
from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who
from registry.audit import run_audit
from registry.cli import main
from registry.findings import Report



def config(**dsj: Any) -> dict[str, Any]:
    data = copy.deepcopy(REGISTRY)
    data["units"][0]["approvers"] = ["approver@dsj.test.gov.cn", "@dsj-lead"]
    data["units"][0].update(dsj)
    data["units"][1]["approvers"] = ["财政局审批人", "approver@czj.test.gov.cn"]  # a name never counts
    return data


def seeded(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", config())
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", {}))
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("初始登记（根提交）", as_=CLERK)  # the initial import: not audited
    return repo


def pull_request(repo: GitRepo, name: str, files: dict[str, Any], *, merged_by: Who,
                 committer: Who | None = None, author: Who = CLERK) -> str:
    """A branch with one commit by ``author``, merged into main with a merge commit."""
    repo.branch(name, start="main")
    for path, content in files.items():
        repo.write(path, content)
    repo.commit(f"{name} 的修改", as_=author)
    return repo.merge(name, into="main", as_=merged_by, committer=committer)


def findings(report: Report) -> list[tuple[str, str, str]]:
    return [(f.rule, f.path, f.field) for f in report.findings]


def test_acceptance_direct_commit_and_non_approver_merge_are_flagged_approver_merge_passes(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    pull_request(repo, "approve-by-approver", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    assert run_audit(repo.path, trust="identities").findings == []

    bad_merge = pull_request(repo, "review-by-clerk", {PROJECT: project(milestones={
        **APPROVED, "reviewed": {"date": "2024-09-15", "ref": "评审〔2024〕1号"}})}, merged_by=CLERK)
    repo.switch("main")
    repo.write(PROJECT, project(milestones={**APPROVED, "reviewed": {"date": "2024-09-15", "ref": "评审〔2024〕1号"},
                                            "third_party_assessed": {"date": "2024-09-16"}}))
    direct = repo.commit("直接提交第三方评估", as_=ADMIN)  # even an approver must merge, not push

    report = run_audit(repo.path, trust="identities")
    assert findings(report) == [
        ("AUD002", PROJECT, ""),
        ("AUD001", PROJECT, "milestones.reviewed"),
        ("AUD001", PROJECT, "milestones.third_party_assessed"),
    ]
    by_field = {f.field: f for f in report.findings}
    assert bad_merge[:8] in by_field["milestones.reviewed"].message.zh
    assert "卫健局填报员" in by_field["milestones.reviewed"].message.zh
    assert "不是数据主管部门 dsj 登记的批准人" in by_field["milestones.reviewed"].message.zh
    assert direct[:8] in by_field["milestones.third_party_assessed"].message.zh
    assert "未经合并请求直接进入 main" in by_field[""].message.zh
    assert by_field["milestones.reviewed"].line > 1  # placed on the milestone in the working tree
    assert report.exit_code(strict=False) == 1


def test_finance_milestones_need_the_finance_approvers(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    budgeted = {**APPROVED, "budgeted": {"date": "2025-01-15", "amount_wan": 100}}
    pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    pull_request(repo, "budget-by-dsj", {PROJECT: project(milestones=budgeted)}, merged_by=ADMIN)
    report = run_audit(repo.path, trust="identities")
    assert findings(report) == [("AUD001", PROJECT, "milestones.budgeted")]
    assert "财政部门 czj" in report.findings[0].message.zh
    assert any("czj: 财政局审批人 不是邮箱" in n.zh for n in report.summary.notices)  # names never count

    repo2 = seeded(tmp_path / "second")
    pull_request(repo2, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    pull_request(repo2, "budget-by-czj", {PROJECT: project(milestones=budgeted)}, merged_by=FINANCE)
    assert run_audit(repo2.path, trust="identities").findings == []  # matched by e-mail


def test_crypto_milestone_falls_back_to_the_data_authority_without_a_crypto_unit(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    crypto = {**EARLY, "crypto_reviewed": {"date": "2024-09-12", "ref": "密审〔2024〕1号"}}
    pull_request(repo, "crypto", {PROJECT: project(milestones=crypto)}, merged_by=ADMIN)
    assert run_audit(repo.path, trust="identities").findings == []


def test_github_web_merges_count_the_author_never_the_github_committer(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    pull_request(repo, "ok", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, committer=GITHUB)
    assert run_audit(repo.path, trust="identities").findings == []
    final = {**APPROVED, "final_acceptance": {"date": "2025-06-30", "passed": True}}
    pull_request(repo, "accept", {PROJECT: project(milestones=final)}, merged_by=CLERK, committer=GITHUB)
    assert findings(run_audit(repo.path, trust="identities")) == [("AUD001", PROJECT, "milestones.final_acceptance")]


def test_an_at_login_approver_matches_a_github_noreply_address(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    lead = Who("组长", "12345+dsj-lead@users.noreply.github.com")
    pull_request(repo, "ok", {PROJECT: project(milestones=APPROVED)}, merged_by=lead, committer=GITHUB)
    assert run_audit(repo.path, trust="identities").findings == []


def test_a_merge_cannot_approve_itself_by_adding_its_author_to_approvers(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    sneaky = config()
    sneaky["units"][0]["approvers"].append(CLERK.email)
    pull_request(repo, "self-approval", {"registry.yaml": sneaky, PROJECT: project(milestones=APPROVED)}, merged_by=CLERK)
    expected = [("AUD001", PROJECT, "milestones.approved"), ("AUD004", "registry.yaml", "units[0].approvers")]
    assert sorted(findings(run_audit(repo.path, trust="identities"))) == expected
    # the refused change never takes effect: the clerk's later merges still do not count
    final = {**APPROVED, "final_acceptance": {"date": "2025-06-30"}}
    pull_request(repo, "accept", {PROJECT: project(milestones=final)}, merged_by=CLERK)
    assert sorted(findings(run_audit(repo.path, trust="identities"))) == [
        *expected[:1], ("AUD001", PROJECT, "milestones.final_acceptance"), *expected[1:]]


def test_moving_a_project_file_is_not_a_new_milestone(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    repo.branch("rename", start="main")
    repo.move(PROJECT, PROJECT.replace(".yaml", ".yml"))
    repo.commit("改扩展名", as_=CLERK)
    repo.merge("rename", into="main", as_=CLERK)
    assert run_audit(repo.path, trust="identities").findings == []


def test_reformatting_a_milestone_as_a_mapping_is_no_change(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    pull_request(repo, "approve", {PROJECT: project(milestones={**EARLY, "reviewed": "2024-09-15"})}, merged_by=ADMIN)
    pull_request(repo, "reformat", {PROJECT: project(milestones={**EARLY, "reviewed": {"date": "2024-09-15"}})}, merged_by=CLERK)
    assert run_audit(repo.path, trust="identities").findings == []


def test_a_removed_milestone_needs_the_authority_too(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    pull_request(repo, "unapprove", {PROJECT: project(milestones=EARLY)}, merged_by=CLERK)
    report = run_audit(repo.path, trust="identities")
    assert findings(report) == [("AUD001", PROJECT, "milestones.approved")]
    assert "删除" in report.findings[0].message.zh


def test_since_starts_the_audit_at_a_date(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", {"name": "新名称"}))
    early = dt.datetime(2025, 1, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    repo.commit("流程启用前的直接提交", as_=CLERK, when=early)
    assert findings(run_audit(repo.path, trust="identities")) == [("AUD002", "systems/wjw/wjw-his.yaml", "")]
    assert run_audit(repo.path, trust="identities", since=dt.date(2025, 2, 1)).findings == []


def test_non_ascii_paths_in_a_direct_push(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    repo.write("docs/2025-wjw-001/可行性研究报告.pdf", b"%PDF-1.4")
    repo.commit("上传可研", as_=CLERK)
    assert findings(run_audit(repo.path, trust="identities")) == [("AUD002", "docs/2025-wjw-001/可行性研究报告.pdf", "")]


def test_one_direct_push_finding_per_commit_placed_on_a_record(tmp_path: Path) -> None:
    repo = seeded(tmp_path)
    for name in ("a", "b", "c"):
        repo.write(f"docs/2025-wjw-001/{name}.pdf", b"%PDF-1.4")
    repo.write("registry.yaml", config(name="测试县大数据中心"))
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", {"name": "新名称"}))
    repo.commit("一次改动五个文件", as_=CLERK)
    report = run_audit(repo.path, trust="identities")
    assert findings(report) == [("AUD002", "systems/wjw/wjw-his.yaml", "")]
    assert "改动了 systems/wjw/wjw-his.yaml、registry.yaml、docs/2025-wjw-001/a.pdf 等 5 个文件" in report.findings[0].message.zh


def test_cli_formats_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    root = str(repo.path)
    pull_request(repo, "ok", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN)
    assert main(["--root", root, "audit", "--trust", "identities"]) == 0
    out = capsys.readouterr().out
    assert "已审计 main 的 1 个首父提交：合并 1 个，直接提交 0 个" in out

    pull_request(repo, "bad", {PROJECT: project(milestones={**APPROVED, "budgeted": {"date": "2025-01-15"}})}, merged_by=CLERK)
    assert main(["--root", root, "audit", "--trust", "identities", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["field"]) for f in payload["findings"]] == [("AUD001", "milestones.budgeted")]
    assert payload["findings"][0]["citation"].startswith("登记簿审核流程")
    assert main(["--root", root, "audit", "--trust", "identities", "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "AUD001"
    assert main(["--root", root, "audit", "--trust", "identities", "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=projects/wjw/2025-wjw-001.yaml,line=")
    assert main(["--root", root, "--lang", "en", "audit", "--trust", "identities", "--base-branch", "main"]) == 1
    assert "is not an approver of finance unit czj" in capsys.readouterr().out


def test_usage_errors_exit_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path)
    assert main(["--root", str(repo.path), "audit", "--base-branch", "release"]) == 2
    assert "找不到分支 release" in capsys.readouterr().err

    shallow = tmp_path / "shallow"
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", {"name": "第二版"}))
    repo.commit("第二个提交", as_=CLERK)
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo.path}", str(shallow)], check=True)
    assert main(["--root", str(shallow), "audit"]) == 2
    assert "浅克隆" in capsys.readouterr().err

    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "registry.yaml").write_bytes((repo.path / "registry.yaml").read_bytes())
    assert main(["--root", str(plain), "audit"]) == 2
    err = capsys.readouterr().err
    assert "不在 git 仓库中" in err and "Traceback" not in err
