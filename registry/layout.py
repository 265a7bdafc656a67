"""Which files of the working tree are records, and what is wrong with every other file
where records or attachments live.

The registry reads **regular files only**, at ``systems/<unit>/<id>.yaml`` and
``projects/<unit>/<id>.yaml``. Everything else under ``systems/`` and ``projects/`` (a ``.yml``
or ``.YAML`` file, a nested folder, a file beside the unit folders), any YAML file in a
look-alike top-level folder (``systems2/``, ``Projects/``), and any symlink, FIFO, socket or
device under ``systems/``, ``projects/`` or ``docs/`` is a finding naming the path — never
skipped in silence (a record nobody counts escapes "只减不增"), never followed (a link can make
one record show another's bytes, or read a file outside the repository) and never opened (a
FIFO blocks the reader forever).

Files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` after opening, so a
file swapped for a link or a FIFO between the directory scan and the read is refused too.
"""
from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

from registry import plainclass
from registry.errors import CONFIG_FILE, ConfigError
from registry.findings import Message, Unreadable
from registry.scanproblems import LOCATION as LOCATION
from registry.scanproblems import SYNTAX as SYNTAX
from registry.scanproblems import bad_name as _bad_name
from registry.scanproblems import not_a_record as _not_a_record
from registry.scanproblems import not_regular as _not_regular
from registry.scanproblems import os_problem as os_problem
from registry.scanproblems import shown as shown
from registry.scanproblems import too_large as _too_large

MAX_CONFIG_BYTES = 16 << 20  # thousands of units fit in a few hundred kilobytes
RECORD_DIRS = ("systems", "projects")
ATTACHMENT_DIRS = ("docs",)
RECORD_SUFFIX = ".yaml"
YAML_SUFFIXES = (".yaml", ".yml")
# Top-level folders whose name starts like a record folder (systems2/, Projects/, system/):
# YAML files in them look like records to whoever wrote them, so they are reported.
LOOKALIKE_PREFIXES = ("system", "project")
# Records are a few kilobytes; a file this large is a mistake or an attack on the parser.
MAX_RECORD_BYTES = 1 << 20


_O_SAFE = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


Stat = tuple[int, int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device, mode
# a folder outside systems/ and projects/ as listed: its lstat, its sub-folders (path, stray),
# its regular files, the problems of its entries
Listing = tuple[Stat, list[tuple[str, bool]], list[str], list[Unreadable]]


@plainclass.dataclass
class TreeScan:
    """The record files of a working tree (sorted posix paths) and the problems of the rest;
    ``stats`` holds each record file's ``lstat`` from the scan (for the stat index)."""

    records: list[str]
    problems: list[Unreadable]
    stats: dict[str, os.stat_result] = plainclass.field(default_factory=dict)
    # regular files under docs/ reached without a link: documents that resolve (no lstat needed)
    attachments: set[str] = plainclass.field(default_factory=set)
    listings: dict[str, Listing] = plainclass.field(default_factory=dict)  # see scan_tree
    want_stats: bool = True  # False: record files are listed by name and kind only (no lstat)
    folders: dict[str, Stat] = plainclass.field(default_factory=dict)  # every folder listed, its lstat before
    complete: bool = True  # False: a folder could not be listed
    tops: list[str] = plainclass.field(default_factory=list)  # the look-alike top-level folders walked


class UnreadableFile(Exception):
    """A file that cannot be read as a record; ``problem`` says why, naming the path."""

    def __init__(self, problem: Unreadable) -> None:
        super().__init__(problem.message.zh)
        self.problem = problem


def stat_key(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode


def scan_tree(root: Path, listings: Mapping[str, Listing] | None = None,
              trusted: Callable[[os.stat_result], bool] | None = None, *, stats: bool = True) -> TreeScan:
    """One ``scandir`` per folder of ``systems/``, ``projects/``, ``docs/`` and the look-alikes.

    ``listings``: what earlier scans found in the folders outside systems/ and projects/ (where
    only names and kinds of entries matter, not contents), by the folder's ``lstat``: a folder
    whose ``lstat`` is unchanged (and that ``trusted`` accepts: not racily clean) has the same
    entries — adding, removing, renaming or replacing an entry changes the folder's times — so
    it is not listed again. ``TreeScan.listings`` holds this scan's, for the next one.
    ``stats=False``: record files are not ``lstat``-ed (git's index vouches for them, see
    :mod:`registry.gitscan`); their kind still comes from the folder (``d_type``)."""
    found = TreeScan([], [], want_stats=stats)
    for folder in RECORD_DIRS:
        _walk(root, folder, found, records=True)
    for folder in ATTACHMENT_DIRS:
        _walk(root, folder, found, records=False, listings=listings, trusted=trusted)
    found.tops = lookalike_folders(root)
    for name in found.tops:
        _walk(root, name, found, records=False, stray=True, listings=listings, trusted=trusted)
    found.records.sort()
    found.problems.sort(key=lambda p: p.path)
    return found


def lookalike_folders(root: Path) -> list[str]:
    try:
        with os.scandir(root) as entries:
            names = [e.name for e in entries if e.is_dir(follow_symlinks=False) or e.is_symlink()]
    except OSError:
        return []  # the root itself is checked through registry.yaml
    return sorted(
        n for n in names
        if n not in RECORD_DIRS and n.casefold().startswith(LOOKALIKE_PREFIXES)
    )


def _walk(root: Path, top: str, found: TreeScan, *, records: bool, stray: bool = False,
          listings: Mapping[str, Listing] | None = None, trusted: Callable[[os.stat_result], bool] | None = None) -> None:
    """Depth-first over ``top`` with an explicit stack (no recursion, links never followed).
    Inside a hidden folder (``.git`` of a nested clone, an editor's ``.history``) only YAML
    files and special files are reported, not every file such a folder holds. Each folder's
    listing is kept (and reused, see :func:`scan_tree`), except in systems/ and projects/ when
    the records are ``lstat``-ed."""
    pending = [(top, stray)]
    keep = not records or not found.want_stats
    while pending:
        relative, stray = pending.pop()
        directory = os.path.join(root, relative)
        try:
            if relative == top and not os.path.lexists(directory):  # no such folder: nothing to report
                continue
            info = os.lstat(directory) if relative == top or keep else None
            if info is not None and not stat.S_ISDIR(info.st_mode):
                found.problems.append(_not_regular(relative, info.st_mode, records))
                found.complete = False
                continue
            if info is not None and keep:
                found.folders[relative] = stat_key(info)
                if _reuse(relative, info, found, pending, listings, trusted, records):
                    continue
            with os.scandir(directory) as scanner:
                entries = list(scanner)  # the order does not matter: the results are sorted
        except OSError as exc:
            found.problems.append(os_problem(relative, exc, folder=True))
            found.complete = False
            continue
        if info is not None and keep:
            listing = listing_of(relative, stat_key(info), entries, records=records, stray=stray)
            found.listings[relative] = listing
            _take(found, pending, listing, records)
        elif records and not stray and relative.count("/") == 1:
            _visit_unit(relative, entries, found, pending)
        else:
            for entry in entries:
                _visit(relative, entry, found, pending, records=records, stray=stray)


def listing_of(relative: str, key: Stat, entries: list[os.DirEntry[str]], *, records: bool, stray: bool) -> Listing:
    """One folder's listing: its ``lstat`` (taken before listing it), its sub-folders, its
    record files (in systems/ and projects/, by name and kind only) or attachments, and the
    problems of its entries."""
    here, below = TreeScan([], [], want_stats=False), list[tuple[str, bool]]()
    if records and not stray and relative.count("/") == 1:
        _visit_unit(relative, entries, here, below)
    else:
        for entry in entries:
            _visit(relative, entry, here, below, records=records, stray=stray)
    return key, below, sorted(here.records) if records else sorted(here.attachments), here.problems


def kind_of(relative: str) -> tuple[bool, bool]:
    """(in systems/ or projects/, stray) of a folder, as :func:`_walk` reaches it."""
    top, *below = relative.split("/")
    if top in RECORD_DIRS:
        return True, any(part.startswith(".") for part in below)
    return False, top not in ATTACHMENT_DIRS


def _take(found: TreeScan, pending: list[tuple[str, bool]], listing: Listing, records: bool) -> None:
    pending.extend(listing[1])
    if records:
        found.records.extend(listing[2])
    else:
        found.attachments.update(listing[2])
    found.problems.extend(listing[3])


def _reuse(relative: str, info: os.stat_result, found: TreeScan, pending: list[tuple[str, bool]],
           listings: Mapping[str, Listing] | None, trusted: Callable[[os.stat_result], bool] | None,
           records: bool) -> bool:
    """Take a folder's entries from an earlier listing if its ``lstat`` vouches for them."""
    known = listings.get(relative) if listings is not None else None
    if known is None or known[0] != stat_key(info) or trusted is None or not trusted(info):
        return False
    found.listings[relative] = known
    _take(found, pending, known, records)
    return True


def _visit(relative: str, entry: os.DirEntry[str], found: TreeScan, pending: list[tuple[str, bool]], *,
           records: bool, stray: bool) -> None:
    """One directory entry. The entry's type comes from the directory itself (``d_type``, no
    system call); only record files are ``lstat``-ed, for the stat index."""
    path = f"{relative}/{entry.name}"
    if not _printable(entry.name):
        found.problems.append(_bad_name(path))
        return
    try:
        if entry.is_dir(follow_symlinks=False):
            pending.append((path, stray or (records and entry.name.startswith("."))))
        elif not entry.is_file(follow_symlinks=False):
            found.problems.append(_not_regular(path, entry.stat(follow_symlinks=False).st_mode, records or stray))
        elif stray:
            if entry.name.casefold().endswith(YAML_SUFFIXES):
                found.problems.append(_not_a_record(path))
        elif not records:
            found.attachments.add(path)
        elif relative.count("/") == 1 and _record_name(entry.name):  # is_record_path, knowing the folder
            if found.want_stats:
                found.stats[path] = entry.stat(follow_symlinks=False)
            found.records.append(path)
        elif not (entry.name.startswith(".") and not entry.name.casefold().endswith(YAML_SUFFIXES)):
            found.problems.append(_not_a_record(path))  # hidden non-YAML files (.gitkeep) are fine
    except OSError as exc:
        found.problems.append(os_problem(path, exc))


def _visit_unit(relative: str, entries: list[os.DirEntry[str]], found: TreeScan, pending: list[tuple[str, bool]]) -> None:
    """The entries of a unit's folder (``systems/<unit>/``): :func:`_visit`, with its usual case
    — a record file — taken first in one loop (20,000 entries on every run); any other entry,
    or an error, goes through :func:`_visit`, which names its problem."""
    stats, records, suffix = found.stats, found.records, len(RECORD_SUFFIX)
    if not found.want_stats:
        _name_unit(relative, entries, found, pending)
        return
    for entry in entries:
        name = entry.name
        try:
            if name.endswith(RECORD_SUFFIX) and len(name) > suffix and name[0] != "." and name.isprintable() \
                    and entry.is_file(follow_symlinks=False):
                path = f"{relative}/{name}"
                stats[path] = entry.stat(follow_symlinks=False)
                records.append(path)
                continue
        except OSError:
            pass
        _visit(relative, entry, found, pending, records=True, stray=False)


def _name_unit(relative: str, entries: list[os.DirEntry[str]], found: TreeScan, pending: list[tuple[str, bool]]) -> None:
    """:func:`_visit_unit` without ``lstat``: the record files' names and kinds only."""
    records, suffix, prefix = found.records, len(RECORD_SUFFIX), f"{relative}/"
    for entry in entries:
        name = entry.name
        try:
            if name.endswith(RECORD_SUFFIX) and len(name) > suffix and name[0] != "." and name.isprintable() \
                    and entry.is_file(follow_symlinks=False):
                records.append(prefix + name)
                continue
        except OSError:
            pass
        _visit(relative, entry, found, pending, records=True, stray=False)


def is_record_path(path: str) -> bool:
    """``systems/<unit>/<id>.yaml`` or ``projects/<unit>/<id>.yaml``: exactly that shape."""
    parts = path.split("/")
    return (
        len(parts) == 3 and parts[0] in RECORD_DIRS and bool(parts[1]) and not parts[1].startswith(".")
        and parts[2].endswith(RECORD_SUFFIX) and len(parts[2]) > len(RECORD_SUFFIX)
        and not parts[2].startswith(".")
    )


def _record_name(name: str) -> bool:
    return name.endswith(RECORD_SUFFIX) and len(name) > len(RECORD_SUFFIX) and not name.startswith(".")


def _printable(name: str) -> bool:
    """A name that is valid UTF-8 (no surrogate escapes) without control characters."""
    if name.isprintable():  # the usual name, at C speed: no character of category C at all
        return True
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)


def read_regular(root: Path, path: str, *, limit: int | None = MAX_RECORD_BYTES) -> bytes:
    """The bytes of the regular file ``root/path``; :class:`UnreadableFile` for anything else
    (a link, a FIFO, a device, no permission, larger than ``limit``), never blocking, never
    following a link."""
    return read_regular_stat(root, path, limit=limit)[0]


def read_regular_stat(root: Path | str, path: str, *, limit: int | None = MAX_RECORD_BYTES) -> tuple[bytes, os.stat_result]:
    """:func:`read_regular`, with the ``fstat`` of the file read: the stat index records it,
    taken from the open file so that it describes the bytes read (not a file swapped in after)."""
    try:
        fd = os.open(os.path.join(root, path), _O_SAFE)
    except OSError as exc:
        raise UnreadableFile(os_problem(path, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(_not_regular(path, info.st_mode, True))
        if limit is not None and info.st_size > limit:
            raise UnreadableFile(_too_large(path, info.st_size, limit))
        want = max(info.st_size + 1, 1 << 16)
        first = os.read(fd, want)
        if 0 < len(first) == info.st_size:  # all of it, and the byte more asked for was not there
            return first, info  # (the usual file: one read, no second one to see the end)
        chunks = []
        size = 0
        chunk = first
        while chunk:
            size += len(chunk)
            if limit is not None and size > limit:  # grew while being read
                raise UnreadableFile(_too_large(path, size, limit))
            chunks.append(chunk)
            chunk = os.read(fd, want)
        return b"".join(chunks), info
    except OSError as exc:
        raise UnreadableFile(os_problem(path, exc)) from None
    finally:
        os.close(fd)


def read_config(root: Path) -> bytes:
    """The bytes of registry.yaml: a regular file (never a link, a FIFO or a device)."""
    if not os.path.lexists(root / CONFIG_FILE):
        raise ConfigError(Message(
            f"找不到或无法读取 {CONFIG_FILE}（文件不存在）：请在登记簿根目录运行，或用 --root 指定",
            f"cannot find {CONFIG_FILE}: run in the registry root or pass --root",
        ))
    try:
        return read_regular(root, CONFIG_FILE, limit=MAX_CONFIG_BYTES)
    except UnreadableFile as exc:
        raise ConfigError(exc.problem.message) from None
