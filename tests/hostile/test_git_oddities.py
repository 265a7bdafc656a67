"""Repositories as CI and careless hands leave them: shallow, detached, with submodules,
missing or damaged objects, half-finished merges, no commits at all."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gitrepo import GitRepo
from harness import SYSTEM, Case, append, commit, git, ids, run_case, steps, write

CHANGE = ("check", "--base", "main")
REVIEW = (CHANGE, ("diff", "--base", "main"), ("inventory", "--history"), ("audit",))


def on_branch(root: Path) -> None:
    """A feature branch with one harmless change, the way a pull request arrives."""
    repo = GitRepo(root)
    repo.branch("feature")
    with open(root / SYSTEM, "a", encoding="utf-8") as handle:
        handle.write("# 说明：补充注释\n")
    repo.commit("补充注释")


def lose_object(spec: str) -> object:
    """Delete the loose object ``spec`` names (e.g. ``main:systems/czj/czj-asset.yaml``)."""
    def build(root: Path) -> None:
        sha = GitRepo(root).git("rev-parse", spec)
        (root / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return build


def damage_object(spec: str) -> object:
    def build(root: Path) -> None:
        sha = GitRepo(root).git("rev-parse", spec)
        path = root / ".git" / "objects" / sha[:2] / sha[2:]
        os.chmod(path, 0o644)
        path.write_bytes(b"\x78\x9cnot a zlib stream at all")
    return build


def shallow_clone(root: Path) -> None:
    """Replace the repository by a depth-1 clone of its feature branch (CI's default)."""
    source = root.parent / "origin"
    on_branch(root)
    shutil.move(root, source)
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", "feature", f"file://{source}", str(root)],
                   check=True, capture_output=True, env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})


def submodule(root: Path) -> None:
    """A submodule inside a unit folder, holding a YAML file that looks like a record."""
    inner = GitRepo.init(root.parent / "inner")
    inner.write("czj-hidden.yaml", (root / SYSTEM).read_text(encoding="utf-8").replace("czj-budget", "czj-hidden"))
    inner.commit("隐藏的记录")
    GitRepo(root).git("-c", "protocol.file.allow=always", "submodule", "--quiet", "add", str(root.parent / "inner"),
                      "systems/czj/vendor")
    GitRepo(root).commit("子模块")


def conflict(root: Path) -> None:
    """A merge stopped on a conflict in a record: markers left in the file."""
    repo = GitRepo(root)
    repo.branch("other")
    append(SYSTEM, "notes2: 分支甲\n")(root)
    repo.commit("甲")
    repo.switch("main")
    append(SYSTEM, "notes2: 分支乙\n")(root)
    repo.commit("乙")
    done = subprocess.run(["git", "merge", "other"], cwd=root, capture_output=True, env=repo.env())
    assert done.returncode != 0 and b"CONFLICT" in done.stdout


CASES = [
    Case("detached_head", steps(on_branch, git("checkout", "--quiet", "--detach")), commands=REVIEW, expect=0),
    Case("shallow_clone_without_the_base", shallow_clone, commands=(("check", "--base", "origin/main"),), expect=2,
         names="fetch"),
    Case("shallow_clone_with_unknown_base", shallow_clone, commands=(CHANGE, ("diff", "--base", "main")), expect=2,
         names="main"),
    Case("shallow_clone_history", shallow_clone, commands=(("inventory", "--history"), ("audit",)), expect=(0, 2),
         names="fetch"),
    Case("unknown_base", lambda root: None, commands=(("check", "--base", "no-such-branch"), ("diff", "--base", "no-such-branch")),
         expect=2, names="no-such-branch"),
    Case("base_that_looks_like_an_option", lambda root: None,
         commands=(("check", "--base=--output={root}/pwned"), ("diff", "--base=--output={root}/pwned")), expect=2),
    # before the first commit, check --base is the first import (nothing to compare with)
    Case("no_commit_yet", lambda root: None, git=False, commands=(CHANGE, ("inventory", "--history"), ("audit",)),
         expect=(0, 0, 2), names="main"),
    Case("not_a_git_repository", lambda root: shutil.rmtree(root / ".git"), commands=(CHANGE, ("inventory", "--history")),
         expect=2, names="git"),
    Case("submodule_in_a_unit_folder", submodule, commands=(("check",), CHANGE), names="systems/czj/vendor"),
    Case("merge_conflict_markers_in_a_record", conflict, commands=(("check",), CHANGE), names=SYSTEM),
    Case("missing_blob_at_the_base", steps(on_branch, lose_object("main:systems/czj/czj-asset.yaml")), commands=REVIEW[:3],
         expect=2, names="systems/czj/czj-asset.yaml"),
    Case("missing_tree_at_the_base", steps(on_branch, lose_object("main:systems/czj")), commands=REVIEW[:3], expect=2),
    Case("missing_base_commit", steps(on_branch, lose_object("main")), commands=(CHANGE, ("diff", "--base", "main")), expect=2),
    Case("damaged_blob_at_the_base", steps(on_branch, damage_object("main:systems/czj/czj-asset.yaml")), commands=REVIEW[:3],
         expect=2),
    Case("git_directory_unreadable_head", steps(on_branch, write(".git/HEAD", "garbage\n")), commands=(CHANGE,), expect=2),
    Case("uncommitted_new_record_counts", steps(on_branch, write("systems/czj/czj-extra.yaml",
         (Path(__file__).resolve().parents[2] / SYSTEM).read_text(encoding="utf-8").replace("czj-budget", "czj-extra"))),
         commands=(CHANGE,), names="systems/czj/czj-extra.yaml"),
    Case("symlink_committed_to_the_tree", steps(on_branch, lambda root: (root / "systems/czj/czj-link.yaml").symlink_to("czj-budget.yaml"),
                                                commit("链接")), commands=(("check",), CHANGE), names="systems/czj/czj-link.yaml"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_git_oddities(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
