"""PT 规则：规则参数（registry.yaml 中 rules.<ID> 下可改的值）。"""
from __future__ import annotations

from registry.rules.paramkit import Field

from registry.rules.base import Params
from registry.rules.paramtypes import AmountWan, MonthDay, Months, Share


class FilingParams(Params):
    procurement_threshold_wan: AmountWan = Field(100, description="政府采购限额标准（万元）：低于此额的基础设施、软件开发和系统业务运营服务项目可采取备案制（第十二条“限额以下”，不含本数）")


class ApprovalDeadlineParams(Params):
    approval_deadline: MonthDay = Field("09-30", description="上一年度完成立项的截止日（MM-DD，含当日）：下年度项目原则上应于本年度9月底前完成立项")


class SelfAdjustParams(Params):
    self_adjust_share: Share = Field(0.15, description="单位可自行调整（报备案）的资金调整比例上限（含本数），超过须重新报批：资金调整数额不超过项目总金额15%")


class SelfEvaluationParams(Params):
    self_evaluation_months: Months = Field(12, description="项目通过验收后完成应用效果自评价的期限（自然月，含到期当日）")
