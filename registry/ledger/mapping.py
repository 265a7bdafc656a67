"""The ``--mapping`` file of ``registry import``: what the recognised headers and words don't cover.

    kind: systems               # 可选：systems 或 projects
    sheet: 系统台账              # 可选：只导入这一工作表
    header_row: 3               # 可选：表头在第几行（自动识别不对时）
    include_hidden: true        # 可选：也导入隐藏的行和列（默认跳过并说明）
    columns:                    # 表头 → 字段（点号路径，见 schema/）；null 表示忽略该列
      系统中文名: name
      责任科室: unit
      备注: null
    values:                     # 可选：字段 → {表中的写法: 代码}
      status: {在运: operating, 已撤销: retired}
    units:                      # 可选：表中的单位写法 → 单位代码
      卫健委: wjj
    defaults:                   # 可选：表中没有或为空时使用的值
      deployment: county_cloud
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from registry.findings import Message
from registry.loader import ConfigError
from registry.tables import header_key
from registry.yamlio import YamlError, parse


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["systems", "projects"] | None = None
    sheet: str | None = None
    header_row: int | None = Field(default=None, ge=1, le=1_048_576)  # Excel's last row
    include_hidden: bool = False
    columns: dict[str, str | None] = {}
    values: dict[str, dict[str, str]] = {}
    units: dict[str, str] = {}
    defaults: dict[str, Any] = {}

    def column_targets(self) -> dict[str, str | None]:
        return {header_key(header): target for header, target in self.columns.items()}


def load_mapping(path: Path | None, known: set[str]) -> Mapping:
    """The mapping file at ``path`` (an empty mapping without one); every field it names must
    be a field of the data format."""
    if path is None:
        return Mapping()
    try:
        parsed = parse(path.read_bytes())
    except OSError as exc:
        raise ConfigError(Message(f"无法读取映射文件 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}"),
                          path="") from None
    except YamlError as exc:
        raise ConfigError(exc.message, str(path), exc.line, exc.column) from None
    try:
        mapping = Mapping.model_validate(parsed.data if parsed.data is not None else {})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "（顶层）"
        raise ConfigError(Message(
            f"映射文件 {path} 的 {where} 不正确：{error['msg']}（格式见 README“从 Excel 台账导入”）",
            f"mapping file {path}: {where}: {error['msg']}",
        ), path="") from None
    named = [t for t in mapping.columns.values() if t is not None] + [*mapping.values, *mapping.defaults]
    unknown = sorted({t for t in named if t not in known})
    if unknown:
        raise ConfigError(Message(
            f"映射文件 {path} 中的字段 {'、'.join(unknown)} 不是记录的字段（字段名见 schema/ 或 registry export 的“字段说明”）",
            f"mapping file {path}: unknown fields {', '.join(unknown)}",
        ), path="")
    return mapping
