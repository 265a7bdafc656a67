"""``registry init --units``: the units spreadsheet is read as ``registry import`` reads a ledger —
an error cell (#REF!, #N/A, a formula without its result) or a hidden character (zero-width,
bidi override, a Hangul filler) is refused naming its cell, never written into a unit's name;
hidden sheets, hidden rows and 合计 rows are set aside and said, a line each."""
from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]
from ruamel.yaml import YAML

from registry.cli import main
from registry.errors import ConfigError
from registry.hiddentext import HIDDEN
from registry.scaffold.county import units_from_table
from registry.sheetlayout import ERROR_VALUES

COUNTY = "临河县"
HEADER = ["单位代码", "单位名称", "单位类型", "上级单位", "审核人"]
ROWS = [["czj", f"{COUNTY}财政局", "县直部门", "", "@linhe/czj"],
        ["wjj", f"{COUNTY}卫生健康局", "", "", "@linhe/wjj"],
        ["hjz", "胡集镇人民政府", "乡镇（街道）", "", ""]]


def book(path: Path, rows: list[list[Any]], change: Any = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if change is not None:
        change(workbook, sheet)
    workbook.save(path)
    return path


def init(tmp_path: Path, units: Path, name: str = COUNTY) -> int:
    return main(["init", str(tmp_path / "reg"), "--profile", "jinxiang", "--name", name, "--units", str(units)])


def unit_names(tmp_path: Path) -> list[str]:
    config = YAML(typ="safe").load((tmp_path / "reg" / "registry.yaml").read_text("utf-8"))
    return [unit["name"] for unit in config["units"]]


def refused(tmp_path: Path, units: Path, capsys: pytest.CaptureFixture[str], name: str = COUNTY) -> str:
    capsys.readouterr()
    assert init(tmp_path, units, name) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and not (tmp_path / "reg").exists(), err
    return err


@pytest.mark.parametrize("error", ["#REF!", "#N/A", "#DIV/0!"])
def test_an_error_cell_is_refused_naming_the_cell_never_a_unit_name(tmp_path: Path, error: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rows = [ROWS[0], ["wjj", error, "", "", ""], ROWS[2]]
    err = refused(tmp_path, book(tmp_path / "单位.xlsx", rows), capsys)
    assert "工作表 单位 第 3 行 B 列（单位名称）" in err and f"错误值 {error}" in err


def test_an_error_value_in_a_csv_is_refused_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "单位.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, ROWS[0], ["wjj", f"{COUNTY}卫生健康局", "", "#N/A", ""]])
    file.write_text(buffer.getvalue(), encoding="utf-8")
    err = refused(tmp_path, file, capsys)
    assert "第 3 行 D 列（上级单位）" in err and "#N/A" in err


def test_a_formula_without_its_result_is_refused_at_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(tmp_path, book(tmp_path / "单位.xlsx", [ROWS[0], ["wjj", '=CONCAT("临河县","卫生健康局")', "", "", ""]]),
                  capsys)
    assert "第 3 行 B 列（单位名称）" in err and "没有计算结果" in err


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\ufeff", "\u2066", "\u3164"])
@pytest.mark.parametrize("column", [1, 3, 4])
def test_a_hidden_character_is_refused_naming_the_cell(tmp_path: Path, hidden: str, column: int,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    rows = [ROWS[0], ["wjj", f"{COUNTY}卫生健康局", "", f"{COUNTY}财政局", "@linhe/wjj"]]
    rows[1][column] = rows[1][column][:2] + hidden + rows[1][column][2:]
    err = refused(tmp_path, book(tmp_path / "单位.xlsx", rows), capsys)
    assert f"工作表 单位 第 3 行 {'ABCDE'[column]} 列（{HEADER[column]}）" in err, err
    assert f"U+{ord(hidden):04X}" in err


def test_a_name_option_with_a_character_that_shows_as_nothing_is_refused(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(tmp_path, book(tmp_path / "单位.xlsx", ROWS), capsys, name="临\u3164河县")
    assert "--name" in err


def test_hidden_rows_and_totals_are_set_aside_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def hide(_book: Any, sheet: Any) -> None:
        sheet.row_dimensions[3].hidden = True  # 卫生健康局: an old row, kept out of sight
    rows = [*ROWS, ["", "合计", "", "", ""], ["", "填报人：张三", "", "", ""]]
    capsys.readouterr()
    assert init(tmp_path, book(tmp_path / "单位.xlsx", rows, hide)) == 0
    err = capsys.readouterr().err
    assert "工作表 单位 第 3 行：隐藏的行" in err and "第 5 行：合计行，已跳过" in err and "第 6 行：表尾" in err, err
    names = unit_names(tmp_path)
    assert f"{COUNTY}财政局" in names and "胡集镇人民政府" in names
    assert f"{COUNTY}卫生健康局" not in names and "合计" not in names


def test_a_hidden_sheet_of_units_is_not_read_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def old_copy_first(workbook: Any, sheet: Any) -> None:
        old = workbook.create_sheet("旧单位表", 0)
        old.append(HEADER)
        old.append(["jyj", f"{COUNTY}教育局", "", "", ""])
        old.sheet_state = "hidden"
    capsys.readouterr()
    assert init(tmp_path, book(tmp_path / "单位.xlsx", ROWS, old_copy_first)) == 0
    assert "工作表 旧单位表 是隐藏的工作表" in capsys.readouterr().err
    assert f"{COUNTY}教育局" not in unit_names(tmp_path) and f"{COUNTY}财政局" in unit_names(tmp_path)


_CELL = st.one_of(
    st.none(), st.sampled_from(sorted(ERROR_VALUES)), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.sampled_from(list("财政局县镇aZ09 ,，、;\"'\n=#@/\\") + ["\u200b", "\u202e", "\u3164", "\x00"]),
            max_size=12),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=6), max_size=6))
def test_no_units_table_gives_a_traceback_or_a_hidden_character(rows: list[list[Any]]) -> None:
    """Whatever the cells, units come out clean or the table is refused with a ConfigError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "单位.xlsx"
        try:
            book(path, [["" if v is None else v for v in row] for row in rows])
        except Exception:  # openpyxl refuses some values itself (control characters): no such file exists
            return
        try:
            units = units_from_table(path)
        except ConfigError:
            return
    for unit in units:
        texts = [unit["id"], unit["name"], str(unit.get("parent", "")), *unit.get("reviewers", [])]
        assert not any(HIDDEN.search(text) for text in texts), unit
        assert not any(text.strip() in ERROR_VALUES for text in texts), unit
