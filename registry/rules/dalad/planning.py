"""DLT 规则：第二章 规划和审批：年度项目计划、初步设计和概算批复。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import STAGE_ORDER, DocumentKind, Stage
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.dalad import PROFILE
from registry.rules.dalad.citations import (
    DLT5,
    DLT8,
)
from registry.rules.helpers import (
    missing_documents,
)
from registry.rules.precedence import out_of_order

if TYPE_CHECKING:
    from registry.models import Project


@rule("DLT5", local=True, name="annual-plan-contents", title="年度项目计划内容齐全", kind=Kind.record, profile=PROFILE.id,
      cite=[DLT5],
      fails="""
      milestones: {planned: 2024-12-15}
      basis: []                       # 缺建设依据
      budget: {total_wan: 120}        # 缺 om_annual_wan（运维保障）
      documents: {}                   # 缺政务云资源需求、数据共享方案
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      basis: [{title: 数字达拉特建设规划, doc_no: 达政发〔2023〕8号, kind: plan}]
      budget: {total_wan: 120, om_annual_wan: 12}
      documents:
        cloud_requirements: docs/2025-zwb-001/政务云资源需求.pdf
        data_sharing_plan: docs/2025-zwb-001/信息资源共享方案.pdf
      """)
def dlt5(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自 ``milestones.planned``（纳入年度计划）起，项目须写明 ``basis``（建设依据，至少一项）
    和 ``budget.om_annual_wan``（运维保障：质保期满后每年的运维费用，万元），
    并有 ``documents.cloud_requirements``（政务云资源需求）和 ``documents.data_sharing_plan``（信息资源共享方案）。

    第五条列出单位年度项目计划须包含的内容，领导小组据此将项目纳入年度建设计划。
    政务云资源在计划阶段统筹，数据共享在计划阶段商定，运维费用则是质保期满后财政每年都要支付的资金：
    缺少这些内容就纳入计划的项目，这几方面无从审核。清单中的其他内容（投资概算、项目性质）本来就是每条记录的必填字段。
    """
    for p in ctx.projects_reached(Stage.planned):
        if not p.basis:
            yield problem(p, "basis",
                          f"项目 {p.id} 已纳入年度建设计划，须写明建设依据（basis）：请列出所依据的规划、文件或会议决定",
                          f"project {p.id} is in the annual plan and must give its basis (basis): list the plans, documents or "
                          "meeting decisions it rests on")
        if p.budget.om_annual_wan is None:
            yield problem(p, "budget.om_annual_wan",
                          f"项目 {p.id} 已纳入年度建设计划，须填写运维保障（budget.om_annual_wan，质保期满后每年运维费用，万元）",
                          f"project {p.id} is in the annual plan and must give its yearly O&M cost after the warranty: "
                          "fill in budget.om_annual_wan (wan yuan)")
        yield from missing_documents(p, (DocumentKind.cloud_requirements, DocumentKind.data_sharing_plan),
                                     when="纳入年度建设计划后", when_en="from planned")


@rule("DLT8", local=True, name="no-start-before-approval", title="初步设计和概算获批前不得开工", kind=Kind.record,
      profile=PROFILE.id, cite=[DLT8],
      fails="""
      milestones:
        started: 2025-03-01        # 没有立项批复就开工
      documents: {}
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 达发改审批字〔2025〕12号}
        started: 2025-03-01
      documents:
        preliminary_design: docs/2025-zwb-001/初步设计方案.pdf
      """)
def dlt8(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已到 ``milestones.started``（开工）或其后任一阶段的项目，须有 ``milestones.approved``（立项批复），
    且批复日期不晚于开工日期（未登记开工的，取其后第一个已登记阶段的日期）；
    还须有 ``documents.preliminary_design``（初步设计方案），简化程序的项目可以是 ``documents.implementation_plan``（实施方案）。

    第八条规定，初步设计方案和投资概算未获批复前，不下达项目建设投资资金，项目建设单位不得开工建设。
    未批先建，就是用未经批准的资金施工；初步设计方案正是获得批复的那份文件。
    """
    for p in ctx.projects_reached(Stage.started):
        start_stage = _first_present(p, Stage.started)
        for approved, start in out_of_order(p, Stage.approved, start_stage):
            field = f"milestones.{start_stage.value}"
            if approved is None:
                yield problem(p, field,
                              f"项目 {p.id} 的{start_stage.label}日期为 {start}，但没有立项批复（milestones.approved）："
                              "初步设计方案和投资概算未获批复前不得开工建设，请补录批复文号和日期，或核实开工日期",
                              f"project {p.id} reached {start_stage.value} ({start}) without approval (milestones.approved): "
                              "no construction before the design and estimate are approved; record the approval or check the date")
            else:
                yield problem(p, field,
                              f"项目 {p.id} 于 {start} {start_stage.label}，早于立项批复 {approved}：获批前不得开工建设，请核实日期",
                              f"project {p.id} {start_stage.value} on {start}, before its approval on {approved}: no construction "
                              "before approval; check the dates")
        if not (p.documents.get(DocumentKind.preliminary_design) or p.documents.get(DocumentKind.implementation_plan)):
            yield problem(p, "documents.preliminary_design",
                          f"项目 {p.id} 已开工，须提供获批的初步设计方案（documents.preliminary_design），"
                          "简化程序的项目可提供实施方案（documents.implementation_plan）",
                          f"project {p.id} has started and needs its approved design: give documents.preliminary_design "
                          "(or documents.implementation_plan for a simplified procedure)")


def _first_present(p: Project, stage: Stage) -> Stage:
    """The first milestone at or after ``stage`` in the stage order that the project has."""
    later = STAGE_ORDER[STAGE_ORDER.index(stage):]
    return next(s for s in later if p.milestones.get(s) is not None)
