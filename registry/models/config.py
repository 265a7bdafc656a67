"""The instance file ``registry.yaml``: jurisdiction, profiles, units and authorities."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import StringConstraints, field_validator

from registry.enums import UnitKind
from registry.models.base import Contact, Strict, field

UnitId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]{1,31}$")]


class Unit(Strict):
    id: UnitId = field("单位代码", "小写字母开头，2–32 位小写字母或数字；即 systems/<单位代码>/ 目录名")
    name: str = field("单位名称")
    kind: UnitKind = field("单位类型", "authority 数据主管部门 | department 县直部门 | township 乡镇（街道） | park 园区 | enterprise 国有企业")
    parent: UnitId | None = field("主管部门", "上级主管单位的单位代码（下属单位填写）", default=None)
    reviewers: list[str] = field("审核人", "代码托管平台上的审核人或团队（生成 CODEOWNERS）", default_factory=list)
    approvers: list[str] = field("批准人", "其合并操作视为本单位批准的 git 身份（邮箱或姓名）", default_factory=list)
    contact: Contact | None = field("联系人", "内部信息，不公开", default=None)


class Authorities(Strict):
    data_authority: UnitId = field("数据主管部门", "大数据局／大数据中心／数据局／政务服务数据管理局的单位代码")
    finance: UnitId | None = field("财政部门", default=None)
    development_reform: UnitId | None = field("发展改革部门", default=None)
    audit: UnitId | None = field("审计部门", default=None)
    cyberspace: UnitId | None = field("网信部门", default=None)
    crypto: UnitId | None = field("密码管理部门", default=None)


class DisabledRule(Strict):
    rule: str = field("规则编号", "例如 JX37")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = field(
        "停用理由", "必填：停用依据（会议纪要、文件号等），会显示在检查结果摘要中"
    )


Year = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]


class HolidayArrangement(Strict):
    """One year of the State Council's 部分节假日安排通知, day by day."""

    holidays: list[dt.date] = field(
        "放假日期", "通知中放假（含放假调休）的每一天，逐日列出，例如春节 2 月 15 日至 23 日写 9 个日期", default_factory=list)
    workdays: list[dt.date] = field(
        "调休上班日期", "通知中“上班”的周六、周日，逐日列出", default_factory=list)


class RegistryConfig(Strict):
    jurisdiction: str = field("行政区划", "本登记簿所属地区，例如 金乡县")
    profiles: list[str] = field(
        "规则配置", "适用的管理办法：quxian 渠县 | potou 坡头区 | dashiqiao 大石桥市 | dalad 达拉特旗 | jinxiang 金乡县"
    )
    base_branch: str = field("主分支", "变更规则默认比较的分支", default="main")
    units: list[Unit] = field("单位", "本地区各单位（部门、乡镇、园区等）")
    authorities: Authorities = field("职能部门", "角色 → 单位代码")
    parameters: dict[str, Any] = field("规则参数", "按参数名（或 规则编号.参数名）覆盖默认值", default_factory=dict)
    disabled_rules: list[DisabledRule] = field("停用规则", "每条须写明理由", default_factory=list)
    calendar: dict[Year, HolidayArrangement] = field(
        "节假日安排", "年份 → 国务院办公厅公布的该年节假日安排；用于 chinesecalendar 尚未收录的年份（优先于该库）",
        default_factory=dict)

    @field_validator("profiles")
    @classmethod
    def _at_least_one(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("至少选择一个规则配置")
        return value

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.id == unit_id), None)
