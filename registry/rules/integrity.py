"""通用规则 REG013–REG015：记录的是已经发生的事，批准文件真实且只用一次。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.models.kinds import SystemKind
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.coherence import EARLIEST_PLAUSIBLE
from registry.rules.dalad.citations import DLT25, DLT30
from registry.rules.dashiqiao.citations import DSQ21
from registry.rules.jinxiang.citations import JX45
from registry.rules.potou.citations import PT7, PT28
from registry.rules.quxian.citations import QX12, QX43
from registry.rules.docnumbers import (
    DocNoParams,
    approval_numbers,
    doc_no_year,
    is_placeholder,
    normalised,
    other_references,
    project_approval_numbers,
    regulation_number,
    well_formed,
)

if TYPE_CHECKING:
    from registry.models import Project, System

_SYSTEM_DATES = {
    "online_since": "上线日期",
    "retired_on": "停用（整合）日期",
    "security.mlps_tested_on": "等保测评日期",
    "security.crypto_assessed_on": "密评日期",
    "new_system_approval.date": "新增系统批准日期",
    "transferred_from.date": "划转日期",
    "data.sharing_exemption.date": "共享豁免批准日期",
}


_SYSTEM_DATE_PARTS = tuple((path, tuple(path.split(".")), label) for path, label in _SYSTEM_DATES.items())


def _dotted(record: object, parts: tuple[str, ...]) -> object:
    for part in parts:
        record = getattr(record, part, None)
        if record is None:
            return None
    return record


def system_event_dates(s: System) -> Iterator[tuple[str, str, dt.date]]:
    """(field, label, date) of every event a system record says has happened."""
    for path, parts, label in _SYSTEM_DATE_PARTS:
        when = _dotted(s, parts)
        if isinstance(when, dt.date):
            yield path, label, when


def project_event_dates(p: Project) -> Iterator[tuple[str, str, dt.date]]:
    """(field, label, date) of a project's recorded events beyond the milestone dates (REG007)."""
    m = p.milestones
    if m.contracted is not None and m.contracted.filed_on is not None:
        yield "milestones.contracted.filed_on", "合同备案日期", m.contracted.filed_on
    if m.trial_run is not None and m.trial_run.end is not None:
        yield "milestones.trial_run.end", "试运行结束日期", m.trial_run.end
    for i, c in enumerate(p.changes):
        yield f"changes[{i}].date", "变更日期", c.date
        if c.approval is not None:
            yield f"changes[{i}].approval.date", "变更批复日期", c.approval.date
    for i, e in enumerate(p.evaluations):
        yield f"evaluations[{i}].date", "评价日期", e.date
    for i, day in enumerate(p.progress_reports):
        yield f"progress_reports[{i}]", "进度报告日期", day


@rule("REG013", local=True, name="events-not-in-future", title="已发生事项的日期不晚于今天", kind=Kind.record, profile="common",
      cite=[QX43, PT28, DLT30, DLT25, DSQ21, JX45],
      fails="""
      status: retired
      retired_on: 2030-12-31        # 停用日期在未来：系统仍在运行
      retirement_ref: 金大数据发〔2025〕9号
      """,
      passes="""
      status: retired
      retired_on: 2025-06-30
      retirement_ref: 金大数据发〔2025〕9号
      """)
def reg012(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """记录中表示“已经发生”的日期都不得晚于今天（`--today`，默认当天）：系统的上线日期 `online_since`、
    停用（整合）日期 `retired_on`、等保测评和密评日期、`new_system_approval`、`transferred_from`、
    `data.sharing_exemption` 的日期；项目的合同备案日期、试运行结束日期、`changes` 及其批复、
    `evaluations`、`progress_reports` 的日期。里程碑日期由 REG007 检查。早于 1990 年的日期同样报告（通常是年份写错）。

    登记簿记录的是已经发生的事。停用日期写在未来，系统照常运行，却提前让出了“只减不增”的名额；
    批准日期写在未来，等于拿一份尚未印发的文件作依据。计划中的事项请写在 content 或进度报告中，发生后再登记。
    """
    records: list[System | Project] = [*ctx.systems, *ctx.projects]
    for record in records:
        dates = system_event_dates(record) if isinstance(record, SystemKind) else project_event_dates(record)
        for field, label, when in dates:
            if not EARLIEST_PLAUSIBLE <= when <= ctx.today:
                yield from _implausible(record, field, label, when, ctx.today)


def _implausible(record: System | Project, field: str, label: str, when: dt.date, today: dt.date) -> Iterator[Problem]:
    if when > today:
        yield problem(record, field,
                      f"{label} {field}: {when} 晚于今天 {today}：登记簿只记录已经发生的事，请在事项发生后再填写实际日期",
                      f"{field} {when} is after today {today}: record events once they have happened")
    elif when < EARLIEST_PLAUSIBLE:
        yield problem(record, field, f"{label} {field}: {when} 早于 1990 年，应是年份写错了：请核对",
                      f"{field} {when} is before 1990: the year is probably mistyped")


@rule("REG014", local=True, name="document-numbers", title="批准文件文号真实、格式规范", kind=Kind.record, profile="common",
      cite=[QX43, PT28, DLT30, DSQ21, JX45], params=DocNoParams,
      fails="""
      new_system_approval: {doc_no: 无, date: 2025-03-01}
      """,
      passes="""
      new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01}
      """)
def reg013(ctx: Context, params: DocNoParams) -> Iterator[Problem]:
    """批准文件的文号（`new_system_approval`、`transferred_from`、`data.sharing_exemption`、
    `milestones.approved` 和 `changes[].approval` 的 `doc_no`）不得为空白或占位词（无、暂无、待定、N/A、-、略、TBD 等，
    不区分全角半角、大小写和空格），须整体符合文号格式（参数 `doc_no_pattern`，默认如“某政字〔2025〕12号”，
    年份括号可为〔〕[]［］()（）【】，数字可为全角），不得是管理办法本身的文号，且文号中的年份不得晚于批准日期所在年份。
    其他文件引用（`documents`、`basis[].doc_no`、`retirement_ref`、评审和评价的 `ref`）可以是路径、报告名称或文号，
    但同样不得是占位词。

    “只减不增”的例外、划转和调整投资都以批准文件为依据；写一个“无”或“待定”，
    检查就只看到“有文件”，而审核人员拿不到任何可以核对的文件。文号在批准日期之后的年份才印发，说明文件并不存在。
    """
    records: list[System | Project] = [*ctx.systems, *ctx.projects]
    for record in records:
        numbers = approval_numbers(record) if isinstance(record, SystemKind) else project_approval_numbers(record)
        for field, doc_no, when in numbers:
            yield from _approval_number(record, field, doc_no, when, params.doc_no_pattern)
        for field, ref in other_references(record):
            if is_placeholder(ref):
                yield problem(record, field,
                              f"{field} 填写的“{ref.strip()}”不是文件：请填写文件编号或 docs/ 下的文件路径；没有文件的，删除此项",
                              f"{field} {ref.strip()!r} is a placeholder, not a document: give a number or a path, or remove it")


def _approval_number(record: System | Project, field: str, doc_no: str, when: dt.date | None, pattern: str) -> Iterator[Problem]:
    if is_placeholder(doc_no):
        yield problem(record, field,
                      f"{field} 填写的“{doc_no.strip()}”不是批准文件文号：请填写批准文件的完整文号（如 金政字〔2025〕21号）；尚未批准的，不得登记",
                      f"{field} {doc_no.strip()!r} is a placeholder, not a document number: give the approval's number")
    elif not well_formed(doc_no, pattern):
        yield problem(record, field,
                      f"{field} 的文号“{doc_no.strip()}”不符合文号格式：应为 发文机关代字〔年份〕序号号，如 金政字〔2025〕21号"
                      "（格式由 registry.yaml 的参数 doc_no_pattern 规定）",
                      f"{field} {doc_no.strip()!r} is not a document number of the form 金政字〔2025〕21号 (parameter doc_no_pattern)")
    elif regulation_number(doc_no) is not None:
        yield problem(record, field,
                      f"{field} 的文号“{doc_no.strip()}”是管理办法本身的文号，不是针对本事项的批准文件：请填写批准文件的文号",
                      f"{field} {doc_no.strip()!r} is the number of the regulation itself, not of an approval")
    else:
        year = doc_no_year(doc_no)
        if when is not None and year is not None and year > when.year:
            yield problem(record, field,
                          f"{field} 的文号“{doc_no.strip()}”是 {year} 年的文件，不可能在批准日期 {when} 之前印发：请核对文号和日期",
                          f"{field} {doc_no.strip()!r} is a {year} document, yet dated {when}: check number and date")


@rule("REG015", name="approval-spent-once", title="新增系统批准文件只用一次", kind=Kind.registry, profile="common",
      cite=[PT7, QX12, DLT30, DSQ21, JX45],
      fails="""
      # systems/gaj/gaj-b.yaml: new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01}
      # 文件 systems/czj/czj-a.yaml：与公安局的系统用同一份批准文件
      new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01}
      """,
      passes="""
      # systems/czj/czj-b.yaml: new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01, count: 2}
      # 文件 systems/czj/czj-a.yaml：一份文件批准了本单位两个系统，写明 count
      new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01, count: 2}
      """)
def reg014(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在整个登记簿中（所有状态的系统，包括已停用、已整合的），同一份新增系统批准文件
    （`new_system_approval.doc_no`，不区分全角半角、括号样式和空格）：只能由一个单位使用；
    使用它的系统个数不得超过它批准的个数 `count`（默认 1）；各处填写的 `count` 和 `date` 须一致。

    一份批准文件只抵一次净增：同一文号挂在第二个新系统上，或者借给另一个单位，
    “只减不增”就被绕开了。系统停用后，它用过的批准文件也不能再给新系统使用。
    """
    wanted = {normalised(s.new_system_approval.doc_no) for s in ctx.systems if s.new_system_approval is not None}
    if not wanted:
        return
    claims: dict[str, list[System]] = {}
    # the approvals ledger: only the systems naming one of these documents are loaded
    for s in ctx.head.systems_approved_by(lambda doc_no: normalised(doc_no) in wanted):
        assert s.new_system_approval is not None
        claims.setdefault(normalised(s.new_system_approval.doc_no), []).append(s)
    for s in ctx.systems:
        if s.new_system_approval is not None:
            yield from _overspent(s, claims[normalised(s.new_system_approval.doc_no)])


def _overspent(s: System, claimants: list[System]) -> Iterator[Problem]:
    approval = s.new_system_approval
    assert approval is not None
    others = "、".join(f"{c.id}（{c.unit}）" for c in claimants if c is not s)
    field = "new_system_approval.doc_no"
    units = sorted({c.unit for c in claimants})
    declared = {(c.new_system_approval.count, c.new_system_approval.date) for c in claimants if c.new_system_approval}
    if len(units) > 1:
        yield problem(s, field,
                      f"新增系统批准文件 {approval.doc_no} 同时被 {'、'.join(units)} 多个单位使用（另见 {others}）：一份批准文件只能用于一个单位",
                      f"approval {approval.doc_no} is claimed by several units ({', '.join(units)}): one approval serves one unit")
    elif len(declared) > 1:
        yield problem(s, field,
                      f"新增系统批准文件 {approval.doc_no} 在各系统中填写的 count 或 date 不一致（另见 {others}）：请按批准文件统一填写",
                      f"approval {approval.doc_no} is given with different count or date on its systems: make them agree")
    elif len(claimants) > approval.count:
        yield problem(s, field,
                      f"新增系统批准文件 {approval.doc_no} 批准 {approval.count} 个系统，却被 {len(claimants)} 个系统使用（另见 {others}）："
                      "一份批准文件只抵一次净增，请填写本系统自己的批准文件",
                      f"approval {approval.doc_no} approves {approval.count} system(s) but {len(claimants)} systems use it")
