"""The hostile corpus: inputs a careless or hostile department could commit, and what the
``registry`` commands must do with them.

A :class:`Case` says how to build the input on a fresh copy of a registry (the demo registry
of this repository, or the small ``jinxiang`` fixture), committed to a real temporary git
repository, and which commands to run on it with which exit codes. :func:`run_case` asserts,
for every command of every case:

* the exit code is the expected one, and never 3 (an internal error) — nor anything outside
  0/1/2;
* no traceback on stdout or stderr;
* the output names the offending file (``names``);
* a CPU-time bound (``cpu``): the CPU seconds (user + system) of the command, its threads and
  the git processes it started, measured on the command alone, so that the bound means the same
  on a quiet machine and on one whose two cores run three test suites (a wall-clock bound of 20 s
  failed there for a command that needs 6 s of CPU); in-process runs are also interrupted once
  the test's own process has used that much CPU (a loop that never ends);
* a hang bound (``timeout``, wall clock, generous): in-process runs are interrupted by a timer
  signal, subprocess runs (``subprocess=True``, for what could crash or hang the interpreter
  itself) by a timeout — a command waiting on a FIFO uses no CPU at all;
* no file of the registry changed: every file (link targets for links, never opening FIFOs)
  is hashed before and after, except ``.git/`` and the check cache ``.registry-cache/``.

Commands run in-process through :func:`registry.cli.main` where possible (fast), with
``--no-cache`` added to ``check`` so that cases stay independent. Add a case by adding a
row to one of the ``test_*.py`` tables; ``build`` receives the registry root.
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import io
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from gitrepo import GitRepo, yaml_text

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
TODAY = "2026-11-22"  # the demo registry's reference date: 0 errors on it
TRACEBACK = "Traceback (most recent call last)"
IGNORED = (".git", ".registry-cache")

Build = Callable[[Path], None]
Patch = Callable[[Path], contextlib.AbstractContextManager[Any]]


@dataclasses.dataclass(frozen=True)
class Case:
    """One hostile input and what the commands must do with it.

    ``commands`` are argument lists after ``--root ROOT`` (``{root}`` and ``{out}`` are
    replaced); ``expect`` is one exit code for all of them or one per command; ``names`` must
    appear in each command's output (stdout + stderr) unless it exits 0."""

    name: str
    build: Build
    commands: tuple[tuple[str, ...], ...] = (("check",),)
    expect: int | tuple[int, ...] = 1
    names: str | None = None
    fixture: str = "demo"  # "demo" | "jinxiang" (the small fixture) | "empty" (registry.yaml only)
    subprocess: bool = False
    cpu: float = 20.0  # CPU seconds the command may use (the speed guard: see the module's docstring)
    timeout: float = 300.0  # wall-clock seconds before the command counts as hung
    patch: Patch | None = None  # in-process only: e.g. a simulated PermissionError
    git: bool = True  # commit the copy before ``build`` (git cases may need history)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    verify: Callable[[Path, list[Outcome]], None] | None = None  # more checks: (out folder, outcomes)

    def expected(self, index: int) -> int:
        return self.expect if isinstance(self.expect, int) else self.expect[index]


@dataclasses.dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float  # wall clock (reported, never asserted: it depends on the machine's load)
    cpu: float = 0.0  # user + system seconds of the command, its threads and its child processes

    @property
    def text(self) -> str:
        return self.out + self.err


# -- building ---------------------------------------------------------------------------------


def fresh_registry(tmp_path: Path, fixture: str, *, git: bool = True) -> tuple[Path, GitRepo]:
    """A copy of the demo registry (or a fixture) in a new git repository, committed on main."""
    root = tmp_path / "registry"
    if fixture == "demo":
        root.mkdir()
        shutil.copy2(REPO / "registry.yaml", root / "registry.yaml")
        for folder in ("systems", "projects", "docs"):
            shutil.copytree(REPO / folder, root / folder)
    elif fixture == "empty":
        root.mkdir()
        shutil.copy2(FIXTURES / "jinxiang" / "registry.yaml", root / "registry.yaml")
    else:
        shutil.copytree(FIXTURES / fixture, root)
    repo = GitRepo.init(root)
    if git:
        repo.commit("登记簿初始登记")
    return root, repo


def tree_digest(root: Path) -> dict[str, str]:
    """Path → digest of every entry below ``root`` (links by target, special files by type)."""
    out: dict[str, str] = {}
    for top, dirs, files in os.walk(root, followlinks=False):
        rel_top = os.path.relpath(top, root)
        dirs[:] = [d for d in dirs if not (rel_top == "." and d in IGNORED)]
        for name in [*files, *dirs]:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, root)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                out[rel] = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                out[rel] = _file_digest(path, info)
            elif stat.S_ISDIR(info.st_mode):
                out[rel] = f"dir:{stat.S_IMODE(info.st_mode):o}"
            else:
                out[rel] = f"special:{stat.S_IFMT(info.st_mode):o}"
    return out


def _file_digest(path: str, info: os.stat_result) -> str:
    try:
        with open(path, "rb") as handle:
            return f"{stat.S_IMODE(info.st_mode):o}:" + hashlib.sha256(handle.read()).hexdigest()
    except OSError:  # unreadable for this user: its metadata must stay the same
        return f"unreadable:{stat.S_IMODE(info.st_mode):o}:{info.st_size}:{info.st_mtime_ns}"


# -- running ----------------------------------------------------------------------------------


class HarnessTimeout(BaseException):
    """Raised by a timer inside a command that ran past its case's bound (a hang, or a loop)."""


@contextlib.contextmanager
def time_limit(seconds: float, cpu: float | None = None) -> Iterator[None]:
    """Interrupt the code inside after ``seconds`` of wall-clock time (a hang) or, with ``cpu``,
    once this process has used ``cpu`` seconds of CPU in it (``ITIMER_PROF``: user + system
    time of every thread)."""
    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise HarnessTimeout(f"no result after {seconds} s")

    def spent(_signum: int, _frame: FrameType | None) -> None:
        raise HarnessTimeout(f"more than {cpu} s of CPU")

    previous = signal.signal(signal.SIGALRM, expired)
    previous_prof = signal.signal(signal.SIGPROF, spent) if cpu is not None else None
    signal.setitimer(signal.ITIMER_REAL, seconds)
    if cpu is not None:
        signal.setitimer(signal.ITIMER_PROF, cpu)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if previous_prof is not None:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous_prof)


class CpuClock:
    """CPU seconds (user + system) used since it was made: by this process (every thread) and
    by the child processes it waited for meanwhile (git, a ``registry`` subprocess, and their
    own children that they waited for). The tests run one command at a time, so nothing else
    is reaped in between."""

    def __init__(self) -> None:
        self._start = self._now()

    @staticmethod
    def _now() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def seconds(self) -> float:
        return self._now() - self._start


def argv_of(case: Case, command: Sequence[str], root: Path, out: Path) -> list[str]:
    args = [a.replace("{root}", str(root)).replace("{out}", str(out)) for a in command]
    if args and args[0] == "check" and "--no-cache" not in args:
        args.append("--no-cache")
    if args and args[0] in ("check", "diff", "site", "export") and "--today" not in args:
        args += ["--today", TODAY]
    return ["--root", str(root), *args]


def run_in_process(argv: list[str], seconds: float, env: dict[str, str], cpu: float | None = None) -> Outcome:
    from registry.cli import main

    out, err = io.StringIO(), io.StringIO()
    start, clock = time.perf_counter(), CpuClock()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), time_limit(seconds, cpu):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Outcome(code, out.getvalue(), err.getvalue(), time.perf_counter() - start, clock.seconds())


def run_subprocess(argv: list[str], seconds: float, env: dict[str, str], cpu: float | None = None) -> Outcome:
    """The command in a fresh interpreter; ``cpu`` is checked by the caller on the outcome
    (the child's own CPU, read when it is reaped), ``seconds`` bounds the wait."""
    start, clock = time.perf_counter(), CpuClock()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "registry.cli", *argv], capture_output=True, timeout=seconds,
            env={**os.environ, **env}, check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"no result after {seconds} s: registry {' '.join(argv)}") from None
    return Outcome(done.returncode, done.stdout.decode("utf-8", "replace"),
                   done.stderr.decode("utf-8", "replace"), time.perf_counter() - start, clock.seconds())


def run_case(case: Case, tmp_path: Path) -> list[Outcome]:
    """Build the case, run its commands, assert the contract; the outcomes for extra checks."""
    root, _repo = fresh_registry(tmp_path, case.fixture, git=case.git)
    case.build(root)
    before = tree_digest(root)
    out = tmp_path / "out"
    outcomes = []
    with case.patch(root) if case.patch else contextlib.nullcontext():
        for index, command in enumerate(case.commands):
            argv = argv_of(case, command, root, out)
            run = run_subprocess if case.subprocess else run_in_process
            try:
                outcome = run(argv, case.timeout, case.env, case.cpu)
            except HarnessTimeout as exc:
                raise AssertionError(f"{case.name}: {exc}: registry {' '.join(argv)}") from None
            _assert_contract(case, index, command, outcome)
            outcomes.append(outcome)
    after = tree_digest(root)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"{case.name}: files changed by the commands: {changed}"
    if case.verify is not None:
        case.verify(out, outcomes)
    return outcomes


def _assert_contract(case: Case, index: int, command: Sequence[str], outcome: Outcome) -> None:
    label = f"{case.name}: registry {' '.join(command)}"
    shown = f"\n--- stdout ---\n{outcome.out[-3000:]}\n--- stderr ---\n{outcome.err[-3000:]}"
    assert outcome.code in (0, 1, 2), f"{label}: exit code {outcome.code}{shown}"
    assert outcome.code == case.expected(index), f"{label}: exit {outcome.code}, expected {case.expected(index)}{shown}"
    assert TRACEBACK not in outcome.text, f"{label}: traceback{shown}"
    assert outcome.cpu <= case.cpu, f"{label}: {outcome.cpu:.1f} s of CPU, more than {case.cpu} s ({outcome.seconds:.1f} s wall)"
    if case.names is not None and outcome.code != 0:
        assert case.names in outcome.text, f"{label}: output does not name {case.names!r}{shown}"


# -- building blocks for case tables ----------------------------------------------------------

SYSTEM = "systems/czj/czj-budget.yaml"  # a record of the demo registry
PROJECT = "projects/dsj/2021-dsj-001.yaml"
PROJECT_WITH_DOCS = "projects/dsj/2021-dsj-002.yaml"  # names files under docs/


def write(relpath: str, content: str | bytes) -> Build:
    """Write a file (text as UTF-8), creating folders."""
    def build(root: Path) -> None:
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return build


def append(relpath: str, text: str | bytes) -> Build:
    def build(root: Path) -> None:
        with open(root / relpath, "ab") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    return build


def replace(relpath: str, old: str, new: str, *, count: int = 1) -> Build:
    """Replace text in a file (the text must be there)."""
    def build(root: Path) -> None:
        target = root / relpath
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        target.write_text(text.replace(old, new, count), encoding="utf-8")
    return build


def set_top(relpath: str, key: str, value_yaml: str) -> Build:
    """Set a top-level key of a record to a YAML value written as is (``key: <value_yaml>``)."""
    def build(root: Path) -> None:
        target = root / relpath
        lines = target.read_text(encoding="utf-8").splitlines()
        kept = []
        skipping = False
        for line in lines:
            if line.startswith(f"{key}:"):
                skipping = True
                continue
            if skipping and (line.startswith((" ", "-")) or not line.strip()):
                continue
            skipping = False
            kept.append(line)
        kept.append(f"{key}: {value_yaml}")
        target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return build


def config_line(old: str, new: str) -> Build:
    return replace("registry.yaml", old, new)


def parameters(text: str) -> Build:
    """Replace the demo registry's ``parameters: {}`` line."""
    def build(root: Path) -> None:
        target = root / "registry.yaml"
        lines = target.read_text(encoding="utf-8").splitlines()
        lines = [f"parameters: {text}" if line.startswith("parameters:") else line for line in lines]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return build


def yaml_file(relpath: str, data: Any) -> Build:
    return write(relpath, yaml_text(data))


def symlink(relpath: str, target: str) -> Build:
    def build(root: Path) -> None:
        link = root / relpath
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    return build


def fifo(relpath: str) -> Build:
    def build(root: Path) -> None:
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / relpath)
    return build


def steps(*builds: Build) -> Build:
    def build(root: Path) -> None:
        for b in builds:
            b(root)
    return build


def git(*args: str) -> Build:
    """Run git in the registry (as the test identity)."""
    def build(root: Path) -> None:
        GitRepo(root).git(*args)
    return build


def commit(message: str = "变更") -> Build:
    def build(root: Path) -> None:
        GitRepo(root).commit(message)
    return build


@contextlib.contextmanager
def _denied(root: Path, relpath: str) -> Iterator[None]:
    """Every ``open``/``scandir`` of ``root/relpath`` fails with EACCES, as for a user without
    read permission (the tests may run as root, which chmod cannot stop)."""
    target = os.path.join(root, relpath)
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if os.fspath(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def fake_scandir(path: Any = ".") -> Any:
        if os.fspath(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    os.open = fake_open  # type: ignore[assignment]
    os.scandir = fake_scandir  # type: ignore[assignment]
    try:
        yield
    finally:
        os.open = real_open
        os.scandir = real_scandir


def denied(relpath: str) -> Patch:
    return lambda root: _denied(root, relpath)


def ids(cases: Sequence[Case]) -> list[str]:
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    return names
