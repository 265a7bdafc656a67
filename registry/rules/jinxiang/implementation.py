"""JX 规则：第六章 项目实施和变更管理、第七章 验收和绩效评价管理（第三十一条至第三十六条）。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from registry.dates import TODAY_FIRST, add_months
from registry.enums import (
    EvaluationKind,
)
from registry.rules.adjustment import Adjustment, Text, adjustments, named
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    evaluations_between,
    unaccepted_past,
)
from registry.rules.jinxiang import PROFILE
from registry.rules.jinxiang.citations import (
    JX30,
    JX33,
    JX35,
    JX36,
)

# What 第三十三条 leaves to the registry's one adjustment mechanism (registry/rules/adjustment.py):
# every change of an approved project's budget, content or systems needs re-approval.
ADJUSTMENT = Adjustment(
    labels=named({"budget.total_wan": "项目预算", "content": "主要建设内容", "systems": "涉及系统"}),
    each_field=False,
    missing=Text(
        "项目 {id} 立项批复后调整了{what}：须事先提交调整申请、重新履行审批手续，请在 changes 中登记本次变更"
        "并填写 approval（变更批复文号、日期）",
        "project {id} changed {what} after approval: record the change in changes with its re-approval (approval)",
    ),
)


@rule("JX33", name="changes-reapproved", title="批复后调整预算、内容须重新履行审批手续", kind=Kind.change,
      profile=PROFILE.id, cite=[JX33],
      fails="""
      # 基准版本：budget: {total_wan: 180}, changes: []
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      budget: {total_wan: 200}
      changes:
        - {date: 2025-06-01, description: 增加数据治理模块, amount_wan: 20}   # 没有变更批复
      """,
      passes="""
      # 基准版本：budget: {total_wan: 180}, changes: []
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      budget: {total_wan: 200}
      changes:
        - {date: 2025-06-01, description: 增加数据治理模块, amount_wan: 20,
           approval: {doc_no: 金大数据发〔2025〕21号, date: 2025-06-01}}
      """)
def jx33(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，``budget.total_wan``、``content`` 或 ``systems`` 有任何改动，
    须在 ``changes`` 中新增一条带 ``approval``（变更批复文号和日期）的变更记录。

    第三十三条规定，项目预算、主要建设内容等发生较大变化的，项目建设单位须事先提交调整申请，
    重新履行审批手续，并将变更情况及时向县大数据局备案。

    依据说明：条文说“较大变化”，但没有给出衡量标准；本规则与 RULES.md 一致，把批复后这几项的任何改动都视为较大变化。
    如本县确定了衡量标准，可以在 ``registry.yaml`` 的 ``disabled_rules`` 中停用本规则并写明理由。
    """
    yield from adjustments(ctx, ADJUSTMENT)


@rule("JX35", local=True, name="acceptance-extension", title="实施周期届满未验收须申请延期", kind=Kind.deadline, profile=PROFILE.id,
      cite=[JX35, JX30],
      fails="""
      milestones:
        contracted: {date: 2024-05-01, implementation_months: 12, warranty_months: 24, ip_clause: true}
      # 今天 2025-12-01：实施周期已于 2025-05-01 届满，未竣工验收
      """,
      passes="""
      milestones:
        contracted: {date: 2025-05-01, implementation_months: 12, warranty_months: 24, ip_clause: true}
      """)
def jx35(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """合同签订日期（``milestones.contracted.date``）加上 ``implementation_months`` 个自然月为实施周期届满日；
    今天已晚于届满日，而项目既没有 ``milestones.final_acceptance``（竣工验收）也没有 ``milestones.terminated``（终止）时，
    给出警告（届满日当天仍算按期）。

    第三十五条规定，项目建设单位未按期提出竣工验收申请的，须向县大数据局提出延期验收申请。
    合同约定的实施周期就是单位承诺的建设期限；警告提醒单位及时验收，或者申请延期。
    """
    for p in ctx.projects:
        c = p.milestones.contracted
        if c is None or c.implementation_months is None:
            continue
        due = unaccepted_past(ctx, p, c.date, c.implementation_months)
        if due is not None:
            yield problem(p, "milestones.contracted.implementation_months",
                          f"项目 {p.id} 合同于 {c.date} 签订、实施周期 {c.implementation_months} 个月，已于 {due} 届满，至今未竣工验收："
                          "请提出竣工验收申请，或向县大数据局提出延期验收申请",
                          f"project {p.id}'s implementation period of {c.implementation_months} months from {c.date} ended on "
                          f"{due} without final acceptance: apply for acceptance or for an extension")


@rule("JX36", local=True, name="yearly-self-evaluation", title="竣工验收后每年开展一次自评价", kind=Kind.deadline, profile=PROFILE.id,
      cite=[JX36],
      fails="""
      milestones:
        final_acceptance: {date: 2023-06-30, passed: true}
      evaluations:
        - {kind: self, date: 2024-06-20, ref: 金财自评〔2024〕1号}   # 第二年（至 2025-06-30）没有自评价
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2023-06-30, passed: true}
      evaluations:
        - {kind: self, date: 2024-06-20, ref: 金财自评〔2024〕1号}
        - {kind: self, date: 2025-06-18, ref: 金财自评〔2025〕1号}
      """)
def jx36(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """竣工验收合格（``milestones.final_acceptance`` 为 ``passed: true``）后，每个完整的运行年度都须有一次 ``kind: self`` 的自评价：
    第 k 年从验收日加 (k−1) 年的次日起，到验收日加 k 年当天止（含）；该年度结束后（今天晚于其最后一天）才检查。
    每缺一年给出一条警告。

    第三十六条规定，项目竣工验收并投入使用或运营后，项目建设单位每年开展一次自评价，自评价报告报送县大数据局；
    评价情况是后续安排运行维护资金的重要依据。
    """
    for p in ctx.projects:
        accepted = p.milestones.final_acceptance
        if accepted is None or not accepted.passed or accepted.date < TODAY_FIRST:
            continue  # (a year before 1990 is mistyped: REG007 says so, not a warning per year)
        year = 1
        while (closes := add_months(accepted.date, 12 * year)) < ctx.today:
            opens = add_months(accepted.date, 12 * (year - 1)) + dt.timedelta(days=1)
            if not evaluations_between(p, EvaluationKind.self, opens, closes):
                yield problem(p, "evaluations",
                              f"项目 {p.id} 竣工验收后第 {year} 年（{opens} 至 {closes}）没有自评价：请补做自评价，报送县大数据局，"
                              "并在 evaluations 中登记（kind: self）",
                              f"project {p.id} has no self evaluation in year {year} after acceptance ({opens} to {closes}): "
                              "carry one out and record it in evaluations")
            year += 1
