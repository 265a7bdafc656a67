"""通用规则 REG006–REG009：一条记录自身前后一致——系统状态与日期，里程碑的先后，
投资的算术，以及不登记涉密项目。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import STAGE_ORDER, Stage, SystemStatus
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.jinxiang.citations import JX2
from registry.rules.potou.citations import PT5

if TYPE_CHECKING:
    from registry.models import Project, System


@rule("REG006", local=True, name="status-coherence", title="系统状态与日期、依据一致", kind=Kind.record, profile="common",
      fails="""
      status: retired
      retired_on: null          # 已停用必须写停用日期
      retirement_ref: null      # 和停用依据
      """,
      passes="""
      status: retired
      online_since: 2019-03-01
      retired_on: 2024-12-31
      retirement_ref: 金大数据发〔2024〕12号
      """)
def reg006(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """试运行（`trial`）或运行中（`operating`）的系统须填写上线日期 `online_since`；
    已停用（`retired`）或已整合（`merged`）的须填写停用日期 `retired_on`；
    已整合的系统须填写 `merged_into`，其他状态不得填写；已停用的须填写停用依据 `retirement_ref`。

    退出系统总量的系统，必须说明何时、依据什么关停，否则“只减不增”的数字无法审核。
    """
    for s in ctx.systems:
        status = s.status
        if status in (SystemStatus.trial, SystemStatus.operating) and s.online_since is None:
            yield _missing(s, "online_since", "上线日期")
        if status in (SystemStatus.retired, SystemStatus.merged) and s.retired_on is None:
            yield _missing(s, "retired_on", "停用日期")
        if status is SystemStatus.merged and not s.merged_into:
            yield _missing(s, "merged_into", "整合至的系统编号")
        if status is not SystemStatus.merged and s.merged_into:
            yield problem(s, "merged_into", f"状态为{status.label}的系统不应填写 merged_into：整合请把 status 改为 merged",
                          f"merged_into is only for status merged (status is {status.value})")
        if status is SystemStatus.retired and not s.retirement_ref:
            yield _missing(s, "retirement_ref", "停用依据（文件号或关停报告）")


def _missing(s: System, field: str, what: str) -> Problem:
    return problem(s, field, f"系统 {s.id} 状态为{s.status.label}，须填写 {field}（{what}）",
                   f"system {s.id} is {s.status.value}: {field} is required")


@rule("REG007", local=True, name="milestone-order", title="里程碑日期按阶段顺序且不晚于今天", kind=Kind.record, profile="common",
      fails="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        reviewed: 2025-03-01      # 评审晚于立项批复
      """,
      passes="""
      milestones:
        reviewed: 2025-01-10
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      """)
def reg007(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """里程碑日期按阶段顺序（申报 → … → 竣工验收）不得倒退（同一天可以）；
    试运行开始日期 `trial_run.start` 不晚于结束日期 `trial_run.end`；
    任何里程碑日期都不得晚于今天，也不得早于 1990 年（通常是年份写错）。

    里程碑记录的是已经发生的事。日期顺序颠倒，要么是笔误，要么是程序倒置；
    日期在未来，则是把尚未办理的环节写成了已完成。
    """
    for p in ctx.projects:
        dates = _milestone_dates(p)
        yield from _order(p, dates)
        yield from _future(ctx, p, dates)
        trial = p.milestones.trial_run
        if trial is not None and trial.end is not None and trial.end < trial.start:
            yield problem(p, "milestones.trial_run.end", f"试运行结束 {trial.end} 早于开始 {trial.start}",
                          f"trial run ends {trial.end} before it starts {trial.start}")


_STAGES = tuple((stage, stage.value) for stage in Stage)  # (stage, its field in milestones)


def _milestone_dates(p: Project) -> dict[Stage, dt.date]:
    """The date of every milestone the project has, in stage order (``milestones.date_of``,
    read once per project from the model's own fields)."""
    milestones = p.milestones.__dict__
    return {stage: milestone.date for stage, name in _STAGES if (milestone := milestones[name]) is not None}


def _order(p: Project, dates: dict[Stage, dt.date]) -> Iterator[Problem]:
    latest = None
    for stage in STAGE_ORDER:
        when = dates.get(stage)
        if when is None:
            continue
        if latest is not None and when < latest[1]:
            yield problem(p, f"milestones.{stage.value}",
                          f"{stage.label}日期 {when} 早于{latest[0].label} {latest[1]}：里程碑须按阶段顺序，请核对日期",
                          f"{stage.value} {when} is before {latest[0].value} {latest[1]}: milestones follow the stage order")
        else:
            latest = (stage, when)


EARLIEST_PLAUSIBLE = dt.date(1990, 1, 1)  # before e-government projects existed: a mistyped year


def _future(ctx: Context, p: Project, dates: dict[Stage, dt.date]) -> Iterator[Problem]:
    """Milestone dates outside what can have happened: before 1990 (a mistyped year) or after today."""
    for stage, when in dates.items():
        if EARLIEST_PLAUSIBLE <= when <= ctx.today:
            continue
        field = f"milestones.{stage.value}"
        if when < EARLIEST_PLAUSIBLE:
            yield problem(p, field, f"{stage.label}日期 {when} 早于 1990 年，应是年份写错了：请核对",
                          f"{stage.value} {when} is before 1990: the year is probably mistyped")
        if when > ctx.today:
            yield problem(p, field, f"{stage.label}日期 {when} 晚于今天 {ctx.today}：里程碑只记录已发生的事，计划日期请写入 content 或进度报告",
                          f"{stage.value} {when} is after today {ctx.today}: record milestones once they happen")


@rule("REG008", local=True, name="budget-arithmetic", title="投资金额非负且资金来源合计等于概算", kind=Kind.record, profile="common",
      fails="""
      budget:
        total_wan: 180
        sources:
          - {kind: county_budget, amount_wan: 150}   # 合计 150 ≠ 180
      """,
      passes="""
      budget:
        total_wan: 180
        security_wan: 10
        crypto_wan: 5
        sources:
          - {kind: county_budget, amount_wan: 150}
          - {kind: superior_fund, amount_wan: 30}
      """)
def reg008(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """各项金额不得为负数；资金来源 `budget.sources` 的合计须等于投资概算 `budget.total_wan`（允许 ±0.01 万元误差，
    未填写资金来源时不核对）；
    网络安全投入 `security_wan` 与密码应用投入 `crypto_wan` 之和不得超过 `total_wan`。

    财政部门要对照投资概算审核资金筹措方案；合计对不上，是申报材料中最常见的错误。
    """
    for p in ctx.projects:
        b = p.budget
        for name in ("total_wan", "security_wan", "crypto_wan", "om_annual_wan"):
            value = getattr(b, name)
            if value is not None and value < 0:
                yield problem(p, f"budget.{name}", f"金额 budget.{name} 为负数 {value}", f"budget.{name} is negative ({value})")
        for i, src in enumerate(b.sources):
            if src.amount_wan < 0:
                yield problem(p, f"budget.sources[{i}].amount_wan", f"资金来源金额为负数 {src.amount_wan}",
                              f"funding amount is negative ({src.amount_wan})")
        total = sum(src.amount_wan for src in b.sources)
        if b.sources and abs(total - b.total_wan) > 0.01:
            yield problem(p, "budget.sources", f"资金来源合计 {total:g} 万元，与投资概算 {b.total_wan:g} 万元不一致",
                          f"funding sources add up to {total:g}, not total_wan {b.total_wan:g}")
        spent = (b.security_wan or 0) + (b.crypto_wan or 0)
        if spent > b.total_wan + 0.01:
            yield problem(p, "budget.security_wan",
                          f"网络安全 {b.security_wan or 0:g} 与密码应用 {b.crypto_wan or 0:g} 万元之和超过投资概算 {b.total_wan:g} 万元",
                          f"security plus crypto ({spent:g}) exceed total_wan {b.total_wan:g}")


@rule("REG009", local=True, name="not-classified", title="涉密项目不在本登记簿登记", kind=Kind.record, profile="common",
      cite=[PT5, JX2],
      fails="""
      classified: true
      """,
      passes="""
      classified: false
      """)
def reg009(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """不接受 `classified: true`：涉密项目不在本登记簿登记。

    相关办法只适用于非涉密项目（坡头 第五条、金乡 第二条），而本登记簿是公开发布的；
    涉密项目须按保密规定管理，不得放入本仓库。
    """
    for p in ctx.projects:
        if p.classified:
            yield problem(p, "classified", f"项目 {p.id} 标记为涉密：涉密项目按保密规定管理，不得在本登记簿登记，请删除此文件并按程序报送",
                          f"project {p.id} is classified: classified projects must not be registered here")
