"""Attacks on how the cache is written (regression tests: all held): a disk that fills up in the
middle of a cache file (a file size limit, ``RLIMIT_FSIZE``, makes every write past it fail
the way a full disk does, without needing one), and several runs writing the same cache at
once while the records change under them. Neither may change an answer, then or later.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry.cache import CACHE_DIR

TODAY = "2026-11-20"  # the quxian fixture is clean on this day (tests/test_fixture_quxian.py)
COMMANDS = (("check", "--today", TODAY, "--format", "json"),
            ("diff", "--today", TODAY, "--base", "HEAD", "--format", "json"),
            ("inventory", "--history", "--today", TODAY, "--format", "json"))


def file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run(root: Path, args: tuple[str, ...], *, cached: bool = True, limit: int | None = None,
        ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("REGISTRY_NO_CACHE", None)
    if not cached:
        env["REGISTRY_NO_CACHE"] = "1"
    return subprocess.run([sys.executable, "-m", "registry", "--root", str(root), *args], env=env,
                          capture_output=True, text=True, check=False, timeout=300,
                          preexec_fn=file_size_limit(limit) if limit is not None else None)


def outcome(done: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return done.returncode, done.stdout, done.stderr


def largest_cache_file(root: Path) -> int:
    return max((p.stat().st_size for p in (root / CACHE_DIR).rglob("*") if p.is_file()), default=0)


def test_a_disk_that_fills_up_while_the_cache_is_written_changes_no_answer(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    record = root / "systems/czj/czj-budget.yaml"
    for step, limit in enumerate((2_000, None, 0)):  # 0: just past the largest cache file (an append)
        with record.open("a", encoding="utf-8") as out:
            out.write(f"# 第 {step} 次修改\n")
        for args in COMMANDS:
            cold = outcome(run(root, args, cached=False))
            assert cold[0] == 0, cold[2]
            size = limit if limit else largest_cache_file(root) + 40
            assert outcome(run(root, args, limit=size if limit is not None else None)) == cold, (args, limit)
            assert outcome(run(root, args)) == cold, args  # what the cut-off run left behind
            assert outcome(run(root, args)) == cold, args


def test_parallel_runs_writing_the_cache_while_records_change_never_serve_a_stale_answer(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    record = root / "systems/czj/czj-asset.yaml"
    good = record.read_text("utf-8")
    bad = good.replace("status: retired", "status: invalid")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("REGISTRY_NO_CACHE", None)
    args = [sys.executable, "-m", "registry", "--root", str(root), *COMMANDS[0]]
    for round_ in range(2):
        runs = [subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
        record.write_text(bad if round_ % 2 == 0 else good, "utf-8")  # while they run
        for started in runs:
            _out, err = started.communicate(timeout=300)
            assert started.returncode in (0, 1), err
        for text, code in ((record.read_text("utf-8"), 1 if round_ % 2 == 0 else 0), (good, 0), (bad, 1)):
            record.write_text(text, "utf-8")
            cold = outcome(run(root, COMMANDS[0], cached=False))
            assert cold[0] == code, cold[2]
            assert outcome(run(root, COMMANDS[0])) == cold
