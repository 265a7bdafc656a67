"""A stat index, as git keeps one: an unchanged record file is never read or hashed.

For every record file the index holds what ``lstat`` said when the file was last read (size,
modification and change times in nanoseconds, inode, device, mode) and the blob id of the
bytes read. When the scan's ``lstat`` of a file gives exactly the same values, its blob id is
taken from the index. Anything that rewrites a file changes at least one of them: an edit
(size, times), ``touch`` (times), a rename or a ``git checkout`` (a new inode, new times), a
copy over it, a permission change (mode, change time). Even ``touch -d`` that puts the
modification time back cannot put back the change time.

**Racily clean files.** A file written in the same clock tick as it was read could change
again without its times changing. As git does (``Documentation/technical/racy-git.txt``), the
index stores the file system's clock at the start of the scan that wrote it; an entry whose
modification or change time is not older than that, compared in whole seconds (the coarsest
granularity of a file system a registry may live on), is not trusted: the file is read and
hashed again. The clock is read from a file created in the cache directory, so it is the file
system's own time (a network drive's server clock, a coarse timestamp granularity).

The same index keeps the listings of the folders under ``docs/`` (see
:func:`registry.layout.scan_tree`): only the names and kinds of their entries matter there.

The index is a signed entry of the cache store (:mod:`registry.cachestore`), so a planted or
damaged index is ignored like any other entry.
"""
from __future__ import annotations

import os
import struct

from registry.cachestore import Store
from registry.layout import Listing

INDEX = "stat.index"
_NS = 1_000_000_000
# an entry, packed into one bytes object (20,000 of them load several times faster than as
# tuples of numbers): size, mtime_ns, ctime_ns, inode, device, mode; then the blob id's 20 bytes
_STAT = struct.Struct("<qqqQQQ")


def packed_stat(info: os.stat_result) -> bytes | None:
    """What the index compares of a file's ``lstat``; None if a value does not fit."""
    try:
        return _STAT.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode)
    except struct.error:
        return None


class StatIndex:
    """The stat index of one run: look-ups against the stored index, and the new index."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self._since_s = 0  # seconds of the stored index's scan start: entries this new or newer are racy
        self._old: dict[str, bytes] = {}
        # the file system's clock before this run's scan (None: no index can be written)
        self.started_ns = store.clock_ns() if store is not None else None
        self.entries: dict[str, bytes] = {}
        self.hashed = 0  # files this run read and hashed
        self.old_listings: dict[str, Listing] = {}  # folders of attachments (see layout.scan_tree)
        self.listings: dict[str, Listing] = {}
        if store is not None and self.started_ns is not None:
            stored = store.read(INDEX)
            if isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[1], dict):
                self._since_s = stored[0] // _NS
                self._old = stored[1]
                self.old_listings = stored[2]

    def trusted(self, info: os.stat_result) -> bool:
        """Whether a file or folder unchanged since the index was made can be taken as it was:
        not if its times lie in or after the second the index's scan started."""
        return max(info.st_mtime_ns, info.st_ctime_ns) // _NS < self._since_s

    def blob_of(self, path: str, info: os.stat_result) -> str | None:
        """The blob id of ``path`` if the index vouches for it, else None (read it)."""
        entry = self._old.get(path)
        if entry is None or entry[:_STAT.size] != packed_stat(info):
            return None
        if not self.trusted(info):
            return None  # racily clean: written in (or after) the second its index was made
        self.entries[path] = entry
        return entry[_STAT.size:].hex()

    def remember(self, path: str, info: os.stat_result, blob: str) -> None:
        """``path`` was read (its ``fstat`` is ``info``) and hashed to ``blob``."""
        self.hashed += 1
        stat = packed_stat(info)
        if stat is not None and len(blob) == 40:
            self.entries[path] = stat + bytes.fromhex(blob)

    def save(self) -> None:
        """Store this run's index (only the files seen in this run), when anything changed."""
        if self.store is None or self.started_ns is None:
            return
        if self.hashed == 0 and self.entries.keys() == self._old.keys() and self.listings == self.old_listings:
            return  # nothing new was learnt: keep the older timestamp's index as it is
        self.store.write(INDEX, (self.started_ns, self.entries, self.listings))
