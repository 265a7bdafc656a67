"""``registry check --staged``: what the commit will contain (git's index), in real repositories.

Each semantic point of the option: unstaged edits and untracked drafts neither count nor are
checked, partial staging is checked as staged (positions from the staged bytes), registry.yaml
comes from the index, named files are reported while cross-file rules see the whole staged
registry, and a clean working tree prints exactly what ``check`` prints.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from casekit import build_registry
from fixturekit import FIXTURES, committed_fixture
from gitrepo import GitRepo
from registry.cli import main

TODAY = "2025-12-01"
SYSTEM = "id: czj-ok\nname: 甲系统\nunit: czj\nstatus: planned\ndeployment: county_cloud\n"


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str, fmt: str = "json") -> tuple[int, Any, str]:
    code = main(["--root", str(root), "check", "--format", fmt, "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out) if fmt == "json" and out.strip().startswith("{") else out, err


def found(report: Any) -> list[tuple[str, str, int]]:
    return sorted((f["rule"], f["path"], f["line"]) for f in report["findings"])


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    root = tmp_path / "repo"
    build_registry(root, {"records": {}, "registry": {"profiles": ["potou"]}})
    repo = GitRepo.init(root)
    repo.commit("init")
    return repo


@pytest.mark.parametrize("profile", sorted(p.name for p in FIXTURES.iterdir() if (p / "registry.yaml").is_file()))
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_clean_work_tree_prints_what_check_prints(profile: str, fmt: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = committed_fixture(profile, tmp_path)
    for cache in ("--no-cache", None, None):  # without the cache, then a cold and a warm cache
        extra = [cache] if cache else []
        plain = run(root, capsys, *extra, fmt=fmt)
        staged = run(root, capsys, "--staged", *extra, fmt=fmt)
        assert staged == plain


def test_an_unstaged_edit_is_not_checked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.git("add", ".")
    repo.write("systems/czj/czj-ok.yaml", SYSTEM + "nmae: 错字\n")  # not staged
    code, report, _ = run(repo.path, capsys, "--staged")
    assert code == 0 and found(report) == []
    code, report, _ = run(repo.path, capsys)
    assert code == 1 and [f[0] for f in found(report)] == ["REG002"]


def test_a_staged_error_fixed_only_in_the_work_tree_still_fails(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-ok.yaml", "# 草稿\n# 第二行\n" + SYSTEM + "nmae: 错字\n")
    repo.git("add", ".")
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    code, report, _ = run(repo.path, capsys, "--staged")
    assert code == 1 and found(report) == [("REG002", "systems/czj/czj-ok.yaml", 8)]  # the staged line


def test_an_untracked_draft_neither_counts_nor_is_checked(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.git("add", ".")
    repo.write("systems/czj/draft.yaml", SYSTEM + "nmae: 错字\n")  # untracked, and the same id
    _, plain, _ = run(repo.path, capsys, "--no-cache")
    code, report, _ = run(repo.path, capsys, "--staged")
    assert code == 0 and found(report) == []
    assert report["summary"]["records"] == plain["summary"]["records"] - 1


def test_intent_to_add_is_not_part_of_the_commit(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/draft.yaml", SYSTEM + "nmae: 错字\n")
    repo.git("add", "-N", "systems/czj/draft.yaml")
    code, report, _ = run(repo.path, capsys, "--staged")
    assert code == 0 and found(report) == []


def test_partial_staging_is_checked_as_staged(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """What ``git add -p`` leaves: the index holds a version the working tree never had."""
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.git("add", ".")
    staged = "# 说明\n" + SYSTEM.replace("status: planned", "status: plannned")
    blob = repo.git("hash-object", "-w", "--stdin", input=staged.encode()).strip()
    repo.git("update-index", "--cacheinfo", f"100644,{blob},systems/czj/czj-ok.yaml")
    repo.write("systems/czj/czj-ok.yaml", SYSTEM + "description: 另一处改动，未暂存\n")
    code, report, _ = run(repo.path, capsys, "--staged")
    assert code == 1 and found(report) == [("REG002", "systems/czj/czj-ok.yaml", 5)]
    code, report, _ = run(repo.path, capsys)
    assert code == 0


def test_registry_yaml_comes_from_the_index(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    config = (repo.path / "registry.yaml").read_text(encoding="utf-8")
    repo.write("registry.yaml", config.replace("potou", "nonexistent-profile"))  # broken, but not staged
    assert run(repo.path, capsys, "--staged")[0] == 0
    assert run(repo.path, capsys)[0] == 2
    repo.git("add", "registry.yaml")
    repo.write("registry.yaml", config)
    code, _, err = run(repo.path, capsys, "--staged")
    assert code == 2 and "nonexistent-profile" in err


def test_registry_yaml_missing_from_the_index(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("rm", "-q", "--cached", "registry.yaml")
    code, _, err = run(repo.path, capsys, "--staged")
    assert code == 2 and "暂存区" in err and "registry.yaml" in err


def test_named_files_are_reported_and_cross_file_rules_see_the_staged_registry(
        repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.write("systems/czj/other.yaml", SYSTEM)  # the same id: staged, not named
    repo.write("systems/czj/typo.yaml", SYSTEM.replace("czj-ok", "czj-typo") + "nmae: 错字\n")
    repo.git("add", ".")
    monkeypatch.chdir(repo.path)
    code, report, _ = run(repo.path, capsys, "--staged", "systems/czj/czj-ok.yaml")
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"systems/czj/czj-ok.yaml"}
    assert "REG002" not in {f["rule"] for f in report["findings"]}  # typo.yaml: not named
    os.remove("systems/czj/other.yaml")  # deleted in the work tree, not in the index: still counted
    assert run(repo.path, capsys, "--staged", "systems/czj/czj-ok.yaml")[1] == report
    os.remove("systems/czj/czj-ok.yaml")  # a named file only the index holds: still checked
    assert run(repo.path, capsys, "--staged", "systems/czj/czj-ok.yaml")[1] == report
    code, _, err = run(repo.path, capsys, "--staged", "systems/czj/nowhere.yaml")
    assert code == 2 and "nowhere.yaml" in err


def test_a_staged_link_is_refused(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    os.symlink("czj-ok.yaml", repo.path / "systems/czj/czj-link.yaml")
    repo.git("add", ".")
    _, plain, _ = run(repo.path, capsys, "--no-cache")
    code, report, _ = run(repo.path, capsys, "--staged")
    assert code == 1 and report == plain and ("REG003", "systems/czj/czj-link.yaml", 1) in found(report)


def test_change_rules_against_a_base_use_the_staged_content(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    new = SYSTEM.replace("status: planned", "status: building")
    repo.write("systems/czj/czj-ok.yaml", new)
    code, report, _ = run(repo.path, capsys, "--staged", "--base", "main")
    assert code == 0 and found(report) == []  # not staged yet: nothing new in the commit
    repo.git("add", ".")
    code, report, _ = run(repo.path, capsys, "--staged", "--base", "main")
    assert code == 1 and "CHG001" in {f["rule"] for f in report["findings"]}
    assert report == run(repo.path, capsys, "--base", "main", "--no-cache")[1]


def test_outside_a_repository_and_without_an_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_registry(tmp_path / "plain", {"records": {}, "registry": {"profiles": ["potou"]}})
    code, _, err = run(tmp_path / "plain", capsys, "--staged")
    assert code == 2 and "不在 git 仓库" in err
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "plain", check=True)
    code, _, err = run(tmp_path / "plain", capsys, "--staged")
    assert code == 2 and "没有暂存区" in err


def test_unresolved_conflicts_are_a_usage_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.commit("a")
    repo.branch("other")
    repo.write("systems/czj/czj-ok.yaml", SYSTEM.replace("甲系统", "乙系统"))
    repo.commit("b")
    repo.switch("main")
    repo.write("systems/czj/czj-ok.yaml", SYSTEM.replace("甲系统", "丙系统"))
    repo.commit("c")
    subprocess.run(["git", "merge", "-q", "other"], cwd=repo.path, env=repo.env(), capture_output=True, check=False)
    code, _, err = run(repo.path, capsys, "--staged")
    assert code == 2 and "冲突" in err and "systems/czj/czj-ok.yaml" in err


# -- the cached tree listing (registry.staged): never stale, used in proportion to the change ----


def exported(repo: GitRepo, tmp_path: Path, env: dict[str, str] | None = None) -> Path:
    """A clean folder holding exactly the staged files (``git checkout-index -a``)."""
    clean = tmp_path / "exported"
    subprocess.run(["git", "checkout-index", "-a", "--ignore-skip-worktree-bits", f"--prefix={clean}/"], cwd=repo.path,
                   env={**os.environ, **(env or {})}, check=True)
    return clean


def same_as_export(repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    staged = run(repo.path, capsys, "--staged")
    clean = run(exported(repo, tmp_path), capsys, "--no-cache")
    assert staged == clean
    return staged[1]


def test_later_runs_read_only_the_differences_from_the_cached_tree(
        repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from registry import staged

    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.git("add", ".")
    same_as_export(repo, tmp_path / "a", capsys)  # lists HEAD's tree once

    def listed_again(*_args: Any) -> Any:
        raise AssertionError("the tree was listed again")

    monkeypatch.setattr(staged, "_tree_listing", listed_again)
    repo.commit("ok")  # HEAD moves: the cached tree is still compared with
    repo.write("systems/czj/czj-ok.yaml", SYSTEM + "nmae: 错字\n")
    repo.git("add", ".")
    report = same_as_export(repo, tmp_path / "b", capsys)
    assert [f[0] for f in found(report)] == ["REG002"]


def test_many_differences_list_heads_tree_again(repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from registry import staged

    same_as_export(repo, tmp_path / "a", capsys)
    monkeypatch.setattr(staged, "_REBASE", 1)
    for name in ("a", "b", "c"):
        repo.write(f"systems/czj/czj-{name}.yaml", SYSTEM.replace("czj-ok", f"czj-{name}"))
    repo.commit("three")
    repo.write("systems/czj/czj-d.yaml", SYSTEM.replace("czj-ok", "czj-d") + "nmae: 错字\n")
    repo.git("add", ".")
    report = same_as_export(repo, tmp_path / "b", capsys)
    assert report == run(repo.path, capsys, "--staged", "--no-cache")[1]
    assert [f[0] for f in found(report)] == ["REG002"]


def test_a_pruned_cached_tree_is_listed_again(repo: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-ok.yaml", SYSTEM)
    repo.commit("ok")
    same_as_export(repo, tmp_path / "a", capsys)  # the cache keeps this commit's tree
    repo.write("systems/czj/czj-ok.yaml", SYSTEM.replace("甲系统", "乙系统"))
    repo.git("add", ".")
    repo.git("commit", "-q", "--amend", "--no-edit")  # the cached tree is now unreachable …
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")  # … and gone
    repo.write("systems/czj/czj-ok.yaml", SYSTEM + "nmae: 错字\n")
    repo.git("add", ".")
    report = same_as_export(repo, tmp_path / "b", capsys)
    assert [f[0] for f in found(report)] == ["REG002"]


def test_a_damaged_or_planted_cached_listing_is_never_used(repo: GitRepo, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    same_as_export(repo, tmp_path / "a", capsys)
    state = next((repo.path / ".registry-cache").glob("*/staged.tree"))
    state.write_bytes(state.read_bytes()[:-40] + b"\0" * 40)
    repo.write("systems/czj/czj-ok.yaml", SYSTEM + "nmae: 错字\n")
    repo.git("add", ".")
    assert [f[0] for f in found(same_as_export(repo, tmp_path / "b", capsys))] == ["REG002"]


def test_the_registry_in_a_sub_folder_moved_elsewhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The cached listing is of the root's place in the repository: a registry moved to another
    folder (its cache with it) is listed again."""
    top = tmp_path / "top"
    build_registry(top / "reg", {"records": {}, "registry": {"profiles": ["potou"]}})
    repo = GitRepo.init(top)
    repo.write("reg/systems/czj/czj-ok.yaml", SYSTEM)
    repo.write("systems/czj/junk.yaml", "不是登记簿的文件\n")  # outside the registry root: never read
    repo.commit("init")
    first = run(top / "reg", capsys, "--staged")
    assert first == run(top / "reg", capsys, "--no-cache")
    repo.git("mv", "reg", "moved")
    repo.commit("moved")
    repo.write("moved/systems/czj/czj-ok.yaml", SYSTEM + "nmae: 错字\n")
    repo.git("add", ".")
    code, report, _ = run(top / "moved", capsys, "--staged")
    assert code == 1 and [f[0] for f in found(report)] == ["REG002"]
    assert report["summary"]["records"] == first[1]["summary"]["records"]


def test_a_large_record_and_documents_resolve_in_the_index(repo: GitRepo, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("systems/czj/czj-big.yaml", SYSTEM.replace("czj-ok", "czj-big") + "# " + "x" * (1 << 20) + "\n")
    repo.write("docs/staged-only.pdf", b"%PDF")
    repo.git("add", ".")
    (repo.path / "docs/staged-only.pdf").unlink()  # staged, gone from the work tree
    repo.write("docs/untracked.pdf", b"%PDF")  # in the work tree only
    report = same_as_export(repo, tmp_path, capsys)
    assert ("REG001", "systems/czj/czj-big.yaml", 1) in found(report)


@pytest.mark.parametrize("mode", ["120000", "160000"])
def test_a_link_removed_since_head_is_gone_from_the_merge_result(repo: GitRepo, capsys: pytest.CaptureFixture[str],
                                                                  mode: str) -> None:
    """x21's report: a link or submodule committed on the branch, then ``git rm``-ed (not
    committed), is not part of the commit: no REG003 from the merge result for it."""
    repo.branch("f")
    oid = repo.rev("HEAD") if mode == "160000" else repo.git("hash-object", "-w", "--stdin", input=b"x.yaml").strip()
    repo.git("update-index", "--add", "--cacheinfo", f"{mode},{oid},systems/czj/link.yaml")
    repo.git("commit", "-q", "-m", "link")
    code, report, _ = run(repo.path, capsys, "--staged", "--base", "main")
    assert code == 1 and ("REG003", "systems/czj/link.yaml", 1) in found(report)
    repo.git("rm", "-q", "--cached", "systems/czj/link.yaml")
    code, report, _ = run(repo.path, capsys, "--staged", "--base", "main")
    assert code == 0 and found(report) == []
