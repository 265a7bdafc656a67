"""Where each key and list item of a plain block YAML record is — or "not sure".

Findings are placed by re-reading the files that have them (:mod:`registry.positions`). The
full parser builds every event of a file for that, about half a millisecond a file, which is
most of what placing a few hundred findings costs. Records are written in the small part of
YAML that :func:`registry.fastyaml.read_simple` reads line by line; for a file it reads, this
module works out the same line/column map the parser's builder records
(:class:`registry.yamlbuild.Builder` with positions):

* a mapping key: where the key starts;
* a list item: where the item starts — the scalar (its quote, if quoted), the ``[``/``{`` of
  a flow collection, or the first key of a mapping written after ``- ``;
* items and keys inside a one-line flow collection likewise.

It returns None for any file ``read_simple`` does not read, and for any line it does not fully
understand; the caller then asks the parser. tests/test_fastpositions.py compares both on every
record the tests know and on generated ones.

Whether ``read_simple`` reads a text is a fact of its bytes: the loader has just read most files
with findings that way (:func:`registry.hiddentext.screened` says so of the record it made), so
their blob ids are remembered (:func:`vouch`) and such a file is not read a second time
before its positions are worked out.
"""
from __future__ import annotations

from registry.fastyaml import read_simple
from registry.patterns import on_first_use
from registry.yamlbuild import Path, Positions

# Compiled when positions are first worked out: a check that reports nothing needs none.
_key_line = on_first_use(r"([A-Za-z_][A-Za-z0-9_]{0,127}):(?: +(.*))?")
_flow_key = on_first_use(r"( *)([A-Za-z_][A-Za-z0-9_]{0,127}): +")


Line = tuple[int, int, str]  # (line number, indent, content without the indent)


_VOUCHED: set[str] = set()  # blob ids of texts read_simple reads
_MAX_VOUCHED = 200_000  # (a long-lived process forgets them all rather than grow without end)


class _Unsure(Exception):
    pass


def vouch(blob: str) -> None:
    """The text whose git blob id is ``blob`` was read by :func:`read_simple` (it returned data)."""
    if len(_VOUCHED) >= _MAX_VOUCHED:
        _VOUCHED.clear()
    _VOUCHED.add(blob)


def simple_positions(text: str, blob: str | None = None) -> Positions | None:
    """The positions map of ``text`` (as the parser's builder records it), or None. ``blob``:
    the git blob id of the bytes ``text`` was decoded from, if known (see :func:`vouch`)."""
    if (blob is None or blob not in _VOUCHED) and read_simple(text) is None:
        return None
    lines = _lines(text)
    positions: Positions = {}
    try:
        end = _mapping(lines, 0, 0, (), positions, lines[0][2] if lines else "")
    except (_Unsure, IndexError):
        return None
    return positions if end == len(lines) else None


def _lines(text: str) -> list[Line]:
    """(line number, indent, content) of every line that is not blank or a comment, the
    content without trailing spaces or a comment after the value (as fastyaml reads lines)."""
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent = len(line) - len(content)
        if content[-1] == " ":
            content = content.rstrip(" ")
        if " #" in content and '"' not in content:  # a comment after the value ends the line
            content = content[:content.index(" #")].rstrip(" ")
        out.append((number, indent, content))
    return out


def _mapping(lines: list[Line], i: int, indent: int, path: Path, positions: Positions, first: str) -> int:
    """The block mapping whose first key line is ``lines[i]`` (content ``first``, at column
    ``indent``); returns the index of the line after it."""
    content = first
    while True:
        number = lines[i][0]
        match = _key_line().fullmatch(content)
        if match is None:
            raise _Unsure
        key, value = match.groups()
        here = path + (key,)
        positions[here] = (number, indent + 1)
        i += 1
        if value:
            _inline(value, number, indent + match.start(2), here, positions, in_list=False)
        elif i < len(lines) and lines[i][1] > indent:
            i = _block(lines, i, here, positions)
        elif i < len(lines) and lines[i][1] == indent and lines[i][2].startswith("- "):
            i = _sequence(lines, i, indent, here, positions)
        if i >= len(lines) or lines[i][1] < indent:
            return i
        if lines[i][1] > indent or lines[i][2].startswith("-"):
            raise _Unsure
        content = lines[i][2]


def _block(lines: list[Line], i: int, path: Path, positions: Positions) -> int:
    _, indent, content = lines[i]
    if content.startswith("- "):
        return _sequence(lines, i, indent, path, positions)
    return _mapping(lines, i, indent, path, positions, content)


def _sequence(lines: list[Line], i: int, indent: int, path: Path, positions: Positions) -> int:
    n = 0
    while i < len(lines) and lines[i][1] == indent and lines[i][2].startswith("- "):
        number, _, content = lines[i]
        rest = content[2:]
        item = path + (n,)
        if not rest or rest.startswith((" ", "-")):
            raise _Unsure
        if _key_line().fullmatch(rest):
            positions[item] = (number, indent + 3)  # the mapping starts at its first key
            i = _mapping(lines, i, indent + 2, item, positions, rest)
        else:
            _inline(rest, number, indent + 2, item, positions, in_list=True)
            i += 1
        n += 1
    return i


def _inline(value: str, number: int, offset: int, path: Path, positions: Positions, *, in_list: bool) -> None:
    """A value written on its line, starting at 0-based column ``offset``: a scalar or a
    one-line flow collection of scalars. An item of a list has a position itself."""
    if in_list:
        positions[path] = (number, offset + 1)
    first = value[0]
    if first == "[":
        _flow_list(value, number, offset, path, positions)
    elif first == "{":
        _flow_map(value, number, offset, path, positions)


def _flow_list(value: str, number: int, offset: int, path: Path, positions: Positions) -> None:
    inner = value[1:-1]
    if not inner.strip(" "):
        return
    at = offset + 1
    items = inner.split(",")
    if len(items) > 1 and not items[-1].strip(" "):
        items.pop()  # ``[a, ]``: a trailing comma ends the list (fastyaml reads it so)
    for n, item in enumerate(items):
        start = len(item) - len(item.lstrip(" "))
        positions[path + (n,)] = (number, at + start + 1)
        at += len(item) + 1


def _flow_map(value: str, number: int, offset: int, path: Path, positions: Positions) -> None:
    inner = value[1:-1]
    if not inner.strip(" "):
        return
    at = offset + 1
    for item in inner.split(","):
        match = _flow_key().match(item)
        if match is None:
            raise _Unsure
        positions[path + (match.group(2),)] = (number, at + len(match.group(1)) + 1)
        at += len(item) + 1


class KeyFinder:
    """The position of one field at a time in a text :func:`read_simple` reads, found by walking
    only the lines of the mappings on the field's way (the audit places a handful of
    ``milestones.<name>`` fields in each of a few hundred files: building each file's whole map
    cost more than the rest of placing them). Every answer is what
    :func:`registry.loader.position` answers from the whole map; a field whose way runs through a
    list or a flow collection is "not sure" (None): the caller builds the map."""

    __slots__ = ("_lines",)

    def __init__(self, lines: list[Line]) -> None:
        self._lines = lines

    @classmethod
    def of(cls, text: str, blob: str | None = None) -> KeyFinder | None:
        """A finder for ``text`` (git blob id ``blob``, see :func:`vouch`); None if it is not
        simple block YAML."""
        if (blob is None or blob not in _VOUCHED) and read_simple(text) is None:
            return None
        lines = _lines(text)
        return cls(lines) if lines and lines[0][1] == 0 else None

    def position(self, loc: Path) -> tuple[int, int] | None:
        """The position of the deepest part of ``loc`` present (1, 1 when none is); None when
        not sure."""
        lines = self._lines
        start, end, indent = 0, len(lines), 0
        found = (1, 1)
        for depth, part in enumerate(loc):
            if type(part) is not str:
                return None
            hit = self._key(start, end, indent, part)
            if hit is None:
                return None
            if hit[0] < 0:
                return found
            line, value = hit
            found = (lines[line][0], indent + 1)
            if depth == len(loc) - 1:
                return found
            if value:  # a value on the key's line: a scalar has no parts, a flow collection is not walked
                return None if value[0] in "[{" else found
            below = line + 1
            if below >= end or lines[below][1] <= indent:
                return found  # no value, or a list written at the key's indent: no named parts
            if lines[below][2].startswith("- "):
                return None  # a list: its items are not walked
            block_end = below
            while block_end < end and lines[block_end][1] > indent:
                block_end += 1
            start, end, indent = below, block_end, lines[below][1]
        return found

    def _key(self, start: int, end: int, indent: int, key: str) -> tuple[int, str] | None:
        """(index of the line of ``key``, its value on the line) in the mapping at ``indent``
        spanning lines ``start:end``; (-1, '') when it has no such key; None when a line is not
        understood."""
        lines = self._lines
        for i in range(start, end):
            _, at, content = lines[i]
            if at != indent or content.startswith("- "):
                continue  # a nested value, or an item of a list written at its key's indent
            match = _key_line().fullmatch(content)
            if match is None:
                return None
            if match.group(1) == key:
                return i, match.group(2) or ""
        return -1, ""
