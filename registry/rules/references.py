"""通用规则 REG004、REG005、REG011：记录之间的引用——编号唯一，引用的单位、系统和项目存在，
停用的系统不再得到经费。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import Stage
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.dalad.citations import DLT24
from registry.rules.helpers import systems_named
from registry.rules.potou.citations import PT8, PT8_1
from registry.rules.quxian.citations import QX43

if TYPE_CHECKING:
    from registry.models import Project, System


@rule("REG004", name="unique-ids", title="编号唯一", kind=Kind.registry, profile="common",
      fails="""
      # systems/czj/czj-budget.yaml: id: czj-budget
      # 文件 systems/wjw/czj-budget.yaml
      id: czj-budget            # 与财政局的系统同号
      unit: wjw
      """,
      passes="""
      # systems/czj/czj-budget.yaml: id: czj-budget
      # 文件 systems/wjw/wjw-archive.yaml
      id: wjw-archive           # 每个系统编号、项目编号在登记簿中只出现一次
      unit: wjw
      """)
def reg004(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """系统编号在所有系统中唯一，项目编号在所有项目中唯一。

    其他记录都通过编号相互引用：交叉引用、系统总量统计和变更历史遇到两条同号记录时，
    会不声不响地只取其中一条。
    """
    for s in ctx.systems:
        if ctx.head.count_system_id(s.id) > 1:
            yield problem(s, "id", f"系统编号 {s.id} 重复出现 {ctx.head.count_system_id(s.id)} 次：每个系统只能有一条记录",
                          f"system id {s.id} appears {ctx.head.count_system_id(s.id)} times: one record per system")
    for p in ctx.projects:
        if ctx.head.count_project_id(p.id) > 1:
            yield problem(p, "id", f"项目编号 {p.id} 重复出现 {ctx.head.count_project_id(p.id)} 次：请改用下一个序号",
                          f"project id {p.id} appears {ctx.head.count_project_id(p.id)} times: use the next sequence number")


@rule("REG005", name="references", title="引用的单位、系统和项目存在", kind=Kind.registry, profile="common",
      cite=[PT8_1],
      fails="""
      id: 2025-czj-001
      unit: czj
      systems:
        upgrades: [czj-budgte]   # 登记簿中没有这个系统
      """,
      passes="""
      id: 2025-czj-001
      unit: czj
      systems:
        upgrades: [czj-budget]
      """)
def reg005(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """记录中写到的单位（`unit`、`partners`、`transferred_from.unit`，须列在 `registry.yaml`
    的 `units` 中）、系统（`systems.creates`、`upgrades`、`maintains`、`retires`）和项目（`built_by`）
    都已登记；`merged_into` 须指向本系统以外的一个在用系统。

    项目只能针对已纳入政务信息系统目录的系统开展工作（坡头 第八条（一））；
    整合到已停用或不存在的系统中的系统，会从总量统计中消失而无从交代。
    """
    units = {u.id for u in ctx.config.units}
    for s in ctx.systems:
        yield from _unknown_unit(s, "unit", s.unit, units)
        if s.transferred_from:
            yield from _unknown_unit(s, "transferred_from.unit", s.transferred_from.unit, units)
        for i, pid in enumerate(s.built_by):
            if ctx.head.project(pid) is None:
                yield problem(s, f"built_by[{i}]", f"built_by 中的项目 {pid} 不存在：请核对项目编号",
                              f"built_by names unknown project {pid}")
        yield from _merged_into(ctx, s)
    for p in ctx.projects:
        yield from _unknown_unit(p, "unit", p.unit, units)
        for i, partner in enumerate(p.partners):
            yield from _unknown_unit(p, f"partners[{i}]", partner, units)
        for role in ("creates", "upgrades", "maintains", "retires"):
            for i, sid in enumerate(getattr(p.systems, role)):
                if ctx.head.system(sid) is None:
                    yield problem(p, f"systems.{role}[{i}]",
                                  f"systems.{role} 中的系统 {sid} 未在系统目录中登记：请先登记 systems/<单位>/{sid}.yaml 或改正编号",
                                  f"systems.{role} names {sid}, which is not in the catalogue: register it or fix the id")


def _unknown_unit(record: System | Project, field: str, unit: str, units: set[str]) -> Iterator[Problem]:
    if unit not in units:
        yield problem(record, field, f"单位代码 {unit} 未在 registry.yaml 的 units 中登记",
                      f"unit {unit} is not listed under units in registry.yaml")


def _merged_into(ctx: Context, s: System) -> Iterator[Problem]:
    if not s.merged_into:
        return
    target = ctx.head.system(s.merged_into)
    if s.merged_into == s.id:
        yield problem(s, "merged_into", f"系统 {s.id} 不能整合到自身", f"system {s.id} cannot be merged into itself")
    elif target is None:
        yield problem(s, "merged_into", f"merged_into 指向的系统 {s.merged_into} 不存在",
                      f"merged_into names unknown system {s.merged_into}")
    elif not target.active:
        yield problem(s, "merged_into",
                      f"merged_into 指向的系统 {s.merged_into} 状态为{target.status.label}，应整合到在用系统",
                      f"merged_into names {s.merged_into}, which is {target.status.value}: merge into an active system")


# The milestones at which money is committed to a project: a system that had left service by
# then receives money it cannot use.
FUNDING_STAGES = (Stage.approved, Stage.budgeted, Stage.contracted)
ROLES = {"creates": "新建", "upgrades": "升级", "maintains": "运维", "retires": "整合或停用"}


@rule("REG011", name="no-om-after-retirement", title="已停用、已整合系统不再安排经费", kind=Kind.registry, profile="common",
      cite=[PT8, DLT24, QX43],
      fails="""
      # systems/czj/czj-old.yaml: status: retired, retired_on: 2024-06-30, retirement_ref: 金大数据发〔2024〕8号
      id: 2024-czj-003
      year: 2024
      nature: upgrade
      systems: {upgrades: [czj-old]}
      milestones: {approved: {date: 2024-08-01, doc_no: 金大数据发〔2024〕9号}}   # 停用后才立项
      """,
      passes="""
      # systems/czj/czj-old.yaml: status: retired, retired_on: 2024-06-30, retirement_ref: 金大数据发〔2024〕8号
      id: 2024-czj-002
      year: 2024              # 停用当年、停用前立项的运维合同仍可列出
      nature: om
      systems: {maintains: [czj-old]}
      milestones: {approved: {date: 2024-03-01, doc_no: 金大数据发〔2024〕3号}}
      """)
def reg011(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已停用或已整合（有停用日期 `retired_on`）的系统，不得出现在停用之后安排经费的项目中：
    任何性质的项目，在 `systems` 的任何角色（`creates`、`upgrades`、`maintains`、`retires`）中列出该系统，而
    项目的计划年度 `year` 晚于停用日期所在年份，或者项目的立项批复（`approved`）、预算下达（`budgeted`）、
    合同签订（`contracted`）任一日期晚于停用日期的，都不允许。停用当年、停用之前已批复和签约的项目仍可列出该系统。

    钱是在立项、下达预算和签订合同时安排的：系统上报为已停用，之后却还在为它立项、下达预算或签合同，
    无论名义是运维、升级还是新建，都是虚报系统总量——压低了“只减不增”的数字，却没有节省资金。
    """
    for p in ctx.projects:
        for role, label in ROLES.items():
            for i, sid, s in systems_named(ctx, getattr(p.systems, role)):
                if s.retired_on is not None:
                    yield from _funded_after_retirement(p, f"systems.{role}[{i}]", label, s)


def _funded_after_retirement(p: Project, field: str, role: str, s: System) -> Iterator[Problem]:
    retired = s.retired_on
    assert retired is not None
    late = [(stage, when) for stage in FUNDING_STAGES if (when := p.milestones.date_of(stage)) is not None and when > retired]
    if late:
        stage, when = late[0]
        yield problem(p, field,
                      f"系统 {s.id} 于 {retired} {s.status.label}，项目 {p.id} 的{stage.label}日期 {when} 在其后，"
                      f"不得再为它安排{role}经费：请从 systems 中移除该系统，或核对停用日期",
                      f"system {s.id} left service on {retired}; project {p.id} ({stage.value} {when}) must not fund it")
    elif p.year > retired.year:
        yield problem(p, field,
                      f"系统 {s.id} 于 {retired} {s.status.label}，{p.year} 年度项目 {p.id} 不得再为它安排{role}经费："
                      "请从 systems 中移除该系统",
                      f"system {s.id} left service on {retired}; the {p.year} project {p.id} must not fund it")
