"""``registry codeowners``: CODEOWNERS generated from the units' reviewers, and the check that
the committed file is current."""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from casekit import REGISTRY
from gitrepo import GitRepo, yaml_text
from registry.cli import main
from registry.codeowners import render
from registry.models import RegistryConfig


def config(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(REGISTRY)
    reviewers = {"dsj": ["@test-county/dsj"], "czj": ["@test-county/czj", "czj-lead@test.gov.cn"], "wjw": ["@wjw-admin"]}
    for unit in data["units"]:
        unit["reviewers"] = reviewers.get(unit["id"], [])
    data.update(changes)
    return data


def owners_of(text: str, path: str) -> list[str]:
    """GitHub's rule: the *last* matching pattern decides (gitignore-style patterns)."""
    owners: list[str] = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        pattern, *names = line.split()
        if _matches(pattern, path):
            owners = names
    return owners


def _matches(pattern: str, path: str) -> bool:
    if pattern == "*":
        return True
    regex = re.escape(pattern.lstrip("/")).replace(r"\*", "[^/]*")
    return re.match(regex + ("" if pattern.endswith("/") else "$"), path) is not None


def test_each_unit_owns_its_folders_and_the_data_authority_the_rest() -> None:
    text = render(RegistryConfig.model_validate(config()))
    assert owners_of(text, "projects/czj/2025-czj-001.yaml") == ["@test-county/czj", "czj-lead@test.gov.cn"]
    assert owners_of(text, "systems/czj/czj-budget.yaml") == ["@test-county/czj", "czj-lead@test.gov.cn"]
    assert owners_of(text, "docs/2025-czj-001/可研.pdf") == ["@test-county/czj", "czj-lead@test.gov.cn"]
    assert owners_of(text, "systems/wjw/wjw-his.yaml") == ["@wjw-admin"]
    assert owners_of(text, "systems/gaj/gaj-video.yaml") == ["@test-county/dsj"]  # gaj has no reviewers
    for authority_file in ("registry.yaml", ".github/workflows/registry.yml", ".gitlab-ci.yml", "CODEOWNERS", "README.md"):
        assert owners_of(text, authority_file) == ["@test-county/dsj"], authority_file
    assert "# gaj（测试县公安局）未登记 reviewers" in text
    assert text.index("* @test-county/dsj") < text.index("/projects/czj/") < text.index("/registry.yaml")


def test_without_data_authority_reviewers_no_line_claims_ownership_with_nobody() -> None:
    data = config()
    data["units"][0]["reviewers"] = []
    text = render(RegistryConfig.model_validate(data))
    assert not any(line.split()[0] in ("*", "/registry.yaml") for line in text.splitlines() if line and not line.startswith("#"))
    assert "# /registry.yaml：dsj（测试县大数据局） 未登记 reviewers，暂无审核人" in text


def test_registry_in_a_subdirectory_gets_prefixed_patterns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo.init(tmp_path / "mono")
    repo.write("catalog/registry.yaml", config())
    assert main(["--root", str(repo.path / "catalog"), "codeowners"]) == 0
    text = capsys.readouterr().out
    assert "/catalog/projects/czj/ @test-county/czj czj-lead@test.gov.cn" in text
    assert "/catalog/registry.yaml @test-county/dsj" in text
    assert "/.gitlab-ci.yml @test-county/dsj" in text  # CI files live at the repository top


def test_check_write_and_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", config())
    root = str(repo.path)

    assert main(["--root", root, "codeowners", "--check"]) == 1
    assert "仓库中没有 CODEOWNERS 文件" in capsys.readouterr().err

    assert main(["--root", root, "codeowners", "--write"]) == 0
    capsys.readouterr()
    assert main(["--root", root, "codeowners", "--check"]) == 0
    assert "与 registry.yaml 一致" in capsys.readouterr().err

    assert main(["--root", root, "codeowners"]) == 0
    assert capsys.readouterr().out == (repo.path / "CODEOWNERS").read_text(encoding="utf-8")

    changed = config()
    changed["units"][2]["reviewers"] = ["@new-wjw-team"]
    repo.write("registry.yaml", changed)
    assert main(["--root", root, "codeowners", "--check"]) == 1
    captured = capsys.readouterr()
    assert "+/systems/wjw/ @new-wjw-team" in captured.out and "-/systems/wjw/ @wjw-admin" in captured.out
    assert "registry codeowners --write" in captured.err


def test_check_finds_the_file_under_github_and_accepts_crlf(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", config())
    text = render(RegistryConfig.model_validate(config()))
    repo.write(".github/CODEOWNERS", text.replace("\n", "\r\n").encode("utf-8"))
    assert main(["--root", str(repo.path), "codeowners", "--check"]) == 0


def test_a_reviewer_that_cannot_go_into_codeowners_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = config()
    data["units"][1]["reviewers"] = ["@test-county/czj", "张三"]
    (tmp_path / "registry.yaml").write_text(yaml_text(data), encoding="utf-8")
    assert main(["--root", str(tmp_path), "codeowners"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("registry.yaml:")
    line = int(err.split(":")[1])
    assert (tmp_path / "registry.yaml").read_text(encoding="utf-8").splitlines()[line - 1].strip() == "- 张三"
    assert "单位 czj 的审核人 “张三” 无法写入 CODEOWNERS" in err
