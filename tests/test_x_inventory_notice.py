"""``registry inventory`` counts the systems that load; a system file that does not (a broken
value, a YAML anchor, a link where a record belongs) used to vanish from the count without a
word — czj 1 → 0, exit 0. It is now named on stderr, as ``export`` names what it leaves out."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fixturekit import copy_fixture
from registry.cli import main

TODAY = "2026-06-01"
RECORD = "systems/czj/czj-budget.yaml"


def inventory(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args, "inventory", "--today", TODAY, "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


def czj(out: str) -> int:
    return next(u["active"] for u in json.loads(out)["units"] if u["unit"] == "czj")


def test_a_clean_registry_says_nothing_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = inventory(copy_fixture("jinxiang", tmp_path), capsys)
    assert (code, err, czj(out)) == (0, "", 1)


@pytest.mark.parametrize("breakage", ["value", "anchor", "symlink", "project"])
def test_a_system_file_left_out_of_the_count_is_named(breakage: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture("jinxiang", tmp_path)
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    if breakage == "value":
        record.write_text(text.replace("status: operating", "status: bogus"), encoding="utf-8")
    elif breakage == "anchor":
        record.write_text(text.replace("description: ", "description: &a "), encoding="utf-8")
    elif breakage == "symlink":
        (root / "elsewhere.yaml").write_text(text, encoding="utf-8")
        record.unlink()
        os.symlink("../../elsewhere.yaml", record)
    else:  # a broken project is no system: nothing to say about the count
        project = root / "projects/czj/2024-czj-001.yaml"
        project.write_text(project.read_text(encoding="utf-8") + "nmae: 错字\n", encoding="utf-8")
    code, out, err = inventory(root, capsys)
    if breakage == "project":
        assert (code, err, czj(out)) == (0, "", 1)
        return
    assert code == 0 and czj(out) == 0
    assert err == f"注意：systems/ 下 1 个文件未通过校验，未计入（registry check 列出问题）：{RECORD}\n"
    code, _, err = inventory(root, capsys, "--lang", "en")
    assert code == 0 and err.startswith("note: 1 file(s) under systems/ failed validation") and RECORD in err
