"""A column of text values (``str`` or ``None``) kept as ONE string: what a warm run reads back
from the snapshot's summary without an object per row.

A summary holds a dozen columns of 20,000 rows (paths, blob ids, record ids, units …). As lists,
reading them back made ~150,000 objects on every warm ``check --staged`` (the unpickling alone
14 ms of a 130 ms commit hook, plus the memory it touched), while a check of three files asks
about a handful of values. Packed, a column is one string in which every row is framed as
``\\0 value \\1`` (``\\0 \\2 \\1`` for ``None``) and an array of where each row starts: reading it
back copies two buffers; counting a value (``str.count``) and finding the rows that hold it
(``str.find``, then a binary search of the row starts) run in C over the string; a row's value
is made only when it is asked for. The frames share no character, so a value is never found
across two rows, and a value holding one of the three framing characters is not packed (the
column stays a list: :meth:`Packed.of` says so).

A packed column can still be changed: a row set is kept beside the string (``_set``), and any
change of length (insert, delete, append) turns it into a plain list inside, on which it then
works exactly as a list does. It behaves as the list of its values in every way the code
uses (tested against a list on random operations), and pickles as its packed form again.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, MutableSequence
from sys import maxsize
from typing import Any, overload

_OPEN, _CLOSE, _NONE = "\0", "\1", "\2"
_NONE_FRAME = _OPEN + _NONE + _CLOSE
_STARTS = "I" if array("I").itemsize >= 4 else "L"  # (a row's start: an offset into the string)
_LIMIT = 2 ** 32 - 1


def _packable(value: object) -> bool:
    return value is None or (isinstance(value, str) and _OPEN not in value and _CLOSE not in value
                             and _NONE not in value)


def _frame(value: str | None) -> str:
    return _NONE_FRAME if value is None else f"{_OPEN}{value}{_CLOSE}"


class Packed(MutableSequence[Any]):
    """The rows of a column of ``str | None``, packed (see the module)."""

    __slots__ = ("_text", "_starts", "_lengths", "_set", "_list")

    def __init__(self) -> None:  # (an empty column; made with of() or when unpickled)
        self._text = ""
        self._starts = array(_STARTS, [0])
        self._lengths = (0, -1, False)  # the shortest and longest text held (none: an empty range), any None
        self._set: dict[int, Any] = {}
        self._list: list[Any] | None = None

    @classmethod
    def of(cls, values: Iterable[Any]) -> Packed | None:
        """``values`` packed; None when one of them cannot be (not text, or holding a framing
        character), or the string would be too long for the row starts."""
        values = list(values)
        if not all(map(_packable, values)):
            return None
        frames = list(map(_frame, values))
        text = "".join(frames)
        if len(text) > _LIMIT:
            return None
        starts = array(_STARTS, [0])
        position = 0
        for frame in frames:
            position += len(frame)
            starts.append(position)
        lengths = [len(value) for value in values if value is not None]
        shape = (min(lengths), max(lengths)) if lengths else (0, -1)
        return cls._restore(text, starts.tobytes(), (*shape, len(lengths) < len(values)))

    @classmethod
    def _restore(cls, text: str, starts: bytes, lengths: tuple[int, int, bool]) -> Packed:
        made = cls.__new__(cls)
        made._text, made._lengths, made._set, made._list = text, lengths, {}, None
        made._starts = array(_STARTS)
        made._starts.frombytes(starts)
        if not made._starts or made._starts[0] != 0 or made._starts[-1] != len(text):
            raise ValueError("a packed column whose row starts do not fit its text")
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        if self._list is None and not self._set:
            return Packed._restore, (self._text, self._starts.tobytes(), self._lengths)
        again = Packed.of(self)
        if again is None:  # (a value set since that cannot be packed: kept as a list)
            return list, (list(self),)
        return again.__reduce__()

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._list) if self._list is not None else len(self._starts) - 1

    def _stored(self, row: int) -> Any:
        """Row ``row``'s value in the string (whatever was set since)."""
        value = self._text[self._starts[row] + 1:self._starts[row + 1] - 1]
        return None if value == _NONE else value

    def _row(self, index: int) -> int:
        row = index + len(self) if index < 0 else index
        if not 0 <= row < len(self):
            raise IndexError("packed column index out of range")
        return row

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if self._list is not None:
            return self._list[index]
        if isinstance(index, slice):
            return [self[row] for row in range(len(self))[index]]
        row = self._row(index)
        if row in self._set:
            return self._set[row]
        return self._stored(row)

    def __iter__(self) -> Iterator[Any]:
        if self._list is not None:
            return iter(self._list)
        return iter(self._values())

    def _values(self) -> list[Any]:
        """Every row's value, split in C."""
        values: list[Any] = self._text[1:-1].split(_CLOSE + _OPEN) if self._text else []
        if self._lengths[2]:
            values = [None if value == _NONE else value for value in values]
        for row, value in self._set.items():
            values[row] = value
        return values

    def _may_hold(self, value: Any) -> bool:
        """Whether the string may hold ``value`` (a text of a length none of its rows has is
        not searched for: a short frame such as the empty text's would be found slowly)."""
        shortest, longest, nones = self._lengths
        if value is None:
            return nones
        return _packable(value) and shortest <= len(value) <= longest

    def count(self, value: Any) -> int:
        if self._list is not None:
            return self._list.count(value)
        found = self._text.count(_frame(value)) if self._may_hold(value) else 0
        for row, now in self._set.items():
            found += (now == value) - (self._stored(row) == value)
        return found

    def index(self, value: Any, start: int = 0, stop: int = maxsize) -> int:
        if self._list is not None:
            return self._list.index(value, start, stop)
        rows = range(len(self))[start:stop]  # (negative and large bounds as a list takes them)
        candidates = [row for row, now in self._set.items() if now == value and row in rows]
        if len(rows) and self._may_hold(value):
            found = self._find(_frame(value), rows.start, rows.stop)
            if found is not None:
                candidates.append(found)
        if not candidates:
            raise ValueError(f"{value!r} is not in the packed column")
        return min(candidates)

    def rows(self, value: Any) -> list[int]:
        """Every row holding ``value``, in order (``list.index`` from row to row, in one go)."""
        if self._list is not None:
            return [row for row, held in enumerate(self._list) if held == value]
        found: list[int] = []
        if self._may_hold(value):
            frame, text, starts = _frame(value), self._text, self._starts
            position = text.find(frame)
            while position >= 0:
                found.append(bisect_left(starts, position))
                position = text.find(frame, position + len(frame))
        if self._set:
            found = sorted({row for row in found if row not in self._set}
                           | {row for row, now in self._set.items() if now == value})
        return found

    def _find(self, frame: str, start: int, stop: int) -> int | None:
        """The first row in [start, stop) whose stored value is framed so and was not set since."""
        position, end = self._starts[start], self._starts[stop]
        while True:
            position = self._text.find(frame, position, end)
            if position < 0:
                return None
            row = bisect_left(self._starts, position)  # (a frame starts exactly at its row's start)
            if row not in self._set:
                return row
            position += 1

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Packed):
            if self._list is None and other._list is None and not self._set and not other._set:
                return self._text == other._text
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Packed({list(self)!r})"

    def unchanged_since(self, other: Packed) -> list[int] | None:
        """The rows where this column and ``other`` may differ, when both are the same packed
        string with rows set since (copies of one column): those rows; None otherwise."""
        if self._list is not None or other._list is not None or self._text is not other._text and \
                self._text != other._text:
            return None
        return sorted(self._set.keys() | other._set.keys())

    # -- changing ------------------------------------------------------------------------------

    def __setitem__(self, index: Any, value: Any) -> None:
        if self._list is not None or isinstance(index, slice):
            self._plain()[index] = value
            return
        self._set[self._row(index)] = value

    def __delitem__(self, index: int | slice) -> None:
        del self._plain()[index]

    def insert(self, index: int, value: Any) -> None:
        self._plain().insert(index, value)

    def _plain(self) -> list[Any]:
        """The rows as a list, which holds them from now on (a change of length)."""
        if self._list is None:
            self._list = self._values()
            self._text, self._starts, self._lengths, self._set = "", array(_STARTS, [0]), (0, -1, False), {}
        return self._list

    def copy(self) -> Packed:
        """A copy sharing the packed string (rows set on either are the copy's own)."""
        made = Packed.__new__(Packed)
        made._text, made._starts, made._lengths, made._set = self._text, self._starts, self._lengths, dict(self._set)
        made._list = list(self._list) if self._list is not None else None
        return made


def packed(values: MutableSequence[Any]) -> MutableSequence[Any]:
    """``values`` packed when they can be (see :meth:`Packed.of`), else as they are."""
    if isinstance(values, Packed):
        return values
    made = Packed.of(values)
    return made if made is not None else values


def tail(values: MutableSequence[Any], first: int) -> MutableSequence[Any]:
    """``values[first:]`` as a column of its own (a packed column's copy shares its string)."""
    if first == 0 and isinstance(values, Packed):
        return values.copy()
    return list(values[first:])


def after(head: list[Any], values: MutableSequence[Any]) -> MutableSequence[Any]:
    """``head + values`` as a column of its own (see :func:`tail`)."""
    if not head and isinstance(values, Packed):
        return values.copy()
    return [*head, *values]
