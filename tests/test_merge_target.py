"""``check --base`` / ``diff --base`` judge the merge result against the target's tip, with the
target's configuration (issue #8, holes 1–4 and 10), in real git repositories.

Each hole is reproduced the way a department wanting one more system would try it; each exits 1
with a finding naming the file, or 2 with a hint when the merge cannot be evaluated. The
legitimate changes next to them still pass.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from casekit import APPROVAL, APPROVED_MILESTONES as MILESTONES, APPROVED_PROJECT as PROJECT, build_registry, record_data
from gitrepo import GitRepo, yaml_text
from registry.cli import main

RETIRED = {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测大数据发〔2025〕9号"}
NEW = {"status": "building", "online_since": None}
TRANSFER = {"transferred_from": {"unit": "czj", "doc_no": "测编办〔2025〕4号", "date": "2025-05-01"}}
RECORDS = {
    "systems/czj/czj-a.yaml": {},
    "systems/czj/czj-b.yaml": {},
    "systems/czj/czj-c.yaml": {},
    "systems/wjw/wjw-archive.yaml": {},
    "projects/czj/2025-czj-001.yaml": PROJECT,
}


def populate(repo: GitRepo) -> None:
    build_registry(repo.path, {"registry": {"profiles": ["potou"]}, "template": False, "records": RECORDS})


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    populate(repo)
    repo.commit("初始登记")
    return repo


def write(repo: GitRepo, path: str, fields: dict[str, Any]) -> None:
    repo.write(path, yaml_text(record_data(path, fields)))


def check(repo: GitRepo, capsys: pytest.CaptureFixture[str], base: str = "main",
          *extra: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["--root", str(repo.path), "check", "--base", base, "--format", "json", "--today", "2025-12-01", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"] if code in (0, 1) else []


def diff(repo: GitRepo, capsys: pytest.CaptureFixture[str], base: str = "main") -> dict[str, Any]:
    assert main(["--root", str(repo.path), "diff", "--base", base, "--format", "json", "--today", "2025-12-01"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def errors(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in findings if f["severity"] == "error")


def retire_a_and_add(repo: GitRepo, branch: str, new_id: str, *, start: str = "main") -> None:
    repo.branch(branch, start=start)
    write(repo, "systems/czj/czj-a.yaml", RETIRED)
    write(repo, f"systems/czj/{new_id}.yaml", NEW)
    repo.commit(f"停用 czj-a，新增 {new_id}")


# -- hole 1: stale base, double spend -----------------------------------------------------------


def test_second_branch_spending_the_same_retirement_is_blocked_after_the_first_merges(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    retire_a_and_add(repo, "first", "czj-one")
    assert check(repo, capsys) == (0, [])
    retire_a_and_add(repo, "second", "czj-two")
    assert check(repo, capsys) == (0, [])  # alone, each branch is a fair swap
    repo.merge("first")
    repo.switch("second")
    code, findings = check(repo, capsys)
    assert code == 1
    assert errors(findings) == [("CHG001", "systems/czj/czj-two.yaml")]
    assert "由 3 个增至 4 个" in findings[0]["message"]  # main's tip has 3 active after the first merge


def test_the_cache_does_not_keep_the_verdict_of_an_older_target(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    retire_a_and_add(repo, "first", "czj-one")
    retire_a_and_add(repo, "second", "czj-two")
    assert check(repo, capsys) == (0, [])  # cached, keyed on main's tip at that moment
    repo.merge("first")
    repo.switch("second")
    assert check(repo, capsys)[0] == 1  # same working tree, new target: not the cached report


def test_branch_from_an_older_main_repeating_a_retirement_is_blocked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    fork = repo.rev("HEAD")
    write(repo, "systems/czj/czj-a.yaml", RETIRED)
    write(repo, "systems/czj/czj-one.yaml", NEW)
    repo.commit("停用 czj-a，新增 czj-one")
    retire_a_and_add(repo, "old", "czj-two", start=fork)
    code, findings = check(repo, capsys)
    assert code == 1 and errors(findings) == [("CHG001", "systems/czj/czj-two.yaml")]


def test_uncommitted_changes_count_on_top_of_the_merge(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    retire_a_and_add(repo, "first", "czj-one")
    repo.merge("first")
    repo.branch("second", start="main~1")
    write(repo, "systems/czj/czj-a.yaml", RETIRED)  # not committed: pre-commit runs before the commit exists
    write(repo, "systems/czj/czj-two.yaml", NEW)
    repo.git("add", "systems/czj/czj-two.yaml")  # one staged, one not
    code, findings = check(repo, capsys)
    assert code == 1 and errors(findings) == [("CHG001", "systems/czj/czj-two.yaml")]
    assert findings[0]["line"] > 1  # the working tree's file, at its status line


def test_a_branch_that_merged_main_back_in_and_retired_another_system_passes(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    retire_a_and_add(repo, "first", "czj-one")
    repo.branch("second", start="main")
    write(repo, "systems/czj/czj-b.yaml", RETIRED)
    write(repo, "systems/czj/czj-two.yaml", NEW)
    repo.commit("停用 czj-b，新增 czj-two")
    repo.merge("first")
    repo.switch("second")
    repo.git("merge", "--quiet", "--no-edit", "main")
    assert check(repo, capsys) == (0, [])


def test_a_conflicting_merge_exits_2_with_a_hint_to_bring_the_target_in(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    write(repo, "systems/czj/czj-a.yaml", {"description": "分支上的说明"})
    repo.commit("分支修改")
    repo.switch("main")
    write(repo, "systems/czj/czj-a.yaml", {"description": "主分支上的说明"})
    repo.commit("主分支修改")
    repo.switch("feature")
    for command in ("check", "diff"):
        code = main(["--root", str(repo.path), command, "--base", "main"])
        err = capsys.readouterr().err
        assert code == 2
        assert "冲突" in err and "systems/czj/czj-a.yaml" in err and "git merge origin/main" in err and "git rebase" in err


# -- hole 2: a branch from before the registry existed ------------------------------------------


def test_branch_forked_before_any_record_gets_no_first_registration_exemption(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("README.md", "登记簿\n")
    root = repo.commit("初始化仓库")
    populate(repo)
    repo.commit("初始登记")
    repo.branch("sneak", start=root)
    populate(repo)  # the same registry.yaml and records as main, plus one more system
    write(repo, "systems/czj/czj-new.yaml", NEW)
    repo.commit("新增系统")
    code, findings = check(repo, capsys)
    assert code == 1 and errors(findings) == [("CHG001", "systems/czj/czj-new.yaml")]
    summary = diff(repo, capsys)  # diff and check see the same thing
    assert [u["verdict"] for u in summary["inventory"]] == ["violation"]
    assert [f["rule"] for f in summary["findings"]["introduced"]] == ["CHG001"]


def test_first_import_into_an_empty_repository_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("README.md", "登记簿\n")
    repo.commit("初始化仓库")
    repo.branch("import")
    populate(repo)
    write(repo, "systems/czj/czj-new.yaml", NEW)  # the existing inventory, registered for the first time
    repo.commit("首次登记")
    assert check(repo, capsys) == (0, [])


def test_first_import_before_the_first_commit_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pre-commit runs the base hook before the repository's very first commit exists."""
    repo = GitRepo.init(tmp_path / "registry")
    populate(repo)
    repo.git("add", "--all")
    assert check(repo, capsys) == (0, [])
    assert diff(repo, capsys)["records"]["added"]


def test_an_unknown_base_in_a_repository_with_commits_is_still_exit_2(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(repo.path), "check", "--base", "origin/main"]) == 2
    assert "无法解析 --base origin/main" in capsys.readouterr().err


# -- hole 3: rules switched off in the same change ----------------------------------------------


def relax(repo: GitRepo, **changes: Any) -> None:
    config = repo.path / "registry.yaml"
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(config.read_text("utf-8"))
    data.update(changes)
    repo.write("registry.yaml", data)


def test_rules_disabled_in_the_change_itself_still_apply_to_it(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    relax(repo, disabled_rules=[{"rule": rule, "reason": "临时停用"} for rule in ("CHG001", "CHG002", "CHG004", "REG006")])
    repo.remove("systems/wjw/wjw-archive.yaml")
    write(repo, "projects/czj/2025-czj-001.yaml",
          {**PROJECT, "milestones": {**MILESTONES, "approved": {"date": "2025-02-01", "doc_no": "测大数据发〔2025〕99号"}}})
    write(repo, "systems/czj/czj-new.yaml", NEW)
    write(repo, "systems/czj/czj-b.yaml", {"online_since": None})  # REG006: operating needs online_since
    repo.commit("停用规则并修改记录")
    code, findings = check(repo, capsys)
    assert code == 1
    assert {("CHG001", "systems/czj/czj-new.yaml"), ("CHG002", "systems/wjw/wjw-archive.yaml"),
            ("CHG004", "projects/czj/2025-czj-001.yaml"), ("REG006", "systems/czj/czj-b.yaml")} <= set(errors(findings))
    warnings = [f for f in findings if f["rule"] == "CHG007"]
    assert [f["path"] for f in warnings] == ["registry.yaml"] * 4
    assert all(f["severity"] == "warning" and f["line"] > 1 for f in warnings)
    assert "停用规则 CHG001（理由：临时停用）" in warnings[0]["message"]
    summary = diff(repo, capsys)
    assert [c["change"] for c in summary["config"]][0].startswith("停用规则 CHG001")


def test_a_profile_swapped_in_the_change_does_not_apply_to_it(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    relax(repo, profiles=["dalad"])
    write(repo, "systems/czj/czj-new.yaml", NEW)
    repo.commit("换规则配置")
    code, findings = check(repo, capsys)
    assert code == 1 and ("CHG001", "systems/czj/czj-new.yaml") in errors(findings)
    assert any(f["rule"] == "CHG007" and "不再适用规则配置 potou" in f["message"] for f in findings)
    assert main(["--root", str(repo.path), "diff", "--base", "main", "--today", "2025-12-01"]) == 0
    markdown = capsys.readouterr().out
    lines = [line for line in markdown.splitlines() if line.strip()]
    assert lines[1].startswith("⚠️ **本变更修改了规则配置：") and "不再适用规则配置 potou" in lines[1]


def test_a_parameter_loosened_in_the_change_does_not_apply_to_it(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    relax(repo, parameters={"county_total": False})
    write(repo, "systems/czj/czj-new.yaml", NEW)
    write(repo, "systems/czj/czj-b.yaml", {"unit": "wjw", **TRANSFER})
    repo.move("systems/czj/czj-b.yaml", "systems/wjw/czj-b.yaml")
    repo.commit("划转并新增，同时关掉全县总量检查")
    code, findings = check(repo, capsys)
    assert code == 1 and errors(findings) == [("CHG008", "systems/czj/czj-new.yaml")]


def test_the_county_total_still_holds_when_the_target_disabled_chg001(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    relax(repo, disabled_rules=[{"rule": "CHG001", "reason": "数据主管部门决定按全县总量管理（会议纪要 2025-4）"}])
    repo.commit("按全县总量管理")
    repo.branch("feature")
    write(repo, "systems/czj/czj-new.yaml", NEW)
    repo.commit("新增系统")
    code, findings = check(repo, capsys)
    assert code == 1 and errors(findings) == [("CHG008", "systems/czj/czj-new.yaml")]


def test_once_merged_the_new_configuration_governs_later_changes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("config")
    relax(repo, disabled_rules=[{"rule": "CHG002", "reason": "数据主管部门同意：清理测试数据（会议纪要 2025-3）"}])
    repo.commit("停用 CHG002")
    code, findings = check(repo, capsys)
    assert code == 0 and [f["rule"] for f in findings] == ["CHG007"]
    repo.merge("config")
    repo.branch("cleanup")
    repo.remove("systems/wjw/wjw-archive.yaml")
    repo.commit("删除测试数据")
    assert check(repo, capsys) == (0, [])


# -- hole 4: links and submodules in a committed tree -------------------------------------------


def test_a_record_committed_as_a_symlink_is_an_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    record = repo.path / "systems/czj/czj-a.yaml"
    repo.write("docs/czj-a.yaml", record.read_bytes())
    record.unlink()
    os.symlink("../../docs/czj-a.yaml", record)
    repo.commit("改为链接")
    code, findings = check(repo, capsys)
    assert code == 1
    assert ("REG003", "systems/czj/czj-a.yaml") in errors(findings)
    assert "符号链接" in next(f["message"] for f in findings if f["path"] == "systems/czj/czj-a.yaml")


def test_a_symlink_already_on_the_target_is_never_read(repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(yaml_text(record_data("systems/czj/czj-x.yaml", {})), encoding="utf-8")
    os.symlink(outside, repo.path / "systems/czj/czj-x.yaml")
    repo.commit("链接到仓库外的记录")  # landed before this check existed
    repo.branch("feature")
    write(repo, "systems/czj/czj-b.yaml", {"description": "无关修改"})
    repo.commit("无关修改")
    code, findings = check(repo, capsys)
    assert code == 1 and ("REG003", "systems/czj/czj-x.yaml") in errors(findings)


def test_a_symlink_under_docs_in_the_merge_result_is_an_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    repo.write("docs/2025-czj-001/方案.pdf", b"%PDF")
    os.symlink("/etc/hostname", repo.path / "docs/2025-czj-001/批复.pdf")
    repo.commit("附件")
    code, findings = check(repo, capsys)
    assert code == 1 and ("REG003", "docs/2025-czj-001/批复.pdf") in errors(findings)
    assert ("REG003", "docs/2025-czj-001/方案.pdf") not in errors(findings)


def test_a_submodule_under_systems_is_an_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    commit = repo.rev("HEAD")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},systems/czj/vendor")
    repo.git("commit", "--quiet", "-m", "子模块")
    code, findings = check(repo, capsys)
    assert code == 1 and ("REG003", "systems/czj/vendor") in errors(findings)
    assert "子模块" in next(f["message"] for f in findings if f["path"] == "systems/czj/vendor")


def test_a_misplaced_record_in_the_merge_result_is_reported(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """The target gained a file at a non-record path (e.g. before this check): it is not
    silently left out of the comparison of a branch that never saw it."""
    repo.branch("feature")
    repo.switch("main")
    repo.write("systems/czj/czj-extra.yml", yaml_text(record_data("systems/czj/czj-extra.yaml", NEW)))
    repo.commit("错误扩展名")
    repo.switch("feature")
    code, findings = check(repo, capsys)
    assert code == 1 and ("REG003", "systems/czj/czj-extra.yml") in errors(findings)


# -- hole 10: transfers that grow the county ----------------------------------------------------


def test_a_transfer_and_a_new_system_in_the_same_change_are_blocked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    repo.move("systems/czj/czj-c.yaml", "systems/wjw/czj-c.yaml")
    write(repo, "systems/wjw/czj-c.yaml", {"unit": "wjw", **TRANSFER})
    write(repo, "systems/czj/czj-new.yaml", NEW)
    repo.commit("划转 czj-c 并新增系统")
    code, findings = check(repo, capsys)
    assert code == 1 and errors(findings) == [("CHG008", "systems/czj/czj-new.yaml")]
    assert "由 4 个增至 5 个" in findings[0]["message"]
    summary = diff(repo, capsys)  # every unit holds, the total does not: diff says so too
    assert {u["verdict"] for u in summary["inventory"]} <= {"unchanged", "approved_increase", "decrease"}
    assert summary["inventory_total"]["verdict"] == "violation"
    assert (summary["inventory_total"]["before"], summary["inventory_total"]["after"]) == (4, 5)


# -- legitimate changes -------------------------------------------------------------------------


def test_retiring_one_and_adding_one_in_a_unit_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    retire_a_and_add(repo, "swap", "czj-new")
    assert check(repo, capsys) == (0, [])


def test_a_declared_transfer_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    repo.move("systems/czj/czj-c.yaml", "systems/wjw/czj-c.yaml")
    write(repo, "systems/wjw/czj-c.yaml", {"unit": "wjw", **TRANSFER})
    repo.commit("划转 czj-c")
    assert check(repo, capsys) == (0, [])


def test_a_new_system_with_an_approval_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    write(repo, "systems/czj/czj-new.yaml", {**NEW, "new_system_approval": APPROVAL})
    repo.commit("经批准新增系统")
    assert check(repo, capsys) == (0, [])


def test_adding_a_unit_with_its_first_system_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Units come from the working tree: a change may register a new unit (no CHG007 warning)."""
    repo.branch("feature")
    config = (repo.path / "registry.yaml").read_text("utf-8")
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(config)
    data["units"].append({"id": "rsj", "name": "测试县人力资源和社会保障局", "kind": "department"})
    repo.write("registry.yaml", data)
    write(repo, "systems/rsj/rsj-new.yaml", {**NEW, "new_system_approval": APPROVAL})
    repo.commit("新增单位及其系统")
    assert check(repo, capsys) == (0, [])


def test_a_file_name_that_is_not_utf8_in_git_is_reported_printably(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    blob = repo.git("hash-object", "-w", "--stdin", input=b"id: x\n")
    repo.git("update-index", "--add", "--cacheinfo", f"100644,{blob},systems/czj/bad\udcff.yaml")  # the byte 0xff
    repo.git("commit", "--quiet", "-m", "坏文件名")
    repo.git("checkout", "--", ".")  # in the working tree too (not deleted there since HEAD)
    code, findings = check(repo, capsys)
    assert code == 1
    assert any(f["rule"] == "REG003" and "\\x" in f["path"] for f in findings)


def test_diff_counts_as_check_does_a_retirement_dated_in_the_future(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.branch("feature")
    write(repo, "systems/czj/czj-a.yaml", {**RETIRED, "retired_on": "2030-12-31"})
    write(repo, "systems/czj/czj-new.yaml", NEW)
    repo.commit("停用日期写在将来")
    code, findings = check(repo, capsys)
    assert code == 1 and ("CHG001", "systems/czj/czj-new.yaml") in errors(findings)
    summary = diff(repo, capsys)
    assert [(u["unit"], u["before"], u["after"], u["verdict"]) for u in summary["inventory"]] == [("czj", 3, 4, "violation")]


@pytest.mark.parametrize("path", ["systems2/czj/czj-extra.yaml", "Systems/czj/czj-extra.yaml",
                                  "systems/czj/sub/czj-extra.yaml", "systems/czj/czj-extra.YAML", "systems/czj-extra.yaml"])
def test_a_record_at_a_path_that_is_not_a_record_path_is_reported(
        repo: GitRepo, capsys: pytest.CaptureFixture[str], path: str) -> None:
    """Committed on the target by a branch checked before this existed, never in this branch's
    working tree: the merge result still names it (hole 9, git side)."""
    repo.branch("feature")
    repo.switch("main")
    repo.write(path, yaml_text(record_data("systems/czj/czj-extra.yaml", NEW)))
    repo.commit("放错位置的记录")
    repo.switch("feature")
    code, findings = check(repo, capsys)
    assert code == 1 and ("REG003", path) in errors(findings)
    assert "不是记录文件" in next(f["message"] for f in findings if f["path"] == path)


def test_a_target_configuration_this_checker_cannot_use_falls_back_with_a_notice(
        repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    relax(repo, disabled_rules=[{"rule": "XX99", "reason": "旧版本工具的规则"}])
    repo.commit("旧配置")
    repo.branch("upgrade")
    relax(repo, disabled_rules=[])
    repo.commit("升级配置")
    code = main(["--root", str(repo.path), "check", "--base", "main", "--format", "json", "--today", "2025-12-01"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and any("无法使用" in n for n in out["summary"]["notices"])
