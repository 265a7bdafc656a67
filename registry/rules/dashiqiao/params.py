"""DSQ 规则：规则参数（registry.yaml 中 rules.<ID> 下可改的值）。"""
from __future__ import annotations

from registry.rules.paramkit import Field, model_validator

from registry.rules.base import Params
from registry.rules.paramtypes import AmountWan
from registry.rules.dashiqiao.shared import _SELF_EVALUATION_EARLIEST_MONTHS


class MergeLimitParams(Params):
    merge_limit_wan: AmountWan = Field(200, description="可合并编报可研和初设的投资上限（万元，不含本数）：总投资额200万元(不含)以下的项目可以合并编报")


class ProgressParams(Params):
    progress_interval_months: int = Field(
        3, ge=1, le=60, description="报送项目实施进展情况的最长间隔（自然月，恰好满 N 个月仍算按时）",
    )


class StableRunParams(Params):
    stable_min_months: int = Field(3, ge=0, le=60, description="初验合格后系统稳定运行的最短期限（自然月，含本数）")
    stable_max_months: int = Field(6, ge=1, le=120, description="初验合格后申请竣工验收的最长期限（自然月，含本数）")

    @model_validator(mode="after")
    def _ordered(self) -> StableRunParams:
        if self.stable_min_months > self.stable_max_months:
            raise ValueError(
                f"stable_min_months（{self.stable_min_months}）不能大于 stable_max_months（{self.stable_max_months}）"
            )
        return self


class SelfEvaluationWindowParams(Params):
    self_evaluation_months: int = Field(
        24, ge=_SELF_EVALUATION_EARLIEST_MONTHS, le=120,
        description="项目通过验收后开展自评价的最迟期限（自然月，含本数）；最早为验收后12个月",
    )
