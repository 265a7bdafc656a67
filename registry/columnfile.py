"""The summaries' packed columns (:mod:`registry.packed`) in a file of their own beside the signed
entry, mapped into memory and verified block by block as a run first touches them.

A summary of 20,000 rows is a few megabytes, most of it columns a warm run asks about a handful
of rows of (blob ids, paths) or not at all. Kept inside the signed entry, every byte of them was
read, authenticated (HMAC) and copied into new strings on every run. Kept here, the signed entry
holds only where each column lies and the SHA-256 of every 64 KiB block of this file; the file
is mapped (``mmap``, read-only), and a block is hashed and compared the first time a run reads
any byte of it. A block that does not match, or a file of another size, is never used: the run
is told (:class:`registry.cachestore.StaleCache`, ``damaged``) and starts again without the
cache, as for a damaged record-cache data file.

The file is named after the token of the summary it belongs to and written (atomically) before
that summary, so a run finds exactly its summary's columns or none; the files of older summaries
are removed when a new one is written. Like every file of the store, it is only ever replaced by
a rename, never changed in place, so the pages verified stay those of the file verified.
"""
from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Sequence
from typing import Any

from registry import plainclass
from registry.cachestore import StaleCache, Store
from registry.packed import Packed

BLOCK = 1 << 16
_DIGEST = 32
_ALIGN = 8  # (each section starts at a multiple of this: the row starts are read as an array in place)


@plainclass.dataclass
class Sections:
    """Where each section lies in the file ``name`` (``size`` bytes), and every block's SHA-256."""

    name: str
    size: int
    spans: list[tuple[int, int]]
    digests: bytes


def write(store: Store, name: str, sections: Sequence[bytes]) -> Sections | None:
    """Write ``sections`` to the file ``name``; where they lie, or None when it could not be written."""
    spans, chunks, size = [], [], 0
    for data in sections:
        spans.append((size, len(data)))
        padding = -len(data) % _ALIGN
        chunks += [data, bytes(padding)]
        size += len(data) + padding
    whole = b"".join(chunks)
    digests = b"".join(hashlib.sha256(whole[at:at + BLOCK]).digest() for at in range(0, size, BLOCK))
    if not store.write_raw(name, [whole]):
        return None
    return Sections(name, size, spans, digests)


class Mapped:
    """The file of ``sections``, mapped; each block verified when first read (see the module)."""

    def __init__(self, data: mmap.mmap | bytes, sections: Sections) -> None:
        self._data = data
        self._sections = sections
        self._checked = bytearray(-(-sections.size // BLOCK))

    @classmethod
    def open(cls, store: Store, sections: Sections) -> Mapped | None:
        """The file of ``sections`` if it is there with the size they say; else None."""
        fd = store.open_raw(sections.name)
        if fd is None:
            return None
        try:
            if os.fstat(fd).st_size != sections.size or len(sections.digests) != -(-sections.size // BLOCK) * _DIGEST:
                return None
            if sections.size == 0:
                return cls(b"", sections)
            try:
                return cls(mmap.mmap(fd, sections.size, access=mmap.ACCESS_READ), sections)
            except (OSError, ValueError):  # (no mapping on this file system: read it, still checked by block)
                data = os.pread(fd, sections.size, 0)
                return cls(data, sections) if len(data) == sections.size else None
        except OSError:
            return None
        finally:
            os.close(fd)  # (a mapping keeps the file; a read copy needs it no more)

    def span(self, section: int) -> tuple[int, int]:
        return self._sections.spans[section]

    def section(self, section: int) -> Section:
        return Section(self, section)

    def ensure(self, start: int, end: int) -> None:
        """Verify every block holding a byte of [start, end) not verified yet."""
        for block in range(start // BLOCK, (max(end, start + 1) - 1) // BLOCK + 1):
            if not self._checked[block]:
                at = block * BLOCK
                expected = self._sections.digests[block * _DIGEST:(block + 1) * _DIGEST]
                if hashlib.sha256(self._data[at:at + BLOCK]).digest() != expected:
                    raise StaleCache(f"{self._sections.name}: block {block} does not match its digest", damaged=True)
                self._checked[block] = 1

    def find(self, sub: bytes, start: int, end: int) -> int:
        self.ensure(start, end)
        return self._data.find(sub, start, end)

    def read(self, start: int, end: int) -> bytes:
        self.ensure(start, end)
        return self._data[start:end]

    def view(self, start: int, end: int) -> memoryview:
        """The bytes of [start, end), verified, without a copy."""
        self.ensure(start, end)
        return memoryview(self._data)[start:end]


class Section:
    """One section of a mapped file, read as a ``bytes`` object is (find, slices), each
    byte verified before it is used."""

    __slots__ = ("_mapped", "_start", "_end")

    def __init__(self, mapped: Mapped, section: int) -> None:
        self._mapped = mapped
        self._start, length = mapped.span(section)
        self._end = self._start + length

    def __len__(self) -> int:
        return self._end - self._start

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        stop = self._end if end is None else min(self._start + end, self._end)
        found = self._mapped.find(sub, self._start + start, stop)
        return found - self._start if found >= 0 else -1

    def __getitem__(self, index: slice) -> bytes:
        start, stop, _step = index.indices(len(self))
        return self._mapped.read(self._start + start, self._start + max(start, stop))

    def verify(self) -> None:
        self._mapped.ensure(self._start, self._end)

    def whole(self) -> memoryview:
        return self._mapped.view(self._start, self._end)


def stored_apart(store: Store, name: str, columns: Sequence[Any]) -> tuple[Sections, list[Any]] | None:
    """Write the packed ones of ``columns`` to the column file ``name``: where they lie, and
    ``columns`` as they are to be pickled (each packed one detached from its buffer); None
    when the file could not be written."""
    chunks: list[bytes] = []
    detached: list[Any] = []
    for column in columns:
        if isinstance(column, Packed) and column.settled():
            detached.append(column.detached(len(chunks), len(chunks) + 1))
            chunks += column.stored_bytes()
        else:
            detached.append(column)
    sections = write(store, name, chunks)
    return (sections, detached) if sections is not None else None


def bind_all(store: Store, sections: Sections, columns: Sequence[Any]) -> bool:
    """Bind the detached columns among ``columns`` to their file; False when it is not there
    as written."""
    mapped = Mapped.open(store, sections)
    if mapped is None:
        return False
    for column in columns:
        if isinstance(column, Packed):
            column.bind(mapped)
    return True
