"""PT 规则：规则参数（registry.yaml 中 rules.<ID> 下可改的值）。"""
from __future__ import annotations

from pydantic import Field, field_validator

from registry.dates import parse_month_day
from registry.rules.base import Params


class FilingParams(Params):
    procurement_threshold_wan: float = Field(
        100, gt=0, le=1_000_000,
        description="政府采购限额标准（万元）：低于此额的基础设施、软件开发和系统业务运营服务项目可采取备案制（第十二条“限额以下”，不含本数）",
    )


class ApprovalDeadlineParams(Params):
    approval_deadline: str = Field(
        "09-30", description="上一年度完成立项的截止日（MM-DD，含当日）：下年度项目原则上应于本年度9月底前完成立项",
    )

    @field_validator("approval_deadline")
    @classmethod
    def _month_day(cls, value: str) -> str:
        parse_month_day(value)
        return value


class SelfAdjustParams(Params):
    self_adjust_share: float = Field(
        0.15, ge=0, le=1,
        description="单位可自行调整（报备案）的资金调整比例上限（含本数），超过须重新报批：资金调整数额不超过项目总金额15%",
    )


class SelfEvaluationParams(Params):
    self_evaluation_months: int = Field(
        12, ge=1, le=120, description="项目通过验收后完成应用效果自评价的期限（自然月，含到期当日）",
    )
