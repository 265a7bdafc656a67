"""Where a field is in a working-tree file: ``budget.sources[0].kind`` → line and column.

Findings are placed after the rules ran, by re-reading only the files that have findings (the
fast load keeps no positions): line by line where the file is plain block YAML
(:mod:`registry.fastpositions`), through the parser otherwise. One lookup serves the engine (record and change rules) and the
audit (findings in history, shown where a reviewer will look: the working tree's file)."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from registry.cache import blob_id
from registry.fastpositions import simple_positions
from registry.layout import UnreadableFile, read_regular
from registry.loader import position
from registry.yamlio import Parsed, YamlError, decode, parse

_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_path(field: str) -> tuple[str | int, ...]:
    """``budget.sources[0].kind`` → ``('budget', 'sources', 0, 'kind')``."""
    return tuple(name if name else int(index) for name, index in _FIELD_PART.findall(field))


class FilePositions:
    """Line/column of fields in the files below ``root``, each file parsed at most once.

    A file is read as a regular file of that path, never through a symbolic link; a file that
    is missing, unreadable or not YAML places everything on its line 1."""

    def __init__(self, root: Path, read: Callable[[str], bytes] | None = None) -> None:
        self.root = root
        self._read = read  # how a file's bytes are read (``check --staged``: from git's index), else the working tree
        self._parsed: dict[str, Parsed | None] = {}

    def find(self, path: str, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """The position of the deepest part of ``loc`` present in ``path`` (else 1, 1)."""
        if not loc:
            return 1, 1
        if path not in self._parsed:
            self._parsed[path] = _positions_of(self.root, path, self._read)
        parsed = self._parsed[path]
        return position(parsed, loc) if parsed is not None else (1, 1)

    def of_field(self, path: str, field: str) -> tuple[int, int]:
        """The position of a dotted field (``units[2].approvers``) in ``path``."""
        return self.find(path, field_path(field))


def _positions_of(root: Path, path: str, read: Callable[[str], bytes] | None = None) -> Parsed | None:
    """The file's positions: worked out line by line for plain block YAML
    (:mod:`registry.fastpositions`), by the parser otherwise; None for a file that is missing,
    unreadable or not YAML."""
    try:
        raw = read(path) if read is not None else read_regular(root, path)
        found = simple_positions(decode(raw), blob_id(raw))
        return Parsed({}, found) if found is not None else parse(raw, positions=True)
    except (UnreadableFile, YamlError, OSError, ValueError, RecursionError):
        return None
