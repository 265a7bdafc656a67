"""The warm path of ``registry check``: the working tree's files and, when none of a run's
inputs changed, the stored report — without importing the models (pydantic), the YAML parser
or the rules, which a run that reuses its report never needs.

:func:`scan` lists the record files and takes each one's blob id from the stat index when the
file is unchanged (:mod:`registry.statindex`), reading and hashing only the others.
:func:`reused_report` looks the run up in the run cache (:mod:`registry.cache`).
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import is_
from pathlib import Path
from typing import TYPE_CHECKING, cast

from registry import plainclass
from registry import treecache
from registry.cache import RunCache, SourceFile, SourceFiles, run_key
from registry.cachestore import Store
from registry.cachestore import enabled as cache_enabled
from registry.docrefs import split_reference
from registry.findings import Report
from registry.layout import UnreadableFile, read_config, read_regular_stat, scan_tree
from registry.statindex import StatIndex

if TYPE_CHECKING:
    from registry import gitscan
    from registry.staged import Staged

STAGED_SUMMARY = "staged.summary"  # (registry.staged.SUMMARY, without importing it)
TREE = "gitindex.tree"  # the folders of the last scan that used git's index (see registry.treecache)
_READ_LIMIT = 256  # more files to read than this beside git's index: the stat index's scan
_NS = 1_000_000_000


@plainclass.dataclass
class Inputs:
    """What a check run reads from the working tree before anything is parsed."""

    root: Path
    config_raw: bytes  # registry.yaml
    store: Store | None  # the cache, None when off or unusable
    files: Sequence[SourceFile]
    attachments: frozenset[str] = frozenset()  # regular files under docs/ the scan found
    _keys: dict[tuple[str, str, tuple[str, ...] | None], str] = plainclass.field(default_factory=dict)
    staged: Staged | None = None  # ``check --staged``: git's index, where every byte is read from

    def run_key(self, *, today: str, base: str, paths: Sequence[str] | None) -> str:
        """The run cache's key of a check of these inputs (see :func:`registry.cache.run_key`);
        under ``--staged`` the files are keyed by the tree and the index's differences from it
        (see :mod:`registry.staged`), and documents resolve in the index."""
        if self.staged is not None:
            base = f"{base}\0staged"
        wanted = (today, base, tuple(paths) if paths is not None else None)
        if wanted not in self._keys:
            self._keys[wanted] = run_key(config=self.config_raw, files=self.files, today=today, base=base, targets=paths,
                                         listing=self.staged.key() if self.staged is not None else None)
        return self._keys[wanted]

    def documents(self) -> Callable[[str], str | None]:
        """How a document path resolves (see :func:`document_resolver`): in the working tree, or
        in git's index under ``--staged``."""
        if self.staged is not None:
            return self.staged.document_status()
        return document_resolver(self.root, self.attachments)

    def reader(self) -> Path | Callable[[str, str], bytes]:
        """Where record files not kept by the scan are read from (see :class:`registry.recordcache.RecordCache`)."""
        return self.staged.record_bytes if self.staged is not None else self.root

    def read_file(self) -> Callable[[str], bytes] | None:
        """How the positions of findings read a file (None: from the working tree)."""
        return self.staged.read if self.staged is not None else None

    @property
    def summary(self) -> str:
        """The name of the snapshot's summary in the store (see :mod:`registry.recordsummary`)."""
        return STAGED_SUMMARY if self.staged is not None else "records.summary"

    def rescan(self) -> Inputs:
        """``--staged`` inputs read again from git's index (after a damaged cache entry),
        nothing read from the store; the summary the run writes keeps the listing of what was
        read now (the index may have changed since the first reading)."""
        staged = staged_index(self.root, None)
        if self.store is not None:
            from registry import recordsummary

            recordsummary.accompany(self.store, staged.held(), STAGED_SUMMARY)
        return plainclass.replace(self, files=staged.files(), staged=staged)


def gather(root: Path, *, use_cache: bool = True, meanwhile: Callable[[], object] | None = None) -> Inputs:
    """registry.yaml, the cache store and every record file of ``root`` (see :func:`scan`).
    Without a store every file is parsed: the scan keeps the bytes it read and hashed, and the
    loader takes each file's bytes from it as it parses the file (never reading it twice);
    with one, most files come from the cache and the scan lets the bytes go."""
    from registry import gitscan  # (not on check --staged's path: it needs no subprocess module)

    # git reads its index on another core while this process opens the store and lists folders
    pending = gitscan.start(root) if use_cache and cache_enabled() else None
    try:
        config_raw = read_config(root)
        store = Store.open(root) if use_cache else None
        files, attachments = scan_with_attachments(root, store, keep_bytes=store is None, git=pending,
                                                   meanwhile=meanwhile)
    finally:
        if pending is not None:
            pending.abandon()
    return Inputs(root, config_raw, store, files, attachments)


def gather_staged(root: Path, *, use_cache: bool = True, meanwhile: Callable[[], object] | None = None) -> Inputs:
    """:func:`gather` for ``check --staged``: registry.yaml and every record file as git's index
    holds them (see :mod:`registry.staged`), nothing read from the working tree. ``meanwhile``
    is called while git reads its index."""
    store = Store.open(root) if use_cache and cache_enabled() else None
    staged = staged_index(root, store, meanwhile)
    return Inputs(root, staged.config(), store, staged.files(), staged=staged)


def staged_index(root: Path, store: Store | None, meanwhile: Callable[[], object] | None = None) -> Staged:
    from registry import staged

    return staged.read(root, store, meanwhile)


def scan(root: Path, store: Store | None = None) -> Sequence[SourceFile]:
    """Every record file of the working tree with its blob id, and every file that cannot be a
    record (a link, a FIFO, a misplaced YAML file, no permission …) with its problem (see
    :mod:`registry.layout`). With a store, a file the stat index vouches for is not read (its
    ``raw`` is None); every other file is read once and hashed."""
    return scan_with_attachments(root, store)[0]


def scan_with_attachments(root: Path, store: Store | None = None, *, keep_bytes: bool = True,
                          git: gitscan.IndexScan | None = None,
                          meanwhile: Callable[[], object] | None = None) -> tuple[Sequence[SourceFile], frozenset[str]]:
    """:func:`scan`, and the regular files found under docs/ (see :func:`document_resolver`).
    ``keep_bytes=False``: the bytes are hashed and dropped (``raw`` None), so that a large
    registry's bytes are not held beside its records: the loader reads again the few files it
    parses (:class:`registry.recordcache.RecordCache`, checking the blob id). ``git``: git's
    index, being read (:func:`registry.gitscan.start`): with a store, the blob ids of the
    files it vouches for come from it (see :func:`_scan_with_git`); ``meanwhile`` is called
    while git works (the caller's imports)."""
    bootstrap = None
    if git is not None and store is not None:
        done = _scan_with_git(root, store, git, keep_bytes, meanwhile)
        if not isinstance(done, _Unverified):
            return done
        bootstrap = done
    index = StatIndex(store)  # its clock is read before any file is looked at
    # every stored listing passed the racily-clean test when it was stored (see statindex)
    tree = scan_tree(root, index.old_listings, _stored_listing)
    index.listings = tree.listings
    files = [SourceFile.refused(problem) for problem in tree.problems]
    top = os.fspath(root)
    vouched = SourceFile.vouched
    for path, blob in zip(tree.records, index.blobs_of(tree.records, tree.stats)):
        if blob is not None:
            files.append(vouched(path, blob))
            continue
        try:
            raw, info = read_regular_stat(top, path)
        except UnreadableFile as exc:
            files.append(SourceFile.refused(exc.problem))
            continue
        source = SourceFile.of(path, raw)
        index.remember(path, info, source.blob)
        files.append(source if keep_bytes else plainclass.replace(source, raw=None))
    index.save(tree.records)
    if bootstrap is not None and store is not None:  # git's entries the stat index proves: used from the next run
        from registry import gitscan

        proven = gitscan.vouched_by_stat_index(bootstrap.entries, {p: index.proven(p) for p in bootstrap.entries})
        gitscan.save_verified(store, bootstrap.kept, proven, bootstrap.delta)
    return files, frozenset(tree.attachments)


@plainclass.dataclass
class _Unverified:
    """Why the scan with git's index gave up: its unverified entries by path (the stat index's
    scan may verify them), the verified ones still in the index, the stored delta."""

    entries: dict[str, str] = plainclass.field(default_factory=dict)
    kept: list[str] = plainclass.field(default_factory=list)
    delta: list[str] = plainclass.field(default_factory=list)


def _scan_with_git(root: Path, store: Store, git: gitscan.IndexScan, keep_bytes: bool,
                   meanwhile: Callable[[], object] | None = None) -> tuple[Sequence[SourceFile], frozenset[str]] | _Unverified:
    """The scan with git's index (see :mod:`registry.gitscan`): record files are listed by
    name and kind, the ones git's verified entries vouch for are not read, the others are read
    and hashed (and verify their entries for the next runs). When git cannot be used or too
    many files would be read, the unverified entries by path (maybe none) for the stat
    index's scan to verify."""
    from registry import gitscan

    clock_ns = store.clock_ns()  # before any file is looked at (see statindex: racily clean)
    if clock_ns is None:
        return _Unverified()
    stored = store.read(TREE)
    reused = treecache.reuse(root, stored, clock_ns) if isinstance(stored, treecache.TreeSnapshot) else None
    if reused is not None:
        tree, changed = reused
        fresh = stored if changed else None
    else:
        listings = stored.listings if isinstance(stored, treecache.TreeSnapshot) else None
        tree = scan_tree(root, listings, _stored_listing, stats=False)
        fresh = treecache.snapshot_of(root, tree, clock_ns)
    if fresh is not None:
        store.write(TREE, fresh)
    known, delta = gitscan.load_verified(store)  # (while git works)
    if meanwhile is not None:
        meanwhile()
    index = git.collect()
    if index is None:
        return _Unverified()
    blobs, unknown, kept = index.vouched(known)
    records = tree.records
    found = list(map(blobs.get, records))
    missing = list(compress(range(len(found)), map(is_, found, repeat(None))))
    if len(missing) > _READ_LIMIT:
        return _Unverified(unknown, kept, delta)
    # the files as two lists (paths, blob ids): no SourceFile per vouched record (see SourceFiles)
    refused = [SourceFile.refused(problem) for problem in tree.problems]
    first = len(refused)
    paths = [f.path for f in refused] + records
    blob_ids = cast(list[str], [f.blob for f in refused] + found)  # (the missing ones replaced below)
    made: dict[int, SourceFile] = dict(enumerate(refused))
    top = os.fspath(root)
    new: list[str] = []
    for i in missing:
        path = records[i]
        try:
            raw, info = read_regular_stat(top, path)
        except UnreadableFile as exc:
            made[first + i] = done = SourceFile.refused(exc.problem)
            paths[first + i], blob_ids[first + i] = done.path, done.blob
            continue
        source = SourceFile.of(path, raw)
        entry = unknown.get(path)
        if entry is not None and gitscan.verified(entry, info, source.blob, clock_ns):
            new.append(entry)
        made[first + i] = source if keep_bytes else plainclass.replace(source, raw=None)
        blob_ids[first + i] = source.blob
    gitscan.save_verified(store, kept, new, delta)
    return SourceFiles(paths, blob_ids, made), frozenset(tree.attachments)


def _stored_listing(_info: os.stat_result) -> bool:
    return True


def reused_report(inputs: Inputs, *, today: str, base: str, paths: Sequence[str] | None) -> Report | None:
    """The stored report of a run with exactly these inputs, if there is one and every
    document path it looked at still resolves as it did; ``base`` is the resolved target's
    identity ('' without ``--base``)."""
    if inputs.store is None:
        return None
    key = inputs.run_key(today=today, base=base, paths=paths)
    reused = RunCache(inputs.store).get(key, inputs.documents())
    return reused if isinstance(reused, Report) else None


def document_resolver(root: Path, found: frozenset[str] = frozenset()) -> Callable[[str], str | None]:
    """How a document path resolves inside ``root`` (see ``Context.document_status``): None
    for a regular file reached without any symbolic link, else why not. Links are never
    followed (a link inside the registry can still publish another file's content), and an
    operating-system error (a path too long, a folder without permission) is a status too.
    ``found``: regular files the scan just listed without following links (written exactly as
    a reference names them, they need no ``lstat``)."""

    def status(ref: str) -> str | None:
        if ref in found:
            return None
        parts = split_reference(ref)  # "absolute" / "parent": outside the registry
        return parts if isinstance(parts, str) else _lstat_status(root, parts)

    return status


def _lstat_status(root: Path, parts: list[str]) -> str | None:
    """The status of a path below ``root``, from one ``lstat`` per part (thousands of
    attachments are looked up on every run, so no ``Path.resolve``)."""
    path = os.fspath(root)
    mode = 0
    for part in parts:
        if part in ("", "."):
            continue
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL byte
            return "missing"
        except OSError as exc:
            return "too_long" if exc.errno == errno.ENAMETOOLONG else "unreadable"
        if stat.S_ISLNK(mode):
            return "symlink"
    if stat.S_ISDIR(mode):
        return "missing"
    return None if stat.S_ISREG(mode) else "special"
