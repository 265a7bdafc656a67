"""The public catalog as open data (JSON, CSV, XLSX), for ``registry export`` and the site.

:func:`public_view` is the one place that decides what is published: every field of a record
or unit except the internal ones (FORMAT.md "Published vs internal") and, unless registry.yaml
sets ``publish_identities: true``, the approvers' and reviewers' identities; e-mail addresses
and phone numbers typed into any text are hidden (:mod:`registry.privacy`). Everything else
here only changes the shape:

- JSON: one document with the jurisdiction, units, systems and projects, in the machine form
  of the files (codes, nested mappings);
- CSV: one table per kind (``units.csv``, ``systems.csv``, ``projects.csv``), UTF-8 with BOM so
  that Excel opens Chinese text correctly, with Chinese headers and values and the codes in
  extra ``…代码`` columns at the end (:mod:`registry.flat`), and the data dictionary
  ``dictionary.csv``;
- XLSX: the same tables, one sheet each, with a filter on the header row and the header
  frozen, plus the data dictionary sheet ``数据字典``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]
from pydantic import BaseModel

from registry.flat import (
    IDENTITY_FIELDS, INTERNAL_FIELDS, KINDS, SHEET_TITLES, FlatColumn, dictionary, hidden_fields, table_columns,
    unit_names,
)
from registry.models import Project, RegistryConfig, System
from registry.privacy import redact, redact_all
from registry.ruledocs import own_text
from registry.snapshot import Snapshot
from registry.xlsxrows import stream_rows

FILES = ("catalog.json", "units.csv", "systems.csv", "projects.csv", "catalog.xlsx", "dictionary.csv")
DICTIONARY_SHEET = "数据字典"
DICTIONARY_HEADER = ["表", "列名", "字段", "含义", "类型", "计量单位", "取值"]
__all__ = ["DICTIONARY_HEADER", "DICTIONARY_SHEET", "FILES", "IDENTITY_FIELDS", "INTERNAL_FIELDS", "KINDS",
           "SHEET_TITLES", "catalog", "dictionary_rows", "export_files", "public_view", "records_of", "table_csv",
           "table_xlsx", "to_csv", "to_dictionary_csv", "to_json", "to_xlsx"]


def public_view(record: BaseModel, *, identities: bool = False) -> dict[str, Any]:
    """A record or unit as published: JSON-ready, internal fields (and, unless ``identities``,
    approvers' and reviewers' identities) left out, contact details in any text hidden."""
    hidden = set(hidden_fields(type(record), identities=identities))
    raw = record.model_dump(mode="json", exclude=hidden)
    view: dict[str, Any] = redact_all(raw)
    for name in IDENTITY_FIELDS.get(type(record), frozenset()) & raw.keys():
        view[name] = raw[name]  # published on purpose (publish_identities: true)
    return view


def records_of(config: RegistryConfig, head: Snapshot) -> dict[str, Sequence[BaseModel]]:
    """The published records of each kind, in a stable order."""
    systems: list[System] = sorted(head.systems, key=lambda s: (s.unit, s.id))
    projects: list[Project] = sorted(head.projects, key=lambda p: (p.unit, p.year, p.id))
    return {"units": list(config.units), "systems": systems, "projects": projects}


def catalog(config: RegistryConfig, head: Snapshot, today: dt.date) -> dict[str, Any]:
    records = records_of(config, head)
    identities = config.publish_identities
    return {
        "jurisdiction": config.jurisdiction,
        "generated_on": today.isoformat(),
        **{kind: [public_view(r, identities=identities) for r in items] for kind, items in records.items()},
    }


def to_json(config: RegistryConfig, head: Snapshot, today: dt.date, *, meta: dict[str, Any] | None = None) -> bytes:
    """One record per line: readable and diffable, and written by the C encoder (an indented
    dump goes through the pure-Python one, several times slower for thousands of records).
    ``meta`` (the site's dataset description) comes before the records."""
    def dumps(value: Any) -> str:
        # allow_nan=False: a bare NaN/Infinity is not JSON. The models refuse non-finite
        # numbers (Number), so this can only trip on a programming error, never write one.
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)

    lines = ["{"]
    for key, value in {**(meta or {}), **catalog(config, head, today)}.items():
        if isinstance(value, list) and key in KINDS:
            items = ",\n".join(f"    {dumps(item)}" for item in value)
            lines.append(f"  {dumps(key)}: [\n{items}\n  ],")
        else:
            lines.append(f"  {dumps(key)}: {dumps(value)},")
    lines[-1] = lines[-1].rstrip(",")
    return ("\n".join(lines) + "\n}\n").encode("utf-8")


# ---------------------------------------------------------------------------- the flat tables


# A text cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection); such text gets a leading apostrophe in CSV and is stored as text in XLSX.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any, *, verbatim: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return _inert(str(value) if verbatim else redact(str(value)))


def _inert(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _xlsx_value(value: Any, *, verbatim: bool = False) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, (int, float, dt.date)):
        return value
    return str(value) if verbatim else redact(str(value))


def _rows(config: RegistryConfig, items: Sequence[BaseModel], cols: list[FlatColumn]) -> Iterator[list[Any]]:
    names = unit_names(config)
    for record in items:
        yield [column.get(record, names) for column in cols]


def to_csv(config: RegistryConfig, head: Snapshot) -> dict[str, bytes]:
    """``units.csv``, ``systems.csv``, ``projects.csv``."""
    out = {}
    for kind, items in records_of(config, head).items():
        cols = table_columns(kind, identities=config.publish_identities)
        rows = ([_csv_value(v, verbatim=c.verbatim) for v, c in zip(row, cols)] for row in _rows(config, items, cols))
        out[f"{kind}.csv"] = _csv_bytes([c.header for c in cols], rows)
    return out


def _csv_bytes(header: list[str], rows: Iterator[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def dictionary_rows(*, identities: bool = False, profiles: Collection[str] | None = None) -> list[list[str]]:
    """The data dictionary: table, column header, field key, meaning, type, unit, allowed values.
    With ``profiles``, the meanings cite only those profiles' regulations."""
    return [[table, c.header, c.key, own_text(c.meaning, profiles), c.kind, c.unit, c.allowed]
            for table, c in dictionary(identities=identities)]


def to_dictionary_csv(config: RegistryConfig) -> bytes:
    rows = dictionary_rows(identities=config.publish_identities, profiles=config.profiles)
    return _csv_bytes(DICTIONARY_HEADER, ([_csv_value(v) for v in row] for row in rows))


def to_xlsx(config: RegistryConfig, head: Snapshot, today: dt.date) -> bytes:
    # Write-only (streaming) mode: several times faster for thousands of rows.
    book = Workbook(write_only=True)
    book.properties.title = f"{config.jurisdiction}政务信息化登记簿（{today.isoformat()}）"
    for kind, items in records_of(config, head).items():
        cols = table_columns(kind, identities=config.publish_identities)
        rows = ([_text_cell(_xlsx_value(v, verbatim=c.verbatim)) for v, c in zip(row, cols)]
                for row in _rows(config, items, cols))
        _sheet(book, SHEET_TITLES[kind], [c.header for c in cols], rows, len(items))
    guide = dictionary_rows(identities=config.publish_identities, profiles=config.profiles)
    _sheet(book, DICTIONARY_SHEET, DICTIONARY_HEADER, iter(guide), len(guide))
    return _saved(book)


# Every workbook carries this date and time (the ZIP format's earliest) instead of the time it
# was written: the same data gives the same bytes, so published checksums change only with the
# data, and the site can reuse a file it built before.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_FIXED_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        # openpyxl streams each sheet to a temporary file and adds it with write(), which would
        # stamp the file's modification time.
        with open(filename, "rb") as sheet:
            self.writestr(str(arcname or filename), sheet.read(), compress_type, compresslevel)


def _saved(book: Workbook) -> bytes:
    """The workbook's bytes, the same for the same content (see _FIXED_TIME)."""
    fixed = dt.datetime(*_FIXED_TIME)
    book.properties.created = book.properties.modified = fixed
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()


class _Text(str):
    """A cell value that must be stored as text whatever it starts with."""


def _text_cell(value: Any) -> Any:
    # openpyxl stores a string starting with "=" as a formula: keep user text as text.
    return _Text(value) if isinstance(value, str) and value.startswith("=") else value


def _sheet(book: Any, title: str, header: list[str], rows: Iterator[list[Any]], count: int) -> None:
    """A sheet with a bold, frozen header row and a filter over every column."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(header), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in header])
    stream_rows(sheet)  # the same bytes, written without a cell object per value
    for row in rows:
        sheet.append([_cell(sheet, v) if isinstance(v, _Text) else v for v in row])


def _cell(sheet: Any, value: str, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def table_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """Any other published table (期限提醒) as CSV, with the same safeguards."""
    return _csv_bytes(header, ([_csv_value(v) for v in row] for row in rows))


def table_xlsx(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """Any other published table as a one-sheet workbook with a frozen, filterable header."""
    book = Workbook(write_only=True)
    _sheet(book, title, header, ([_text_cell(_xlsx_value(v)) for v in row] for row in rows), len(rows))
    return _saved(book)


def export_files(config: RegistryConfig, head: Snapshot, today: dt.date,
                 *, meta: dict[str, Any] | Callable[[dict[str, bytes]], dict[str, Any]] | None = None,
                 ) -> dict[str, bytes]:
    """Every open-data file by name (the site's ``data/`` folder). ``meta`` goes before the
    records of catalog.json; a callable gets the other files (to describe their sizes and
    checksums), so that catalog.json is written once."""
    others = {
        **to_csv(config, head),
        "catalog.xlsx": to_xlsx(config, head, today),
        "dictionary.csv": to_dictionary_csv(config),
    }
    described = meta(others) if callable(meta) else meta
    return {"catalog.json": to_json(config, head, today, meta=described), **others}
