"""DLT 规则：建设管理（第十三条至第二十条）：安全可靠、工程监理、调整。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import DocumentKind, Stage
from registry.rules.adjustment import Adjustment, Reasons, Text, adjustments, named
from registry.rules.base import Context, Kind, NoParams, Problem, rule
from registry.rules.dalad import PROFILE
from registry.rules.dalad.citations import (
    DLT13,
    DLT16,
    DLT19,
    DLT20,
)
from registry.rules.dalad.params import SelfAdjustParams
from registry.rules.helpers import (
    missing_documents,
)


@rule("DLT13", local=True, name="trusted-products-and-security-review", title="安全可靠说明与验收安全材料", kind=Kind.record,
      profile=PROFILE.id, cite=[DLT13],
      fails="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 达发改审批字〔2025〕12号}
      documents: {}                  # 缺安全可靠情况说明
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 达发改审批字〔2025〕12号}
        final_acceptance: {date: 2025-11-20, passed: true}
      documents:
        trusted_products_statement: docs/2025-zwb-001/安全可靠情况说明.pdf
        crypto_assessment_report: docs/2025-zwb-001/密评报告.pdf
        security_assessment: docs/2025-zwb-001/安全风险评估报告.pdf
      """)
def dlt13(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自 ``milestones.approved``（立项批复）起，项目须有 ``documents.trusted_products_statement``（安全可靠情况说明）；
    有 ``milestones.final_acceptance``（竣工验收）的，还须有 ``documents.crypto_assessment_report``（密评报告）
    和 ``documents.security_assessment``（安全风险评估报告）。

    第十三条要求在报批阶段说明产品的安全可靠情况，并把软硬件产品安全可靠情况、密码应用和安全审查情况作为验收的重要内容。
    没有这份说明，批复就缺少判断依据；没有密评和安全风险评估报告，验收就无从核查。
    """
    for p in ctx.projects:
        if p.reached(Stage.approved):
            yield from missing_documents(p, (DocumentKind.trusted_products_statement,),
                                         when="报批时（立项批复后）", when_en="from approval")
        if p.milestones.final_acceptance is not None:
            yield from missing_documents(p, (DocumentKind.crypto_assessment_report, DocumentKind.security_assessment),
                                         when="竣工验收时", when_en="at final acceptance")


@rule("DLT16", local=True, name="supervision-report", title="项目实行工程监理制", kind=Kind.record, profile=PROFILE.id,
      cite=[DLT16],
      fails="""
      milestones:
        final_acceptance: {date: 2025-11-20, passed: true}
      documents: {}                  # 缺监理报告
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2025-11-20, passed: true}
      documents:
        supervision_report: docs/2024-zwb-001/监理报告.pdf
      """)
def dlt16(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """有 ``milestones.final_acceptance``（竣工验收）的项目，须有 ``documents.supervision_report``（监理报告）。

    第十六条规定项目实行工程监理制，由项目建设单位委托工程监理单位对项目建设进行监理。
    监理报告是确实开展了监理的证明，竣工验收也以它为依据。
    """
    for p in ctx.projects:
        if p.milestones.final_acceptance is not None:
            yield from missing_documents(p, (DocumentKind.supervision_report,),
                                         when="竣工验收时（工程监理制）", when_en="at final acceptance")


# What 第十九条、第二十条 leave to the registry's one adjustment mechanism (registry/rules/adjustment.py):
# every adjustment is filed; re-approval when the total rises or moves by more than the share.
ADJUSTMENT = Adjustment(
    labels=named({"budget.total_wan": "投资概算", "content": "建设内容", "systems": "涉及系统"}),
    each_field=False,
    missing=Text(
        "项目 {id} 立项批复后调整了{what}，但 changes 中没有新增的变更记录：请登记变更（date、description、amount_wan），"
        "并向项目审批部门和领导小组办公室备案",
        "project {id} changed {what} after approval without a new changes entry: record and file the change",
    ),
    missing_beyond=Text("；{reasons}，还须重新报批并填写 approval", "; {reasons}, so it also needs re-approval (approval)"),
    reasons=Reasons(
        rise=Text("投资概算由 {old} 万元增至 {new} 万元（{delta}），超出概算批复",
                  "total_wan rises from {old} to {new} ({delta}), above the approved estimate"),
        share=Text("投资概算由 {old} 万元调整为 {new} 万元（{delta}{moved}），超过概算总投资的 {share}",
                   "total_wan changes from {old} to {new} ({delta}{moved}), more than {share} of it"),
    ),
    reapprove=Text(
        "项目 {id} {reasons}，不能由建设单位自行调整：请重新报批，并在本次新增的 changes 记录中填写 approval（批复文号、日期）",
        "project {id}: {reasons}, beyond self-adjustment: get it re-approved and give approval in the new changes entry",
    ),
    reapprove_field="budget.total_wan",
)


@rule("DLT20", name="adjustment-filed-or-reapproved", title="批复后调整须备案，超限须重新报批", kind=Kind.change,
      profile=PROFILE.id, cite=[DLT20, DLT19], params=SelfAdjustParams,
      fails="""
      # 基准版本：budget: {total_wan: 200}, changes: []
      milestones:
        approved: {date: 2025-02-01, doc_no: 达发改审批字〔2025〕12号}
      budget: {total_wan: 230}       # 调增 30 万元：超出概算批复，须重新报批
      changes:
        - {date: 2025-07-01, description: 增加视频汇聚模块, amount_wan: 30}
      """,
      passes="""
      # 基准版本：budget: {total_wan: 200}, changes: []
      milestones:
        approved: {date: 2025-02-01, doc_no: 达发改审批字〔2025〕12号}
      budget: {total_wan: 185}       # 调减 15 万元，未超过 10%：备案即可
      changes:
        - {date: 2025-07-01, description: 优化技术方案，核减硬件采购, amount_wan: -15}
      """)
def dlt20(ctx: Context, params: SelfAdjustParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，``budget.total_wan``、``content`` 或 ``systems`` 有任何改动，
    都须在 ``changes`` 中新增变更记录（即备案）。总投资高于基准版本，或调整数额超过基准版本总投资的
    ``self_adjust_share``（默认 10%，恰好等于仍可自行调整）时，新增的记录中还须至少有一条带 ``approval``（重新报批的批复文号和日期）。

    第十九条要求严格按照批复的初步设计方案和投资概算实施项目建设。第二十条只允许在投资规模未超出概算批复、
    建设目标不变、资金调整数额不超过概算总投资10%的情况下，由项目建设单位自行调整主要建设内容，
    并同时向项目审批部门、领导小组办公室备案。

    依据说明：RULES.md 只提到 ``budget.total_wan``；但条文对调整建设内容同样要求备案，
    因此建设内容和涉及系统的改动也须登记变更记录（是否还须 ``approval``，只看上述投资条件）。
    """
    yield from adjustments(ctx, ADJUSTMENT, params.self_adjust_share)
