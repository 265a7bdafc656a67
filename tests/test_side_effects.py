"""No process-wide side effects: commands import git only when they use it, and the check that
a test session leaves the project's tree untouched (tests/conftest.py) sees every kind of write."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from casekit import REGISTRY, record_data, write_yaml
from conftest import INSTALL_PRODUCTS, changes, tree_state
from gitrepo import GitRepo

# Commands that never need git history, and what they run on.
WITHOUT_GIT = {
    "check": ["check", "--no-cache", "--today", "2025-12-01"],
    "rules": ["rules"],
    "inventory": ["inventory", "--today", "2025-12-01"],
    "export": ["export", "--format", "json", "--today", "2025-12-01"],
    "schema": ["schema", "--out", "{out}"],
    "new": ["new", "system", "--unit", "czj", "--id", "czj-newer"],
}


@pytest.mark.parametrize("command", sorted(WITHOUT_GIT))
def test_commands_without_history_do_not_import_git(tmp_path: Path, command: str) -> None:
    root = tmp_path / "registry"
    write_yaml(root / "registry.yaml", REGISTRY)
    write_yaml(root / "systems/czj/czj-budget.yaml", record_data("systems/czj/czj-budget.yaml", {}))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    argv = [a.replace("{out}", str(tmp_path / "out")) for a in WITHOUT_GIT[command]]
    code = (
        "import sys\n"
        "from registry.cli import main\n"
        f"code = main({argv!r})\n"
        "print('imported git:', 'git' in sys.modules, 'code:', code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("imported git: False"), (command, last, done.stderr)
    assert last.split("code: ")[1] in ("0", "1"), (command, done.stdout, done.stderr)


def test_the_session_check_sees_writes_ignored_files_included(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path)
    repo.write(".gitignore", ".registry-cache/\n__pycache__/\n.venv/\n*.egg-info/\nnode_modules/\n")
    repo.write("tests/fixtures/a.yaml", "a: 1\n")
    repo.commit("start")
    before = tree_state(tmp_path)
    assert before == {}

    (tmp_path / ".registry-cache" / "x").mkdir(parents=True)
    (tmp_path / ".registry-cache" / "x" / "runs.pack").write_bytes(b"cache")  # ignored, still a write
    (tmp_path / "tests" / "__pycache__").mkdir()
    (tmp_path / "tests" / "__pycache__" / "t.pyc").write_bytes(b"pyc")
    (tmp_path / "tests" / "fixtures" / "a.yaml").write_text("a: 2\n", encoding="utf-8")  # a tracked file changed
    (tmp_path / "tests" / "fixtures" / "new.yaml").write_text("b: 1\n", encoding="utf-8")  # untracked
    for product in INSTALL_PRODUCTS:  # what installing writes is not the tests' doing
        folder = tmp_path / product.replace("*", "zhengwu_registry")
        folder.mkdir(parents=True)
        (folder / "file").write_text("installed", encoding="utf-8")
    after = tree_state(tmp_path)
    assert after is not None
    assert changes(before, after) == [
        "added    .registry-cache/x/runs.pack",
        "added    tests/__pycache__/t.pyc",
        "added    tests/fixtures/a.yaml",
        "added    tests/fixtures/new.yaml",
    ]
    # a file that was already there and is written again is a change too
    (tmp_path / "tests" / "fixtures" / "new.yaml").write_text("b: 2\n", encoding="utf-8")
    assert changes(after, tree_state(tmp_path) or {}) == ["changed  tests/fixtures/new.yaml"]
    # only the install products themselves are left out: node_modules elsewhere counts
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "pkg.js").write_text("x", encoding="utf-8")
    assert "added    node_modules/pkg.js" in changes(after, tree_state(tmp_path) or {})


def test_outside_a_git_work_tree_there_is_nothing_to_compare(tmp_path: Path) -> None:
    assert tree_state(tmp_path) is None
