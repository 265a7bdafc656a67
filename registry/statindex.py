"""A stat index, as git keeps one: an unchanged record file is never read or hashed.

For every record file the index holds what ``lstat`` said when the file was last read (size,
modification and change times in nanoseconds, inode, device, mode) and the blob id of the
bytes read. When the scan's ``lstat`` of a file gives exactly the same values, its blob id is
taken from the index. Anything that rewrites a file changes at least one of them: an edit
(size, times), ``touch`` (times), a rename or a ``git checkout`` (a new inode, new times), a
copy over it, a permission change (mode, change time). Even ``touch -d`` that puts the
modification time back cannot put back the change time.

**Racily clean files.** A file written in the same clock tick as it was read could change
again without its times changing. As git does (``Documentation/technical/racy-git.txt``), an
entry is trusted only if the file's modification and change times are older than the
file system's clock at the start of the scan that read it, compared in whole seconds (the
coarsest granularity of a file system a registry may live on). The clock is read from a file
created in the cache directory, so it is the file system's own time (a network drive's server
clock, a coarse timestamp granularity). A run stores only entries that pass this test against
its own clock — a racily clean file is simply not remembered, so the next run reads and hashes
it again — and an entry that passed once passes against every later clock: a reader needs no
clock of its own to trust what it reads.

The same index keeps the listings of the folders under ``docs/`` (see
:func:`registry.layout.scan_tree`): only the names and kinds of their entries matter there;
a listing is kept under the same rule, by the folder's own times.

**Written as deltas.** The whole index (``stat.index``: 20,000 entries are about 3 MB) is
rewritten only when much changed; a run that hashed a few files writes a small
``stat-<time>-<pid>.delta`` holding its new entries and the paths and folders it no longer
found. A reader applies the deltas over the index in the order they were written; when they
pile up, one run writes the whole index again and removes the deltas it merged. Each entry is
a fact (these exact ``lstat`` values, this blob id) that stays true whatever order facts are
applied in, so parallel runs can at worst make a later run hash a file again, never trust a
wrong one.

Every file is a signed entry of the cache store (:mod:`registry.cachestore`), so a planted or
damaged index or delta is ignored like any other entry.
"""
from __future__ import annotations

import os
import struct
import time
from collections.abc import Mapping, Sequence

from registry.cachestore import Store
from registry.layout import Listing

INDEX = "stat.index"
DELTAS = "stat-*.delta"
_NS = 1_000_000_000
_MAX_DELTAS = 16  # more delta files, and the next run writes the whole index again
_DELTA_SHARE = 8  # a run that learnt more than 1/8 of the entries writes the whole index
# an entry, packed into one bytes object (20,000 of them load several times faster than as
# tuples of numbers): size, mtime_ns, ctime_ns, inode, device, mode; then the blob id's 20 bytes
_STAT = struct.Struct("<qqqQQQ")
_STAT_SIZE = _STAT.size
_TIMES = struct.Struct("<qq")  # mtime_ns, ctime_ns: at offset 8 of an entry


def packed_stat(info: os.stat_result) -> bytes | None:
    """What the index compares of a file's ``lstat``; None if a value does not fit."""
    try:
        return _STAT.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode)
    except struct.error:
        return None


def unpacked(entry: bytes) -> tuple[int, int, int, int, int, int, str]:
    """An entry's ``lstat`` values (size, mtime_ns, ctime_ns, inode, device, mode) and blob id."""
    return (*_STAT.unpack_from(entry), entry[_STAT_SIZE:].hex())


class StatIndex:
    """The stat index of one run: look-ups against the stored index, and what this run learnt."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        # the file system's clock before this run's scan (None: no index can be written)
        self.started_ns = store.clock_ns() if store is not None else None
        self._old: dict[str, bytes] = {}  # the stored index with its deltas applied
        self._deltas: list[str] = []  # the delta files read
        self._indexed = False  # whether a stored index was read
        self.entries: dict[str, bytes] = {}  # entries this run learnt (files it read and hashed)
        self.vouched = 0  # files the stored index vouched for in this run
        self._known_seen = 0  # paths of this run the stored index has an entry for (vouched or not)
        self.hashed = 0  # files this run read and hashed
        self.old_listings: dict[str, Listing] = {}  # folders of attachments (see layout.scan_tree)
        self.listings: dict[str, Listing] = {}
        if store is not None and self.started_ns is not None:
            self._load(store)

    def _load(self, store: Store) -> None:
        self._deltas = store.names(DELTAS)  # in the order they were written
        stored = store.read(INDEX)
        if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], dict)
                and isinstance(stored[1], dict)):
            return  # no usable index: the next one written replaces the deltas too
        self._old, self.old_listings = stored
        self._indexed = True
        for name in self._deltas:
            delta = store.read(name)
            if isinstance(delta, tuple) and len(delta) == 4 and isinstance(delta[0], dict) and isinstance(delta[2], dict):
                entries, gone, listings, gone_folders = delta
                for path in gone:
                    self._old.pop(path, None)
                self._old.update(entries)
                for folder in gone_folders:
                    self.old_listings.pop(folder, None)
                self.old_listings.update(listings)

    def blob_of(self, path: str, info: os.stat_result) -> str | None:
        """The blob id of ``path`` if the index vouches for it, else None (read it)."""
        entry = self._old.get(path)
        if entry is None:
            return None
        self._known_seen += 1
        if entry[:_STAT_SIZE] != packed_stat(info):
            return None
        self.vouched += 1
        return entry[_STAT_SIZE:].hex()

    def blobs_of(self, paths: Sequence[str], stats: Mapping[str, os.stat_result]) -> list[str | None]:
        """:meth:`blob_of` of every path, in one loop (20,000 files on every run)."""
        get, pack, out, known = self._old.get, _STAT.pack, list[str | None](), 0
        for path in paths:
            entry = get(path)
            if entry is not None:
                known += 1
                info = stats[path]
                try:
                    if entry.startswith(pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                             info.st_dev, info.st_mode)):
                        out.append(entry[_STAT_SIZE:].hex())
                        continue
                except struct.error:
                    pass
            out.append(None)
        self.vouched += len(out) - out.count(None)
        self._known_seen += known
        return out

    def remember(self, path: str, info: os.stat_result, blob: str) -> None:
        """``path`` was read (its ``fstat`` is ``info``) and hashed to ``blob`` (stored by
        :meth:`save` unless racily clean)."""
        self.hashed += 1
        stat = packed_stat(info)
        if stat is not None and len(blob) == 40:
            self.entries[path] = stat + bytes.fromhex(blob)

    def proven(self, path: str) -> bytes | None:
        """The entry of ``path`` that is not racily clean (one :meth:`save` would keep), if any:
        learnt in this run, else stored."""
        entry = self.entries.get(path)
        if entry is not None and self.started_ns is not None and \
                max(_TIMES.unpack_from(entry, 8)) // _NS < self.started_ns // _NS:
            return entry
        return self._old.get(path)

    def save(self, seen: Sequence[str] | None = None) -> None:
        """Store what this run learnt, when anything changed: a small delta, or the whole index
        when there is none yet, when much changed or when the deltas pile up. ``seen``: every
        record path of this run's scan (entries of other paths are dropped); None: the paths
        the index vouched for or this run learnt."""
        if self.store is None or self.started_ns is None:
            return
        since = self.started_ns // _NS
        learnt = {p: e for p, e in self.entries.items() if max(_TIMES.unpack_from(e, 8)) // _NS < since}
        listings = {k: v for k, v in self.listings.items()
                    if self.old_listings.get(k) is not v and max(v[0][1:3]) // _NS < since}
        gone_folders = [k for k in self.old_listings if k not in self.listings]
        gone = self._gone(seen)
        if self._indexed and not learnt and not gone and not listings and not gone_folders:
            return  # nothing new was learnt
        if self._indexed and len(self._deltas) < _MAX_DELTAS and \
                len(learnt) + len(gone) <= max(64, len(self._old) // _DELTA_SHARE):
            name = f"stat-{time.time_ns():020d}-{os.getpid()}.delta"
            self.store.write(name, (learnt, gone, listings, gone_folders))
            return
        current = set(seen) if seen is not None else None
        merged = {p: e for p, e in self._old.items() if current is None or p in current}
        merged.update(learnt)
        kept = {k: v for k, v in self.listings.items() if self.old_listings.get(k) is v or k in listings}
        if self.store.write(INDEX, (merged, kept)):
            for name in self._deltas:  # merged (a delta a parallel run wrote meanwhile stays)
                self.store.remove(name)

    def _gone(self, seen: Sequence[str] | None) -> list[str]:
        """Paths the stored index holds that this run's scan did not find."""
        if seen is None or self._known_seen == len(self._old):
            return []
        current = set(seen)
        return [p for p in self._old if p not in current]

