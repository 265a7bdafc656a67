"""registry.xlsxrows writes the rows of a workbook itself: the bytes must be exactly openpyxl's,
for every kind of value the exports can hold, hostile text included."""
from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError  # type: ignore[import-untyped]

from registry import export, xlsxrows
from registry.checking import load_head
from registry.loader import load_config
from sitebuild import fixture_copy

VALUES: list[Any] = [
    "政务云平台", "plain", " leading", "trailing ", "  ", "", "=SUM(A1:A2)", "=", "+1", "-1", "@x", "#N/A", "#DIV/0!",
    "<b>&amp;</b> > <", "第一行\n第二行", "\r\n", "tab\there", "'quoted'", '"double"', "x" * 40000, "é ü ß 😀",
    0, -5, 10**20, 2**63, 1.5, 1e-7, 12345678901234567.0, -0.0, math.nan, math.inf, Decimal("1.10"),
    True, False, None, dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4, 5), dt.time(7, 8),
]


def _both(build: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    fast = build()
    monkeypatch.setattr(xlsxrows, "ENABLED", False)
    plain = build()
    monkeypatch.setattr(xlsxrows, "ENABLED", True)
    return fast, plain


def test_every_kind_of_value_gives_openpyxls_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [VALUES[i:] + VALUES[:i] for i in range(0, len(VALUES), 3)]  # every value in several columns
    rows += [[None, None, "after gaps"], [], ["only"]]
    header = [f"列{i}" for i in range(len(VALUES))]
    fast, plain = _both(lambda: export.table_xlsx("表", header, rows), monkeypatch)
    assert fast == plain
    sheet = openpyxl.load_workbook(io.BytesIO(fast)).active
    assert sheet["A2"].value == "政务云平台" and sheet["B2"].value == "plain"
    assert sheet["C2"].value == " leading" and sheet["G2"].value == "=SUM(A1:A2)"  # text, not a formula


def test_a_value_a_worksheet_cannot_hold_fails_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    for enabled in (True, False):
        monkeypatch.setattr(xlsxrows, "ENABLED", enabled)
        with pytest.raises(IllegalCharacterError):
            export.table_xlsx("表", ["列"], [["ok"], ["bell\x07"]])


def test_the_catalog_workbook_is_the_same(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = fixture_copy("hostile", tmp_path_factory)
    config, head, today = load_config(root), load_head(root), dt.date(2025, 12, 1)
    fast, plain = _both(lambda: export.to_xlsx(config, head, today), monkeypatch)
    assert fast == plain
    assert len(openpyxl.load_workbook(io.BytesIO(fast)).sheetnames) == 4  # units, systems, projects, dictionary
