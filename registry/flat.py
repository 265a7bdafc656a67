"""The open-data tables: one row per unit, system or project, one column per published leaf field,
in the words a reader of a public data portal expects.

- headers are the Chinese field titles (``安全·等保级别``), values are Chinese (enum labels,
  是/否, unit names instead of unit codes);
- the machine form is kept in extra columns at the end of the table: every enum and unit
  column has a ``…代码`` twin holding the code as written in the files, so that a program can
  map the table back (the data dictionary names each column's field key);
- nested fields are flattened: mappings into one column per leaf, funding sources into one
  amount column per source kind, other lists of entries into one readable text column.

Both the CSV files and the XLSX workbook are written from these columns, and the data dictionary
(:func:`dictionary`) describes them.
"""
from __future__ import annotations

import dataclasses
import json
import re
import datetime as dt
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, Union

from pydantic import BaseModel

from registry.enums import FundSource, LabeledEnum, plain_label
from registry.models import Project, RegistryConfig, System, Unit
from registry.models.project import FundingSource

# FORMAT.md: "notes, contacts and every unit's contact are internal".
INTERNAL_FIELDS: dict[type[BaseModel], frozenset[str]] = {
    System: frozenset({"notes", "contacts"}),
    Project: frozenset({"notes", "contacts"}),
    Unit: frozenset({"contact"}),
}
# Approvers' and reviewers' identities (e-mail addresses, account handles): published only when
# registry.yaml sets ``publish_identities: true``.
IDENTITY_FIELDS: dict[type[BaseModel], frozenset[str]] = {Unit: frozenset({"reviewers", "approvers"})}
KINDS: dict[str, type[BaseModel]] = {"units": Unit, "systems": System, "projects": Project}
SHEET_TITLES = {"units": "单位", "systems": "政务信息系统", "projects": "政务信息化项目"}
# Fields holding unit codes: shown by the unit's name, the code in the twin column.
UNIT_FIELDS = frozenset({"unit", "parent", "partners"})
CODE_SUFFIX = "代码"

Names = Callable[[str], str]  # unit code → unit name


@dataclasses.dataclass(frozen=True)
class FlatColumn:
    key: str  # the field's dotted key in the files; label columns of a coded field end in ":label"
    header: str  # the Chinese column header
    meaning: str
    kind: str  # 文本 | 整数 | 数值 | 日期 | 是否 | 代码 | 名称
    unit: str  # 万元, 月 …
    allowed: str  # code 标签 | …, for coded fields
    get: Callable[[BaseModel, Names], Any]  # the cell value (None for empty)
    verbatim: bool = False  # an identity the registry publishes: not redacted


def hidden_fields(model: type[BaseModel], *, identities: bool) -> frozenset[str]:
    hidden = INTERNAL_FIELDS.get(model, frozenset())
    return hidden if identities else hidden | IDENTITY_FIELDS.get(model, frozenset())


def table_columns(kind: str, *, identities: bool = False) -> list[FlatColumn]:
    """The columns of one table: readable columns first, then the code twins."""
    model = KINDS[kind]
    readable: list[FlatColumn] = []
    codes: list[FlatColumn] = []
    for column, twin in _fields(model, hidden_fields(model, identities=identities), "", (), lambda r: r):
        if column.key in IDENTITY_FIELDS.get(model, frozenset()):
            column = dataclasses.replace(column, verbatim=True)
        readable.append(column)
        if twin is not None:
            codes.append(twin)
    return readable + codes


def _fields(model: type[BaseModel], hidden: frozenset[str], prefix: str, titles: tuple[str, ...],
            reach: Callable[[Any], Any]) -> Iterator[tuple[FlatColumn, FlatColumn | None]]:
    for name, info in model.model_fields.items():
        if name in hidden:
            continue
        key, title = f"{prefix}{name}", (*titles, info.title or name)
        get = _getter(reach, name)
        nested = _nested_model(info.annotation)
        if nested is not None:
            yield from _fields(nested, frozenset(), f"{key}.", title, get)
            continue
        item = _list_item(info.annotation)
        if item is FundingSource:
            amounts = list(_funding_columns(key, title, get))
            yield amounts[0], _entries_twin(key, "·".join(title), info.description or "", get)
            yield from ((c, None) for c in amounts[1:])
            continue
        yield _leaf(key, "·".join(title), info.description or "", info.annotation, name, get)


def _getter(reach: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def get(record: Any) -> Any:
        parent = reach(record)
        return None if parent is None else getattr(parent, name, None)
    return get


def _leaf(key: str, header: str, meaning: str, annotation: Any, name: str,
          get: Callable[[Any], Any]) -> tuple[FlatColumn, FlatColumn | None]:
    enum = _enum_in(annotation)
    item = _list_item(annotation)
    unit = _unit_of(header)
    if name in UNIT_FIELDS:
        readable = FlatColumn(f"{key}:label", header, f"{meaning}（单位名称）", "名称", "", "",
                              lambda r, names: _join([names(v) for v in _listed(get(r))], get(r)))
        twin = FlatColumn(key, header + CODE_SUFFIX, meaning, "代码", "", "见“单位”表的单位代码",
                          lambda r, names: _codes(get(r)))
        return readable, twin
    if enum is not None:
        allowed = " | ".join(f"{code} {label}" for code, label in enum.labels().items())
        readable = FlatColumn(f"{key}:label", header, f"{meaning}（中文名称）", "文本", "", "、".join(enum.labels().values()),
                              lambda r, names: _join([v.label for v in _listed(get(r))], get(r)))
        twin = FlatColumn(key, header + CODE_SUFFIX, meaning, "代码", "", allowed, lambda r, names: _codes(get(r)))
        return readable, twin
    if item is not None and issubclass(item, BaseModel):
        readable = FlatColumn(f"{key}:label", header, f"{meaning}（每条一段，以“；”分隔）", "文本", "", "",
                              lambda r, names: "；".join(_entry_text(e) for e in get(r) or []) or None)
        return readable, _entries_twin(key, header, meaning, get)
    return FlatColumn(key, header, meaning, _kind_of(annotation), unit, "",
                      lambda r, names: _plain(get(r))), None


def _entries_twin(key: str, header: str, meaning: str, get: Callable[[Any], Any]) -> FlatColumn:
    """The machine form of a list of entries (the JSON export's list), for a program reading
    the table back; the readable columns say the same in words."""
    def entries(record: Any, names: Names) -> str | None:
        value = get(record) or []
        return json.dumps([e.model_dump(mode="json") for e in value], ensure_ascii=False) if value else None
    return FlatColumn(key, header + CODE_SUFFIX, f"{meaning}（机器可读：JSON 列表，与 catalog.json 相同）", "代码", "", "", entries)


def _funding_columns(key: str, titles: tuple[str, ...], get: Callable[[Any], Any]) -> Iterator[FlatColumn]:
    """One amount column per funding source kind (the sum of that kind's entries)."""
    for source in FundSource:
        def amount(record: Any, names: Names, source: FundSource = source) -> float | None:
            found = [s.amount_wan for s in get(record) or [] if s.kind is source]
            return sum(found) if found else None
        yield FlatColumn(f"{key}.{source.value}", f"{'·'.join(titles)}·{source.label}（万元）",
                         f"资金来源为“{source.label}”的金额合计", "数值", "万元", "", amount)


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _join(parts: list[str], original: Any) -> str | None:
    if original is None or original == []:
        return None
    return "、".join(parts)


def _codes(value: Any) -> str | None:
    parts = [str(v.value if isinstance(v, LabeledEnum) else v) for v in _listed(value)]
    return "; ".join(parts) if parts else None


def _plain(value: Any) -> Any:
    """A leaf value for a cell: lists of plain values joined, everything else as it is."""
    if isinstance(value, list):
        return "、".join(_scalar_text(v) for v in value) if value else None
    return value


def _scalar_text(value: Any) -> str:
    plain = plain_label(value)
    if plain is not None:
        return plain
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _entry_text(entry: BaseModel) -> str:
    """One entry of a list (a basis, a goal, an evaluation, a change) as "title value，…"."""
    parts = []
    for name, info in type(entry).model_fields.items():
        value = getattr(entry, name)
        if value is None:
            continue
        if isinstance(value, BaseModel):
            text = "，".join(_scalar_text(getattr(value, n)) for n in type(value).model_fields
                            if getattr(value, n) is not None)
        else:
            text = _scalar_text(value)
        parts.append(f"{info.title or name} {text}")
    return "，".join(parts)


def _inner(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, typing.Annotated):
        return [t for a in typing.get_args(annotation) if a is not type(None) for t in _inner(a)]
    return [annotation]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``annotation`` when it is ``Model`` or ``Model | None`` (else None)."""
    found = _inner(annotation)
    if len(found) == 1 and isinstance(found[0], type) and issubclass(found[0], BaseModel):
        return found[0]
    return None


def _list_item(annotation: Any) -> Any:
    for t in _inner(annotation):
        if typing.get_origin(t) is list:
            args = _inner(typing.get_args(t)[0])
            return args[0] if len(args) == 1 else None
    return None


def _enum_in(annotation: Any) -> type[LabeledEnum] | None:
    item = _list_item(annotation)
    for t in _inner(item if item is not None else annotation):
        if isinstance(t, type) and issubclass(t, LabeledEnum):
            return t
    return None


def _kind_of(annotation: Any) -> str:
    types_ = [t for t in _inner(annotation) if isinstance(t, type)]
    item = _list_item(annotation)
    if item is not None:
        return "文本（多个值以“、”分隔）"
    if bool in types_:
        return "是否"
    if int in types_ and float not in types_:
        return "整数"
    if float in types_:
        return "数值"
    if dt.date in types_:
        return "日期"
    return "文本"


def _unit_of(header: str) -> str:
    for unit in ("万元", "月"):
        if f"（{unit}）" in header:
            return unit
    return ""


_CODE_BEFORE_LABEL = re.compile(r"(?<![\w/<])[a-z][a-z0-9_]*(?= [^\x00-\x7f])")


def plain_meaning(text: str) -> str:
    """A field description for readers: "planned 规划中 | building 建设中" → "规划中、建设中"."""
    text = _CODE_BEFORE_LABEL.sub("", text).replace(" | ", "、")
    text = _PATH_CLAUSE.sub("", text)
    for word, plain in (("null", "空"), ("false", "否"), ("true", "是")):
        text = re.sub(rf"(?<![\w]){word}(?![\w])", plain, text)
    return text.replace("  ", " ").strip()


# "，即 systems/<单位代码>/ 目录名", "docs/ 下的": where a file lives, which readers of the data need not know.
_PATH_CLAUSE = re.compile(r"[，,]?\s*即\s*[a-z]+/\S*\s*目录名|\b[a-z]+/\s*下的")


def unit_names(config: RegistryConfig) -> Names:
    names = {u.id: u.name for u in config.units}
    return lambda code: names.get(code, code)


def dictionary(*, identities: bool = False) -> list[tuple[str, FlatColumn]]:
    """(table title, column) of every column of every table: the data dictionary."""
    return [(SHEET_TITLES[kind], column) for kind in KINDS for column in table_columns(kind, identities=identities)]
