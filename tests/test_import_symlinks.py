"""``registry import`` and ``registry init --force`` write into the registry and nowhere else: a
unit folder committed as a symbolic link to a folder outside, a record path that is a dangling
link, a folder of DIR that is a link — each is refused (exit 2, naming the link) before anything
is written (x22's 21:59 report; registry.safewrite)."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_import import county
from test_import_sheets import SYSTEM_HEADER, run, workbook

from registry.cli import main


def _ledger(tmp_path: Path) -> Path:
    return workbook(tmp_path / "台账.xlsx", SYSTEM_HEADER, [[1, "甲系统", "财政局", "在用", "2023年5月", "自建机房"],
                                                         [2, "乙系统", "财政局", "在用", "2023年5月", "自建机房"]])


def test_a_unit_folder_that_is_a_link_outside_is_never_written_through(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "systems").mkdir()
    (root / "systems" / "czj").symlink_to(outside, target_is_directory=True)
    assert run(root, _ledger(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "systems/czj 是符号链接" in err and "Traceback" not in err
    assert list(outside.iterdir()) == []


def test_a_record_path_that_is_a_dangling_link_is_never_written_through(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    (root / "systems" / "czj").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    (root / "systems" / "czj" / "czj-system-01.yaml").symlink_to(victim)
    assert run(root, _ledger(tmp_path)) == 2
    assert "czj-system-01.yaml 是符号链接" in capsys.readouterr().err
    assert not victim.exists() and not (root / "systems" / "czj" / "czj-system-02.yaml").exists()


def test_the_dry_run_still_lists_what_it_would_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = county(tmp_path)
    (root / "systems").mkdir()
    (root / "systems" / "czj").symlink_to(tmp_path, target_is_directory=True)
    assert run(root, _ledger(tmp_path), "--dry-run") == 0
    assert "将新建 systems/czj/czj-system-01.yaml" in capsys.readouterr().out


def test_init_force_never_writes_through_a_folder_that_is_a_link(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "reg"
    target.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (target / "schema").symlink_to(outside, target_is_directory=True)
    assert main(["init", str(target), "--profile", "jinxiang", "--name", "临河县", "--force"]) == 2
    err = capsys.readouterr().err
    assert "schema 是符号链接" in err and "Traceback" not in err
    assert list(outside.iterdir()) == [] and not (target / "registry.yaml").exists()
