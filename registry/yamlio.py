"""The only place that reads YAML.

Records are read from ruamel.yaml's event stream (its C parser when ``ruamel.yaml.clib`` is
installed) and built into plain Python data here, for three reasons:

* speed: ruamel's safe constructor is the slow part of loading; building dicts from events is
  several times faster, and a registry of 20,000 files must check in seconds;
* safety: anchors, aliases and tags are refused *as they are met*, before any object exists,
  so an alias bomb costs nothing (ruamel has no alias limit: the blow-up happens in whatever
  walks the data afterwards);
* positions: every key's 1-based line/column can be recorded in the same pass, for the files
  whose findings need them.

Scalars are resolved with the YAML 1.2 core schema plus dates (``2025-01-31``), as ruamel does.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Generator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.reader import ReaderError

from registry.findings import Message
from registry.yamltext import (
    CONTROL,
    ODD_BREAK,
    control_message,
    end_position,
    last_line,
    line_column,
    reader_error,
    stray_tab,
    tab_message,
)

Path = tuple[str | int, ...]
Positions = dict[Path, tuple[int, int]]

_PARSER = YAML(typ="safe")  # picks the C parser when ruamel.yaml.clib is installed
_C_PARSER = _PARSER.Parser.__module__.startswith("ruamel.yaml.clib")

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
                  "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
                  ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}
# Integer literals longer than this are refused: Python will not even print an integer of
# more than 4,300 digits, and no field of a record needs a tenth of that.
_MAX_NUMBER_LENGTH = 400
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\Z")
# Records are a few levels deep (``budget.sources[0].kind``); anything far deeper is an
# attack or a mistake, and refusing it at the first level too many keeps every later walk
# over the data (validation, messages, exports) short and free of recursion limits.
MAX_DEPTH = 32

_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?\Z"
)


@dataclasses.dataclass(frozen=True)
class YamlError(Exception):
    """A REG001 problem: the file is not one plain YAML mapping."""

    line: int
    column: int
    message: Message
    field: str = ""


@dataclasses.dataclass
class Parsed:
    data: dict[str, Any]
    positions: Positions | None = None  # only when asked for


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "-+.":
        if len(text) > _MAX_NUMBER_LENGTH and (_INT.match(text) or _INT_OCT.match(text) or _INT_HEX.match(text)):
            raise _TooLong(text)
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if text in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[text]
        if _INT_OCT.match(text):
            return int(text[2:], 8)
        if _INT_HEX.match(text):
            return int(text[2:], 16)
        if m := _DATE.match(text):
            return _date(text, *m.groups())
        if m := _TIMESTAMP.match(text):
            return _timestamp(text, m)
    return text


class _TooLong(ValueError):
    """A number literal too long to be a value of any field."""


def _date(text: str, year: str, month: str, day: str) -> dt.date | str:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return text  # "2025-02-30" stays text; the schema then asks for a real date


def _timestamp(text: str, m: re.Match[str]) -> dt.datetime | str:
    year, month, day, hour, minute, second, fraction, _tz = m.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro)
    except ValueError:
        return text


def decode(raw: bytes) -> str:
    """UTF-8 text (a leading BOM is dropped); bad bytes are a REG001 problem at their line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(line, column, Message(
            f"文件不是 UTF-8 编码（第 {line} 行有无法解码的字节 0x{raw[exc.start]:02x}）：请用 UTF-8 保存文件",
            f"file is not UTF-8 (undecodable byte 0x{raw[exc.start]:02x} on line {line}): save it as UTF-8",
        )) from None
    return text[1:] if text.startswith("\ufeff") else text


def parse(raw: bytes, *, positions: bool = False) -> Parsed:
    """One YAML document holding a mapping, built from events. Raises :class:`YamlError`."""
    text = decode(raw)
    try:
        return _build(text, positions)
    except YamlError as exc:
        last = last_line(text)
        if exc.line <= last:
            raise
        # The parser marks "unexpected end of file" one line past a file that does not end
        # with a line break (or past its final break): point at the last line there is.
        raise dataclasses.replace(exc, line=last) from None


def _build(text: str, positions: bool) -> Parsed:
    builder = _Builder(positions, control_anywhere=CONTROL.search(text) is not None)
    events = _events(text)
    try:
        for event in events:
            builder.feed(event)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, end_position(text)) from None
    except ReaderError as exc:
        raise YamlError(*reader_error(text, exc)) from None
    except YAMLError as exc:  # unmarked errors are rare; still never a traceback
        raise YamlError(1, 1, Message(f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}")) from None
    finally:
        events.close()
    parsed = builder.result()
    if "\t" in text:
        _refuse_stray_tab(text)
    if parsed.positions and ODD_BREAK.search(text):
        # The parser also ends lines at NEL, LS and PS, which editors do not: keep every
        # position inside the file as the editor counts it.
        last = last_line(text)
        parsed.positions = {loc: (min(line, last), column) for loc, (line, column) in parsed.positions.items()}
    return parsed


def _refuse_stray_tab(text: str) -> None:
    """A second pass, only for the rare file holding a tab: where its written text lies."""
    events = _events(text)
    try:
        quoted = [(e.start_mark.index, e.end_mark.index) for e in events
                  if type(e) is ScalarEvent and e.style]
    finally:
        events.close()
    at = stray_tab(text, quoted)
    if at is not None:
        line, column = line_column(text, at)
        raise YamlError(line, column, tab_message(line, column))


def _events(text: str) -> Generator[Any, None, None]:
    """The parser's events; straight from ruamel's C parser when ``ruamel.yaml.clib`` is
    installed (its pure-Python fallback only through ``YAML.parse``)."""
    if not _C_PARSER:
        yield from _PARSER.parse(text)
        return
    parser = _PARSER.Parser(text)
    try:
        while True:
            event = parser.get_event()
            if type(event) is StreamEndEvent:
                return
            yield event
    finally:
        parser.dispose()


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


class _Builder:
    """Builds plain data from parser events; refuses what a record must not contain.

    The stack holds one ``[container, pending key]`` frame per open mapping or list. Paths are
    only worked out from the stack when they are needed (positions, error messages), which
    keeps the common case — a valid file, no positions — to a dict or list operation per event.
    """

    def __init__(self, positions: bool, *, control_anywhere: bool = False) -> None:
        self.positions: Positions | None = {} if positions else None
        # Only a double-quoted scalar can escape a control character in, unless the text
        # itself holds one the reader lets through: then every scalar is looked at.
        self.control_anywhere = control_anywhere
        self.stack: list[list[Any]] = []
        # where each open container sits in its parent (key or index), kept as containers open
        # and close, so that a path costs nothing to work out (no walk over the stack)
        self.slots: list[str | int] = []
        self.documents = 0
        self.root: Any = None

    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                self._refuse(event)
            if (event.style == '"' or self.control_anywhere) and CONTROL.search(event.value):
                line, column = _mark(event)
                raise YamlError(line, column, control_message(event.value, self._field()), self._field())
            self._add(event.value if event.style else self._plain(event), event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                self._refuse(event)
            self._open({} if kind is MappingStartEvent else [], event)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = self.stack.pop()[0]
            if self.slots:
                self.slots.pop()
            self._place(value)
        elif kind is AliasEvent:
            line, column = _mark(event)
            raise YamlError(line, column, Message(
                f"不允许使用 YAML 别名（*{event.anchor}）：请直接写出取值",
                f"YAML aliases (*{event.anchor}) are not allowed: write the value out",
            ), self._field())
        elif kind is DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                line, column = _mark(event)
                raise YamlError(line, column, Message(
                    "一个文件只能包含一个 YAML 文档（删除多余的 ---）：每条记录单独一个文件",
                    "a file must hold one YAML document (remove the extra ---): one record per file",
                ))

    def _refuse(self, event: Any) -> None:
        line, column = _mark(event)
        if event.anchor is not None:
            raise YamlError(line, column, Message(
                f"不允许使用 YAML 锚点（&{event.anchor}）：请直接写出取值",
                f"YAML anchors (&{event.anchor}) are not allowed: write the value out",
            ), self._field())
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlError(line, column, Message(
            f"不允许使用 YAML 标签（{tag}）：记录只能包含普通数据",
            f"YAML tags ({tag}) are not allowed: records hold plain data only",
        ), self._field())

    def _plain(self, event: Any) -> Any:
        try:
            return resolve_plain(event.value)
        except _TooLong:
            line, column = _mark(event)
            raise YamlError(line, column, Message(
                f"数字过长（{len(event.value)} 位）：任何字段都不需要这么长的数字，请检查取值",
                f"number too long ({len(event.value)} characters): no field needs one, check the value",
            ), self._field()) from None

    def _container_path(self) -> Path:
        """The path of the innermost open container."""
        return tuple(self.slots)

    def _path_here(self) -> Path:
        """The path of the value the next event fills in."""
        if not self.stack:
            return ()
        container, key = self.stack[-1]
        if isinstance(container, dict):
            return self._container_path() + ((key,) if key is not _NO_KEY else ())
        return self._container_path() + (len(container),)

    def _field(self) -> str:
        return ".".join(str(p) for p in self._path_here())

    def _open(self, container: Any, event: Any) -> None:
        if self.stack:
            frame = self.stack[-1]
            if frame[1] is _NO_KEY and isinstance(frame[0], dict):
                line, column = _mark(event)
                raise YamlError(line, column, Message(
                    "键必须是普通文本，不能是映射或列表", "keys must be plain text, not mappings or lists",
                ), self._field())
            if self.positions is not None and isinstance(frame[0], list):
                self.positions[self._path_here()] = _mark(event)
            self.slots.append(frame[1] if isinstance(frame[0], dict) else len(frame[0]))
        if len(self.stack) >= MAX_DEPTH:
            line, column = _mark(event)
            raise YamlError(line, column, Message(
                f"嵌套超过 {MAX_DEPTH} 层（第 {line} 行）：记录不会有这么深的结构，请检查括号和缩进",
                f"nesting deeper than {MAX_DEPTH} levels (line {line}): no record is that deep; check brackets and indentation",
            ), ".".join(str(p) for p in self.slots[:MAX_DEPTH]))
        self.stack.append([container, _NO_KEY])

    def _add(self, value: Any, event: Any) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, dict):
            if frame[1] is _NO_KEY:
                self._take_key(frame, value, event)
            else:
                container[frame[1]] = value
                frame[1] = _NO_KEY
            return
        if self.positions is not None:  # where a list item starts
            self.positions[self._path_here()] = _mark(event)
        container.append(value)

    def _take_key(self, frame: list[Any], key: Any, event: Any) -> None:
        if not isinstance(key, str):
            key = str(key) if key is not None else "null"
        if key in frame[0]:
            line, column = _mark(event)
            dotted = ".".join(str(p) for p in self._container_path() + (key,))
            raise YamlError(line, column, Message(
                f"重复的键 {key}：同一映射中每个键只能出现一次（删除或合并重复项）",
                f"duplicate key {key}: each key may appear once in a mapping (remove or merge the duplicate)",
            ), dotted)
        frame[1] = key
        if self.positions is not None:
            self.positions[self._container_path() + (key,)] = _mark(event)

    def _place(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame[0], dict):
            frame[0][frame[1]] = value
            frame[1] = _NO_KEY
        else:
            frame[0].append(value)

    def result(self) -> Parsed:
        if not isinstance(self.root, dict):
            found = "空文件" if self.root is None else type(self.root).__name__
            raise YamlError(1, 1, Message(
                f"记录必须是一个 YAML 映射（键: 值），实际为 {found}",
                f"a record must be one YAML mapping (key: value), found {found if self.root is not None else 'an empty file'}",
            ))
        return Parsed(self.root, self.positions)


class _NoKey:
    def __repr__(self) -> str:
        return "<no key>"


_NO_KEY: Any = _NoKey()

_SYNTAX_ZH = {
    "mapping values are not allowed": "此处不能出现“键: 值”（检查缩进，或给含冒号的文本加引号）",
    "could not find expected ':'": "缺少冒号“:”（检查上一行的缩进或引号）",
    "did not find expected key": "未找到预期的键（检查缩进是否对齐）",
    "did not find expected '-' indicator": "未找到预期的列表项“-”（检查缩进）",
    "found character that cannot start any token": "出现了不能开始任何标记的字符（制表符请换成空格）",
    "found undefined alias": "使用了未定义的别名",
    "found unexpected end of stream": "文件意外结束（检查未闭合的引号或括号）",
    "found unknown escape character": "双引号字符串中有未知的转义字符",
    "expected a single document in the stream": "一个文件只能包含一个 YAML 文档",
    "did not find expected node content": "未找到预期的内容",
    "found a tab character that violates indentation": "缩进中出现制表符（请改用空格）",
    "while scanning a quoted scalar": "引号未闭合",
}


def _syntax_error(exc: MarkedYAMLError, end: tuple[int, int]) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if line > end[0]:  # "unexpected end": the parser's mark is past the last line
        line, column = end
    problem = (exc.problem or exc.context or "").strip()
    zh = next((v for k, v in _SYNTAX_ZH.items() if problem.startswith(k)), None)
    if zh is None:
        zh = next((v for k, v in _SYNTAX_ZH.items() if (exc.context or "").startswith(k)), problem)
    return YamlError(line, column, Message(
        f"YAML 语法错误（第 {line} 行第 {column} 列）：{zh}",
        f"YAML syntax error (line {line}, column {column}): {problem}",
    ))


def dump_value(value: Any) -> str:
    """A value as the user wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)
