"""QX 规则：第四章 项目建设审核（第二十一条至第二十八条）：概算询价公示。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import (
    Stage,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.quxian import PROFILE
from registry.rules.quxian.citations import (
    QX27,
)


@rule("QX27", local=True, name="price-inquiry", title="立项后进行概算询价公示", kind=Kind.record,
      profile=PROFILE.id, cite=[QX27],
      fails="""
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
        budgeted: {date: 2025-03-20, amount_wan: 80}
        # 缺概算询价公示
      """,
      passes="""
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
        price_inquiry: 2025-03-08
        budgeted: {date: 2025-03-20, amount_wan: 80}
      """)
def qx27(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自预算下达（`budgeted`）起，项目须登记概算询价公示 `milestones.price_inquiry`；
    只要同时登记了询价公示和立项批复，询价公示日期就不得早于 `approved`（同一天可以）。

    项目立项后须在网上进行投资概算初步询价公示，建设方案和预算都以询价结果为基础。

    依据说明：RULES.md 自 `budgeted` 起检查先后顺序；但询价公示早于立项批复，
    一经登记就已是顺序错误，所以从登记时起就检查顺序，而不是等到预算下达。
    """
    for p in ctx.projects:
        inquiry = p.milestones.date_of(Stage.price_inquiry)
        approved = p.milestones.date_of(Stage.approved)
        if inquiry is None and p.reached(Stage.budgeted):
            yield problem(
                p, "milestones.price_inquiry",
                f"项目 {p.id} 已下达预算，但未登记投资概算初步询价公示（milestones.price_inquiry）：立项后须在网上进行询价公示，请补填公示日期",
                f"project {p.id} is budgeted but has no milestones.price_inquiry: publish the estimate online for a "
                "price inquiry after approval and add its date",
            )
        elif inquiry is not None and approved is not None and inquiry < approved:
            yield problem(
                p, "milestones.price_inquiry",
                f"项目 {p.id} 概算询价公示日期 {inquiry} 早于立项批复 {approved}：询价公示应在立项后进行，请核对日期",
                f"project {p.id}: price inquiry {inquiry} is before approval {approved}; the inquiry follows "
                "approval, so check the dates",
            )
