"""A government information system (政务信息系统): ``systems/<unit>/<id>.yaml``."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints
from pydantic import Strict as StrictMode

from registry.enums import (
    Audience,
    CommonFunction,
    CryptoAssessment,
    Deployment,
    Network,
    Platform,
    Scope,
    SystemStatus,
)
from registry.models.base import WHOLE_NUMBER, Contact, Date, DocRef, Flag, Strict, field
from registry.models.config import UnitId
from registry.models.kinds import SystemKind

SystemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
ProjectId = Annotated[str, StringConstraints(pattern=r"^([0-9]{4})-([a-z][a-z0-9]{1,31})-([0-9]{3})$")]


class Security(Strict):
    mlps_level: Annotated[int, Field(ge=1, le=4), StrictMode(), WHOLE_NUMBER] | None = field("等保级别", "网络安全等级保护定级 1–4；未定级填 null", default=None)
    mlps_tested_on: Date | None = field("等保测评日期", "最近一次等级保护测评日期", default=None)
    crypto_assessment: CryptoAssessment | None = field("密码应用安全性评估", "passed 通过 | failed 未通过 | pending 待评估 | not_required 无需评估", default=None)
    crypto_assessed_on: Date | None = field("密评日期", default=None)
    trusted_products: Flag | None = field("安全可靠产品", "软硬件产品是否安全可靠", default=None)
    major_risks: list[str] = field("重大安全隐患", "尚未整改的重大安全隐患；无则留空", default_factory=list)


class DataInfo(Strict):
    resource_catalog: list[str] = field("信息资源目录", "本系统登记的政务信息资源目录编号", default_factory=list)
    shared: Flag | None = field("已共享", "是否按要求接入一体化大数据平台共享数据", default=None)
    duplicate_collection: Flag | None = field("重复采集", "是否重复采集其他系统已采集的数据", default=None)
    sharing_exemption: DocRef | None = field("共享豁免", "经批准保留不能共享的系统的批准文件", default=None)


class NewSystemApproval(DocRef):
    """The approval of a net-new system; one document may approve several (``count``)."""

    count: Annotated[int, Field(ge=1, le=1000), StrictMode(), WHOLE_NUMBER] = field(
        "批准个数", "该批准文件允许净增的系统个数（默认 1）；同一文号在整个登记簿中被使用的次数不得超过此数", default=1
    )


class Transfer(Strict):
    unit: UnitId = field("原单位", "移交前所属单位代码")
    doc_no: str = field("文号", "划转（移交）批准文件文号")
    date: Date = field("日期", "划转日期")


class System(SystemKind, Strict):
    id: SystemId = field("系统编号", "小写字母、数字和连字符，≤64 位，全登记簿唯一；即文件名")
    name: str = field("系统名称")
    aliases: list[str] = field("简称", "常用简称或曾用名；网站搜索能按简称找到本系统，并在系统页面上显示", default_factory=list)
    unit: UnitId = field("所属单位", "单位代码，即 systems/<单位代码>/ 目录名")
    status: SystemStatus = field("状态", "planned 规划中 | building 建设中 | trial 试运行 | operating 运行中 | retired 已停用 | merged 已整合")
    description: str | None = field("系统简介", default=None)
    scope: Scope | None = field("类别", "public 公共类 | professional 专业类", default=None)
    audience: Audience | None = field("服务对象", "internal 对内 | public 面向公众 | both 两者", default=None)
    common_function: CommonFunction | None = field("共性功能", "属于共性应用时填写（渠县 第十五条（四））", default=None)
    enforcement: Flag = field("执法监管系统", "是否执法监管业务系统（金乡 第十二条）", default=False)
    online_since: Date | None = field("上线日期", "试运行及以后状态必填", default=None)
    retired_on: Date | None = field("停用日期", "已停用、已整合必填", default=None)
    merged_into: SystemId | None = field("整合至", "已整合系统并入的系统编号", default=None)
    retirement_ref: str | None = field("停用依据", "证明系统已关停的文件号或报告", default=None)
    deployment: Deployment = field("部署方式", "county_cloud 县级政务云 | city_cloud 市级政务云 | province_cloud 省级政务云 | own_machine_room 自建机房 | other 其他")
    network: Network | None = field("网络", "egov_extranet 电子政务外网 | egov_intranet 电子政务内网 | internet 互联网 | private_line 专线", default=None)
    platforms: list[Platform] = field("接入平台", "已对接的统一平台", default_factory=list)
    security: Security = field("安全", default_factory=Security)
    data: DataInfo = field("数据", default_factory=DataInfo)
    built_by: list[ProjectId] = field("建设项目", "建设本系统的项目编号", default_factory=list)
    new_system_approval: NewSystemApproval | None = field(
        "新增系统批准", "净增系统的批准文件（“只减不增”例外）：doc_no、date，可选 count（该文件批准的系统个数）", default=None
    )
    transferred_from: Transfer | None = field("划转来源", "从其他单位划转而来时填写", default=None)
    notes: str | None = field("内部备注", "内部信息，不公开", default=None)
    contacts: list[Contact] = field("联系人", "内部信息，不公开", default_factory=list)
