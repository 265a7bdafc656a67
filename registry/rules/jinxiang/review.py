"""JX 规则：第二章 项目评审（第六条至第十五条）：技术评审、集体研究、部署和平台、数据共享。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    Audience,
    Deployment,
    DocumentKind,
    Platform,
    Stage,
    SystemStatus,
)
from registry.findings import Severity
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    created_systems,
    documents_from,
    missing_documents,
)
from registry.rules.jinxiang import PROFILE
from registry.rules.jinxiang.citations import (
    JX6,
    JX7,
    JX8,
    JX9,
    JX10,
    JX12,
    JX13,
)
from registry.rules.jinxiang.params import MajorProjectParams
from registry.rules.jinxiang.shared import GOVERNMENT_CLOUDS

if TYPE_CHECKING:
    from registry.models import Project, System


@rule("JX6", local=True, name="technical-review-documents", title="技术评审提交建设方案和密码应用方案", kind=Kind.record,
      profile=PROFILE.id, cite=[JX6], params=MajorProjectParams,
      fails="""
      budget: {total_wan: 600}        # 500 万元及以上的重大项目
      milestones: {reviewed: {date: 2025-01-10, ref: 金大数据评〔2025〕4号}}
      documents:
        implementation_plan: docs/2025-zwfw-001/实施方案.pdf   # 重大项目不能以实施方案代替
        crypto_plan: docs/2025-zwfw-001/密码应用方案.pdf
      """,
      passes="""
      budget: {total_wan: 180}
      milestones: {reviewed: {date: 2025-01-10, ref: 金大数据评〔2025〕4号}}
      documents:
        implementation_plan: docs/2025-zwfw-001/实施方案.pdf
        crypto_plan: docs/2025-zwfw-001/密码应用方案.pdf
      """)
def jx6(ctx: Context, params: MajorProjectParams) -> Iterator[Problem]:
    """自 ``milestones.reviewed``（评审）起，项目须有 ``documents.crypto_plan``（密码应用方案），
    并有 ``documents.implementation_plan``（实施方案），或同时有 ``documents.feasibility_study``（可行性研究报告）
    和 ``documents.preliminary_design``（初步设计方案）。``budget.total_wan`` 达到或超过 ``major_project_wan``
    （默认 500 万元，含本数）的重大项目，必须同时有后两份文件，实施方案不能代替。

    第六条规定，技术评审审查项目建设方案和密码应用方案；“500万元及以上”的重大项目
    （“及以上”含 500 万元本数）须提供可行性研究报告和初步设计。
    """
    limit = params.major_project_wan
    for p in ctx.projects_reached(Stage.reviewed):
        yield from missing_documents(p, (DocumentKind.crypto_plan,), when="技术评审时", when_en="from technical review")
        total = p.budget.total_wan
        if total >= limit:
            yield from missing_documents(
                p, (DocumentKind.feasibility_study, DocumentKind.preliminary_design),
                when=f"投资 {total:g} 万元，属 {limit:g} 万元及以上的重大项目，技术评审时（实施方案不能代替）",
                when_en=f"a major project of {total:g} ≥ {limit:g} wan, from technical review",
            )
        elif not _has(p, DocumentKind.implementation_plan) and not (
            _has(p, DocumentKind.feasibility_study) and _has(p, DocumentKind.preliminary_design)
        ):
            yield problem(p, "documents.implementation_plan",
                          f"项目 {p.id} 技术评审时须提供项目建设方案：实施方案（documents.implementation_plan），"
                          "或可行性研究报告和初步设计方案（documents.feasibility_study、documents.preliminary_design）",
                          f"project {p.id} needs an implementation_plan, or both feasibility_study and preliminary_design, "
                          "from technical review: give one of them (a path under docs/ or a document number)")


def _has(p: Project, kind: DocumentKind) -> bool:
    return bool(p.documents.get(kind))


@rule("JX7", local=True, name="trusted-products-statement", title="技术评审时说明产品安全可靠情况", kind=Kind.record,
      profile=PROFILE.id, cite=[JX7],
      fails="""
      milestones: {reviewed: {date: 2025-01-10, ref: 金大数据评〔2025〕4号}}
      documents: {}
      """,
      passes="""
      milestones: {reviewed: {date: 2025-01-10, ref: 金大数据评〔2025〕4号}}
      documents:
        trusted_products_statement: docs/2025-zwfw-001/安全可靠情况说明.pdf
      """)
def jx7(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自 ``milestones.reviewed``（评审）起，项目须有 ``documents.trusted_products_statement``（安全可靠情况说明）。

    第七条要求项目采用安全可靠的技术和产品，项目建设单位须对产品的安全可靠情况作出说明，
    并与项目建设方案一并提交技术评审。
    """
    yield from documents_from(ctx, Stage.reviewed, (DocumentKind.trusted_products_statement,),
                              when="技术评审时", when_en="from technical review")


@rule("JX8", local=True, name="party-committee-decision", title="经本单位党委（党组）会议集体研究", kind=Kind.record,
      profile=PROFILE.id, cite=[JX8],
      fails="""
      milestones: {reviewed: {date: 2025-01-10, ref: 金大数据评〔2025〕4号}}
      documents: {}
      """,
      passes="""
      milestones: {reviewed: {date: 2025-01-10, ref: 金大数据评〔2025〕4号}}
      documents:
        party_committee_decision: 县财政局党组会议纪要〔2024〕15号
      """)
def jx8(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自 ``milestones.reviewed``（评审）起，项目须有 ``documents.party_committee_decision``（党委（党组）会议集体研究纪要）。

    第八条要求项目建设单位经本单位党委（党组）会议集体研究，统筹建设需求形成整体方案，再提交评审；
    会议纪要就是集体研究的证明。
    """
    yield from documents_from(ctx, Stage.reviewed, (DocumentKind.party_committee_decision,),
                              when="技术评审时", when_en="from technical review")


def _live_created(ctx: Context) -> Iterator[tuple[Project, str, System]]:
    """(project, field, system) for the active systems that non-terminated projects create."""
    for p in ctx.projects:
        if p.milestones.terminated is not None:
            continue
        for field, s in created_systems(ctx, p):
            if s.active:
                yield p, field, s


@rule("JX9", name="county-cloud-or-own-duty", title="未部署县政务云的系统由单位承担安全主体责任", kind=Kind.record,
      profile=PROFILE.id, cite=[JX9], severity=Severity.warning,
      fails="""
      # systems/gaj/gaj-video.yaml: deployment: own_machine_room
      systems: {creates: [gaj-video]}
      """,
      passes="""
      # systems/gaj/gaj-video.yaml: deployment: county_cloud
      systems: {creates: [gaj-video]}
      """)
def jx9(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """未终止的项目在 ``systems.creates`` 中新建的在用系统，凡未部署在 ``county_cloud``（县级政务云）的，逐个给出警告。

    第九条要求充分依托县政务云开展项目建设；未能部署在政务云的系统，由项目建设单位履行网络安全和数据保护主体责任。
    这种情况是允许的，所以只作警告：让审核人员看到单位已承担起这份责任。

    依据说明：条文第二句说的是“政务云”，不限于县政务云。因此部署在市级或省级政务云的系统，
    只提示其未依托县政务云（请在 ``notes`` 中说明原因）；部署在政务云之外的系统，才提示由单位承担安全主体责任。
    """
    for p, field, s in _live_created(ctx):
        if s.deployment is Deployment.county_cloud:
            continue
        where = f"项目 {p.id} 新建的系统 {s.id} 部署在{s.deployment.label}（deployment: {s.deployment.value}）"
        if s.deployment in GOVERNMENT_CLOUDS:
            yield problem(p, field,
                          f"{where}，未依托县政务云建设：请在 notes 中说明原因，如无特殊需要请部署到县政务云（deployment: county_cloud）",
                          f"project {p.id} creates system {s.id} on the {s.deployment.value}, not on the county cloud: "
                          "give the reason in notes or move it to county_cloud")
        else:
            yield problem(p, field,
                          f"{where}，未部署在政务云：建设单位须自行履行网络安全和数据保护主体责任；"
                          "如无特殊需要，请部署到县政务云（deployment: county_cloud）",
                          f"project {p.id} creates system {s.id} outside the government cloud ({s.deployment.value}): "
                          "the unit bears its security and data protection duty; move it to county_cloud unless there is a reason")


AUDIENCE_PLATFORMS: dict[Audience, tuple[Platform, ...]] = {
    Audience.internal: (Platform.shandongtong,),
    Audience.public: (Platform.gov_service_platform, Platform.aishandong),
    Audience.both: (Platform.shandongtong, Platform.gov_service_platform, Platform.aishandong),
}


@rule("JX10", name="shandongtong-and-aishandong", title="对公系统依托山东通，面向公众系统依托政务服务平台和爱山东",
      kind=Kind.record, profile=PROFILE.id, cite=[JX10],
      fails="""
      # systems/zwfw/zwfw-hall.yaml: audience: public, platforms: [gov_service_platform]
      systems: {creates: [zwfw-hall]}
      """,
      passes="""
      # systems/zwfw/zwfw-hall.yaml: audience: public, platforms: [gov_service_platform, aishandong]
      systems: {creates: [zwfw-hall]}
      """)
def jx10(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """未终止的项目在 ``systems.creates`` 中新建的在用系统，须按服务对象（``audience``）在 ``platforms`` 中接入平台：
    ``internal`` 或 ``both`` 须接入 ``shandongtong``（山东通）；``public`` 或 ``both`` 须接入
    ``gov_service_platform``（一体化在线政务服务平台）和 ``aishandong``（爱山东）。未填写 ``audience`` 的系统不检查。

    第十条规定，面向机关单位及公职人员的对公服务系统依托“山东通”平台建设，面向公众的公共服务系统
    依托一体化在线政务服务平台和“爱山东”移动政务服务平台建设，让群众在一个入口找到所有服务，而不是一个部门一个 App。
    """
    for p, field, s in _live_created(ctx):
        if s.audience is None:
            continue  # no audience, no platform duty to check
        needed = AUDIENCE_PLATFORMS.get(s.audience, ())
        missing = [pl for pl in needed if pl not in s.platforms]
        if missing:
            labels = "、".join(pl.label for pl in missing)
            ids = ", ".join(pl.value for pl in missing)
            yield problem(p, field,
                          f"项目 {p.id} 新建的系统 {s.id} 服务对象为{s.audience.label}，须依托{labels}建设："
                          f"请在 systems/{s.unit}/{s.id}.yaml 的 platforms 中加入 {ids}",
                          f"project {p.id} creates system {s.id} (audience {s.audience.value}), which must connect {ids}: "
                          f"add them to platforms in systems/{s.unit}/{s.id}.yaml")


@rule("JX12", local=True, name="internet-plus-supervision", title="执法监管系统对接“互联网+监管”", kind=Kind.record,
      profile=PROFILE.id, cite=[JX12],
      fails="""
      enforcement: true
      status: operating
      platforms: [shandongtong]
      """,
      passes="""
      enforcement: true
      status: operating
      platforms: [shandongtong, internet_plus_supervision]
      """)
def jx12(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """标记为 ``enforcement: true``（执法监管业务系统）的在用系统，须在 ``platforms`` 中接入 ``internet_plus_supervision``（省“互联网+监管”系统）。

    第十二条要求执法监管业务系统与省“互联网+监管”系统对接，及时推送监管数据。
    """
    for s in ctx.systems:
        if s.enforcement and s.active and Platform.internet_plus_supervision not in s.platforms:
            yield problem(s, "platforms",
                          f"执法监管业务系统 {s.id}（{s.name}）未对接省“互联网+监管”系统：请完成对接并在 platforms 中加入 internet_plus_supervision",
                          f"enforcement system {s.id} is not connected to the province's internet_plus_supervision system: "
                          "connect it and add internet_plus_supervision to platforms")


@rule("JX13", local=True, name="shared-into-big-data-platform", title="运行中系统共享数据并接入一体化大数据平台", kind=Kind.record,
      profile=PROFILE.id, cite=[JX13],
      fails="""
      status: operating
      platforms: [shandongtong]
      data: {shared: false}
      """,
      passes="""
      status: operating
      platforms: [shandongtong, big_data_platform]
      data: {shared: true}
      """)
def jx13(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """状态为 ``operating``（运行中）的系统须 ``data.shared: true``，并在 ``platforms`` 中接入 ``big_data_platform``
    （县一体化大数据平台）；有经批准的 ``data.sharing_exemption``（共享豁免）的系统，这两项都不检查。

    第十三条要求项目建设单位建立信息共享长效机制，数据资源纳入县一体化大数据平台。
    不共享的系统须经批准，批准文件登记为共享豁免。
    """
    for s in ctx.systems:
        if s.status is not SystemStatus.operating or s.data.sharing_exemption is not None:
            continue
        if s.data.shared is not True:
            yield problem(s, "data.shared",
                          f"运行中的系统 {s.id}（{s.name}）未按要求共享数据：请按要求共享并填写 data.shared: true，"
                          "确实不能共享的须经批准并填写 data.sharing_exemption",
                          f"operating system {s.id} does not share its data (data.shared is not true) and has no sharing_exemption: "
                          "share it and set data.shared: true, or record the approval in data.sharing_exemption")
        if Platform.big_data_platform not in s.platforms:
            yield problem(s, "platforms",
                          f"运行中的系统 {s.id}（{s.name}）的数据资源未纳入县一体化大数据平台：请完成接入并在 platforms 中加入 big_data_platform",
                          f"operating system {s.id} is not connected to big_data_platform: connect it and add big_data_platform to platforms")
