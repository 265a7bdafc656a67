"""The only place that reads YAML (with :mod:`registry.yamlbuild`, :mod:`registry.yamlscalars` and
:mod:`registry.yamltext`).

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

import functools
import types
from collections.abc import Generator
from typing import Any

from registry import plainclass
from registry.findings import Message
from registry.yamlbuild import MAX_DEPTH, Builder, Parsed, Positions, YamlError
from registry.yamlscalars import dump_value, resolve_plain
from registry.yamltext import (
    control,
    end_position,
    last_line,
    line_column,
    odd_break,
    reader_error,
    stray_tab,
    tab_message,
)

__all__ = ["MAX_DEPTH", "Parsed", "Positions", "YamlError", "decode", "dump_value", "parse", "resolve_plain"]



@functools.cache
def _ruamel() -> Any:
    """ruamel.yaml, imported when the first document is parsed (a run whose files the fast
    reader, registry.fastyaml, reads never needs it): the parser (its C parser when
    ``ruamel.yaml.clib`` is installed), whether it is the C one, and the classes used here."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import ScalarEvent, StreamEndEvent
    from ruamel.yaml.reader import ReaderError

    parser = YAML(typ="safe")
    return types.SimpleNamespace(parser=parser, c_parser=parser.Parser.__module__.startswith("ruamel.yaml.clib"),
                                 MarkedYAMLError=MarkedYAMLError, YAMLError=YAMLError, ScalarEvent=ScalarEvent,
                                 StreamEndEvent=StreamEndEvent, ReaderError=ReaderError)


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
        raise plainclass.replace(exc, line=last) from None


def _build(text: str, positions: bool) -> Parsed:
    builder = Builder(positions, control_anywhere=control().search(text) is not None)
    ruamel = _ruamel()
    events = _events(text)
    try:
        for event in events:
            builder.feed(event)
    except ruamel.MarkedYAMLError as exc:
        raise _syntax_error(exc, end_position(text)) from None
    except ruamel.ReaderError as exc:
        raise YamlError(*reader_error(text, exc)) from None
    except ruamel.YAMLError as exc:  # unmarked errors are rare; still never a traceback
        raise YamlError(1, 1, Message(f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}")) from None
    finally:
        events.close()
    parsed = builder.result()
    if "\t" in text:
        _refuse_stray_tab(text)
    if parsed.positions and odd_break().search(text):
        # The parser also ends lines at NEL, LS and PS, which editors do not: keep every
        # position inside the file as the editor counts it.
        last = last_line(text)
        parsed.positions = {loc: (min(line, last), column) for loc, (line, column) in parsed.positions.items()}
    return parsed


def _refuse_stray_tab(text: str) -> None:
    """A second pass, only for the rare file holding a tab: where its written text lies."""
    events = _events(text)
    try:
        scalar = _ruamel().ScalarEvent
        quoted = [(e.start_mark.index, e.end_mark.index) for e in events
                  if type(e) is scalar and e.style]
    finally:
        events.close()
    at = stray_tab(text, quoted)
    if at is not None:
        line, column = line_column(text, at)
        raise YamlError(line, column, tab_message(line, column))


def _events(text: str) -> Generator[Any, None, None]:
    """The parser's events; straight from ruamel's C parser when ``ruamel.yaml.clib`` is
    installed (its pure-Python fallback only through ``YAML.parse``)."""
    ruamel = _ruamel()
    if not ruamel.c_parser:
        yield from ruamel.parser.parse(text)
        return
    parser = ruamel.parser.Parser(text)
    end = ruamel.StreamEndEvent
    try:
        while True:
            event = parser.get_event()
            if type(event) is end:
                return
            yield event
    finally:
        parser.dispose()


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


def _syntax_error(exc: Any, end: tuple[int, int]) -> YamlError:
    """``exc``: ruamel's ``MarkedYAMLError``."""
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


