"""Change rules CHG001–CHG006: compare the working tree with the base revision (``--base``)."""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import Stage
from registry.models import Project, System
from registry.rules.base import Citation, Context, Kind, NoParams, Problem, problem, rule
from registry.snapshot import Snapshot

PT7 = Citation(
    "potou", "第七条",
    "区各有关单位应加强统筹整合，做好增量系统和存量系统的衔接，原则上保持本单位政务信息系统总量“只减不增”。",
)
QX12 = Citation(
    "quxian", "第十二条",
    "各部门（单位）应当按照国家和省、市、县有关规定，将已建成的信息应用系统、平台、数据等资源向统一的信息化项目整合，"
    "不再新建、改建、扩建。按照国家省市规定确需新建的，经县大数据中心论证通过并报县委县政府审定后按程序组织实施。",
)
QX43 = Citation(
    "quxian", "第四十三条",
    "单位或者个人违反本办法规定未履行立项、建设方案审核等程序,或者因管理不善、弄虚作假造成严重超概算、质量低劣、"
    "损失浪费、安全事故或者其他责任事故的,有关部门(单位)应予以通报批评,并对负有直接责任的主管人员和其他责任人员依法给予处分。",
)
QX15 = Citation("quxian", "第十五条", "对于本部门（单位）内部可整合归并的、可使用统建通用系统替代的信息系统，应终止其运行。")


def _base(ctx: Context) -> Snapshot:
    assert ctx.base is not None, "change rules run only with --base"
    return ctx.base


def initial_registration(ctx: Context) -> bool:
    """The base holds no record at all: the change registers the existing inventory for the
    first time, which adds systems to the register but builds none."""
    base = _base(ctx)
    return not base.systems and not base.projects


def newcomer(ctx: Context, s: System) -> bool:
    """Active at head and not active in the same unit at base: it adds to the unit's count."""
    before = _base(ctx).system(s.id)
    return s.active and (before is None or not before.active or before.unit != s.unit)


def excused(ctx: Context, s: System) -> bool:
    """Approved as a net-new system, or transferred from the unit that held it at base."""
    if s.new_system_approval is not None:
        return True
    before = _base(ctx).system(s.id)
    moved = s.transferred_from
    return moved is not None and before is not None and before.unit == moved.unit != s.unit


@rule("CHG001", name="only-decrease", title="单位在用政务信息系统总量“只减不增”", kind=Kind.change,
      profile="common", cite=[PT7, QX12],
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
def chg001(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """For each unit, active systems at head minus active systems at base must not exceed the
    number of its newly active systems that carry ``new_system_approval`` (or a
    ``transferred_from`` naming the unit that held them at base). Reported on each new system
    without approval.

    "只减不增": a unit that builds a system retires or merges another in the same change, or
    shows the approval that allowed a net-new one. Renaming a file without changing its id is
    not a new system; a system moved between units counts for the unit that receives it. The
    first registration of a registry (a base with no records at all) is not checked.
    """
    base = _base(ctx)
    if initial_registration(ctx):
        return
    growth: dict[str, int] = {}
    for s in ctx.systems:
        if not newcomer(ctx, s) or excused(ctx, s):
            continue
        unit = s.unit
        if unit not in growth:
            allowance = sum(1 for n in ctx.head.systems_of(unit) if newcomer(ctx, n) and excused(ctx, n))
            growth[unit] = ctx.head.active_count(unit) - base.active_count(unit) - allowance
        if growth[unit] > 0:
            before, after = base.active_count(unit), ctx.head.active_count(unit)
            yield problem(
                s, "status",
                f"单位 {unit} 在用政务信息系统由 {before} 个增至 {after} 个，违反“只减不增”：新增系统 {s.id} "
                "须同时停用或整合本单位其他系统，或填写 new_system_approval（净增系统的批准文件）",
                f"unit {unit}'s active systems grow from {before} to {after} (only-decrease policy): retire or merge "
                f"another system of the unit in the same change, or give new_system_approval for {s.id}",
            )


@rule("CHG002", name="no-deletion", title="记录不得删除", kind=Kind.change, profile="common", cite=[QX43],
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
    """A record present at base still exists (under any file name with the same id).

    The registry is the audit trail of the procedure: a system is retired or merged and a
    project terminated, never erased.
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
      # 基准版本 status: retired
      status: operating
      """,
      passes="""
      # 需要类似功能时，登记新系统并按“只减不增”报批
      status: retired
      """)
def chg003(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """A system retired or merged at base is not active at head.

    Reviving a shut-down system undoes a consolidation that was counted as a decrease; a real
    need is a new system with its own approval.
    """
    base = _base(ctx)
    for s in ctx.systems:
        before = base.system(s.id)
        if before is not None and not before.active and s.active:
            yield problem(s, "status",
                          f"系统 {s.id} 在基准版本中已{before.status.label}，不得改回{s.status.label}：如确需建设，请登记新系统并报批",
                          f"system {s.id} was {before.status.value} at base and cannot become {s.status.value} again")


@rule("CHG004", name="milestones-append-only", title="已登记的里程碑不得修改或删除", kind=Kind.change, profile="common",
      fails="""
      # 基准版本 approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      milestones:
        approved: {date: 2025-02-10, doc_no: 金大数据发〔2025〕3号}
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        budgeted: {date: 2025-03-01, amount_wan: 180}   # 只追加新的里程碑
      """)
def chg004(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """A milestone present at base keeps its values: it is not removed and no recorded value
    changes. Filling in a value that was empty at base (a trial run's ``end``, a contract's
    ``filed_on``) is allowed.

    Milestones are the record of approvals and acceptance; rewriting one after it landed
    rewrites an approval.
    """
    base = _base(ctx)
    for p in ctx.projects:
        before = base.project(p.id)
        if before is None:
            continue
        for stage in before.milestones.present():
            yield from _milestone_kept(p, stage, before.milestones.get(stage), p.milestones.get(stage))


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
      # 基准版本 total_wan: 180，已立项
      budget: {total_wan: 200}
      changes: []
      """,
      passes="""
      budget: {total_wan: 200}
      changes:
        - {date: 2025-06-01, description: 增加数据治理模块, amount_wan: 20, approval: {doc_no: 金大数据发〔2025〕21号, date: 2025-06-01}}
      """)
def chg005(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """After approval, a change of ``budget.total_wan`` is recorded in ``changes``: the new
    entries' ``amount_wan`` add up to the difference.

    The approved estimate is the ceiling; every adjustment must be traceable to an entry that
    reviewers (and the profile rules on re-approval) can check.
    """
    base = _base(ctx)
    for p in ctx.projects:
        before = base.project(p.id)
        if before is None or before.milestones.approved is None:
            continue
        delta = p.budget.total_wan - before.budget.total_wan
        if abs(delta) <= 0.005:
            continue
        recorded = sum(c.amount_wan or 0 for c in new_changes(before, p))
        if abs(recorded - delta) > 0.01:
            yield problem(p, "budget.total_wan",
                          f"立项后投资概算由 {before.budget.total_wan:g} 改为 {p.budget.total_wan:g} 万元（{delta:+g}），"
                          f"但新增的 changes 记录金额合计 {recorded:+g}：请在 changes 中登记本次调整（amount_wan: {delta:g}）",
                          f"total_wan changed from {before.budget.total_wan:g} to {p.budget.total_wan:g} ({delta:+g}) after approval, "
                          f"but new changes entries add up to {recorded:+g}: record the adjustment in changes")


def new_changes(before: Project, after: Project) -> list:  # type: ignore[type-arg]
    """``changes`` entries at head that were not there at base."""
    old = list(before.changes)
    fresh = []
    for c in after.changes:
        if c in old:
            old.remove(c)
        else:
            fresh.append(c)
    return fresh


@rule("CHG006", name="transfer-declared", title="系统划转须登记来源单位", kind=Kind.change, profile="common",
      fails="""
      # 基准版本 unit: wjw
      id: wjw-health-archive
      unit: ybj
      """,
      passes="""
      id: wjw-health-archive
      unit: ybj
      transferred_from: {unit: wjw, doc_no: 金编办〔2025〕4号, date: 2025-05-01}
      """)
def chg006(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """A system that moves to another unit carries ``transferred_from`` naming its unit at base.

    A move changes two units' inventories; without the declaration it looks like one unit
    retired a system and another built one, and the "only decrease" figures would lie.
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
