"""Which field each column of a ledger holds.

A header is recognised, in this order, by: the ``--mapping`` file; the workbook's own 字段说明
sheet (what ``registry export --format xlsx`` writes, whatever its column titles become); the
field's dotted key (the CSV export's headers); its Chinese title in the export (安全·等保级别)
or that title's last part when no other field has it (等保级别); the usual words of county
ledgers (:data:`SYNONYMS`). A header ending in 代码/编码/名称 beyond a recognised one (所属单位代码)
is the same field: the importer takes whichever of the two cells it can read.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from registry.enums import FundSource
from registry.ledger.values import enum_words, unwrap
from registry.models import Project, System
from registry.tables import Sheet, header_key

MODELS: dict[str, type[BaseModel]] = {"systems": System, "projects": Project}
# The sheets of `registry export --format xlsx`, and its field guide (工作表/表, 列标题/列名, 字段, …),
# in the layouts the export has had.
KIND_LABELS = {"systems": "政务信息系统", "projects": "政务信息化项目"}
UNITS_SHEET = "单位"
GUIDE_SHEETS = ("字段说明", "数据字典")
GUIDE_FILE = "dictionary.csv"  # the CSV export's field guide, next to systems.csv
INTERNAL = frozenset({"notes", "contacts"})  # never published, so never in an export


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Model`` or ``Model | None``."""
    inner, _ = unwrap(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def columns(model: type[BaseModel], prefix: str = "", titles: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(dotted key, Chinese title path 安全·等保级别) of every leaf field of ``model``."""
    for name, info in model.model_fields.items():
        if not prefix and name in INTERNAL:
            continue
        title = (*titles, info.title or name)
        nested = nested_model(info.annotation)
        if nested is not None:
            yield from columns(nested, f"{prefix}{name}.", title)
        else:
            yield f"{prefix}{name}", "·".join(title)

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "systems": {
        "id": ("系统编号", "系统代码", "编号", "系统标识"),
        "name": ("系统名称", "名称", "信息系统名称", "系统全称", "应用系统名称", "系统（平台）名称", "信息系统（平台）名称",
                 "平台名称"),
        "unit": ("所属单位", "建设单位", "主管部门", "责任单位", "使用单位", "单位", "单位名称", "部门", "所属部门",
                 "建设（使用）单位", "系统建设单位", "填报单位"),
        "status": ("运行状态", "状态", "系统状态", "使用状态", "运行情况", "使用情况", "系统运行状态"),
        "online_since": ("上线时间", "投入使用时间", "上线日期", "投运时间", "建成时间", "启用时间", "投入使用日期",
                         "上线运行时间", "上线年月", "建成投用时间", "投入运行时间"),
        "retired_on": ("停用时间", "下线时间", "关停时间"),
        "deployment": ("部署方式", "部署位置", "部署环境", "部署地点", "部署情况", "部署模式"),
        "security.mlps_level": ("等保级别", "等级保护", "等保等级", "等级保护级别", "安全保护等级", "等保定级",
                                "等保备案级别", "等级保护定级", "定级级别"),
        "description": ("系统简介", "主要功能", "功能简介", "系统功能", "简介"),
        "network": ("网络", "网络环境", "运行网络", "所在网络"),
    },
    "projects": {
        "id": ("项目编号", "项目代码", "编号"),
        "name": ("项目名称", "名称"),
        "unit": ("建设单位", "项目单位", "所属单位", "主管部门", "责任单位", "单位", "申报单位", "项目建设单位",
                 "项目申报单位"),
        "year": ("年度", "项目年度", "计划年度", "立项年度", "建设年度", "实施年度", "申报年度", "年份"),
        "budget.total_wan": ("投资概算", "总投资（万元）", "总投资", "概算（万元）", "投资概算（万元）",
                             "项目总投资（万元）", "项目金额（万元）", "预算金额（万元）", "投资额（万元）",
                             "项目总投资", "总投资额", "投资总额", "计划总投资"),
        "budget.sources": ("资金来源",),
        "milestones.approved.doc_no": ("批复文号", "立项批复文号", "立项文号"),
        "milestones.approved.date": ("批复时间", "批复日期", "立项时间", "立项日期"),
        "nature": ("项目性质", "建设性质"),
        "delivery": ("建设方式", "实施方式"),
        "scope": ("项目类别", "类别"),
        "track": ("管理方式", "审批方式"),
        "content": ("建设内容", "主要建设内容", "项目建设内容", "建设内容及规模", "主要建设内容及规模"),
    },
}
_SUFFIXES = ("代码", "编码", "名称", "标签")
SOURCE_PREFIX = "budget.sources."  # one amount column per funding source kind: budget.sources.bond
IGNORED = {"序号", "编号序号", "No.", "NO", "no"}  # a ledger's row numbers
_UNIT_TABLE = {"kind", "单位类型", "approvers", "批准人"}


@functools.cache
def leaf_types(kind: str) -> dict[str, Any]:
    """Dotted key → annotation of every published leaf field of the kind (cached: callers only read it)."""
    model = MODELS[kind]
    out = {}
    for key, _title in columns(model):
        current: type[BaseModel] | None = model
        parts = key.split(".")
        for part in parts[:-1]:
            assert current is not None
            current = nested_model(current.model_fields[part].annotation)
        assert current is not None
        out[key] = current.model_fields[parts[-1]].annotation
    return out


def mapping_targets() -> set[str]:
    """The fields a mapping's columns may name: every leaf field, and one amount per funding
    source kind (budget.sources.county_budget)."""
    return {*leaf_types("systems"), *leaf_types("projects"), *(SOURCE_PREFIX + kind.value for kind in FundSource)}


# Per-source amount columns of a county's 年度计划表 (其中：中央资金 | 县级配套 | 债券资金), beyond the
# source kinds' own words (registry.ledger.values.SYNONYMS). 自筹 names no kind: left for the mapping.
_SOURCE_HEADERS = {"中央资金": "superior_fund", "中央补助": "superior_fund", "省级资金": "superior_fund",
                   "省级补助": "superior_fund", "市级资金": "superior_fund", "市级补助": "superior_fund",
                   "上级补助资金": "superior_fund", "上级专项资金": "superior_fund", "县级资金": "county_budget",
                   "县级配套": "county_budget", "本级资金": "county_budget", "本级配套": "county_budget",
                   "县级财政资金": "county_budget", "本级财政资金": "county_budget", "债券资金": "bond",
                   "专项债券资金": "bond", "社会资本投入": "social_capital"}
_OF_WHICH = re.compile(r"^(其中|含)[:：]?")


def _source_column(key: str) -> str | None:
    """``budget.sources.<kind>`` for a header that is exactly a funding source's word (本级财政,
    上级资金, 其中：中央资金), else None: a column that merely mentions one is not one."""
    word = _OF_WHICH.sub("", key)
    words = {**enum_words(FundSource), **_SOURCE_HEADERS}
    found = words.get(word) or words.get(word.removesuffix("资金"))
    return SOURCE_PREFIX + found if found and not word.isascii() else None


def _vocabulary(kind: str) -> dict[str, str]:
    """Normalised header → key, from the export's titles and the ledger synonyms."""
    words: dict[str, str] = {}
    titles = list(columns(MODELS[kind]))
    last_parts: dict[str, list[str]] = {}
    for key, title in titles:
        last_parts.setdefault(header_key(title.split("·")[-1]), []).append(key)
    words.update({part: keys[0] for part, keys in last_parts.items() if len(keys) == 1})
    for key, names in SYNONYMS[kind].items():
        words.update({header_key(name): key for name in names})
    for key, title in titles:
        words[header_key(title)] = key
        words[header_key(key)] = key
    return words


@dataclasses.dataclass
class Layout:
    """Column index → field key of one sheet, and the headers left unrecognised."""

    kind: str
    fields: dict[int, str]
    unknown: list[str]
    scales: dict[int, float] = dataclasses.field(default_factory=dict)  # an amount column in 元 or 亿元: × this
    notes: list[str] = dataclasses.field(default_factory=list)  # how a header was read, to be said

    def columns_of(self, key: str) -> list[int]:
        return [index for index, field in self.fields.items() if field == key]


def guide_of(sheets: list[Sheet]) -> dict[tuple[str, str], str]:
    """(sheet name, header) → key from a field guide sheet (工作表, 列标题, 字段, …)."""
    out: dict[tuple[str, str], str] = {}
    for sheet in sheets:
        if not is_guide(sheet) or len(sheet.headers) < 3:
            continue
        for row in sheet.rows:
            cells = [str(c).strip() if c is not None else "" for c in row.cells[:3]]
            if len(cells) == 3 and all(cells):
                key = cells[2].split(":", 1)[0]  # "unit:label": the readable twin of unit
                out[(cells[0], header_key(cells[1]))] = key
                out[("", header_key(cells[1]))] = key  # CSV tables: one guide, any file
    return out


def is_guide(sheet: Sheet) -> bool:
    return sheet.name in GUIDE_SHEETS or sheet.name == GUIDE_FILE


def layout(sheet: Sheet, kind: str, guide: dict[tuple[str, str], str], mapped: dict[str, str | None]) -> Layout:
    words = _vocabulary(kind)
    known = leaf_types(kind)
    fields: dict[int, str] = {}
    unknown: list[str] = []
    scales: dict[int, float] = {}
    notes: list[str] = []
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        key = header_key(header)
        if key in IGNORED and key not in mapped:
            continue
        if key in mapped:
            target = mapped[key]
            if target is not None:
                fields[index] = target
            continue
        found = _recognised(key, sheet.name, guide, words)
        note = None
        annotated = _ANNOTATED.match(key)
        if found is None and annotated:  # 上线时间（年月）, 总投资（元）
            found, note = _recognised(annotated["base"], sheet.name, guide, words), annotated["note"]
        if found is None and kind == "projects":  # 本级财政（元）, 其中：上级资金, 专项债券
            found = _source_column(annotated["base"] if annotated else key)
        if found is not None and (found in known or found.startswith(SOURCE_PREFIX)):
            fields[index] = found
            amount = found.endswith("_wan") or found.startswith(SOURCE_PREFIX)
            unit = _money_unit(note) if note and amount else None
            if unit is not None:
                scales[index] = _MONEY_UNITS[unit]
                notes.append(f"{sheet.column_name(index)}的金额按{unit}换算为万元")
            elif amount and not (note and note.removeprefix("单位").lstrip("：") == "万元") and sheet.money_unit in _OTHER_UNITS:
                scales[index] = _MONEY_UNITS[sheet.money_unit]
                notes.append(f"{sheet.column_name(index)}的金额按表头上方写明的“单位：{sheet.money_unit}”换算为万元")
        else:
            unknown.append(header)
    return Layout(kind, fields, unknown, scales, notes)


_NUMBERED = re.compile(r"^(\d{1,2}[.、．]|（\d{1,2}）|[①-⑳])(?=\D)")
_ANNOTATED = re.compile(r"^(?P<base>.+?)（(?P<note>[^（）]*)）$")  # a header with its note in brackets
_MONEY_UNITS = {"元": 1e-4, "万元": 1.0, "亿元": 1e4, "千元": 1e-1}
_OTHER_UNITS = ("元", "亿元", "千元")  # a table's money unit that is not the format's 万元


def _recognised(key: str, sheet_name: str, guide: dict[tuple[str, str], str], words: dict[str, str]) -> str | None:
    found = guide.get((sheet_name, key)) or guide.get(("", key)) or words.get(key) or words.get(key.lower())
    if found is None and (numbered := _NUMBERED.match(key)):  # 1.系统名称, （2）所属单位, ③运行状态: a template's numbering
        return _recognised(key[numbered.end():], sheet_name, guide, words)
    if found is None:
        base = next((key[: -len(s)] for s in _SUFFIXES if key.endswith(s) and len(key) > len(s)), "")
        found = words.get(base)
    return found


def _money_unit(note: str) -> str | None:
    """The money unit other than 万元 a header's note names (元, 单位：元), else None."""
    unit = note.removeprefix("单位").lstrip("：")
    return unit if unit in _MONEY_UNITS and unit != "万元" else None


def guess_kind(sheet: Sheet, guide: dict[tuple[str, str], str]) -> str | None:
    """systems or projects, from the sheet's name or its headers (it needs a name column),
    else None (a units sheet, the field guide, notes)."""
    if is_guide(sheet) or sheet.name == UNITS_SHEET:
        return None
    for kind, label in KIND_LABELS.items():
        if sheet.name in (label, f"{kind}.csv"):  # the export's sheets and CSV files
            return kind
    if any(header_key(h) in _UNIT_TABLE for h in sheet.headers):
        return None  # a table of units (registry export's units.csv, an init --units file)
    layouts = {kind: layout(sheet, kind, guide, {}) for kind in MODELS}
    named = [kind for kind, found in layouts.items() if found.columns_of("name")]
    project_only = ("year", "budget.total_wan", "nature", "milestones.approved.doc_no")
    if "projects" in named and (any(layouts["projects"].columns_of(k) for k in project_only) or "项目" in sheet.name):
        return "projects"
    return "systems" if "systems" in named else None
