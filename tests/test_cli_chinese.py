"""A Chinese command line: every --help, argparse's own words and usage errors in Chinese
(`--lang en` keeps English); usage errors without file positions; a missing PATH is exit 2."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from registry.cli import COMMANDS, main

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "show program's version",
           "the following arguments are required", "invalid choice", "error:")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_is_chinese(command: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *([command] if command else []), "--help")
    assert code == 0 and out.startswith("用法：registry")
    assert "选项" in out
    for word in ENGLISH:
        assert word not in out, (command, word)
    # placeholders of values are Chinese too (option names and literal choices stay as typed)
    usage = out.split("\n\n", 1)[0]
    assert not re.search(r"\s(PATHS|REV|TODAY|ROOT|COMMAND|UNIT|RECORD_ID|OUT|DIR|FILE|PORT)\b", usage), usage


@pytest.mark.parametrize("argv, expected", [
    (["new", "system"], "registry new：错误：缺少必需的参数：--unit"),
    (["nosuch"], "无效的选项 'nosuch'（可选："),
    (["check", "--format", "xml"], "参数 --format：无效的选项 'xml'"),
    (["check", "--today", "2025-13-01"], "日期格式应为 YYYY-MM-DD"),
    (["check", "--base"], "参数 --base：需要一个值"),
    (["rules", "--bogus"], "无法识别的参数：--bogus"),
])
def test_usage_errors_are_chinese(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and expected in err and err.startswith("用法：")
    for word in ENGLISH:
        assert word not in err


def test_lang_en_keeps_argparse_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--lang", "en", "new", "system")
    assert code == 2 and "usage:" in err and "the following arguments are required: --unit" in err
    _, out, _ = run(capsys, "--lang=en", "check", "--help")
    assert "show this help message and exit" in out and "PATHS" in out


def test_argparse_is_english_again_after_a_run(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "check", "--help")
    assert "usage:" in argparse.ArgumentParser(prog="x").format_usage()
    assert argparse.ArgumentParser().format_help().count("options") == 1


def test_usage_errors_carry_no_file_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "r"
    assert main(["init", str(root), "--profile", "jinxiang", "--name", "临河县"]) == 0
    capsys.readouterr()
    for argv in (["new", "system", "--unit", "czj", "--id", "Bad_ID"], ["new", "system", "--unit", "nounit"]):
        assert main(["--root", str(root), *argv]) == 2
        err = capsys.readouterr().err
        assert err.strip() and not re.match(r"^\S+:\d+:\d+:", err), err
        assert "--id:1:1" not in err and "registry.yaml:1:1" not in err
    assert main(["--root", str(tmp_path / "nothing-here"), "check"]) == 2
    assert "registry.yaml:1:1" not in capsys.readouterr().err


def test_check_of_a_missing_file_is_a_usage_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "r"
    assert main(["init", str(root), "--profile", "potou", "--name", "临河县"]) == 0
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert main(["check", "nosuch.yaml"]) == 2
    assert "nosuch.yaml" in capsys.readouterr().err
    assert main(["check", "registry.yaml"]) == 0
