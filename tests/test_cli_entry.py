"""The ``registry`` program (registry.cli:entry, also ``python -m registry``): after ``check`` it
ends the process without tearing the heap down, so its output and exit code must be exactly
those of :func:`registry.cli.main`, flushed, whatever the output's size or destination."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-06-30"


def program(*argv: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REGISTRY_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "registry", *argv], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env=env, check=False, timeout=300)


@pytest.mark.parametrize("fixture", ["quxian", "jinxiang"])
def test_check_prints_what_main_prints_and_exits_with_its_code(fixture: str, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["--root", str(FIXTURES / fixture), "check", "--today", TODAY, "--format", "json"]
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    code = main(argv)
    expected = capsys.readouterr().out
    done = program(*argv)
    assert (done.returncode, done.stdout) == (code, expected), done.stderr[-2000:]
    json.loads(done.stdout)  # complete


def test_check_output_redirected_to_a_file_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    with out.open("w", encoding="utf-8") as handle:
        done = program("--root", str(FIXTURES / "quxian"), "check", "--today", TODAY, "--format", "json",
                       stdout=handle.fileno())
    assert done.returncode in (0, 1), done.stderr
    json.loads(out.read_text(encoding="utf-8"))


def test_other_commands_and_errors_exit_as_before(tmp_path: Path) -> None:
    listed = program("rules")
    assert listed.returncode == 0 and "REG001" in listed.stdout
    missing = program("--root", str(tmp_path), "check")
    assert missing.returncode == 2 and "registry.yaml" in missing.stderr and "Traceback" not in missing.stderr
    assert program("check", "--help").returncode == 0
