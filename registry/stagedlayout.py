"""The files of one state of git (a tree, or the index) below the registry root, sorted as the
working tree's scan sorts the files it finds (:mod:`registry.layout`): records, attachments
under ``docs/``, and a problem for every path that cannot be a record (a link, a submodule, a
misplaced YAML file, a name that is not UTF-8 …).

A :class:`Listing` is kept for a tree (``git ls-tree -r -l``) and patched, path by path, with
what ``git diff-index --cached`` says the index holds differently (:mod:`registry.staged`):
each path is sorted on its own, so patching a path gives exactly what listing the patched
state from scratch would give.

A :class:`Held` is a listing kept beside the rows of the snapshot's summary made from it
(:func:`registry.recordsummary.accompany`): the summary's rows already hold every record's path
and blob id, so only the rest is kept, and :meth:`Held.listing` puts the listing together
again from both without a second copy of 20,000 paths to read.
"""
from __future__ import annotations

import stat
from bisect import bisect_left
from collections.abc import Iterable, Iterator, MutableSequence

from registry import plainclass
from registry.cache import SourceFile, SourceFiles
from registry.findings import Unreadable
from registry.packed import Packed, after, tail
from registry.layout import (ATTACHMENT_DIRS, LOOKALIKE_PREFIXES, MAX_RECORD_BYTES, RECORD_DIRS, RECORD_SUFFIX,
                             YAML_SUFFIXES, _printable)
from registry.scanproblems import bad_name, not_a_record, not_regular, too_large

REGULAR_MODES = ("100644", "100755")
ABSENT_MODE = "000000"  # git's mode of a path a tree does not hold (diff-index --raw)
_HELD_FORMAT = 2  # 2: attachments as Paths
# One difference of git's index from a tree (``diff-index --raw``): status letter, path, the
# index's mode and object id, the tree's mode and object id (ABSENT_MODE: the tree has none).
Change = tuple[str, str, str, str, str, str]
LINK_MODE, GITLINK_MODE = "120000", "160000"
_PLAIN_RECORD_DIRS = tuple(f"{d}/" for d in RECORD_DIRS)


class Paths:
    """A set of paths — the attachments under ``docs/`` of a tree or of the index, thousands
    of them, read back with every warm run's summary — kept as ONE string, the sorted paths
    between NUL characters (which no path holds: git and the file system refuse them), and
    the few paths added or removed since. Asking whether it holds a path is a substring search
    in C; no object per path is made when it is read (a set of 7,700 paths cost more to unpickle
    than the 20,000 rows' paths), only when it is iterated (a document reference that names
    no file, a listing written again)."""

    __slots__ = ("_joined", "_added", "_removed")

    def __init__(self, paths: Iterable[str] = ()) -> None:
        self._joined = _joined(paths)
        self._added: set[str] = set()
        self._removed: set[str] = set()

    @classmethod
    def _of_joined(cls, joined: str) -> Paths:
        made = cls.__new__(cls)
        made._joined, made._added, made._removed = joined, set(), set()
        return made

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return Paths._of_joined, (self._canonical(),)

    def _in_joined(self, path: str) -> bool:
        return f"\0{path}\0" in self._joined

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str) or "\0" in path:
            return False
        if path in self._added:
            return True
        return path not in self._removed and self._in_joined(path)

    def add(self, path: str) -> None:
        if "\0" in path:
            raise ValueError("a path holds no NUL character")
        self._removed.discard(path)
        if not self._in_joined(path):
            self._added.add(path)

    def discard(self, path: str) -> None:
        self._added.discard(path)
        if "\0" not in path and self._in_joined(path):
            self._removed.add(path)

    def _canonical(self) -> str:
        """The joined string of exactly these paths (the stored one while nothing changed)."""
        if not self._added and not self._removed:
            return self._joined
        return _joined(self)

    def __iter__(self) -> Iterator[str]:
        stored = self._joined[1:-1].split("\0") if len(self._joined) > 1 else []
        yield from (path for path in stored if path not in self._removed)
        yield from self._added

    def __len__(self) -> int:
        return self._joined.count("\0") - 1 - len(self._removed) + len(self._added)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Paths):
            return self._canonical() == other._canonical()
        if isinstance(other, (set, frozenset)):
            return set(self) == other
        return NotImplemented

    # a set: mutable, so not hashable
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Paths({sorted(self)!r})"

    def copy(self) -> Paths:
        made = Paths._of_joined(self._joined)
        made._added, made._removed = set(self._added), set(self._removed)
        return made


def _joined(paths: Iterable[str]) -> str:
    unique = sorted(set(paths))
    if any("\0" in path for path in unique):
        raise ValueError("a path holds no NUL character")
    return "\0" + "".join(f"{path}\0" for path in unique)


@plainclass.dataclass
class Listing:
    """Every entry below the registry root, by kind. ``records``/``blobs``: the record paths in
    order and their blob ids; ``large``: records over the size limit, by path; ``problems``:
    by the entry's own path (a problem may name a folder above it); ``others``: every entry that
    is neither a record nor an attachment (registry.yaml, links, files outside the watched
    folders …) with its mode and object id."""

    records: MutableSequence[str] = plainclass.field(default_factory=list)  # (packed when read back: registry.packed)
    blobs: MutableSequence[str] = plainclass.field(default_factory=list)
    large: dict[str, int] = plainclass.field(default_factory=dict)
    problems: dict[str, Unreadable] = plainclass.field(default_factory=dict)
    attachments: Paths = plainclass.field(default_factory=Paths)
    others: dict[str, tuple[str, str]] = plainclass.field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[tuple[str, str, str, int | None]]) -> Listing:
        """The listing of (path, mode, object id, size) entries, in any order."""
        found = cls()
        pending: list[tuple[str, str]] = []
        for path, mode, oid, size in entries:
            if _plain_record(path, mode) or found._sort(path, mode, oid):
                pending.append((path, oid))  # (sorted once below)
                if size is not None and size > MAX_RECORD_BYTES:
                    found.large[path] = size
        pending.sort()
        found.records = [p for p, _ in pending]
        found.blobs = [o for _, o in pending]
        return found

    def verify(self) -> None:
        """Verify now every byte of the records' columns read back from a summary's column file
        (:mod:`registry.columnfile`): a damaged block is found while the listing can still be
        made again, never when a finding's position is read from it."""
        for column in (self.records, self.blobs):
            if isinstance(column, Packed):
                column.verify()

    def entry(self, path: str) -> tuple[str, str] | None:
        """(mode, object id) of ``path``, or None when the state holds no such file."""
        i = bisect_left(self.records, path)
        if i < len(self.records) and self.records[i] == path:
            return "100644", self.blobs[i]  # (a regular file: its executable bit does not matter here)
        if path in self.attachments:
            return "100644", ""
        return self.others.get(path)

    def remove(self, path: str) -> None:
        i = bisect_left(self.records, path)
        if i < len(self.records) and self.records[i] == path:
            del self.records[i], self.blobs[i]
        self.large.pop(path, None)
        self.problems.pop(path, None)
        self.attachments.discard(path)
        self.others.pop(path, None)

    def put(self, path: str, mode: str, oid: str, size: int | None) -> None:
        """``path`` as holding ``mode``/``oid`` (``size``: the blob's, when known). A record
        that stays one keeps its row (only its blob id changes: a packed column is not made a
        list for the usual commit, which edits records)."""
        i = bisect_left(self.records, path)
        if i < len(self.records) and self.records[i] == path and _plain_record(path, mode):
            self.blobs[i] = oid
            self.large.pop(path, None)
            if size is not None and size > MAX_RECORD_BYTES:
                self.large[path] = size
            return
        self.remove(path)
        if _plain_record(path, mode) or self._sort(path, mode, oid):
            i = bisect_left(self.records, path)
            self.records.insert(i, path)
            self.blobs.insert(i, oid)
            if size is not None and size > MAX_RECORD_BYTES:
                self.large[path] = size

    def _sort(self, path: str, mode: str, oid: str) -> bool:
        """Place an entry that is not a record; False. True for a record (placed by the caller)."""
        problem, kind = _walked(path, mode)
        if kind == "record":
            return True
        if kind == "attachment":
            self.attachments.add(path)
            return False
        self.others[path] = (mode, oid)
        if problem is not None:
            self.problems[path] = problem
        return False

    def files(self, made: dict[str, SourceFile] | None = None) -> SourceFiles:
        """Problems first (each once, by the path it names), then the records, each in path
        order (as :func:`registry.warm.scan` lists the working tree's); ``made``: record files
        already made (their bytes read), by path."""
        unique = {p.path: p for p in self.problems.values()}
        refused = [SourceFile.refused(unique[p]) for p in sorted(unique)]
        paths = after([f.path for f in refused], self.records)
        blobs = after([f.blob for f in refused], self.blobs)
        special = dict(enumerate(refused))
        first = len(refused)
        for path, size in self.large.items():
            i = first + bisect_left(self.records, path)
            special[i] = SourceFile.refused(too_large(path, size, MAX_RECORD_BYTES))
            blobs[i] = special[i].blob
        for path, source in (made or {}).items():
            i = first + bisect_left(self.records, path)
            if i < len(paths) and paths[i] == path and i not in special:
                special[i] = source
        return SourceFiles(paths, blobs, special)


def _plain_record(path: str, mode: str) -> bool:
    """``systems/<unit>/<id>.yaml`` of printable ASCII, a regular file: the usual entry, sorted
    without walking it (every other path goes through :func:`_walked`)."""
    return (mode in REGULAR_MODES and path.startswith(_PLAIN_RECORD_DIRS) and path.count("/") == 2
            and path.endswith(RECORD_SUFFIX) and path.isascii() and path.isprintable()
            and "/." not in path and "//" not in path and not path.endswith("/" + RECORD_SUFFIX))


def _walked(path: str, mode: str) -> tuple[Unreadable | None, str]:
    """One entry, walked as :func:`registry.layout._walk` walks the folders holding it: its
    problem (or None) and what it is (record, attachment, other)."""
    parts = path.split("/")
    top = parts[0]
    if top in RECORD_DIRS:
        records, stray = True, False
    elif top in ATTACHMENT_DIRS:
        records, stray = False, False
    elif top.casefold().startswith(LOOKALIKE_PREFIXES) and (len(parts) > 1 or mode == LINK_MODE):
        records, stray = False, True
    else:
        return None, "other"
    if len(parts) == 1:  # the folder itself is a file, a link or a submodule in git
        return _not_regular(path, mode, records), "other"
    for depth in range(1, len(parts)):
        name = parts[depth]
        if not _printable(name):
            return bad_name("/".join(parts[:depth + 1])), "other"
        if depth < len(parts) - 1:
            stray = stray or (records and name.startswith("."))
    name = parts[-1]
    if mode not in REGULAR_MODES:
        return _not_regular(path, mode, records or stray), "other"
    if stray:
        return (not_a_record(path) if name.casefold().endswith(YAML_SUFFIXES) else None), "other"
    if not records:
        return None, "attachment"
    if len(parts) == 3 and name.endswith(RECORD_SUFFIX) and len(name) > len(RECORD_SUFFIX) and not name.startswith("."):
        return None, "record"
    if name.startswith(".") and not name.casefold().endswith(YAML_SUFFIXES):
        return None, "other"  # hidden non-YAML files (.gitkeep) are fine
    return not_a_record(path), "other"


def _not_regular(path: str, mode: str, record_area: bool) -> Unreadable:
    if mode == GITLINK_MODE:  # a submodule: a folder in the working tree, a commit in git
        from registry.gittree import Entry, not_regular as submodule

        return submodule(Entry(path, mode, ""))
    return not_regular(path, stat.S_IFLNK | 0o777 if mode == LINK_MODE else stat.S_IFREG, record_area)


@plainclass.dataclass
class Held:
    """A listing of git's index as a tree ``tree`` patched with ``changes`` (see
    :mod:`registry.staged`), without its records' paths and blob ids: those are the rows of
    the summary written with it, after the first ``first`` (the problems, see
    :meth:`Listing.files`), except that a record over the size limit has a row of its own
    (``large``: its size and blob id). Kept with a delta of the summary (a run's few rows), its
    ``attachments`` and ``others`` are None when they are those of the summary file's own
    (``base``): thousands of attachments are not written again on every commit."""

    tree: str
    prefix: str
    config: tuple[str, bytes] | None  # (blob id, bytes) of the tree's regular registry.yaml
    changes: list[Change]
    first: int
    large: dict[str, tuple[int, str]]
    problems: dict[str, Unreadable]
    attachments: Paths | None
    others: dict[str, tuple[str, str]] | None
    format: int = _HELD_FORMAT

    @classmethod
    def of(cls, listing: Listing, tree: str, prefix: str, config: tuple[str, bytes] | None,
           changes: list[Change]) -> Held:
        large = {path: (size, listing.blobs[bisect_left(listing.records, path)]) for path, size in listing.large.items()}
        first = len({p.path for p in listing.problems.values()})
        return cls(tree, prefix, config, list(changes), first, large, dict(listing.problems), listing.attachments.copy(),
                   dict(listing.others))

    def compact(self, base: object) -> Held:
        """This, for a delta of the summary whose own is ``base``: what ``base`` holds alike is left out."""
        if not isinstance(base, Held) or base.attachments is None or base.others is None:
            return self
        return plainclass.replace(self, attachments=None if self.attachments == base.attachments else self.attachments,
                                  others=None if self.others == base.others else self.others)

    def listing(self, paths: MutableSequence[str], blobs: MutableSequence[str], base: object) -> Listing | None:
        """The listing again, from the summary's rows (``paths``, ``blobs``) and the summary
        file's own :class:`Held` (``base``: see :meth:`compact`); None when they cannot be its
        rows (a row the summary left to be loaded again has no blob id)."""
        if self.format != _HELD_FORMAT or len(paths) != len(blobs) or len(paths) < self.first:
            return None
        attachments = self.attachments if self.attachments is not None else \
            base.attachments if isinstance(base, Held) and base.format == _HELD_FORMAT else None
        others = self.others if self.others is not None else \
            base.others if isinstance(base, Held) and base.format == _HELD_FORMAT else None
        if attachments is None or others is None:
            return None
        records, ids = tail(paths, self.first), tail(blobs, self.first)
        if "" in ids:
            return None
        for path, (_size, oid) in self.large.items():
            i = bisect_left(records, path)
            if i == len(records) or records[i] != path:
                return None
            ids[i] = oid  # (its row is the refusal's)
        return Listing(records, ids, {path: size for path, (size, _oid) in self.large.items()}, dict(self.problems),
                       attachments.copy(), dict(others))
