"""QX 规则：规则参数（registry.yaml 中 rules.<ID> 下可改的值）。"""
from __future__ import annotations

from registry.rules.paramkit import Field

from registry.rules.base import Params
from registry.rules.paramtypes import MonthDay, Months


class DeclarationParams(Params):
    declaration_deadline: MonthDay = Field("10-31", description="申报截止日（月-日，MM-DD）：安排某年度预算的项目须在上一年度该日（含）前申报（第六条“每年10月底前”）")


class SelfBuildParams(Params):
    self_build_limit_wan: float = Field(
        30, ge=0, le=1_000_000, description="项目单位自行组织建设的投资上限（万元，含本数）；超过且无上级资金的项目由县大数据中心统筹建设（第三十四条）",
    )


class BuildPeriodParams(Params):
    max_build_months: Months = Field(12, description="建设周期上限（月，含本数），自合同签订日起算（第三十六条“原则上建设周期不超过1年”）")


class TrialParams(Params):
    min_trial_days: int = Field(
        30, ge=1, le=3650, description="试运行最短天数（含起止两日）；竣工（履约）验收前须完成（第三十八条“时间不低于1个月”）",
    )
