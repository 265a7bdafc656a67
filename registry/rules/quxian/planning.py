"""QX 规则：第二章 年度计划管理（第五条至第九条）：申报、申报材料、可研和初步设计、购买服务。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    BasisKind,
    Delivery,
    DocumentKind,
    Nature,
    Stage,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    late_for_budget_year,
    missing_documents,
)
from registry.rules.quxian import PROFILE
from registry.rules.quxian.citations import (
    QX6,
    QX7_1,
    QX7_2_4,
    QX8,
    QX9,
    QX9_2,
)
from registry.rules.quxian.params import DeclarationParams

if TYPE_CHECKING:
    from registry.models import Project

BUILD_NATURES = frozenset({Nature.new, Nature.upgrade, Nature.expansion, Nature.rebuild})


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


@rule("QX6", local=True, name="declared-before-deadline", title="列入预算的项目须在上年10月底前申报", kind=Kind.record,
      profile=PROFILE.id, cite=[QX6], params=DeclarationParams,
      fails="""
      # 今天 2026-03-01
      id: 2026-czj-001
      year: 2026
      milestones:
        declared: 2025-11-12      # 晚于 2025-10-31
        budgeted: {date: 2026-02-20, amount_wan: 80}
      """,
      passes="""
      # 今天 2026-03-01
      id: 2026-czj-001
      year: 2026
      milestones:
        declared: 2025-10-31      # 截止日当天（含）
        budgeted: {date: 2026-02-20, amount_wan: 80}
      """)
def qx6(ctx: Context, params: DeclarationParams) -> Iterator[Problem]:
    """已下达预算（到达 `budgeted` 阶段）的项目须登记申报日期 `milestones.declared`，
    且不晚于预算年度 `year` 上一年的申报截止日（`declaration_deadline`，默认 10 月 31 日，当日有效）。

    县大数据中心每年 10 月底前对下一年度的信息化项目摸底征集；
    未申报的项目“不予列入来年支出预算”。有预算却没有按时申报，说明绕过了年度计划。
    """
    for p, deadline, declared in late_for_budget_year(ctx, Stage.declared, params.declaration_deadline):
        if declared is None:
            yield problem(
                p, "milestones.declared",
                f"项目 {p.id} 已下达 {p.year} 年度预算，但未登记申报日期（milestones.declared）：列入预算的项目须在 "
                f"{deadline} 前向县大数据中心申报，请补填申报日期",
                f"project {p.id} is budgeted for {p.year} but has no milestones.declared: it must have been "
                f"declared by {deadline}; add the declaration date",
            )
        else:
            yield problem(
                p, "milestones.declared",
                f"项目 {p.id} 申报日期 {declared} 晚于 {p.year} 年度预算的申报截止日 {deadline}：未按期申报的项目"
                f"不予列入 {p.year} 年度支出预算，请核对申报日期，或改列入下一年度",
                f"project {p.id} was declared on {declared}, after the deadline {deadline} for the {p.year} "
                "budget: late projects are not budgeted for that year; check the date, or move the project to the "
                "next year",
            )


QX7_DOCUMENTS = (
    DocumentKind.data_sharing_plan,
    DocumentKind.resource_catalog,
    DocumentKind.cloud_requirements,
    DocumentKind.mlps_plan,
    DocumentKind.crypto_plan,
)


@rule("QX7", local=True, name="declaration-complete", title="纳入年度计划的项目申报材料齐全", kind=Kind.record,
      profile=PROFILE.id, cite=[QX7_1, QX7_2_4],
      fails="""
      milestones:
        planned: 2024-12-15
      basis: []                   # 缺建设依据
      budget: {total_wan: 80}     # 缺年度运维费和资金来源
      documents: {}               # 缺数据共享方案等五项材料
      """,
      passes="""
      milestones:
        planned: 2024-12-15
      basis: [{title: 渠县“十四五”数字政府建设规划, kind: plan}]
      necessity: 现有系统无法支撑全流程网上办理
      content: 建设统一受理、审批和电子归档模块
      goals: [{indicator: 网上可办率, target: "100%"}]
      budget:
        total_wan: 80
        om_annual_wan: 8
        sources: [{kind: county_budget, amount_wan: 80}]
      documents:
        data_sharing_plan: 渠大数据〔2024〕31号附件1
        resource_catalog: docs/2025-czj-001/信息资源目录.xlsx
        cloud_requirements: 渠大数据〔2024〕31号附件2
        mlps_plan: 渠大数据〔2024〕31号附件3
        crypto_plan: 渠大数据〔2024〕31号附件4
      """)
def qx7(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自纳入年度计划（`planned`）起，项目须具备：建设依据 `basis`、建设必要性 `necessity`、
    建设内容 `content`、至少一项写明指标和目标值的绩效目标 `goals`、年度运行维护经费 `budget.om_annual_wan`、
    至少一项资金来源 `budget.sources`，以及数据共享方案、信息资源目录、云服务需求方案、等级保护方案、
    密码应用方案五项材料（`documents` 下的 `data_sharing_plan`、`resource_catalog`、`cloud_requirements`、
    `mlps_plan`、`crypto_plan`）。每缺一项报告一个问题。

    第七条列明了申报材料的内容，并规定“申报资料不全……均不列入信息化项目年度建设计划”。

    依据说明：第七条（二）中的可行性研究报告和初步设计方案不在本规则检查，
    而由 QX8 自立项批复起检查，因为第八条允许以实施方案代替二者，
    第九条规定购买服务项目在立项后才编报方案。
    """
    for p in ctx.projects_reached(Stage.planned):
        yield from _declaration_fields(p)
        yield from missing_documents(p, QX7_DOCUMENTS, when="纳入年度建设计划后", when_en="from planned")


def _declaration_fields(p: Project) -> Iterator[Problem]:
    missing: list[tuple[str, str, str]] = []
    if not p.basis:
        missing.append(("basis", "建设依据（相关文件、批示、规划、会议纪要等）", "the basis"))
    if blank(p.necessity):
        missing.append(("necessity", "建设必要性", "the necessity"))
    if blank(p.content):
        missing.append(("content", "建设内容", "the content"))
    if not any(not blank(str(g.indicator)) and not blank(str(g.target)) for g in p.goals):
        missing.append(("goals", "至少一项写明指标（indicator）和目标值（target）的绩效目标", "a goal with indicator and target"))
    if p.budget.om_annual_wan is None:
        missing.append(("budget.om_annual_wan", "年度运行维护经费（万元）", "the yearly O&M cost"))
    if not p.budget.sources:
        missing.append(("budget.sources", "资金来源（经费渠道及金额）", "the funding sources"))
    for field_path, zh, en in missing:
        yield problem(
            p, field_path,
            f"项目 {p.id} 已纳入年度建设计划，申报材料缺少{zh}（{field_path}）：申报资料不全的项目不列入年度建设计划，请补填",
            f"project {p.id} is in the annual plan but its declaration lacks {en} ({field_path}): add it, since "
            "incomplete declarations are kept out of the annual plan",
        )


@rule("QX8", local=True, name="feasibility-and-design", title="建设项目编报可研和初步设计", kind=Kind.record,
      profile=PROFILE.id, cite=[QX8],
      fails="""
      nature: new
      delivery: build
      basis: [{title: 渠县数字政府建设规划, kind: plan}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      documents:
        implementation_plan: docs/2025-czj-001/实施方案.pdf   # 依据不是上级要求或紧急情况
      """,
      passes="""
      nature: new
      delivery: build
      basis: [{title: 县委县政府2025年重点工作任务, doc_no: 渠委办〔2025〕3号, kind: directive}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      documents:
        implementation_plan: docs/2025-czj-001/实施方案.pdf   # 可合并编报实施方案
      """)
def qx8(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自立项批复（`approved`）起，自行建设（`delivery: build`）的新建、升级改造、扩建、改建项目，
    须有可行性研究报告 `documents.feasibility_study` 和初步设计方案 `documents.preliminary_design`；
    只有建设依据 `basis` 中有一项为 `kind: directive`（上级或县委县政府明确要求）或
    `kind: urgent`（紧急情况）时，才可用实施方案 `documents.implementation_plan` 代替二者。

    第八条要求按基本建设程序编报可研和初步设计；合并编报实施方案，
    是留给上级明确要求或情况紧急的项目的例外，不能成为普通项目的捷径。
    """
    for p in ctx.projects:
        if p.delivery is not Delivery.build or p.nature not in BUILD_NATURES or not p.reached(Stage.approved):
            continue
        may_merge = p.has_basis(BasisKind.directive, BasisKind.urgent)
        if may_merge and p.documents.get(DocumentKind.implementation_plan):
            continue
        for kind in (DocumentKind.feasibility_study, DocumentKind.preliminary_design):
            if not p.documents.get(kind):
                yield _design_missing(p, kind, may_merge=may_merge)


def _design_missing(p: Project, kind: DocumentKind, *, may_merge: bool) -> Problem:
    head = f"{p.nature.label}项目 {p.id} 已立项批复，缺少{kind.label}（documents.{kind.value}）"
    if may_merge:
        zh = f"{head}：其建设依据属上级明确要求或紧急情况，可改为合并编报实施方案（documents.implementation_plan）"
        en = (f"project {p.id} lacks documents.{kind.value}: add it, or (with its directive or urgent basis) an "
              "implementation_plan that merges the feasibility study and the preliminary design")
    elif p.documents.get(DocumentKind.implementation_plan):
        zh = (f"{head}：只有建设依据含上级或县委县政府明确要求（kind: directive）或紧急情况（kind: urgent）时，"
              "实施方案才能代替可研和初步设计，请补充该文件或核对建设依据")
        en = (f"project {p.id} lacks documents.{kind.value}: an implementation_plan replaces it only with a "
              "directive or urgent basis; add the document or check the basis")
    else:
        zh = f"{head}：请补充该文件（docs/ 下的路径或文件编号）"
        en = f"project {p.id} lacks documents.{kind.value}: add a path under docs/ or a document number"
    return problem(p, f"documents.{kind.value}", zh, en)


@rule("QX9", local=True, name="purchase-justified", title="购买服务项目有需求方案且比自建经济", kind=Kind.record,
      profile=PROFILE.id, cite=[QX9, QX9_2],
      fails="""
      delivery: purchase
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      cost_comparison: {build_wan: 120, purchase_wan: 150}   # 购买服务更贵
      """,
      passes="""
      delivery: purchase
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      documents:
        service_requirements: docs/2025-czj-002/服务需求技术方案.pdf
      cost_comparison: {build_wan: 150, purchase_wan: 96}
      """)
def qx9(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自立项批复（`approved`）起，购买服务（`delivery: purchase`）项目须有服务需求技术方案
    `documents.service_requirements`，并填写成本比较 `cost_comparison`，
    其中购买服务费用 `purchase_wan` 须低于自行建设和运维费用 `build_wan`（相等也不符合）。

    只有在信息系统使用期限内，购买服务的费用明显小于自行建设所需的建设、运维经费时，
    才可采用购买服务方式（第九条（二））；服务需求技术方案中应包含这项经济性比较。
    本规则只核对购买服务是否更便宜，是否“明显”更经济由评审把关。
    """
    for p in ctx.projects:
        if p.delivery is not Delivery.purchase or not p.reached(Stage.approved):
            continue
        yield from missing_documents(p, [DocumentKind.service_requirements], when="立项后（购买服务项目）", when_en="purchase, from approval")
        cost = p.cost_comparison
        if cost is None:
            yield problem(
                p, "cost_comparison",
                f"购买服务项目 {p.id} 已立项，缺少自建与购买服务的成本比较（cost_comparison: {{build_wan, purchase_wan}}）："
                "须证明使用期限内购买服务费用明显小于自行建设和运维费用",
                f"purchase project {p.id} needs cost_comparison {{build_wan, purchase_wan}} from approval: show that "
                "buying the service is clearly cheaper than building and running the system",
            )
        elif cost.purchase_wan >= cost.build_wan:
            yield problem(
                p, "cost_comparison.purchase_wan",
                f"购买服务项目 {p.id} 的购买服务费用 {cost.purchase_wan:g} 万元不低于自行建设和运维费用 {cost.build_wan:g} 万元："
                "购买服务须明显更经济，否则应改为自行建设（delivery: build），或核对成本测算",
                f"purchase project {p.id}: purchase_wan {cost.purchase_wan:g} is not below build_wan {cost.build_wan:g}; "
                "buying must be clearly cheaper, so build it (delivery: build) or check the estimate",
            )
