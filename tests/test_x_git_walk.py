"""A seeded random walk of edits AND git operations over a registry in a real repository
(regression test): same-size edits written in place with the times put back, appends,
renames, deletes, copies, a file restored; ``git add`` (all, one file, intent-to-add),
``commit``, ``reset --hard``, ``checkout -- FILE``, ``stash``/``stash pop``, switching
branches, ``rm --cached``, ``update-index`` with ``--assume-unchanged``/``--skip-worktree``
and back, ``status`` (which refreshes the index); and waits for the next second, so that
entries stop being racily clean and the stat index, git's index (where the scan asks it) and
the folder listings start vouching. After every step ``check`` of the whole registry and of
three files, and every few steps ``check --base HEAD`` and ``diff --base side``, answer with
every cache exactly what they answer without any.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from gitrepo import GitRepo
from registry import cache
from registry.cli import main

TODAY = "2026-11-20"
STEPS = int(os.environ.get("REGISTRY_WALK_STEPS", "40"))


def record_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for folder in ("systems", "projects")
                  for p in (root / folder).rglob("*") if p.is_file() and not p.is_symlink())


def same_size_edit(path: Path, line: bytes = b"") -> None:
    """The last character of the first line starting with ``line`` (the first line when empty: the id,
    most often) changed, in place, times put back."""
    before = os.lstat(path)
    data = bytearray(path.read_bytes())
    at = -1 if data.startswith(line) else data.find(b"\n" + line)
    end = data.find(b"\n", at + 1)
    if end <= 0:
        return
    data[end - 1] = ord("x") if data[end - 1] != ord("x") else ord("y")
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, bytes(data))
    finally:
        os.close(fd)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def git_quietly(repo: GitRepo, *args: str) -> None:
    """A git operation that may legitimately fail in the state the walk reached (nothing to
    commit, no stash, a conflict): its failure is a step that did nothing."""
    subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=repo.path, env=repo.env(),
                   capture_output=True, check=False)


def step(rng: random.Random, repo: GitRepo, n: int, saved: dict[str, bytes]) -> str:
    root = repo.path
    files = record_files(root)
    a, b = rng.choice(files), rng.choice(files)
    op = rng.choice(["same-size", "same-size", "append", "rename", "delete", "copy", "restore", "add", "add-one",
                     "add-n", "commit", "reset", "checkout-file", "stash", "branch", "rm-cached", "assume",
                     "skip", "unflag", "status", "wait", "wait"])
    if op == "same-size":
        same_size_edit(root / a)
    elif op == "append":
        with (root / a).open("a", encoding="utf-8") as out:
            out.write(f"# 第 {n} 步\n")
    elif op == "rename":
        (root / a).rename((root / a).with_name(f"r{n}-{Path(a).name}"))
    elif op == "delete" and len(files) > 5:
        (root / a).unlink()
    elif op == "copy":
        shutil.copyfile(root / a, (root / b).parent / f"c{n}-{Path(a).name}")
    elif op == "restore":
        path = rng.choice(sorted(saved))
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(saved[path])
    elif op == "add":
        git_quietly(repo, "add", "--all")
    elif op == "add-one":
        git_quietly(repo, "add", "--", a)
    elif op == "add-n":
        git_quietly(repo, "add", "--intent-to-add", "--", a)
    elif op == "commit":
        git_quietly(repo, "commit", "--quiet", "-a", "-m", f"第 {n} 步")
    elif op == "reset":
        git_quietly(repo, "reset", "--quiet", "--hard")
    elif op == "checkout-file":
        git_quietly(repo, "checkout", "--", a)
    elif op == "stash":
        git_quietly(repo, "stash", *(["pop"] if rng.random() < 0.5 else []))
    elif op == "branch":
        name = rng.choice(["main", "side", f"b{n}"])
        git_quietly(repo, "switch", "--quiet", *(["-c"] if name == f"b{n}" else []), name)
    elif op == "rm-cached":
        git_quietly(repo, "rm", "--quiet", "--cached", "--", a)
    elif op in ("assume", "skip", "unflag"):
        flag = {"assume": "--assume-unchanged", "skip": "--skip-worktree"}.get(op)
        for one in ([flag] if flag else ["--no-assume-unchanged", "--no-skip-worktree"]):
            git_quietly(repo, "update-index", one, "--", a)
    elif op == "status":
        git_quietly(repo, "status", "--porcelain")
    elif op == "wait":
        time.sleep(1.05 - time.time() % 1 + 0.02)
    return op


@pytest.mark.parametrize("seed", [11, 12])
def test_a_random_walk_of_edits_and_git_operations_never_meets_a_stale_answer(
        tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    git_quietly(repo, "branch", "side")
    saved = {path: (root / path).read_bytes() for path in record_files(root)}
    rng = random.Random(seed)
    codes: set[int] = set()
    ops: list[str] = []
    for n in range(STEPS):
        ops.append(step(rng, repo, n, saved))
        targets = [str(root / path) for path in rng.sample(record_files(root), 3)]
        commands = [("check", "--today", TODAY, "--format", "json"),
                    ("check", "--today", TODAY, "--format", "json", *targets)]
        if n % 5 == 4:
            commands.append(("check", "--today", TODAY, "--base", "HEAD", "--format", "json"))
            commands.append(("diff", "--today", TODAY, "--base", "side", "--format", "json"))
        codes |= warm_cold_warm(root, commands, capsys, monkeypatch, (n, ops))
    assert 1 in codes


def warm_cold_warm(root: Path, commands: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch, where: object) -> set[int]:
    """Each command warm, uncached and warm again: the same exit code and output; the exit codes."""
    codes = set()
    for args in commands:
        answers = []
        for cached in (True, False, True):
            with monkeypatch.context() as env:
                if not cached:
                    env.setenv(cache.DISABLE_ENV, "1")
                capsys.readouterr()
                answers.append((main(["--root", str(root), *args]), capsys.readouterr().out))
        assert answers[0] == answers[1] == answers[2], (where, args)
        codes.add(answers[1][0])
    return codes
