"""Load results of record files, kept by content in the cache store (:mod:`registry.cachestore`).

A record file's load result (the validated model, or its REG001/REG002 problems) is keyed by
the file's folder (it decides the model) and its git blob id. Two kinds of files hold them:

* ``records.index`` — signed, small (plus ``records-*.delta``, the entries later runs added):
  for every key the few fields the snapshot's look-ups need (id, unit, active, the systems a
  project creates) and where the record's bytes lie (data file, offset, length, SHA-256).
* ``records-<pid>-<ns>.data`` — the records as plain data (:mod:`registry.recordcodec`), back
  to back, written once and never changed. A record is read with one ``pread`` when a run looks
  at it, and used (rebuilt without validating it again) only if its SHA-256 is the one the
  signed index holds: an unsigned data file cannot smuggle anything in. A digest that no longer
  matches (a data file damaged during a run) raises :class:`~registry.cachestore.StaleCache`
  and the run starts again without the cache.

Later runs append their new records to the newest data file (one ``O_APPEND`` ``write``: parallel
runs never interleave); when the data files hold much more than the current records need, one
run writes a new data file with exactly its own records and the others are removed. The data
files are opened as soon as the index is read: one a parallel run removes stays readable.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from registry import plainclass
from registry import recordcodec
from registry.cache import SourceFile, blob_id
from registry.cachestore import StaleCache, Store
from registry.fastpositions import vouch
from registry.hiddentext import screened
from registry.layout import UnreadableFile, read_regular
from registry.snapshot import Deferred, light_fields

BlobReader = Callable[[str, str], bytes]  # (path, blob id) -> the blob's bytes (``check --staged``)
Loaded = Any  # ``registry.loader.load_record``'s result: a record or a list of Unreadable
INDEX = "records.index"
_MAX_DELTAS = 16  # more delta files, and the next run merges them into the index
_SLACK = 2  # compact when the data files hold more than twice the bytes the current records need
_COMPACT_MIN_BYTES = 1 << 20  # small caches are never worth compacting for slack
FORMAT = 2  # of the index, its deltas and data files (2: plain data, 1: pickles); another is a miss


def _is_index(value: Any) -> bool:
    """The shape of ``records.index``: (data file names, their sizes, entries by key, FORMAT)."""
    if not (isinstance(value, tuple) and len(value) == 4 and value[3] == FORMAT):
        return False
    names, sizes, entries, _ = value
    return (isinstance(names, list) and isinstance(sizes, list) and isinstance(entries, dict)
            and len(names) == len(sizes) > 0 and all(isinstance(n, str) for n in names)
            and all(isinstance(n, int) for n in sizes))


def due_for_compaction(data_bytes: int, live_bytes: int) -> bool:
    """Whether data files of ``data_bytes`` hold much more than ``live_bytes`` (what the
    current records use): then a run that remembers a record writes them again."""
    return data_bytes > max(_COMPACT_MIN_BYTES, _SLACK * live_bytes)


# an index entry: ``list[Unreadable]`` (path-free) for a file that failed to load, or
# (id, unit, active, creates, approval, data file number, offset, length, sha256): see
# ``registry.snapshot.light_fields``
Entry = Any
Where = tuple[int, int, int, bytes]  # a record's bytes: data file number, offset, length, SHA-256


@plainclass.dataclass
class Located:
    """What :meth:`RecordCache.locate` found: load results, where records lie, data files' names."""

    results: list[Any]
    where: list[Where | None]
    names: list[str]


class _Shelf:
    """The open data files of one index; closed when no record of it is referenced any more."""

    def __init__(self, store: Store, names: Sequence[str]) -> None:
        self.names = list(names)
        self.fds = [store.open_raw(name) for name in self.names]
        weakref.finalize(self, _close_all, list(self.fds))

    def read(self, file: int, offset: int, length: int, digest: bytes) -> bytes:
        fd = self.fds[file] if 0 <= file < len(self.fds) else None
        data = b""
        with contextlib.suppress(OSError):
            data = os.pread(fd, length, offset) if fd is not None else b""
        if len(data) != length or hashlib.sha256(data).digest() != digest:
            raise StaleCache(f"record at {self.names[file] if 0 <= file < len(self.names) else file}:{offset}", damaged=True)
        return data


def _copy(loaded: Loaded, path: str) -> Loaded:
    """Another file's load result for a file with the same content: its problems under this
    file's path, or a copy of its record (a snapshot tells records apart by identity)."""
    if isinstance(loaded, list):
        return [plainclass.replace(u, path=path) for u in loaded]
    return loaded.model_copy()


def _take(results: list[Loaded], indexes: list[int], loaded: list[Loaded], files: Sequence[SourceFile]) -> None:
    """``loaded[n]`` as the result of file ``indexes[n]``; a record the loader read line by
    line (screened) vouches for its blob, so placing its findings does not read it so again."""
    for i, result in zip(indexes, loaded):
        results[i] = result
        if screened(result):
            vouch(files[i].blob)


def _close_all(fds: list[int | None]) -> None:
    for fd in (fd for fd in fds if fd is not None):
        with contextlib.suppress(OSError):
            os.close(fd)


@plainclass.dataclass
class _Known:
    entries: dict[str, Entry] = plainclass.field(default_factory=dict)
    shelf: _Shelf | None = None
    sizes: list[int] = plainclass.field(default_factory=list)  # bytes of each data file
    deltas: list[str] = plainclass.field(default_factory=list)  # delta files read


class RecordCache:
    """Load results of record files, by content. Without a store it only delegates."""

    def __init__(self, store: Store | None, root: Path | BlobReader | None = None) -> None:
        self.store = store
        self.root = root  # where files the scan did not read are read from: a working tree, or git's blobs
        self._hit_bytes = 0
        # what this run loaded itself, by key: a later snapshot of the run (--base: the target's,
        # the merge result's) takes a copy instead of parsing it again (with the store or without)
        self._fresh: dict[str, Loaded] = {}
        self._written: dict[str, Where] = {}  # where this run's new records lie in the data files

    @property
    def names(self) -> list[str]:
        """The data files the index names (read from the index)."""
        shelf = self._known.shelf
        return list(shelf.names) if shelf is not None else []

    def load_appending(self, files: Sequence[SourceFile],
                       load_many: Callable[[list[tuple[str, bytes | Callable[[], bytes]]]], list[Loaded]],
                       names: list[str]) -> Located | None:
        """:meth:`locate` for a few changed files without reading the index: they are parsed
        (content just edited is not in the cache anyway), and their records appended to the
        newest of ``names`` (the data files as the caller's summary knows them) and listed in
        a delta file, as :meth:`_append` does. None when the deltas are due to be merged into
        the index (then :meth:`locate`, which reads it)."""
        assert self.store is not None
        if not names or len(self.store.names("records-*.delta")) >= _MAX_DELTAS:
            return None
        results: list[Loaded] = [[f.problem] if f.problem is not None else None for f in files]
        readable = [i for i, f in enumerate(files) if f.problem is None]
        _take(results, readable, load_many([(files[i].path, self._bytes(files[i])) for i in readable]), files)
        self._fresh.update((files[i].key, results[i]) for i in readable)
        self.__dict__.pop("_known", None)  # a later load of the run reads the index and this delta
        new: dict[str, Entry] = {}
        writer = _DataWriter(len(names) - 1)
        data = b"".join(writer.pieces(self._pieces(sorted((files[i].key, i) for i in readable), files, results), new))
        start = self.store.append_raw(names[-1], data)
        where: list[Where | None] = [None] * len(files)
        if start is not None:
            new = {key: (*entry[:6], entry[6] + start, *entry[7:]) if isinstance(entry, tuple) else entry
                   for key, entry in new.items()}
            if self.store.write(f"records-{os.getpid()}-{time.time_ns()}.delta", (names[-1], start + len(data), new, FORMAT)):
                self._written.update((key, entry[5:9]) for key, entry in new.items() if isinstance(entry, tuple))
                where = [self._written.get(f.key) if f.problem is None else None for f in files]
        return Located(results, where, names)

    @functools.cached_property
    def _known(self) -> _Known:
        """The index and its deltas, read once per run (every snapshot of the run shares it)."""
        known = _Known()
        if self.store is None:
            return known
        index = self.store.read(INDEX)
        if not isinstance(index, tuple) or not _is_index(index):
            return known  # absent, damaged, or another signed entry copied in its place: a miss
        names, sizes, entries, _ = index
        known.shelf = _Shelf(self.store, names)
        known.sizes = list(sizes)
        known.entries = entries
        for name in self.store.names("records-*.delta"):
            delta = self.store.read(name)
            known.deltas.append(name)
            if isinstance(delta, tuple) and len(delta) == 4 and delta[3] == FORMAT and delta[0] == names[-1] \
                    and isinstance(delta[1], int) and isinstance(delta[2], dict):
                known.entries.update(delta[2])  # records appended to the newest data file
                known.sizes[-1] = max(known.sizes[-1], delta[1])
        return known

    def has(self, path: str, blob: str) -> bool:
        """Whether :meth:`locate` has the load result of ``path`` holding ``blob`` without its bytes (see locate)."""
        key, known = f"{path.split('/', 1)[0]}/{blob}", self._known
        return key in self._fresh or (known.shelf is not None and key in known.entries)

    def load(self, files: Sequence[SourceFile],
             load_many: Callable[[list[tuple[str, bytes | Callable[[], bytes]]]], list[Loaded]]) -> list[Loaded]:
        """Every file's load result, in order: from the cache where the content is known, else from ``load_many``."""
        return self.locate(files, load_many).results

    def locate(self, files: Sequence[SourceFile],
               load_many: Callable[[list[tuple[str, bytes | Callable[[], bytes]]]], list[Loaded]], *,
               compact: bool = True) -> Located:
        """:meth:`load`, and where each record's bytes lie in the data files once the run's
        new records are remembered. ``compact=False``: ``files`` are only some of the current
        files (see :mod:`registry.recordsummary`), so new records are only appended."""
        results: list[Loaded] = [[f.problem] if f.problem is not None else None for f in files]
        where: list[Where | None] = [None] * len(files)
        readable = [i for i, f in enumerate(files) if f.problem is None]
        known = self._known
        misses: list[int] = []
        entries, read = known.entries, known.shelf.read if known.shelf is not None else None
        hit_bytes, fresh = 0, self._fresh
        for i in readable:
            f = files[i]
            kind = f.path.split("/", 1)[0]
            key = f"{kind}/{f.blob}"
            if key in fresh:  # written by this run: used by these files too, not slack to compact away
                results[i] = _copy(fresh[key], f.path)
                where[i] = lies = self._written.get(key)
                hit_bytes += lies[2] if lies is not None else 0
                continue
            found = entries.get(key)
            if found is None or read is None:
                misses.append(i)
            elif isinstance(found, list):
                results[i] = [plainclass.replace(u, path=f.path) for u in found]
            else:  # a Deferred per file: two files with the same content get two records (identity)
                results[i] = Deferred(kind, found[0], found[1], found[2], found[3], found[4],
                                      functools.partial(read, found[5], found[6], found[7], found[8]), recordcodec.loads)
                where[i] = found[5:9]
                hit_bytes += found[7]
        self._hit_bytes = hit_bytes  # what the current records use of the data files (see _remember)
        names = list(known.shelf.names) if known.shelf is not None else []
        if misses:
            pairs = [(files[i].path, self._bytes(files[i])) for i in misses]  # read where parsed
            _take(results, misses, load_many(pairs), files)
            fresh.update((files[i].key, results[i]) for i in misses)
            if self.store is not None:
                written = self._remember(files, results, misses, compact=compact)
                if written is not None:
                    names = self._place(written, files, where, names)
                # a later load of this run must see what was just written (else its own write
                # would replace this one's index entries); its records are in ``fresh`` anyway
                self.__dict__.pop("_known", None)
        return Located(results, where, names)

    def _place(self, written: tuple[list[str], dict[str, Entry]], files: Sequence[SourceFile],
               where: list[Where | None], names: list[str]) -> list[str]:
        """Fill in where the records just written lie; after a compaction every record lies in
        the new data file (the old ones are removed)."""
        new_names, entries = written
        compacted = new_names != names
        if compacted:
            self._written.clear()  # what this run wrote before lies in a data file now removed
        for key, entry in entries.items():
            if isinstance(entry, tuple):
                self._written[key] = entry[5:9]
        for i, f in enumerate(files):
            if f.problem is None and (compacted or where[i] is None):
                where[i] = self._written.get(f.key)
        return new_names

    def _bytes(self, f: SourceFile) -> bytes | Callable[[], bytes]:
        """How to get the file's bytes where they are parsed (a loader worker): the bytes the scan kept, handed
        over once (:func:`_hand_over`), else read again and checked against the blob id the scan saw."""
        if f.raw is not None:
            return functools.partial(_hand_over, f, self.root)
        if self.root is None:
            raise StaleCache(f"{f.path}: its bytes were not kept")
        return functools.partial(read_verified, self.root, f.path, f.blob)

    def _remember(self, files: Sequence[SourceFile], results: list[Loaded], misses: list[int], *,
                  compact: bool = True) -> tuple[list[str], dict[str, Entry]] | None:
        """Append this run's new records to the newest data file; or, when the data files hold too much that no
        current file needs (or are too many), write one holding exactly this run's records, and remove the others
        (only with ``compact``: ``files`` are all the current files). The data files' names and entries written, or None."""
        assert self.store is not None
        known = self._known
        if known.shelf is not None and known.sizes and (
                not compact or not due_for_compaction(sum(known.sizes), self._hit_bytes)):
            appended = self._append(sorted((files[i].key, i) for i in misses), files, results, known)
            if appended is not None or not compact:
                return (list(known.shelf.names), appended) if appended is not None else None
        if not compact:
            return None
        live = {f.key: i for i, f in enumerate(files) if f.problem is None}
        name = f"records-{os.getpid()}-{time.time_ns()}.data"
        entries: dict[str, Entry] = {}
        writer = _DataWriter(0)
        if not self.store.write_raw(name, writer.pieces(self._pieces(sorted(live.items()), files, results), entries)):
            return None
        if not self.store.write(INDEX, ([name], [writer.offset], entries, FORMAT)):
            return None
        for old in [*(set(known.shelf.names) - {name} if known.shelf else ()), *known.deltas]:
            self.store.remove(old)  # merged into the new one
        return [name], entries

    def _append(self, chosen: list[tuple[str, int]], files: Sequence[SourceFile], results: list[Loaded],
                known: _Known) -> dict[str, Entry] | None:
        """New records at the end of the newest data file (one ``write``, so that parallel
        runs appending to it never interleave), their entries in a small signed delta file
        (so that a run with three new records does not rewrite the whole index); the deltas
        are merged into the index when they pile up."""
        assert self.store is not None and known.shelf is not None
        new: dict[str, Entry] = {}
        writer = _DataWriter(len(known.sizes) - 1)
        data = b"".join(writer.pieces(self._pieces(chosen, files, results), new))
        start = self.store.append_raw(known.shelf.names[-1], data)
        if start is None:
            return None
        for key, entry in new.items():  # offsets were counted from 0: shift them to where the bytes went
            if isinstance(entry, tuple):
                new[key] = (*entry[:6], entry[6] + start, *entry[7:])
        end = start + len(data)
        if len(known.deltas) < _MAX_DELTAS:
            written = self.store.write(f"records-{os.getpid()}-{time.time_ns()}.delta", (known.shelf.names[-1], end, new, FORMAT))
            return new if written else None
        sizes = [*known.sizes[:-1], max(known.sizes[-1], end)]
        if not self.store.write(INDEX, (known.shelf.names, sizes, {**known.entries, **new}, FORMAT)):
            return None
        for name in known.deltas:  # merged (a delta a parallel run wrote meanwhile stays)
            self.store.remove(name)
        return new

    def _pieces(self, chosen: Iterable[tuple[str, int]], files: Sequence[SourceFile],
                results: list[Loaded]) -> Iterator[tuple[str, Loaded | Entry, bytes | None]]:
        """(key, result or entry, bytes) for each chosen file: the bytes of a new record, or
        of a known one read back from its data file (when compacting)."""
        seen: set[str] = set()
        for key, i in chosen:
            if key in seen:
                continue
            seen.add(key)
            result = results[i]
            if isinstance(result, list):
                yield key, [plainclass.replace(u, path="") for u in result], None
            elif isinstance(result, Deferred):
                try:
                    yield key, result, result.fetch()
                except StaleCache:
                    continue
            else:
                data = recordcodec.dumps(result)
                if data is not None:  # (a record that cannot be given back exactly is not cached)
                    yield key, result, data


class _DataWriter:
    """Streams records' bytes into a data file while filling in their index entries."""

    def __init__(self, file: int) -> None:
        self.file = file
        self.offset = 0

    def pieces(self, items: Iterable[tuple[str, Any, bytes | None]], entries: dict[str, Entry]) -> Iterator[bytes]:
        for key, result, data in items:
            if data is None:
                entries[key] = result
                continue
            light = (result.id, result.unit, *light_fields(result))  # what the snapshot's look-ups need
            entries[key] = (*light, self.file, self.offset, len(data), hashlib.sha256(data).digest())
            self.offset += len(data)
            yield data


def _hand_over(f: SourceFile, root: Path | BlobReader | None) -> bytes:
    """The bytes the scan kept for ``f``, taken off it: the loader parses one file at a time, so a registry's
    bytes are let go file by file instead of all staying in memory beside the records until the run ends.
    Taken already (the same file in a later snapshot of the run): read again and checked."""
    raw = f.raw
    if raw is None:
        if root is None:
            raise StaleCache(f"{f.path}: its bytes were not kept")
        return read_verified(root, f.path, f.blob)
    object.__setattr__(f, "raw", None)  # (frozen: nothing else reads a file's bytes after this)
    return raw


def read_verified(root: Path | BlobReader, path: str, blob: str) -> bytes:
    """The bytes of ``root/path`` if they still have the blob id the scan saw, else :class:`StaleCache`."""
    if not isinstance(root, Path):  # a blob reader (``check --staged``): the blob's bytes
        return root(path, blob)
    try:
        raw = read_regular(root, path)
    except UnreadableFile:
        raise StaleCache(f"{path} is no longer readable") from None
    if blob_id(raw) != blob:
        raise StaleCache(f"{path} changed during the run")
    return raw
