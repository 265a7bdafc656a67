"""JX 规则：规则参数（registry.yaml 中 rules.<ID> 下可改的值）。"""
from __future__ import annotations

from registry.rules.paramkit import Field

from registry.rules.base import Params
from registry.rules.paramtypes import AmountWan, Share


class MajorProjectParams(Params):
    major_project_wan: AmountWan = Field(500, description="重大项目标准（万元）：投资达到或超过此数（“500万元及以上”）须提供可行性研究报告和初步设计")


class ContractDaysParams(Params):
    contract_working_days: int = Field(
        10, ge=1, le=250,
        description="中标（成交）通知书发出后签订合同、合同签订后向县大数据局备案的期限（法定工作日，发出/签订当日不计，第 N 个工作日当天仍按期）",
    )


class SecurityShareParams(Params):
    min_security_share: Share = Field(0.05, description="新建项目网络安全预算占项目总预算的最低比例（“不低于5%”，恰好等于仍合格）")
