"""A fast reader for the plain block YAML records are written in — or "not sure".

History reads thousands of record blobs; :func:`registry.yamlio.parse` builds each from the C
parser's events, about half a millisecond a file, which is most of the history's cost. Records
are written in a small part of YAML: block mappings and lists, ``key: value`` lines, one-line
flow lists and mappings of scalars, comment lines. :func:`read_simple` reads exactly that part
line by line and returns the same data :func:`registry.yamlio.parse` would — the same scalars
through the same :func:`registry.yamlio.resolve_plain` — and returns None for anything else
(quotes with escapes, multi-line scalars, anchors, tags, a comment after a quoted value, tabs,
control characters, duplicate keys …): the caller then uses the full parser, which also gives the
error message. It never guesses: every construct it does not fully understand means None.
"""
from __future__ import annotations

import re
from typing import Any

from registry.hiddentext import SCREEN
from registry.yamlio import resolve_plain
from registry.yamltext import CONTROL_CHARACTERS, ODD_BREAKS

# A plain scalar may not start with an indicator (YAML 1.2, 7.3.3): leave those to the parser.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_UNSURE_TEXT = "\t\r\ufeff\\\\"
_FLOW_FORBIDDEN = frozenset("?:,[]{}#&*!|>'\"%@`")  # libyaml refuses some of these inside flow scalars
# One search for every character the reader leaves to the parser: tabs, CR, BOM, backslashes,
# control characters (yamltext.CONTROL_CHARACTERS) and the line breaks editors do not count (ODD_BREAKS).
_UNSURE_CHARACTER = re.compile(f"[{_UNSURE_TEXT}{CONTROL_CHARACTERS}{ODD_BREAKS}]")
# ... and the hidden characters a screen looks for (see read_screened): one search for both
_UNSURE_OR_HIDDEN = re.compile(f"[{_UNSURE_CHARACTER.pattern.strip('[]')}{SCREEN}]")
# Keys that are not text once resolved (``null:``, ``true:`` …): the only ones a key of letters,
# digits and underscores can be, since numbers and dates start with a digit or a sign.
_NOT_TEXT_KEYS = frozenset({"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"})
# plain scalar → value, in a block and in a flow collection (where fewer characters may appear):
# checking and resolving are pure functions, and the values immutable
_RESOLVED: dict[str, Any] = {}
_RESOLVED_FLOW: dict[str, Any] = {}
_FLOWS: dict[str, Any] = {}  # flow collections read before (their checks passed)
_MAX_RESOLVED = 50_000
_MAX_DEPTH = 16  # records are a few levels deep; the parser's own limit is 32


class _Unsure(Exception):
    """Outside the simple part: use the full parser."""


def read_simple(text: str) -> dict[str, Any] | None:
    """The data of ``text`` if it is simple block YAML (see the module), else None."""
    if _UNSURE_CHARACTER.search(text):
        return None
    return _read(text)


def read_shared(text: str) -> dict[str, Any] | None:
    """:func:`read_simple`'s data, assembled from the text's top-level entries (a key line at
    the left margin and every line below it), each read once per run and remembered by its text:
    the versions of one record in a history differ in an entry or two. The values are SHARED
    with every other text holding the same entry: only for readers that never change them
    (:func:`registry.blobfields.project_fields`). Each entry is read exactly as the whole text
    would read it (an entry ends where the next line at the margin that is no list item starts;
    whatever :func:`read_simple` would not be sure of, this is not either)."""
    found = read_pieces(text)
    return None if found is None else found[0]


def read_pieces(text: str) -> tuple[dict[str, Any], list[str]] | None:
    """:func:`read_shared`'s data and, in the order of its keys, the piece of text each entry
    was read from: a piece decides its key and value, so whatever a caller works out from one
    entry alone it may remember by the piece (:meth:`registry.shapes.FieldChecks.surely_valid`)."""
    out: dict[str, Any] = {}
    pieces: list[str] = []
    for part in _TOP_LEVEL.split(text):
        found = _ENTRIES.get(part, _NOT_READ)
        if found is _NOT_READ:
            found = _top_entry(part)
            if len(_ENTRIES) >= _MAX_RESOLVED:
                _ENTRIES.clear()
            _ENTRIES[part] = found
        if found is None:
            return None
        if found is _NOTHING:
            continue
        key, value = found
        if key in out:
            return None  # duplicates are errors
        out[key] = value
        pieces.append(part)
    return (out, pieces) if out else None


# Split before a line at the margin that is not blank, a comment or a list item: the start of
# the next top-level entry (a list written at its key's indent stays with its key).
_TOP_LEVEL = re.compile(r"\n(?=[^ \n#-])")
_ENTRIES: dict[str, Any] = {}  # a piece of text → (key, value) | _NOTHING | None (not sure)
_NOT_READ = object()
_NOTHING = object()  # a piece with no entry (comments and blank lines only)


def _top_entry(piece: str) -> Any:
    if _UNSURE_CHARACTER.search(piece):
        return None  # (the pieces and the line breaks between them are the whole text)
    nested = _NESTED.match(piece)
    if nested is not None and nested.group(1) not in _NOT_TEXT_KEYS:
        return _nested_entry(piece, nested)
    lines = _lines(piece)
    if not lines:
        return _NOTHING
    if lines[0][0] != 0:
        return None
    try:
        data, end = _block(lines, 0, 0, 1)
    except (_Unsure, ValueError, RecursionError):
        return None
    if end != len(lines) or not isinstance(data, dict) or len(data) != 1:
        return None
    return next(iter(data.items()))


# ``key:`` alone on the first line, then an entry of a block mapping indented below it: the
# value is that mapping, read entry by entry as the top level is (see _nested_entry)
_NESTED = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,127}):\n( +)[^ \n#-]")
_SPLITS: dict[int, re.Pattern[str]] = {}  # indent → split before a line starting an entry at that indent
_INNER: dict[str, Any] = {}  # an entry's piece (indent included) → (key, value) | None (not sure)


def _nested_entry(piece: str, nested: re.Match[str]) -> Any:
    """The entry ``key:`` + a block mapping at indent n, its value assembled from the mapping's
    entries (a line at indent n that is no list item or comment, and every line below it),
    each read once per run and remembered by its text, as :func:`read_shared` does for the
    top level: versions of a record change a milestone or two, not all of them. An entry is
    read exactly as the whole text would read it (at depth 2, where the whole reader meets it;
    a line less indented than n inside it ends its mapping early: not sure)."""
    key, indent = nested.group(1), len(nested.group(2))
    split = _SPLITS.get(indent)
    if split is None:
        split = _SPLITS[indent] = re.compile(f"\n(?= {{{indent}}}[^ \n#-])")
    value: dict[str, Any] = {}
    for part in split.split(piece[len(key) + 2:]):
        found = _INNER.get(part, _NOT_READ)
        if found is _NOT_READ:
            found = _inner_entry(part, indent)
            if len(_INNER) >= _MAX_RESOLVED:
                _INNER.clear()
            _INNER[part] = found
        if found is None or found[0] in value:
            return None  # not sure, or a duplicate key (an error)
        value[found[0]] = found[1]
    return key, value


def _inner_entry(part: str, indent: int) -> tuple[str, Any] | None:
    lines = _lines(part)
    if not lines or lines[0][0] != indent:
        return None
    try:
        data, end = _mapping(lines, 0, indent, 2, lines[0][1])
    except (_Unsure, ValueError, RecursionError):
        return None
    if end != len(lines) or len(data) != 1:
        return None
    return next(iter(data.items()))


def plain_text(text: str) -> bool:
    """Whether ``text`` holds no character the reader leaves to the parser, nor a hidden one (see read_screened)."""
    return _UNSURE_OR_HIDDEN.search(text) is None


def read_screened(text: str) -> tuple[dict[str, Any] | None, bool]:
    """:func:`read_simple`, and whether it read data from a text without any hidden character
    (:data:`registry.hiddentext.SCREEN`; found by the same search). Every text this reader
    returns is a piece of ``text`` as written (no escapes, no folding), so such data holds
    none either; data it leaves to the full parser is never vouched for."""
    found = _UNSURE_OR_HIDDEN.search(text)
    if found is None:
        data = _read(text)
        return data, data is not None  # (what the full parser reads is not vouched for)
    if _UNSURE_CHARACTER.search(text, found.start()):  # (none before the first hit)
        return None, False
    return _read(text), False


def _read(text: str) -> dict[str, Any] | None:
    lines = _lines(text)
    if not lines or lines[0][0] != 0:
        return None
    try:
        data, end = _block(lines, 0, 0, 1)
    except (_Unsure, ValueError, RecursionError):
        return None
    if end != len(lines) or not isinstance(data, dict):
        return None
    return data


Line = tuple[int, str]  # (indent, content without the indent)


_LINE = re.compile(r"^( *)([^ \n#][^\n]*)", re.M)  # blank and comment lines never match


def _lines(text: str) -> list[Line]:
    found = _LINE.findall(text)
    if " #" in text or " \n" in text or text.endswith(" "):  # (a record seldom has either)
        return [_cleaned(indent, content) for indent, content in found]
    return [(len(indent), content) for indent, content in found]


def _cleaned(indent: str, content: str) -> Line:
    if content.endswith(" "):
        content = content.rstrip(" ")
    if " #" in content and '"' not in content:  # a comment after the value ends the line
        content = content[:content.index(" #")].rstrip(" ")
    return len(indent), content


def _block(lines: list[Line], i: int, indent: int, depth: int) -> tuple[Any, int]:
    if depth >= _MAX_DEPTH or lines[i][1] == "-":
        raise _Unsure
    if lines[i][1].startswith("- "):
        return _sequence(lines, i, indent, depth)
    return _mapping(lines, i, indent, depth, lines[i][1])


def _mapping(lines: list[Line], i: int, indent: int, depth: int, first: str) -> tuple[dict[str, Any], int]:
    """The mapping whose first key line is ``lines[i]`` (its content given as ``first``: a
    mapping that starts a list item begins after the item's ``- ``)."""
    if depth >= _MAX_DEPTH:  # every container counts (a list written at its key's indent too)
        raise _Unsure
    out: dict[str, Any] = {}
    content = first
    end = len(lines)
    while True:
        known = _VALUE_LINES.get(content)
        if known is not None:  # a ``key: value`` line read before (its checks passed)
            key, value = known
            if key in out:
                raise _Unsure  # duplicates are errors
            # a flow collection holds scalars only: a shallow copy is a new one
            out[key] = value.copy() if type(value) is dict or type(value) is list else value
            i += 1
        else:
            i = _entry(lines, i, indent, depth, content, out)
        if i >= end:
            return out, i
        below, content = lines[i]
        if below < indent:
            return out, i
        if below > indent or content.startswith("-"):
            raise _Unsure


# ``key: value`` lines (the value on the line) read before: the same line means the same wherever
# it stands; a scalar is immutable and shared, a flow collection is copied (see _mapping)
_VALUE_LINES: dict[str, tuple[str, Any]] = {}


def _entry(lines: list[Line], i: int, indent: int, depth: int, content: str, out: dict[str, Any]) -> int:
    """Reads the mapping entry that starts on line ``i`` (``content``) into ``out``; returns
    the index of the line after it."""
    match = _KEY_LINE.fullmatch(content)
    if match is None:
        raise _Unsure
    key, value = match.groups()
    if key in out or key in _NOT_TEXT_KEYS:
        raise _Unsure  # duplicates are errors; ``null:``/``true:`` keys are not plain text
    i += 1
    end = len(lines)
    if value:
        read = _scalar_or_flow(value)
        if len(_VALUE_LINES) >= _MAX_RESOLVED:
            _VALUE_LINES.clear()
        _VALUE_LINES[content] = key, read
        out[key] = read.copy() if type(read) is dict or type(read) is list else read
    elif i < end and lines[i][0] > indent:
        out[key], i = _block(lines, i, lines[i][0], depth + 1)
    elif i < end and lines[i][0] == indent and lines[i][1].startswith("- "):
        out[key], i = _sequence(lines, i, indent, depth + 1)  # a list written at the key's indent
    else:
        out[key] = None
    return i


# YAML limits a key written without ``?`` to 1024 characters (the parser refuses longer ones);
# record keys are short names, so anything long is left to the parser.
_MAX_KEY = 128
# ``key: value`` or ``key:``, the key ``[A-Za-z_][A-Za-z0-9_]*`` (plain text however it is resolved)
_KEY_LINE = re.compile(f"([A-Za-z_][A-Za-z0-9_]{{0,{_MAX_KEY - 1}}}):(?: +(.*))?")


def _is_key_line(content: str) -> bool:
    return _KEY_LINE.fullmatch(content) is not None


def _sequence(lines: list[Line], i: int, indent: int, depth: int) -> tuple[list[Any], int]:
    if depth >= _MAX_DEPTH:
        raise _Unsure
    out: list[Any] = []
    while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
        rest = lines[i][1][2:]
        if not rest or rest.startswith((" ", "-")):
            raise _Unsure
        if _is_key_line(rest):
            item, i = _mapping(lines, i, indent + 2, depth + 1, rest)
            out.append(item)
            continue
        out.append(_scalar_or_flow(rest))
        i += 1
        if i < len(lines) and lines[i][0] > indent:
            raise _Unsure  # a continuation line: a multi-line scalar
    if i < len(lines) and lines[i][0] > indent:
        raise _Unsure
    return out, i


def _scalar_or_flow(value: str) -> Any:
    first = value[0]
    if first == "[" or first == "{":
        read = _FLOWS.get(value)
        if read is None:
            read = _flow_list(value) if first == "[" else _flow_map(value)
            if len(_FLOWS) >= _MAX_RESOLVED:
                _FLOWS.clear()
            _FLOWS[value] = read
        return read.copy()  # (of scalars only: a shallow copy is a new collection)
    if first == '"':
        return _quoted(value)
    return _plain(value, flow=False)


def _plain(value: str, *, flow: bool) -> Any:
    known = _RESOLVED_FLOW if flow else _RESOLVED
    try:
        return known[value]  # (read before: the checks below passed)
    except KeyError:
        pass
    if not value or value[0] in _INDICATORS and not _signed_number(value):
        raise _Unsure
    if value.endswith(":") or ": " in value or " #" in value:  # " #": a comment the line kept (it holds a quote)
        raise _Unsure
    if flow and not _FLOW_FORBIDDEN.isdisjoint(value):
        raise _Unsure
    resolved = resolve_plain(value)
    if len(known) >= _MAX_RESOLVED:
        known.clear()
    known[value] = resolved
    return resolved


def _signed_number(value: str) -> bool:
    """``-1``, ``-0.5``: a minus sign followed by a digit starts a plain scalar."""
    return len(value) > 1 and value[0] == "-" and value[1].isdigit()


def _quoted(value: str) -> str:
    """A double-quoted scalar without escapes, alone on its line."""
    if len(value) < 2 or not value.endswith('"') or '"' in value[1:-1]:
        raise _Unsure
    return value[1:-1]


def _flow_items(value: str, close: str) -> list[str]:
    if not value.endswith(close):
        raise _Unsure
    inner = value[1:-1]
    if not inner.strip(" "):
        return []
    items = [item.strip(" ") for item in inner.split(",")]
    if len(items) > 1 and not items[-1] and close == "]":
        items.pop()  # ``[a, ]``: one trailing comma after an item ends the list, as YAML reads it
    if any(not item for item in items):
        raise _Unsure  # ``[a, , b]``, ``[ , ]``, a trailing comma in a mapping: leave them to the parser
    return items


def _flow_list(value: str) -> list[Any]:
    return [_quoted(item) if item.startswith('"') and "," not in item else _plain(item, flow=True)
            for item in _flow_items(value, "]")]


# One ``key: value`` of a flow mapping, spaces around it (the key as in a block mapping)
_FLOW_ENTRY = re.compile(f" *([A-Za-z_][A-Za-z0-9_]{{0,{_MAX_KEY - 1}}}): +(.*?) *")


def _flow_map(value: str) -> dict[str, Any]:
    if not value.endswith("}"):
        raise _Unsure
    inner = value[1:-1]
    out: dict[str, Any] = {}
    if not inner.strip(" "):
        return out
    for item in inner.split(","):
        match = _FLOW_ENTRY.fullmatch(item)
        if match is None:
            raise _Unsure  # not ``key: value`` (``[a, , b]``, a trailing comma …): the parser decides
        key, raw = match.groups()
        if not raw or key in out or key in _NOT_TEXT_KEYS:
            raise _Unsure
        out[key] = _quoted(raw) if raw[0] == '"' else _plain(raw, flow=True)
    return out
