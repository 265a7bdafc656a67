"""A row number openpyxl reads but our own pass over the sheet XML does not (``r="5.0"``,
``r=" 6"``, ``r="+5"``, ``r="٥"`` — Python's ``int`` takes them all) used to make the two disagree
on where the sheet ends: the filled range stopped at the row before, openpyxl was asked for no
more, and a complete data row was dropped without a word (exit 0, 1 record of 2 written).
Whatever a generator writes, every data row is imported, or the file is refused (exit 2, naming it)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixturekit import FIXTURES
from registry.cli import main
from test_x_import_hostile import NS, workbook

COLUMNS = "ABCDE"
HEADER = ("系统名称", "所属单位", "运行状态", "部署方式", "上线时间")


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: str, ref: int, values: tuple[str, ...]) -> str:
    return f'<row r="{number}">' + "".join(_cell(f"{c}{ref}", v) for c, v in zip(COLUMNS, values)) + "</row>"


def _values(name: str) -> tuple[str, ...]:
    return (name, "金乡县财政局", "运行中", "县政务云", "2021-03-01")


@pytest.mark.parametrize("number", ["5.0", " 6", "+5", "٥", "5 "])
def test_a_row_numbered_oddly_is_imported_or_the_file_refused(number: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "registry"
    shutil.copytree(FIXTURES / "jinxiang", root)
    rows = _row("1", 1, HEADER) + _row("2", 2, _values("甲系统")) + _row(number, 5, _values("乙系统"))
    book = workbook(tmp_path / "台账.xlsx", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{rows}</sheetData></worksheet>')
    code = main(["--root", str(root), "import", str(book), "--kind", "systems"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    written = sorted(p.read_text("utf-8") for p in (root / "systems/czj").glob("czj-system-*.yaml"))
    if code == 2:
        assert str(book) in err and not written, err
    else:
        assert code == 0 and len(written) == 2, (code, out, err)
        assert any("乙系统" in text for text in written)
