"""`registry init` makes a county's registry that checks clean, builds its site and passes its
own pre-commit hooks, for each of the five profiles; `registry upgrade` refreshes the tool's
files and nothing else (issue 11)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from ruamel.yaml import YAML

from registry import DISTRIBUTION, __version__
from registry.cli import main
from registry.ruledocs import SHORT_NAMES
from registry.rules.profiles import PROFILES, SELECTABLE
from registry.scaffold import PIN, packaged
from sitebuild import mkdocs_build

REPO = Path(__file__).resolve().parents[1]
COUNTY = "临河县"


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)


def init(tmp_path: Path, profile: str, *extra: str) -> Path:
    root = tmp_path / profile
    assert main(["init", str(root), "--profile", profile, "--name", COUNTY, *extra]) == 0
    return root


def check_json(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    code = main(["--root", str(root), "check", "--format", "json", "--no-cache", *extra])
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    out["code"] = code
    return out


def offline_hooks(root: Path) -> None:
    """The generated hooks as `language: system` (pre-commit would install the pinned
    distribution from the package index), comparing with the local main branch."""
    yaml = YAML()
    config = yaml.load((root / ".pre-commit-config.yaml").read_text("utf-8"))
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            assert hook["additional_dependencies"] == [PIN]
            hook["language"] = "system"
            del hook["additional_dependencies"]
            if "args" in hook:
                hook["args"] = ["--base", "main"]
    with (root / ".pre-commit-config.yaml").open("w", encoding="utf-8") as fh:
        yaml.dump(config, fh)


def pre_commit(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def foreign_words(profile: str) -> list[str]:
    words = []
    for other in SELECTABLE:
        if other != profile:
            words += [PROFILES[other].regulation, *(f"{name} 第" for name in SHORT_NAMES[other])]
    return words


@pytest.mark.parametrize("profile", SELECTABLE)
def test_init_gives_a_registry_that_checks_builds_and_passes_its_hooks(
        tmp_path: Path, profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = init(tmp_path, profile)
    assert (root / ".git").is_dir() and (root / "systems").is_dir() and (root / "projects").is_dir()
    result = check_json(root, capsys)
    assert result["code"] == 0 and result["findings"] == []
    config = YAML(typ="safe").load((root / "registry.yaml").read_text("utf-8"))
    assert config["jurisdiction"] == COUNTY and config["profiles"] == [profile]
    units = {u["id"]: u for u in config["units"]}
    assert units[config["authorities"]["data_authority"]]["kind"] == "authority"
    assert all(unit_id in units for unit_id in config["authorities"].values())
    assert main(["--root", str(root), "codeowners", "--check"]) == 0

    built = mkdocs_build(root)
    assert built.returncode == 0, built.stderr
    home = (root / "public/index.html").read_text("utf-8")
    assert COUNTY in home and COUNTY in (root / "public/guide/submit.html").read_text("utf-8")
    assert (root / f"public/rules/{profile}.html").exists()
    for page in (root / "public").rglob("*.html"):
        text = page.read_text("utf-8")
        for word in foreign_words(profile):
            assert word not in text, f"{page} cites {word}"

    offline_hooks(root)
    git(root, "add", ".")
    git(root, "commit", "-qm", "建立登记簿")
    hooks = pre_commit(root)
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert "Passed" in hooks.stdout or "Skipped" in hooks.stdout


def test_templates_install_the_pinned_distribution_from_the_same_source() -> None:
    ci = {name: packaged(f"ci/{name}") for name in ("github.yml", "gitlab-ci.yml")}
    # one source: the packaged templates are this repository's own files
    assert ci["github.yml"] == (REPO / ".github/workflows/registry.yml").read_text("utf-8")
    assert ci["gitlab-ci.yml"] == (REPO / ".gitlab-ci.yml").read_text("utf-8")
    assert packaged("pre-commit-hooks.yaml") == (REPO / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert packaged("hooks/registry_pages.py") == (REPO / "hooks/registry_pages.py").read_text("utf-8")
    for path in [*REPO.glob(".github/workflows/*.yml"), REPO / ".gitlab-ci.yml", REPO / "README.md",
                 REPO / ".pre-commit-hooks.yaml"]:
        assert "registry==0.1.0" not in path.read_text("utf-8"), path


def test_a_county_ci_installs_the_pinned_checker(tmp_path: Path) -> None:
    root = init(tmp_path, "jinxiang")
    for name in (".github/workflows/registry.yml", ".gitlab-ci.yml"):
        text = (root / name).read_text("utf-8")
        assert PIN in text, name
        assert "pip install ." not in text and "REGISTRY_INSTALL: .\n" not in text
        assert "registry==0.1.0" not in text
    assert f"pip install \"{PIN}\"" in (root / "README.md").read_text("utf-8")


def test_the_county_readme_asks_the_data_authority_for_the_merge_signing_key(tmp_path: Path) -> None:
    """Without ``trust.merge_keys`` every merge is unverifiable to ``registry audit``: the new
    county's README says so, and how to configure it, before the first audit surprises anyone."""
    root = init(tmp_path, "jinxiang")
    readme = (root / "README.md").read_text("utf-8")
    data_authority = next(line for line in (root / "registry.yaml").read_text("utf-8").splitlines()
                          if line.strip().startswith("data_authority:")).split(":", 1)[1].split("#")[0].strip()
    section = readme.split("## 审批审计", 1)[1].split("\n## ", 1)[0]
    assert data_authority and f"（`{data_authority}`）" in section
    assert "trust:\n  merge_keys:" in section and "AUD003" in section
    assert "registry audit --trust identities" in section


def test_init_refuses_a_non_empty_directory_and_force_never_overwrites(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "county"
    record = root / "systems/czj/czj-oa.yaml"
    record.parent.mkdir(parents=True)
    record.write_text("id: czj-oa\n", encoding="utf-8")
    (root / "README.md").write_text("我们自己的说明\n", encoding="utf-8")
    assert main(["init", str(root), "--profile", "potou", "--name", COUNTY]) == 2
    assert "--force" in capsys.readouterr().err
    assert sorted(p.name for p in root.iterdir()) == ["README.md", "systems"]
    assert main(["init", str(root), "--profile", "potou", "--name", COUNTY, "--force"]) == 0
    assert record.read_text("utf-8") == "id: czj-oa\n"
    assert (root / "README.md").read_text("utf-8") == "我们自己的说明\n"
    assert not (root / "systems/.gitkeep").exists() and (root / "registry.yaml").exists()
    assert "保留 README.md" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [["--profile", "nosuch"], ["--profile", ""], ["--name", " "],
                                 ["--name", "某县\nsite_name: x"], ["--name", "<script>某县"], ["--name", "某县: x"]])
def test_init_refuses_bad_arguments_writing_nothing(tmp_path: Path, bad: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    args = {"--profile": "jinxiang", "--name": COUNTY}
    args[bad[0]] = bad[1]
    assert main(["init", str(tmp_path / "x"), *(item for pair in args.items() for item in pair)]) == 2
    assert not (tmp_path / "x").exists()
    assert "Traceback" not in capsys.readouterr().err


def test_init_takes_units_from_a_spreadsheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["单位代码", "单位名称", "单位类型", "上级单位", "审核人"],
            ["sjzx", f"{COUNTY}大数据中心", "数据主管部门", "", "@linhe/sjzx"],
            ["czj", f"{COUNTY}财政局", "县直部门", "", "@linhe/czj"],
            ["wjj", f"{COUNTY}卫生健康局", "", "", "@linhe/wjj"],
            ["jkzx", f"{COUNTY}疾病预防控制中心", "", f"{COUNTY}卫生健康局", ""],
            ["hjz", "胡集镇人民政府", "乡镇（街道）", "", ""]]
    units_csv = tmp_path / "单位.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    units_csv.write_bytes(buffer.getvalue().encode("gb18030"))
    root = init(tmp_path, "quxian", "--units", str(units_csv))
    config = YAML(typ="safe").load((root / "registry.yaml").read_text("utf-8"))
    units = {u["id"]: u for u in config["units"]}
    assert config["authorities"]["data_authority"] == "sjzx" and units["sjzx"]["kind"] == "authority"
    assert config["authorities"]["finance"] == "czj"
    assert units["jkzx"]["parent"] == "wjj" and units["hjz"]["kind"] == "township"
    assert units["wjj"]["reviewers"] == ["@linhe/wjj"]
    assert "/systems/wjj/ @linhe/wjj" in (root / "CODEOWNERS").read_text("utf-8")
    assert check_json(root, capsys)["code"] == 0

    book = Workbook()
    book.active.append(["单位清单"])  # a title row above the table
    for row in rows[:3]:
        book.active.append(row)
    book.active.append(["", "", "", "", ""])
    book.active.append(["9bad", "坏单位", "", "", ""])
    book.save(tmp_path / "单位.xlsx")
    assert main(["init", str(tmp_path / "bad"), "--profile", "quxian", "--name", COUNTY,
                 "--units", str(tmp_path / "单位.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "工作表 Sheet 第 6 行" in err and "单位代码 9bad 格式不正确" in err
    assert not (tmp_path / "bad").exists()


def test_upgrade_refreshes_the_tools_files_and_leaves_records_alone(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = init(tmp_path, "dalad")
    record = root / "systems/czj/czj-oa.yaml"
    record.parent.mkdir(parents=True)
    record.write_text("id: czj-oa\nname: 办公系统\n", encoding="utf-8")
    readme = (root / "README.md").read_text("utf-8") + "本县补充说明\n"
    (root / "README.md").write_text(readme, encoding="utf-8")
    (root / "schema/system.schema.json").write_text("{}\n", encoding="utf-8")
    (root / ".github/workflows/registry.yml").write_text("old\n", encoding="utf-8")
    pre_commit_file = root / ".pre-commit-config.yaml"
    old_pin = f"{DISTRIBUTION}==0.1.9"
    pre_commit_file.write_text(
        pre_commit_file.read_text("utf-8").replace(PIN, old_pin).replace("origin/main", "origin/trunk")
        + "  - repo: https://example.org/other/hooks\n    rev: v1.0.0\n    hooks:\n      - id: trailing-whitespace\n",
        encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(root), "upgrade", "--dry-run"]) == 0
    assert (root / "schema/system.schema.json").read_text("utf-8") == "{}\n"
    assert main(["--root", str(root), "upgrade"]) == 0
    out = capsys.readouterr().out
    for name in ("schema/system.schema.json", ".github/workflows/registry.yml", ".pre-commit-config.yaml"):
        assert f"更新 {name}" in out
    assert "README.md" not in out and "systems/" not in out
    assert record.read_text("utf-8") == "id: czj-oa\nname: 办公系统\n"
    assert (root / "README.md").read_text("utf-8") == readme
    hooks = pre_commit_file.read_text("utf-8")
    assert PIN in hooks and old_pin not in hooks
    assert "origin/trunk" in hooks and "trailing-whitespace" in hooks  # the county's choices kept
    assert main(["--root", str(root), "upgrade"]) == 0
    assert f"已是最新（工具版本 {__version__}）" in capsys.readouterr().out


def test_force_next_to_a_registry_yaml_follows_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = init(tmp_path, "potou")
    (root / "mkdocs.yml").unlink()
    assert main(["init", str(root), "--profile", "jinxiang", "--name", "别的县", "--force"]) == 0
    assert "保留已有的 registry.yaml" in capsys.readouterr().out
    mkdocs = (root / "mkdocs.yml").read_text("utf-8")
    assert "rules/potou.md" in mkdocs and "rules/jinxiang.md" not in mkdocs and "别的县" not in mkdocs


def test_upgrade_moves_a_tagged_hook_repository_to_this_version(tmp_path: Path) -> None:
    from registry.scaffold import pre_commit_config

    existing = ("repos:\n  - repo: https://example.org/other/hooks\n    rev: v1.0.0\n    hooks:\n"
                "      - id: trailing-whitespace\n  - repo: https://git.example.org/tools/registry\n    rev: v0.1.0\n"
                "    hooks:\n      - id: registry-check\n")
    config = YAML(typ="safe").load(pre_commit_config(existing, "main"))
    other, ours = config["repos"]
    assert other["rev"] == "v1.0.0" and ours["rev"] == f"v{__version__}"
    assert ours["hooks"] == [{"id": "registry-check"}]
