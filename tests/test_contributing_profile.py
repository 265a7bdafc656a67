"""CONTRIBUTING.md "如何新增一个管辖地", followed literally.

From ``tests/fixtures/new_profile/`` (a made-up regulation with three articles, a profile package
with two rules and their cases, laid out as the files would be in the project) the test copies
the project's tracked tree into a temporary directory, drops the fixture files in the places
CONTRIBUTING.md names, touching no other file, and runs the copy (its own PYTHONPATH, not the
installed package): the rules are listed and documented, the schema names the profile, its
cases and citations pass the project's own tests, a registry that chooses it is checked, and
its site shows the rules.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "new_profile"
PROFILE, PREFIX, COUNTY = "yunxi", "YX", "云溪县"


def documented(block: str) -> str:
    text = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    found = re.search(rf"<!-- {block}:begin -->\s*```\w*\n(.*?)```\s*<!-- {block}:end -->", text, re.S)
    assert found, f"CONTRIBUTING.md has no {block} block"
    return found.group(1)


def documented_patterns() -> list[re.Pattern[str]]:
    """``registry/rules/<id>/<章>.py`` → a pattern over the fixture's paths."""
    patterns = []
    for line in documented("files").splitlines():
        if not line.strip():
            continue
        path = line.split()[0]
        regex = re.escape(path).replace(re.escape("<id>"), PROFILE).replace(re.escape("<前缀>"), PREFIX)
        regex = re.sub(re.escape("<") + r"[^>]+" + re.escape(">"), r"[A-Za-z0-9_.]+", regex)
        patterns.append(re.compile(regex))
    return patterns


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("the project is not a git checkout: its tracked tree is unknown")
    return [name for name in listed.stdout.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]


def fixture_files() -> list[str]:
    return sorted(p.relative_to(FIXTURE).as_posix() for p in FIXTURE.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the fixture's files added where CONTRIBUTING.md says."""
    copy = tmp_path_factory.mktemp("project")
    for name in tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    before = {p.relative_to(copy).as_posix(): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    for name in fixture_files():
        target = copy / name
        assert not target.exists(), f"{name} would overwrite a file of the project"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(FIXTURE / name, target)
    after = {p.relative_to(copy).as_posix(): p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if k in before} == before, "no existing file is touched"
    assert sorted(set(after) - set(before)) == fixture_files()
    return copy


def run(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project), "NO_MKDOCS_2_WARNING": "1", "REGISTRY_TODAY": "2025-12-01"}
    env.pop("REGISTRY_REPO_URL", None)
    return subprocess.run([sys.executable, *args], cwd=cwd or project, env=env, capture_output=True, text=True,
                          check=False, timeout=600)


def registry(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run(project, "-m", "registry", *args, cwd=cwd)


def test_the_fixture_follows_the_documented_layout() -> None:
    patterns = documented_patterns()
    files = fixture_files()
    for name in files:
        assert any(p.fullmatch(name) for p in patterns), f"{name} is not a place CONTRIBUTING.md names"
    for pattern in patterns:
        assert any(pattern.fullmatch(name) for name in files), f"the fixture has no file for {pattern.pattern}"


def test_the_copy_runs_its_own_code(project: Path) -> None:
    where = run(project, "-c", "import registry.rules.yunxi as p; print(p.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(project)


def test_rules_lists_and_documents_the_new_profile(project: Path) -> None:
    listed = registry(project, "rules", "--profile", PROFILE, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rules = {r["id"]: r for r in json.loads(listed.stdout)["rules"]}
    assert set(rules) == {"YX2", "YX3"}
    assert "云溪县政务信息系统管理办法 第二条" in json.dumps(rules["YX2"], ensure_ascii=False)
    text = registry(project, "rules", "--profile", PROFILE)
    assert text.returncode == 0 and "YX3" in text.stdout and "新建系统部署在县级政务云" in text.stdout
    reference = registry(project, "rules", "--all", "--format", "markdown")
    assert reference.returncode == 0, reference.stderr
    assert "云溪县政务信息系统管理办法" in reference.stdout and "运行中的系统登记等保测评日期" in reference.stdout
    assert "QX6" in reference.stdout  # the other profiles are still there


def test_the_schema_names_the_profile(project: Path, tmp_path: Path) -> None:
    done = registry(project, "schema", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    profiles = json.loads((tmp_path / "registry.schema.json").read_text("utf-8"))["properties"]["profiles"]
    assert PROFILE in profiles["items"]["enum"] and "quxian" in profiles["items"]["enum"]
    assert f"{PROFILE} {COUNTY}" in profiles["description"]


def test_the_project_tests_run_the_new_cases_and_check_its_quotes(project: Path) -> None:
    done = run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/rules/test_cases.py",
               "tests/test_rule_docs.py", "-k", "YX2 or YX3 or catalogue or every_rule")
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\b(\d+) passed", done.stdout) and "YX" not in done.stdout.split("passed")[-1]
    collected = run(project, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider",
                    "tests/rules/test_cases.py", "tests/test_rule_docs.py", "-k", "YX2 or YX3")
    ids = collected.stdout
    for case in ("YX2::building_in_own_machine_room", "YX3::operating_with_test_date",
                 "YX2::fails-example", "YX3::passes-example"):
        assert case in ids
    assert "test_citations_quote_the_regulation_word_for_word[YX2]" in ids


def test_a_registry_choosing_the_profile_is_checked_and_shows_it_on_its_site(project: Path, tmp_path: Path) -> None:
    help_text = registry(project, "init", "--help")
    assert f"{PROFILE} {COUNTY}" in help_text.stdout
    root = tmp_path / "yunxi-registry"
    made = registry(project, "init", str(root), "--profile", PROFILE, "--name", COUNTY)
    assert made.returncode == 0, made.stderr
    config = YAML(typ="safe").load((root / "registry.yaml").read_text("utf-8"))
    assert config["profiles"] == [PROFILE]
    assert set(config["authorities"]) == {"data_authority", "finance"}
    units = {u["id"]: u["name"] for u in config["units"]}
    assert units[config["authorities"]["data_authority"]] == f"{COUNTY}大数据局"
    first = next(u for u in config["units"] if u["id"] == config["authorities"]["finance"])["id"]

    record = root / "systems" / first / f"{first}-portal.yaml"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(
        f"id: {first}-portal\nname: 门户网站\nunit: {first}\nstatus: building\ndeployment: own_machine_room\n",
        encoding="utf-8")
    failing = registry(project, "--root", str(root), "check", "--format", "json", "--no-cache")
    assert failing.returncode == 1, failing.stderr
    found = {(f["rule"], f["field"]) for f in json.loads(failing.stdout)["findings"]}
    assert ("YX2", "deployment") in found

    record.write_text(record.read_text("utf-8").replace("own_machine_room", "county_cloud"), encoding="utf-8")
    passing = registry(project, "--root", str(root), "check", "--format", "json", "--no-cache")
    assert passing.returncode == 0, passing.stdout + passing.stderr

    built = run(project, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), cwd=root)
    assert built.returncode == 0, built.stderr[-3000:]
    html = (root / "public" / "rules" / f"{PROFILE}.html").read_text("utf-8")
    assert "YX2" in html and "YX3" in html
    assert "新建政务信息系统应当部署在县级政务云上" in html  # the article, quoted
    nav = (root / "public" / "index.html").read_text("utf-8")
    assert "云溪县政务信息系统管理办法" in nav
