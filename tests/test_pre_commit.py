"""The hooks of .pre-commit-hooks.yaml run under pre-commit in a registry repository.

pre-commit would build a virtualenv for `language: python` hooks from the hook repository,
which needs the package index; to stay offline the test runs this repo's hook definitions
(entry, files, args, require_serial, pass_filenames) as `language: system` hooks with the
`registry` command of the environment running the tests.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from casekit import build_registry

REPO = Path(__file__).resolve().parents[1]
HOOKS: list[dict[str, Any]] = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def pre_commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def registry_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    build_registry(root, {"records": {}, "registry": {"profiles": ["potou"]}})
    local = [{**hook, "language": "system"} for hook in HOOKS]
    for hook in local:
        hook.pop("description", None)
        if hook["id"] == "registry-check-base":
            hook["args"] = ["--base", "main"]
    config = {"repos": [{"repo": "local", "hooks": local}]}
    with (root / ".pre-commit-config.yaml").open("w", encoding="utf-8") as fh:
        YAML().dump(config, fh)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=测试", "-c", "user.email=t@example.org", "add", ".")
    git(root, "-c", "user.name=测试", "-c", "user.email=t@example.org", "commit", "-qm", "init")
    return root


def test_hooks_pass_on_a_clean_registry(registry_repo: Path) -> None:
    result = pre_commit(registry_repo, "run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "登记簿校验（registry check）" in result.stdout and "Passed" in result.stdout


def staged_and_run(repo: Path, path: str, text: str) -> subprocess.CompletedProcess[str]:
    """Write ``text`` to ``path``, stage it and run every hook on all files."""
    (repo / path).write_text(text, encoding="utf-8")
    git(repo, "add", ".")
    return pre_commit(repo, "run", "--all-files")


def test_hooks_block_a_bad_record_and_an_unapproved_new_system(registry_repo: Path) -> None:
    new_system = "id: czj-new\nname: 新系统\nunit: czj\nstatus: building\ndeployment: county_cloud\n"
    result = staged_and_run(registry_repo, "systems/czj/czj-new.yaml", new_system + "nmae: 错字\n")
    assert result.returncode == 1
    assert "REG002" in result.stdout and "nmae" in result.stdout
    result = staged_and_run(registry_repo, "systems/czj/czj-new.yaml", new_system)
    assert result.returncode == 1
    assert "CHG001" in result.stdout and "只减不增" in result.stdout


def test_manifest_declares_serial_cross_file_hooks() -> None:
    assert {h["id"] for h in HOOKS} == {"registry-check", "registry-check-base"}
    for hook in HOOKS:
        assert hook["require_serial"] is True, "cross-file rules must see every file in one run"
        assert hook["entry"].startswith("registry check")


def test_the_base_hook_reports_change_rules_only_never_repeating_the_check_hook(registry_repo: Path) -> None:
    (registry_repo / "systems/czj/czj-new.yaml").write_text(
        "id: czj-new\nname: 新系统\nunit: czj\nstatus: building\ndeployment: county_cloud\n", encoding="utf-8")
    (registry_repo / "systems/czj/czj-typo.yaml").write_text(
        "id: czj-typo\nname: 错字系统\nunit: czj\nstatus: retired\nnmae: 错字\n", encoding="utf-8")
    git(registry_repo, "add", ".")
    result = pre_commit(registry_repo, "run", "--all-files")
    assert result.returncode == 1
    # REG002 is the check hook's; the base hook adds only the change rule (CHG001)
    assert result.stdout.count("未知字段 nmae") == 1, result.stdout
    assert result.stdout.count("(CHG001)") == 1, result.stdout
    base_hook = result.stdout.split("登记簿变更校验", 1)[1]
    assert "REG002" not in base_hook and "CHG001" in base_hook


def test_the_base_hook_needs_a_base(registry_repo: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "registry", "check", "--changes-only"], cwd=registry_repo,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "--base" in result.stderr
