"""变更规则 CHG001–CHG006：将工作区与基准版本（`--base`）进行比较。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import Stage
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.history import EVENT_LISTS, added_entries, removed_entries, shown, split_entries, system_records
from registry.rules.docnumbers import DocNoParams, configured_pattern, normalised, usable_approval
# The articles the change rules rest on, each quoted once in its profile's citations module.
from registry.rules.dalad.citations import DLT22, DLT25, DLT30
from registry.rules.dashiqiao.citations import DSQ21
from registry.rules.jinxiang.citations import JX45
from registry.rules.potou.citations import PT7, PT23, PT28
from registry.rules.quxian.citations import QX12, QX15, QX43
from registry.snapshot import Snapshot

if TYPE_CHECKING:
    from registry.models import Project, System
    from registry.models.project import Change


def _base(ctx: Context) -> Snapshot:
    assert ctx.base is not None, "change rules run only with --base"
    return ctx.base


def initial_registration(ctx: Context) -> bool:
    """The base holds no record at all: the change registers the existing inventory for the
    first time, which adds systems to the register but builds none."""
    base = _base(ctx)
    return not base.systems and not base.projects


def in_use_count(snapshot: Snapshot, unit: str, today: dt.date) -> int:
    """The unit's systems in use on ``today`` (:meth:`System.in_use_on`): the cheap index count,
    plus the rare retirements dated after ``today`` (a future date is also an error of REG013)."""
    pending = sum(1 for s in snapshot.systems_of(unit) if not s.active and s.in_use_on(today))
    return snapshot.active_count(unit) + pending


def newcomer(ctx: Context, s: System) -> bool:
    """In use at head and not in use in the same unit at base: it adds to the unit's count."""
    before = _base(ctx).system(s.id)
    return s.in_use_on(ctx.today) and (before is None or not before.in_use_on(ctx.today) or before.unit != s.unit)


def allowance(ctx: Context, unit: str, pattern: str | None = None) -> int:
    """How far the unit's count may grow: its newly in-use systems (:func:`newcomer`) excused by
    a usable ``new_system_approval`` or a transfer (:func:`excused`). CHG001 and ``registry diff``."""
    return sum(1 for n in ctx.head.systems_of(unit) if newcomer(ctx, n) and excused(ctx, n, pattern))


def excused(ctx: Context, s: System, pattern: str | None = None) -> bool:
    """Approved as a net-new system by an approval that can be spent (a real, well-formed
    number not dated after today, claimed by one unit and by no more systems than its
    ``count``), or transferred from the unit that held it at base."""
    if s.new_system_approval is not None:
        return approved(ctx, s, pattern)
    before = _base(ctx).system(s.id)
    moved = s.transferred_from
    return moved is not None and before is not None and before.unit == moved.unit != s.unit


def approved(ctx: Context, s: System, pattern: str | None = None) -> bool:
    """``s`` carries a ``new_system_approval`` that can excuse net growth (see :func:`excused`)."""
    approval = s.new_system_approval
    return (approval is not None and usable_approval(approval, ctx.today, pattern or configured_pattern(ctx.config))
            and not overspent(ctx, s))


def overspent(ctx: Context, s: System) -> bool:
    """``s``'s approval is also claimed by another unit, or by more systems than it approves."""
    assert s.new_system_approval is not None
    key = normalised(s.new_system_approval.doc_no)
    claimants = [c for c in ctx.head.systems
                 if c.new_system_approval is not None and normalised(c.new_system_approval.doc_no) == key]
    return len({c.unit for c in claimants}) > 1 or len(claimants) > min(
        c.new_system_approval.count for c in claimants if c.new_system_approval is not None)


@rule("CHG001", name="only-decrease", title="单位在用政务信息系统总量“只减不增”", kind=Kind.change,
      profile="common", cite=[PT7, QX12], params=DocNoParams,
      fails="""
      # systems/czj/czj-new-portal.yaml 新增，单位 czj 没有同时停用或整合其他系统
      id: czj-new-portal
      unit: czj
      status: building
      """,
      passes="""
      id: czj-new-portal
      unit: czj
      status: building
      new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01}
      """)
def chg001(ctx: Context, params: DocNoParams) -> Iterator[Problem]:
    """按单位统计：本次变更后的在用系统数（规划中、建设中、试运行、运行中）减去基准版本中的在用系统数，
    不得超过该单位新增在用系统中“有依据”的个数。有依据，指填写了可用的 `new_system_approval`（净增系统批准文件：
    文号真实且符合参数 `doc_no_pattern`，日期不晚于今天，整个登记簿中只有本单位使用、使用次数不超过其 `count`），
    或以 `transferred_from` 写明由基准版本中的所属单位划转而来。问题报告在每个没有可用批准文件的新增系统上。
    `retired_on` 晚于今天的已停用、已整合系统仍计为在用：系统要真正停下来，才让出名额。

    “只减不增”：单位新建一个系统，就要在同一次变更中停用或整合本单位另一个系统，
    或者出示允许净增的批准文件。只改文件名、不改编号的不算新系统；
    在单位之间划转的系统计入接收单位。
    登记簿首次登记（基准版本中没有任何记录）时，登记的是已有的存量系统，不做此项检查。
    """
    base = _base(ctx)
    if initial_registration(ctx):
        return
    growth: dict[str, int] = {}
    pattern = params.doc_no_pattern
    for s in ctx.systems:
        if not newcomer(ctx, s) or excused(ctx, s, pattern):
            continue
        unit = s.unit
        before, after = in_use_count(base, unit, ctx.today), in_use_count(ctx.head, unit, ctx.today)
        if unit not in growth:
            growth[unit] = after - before - allowance(ctx, unit, pattern)
        if growth[unit] > 0:
            void = _VOID_APPROVAL if s.new_system_approval is not None else ("", "")
            yield problem(
                s, "new_system_approval" if s.new_system_approval is not None else "status",
                f"单位 {unit} 在用政务信息系统由 {before} 个增至 {after} 个，违反“只减不增”：新增系统 {s.id} "
                f"须同时停用或整合本单位其他系统，或填写 new_system_approval（净增系统的批准文件）{void[0]}",
                f"unit {unit}'s active systems grow from {before} to {after} (only-decrease policy): retire or merge "
                f"another system of the unit in the same change, or give new_system_approval for {s.id}{void[1]}",
            )


_VOID_APPROVAL = (
    "；本系统填写的 new_system_approval 不能作为依据：文号为占位词或不符合文号格式、日期晚于今天，"
    "或该文件已被其他单位使用、使用次数超过其 count（见 REG013–REG015）",
    "; its new_system_approval cannot be used: placeholder or malformed number, future date, or already spent",
)


@rule("CHG002", name="no-deletion", title="记录不得删除", kind=Kind.change, profile="common",
      cite=[QX43, PT28, DLT30, JX45],
      fails="""
      # 删除了 systems/czj/czj-old.yaml
      """,
      passes="""
      # 保留文件，改为停用
      status: retired
      retired_on: 2025-06-30
      retirement_ref: 金大数据发〔2025〕9号
      """)
def chg002(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中存在的记录，本次变更后仍须存在（文件名可以改，编号须相同）。
    本次暂时无法读取的文件不算删除（由 REG001、REG002 报告）。

    登记簿是履行程序的审计记录：系统只能停用或整合，项目只能终止，都不能抹掉。
    """
    base = _base(ctx)
    still_there = {u.path for u in ctx.head.invalid}  # unreadable now, but not deleted
    for s in base.systems:
        if ctx.head.system(s.id) is None and base.path_of(s) not in still_there:
            yield problem(s, "", f"系统记录 {s.id} 被删除：系统不得删除，停用请改为 status: retired（或 merged）并保留文件",
                          f"system record {s.id} was deleted: set status retired (or merged) instead")
    for p in base.projects:
        if ctx.head.project(p.id) is None and base.path_of(p) not in still_there:
            yield problem(p, "", f"项目记录 {p.id} 被删除：项目不得删除，终止请填写 milestones.terminated 并保留文件",
                          f"project record {p.id} was deleted: record milestones.terminated instead")


@rule("CHG003", name="no-revival", title="已停用、已整合系统不得恢复使用", kind=Kind.change, profile="common", cite=[QX15],
      fails="""
      # 基准版本：status: retired, retired_on: 2024-12-31, retirement_ref: 金大数据发〔2024〕12号
      status: operating
      """,
      passes="""
      # 基准版本：status: retired
      # 需要类似功能时，登记新系统并按“只减不增”报批
      status: retired
      retired_on: 2024-12-31
      retirement_ref: 金大数据发〔2024〕12号
      """)
def chg003(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已停用（`retired`）或已整合（`merged`）的系统，
    本次变更后不得恢复为在用状态（规划中、建设中、试运行、运行中）。

    恢复已关停的系统，等于撤销了一次已计为“减少”的整合；
    确有需要的，应作为新系统登记并单独报批。
    """
    base = _base(ctx)
    for s in ctx.systems:
        before = base.system(s.id)
        if before is not None and not before.active and s.active:
            yield problem(s, "status",
                          f"系统 {s.id} 在基准版本中{before.status.label}，不得改回{s.status.label}：如确需建设，请登记新系统并报批",
                          f"system {s.id} was {before.status.value} at base and cannot become {s.status.value} again")


@rule("CHG004", name="milestones-append-only", title="已登记的里程碑和历史记录不得修改或删除", kind=Kind.change,
      profile="common", cite=[PT23, DLT22, DLT25, DSQ21, QX43, JX45],
      fails="""
      # 基准版本：changes: [{date: 2025-06-01, description: 增加模块, amount_wan: 40,
      #   approval: {doc_no: 金大数据发〔2025〕21号, date: 2025-06-01}}]
      changes:
        - {date: 2025-06-01, description: 增加模块, amount_wan: 10}   # 改写了已登记的变更
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        budgeted: {date: 2025-03-01, amount_wan: 180}   # 只追加新的里程碑
      changes:
        - {date: 2025-06-01, description: 增加模块, amount_wan: 40, approval: {doc_no: 金大数据发〔2025〕21号, date: 2025-06-01}}
        - {date: 2025-09-01, description: 更正上条金额, amount_wan: -30, approval: {doc_no: 金大数据发〔2025〕30号, date: 2025-09-01}}
      """)
def chg004(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已登记的历史记录只能追加，不得修改或删除：
    项目的里程碑（已填写的值不得修改；补填基准版本中为空的值，如试运行的 `end`、合同的 `filed_on`，是允许的），
    `changes`、`evaluations`、`progress_reports` 的每一条记录（只按内容比较，调整顺序不算修改；
    基准版本中为空的 `approval`、`ref` 可以补填，金额、日期、内容不得改动）；
    系统的 `new_system_approval`，同一单位内的 `transferred_from`，
    以及基准版本中已停用、已整合系统的 `retired_on`、`retirement_ref`、`merged_into`。

    里程碑、变更、评价和进度报告是批复、验收和监督的档案；登记之后再改写或删除，
    就等于改写了一份批复：把 +40 万元的变更改成 +10 万元，调整额就无从核对；
    把停用日期往后挪，停用后的运维经费就显得合规。记错了的，追加一条更正记录并说明原因。
    """
    base = _base(ctx)
    for p in ctx.projects:
        before = base.project(p.id)
        if before is None or before == p:  # (an equal record keeps every entry: most of a change's records)
            continue
        for stage in before.milestones.present():
            yield from _milestone_kept(p, stage, before.milestones.get(stage), p.milestones.get(stage))
        for name, index, entry in removed_entries(before, p):
            label, en = EVENT_LISTS[name]
            field = f"{name}[{index}]" if index < len(getattr(p, name)) else name
            yield problem(p, field,
                          f"基准版本中已登记的{label}（{name}[{index}]：{shown(entry)}）被修改或删除：历史记录只能追加，"
                          "如有误，请恢复原记录并追加一条更正记录",
                          f"the recorded {en} {name}[{index}] ({shown(entry)}) was edited or removed: history is append-only")
    for s in ctx.systems:
        old = base.system(s.id)
        if old is None or old == s:
            continue
        for name, label, was, now in system_records(old, s):
            yield problem(s, name,
                          f"系统 {s.id} 已登记的{label}（{shown(was)}）不得改为 {shown(now)}：已登记的批准和停用记录不能改写，"
                          "如有误，请由数据主管部门更正",
                          f"system {s.id}: the recorded {name} ({shown(was)}) cannot change to {shown(now)}")


def _milestone_kept(p: Project, stage: Stage, old: object, new: object) -> Iterator[Problem]:
    field = f"milestones.{stage.value}"
    if new is None:
        yield problem(p, field, f"{stage.label}里程碑已登记，不得删除", f"milestone {stage.value} was recorded and cannot be removed")
        return
    old_values = old.model_dump()  # type: ignore[attr-defined]
    new_values = new.model_dump()  # type: ignore[attr-defined]
    for key, value in old_values.items():
        if value is not None and new_values.get(key) != value:
            yield problem(p, f"{field}.{key}",
                          f"{stage.label}里程碑的 {key} 已登记为 {value}，不得改为 {new_values.get(key)}：如有误，请在 changes 中说明并由数据主管部门更正",
                          f"milestone {stage.value}.{key} was recorded as {value} and cannot change to {new_values.get(key)}")


@rule("CHG005", name="budget-change-recorded", title="批复后调整投资须登记变更", kind=Kind.change, profile="common",
      fails="""
      # 基准版本：budget: {total_wan: 180}
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      budget: {total_wan: 200}      # 已立项的项目调增 20 万元
      changes: []                   # 没有登记变更
      """,
      passes="""
      # 基准版本：budget: {total_wan: 180}, changes: []
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      budget: {total_wan: 200}
      changes:
        - {date: 2025-06-01, description: 增加数据治理模块, amount_wan: 20, approval: {doc_no: 金大数据发〔2025〕21号, date: 2025-06-01}}
      """)
def chg005(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已立项批复（有 `milestones.approved`）的项目，投资概算 `budget.total_wan` 的每一次变化
    都须由本次新增的 `changes` 记录逐条说明：新增记录的 `amount_wan` 合计等于调整额（允许 ±0.01 万元误差；
    概算未变时，新增记录的金额合计须为 0），基准版本中带金额的变更记录须原样保留。

    批复的概算是投资上限；每一次调整都必须能追溯到一条变更记录，
    供审核人员（以及各配置中关于重新报批的规则）核对。只比较净额是不够的：
    把已登记的 +40 万元改成 +10 万元、同时把概算提高 10 万元，净额对得上，40 万元的批复却不见了。
    """
    base = _base(ctx)
    for p in ctx.projects:
        before = base.project(p.id)
        if before is None or before.milestones.approved is None:
            continue
        yield from _ledger_kept(before, p)
        delta = p.budget.total_wan - before.budget.total_wan
        recorded = sum(c.amount_wan or 0 for c in new_changes(before, p))
        if abs(recorded - delta) > 0.01:
            yield problem(p, "budget.total_wan",
                          f"立项后投资概算由 {before.budget.total_wan:g} 改为 {p.budget.total_wan:g} 万元（{delta:+g}），"
                          f"但新增的 changes 记录金额合计 {recorded:+g}：请逐条在 changes 中登记本次调整，合计 amount_wan: {delta:g}",
                          f"total_wan changed from {before.budget.total_wan:g} to {p.budget.total_wan:g} ({delta:+g}) after approval, "
                          f"but new changes entries add up to {recorded:+g}: record the adjustment in changes")


def _ledger_kept(before: Project, after: Project) -> Iterator[Problem]:
    """Entries with an amount at base that are gone: the new entries no longer account for the total."""
    removed, _ = split_entries(before.changes, after.changes)
    for i in removed:
        entry = before.changes[i]
        if entry.amount_wan:
            yield problem(after, "budget.total_wan",
                          f"基准版本中金额为 {entry.amount_wan:+g} 万元的变更记录（changes[{i}]，{entry.date}）被修改或删除："
                          "投资概算的每一次调整都要有原样保留的变更记录，新增记录才能逐条核对调整额",
                          f"the recorded change changes[{i}] of {entry.amount_wan:+g} was edited or removed: "
                          "every past adjustment must stay recorded for the new entries to account for the total")


def new_changes(before: Project, after: Project) -> list[Change]:
    """``changes`` entries at head that were not there at base (compared as values)."""
    changes: list[Change] = added_entries(before, after, "changes")
    return changes


@rule("CHG006", name="transfer-declared", title="系统划转须登记来源单位", kind=Kind.change, profile="common",
      fails="""
      # 基准版本：unit: wjw
      id: wjw-health-archive
      unit: ybj
      """,
      passes="""
      id: wjw-health-archive
      unit: ybj
      transferred_from: {unit: wjw, doc_no: 金编办〔2025〕4号, date: 2025-05-01}
      """)
def chg006(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """系统从一个单位移到另一个单位（`unit` 改变）的，须填写 `transferred_from`，
    其中 `unit` 写基准版本中的所属单位。

    划转会同时改变两个单位的系统总量；不作说明，看起来就像一个单位停用了系统、
    另一个单位新建了系统，“只减不增”的数字就失真了。
    """
    base = _base(ctx)
    for s in ctx.systems:
        before = base.system(s.id)
        if before is None or before.unit == s.unit:
            continue
        moved = s.transferred_from
        if moved is None or moved.unit != before.unit:
            yield problem(s, "transferred_from" if moved else "unit",
                          f"系统 {s.id} 从单位 {before.unit} 移至 {s.unit}：请填写 transferred_from: {{unit: {before.unit}, doc_no: 划转文件号, date: 日期}}",
                          f"system {s.id} moved from {before.unit} to {s.unit}: declare transferred_from with unit {before.unit}")
