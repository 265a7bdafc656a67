"""A seeded random walk of edits over a registry (regression test: held): after every step —
a line added, a record broken or made unreadable, renamed, moved to another unit, deleted,
copied, two files' contents swapped, one file copied over another, ``touch``, a committed file
restored — ``check`` of the whole registry and ``check`` of three files answer with every cache
(stat index, record cache, the working tree's summary, run cache) exactly what they answer
without any. The walk keeps its caches from step to step, as a clerk's working copy does.
"""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry import cache
from registry.cli import main

TODAY = "2026-11-20"
STEPS = int(os.environ.get("REGISTRY_WALK_STEPS", "40"))


def record_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for folder in ("systems", "projects")
                  for p in (root / folder).rglob("*") if p.is_file())


def step(rng: random.Random, root: Path, n: int, saved: dict[str, bytes]) -> None:
    files = record_files(root)
    a, b = root / rng.choice(files), root / rng.choice(files)
    op = rng.choice(["line", "break", "unreadable", "rename", "move", "delete", "copy", "swap", "over", "touch",
                     "restore", "restore"])
    if op == "line":
        with a.open("a", encoding="utf-8") as out:
            out.write(f"# 第 {n} 步\n")
    elif op == "break":
        a.write_text(a.read_text("utf-8").replace("unit: ", "unit: x", 1).replace("name:", "nmae:", n % 2), "utf-8")
    elif op == "unreadable":
        with a.open("a", encoding="utf-8") as out:
            out.write("坏: [\n")
    elif op == "rename":
        a.rename(a.with_name(f"r{n}-{a.name}"))
    elif op == "move":
        unit = rng.choice(sorted(p.name for p in (root / a.parent.parent.name).iterdir()))
        if not (a.parent.parent / unit / a.name).exists():
            a.rename(a.parent.parent / unit / a.name)
    elif op == "delete" and len(files) > 5:
        a.unlink()
    elif op == "copy":
        shutil.copyfile(a, b.parent / f"c{n}-{a.name}")
    elif op == "swap" and a != b:
        first, second = a.read_bytes(), b.read_bytes()
        a.write_bytes(second)
        b.write_bytes(first)
    elif op == "over" and a != b:
        shutil.copyfile(a, b)
    elif op == "touch":
        os.utime(a)
    elif op == "restore":
        path = rng.choice(sorted(saved))
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(saved[path])


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_walk_of_edits_never_meets_a_stale_answer(tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    saved = {path: (root / path).read_bytes() for path in record_files(root)}
    rng = random.Random(seed)
    codes = set()
    for n in range(STEPS):
        step(rng, root, n, saved)
        targets = [str(root / path) for path in rng.sample(record_files(root), 3)]
        for args in (("check", "--today", TODAY, "--format", "json"),
                     ("check", "--today", TODAY, "--format", "json", *targets)):
            answers = []
            for cached in (True, False):
                with monkeypatch.context() as env:
                    if not cached:
                        env.setenv(cache.DISABLE_ENV, "1")
                    capsys.readouterr()
                    answers.append((main(["--root", str(root), *args]), capsys.readouterr().out))
            assert answers[0] == answers[1], (n, args)
            codes.add(answers[1][0])
    assert codes == {0, 1} or codes == {1}
