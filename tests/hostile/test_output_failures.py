"""Output that cannot be delivered: the real ``registry`` program (which ends ``check`` with
``os._exit``) writing to a pipe whose reader has left, or to a full disk (``/dev/full``).

A reader leaving (``registry check | head``) does not change the verdict: a registry with
errors still exits 1, a clean one 0. A full disk is never a pass and never an "internal error"
of the tool: exit 2 with one line saying why, from ``check`` (cached or not, any format) and
from the other commands alike. Never a traceback.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import GitRepo
from harness import FIXTURES, TRACEBACK


@pytest.fixture(scope="module")
def registries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A clean registry and one with errors, each a git repository."""
    base = tmp_path_factory.mktemp("output")
    out: dict[str, Path] = {}
    for name, profiles in (("clean", "[quxian]"), ("errors", "[potou]")):
        root = shutil.copytree(FIXTURES / "quxian", base / name)
        config = root / "registry.yaml"
        config.write_text(config.read_text("utf-8").replace("profiles: [quxian]", f"profiles: {profiles}"), "utf-8")
        GitRepo.init(root).commit("登记簿初始登记")
        out[name] = root
    return out


def run(argv: list[str], stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "registry", *argv], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, check=False, timeout=300)


@pytest.mark.parametrize("extra", [[], ["--no-cache"], ["--format", "json"], ["--format", "sarif", "--no-cache"]])
@pytest.mark.parametrize(("name", "verdict"), [("clean", 0), ("errors", 1)])
def test_a_reader_that_left_does_not_change_the_verdict(registries: dict[str, Path], name: str, verdict: int,
                                                        extra: list[str]) -> None:
    for _attempt in range(2):  # the second run reuses the first one's cache
        read, write = os.pipe()
        os.close(read)  # the reader is gone before anything is written
        try:
            done = run(["--root", str(registries[name]), "check", *extra], write)
        finally:
            os.close(write)
        assert done.returncode == verdict, done.stderr
        assert TRACEBACK not in done.stderr and "内部错误" not in done.stderr


@pytest.mark.parametrize("argv", [["check"], ["check", "--no-cache", "--format", "json"], ["--lang", "en", "check"],
                                  ["rules"], ["check", "--format", "junit"]])
@pytest.mark.parametrize("name", ["clean", "errors"])
def test_a_full_disk_is_exit_2_saying_so(registries: dict[str, Path], name: str, argv: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = run(["--root", str(registries[name]), *argv], full.fileno())
    assert done.returncode == 2, done.stderr
    assert TRACEBACK not in done.stderr and "内部错误" not in done.stderr and "internal error" not in done.stderr
    assert ("could not write the output" if "en" in argv else "无法写出结果") in done.stderr
