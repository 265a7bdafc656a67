"""通用规则 REG012：公开文本中不得含不可见字符或双向文本控制字符。"""
from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import unicodedata
from collections.abc import Iterator
from typing import Any

from registry.findings import Severity
from registry.hiddentext import bidi, hidden, screened
from registry.models.kinds import RecordPart
from registry.rules.base import Context, Kind, NoParams, Problem, Record, problem, rule
from registry.models.twins import field_names

# The characters are registry.hiddentext's (the loader screens files for the same ones); its
# patterns are compiled on first use: a record read by the fast reader is screened with its
# file, and a commit hook's check usually searches nothing here.
# FORMAT.md "Published vs internal": never shown, so nothing there can mislead a reader.
_INTERNAL = frozenset({"notes", "contacts"})


@rule("REG012", local=True, name="invisible-characters", title="公开文本不含不可见字符和双向文本控制字符",
      kind=Kind.record, profile="common", severity=Severity.warning,
      fails="""
      id: czj-budget
      name: "预算管理\\u200b一体化系统"   # 零宽空格：看起来与另一个系统同名
      """,
      passes="""
      id: czj-budget
      name: 预算管理一体化系统
      """)
def reg012(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """公开的文本字段（名称、简介、文号、文件引用等，内部备注和联系人除外）不含零宽字符、
    软连字符、字节顺序标记等不可见字符，也不含改变文字显示方向的双向文本控制字符
    （如 U+202E 从右至左覆盖）。

    这些字符在网页和表格中看不见，却能让两个看起来完全相同的系统名称互不相同，
    或让一段文字倒序显示成另一个名称，从而在公开目录中冒充其他系统、躲过查重和检索。
    从网页、Word 文档复制粘贴时也常会夹带零宽字符，删除即可。
    """
    for system in ctx.systems:
        yield from _hidden_in(system)
    for project in ctx.projects:
        yield from _hidden_in(project)


def _hidden_in(record: Record) -> Iterator[Problem]:
    if screened(record) or not _may_hide(record):  # (screened: read from a file without any)
        return
    for field, text in _texts(record, exclude=_INTERNAL):
        found = hidden().search(text)
        if found is None:
            continue
        char = found.group()
        code = f"U+{ord(char):04X}"
        name = unicodedata.name(char, "")
        if bidi().fullmatch(char):
            yield problem(
                record, field,
                f"{field} 含双向文本控制字符 {code} {name}：它会改变文字的显示顺序，"
                "可用来把一个名称显示成另一个（冒充其他系统）；请删除该字符",
                f"{field} holds the bidirectional control {code} {name}: it reorders how the text is shown; remove it",
            )
        else:
            yield problem(
                record, field,
                f"{field} 含不可见字符 {code} {name}：显示时看不见，却使看起来相同的文字互不相同"
                "（可用来冒充其他系统、躲过查重）；请删除该字符（常见于从网页或 Word 复制的文字）",
                f"{field} holds the invisible character {code} {name}: remove it",
            )


def _may_hide(record: Record) -> bool:
    """Whether any text in ``record`` (internal fields included) may hold a hidden character:
    one search over all its texts at once, so that the field-by-field walk, which builds every
    field's path, runs only for the rare record that has something to report. Only the fields
    that can hold text are visited (:func:`_text_fields`)."""
    texts: list[str] = []
    pending: list[Any] = [record]
    while pending:
        value = pending.pop()
        if isinstance(value, RecordPart):
            fields = value.__dict__
            for name in _text_fields(type(value)):
                inner = fields[name]
                if type(inner) is str:
                    texts.append(inner)
                elif inner is not None:
                    pending.append(inner)
        elif isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            pending.extend(value)
    return hidden().search("\n".join(texts)) is not None


_TEXT_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _text_fields(model: type[Any]) -> tuple[str, ...]:
    """The fields of ``model`` whose values can be or hold text: not the dates, numbers, flags,
    enumerations (whose values hold no hidden character) and models without any text. A plain
    twin (:mod:`registry.models.twins`) knows no annotations: all its fields are looked at (what is not
    text adds nothing to the search)."""
    found = _TEXT_FIELDS.get(model)
    if found is None and not hasattr(model, "model_fields"):
        found = _TEXT_FIELDS[model] = field_names(model)
    if found is None:
        _TEXT_FIELDS[model] = tuple(model.model_fields)  # (while it is worked out: every field)
        found = _TEXT_FIELDS[model] = tuple(name for name, info in model.model_fields.items()
                                            if _may_hold_text(info.annotation))
    return found


def _may_hold_text(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _may_hold_text(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return any(_may_hold_text(arg) for arg in typing.get_args(annotation))
    if annotation in (int, float, bool, dt.date, type(None)):
        return False
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return any(hidden().search(str(member.value)) for member in annotation)
    if isinstance(annotation, type) and issubclass(annotation, RecordPart):
        return bool(_text_fields(annotation))
    return True  # text, or a type not worked out here: looked at


def _texts(model: Any, prefix: str = "", exclude: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(dotted field path, text) of every text value in ``model`` (a model or a twin), nested
    models and lists included."""
    for name in field_names(type(model)):
        if name in exclude:
            continue
        yield from _texts_of(getattr(model, name), f"{prefix}{name}")


def _texts_of(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, RecordPart):
        yield from _texts(value, f"{path}.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts_of(item, f"{path}[{index}]")
