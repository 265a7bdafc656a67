"""Attacks on what the caches key ``--base`` and the history on (regression tests: all held): the
target branch force-pushed with a rewritten history (amended, rebased, a record quietly changed in
an old commit) and fetched again, a shallow clone deepened, a clone sharing its objects with
another (``--shared``). ``check --base``, ``diff --base`` and ``inventory --history`` answer with
their caches exactly what they answer without.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cache
from registry.cli import main

TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)
ASSET = "systems/czj/czj-asset.yaml"
COMMANDS = (("check", "--today", TODAY, "--base", "origin/main", "--format", "json"),
            ("diff", "--today", TODAY, "--base", "origin/main", "--format", "json"),
            ("inventory", "--history", "--base-branch", "origin/main", "--today", TODAY, "--format", "json"))


def answers(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Every command cached (twice) and uncached: the same; the uncached answers."""
    out = []
    for args in COMMANDS:
        got = []
        for cached in (False, True, True):
            with monkeypatch.context() as env:
                if not cached:
                    env.setenv(cache.DISABLE_ENV, "1")
                capsys.readouterr()
                code = main(["--root", str(root), *args])
                got.append((code, capsys.readouterr().out))
        assert got[1] == got[0] and got[2] == got[0], args
        out.append(got[0])
    return out


def clone(source: Path, target: Path, *options: str) -> GitRepo:
    subprocess.run(["git", "clone", "--quiet", *options, f"file://{source}", str(target)], check=True,
                   capture_output=True, env=GitRepo(source).env())
    repo = GitRepo(target)
    repo.branch("feature")
    return repo


def upstream(tmp_path: Path) -> tuple[Path, GitRepo]:
    root, repo = committed_fixture("quxian", tmp_path / "upstream")
    for n in range(3):
        (root / ASSET).write_text((root / ASSET).read_text("utf-8") + f"# 第 {n} 次\n", "utf-8")
        repo.commit(f"修改 {n}")
    return root, repo


def rewrite(repo: GitRepo, root: Path) -> None:
    """The target's history rewritten: the first commit's record changed, everything after it
    replayed on top (what a rebase or a filter-branch and a force-push leave behind)."""
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    repo.git("checkout", "--quiet", "-b", "rewritten", first)
    path = root / "systems/czj/czj-budget.yaml"
    path.write_text(path.read_text("utf-8").replace("unit: czj", "unit: dsj"), "utf-8")
    repo.git("commit", "--quiet", "--amend", "--all", "--no-edit", env=repo.env())
    repo.git("cherry-pick", "--quiet", f"{first}..main", env=repo.env())
    repo.git("branch", "--quiet", "-f", "main", "rewritten")
    repo.git("checkout", "--quiet", "main")


def test_a_force_pushed_target_fetched_again_is_seen(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source, origin = upstream(tmp_path)
    work = clone(source, tmp_path / "work")
    (work.path / ASSET).write_text((work.path / ASSET).read_text("utf-8") + "# 本分支\n", "utf-8")
    before = answers(work.path, capsys, monkeypatch)
    rewrite(origin, source)
    work.git("fetch", "--quiet", "--force", "origin")
    after = answers(work.path, capsys, monkeypatch)
    assert after[2] != before[2]  # the history the inventory reads is another one now


def test_a_shallow_clone_deepened_and_a_shared_clone(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source, _origin = upstream(tmp_path)
    shallow = clone(source, tmp_path / "shallow", "--depth", "1")
    first = answers(shallow.path, capsys, monkeypatch)
    shallow.git("fetch", "--quiet", "--unshallow", "origin")
    deeper = answers(shallow.path, capsys, monkeypatch)
    assert len(deeper[2][1]) > len(first[2][1])  # more history points once the clone is complete
    shared = clone(source, tmp_path / "shared", "--shared")
    assert answers(shared.path, capsys, monkeypatch) == deeper
