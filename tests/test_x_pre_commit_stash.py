"""A real ``pre-commit run`` with unstaged changes (regression test).

pre-commit checks what is STAGED: it sets the unstaged changes aside (the working tree's files
are rewritten to the index's version), runs the hooks, and writes the changes back — all within
a second or two, so the record files change twice around the hook's warm run, which fills the
stat index, git's verified index entries, the folder listings and the run cache. Right after,
a warm ``registry check`` of the working tree (and of the three files) must answer exactly what
an uncached one answers: the hook's state (the staged version) must never be served for the
working tree's files. Both ways round: staged valid with a broken working tree, staged broken
with a mended working tree; and through ``git commit`` with the hook installed.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry import cache

REPO = Path(__file__).resolve().parents[1]
TODAY = "2026-11-20"
ASSET, BUDGET = "systems/czj/czj-asset.yaml", "systems/czj/czj-budget.yaml"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop(cache.DISABLE_ENV, None)
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.org",
                "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.org",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    return env


def run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def registry_check(root: Path, env: dict[str, str], *paths: str, cached: bool = True) -> tuple[int, str]:
    env = {**env, **({} if cached else {cache.DISABLE_ENV: "1"})}
    done = run(root, env, sys.executable, "-m", "registry", "check", "--today", TODAY, "--format", "json",
               *paths)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def with_hook(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root, repo = committed_fixture("quxian", tmp_path)
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook = next({**h, "language": "system", "entry": f"{sys.executable} -m registry check --today {TODAY}"}
                for h in hooks if h["id"] == "registry-check")
    hook.pop("description", None)
    with (root / ".pre-commit-config.yaml").open("w", encoding="utf-8") as out:
        YAML().dump({"repos": [{"repo": "local", "hooks": [hook]}]}, out)
    repo.commit("pre-commit 配置")
    return root, environment(tmp_path)


def settle(root: Path, env: dict[str, str]) -> None:
    time.sleep(1.05 - time.time() % 1 + 0.05)
    for _ in range(2):
        assert registry_check(root, env) == registry_check(root, env, cached=False)


def flip(path: Path) -> None:
    path.write_text(path.read_text("utf-8").replace("status: retired", "status: invalid"), "utf-8")


def rename(path: Path) -> None:
    path.write_text(path.read_text("utf-8").replace("渠县行政", "渠县政务"), "utf-8")


def same_after(root: Path, env: dict[str, str], code: int) -> None:
    for paths in ((), (ASSET, BUDGET)):
        warm = registry_check(root, env, *paths)
        assert warm == registry_check(root, env, *paths, cached=False)
        assert warm[0] == code
        assert registry_check(root, env, *paths) == warm


@pytest.mark.parametrize("staged", ["valid", "broken"])
def test_pre_commit_run_with_unstaged_changes(tmp_path: Path, staged: str) -> None:
    root, env = with_hook(tmp_path)
    settle(root, env)
    path = root / ASSET
    original = path.read_text("utf-8")
    rename(path)
    if staged == "broken":
        flip(path)
    assert run(root, env, "git", "add", ASSET).returncode == 0
    path.write_text(original, "utf-8")  # the working tree: mended, or
    if staged == "valid":
        flip(path)  # broken
    hooked = run(root, env, sys.executable, "-m", "pre_commit", "run")
    assert hooked.returncode == (1 if staged == "broken" else 0), hooked.stdout + hooked.stderr
    same_after(root, env, 1 if staged == "valid" else 0)
    time.sleep(1.05 - time.time() % 1 + 0.05)  # and once the times are no longer racy
    same_after(root, env, 1 if staged == "valid" else 0)


def test_git_commit_through_the_installed_hook(tmp_path: Path) -> None:
    root, env = with_hook(tmp_path)
    assert run(root, env, sys.executable, "-m", "pre_commit", "install").returncode == 0
    settle(root, env)
    path = root / ASSET
    original = path.read_text("utf-8")
    rename(path)
    assert run(root, env, "git", "add", ASSET).returncode == 0
    flip(path)  # broken in the working tree, valid as staged
    committed = run(root, env, "git", "commit", "-m", "改名称")
    assert committed.returncode == 0, committed.stdout + committed.stderr
    same_after(root, env, 1)
    path.write_text(original, "utf-8")
    rename(path)
    same_after(root, env, 0)
