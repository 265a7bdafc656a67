"""DSQ 规则：第二条至第九条（办法不分章）：政务云部署、储备库的建设要求。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    Deployment,
    DocumentKind,
    Platform,
    Stage,
    SystemStatus,
)
from registry.findings import Severity
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.dashiqiao import PROFILE
from registry.rules.dashiqiao.citations import (
    DSQ5,
    DSQ6_4_5,
)
from registry.rules.helpers import documents_from

if TYPE_CHECKING:
    from registry.models import Project

_GOV_CLOUDS = frozenset({Deployment.city_cloud, Deployment.province_cloud})


_NOT_YET_ONLINE = frozenset({SystemStatus.planned, SystemStatus.building})


def _unfinished(p: Project) -> bool:
    """Neither finally accepted nor terminated: the project is still building what it creates."""
    return p.milestones.final_acceptance is None and p.milestones.terminated is None


@rule("DSQ5", name="new-system-on-gov-cloud", title="新建系统依托市级、省级政务云部署并接入统一政务信息资源库平台",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ5],
      fails="""
      id: wsj-health-code
      status: building
      deployment: own_machine_room
      platforms: []
      """,
      passes="""
      id: wsj-health-code
      status: building
      deployment: city_cloud
      platforms: [resource_library]
      """)
def dsq5(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """新建系统须部署在 ``city_cloud``（市级政务云）或 ``province_cloud``（省级政务云），
    并在 ``platforms`` 中接入 ``resource_library``（统一政务信息资源库平台）。
    “新建系统”指：状态为 ``planned``（规划中）或 ``building``（建设中）的系统，
    以及被尚未竣工验收、也未终止的项目列入 ``systems.creates`` 的在用系统。

    第五条要求新建项目依托营口市级、省级政务云部署，并按营口市要求接入统一政务信息资源库平台；
    基础支撑平台由上级统一建设，本级不再单独建设。

    依据说明：项目竣工验收（或终止）后，其所建且已进入试运行或运行的系统属于“已建的系统”，
    第五条对其只要求逐步向政务云迁移，由 DSQ5W 以警告提示，不适用本规则。
    """
    for s in ctx.systems:
        unfinished = [p.id for p in ctx.head.projects_creating(s.id) if _unfinished(p)]
        if not s.active or (s.status not in _NOT_YET_ONLINE and not unfinished):
            continue
        source = f"由在建项目 {unfinished[0]} 新建的" if unfinished else f"{s.status.label}的"
        if s.deployment not in _GOV_CLOUDS:
            yield problem(
                s, "deployment",
                f"{source}系统 {s.id}「{s.name}」部署方式为{s.deployment.label}（deployment: {s.deployment.value}）："
                "新建系统应依托营口市级或辽宁省级政务云部署，"
                "请改为 deployment: city_cloud 或 province_cloud",
                f"new system {s.id} is deployed on {s.deployment.value}: deploy it on city_cloud or province_cloud",
            )
        if Platform.resource_library not in s.platforms:
            yield problem(
                s, "platforms",
                f"{source}系统 {s.id}「{s.name}」未接入统一政务信息资源库平台：请按营口市要求接入，并在 platforms 中加入 resource_library",
                f"new system {s.id} does not connect the unified information-resource library: add resource_library to platforms",
            )


@rule("DSQ5W", local=True, name="migrate-to-gov-cloud", title="自建机房中运行的系统应逐步向政务云迁移", kind=Kind.record,
      profile=PROFILE.id, cite=[DSQ5], severity=Severity.warning,
      fails="""
      status: operating
      deployment: own_machine_room
      """,
      passes="""
      status: operating
      deployment: city_cloud
      """)
def dsq5w(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """状态为 ``operating``（运行中）且部署在本单位自建机房（``deployment: own_machine_room``）的系统，
    提示其制定向政务云迁移的计划（警告）。

    第五条要求已建的系统“逐步”向政务云迁移，没有规定期限，因此本规则只作提醒，不作为错误。
    公开站点的状态页面也据此列出仍待关停的自建机房。
    """
    for s in ctx.systems:
        if s.status is SystemStatus.operating and s.deployment is Deployment.own_machine_room:
            yield problem(
                s, "deployment",
                f"运行中的系统 {s.id}「{s.name}」仍部署在自建机房：已建系统应逐步向政务云迁移，请制定迁移计划，迁移后改为 city_cloud 或 province_cloud",
                f"operating system {s.id} still runs in an own machine room: plan its migration to the government cloud",
            )


@rule("DSQ6", local=True, name="security-and-sharing-plans", title="评审时须有等保、密码应用和数据共享方案（五同步）",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ6_4_5],
      fails="""
      milestones:
        reviewed: {date: 2025-03-10, ref: 石数据评〔2025〕4号}
      documents:
        data_sharing_plan: docs/2025-wsj-001/数据共享方案.pdf
      """,
      passes="""
      milestones:
        reviewed: {date: 2025-03-10, ref: 石数据评〔2025〕4号}
      documents:
        data_sharing_plan: docs/2025-wsj-001/数据共享方案.pdf
        mlps_plan: docs/2025-wsj-001/等级保护方案.pdf
        crypto_plan: docs/2025-wsj-001/密码应用方案.pdf
      """)
def dsq6(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """项目自 ``milestones.reviewed``（评审）起（含其后各阶段），须有 ``documents.mlps_plan``（等级保护方案）、
    ``documents.crypto_plan``（密码应用方案）和 ``documents.data_sharing_plan``（数据共享方案）。

    第六条列出项目建设应满足的要求：（四）能够实现数据共享；（五）网络安全、数据安全、个人信息保护、
    密码管理等与系统同步设计、同步建设、同步评估、同步验收、同步运行（即“五同步”）。
    “同步设计”意味着项目评审时这些方案就应已编制完成。
    """
    kinds = [DocumentKind.mlps_plan, DocumentKind.crypto_plan, DocumentKind.data_sharing_plan]
    yield from documents_from(ctx, Stage.reviewed, kinds, when="通过评审（reviewed）后", when_en="from review")
