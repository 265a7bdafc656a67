"""金乡县规则集（jinxiang，见 RULES.md）：金乡县政务信息化项目建设管理办法（金政字〔2024〕80号）。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field

from registry.dates import TODAY_FIRST, add_months
from registry.enums import (
    STAGE_ORDER,
    Audience,
    Deployment,
    DocumentKind,
    EvaluationKind,
    Nature,
    Platform,
    Stage,
    SystemStatus,
)
from registry.findings import Message, Severity
from registry.models import Project, System
from registry.rules.base import Citation, Context, Kind, NoParams, Params, Problem, problem, rule
from registry.rules.change import new_changes
from registry.rules.helpers import (
    approved_before,
    calendar_of,
    changed_scope,
    created_systems,
    evaluations_between,
    missing_documents,
    percent,
    system_shortfalls,
    target_systems,
)
from registry.workdays import Calendar, Verdict

PROFILE = "jinxiang"

ART6 = Citation(
    PROFILE, "第六条",
    "技术评审。项目建设单位应根据需求评审结果编制项目建设和密码应用方案(500万元及以上的重大项目需提供可行性研究报告和初步设计)，"
    "并及时向县大数据局报备。",
)
ART7 = Citation(
    PROFILE, "第七条",
    "项目建设应采用安全可靠的技术和产品，项目建设单位应对产品的安全可靠情况进行说明，和项目建设方案一并提交技术评审。",
)
ART8 = Citation(PROFILE, "第八条", "项目建设单位应经本单位党委（党组）会议集体研究，统筹建设需求形成整体方案。")
ART9 = Citation(
    PROFILE, "第九条",
    "项目建设单位应充分依托县政务云开展政务信息化项目建设，对于未能部署在政务云的信息化系统，应当履行网络安全和数据保护主体责任。",
)
ART10 = Citation(
    PROFILE, "第十条",
    "面向机关单位及公职人员的对公服务系统，应依托“山东通”平台进行建设；面向公众提供公共服务的业务系统，"
    "应依托一体化在线政务服务平台和“爱山东”移动政务服务平台进行建设。",
)
ART12 = Citation(PROFILE, "第十二条", "执法监管业务系统应与省“互联网+监管”系统对接，及时推送监管数据。")
ART13 = Citation(
    PROFILE, "第十三条",
    "项目建设单位应建立信息共享长效机制，确保实现数据共享开放有关要求，数据资源应纳入县一体化大数据平台。",
)
ART18 = Citation(PROFILE, "第十八条", "立项的政务信息化项目纳入项目库统一管理。")
ART22 = Citation(PROFILE, "第二十二条", "未纳入项目库的项目一律不安排年度预算。")
ART24 = Citation(
    PROFILE, "第二十四条",
    "项目预算下达后，建设单位应签署《项目建设主体责任书》并向县大数据局备案",
)
ART25 = Citation(
    PROFILE, "第二十五条",
    "对未按要求汇聚共享开放数据资源、未按要求使用全县统一政务信息基础设施资源、不符合密码应用和网络安全要求、绩效评价结果不佳、"
    "存在重大安全隐患、未按要求备案项目建设进展情况，项目建设单位不得申请运行维护经费。",
)
ART28 = Citation(
    PROFILE, "第二十八条",
    "在中标（成交）通知书发出之日起 10 个工作日内签订正式采购合同，合同应在签订完成后 10 个工作日内向县大数据局备案。",
)
ART30_IP = Citation(PROFILE, "第三十条", "项目合同中应明确项目产生的系统、组件、文档、源代码等相关成果的知识产权归属")
ART30_TERMS = Citation(
    PROFILE, "第三十条", "合同中应明确项目实施周期、质保范围、质保期限和质保责任等，实施周期不应超过 3 年，质保期一般不低于 2 年。",
)
ART33 = Citation(
    PROFILE, "第三十三条",
    "对于建设目标、建设地点、项目预算、主要建设内容和建设进度等发生较大变化的，项目建设单位应事先向项目审批部门提交调整申请，"
    "经审核合格后，按照县政府投资项目变更管理的相关要求，重新履行审批手续，变更情况及时向县大数据局备案。",
)
ART35 = Citation(PROFILE, "第三十五条", "项目建设单位未按期提出竣工验收申请的，应当向县大数据局提出延期验收申请")
ART36 = Citation(
    PROFILE, "第三十六条", "项目建设单位应在项目竣工验收并投入使用或运营后每年开展一次项目自评价，自评价报告报送县大数据局。",
)
ART37 = Citation(PROFILE, "第三十七条", "新建政务信息化项目网络安全预算不低于项目总预算的5%。")
ART44 = Citation(PROFILE, "第四十四条", "未经立项的政务信息化项目一律不准建设。")


# ---------------------------------------------------------------------------------------------
# Review (第二章 项目评审)


class MajorProjectParams(Params):
    major_project_wan: float = Field(
        500, gt=0, le=1_000_000, description="重大项目标准（万元）：投资达到或超过此数（“500万元及以上”）须提供可行性研究报告和初步设计",
    )


@rule("JX6", name="technical-review-documents", title="技术评审提交建设方案和密码应用方案", kind=Kind.record,
      profile=PROFILE, cite=[ART6], params=MajorProjectParams,
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
    for p in ctx.projects:
        if not p.reached(Stage.reviewed):
            continue
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


@rule("JX7", name="trusted-products-statement", title="技术评审时说明产品安全可靠情况", kind=Kind.record,
      profile=PROFILE, cite=[ART7],
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
    for p in ctx.projects:
        if p.reached(Stage.reviewed):
            yield from missing_documents(p, (DocumentKind.trusted_products_statement,),
                                         when="技术评审时", when_en="from technical review")


@rule("JX8", name="party-committee-decision", title="经本单位党委（党组）会议集体研究", kind=Kind.record,
      profile=PROFILE, cite=[ART8],
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
    for p in ctx.projects:
        if p.reached(Stage.reviewed):
            yield from missing_documents(p, (DocumentKind.party_committee_decision,),
                                         when="技术评审时", when_en="from technical review")


# ---------------------------------------------------------------------------------------------
# Systems: cloud, platforms, sharing


GOVERNMENT_CLOUDS = frozenset({Deployment.county_cloud, Deployment.city_cloud, Deployment.province_cloud})


def _live_created(ctx: Context) -> Iterator[tuple[Project, str, System]]:
    """(project, field, system) for the active systems that non-terminated projects create."""
    for p in ctx.projects:
        if p.milestones.terminated is not None:
            continue
        for field, s in created_systems(ctx, p):
            if s.active:
                yield p, field, s


@rule("JX9", name="county-cloud-or-own-duty", title="未部署县政务云的系统由单位承担安全主体责任", kind=Kind.record,
      profile=PROFILE, cite=[ART9], severity=Severity.warning,
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
      kind=Kind.record, profile=PROFILE, cite=[ART10],
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


@rule("JX12", name="internet-plus-supervision", title="执法监管系统对接“互联网+监管”", kind=Kind.record,
      profile=PROFILE, cite=[ART12],
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


@rule("JX13", name="shared-into-big-data-platform", title="运行中系统共享数据并接入一体化大数据平台", kind=Kind.record,
      profile=PROFILE, cite=[ART13],
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


# ---------------------------------------------------------------------------------------------
# Budget (第四章 财政预算管理)


@rule("JX22", name="budget-only-for-approved-projects", title="未立项（未入项目库）的项目不安排预算", kind=Kind.record,
      profile=PROFILE, cite=[ART18, ART22],
      fails="""
      milestones:
        budgeted: {date: 2025-03-01, amount_wan: 180}   # 没有立项批复
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        budgeted: {date: 2025-03-01, amount_wan: 180}
      """)
def jx22(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """有 ``milestones.budgeted``（预算下达）的项目，须有 ``milestones.approved``（立项批复），且批复日期不晚于预算下达日期。

    第十八条规定立项的项目纳入项目库统一管理，第二十二条规定未纳入项目库的项目一律不安排年度预算：
    先立项、后安排资金，不能反过来。
    """
    for p in ctx.projects:
        budgeted, approved = p.milestones.budgeted, p.milestones.approved
        if budgeted is None:
            continue
        if approved is None:
            yield problem(p, "milestones.budgeted",
                          f"项目 {p.id} 于 {budgeted.date} 下达预算，但没有立项批复（milestones.approved）：未纳入项目库的项目一律不安排年度预算，"
                          "请补录立项批复文号和日期",
                          f"project {p.id} was budgeted on {budgeted.date} without approval: no budget outside the project library; "
                          "record the approval (milestones.approved)")
        elif budgeted.date < approved.date:
            yield problem(p, "milestones.budgeted",
                          f"项目 {p.id} 预算下达 {budgeted.date} 早于立项批复 {approved.date}：须先立项纳入项目库再安排预算，请核实日期",
                          f"project {p.id} was budgeted on {budgeted.date}, before its approval on {approved.date}: approval comes "
                          "first; check the dates")


@rule("JX24", name="responsibility-letter", title="预算下达后签署项目建设主体责任书", kind=Kind.record,
      profile=PROFILE, cite=[ART24],
      fails="""
      milestones:
        budgeted: {date: 2025-03-01, amount_wan: 180}
      documents: {}
      """,
      passes="""
      milestones:
        budgeted: {date: 2025-03-01, amount_wan: 180}
      documents:
        responsibility_letter: docs/2025-czj-001/项目建设主体责任书.pdf
      """)
def jx24(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自 ``milestones.budgeted``（预算下达）起，项目须有 ``documents.responsibility_letter``（项目建设主体责任书）。

    第二十四条规定，项目预算下达后，建设单位须签署《项目建设主体责任书》并向县大数据局备案，
    按照“谁建设谁负责，谁使用谁负责”的原则落实建设责任。
    """
    for p in ctx.projects:
        if p.reached(Stage.budgeted):
            yield from missing_documents(p, (DocumentKind.responsibility_letter,),
                                         when="预算下达后", when_en="from budget release")


OM_NATURES = frozenset({Nature.om, Nature.operation_service})


@rule("JX25", name="no-om-funds-for-noncompliant-systems", title="不合要求的系统不得申请运行维护经费", kind=Kind.record,
      profile=PROFILE, cite=[ART25],
      fails="""
      # systems/czj/czj-budget.yaml: deployment: own_machine_room, data: {shared: true}
      nature: om
      milestones: {planned: 2024-12-15}
      systems: {maintains: [czj-budget]}
      """,
      passes="""
      # systems/czj/czj-budget.yaml: deployment: county_cloud, data: {shared: true}
      nature: om
      milestones: {planned: 2024-12-15}
      systems: {maintains: [czj-budget]}
      """)
def jx25(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """性质为 ``om``（运行维护）或 ``operation_service``（运营服务）的在建项目（已纳入年度计划，尚未竣工验收也未终止），
    其涉及的每个系统（``systems.upgrades`` 和 ``systems.maintains`` 所列系统）须满足：共享数据（``data.shared: true``，
    或有经批准的 ``data.sharing_exemption``）；密码应用安全性评估未被判为不合格（``security.crypto_assessment`` 不是 ``failed``）；
    没有未消除的重大安全隐患（``security.major_risks`` 为空）；部署在 ``county_cloud``、``city_cloud`` 或 ``province_cloud``（政务云）上。

    第二十五条规定，对未按要求汇聚共享开放数据资源、未按要求使用全县统一政务信息基础设施资源、
    不符合密码应用和网络安全要求、存在重大安全隐患的系统，项目建设单位不得申请运行维护经费。

    依据说明：经批准的共享豁免也属于“按要求”共享（第十三条），因此有豁免的系统不因不共享而受限。
    本条没有提到重复采集数据，因此不检查 ``data.duplicate_collection``。
    """
    for p in ctx.projects:
        if not p.in_flight or p.nature not in OM_NATURES:
            continue
        for field, s in target_systems(ctx, p):
            reasons = system_shortfalls(s, duplicates=False)  # 第二十五条 does not name 重复采集
            if s.deployment not in GOVERNMENT_CLOUDS:
                reasons.append(Message(f"部署在{s.deployment.label}（deployment: {s.deployment.value}），未使用全县统一政务云资源",
                                       f"is deployed on {s.deployment.value}, not on the government cloud"))
            if reasons:
                yield problem(p, field,
                              f"运维项目 {p.id} 服务的系统 {s.id}（{s.name}）{'；'.join(r.zh for r in reasons)}："
                              f"不得为其申请运行维护经费，请先整改系统 {s.id}",
                              f"O&M project {p.id} serves system {s.id}, which {'; '.join(r.en for r in reasons)}: "
                              f"no O&M money may be applied for until it is fixed; fix system {s.id} first")


# ---------------------------------------------------------------------------------------------
# Procurement and contract (第五章 采购和合同管理)


class ContractDaysParams(Params):
    contract_working_days: int = Field(
        10, ge=1, le=250,
        description="中标（成交）通知书发出后签订合同、合同签订后向县大数据局备案的期限（法定工作日，发出/签订当日不计，第 N 个工作日当天仍按期）",
    )


@rule("JX28", name="contract-within-working-days", title="中标后 10 个工作日内签约、签约后 10 个工作日内备案",
      kind=Kind.record, profile=PROFILE, cite=[ART28], params=ContractDaysParams,
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


def _signed_in_time(ctx: Context, days: Calendar, p: Project, awarded: dt.date, signed: dt.date | None,
                    n: int) -> Iterator[Problem]:
    if signed is None:
        if p.milestones.terminated is None:
            verdict = _verdict(ctx, days, awarded, ctx.today, n)
            if not verdict.on_time:
                zh, en = _lateness(verdict, n)
                yield _overdue(p, "milestones.awarded",
                               f"项目 {p.id} 中标（成交）通知书于 {awarded} 发出，至今（{ctx.today}）{zh}，仍未登记合同签订："
                               "请尽快签订合同并登记 milestones.contracted",
                               f"project {p.id} was awarded on {awarded}; today ({ctx.today}) is {en} and no contract is "
                               "recorded: sign the contract and record milestones.contracted")
        return
    verdict = _verdict(ctx, days, awarded, signed, n)
    if not verdict.on_time:
        zh, en = _lateness(verdict, n)
        yield problem(p, "milestones.contracted.date",
                      f"合同签订日期 {signed} 距中标（成交）{awarded} {zh}：请核实日期；确属逾期的，请在 notes 中说明原因",
                      f"contract signed on {signed}, award on {awarded}: {en}; check the dates, and if it was late give the "
                      "reason in notes")


def _filed_in_time(ctx: Context, days: Calendar, p: Project, signed: dt.date, filed: dt.date | None,
                   n: int) -> Iterator[Problem]:
    field = "milestones.contracted.filed_on"
    if filed is None:
        if p.milestones.terminated is None:
            verdict = _verdict(ctx, days, signed, ctx.today, n)
            if not verdict.on_time:
                zh, en = _lateness(verdict, n)
                yield _overdue(p, "milestones.contracted",
                               f"项目 {p.id} 合同于 {signed} 签订，至今（{ctx.today}）{zh}，仍未登记备案日期："
                               "请向县大数据局备案合同并填写 milestones.contracted.filed_on",
                               f"project {p.id}'s contract was signed on {signed}; today ({ctx.today}) is {en} and no filing "
                               "date is recorded: file the contract with the data bureau and record milestones.contracted.filed_on")
        return
    if filed < signed:
        yield problem(p, field, f"合同备案日期 {filed} 早于签订日期 {signed}：请核实日期",
                      f"contract filed on {filed}, before it was signed on {signed}: check the dates")
        return
    verdict = _verdict(ctx, days, signed, filed, n)
    if not verdict.on_time:
        zh, en = _lateness(verdict, n)
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


@rule("JX30", name="contract-terms", title="合同约定知识产权、实施周期不超过 3 年、质保期不低于 2 年",
      kind=Kind.record, profile=PROFILE, cite=[ART30_IP, ART30_TERMS],
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


# ---------------------------------------------------------------------------------------------
# Changes, acceptance, evaluation


_SCOPE_LABELS = {"budget.total_wan": "项目预算", "content": "主要建设内容", "systems": "涉及系统"}


@rule("JX33", name="changes-reapproved", title="批复后调整预算、内容须重新履行审批手续", kind=Kind.change,
      profile=PROFILE, cite=[ART33],
      fails="""
      # 基准版本：已立项，total_wan: 180
      budget: {total_wan: 200}
      changes:
        - {date: 2025-06-01, description: 增加数据治理模块, amount_wan: 20}   # 没有变更批复
      """,
      passes="""
      budget: {total_wan: 200}
      changes:
        - {date: 2025-06-01, description: 增加数据治理模块, amount_wan: 20,
           approval: {doc_no: 金大数据发〔2025〕21号, date: 2025-06-01}}
      """)
def jx33(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，``budget.total_wan``、``content`` 或 ``systems`` 有任何改动，
    须在 ``changes`` 中新增一条带 ``approval``（变更批复文号和日期）的变更记录。

    第三十三条规定，项目预算、主要建设内容等发生较大变化的，项目建设单位须事先提交调整申请，
    重新履行审批手续，并将变更情况及时向县大数据局备案。

    依据说明：条文说“较大变化”，但没有给出衡量标准；本规则与 RULES.md 一致，把批复后这几项的任何改动都视为较大变化。
    如本县确定了衡量标准，可以在 ``registry.yaml`` 的 ``disabled_rules`` 中停用本规则并写明理由。
    """
    for p in ctx.projects:
        before = approved_before(ctx, p)
        if before is None:
            continue
        changed = changed_scope(before, p)
        if not changed or any(c.approval for c in new_changes(before, p)):
            continue
        what = "、".join(f"{_SCOPE_LABELS[field]}（{field}）" for field in changed)
        yield problem(p, changed[0],
                      f"项目 {p.id} 立项批复后调整了{what}：须事先提交调整申请、重新履行审批手续，请在 changes 中登记本次变更"
                      "并填写 approval（变更批复文号、日期）",
                      f"project {p.id} changed {', '.join(changed)} after approval: record the change in changes with its "
                      "re-approval (approval)")


@rule("JX35", name="acceptance-extension", title="实施周期届满未验收须申请延期", kind=Kind.deadline, profile=PROFILE,
      cite=[ART35, ART30_TERMS],
      fails="""
      milestones:
        contracted: {date: 2024-05-01, implementation_months: 12, warranty_months: 24, ip_clause: true}
      # 今天 2025-12-01：实施周期已于 2025-05-01 届满，未竣工验收
      """,
      passes="""
      milestones:
        contracted: {date: 2025-05-01, implementation_months: 12, warranty_months: 24, ip_clause: true}
      """)
def jx35(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """合同签订日期（``milestones.contracted.date``）加上 ``implementation_months`` 个自然月为实施周期届满日；
    今天已晚于届满日，而项目既没有 ``milestones.final_acceptance``（竣工验收）也没有 ``milestones.terminated``（终止）时，
    给出警告（届满日当天仍算按期）。

    第三十五条规定，项目建设单位未按期提出竣工验收申请的，须向县大数据局提出延期验收申请。
    合同约定的实施周期就是单位承诺的建设期限；警告提醒单位及时验收，或者申请延期。
    """
    for p in ctx.projects:
        c = p.milestones.contracted
        if c is None or c.implementation_months is None:
            continue
        if p.milestones.final_acceptance is not None or p.milestones.terminated is not None:
            continue
        due = add_months(c.date, c.implementation_months)
        if ctx.today > due:
            yield problem(p, "milestones.contracted.implementation_months",
                          f"项目 {p.id} 合同于 {c.date} 签订、实施周期 {c.implementation_months} 个月，已于 {due} 届满，至今未竣工验收："
                          "请提出竣工验收申请，或向县大数据局提出延期验收申请",
                          f"project {p.id}'s implementation period of {c.implementation_months} months from {c.date} ended on "
                          f"{due} without final acceptance: apply for acceptance or for an extension")


@rule("JX36", name="yearly-self-evaluation", title="竣工验收后每年开展一次自评价", kind=Kind.deadline, profile=PROFILE,
      cite=[ART36],
      fails="""
      milestones:
        final_acceptance: {date: 2023-06-30, passed: true}
      evaluations:
        - {kind: self, date: 2024-06-20, ref: 金财自评〔2024〕1号}   # 第二年（至 2025-06-30）没有自评价
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2023-06-30, passed: true}
      evaluations:
        - {kind: self, date: 2024-06-20, ref: 金财自评〔2024〕1号}
        - {kind: self, date: 2025-06-18, ref: 金财自评〔2025〕1号}
      """)
def jx36(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """竣工验收合格（``milestones.final_acceptance`` 为 ``passed: true``）后，每个完整的运行年度都须有一次 ``kind: self`` 的自评价：
    第 k 年从验收日加 (k−1) 年的次日起，到验收日加 k 年当天止（含）；该年度结束后（今天晚于其最后一天）才检查。
    每缺一年给出一条警告。

    第三十六条规定，项目竣工验收并投入使用或运营后，项目建设单位每年开展一次自评价，自评价报告报送县大数据局；
    评价情况是后续安排运行维护资金的重要依据。
    """
    for p in ctx.projects:
        accepted = p.milestones.final_acceptance
        if accepted is None or not accepted.passed or accepted.date < TODAY_FIRST:
            continue  # (a year before 1990 is mistyped: REG007 says so, not a warning per year)
        year = 1
        while (closes := add_months(accepted.date, 12 * year)) < ctx.today:
            opens = add_months(accepted.date, 12 * (year - 1)) + dt.timedelta(days=1)
            if not evaluations_between(p, EvaluationKind.self, opens, closes):
                yield problem(p, "evaluations",
                              f"项目 {p.id} 竣工验收后第 {year} 年（{opens} 至 {closes}）没有自评价：请补做自评价，报送县大数据局，"
                              "并在 evaluations 中登记（kind: self）",
                              f"project {p.id} has no self evaluation in year {year} after acceptance ({opens} to {closes}): "
                              "carry one out and record it in evaluations")
            year += 1


# ---------------------------------------------------------------------------------------------
# Security budget, approval before building


class SecurityShareParams(Params):
    min_security_share: float = Field(
        0.05, ge=0, le=1, description="新建项目网络安全预算占项目总预算的最低比例（“不低于5%”，恰好等于仍合格）",
    )


@rule("JX37", name="security-budget-share", title="新建项目网络安全预算不低于总预算的 5%", kind=Kind.record,
      profile=PROFILE, cite=[ART37], params=SecurityShareParams,
      fails="""
      nature: new
      budget: {total_wan: 200, security_wan: 6}    # 3%
      """,
      passes="""
      nature: new
      budget: {total_wan: 200, security_wan: 10}   # 恰好 5%
      """)
def jx37(ctx: Context, params: SecurityShareParams) -> Iterator[Problem]:
    """性质为 ``new``（新建）的项目，``budget.security_wan``（网络安全预算）不得低于 ``budget.total_wan`` 的
    ``min_security_share``（默认 5%），恰好等于仍合格；未填写 ``security_wan`` 的按 0 计。

    第三十七条要求网络安全技术措施与信息化项目一体规划、一体建设、一体使用，
    新建政务信息化项目网络安全预算不低于项目总预算的5%。
    """
    share = params.min_security_share
    for p in ctx.projects:
        if p.nature is not Nature.new:
            continue
        needed = share * p.budget.total_wan
        have = p.budget.security_wan or 0
        if have < needed - 1e-6:
            yield problem(p, "budget.security_wan",
                          f"新建项目 {p.id} 网络安全预算 {have:g} 万元，低于总预算 {p.budget.total_wan:g} 万元的 {percent(share)}"
                          f"（{needed:g} 万元）：请调整预算，将 budget.security_wan 提高到不少于 {needed:g} 万元",
                          f"new project {p.id}: security budget {have:g} is below {percent(share)} of total "
                          f"{p.budget.total_wan:g} ({needed:g}): raise budget.security_wan to at least {needed:g}")



BUILDING_STAGES = STAGE_ORDER[STAGE_ORDER.index(Stage.awarded):]
DATED_BUILDING_STEPS = (Stage.awarded, Stage.contracted, Stage.started)


@rule("JX44", name="no-building-without-approval", title="未经立项一律不准建设", kind=Kind.record, profile=PROFILE,
      cite=[ART44],
      fails="""
      milestones:
        awarded: {date: 2025-04-01, method: open_tender}    # 没有立项批复
      """,
      passes="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        awarded: {date: 2025-04-01, method: open_tender}
      """)
def jx44(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已到 ``milestones.awarded``（中标（成交））、``milestones.contracted``（合同签订）、``milestones.started``（开工）
    或其后任一阶段的项目，须有 ``milestones.approved``（立项批复），且中标、合同签订、开工日期都不得早于批复日期。

    第四十四条规定，未经立项的政务信息化项目一律不准建设，擅自建设造成事故的由建设单位承担全部责任。
    采购和签订合同是建设的第一步，因此同样须在立项批复之后。
    """
    for p in ctx.projects:
        reached = [s for s in BUILDING_STAGES if p.milestones.get(s) is not None]
        if not reached:
            continue
        approved = p.milestones.approved
        if approved is None:
            first = reached[0]
            yield problem(p, f"milestones.{first.value}",
                          f"项目 {p.id} 的{first.label}日期为 {p.milestones.date_of(first)}，但没有立项批复（milestones.approved）："
                          "未经立项的政务信息化项目一律不准建设，请补录立项批复文号和日期",
                          f"project {p.id} reached {first.value} without approval (milestones.approved): "
                          "no project is built without approval; record the approval (doc_no and date)")
            continue
        for stage in DATED_BUILDING_STEPS:
            when = p.milestones.date_of(stage)
            if when is not None and when < approved.date:
                yield problem(p, f"milestones.{stage.value}",
                              f"项目 {p.id} {stage.label}日期 {when} 早于立项批复 {approved.date}：未经立项不准建设，请核实日期",
                              f"project {p.id}: {stage.value} on {when} is before its approval on {approved.date}: nothing is built "
                              "before approval; check the dates")
