"""A plain ``registry check`` command line (the commit hook's) is read without argparse
(:func:`registry.cli.plain_check`): it must give exactly the arguments argparse gives, and
leave every other command line — help, abbreviations, refused values, odd orders — to argparse,
whose words and exit codes are the contract."""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.argparse_zh import lang_of, translated
from registry.cli import build_parser, main, plain_check
from registry.commands import check

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-06-30"


def parsed(argv: list[str]) -> dict[str, object] | None:
    """What argparse makes of ``argv`` (None: it refuses it or prints help)."""
    try:
        with translated(lang_of(argv)):
            return vars(build_parser(argv).parse_args(argv))
    except SystemExit:
        return None


PLAIN = [
    ["check"],
    ["check", "systems/czj/a.yaml"],
    ["check", "--staged", "--today", TODAY, "systems/czj/a.yaml", "projects/czj/b.yaml", "registry.yaml"],
    ["check", "--staged", "--changes-only", "--base", "origin/main", "systems/czj/a.yaml"],
    ["--root", "/tmp/reg", "--lang", "en", "--debug", "check", "--format", "json", "--strict", "--no-cache"],
    ["--lang", "zh", "check", "--format", "sarif", "--today", "1990-01-01", "", "a b.yaml"],
    ["--root", "check", "check", "check"],  # (a root and a file named "check")
    ["check", "--base", "", "--today", "2100-12-31", "x"],
]


@pytest.mark.parametrize("argv", PLAIN)
def test_a_plain_check_command_line_gives_argparses_arguments(argv: list[str]) -> None:
    quick = plain_check(argv)
    assert quick is not None
    assert vars(quick) == parsed(argv)


LEFT_TO_ARGPARSE = [
    ["check", "--help"], ["check", "-h"], ["--help"], ["--version"], [],
    ["check", "--stag"],  # an abbreviation argparse accepts
    ["check", "--today=2026-06-30"], ["check", "--format=json"],
    ["check", "--today", "2026-13-01"], ["check", "--today", "1989-12-31"], ["check", "--format", "xml"],
    ["check", "--today"], ["check", "--base"], ["check", "--base", "-x"],
    ["check", "--staged", "--staged"], ["--debug", "--debug", "check"], ["--root", "a", "--root", "b", "check"],
    ["--lang", "fr", "check"], ["--lang"], ["--root"],
    ["check", "a.yaml", "--staged"],  # an option after PATHS
    ["check", "--", "-a.yaml"], ["check", "-a.yaml"], ["check", "-"],
    ["check", "--unknown"], ["rules"], ["diff", "--base", "main"], ["--root", "x"],
]


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert plain_check(argv) is None


def test_argparse_still_decides_what_is_left_to_it() -> None:
    """(The cases above that argparse accepts are read by it as before.)"""
    assert parsed(["check", "--stag"]) is not None and parsed(["check", "--stag"])["staged"] is True  # type: ignore[index]
    assert parsed(["check", "a.yaml", "--staged"]) == vars(plain_check(["check", "--staged", "a.yaml"]))  # type: ignore[arg-type]


def test_the_plain_reading_knows_every_option_of_check() -> None:
    """Every destination of check's parser, with its default: an option added to
    add_arguments must be added to the plain reading too (or it would lack an attribute)."""
    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    defaults = {action.dest: ([] if action.dest == "paths" else action.default)
                for action in parser._actions if action.dest != "help"}
    quick = check.plain_arguments([])
    assert quick == defaults
    options = {opt: action.dest for action in parser._actions for opt in action.option_strings if opt.startswith("--")}
    options.pop("--help")
    assert options == {**check._FLAGS, **check._VALUED}


TOKENS = ["check", "--staged", "--strict", "--changes-only", "--no-cache", "--today", TODAY, "2026-02-30", "--format",
          "json", "text", "--base", "main", "--root", "/tmp/r", "--lang", "en", "zh", "--debug", "a.yaml", "-x", "--",
          "--stag", "--format=json", "", "rules", "-h"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=9))
def test_any_command_line_is_read_as_argparse_reads_it(argv: list[str]) -> None:
    quick = plain_check(argv)
    if quick is not None:
        assert vars(quick) == parsed(argv)


def test_random_hook_command_lines_with_many_files() -> None:
    rng = random.Random(25)
    for _ in range(200):
        files = [f"systems/u{rng.randrange(9)}/s-{rng.randrange(10**6)}.yaml" for _ in range(rng.randrange(0, 40))]
        options = rng.sample(["--staged", "--strict", "--no-cache"], rng.randrange(4))
        argv = ["check", *options, "--today", TODAY, *files]
        quick = plain_check(argv)
        assert quick is not None and vars(quick) == parsed(argv)


def test_a_plain_check_gives_what_the_parsed_one_gives(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The same report and exit code whichever way the command line was read."""
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    root = str(FIXTURES / "quxian")
    plain = ["--root", root, "check", "--today", TODAY, "--format", "json"]
    code = main(plain)
    out = capsys.readouterr().out
    monkeypatch.setattr("registry.cli.plain_check", lambda argv: None)
    assert main(plain) == code
    assert capsys.readouterr().out == out
    json.loads(out)


def test_the_hook_command_line_imports_no_argparse_helpers(tmp_path: Path) -> None:
    """``registry check --staged … FILES`` neither imports registry.argparse_zh nor builds a
    parser; ``check --help`` still prints argparse's help, in Chinese."""
    program = ("import sys\nfrom registry.cli import main\n"
               f"code = main(['--root', {str(FIXTURES / 'quxian')!r}, 'check', '--today', {TODAY!r}, '--no-cache'])\n"
               "print('registry.argparse_zh' in sys.modules, code, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=300,
                          env={**os.environ, "REGISTRY_NO_CACHE": "1"})
    assert done.stderr.split()[-2:] == ["False", "0"] or done.stderr.split()[-2:] == ["False", "1"], done.stderr
    helped = subprocess.run([sys.executable, "-m", "registry", "check", "--help"], capture_output=True, text=True,
                            check=False, timeout=300)
    assert helped.returncode == 0 and "用法：" in helped.stdout and "--staged" in helped.stdout
