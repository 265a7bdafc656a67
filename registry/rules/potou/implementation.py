"""PT 规则：第五章 实施（第十七条至第二十四条）：调整、符合性审查、档案验收、自评价。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import (
    EvaluationKind,
    Scope,
    Stage,
    Track,
)
from registry.rules.adjustment import Adjustment, Reasons, Text, adjustments, named
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    missed_self_evaluation,
)
from registry.rules.potou import PROFILE
from registry.rules.potou.citations import (
    PT21_K1,
    PT21_K2,
    PT22,
    PT23,
    PT24,
)
from registry.rules.potou.params import SelfAdjustParams, SelfEvaluationParams
from registry.rules.precedence import out_of_order_projects, passed_final_acceptance

# What 第二十一条 leaves to the registry's one adjustment mechanism (registry/rules/adjustment.py):
# every adjustment is filed; re-approval when the total rises, moves by more than the share,
# or the goals change.
ADJUSTMENT = Adjustment(
    labels=named({"budget.total_wan": "投资概算", "content": "建设内容", "systems": "涉及系统", "goals": "绩效目标"}),
    missing=Text(
        "项目 {id} 立项后调整了{what}，但 changes 中没有新增变更记录：请登记本次调整（日期、内容、金额变化），并报区政务服务数据管理局备案",
        "project {id} changed {what} after approval without a new changes entry: record and file the adjustment",
    ),
    reasons=Reasons(
        rise=Text("投资由 {old} 增至 {new} 万元，超出批复预算", "total rises from {old} to {new} above the approved budget"),
        share=Text("资金调整 {delta} 万元，超过原总金额 {old} 万元的 {share}（{share_wan} 万元）",
                   "the adjustment {delta} exceeds {share} of {old}"),
        goals=Text("项目绩效目标发生变化", "the goals changed"),
    ),
    reapprove=Text(
        "项目 {id} 的调整超出单位自行调整范围（{reasons}）：须重新报批，请在本次 changes 记录中填写 approval（批复文号和日期）",
        "project {id}: the adjustment needs re-approval ({reasons}): give approval in the new changes entry",
    ),
)


@rule("PT21", name="adjustment-filed", title="立项后调整须登记变更，超出自行调整范围须重新报批", kind=Kind.change,
      profile=PROFILE.id, cite=[PT21_K1, PT21_K2], params=SelfAdjustParams,
      fails="""
      # 基准版本：budget: {total_wan: 200}, changes: []
      milestones:
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
      budget: {total_wan: 160}     # 减少 20%，超过 15%
      changes:
        - {date: 2025-08-01, description: 取消移动端模块, amount_wan: -40}   # 没有 approval
      """,
      passes="""
      # 基准版本：budget: {total_wan: 200}, changes: []
      milestones:
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
      budget: {total_wan: 180}     # 减少 10%，可自行调整并备案
      changes:
        - {date: 2025-08-01, description: 优化技术方案，取消自建短信网关, amount_wan: -20}
      """)
def pt21(ctx: Context, params: SelfAdjustParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，调整了投资概算 `budget.total_wan`、建设内容 `content`、
    涉及系统 `systems` 或绩效目标 `goals` 的，须在 `changes` 中新增记录。
    以下情形还须在新增记录中填写 `approval`（重新报批）：`total_wan` 超过基准版本的数额；
    调整额超过基准版本数额的 `self_adjust_share`（默认 15%，恰为 15% 仍可自行调整）；绩效目标发生变化。

    第二十一条规定，只有在总金额未超出批复预算、项目目标不变、资金调整数额不超过项目总金额 15% 时，
    单位才可自行调整，并报区政务服务数据管理局备案（即 `changes` 记录）；其他情形须重新报批。

    依据说明：RULES.md 的表格只列了投资、内容和系统；条文还要求“项目目标不变”，
    因此绩效目标的变化也须登记，并视为须重新报批。
    """
    yield from adjustments(ctx, ADJUSTMENT, params.self_adjust_share)


@rule("PT22", local=True, name="conformity-review", title="审批制专业类项目验收前须经符合性审查", kind=Kind.record,
      profile=PROFILE.id, cite=[PT22],
      fails="""
      scope: professional
      track: approval
      milestones:
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """,
      passes="""
      scope: professional
      track: approval
      milestones:
        conformity_review: {date: 2025-09-05, ref: 坡政数审〔2025〕14号}
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """)
def pt22(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """审批制（`track: approval`）专业类（`scope: professional`）项目已竣工验收（`final_acceptance`）的，
    须有符合性审查 `conformity_review`，且审查日期早于验收日期（同一天不符合）。

    第二十二条：专业类项目由单位自行组织验收，但验收前须按数字政府改革建设标准和要求
    进行符合性审查，经区政务服务数据管理局审核通过后方可验收；
    备案制专业类项目无需审查，公共类项目由区政务服务数据管理局负责验收。

    依据说明：条文写的是“验收前”和“审核通过后……自行组织验收”，是先后顺序，
    因此审查须严格早于验收，同一天不算。
    """
    breaches = out_of_order_projects(ctx, Stage.conformity_review, Stage.final_acceptance, same_day=False,
                                     where=lambda p: p.scope is Scope.professional and p.track is Track.approval)
    for p, review, final in breaches:
        if review is None:
            yield problem(
                p, "milestones.conformity_review",
                f"审批制专业类项目 {p.id} 已于 {final} 验收，但未登记符合性审查：验收前须经区政务服务数据管理局符合性审查，"
                "请补登 milestones.conformity_review（日期和审查意见编号）",
                f"professional approval-track project {p.id} was accepted on {final} without a conformity review: "
                "add milestones.conformity_review (date and reference)",
            )
        else:
            yield problem(
                p, "milestones.conformity_review.date",
                f"项目 {p.id} 的符合性审查日期 {review} 不早于验收日期 {final}：符合性审查须在验收之前通过，请核对日期",
                f"project {p.id}: conformity review on {review} is not before the acceptance on {final}; "
                "it must come first, so check the dates",
            )


@rule("PT23", local=True, name="archive-before-acceptance", title="通过验收前须完成档案验收", kind=Kind.record,
      profile=PROFILE.id, cite=[PT23],
      fails="""
      milestones:
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """,
      passes="""
      milestones:
        archive_acceptance: 2025-09-12
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """)
def pt23(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已通过的竣工验收（`final_acceptance` 且 `passed: true`）须有档案验收 `archive_acceptance`，
    且档案验收日期不晚于竣工验收日期。

    第二十三条：未进行档案验收或档案验收不合格的，不得通过项目验收。
    档案验收可以与项目验收在同一天进行。
    """
    for p, archive, final in out_of_order_projects(ctx, Stage.archive_acceptance, Stage.final_acceptance,
                                                   where=passed_final_acceptance):
        if archive is None:
            yield problem(
                p, "milestones.archive_acceptance",
                f"项目 {p.id} 于 {final} 通过验收，但未登记档案验收：未进行档案验收的不得通过项目验收，"
                "请补登 milestones.archive_acceptance",
                f"project {p.id} passed acceptance on {final} without an archive acceptance: add "
                "milestones.archive_acceptance",
            )
        else:
            yield problem(
                p, "milestones.archive_acceptance.date",
                f"项目 {p.id} 的档案验收日期 {archive} 晚于验收通过日期 {final}：档案验收须在项目验收之前（或当日）完成，请核对日期",
                f"project {p.id}: archive acceptance on {archive} is after the acceptance on {final}; it "
                "must come first (or on the same day), so check the dates",
            )


@rule("PT24", local=True, name="self-evaluation", title="通过验收后12个月内完成应用效果自评价", kind=Kind.deadline,
      profile=PROFILE.id, cite=[PT24], params=SelfEvaluationParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        final_acceptance: {date: 2024-09-20, passed: true, ref: 坡卫健验〔2024〕2号}
      evaluations: []
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2024-09-20, passed: true, ref: 坡卫健验〔2024〕2号}
      evaluations:
        - {kind: self, date: 2025-08-30, ref: 坡卫健评〔2025〕1号}
      """)
def pt24(ctx: Context, params: SelfEvaluationParams) -> Iterator[Problem]:
    """项目通过竣工验收（`final_acceptance` 且 `passed: true`）后，
    满 `self_evaluation_months` 个自然月（默认 12 个月）时，
    须已有一次应用效果自评价（`evaluations` 中 `kind: self` 的记录），
    日期在验收日至期满日之间（含两端，期满当日完成仍算按期）。

    第二十四条要求项目通过验收后 12 个月内对系统运行情况进行应用效果自评价，
    并将评价报告报送区政务服务数据管理局；它是该局开展后评价、审批下一年度项目的依据（第二十五条）。
    只作警告，是为了不让时间推移阻断无关的合并请求。
    """
    months = params.self_evaluation_months
    for p in ctx.projects:
        window = missed_self_evaluation(ctx, p, 0, months)
        if window is None:
            continue
        final, due = window.accepted, window.closes
        late = [e.date for e in p.evaluations if e.kind is EvaluationKind.self and e.date > due]
        note = f"（已有的自评价 {late[0]} 已逾期）" if late else ""
        yield problem(
            p, "evaluations",
            f"项目 {p.id} 于 {final} 通过验收，应在 {months} 个月内（最迟 {due}）完成应用效果自评价{note}，今天 {ctx.today} 仍无按期的自评价："
            "请完成自评价并报送区政务服务数据管理局，在 evaluations 中登记 {kind: self, date, ref}",
            f"project {p.id} passed acceptance on {final}: a self evaluation was due by {due} and none is recorded "
            "in time; carry it out, report it to the data bureau and add evaluations: {kind: self, date, ref}",
        )
