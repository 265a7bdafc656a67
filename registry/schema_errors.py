"""Pydantic validation errors as REG002 messages a department's staff can act on."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from enum import Enum
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from registry.findings import Message
from registry.yamlio import dump_value

Loc = tuple[str | int, ...]
_T = TypeVar("_T")
_BRANCH = re.compile(r"[^a-z0-9_]|^(str|int|float|bool|date|list|dict|none)$")


def dotted(loc: Loc) -> str:
    """``('budget', 'sources', 0, 'kind')`` → ``budget.sources[0].kind``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def clean_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop the union-branch and validator names pydantic adds to locations."""
    return tuple(p for p in loc if isinstance(p, int) or not _BRANCH.search(str(p)))


def _model_at(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, str]:
    """The model that holds the last key of ``loc``, and that key."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _inner(info.annotation, BaseModel) if info else None
    last = loc[-1] if loc and isinstance(loc[-1], str) else ""
    return current, str(last)


def _inner(annotation: Any, kind: type[_T]) -> type[_T] | None:
    """The first subclass of ``kind`` in ``annotation``, looking inside ``X | None``,
    ``list[X]`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, kind):
        return annotation
    for arg in get_args(annotation):
        found = _inner(arg, kind)
        if found is not None:
            return found
    return None


def title_of(model: type[BaseModel], loc: Loc) -> str:
    holder, key = _model_at(model, loc)
    info = holder.model_fields.get(key) if holder else None
    return (info.title or key) if info else key


def translate(model: type[BaseModel], exc: ValidationError) -> Iterator[tuple[Loc, Message]]:
    """One message per field (pydantic reports each union branch; the first says enough)."""
    seen: set[Loc] = set()
    for error in exc.errors():
        loc = clean_loc(error["loc"])
        if loc in seen:
            continue
        seen.add(loc)
        yield loc, _message(model, loc, error)


def _message(model: type[BaseModel], loc: Loc, error: Any) -> Message:
    kind = error["type"]
    value = error.get("input")
    name = dotted(loc)
    title = title_of(model, loc)
    label = f"{name}（{title}）" if title and title != name else name
    if kind == "missing":
        return Message(f"缺少必填字段 {label}", f"missing required field {name}")
    if value is None and kind.endswith("_type"):
        return Message(f"必填字段 {label} 尚未填写", f"required field {name} is empty")
    if kind == "extra_forbidden":
        return _unknown_key(model, loc)
    if kind == "enum":
        return _bad_enum(model, loc, label, value)
    if kind == "string_type" and isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        what, what_en = ("日期", "a date") if isinstance(value, dt.date) else ("数字", "a number")
        shown = dump_value(value)
        return Message(
            f"{label} 应为文本，但 {shown} 被 YAML 读成了{what}：请加引号，写成 {loc[-1]}: \"{shown}\"",
            f"{name} must be text, but YAML read {shown} as {what_en}: quote it, {loc[-1]}: \"{shown}\"",
        )
    if kind == "date_type" and isinstance(value, dt.datetime):
        kind = "date_from_datetime_inexact"
    simple = _SIMPLE.get(kind)
    if simple is not None:
        zh, en = simple
        return Message(f"{label} {zh}（当前值：{dump_value(value)}）", f"{name} {en} (got: {dump_value(value)})")
    if kind == "string_pattern_mismatch":
        return Message(
            f"{label} 的格式不正确：{dump_value(value)}（{_PATTERN_HINTS.get(str(loc[-1]), '请对照模板')}）",
            f"{name} has the wrong format: {dump_value(value)} (expected pattern {error.get('ctx', {}).get('pattern')})",
        )
    reason = str(error.get("msg", kind)).removeprefix("Value error, ")
    return Message(f"{label} 的取值无效：{reason}", f"{name} is invalid: {reason}")


def _unknown_key(model: type[BaseModel], loc: Loc) -> Message:
    holder, key = _model_at(model, loc)
    allowed = list(holder.model_fields) if holder else []
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint_zh = f"是否想写 {close[0]}？" if close else f"可用的字段：{'、'.join(allowed)}"
    hint_en = f"did you mean {close[0]}?" if close else f"allowed: {', '.join(allowed)}"
    return Message(f"未知字段 {dotted(loc)}：{hint_zh}", f"unknown field {dotted(loc)}: {hint_en}")


def _bad_enum(model: type[BaseModel], loc: Loc, label: str, value: Any) -> Message:
    holder, key = _model_at(model, loc)
    if holder and key not in holder.model_fields and isinstance(loc[-1], int):
        holder, key = _model_at(model, loc[:-1])
    info = holder.model_fields.get(key) if holder else None
    enum = _inner(info.annotation, Enum) if info else None
    if enum is None:
        return Message(f"{label} 的取值 {dump_value(value)} 不在可选值中", f"{dotted(loc)}: {value!r} is not an allowed value")
    options = "、".join(f"{m.value}（{getattr(m, 'label', m.value)}）" for m in enum)
    close = difflib.get_close_matches(str(value), [str(m.value) for m in enum], n=1)
    hint = f"是否想写 {close[0]}？" if close else ""
    return Message(
        f"{label} 的取值 {dump_value(value)} 不在可选值中。{hint}可选：{options}",
        f"{dotted(loc)}: {dump_value(value)} is not one of {', '.join(str(m.value) for m in enum)}",
    )


_SIMPLE = {
    "string_type": ("应为文本", "must be text"),
    "int_type": ("应为整数", "must be an integer"),
    "int_parsing": ("应为整数", "must be an integer"),
    "int_from_float": ("应为整数（不带小数）", "must be a whole number"),
    "float_type": ("应为数字", "must be a number"),
    "float_parsing": ("应为数字", "must be a number"),
    "finite_number": ("应为有限的数字（不能是 .nan、.inf）", "must be a finite number (not .nan or .inf)"),
    "bool_type": ("应为 true 或 false（不能写 yes、no、on、off、0、1）", "must be true or false"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "date_type": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_parsing": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_inexact": ("应为日期 YYYY-MM-DD（不带时间）", "must be a date without a time"),
    "list_type": ("应为列表（[...] 或逐行“- ”）", "must be a list"),
    "dict_type": ("应为映射（键: 值）", "must be a mapping"),
    "model_type": ("应为映射（键: 值）", "must be a mapping"),
    "model_attributes_type": ("应为映射（键: 值）", "must be a mapping"),
    "greater_than_equal": ("超出允许范围", "is out of range"),
    "less_than_equal": ("超出允许范围", "is out of range"),
    "string_too_long": ("过长", "is too long"),
    "string_too_short": ("不能为空", "must not be empty"),
    "too_short": ("不能为空", "must not be empty"),
}

_PATTERN_HINTS = {
    "id": "系统编号：小写字母、数字和连字符；项目编号：年度-单位代码-三位序号，如 2025-czj-001",
    "unit": "单位代码：小写字母开头，2–32 位小写字母或数字",
    "parent": "单位代码：小写字母开头，2–32 位小写字母或数字",
    "merged_into": "系统编号：小写字母、数字和连字符",
}
