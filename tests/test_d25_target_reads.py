"""``--base``: git is asked only for the blobs whose load result the run does not already have.

The target's and the merge result's record files are mostly the working tree's own contents
(the same blob ids): their records are copies of the ones the run loaded from the working tree
(or kept in the record cache), so their bytes are not read from git again
(:meth:`registry.target.Target._sources`). These tests hold the outcome to the full computation
(every blob read from git, every rule on every record, no cache) on edits, renames, transfers,
a branch behind its target, a damaged record cache, and check that a blob the run needs and
git cannot give is still an error (exit 2); so is one it does not read but git has lost or
damaged (tests/hostile/test_git_oddities.py: missing_blob_at_the_base, damaged_blob_at_the_base).
"""
from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from basekit import TODAY
from basekit import assert_base_runs_agree as _assert_same
from basekit import full_base as _full
from basekit import run_base as _run
from basekit import synthetic as _synthetic
from gitrepo import GitRepo
from registry import gitio
from registry.cli import main



def _asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The blob ids the run asks git for (filled in as it runs)."""
    asked: list[str] = []
    real = gitio.read_blobs

    def spy(repo: gitio.Repo, wanted: Iterable[tuple[str, str]]) -> Any:
        pairs = list(wanted)
        asked.extend(oid for oid, _path in pairs)
        return real(repo, pairs)

    monkeypatch.setattr(gitio, "read_blobs", spy)
    return asked


def _tree_blobs(repo: GitRepo, rev: str) -> dict[str, str]:
    out = repo.git("ls-tree", "-r", "-z", rev)
    found = {}
    for line in out.split("\0"):
        if line:
            meta, _, path = line.partition("\t")
            found[path] = meta.split()[2]
    return found


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_only_the_blobs_the_working_tree_does_not_hold_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    head, target = _tree_blobs(repo, "HEAD"), _tree_blobs(repo, "HEAD~10")
    asked = _asked(monkeypatch)
    code, _out = _run(root, "diff", "HEAD~10", capsys)
    assert code == 0
    records = {path: oid for path, oid in target.items() if path.startswith(("systems/", "projects/"))}
    new = {oid for oid in records.values() if oid not in set(head.values())}
    assert new, "the history changed records in its last ten merges"
    assert set(asked) - {target["registry.yaml"]} == new  # nothing the working tree holds
    assert len(asked) == len(set(asked))  # each blob once
    monkeypatch.undo()
    _assert_same(root, ["HEAD~10"], capsys, monkeypatch)


def test_reads_follow_edits_renames_transfers_and_deletions(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    bases = ["HEAD~1", "HEAD~8"]
    project = sorted((root / "projects").glob("*/*.yaml"))[0]
    _edit(project, "total_wan:", "total_wan: -5\n  old_total_wan:")
    systems = sorted((root / "systems").glob("*/*.yaml"))
    systems[0].rename(systems[0].with_name("renamed-" + systems[0].name))
    other = next(p for p in systems[1:] if p.parent != systems[2].parent)
    other.rename(systems[2].parent / other.name)  # moved to another unit's folder
    systems[3].unlink()
    (systems[4].parent / ("copy-" + systems[4].name)).write_bytes(systems[4].read_bytes())
    _assert_same(root, bases, capsys, monkeypatch)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "edits")
    _assert_same(root, bases, capsys, monkeypatch)
    # the working tree back at an older state: the target holds contents it no longer has
    repo.git("checkout", "-q", "HEAD~6", "--", "systems", "projects")
    _assert_same(root, ["HEAD", "HEAD~2"], capsys, monkeypatch)


def test_a_branch_behind_its_target_reads_what_the_target_added(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The merge result holds the target's newer records (not in the working tree): read from git."""
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    main_branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature", "HEAD~6")
    system = sorted((root / "systems").glob("*/*.yaml"))[5]
    _edit(system, "description: ", "description: 改写：")
    repo.git("commit", "-q", "-am", "feature edit")
    _assert_same(root, [main_branch, f"{main_branch}~3"], capsys, monkeypatch)
    _edit(system, "description: ", "description: 未提交：")  # work in progress on top
    _assert_same(root, [main_branch], capsys, monkeypatch)


def test_a_damaged_record_cache_gives_the_same_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Blobs the record cache keeps are not read from git; a damaged data file is caught (its
    digest) and the run starts again without the cache."""
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    root = _synthetic(tmp_path)
    full = _full(root, "diff", "HEAD~10", capsys, monkeypatch)
    assert main(["--root", str(root), "check", "--today", TODAY.isoformat(), "--format", "json"]) in (0, 1)
    capsys.readouterr()
    data = sorted((root / ".registry-cache").rglob("records-*.data"))
    assert data, "check keeps the records"
    assert _run(root, "diff", "HEAD~10", capsys) == full
    shutil.rmtree(next((root / ".registry-cache").iterdir()) / "diff-base", ignore_errors=True)
    for found in data:
        raw = bytearray(found.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        found.write_bytes(bytes(raw))
    assert _run(root, "diff", "HEAD~10", capsys) == full


def _on_a_target_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, GitRepo, str, Path]:
    """An uncached synthetic registry on a new branch ``target``: (root, its repository, the
    branch it came from, a system file to change there)."""
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    main_branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "target")
    return root, repo, main_branch, sorted((root / "systems").glob("*/*.yaml"))[7]


def test_a_blob_the_run_needs_and_git_cannot_give_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo, main_branch, system = _on_a_target_branch(tmp_path, monkeypatch)
    _edit(system, "description: ", "description: 目标分支改写：")
    repo.git("commit", "-q", "-am", "target edit")
    oid = repo.git("rev-parse", f"HEAD:{system.relative_to(root).as_posix()}").strip()
    repo.git("checkout", "-q", main_branch)  # the working tree never held that content
    (root / ".git" / "objects" / oid[:2] / oid[2:]).unlink()  # (a new object is loose)
    for command in ("diff", "check"):
        code, err = _run(root, command, "target", capsys)
        assert code == 2 and "无法从 git 读取" in err and oid[:12] in err, (command, err)


def test_a_blob_the_run_does_not_read_is_still_one_git_must_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo, main_branch, system = _on_a_target_branch(tmp_path, monkeypatch)
    (system.parent / "czj-held.yaml").write_text(system.read_text(encoding="utf-8") + "# 新内容\n", encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "target adds a record")
    oid = repo.git("rev-parse", f"HEAD:{(system.parent / 'czj-held.yaml').relative_to(root).as_posix()}").strip()
    repo.git("checkout", "-q", main_branch)
    repo.git("merge", "-q", "--no-ff", "-m", "bring the target in", "target")  # the working tree holds it now
    asked = _asked(monkeypatch)
    assert _run(root, "diff", "target", capsys)[0] == 0 and oid not in asked  # (not read: the working tree's)
    (root / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    for command in ("diff", "check"):
        code, err = _run(root, command, "target", capsys)
        assert code == 2 and "无法从 git 读取" in err and oid[:12] in err, (command, err)
