"""Attacks on the stat index, the listings of docs/ and the run cache (regression tests: all held).

Each test first lets the stat index vouch for the files (their times older than the run that
stored them: nothing read, nothing hashed), then changes the working tree in a way that keeps
what a cheap cache might key on — the size, the modification time (put back to the nanosecond),
the path, the inode, the folder — and checks that every cached command answers exactly what
``--no-cache`` answers: ``check`` (with and without ``--base``), ``diff --base``.
"""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cache, gitscan, warm
from registry.cache import Store
from registry.cli import main

TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)
ASSET, BUDGET = "systems/czj/czj-asset.yaml", "systems/czj/czj-budget.yaml"
COMMANDS = (("check", "--today", TODAY, "--format", "json"),
            ("check", "--today", TODAY, "--base", "HEAD", "--format", "json"),
            ("diff", "--today", TODAY, "--base", "HEAD", "--format", "json"))


class Runner:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def run(self, root: Path, *args: str, cached: bool = True) -> tuple[int, str, str]:
        with self.monkeypatch.context() as env:
            if not cached:
                env.setenv(cache.DISABLE_ENV, "1")
            self.capsys.readouterr()
            code = main(["--root", str(root), *args])
            out = self.capsys.readouterr()
            return code, out.out, out.err

    def same_as_uncached(self, root: Path, commands: tuple[tuple[str, ...], ...] = COMMANDS[:2]) -> list[int]:
        """The commands warm and uncached (``check`` warm twice: the second run reuses what the
        first stored); their exit codes."""
        codes = []
        for args in commands:
            cold = self.run(root, *args, cached=False)
            assert cold[0] in (0, 1), cold[2]
            assert self.run(root, *args) == cold, args
            if args == COMMANDS[0]:
                assert self.run(root, *args) == cold, args
            codes.append(cold[0])
        return codes

    def same(self, root: Path, *args: str) -> tuple[int, str, str]:
        """One command uncached, then warm twice: the same answer each time; that answer."""
        cold = self.run(root, *args, cached=False)
        assert self.run(root, *args) == cold, args
        assert self.run(root, *args) == cold, args
        return cold


@pytest.fixture(autouse=True, params=["lstat scan", "git index scan"])
def scan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attack on both scans: the one that ``lstat``-s every record file against the stat
    index (registries outside git, and the fallback), and the one that takes blob ids from git's
    own index in a git work tree (registry/gitscan.py)."""
    monkeypatch.setenv(gitscan.DISABLE_ENV, "0" if request.param == "lstat scan" else "1")


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    return Runner(capsys, monkeypatch)


def settled(root: Path, runner: Runner) -> None:
    """Wait until every file is older than the next run's clock, run every command, and make
    sure the stat index now vouches for the record files (the attack has something to fool)."""
    time.sleep(1.05 - time.time() % 1 + 0.05)
    runner.same_as_uncached(root, COMMANDS)
    # (git's index vouches only for files committed or staged as they are: a test may have
    # edited two files without staging them, which a scan with git's index then reads)
    assert read_by_scan(root) <= 2, "neither the stat index nor git's index vouches for the files"


def read_by_scan(root: Path) -> int:
    """How many record files the warm scan reads now (the others: the stat index vouches for
    them, or git's index does where the scan asks git, :mod:`registry.gitscan`)."""
    store = Store.open(root)
    assert store is not None
    files = warm.scan_with_attachments(root, store, git=gitscan.start(root))[0]
    assert files
    return sum(f.raw is not None for f in files if f.problem is None)


def keep_times(path: Path, change: Callable[[], None]) -> None:
    """``change`` the file, then put its access and modification times back to the nanosecond."""
    before = os.lstat(path)
    change()
    if path.exists():
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns), follow_symlinks=False)


def flip(text: str) -> str:
    """Same size, other meaning: the system is no longer retired."""
    return text.replace("status: retired", "status: invalid")


def test_a_same_size_edit_with_the_times_put_back_is_seen(tmp_path: Path, runner: Runner) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    path = root / ASSET
    text = path.read_text("utf-8")
    assert len(flip(text).encode()) == len(text.encode())
    keep_times(path, lambda: path.write_text(flip(text), "utf-8"))
    assert runner.same_as_uncached(root, COMMANDS)[0] == 1


def test_two_records_swapped_by_renames_are_seen(tmp_path: Path, runner: Runner) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    first, second = root / ASSET, root / BUDGET
    # equal sizes and times: only the inode (and change time) tells the files apart
    size = max(first.stat().st_size, second.stat().st_size)
    for path in (first, second):
        path.write_bytes(path.read_bytes() + b"#" * (size - path.stat().st_size) + b"\n")
        os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    settled(root, runner)
    spare = root / "systems/czj/swap.tmp"
    os.rename(first, spare)
    os.rename(second, first)
    os.rename(spare, second)
    assert runner.same_as_uncached(root)[0] == 1  # each id now in the other's file: REG findings


def test_a_deleted_record_replaced_by_a_new_file_of_the_same_size_and_times_is_read(tmp_path: Path,
                                                                                   runner: Runner) -> None:
    """The new file may get the freed inode back (tmpfs and ext4 often do)."""
    root, _repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    path = root / ASSET
    text, info = path.read_text("utf-8"), path.stat()
    path.unlink()
    path.write_text(flip(text), "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert runner.same_as_uncached(root)[0] == 1


def replace_by(path: Path, kind: str, other: Path) -> None:
    """Put at ``path`` (removed) a link to ``other``, a FIFO, a folder or a second name of ``other``."""
    if kind == "symlink":
        path.symlink_to(other)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        os.link(other, path)  # a second name of another file: a regular file with its content


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder", "hard link"])
def test_a_record_replaced_by_something_else_and_back_is_seen(tmp_path: Path, runner: Runner, kind: str) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    path = root / ASSET
    text = path.read_text("utf-8")
    other = root / "docs" / "elsewhere.yaml"
    other.parent.mkdir(exist_ok=True)
    other.write_text(flip(text), "utf-8")
    path.unlink()
    replace_by(path, kind, other)
    if kind == "folder":
        (path / "inner.yaml").write_text(text, "utf-8")
    assert runner.same_as_uncached(root)[0] == 1
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.write_text(text, "utf-8")
    other.unlink()
    assert runner.same_as_uncached(root)[0] == 0


def test_case_only_renames_of_a_record_and_of_a_unit_folder_are_seen(tmp_path: Path, runner: Runner) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    os.rename(root / ASSET, root / "systems/czj/CZJ-asset.yaml")
    assert runner.same_as_uncached(root)[0] == 1
    os.rename(root / "systems/czj/CZJ-asset.yaml", root / ASSET)
    os.rename(root / "systems/czj", root / "systems/CZJ")
    assert runner.same_as_uncached(root)[0] == 1
    os.rename(root / "systems/CZJ", root / "systems/czj")
    assert runner.same_as_uncached(root)[0] == 0


def test_an_attachment_replaced_by_a_link_or_removed_keeps_docs_listings_honest(tmp_path: Path,
                                                                                runner: Runner) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    documents = sorted(p for p in (root / "docs").rglob("*") if p.is_file())
    assert documents, "the fixture has attachments"
    settled(root, runner)
    target = documents[0]
    saved = target.read_bytes()
    folder = target.parent
    before = os.lstat(folder)
    target.unlink()
    target.symlink_to(root / "registry.yaml")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))  # the folder's times put back
    assert runner.same_as_uncached(root)[0] == 1
    target.unlink()
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert runner.same_as_uncached(root)[0] == 1
    target.write_bytes(saved)
    assert runner.same_as_uncached(root)[0] == 0


def test_a_copied_working_tree_with_its_cache_sees_its_own_files(tmp_path: Path, runner: Runner) -> None:
    """``cp -a`` (times kept) of a registry together with its .registry-cache, then a same-size
    edit with the times put back in the copy: the copy's inodes are not the original's."""
    root, _repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    copy = Path(shutil.copytree(root, tmp_path / "copy", symlinks=True, copy_function=shutil.copy2))
    path = copy / ASSET
    text = path.read_text("utf-8")
    keep_times(path, lambda: path.write_text(flip(text), "utf-8"))
    assert runner.same_as_uncached(copy)[0] == 1
    assert runner.same_as_uncached(root)[0] == 0


def test_checkout_stash_and_an_amended_base_are_seen(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    repo.branch("broken")
    path = root / ASSET
    path.write_text(flip(path.read_text("utf-8")), "utf-8")
    repo.commit("坏记录")
    assert runner.same_as_uncached(root)[0] == 1
    repo.switch("main")  # in the same second, most likely
    assert runner.same_as_uncached(root)[0] == 0
    path.write_text(flip(path.read_text("utf-8")), "utf-8")
    repo.git("stash")
    assert runner.same_as_uncached(root)[0] == 0
    repo.git("stash", "pop")
    assert runner.same_as_uncached(root)[0] == 1
    repo.git("checkout", "--", ASSET)
    # the base (HEAD) amended: same message, other content; then the working tree matches neither
    text = (root / BUDGET).read_text("utf-8")
    (root / BUDGET).write_text(text.replace("unit: czj", "unit: czx"), "utf-8")
    repo.git("commit", "--amend", "--quiet", "--all", "--no-edit", env=repo.env())
    (root / BUDGET).write_text(text, "utf-8")
    runner.same_as_uncached(root, COMMANDS)


def test_a_shared_blob_at_two_paths_and_in_both_folders(tmp_path: Path, runner: Runner) -> None:
    """The record cache keys by folder and blob id: the same bytes as a system and as a project
    are two different load results; the same bytes at two system paths are two records."""
    root, repo = committed_fixture("quxian", tmp_path)
    settled(root, runner)
    raw = (root / ASSET).read_bytes()
    (root / "systems/wjj/czj-asset.yaml").write_bytes(raw)
    (root / "projects/czj/czj-asset.yaml").write_bytes(raw)
    assert runner.same_as_uncached(root)[0] == 1
    repo.commit("同一内容的三个文件")
    assert runner.same_as_uncached(root)[0] == 1
    (root / "projects/czj/czj-asset.yaml").unlink()
    (root / "systems/wjj/czj-asset.yaml").unlink()
    runner.same_as_uncached(root, COMMANDS)  # against HEAD, which still has them
