"""The scan that takes blob ids from git's own index (registry/gitscan.py) in real git
repositories: an unchanged tracked file is not read once its index entry is verified, and
nothing git could be fooled about, or told to skip, is ever trusted — every report equals a
run without any cache, byte for byte."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key, registry_of  # noqa: F401  (autouse fixture)
from gitrepo import GitRepo
from registry import gitscan
from registry.cache import CACHE_DIR
from test_stat_index import CASE, Reads
from test_stat_index import _fresh_report as fresh  # (the same registry and helpers as the stat index's tests)

PAY = "systems/czj/czj-pay.yaml"


@pytest.fixture(autouse=True)
def git_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(gitscan.DISABLE_ENV, "1")
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(registry_of(tmp_path, CASE))
    repo.commit("登记")
    return repo


def store_dir(root: Path) -> Path:
    return next(p for p in (root / CACHE_DIR).iterdir() if p.is_dir())


def next_second() -> None:
    time.sleep(1.05 - time.time() % 1)


def warmed(repo: GitRepo, reads: Reads) -> None:
    """Runs until git's index vouches for every file (its entries verified by a run that read
    them a second after they were written)."""
    next_second()
    fresh(repo.path, reads)
    fresh(repo.path, reads)
    assert reads.paths == []


def same_size_edit(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (same length) and put the modification time back."""
    before = path.stat()
    assert len(old) == len(new)
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def retired(path: Path) -> None:
    same_size_edit(path, b"status: operating", b"status: retiredxx")


def git_dirty(repo: GitRepo) -> str:
    return repo.git("-c", "core.trustctime=true", "diff-files", "--name-only")


def test_unchanged_tracked_files_are_not_read_and_the_stat_index_is_not_needed(repo: GitRepo,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    store = store_dir(repo.path)
    assert (store / gitscan.VERIFIED_DELTA).exists()
    assert not list(store.glob("stat.index"))  # git's index did the stat index's work
    repo.write(PAY, (repo.path / PAY).read_text(encoding="utf-8") + "# 备注\n")
    fresh(repo.path, reads)
    assert reads.paths == [PAY]  # git names it changed: read, the others vouched for


def test_git_fooled_by_a_same_second_edit_with_the_time_put_back_is_not_believed(repo: GitRepo) -> None:
    """git compares times in whole seconds and its racy-clean rule looks at the modification
    time only: a same-size edit within the second of the file's recorded change time, with its
    modification time put back, looks clean to git for ever. The entry is never verified."""
    path = repo.path / PAY
    for _attempt in range(5):
        next_second()
        os.utime(path, ns=(0, 1_000_000_000))  # an old modification time: not racy for git
        repo.git("add", PAY)
        fresh(repo.path)  # (its change time is in this very second: not verified)
        same_size_edit(path, b"status: operating", b"status: retiredxx")
        if git_dirty(repo) == "":
            break  # git is fooled: the case this test is about
        repo.git("checkout", "--", PAY)
    else:
        pytest.skip("the machine was too slow to edit within one second")
    next_second()
    report = fresh(repo.path)
    assert any(f.path == PAY for f in report.findings)
    assert git_dirty(repo) == ""  # git still believes the file unchanged


@pytest.mark.parametrize("mark", ["--assume-unchanged", "--skip-worktree"])
def test_entries_git_is_told_not_to_look_at_are_never_vouched_for(repo: GitRepo, mark: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    repo.git("update-index", mark, PAY)
    path = repo.path / PAY
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
    assert git_dirty(repo) == ""  # git does not look
    report = fresh(repo.path, reads)
    assert any(f.path == PAY for f in report.findings)
    assert reads.paths == [PAY]


@pytest.mark.parametrize("setting", ["core.trustctime=false", "core.checkStat=minimal", "core.ignoreStat=true",
                                     "core.fsmonitor=true"])
def test_the_repositorys_configuration_cannot_make_git_trust_stale_stat_data(repo: GitRepo, setting: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    name, value = setting.split("=")
    repo.git("config", name, value)  # core.fsmonitor=true: a hook that would say nothing changed
    next_second()
    retired(repo.path / PAY)  # same size, modification time put back: only the change time moved
    report = fresh(repo.path, reads)
    assert any(f.path == PAY for f in report.findings)
    assert reads.paths == [PAY]


def test_a_file_staged_then_edited_again_is_read(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    path = repo.path / PAY
    path.write_text(path.read_text(encoding="utf-8") + "# 已暂存\n", encoding="utf-8")
    repo.git("add", PAY)
    next_second()
    fresh(repo.path, reads)  # reads it and verifies the new entry
    fresh(repo.path, reads)
    assert reads.paths == []
    retired(path)  # then edited again, same size, time put back, not staged
    assert any(f.path == PAY for f in fresh(repo.path, reads).findings)
    assert reads.paths == [PAY]


def test_untracked_ignored_and_intent_to_add_records_are_read(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    budget = (repo.path / "systems/czj/czj-budget.yaml").read_bytes()
    repo.write(".gitignore", "systems/czj/czj-ignored.yaml\n")
    repo.write("systems/czj/czj-ignored.yaml", budget)  # ignored by git, still a record
    repo.write("systems/czj/czj-untracked.yaml", budget)
    repo.write("systems/wjw/wjw-new.yaml", budget)
    repo.git("add", "-N", "systems/wjw/wjw-new.yaml")
    report = fresh(repo.path, reads)
    assert {"systems/czj/czj-ignored.yaml", "systems/czj/czj-untracked.yaml", "systems/wjw/wjw-new.yaml"} <= set(reads.paths)
    assert {f.path for f in report.findings} >= {"systems/czj/czj-ignored.yaml", "systems/czj/czj-untracked.yaml"}
    assert report.summary.records == 7


def test_a_hooks_index_is_the_one_read(repo: GitRepo) -> None:
    """``git commit PATHS`` runs its hooks with GIT_INDEX_FILE naming a temporary index: its
    entries describe the files as the commit will have them, and its stat data is what git
    compares the files with."""
    path = repo.path / PAY
    next_second()
    fresh(repo.path)
    other = repo.path / ".git" / "other-index"
    shutil.copy(repo.path / ".git" / "index", other)
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
    repo.git("add", PAY, env={**repo.env(), "GIT_INDEX_FILE": str(other)})
    next_second()
    for index in (str(other), None, str(other)):
        with pytest.MonkeyPatch.context() as patch:
            if index is not None:
                patch.setenv("GIT_INDEX_FILE", index)
            assert any(f.path == PAY for f in fresh(repo.path).findings)


HOOK = """#!/bin/sh
cd "$1" || exit 9
"{python}" -m registry check --today 2025-12-01 --format json > "$2/cached.json"
"{python}" -m registry check --today 2025-12-01 --format json --no-cache > "$2/uncached.json"
env | grep '^GIT_INDEX_FILE=' > "$2/index.txt"
exit 0
"""


@pytest.mark.parametrize("how", [["-a"], ["--only", PAY], []])
def test_a_real_commit_hook_sees_what_a_run_without_cache_sees(repo: GitRepo, tmp_path: Path, how: list[str]) -> None:
    out = tmp_path / "hook-out"
    out.mkdir()
    hook = tmp_path / "hooks" / "pre-commit"
    hook.parent.mkdir()
    hook.write_text(HOOK.format(python=sys.executable).replace('"$1"', f'"{repo.path}"').replace('"$2', f'"{out}'),
                    encoding="utf-8")
    hook.chmod(0o755)
    next_second()
    fresh(repo.path)
    path = repo.path / PAY
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
    if not how:
        repo.git("add", PAY)
    env = {**repo.env(), "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], gitscan.DISABLE_ENV: "1"}
    subprocess.run(["git", "-c", f"core.hooksPath={hook.parent}", "commit", "-q", "-m", "钩子", *how], cwd=repo.path,
                   env=env, check=True, capture_output=True)
    cached = (out / "cached.json").read_text(encoding="utf-8")
    assert cached == (out / "uncached.json").read_text(encoding="utf-8")
    assert PAY in cached
    assert (out / "index.txt").read_text(encoding="utf-8").startswith("GIT_INDEX_FILE=")  # git's own or a temporary one


def test_a_registry_in_a_sub_folder_of_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "仓库"
    top.mkdir()
    root = registry_of(top, CASE)  # 仓库/registry
    repo = GitRepo.init(top)
    repo.commit("登记")
    reads = Reads(monkeypatch)
    next_second()
    fresh(root, reads)
    fresh(root, reads)
    assert reads.paths == []
    retired(root / PAY)
    assert any(f.path == PAY for f in fresh(root, reads).findings)
    assert reads.paths == [PAY]


def test_conflicted_links_and_other_entries_git_holds_are_never_vouched_for(repo: GitRepo) -> None:
    repo.branch("other")
    path = repo.path / PAY
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
    repo.commit("停用")
    repo.switch("main")
    path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: planned"), encoding="utf-8")
    (repo.path / "systems/wjw/wjw-link.yaml").symlink_to("wjw-his.yaml")  # a link git tracks (mode 120000)
    repo.commit("规划")
    done = subprocess.run(["git", "merge", "-q", "other"], cwd=repo.path, env=repo.env(), capture_output=True, check=False)
    assert done.returncode != 0  # a conflict: three stages of the file in the index
    assert "<<<<<<<" in path.read_text(encoding="utf-8")
    next_second()
    report = fresh(repo.path)
    assert {f.path for f in report.findings} >= {PAY, "systems/wjw/wjw-link.yaml"}
    fresh(repo.path)


def test_a_split_index_and_a_damaged_index(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    repo.git("update-index", "--split-index")
    warmed(repo, reads)
    retired(repo.path / PAY)
    assert any(f.path == PAY for f in fresh(repo.path, reads).findings)
    assert reads.paths == [PAY]
    index = repo.path / ".git" / "index"
    index.write_bytes(index.read_bytes()[:40])  # git cannot read it: the stat index's scan
    assert any(f.path == PAY for f in fresh(repo.path, reads).findings)


def test_an_index_changed_while_git_reads_it_is_not_used(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    real = gitscan.IndexScan.collect

    def staging_meanwhile(self: gitscan.IndexScan) -> Any:
        path = repo.path / PAY
        path.write_text(path.read_text(encoding="utf-8").replace("status: operating", "status: retired"), encoding="utf-8")
        repo.git("add", PAY)
        return real(self)

    monkeypatch.setattr(gitscan.IndexScan, "collect", staging_meanwhile)
    assert any(f.path == PAY for f in fresh(repo.path, reads).findings)


def test_planted_or_damaged_verified_entries_are_ignored(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    warmed(repo, reads)
    store = store_dir(repo.path)
    for name in (gitscan.VERIFIED, gitscan.VERIFIED_DELTA):
        if (store / name).exists():
            (store / name).write_bytes((store / name).read_bytes()[:-1] + b"\0")
    fresh(repo.path, reads)
    assert sorted(reads.paths) == sorted(CASE["records"])  # nothing verified any more: read again
    retired(repo.path / PAY)
    assert any(f.path == PAY for f in fresh(repo.path, reads).findings)


def test_not_a_repository_or_no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = registry_of(tmp_path, CASE)
    fresh(root)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    retired(root / PAY)
    assert any(f.path == PAY for f in fresh(root).findings)


def test_a_linked_work_tree_reads_its_own_index(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``git worktree add``: the work tree's ``.git`` is a file naming its own git folder and index."""
    linked = tmp_path / "linked"
    repo.git("worktree", "add", "-q", "-b", "linked", str(linked))
    reads = Reads(monkeypatch)
    next_second()
    fresh(linked, reads)
    fresh(linked, reads)
    assert reads.paths == []  # git's index (the linked work tree's own) vouched for every file
    retired(linked / PAY)
    assert any(f.path == PAY for f in fresh(linked, reads).findings)
    assert reads.paths == [PAY]
    assert not any(f.path == PAY for f in fresh(repo.path).findings)  # the main work tree is unchanged


def test_an_index_named_relative_to_another_folder_is_not_guessed_wrong(tmp_path: Path) -> None:
    """A hook's GIT_INDEX_FILE=.git/index is relative to the top of the work tree; a registry in
    a sub-folder never takes another file for git's index."""
    top = tmp_path / "仓库"
    top.mkdir()
    root = registry_of(top, CASE)
    repo = GitRepo.init(top)
    repo.commit("登记")
    next_second()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_INDEX_FILE", ".git/index")
        fresh(root)
        retired(root / PAY)
        assert any(f.path == PAY for f in fresh(root).findings)
