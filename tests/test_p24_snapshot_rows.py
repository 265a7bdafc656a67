"""The snapshot's look-ups by value (registry.snapshot._Rows): a check of three files asks about
a handful of ids many times (REG004, DLT24, JX28 … ask about the same systems), so each answer
is kept and the column is scanned once per value; an index is built only once more values than
``SCANS`` are asked about. Every answer equals the one a plain list gives, in any order of
questions, before and after the index."""
from __future__ import annotations

import random
from typing import Any

from registry.snapshot import _Rows


def _expected(column: list[Any], question: str, value: Any) -> Any:
    rows = [row for row, found in enumerate(column) if found == value and value is not None]
    if question == "of":
        return rows
    if question == "first":
        return rows[0] if rows else None
    return len(rows)


def test_answers_equal_a_plain_scan_in_any_order_of_questions() -> None:
    chooser = random.Random(24)
    for _trial in range(200):
        values = [f"id-{n}" for n in range(chooser.randint(1, 12))] + [None]
        column = [chooser.choice(values) for _ in range(chooser.randint(0, 60))]
        rows = _Rows(column)
        for _question in range(chooser.randint(1, 40)):
            question = chooser.choice(("of", "first", "count"))
            value = chooser.choice([*values, "absent"])
            answer = getattr(rows, question)(value)
            assert answer == _expected(column, question, value), (column, question, value)
            if question == "of" and answer:
                answer.append(-1)  # a caller's list is its own: the next answer is unchanged
                assert rows.of(value) == _expected(column, "of", value)


def test_repeated_questions_about_few_values_never_build_the_index() -> None:
    column = [f"sys-{n % 500}" if n % 3 else None for n in range(20_000)]
    rows = _Rows(column)
    asked = [f"sys-{n}" for n in (7, 73, 68, 59)]
    for _round in range(20):
        for value in asked:
            assert rows.first(value) == column.index(value)
            assert rows.count(value) == column.count(value)
    assert rows._index is None  # 8 questions kept, 160 asked: no 20,000-row index
    for n in range(_Rows.SCANS):  # more values than SCANS: the index, with the same answers
        rows.of(f"sys-{100 + n}")
    assert rows._index is not None
    for value in [*asked, "sys-499", "sys-0", "absent"]:
        for question in ("of", "first", "count"):
            assert getattr(rows, question)(value) == _expected(column, question, value)
