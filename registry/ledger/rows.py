"""Ledger rows → records: values converted by field type, unit names → unit codes, ids by the
id rules, existing records matched (by id, or by unit + name) so that importing the same sheet
again updates instead of duplicating. Every row that cannot be imported is a :class:`RowProblem`
naming its sheet, row and column."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from registry.enums import FundSource
from registry.ledger.columns import MODELS, SOURCE_PREFIX, Layout, leaf_types
from registry.ledger.mapping import Mapping
from registry.ledger.values import (
    MONEY_UNIT,
    CellError,
    Heard,
    convert,
    funding_sources,
    shortens,
    text_of,
    to_date,
    to_enum,
    to_level,
    to_number,
)
from registry.models import RegistryConfig
from registry.schema_errors import dotted, translate
from registry.sheetlayout import Fault
from registry.snapshot import Snapshot
from registry.tables import Row, Sheet, header_key

UNIT_KEYS = ("unit", "partners", "transferred_from.unit")
LEVEL_KEYS = ("security.mlps_level",)
_SYSTEM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclasses.dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int
    column: str
    reason: str

    def text(self) -> str:
        if not self.row:  # about the whole sheet
            return f"工作表 {self.sheet}：{self.reason}"
        column = self.column or "（表中没有对应的列）"
        return f"工作表 {self.sheet} 第 {self.row} 行 {column}：{self.reason}"


@dataclasses.dataclass
class Planned:
    kind: str
    record_id: str
    path: str  # where the record is written
    data: dict[str, Any]  # the fields taken from the row (nested)
    old_path: str | None  # the matched record's file, when the record exists already
    sheet: str
    row: int
    columns: dict[str, str] = dataclasses.field(default_factory=dict)  # field key → column name


class Units:
    """Unit codes from what a ledger writes: a code, a full name, a name without the county's
    prefix, or what the mapping says."""

    def __init__(self, config: RegistryConfig, mapping: Mapping) -> None:
        self.ids = {u.id for u in config.units}
        self.names = {header_key(u.name): u.id for u in config.units}
        self.names.update({header_key(alias): u.id for u in config.units for alias in u.aliases})  # 卫健局
        self.full = {u.id: u.name for u in config.units}
        county = re.sub(r"[（(].*$", "", config.jurisdiction).strip()  # 金乡县（演示数据） → 金乡县
        self.short = {header_key(u.name.removeprefix(county)): u.id for u in config.units}
        level = header_key(county)[-1:]  # 县财政局 for 金乡县财政局
        self.short.update({level + name: unit for name, unit in self.short.items() if level and name[:1] != level})
        self.mapped = {header_key(k): v for k, v in mapping.units.items()}

    def code(self, text: str, heard: Heard | None = None) -> str:
        key = header_key(text)
        for table in (self.mapped, self.names, self.short):
            if key in table:
                return table[key]
        if text.strip().lower() in self.ids:
            return text.strip().lower()
        fits = {unit for name, unit in {**self.names, **self.short}.items() if shortens(key, name)}
        if len(fits) == 1:  # 卫健局 for 卫生健康局: read so, and said
            (unit,) = fits
            if heard is not None:
                heard(f"单位 {text!r} 按 {unit}（{self.full[unit]}）导入（不对时请在 --mapping 的 units 中写明）")
            return unit
        raise CellError(f"单位 {text!r} 未在 registry.yaml 的 units 中登记（可在 --mapping 的 units 中写明对应的单位代码）")


class Importer:
    def __init__(self, config: RegistryConfig, head: Snapshot, mapping: Mapping) -> None:
        self.config = config
        self.head = head
        self.mapping = mapping
        self.units = Units(config, mapping)
        self.taken: dict[str, set[str]] = {
            "systems": {s.id for s in head.systems}, "projects": {p.id for p in head.projects}}
        self.seen: dict[tuple[str, str], int] = {}  # (kind, id) → row that planned it
        self.named: dict[tuple[str, str, str], str] = {}  # (kind, unit and year, name) → where it was planned
        self.guesses: list[RowProblem] = []  # cells read by resemblance (县政务云 → 县级政务云), to be shown
        self._next_number: dict[tuple[str, str, Any], int] = {}  # (kind, unit, year) → the number to try next

    def rows(self, sheet: Sheet, layout: Layout) -> tuple[list[Planned], list[RowProblem]]:
        planned, problems = [], []
        unit = self._sheet_unit(sheet, layout)
        for row in sheet.rows:
            result = self.row(sheet, layout, row, unit)
            if isinstance(result, Planned):
                planned.append(result)
            else:
                problems.extend(result)
        return planned, problems

    def _sheet_unit(self, sheet: Sheet, layout: Layout) -> str | None:
        """A ledger kept by one unit (填报单位：财政局 above the table) or as one sheet per unit
        (工作表 财政局) needs no unit column: that unit, when it names exactly one — said once."""
        if layout.columns_of("unit") or "unit" in self.mapping.defaults:
            return None
        for source, text in (("表头上方写明的填报单位", sheet.filed_by), ("工作表名称", sheet.name)):
            try:
                unit = self.units.code(text or "")
            except CellError:
                continue
            self.guesses.append(RowProblem(sheet.name, 0, "", f"表中没有单位列：按{source}记为 {unit}（{self.units.full[unit]}）"))
            return unit
        return None

    def row(self, sheet: Sheet, layout: Layout, row: Row, sheet_unit: str | None = None) -> Planned | list[RowProblem]:
        kind = layout.kind
        types = leaf_types(kind)
        flat: dict[str, Any] = {}
        problems: list[RowProblem] = []
        # every field's column, filled or not: a required value left empty is reported at its cell
        column_of = {key: sheet.column_name(layout.columns_of(key)[0]) for key in set(layout.fields.values())}
        for key in dict.fromkeys(layout.fields.values()):
            indices = [i for i in layout.columns_of(key) if i < len(row.cells) and present(row.cells[i])]
            if not indices:
                continue
            column_of[key] = sheet.column_name(indices[0])
            if key == "budget.sources" or key.startswith(SOURCE_PREFIX):
                continue  # needs the total, or gathers several columns: below
            errors = []
            for index in indices:
                try:
                    heard: list[str] = []
                    flat[key] = scaled(self._value(key, types[key], row.cells[index], heard.append, sheet.epoch),
                                       layout.scales.get(index), row.cells[index])
                    column_of[key] = sheet.column_name(index)
                    self.guesses += [RowProblem(sheet.name, row.number, column_of[key], said) for said in heard]
                    break
                except CellError as exc:
                    errors.append((index, exc.reason))
            else:
                problems.append(RowProblem(sheet.name, row.number, sheet.column_name(errors[0][0]), errors[0][1]))
        for key, value in self.mapping.defaults.items():
            flat.setdefault(key, value)
        if sheet_unit is not None:
            flat.setdefault("unit", sheet_unit)
        for index in layout.columns_of("budget.sources"):
            if index < len(row.cells) and present(row.cells[index]):
                try:
                    total = flat.get("budget.total_wan")
                    flat["budget.sources"] = funding_sources(readable(row.cells[index]),
                                                             total if isinstance(total, (int, float)) else None,
                                                             self.mapping.values.get("budget.sources"))
                except CellError as exc:
                    problems.append(RowProblem(sheet.name, row.number, sheet.column_name(index), exc.reason))
                break
        problems += self._source_columns(sheet, layout, row, flat)
        if problems:
            return problems
        return self._record(sheet, row, kind, flat, column_of)

    def _source_columns(self, sheet: Sheet, layout: Layout, row: Row, flat: dict[str, Any]) -> list[RowProblem]:
        """Amount columns per funding source kind (budget.sources.county_budget …)."""
        sources, problems = [], []
        for index, key in sorted(layout.fields.items()):
            if not key.startswith(SOURCE_PREFIX) or index >= len(row.cells) or not present(row.cells[index]):
                continue
            try:
                kind = to_enum(key.removeprefix(SOURCE_PREFIX), FundSource)
                sources.append({"kind": kind, "amount_wan": scaled(to_number(readable(row.cells[index]), float),
                                                                   layout.scales.get(index), row.cells[index])})
            except CellError as exc:
                problems.append(RowProblem(sheet.name, row.number, sheet.column_name(index), exc.reason))
        if sources and "budget.sources" not in flat:
            flat["budget.sources"] = sources
        return problems

    def _value(self, key: str, annotation: Any, cell: Any, heard: Heard, epoch: dt.date) -> Any:
        cell = readable(cell)
        if key == "year" and isinstance(cell, str):
            cell = _YEAR_WORD.sub("", cell)  # 2025年, 2025年度
        if key in UNIT_KEYS:
            if key == "partners":
                return [self.units.code(part, heard) for part in re.split(r"\s*[、;；,，\n]\s*", text_of(cell)) if part]
            return self.units.code(text_of(cell), heard)
        if key in LEVEL_KEYS:
            return to_level(cell, heard)
        if isinstance(cell, str) and (key in _ONE_LINE or key.endswith(".doc_no")) and "\n" in cell.strip():
            cell = _joined(cell)  # Alt+Enter inside a name wraps it on screen; the name has no line break
        if key == "id" and _ROW_NUMBER.fullmatch(text_of(cell)):
            raise CellError(f"编号 {text_of(cell)!r} 像是序号，不是记录的编号（如 czj-system-01、2025-czj-001）："
                            "该列是序号时请把列标题改为“序号”，或在 --mapping 的 columns 中写明该列为 null")
        return convert(annotation, cell, self.mapping.values.get(key), heard, epoch)

    def _record(self, sheet: Sheet, row: Row, kind: str, flat: dict[str, Any],
                column_of: dict[str, str]) -> Planned | list[RowProblem]:
        def problem(key: str, reason: str) -> list[RowProblem]:
            return [RowProblem(sheet.name, row.number, column_of.get(key, ""), reason)]

        label = "系统" if kind == "systems" else "项目"
        if not flat.get("name"):
            return problem("name", f"缺少{label}名称")
        if not flat.get("unit"):
            return problem("unit", f"缺少所属单位：表中没有单位列或该格为空（{label} {flat['name']}）")
        existing = self._match(kind, flat)
        if kind == "projects" and "year" not in flat:
            year = self._year(flat, existing)
            if year is None:
                return problem("year", "缺少年度：表中没有年度列，也没有可推断年度的批复或申报日期")
            flat["year"] = year
        # a project of the same name each year (某系统运维) is one project a year
        same_name = (kind, f"{flat['unit']} {flat.get('year', '')}", header_key(str(flat["name"])))
        if "id" not in flat and same_name in self.named:  # a row copied twice: one record, never two
            return problem("name", f"与{self.named[same_name]}是同一条记录（单位、名称相同）：请删除重复行，"
                                   "确是两条记录时请在编号列中分别写明编号")
        record_id = flat.get("id") or (existing.id if existing is not None else self._new_id(kind, flat))
        if record_id is None:
            return problem("id", f"{flat['year']} 年度 {flat['unit']} 的项目编号 001–999 已用完：请在编号列中写明编号")
        flat["id"] = record_id
        previous = self.seen.get((kind, str(record_id)))
        if previous is not None:
            return problem("id", f"与第 {previous} 行是同一条记录（编号 {record_id}）：请删除重复行")
        data = nest(flat)
        base = _existing_data(self.head, existing)
        merged = deep_update(copy.deepcopy(base), data) if base is not None else data
        model: type[BaseModel] = MODELS[kind]
        try:
            model.model_validate(merged)
        except ValidationError as exc:
            return [RowProblem(sheet.name, row.number, _column(column_of, dotted(loc)), msg.zh)
                    for loc, msg in translate(model, exc)]
        self.seen[(kind, str(record_id))] = row.number
        self.named.setdefault(same_name, f"工作表 {sheet.name} 第 {row.number} 行")
        self.taken[kind].add(str(record_id))
        old_path = self.head.path_of(existing) if existing is not None else None
        return Planned(kind, str(record_id), f"{kind}/{flat['unit']}/{record_id}.yaml", data, old_path,
                       sheet.name, row.number, column_of)

    def _match(self, kind: str, flat: dict[str, Any]) -> Any:
        records = self.head.systems if kind == "systems" else self.head.projects
        if flat.get("id"):
            return next((r for r in records if r.id == flat["id"]), None)
        return next((r for r in records if r.unit == flat["unit"] and r.name == flat["name"]
                     and ("year" not in flat or getattr(r, "year", None) == flat["year"])), None)

    def _year(self, flat: dict[str, Any], existing: Any) -> int | None:
        if existing is not None:
            return int(existing.year)
        for key in ("milestones.approved.date", "milestones.declared.date", "milestones.planned.date"):
            if key in flat:
                return int(to_date(flat[key]).year)
        return None

    def _new_id(self, kind: str, flat: dict[str, Any]) -> str | None:
        """The next free id by the id rules: ``unit-system-NN``, ``year-unit-NNN`` (None when a
        unit's year has used all 999 project numbers). Each unit's count goes on from where it
        stopped, so a ledger of thousands of one unit's rows is not quadratic."""
        unit = flat["unit"]
        key = (kind, unit, flat.get("year") if kind == "projects" else None)
        n = self._next_number.get(key, 1)
        while True:
            candidate = f"{unit}-system-{n:02d}" if kind == "systems" else f"{flat['year']}-{unit}-{n:03d}"
            if kind == "projects" and n > 999:
                return None
            if candidate not in self.taken[kind]:
                self._next_number[key] = n + 1
                return candidate
            n += 1


# What a ledger writes in a cell that has nothing to say (not applicable, none): read as empty
PLACEHOLDERS = frozenset({"/", "-", "--", "—", "——", "－", "\\", "／", "、"})
_ONE_LINE = frozenset({"id", "name"})
_WRAP = re.compile(r"\s*\n\s*")


def _joined(text: str) -> str:
    """Lines of a wrapped cell as one: nothing between Chinese, a space between words."""
    return _WRAP.sub(lambda m: " " if _latin_around(text, m) else "", text.strip())


def _latin_around(text: str, match: re.Match[str]) -> bool:
    before, after = text.strip()[match.start() - 1:match.start()], text.strip()[match.end():match.end() + 1]
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


_ROW_NUMBER = re.compile(r"\d{1,4}")  # 1, 2, 3 … in a 编号 column: a ledger's row numbers
_YEAR_WORD = re.compile(r"\s*年度?\s*$")


def present(cell: Any) -> bool:
    """The cell holds something to import (an error value does: it is reported)."""
    text = text_of(cell) if cell is not None else ""
    return bool(text) and text not in PLACEHOLDERS


def readable(cell: Any) -> Any:
    """The cell's value, or CellError for a cell that holds none (#REF!, a formula never computed)."""
    if isinstance(cell, Fault):
        raise CellError(cell.reason)
    return cell


def scaled(value: Any, scale: float | None, cell: Any = None) -> Any:
    """An amount of a column in 元 (or 亿元) as 万元: exact to the cent, whole numbers as ints; a
    cell that writes its own unit (120万元) was converted by it already."""
    if scale is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    if isinstance(cell, str) and MONEY_UNIT.search(cell.strip()):
        return value
    amount = round(value * scale, 6)
    return int(amount) if float(amount).is_integer() else amount


def _column(column_of: dict[str, str], key: str) -> str:
    while key:
        if key in column_of:
            return column_of[key]
        key = key.rpartition(".")[0]
    return ""


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"security.mlps_level": 3}`` → ``{"security": {"mlps_level": 3}}``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, last = key.split(".")
        holder = out
        for part in parents:
            holder = holder.setdefault(part, {})
        holder[last] = value
    return out


def deep_update(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_update(base[key], value)
        else:
            base[key] = value
    return base


def _existing_data(head: Snapshot, record: Any) -> dict[str, Any] | None:
    if record is None:
        return None
    data: dict[str, Any] = record.model_dump(mode="python", exclude_unset=True)
    return data
