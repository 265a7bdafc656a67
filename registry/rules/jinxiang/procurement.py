"""JX 规则：第五章 采购和合同管理（第二十七条至第三十条）：签约、备案和合同条款。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.findings import Message, Severity
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    calendar_of,
)
from registry.rules.jinxiang import PROFILE
from registry.rules.jinxiang.citations import (
    JX28,
    JX30,
)
from registry.rules.jinxiang.params import ContractDaysParams
from registry.workdays import Calendar, Verdict

if TYPE_CHECKING:
    from registry.models import Project


@rule("JX28", name="contract-within-working-days", title="中标后 10 个工作日内签约、签约后 10 个工作日内备案",
      kind=Kind.record, profile=PROFILE.id, cite=[JX28], params=ContractDaysParams,
      fails="""
      milestones:
        awarded: {date: 2025-09-29, method: open_tender}
        contracted: {date: 2025-10-24, filed_on: 2025-10-27}   # 距中标已 14 个工作日
      """,
      passes="""
      milestones:
        awarded: {date: 2025-09-26, method: open_tender}
        contracted: {date: 2025-10-16, filed_on: 2025-10-30}   # 跨国庆假期，恰好第 10 个工作日
      """)
def jx28(ctx: Context, params: ContractDaysParams) -> Iterator[Problem]:
    """``milestones.contracted.date``（合同签订日期）须在 ``milestones.awarded``（中标（成交）通知书发出）后 N 个工作日内，
    ``milestones.contracted.filed_on``（合同备案日期）须在签订后 N 个工作日内，且不得早于签订日期
    （N 为 ``contract_working_days``，默认 10）。工作日按国家法定工作日计算（调休上班的周末计入，法定节假日不计入），
    通知书发出或合同签订当天不计，第 N 个工作日当天仍算按期（计算方法见 ``registry.workdays``）。
    尚未签订或尚未备案、而今天已超过 N 个工作日的，给出警告而不是错误；已终止的项目不作此提示。

    第二十八条规定，在中标（成交）通知书发出之日起10个工作日内签订正式采购合同，合同签订后10个工作日内向县大数据局备案，
    使县大数据局在还来得及处理时就能看到每一份合同。
    """
    n = params.contract_working_days
    days = calendar_of(ctx.config)
    for p in ctx.projects:
        awarded, contracted = p.milestones.awarded, p.milestones.contracted
        if awarded is not None:
            yield from _signed_in_time(ctx, days, p, awarded.date, contracted.date if contracted else None, n)
        if contracted is not None:
            yield from _filed_in_time(ctx, days, p, contracted.date, contracted.filed_on, n)


def _late(ctx: Context, days: Calendar, p: Project, start: dt.date, end: dt.date | None, n: int) -> tuple[str, str] | None:
    """How late ``end`` came after ``start`` in words (zh, en), or None when on time. A step
    not yet taken is measured to today, and is no one's concern once the project terminated."""
    if end is None and p.milestones.terminated is not None:
        return None
    verdict = _verdict(ctx, days, start, ctx.today if end is None else end, n)
    return None if verdict.on_time else _lateness(verdict, n)


def _signed_in_time(ctx: Context, days: Calendar, p: Project, awarded: dt.date, signed: dt.date | None,
                    n: int) -> Iterator[Problem]:
    late = _late(ctx, days, p, awarded, signed, n)
    if late is None:
        return
    zh, en = late
    if signed is None:
        yield _overdue(p, "milestones.awarded",
                       f"项目 {p.id} 中标（成交）通知书于 {awarded} 发出，至今（{ctx.today}）{zh}，仍未登记合同签订："
                       "请尽快签订合同并登记 milestones.contracted",
                       f"project {p.id} was awarded on {awarded}; today ({ctx.today}) is {en} and no contract is "
                       "recorded: sign the contract and record milestones.contracted")
    else:
        yield problem(p, "milestones.contracted.date",
                      f"合同签订日期 {signed} 距中标（成交）{awarded} {zh}：请核实日期；确属逾期的，请在 notes 中说明原因",
                      f"contract signed on {signed}, award on {awarded}: {en}; check the dates, and if it was late give the "
                      "reason in notes")


def _filed_in_time(ctx: Context, days: Calendar, p: Project, signed: dt.date, filed: dt.date | None,
                   n: int) -> Iterator[Problem]:
    field = "milestones.contracted.filed_on"
    if filed is not None and filed < signed:
        yield problem(p, field, f"合同备案日期 {filed} 早于签订日期 {signed}：请核实日期",
                      f"contract filed on {filed}, before it was signed on {signed}: check the dates")
        return
    late = _late(ctx, days, p, signed, filed, n)
    if late is None:
        return
    zh, en = late
    if filed is None:
        yield _overdue(p, "milestones.contracted",
                       f"项目 {p.id} 合同于 {signed} 签订，至今（{ctx.today}）{zh}，仍未登记备案日期："
                       "请向县大数据局备案合同并填写 milestones.contracted.filed_on",
                       f"project {p.id}'s contract was signed on {signed}; today ({ctx.today}) is {en} and no filing "
                       "date is recorded: file the contract with the data bureau and record milestones.contracted.filed_on")
    else:
        yield problem(p, field,
                      f"合同备案日期 {filed} 距签订 {signed} {zh}：合同应在签订后 {n} 个工作日内向县大数据局备案，请核实日期",
                      f"contract filed on {filed}, signed on {signed}: {en}; a contract is filed with the data bureau within "
                      f"{n} working days after signing, check the dates")


def _lateness(verdict: Verdict, n: int) -> tuple[str, str]:
    """How late a date is, in words (zh, en); a weekend or holiday right after the N-th
    working day is late although it adds no working day."""
    if verdict.elapsed > n:
        return (f"已 {verdict.elapsed} 个工作日，超过 {n} 个工作日（期限为 {verdict.deadline}）",
                f"{verdict.elapsed} working days later (limit {n}, due {verdict.deadline})")
    return (f"晚于第 {n} 个工作日 {verdict.deadline}（期限已过）",
            f"later than the last of {n} working days ({verdict.deadline})")


def _verdict(ctx: Context, days: Calendar, start: dt.date, end: dt.date, n: int) -> Verdict:
    verdict = days.within(start, end, n)
    if verdict.estimated:
        ctx.notice(Message(
            f"JX28：{start} 至 {max(end, verdict.deadline)} 超出节假日日历（chinesecalendar 及 registry.yaml 的 calendar）"
            "覆盖的年份，已按周一至周五计算工作日，未计入法定节假日和调休，请人工核对；国务院公布该年节假日安排后，"
            "请登记到 registry.yaml 的 calendar 中",
            f"JX28: {start} to {max(end, verdict.deadline)} lies outside the years of the holiday calendar "
            "(chinesecalendar and calendar: in registry.yaml); working days were counted as Monday to Friday, check "
            "holidays by hand, and add the State Council's arrangement for that year to calendar: once it is published",
        ))
    return verdict


def _overdue(p: Project, field: str, zh: str, en: str) -> Problem:
    # Measured against today: a warning, so that time passing never blocks an unrelated change.
    return Problem(p, field, Message(zh, en), severity=Severity.warning)


MAX_IMPLEMENTATION_MONTHS = 36  # 第三十条 “实施周期不应超过 3 年”


MIN_WARRANTY_MONTHS = 24  # 第三十条 “质保期一般不低于 2 年”


@rule("JX30", local=True, name="contract-terms", title="合同约定知识产权、实施周期不超过 3 年、质保期不低于 2 年",
      kind=Kind.record, profile=PROFILE.id, cite=[JX30, JX30],
      fails="""
      milestones:
        contracted: {date: 2025-04-01, implementation_months: 40, warranty_months: 12}   # 无知识产权条款
      """,
      passes="""
      milestones:
        contracted: {date: 2025-04-01, implementation_months: 36, warranty_months: 24, ip_clause: true}
      """)
def jx30(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """有 ``milestones.contracted``（合同签订）的项目，其下须有：``ip_clause: true``（合同明确知识产权归属）；
    ``implementation_months``（实施周期，月），且不超过 36；``warranty_months``（质保期，月），且不少于 24
    （两个界限均含本数）。

    第三十条要求合同明确项目产生的系统、组件、文档、源代码等成果的知识产权归属（产生的数据归项目建设单位所有），
    并约定实施周期（不超过 3 年）和质保期限（一般不低于 2 年）。合同对此没有约定，县里就可能拿不到源代码，也得不到质保。
    """
    for p in ctx.projects:
        c = p.milestones.contracted
        if c is None:
            continue
        if c.ip_clause is not True:
            yield problem(p, "milestones.contracted.ip_clause",
                          f"项目 {p.id} 的合同须明确系统、组件、文档、源代码等成果的知识产权归属：请补充合同条款并填写 ip_clause: true",
                          f"project {p.id}'s contract must settle who owns the systems, documents and source code: add the clause "
                          "and set ip_clause: true")
        yield from _implementation_months(p, c.implementation_months)
        yield from _warranty_months(p, c.warranty_months)


def _implementation_months(p: Project, months: int | None) -> Iterator[Problem]:
    field = "milestones.contracted.implementation_months"
    if months is None:
        yield problem(p, field, f"项目 {p.id} 的合同须明确实施周期：请填写 implementation_months（月）",
                      f"project {p.id}'s contract must state the implementation period: fill in implementation_months")
    elif months > MAX_IMPLEMENTATION_MONTHS:
        yield problem(p, field,
                      f"项目 {p.id} 合同实施周期 {months} 个月，超过 {MAX_IMPLEMENTATION_MONTHS} 个月（3 年）：请调整合同或分期实施",
                      f"project {p.id}'s implementation period of {months} months exceeds {MAX_IMPLEMENTATION_MONTHS} (3 years): "
                      "amend the contract or split the project into phases")


def _warranty_months(p: Project, months: int | None) -> Iterator[Problem]:
    field = "milestones.contracted.warranty_months"
    if months is None:
        yield problem(p, field, f"项目 {p.id} 的合同须明确质保期限：请填写 warranty_months（月）",
                      f"project {p.id}'s contract must state the warranty period: fill in warranty_months")
    elif months < MIN_WARRANTY_MONTHS:
        yield problem(p, field,
                      f"项目 {p.id} 合同质保期 {months} 个月，低于 {MIN_WARRANTY_MONTHS} 个月（2 年）：请在合同中约定不少于 2 年的质保期",
                      f"project {p.id}'s warranty of {months} months is below {MIN_WARRANTY_MONTHS} (2 years): agree a warranty "
                      "of at least 2 years in the contract")
