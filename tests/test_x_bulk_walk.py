"""A seeded walk of BULK changes over a synthetic registry in a real repository (regression test):
a branch switch that changes 300 files, 300 files touched, 40 same-size id edits at once, stash and
pop, 40 unit folders renamed and back, attachments removed or rewritten, add / commit / reset --hard,
files restored, waits — changes large enough to cross every limit of the fast paths (the git-index
scan's read limit and the stat index's fallback, the tree cache's relist limit, the few-files
construct path against pydantic for bulk loads, the record cache's deltas and compaction). After
every step ``check``, ``check`` of three files and, every third step, ``check --base main`` answer
warm, uncached and warm again exactly the same.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from test_x_git_walk import record_files, same_size_edit, warm_cold_warm

TODAY = "2026-06-30"
STEPS = int(os.environ.get("REGISTRY_WALK_STEPS", "16"))


def records(root: Path) -> list[str]:
    return [path for path in record_files(root) if path.endswith(".yaml")]


def id_edit(path: Path) -> None:
    """The id's last character changed, in place, times put back (the file name no longer matches)."""
    same_size_edit(path, b"id: ")


def step(rng: random.Random, root: Path, git: Any, saved: dict[str, bytes]) -> str:
    files = records(root)
    op = rng.choice(["touch", "id-edits", "wide", "main", "stash", "pop", "units", "docs", "wait", "add", "commit",
                     "reset", "restore"])
    if op == "touch":
        for path in rng.sample(files, min(300, len(files))):
            os.utime(root / path)
    elif op == "id-edits":
        for path in rng.sample(files, 40):
            id_edit(root / path)
    elif op in ("wide", "main"):
        git("switch", "--quiet", "--force", op)
    elif op in ("stash", "pop"):
        git("stash", *(["pop"] if op == "pop" else []), "--quiet")
    elif op == "units":
        for folder in ("systems", "projects"):
            units = sorted(p for p in (root / folder).iterdir() if p.is_dir())
            for unit in rng.sample(units, min(20, len(units))):
                unit.rename(unit.with_name(unit.name + "-x"))
                unit.with_name(unit.name + "-x").rename(unit)  # back, with new times
    elif op == "docs":
        documents = sorted(p for p in (root / "docs").rglob("*") if p.is_file())
        for document in rng.sample(documents, min(30, len(documents))):
            if rng.random() < 0.5:
                document.unlink()
            else:
                document.write_bytes(b"x")
    elif op == "wait":
        time.sleep(1.05 - time.time() % 1 + 0.02)
    elif op == "add":
        git("add", "--all")
    elif op == "commit":
        git("commit", "--quiet", "-a", "-m", "一步")
    elif op == "reset":
        git("reset", "--quiet", "--hard")
    else:
        for path in rng.sample(sorted(saved), 50):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(saved[path])
    return op


def test_a_walk_of_bulk_changes_never_meets_a_stale_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import synth

    root = tmp_path / "registry"
    synth.generate(root, systems=220, projects=220, units=30, seed=7)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@example.org",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@example.org"}

    def git(*args: str) -> None:  # may fail in the state reached (nothing to commit, no stash): a no-op step
        subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=root, env=env, capture_output=True,
                       check=False)

    rng = random.Random(7)
    git("switch", "--quiet", "-c", "wide")
    for path in rng.sample(records(root), 300):
        with (root / path).open("a", encoding="utf-8") as out:
            out.write("# 宽分支\n")
    for path in rng.sample(records(root), 5):
        id_edit(root / path)
    git("commit", "--quiet", "-a", "-m", "宽分支")
    git("switch", "--quiet", "main")
    saved = {path: (root / path).read_bytes() for path in records(root)}
    ops: list[str] = []
    codes: set[int] = set()
    for n in range(STEPS):
        ops.append(step(rng, root, git, saved))
        targets = [str(root / path) for path in rng.sample(records(root), 3)]
        commands = [("check", "--today", TODAY, "--format", "json"),
                    ("check", "--today", TODAY, "--format", "json", *targets)]
        if n % 3 == 2:
            commands.append(("check", "--today", TODAY, "--base", "main", "--format", "json"))
        codes |= warm_cold_warm(root, commands, capsys, monkeypatch, (n, ops))
    assert 1 in codes
