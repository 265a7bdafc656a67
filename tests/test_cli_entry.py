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


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("argv", [["check", "--help"], ["--help"], ["--version"], ["inventory", "--help"],
                                  ["--lang", "en", "rules", "--help"]])
def test_help_or_version_that_cannot_be_written_is_exit_2(argv: list[str]) -> None:
    """argparse ignores write errors and exits 0: help text lost on a full disk must not look
    like success."""
    with FULL.open("w", encoding="utf-8") as full:
        done = program(*argv, stdout=full.fileno())
    assert done.returncode == 2, done.stderr
    expected = "could not write the output" if "en" in argv else "无法写出结果"
    assert expected in done.stderr and "Traceback" not in done.stderr


class _Full:
    """A standard output on a full disk: writes go into a buffer, the flush fails."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        raise OSError(28, "No space left on device")


def test_help_lost_at_flush_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdout", _Full())
    assert main(["check", "--help"]) == 2
    assert "无法写出结果" in capsys.readouterr().err


def test_help_to_a_reader_that_left_is_not_an_error() -> None:
    done = subprocess.run(f"{sys.executable} -m registry check --help | head -c 10 >/dev/null", shell=True,
                          env={**os.environ, "REGISTRY_NO_CACHE": "1"}, capture_output=True, text=True, check=False,
                          executable="/bin/bash", timeout=300)
    assert "Traceback" not in done.stderr
    help_only = program("check", "--help")
    assert help_only.returncode == 0 and "--today" in help_only.stdout
