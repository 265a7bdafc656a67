"""QX 规则：第三章 项目和信息资源统筹管理（第十条至第十五条）：统筹整合，不予立项的情形。"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    Audience,
    Builder,
    Deployment,
    Hardware,
    Nature,
    Platform,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.change import initial_registration
from registry.rules.helpers import (
    created_systems,
    stage_label,
    systems_named,
    target_systems,
)
from registry.rules.quxian import PROFILE
from registry.rules.quxian.citations import (
    QX12,
    QX15_1,
    QX15_2,
    QX15_3,
    QX15_4,
    QX15_5,
    QX15_8,
)
from registry.rules.quxian.shared import in_flight

if TYPE_CHECKING:
    from registry.models import Project, System

UPGRADE_NATURES = frozenset({Nature.upgrade, Nature.expansion, Nature.rebuild})


def created_or_upgraded(ctx: Context, p: Project) -> Iterator[tuple[str, System]]:
    """(field path, system) for ``creates`` + ``upgrades``: what 第十五条（三）（五） call
    新建项目 and 升级改造项目."""
    yield from created_systems(ctx, p)
    for i, _sid, s in systems_named(ctx, p.systems.upgrades):
        yield f"systems.upgrades[{i}]", s


def platform_names(platforms: Iterable[Platform]) -> str:
    return "、".join(f"{p.label}（{p.value}）" for p in platforms)


@rule("QX12", name="new-system-approved", title="新增政务信息系统须经论证审定", kind=Kind.change,
      profile=PROFILE.id, cite=[QX12],
      fails="""
      # 基准版本 systems/czj/czj-old.yaml: status: operating
      # systems/czj/czj-old.yaml: status: merged, retired_on: 2025-06-01, merged_into: czj-budget
      # 基准版本中没有 czj-new-portal；本单位同时整合了 czj-old，总量未增加，仍须审定
      id: czj-new-portal
      unit: czj
      status: building
      """,
      passes="""
      # 基准版本 systems/czj/czj-old.yaml: status: operating
      # systems/czj/czj-old.yaml: status: merged, retired_on: 2025-06-01, merged_into: czj-budget
      id: czj-new-portal
      unit: czj
      status: building
      new_system_approval: {doc_no: 渠府函〔2025〕21号, date: 2025-03-01}
      """)
def qx12(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中不存在的每个在用系统都须填写 `new_system_approval`（新增系统批准文件），
    即使本单位在同一次变更中停用或整合了其他系统、总量没有增加。

    比通用规则 CHG001 更严：第十二条规定不再新建、改建、扩建，
    确需新建的须经县大数据中心论证通过并报县委县政府审定，与本单位系统总量是否增加无关。
    在单位之间划转的系统（见 CHG006）和恢复使用的系统（见 CHG003）不属于这里的新增系统，由那两条规则检查。
    登记簿首次登记（基准版本中没有任何记录）时，登记的是已有系统，不做此项检查。
    """
    assert ctx.base is not None, "change rules run only with --base"
    if initial_registration(ctx):
        return
    for s in ctx.systems:
        if s.active and ctx.base.system(s.id) is None and s.new_system_approval is None:
            yield problem(
                s, "new_system_approval",
                f"系统 {s.id}（{s.name}）为新增在用系统，缺少新增系统批准文件（new_system_approval）：确需新建的系统须经县大数据中心"
                "论证并报县委县政府审定，请填写 new_system_approval: {doc_no: 审定文号, date: 日期}；即使本单位同时停用其他系统也需要",
                f"system {s.id} is new and active but has no new_system_approval: a new system needs the data centre's "
                "review and the county government's decision, even when the unit retires another one; add "
                "new_system_approval: {doc_no, date}",
            )


QX15_1_HARDWARE = (
    Hardware.server, Hardware.storage, Hardware.network_device,
    Hardware.machine_room, Hardware.data_center, Hardware.private_cloud,
)


QX15_2_HARDWARE = (Hardware.internet_line, Hardware.private_line, Hardware.terminal_security)


def _forbidden_hardware(
    ctx: Context, kinds: tuple[Hardware, ...], item: str, use: str, use_en: str
) -> Iterator[Problem]:
    for p in in_flight(ctx):
        for i, hw in enumerate(p.hardware):
            if hw in kinds:
                yield problem(
                    p, f"hardware[{i}]",
                    f"项目 {p.id} 采购{hw.label}（hardware: {hw.value}）：依第十五条{item}，此类项目原则上不予立项，"
                    f"请{use}，并从 hardware 中删除此项（法律法规有明确规定的，请在 basis 中写明依据后申请停用本规则）",
                    f"project {p.id} buys {hw.value}: such projects are not approved in principle; {use_en} and "
                    f"remove {hw.value} from hardware",
                )


@rule("QX15.1", local=True, name="no-own-infrastructure", title="不新增机房、服务器等硬件设施", kind=Kind.record,
      profile=PROFILE.id, cite=[QX15_1],
      fails="""
      milestones: {planned: 2024-12-15}
      hardware: [server, storage]
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      hardware: []          # 计算和存储资源使用县云计算中心
      """)
def qx15_1(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建项目（已纳入年度计划，尚未竣工验收或终止）的 `hardware` 中，
    不得有服务器、存储设备、网络设备、机房、数据中心或私有云（`server`、`storage`、
    `network_device`、`machine_room`、`data_center`、`private_cloud`）。

    计算、存储和服务端网络资源由县云计算中心统一提供（第十三条）；
    部门自建机房、自购服务器，正是本办法要终结的分散建设。
    """
    yield from _forbidden_hardware(ctx, QX15_1_HARDWARE, "（一）", "改用县云计算中心的计算、存储和网络资源",
                                   "use the county cloud centre's computing, storage and network")


@rule("QX15.2", local=True, name="no-own-lines", title="不租用互联网出口、专线，不单建终端安全", kind=Kind.record,
      profile=PROFILE.id, cite=[QX15_2],
      fails="""
      milestones: {planned: 2024-12-15}
      hardware: [internet_line]
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      hardware: []          # 通过电子政务外网统一接入
      """)
def qx15_2(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建项目（已纳入年度计划，尚未竣工验收或终止）的 `hardware` 中，
    不得有互联网线路（`internet_line`）、专线（`private_line`）或终端安全（`terminal_security`）。

    各部门通过县电子政务网接入互联网、相互联通，终端由电子政务网统一监管；
    单独租用线路或单独采购终端安全防护，就绕开了这张网。
    """
    yield from _forbidden_hardware(ctx, QX15_2_HARDWARE, "（二）", "通过电子政务网统一接入并纳入统一监管",
                                   "connect through the county e-government network under its central monitoring")


@rule("QX15.3", name="on-county-cloud", title="新建、升级的系统部署在县云计算中心", kind=Kind.record,
      profile=PROFILE.id, cite=[QX15_3],
      fails="""
      milestones: {planned: 2024-12-15}
      systems: {upgrades: [czj-budget]}
      # systems/czj/czj-budget.yaml: deployment: own_machine_room
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      systems: {upgrades: [czj-budget]}
      # systems/czj/czj-budget.yaml: deployment: county_cloud
      """)
def qx15_3(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建项目（已纳入年度计划，尚未竣工验收或终止）新建（`systems.creates`）
    或升级改造（`systems.upgrades`）的系统，部署方式 `deployment` 须为县云计算中心（`county_cloud`）。

    新建系统须部署在县云计算中心，升级改造的系统须在本次升级中迁移到县云计算中心。
    尚未上线的系统，`deployment` 填写的是它将来的运行位置。
    """
    for p in in_flight(ctx):
        for field_path, s in created_or_upgraded(ctx, p):
            if s.deployment is not Deployment.county_cloud:
                verb = "新建" if field_path.startswith("systems.creates") else "升级改造"
                yield problem(
                    p, field_path,
                    f"项目 {p.id} {verb}的系统 {s.id} 部署方式为{s.deployment.label}（{s.deployment.value}）："
                    f"{verb}系统须部署（迁移）到县云计算中心，请将系统 {s.id} 的 deployment 改为 county_cloud 并在建设内容中写明迁移",
                    f"project {p.id}: system {s.id} is on {s.deployment.value}; new and upgraded systems go on "
                    f"county_cloud: set the deployment of {s.id} to county_cloud and plan the migration in the content",
                )


@rule("QX15.4", name="no-new-common-systems", title="不新建或扩建共性系统", kind=Kind.record,
      profile=PROFILE.id, cite=[QX15_4],
      fails="""
      milestones: {planned: 2024-12-15}
      systems: {creates: [czj-sms]}
      # systems/czj/czj-sms.yaml: common_function: notification
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      systems: {creates: [czj-sms]}
      # systems/czj/czj-sms.yaml: 无 common_function，消息通知调用统建平台
      """)
def qx15_4(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建项目（已纳入年度计划，尚未竣工验收或终止）新建的系统，
    以及扩建（`nature: expansion`）项目所扩建的系统（`systems.upgrades`），不得有共性功能 `common_function`：
    数字证书、电子证照、电子印章、公共支付、消息通知、网站平台、移动客户端、大数据平台、执法检查等。

    共性系统全县只建一次、共同使用。

    依据说明：RULES.md 的表格只检查新建的系统；条文禁止的是“新建或扩建……共性系统”，
    因此扩建项目所扩建的系统也要检查。条文要各单位使用全县统建的共性系统，
    所以数据主管部门自己的项目和由其统建（`builder: data_authority`）的项目不受此限。
    """
    for p in in_flight(ctx):
        if p.unit == ctx.config.authorities.data_authority or p.builder is Builder.data_authority:
            continue
        checked = list(created_systems(ctx, p))
        if p.nature is Nature.expansion:
            checked += [(f"systems.upgrades[{i}]", s) for i, _sid, s in systems_named(ctx, p.systems.upgrades)]
        for field_path, s in checked:
            if s.common_function is not None:
                verb = "新建" if field_path.startswith("systems.creates") else "扩建"
                yield problem(
                    p, field_path,
                    f"项目 {p.id} {verb}共性系统 {s.id}（{s.common_function.label}）：共性系统由全县统建共用，"
                    f"请改为调用统建的{s.common_function.label}系统，不再{verb}",
                    f"project {p.id} builds or expands {s.id}, a shared {s.common_function.value} system: use the "
                    "county's shared system instead of building or expanding one",
                )


# 第十五条（五）: which platforms a system of each audience connects.
SERVICE_PLATFORMS = (Platform.smart_city, Platform.city_info_service, Platform.gov_service_platform)


OFFICE_PLATFORMS = (Platform.collab_office,)


def required_platforms(audience: Audience) -> list[Platform]:
    needed: list[Platform] = []
    if audience in (Audience.public, Audience.both):
        needed += SERVICE_PLATFORMS
    if audience in (Audience.internal, Audience.both):
        needed += OFFICE_PLATFORMS
    return needed


@rule("QX15.5", name="unified-platforms", title="政务服务类接入三平台，办公类接入协同办公平台", kind=Kind.record,
      profile=PROFILE.id, cite=[QX15_5],
      fails="""
      milestones: {planned: 2024-12-15}
      systems: {creates: [czj-service]}
      # systems/czj/czj-service.yaml: audience: public, platforms: [gov_service_platform]
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      systems: {creates: [czj-service]}
      # systems/czj/czj-service.yaml: audience: public,
      #   platforms: [smart_city, city_info_service, gov_service_platform]
      """)
def qx15_5(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建项目（已纳入年度计划，尚未竣工验收或终止）新建或升级改造的系统，
    须按服务对象 `audience` 接入统一平台（填在系统的 `platforms` 中）。
    面向公众（`public`）或两者兼有（`both`）的，须接入智慧城市数字综合平台（`smart_city`）、
    城市公共信息服务平台（`city_info_service`）和一体化政务服务平台（`gov_service_platform`）；
    对内（`internal`）或两者兼有的，须接入统一协同办公平台（`collab_office`）。
    未填写 `audience` 的系统无法核对，也会报告。

    公共服务通过全县统一入口面向群众，办公系统统一运行在协同办公平台上；
    游离于这些平台之外，就是又建了一个孤立系统（第十三条“不再批准建设孤立信息系统”）。
    尚未上线的系统，`platforms` 填写的是建设中要对接的平台。
    """
    for p in in_flight(ctx):
        for field_path, s in created_or_upgraded(ctx, p):
            if s.audience is None:
                yield problem(
                    p, field_path,
                    f"项目 {p.id} 涉及的系统 {s.id} 未填写服务对象（audience）：请填写 internal、public 或 both，"
                    "以核对须接入的统一平台",
                    f"project {p.id}: system {s.id} has no audience, so its required platforms cannot be checked: "
                    "set audience to internal, public or both",
                )
                continue
            lacking = [pf for pf in required_platforms(s.audience) if pf not in s.platforms]
            if lacking:
                yield problem(
                    p, field_path,
                    f"项目 {p.id} 涉及的系统 {s.id}（服务对象：{s.audience.label}）未接入{platform_names(lacking)}："
                    f"请在系统 {s.id} 的 platforms 中补充，并在建设内容中落实对接",
                    f"project {p.id}: system {s.id} ({s.audience.value}) does not connect "
                    f"{', '.join(pf.value for pf in lacking)}: connect the missing platforms and list them in the "
                    f"platforms of {s.id}",
                )


@rule("QX15.8", name="original-project-accepted", title="原项目未验收的不得升级改造", kind=Kind.record,
      profile=PROFILE.id, cite=[QX15_8],
      fails="""
      # systems/czj/czj-budget.yaml: built_by: [2023-czj-001]
      # projects/czj/2023-czj-001.yaml: year: 2023, milestones: {planned: 2022-12-15}
      # 原建设项目 2023-czj-001 尚未竣工验收
      nature: upgrade
      milestones: {planned: 2024-12-15}
      systems: {upgrades: [czj-budget]}
      """,
      passes="""
      # systems/czj/czj-budget.yaml: built_by: [2023-czj-001]
      # projects/czj/2023-czj-001.yaml: year: 2023,
      #   milestones: {planned: 2022-12-15, final_acceptance: {date: 2024-06-30, passed: true}}
      # 原建设项目 2023-czj-001 已通过竣工验收
      nature: upgrade
      milestones: {planned: 2024-12-15}
      systems: {upgrades: [czj-budget]}
      """)
def qx15_8(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建的升级改造、扩建、改建项目（已纳入年度计划，尚未竣工验收或终止），
    其对象系统（`systems.upgrades`、`systems.maintains`）的原建设项目（系统 `built_by` 中列出的项目，本项目除外）
    都须已通过竣工（履约）验收（有 `final_acceptance` 且 `passed: true`）。

    原项目尚未验收就升级改造，两份合同作用在同一个系统上：
    前一期的缺陷变成了后一期付费的工作，两期都无法单独验收。
    """
    for p in in_flight(ctx):
        if p.nature not in UPGRADE_NATURES:
            continue
        for field_path, s in target_systems(ctx, p):
            for pid in s.built_by:
                original = ctx.head.project(pid)
                if pid == p.id or original is None:  # unknown ids are REG005's
                    continue
                accepted = original.milestones.final_acceptance
                if accepted is None or not accepted.passed:
                    state = "验收未通过" if accepted is not None else f"当前阶段为{_stage_text(original)}"
                    yield problem(
                        p, field_path,
                        f"{p.nature.label}项目 {p.id} 的对象系统 {s.id} 由项目 {pid} 建设，该项目尚未通过竣工（履约）验收"
                        f"（{state}）：原项目验收通过后方可立项升级改造，请先完成 {pid} 的验收",
                        f"project {p.id} works on {s.id}, built by {pid}, which has not passed final acceptance: "
                        f"have {pid} pass its final acceptance before upgrading the system",
                    )


def _stage_text(p: Project) -> str:
    return stage_label(p.stage) if p.stage is not None else "未登记里程碑"
