"""达拉特旗规则集（dalad，见 RULES.md）：达拉特旗数字城市建设项目管理办法（征求意见稿）。

底稿文本的条文编号为第一条至第五条，其后是两段未编号的条文（原文的第六、七条），
再从第八条起继续编号；以下引文按印出的编号标注。
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field

from registry.dates import TODAY_FIRST, add_months, year_end
from registry.enums import STAGE_ORDER, DocumentKind, EvaluationKind, Nature, Stage, SystemStatus
from registry.findings import Message
from registry.models import Project, System
from registry.rules.base import Citation, Context, Kind, NoParams, Params, Problem, problem, rule
from registry.rules.change import new_changes
from registry.rules.helpers import (
    approved_before,
    changed_scope,
    evaluations_between,
    missing_documents,
    percent,
    system_shortfalls,
    target_systems,
)

PROFILE = "dalad"

ART5 = Citation(
    PROFILE, "第五条",
    "项目计划应包括建设依据、投资概算、项目性质、进度安排、政务云资源需求、信息资源共享、电子政务网络需求、运维保障等相关情况。",
)
ART8 = Citation(PROFILE, "第八条", "初步设计方案和投资概算未获批复前，不予下达项目建设投资资金，项目建设单位不得开工建设。")
ART13 = Citation(
    PROFILE, "第十三条",
    "项目应当采用安全可靠的软硬件产品。在项目报批阶段，要说明产品的安全可靠情况。项目软硬件产品的安全可靠情况、"
    "项目密码应用和安全审查情况、硬件设备和新建数据中心能源利用效率情况是项目验收的重要内容。",
)
ART16 = Citation(
    PROFILE, "第十六条",
    "项目实行工程监理制，项目建设单位应当按照信息系统工程监理有关规定，委托工程监理单位对项目建设进行工程监理",
)
ART17 = Citation(
    PROFILE, "第十七条",
    "项目建设单位应当在项目通过验收并投入运行后12-24个月内，参照国家政务信息化建设管理绩效评价有关要求开展自评价",
)
ART17_YEARLY = Citation(PROFILE, "第十七条", "建设期内的项目建设单位每年年底前向项目审批部门提交项目绩效评价报告。")
ART19 = Citation(PROFILE, "第十九条", "项目建设单位应当严格按照批复的初步设计方案和投资概算实施项目建设。")
ART20 = Citation(
    PROFILE, "第二十条",
    "项目投资规模未超出概算批复、建设目标不变，项目主要建设内容确需调整且资金调整数额不超过概算总投资10%,"
    "并符合下列情形之一的，可以由项目建设单位调整，同时向项目审批部门、领导小组办公室备案",
)
ART21_PRELIMINARY = Citation(PROFILE, "第二十一条", "项目建设单位在批复期内完成建设内容，并组织完成初验。")
ART21 = Citation(
    PROFILE, "第二十一条",
    "项目建成后半年内，项目建设单位向领导小组办公室提交竣工验收申请，并附上项目初验意见、单位领导班子集体研究同意验收的会议纪要、"
    "验收报告、建设总结、招投标及合同材料、项目过程文档、财务报告、安全风险评估报告(包括涉密信息系统分级保护测评报告或者"
    "非涉密信息系统网络安全等级保护测评报告等)、密码应用安全性评估报告、审计报告等材料",
)
ART21_HALF_YEAR = Citation(PROFILE, "第二十一条", "项目建成后半年内，项目建设单位向领导小组办公室提交竣工验收申请")
ART22 = Citation(PROFILE, "第二十二条", "未进行档案验收或档案验收不合格的，不得通过项目验收。")
ART24 = Citation(
    PROFILE, "第二十四条",
    "如部门认为根据有关法律法规和旗委、旗人民政府要求不能信息共享，但确有必要建设或保留的，由领导小组办公室审核，报旗人民政府批准后方可建设或保留。",
)
ART24_1 = Citation(
    PROFILE, "第二十四条（一）",
    "对未按要求共享数据资源或重复采集数据的信息化系统，不单独安排运行维护经费，项目建设单位不得新建、改建、扩建政务信息系统。",
)
ART24_2 = Citation(
    PROFILE, "第二十四条（二）",
    "对不符合密码应用和网络安全要求，或存在重大安全隐患的信息化系统，不单独安排运行维护经费，项目建设单位不得新建、改建、扩建信息化系统。",
)


# ---------------------------------------------------------------------------------------------
# Planning and approval


@rule("DLT5", name="annual-plan-contents", title="年度项目计划内容齐全", kind=Kind.record, profile=PROFILE,
      cite=[ART5],
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
    for p in ctx.projects:
        if not p.reached(Stage.planned):
            continue
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


@rule("DLT8", name="no-start-before-approval", title="初步设计和概算获批前不得开工", kind=Kind.record,
      profile=PROFILE, cite=[ART8],
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
    for p in ctx.projects:
        if not p.reached(Stage.started):
            continue
        start_stage = _first_present(p, Stage.started)
        field = f"milestones.{start_stage.value}"
        approved = p.milestones.approved
        start = p.milestones.date_of(start_stage)
        if approved is None:
            yield problem(p, field,
                          f"项目 {p.id} 的{start_stage.label}日期为 {start}，但没有立项批复（milestones.approved）："
                          "初步设计方案和投资概算未获批复前不得开工建设，请补录批复文号和日期，或核实开工日期",
                          f"project {p.id} reached {start_stage.value} ({start}) without approval (milestones.approved): "
                          "no construction before the design and estimate are approved; record the approval or check the date")
        elif start is not None and start < approved.date:
            yield problem(p, field,
                          f"项目 {p.id} 于 {start} {start_stage.label}，早于立项批复 {approved.date}：获批前不得开工建设，请核实日期",
                          f"project {p.id} {start_stage.value} on {start}, before its approval on {approved.date}: no construction "
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


# ---------------------------------------------------------------------------------------------
# Construction: security, supervision


@rule("DLT13", name="trusted-products-and-security-review", title="安全可靠说明与验收安全材料", kind=Kind.record,
      profile=PROFILE, cite=[ART13],
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


@rule("DLT16", name="supervision-report", title="项目实行工程监理制", kind=Kind.record, profile=PROFILE,
      cite=[ART16],
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


# ---------------------------------------------------------------------------------------------
# Evaluation


class SelfEvaluationParams(Params):
    self_evaluation_months: int = Field(
        24, ge=12, le=120, description="自评价期限：竣工验收后第 12 个月至第 N 个月内须开展自评价（“12-24个月内”）",
    )


SELF_EVALUATION_OPENS_MONTHS = 12  # 第十七条 “12-24个月内”: the window opens 12 months after acceptance


@rule("DLT17", name="evaluations", title="验收后自评价与建设期年度绩效评价", kind=Kind.deadline, profile=PROFILE,
      cite=[ART17, ART17_YEARLY], params=SelfEvaluationParams,
      fails="""
      milestones:
        approved: {date: 2023-03-01, doc_no: 达发改审批字〔2023〕5号}
        final_acceptance: {date: 2023-06-30, passed: true}
      evaluations: []                # 2023 年无绩效评价；验收后 24 个月已过仍无自评价
      """,
      passes="""
      milestones:
        approved: {date: 2023-03-01, doc_no: 达发改审批字〔2023〕5号}
        final_acceptance: {date: 2023-06-30, passed: true}
      evaluations:
        - {kind: performance, date: 2023-12-20, ref: 达数据绩评〔2023〕3号}
        - {kind: self, date: 2024-09-15, ref: 达政数自评〔2024〕2号}
      """)
def dlt17(ctx: Context, params: SelfEvaluationParams) -> Iterator[Problem]:
    """包括两项检查。一是竣工验收合格（``milestones.final_acceptance`` 为 ``passed: true``）的项目，
    须在验收后满 12 个自然月至 N 个自然月之间（N 为 ``self_evaluation_months``，默认 24；两端均含）
    有一次 ``kind: self`` 的自评价，今天已超过期限末日仍没有的，给出警告。
    二是从 ``milestones.approved`` 所在年份到竣工验收（或 ``milestones.terminated`` 终止）所在年份
    （尚未完成的算到今年），凡 12 月 31 日已过的年度，都须有一次日期在该年内、``kind: performance`` 的绩效评价。

    第十七条规定，项目通过验收并投入运行后12-24个月内开展自评价；建设期内每年年底前向项目审批部门提交项目绩效评价报告。
    评价结果是安排下一年度政府投资和运行维护经费的重要依据（第二十九条）。

    依据说明：条文只讲“建设期内”。项目终止后即不再处于建设期，因此终止项目的年度只算到终止日期所在年份（本规则的理解）。
    """
    for p in ctx.projects:
        yield from _self_evaluation(ctx, p, params.self_evaluation_months)
        yield from _yearly_performance(ctx, p)


def _self_evaluation(ctx: Context, p: Project, months: int) -> Iterator[Problem]:
    accepted = p.milestones.final_acceptance
    if accepted is None or not accepted.passed:
        return
    opens = add_months(accepted.date, SELF_EVALUATION_OPENS_MONTHS)
    closes = add_months(accepted.date, months)
    if ctx.today <= closes or evaluations_between(p, EvaluationKind.self, opens, closes):
        return
    yield problem(p, "evaluations",
                  f"项目 {p.id} 于 {accepted.date} 通过竣工验收，应在验收后 {SELF_EVALUATION_OPENS_MONTHS}–{months} 个月内"
                  f"（{opens} 至 {closes}）开展自评价，该期间没有自评价记录：请补做自评价，报送旗发改委、财政局、大数据中心，"
                  "并在 evaluations 中登记（kind: self）",
                  f"project {p.id} passed final acceptance on {accepted.date}; no self evaluation between {opens} and "
                  f"{closes} ({SELF_EVALUATION_OPENS_MONTHS}-{months} months after): carry one out and record it in evaluations")


def _yearly_performance(ctx: Context, p: Project) -> Iterator[Problem]:
    approved = p.milestones.approved
    if approved is None:
        return
    last_year = (_construction_end(p) or ctx.today).year
    evaluated = {e.date.year for e in p.evaluations if e.kind is EvaluationKind.performance}
    # (a year before 1990 is mistyped: REG007 says so, not a warning per year since)
    for year in range(max(approved.date.year, TODAY_FIRST.year), last_year + 1):
        if year_end(year) < ctx.today and year not in evaluated:
            yield problem(p, "evaluations",
                          f"项目 {p.id} {year} 年处于建设期（立项批复 {approved.date}），没有该年度的绩效评价：建设期内每年年底前"
                          f"须向项目审批部门提交绩效评价报告，请补报并在 evaluations 中登记（kind: performance，日期在 {year} 年内）",
                          f"project {p.id} was under construction in {year} but has no performance evaluation dated that year: "
                          f"file one and record it in evaluations (kind: performance, dated in {year})")


def _construction_end(p: Project) -> dt.date | None:
    ended = p.milestones.final_acceptance or p.milestones.terminated
    return ended.date if ended is not None else None


# ---------------------------------------------------------------------------------------------
# Changes after approval


class SelfAdjustParams(Params):
    self_adjust_share: float = Field(
        0.10, ge=0, le=1,
        description="建设单位可自行调整（备案即可）的资金调整上限，占基准版本投资概算的比例（“不超过概算总投资10%”，含本数）",
    )


@rule("DLT20", name="adjustment-filed-or-reapproved", title="批复后调整须备案，超限须重新报批", kind=Kind.change,
      profile=PROFILE, cite=[ART20, ART19], params=SelfAdjustParams,
      fails="""
      # 基准版本：已立项，total_wan: 200
      budget: {total_wan: 230}       # 调增 30 万元：超出概算批复，须重新报批
      changes:
        - {date: 2025-07-01, description: 增加视频汇聚模块, amount_wan: 30}
      """,
      passes="""
      # 基准版本：已立项，total_wan: 200
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
    for p in ctx.projects:
        before = approved_before(ctx, p)
        if before is None:
            continue
        changed = changed_scope(before, p)
        if not changed:
            continue
        beyond = _beyond_self_adjustment(before, p, params.self_adjust_share)
        fresh = new_changes(before, p)
        if not fresh:
            yield _unfiled(p, changed, beyond)
        elif beyond is not None and not any(c.approval for c in fresh):
            zh, en = beyond
            yield problem(p, "budget.total_wan",
                          f"项目 {p.id} {zh}，不能由建设单位自行调整：请重新报批，并在本次新增的 changes 记录中填写 approval（批复文号、日期）",
                          f"project {p.id}: {en}, beyond self-adjustment: get it re-approved and give approval in the new changes entry")


def _beyond_self_adjustment(before: Project, after: Project, share: float) -> tuple[str, str] | None:
    """Why the budget change needs re-approval (zh, en), or None when the unit may adjust it."""
    old, new = before.budget.total_wan, after.budget.total_wan
    delta = new - old
    if delta > 0.005:
        return (f"投资概算由 {old:g} 万元增至 {new:g} 万元（{delta:+g}），超出概算批复",
                f"total_wan rises from {old:g} to {new:g} ({delta:+g}), above the approved estimate")
    if abs(delta) > share * old + 0.005:
        moved = f"{abs(delta) / old:.2%}" if old > 0 else ""  # a base total of 0 has no share (nor divisor)
        zh_moved, en_moved = (f"，{moved}", f", {moved}") if moved else ("", "")
        return (f"投资概算由 {old:g} 万元调整为 {new:g} 万元（{delta:+g}{zh_moved}），超过概算总投资的 {percent(share)}",
                f"total_wan changes from {old:g} to {new:g} ({delta:+g}{en_moved}), more than {percent(share)} of it")
    return None



_SCOPE_LABELS = {"budget.total_wan": "投资概算", "content": "建设内容", "systems": "涉及系统"}


def _unfiled(p: Project, changed: list[str], beyond: tuple[str, str] | None) -> Problem:
    what = "、".join(f"{_SCOPE_LABELS[field]}（{field}）" for field in changed)
    zh = (f"项目 {p.id} 立项批复后调整了{what}，但 changes 中没有新增的变更记录：请登记变更（date、description、amount_wan），"
          "并向项目审批部门和领导小组办公室备案")
    en = f"project {p.id} changed {', '.join(changed)} after approval without a new changes entry: record and file the change"
    if beyond is not None:
        zh += f"；{beyond[0]}，还须重新报批并填写 approval"
        en += f"; {beyond[1]}, so it also needs re-approval (approval)"
    return problem(p, changed[0], zh, en)


# ---------------------------------------------------------------------------------------------
# Acceptance


FINAL_ACCEPTANCE_DOCUMENTS = (
    DocumentKind.construction_summary,
    DocumentKind.financial_report,
    DocumentKind.security_assessment,
    DocumentKind.crypto_assessment_report,
    DocumentKind.audit_report,
)


@rule("DLT21", name="final-acceptance-file", title="竣工验收申请材料齐全", kind=Kind.record, profile=PROFILE,
      cite=[ART21_PRELIMINARY, ART21],
      fails="""
      milestones:
        final_acceptance: {date: 2025-11-20, passed: true}   # 没有初验
      documents: {}                                          # 缺建设总结等材料
      """,
      passes="""
      milestones:
        preliminary_acceptance: 2025-08-15
        final_acceptance: {date: 2025-11-20, passed: true}
      documents:
        construction_summary: docs/2024-zwb-001/建设总结.pdf
        financial_report: docs/2024-zwb-001/财务报告.pdf
        security_assessment: docs/2024-zwb-001/安全风险评估报告.pdf
        crypto_assessment_report: docs/2024-zwb-001/密评报告.pdf
        audit_report: 达审报〔2025〕31号
      """)
def dlt21(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """有 ``milestones.final_acceptance``（竣工验收）的项目，须有 ``milestones.preliminary_acceptance``（初步验收），
    并有 ``documents`` 中的 ``construction_summary``（建设总结报告）、``financial_report``（财务报告）、
    ``security_assessment``（安全风险评估报告）、``crypto_assessment_report``（密评报告）和 ``audit_report``（审计报告）。

    第二十一条规定，项目建设单位在批复期内完成建设内容并组织完成初验，再附上初验意见和所列材料申请竣工验收。
    这几份是审计时首先要查的材料；清单中的其他材料（会议纪要、招投标及合同材料、过程文档等）不在本登记簿登记。
    """
    for p in ctx.projects:
        if p.milestones.final_acceptance is None:
            continue
        if p.milestones.preliminary_acceptance is None:
            yield problem(p, "milestones.preliminary_acceptance",
                          f"项目 {p.id} 已竣工验收，但没有初步验收（milestones.preliminary_acceptance）：竣工验收申请须附项目初验意见，请补录初验日期",
                          f"project {p.id} has a final acceptance but no preliminary_acceptance: the application needs the preliminary "
                          "acceptance opinion; record its date")
        yield from missing_documents(p, FINAL_ACCEPTANCE_DOCUMENTS, when="竣工验收时", when_en="at final acceptance")


class AcceptanceParams(Params):
    acceptance_months: int = Field(6, ge=1, le=60, description="初步验收后须在 N 个月内完成竣工验收（“建成后半年内”，恰好 N 个月仍按期）")


@rule("DLT21D", name="final-acceptance-within-half-year", title="建成后半年内竣工验收", kind=Kind.deadline,
      profile=PROFILE, cite=[ART21_HALF_YEAR], params=AcceptanceParams,
      fails="""
      milestones:
        preliminary_acceptance: 2025-01-10
      # 今天 2025-12-01：初验后已超过 6 个月仍未竣工验收
      """,
      passes="""
      milestones:
        preliminary_acceptance: 2025-01-10
        final_acceptance: {date: 2025-07-10, passed: true}   # 恰好 6 个月
      """)
def dlt21d(ctx: Context, params: AcceptanceParams) -> Iterator[Problem]:
    """竣工验收（``milestones.final_acceptance``）日期不得晚于初步验收（``milestones.preliminary_acceptance``）后
    ``acceptance_months``（默认 6）个自然月，恰好满 N 个月仍算按期；尚未竣工验收的，今天超过该期限时给出警告。
    已终止（``milestones.terminated``）的项目不检查。

    第二十一条规定，项目建成后半年内，项目建设单位向领导小组办公室提交竣工验收申请。
    登记簿以初步验收作为“建成”，没有登记申请日期，只能以竣工验收日期代替；因此本规则只给警告、不报错误：
    验收虽晚，申请仍可能是按期提交的（可在 ``notes`` 中说明）。
    """
    months = params.acceptance_months
    for p in ctx.projects:
        preliminary = p.milestones.preliminary_acceptance
        if preliminary is None or p.milestones.terminated is not None:
            continue
        due = add_months(preliminary.date, months)
        accepted = p.milestones.final_acceptance
        if accepted is None and ctx.today > due:
            yield problem(p, "milestones.preliminary_acceptance",
                          f"项目 {p.id} 于 {preliminary.date} 初步验收，应在 {months} 个月内（不晚于 {due}）竣工验收，至今（{ctx.today}）未竣工验收："
                          "请尽快向领导小组办公室提交竣工验收申请",
                          f"project {p.id} passed preliminary acceptance on {preliminary.date}; final acceptance was due by {due} "
                          f"({months} months) and has not happened: apply to the leading group's office for it now")
        elif accepted is not None and accepted.date > due:
            yield problem(p, "milestones.final_acceptance",
                          f"项目 {p.id} 竣工验收 {accepted.date} 距初步验收 {preliminary.date} 超过 {months} 个月（应不晚于 {due}）："
                          "如竣工验收申请是按期提交的，请在 notes 中说明",
                          f"project {p.id}: final acceptance {accepted.date} came more than {months} months after the preliminary "
                          f"acceptance {preliminary.date} (due by {due}): if the application was made in time, say so in notes")


@rule("DLT22", name="archive-acceptance", title="未经档案验收不得通过项目验收", kind=Kind.record, profile=PROFILE,
      cite=[ART22],
      fails="""
      milestones:
        final_acceptance: {date: 2025-11-20, passed: true}   # 没有档案验收
      """,
      passes="""
      milestones:
        archive_acceptance: 2025-11-10
        final_acceptance: {date: 2025-11-20, passed: true}
      """)
def dlt22(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """竣工验收合格（``milestones.final_acceptance`` 为 ``passed: true``）的项目，须有 ``milestones.archive_acceptance``（档案验收），
    且档案验收日期不晚于竣工验收日期。

    第二十二条规定：未进行档案验收或档案验收不合格的，不得通过项目验收。

    依据说明：RULES.md 只写“须有档案验收”；条文把档案验收作为通过项目验收的前提，
    因此档案验收日期晚于竣工验收的，同样不合格。
    """
    for p in ctx.projects:
        accepted = p.milestones.final_acceptance
        if accepted is None or not accepted.passed:
            continue
        archive = p.milestones.archive_acceptance
        if archive is None:
            yield problem(p, "milestones.archive_acceptance",
                          f"项目 {p.id} 于 {accepted.date} 通过竣工验收，但没有档案验收（milestones.archive_acceptance）："
                          "未进行档案验收的不得通过项目验收，请补录档案验收日期，或将竣工验收改为未通过（passed: false）",
                          f"project {p.id} passed final acceptance on {accepted.date} without archive_acceptance: no acceptance "
                          "without archive acceptance; record its date, or set the final acceptance to passed: false")
        elif archive.date > accepted.date:
            yield problem(p, "milestones.archive_acceptance",
                          f"项目 {p.id} 档案验收 {archive.date} 晚于竣工验收 {accepted.date}：档案验收须在通过项目验收之前完成，请核实日期",
                          f"project {p.id}: archive acceptance {archive.date} is after the final acceptance {accepted.date}: the "
                          "archives are accepted before the project passes; check the dates")


# ---------------------------------------------------------------------------------------------
# Existing systems: no money and no new building for isolated or insecure systems


EXPANDING_NATURES = frozenset({Nature.new, Nature.rebuild, Nature.expansion})
RUNNING_STATUSES = frozenset({SystemStatus.trial, SystemStatus.operating})


@rule("DLT24", name="no-funds-for-isolated-or-insecure-systems", title="孤网、重复采集、密评不合格或有重大隐患的系统不得投入",
      kind=Kind.record, profile=PROFILE, cite=[ART24, ART24_1, ART24_2],
      fails="""
      # systems/sjj/sjj-audit.yaml: data: {shared: false}
      id: 2025-sjj-002
      nature: om
      milestones: {planned: 2024-12-15}
      systems: {maintains: [sjj-audit]}
      """,
      passes="""
      # systems/sjj/sjj-audit.yaml: data: {shared: true}, security: {crypto_assessment: passed}
      id: 2025-sjj-002
      nature: om
      milestones: {planned: 2024-12-15}
      systems: {maintains: [sjj-audit]}
      """)
def dlt24(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建项目（已纳入年度计划，尚未竣工验收也未终止）涉及的每个系统（``systems.upgrades`` 和 ``systems.maintains`` 所列系统）
    须满足：共享数据（``data.shared: true``，或有经批准的 ``data.sharing_exemption``）；不重复采集数据
    （``data.duplicate_collection`` 不为 ``true``）；密码应用安全性评估未被判为不合格（``security.crypto_assessment`` 不是 ``failed``）；
    没有未消除的重大安全隐患（``security.major_risks`` 为空）。性质为 ``new``、``rebuild``、``expansion``（新建、改建、扩建）的在建项目，
    其所属单位的在用系统（状态为 ``trial`` 或 ``operating``）也不得有上述任一问题。

    第二十四条坚持“联网通办是原则，孤网是例外”：对未按要求共享数据、重复采集数据、不符合密码应用和网络安全要求
    或存在重大安全隐患的系统，不单独安排运行维护经费，项目建设单位不得新建、改建、扩建系统。
    同一条允许不能共享但确有必要保留的系统经旗人民政府批准后保留，这就是 ``data.sharing_exemption``。

    依据说明：只有已投入使用（试运行或运行中）的系统才计入单位的问题，尚在建设中的系统还谈不上共享；
    项目本身涉及的系统有问题的，只在该系统上报告一次，不再作为单位的问题重复报告。
    """
    for p in ctx.projects:
        if not p.in_flight:
            continue
        for field, s in target_systems(ctx, p):
            reasons = system_shortfalls(s)
            if reasons:
                zh_fix, en_fix = _remedy(s)
                yield problem(p, field,
                              f"项目 {p.id} 涉及的系统 {s.id}（{s.name}）{_joined(reasons, 'zh')}：不单独安排运行维护经费、"
                              f"不得改建扩建，请先{zh_fix}，再安排本项目",
                              f"project {p.id} targets system {s.id}, which {_joined(reasons, 'en')}: no O&M money or building "
                              f"for it until it is fixed; {en_fix} first")
        if p.nature in EXPANDING_NATURES:
            yield from _unit_blocked(ctx, p)


def _unit_blocked(ctx: Context, p: Project) -> Iterator[Problem]:
    targets = set(p.target_systems())
    for s in ctx.head.systems_of(p.unit):
        if s.id in targets or s.status not in RUNNING_STATUSES:
            continue
        reasons = system_shortfalls(s)
        if reasons:
            zh_fix, en_fix = _remedy(s)
            yield problem(p, "nature",
                          f"单位 {p.unit} 的在用系统 {s.id}（{s.name}）{_joined(reasons, 'zh')}：该单位不得{p.nature.label}政务信息系统，"
                          f"请先{zh_fix}，整改前不得实施项目 {p.id}",
                          f"unit {p.unit}'s running system {s.id} {_joined(reasons, 'en')}: the unit may not carry out the "
                          f"{p.nature.value} project {p.id} until that system is fixed; {en_fix} first")


def _remedy(s: System) -> tuple[str, str]:
    """What to do about a failing system (zh, en); the county government's approval to keep a
    system that cannot share (第二十四条) cures only the missing sharing, not the other faults."""
    if s.data.shared is not True and s.data.sharing_exemption is None:
        return (f"整改系统 {s.id}（或取得旗人民政府批准的共享豁免，填写 data.sharing_exemption）",
                f"fix system {s.id} (or obtain the county government's approval to keep it unshared, data.sharing_exemption)")
    return f"整改系统 {s.id}", f"fix system {s.id}"


def _joined(reasons: list[Message], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(r.text(lang) for r in reasons)

