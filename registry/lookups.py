"""The snapshot's look-ups by value over its columns (:class:`registry.snapshot.Columns`),
answered without an object per record.

A check of three files asks about a handful of values, each several times (REG004, DLT24, JX28
… ask about the same few systems): each answer is kept, and a column is scanned in C once per
value. A check of the whole registry asks about every record: once more than ``SCANS`` values
were asked about, an index of the whole column is built and answers the rest. A column does
not change once a snapshot holds it, so a kept answer stays true.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import compress
from typing import Any

from registry.packed import Packed


def rows_holding(column: Sequence[Any], value: Any) -> list[int]:
    """The rows of ``column`` that hold ``value``, in order: ``list.index`` from each row found
    on, one pass in C that compares identical objects by identity (a few rows among 20,000:
    several times cheaper than comparing every row in a ``map``); a packed column finds them
    in its string (:meth:`registry.packed.Packed.index`)."""
    if isinstance(column, Packed):
        return column.rows(value)
    found: list[int] = []
    row = -1
    try:
        while True:
            row = column.index(value, row + 1)
            found.append(row)
    except ValueError:
        return found


def differing_rows(new: Sequence[Any], old: Sequence[Any]) -> list[int]:
    """The rows where two columns of one length differ, in order: halves that compare equal
    as a whole (in C, identical objects by identity: rows taken from the same summary) are
    skipped, so three changed rows among 20,000 cost a few dozen slice comparisons, not a
    comparison of every row in a ``map``. Two copies of one packed column differ at most in
    the rows set on either (:meth:`registry.packed.Packed.unchanged_since`)."""
    if isinstance(new, Packed) and isinstance(old, Packed):
        maybe = new.unchanged_since(old)
        if maybe is not None:
            return [row for row in maybe if new[row] != old[row]]
    if isinstance(new, Packed) != isinstance(old, Packed):  # (one list made of it, not one per slice)
        new, old = list(new), list(old)
    found: list[int] = []
    pending = [(0, len(new))]
    while pending:
        low, high = pending.pop()
        if new[low:high] == old[low:high]:
            continue
        if high - low <= _FEW_ROWS:
            found.extend(row for row in range(low, high) if new[row] != old[row])
            continue
        middle = (low + high) // 2
        pending += [(middle, high), (low, middle)]  # (the lower half first: rows in order)
    return found


_FEW_ROWS = 32  # a span this short is compared row by row


class Rows:
    """The rows whose ``column`` holds a value (see the module)."""

    SCANS = 8

    def __init__(self, column: Sequence[Any]) -> None:
        self._column = column
        self._answers: dict[tuple[str, Any], Any] = {}  # (question, value) -> answer, while scanning
        self._index: dict[Any, list[int]] | None = None

    def _scanning(self) -> bool:
        if self._index is None and len(self._answers) < self.SCANS:
            return True
        if self._index is None:
            index: defaultdict[Any, list[int]] = defaultdict(list)
            for row, found in enumerate(self._column):
                if found is not None:
                    index[found].append(row)
            self._index = index
            self._answers.clear()
        return False

    def of(self, value: Any) -> list[int]:
        if value is None:
            return []
        if ("of", value) in self._answers:
            return list(self._answers["of", value])
        if self._scanning():
            found = rows_holding(self._column, value)
            self._answers["of", value] = found
            return list(found)
        assert self._index is not None
        return list(self._index.get(value, ()))  # (the caller's own list, as a scan gives)

    def first(self, value: Any) -> int | None:
        if value is None:
            return None
        if ("first", value) in self._answers:
            answer: int | None = self._answers["first", value]
            return answer
        if self._scanning():
            try:
                answer = self._column.index(value)
            except ValueError:
                answer = None
            self._answers["first", value] = answer
            return answer
        assert self._index is not None
        found = self._index.get(value)
        return found[0] if found else None

    def count(self, value: Any) -> int:
        if value is None:
            return 0
        if ("count", value) in self._answers:
            counted: int = self._answers["count", value]
            return counted
        if self._scanning():
            counted = self._answers["count", value] = self._column.count(value)
            return counted
        assert self._index is not None
        return len(self._index.get(value, ()))


class Creators:
    """The rows whose ``creates`` (a tuple per row, mostly empty) names a system id: the
    non-empty rows scanned while few ids are asked about, an index of every id after that."""

    def __init__(self, creates: list[tuple[str, ...]]) -> None:
        self._creates = creates
        self._answers: dict[str, list[int]] = {}
        self._index: dict[str, list[int]] | None = None

    def of(self, system_id: str) -> list[int]:
        if self._index is None and system_id not in self._answers and len(self._answers) >= Rows.SCANS:
            index: defaultdict[str, list[int]] = defaultdict(list)
            creates = self._creates
            for row in compress(range(len(creates)), creates):  # rows with a non-empty tuple
                for created in creates[row]:
                    index[created].append(row)
            self._index = dict(index)
        if self._index is not None:
            return list(self._index.get(system_id, ()))
        if system_id not in self._answers:
            creates = self._creates
            rows = compress(range(len(creates)), creates)  # rows with a non-empty tuple
            self._answers[system_id] = [row for row in rows if system_id in creates[row]]
        return list(self._answers[system_id])
