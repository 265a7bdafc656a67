"""JX 规则：第九章 监督管理（第四十条至第四十五条）：未经立项不准建设。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import (
    STAGE_ORDER,
    Stage,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.jinxiang import PROFILE
from registry.rules.jinxiang.citations import (
    JX44,
)
from registry.rules.precedence import out_of_order

BUILDING_STAGES = STAGE_ORDER[STAGE_ORDER.index(Stage.awarded):]


DATED_BUILDING_STEPS = (Stage.awarded, Stage.contracted, Stage.started)


@rule("JX44", local=True, name="no-building-without-approval", title="未经立项一律不准建设", kind=Kind.record, profile=PROFILE.id,
      cite=[JX44],
      fails="""
      milestones:
        awarded: {date: 2025-04-01, method: open_tender}    # 没有立项批复
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        awarded: {date: 2025-04-01, method: open_tender}
      """)
def jx44(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已到 ``milestones.awarded``（中标（成交））、``milestones.contracted``（合同签订）、``milestones.started``（开工）
    或其后任一阶段的项目，须有 ``milestones.approved``（立项批复），且中标、合同签订、开工日期都不得早于批复日期。

    第四十四条规定，未经立项的政务信息化项目一律不准建设，擅自建设造成事故的由建设单位承担全部责任。
    采购和签订合同是建设的第一步，因此同样须在立项批复之后。
    """
    for p in ctx.projects:
        reached = [s for s in BUILDING_STAGES if p.milestones.get(s) is not None]
        if not reached:
            continue
        approved = p.milestones.approved
        if approved is None:
            first = reached[0]
            yield problem(p, f"milestones.{first.value}",
                          f"项目 {p.id} 的{first.label}日期为 {p.milestones.date_of(first)}，但没有立项批复（milestones.approved）："
                          "未经立项的政务信息化项目一律不准建设，请补录立项批复文号和日期",
                          f"project {p.id} reached {first.value} without approval (milestones.approved): "
                          "no project is built without approval; record the approval (doc_no and date)")
            continue
        for stage in DATED_BUILDING_STEPS:
            for _, when in out_of_order(p, Stage.approved, stage):
                yield problem(p, f"milestones.{stage.value}",
                              f"项目 {p.id} {stage.label}日期 {when} 早于立项批复 {approved.date}：未经立项不准建设，请核实日期",
                              f"project {p.id}: {stage.value} on {when} is before its approval on {approved.date}: nothing is built "
                              "before approval; check the dates")
