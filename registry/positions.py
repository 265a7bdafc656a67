"""Where a field is in a working-tree file: ``budget.sources[0].kind`` → line and column.

Findings are placed after the rules ran, by re-reading only the files that have findings (the
fast load keeps no positions): line by line where the file is plain block YAML
(:mod:`registry.fastpositions`), through the parser otherwise. One lookup serves the engine (record and change rules) and the
audit (findings in history, shown where a reviewer will look: the working tree's file).

Where a field is depends on the file's bytes alone, so a caller that places findings in the same
files run after run (``registry audit``: every finding of the whole history, in the working
tree's files) keeps the answers by the file's blob id in the cache store
(:class:`RememberedPositions`): a file is then read and hashed, never parsed again while its
content stays the same; a field not answered before is found by walking only the mappings on
its way (:class:`registry.fastpositions.KeyFinder`) where it can be, the whole map otherwise."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from registry.cache import blob_id
from registry.fastpositions import KeyFinder, simple_positions
from registry.layout import UnreadableFile, read_regular
from registry.loader import position
from registry.patterns import on_first_use
from registry.yamlio import Parsed, YamlError, decode, parse

if TYPE_CHECKING:
    from registry.cachestore import Store


# Compiled when a finding's position is first asked for (a check that reports nothing asks for none).
_field_part = on_first_use(r"([^.\[\]]+)|\[(\d+)\]")


def field_path(field: str) -> tuple[str | int, ...]:
    """``budget.sources[0].kind`` → ``('budget', 'sources', 0, 'kind')``."""
    return tuple(name if name else int(index) for name, index in _field_part().findall(field))


class FilePositions:
    """Line/column of fields in the files below ``root``, each file parsed at most once.

    A file is read as a regular file of that path, never through a symbolic link; a file that
    is missing, unreadable or not YAML places everything on its line 1."""

    def __init__(self, root: Path, read: Callable[[str], bytes] | None = None,
                 remembered: RememberedPositions | None = None) -> None:
        self.root = root
        self._read = read  # how a file's bytes are read (``check --staged``: from git's index), else the working tree
        self._remembered = remembered  # answers kept by blob id across runs (None: worked out each run)
        self._parsed: dict[str, Parsed | None] = {}
        self._blobs: dict[str, str | None] = {}  # path → its blob id (None: unreadable), when answers are remembered
        self._unparsed: dict[str, bytes] = {}  # bytes read for their blob id, not parsed yet
        self._finders: dict[str, KeyFinder | None] = {}  # per path, when answers are remembered

    def find(self, path: str, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """The position of the deepest part of ``loc`` present in ``path`` (else 1, 1)."""
        if not loc:
            return 1, 1
        remembered = self._remembered
        if remembered is None:
            return self._worked_out(path, loc)
        blob = self._blob(path)
        if blob is None:
            return 1, 1
        found = remembered.get(blob, loc)
        if found is None:
            found = self._walked(path, blob, loc)
            if found is None:
                found = self._worked_out(path, loc)
                if self._parsed[path] is None:
                    return found  # a file that is not YAML: simply worked out again
            remembered.put(blob, loc, found)
        return found

    def of_field(self, path: str, field: str) -> tuple[int, int]:
        """The position of a dotted field (``units[2].approvers``) in ``path``."""
        return self.find(path, field_path(field))

    def _walked(self, path: str, blob: str, loc: tuple[str | int, ...]) -> tuple[int, int] | None:
        """The position found along ``loc`` alone in a plain block YAML file
        (:class:`registry.fastpositions.KeyFinder`); None when not sure (then the whole map)."""
        if path not in self._finders:
            raw = self._unparsed.get(path)
            try:
                self._finders[path] = KeyFinder.of(decode(raw), blob) if raw is not None else None
            except (YamlError, ValueError):
                self._finders[path] = None
        finder = self._finders[path]
        return finder.position(loc) if finder is not None else None

    def _worked_out(self, path: str, loc: tuple[str | int, ...]) -> tuple[int, int]:
        if path not in self._parsed:
            raw = self._unparsed.pop(path) if path in self._unparsed else self._bytes(path)
            self._parsed[path] = _positions_of(raw, self._blobs.get(path) or blob_id(raw)) if raw is not None else None
        parsed = self._parsed[path]
        return position(parsed, loc) if parsed is not None else (1, 1)

    def _blob(self, path: str) -> str | None:
        if path not in self._blobs:
            raw = self._bytes(path)
            self._blobs[path] = blob_id(raw) if raw is not None else None
            if raw is not None:
                self._unparsed[path] = raw
        return self._blobs[path]

    def _bytes(self, path: str) -> bytes | None:
        try:
            return self._read(path) if self._read is not None else read_regular(self.root, path)
        except (UnreadableFile, OSError, ValueError):
            return None


def _positions_of(raw: bytes, blob: str) -> Parsed | None:
    """The positions of a file's bytes (blob id ``blob``): worked out line by line for plain
    block YAML (:mod:`registry.fastpositions`), by the parser otherwise; None for bytes that
    are not YAML."""
    try:
        found = simple_positions(decode(raw), blob)
        return Parsed({}, found) if found is not None else parse(raw, positions=True)
    except (YamlError, ValueError, RecursionError):
        return None


Answer = tuple[int, int]


class RememberedPositions:
    """Where fields are in files, by the file's blob id and the field, kept in the signed cache
    store (the store is per tool version, so a change to how positions are worked out is never
    served old answers). Only answers from files that parsed are kept."""

    NAME = "positions"
    _FORMAT = 1
    _KEEP = 100_000  # answers kept (the newest): a long-lived cache forgets the oldest

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self._known: dict[tuple[str, tuple[str | int, ...]], Answer] = self._load()
        self._new = False

    def _load(self) -> dict[tuple[str, tuple[str | int, ...]], Answer]:
        found = self.store.read(self.NAME) if self.store is not None else None
        if isinstance(found, tuple) and len(found) == 2 and found[0] == self._FORMAT and isinstance(found[1], dict):
            return found[1]
        return {}

    def get(self, blob: str, loc: tuple[str | int, ...]) -> Answer | None:
        return self._known.get((blob, loc))

    def put(self, blob: str, loc: tuple[str | int, ...], answer: Answer) -> None:
        self._known[(blob, loc)] = answer
        self._new = True

    def save(self) -> None:
        """Write what this run worked out (nothing when nothing is new)."""
        if self.store is None or not self._new:
            return
        if len(self._known) > self._KEEP:
            self._known = dict(list(self._known.items())[-self._KEEP:])
        self.store.write(self.NAME, (self._FORMAT, self._known))
        self._new = False
