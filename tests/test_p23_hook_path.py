"""The commit hook's own path (``registry check --staged`` of a few staged files, warm): git is
started with ``posix_spawn`` (registry.gitproc.spawn), so the run imports neither ``subprocess``
nor ``tomllib`` — and still says exactly what the uncached check says, with a standard stream
closed, and exits 2 naming git when git cannot be started."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from fixturekit import committed_fixture
from registry import gitproc
from test_hook_imports import hook, records_to_edit, stage_edits

ROOT = Path(__file__).resolve().parent.parent
NOT_ON_THE_HOOK = ("subprocess", "tomllib", "selectors", "registry.gitscan")


def test_the_warm_hook_spawns_git_without_subprocess_or_toml(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    hook(root)  # cold: fills the caches
    edited = records_to_edit(root)
    for round_ in range(2):
        stage_edits(root, round_, edited)
        warm = hook(root, *edited)
        assert sorted(set(NOT_ON_THE_HOOK) & set(warm["modules"])) == []
        uncached = hook(root, *edited, "--no-cache")
        assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])
        assert warm["code"] in (0, 1) and '"records": 15' in warm["report"]


def _shell_run(root: Path, redirect: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "registry", "check", "--staged",
                                                 "--today", "2026-06-30", *args])
    return subprocess.run(["sh", "-c", f"exec {command} {redirect}"], cwd=root, capture_output=True, text=True,
                          check=False, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_closed_standard_stream_changes_nothing(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    edited = records_to_edit(root)
    stage_edits(root, 1, edited)
    expected = _shell_run(root, "", *edited)
    assert expected.returncode in (0, 1) and "共检查" in expected.stdout
    for redirect in ("<&-", "2>&-", "<&- 2>&-"):
        stage_edits(root, 2 + len(redirect), edited)  # content no run has seen: git is asked again
        closed = _shell_run(root, redirect, *edited)
        plain = _shell_run(root, "", *edited, "--no-cache")
        assert (closed.returncode, closed.stdout) == (plain.returncode, plain.stdout), redirect


def test_git_that_cannot_be_started_is_exit_2_naming_it(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    no_git = str(tmp_path / "empty")  # a PATH where no git is found
    done = subprocess.run([sys.executable, "-m", "registry", "check", "--staged"], cwd=root,
                          capture_output=True, text=True, check=False, timeout=300,
                          env={**os.environ, "PATH": no_git, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and "无法运行 git" in done.stderr and "Traceback" not in done.stderr


def test_spawn_reads_both_pipes_however_much_git_writes(tmp_path: Path) -> None:
    noisy = "!head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 200000 /dev/zero | tr '\\0' o"
    status, out, err = gitproc.spawn(tmp_path, ["-c", f"alias.noisy={noisy}", "noisy"], dict(os.environ)).finish()
    assert (status, out, err) == (0, b"o" * 200000, b"e" * 300000)
    status, out, err = gitproc.spawn(tmp_path, ["rev-parse", "--show-prefix"], dict(os.environ)).finish()
    assert status == 128 and out == b"" and b"not a git repository" in err


def test_a_closed_standard_output_is_exit_2_saying_so(tmp_path: Path) -> None:
    """Python starts a process whose standard output is closed with ``sys.stdout`` None: the
    report cannot be written, which is exit 2 with one line (spec/CLI.md), for the commands that
    end with ``os._exit`` too — never exit 1 ("findings"), 3 or a traceback."""
    root, _repo = committed_fixture("quxian", tmp_path)
    for args in (["check", "--staged", "--today", "2026-06-30"], ["check", "--no-cache"], ["rules"],
                 ["--lang", "en", "check"]):
        done = subprocess.run(["sh", "-c", 'exec >&-; exec "$0" -m registry "$@"', sys.executable, *args], cwd=root,
                              stderr=subprocess.PIPE, text=True, check=False, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 2 and "Traceback" not in done.stderr, (args, done.stderr)
        assert ("standard output is closed" if "en" in args else "无法写出结果（Bad file descriptor）：标准输出已关闭") \
            in done.stderr, args
