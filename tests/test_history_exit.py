"""The history commands end without tearing the heap down (registry.cli.entry): what they print
and their exit codes are exactly what :func:`registry.cli.main` gives, complete on a pipe and in a
file, and their cache is written (a second run reuses it)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry.cli import main

TODAY = "2026-06-30"
COMMANDS = [
    ["inventory", "--history", "--format", "json", "--today", TODAY],
    ["diff", "--base", "HEAD", "--format", "json", "--today", TODAY],
    ["audit", "--format", "json"],
    ["--lang", "en", "inventory", "--history", "--format", "csv", "--today", TODAY],
]


def program(root: Path, argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REGISTRY_NO_CACHE"}
    return subprocess.run([sys.executable, "-m", "registry", "--root", str(root), *argv], stderr=subprocess.PIPE,
                          text=True, env=env, check=False, timeout=300, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize("argv", COMMANDS)
def test_a_history_command_prints_what_main_prints(argv: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    code = main(["--root", str(root), *argv])
    expected = capsys.readouterr().out
    piped = program(root, argv, stdout=subprocess.PIPE)
    assert (piped.returncode, piped.stdout) == (code, expected), piped.stderr[-2000:]
    out = tmp_path / "out.txt"
    with out.open("w", encoding="utf-8") as handle:
        written = program(root, argv, stdout=handle.fileno())
    assert written.returncode == code and out.read_text(encoding="utf-8") == expected
    if "audit" not in argv:  # (an audit of a one-commit history has nothing to remember)
        assert list((root / ".registry-cache").glob("*/*")), "the cache was written before the quick exit"
