"""DSQ 规则：第十五条至第十九条（办法不分章）：调整、进展报送、验收、自评价。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.dates import add_months, at_least_months, within_months
from registry.enums import (
    DocumentKind,
    EvaluationKind,
    Nature,
    Stage,
    SystemStatus,
)
from registry.rules.adjustment import Adjustment, Text, adjustments
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.dashiqiao import PROFILE
from registry.rules.dashiqiao.citations import (
    DSQ15,
    DSQ16,
    DSQ17,
    DSQ18,
    DSQ19,
)
from registry.rules.dashiqiao.params import ProgressParams, SelfEvaluationWindowParams, StableRunParams
from registry.rules.dashiqiao.shared import _SELF_EVALUATION_EARLIEST_MONTHS
from registry.rules.helpers import missed_self_evaluation, missing_documents

if TYPE_CHECKING:
    from registry.models import Project, System

# What 第十五条 leaves to the registry's one adjustment mechanism (registry/rules/adjustment.py):
# a rise of the total, or any change of content or systems, needs re-approval; a cut does not.
ADJUSTMENT = Adjustment(
    labels={"budget.total_wan": ("增加投资（budget.total_wan：{old} → {new} 万元）", "budget.total_wan ({old} → {new})"),
            "content": ("调整建设内容（content）", ""), "systems": ("调整涉及系统（systems）", "")},
    cuts_free=True,
    missing=Text(
        "项目 {id} 批复后{what}，但没有附重新审批文件的变更记录："
        "不得擅自调整项目规模、内容、投资，请报市发展和改革局重新论证、市营商环境建设局重新审批，"
        "并在 changes 中登记本次调整及 approval（批复文号和日期）",
        "project {id} changed {what} after approval without a changes entry carrying approval: get it "
        "re-approved and add changes: {{date, description, amount_wan, approval}}",
    ),
)


@rule("DSQ15", name="no-unapproved-adjustment", title="批复后增加投资或调整内容须重新审批", kind=Kind.change,
      profile=PROFILE.id, cite=[DSQ15],
      fails="""
      # 基准版本：budget: {total_wan: 180}, changes: []
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      budget: {total_wan: 210}
      changes:
        - {date: 2025-08-01, description: 增加视频汇聚模块, amount_wan: 30}   # 没有 approval
      """,
      passes="""
      # 基准版本：budget: {total_wan: 180}, changes: []
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      budget: {total_wan: 210}
      changes:
        - date: 2025-08-01
          description: 增加视频汇聚模块
          amount_wan: 30
          approval: {doc_no: 石营商审〔2025〕27号, date: 2025-07-28}
      """)
def dsq15(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，如总投资 ``budget.total_wan`` 增加，或 ``content``（建设内容）、
    ``systems``（涉及系统）有任何改动，须在 ``changes`` 中新增一条带 ``approval``（重新审批的批复文号和日期）的变更记录。

    第十五条要求项目单位严格执行已批复的初步设计及概算，不得擅自调整项目规模、内容、标准、投资；
    确需增加投资的，须报市发展和改革局重新论证、报市营商环境建设局重新审批。

    依据说明：只调减总投资的，本规则不要求重新审批（CHG005 仍要求为此登记变更记录）。
    """
    yield from adjustments(ctx, ADJUSTMENT)


@rule("DSQ16", local=True, name="progress-reports", title="自批复至验收每3个月报送实施进展", kind=Kind.deadline,
      profile=PROFILE.id, cite=[DSQ16], params=ProgressParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      progress_reports: [2025-07-18]          # 之后超过 3 个月未报送
      """,
      passes="""
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      progress_reports: [2025-07-18, 2025-10-15]
      """)
def dsq16(ctx: Context, params: ProgressParams) -> Iterator[Problem]:
    """自 ``milestones.approved``（立项批复）起，至 ``milestones.final_acceptance``（竣工验收）或
    ``milestones.terminated``（终止）止（项目未完成的，算到今天），批复日、各次 ``progress_reports``（进展报送日期）
    和截止日之间，相邻两个日期的间隔不得超过 ``progress_interval_months``（默认 3）个自然月；
    距上一次恰好满 N 个月报送的，仍算按时。

    第十六条规定，自项目批复之日起至验收备案之日止，项目单位每3个月向市数据局报送一次项目实施进展情况。
    项目终止后不再报送；早于批复日或晚于截止日的报送日期不计入。
    """
    months = params.progress_interval_months
    for p in ctx.projects:
        start = p.milestones.date_of(Stage.approved)
        if start is None:
            continue
        end, finished = _reporting_end(ctx, p)
        previous = start
        for when in sorted(d for d in p.progress_reports if start < d <= end):
            if not within_months(previous, when, months):
                yield _gap(p, previous, when, months, "next")
            previous = when
        if not within_months(previous, end, months):
            yield _gap(p, previous, end, months, "end" if finished else "today")


def _reporting_end(ctx: Context, p: Project) -> tuple[dt.date, bool]:
    """The day reporting stops (acceptance or termination) and whether it has come; else today."""
    m = p.milestones
    ends = [x.date for x in (m.final_acceptance, m.terminated) if x is not None]
    return (min(ends), True) if ends else (ctx.today, False)


_GAP_EN = {"next": "the next one is dated", "end": "none until the acceptance or termination on", "today": "none as of today,"}


def _gap(p: Project, previous: dt.date, until: dt.date, months: int, kind: str) -> Problem:
    due = add_months(previous, months)
    what = {"next": f"下一次报送在 {until}", "end": f"直至 {until} 验收或终止仍未报送", "today": f"今天 {until} 仍未报送"}[kind]
    fix = ("如已按期报送，请在 progress_reports 中补登报送日期" if kind == "end"
           else "请按期报送，并在 progress_reports 中登记报送日期")
    fix_en = ("if reports were filed, add their dates to progress_reports" if kind == "end"
              else "report to the data bureau and add the date to progress_reports")
    return problem(
        p, "progress_reports",
        f"项目 {p.id} 自 {previous}（批复或上次进展报告）起超过 {months} 个月未向市数据局报送实施进展，应最迟于 {due} 报送，{what}：{fix}",
        f"project {p.id}: no progress report for more than {months} months after {previous} (due by {due}; "
        f"{_GAP_EN[kind]} {until}): {fix_en}",
    )


# Service projects (运维、运营、第三方服务) build nothing: their acceptance is a contract-performance
# acceptance (履约验收), not the completion acceptance (竣工验收) of 第十七条.
_SERVICE_NATURES = frozenset({Nature.om, Nature.operation_service, Nature.third_party})


_ACCEPTANCE_DOCUMENTS = (
    DocumentKind.construction_summary,
    DocumentKind.financial_report,
    DocumentKind.supervision_report,
    DocumentKind.security_assessment,
    DocumentKind.mlps_report,
    DocumentKind.crypto_assessment_report,
)


@rule("DSQ17", local=True, name="final-acceptance-window", title="初验合格稳定运行3至6个月后竣工验收，并附验收材料",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ17], params=StableRunParams,
      fails="""
      milestones:
        preliminary_acceptance: 2025-06-10
        final_acceptance: {date: 2025-08-20, passed: true, ref: 石数据验〔2025〕6号}   # 仅 2 个多月
      """,
      passes="""
      milestones:
        preliminary_acceptance: 2025-03-10
        final_acceptance: {date: 2025-08-20, passed: true, ref: 石数据验〔2025〕6号}
      documents:
        construction_summary: docs/2024-wsj-002/建设总结.pdf
        financial_report: docs/2024-wsj-002/财务报告.pdf
        supervision_report: docs/2024-wsj-002/监理报告.pdf
        security_assessment: docs/2024-wsj-002/安全风险评估报告.pdf
        mlps_report: docs/2024-wsj-002/等保测评报告.pdf
        crypto_assessment_report: docs/2024-wsj-002/密评报告.pdf
      """)
def dsq17(ctx: Context, params: StableRunParams) -> Iterator[Problem]:
    """有 ``milestones.final_acceptance``（竣工验收）的项目，须登记 ``milestones.preliminary_acceptance``（初步验收），
    且竣工验收日期距初验满 ``stable_min_months`` 个自然月、不超过 ``stable_max_months`` 个自然月（默认 3 和 6，两端均含）；
    还须有 ``documents`` 中的 ``construction_summary``（建设总结报告）、``financial_report``（财务报告）、
    ``supervision_report``（监理报告）、``security_assessment``（安全风险评估报告）、``mlps_report``（等保测评报告）
    和 ``crypto_assessment_report``（密评报告）。性质为 ``om``、``operation_service``、``third_party`` 的项目不检查。

    第十七条规定，初验合格且系统稳定运行“3个月以上至6个月内”的，方可申请竣工验收（“以上”“内”均含本数）；
    申请时须附项目建设总结、财务报告、监理报告、安全风险评估报告（含等级保护测评报告）和密码应用安全性评估报告。

    依据说明：RULES.md 的表格对所有项目适用本规则，但本条规范的是系统建成并稳定运行后的竣工验收，
    并要求附建设总结和监理报告。运行维护、运营服务、第三方服务项目不建设系统，以履约验收结项，
    没有初步验收，因此不在检查之列，与渠县 QX38 的处理一致。
    """
    low, high = params.stable_min_months, params.stable_max_months
    for p in ctx.projects:
        final = p.milestones.final_acceptance
        if final is None or p.nature in _SERVICE_NATURES:
            continue
        yield from _stable_run(p, final.date, low, high)
        yield from missing_documents(p, _ACCEPTANCE_DOCUMENTS, when="竣工验收时", when_en="at final acceptance")


def _stable_run(p: Project, final: dt.date, low: int, high: int) -> Iterator[Problem]:
    pre = p.milestones.date_of(Stage.preliminary_acceptance)
    if pre is None:
        yield problem(
            p, "milestones.preliminary_acceptance",
            f"项目 {p.id} 于 {final} 竣工验收，但未登记初步验收：须初验合格且系统稳定运行 {low} 至 {high} 个月后方可申请竣工验收，"
            "请补登 milestones.preliminary_acceptance",
            f"project {p.id} had its final acceptance on {final} without a preliminary acceptance: add "
            "milestones.preliminary_acceptance",
        )
    elif not at_least_months(pre, final, low):
        yield problem(
            p, "milestones.final_acceptance.date",
            f"项目 {p.id} 初验 {pre} 后仅到 {final} 即竣工验收，稳定运行不足 {low} 个月（最早 {add_months(pre, low)}）："
            "请核对日期，稳定运行期满后再申请竣工验收",
            f"project {p.id}: final acceptance {final} is less than {low} months after the preliminary acceptance {pre} "
            f"(earliest {add_months(pre, low)}): check the dates",
        )
    elif not within_months(pre, final, high):
        yield problem(
            p, "milestones.final_acceptance.date",
            f"项目 {p.id} 初验 {pre} 后至 {final} 才竣工验收，超过 {high} 个月（最迟 {add_months(pre, high)}）："
            f"应在初验后 {high} 个月内申请竣工验收，请核对日期",
            f"project {p.id}: final acceptance {final} is more than {high} months after the preliminary acceptance {pre} "
            f"(latest {add_months(pre, high)}): check the dates",
        )


@rule("DSQ18", name="no-use-before-acceptance", title="未经竣工验收或验收不合格的系统不得投入使用",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ18],
      fails="""
      # projects/wsj/2024-wsj-002.yaml: year: 2024, systems: {creates: [wsj-health-code]},
      #   milestones: {final_acceptance: {date: 2025-08-20, passed: false}}
      id: wsj-health-code
      unit: wsj
      status: operating      # 竣工验收不合格，却已投入使用
      """,
      passes="""
      # projects/wsj/2024-wsj-002.yaml: year: 2024, systems: {creates: [wsj-health-code]},
      #   milestones: {final_acceptance: {date: 2025-08-20, passed: false}}
      id: wsj-health-code
      unit: wsj
      status: trial          # 整改复验通过前保持试运行
      """)
def dsq18(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """项目列入 ``systems.creates`` 的系统，在该项目竣工验收不合格（``milestones.final_acceptance`` 为 ``passed: false``）
    或尚未竣工验收（且未终止）时，``status`` 不得为 ``operating``（运行中）。

    第十八条规定：“未经竣工验收或竣工验收不合格的项目不得投入使用”。

    依据说明：RULES.md 只写了验收不合格的情形；条文同样禁止尚未验收的项目投入使用，因此两种情形都检查。
    竣工验收前的试运行（``trial``）属于建设过程（第十七条要求初验后稳定运行），只有 ``operating`` 才算“投入使用”。
    """
    for s in ctx.systems:
        if s.status is not SystemStatus.operating:
            continue
        for p in ctx.head.projects_creating(s.id):
            yield from _not_yet_in_use(s, p)


def _not_yet_in_use(s: System, p: Project) -> Iterator[Problem]:
    final = p.milestones.final_acceptance
    if p.milestones.terminated is not None or (final is not None and final.passed):
        return
    if final is None:
        why, why_en = f"建设项目 {p.id} 尚未竣工验收", f"its project {p.id} has no final acceptance yet"
    else:
        why, why_en = f"建设项目 {p.id} 于 {final.date} 竣工验收不合格", f"its project {p.id} failed the final acceptance on {final.date}"
    yield problem(
        s, "status",
        f"系统 {s.id}「{s.name}」状态为运行中，但{why}：未经竣工验收或验收不合格的项目不得投入使用，"
        "请将 status 改为 trial（试运行），整改并通过竣工验收后再改为 operating",
        f"system {s.id} is operating but {why_en}: keep it in trial until the project passes final acceptance",
    )


@rule("DSQ19", local=True, name="self-evaluation", title="通过验收后12至24个月内开展自评价", kind=Kind.deadline,
      profile=PROFILE.id, cite=[DSQ19], params=SelfEvaluationWindowParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        final_acceptance: {date: 2023-09-20, passed: true, ref: 石数据验〔2023〕3号}
      evaluations:
        - {kind: self, date: 2024-03-01}     # 验收后不足 12 个月，不算
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2023-09-20, passed: true, ref: 石数据验〔2023〕3号}
      evaluations:
        - {kind: self, date: 2025-03-01, ref: 石卫健评〔2025〕2号}
      """)
def dsq19(ctx: Context, params: SelfEvaluationWindowParams) -> Iterator[Problem]:
    """竣工验收合格（``milestones.final_acceptance`` 为 ``passed: true``）的项目，须在验收后满 12 个自然月至 N 个自然月之间
    （N 为 ``self_evaluation_months``，默认 24；两端均含）开展自评价，并在 ``evaluations`` 中登记 ``kind: self``。
    今天已超过期限末日、期限内仍没有自评价的，给出警告；验收后不足 12 个月的自评价不计入。

    第十九条规定，项目通过验收并投入运行后“12至24个月内”开展自评价，此时系统已使用一年左右，能看出成效；
    自评价报告报送市数据局和市财政局。本规则按今天的日期判断是否逾期，因此只给出警告。
    """
    latest = params.self_evaluation_months
    for p in ctx.projects:
        window = missed_self_evaluation(ctx, p, _SELF_EVALUATION_EARLIEST_MONTHS, latest)
        if window is None:
            continue
        accepted, opens, closes = window.accepted, window.opens, window.closes
        others = [e.date for e in p.evaluations if e.kind is EvaluationKind.self]
        note = f"（已登记的自评价 {'、'.join(map(str, others))} 不在该期间内）" if others else ""
        yield problem(
            p, "evaluations",
            f"项目 {p.id} 于 {accepted} 通过验收，应在验收后 {_SELF_EVALUATION_EARLIEST_MONTHS} 至 {latest} 个月内"
            f"（{opens} 至 {closes}）开展自评价{note}，今天 {ctx.today} 已过期限：请开展自评价并报送市数据局和市财政局，"
            "在 evaluations 中登记 {kind: self, date, ref}",
            f"project {p.id} passed acceptance on {accepted}: a self evaluation was due between {opens} and {closes}; "
            "carry it out, report it to the data and finance bureaus and add evaluations: {kind: self, date, ref}",
        )
