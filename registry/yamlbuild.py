"""Parser events → plain Python data, refusing what a record must not contain (anchors,
aliases, tags, duplicate keys, non-text keys, structures deeper than :data:`MAX_DEPTH`, control
characters, numbers too long to be a value) *as it is met*, and recording each key's line and
column when asked to."""
from __future__ import annotations

from typing import Any

from registry import plainclass
from registry.findings import Message
from registry.yamlscalars import TooLong, resolve_plain
from registry.yamltext import control, control_message

# ruamel's event classes, bound when the first document is built (:func:`_bind_events`): a run
# whose files the fast reader (registry.fastyaml) reads never imports ruamel at all.
AliasEvent: Any = None
DocumentStartEvent: Any = None
MappingEndEvent: Any = None
MappingStartEvent: Any = None
ScalarEvent: Any = None
SequenceEndEvent: Any = None
SequenceStartEvent: Any = None


def _bind_events() -> None:
    global AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent
    global SequenceStartEvent
    from ruamel.yaml import events

    AliasEvent, DocumentStartEvent, MappingEndEvent = events.AliasEvent, events.DocumentStartEvent, events.MappingEndEvent
    MappingStartEvent, SequenceEndEvent = events.MappingStartEvent, events.SequenceEndEvent
    SequenceStartEvent, ScalarEvent = events.SequenceStartEvent, events.ScalarEvent


Path = tuple[str | int, ...]
Positions = dict[Path, tuple[int, int]]

# Records are a few levels deep (``budget.sources[0].kind``); anything far deeper is an
# attack or a mistake, and refusing it at the first level too many keeps every later walk
# over the data (validation, messages, exports) short and free of recursion limits.
MAX_DEPTH = 32


@plainclass.dataclass(frozen=True)
class YamlError(Exception):
    """A REG001 problem: the file is not one plain YAML mapping."""

    line: int
    column: int
    message: Message
    field: str = ""


@plainclass.dataclass
class Parsed:
    data: dict[str, Any]
    positions: Positions | None = None  # only when asked for


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


class Builder:
    """Builds plain data from parser events; refuses what a record must not contain.

    The stack holds one ``[container, pending key]`` frame per open mapping or list. Paths are
    only worked out from the stack when they are needed (positions, error messages), which
    keeps the common case — a valid file, no positions — to a dict or list operation per event.
    """

    def __init__(self, positions: bool, *, control_anywhere: bool = False) -> None:
        if ScalarEvent is None:
            _bind_events()
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
            if (event.style == '"' or self.control_anywhere) and control().search(event.value):
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
        except TooLong:
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

