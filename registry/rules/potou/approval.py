"""PT 规则：第三章 立项（第九条至第十五条）：审批制与备案制、立项时限。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    BasisKind,
    DocumentKind,
    Nature,
    Stage,
    Track,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import AMOUNT_TOLERANCE, late_for_budget_year
from registry.rules.potou import PROFILE
from registry.rules.potou.citations import (
    PT10_2_4,
    PT11_2_4,
    PT12,
    PT14,
)
from registry.rules.potou.params import ApprovalDeadlineParams, FilingParams

if TYPE_CHECKING:
    from registry.models import Project


def _uses_crypto(p: Project) -> bool:
    """The project "涉及密码应用": it has a crypto plan or a crypto budget."""
    return bool(p.documents.get(DocumentKind.crypto_plan)) or (p.budget.crypto_wan or 0) > 0


_REVIEW_STEPS = {
    Stage.reviewed: ("专家评审意见", "expert review"),
    Stage.finance_reviewed: ("区财政局资金审核意见", "finance review"),
    Stage.crypto_reviewed: ("区国家保密局密码应用审核意见", "crypto review"),
}


@rule("PT10", local=True, name="approval-reviews", title="审批制项目立项前须经专家评审、资金审核和密码应用审核", kind=Kind.record,
      profile=PROFILE.id, cite=[PT10_2_4, PT11_2_4],
      fails="""
      track: approval
      budget: {total_wan: 120, crypto_wan: 6}
      milestones:
        reviewed: {date: 2025-02-10, ref: 坡政数评〔2025〕3号}
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
        # 没有 finance_reviewed，涉及密码应用却没有 crypto_reviewed
      """,
      passes="""
      track: approval
      budget: {total_wan: 120, crypto_wan: 6}
      milestones:
        reviewed: {date: 2025-02-10, ref: 坡政数评〔2025〕3号}
        crypto_reviewed: {date: 2025-02-15, ref: 坡密审〔2025〕2号}
        finance_reviewed: {date: 2025-02-20, ref: 坡财审〔2025〕11号}
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
      """)
def pt10(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """审批制（`track: approval`）项目到达立项批复（`approved`）阶段后，须有专家评审 `reviewed`
    和资金审核 `finance_reviewed` 两个里程碑；涉及密码应用（有 `documents.crypto_plan`
    或 `budget.crypto_wan` 大于 0）的，还须有密码应用审核 `crypto_reviewed`。
    这些里程碑的日期都不得晚于立项批复日期（同一天可以）。

    第十条（公共类项目）和第十一条（专业类项目）规定，立项须综合专家评审意见、区财政局意见，
    以及涉及密码应用时区国家保密局的密码应用审核意见。没有这些意见或在取得意见之前就立项，
    就是跳过了程序。备案制项目（第十二条）按简化的备案程序办理，不检查。
    """
    for p in ctx.projects:
        if p.track is not Track.approval or not p.reached(Stage.approved):
            continue
        needed = [Stage.reviewed, Stage.finance_reviewed] + ([Stage.crypto_reviewed] if _uses_crypto(p) else [])
        approved = p.milestones.date_of(Stage.approved)
        for stage in needed:
            yield from _review_before(p, stage, approved)


def _review_before(p: Project, stage: Stage, approved: dt.date | None) -> Iterator[Problem]:
    what, what_en = _REVIEW_STEPS[stage]
    when = p.milestones.date_of(stage)
    if when is None:
        crypto = "（项目涉及密码应用：有密码应用方案或密码应用投入）" if stage is Stage.crypto_reviewed else ""
        yield problem(
            p, f"milestones.{stage.value}",
            f"审批制项目 {p.id} 已立项，但未登记{what}{crypto}：请补登 milestones.{stage.value}（日期和意见编号），"
            "立项须综合该意见",
            f"approval-track project {p.id} is approved without the {what_en}: add milestones.{stage.value} "
            "(date and reference); the approval must rest on it",
        )
    elif approved is not None and when > approved:
        yield problem(
            p, f"milestones.{stage.value}.date",
            f"项目 {p.id} 的{what}日期 {when} 晚于立项批复 {approved}：立项须在取得该意见之后，请核对日期",
            f"project {p.id}: {what_en} on {when} is after the approval on {approved}; the approval follows it, "
            "so check the dates",
        )


_FILING_ANY_AMOUNT = frozenset({Nature.om, Nature.third_party})


@rule("PT12", local=True, name="filing-track-scope", title="备案制仅限运维、第三方服务和采购限额以下项目", kind=Kind.record,
      profile=PROFILE.id, cite=[PT12], params=FilingParams,
      fails="""
      track: filing
      nature: upgrade
      budget: {total_wan: 150}
      """,
      passes="""
      track: filing
      nature: upgrade
      budget: {total_wan: 80}      # 政府采购限额 100 万元以下
      """)
def pt12(ctx: Context, params: FilingParams) -> Iterator[Problem]:
    """备案制（`track: filing`）项目的性质须为运行维护（`om`）或第三方服务（`third_party`），
    否则其投资概算 `budget.total_wan` 须低于政府采购限额（`procurement_threshold_wan`，默认 100 万元，不含本数）。

    第十二条只允许运行维护服务、第三方服务，以及“政府采购限额以下”的基础设施服务、
    软件开发服务和系统业务运营服务项目采取备案制；达到采购限额的项目须按第十条、第十一条走完整的审批程序。

    依据说明：这里的“以下”按政府采购的含义理解：达到限额标准即须政府采购，
    因此投资恰好等于限额的项目也须审批。
    """
    limit = params.procurement_threshold_wan
    for p in ctx.projects:
        if p.track is not Track.filing or p.nature in _FILING_ANY_AMOUNT:
            continue
        if p.budget.total_wan >= limit - AMOUNT_TOLERANCE:
            yield problem(
                p, "track",
                f"项目 {p.id} 为备案制，但性质为{p.nature.label}且投资 {p.budget.total_wan:g} 万元已达到政府采购限额 {limit:g} 万元："
                "备案制仅适用于运行维护、第三方服务及限额以下项目，请改为审批制（track: approval）并履行评审、资金审核程序",
                f"project {p.id} is on the filing track but is {p.nature.value} with {p.budget.total_wan:g} wan, "
                f"at or above the procurement limit {limit:g}: set track: approval and go through the expert and "
                "finance reviews",
            )


@rule("PT14", local=True, name="approval-deadline", title="下年度项目须于本年度9月底前完成立项", kind=Kind.record,
      profile=PROFILE.id, cite=[PT14], params=ApprovalDeadlineParams,
      fails="""
      # 今天 2026-03-01
      id: 2026-wjj-001
      year: 2026
      milestones:
        approved: {date: 2025-10-15, doc_no: 坡政数〔2025〕31号}   # 晚于 2025-09-30
        budgeted: {date: 2026-01-20, amount_wan: 90}
      """,
      passes="""
      # 今天 2026-03-01
      id: 2026-wjj-001
      year: 2026
      milestones:
        approved: {date: 2025-09-30, doc_no: 坡政数〔2025〕27号}
        budgeted: {date: 2026-01-20, amount_wan: 90}
      """)
def pt14(ctx: Context, params: ApprovalDeadlineParams) -> Iterator[Problem]:
    """已下达预算（到达 `budgeted` 阶段）的项目须已立项批复（`approved`），
    且批复日期不晚于预算年度 `year` 上一年的立项截止日（`approval_deadline`，默认 9 月 30 日，当日有效）；
    建设依据 `basis` 中有一项为 `kind: directive`（上级明确要求）的项目除外。

    第十四条：下年度项目原则上应于本年度 9 月底前完成立项，未按时立项的原则上不纳入下年度预算。
    例外是国家部委、省委省政府、市委市政府、区委区政府明确要求的项目（`kind: directive`）。
    """
    for p, deadline, approved in late_for_budget_year(ctx, Stage.approved, params.approval_deadline):
        if p.has_basis(BasisKind.directive):
            continue
        if approved is None:
            yield problem(
                p, "milestones.approved",
                f"项目 {p.id} 已下达 {p.year} 年度预算，但未登记立项批复：{p.year} 年度项目应于 {deadline} 前完成立项，"
                "请补登 milestones.approved；未按时立项的原则上不纳入下年度预算",
                f"project {p.id} is budgeted for {p.year} without an approval: it had to be approved by {deadline}; "
                "add milestones.approved",
            )
        else:
            yield problem(
                p, "milestones.approved.date",
                f"项目 {p.id} 于 {approved} 立项，晚于 {p.year} 年度项目的立项截止日 {deadline}，却已纳入 {p.year} 年度预算："
                "未按时立项的项目原则上不纳入下年度预算；如属上级或区委区政府明确要求，请在 basis 中添加 kind: directive 的依据",
                f"project {p.id} was approved on {approved}, after the deadline {deadline} for {p.year} projects, yet it "
                "is budgeted: late projects are in principle not budgeted; if a higher authority required it, add a "
                "basis item of kind directive",
            )
