"""DLT 规则：验收、评价和运维（第十七条、第二十一条至第二十四条）：自评价、竣工验收、档案验收、不得投入的系统。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.dates import TODAY_FIRST, add_months, year_end
from registry.enums import DocumentKind, EvaluationKind, Nature, Stage, SystemStatus
from registry.findings import Message
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.dalad import PROFILE
from registry.rules.dalad.citations import (
    DLT17,
    DLT21,
    DLT22,
    DLT24,
    DLT24_1,
    DLT24_2,
)
from registry.rules.dalad.params import AcceptanceParams, SelfEvaluationParams
from registry.rules.helpers import (
    missed_self_evaluation,
    missing_documents,
    system_shortfalls,
    target_systems,
)
from registry.rules.precedence import out_of_order_projects, passed_final_acceptance

if TYPE_CHECKING:
    from registry.models import Project, System

SELF_EVALUATION_OPENS_MONTHS = 12  # 第十七条 “12-24个月内”: the window opens 12 months after acceptance


@rule("DLT17", local=True, name="evaluations", title="验收后自评价与建设期年度绩效评价", kind=Kind.deadline, profile=PROFILE.id,
      cite=[DLT17, DLT17], params=SelfEvaluationParams,
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
    window = missed_self_evaluation(ctx, p, SELF_EVALUATION_OPENS_MONTHS, months)
    if window is None:
        return
    accepted, opens, closes = window.accepted, window.opens, window.closes
    yield problem(p, "evaluations",
                  f"项目 {p.id} 于 {accepted} 通过竣工验收，应在验收后 {SELF_EVALUATION_OPENS_MONTHS}–{months} 个月内"
                  f"（{opens} 至 {closes}）开展自评价，该期间没有自评价记录：请补做自评价，报送旗发改委、财政局、大数据中心，"
                  "并在 evaluations 中登记（kind: self）",
                  f"project {p.id} passed final acceptance on {accepted}; no self evaluation between {opens} and "
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


FINAL_ACCEPTANCE_DOCUMENTS = (
    DocumentKind.construction_summary,
    DocumentKind.financial_report,
    DocumentKind.security_assessment,
    DocumentKind.crypto_assessment_report,
    DocumentKind.audit_report,
)


@rule("DLT21", local=True, name="final-acceptance-file", title="竣工验收申请材料齐全", kind=Kind.record, profile=PROFILE.id,
      cite=[DLT21, DLT21],
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


@rule("DLT21D", local=True, name="final-acceptance-within-half-year", title="建成后半年内竣工验收", kind=Kind.deadline,
      profile=PROFILE.id, cite=[DLT21], params=AcceptanceParams,
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


@rule("DLT22", local=True, name="archive-acceptance", title="未经档案验收不得通过项目验收", kind=Kind.record, profile=PROFILE.id,
      cite=[DLT22],
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
    for p, archive, accepted in out_of_order_projects(ctx, Stage.archive_acceptance, Stage.final_acceptance,
                                                      where=passed_final_acceptance):
        if archive is None:
            yield problem(p, "milestones.archive_acceptance",
                          f"项目 {p.id} 于 {accepted} 通过竣工验收，但没有档案验收（milestones.archive_acceptance）："
                          "未进行档案验收的不得通过项目验收，请补录档案验收日期，或将竣工验收改为未通过（passed: false）",
                          f"project {p.id} passed final acceptance on {accepted} without archive_acceptance: no acceptance "
                          "without archive acceptance; record its date, or set the final acceptance to passed: false")
        else:
            yield problem(p, "milestones.archive_acceptance",
                          f"项目 {p.id} 档案验收 {archive} 晚于竣工验收 {accepted}：档案验收须在通过项目验收之前完成，请核实日期",
                          f"project {p.id}: archive acceptance {archive} is after the final acceptance {accepted}: the "
                          "archives are accepted before the project passes; check the dates")


EXPANDING_NATURES = frozenset({Nature.new, Nature.rebuild, Nature.expansion})


RUNNING_STATUSES = frozenset({SystemStatus.trial, SystemStatus.operating})


@rule("DLT24", name="no-funds-for-isolated-or-insecure-systems", title="孤网、重复采集、密评不合格或有重大隐患的系统不得投入",
      kind=Kind.record, profile=PROFILE.id, cite=[DLT24, DLT24_1, DLT24_2],
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
    for p in ctx.projects_in_flight:
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
