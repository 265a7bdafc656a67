"""A bug is exit code 3 with one Chinese line asking for a report (never 0 or 1, so CI can
tell a crash from a pass or from findings); the traceback only under --debug or
REGISTRY_DEBUG=1. And the corpus itself: big enough, every case named once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import test_bad_config
import test_extreme_values
import test_git_oddities
import test_injection
import test_tree_files
import test_types_and_text
import test_yaml_syntax
from harness import REPO, TODAY, TRACEBACK

TABLES = (test_yaml_syntax, test_tree_files, test_bad_config, test_extreme_values, test_git_oddities, test_injection,
          test_types_and_text)


def test_the_corpus_has_at_least_80_distinct_cases() -> None:
    names = [case.name for table in TABLES for case in table.CASES]
    assert len(names) >= 80
    assert len(set(names)) == len(names)


def crash(tmp_path: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``registry check`` with a rule that raises, in a fresh interpreter."""
    program = (
        "import sys\n"
        "from registry.rules import RULES\n"
        "def boom(ctx, params):\n"
        "    raise ZeroDivisionError('内部缺陷')\n"
        "    yield\n"
        "import dataclasses\n"
        "RULES['REG004'] = dataclasses.replace(RULES['REG004'], check=boom)\n"
        "from registry.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program, *options, "--root", str(REPO / "tests" / "fixtures" / "jinxiang"), "check", "--no-cache", "--today", TODAY],
        capture_output=True, text=True, env={**_env(), **(env or {})}, check=False, timeout=60,
    )


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "REGISTRY_DEBUG"}


def test_an_internal_error_is_exit_3_with_one_line_asking_for_a_report(tmp_path: Path) -> None:
    done = crash(tmp_path)
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "内部错误" in lines[0] and "报告" in lines[0] and "--debug" in lines[0]
    assert TRACEBACK not in done.stderr


@pytest.mark.parametrize(("options", "env"), [(("--debug",), {}), ((), {"REGISTRY_DEBUG": "1"})])
def test_the_traceback_only_when_debugging(tmp_path: Path, options: tuple[str, ...], env: dict[str, str]) -> None:
    done = crash(tmp_path, *options, env=env)
    assert done.returncode == 3
    assert TRACEBACK in done.stderr and "ZeroDivisionError" in done.stderr
    assert "内部错误" in done.stderr.strip().splitlines()[-1]


def test_english_too(tmp_path: Path) -> None:
    done = crash(tmp_path, "--lang", "en")
    assert done.returncode == 3 and "internal error" in done.stderr and "report" in done.stderr
