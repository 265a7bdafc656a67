"""``registry check PATHS`` says how many records it checked and reported on: those among the
paths, beside the whole registry's count (what the cross-record rules looked at). A check
without PATHS prints the line it always printed; JSON keeps ``records`` as it was and gains
``checked`` only when PATHS were named."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry.cli import main
from test_hook_imports import records_to_edit, stage_edits

TODAY = "2026-06-30"
FULL_LINE = re.compile(r"共检查 (\d+) 条记录（规则配置：quxian）：\d+ 个错误，\d+ 个警告")
PATHS_LINE = re.compile(r"共检查 (\d+) 条记录（登记簿共 (\d+) 条记录；规则配置：quxian）：\d+ 个错误，\d+ 个警告")


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root, _repo = committed_fixture("quxian", tmp_path)
    monkeypatch.chdir(root)
    return root


def _records(root: Path, below: str = "") -> list[str]:
    return sorted(p.relative_to(root).as_posix() for kind in ("systems", "projects")
                  for p in root.glob(f"{kind}/*/*.yaml") if p.relative_to(root).as_posix().startswith(below))


def _text(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines()[-1], err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    main(["check", "--today", TODAY, "--format", "json", *args])
    summary: dict[str, object] = json.loads(capsys.readouterr().out)["summary"]
    return summary


def test_a_full_check_prints_the_line_it_always_printed(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = len(_records(registry))
    for args in ((), (".",), (str(registry.parent),), ("registry.yaml",)):  # the whole registry, however named
        _code, line, _err = _text(capsys, *args)
        assert (match := FULL_LINE.fullmatch(line)) and int(match[1]) == total, (args, line)
        summary = _json(capsys, *args)
        assert summary["records"] == total and "checked" not in summary


@pytest.mark.parametrize("cache", ["--no-cache", "cold", "warm"])
def test_one_file_a_folder_and_both(registry: Path, capsys: pytest.CaptureFixture[str], cache: str) -> None:
    total = len(_records(registry))
    one = _records(registry, "systems/")[0]
    folder = one.rsplit("/", 1)[0]
    in_folder, projects = _records(registry, folder + "/"), _records(registry, "projects/")
    options = ["--no-cache"] if cache == "--no-cache" else []
    if cache == "warm":
        _text(capsys, one)
        _text(capsys, folder, "projects", one)
    for named, expected in (([one], 1), ([folder], len(in_folder)),
                            ([folder, "projects", one], len({*in_folder, *projects}))):  # (one is in folder: once)
        _code, line, _err = _text(capsys, *options, *named)
        assert (match := PATHS_LINE.fullmatch(line)), line
        assert (int(match[1]), int(match[2])) == (expected, total), (named, line)
        summary = _json(capsys, *options, *named)
        assert (summary["checked"], summary["records"]) == (expected, total)


def test_a_path_outside_or_not_a_record_counts_none(registry: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    stray = tmp_path / "elsewhere.yaml"
    stray.write_text("id: x\n", encoding="utf-8")
    total = len(_records(registry))
    code, line, err = _text(capsys, str(stray))
    assert code == 0 and "不在登记簿" in err
    assert line == f"共检查 0 条记录（登记簿共 {total} 条记录；规则配置：quxian）：0 个错误，0 个警告"
    (registry / "说明.txt").write_text("不是记录\n", encoding="utf-8")  # inside the registry, not a record
    _code, line, _err = _text(capsys, "说明.txt")
    assert line == f"共检查 0 条记录（登记簿共 {total} 条记录；规则配置：quxian）：0 个错误，0 个警告"


def test_a_broken_record_named_counts_as_the_full_count_counts_it(registry: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    broken = registry / _records(registry)[0]
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    total = len(_records(registry))
    _code, full, _err = _text(capsys)
    assert FULL_LINE.fullmatch(full) and int(FULL_LINE.fullmatch(full)[1]) == total  # type: ignore[index]
    code, line, _err = _text(capsys, str(broken.relative_to(registry)))
    assert code == 1
    assert line.startswith(f"共检查 1 条记录（登记簿共 {total} 条记录；"), line


def test_staged_paths_cold_and_warm(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edited = records_to_edit(registry)
    stage_edits(registry, 1, edited)
    total = len(_records(registry))
    seen = []
    for _run in ("cold", "warm"):
        _code, line, _err = _text(capsys, "--staged", *edited)
        seen.append(line)
        assert (match := PATHS_LINE.fullmatch(line)) and (int(match[1]), int(match[2])) == (3, total), line
    assert seen[0] == seen[1]
    _code, line, _err = _text(capsys, "--staged")
    assert FULL_LINE.fullmatch(line)


def test_with_a_base_and_in_english(registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _records(registry)[0]
    subprocess.run(["git", "switch", "-q", "-c", "change"], cwd=registry, check=True)
    total = len(_records(registry))
    _code, line, _err = _text(capsys, "--base", "main", one)
    assert line.startswith(f"共检查 1 条记录（登记簿共 {total} 条记录；"), line
    main(["--lang", "en", "check", "--today", TODAY, one])
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"1 records checked (of {total} in the registry; profiles: quxian): ")
    main(["--lang", "en", "check", "--today", TODAY])
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"{total} records checked (profiles: quxian): ")


@pytest.mark.parametrize("format_", ["github", "sarif"])
def test_the_other_formats_carry_the_same_line(registry: Path, capsys: pytest.CaptureFixture[str], format_: str) -> None:
    one = _records(registry)[0]
    main(["check", "--today", TODAY, "--format", format_, one])
    out = capsys.readouterr().out
    total = len(_records(registry))
    assert f"共检查 1 条记录（登记簿共 {total} 条记录；规则配置：quxian）" in out
