"""QX 规则：第三章 项目和信息资源统筹管理（第十六条、第十七条）：信息资源共享。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    Nature,
    Platform,
    SystemStatus,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.quxian import PROFILE
from registry.rules.quxian.citations import (
    QX16,
    QX17,
)
from registry.rules.quxian.shared import in_flight

if TYPE_CHECKING:
    from registry.models import System

ONLINE_STATUSES = frozenset({SystemStatus.trial, SystemStatus.operating})


def exempt(s: System) -> bool:
    return s.data.sharing_exemption is not None


@rule("QX16", local=True, name="operating-shared", title="运行中的系统共享数据并接入智慧城市数字综合平台", kind=Kind.record,
      profile=PROFILE.id, cite=[QX16, QX17],
      fails="""
      status: operating
      platforms: [collab_office]
      data: {shared: false}
      """,
      passes="""
      status: operating
      platforms: [smart_city, collab_office]
      data: {shared: true}
      """)
def qx16(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """运行中（`operating`）的系统须共享数据（`data.shared: true`），
    并接入智慧城市数字综合平台（`platforms` 含 `smart_city`）；有 `data.sharing_exemption` 的除外。

    第十六条把通过智慧城市数字综合平台共享作为常规要求；第十七条允许依规不能共享、
    但确有必要保留的系统经县大数据中心核准后保留，`sharing_exemption` 记录的就是这一核准。
    """
    for s in ctx.systems:
        if s.status is not SystemStatus.operating or exempt(s):
            continue
        if s.data.shared is not True:
            yield problem(
                s, "data.shared",
                f"运行中的系统 {s.id}（{s.name}）未共享数据（data.shared: {_yes_no(s.data.shared)}）：请按要求接入共享并改为 true；"
                "依规不能共享的，须经县大数据中心核准并填写 data.sharing_exemption",
                f"operating system {s.id} does not share its data: share it, or record the data centre's sharing_exemption",
            )
        if Platform.smart_city not in s.platforms:
            yield problem(
                s, "platforms",
                f"运行中的系统 {s.id}（{s.name}）未接入智慧城市数字综合平台：请完成对接并在 platforms 中加入 smart_city；"
                "依规不能共享的，须经县大数据中心核准并填写 data.sharing_exemption",
                f"operating system {s.id} does not connect smart_city: connect it, or record a sharing_exemption",
            )


def _yes_no(value: bool | None) -> str:
    return "未填写" if value is None else str(value).lower()


def withholds_data(s: System) -> bool:
    """An active, non-exempt system that does not share: one declared ``shared: false``, or
    one already online (trial/operating) that is not shared. A system still being planned or
    built that has not said either way has no data to collect yet."""
    if not s.active or exempt(s):
        return False
    return s.data.shared is False or (s.status in ONLINE_STATUSES and s.data.shared is not True)


@rule("QX17", name="no-new-project-without-sharing", title="未完成数据归集的单位不得申报新建项目", kind=Kind.registry,
      profile=PROFILE.id, cite=[QX17],
      fails="""
      # systems/czj/czj-budget.yaml: status: operating, data: {shared: false}
      id: 2025-czj-003
      unit: czj
      nature: new
      milestones: {planned: 2024-12-15}
      """,
      passes="""
      # systems/czj/czj-budget.yaml: status: operating, data: {shared: true}
      id: 2025-czj-003
      unit: czj
      nature: new
      milestones: {planned: 2024-12-15}
      """)
def qx17(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """单位有不共享数据的在用系统（且无 `data.sharing_exemption`）时，
    该单位不得有在建的新建（`nature: new`）项目（已纳入年度计划，尚未竣工验收或终止）。
    “不共享”指系统写明 `data.shared: false`，或已上线（试运行、运行中）却未写 `data.shared: true`；
    该项目自己新建的系统不计在内。

    第十七条：未落实相关技术要求完成数据归集的部门（单位），原则上不得申报新增项目。
    只检查在建项目：已完成的项目已成历史，本条管的是新项目的审批；
    尚在规划或建设中、也未说明是否共享的系统，还没有可归集的数据。
    """
    for p in in_flight(ctx):
        if p.nature is not Nature.new:
            continue
        own = set(p.systems.creates)
        holding = [s for s in ctx.head.systems_of(p.unit) if s.id not in own and withholds_data(s)]
        if holding:
            names = "、".join(f"{s.id}（{s.name}）" for s in holding)
            yield problem(
                p, "nature",
                f"单位 {p.unit} 的在用系统 {names}未完成数据共享归集，原则上不得申报新建项目 {p.id}："
                "请先完成这些系统的数据共享（data.shared: true），或经县大数据中心核准后填写 data.sharing_exemption",
                f"unit {p.unit} has systems that do not share data ({', '.join(s.id for s in holding)}), "
                f"so it may not declare the new project {p.id}: have them share (data.shared: true), or record the "
                "data centre's data.sharing_exemption",
            )
