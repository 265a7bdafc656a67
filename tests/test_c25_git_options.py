"""Every git process the tool starts is told not to print git's graft-file hint.

We run git with ``GIT_GRAFT_FILE=/dev/null`` (the repository's own history, see
:data:`registry.gitproc.REAL_OBJECTS`); git reads that file and, from 2.18 on, prints an
eight-line "hint: Support for <GIT_DIR>/info/grafts is deprecated" on standard error, which
would stand in front of git's own words in the messages we show. A fake ``git`` first on PATH
records the arguments of every git process the commands start, then runs the real git."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry.gitproc import GIT_OPTIONS, REAL_OBJECTS, GitFailed, Repo
from test_hook_imports import records_to_edit, stage_edits

TODAY = "2026-06-30"
HINT = "info/grafts is deprecated"


def _fake_git(folder: Path, log: Path) -> Path:
    """A ``git`` that writes its arguments to a file of its own in ``log`` (git processes run
    side by side) and runs the real one."""
    real = shutil.which("git")
    assert real is not None
    folder.mkdir()
    log.mkdir()
    fake = folder / "git"
    # each argument ended by a NUL byte (the one byte no argument can hold: git's --format
    # strings hold other control bytes); $$: the process's id, one file per call
    fake.write_text(f"#!/bin/sh\nprintf '%s\\000' \"$@\" > '{log}/'$$\nexec '{real}' \"$@\"\n", encoding="utf-8")
    fake.chmod(0o755)
    return folder


def _recorded(log: Path) -> list[list[str]]:
    """The arguments of each git process started."""
    return [call.read_bytes().decode("utf-8", "surrogateescape").split("\0")[:-1] for call in log.iterdir()]


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, GitRepo, list[str]]:
    """A registry committed on main, a branch with one committed change (merged into main
    with --no-ff, so that the history commands have a merge to read) and a staged edit."""
    root, repo = committed_fixture("quxian", tmp_path)
    edited = records_to_edit(root)
    repo.branch("feature")
    stage_edits(root, 1, edited[:1])
    repo.commit("修改一条记录")
    repo.merge("feature", into="main")
    repo.git("checkout", "--quiet", "-b", "work")
    stage_edits(root, 2, edited)
    return root, repo, edited


COMMANDS = {
    "check": ["check", "--today", TODAY],
    "check --staged": ["check", "--staged", "--today", TODAY],  # PATHS appended below
    "check --base": ["check", "--base", "main", "--today", TODAY],
    "diff --base": ["diff", "--base", "main", "--today", TODAY],
    "audit": ["audit", "--base-branch", "main", "--trust", "identities"],
    "audit --trust signatures": ["audit", "--base-branch", "main", "--trust", "signatures"],  # git verifies the merge
    "inventory --history": ["inventory", "--history", "--base-branch", "main"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_git_process_of_a_command_gets_the_option(
        name: str, history: tuple[Path, GitRepo, list[str]], tmp_path: Path) -> None:
    root, _repo, edited = history
    log = tmp_path / "argv"
    fake = _fake_git(tmp_path / "bin", log)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    args = COMMANDS[name] + (edited if name == "check --staged" else [])
    for run in ("cold", "warm"):  # the warm run takes other paths (the caches, the hook's reader)
        done = subprocess.run([sys.executable, "-m", "registry", "--root", str(root), *args], cwd=root, env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode in (0, 1), (run, done.stderr)
        assert "Traceback" not in done.stderr and HINT not in done.stderr, (run, done.stderr)
    calls = _recorded(log)
    assert calls, f"{name} started no git process through PATH"
    assert [call for call in calls if tuple(call[:2]) != GIT_OPTIONS] == []


def test_init_starts_git_with_the_option_too(tmp_path: Path) -> None:
    log = tmp_path / "argv"
    fake = _fake_git(tmp_path / "bin", log)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "registry", "init", str(tmp_path / "new"), "--profile", "quxian",
                           "--name", "测试县"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new" / ".git").is_dir()
    calls = _recorded(log)
    assert calls and [call for call in calls if tuple(call[:2]) != GIT_OPTIONS] == []


def test_this_git_prints_the_hint_without_the_option(tmp_path: Path) -> None:
    """The option is needed here: with our environment and without it, this git prints the hint
    (git 2.39 does); with it, nothing."""
    root, _repo = committed_fixture("quxian", tmp_path)
    env = {**os.environ, **REAL_OBJECTS}
    plain = subprocess.run(["git", "log", "-1", "--format=%H"], cwd=root, env=env, capture_output=True, text=True, check=True)
    quiet = subprocess.run(["git", *GIT_OPTIONS, "log", "-1", "--format=%H"], cwd=root, env=env,
                           capture_output=True, text=True, check=True)
    if HINT not in plain.stderr:
        pytest.skip("this git prints no graft-file hint")
    assert quiet.stderr == "" and quiet.stdout == plain.stdout


def test_a_git_failure_shows_gits_own_words_first(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    repo = Repo.discover(root)
    assert repo is not None
    with pytest.raises(GitFailed) as caught:
        repo.git("log", "no-such-branch", "--")
    assert HINT not in caught.value.stderr
    assert caught.value.stderr.startswith("fatal:"), caught.value.stderr
    blobs = list(repo.blobs(["HEAD:registry.yaml", "0" * 40]))  # cat-file: found, and missing
    assert [b.kind for b in blobs] == ["blob", "missing"]
    assert repo.blob("HEAD:registry.yaml").data == (root / "registry.yaml").read_bytes()

