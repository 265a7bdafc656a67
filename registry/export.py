"""The public catalog as open data (JSON, CSV, XLSX), for ``registry export`` and the site.

:func:`public_view` is the one place that decides what is published: every field of a record
or unit except the internal ones (FORMAT.md "Published vs internal"). Everything else here only
changes the shape:

- JSON: one document with the jurisdiction, units, systems and projects, codes as in the files;
- CSV: one table per kind (``units.csv``, ``systems.csv``, ``projects.csv``), UTF-8 with BOM so
  that Excel opens Chinese text correctly; nested fields are dotted columns
  (``security.mlps_level``, ``milestones.approved.date``), lists of values joined with ``; ``,
  lists of mappings as JSON text;
- XLSX: the same tables for readers, with Chinese column titles and labels instead of codes,
  plus a sheet ``字段说明`` mapping each title to its key and description.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Union

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from pydantic import BaseModel

from registry.enums import LabeledEnum
from registry.models import Project, RegistryConfig, System, Unit
from registry.snapshot import Snapshot

# FORMAT.md: "notes, contacts and every unit's contact are internal".
INTERNAL_FIELDS: dict[type[BaseModel], frozenset[str]] = {
    System: frozenset({"notes", "contacts"}),
    Project: frozenset({"notes", "contacts"}),
    Unit: frozenset({"contact"}),
}
KINDS: dict[str, type[BaseModel]] = {"units": Unit, "systems": System, "projects": Project}
SHEET_TITLES = {"units": "单位", "systems": "政务信息系统", "projects": "政务信息化项目"}
FILES = ("catalog.json", "units.csv", "systems.csv", "projects.csv", "catalog.xlsx")


def public_view(record: BaseModel) -> dict[str, Any]:
    """A record or unit as published: JSON-ready, internal fields left out."""
    return record.model_dump(mode="json", exclude=set(INTERNAL_FIELDS[type(record)]))


def records_of(config: RegistryConfig, head: Snapshot) -> dict[str, Sequence[BaseModel]]:
    """The published records of each kind, in a stable order."""
    systems: list[System] = sorted(head.systems, key=lambda s: (s.unit, s.id))
    projects: list[Project] = sorted(head.projects, key=lambda p: (p.unit, p.year, p.id))
    return {"units": list(config.units), "systems": systems, "projects": projects}


def catalog(config: RegistryConfig, head: Snapshot, today: dt.date) -> dict[str, Any]:
    records = records_of(config, head)
    return {
        "jurisdiction": config.jurisdiction,
        "generated_on": today.isoformat(),
        **{kind: [public_view(r) for r in items] for kind, items in records.items()},
    }


def to_json(config: RegistryConfig, head: Snapshot, today: dt.date) -> bytes:
    """One record per line: readable and diffable, and written by the C encoder (an indented
    dump goes through the pure-Python one, several times slower for thousands of records)."""
    def dumps(value: Any) -> str:
        # allow_nan=False: a bare NaN/Infinity is not JSON. The models refuse non-finite
        # numbers (Number), so this can only trip on a programming error, never write one.
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)

    lines = ["{"]
    for key, value in catalog(config, head, today).items():
        if isinstance(value, list):
            items = ",\n".join(f"    {dumps(item)}" for item in value)
            lines.append(f"  {dumps(key)}: [\n{items}\n  ],")
        else:
            lines.append(f"  {dumps(key)}: {dumps(value)},")
    lines[-1] = lines[-1].rstrip(",")
    return ("\n".join(lines) + "\n}\n").encode("utf-8")


# ---------------------------------------------------------------- columns of the flat tables


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``annotation`` when it is ``Model`` or ``Model | None`` (else None)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _nested_model(args[0])
    return None


def columns(model: type[BaseModel], prefix: str = "", titles: tuple[str, ...] = ()) -> Iterator[tuple[str, str, str]]:
    """(dotted key, Chinese title path, description) of every published leaf field of ``model``."""
    hidden = INTERNAL_FIELDS.get(model, frozenset()) if not prefix else frozenset()
    for name, info in model.model_fields.items():
        if name in hidden:
            continue
        title = (*titles, info.title or name)
        nested = _nested_model(info.annotation)
        if nested is not None:
            yield from columns(nested, f"{prefix}{name}.", title)
        else:
            yield f"{prefix}{name}", "·".join(title), info.description or ""


def value_at(record: BaseModel, key: str) -> Any:
    value: Any = record
    for part in key.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


# A text cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection); such text gets a leading apostrophe in CSV and is stored as text in XLSX.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, LabeledEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, list):
        if any(isinstance(v, BaseModel) for v in value):
            return _inert(json.dumps([v.model_dump(mode="json") for v in value], ensure_ascii=False))
        return _inert("; ".join(_csv_value(v) for v in value))
    return _inert(str(value))


def _inert(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, (int, float, dt.date)):
        return value
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, list):
        if any(isinstance(v, BaseModel) for v in value):
            return json.dumps([v.model_dump(mode="json") for v in value], ensure_ascii=False)
        return "、".join(str(_xlsx_value(v)) for v in value)
    return str(value)


def to_csv(config: RegistryConfig, head: Snapshot) -> dict[str, bytes]:
    """``units.csv``, ``systems.csv``, ``projects.csv``."""
    out = {}
    for kind, items in records_of(config, head).items():
        keys = [key for key, _, _ in columns(KINDS[kind])]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(keys)
        writer.writerows([_csv_value(value_at(r, key)) for key in keys] for r in items)
        out[f"{kind}.csv"] = buffer.getvalue().encode("utf-8-sig")
    return out


def to_xlsx(config: RegistryConfig, head: Snapshot, today: dt.date) -> bytes:
    # Write-only (streaming) mode: several times faster for thousands of rows.
    book = Workbook(write_only=True)
    book.properties.title = f"{config.jurisdiction}政务信息化登记簿（{today.isoformat()}）"
    guide: list[list[str]] = []
    for kind, items in records_of(config, head).items():
        cols = list(columns(KINDS[kind]))
        rows = ([_text_cell(sheet_value) for sheet_value in (_xlsx_value(value_at(r, key)) for key, _, _ in cols)]
                for r in items)
        _sheet(book, SHEET_TITLES[kind], [title for _, title, _ in cols], rows)
        guide += [[SHEET_TITLES[kind], title, key, description] for key, title, description in cols]
    _sheet(book, "字段说明", ["工作表", "列标题", "字段", "说明"], iter(guide))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Text(str):
    """A cell value that must be stored as text whatever it starts with."""


def _text_cell(value: Any) -> Any:
    # openpyxl stores a string starting with "=" as a formula: keep user text as text.
    return _Text(value) if isinstance(value, str) and value.startswith("=") else value


def _sheet(book: Any, title: str, header: list[str], rows: Iterator[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, v) if isinstance(v, _Text) else v for v in row])


def _cell(sheet: Any, value: str, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def export_files(config: RegistryConfig, head: Snapshot, today: dt.date) -> dict[str, bytes]:
    """Every open-data file by name (the site's ``data/`` folder)."""
    return {
        "catalog.json": to_json(config, head, today),
        **to_csv(config, head),
        "catalog.xlsx": to_xlsx(config, head, today),
    }


def field_guide(kinds: Iterable[str] = KINDS) -> list[tuple[str, str, str, str]]:
    """(kind, key, Chinese title, description) of every published column."""
    return [(kind, key, title, description) for kind in kinds for key, title, description in columns(KINDS[kind])]
