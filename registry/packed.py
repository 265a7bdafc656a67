"""A column of text values (``str`` or ``None``) kept as ONE buffer of bytes: what a warm run
reads back from the snapshot's summary without an object per row.

A summary holds a dozen columns of 20,000 rows (paths, blob ids, record ids, units …). As lists,
reading them back made ~150,000 objects on every warm ``check --staged`` (the unpickling alone
14 ms of a 130 ms commit hook, plus the memory it touched), while a check of three files asks
about a handful of values. Packed, a column is one buffer in which every row is framed as
``\\0 value \\1`` in UTF-8 (``\\0 \\2 \\1`` for ``None``) and an array of where each row starts:
counting a value and finding the rows that hold it are searches in C over the buffer (then a
binary search of the row starts), and a row's value is made only when it is asked for. The
frames share no byte (UTF-8 writes no other character with bytes below 0x80), so a value is
never found across two rows; a value holding one of the three framing characters is not packed
(the column stays a list: :meth:`Packed.of` says so).

The buffer is a ``bytes`` object, or a section of the summary's column file, mapped and verified
block by block when first read (:mod:`registry.columnfile`): a column read back from a summary
is bound to its section (:meth:`Packed.bind`) and copies nothing.

A packed column can still be changed: a row set is kept beside the buffer (``_set``), and any
change of length (insert, delete, append) turns it into a plain list inside, on which it then
works exactly as a list does. It behaves as the list of its values in every way the code uses
(tested against a list on random operations), and pickles as its packed form again.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, MutableSequence
from itertools import accumulate
from sys import maxsize
from typing import Any, Literal, Protocol, Union, overload


class Stored(Protocol):
    """Bytes kept elsewhere, read as a ``bytes`` object is, each byte verified before it is
    used (a section of a column file: :class:`registry.columnfile.Section`)."""

    def __len__(self) -> int: ...

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int: ...

    def __getitem__(self, index: slice) -> bytes: ...

    def verify(self) -> None: ...

    def whole(self) -> memoryview: ...


class Place(Protocol):
    """A column file, mapped (:class:`registry.columnfile.Mapped`)."""

    def section(self, section: int) -> Stored: ...


Buffer = Union[bytes, Stored]
Starts = Union["array[int]", memoryview]

_OPEN, _CLOSE, _NONE = "\0", "\1", "\2"
_NONE_FRAME = b"\0\2\1"
_STARTS: Literal["I", "L"] = "I" if array("I").itemsize == 4 else "L"  # (a row's start: an offset into the buffer)
_LIMIT = 2 ** 32 - 1
_CODEC = ("utf-8", "surrogatepass")  # (a path git gave with bytes that are not UTF-8 holds surrogates)
Shape = tuple[int, int, bool]  # the shortest and longest value in bytes (none: 0, -1), whether one is None


def _packable(value: object) -> bool:
    return value is None or (isinstance(value, str) and _OPEN not in value and _CLOSE not in value
                             and _NONE not in value)


def _frame(value: str | None) -> bytes:
    return _NONE_FRAME if value is None else b"\0" + value.encode(*_CODEC) + b"\1"


class Packed(MutableSequence[Any]):
    """The rows of a column of ``str | None``, packed (see the module)."""

    __slots__ = ("_buffer", "_starts", "_shape", "_set", "_list", "_place")

    def __init__(self) -> None:  # (an empty column; made with of() or when unpickled)
        self._buffer: Buffer = b""
        self._starts: Starts = array(_STARTS, [0])
        self._shape: Shape = (0, -1, False)
        self._set: dict[int, Any] = {}
        self._list: list[Any] | None = None
        self._place: tuple[Any, int, int] | None = None  # (file, section of the buffer, of the starts)

    @classmethod
    def of(cls, values: Iterable[Any]) -> Packed | None:
        """``values`` packed; None when one of them cannot be (not text, or holding a framing
        character), or the buffer would be too long for the row starts."""
        values = list(values)
        if not all(map(_packable, values)):
            return None
        frames = list(map(_frame, values))
        buffer = b"".join(frames)
        if len(buffer) > _LIMIT:
            return None
        lengths = [len(frame) - 2 for value, frame in zip(values, frames) if value is not None]
        shape = (min(lengths), max(lengths), len(lengths) < len(values)) if lengths else (0, -1, bool(values))
        return cls._restore(buffer, array(_STARTS, accumulate(map(len, frames), initial=0)).tobytes(), shape)

    @classmethod
    def _restore(cls, buffer: bytes, starts: bytes, shape: Shape) -> Packed:
        made = cls._empty(shape)
        made._buffer = buffer
        made._starts = array(_STARTS)
        made._starts.frombytes(starts)
        made._check()
        return made

    @classmethod
    def _empty(cls, shape: Shape) -> Packed:
        made = cls.__new__(cls)
        made._shape, made._set, made._list, made._place = tuple(shape), {}, None, None  # type: ignore[assignment]
        return made

    def _check(self) -> None:
        if not len(self._starts) or self._starts[0] != 0 or self._starts[-1] != len(self._buffer):
            raise ValueError("a packed column whose row starts do not fit its buffer")

    @classmethod
    def _in_file(cls, buffer: int, starts: int, shape: Shape) -> Packed:
        """A column whose buffer and row starts are sections of a column file, to be bound to it."""
        made = cls._empty(shape)
        made._place = (None, buffer, starts)
        return made

    def bind(self, mapped: Place) -> None:
        """Read this column (made by :meth:`_in_file`) from ``mapped``, when first used."""
        if self._place is not None:
            self._place = (mapped, self._place[1], self._place[2])

    def __getattr__(self, name: str) -> Any:
        """The buffer and row starts of a column bound to a file, taken when first asked for."""
        place = self._place
        if name not in ("_buffer", "_starts") or place is None or place[0] is None:
            raise AttributeError(name)
        self._buffer = place[0].section(place[1])
        self._starts = place[0].section(place[2]).whole().cast(_STARTS)
        self._check()
        return getattr(self, name)

    def stored_bytes(self) -> list[bytes]:
        """The buffer and the row starts as bytes (every byte read: to write them elsewhere)."""
        return [bytes(self._buffer[:]), bytes(self._starts)]

    def settled(self) -> bool:
        """Whether the stored rows are all its rows (none set since, not made a list)."""
        return self._list is None and not self._set

    def verify(self) -> None:
        """Verify every stored byte now (a column bound to a file: each block of it, see
        :mod:`registry.columnfile`), so that no later use of it can find one damaged."""
        if self._list is None and not isinstance(self._buffer, bytes):
            self._buffer.verify()

    def detached(self, buffer: int, starts: int) -> Packed:
        """This column, as pickled when its buffer is section ``buffer`` of a column file."""
        return Packed._in_file(buffer, starts, self._shape)

    def __reduce__(self) -> tuple[Any, ...]:
        if self._list is None and not self._set:
            if self._place is not None and self._place[0] is None:  # (detached: see columnfile)
                return Packed._in_file, (self._place[1], self._place[2], self._shape)
            return Packed._restore, (*self.stored_bytes(), self._shape)
        again = Packed.of(self)
        if again is None:  # (a value set since that cannot be packed: kept as a list)
            return list, (list(self),)
        return again.__reduce__()

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._list) if self._list is not None else len(self._starts) - 1

    def _stored(self, row: int) -> Any:
        """Row ``row``'s value in the buffer (whatever was set since)."""
        value = self._buffer[self._starts[row] + 1:self._starts[row + 1] - 1]
        return None if value == b"\2" else value.decode(*_CODEC)

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
        values: list[Any] = self._buffer[1:-1].decode(*_CODEC).split(_CLOSE + _OPEN) if len(self._buffer) else []
        if self._shape[2]:
            values = [None if value == _NONE else value for value in values]
        for row, value in self._set.items():
            values[row] = value
        return values

    def _framed(self, value: Any) -> bytes | None:
        """``value``'s frame, when the buffer may hold it (a value of a length none of its rows
        has is not searched for: a short frame such as the empty text's is found slowly)."""
        if not _packable(value):
            return None
        frame = _frame(value)
        shortest, longest, nones = self._shape
        fits = nones if value is None else shortest <= len(frame) - 2 <= longest
        return frame if fits else None

    def _positions(self, frame: bytes, start: int, stop: int) -> Iterator[int]:
        """Where ``frame`` lies in the buffer between rows ``start`` and ``stop``, in order."""
        position, end = self._starts[start], self._starts[stop]
        while (position := self._buffer.find(frame, position, end)) >= 0:
            yield position
            position += len(frame)

    def rows(self, value: Any) -> list[int]:
        """Every row holding ``value``, in order (``list.index`` from row to row, in one go)."""
        if self._list is not None:
            return [row for row, held in enumerate(self._list) if held == value]
        frame = self._framed(value)
        starts = self._starts
        # (a frame starts exactly at its row's start)
        found = [bisect_left(starts, at) for at in self._positions(frame, 0, len(self))] if frame else []
        if self._set:
            found = sorted({row for row in found if row not in self._set}
                           | {row for row, now in self._set.items() if now == value})
        return found

    def count(self, value: Any) -> int:
        if self._list is not None:
            return self._list.count(value)
        frame = self._framed(value)
        found = sum(1 for _ in self._positions(frame, 0, len(self))) if frame else 0
        for row, now in self._set.items():
            found += (now == value) - (self._stored(row) == value)
        return found

    def index(self, value: Any, start: int = 0, stop: int = maxsize) -> int:
        if self._list is not None:
            return self._list.index(value, start, stop)
        rows = range(len(self))[start:stop]  # (negative and large bounds as a list takes them)
        candidates = [row for row, now in self._set.items() if now == value and row in rows]
        frame = self._framed(value)
        if len(rows) and frame:
            for at in self._positions(frame, rows.start, rows.stop):
                row = bisect_left(self._starts, at)
                if row not in self._set:
                    candidates.append(row)
                    break
        if not candidates:
            raise ValueError(f"{value!r} is not in the packed column")
        return min(candidates)

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def _source(self) -> tuple[Any, ...]:
        """What the stored rows are: the file section bound, else the buffer itself."""
        if self._place is not None:
            return self._place[:2]
        return (self._buffer,)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Packed):
            if self._list is None and other._list is None and not self._set and not other._set:
                mine, theirs = self._source(), other._source()
                if len(mine) == len(theirs) == 2 and mine[0] is theirs[0] and mine[1] == theirs[1]:
                    return True
                return self.stored_bytes() == other.stored_bytes()
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Packed({list(self)!r})"

    def unchanged_since(self, other: Packed) -> list[int] | None:
        """The rows where this column and ``other`` may differ, when both hold the same stored
        rows with rows set since (copies of one column): those rows; None otherwise."""
        if self._list is not None or other._list is not None:
            return None
        mine, theirs = self._source(), other._source()
        same = len(mine) == len(theirs) and mine[1:] == theirs[1:] and \
            (mine[0] is theirs[0] or (len(mine) == 1 and mine[0] == theirs[0]))
        if not same:
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
            self._buffer, self._starts, self._shape, self._set = b"", array(_STARTS, [0]), (0, -1, False), {}
            self._place = None
        return self._list

    def copy(self) -> Packed:
        """A copy sharing the stored rows (rows set on either are the copy's own)."""
        made = Packed._empty(self._shape)
        made._place, made._set = self._place, dict(self._set)
        made._list = list(self._list) if self._list is not None else None
        for name in ("_buffer", "_starts"):  # (taken as they are: a bound column's are read when first used)
            try:
                setattr(made, name, object.__getattribute__(self, name))
            except AttributeError:
                pass
        return made


def packed(values: MutableSequence[Any]) -> MutableSequence[Any]:
    """``values`` packed when they can be (see :meth:`Packed.of`), else as they are."""
    if isinstance(values, Packed) and values.settled():
        return values
    made = Packed.of(values)
    return made if made is not None else values


def tail(values: MutableSequence[Any], first: int) -> MutableSequence[Any]:
    """``values[first:]`` as a column of its own (a packed column's copy shares its buffer)."""
    if first == 0 and isinstance(values, Packed):
        return values.copy()
    return list(values[first:])


def after(head: list[Any], values: MutableSequence[Any]) -> MutableSequence[Any]:
    """``head + values`` as a column of its own (see :func:`tail`)."""
    if not head and isinstance(values, Packed):
        return values.copy()
    return [*head, *values]
