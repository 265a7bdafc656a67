"""Attacks on trusting git's own index for the blob ids of unchanged tracked files (regression tests).

Every scenario builds a REAL repository holding the quxian fixture, lets every cache settle (the
stat index, and git's index where the scan asks git, vouch for the record files), then puts the
repository in a state where git's view of the working tree and the bytes on disk may part:
entries git is told not to look at (assume-unchanged, skip-worktree, ``core.ignoreStat``), a
repository configuration that makes git trust less of ``lstat`` (``core.trustctime=false``,
``core.checkStat=minimal``, a lying ``core.fsmonitor``, the untracked cache), an index in another
shape (split, version 4, intent-to-add, unmerged stages, a lock left behind, corrupt), a
registry in a sub-folder, a linked worktree, a submodule, records git does not track (untracked,
ignored), records replaced by other kinds of files, names git would quote, an environment
pointing git at another repository (``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``), a
``.git`` file naming another repository, and attributes that make the index's blob differ from
the bytes on disk (``ident``, ``eol``, ``working-tree-encoding``). Then ``check`` (whole tree,
three files as pre-commit passes them, ``--base HEAD``) must answer exactly what ``--no-cache``
answers — warm, and warm again. A last group runs the check inside a real ``pre-commit`` hook
of ``git commit <paths>`` / ``git commit -a`` (git sets ``GIT_INDEX_FILE`` for the hook).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cache
from registry.cli import main
from test_x_stale_tree import read_by_scan, replace_by

TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)
ASSET, BUDGET = "systems/czj/czj-asset.yaml", "systems/czj/czj-budget.yaml"
PROJECT = "projects/czj/2026-czj-001.yaml"
CHECK = ("check", "--today", TODAY, "--format", "json")
THREE = (*CHECK, ASSET, BUDGET, PROJECT)  # what the pre-commit hook passes
BASE = ("check", "--today", TODAY, "--base", "HEAD", "--format", "json")


class Runner:
    """``registry`` in-process, warm or with the cache off, in an environment of the test's."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys, self.monkeypatch = capsys, monkeypatch
        self.env: dict[str, str] = {}

    def run(self, root: Path, *args: str, cached: bool = True) -> tuple[int, str, str]:
        with self.monkeypatch.context() as env:
            for name, value in self.env.items():
                env.setenv(name, value)
            if not cached:
                env.setenv(cache.DISABLE_ENV, "1")
            self.capsys.readouterr()
            # record paths as pre-commit passes them, made absolute (the test runs elsewhere)
            args = tuple(str(root / a) if a.startswith(("systems/", "projects/")) else a for a in args)
            code = main(["--root", str(root), *args])
            out = self.capsys.readouterr()
            return code, out.out, out.err

    def same(self, root: Path, *commands: tuple[str, ...]) -> list[int]:
        """Each command uncached, then warm twice (the second run reuses what the first
        stored): the same exit code, output and messages each time; the exit codes."""
        codes = []
        for args in commands or (CHECK, THREE, BASE):
            cold = self.run(root, *args, cached=False)
            assert cold[0] in (0, 1, 2) and "Traceback" not in cold[2], cold
            assert self.run(root, *args) == cold, args
            assert self.run(root, *args) == cold, args
            codes.append(cold[0])
        return codes


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    return Runner(capsys, monkeypatch)


def next_second() -> None:
    time.sleep(1.05 - time.time() % 1 + 0.05)


def settle(root: Path, repo: GitRepo, runner: Runner) -> None:
    """Every file older than the next run's clock, git's index refreshed (its stat data
    current, written after the files: not racily clean), every cache filled."""
    next_second()
    repo.git("update-index", "-q", "--refresh", *_ignore_failure())
    next_second()
    runner.same(root, CHECK, THREE, BASE)
    # the attack has something to fool (entries git is told not to look at are read, as are
    # the records git does not track)
    assert read_by_scan(root) <= 2, "nothing vouches for the files"


def _ignore_failure() -> tuple[str, ...]:
    return ("--ignore-missing", "--unmerged")


def keep_times(path: Path, change: Callable[[], None]) -> None:
    """``change`` the file, then put its access and modification times back to the nanosecond."""
    before = os.lstat(path)
    change()
    if os.path.lexists(path):
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns), follow_symlinks=False)


def flip(text: str) -> str:
    """Same size, other meaning: the retired system is no longer valid."""
    return text.replace("status: retired", "status: invalid")


def flip_in_place(root: Path, relpath: str = ASSET) -> None:
    """The same-size edit, written in place (same inode), times put back."""
    path = root / relpath
    text = path.read_text("utf-8")
    assert flip(text) != text and len(flip(text).encode()) == len(text.encode())
    keep_times(path, lambda: _rewrite_in_place(path, flip(text).encode()))


def _rewrite_in_place(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def broken_and_longer(root: Path, repo: GitRepo) -> None:
    """The record broken by an ordinary edit (other size, new times), then ``git status``."""
    (root / ASSET).write_text(flip((root / ASSET).read_text("utf-8")) + "# 再改一次\n", "utf-8")
    refresh(repo)


def refresh(repo: GitRepo) -> None:
    """What an editor's git integration does all day: ``git status`` (refreshes the index)."""
    repo.git("status", "--porcelain")


# -- entries git is told not to look at ---------------------------------------------------------


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_an_entry_git_does_not_look_at_is_not_trusted(tmp_path: Path, runner: Runner, flag: str) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    repo.git("update-index", flag, ASSET)
    settle(root, repo, runner)
    flip_in_place(root)
    refresh(repo)
    assert runner.same(root)[:2] == [1, 1]
    broken_and_longer(root, repo)
    assert runner.same(root)[:2] == [1, 1]


def test_core_ignorestat_marks_everything_unchanged(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    repo.git("config", "core.ignoreStat", "true")
    repo.git("add", "--all")
    settle(root, repo, runner)
    flip_in_place(root)
    (root / BUDGET).write_text((root / BUDGET).read_text("utf-8") + "extra_field: 1\n", "utf-8")
    refresh(repo)
    assert runner.same(root)[:2] == [1, 1]


# -- a repository configuration that trusts less of lstat -------------------------------------


@pytest.mark.parametrize("config", [
    {"core.trustctime": "false"},
    {"core.checkStat": "minimal"},
    {"core.trustctime": "false", "core.checkStat": "minimal", "core.filemode": "false"},
])
def test_a_config_that_ignores_the_change_time_does_not_hide_an_edit(tmp_path: Path, runner: Runner,
                                                                     config: dict[str, str]) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    for name, value in config.items():
        repo.git("config", name, value)
    settle(root, repo, runner)
    flip_in_place(root)
    refresh(repo)  # git, so configured, now calls the file unchanged and keeps the old blob id
    assert runner.same(root)[:2] == [1, 1]


def test_a_lying_fsmonitor_does_not_hide_an_edit(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    hook = tmp_path / "fsmonitor.sh"
    # protocol 2: a token, then the paths changed since the token asked about: never any
    hook.write_text("#!/bin/sh\nprintf 'token\\0'\n", "utf-8")
    hook.chmod(0o755)
    repo.git("config", "core.fsmonitor", str(hook))
    repo.git("config", "core.fsmonitorHookVersion", "2")
    refresh(repo)
    settle(root, repo, runner)
    refresh(repo)
    broken_and_longer(root, repo)
    assert runner.same(root)[:2] == [1, 1]


def test_the_untracked_cache_does_not_hide_a_new_record(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    repo.git("config", "core.untrackedCache", "true")
    repo.git("update-index", "--untracked-cache")
    refresh(repo)
    settle(root, repo, runner)
    folder = root / "systems/czj"
    keep_times(folder, lambda: (folder / "czj-twin.yaml").write_bytes((root / ASSET).read_bytes()))
    refresh(repo)
    assert runner.same(root)[:2] == [1, 1]  # two records with one id


# -- the index in other shapes ------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["split", "version-4", "lock-left-behind", "truncated", "garbage", "missing"])
def test_an_index_in_another_shape(tmp_path: Path, runner: Runner, shape: str) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    index = root / ".git/index"
    if shape == "split":
        repo.git("update-index", "--split-index")
    elif shape == "version-4":
        repo.git("update-index", "--index-version", "4")
    settle(root, repo, runner)
    flip_in_place(root)
    if shape == "lock-left-behind":
        (root / ".git/index.lock").write_bytes(index.read_bytes())  # a crashed git's lock
    elif shape == "truncated":
        index.write_bytes(index.read_bytes()[: index.stat().st_size // 2])
    elif shape == "garbage":
        index.write_bytes(b"DIRC" + os.urandom(400))
    elif shape == "missing":
        index.unlink()
    else:
        refresh(repo)
    assert runner.same(root, CHECK, THREE)[:2] == [1, 1]
    if shape == "split":
        refresh(repo)
        (root / BUDGET).write_text((root / BUDGET).read_text("utf-8") + "extra_field: 1\n", "utf-8")
        assert runner.same(root, CHECK, THREE) == [1, 1]


def test_a_file_staged_then_edited_again(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    settle(root, repo, runner)
    path = root / ASSET
    path.write_text(path.read_text("utf-8").replace("渠县行政", "渠县政务"), "utf-8")
    repo.git("add", ASSET)
    next_second()
    refresh(repo)
    runner.same(root)
    flip_in_place(root)
    assert runner.same(root)[:2] == [1, 1]


def test_an_intent_to_add_record(tmp_path: Path, runner: Runner) -> None:
    """``git add -N``: the index holds the empty blob's id for a file that is not empty."""
    root, repo = committed_fixture("quxian", tmp_path)
    twin = root / "systems/czj/czj-twin.yaml"
    twin.write_bytes((root / ASSET).read_bytes())
    repo.git("add", "--intent-to-add", "systems/czj/czj-twin.yaml")
    settle(root, repo, runner)
    assert runner.same(root, CHECK, (*CHECK, "systems/czj/czj-twin.yaml"), BASE)[:2] == [1, 1]
    empty = root / "systems/czj/czj-empty.yaml"
    empty.write_bytes(b"")
    repo.git("add", "--intent-to-add", "systems/czj/czj-empty.yaml")
    refresh(repo)
    runner.same(root, CHECK, (*CHECK, "systems/czj/czj-empty.yaml"))


@pytest.mark.parametrize("resolution", ["markers", "theirs", "ours"])
def test_unmerged_stages_after_a_conflicted_merge(tmp_path: Path, runner: Runner, resolution: str) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    text = (root / ASSET).read_text("utf-8")
    repo.branch("other")
    (root / ASSET).write_text(flip(text), "utf-8")
    repo.commit("改为无效")
    repo.switch("main")
    (root / ASSET).write_text(text.replace("status: retired", "status: retired  # 已核实"), "utf-8")
    repo.commit("加注释")
    settle(root, repo, runner)
    done = subprocess.run(["git", "merge", "other"], cwd=root, env=repo.env(), capture_output=True, check=False)
    assert done.returncode != 0 and "CONFLICT" in done.stdout.decode(), done
    if resolution != "markers":
        repo.git("checkout", f"--{resolution}", ASSET)
    refresh(repo)
    runner.same(root)
    next_second()
    refresh(repo)
    runner.same(root)


# -- where the registry sits in the repository ---------------------------------------------------


def test_a_registry_in_a_sub_folder_of_the_repository(tmp_path: Path, runner: Runner) -> None:
    top, repo = committed_fixture("quxian", tmp_path)
    root = top / "登记 簿"  # a folder name git quotes
    root.mkdir()
    for name in ("registry.yaml", "systems", "projects", "docs"):
        os.rename(top / name, root / name)
    # and at the top, the same paths with other content: must not answer for the sub-folder's
    shutil.copytree(root / "systems", top / "systems")
    (top / ASSET).write_text(flip((top / ASSET).read_text("utf-8")), "utf-8")
    repo.commit("移到子目录")
    settle(root, repo, runner)
    assert runner.same(root)[:2] == [0, 0]
    flip_in_place(root)
    refresh(repo)
    assert runner.same(root)[:2] == [1, 1]


def test_a_linked_worktree(tmp_path: Path, runner: Runner) -> None:
    main_root, repo = committed_fixture("quxian", tmp_path)
    root = tmp_path / "linked"
    repo.git("worktree", "add", "--quiet", "-b", "feature", str(root))
    settle(root, repo, runner)
    settle(main_root, repo, runner)
    flip_in_place(root)
    GitRepo(root).git("status", "--porcelain")
    assert runner.same(root)[:2] == [1, 1]
    assert runner.same(main_root)[:2] == [0, 0]


def test_a_registry_that_is_a_submodule(tmp_path: Path, runner: Runner) -> None:
    source, _ = committed_fixture("quxian", tmp_path)
    outer = GitRepo.init(tmp_path / "outer")
    outer.write("README.md", "外层仓库\n")
    outer.commit("外层")
    outer.git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", str(source), "registry")
    outer.commit("加入子模块")
    root = outer.path / "registry"
    inner = GitRepo(root)
    settle(root, inner, runner)
    flip_in_place(root)
    outer.git("status", "--porcelain")
    inner.git("status", "--porcelain")
    assert runner.same(root)[:2] == [1, 1]


def test_a_unit_folder_that_is_a_submodule(tmp_path: Path, runner: Runner) -> None:
    """systems/czj is a gitlink in the registry's index: its records are in another index."""
    source, _ = committed_fixture("quxian", tmp_path)
    unit = GitRepo.init(tmp_path / "czj-unit")
    shutil.copytree(source / "systems/czj", unit.path, dirs_exist_ok=True)
    unit.commit("单位仓库")
    root, repo = committed_fixture("quxian", tmp_path / "outer")
    repo.git("rm", "-r", "--quiet", "systems/czj")
    repo.git("commit", "--quiet", "-m", "移出", env=repo.env())
    repo.git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", str(unit.path), "systems/czj")
    repo.commit("单位作为子模块")
    settle(root, repo, runner)
    flip_in_place(root)
    refresh(repo)
    assert runner.same(root, CHECK, THREE)[:2] == [1, 1]


# -- records git does not track, or tracks as something else -----------------------------------


def test_ignored_and_untracked_records(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    (root / ".gitignore").write_text("systems/czj/czj-ignored.yaml\n", "utf-8")
    repo.commit("忽略一个文件")
    ignored, untracked = root / "systems/czj/czj-ignored.yaml", root / "systems/wjj/wjj-new.yaml"
    ignored.write_text(flip((root / ASSET).read_text("utf-8")).replace("czj-asset", "czj-ignored"), "utf-8")
    untracked.write_text((root / ASSET).read_text("utf-8").replace("czj-asset", "wjj-new"), "utf-8")
    settle(root, repo, runner)
    assert runner.same(root, CHECK, (*CHECK, "systems/czj/czj-ignored.yaml"))[:2] == [1, 1]
    for path in (ignored, untracked):
        keep_times(path, lambda path=path: path.write_text(path.read_text("utf-8").replace("czj", "wjj"), "utf-8"))
    refresh(repo)
    runner.same(root, CHECK, (*CHECK, "systems/czj/czj-ignored.yaml", "systems/wjj/wjj-new.yaml"))


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder", "hard link", "mode 755", "mode 000"])
def test_a_tracked_record_replaced_while_the_index_says_regular_file(tmp_path: Path, runner: Runner,
                                                                     kind: str) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    settle(root, repo, runner)
    path = root / ASSET
    text = path.read_text("utf-8")
    other = root / "docs/elsewhere.txt"
    other.write_text(text, "utf-8")  # the same bytes: the same blob id as the index's
    if kind.startswith("mode"):
        path.chmod(int(kind.split()[1], 8))
    else:
        path.unlink()
        replace_by(path, kind, other)
    refresh(repo)
    codes = runner.same(root, CHECK, THREE)
    clean = kind in ("hard link", "mode 755") or (kind == "mode 000" and os.geteuid() == 0)
    # a folder named like a record: PATHS naming a folder report what lies inside it (nothing)
    assert codes == ([0, 0] if clean else [1, 0] if kind == "folder" else [1, 1])


def test_a_record_replaced_in_a_unit_folder_whose_times_are_put_back(tmp_path: Path, runner: Runner) -> None:
    """The scan may reuse a folder's listing while the folder's ``lstat`` holds: replacing a
    record by a link and putting the folder's access and modification times back still moves
    its change time."""
    root, repo = committed_fixture("quxian", tmp_path)
    settle(root, repo, runner)
    folder, path = root / "systems/czj", root / ASSET
    text = path.read_text("utf-8")
    keep_times(folder, lambda: (path.unlink(), path.symlink_to(root / BUDGET)))
    refresh(repo)
    assert runner.same(root, CHECK, THREE)[:2] == [1, 1]
    keep_times(folder, lambda: (path.unlink(), path.write_text(flip(text), "utf-8")))
    refresh(repo)
    assert runner.same(root, CHECK, THREE)[:2] == [1, 1]


def test_a_sparse_checkout(tmp_path: Path, runner: Runner) -> None:
    """Entries outside the sparse cone are skip-worktree and absent; a file written at such a
    path is the user's, not the index's."""
    root, repo = committed_fixture("quxian", tmp_path)
    repo.git("sparse-checkout", "set", "--no-cone", "/*", "!/systems/wjj/")
    assert not (root / "systems/wjj").exists()
    settle(root, repo, runner)
    hidden = repo.git("ls-tree", "--name-only", "HEAD", "systems/wjj/").split("\n")[0]
    (root / hidden).parent.mkdir(parents=True)
    (root / hidden).write_text(flip((root / ASSET).read_text("utf-8")), "utf-8")
    refresh(repo)
    runner.same(root, CHECK, (*CHECK, hidden))
    flip_in_place(root)
    refresh(repo)
    assert runner.same(root, CHECK, THREE)[:2] == [1, 1]


def test_case_only_renames_with_core_ignorecase(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    repo.git("config", "core.ignorecase", "true")
    settle(root, repo, runner)
    os.rename(root / ASSET, root / "systems/czj/CZJ-asset.yaml")
    refresh(repo)
    assert runner.same(root, CHECK, (*CHECK, "systems/czj/CZJ-asset.yaml"))[0] == 1
    os.rename(root / "systems/czj", root / "systems/CZJ")
    refresh(repo)
    assert runner.same(root, CHECK)[0] == 1


def test_names_git_quotes(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    names = ['systems/czj/czj-"q".yaml', "systems/czj/财政 资产.yaml", "systems/czj/czj-a\\b.yaml",
             "systems/czj/czj-tab\t.yaml"]
    for name in names:
        (root / name).write_bytes((root / ASSET).read_bytes())
    repo.commit("怪名字")
    settle(root, repo, runner)
    for name in names[:3]:
        flip_in_place(root, name)
    refresh(repo)
    runner.same(root, CHECK, (*CHECK, *names))


def test_names_that_mimic_git_index_listing(tmp_path: Path, runner: Runner) -> None:
    """Tracked names holding a line break followed by what ``ls-files --debug`` prints after an
    entry (another entry's head, its stat lines): git's listing must never be misread so that
    one entry's blob id answers for another file."""
    root, repo = committed_fixture("quxian", tmp_path)
    blob = repo.git("rev-parse", f"HEAD:{BUDGET}")
    names = [f"systems/czj/x\n  ctime: 1:1\n  mtime: 1:1.yaml",
             f"systems/czj/y.yaml\n100644 {blob} 0\t{ASSET}",  # (folders: a name holds no slash)
             "systems/czj/z\n.yaml"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes((root / ASSET).read_bytes())
    repo.commit("像 git 输出的名字")
    assert len(repo.git("ls-files", "-z", "systems/czj").split("\0")) >= 5
    settle(root, repo, runner)
    flip_in_place(root)
    refresh(repo)
    assert runner.same(root)[:2] == [1, 1]


# -- git pointed somewhere else ------------------------------------------------------------------


def _clone(root: Path, where: Path) -> GitRepo:
    subprocess.run(["git", "clone", "--quiet", str(root), str(where)], check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    return GitRepo(where)


@pytest.mark.parametrize("pointed", ["GIT_DIR+GIT_WORK_TREE", "GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"])
def test_git_environment_pointing_at_another_clone(tmp_path: Path, runner: Runner, pointed: str) -> None:
    """A shell left with another clone's ``GIT_DIR`` (or index, or work tree) exported: that
    clone's index is clean for ITS files, which are not this registry's."""
    root, repo = committed_fixture("quxian", tmp_path)
    other = _clone(root, tmp_path / "other")
    settle(other.path, other, runner)
    settle(root, repo, runner)
    flip_in_place(root)  # only this registry's file changed; the other clone is clean
    values = {"GIT_DIR": str(other.path / ".git"), "GIT_WORK_TREE": str(other.path),
              "GIT_INDEX_FILE": str(other.path / ".git/index")}
    runner.env = {name: values[name] for name in pointed.split("+")}
    codes = runner.same(root, CHECK, THREE)
    assert codes == [1, 1]


def test_a_dot_git_file_naming_another_repository(tmp_path: Path, runner: Runner) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    other = _clone(root, tmp_path / "other")
    settle(root, repo, runner)
    settle(other.path, other, runner)
    shutil.move(root / ".git", tmp_path / "own.git")
    (root / ".git").write_text(f"gitdir: {other.path / '.git'}\n", "utf-8")
    flip_in_place(root)
    assert runner.same(root, CHECK, THREE) == [1, 1]


# -- attributes: the index's blob is not the bytes on disk ---------------------------------------


@pytest.mark.parametrize("attribute", ["ident", "text eol=crlf", "working-tree-encoding=UTF-16LE-BOM"])
def test_attributes_that_make_the_index_blob_differ_from_the_file(tmp_path: Path, runner: Runner,
                                                                   attribute: str) -> None:
    """A committed ``.gitattributes`` (a department's pull request can carry one): git converts
    between the index's blob and the working tree's bytes, so the index's blob id is NOT the id
    of the bytes the registry reads (``$Id$`` expanded, CRLF line ends, UTF-16)."""
    root, repo = committed_fixture("quxian", tmp_path)
    path = root / ASSET
    text = path.read_text("utf-8").replace("retirement_ref: ", "retirement_ref: $Id$ ")
    (root / ".gitattributes").write_text(f"systems/czj/czj-asset.yaml {attribute}\n", "utf-8")
    if attribute.startswith("working-tree-encoding"):  # on disk in UTF-16: that is what git expects
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    else:
        path.write_text(text, "utf-8")
    repo.commit("属性")
    path.unlink()
    repo.git("checkout", "--", ASSET)  # written again through the attribute
    refresh(repo)
    settle(root, repo, runner)
    runner.same(root)
    # the cache now knows the index's blob (read from git for --base): the file is not that blob
    next_second()
    refresh(repo)
    runner.same(root)


# -- inside a real pre-commit hook (git sets GIT_INDEX_FILE) -------------------------------------


HOOK = """#!/bin/sh
# runs the check warm twice and uncached, in git's hook environment, and keeps all three answers
cd "{root}" || exit 9
for run in warm1 warm2; do
  "{python}" -m registry check --today {today} --format json > "{out}/$run.out" 2> "{out}/$run.err"
  echo $? > "{out}/$run.code"
  "{python}" -m registry check --today {today} --format json {paths} > "{out}/$run.paths.out" 2>&1
  echo $? > "{out}/$run.paths.code"
done
REGISTRY_NO_CACHE=1 "{python}" -m registry check --today {today} --format json > "{out}/cold.out" 2> "{out}/cold.err"
echo $? > "{out}/cold.code"
REGISTRY_NO_CACHE=1 "{python}" -m registry check --today {today} --format json {paths} > "{out}/cold.paths.out" 2>&1
echo $? > "{out}/cold.paths.code"
env | grep '^GIT_' > "{out}/env"
exit 0
"""


@pytest.mark.parametrize("how", ["commit PATHS", "commit -a", "commit (staged)", "commit --only"])
def test_the_check_inside_a_pre_commit_hook(tmp_path: Path, runner: Runner, how: str) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    out = tmp_path / "hook-out"
    out.mkdir()
    hook = root / ".git/hooks/pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(HOOK.format(root=root, python=sys.executable, today=TODAY, out=out,
                                paths=" ".join([ASSET, BUDGET, PROJECT])), "utf-8")
    hook.chmod(0o755)
    settle(root, repo, runner)
    # the index and the working tree differ: BUDGET staged broken and mended on disk; ASSET
    # broken on disk only, in place with its times put back (only its change time tells)
    budget = (root / BUDGET).read_text("utf-8")
    (root / BUDGET).write_text(budget + "extra_field: 1\n", "utf-8")
    repo.git("add", BUDGET)
    next_second()
    (root / BUDGET).write_text(budget + "# 已核实\n", "utf-8")
    flip_in_place(root)
    args = {"commit PATHS": ["-m", "只提交一个文件", BUDGET], "commit -a": ["-a", "-m", "全部提交"],
            "commit (staged)": ["-m", "暂存的"], "commit --only": ["--only", "-m", "仅", ASSET]}[how]
    env = {**repo.env(), "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    env.pop(cache.DISABLE_ENV, None)
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "commit", "--quiet", *args], cwd=root, env=env,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert (out / "env").read_text("utf-8").count("GIT_INDEX_FILE") == 1, "the hook ran with git's index"
    for suffix in ("", ".paths"):
        cold = [(out / f"cold{suffix}.{part}").read_text("utf-8") for part in ("code", "out")]
        assert cold[0].strip() == "1", cold
        for run in ("warm1", "warm2"):
            assert [(out / f"{run}{suffix}.{part}").read_text("utf-8") for part in ("code", "out")] == cold, (how, run)
    runner.same(root)
