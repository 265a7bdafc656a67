"""The working tree's snapshot, cached by content: what ``registry check PATHS`` needs of the
other 20,000 records without an object per record.

A check of three files still answers questions about the whole registry (how many records
carry this id, which systems a unit has, which project creates a system, the approvals
ledger). Those answers come from a few fields of every record (see
:class:`registry.snapshot.Columns`). This module keeps those columns of the last scanned working
tree in the cache store (``records.summary``, signed like every entry), row by row with the
path and blob id each row was made from, and where each record's bytes lie in the record
cache's data files (:mod:`registry.recordcache`). Its columns of text are written packed
(:mod:`registry.packed`): a warm run reads them back as a few strings, not an object per row,
and asks them about a value in C.

A run compares the scan's paths and blob ids with the summary's, in C (list comparison): a
row is reused only where both are equal, so it holds exactly the fields of the content now on
disk (a record's fields depend on its folder and its bytes alone, as the record cache's keys
do). Only the rows that differ are loaded (from the record cache, else parsed) and patched
in. The rows patched since the summary was written are kept in a small signed delta
(``records.summary.delta``), so that a run that changed three files does not rewrite the
whole summary; a run that adds or removes files, or whose delta grew long, writes it all
again. Too many changed rows, a data file gone
(a parallel run compacted the record cache) or a damaged summary: the whole snapshot is built
the usual way and a fresh summary written. A record is still rebuilt only when a rule
reaches it, and its bytes are checked against the SHA-256 the signed summary holds.

A caller may give the summary a companion (:func:`accompany`): a value describing the same
files in its own terms, written with the summary (and with each delta) and read back with it
(:func:`peek`, which also keeps what it read for this run's :func:`snapshot`). ``check
--staged`` keeps there what git's index held beyond the rows (:mod:`registry.staged`), so that
a warm run reads one signed entry instead of two.
"""
from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable, MutableSequence, Sequence
from itertools import repeat
from typing import Any
from weakref import WeakKeyDictionary

from registry import columnfile, plainclass
from registry import recordcodec
from registry.cache import SourceFile, columns_of
from registry.cachestore import StaleCache, Store
from registry.lookups import differing_rows, rows_holding
from registry.packed import packed
from registry.recordcache import Loaded, Located, RecordCache, Where, _Shelf, due_for_compaction
from registry.snapshot import TEXT_COLUMNS, Columns, Deferred, Snapshot, Unreadable

SUMMARY = "records.summary"
DELTA = "records.summary.delta"
_FORMAT = 4  # 2: the records it points at are plain data (registry.recordcodec); 3: with a companion; 4: columns apart
_WHERE = struct.Struct("<IQI32s")  # a row's record: data file number, offset, length, SHA-256
_NOWHERE = bytes(_WHERE.size)  # a row with no record bytes (not a record)
_PATCH_LIMIT = 256  # more changed rows than this (and than 1/8 of them): build it all again
_PARSE_LIMIT = 16  # at most this many changed rows are parsed without looking in the record cache
_DELTA_LIMIT = 64  # more rows patched since the summary was written: write it all again
LoadMany = Callable[[list[tuple[str, bytes | Callable[[], bytes]]]], list[Loaded]]


@plainclass.dataclass
class Summary:
    """The columns of one scan of the working tree, and what each row was made from."""

    names: list[str]  # the record cache's data files, as numbered in ``where``
    blobs: MutableSequence[str]  # each row's blob id as the scan saw it ('' : to be loaded again)
    columns: Columns
    where: bytearray  # _WHERE.size bytes per row
    problems: dict[str, list[Unreadable]]  # load problems by record-cache key, without path
    live: int  # bytes of the data files the rows use
    token: str = ""  # this written summary's identity: the delta names the summary it patches
    format: int = _FORMAT
    companion: Any = None  # what the caller wrote with these rows (see accompany), None if nothing
    base_companion: Any = None  # (read only: the summary file's own companion, before its delta)
    sections: Any = None  # where its packed columns lie in their own file (registry.columnfile), if they do


@plainclass.dataclass
class _Delta:
    """Rows patched since the summary ``token`` was written, by path: (row number, blob id, the
    row's values, its ``where`` bytes); the summary's ``live`` and ``problems`` after them."""

    token: str
    rows: dict[str, tuple[int, str, tuple[Any, ...], bytes]]
    live: int
    problems: dict[str, list[Unreadable]]
    companion: Any = None  # the caller's companion of the rows as patched (see accompany)


# Per store (one per run): the summaries peek() read, and the companions accompany() gave.
_PEEKED: WeakKeyDictionary[Store, dict[str, tuple[tuple[int, ...] | None, tuple[Summary, dict[str, int]] | None]]] = \
    WeakKeyDictionary()
_COMPANIONS: WeakKeyDictionary[Store, dict[str, Any]] = WeakKeyDictionary()


def accompany(store: Store, companion: Any, name: str = SUMMARY, *, in_delta: Any = None) -> None:
    """Write ``companion`` with the summary ``name`` whenever this run writes it, and
    ``in_delta`` (default: the same) with its delta: both must describe exactly the files this
    run's :func:`snapshot` is given (``in_delta`` may do so in terms of the companion of the
    summary the delta patches, see :func:`peek`)."""
    _COMPANIONS.setdefault(store, {})[name] = (companion, companion if in_delta is None else in_delta)


def peek(store: Store, name: str = SUMMARY) -> tuple[Summary, Any, Any] | None:
    """The stored summary ``name`` (its delta applied), the companion written with exactly
    those rows (the delta's when there is one) and the summary file's own (None where none
    was); kept for this run's :func:`snapshot`, which must not read it again. The caller must
    not change the summary."""
    seen = _file_state(store, name)  # (before reading: a file replaced meanwhile reads as changed)
    stored = _read(store, name)
    _PEEKED.setdefault(store, {})[name] = (seen, stored)
    if stored is None:
        return None
    return stored[0], stored[0].companion, stored[0].base_companion


def snapshot(records: RecordCache, files: Sequence[SourceFile], load_many: LoadMany, name: str = SUMMARY) -> Snapshot:
    """The snapshot of the working tree's ``files`` (a scan: see :func:`registry.warm.scan`),
    from the stored summary where it still holds, else built in full. ``name``: the summary's
    entry (``check --staged`` keeps git's index apart from the working tree)."""
    store = records.store
    if store is None:
        return _of_results(files, records.load(files, load_many))
    seen, stored = _PEEKED.get(store, {}).pop(name, (None, None))
    if seen is None or seen != _file_state(store, name):  # (removed meanwhile: a damaged cache was dropped)
        stored = _read(store, name)
    if stored is not None:
        summary, patched = stored
        shelf = _Shelf(store, summary.names)
        plan = _plan(summary, *columns_of(files)) if None not in shelf.fds else None
        # rows to load: not when the data files are due for compaction (a full build does it)
        if plan is not None and (not plan.changed or not due_for_compaction(_size(shelf), summary.live)):
            changed = _load_changed(records, summary, plan, files, load_many)
            if changed is not None:
                values = _patch(summary, plan, files, changed)
                rows = {**patched, **dict(zip(plan.changed_paths, plan.changed))}
                if plan.take is not None or len(rows) > _DELTA_LIMIT:
                    _write(store, summary, name)
                elif plan.changed:
                    _write_delta(store, summary, rows, name)
                return _snapshot_of(summary, files, values, shelf)
    located = records.locate(files, load_many)
    summary, values = _summary_of(files, located)
    _write(store, summary, name)
    return _snapshot_of(summary, files, values, _Shelf(store, summary.names))


@plainclass.dataclass
class _Plan:
    """How the summary's rows map onto the scan's: ``take[i]`` is the summary row of the
    scan's row ``i`` (None: the same rows), ``changed`` the scan rows to load again."""

    take: list[int] | None
    changed: list[int]
    changed_paths: list[str]


def _plan(summary: Summary, paths: Sequence[str], blobs: Sequence[str]) -> _Plan | None:
    """Which rows changed since the summary; None when too many did."""
    old_paths = summary.columns.paths
    if paths == old_paths:
        take = None
        changed = differing_rows(blobs, summary.blobs)
    else:
        position = dict(zip(old_paths, range(len(old_paths))))
        take = list(map(position.get, paths, repeat(-1)))
        old_blobs = [*summary.blobs, ""]  # row -1 (a new path): never equal to a blob id
        taken = list(map(old_blobs.__getitem__, take))
        changed = differing_rows(blobs, taken)
    if len(changed) > max(_PATCH_LIMIT, len(blobs) // 8):
        return None
    return _Plan(take, changed, [paths[i] for i in changed])


def _load_changed(records: RecordCache, summary: Summary, plan: _Plan, files: Sequence[SourceFile],
                  load_many: LoadMany) -> Located | None:
    """The load results of the changed rows, their new records appended to the summary's
    data files: parsed when they are few (edited content is new to the cache anyway), else
    looked up in the record cache first. None when the record cache's data files are no
    longer the summary's (then the snapshot is built in full)."""
    if not plan.changed:
        return Located([], [], summary.names)
    subset = [files[i] for i in plan.changed]
    located = records.load_appending(subset, load_many, summary.names) if len(subset) <= _PARSE_LIMIT else None
    if located is None and records.names == summary.names:
        located = records.locate(subset, load_many, compact=False)
    return located


def _patch(summary: Summary, plan: _Plan, files: Sequence[SourceFile], located: Located) -> dict[int, Any]:
    """Make ``summary`` (just read, this run's own) the summary of ``files``: its unchanged
    rows kept, the changed ones from their load results. The records loaded, by row."""
    if plan.take is not None:
        _move_rows(summary, plan.take, files)
    values: dict[int, Any] = {}
    for i, result, spot in zip(plan.changed, located.results, located.where):
        summary.live -= _WHERE.unpack_from(summary.where, i * _WHERE.size)[2]
        summary.blobs[i] = files[i].blob
        summary.live += _place(summary, values, i, files[i], result, spot)
    return values


def _file_state(store: Store, name: str) -> tuple[int, ...] | None:
    """The summary file's identity on disk (None when absent)."""
    try:
        info = os.stat(store.directory / name)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _size(shelf: _Shelf) -> int:
    """The bytes the data files hold now."""
    try:
        return sum(os.fstat(fd).st_size for fd in shelf.fds if fd is not None)
    except OSError:
        return 0


def _move_rows(summary: Summary, take: list[int], files: Sequence[SourceFile]) -> None:
    """The summary's rows rearranged to the scan's (``take``: the old row of each new one, -1
    for a new path: a placeholder row, which the plan marks as changed)."""
    placeholder = Columns()
    placeholder.append("", None)
    moved = {}
    for name in plainclass.field_names(Columns):
        column = [*getattr(summary.columns, name), *getattr(placeholder, name)]  # row -1: the placeholder
        moved[name] = list(map(column.__getitem__, take))
    moved["paths"] = list(columns_of(files)[0])
    summary.columns = Columns(**moved)
    size = _WHERE.size
    old = bytes(summary.where)
    summary.where = bytearray(b"".join([old[j * size:(j + 1) * size] if j >= 0 else _NOWHERE for j in take]))
    blobs = [*summary.blobs, ""]
    summary.blobs = list(map(blobs.__getitem__, take))


def _place(summary: Summary, values: dict[int, Any], row: int, f: SourceFile, result: Loaded | Deferred,
           spot: Where | None) -> int:
    """Row ``row`` from its load result; the bytes of data file its record uses."""
    columns, where = summary.columns, summary.where
    span = slice(row * _WHERE.size, (row + 1) * _WHERE.size)
    if isinstance(result, list):
        columns.set_fields(row, None)
        if f.problem is None:
            summary.problems[f.key] = [plainclass.replace(u, path="") for u in result]
        where[span] = _NOWHERE
        return 0
    columns.set_fields(row, result)
    if not isinstance(result, Deferred):
        values[row] = result
    if spot is None:  # a record not written to the record cache: the next run loads it again
        summary.blobs[row] = ""
        where[span] = _NOWHERE
        return 0
    where[span] = _WHERE.pack(*spot)
    return spot[2]


def _summary_of(files: Sequence[SourceFile], located: Located) -> tuple[Summary, dict[int, Any]]:
    """The summary of every file, from their load results."""
    columns = Columns()
    for f in files:
        columns.append(f.path, None)
    summary = Summary(located.names, list(columns_of(files)[1]), columns, bytearray(_NOWHERE * len(files)), {}, 0)
    values: dict[int, Any] = {}
    for i, (f, result, spot) in enumerate(zip(files, located.results, located.where)):
        summary.live += _place(summary, values, i, f, result, spot)
    return summary, values


def _snapshot_of(summary: Summary, files: Sequence[SourceFile], values: dict[int, Any], shelf: _Shelf) -> Snapshot:
    """The snapshot of the summary's rows: problems in file order, records fetched on use."""
    columns, where = summary.columns, summary.where
    invalid: list[Unreadable] = []
    for row in rows_holding(columns.kinds, 0):
        f = files[row]
        if f.problem is not None:
            invalid.append(f.problem)
        else:
            invalid += [plainclass.replace(u, path=f.path) for u in summary.problems.get(f.key, ())]

    def fetch(row: int) -> Any:
        file, offset, length, digest = _WHERE.unpack_from(where, row * _WHERE.size)
        if length == 0:
            raise StaleCache(f"{columns.paths[row]}: no record in the summary", damaged=True)
        return recordcodec.loads(shelf.read(file, offset, length, digest))

    return Snapshot.of_columns(columns, invalid, values, fetch)


def _of_results(files: Sequence[SourceFile], results: list[Loaded]) -> Snapshot:
    from registry.loader import snapshot_of

    return snapshot_of([f.path for f in files], results)


def _read(store: Store, name: str = SUMMARY) -> tuple[Summary, dict[str, int]] | None:
    """The stored summary with its delta applied, and the rows the delta patched, by path."""
    summary = store.read(name)
    if not (isinstance(summary, Summary) and summary.format == _FORMAT):
        return None
    if summary.sections is not None and not columnfile.bind_all(store, summary.sections, _packed_columns(summary)):
        return None
    try:
        return _with_delta(store, summary, name)
    except StaleCache:  # (a block of its column file damaged: the summary is not used)
        return None


def _with_delta(store: Store, summary: Summary, name: str) -> tuple[Summary, dict[str, int]]:
    """The summary read, with its delta applied (see :func:`_read`)."""
    summary.base_companion = summary.companion
    delta = store.read(f"{name}.delta")
    if not (isinstance(delta, _Delta) and delta.token == summary.token and delta.token):
        return summary, {}
    paths = summary.columns.paths
    if not all(isinstance(row, tuple) and len(row) == 4 and isinstance(row[0], int) and 0 <= row[0] < len(paths)
               and paths[row[0]] == path for path, row in delta.rows.items()):
        return summary, {}  # cannot be (a delta only patches rows of its summary): ignore it
    for i, blob, values, where in delta.rows.values():
        summary.blobs[i] = blob
        summary.columns.set_row(i, values)
        summary.where[i * _WHERE.size:(i + 1) * _WHERE.size] = where
    summary.live = delta.live
    summary.problems.update(delta.problems)
    summary.companion = delta.companion  # (the one written with the rows as the delta patches them)
    return summary, {path: row[0] for path, row in delta.rows.items()}


def _write(store: Store, summary: Summary, name: str = SUMMARY) -> None:
    """Store the whole summary (a new token: any delta is for an older one), with only the
    problems its rows still have."""
    summary.token = os.urandom(12).hex()
    summary.problems = _problems_of(summary, range(len(summary.blobs)))
    summary.blobs = packed(summary.blobs)  # (read back with no object per row: registry.packed)
    summary.columns.pack()
    summary.companion = summary.base_companion = _COMPANIONS.get(store, {}).get(name, (None, None))[0]
    apart = f"{name}-{summary.token}.columns"
    kept = summary.blobs, summary.columns
    stored = columnfile.stored_apart(store, apart, _packed_columns(summary))
    if stored is not None:  # (pickled detached from their buffers, which the column file holds)
        summary.sections, (summary.blobs, *texts) = stored
        summary.columns = plainclass.replace(summary.columns, **dict(zip(TEXT_COLUMNS, texts)))
    try:
        written = store.write(name, summary)
    finally:
        summary.blobs, summary.columns = kept
        summary.sections = None
    if written:
        store.remove(f"{name}.delta")
    for old in store.names(f"{name}-*.columns"):  # (older summaries'; this one's too if not written)
        if old != apart or not written:
            store.remove(old)
    store.sweep()  # (a summary written whole is rare enough to look for what killed runs left)


def _packed_columns(summary: Summary) -> list[Any]:
    """The summary's columns that may be packed: blob ids, then the columns of text."""
    return [summary.blobs, *(getattr(summary.columns, name) for name in TEXT_COLUMNS)]


def _write_delta(store: Store, summary: Summary, patched: dict[str, int], name: str = SUMMARY) -> None:
    """Store the rows ``patched`` (their numbers by path) as patched into the summary since it
    was written."""
    rows: dict[str, tuple[int, str, tuple[Any, ...], bytes]] = {}
    for path, i in patched.items():
        rows[path] = (i, summary.blobs[i], summary.columns.row(i), bytes(summary.where[i * _WHERE.size:(i + 1) * _WHERE.size]))
    problems = _problems_of(summary, patched.values())
    store.write(f"{name}.delta", _Delta(summary.token, rows, summary.live, problems,
                                        _COMPANIONS.get(store, {}).get(name, (None, None))[1]))


def _problems_of(summary: Summary, rows: Iterable[int]) -> dict[str, list[Unreadable]]:
    """The load problems of those of ``rows`` that hold a file which is not a record."""
    columns, found = summary.columns, {}
    for row in rows:
        if columns.kinds[row] == 0:
            key = f"{columns.paths[row].split('/', 1)[0]}/{summary.blobs[row]}"
            if key in summary.problems:
                found[key] = summary.problems[key]
    return found
