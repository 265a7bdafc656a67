"""The public wording layer: what a reader sees instead of the file format's own words.

Findings name fields by their dotted path (``milestones.contracted.implementation_months``)
and messages quote YAML (``kind: self``) so that the person editing the file knows exactly
what to change; the command line keeps that precise form. On the public site the same
things are said in Chinese: field titles from the models, enum labels instead of codes,
the regulation's name instead of the profile id.
"""
from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Any, Union

from pydantic import BaseModel

from registry import ruledocs
from registry.enums import LabeledEnum
from registry.models import Project, RegistryConfig, System
from registry.rules.profiles import PROFILES

SEPARATOR = "·"
ROOTS: tuple[type[BaseModel], ...] = (Project, System, RegistryConfig)


def _inner_types(annotation: Any) -> Iterator[Any]:
    """The types inside ``X``, ``X | None``, ``list[X]``, ``Annotated[X, …]``."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                yield from _inner_types(arg)
    elif isinstance(annotation, type):
        yield annotation


def _model_in(annotation: Any) -> type[BaseModel] | None:
    return next((t for t in _inner_types(annotation) if issubclass(t, BaseModel)), None)


def _enum_in(annotation: Any) -> type[LabeledEnum] | None:
    return next((t for t in _inner_types(annotation) if issubclass(t, LabeledEnum)), None)


@cache
def _field_index() -> dict[str, list[tuple[str, type[LabeledEnum] | None]]]:
    """Every field name of every model reachable from a record or registry.yaml → its
    (title, enum) pairs, for names that appear without their path."""
    index: dict[str, list[tuple[str, type[LabeledEnum] | None]]] = {}
    seen: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = list(ROOTS)
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            entry = (info.title or name, _enum_in(info.annotation))
            if entry not in index.setdefault(name, []):
                index[name].append(entry)
            nested = _model_in(info.annotation)
            if nested is not None:
                pending.append(nested)
    return index


_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\[\d+\])?")


def field_title(path: str, model: type[BaseModel] | None = None) -> str | None:
    """The Chinese title chain of a dotted field path (``budget.sources[0].amount_wan`` →
    ``投资·资金来源·金额（万元）``), or None when the path names no field."""
    steps = path.split(".")
    for root in ((model,) if model is not None else ()) + ROOTS:
        titles = _walk(root, steps)
        if titles is not None:
            return SEPARATOR.join(titles)
    if len(steps) == 1:
        match = _STEP.fullmatch(steps[0])
        found = _field_index().get(match.group(1)) if match else None
        return found[0][0] if found else None
    return None


def _walk(model: type[BaseModel], steps: list[str]) -> list[str] | None:
    titles: list[str] = []
    current: type[BaseModel] | None = model
    for step in steps:
        match = _STEP.fullmatch(step)
        if current is None or match is None or match.group(1) not in current.model_fields:
            return None
        info = current.model_fields[match.group(1)]
        titles.append(info.title or step)
        current = _model_in(info.annotation)
    return titles


def field_label(path: str, model: type[BaseModel] | None = None) -> str:
    """:func:`field_title`, or 记录 for a finding about the whole record."""
    if not path:
        return "—"
    return field_title(path, model) or "记录"


def _value_label(name: str, value: str) -> tuple[str, str] | None:
    """(field title, value label) for ``name: value`` where value is one of the field's codes."""
    for title, enum in _field_index().get(name.split(".")[-1].split("[")[0], []):
        labels = enum.labels() if enum is not None else {}
        if value in labels:
            return title, labels[value]
    return None


# A lower-case ASCII word or dotted path, optionally in backticks, optionally followed by
# ": value". It must not be part of a record id (czj-budget, 2025-czj-001), a file path or a URL.
_TOKEN = re.compile(
    r"`?(?<![A-Za-z0-9_\-/.])([a-z][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)*)"
    r"(?:: ?([A-Za-z_][A-Za-z0-9_]*))?`?(?![A-Za-z0-9_\-/])"
)
_BOOLEAN = {"true": "是", "false": "否"}


def public_message(text: str, model: type[BaseModel] | None = None) -> str:
    """A checker message with its field paths and YAML snippets in plain Chinese."""
    def plain(match: re.Match[str]) -> str:
        path, value = match.group(1), match.group(2)
        if value is not None:
            found = _value_label(path, value)
            if found is not None:
                return f"{found[0]}为“{found[1]}”"
            if value in _BOOLEAN and field_title(path, model):
                return f"{field_title(path, model)}为“{_BOOLEAN[value]}”"
        title = field_title(path, model)
        if title is None:
            return match.group(0)
        return f"“{title}”" + (f"：{value}" if value is not None else "")
    # A YAML flow mapping ({kind: self, date, ref}) reads as a list in brackets.
    return _SPACES.sub("", _TOKEN.sub(plain, text)).replace("{", "（").replace("}", "）")


# The spaces that set an ASCII word apart from Chinese text, once the word is Chinese too.
_SPACES = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]+(?=“)|(?<=”)[ \t]+(?=[\u3000-\u9fff\uff00-\uffef])")


def profile_name(profile: str) -> str:
    """The regulation a profile implements (``jinxiang`` → 《金乡县…管理办法》)."""
    if profile == "common":
        return "通用规则"
    if profile not in PROFILES:
        return profile
    return ruledocs.profile_title(profile)


def model_of(record: object) -> type[BaseModel] | None:
    return type(record) if isinstance(record, BaseModel) else None
