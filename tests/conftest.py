"""The test session leaves the project's tree as it found it — and checks that it did.

Tests write only below ``tmp_path``; the tools they run keep their caches outside the project
(set here, before anything else is imported, so that subprocesses inherit it too):

* Python's bytecode (``__pycache__``) and mypy's cache go to a per-project folder in the
  system's temporary directory (kept between runs, so a second run is as fast as before);
* Hypothesis keeps its example database there as well;
* pytest's own cache is off (``-p no:cacheprovider`` in pyproject.toml);
* a check of the project's own files (the demo registry, ``tests/fixtures/*``) runs with
  ``use_cache=False`` or ``--no-cache``, or on a copy (:mod:`sitebuild`), since checking
  writes ``.registry-cache/`` into the registry root it checks.

At the start of the session the state of the tree — ``git status --porcelain --ignored``,
ignored files included (a cache listed in .gitignore is still a write into the source tree),
with each listed file's content digest — is recorded; at the end, any path added or changed
fails the run, naming the paths. Only what the install step writes before pytest starts
(``scripts/setup-venv.sh``, ``scripts/test.sh``) is left out: :data:`INSTALL_PRODUCTS`.
"""
from __future__ import annotations

import getpass
import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# Written by installing, before any test runs: the virtual environment (setup-venv.sh), the
# editable install's metadata (pip install -e), the npm packages of the browser tests (npm ci).
INSTALL_PRODUCTS = (".venv", "*.egg-info", "tests/axe/node_modules", "tests/cms/node_modules")


def _outside_folder() -> Path:
    """A folder for this project's test caches outside its tree (one per user and checkout)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    project = hashlib.sha256(str(PROJECT).encode("utf-8")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"registry-tests-{user}-{project}"


def _keep_caches_outside() -> None:
    outside = _outside_folder()
    if not sys.dont_write_bytecode:
        os.environ.setdefault("PYTHONPYCACHEPREFIX", str(outside / "pycache"))
        sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
    os.environ.setdefault("MYPY_CACHE_DIR", str(outside / "mypy"))
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(outside / "hypothesis"))
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # a test dependency; without it the Hypothesis tests are skipped anyway
        return
    set_hypothesis_home_dir(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])


_keep_caches_outside()

import pytest  # noqa: E402  (after the caches are pointed outside: importing writes bytecode)

State = dict[str, tuple[str, str]]  # path → (git status code, content digest)


def tree_state(root: Path) -> State | None:
    """Every path of ``root`` git reports as modified, untracked or ignored (one line per file,
    not per folder), install products left out, with a digest of its content. None when
    ``root`` is not a git work tree (an unpacked source archive): nothing to compare."""
    excludes = [f":(exclude,glob){folder}/**" for folder in INSTALL_PRODUCTS]  # glob: * stays in one folder
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all", "--", ".", *excludes],
            cwd=root, capture_output=True, check=False,
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    state: State = {}
    entries = iter(done.stdout.decode("utf-8", "surrogateescape").split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            next(entries, None)  # a rename's second field: the old path
        state[path] = (code, _digest(root / path))
    return state


def _digest(path: Path) -> str:
    try:
        if path.is_symlink():
            return "link:" + os.readlink(path)
        if path.is_dir():
            return "folder"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "gone"


def changes(before: State, after: State) -> list[str]:
    """``added`` / ``changed`` / ``removed`` lines for the paths whose state differs."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            lines.append(f"added    {path}")
        elif path not in after:
            lines.append(f"removed  {path}")
        elif before[path] != after[path]:
            lines.append(f"changed  {path}")
    return lines


@pytest.fixture(scope="session", autouse=True)
def source_tree_untouched() -> Iterator[None]:
    """Fails the session when a test wrote into the project's tree (see the module docstring)."""
    before = tree_state(PROJECT)
    yield
    if before is None:
        return
    after = tree_state(PROJECT)
    found = changes(before, after or {})
    if found:
        shown = "\n  ".join(found[:40]) + (f"\n  … and {len(found) - 40} more" if len(found) > 40 else "")
        pytest.fail(
            "测试写入了项目目录（测试只能写入 tmp_path；缓存须放在项目之外）：\n  "
            f"{shown}\n(tests wrote into the source tree {PROJECT}: write below tmp_path, keep caches outside)",
            pytrace=False,
        )
