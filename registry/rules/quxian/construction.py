"""QX 规则：第六章 项目建设、验收及使用（第三十四条至第三十九条）：谁来建设、建设周期、调整、试运行。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    Builder,
    FundSource,
    Nature,
    Stage,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.adjustment import Adjustment, Text, adjustments
from registry.rules.helpers import unaccepted_past
from registry.rules.quxian import PROFILE
from registry.rules.quxian.citations import (
    QX34,
    QX36,
    QX37,
    QX38,
)
from registry.rules.quxian.params import BuildPeriodParams, SelfBuildParams, TrialParams

if TYPE_CHECKING:
    from registry.models import Project

# Natures whose project buys a service rather than building something (第三十八条 “项目建设完成后”).
SERVICE_NATURES = frozenset({Nature.om, Nature.operation_service, Nature.third_party})


@rule("QX34", local=True, name="who-builds", title="30万元以下或上级资金项目由申报单位建设，其余由县大数据中心统建",
      kind=Kind.record, profile=PROFILE.id, cite=[QX34], params=SelfBuildParams,
      fails="""
      builder: unit
      budget:
        total_wan: 80                                   # 超过 30 万元，无上级资金
        sources: [{kind: county_budget, amount_wan: 80}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      """,
      passes="""
      builder: data_authority
      budget:
        total_wan: 80
        sources: [{kind: county_budget, amount_wan: 80}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      """)
def qx34(ctx: Context, params: SelfBuildParams) -> Iterator[Problem]:
    """投资概算 `budget.total_wan` 不超过上限（`self_build_limit_wan`，默认 30 万元，含本数），
    或资金来源中有上级资金（`superior_fund`）的项目，建设主体 `builder` 应为 `unit`（项目单位自建）；
    其余项目应为 `data_authority`（数据主管部门统建）。自立项批复（`approved`）起必须填写，
    填写了就检查；数据主管部门自己的项目可填写任一值。

    第三十四条：30 万元（含）以下或向上争取资金的项目由项目申报单位组织建设，
    其余由县大数据中心统筹建设，使县级财政资金用于一次共享的建设，而不是分散重复建设。
    """
    data_authority = ctx.config.authorities.data_authority
    for p in ctx.projects:
        expected, reason_zh, reason_en = _expected_builder(p, params.self_build_limit_wan)
        if p.builder is None:
            if p.reached(Stage.approved):
                yield problem(
                    p, "builder",
                    f"项目 {p.id} 已立项批复，未填写建设主体（builder）：{reason_zh}，应填写 builder: {expected.value}（{expected.label}）",
                    f"project {p.id} is approved but has no builder: {reason_en}, so set builder: {expected.value}",
                )
        elif p.builder is not expected and p.unit != data_authority:
            yield problem(
                p, "builder",
                f"项目 {p.id} 建设主体为{p.builder.label}（builder: {p.builder.value}）：{reason_zh}，"
                f"应改为 builder: {expected.value}（{expected.label}）",
                f"project {p.id} has builder {p.builder.value}: {reason_en}, so set builder: {expected.value}",
            )


def _expected_builder(p: Project, limit: float) -> tuple[Builder, str, str]:
    total = p.budget.total_wan
    if any(src.kind is FundSource.superior_fund for src in p.budget.sources):
        return Builder.unit, "项目使用向上争取的资金（superior_fund），由项目申报单位组织建设", "it has superior funding"
    if total <= limit:
        return Builder.unit, f"总投资 {total:g} 万元不超过 {limit:g} 万元（含），由项目申报单位组织建设", f"total {total:g} ≤ {limit:g}"
    return (Builder.data_authority, f"总投资 {total:g} 万元超过 {limit:g} 万元且无上级资金，由县大数据中心统筹建设",
            f"total {total:g} > {limit:g} without superior funding")


@rule("QX36", local=True, name="build-period", title="建设周期原则上不超过1年", kind=Kind.record,
      profile=PROFILE.id, cite=[QX36], params=BuildPeriodParams,
      fails="""
      milestones:
        contracted: {date: 2025-04-10, implementation_months: 18}
      """,
      passes="""
      milestones:
        contracted: {date: 2025-04-10, implementation_months: 12}
      """)
def qx36(ctx: Context, params: BuildPeriodParams) -> Iterator[Problem]:
    """已登记合同签订（`contracted`）的项目须填写合同约定的建设周期 `implementation_months`（月），
    且不超过上限（`max_build_months`，默认 12 个月，含本数）。

    第三十六条规定建设周期原则上不超过 1 年；合同约定的工期超过 1 年，等于事先就计划好了超期。
    """
    limit = params.max_build_months
    for p in ctx.projects:
        contract = p.milestones.contracted
        if contract is None:
            continue
        months = contract.implementation_months
        field_path = "milestones.contracted.implementation_months"
        if months is None:
            yield problem(
                p, field_path,
                f"项目 {p.id} 已签订合同，未填写合同约定的建设周期（implementation_months，月）：请按合同填写，原则上不超过 {limit} 个月",
                f"project {p.id} is contracted but has no implementation_months: add the contract's construction "
                f"period in months (at most {limit})",
            )
        elif months > limit:
            yield problem(
                p, field_path,
                f"项目 {p.id} 合同约定建设周期 {months} 个月，超过 {limit} 个月：建设周期原则上不超过1年，"
                "请调整实施计划，或分期立项",
                f"project {p.id}: implementation_months {months} exceeds {limit}; construction takes at most one "
                "year in principle, so revise the plan or split the project into phases",
            )


@rule("QX36D", local=True, name="build-period-overdue", title="合同签订满1年仍未竣工验收", kind=Kind.deadline,
      profile=PROFILE.id, cite=[QX36], params=BuildPeriodParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        contracted: {date: 2024-11-30, implementation_months: 12}
      """,
      passes="""
      # 今天 2025-12-01
      milestones:
        contracted: {date: 2024-12-01, implementation_months: 12}   # 恰满 12 个月，尚未逾期
      """)
def qx36d(ctx: Context, params: BuildPeriodParams) -> Iterator[Problem]:
    """合同签订日期 `contracted.date` 加上 `max_build_months` 个自然月（默认 12 个月）后的日期早于今天，
    项目仍没有竣工验收 `final_acceptance` 或终止 `terminated` 的，发出警告。
    今天恰好满 N 个月（与签订日同日）时，仍不算逾期。

    只作警告，是为了不让时间推移阻断无关的合并请求；
    它提示县大数据中心哪些项目超出了 1 年的建设周期。
    """
    limit = params.max_build_months
    for p in ctx.projects:
        m = p.milestones
        if m.contracted is None:
            continue
        due = unaccepted_past(ctx, p, m.contracted.date, limit)
        if due is not None:
            yield problem(
                p, "milestones.contracted",
                f"项目 {p.id} 合同签订于 {m.contracted.date}，{limit} 个月的建设周期已于 {due} 届满，至今（{ctx.today}）"
                "未竣工验收：请尽快组织验收并登记 final_acceptance，或按第三十七条报批调整、登记 terminated",
                f"project {p.id} was contracted on {m.contracted.date}; the {limit}-month period ended on {due} "
                f"and it is not finally accepted as of {ctx.today}: organise the final acceptance, or record an "
                "approved adjustment (Article 37) or the termination",
            )


# What 第三十七条 leaves to the registry's one adjustment mechanism (registry/rules/adjustment.py):
# every change of an approved project's budget (any figure), content or systems needs re-approval.
ADJUSTMENT = Adjustment(
    labels={"budget.total_wan": ("投资概算（{old} → {new} 万元）", ""), "budget": ("投资构成", ""),
            "content": ("建设内容", ""), "systems": ("涉及系统", "")},
    missing=Text(
        "项目 {id} 已于 {approved_date} 审定（{approved_doc}），本次修改了{what}（{field}），但 changes 中没有带批复的新记录："
        "已审定项目不得自行调整，确需调整的须报批后登记 changes: {{date, description, amount_wan, approval: {{doc_no, date}}}}",
        "project {id} was approved at base; {field} changed without a new changes entry carrying an approval: "
        "get the change re-approved and add changes: {{date, description, amount_wan, approval}}",
    ),
)


@rule("QX37", name="no-self-adjustment", title="已审定项目调整须报批并登记", kind=Kind.change,
      profile=PROFILE.id, cite=[QX37],
      fails="""
      # 基准版本：content: 建设统一受理模块
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      content: 建设统一受理和电子归档模块     # 审定后自行扩大了建设内容
      changes: []
      """,
      passes="""
      # 基准版本：content: 建设统一受理模块, changes: []
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      content: 建设统一受理和电子归档模块
      changes:
        - date: 2025-06-01
          description: 增加电子归档模块
          approval: {doc_no: 渠府函〔2025〕40号, date: 2025-06-01}
      """)
def qx37(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，本次变更修改了投资（`budget.total_wan` 或预算中的其他数字）、
    建设内容 `content`（只调整换行、空格的不算）或涉及系统 `systems` 的，
    须在 `changes` 中新增一条带 `approval`（批复文号和日期）的记录。每个被修改的字段报告一个问题。

    第三十七条规定已审定的项目“不得自行调整变更”；确需调整的，
    参照《渠县政府投资项目管理办法》重新报批，登记簿在变更记录中列出这份批复。
    """
    yield from adjustments(ctx, ADJUSTMENT)


@rule("QX38", local=True, name="trial-run", title="验收前试运行不少于1个月", kind=Kind.record,
      profile=PROFILE.id, cite=[QX38], params=TrialParams,
      fails="""
      milestones:
        trial_run: {start: 2025-05-01, end: 2025-05-20}    # 20 天
        final_acceptance: {date: 2025-06-10, passed: true}
      """,
      passes="""
      milestones:
        trial_run: {start: 2025-05-01, end: 2025-05-30}    # 30 天（含起止日）
        final_acceptance: {date: 2025-06-10, passed: true}
      """)
def qx38(ctx: Context, params: TrialParams) -> Iterator[Problem]:
    """已竣工（履约）验收（`final_acceptance`）的项目须有试运行 `trial_run`：
    试运行不少于 `min_trial_days` 天（默认 30 天，起止两日都计入），且结束日期 `end` 不晚于验收日期。
    性质为运行维护（`om`）、运营服务（`operation_service`）和第三方服务（`third_party`）的项目不检查。

    验收评判的应当是一个经过实际使用的系统。

    依据说明：RULES.md 的表格对所有项目适用本规则；但条文说的是“项目建设完成后”，
    不建设任何东西的服务类项目因此不检查。条文中的“1个月”沿用表格中的天数（默认 30 天）。
    """
    minimum = params.min_trial_days
    for p in ctx.projects:
        accepted = p.milestones.final_acceptance
        if accepted is None or p.nature in SERVICE_NATURES:
            continue
        trial = p.milestones.trial_run
        if trial is None:
            yield problem(
                p, "milestones.trial_run",
                f"项目 {p.id} 已竣工（履约）验收（{accepted.date}），但未登记试运行（milestones.trial_run）："
                f"建设完成后须试运行不少于 {minimum} 天再验收，请补填 trial_run: {{start, end}}",
                f"project {p.id} was accepted on {accepted.date} without a trial run of at least {minimum} days: "
                "add trial_run: {start, end}",
            )
        elif trial.end is None or trial.end > accepted.date:
            yield problem(
                p, "milestones.trial_run.end",
                f"项目 {p.id} 于 {accepted.date} 验收，试运行结束日期"
                f"{'未填写' if trial.end is None else f' {trial.end} 晚于验收日期'}：试运行结束后方可组织验收，"
                f"请{'填写' if trial.end is None else '核对'} milestones.trial_run.end",
                f"project {p.id}: the trial run must end on or before final acceptance ({accepted.date}): "
                f"{'add' if trial.end is None else 'check'} milestones.trial_run.end",
            )
        elif (days := (trial.end - trial.start).days + 1) < minimum:
            yield problem(
                p, "milestones.trial_run",
                f"项目 {p.id} 试运行 {trial.start} 至 {trial.end} 共 {days} 天，少于 {minimum} 天：试运行时间不低于1个月，"
                "请核对日期，或补足试运行后再验收",
                f"project {p.id}: trial run {trial.start} to {trial.end} lasts {days} days, fewer than {minimum}: "
                "check the dates, or complete the trial run before acceptance",
            )
