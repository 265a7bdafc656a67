"""Change rules through the command line, in real git repositories (the issue's acceptance)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from casekit import APPROVAL, APPROVED_MILESTONES as MILESTONES, APPROVED_PROJECT as PROJECT, build_registry, record_data
from gitrepo import GitRepo, yaml_text
from registry.cli import main



@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    build_registry(repo.path, {"registry": {"profiles": ["potou"]}, "records": {
        "systems/czj/czj-old.yaml": {},
        "systems/wjw/wjw-archive.yaml": {},
        "projects/czj/2025-czj-001.yaml": PROJECT,
    }})
    repo.commit("初始登记")
    return repo


def write_record(repo: GitRepo, path: str, fields: dict[str, Any]) -> None:
    repo.write(path, yaml_text(record_data(path, fields)))


def check(repo: GitRepo, capsys: pytest.CaptureFixture[str], base: str = "HEAD") -> tuple[int, list[dict[str, Any]]]:
    code = main(["--root", str(repo.path), "check", "--base", base, "--format", "json", "--today", "2025-12-01"])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"] if code in (0, 1) else []


def rules(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["rule"], f["path"]) for f in findings]


def test_new_active_system_without_approval_is_blocked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write_record(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None})
    code, findings = check(repo, capsys)
    assert code == 1
    assert rules(findings) == [("CHG001", "systems/czj/czj-new.yaml")]
    assert "由 2 个增至 3 个" in findings[0]["message"] and findings[0]["field"] == "status"
    assert findings[0]["citation"].startswith("坡头区区级政务信息化服务项目管理办法 第七条")


def test_new_system_with_approval_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write_record(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None, "new_system_approval": APPROVAL})
    assert check(repo, capsys) == (0, [])


def test_new_system_with_another_retired_in_the_same_change_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write_record(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None})
    write_record(repo, "systems/czj/czj-old.yaml", {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测大数据发〔2025〕9号"})
    assert check(repo, capsys) == (0, [])


def test_deleting_a_record_is_blocked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.remove("systems/czj/czj-old.yaml")
    code, findings = check(repo, capsys)
    assert code == 1 and rules(findings) == [("CHG002", "systems/czj/czj-old.yaml")]


def test_renaming_a_file_keeps_the_record(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.move("systems/czj/czj-old.yaml", "systems/czj/archive/czj-old.yaml")
    code, findings = check(repo, capsys)
    assert rules(findings) == [("REG003", "systems/czj/archive/czj-old.yaml")]  # misplaced, but not new or deleted


def test_reviving_a_retired_system_is_blocked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    write_record(repo, "systems/czj/czj-old.yaml", {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "测大数据发〔2025〕9号"})
    repo.commit("停用旧系统")
    write_record(repo, "systems/czj/czj-old.yaml", {})
    code, findings = check(repo, capsys)
    assert code == 1 and ("CHG003", "systems/czj/czj-old.yaml") in rules(findings)


def test_editing_a_recorded_milestone_is_blocked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    moved = {**MILESTONES, "approved": {"date": "2025-02-10", "doc_no": "测大数据发〔2025〕3号"}}
    write_record(repo, "projects/czj/2025-czj-001.yaml", {**PROJECT, "milestones": moved})
    code, findings = check(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["field"]) for f in findings] == [("CHG004", "milestones.approved.date")]


def test_moving_a_system_needs_transferred_from(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.remove("systems/wjw/wjw-archive.yaml")
    write_record(repo, "systems/czj/wjw-archive.yaml", {})
    code, findings = check(repo, capsys)
    assert code == 1
    assert ("CHG006", "systems/czj/wjw-archive.yaml") in rules(findings)
    write_record(repo, "systems/czj/wjw-archive.yaml",
                 {"transferred_from": {"unit": "wjw", "doc_no": "测编办〔2025〕4号", "date": "2025-05-01"}})
    assert check(repo, capsys) == (0, [])


def test_retirements_the_target_already_made_do_not_excuse_the_branch(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Systems retired on main after the branch started were spent there: the branch's new
    system grows the unit of the merge result against main's tip."""
    repo.branch("feature")
    write_record(repo, "systems/czj/czj-new.yaml", {"status": "building", "online_since": None})
    repo.commit("新增系统")
    repo.switch("main")
    write_record(repo, "systems/czj/czj-old.yaml", {"status": "retired", "retired_on": "2025-06-30", "retirement_ref": "文号"})
    repo.commit("停用旧系统")
    repo.switch("feature")
    code, findings = check(repo, capsys, base="main")
    assert code == 1 and rules(findings) == [("CHG001", "systems/czj/czj-new.yaml")]


def test_unknown_base_exits_2_with_a_hint(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--root", str(repo.path), "check", "--base", "no-such-rev"])
    err = capsys.readouterr().err
    assert code == 2
    assert "无法解析 --base no-such-rev" in err and "fetch-depth: 0" in err and "git fetch --unshallow" in err


def test_shallow_clone_cannot_pass_silently(repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_record(repo, "systems/czj/czj-old.yaml", {"description": "第二次提交"})
    repo.commit("第二次提交")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    code = main(["--root", str(clone), "check", "--base", "HEAD~1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "浅克隆" in err and "git fetch --unshallow" in err
