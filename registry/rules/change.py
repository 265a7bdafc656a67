"""变更规则 CHG001–CHG006：将工作区与基准版本（`--base`）进行比较。"""
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
# The same accountability article in the other regulations: CHG002 cites the chosen profile's.
JX45 = Citation(
    "jinxiang", "第四十五条",
    "单位或者个人违反本办法规定，未履行立项、审核、备案程序，或因管理不善、弄虚作假，造成严重超预算、质量低劣、"
    "损失浪费、安全事故或者其他责任事故的，对负有直接责任的主管人员和其他责任人员依法依规给予惩处。",
)
PT28 = Citation(
    "potou", "第二十八条",
    "单位或者个人违反本办法规定未履行审批、备案程序，或者因管理不善、弄虚作假造成严重超预算、质量低劣、损失浪费、"
    "安全事故或者其他责任事故的，相关监管部门应当予以通报批评，并对负有直接责任的主管人员和其他责任人员依法给予处分。",
)
DLT30 = Citation(
    "dalad", "第三十条",
    "单位或个人违反本办法规定未履行审批、备案程序，或因管理不善、弄虚作假造成严重超概算、质量低劣、损失浪费、"
    "安全事故或其它责任事故的，相关部门应当通报批评，并依法依规追究相关人员责任。",
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
    """按单位统计：本次变更后的在用系统数（规划中、建设中、试运行、运行中）减去基准版本中的在用系统数，
    不得超过该单位新增在用系统中“有依据”的个数。有依据，指填写了 `new_system_approval`（净增系统批准文件），
    或以 `transferred_from` 写明由基准版本中的所属单位划转而来。问题报告在每个没有批准文件的新增系统上。

    “只减不增”：单位新建一个系统，就要在同一次变更中停用或整合本单位另一个系统，
    或者出示允许净增的批准文件。只改文件名、不改编号的不算新系统；
    在单位之间划转的系统计入接收单位。
    登记簿首次登记（基准版本中没有任何记录）时，登记的是已有的存量系统，不做此项检查。
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
      # 基准版本 status: retired
      status: operating
      """,
      passes="""
      # 需要类似功能时，登记新系统并按“只减不增”报批
      status: retired
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
    """基准版本中已登记的里程碑不得删除，其中已填写的值不得修改。
    补填基准版本中为空的值（如试运行的 `end`、合同的 `filed_on`）是允许的。

    里程碑是批复和验收的记录；里程碑登记之后再改写，就等于改写了一份批复。
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
    """基准版本中已立项批复（有 `milestones.approved`）的项目调整了投资概算 `budget.total_wan` 的，
    须在 `changes` 中新增记录，新增记录的 `amount_wan` 合计等于调整额（允许 ±0.01 万元误差）。

    批复的概算是投资上限；每一次调整都必须能追溯到一条变更记录，
    供审核人员（以及各配置中关于重新报批的规则）核对。
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
