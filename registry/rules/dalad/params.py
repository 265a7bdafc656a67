"""DLT 规则：规则参数（registry.yaml 中 rules.<ID> 下可改的值）。"""
from __future__ import annotations

from registry.rules.paramkit import Field

from registry.rules.base import Params
from registry.rules.paramtypes import Share


class SelfEvaluationParams(Params):
    self_evaluation_months: int = Field(
        24, ge=12, le=120, description="自评价期限：竣工验收后第 12 个月至第 N 个月内须开展自评价（“12-24个月内”）",
    )


class SelfAdjustParams(Params):
    self_adjust_share: Share = Field(0.10, description="建设单位可自行调整（备案即可）的资金调整上限，占基准版本投资概算的比例（“不超过概算总投资10%”，含本数）")


class AcceptanceParams(Params):
    acceptance_months: int = Field(6, ge=1, le=60, description="初步验收后须在 N 个月内完成竣工验收（“建成后半年内”，恰好 N 个月仍按期）")
