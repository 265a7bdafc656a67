"""A county's ``registry.yaml`` for ``registry init``: its name, profiles, the data authority and
the other authorities its profiles name, and its units (from an optional spreadsheet)."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from registry.enums import UnitKind
from registry.findings import Message
from registry.loader import ConfigError
from registry.rules.profiles import PROFILES, SELECTABLE
from registry.scaffold.yamltext import dump_roundtrip
from registry.hiddentext import HIDDEN
from registry.sheetlayout import Fault
from registry.tables import Sheet, header_key, read_table

# role → (default unit code, unit name after the county's name, name endings that identify it)
ROLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "data_authority": ("dsj", "", ("大数据局", "大数据中心", "数据局", "政务服务数据管理局", "大数据发展局")),
    "finance": ("czj", "财政局", ("财政局",)),
    "development_reform": ("fgj", "发展和改革局", ("发展和改革局", "发展改革局", "发改局", "发展和改革委员会")),
    "audit": ("sjj", "审计局", ("审计局",)),
    "cyberspace": ("wxb", "委网络安全和信息化委员会办公室", ("网络安全和信息化委员会办公室", "网信办")),
    "crypto": ("mmj", "密码管理局", ("密码管理局", "保密局", "保密机要局")),
}
ROLE_LABELS = {"data_authority": "数据主管部门", "finance": "财政部门", "development_reform": "发展改革部门",
               "audit": "审计部门", "cyberspace": "网信部门", "crypto": "密码管理部门"}

_UNIT_ID = re.compile(r"^[a-z][a-z0-9]{1,31}$")
UNIT_COLUMNS = {
    "id": ("单位代码", "代码", "单位编码", "编码", "编号", "id"),
    "name": ("单位名称", "名称", "单位", "name"),
    "kind": ("单位类型", "类型", "kind"),
    "parent": ("上级单位", "主管部门", "上级", "parent"),
    "reviewers": ("审核人", "reviewers"),
}


def parse_profiles(text: str) -> list[str]:
    """``jinxiang`` or ``quxian,potou`` (also with 、 or spaces) → profile ids, each known."""
    chosen = [p for p in re.split(r"[,，、\s]+", text.strip()) if p]
    unknown = [p for p in chosen if p not in SELECTABLE]
    if not chosen or unknown:
        raise ConfigError(Message(
            f"未知的规则配置 {'、'.join(unknown) or '（空）'}：可选 {'、'.join(SELECTABLE)}",
            f"unknown profile {', '.join(unknown) or '(none)'}: choose from {', '.join(SELECTABLE)}",
        ), path="--profile")
    return list(dict.fromkeys(chosen))


_NAME = re.compile(r"^[\w·（）()\-—]{2,40}$")


def county_name(text: str) -> str:
    """The jurisdiction's name as given to ``--name``: it goes into file names' neighbours, YAML
    and Markdown, so only letters (Chinese or not), digits and ·（）()- are taken."""
    name = text.strip()
    if not _NAME.match(name) or HIDDEN.search(name):  # a Hangul filler is a letter that shows as nothing
        raise ConfigError(Message(
            f"--name 应为地区名称（2–40 个字，可含汉字、字母、数字和 ·（）-），现为 {text!r}",
            f"--name must be a place name (2–40 letters, digits or ·（）-), got {text!r}",
        ), path="--name")
    return name


def cyberspace_name(county: str) -> str:
    return f"中共{county}委网络安全和信息化委员会办公室"


def role_name(role: str, county: str, profiles: list[str]) -> str:
    if role == "data_authority":
        return county + PROFILES[profiles[0]].data_authority
    if role == "cyberspace":
        return cyberspace_name(county)
    return county + ROLES[role][1]


def county_config(county: str, profiles: list[str], units: list[dict[str, Any]]) -> dict[str, Any]:
    """The data of ``registry.yaml``; units of the spreadsheet are matched to the authorities
    by name ending (…财政局), the missing authorities are added."""
    # the other authorities whose reviews the chosen regulations require, as each profile declares
    roles = ["data_authority", *dict.fromkeys(r for p in profiles for r in PROFILES[p].authorities)]
    units = [dict(u) for u in units]
    authorities: dict[str, str] = {}
    for role in roles:
        code, _suffix, endings = ROLES[role]
        match = next((u for u in units if str(u["name"]).endswith(endings)), None)
        if match is None:
            taken = {u["id"] for u in units}
            while code in taken:
                code += "x"
            match = {"id": code, "name": role_name(role, county, profiles), "kind": "department"}
            units.insert(len(authorities), match)
        if role == "data_authority":
            match["kind"] = "authority"
        authorities[role] = match["id"]
    return {
        "jurisdiction": county,
        "profiles": profiles,
        "base_branch": "main",
        "authorities": authorities,
        "parameters": {},
        "units": units,
    }


def registry_yaml(data: dict[str, Any]) -> str:
    from ruamel.yaml.comments import CommentedMap

    doc = CommentedMap(data)
    titles = "；".join(f"{PROFILES[p].regulation}（{PROFILES[p].document}）" for p in data["profiles"])
    doc.yaml_set_comment_before_after_key("profiles", before=f"适用的管理办法：{titles}")
    doc.yaml_set_comment_before_after_key(
        "authorities", before="职能部门：角色 → 单位代码（数据主管部门审核登记簿的配置、持续集成与 CODEOWNERS）")
    doc.yaml_set_comment_before_after_key("parameters", before="规则参数：按 规则编号.参数名 覆盖默认值（registry rules 列出各规则参数）")
    doc.yaml_set_comment_before_after_key(
        "units", before="单位：reviewers 填代码托管平台上的审核人（@用户名 或 @组织/团队），修改后运行 registry codeowners --write")
    header = (f"# {data['jurisdiction']}政务信息化项目与政务信息系统登记簿的配置（由 registry init 生成）\n"
              "# 字段说明：schema/registry.schema.json（编辑器中有中文提示）\n\n")
    return header + dump_roundtrip(doc)


# ------------------------------------------------------------------------------ units spreadsheet


@dataclasses.dataclass(frozen=True)
class UnitProblem:
    where: str
    reason: str


def units_from_table(path: Path, said: Callable[[str], None] = lambda line: None) -> list[dict[str, Any]]:
    """Units of the first visible sheet of ``path`` with a 单位名称 column; every bad row is
    reported, naming its cell. What is set aside as ``registry import`` sets it aside — hidden
    sheets, hidden rows and columns, 合计 and footer rows — is told to ``said``, a line each."""
    sheets = read_table(path)
    for sheet in sheets:
        columns = _unit_columns(sheet)
        if "name" not in columns:
            continue
        if sheet.hidden:
            said(f"工作表 {sheet.name} 是隐藏的工作表，未读取（需要时请在 Excel 中取消隐藏）")
            continue
        for line in [*(f"工作表 {sheet.name}：{note}" for note in sheet.notes), *sheet.skipped_lines()]:
            said(line)
        units, problems = _units(sheet, columns)
        if problems:
            lines = "\n".join(f"  {p.where}：{p.reason}" for p in problems)
            raise ConfigError(Message(f"{path} 中的单位无法导入：\n{lines}", f"{path}: units cannot be imported:\n{lines}"),
                              path="")
        return units
    raise ConfigError(Message(f"{path} 中找不到“单位名称”列", f"{path}: no 单位名称 (unit name) column"), path="")


def _unit_columns(sheet: Sheet) -> dict[str, int]:
    out: dict[str, int] = {}
    keys = [header_key(h) for h in sheet.headers]
    for field, names in UNIT_COLUMNS.items():
        for name in names:
            if name in keys and field not in out:
                out[field] = keys.index(name)
    return out


class _CellProblem(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def _cell(sheet: Sheet, cells: tuple[Any, ...], index: int | None) -> str:
    """The cell's text; an Excel error value (#REF!) or a hidden character is a problem at the cell."""
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, Fault):  # #REF!, #N/A, a formula without its result: never a unit's name
        raise _CellProblem(sheet.column_name(index), value.reason)
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    hidden = HIDDEN.search(text)
    if hidden:
        raise _CellProblem(sheet.column_name(index), f"含不可见字符 U+{ord(hidden.group()):04X}（零宽字符或文字方向控制符，"
                           "复制粘贴时带入的）：请在 Excel 中重新输入该格")
    return text


_KIND_LABELS = {**{k.label: k.value for k in UnitKind}, **{k.value: k.value for k in UnitKind},
                "部门": "department", "乡镇": "township", "街道": "township", "镇街": "township", "企业": "enterprise"}


def _units(sheet: Sheet, columns: dict[str, int]) -> tuple[list[dict[str, Any]], list[UnitProblem]]:
    units: list[dict[str, Any]] = []
    problems: list[UnitProblem] = []
    for n, row in enumerate(sheet.rows, start=1):
        where = f"工作表 {sheet.name} 第 {row.number} 行"
        texts, bad = {}, []
        for field, index in columns.items():
            try:
                texts[field] = _cell(sheet, row.cells, index)
            except _CellProblem as cell:
                bad.append(UnitProblem(f"{where} {cell.column}", cell.reason))
        if bad:
            problems += bad
            continue
        name = texts["name"]
        code = texts.get("id", "").lower() or f"dw{n:03d}"
        if not name:
            problems.append(UnitProblem(where, f"{sheet.column_name(columns['name'])} 单位名称为空"))
            continue
        if not _UNIT_ID.match(code):
            problems.append(UnitProblem(where, f"单位代码 {code} 格式不正确：小写字母开头，2–32 位小写字母或数字"))
            continue
        unit: dict[str, Any] = {"id": code, "name": name, "kind": "department"}
        kind = texts.get("kind", "")
        if kind:
            if kind not in _KIND_LABELS:
                problems.append(UnitProblem(where, f"单位类型 {kind} 无法识别：可填 {'、'.join(k.label for k in UnitKind)}"))
                continue
            unit["kind"] = _KIND_LABELS[kind]
        parent = texts.get("parent", "")
        if parent:
            unit["parent"] = parent
        reviewers = [r for r in re.split(r"[,，、;；\s]+", texts.get("reviewers", "")) if r]
        if reviewers:
            unit["reviewers"] = reviewers
        if any(u["id"] == code for u in units):
            problems.append(UnitProblem(where, f"单位代码 {code} 重复"))
            continue
        units.append(unit)
    by_name = {u["name"]: u["id"] for u in units}
    for unit in units:  # 上级单位 may be written as a name
        if "parent" in unit and unit["parent"] in by_name:
            unit["parent"] = by_name[unit["parent"]]
        if "parent" in unit and unit["parent"] not in {u["id"] for u in units}:
            problems.append(UnitProblem(f"单位 {unit['name']}", f"上级单位 {unit['parent']} 不在单位表中"))
    return units, problems
