"""An informatization project (政务信息化项目): ``projects/<unit>/<id>.yaml``."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic import Strict as StrictMode

from registry.enums import (
    AwardMethod,
    BasisKind,
    Builder,
    Delivery,
    DocumentKind,
    EvaluationKind,
    FundSource,
    Hardware,
    Nature,
    Scope,
    Track,
)
from registry.models.base import WHOLE_NUMBER, Contact, Date, DocRef, Flag, Integer, Number, Strict, field
from registry.models.config import UnitId
from registry.models.kinds import DocumentsKind, MilestonesKind, ProjectKind, TrialRunKind
from registry.models.system import ProjectId, SystemId

Amount = Number


class Basis(Strict):
    title: str = field("依据名称")
    doc_no: str | None = field("文号", default=None)
    kind: BasisKind = field("依据类型", "plan 规划 | directive 上级明确要求 | urgent 应急 | meeting 会议决定 | other 其他")


class Goal(Strict):
    indicator: str = field("绩效指标")
    target: str | Integer | Number = field("目标值", "例如 \"100%\"")


class FundingSource(Strict):
    kind: FundSource = field("资金来源", "county_budget 本级财政 | special_fund 专项资金 | superior_fund 上级资金 | bond 专项债券 | social_capital 社会资本")
    amount_wan: Amount = field("金额（万元）")


class Budget(Strict):
    total_wan: Amount = field("投资概算（万元）", "批复后即为投资上限")
    security_wan: Amount | None = field("网络安全投入（万元）", default=None)
    crypto_wan: Amount | None = field("密码应用投入（万元）", default=None)
    om_annual_wan: Amount | None = field("年度运维费（万元）", "质保期满后每年运维费用", default=None)
    sources: list[FundingSource] = field("资金来源", "各项金额之和等于投资概算", default_factory=list)


class SystemLinks(Strict):
    creates: list[SystemId] = field("新建系统", default_factory=list)
    upgrades: list[SystemId] = field("升级系统", default_factory=list)
    maintains: list[SystemId] = field("运维系统", "运行维护、运营服务项目服务的系统", default_factory=list)
    retires: list[SystemId] = field("整合或停用系统", default_factory=list)


def _document_fields() -> dict[str, Any]:
    return {
        kind.value: (str | None, field(kind.label, "docs/ 下的文件路径或文件编号", default=None))
        for kind in DocumentKind
    }


class _Documents(DocumentsKind, Strict):
    pass


from pydantic import create_model  # noqa: E402  (built from the DocumentKind enum: one source of truth)

Documents = create_model("Documents", __base__=_Documents, **_document_fields())


class CostComparison(Strict):
    build_wan: Amount = field("自建成本（万元）", "建设加全生命周期运维")
    purchase_wan: Amount = field("购买服务成本（万元）")


class Milestone(Strict):
    date: Date = field("日期")


class RefMilestone(Milestone):
    ref: str | None = field("编号", "评审意见等文件编号", default=None)


class Approved(Milestone):
    doc_no: str | None = field("批复文号", default=None)


class Budgeted(Milestone):
    amount_wan: Amount | None = field("下达金额（万元）", default=None)


class Awarded(Milestone):
    method: AwardMethod | None = field("采购方式", default=None)


class Contracted(Milestone):
    filed_on: Date | None = field("合同备案日期", default=None)
    implementation_months: Integer | None = field("建设周期（月）", default=None)
    warranty_months: Integer | None = field("质保期（月）", default=None)
    ip_clause: Flag | None = field("知识产权条款", "合同是否约定知识产权归属", default=None)


class TrialRun(TrialRunKind, Strict):
    start: Date = field("开始日期")
    end: Date | None = field("结束日期", default=None)


class FinalAcceptance(RefMilestone):
    passed: Flag = field("是否通过", default=True)


class Terminated(Milestone):
    reason: str | None = field("终止原因", default=None)


def _on(kind: type[Strict], title: str, description: str = "") -> Any:
    # The JSON Schema also admits a bare date here (registry.schema adds that branch).
    return field(title, description or "日期 YYYY-MM-DD，或包含 date 的映射", default=None)


class Milestones(MilestonesKind, Strict):
    declared: Milestone | None = _on(Milestone, "申报")
    planned: Milestone | None = _on(Milestone, "纳入年度建设计划")
    reviewed: RefMilestone | None = _on(RefMilestone, "专家（技术）评审")
    finance_reviewed: RefMilestone | None = _on(RefMilestone, "资金审核")
    crypto_reviewed: RefMilestone | None = _on(RefMilestone, "密码应用审核")
    third_party_assessed: RefMilestone | None = _on(RefMilestone, "第三方评估论证")
    approved: Approved | None = _on(Approved, "立项批复")
    budgeted: Budgeted | None = _on(Budgeted, "预算下达")
    price_inquiry: Milestone | None = _on(Milestone, "概算询价公示")
    awarded: Awarded | None = _on(Awarded, "中标（成交）")
    contracted: Contracted | None = _on(Contracted, "合同签订")
    started: Milestone | None = _on(Milestone, "开工")
    trial_run: TrialRun | None = _on(TrialRun, "试运行", "开始日期，或 {start, end}")
    preliminary_acceptance: Milestone | None = _on(Milestone, "初步验收")
    conformity_review: RefMilestone | None = _on(RefMilestone, "符合性审查")
    archive_acceptance: Milestone | None = _on(Milestone, "档案验收")
    final_acceptance: FinalAcceptance | None = _on(FinalAcceptance, "竣工（履约）验收")
    terminated: Terminated | None = _on(Terminated, "终止")

    @model_validator(mode="before")
    @classmethod
    def _dates_to_mappings(cls, data: Any) -> Any:
        """A bare date is shorthand for ``{date: …}`` (``{start: …}`` for trial_run)."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key, value in data.items():
            if value is not None and not isinstance(value, dict):
                out[key] = {"start": value} if key == "trial_run" else {"date": value}
        return out


class Evaluation(Strict):
    kind: EvaluationKind = field("评价类型", "self 自评价 | performance 绩效评价 | post 后评价")
    date: Date = field("日期")
    ref: str | None = field("报告编号", default=None)


class Change(Strict):
    date: Date = field("日期")
    description: str = field("变更内容")
    amount_wan: Amount | None = field("金额变化（万元）", "新投资总额 − 原投资总额", default=None)
    approval: DocRef | None = field("变更批复", "重新报批的批复文件；无则 null", default=None)


class Project(ProjectKind, Strict):
    id: ProjectId = field("项目编号", "年度-单位代码-三位序号，例如 2025-czj-001；即文件名")
    name: str = field("项目名称")
    unit: UnitId = field("建设单位", "单位代码，即 projects/<单位代码>/ 目录名")
    year: Annotated[int, Field(ge=2000, le=2100), StrictMode(), WHOLE_NUMBER] = field("计划年度", "安排预算的年度，与编号中的年份一致")
    partners: list[UnitId] = field("共建单位", "跨部门共建项目的其他单位代码", default_factory=list)
    nature: Nature = field("项目性质", "new 新建 | upgrade 升级改造 | expansion 扩建 | rebuild 改建 | om 运行维护 | operation_service 运营服务 | third_party 第三方服务")
    delivery: Delivery = field("建设方式", "build 自行建设 | purchase 购买服务")
    scope: Scope = field("类别", "public 公共类 | professional 专业类")
    track: Track = field("管理方式", "approval 审批制 | filing 备案制")
    builder: Builder | None = field("建设主体", "unit 项目单位 | data_authority 数据主管部门统建（渠县 第三十四条）", default=None)
    classified: Flag = field("涉密", "涉密项目不在本登记簿登记，必须为 false", default=False)
    basis: list[Basis] = field("建设依据", default_factory=list)
    necessity: str | None = field("必要性", default=None)
    content: str | None = field("建设内容", default=None)
    goals: list[Goal] = field("绩效目标", default_factory=list)
    budget: Budget = field("投资", "金额单位：万元")
    hardware: list[Hardware] = field("硬件及基础设施", "项目采购的硬件、机房、线路等", default_factory=list)
    systems: SystemLinks = field("涉及系统", default_factory=SystemLinks)
    documents: Documents = field("文件", "文件类型 → docs/ 下路径或文件编号", default_factory=Documents)
    cost_comparison: CostComparison | None = field("成本比较", "自建与购买服务的全生命周期成本比较", default=None)
    milestones: Milestones = field("里程碑", "阶段 → 日期或带 date 的映射", default_factory=Milestones)
    progress_reports: list[Date] = field("进度报告", "向数据主管部门报送进度报告的日期", default_factory=list)
    evaluations: list[Evaluation] = field("评价", default_factory=list)
    changes: list[Change] = field("变更", default_factory=list)
    notes: str | None = field("内部备注", "内部信息，不公开", default=None)
    contacts: list[Contact] = field("联系人", "内部信息，不公开", default_factory=list)


_ = DocRef  # re-exported for rules that type approvals
