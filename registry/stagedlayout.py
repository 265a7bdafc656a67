"""The files of one state of git (a tree, or the index) below the registry root, sorted as the
working tree's scan sorts the files it finds (:mod:`registry.layout`): records, attachments
under ``docs/``, and a problem for every path that cannot be a record (a link, a submodule, a
misplaced YAML file, a name that is not UTF-8 …).

A :class:`Listing` is kept for a tree (``git ls-tree -r -l``) and patched, path by path, with
what ``git diff-index --cached`` says the index holds differently (:mod:`registry.staged`):
each path is sorted on its own, so patching a path gives exactly what listing the patched
state from scratch would give.
"""
from __future__ import annotations

import stat
from bisect import bisect_left
from collections.abc import Iterable

from registry import plainclass
from registry.cache import SourceFile, SourceFiles
from registry.findings import Unreadable
from registry.layout import (ATTACHMENT_DIRS, LOOKALIKE_PREFIXES, MAX_RECORD_BYTES, RECORD_DIRS, RECORD_SUFFIX,
                             YAML_SUFFIXES, _printable)
from registry.scanproblems import bad_name, not_a_record, not_regular, too_large

REGULAR_MODES = ("100644", "100755")
LINK_MODE, GITLINK_MODE = "120000", "160000"
_PLAIN_RECORD_DIRS = tuple(f"{d}/" for d in RECORD_DIRS)


@plainclass.dataclass
class Listing:
    """Every entry below the registry root, by kind. ``records``/``blobs``: the record paths in
    order and their blob ids; ``large``: records over the size limit, by path; ``problems``:
    by the entry's own path (a problem may name a folder above it); ``others``: every entry that
    is neither a record nor an attachment (registry.yaml, links, files outside the watched
    folders …) with its mode and object id."""

    records: list[str] = plainclass.field(default_factory=list)
    blobs: list[str] = plainclass.field(default_factory=list)
    large: dict[str, int] = plainclass.field(default_factory=dict)
    problems: dict[str, Unreadable] = plainclass.field(default_factory=dict)
    attachments: set[str] = plainclass.field(default_factory=set)
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
        """``path`` as holding ``mode``/``oid`` (``size``: the blob's, when known)."""
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
        paths = [f.path for f in refused] + self.records
        blobs = [f.blob for f in refused] + self.blobs
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
