"""`registry new`: a commented template in the right place that passes `check` once filled in."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from casekit import build_registry
from registry.cli import main


@pytest.fixture
def root(tmp_path: Path) -> Path:
    build_registry(tmp_path, {"records": {}, "registry": {"profiles": ["potou"]}})
    return tmp_path


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str, str]]]:
    code = main(["--root", str(root), "check", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return code, [(f["rule"], f["path"], f["field"]) for f in findings]


def fill(path: Path, **values: str) -> None:
    lines = path.read_text("utf-8").splitlines()
    for key, value in values.items():
        lines = [f"{line.split(':')[0]}: {value}" if line.strip().startswith(f"{key}: null") else line for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_system_template_fails_until_filled_in(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(root), "new", "system", "--unit", "czj"]) == 0
    assert capsys.readouterr().out.strip() == "systems/czj/czj-system-01.yaml"
    template = root / "systems/czj/czj-system-01.yaml"
    text = template.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/system.schema.json")
    assert "规划中" in text and "只减不增" in text
    assert check(root, capsys) == (1, [("REG002", "systems/czj/czj-system-01.yaml", "name")])
    fill(template, name="财政电子票据管理系统")
    assert check(root, capsys) == (0, [])


def test_project_template_takes_the_next_sequence_number(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year = dt.date.today().year
    (root / f"projects/czj/{year}-czj-001.yaml").parent.mkdir(parents=True)
    (root / f"projects/czj/{year}-czj-001.yaml").write_text("占位", encoding="utf-8")
    assert main(["--root", str(root), "new", "project", "--unit", "czj", "--id", f"{year}-czj-002"]) == 0
    capsys.readouterr()
    (root / f"projects/czj/{year}-czj-001.yaml").unlink()
    template = root / f"projects/czj/{year}-czj-002.yaml"
    assert f"year: {year}" in template.read_text("utf-8")
    code, findings = check(root, capsys)
    assert code == 1 and {f[2] for f in findings} == {"name", "budget.total_wan"}
    fill(template, name="财政一体化系统升级", total_wan="120")
    assert check(root, capsys) == (0, [])


def test_default_project_id_skips_taken_numbers(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year = dt.date.today().year
    assert main(["--root", str(root), "new", "project", "--unit", "wjw"]) == 0
    assert main(["--root", str(root), "new", "project", "--unit", "wjw"]) == 0
    assert capsys.readouterr().out.split() == [f"projects/wjw/{year}-wjw-001.yaml", f"projects/wjw/{year}-wjw-002.yaml"]


@pytest.mark.parametrize(
    ("args", "words"),
    [(["system", "--unit", "nobody"], "单位 nobody 未在 registry.yaml"),
     (["system", "--unit", "czj", "--id", "CZJ_X"], "系统编号 CZJ_X 格式不正确"),
     (["project", "--unit", "czj", "--id", "2026-wjw-001"], "应为 年度-czj-三位序号"),
     (["system", "--unit", "czj", "--id", "czj-budget"], "已存在，未覆盖")],
    ids=["unknown-unit", "bad-system-id", "project-id-of-another-unit", "existing-file"],
)
def test_refusals_exit_2_and_change_nothing(
    root: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    existing = (root / "systems/czj/czj-budget.yaml").read_bytes()
    assert main(["--root", str(root), "new", *args]) == 2
    assert words in capsys.readouterr().err
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == before
    assert (root / "systems/czj/czj-budget.yaml").read_bytes() == existing
