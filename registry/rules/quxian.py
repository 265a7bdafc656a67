"""Rules of the quxian profile (RULES.md): 渠县信息化项目管理办法 (渠府发〔2022〕12号).

Every quote below is copied from the seed text; where the text has a line break between two
paragraphs the quote has one too, so the quote matches the text under any whitespace
normalisation. Where RULES.md's table and the article differ, the rule follows the article and
its docstring says so.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator

from registry.dates import add_months, month_day_in, parse_month_day
from registry.enums import (
    Audience,
    BasisKind,
    Builder,
    Delivery,
    Deployment,
    DocumentKind,
    FundSource,
    Hardware,
    Nature,
    Platform,
    Stage,
    SystemStatus,
)
from registry.models import Project, System
from registry.rules.base import Citation, Context, Kind, NoParams, Problem, problem, rule
from registry.rules.change import QX12 as QX12_CITATION
from registry.rules.change import initial_registration, new_changes
from registry.rules.helpers import (
    approved_before,
    changed_scope,
    created_systems,
    missing_documents,
    stage_label,
    systems_named,
    target_systems,
)

PROFILE = "quxian"

# ---------------------------------------------------------------------------------------------
# Citations (quotes copied from /work/shared/seeds/000_*.txt)

QX6_TEXT = Citation(
    PROFILE, "第六条",
    "每年10月底前，县大数据中心对全县信息化项目进行摸底征集，由计划建设信息化项目的单位向县大数据中心进行申报，"
    "提交信息化项目申报表。项目申报单位基于本部门（单位）、本行业需求，做好项目申报工作，"
    "对未申报的信息化项目，不予列入来年支出预算。",
)
QX7_BASICS = Citation(
    PROFILE, "第七条（一）",
    "（一）基本情况。包括项目名称、项目单位、项目建设依据（相关的文件、批示、规划、会议纪要、项目关联单位意见等）"
    "和必要性、项目建设内容、项目绩效目标",
)
QX7_MATERIALS = Citation(
    PROFILE, "第七条（二）至（四）",
    "(二)建设方案。包括可行性研究报告、初步设计方案、数据资源共享方案、应用系统实施方案、信息资源目录、云服务需求方案、"
    "等级保护或分级保护方案、密码应用方案等;\n"
    "(三)资金来源。包括投资额度和运行维护经费、经费渠道(预算内资金、中央、省、市、县专项资金等)等;\n"
    "(四)项目绩效目标及绩效指标。对存在项目申报资料不全或未按申报要求提交、单位已建系统可满足需求或新需求不清晰、"
    "现有信息系统数据应共享未共享、无正当理由拒绝新建系统数据共享开放等情形的项目,均不列入信息化项目年度建设计划。",
)
QX8_TEXT = Citation(
    PROFILE, "第八条",
    "实施建设的信息化项目应按照基本建设程序,编报项目可行性研究报告(代项目建议书,下同)、初步设计方案(含投资概算,下同)。"
    "项目可行性研究报告、初步设计方案应包括系统整合、集约化建设和信息资源共享开放分析专篇(章)。\n"
    "前期工作深度达到规定要求,并符合下列情形之一的建设项目,可以合并项目可行性研究报告、初步设计方案,编报项目实施方案:\n"
    "(一)党中央、国务院和省委省政府、市委市政府、县委县政府有明确要求的;\n"
    "(二)涉及国家安全等特殊原因,情况紧急的。",
)
QX9_TEXT = Citation(
    PROFILE, "第九条",
    "购买服务的信息化项目应当在立项后，编报项目服务需求技术方案，包括项目必要性、技术性和经济性分析，信息资源共享分析，"
    "信息安全要求，采用建设和购买服务方式经济性比较分析，经费需求，招标和采购方案等内容，明确主要目标、服务需求。",
)
QX9_ECONOMY = Citation(
    PROFILE, "第九条（二）",
    "（二）在信息系统使用期限内，通过购买服务方式支付的服务费预算总额，明显小于通过自行建设所需的建设、运维经费总额，具有较好经济性的；",
)
QX15_1 = Citation(
    PROFILE, "第十五条（一）",
    "（一）新建或扩建机房、数据中心、私有云平台，新增服务器、存储设备、服务端网络设备等硬件设施采购的项目；",
)
QX15_2 = Citation(
    PROFILE, "第十五条（二）",
    "（二）互联网出口的线路租赁项目和未整合到电子政务网的专网租赁项目，未纳入电子政务网统一监管的终端安全防护项目；",
)
QX15_3 = Citation(PROFILE, "第十五条（三）", "（三）未部署到县云计算中心的新建项目，未迁移到县云计算中心的升级改造项目；")
QX15_4 = Citation(
    PROFILE, "第十五条（四）",
    "（四）新建或扩建数字证书、电子证照、电子签章、公共支付、物流配套、通知消息、咨询投诉等共性系统，"
    "政府网站支撑平台、独立封装的移动客户端、大数据处理分析平台、执法检查类系统及相关模块的项目；",
)
QX15_5 = Citation(
    PROFILE, "第十五条（五）",
    "（五）未接入智慧城市数字综合平台、城市公共信息服务平台、一体化政务服务平台的政务服务、公共服务类项目，"
    "未接入统一协同办公平台的办公类、决策辅助类项目；",
)
QX15_8 = Citation(PROFILE, "第十五条（八）", "（八）原项目尚未验收的升级改造类项目。")
QX16_TEXT = Citation(
    PROFILE, "第十六条",
    "应接入智慧城市数字综合平台。部门（单位）应强化信息资源的规划、开发、共享和利用，建立信息共享长效机制和共享信息使用情况反馈机制，"
    "确保信息资源共享，不得将应普遍共享的数据仅向特定企业、社会组织开放。",
)
QX17_TEXT = Citation(
    PROFILE, "第十七条",
    "对未落实相关技术要求完成数据归集的部门（单位），原则上不得申报新增项目。"
    "依据有关要求不能进行信息共享，但确有必要建设或保留的信息化项目，需报县大数据中心核准。",
)
QX27_TEXT = Citation(PROFILE, "第二十七条", "信息化项目立项后,需在网上进行投资概算初步询价公示。")
QX34_TEXT = Citation(
    PROFILE, "第三十四条",
    "县委县政府审定通过的信息化项目，总投资在30万元（含30万元）以下的或者向上争取资金的本部门本行业系统的项目，"
    "由项目申报单位组织建设。其余项目由县大数据中心统一按照有关规定统筹建设。",
)
QX36_TEXT = Citation(
    PROFILE, "第三十六条",
    "信息化项目的中标、成交单位应当在合同签订后，按照招标文件、投标文件、合同约定实施建设，原则上建设周期不超过1年。",
)
QX37_TEXT = Citation(
    PROFILE, "第三十七条",
    "已审定的信息化项目不得自行调整变更。确有重大调整或变更的，参照《渠县政府投资项目管理办法》实施。",
)
QX38_TEXT = Citation(PROFILE, "第三十八条", "项目建设完成后，原则上应开展试运行，时间不低于1个月。")

# ---------------------------------------------------------------------------------------------
# Parameters


class DeclarationParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    declaration_deadline: str = Field(
        "10-31", description="申报截止日（月-日，MM-DD）：安排某年度预算的项目须在上一年度该日（含）前申报（第六条“每年10月底前”）",
    )

    @field_validator("declaration_deadline")
    @classmethod
    def _month_day(cls, value: str) -> str:
        parse_month_day(value)  # raises ValueError with a Chinese message
        return value


class SelfBuildParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    self_build_limit_wan: float = Field(
        30, ge=0, description="项目单位自行组织建设的投资上限（万元，含本数）；超过且无上级资金的项目由县大数据中心统筹建设（第三十四条）",
    )


class BuildPeriodParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_build_months: int = Field(
        12, ge=1, description="建设周期上限（月，含本数），自合同签订日起算（第三十六条“原则上建设周期不超过1年”）",
    )


class TrialParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_trial_days: int = Field(
        30, ge=1, description="试运行最短天数（含起止两日）；竣工（履约）验收前须完成（第三十八条“时间不低于1个月”）",
    )


# ---------------------------------------------------------------------------------------------
# Small shared look-ups

BUILD_NATURES = frozenset({Nature.new, Nature.upgrade, Nature.expansion, Nature.rebuild})
UPGRADE_NATURES = frozenset({Nature.upgrade, Nature.expansion, Nature.rebuild})
# Natures whose project buys a service rather than building something (第三十八条 “项目建设完成后”).
SERVICE_NATURES = frozenset({Nature.om, Nature.operation_service, Nature.third_party})
ONLINE_STATUSES = frozenset({SystemStatus.trial, SystemStatus.operating})


def in_flight(ctx: Context) -> Iterator[Project]:
    return (p for p in ctx.projects if p.in_flight)


def created_or_upgraded(ctx: Context, p: Project) -> Iterator[tuple[str, System]]:
    """(field path, system) for ``creates`` + ``upgrades``: what 第十五条（三）（五） call
    新建项目 and 升级改造项目."""
    yield from created_systems(ctx, p)
    for i, _sid, s in systems_named(ctx, p.systems.upgrades):
        yield f"systems.upgrades[{i}]", s


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


def platform_names(platforms: Iterable[Platform]) -> str:
    return "、".join(f"{p.label}（{p.value}）" for p in platforms)


def exempt(s: System) -> bool:
    return s.data.sharing_exemption is not None


# ---------------------------------------------------------------------------------------------
# 第六条: declaration deadline


@rule("QX6", name="declared-before-deadline", title="列入预算的项目须在上年10月底前申报", kind=Kind.record,
      profile=PROFILE, cite=[QX6_TEXT], params=DeclarationParams,
      fails="""
      id: 2026-czj-001
      year: 2026
      milestones:
        declared: 2025-11-12      # 晚于 2025-10-31
        budgeted: {date: 2026-02-20, amount_wan: 80}
      """,
      passes="""
      id: 2026-czj-001
      year: 2026
      milestones:
        declared: 2025-10-31      # 截止日当天（含）
        budgeted: {date: 2026-02-20, amount_wan: 80}
      """)
def qx6(ctx: Context, params: DeclarationParams) -> Iterator[Problem]:
    """A project that has reached ``budgeted`` was ``declared`` on or before the declaration
    deadline (default 31 October, inclusive) of the year before its budget ``year``.

    The data centre collects next year's projects every October; a project that was not
    declared in time must not be put into next year's budget (“不予列入来年支出预算”). A budget
    without a timely declaration means the annual plan was bypassed.
    """
    for p in ctx.projects:
        if not p.reached(Stage.budgeted):
            continue
        deadline = month_day_in(p.year - 1, params.declaration_deadline)
        declared = p.milestones.date_of(Stage.declared)
        if declared is None:
            yield problem(
                p, "milestones.declared",
                f"项目 {p.id} 已下达 {p.year} 年度预算，但未登记申报日期（milestones.declared）：列入预算的项目须在 "
                f"{deadline} 前向县大数据中心申报，请补填申报日期",
                f"project {p.id} is budgeted for {p.year} but has no milestones.declared: it must have been "
                f"declared by {deadline}; add the declaration date",
            )
        elif declared > deadline:
            yield problem(
                p, "milestones.declared",
                f"项目 {p.id} 申报日期 {declared} 晚于 {p.year} 年度预算的申报截止日 {deadline}：未按期申报的项目"
                f"不予列入 {p.year} 年度支出预算，请核对申报日期，或改列入下一年度",
                f"project {p.id} was declared on {declared}, after the deadline {deadline} for the {p.year} "
                "budget: late projects are not budgeted for that year; check the date, or move the project to the "
                "next year",
            )


# ---------------------------------------------------------------------------------------------
# 第七条: declaration materials

QX7_DOCUMENTS = (
    DocumentKind.data_sharing_plan,
    DocumentKind.resource_catalog,
    DocumentKind.cloud_requirements,
    DocumentKind.mlps_plan,
    DocumentKind.crypto_plan,
)


@rule("QX7", name="declaration-complete", title="纳入年度计划的项目申报材料齐全", kind=Kind.record,
      profile=PROFILE, cite=[QX7_BASICS, QX7_MATERIALS],
      fails="""
      milestones:
        planned: 2024-12-15
      basis: []                   # 缺建设依据
      budget: {total_wan: 80}     # 缺年度运维费和资金来源
      documents: {}               # 缺数据共享方案等五项材料
      """,
      passes="""
      milestones:
        planned: 2024-12-15
      basis: [{title: 渠县“十四五”数字政府建设规划, kind: plan}]
      necessity: 现有系统无法支撑全流程网上办理
      content: 建设统一受理、审批和电子归档模块
      goals: [{indicator: 网上可办率, target: "100%"}]
      budget:
        total_wan: 80
        om_annual_wan: 8
        sources: [{kind: county_budget, amount_wan: 80}]
      documents:
        data_sharing_plan: 渠大数据〔2024〕31号附件1
        resource_catalog: docs/2025-czj-001/信息资源目录.xlsx
        cloud_requirements: 渠大数据〔2024〕31号附件2
        mlps_plan: 渠大数据〔2024〕31号附件3
        crypto_plan: 渠大数据〔2024〕31号附件4
      """)
def qx7(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """From ``planned``: the project has a basis, its necessity, its content, at least one goal
    with indicator and target, the yearly O&M cost, at least one funding source, and the
    documents data-sharing plan, resource catalogue, cloud requirements, MLPS plan and crypto
    plan. One finding per missing item.

    第七条 lists what a declaration holds and keeps incomplete declarations out of the annual
    plan (“申报资料不全……均不列入信息化项目年度建设计划”). The feasibility study and preliminary
    design of （二） are checked from approval by QX8, because 第八条 lets an implementation
    plan replace them and 第九条 has purchase projects write their plan only after approval.
    """
    for p in ctx.projects:
        if not p.reached(Stage.planned):
            continue
        yield from _declaration_fields(p)
        yield from missing_documents(p, QX7_DOCUMENTS, when="纳入年度建设计划后", when_en="from planned")


def _declaration_fields(p: Project) -> Iterator[Problem]:
    missing: list[tuple[str, str, str]] = []
    if not p.basis:
        missing.append(("basis", "建设依据（相关文件、批示、规划、会议纪要等）", "the basis"))
    if blank(p.necessity):
        missing.append(("necessity", "建设必要性", "the necessity"))
    if blank(p.content):
        missing.append(("content", "建设内容", "the content"))
    if not any(not blank(str(g.indicator)) and not blank(str(g.target)) for g in p.goals):
        missing.append(("goals", "至少一项写明指标（indicator）和目标值（target）的绩效目标", "a goal with indicator and target"))
    if p.budget.om_annual_wan is None:
        missing.append(("budget.om_annual_wan", "年度运行维护经费（万元）", "the yearly O&M cost"))
    if not p.budget.sources:
        missing.append(("budget.sources", "资金来源（经费渠道及金额）", "the funding sources"))
    for field_path, zh, en in missing:
        yield problem(
            p, field_path,
            f"项目 {p.id} 已纳入年度建设计划，申报材料缺少{zh}（{field_path}）：申报资料不全的项目不列入年度建设计划，请补填",
            f"project {p.id} is in the annual plan but its declaration lacks {en} ({field_path}): add it, since "
            "incomplete declarations are kept out of the annual plan",
        )


# ---------------------------------------------------------------------------------------------
# 第八条、第九条: feasibility study / preliminary design, purchase of services


@rule("QX8", name="feasibility-and-design", title="建设项目编报可研和初步设计", kind=Kind.record,
      profile=PROFILE, cite=[QX8_TEXT],
      fails="""
      nature: new
      delivery: build
      basis: [{title: 渠县数字政府建设规划, kind: plan}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      documents:
        implementation_plan: docs/2025-czj-001/实施方案.pdf   # 依据不是上级要求或紧急情况
      """,
      passes="""
      nature: new
      delivery: build
      basis: [{title: 县委县政府2025年重点工作任务, doc_no: 渠委办〔2025〕3号, kind: directive}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      documents:
        implementation_plan: docs/2025-czj-001/实施方案.pdf   # 可合并编报实施方案
      """)
def qx8(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """From ``approved``, a ``build`` project of nature new, upgrade, expansion or rebuild has
    a feasibility study and a preliminary design; an implementation plan replaces both only
    when a basis item is ``directive`` (a higher authority's explicit requirement) or
    ``urgent``.

    第八条 keeps the basic construction procedure; merging the two documents is the exception
    for projects that higher authorities demand or that are urgent, and it must not become a
    shortcut for ordinary projects.
    """
    for p in ctx.projects:
        if p.delivery is not Delivery.build or p.nature not in BUILD_NATURES or not p.reached(Stage.approved):
            continue
        may_merge = p.has_basis(BasisKind.directive, BasisKind.urgent)
        if may_merge and p.documents.get(DocumentKind.implementation_plan):
            continue
        for kind in (DocumentKind.feasibility_study, DocumentKind.preliminary_design):
            if not p.documents.get(kind):
                yield _design_missing(p, kind, may_merge=may_merge)


def _design_missing(p: Project, kind: DocumentKind, *, may_merge: bool) -> Problem:
    head = f"{p.nature.label}项目 {p.id} 已立项批复，缺少{kind.label}（documents.{kind.value}）"
    if may_merge:
        zh = f"{head}：其建设依据属上级明确要求或紧急情况，可改为合并编报实施方案（documents.implementation_plan）"
        en = (f"project {p.id} lacks documents.{kind.value}: add it, or (with its directive or urgent basis) an "
              "implementation_plan that merges the feasibility study and the preliminary design")
    elif p.documents.get(DocumentKind.implementation_plan):
        zh = (f"{head}：只有建设依据含上级或县委县政府明确要求（kind: directive）或紧急情况（kind: urgent）时，"
              "实施方案才能代替可研和初步设计，请补充该文件或核对建设依据")
        en = (f"project {p.id} lacks documents.{kind.value}: an implementation_plan replaces it only with a "
              "directive or urgent basis; add the document or check the basis")
    else:
        zh = f"{head}：请补充该文件（docs/ 下的路径或文件编号）"
        en = f"project {p.id} lacks documents.{kind.value}: add a path under docs/ or a document number"
    return problem(p, f"documents.{kind.value}", zh, en)


@rule("QX9", name="purchase-justified", title="购买服务项目有需求方案且比自建经济", kind=Kind.record,
      profile=PROFILE, cite=[QX9_TEXT, QX9_ECONOMY],
      fails="""
      delivery: purchase
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      cost_comparison: {build_wan: 120, purchase_wan: 150}   # 购买服务更贵
      """,
      passes="""
      delivery: purchase
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      documents:
        service_requirements: docs/2025-czj-002/服务需求技术方案.pdf
      cost_comparison: {build_wan: 150, purchase_wan: 96}
      """)
def qx9(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """From ``approved``, a ``purchase`` project has a service requirements plan and a
    ``cost_comparison`` whose ``purchase_wan`` is below ``build_wan``.

    Buying a service is allowed only when it is clearly cheaper over the system's life than
    building and running it (第九条（二）); the requirements plan carries that comparison.
    """
    for p in ctx.projects:
        if p.delivery is not Delivery.purchase or not p.reached(Stage.approved):
            continue
        yield from missing_documents(p, [DocumentKind.service_requirements], when="立项后（购买服务项目）", when_en="purchase, from approval")
        cost = p.cost_comparison
        if cost is None:
            yield problem(
                p, "cost_comparison",
                f"购买服务项目 {p.id} 已立项，缺少自建与购买服务的成本比较（cost_comparison: {{build_wan, purchase_wan}}）："
                "须证明使用期限内购买服务费用明显小于自行建设和运维费用",
                f"purchase project {p.id} needs cost_comparison {{build_wan, purchase_wan}} from approval: show that "
                "buying the service is clearly cheaper than building and running the system",
            )
        elif cost.purchase_wan >= cost.build_wan:
            yield problem(
                p, "cost_comparison.purchase_wan",
                f"购买服务项目 {p.id} 的购买服务费用 {cost.purchase_wan:g} 万元不低于自行建设和运维费用 {cost.build_wan:g} 万元："
                "购买服务须明显更经济，否则应改为自行建设（delivery: build），或核对成本测算",
                f"purchase project {p.id}: purchase_wan {cost.purchase_wan:g} is not below build_wan {cost.build_wan:g}; "
                "buying must be clearly cheaper, so build it (delivery: build) or check the estimate",
            )


# ---------------------------------------------------------------------------------------------
# 第十二条: every net-new system is approved


@rule("QX12", name="new-system-approved", title="新增政务信息系统须经论证审定", kind=Kind.change,
      profile=PROFILE, cite=[QX12_CITATION],
      fails="""
      # 基准版本中没有该系统；本单位同时整合了另一个系统，总量未增加
      id: czj-new-portal
      unit: czj
      status: building
      """,
      passes="""
      id: czj-new-portal
      unit: czj
      status: building
      new_system_approval: {doc_no: 渠府函〔2025〕21号, date: 2025-03-01}
      """)
def qx12(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """Every active system that did not exist at base carries ``new_system_approval``, even
    when its unit retires or merges another system in the same change.

    Stricter than the common CHG001: 第十二条 stops new, rebuilt and expanded systems and
    allows a necessary new one only after the data centre's review and the county
    government's decision, whatever happens to the unit's count. A system moved between units
    (CHG006) or revived (CHG003) is not new here; those rules cover it. The first registration
    of a registry (a base with no records) registers existing systems and is not checked.
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


# ---------------------------------------------------------------------------------------------
# 第十五条: projects not to be approved (in-flight projects only)

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


@rule("QX15.1", name="no-own-infrastructure", title="不新增机房、服务器等硬件设施", kind=Kind.record,
      profile=PROFILE, cite=[QX15_1],
      fails="""
      milestones: {planned: 2024-12-15}
      hardware: [server, storage]
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      hardware: []          # 计算和存储资源使用县云计算中心
      """)
def qx15_1(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """An in-flight project's ``hardware`` holds none of server, storage, network device,
    machine room, data centre or private cloud.

    Computing, storage and the server network come from the county cloud centre (第十三条);
    a department's own machine room or servers are the scattered construction the measures
    end.
    """
    yield from _forbidden_hardware(ctx, QX15_1_HARDWARE, "（一）", "改用县云计算中心的计算、存储和网络资源",
                                   "use the county cloud centre's computing, storage and network")


@rule("QX15.2", name="no-own-lines", title="不租用互联网出口、专线，不单建终端安全", kind=Kind.record,
      profile=PROFILE, cite=[QX15_2],
      fails="""
      milestones: {planned: 2024-12-15}
      hardware: [internet_line]
      """,
      passes="""
      milestones: {planned: 2024-12-15}
      hardware: []          # 通过电子政务外网统一接入
      """)
def qx15_2(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """An in-flight project's ``hardware`` holds none of internet line, private line or
    terminal security.

    Departments reach the internet and each other through the county e-government network,
    whose terminals are monitored centrally; a leased line or a separate terminal-security
    purchase bypasses that network.
    """
    yield from _forbidden_hardware(ctx, QX15_2_HARDWARE, "（二）", "通过电子政务网统一接入并纳入统一监管",
                                   "connect through the county e-government network under its central monitoring")


@rule("QX15.3", name="on-county-cloud", title="新建、升级的系统部署在县云计算中心", kind=Kind.record,
      profile=PROFILE, cite=[QX15_3],
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
    """The systems an in-flight project creates or upgrades are deployed on ``county_cloud``.

    A new system must be built on the county cloud centre and an upgraded one migrated there
    as part of the upgrade. For a system not yet online, ``deployment`` is where it will run.
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
      profile=PROFILE, cite=[QX15_4],
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
    """The systems an in-flight project creates, and those an ``expansion`` project expands,
    have no ``common_function`` (certificates, e-licences, e-seals, payment, notifications,
    websites, apps, big-data platforms, inspection …).

    Shared functions are built once for the county and reused. RULES.md names created systems
    only; the article forbids building *or expanding* such systems (“新建或扩建……共性系统”),
    so the systems upgraded by an expansion project are checked too. The county's own unified
    build (统建) is what the article points units to, so projects of the data authority or
    built by it (``builder: data_authority``) are exempt.
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
      profile=PROFILE, cite=[QX15_5],
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
    """The systems an in-flight project creates or upgrades connect the unified platforms of
    their audience: ``public``/``both`` connect the smart-city platform, the city public
    information service platform and the government service platform; ``internal``/``both``
    connect the collaborative office platform. A system without ``audience`` is reported too,
    since the check cannot be made.

    Public services reach citizens through one county front door and office systems run in
    one collaborative office platform; a project outside them builds another isolated system
    (第十三条 “不再批准建设孤立信息系统”). For a system not yet online, ``platforms`` lists the
    connections it is being built with.
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
      profile=PROFILE, cite=[QX15_8],
      fails="""
      nature: upgrade
      milestones: {planned: 2024-12-15}
      systems: {upgrades: [czj-budget]}
      # systems/czj/czj-budget.yaml: built_by: [2023-czj-001]，该项目尚未竣工验收
      """,
      passes="""
      nature: upgrade
      milestones: {planned: 2024-12-15}
      systems: {upgrades: [czj-budget]}
      # 2023-czj-001 已通过竣工验收: final_acceptance: {date: 2024-06-30, passed: true}
      """)
def qx15_8(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """An in-flight upgrade, expansion or rebuild project works only on target systems whose
    building projects (their ``built_by``, the project itself excluded) all passed
    ``final_acceptance``.

    Upgrading a system before its original project is accepted mixes two contracts on one
    system: defects of the first become paid work of the second, and neither can be accepted
    on its own.
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


# ---------------------------------------------------------------------------------------------
# 第十六条、第十七条: sharing


@rule("QX16", name="operating-shared", title="运行中的系统共享数据并接入智慧城市数字综合平台", kind=Kind.record,
      profile=PROFILE, cite=[QX16_TEXT, QX17_TEXT],
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
    """An operating system shares its data (``data.shared: true``) and connects the
    smart-city platform (``smart_city``), unless it has a ``sharing_exemption``.

    第十六条 makes sharing through the smart-city platform the rule; 第十七条 lets a system
    that may not share be kept only with the data centre's approval, which is what
    ``sharing_exemption`` records.
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
      profile=PROFILE, cite=[QX17_TEXT],
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
    """A unit holding an active system that does not share its data (and has no
    ``sharing_exemption``) has no in-flight ``new`` project. A system counts as not sharing
    when it says ``shared: false``, or when it is online (trial or operating) without
    ``shared: true``; the systems the project itself creates do not count.

    第十七条: units that have not put their data into the shared pool may not declare new
    projects. Only in-flight projects are checked (a finished project is history, and the
    rule is about approving new work); a system still being planned or built, with no
    statement either way, has no data to collect yet.
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


# ---------------------------------------------------------------------------------------------
# 第二十七条: price inquiry after approval


@rule("QX27", name="price-inquiry", title="立项后进行概算询价公示", kind=Kind.record,
      profile=PROFILE, cite=[QX27_TEXT],
      fails="""
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
        budgeted: {date: 2025-03-20, amount_wan: 80}
        # 缺概算询价公示
      """,
      passes="""
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
        price_inquiry: 2025-03-08
        budgeted: {date: 2025-03-20, amount_wan: 80}
      """)
def qx27(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """From ``budgeted``: a ``price_inquiry`` milestone exists. Whenever both are recorded, it
    is not dated before ``approved`` (the same day is allowed).

    After approval the estimate is published online for a preliminary price inquiry; the
    construction plan and the budget build on the inquired prices. RULES.md checks the order
    from ``budgeted``; an inquiry dated before the approval is out of order as soon as it is
    recorded, so the order is checked from then on, not only once the budget arrives.
    """
    for p in ctx.projects:
        inquiry = p.milestones.date_of(Stage.price_inquiry)
        approved = p.milestones.date_of(Stage.approved)
        if inquiry is None and p.reached(Stage.budgeted):
            yield problem(
                p, "milestones.price_inquiry",
                f"项目 {p.id} 已下达预算，但未登记投资概算初步询价公示（milestones.price_inquiry）：立项后须在网上进行询价公示，请补填公示日期",
                f"project {p.id} is budgeted but has no milestones.price_inquiry: publish the estimate online for a "
                "price inquiry after approval and add its date",
            )
        elif inquiry is not None and approved is not None and inquiry < approved:
            yield problem(
                p, "milestones.price_inquiry",
                f"项目 {p.id} 概算询价公示日期 {inquiry} 早于立项批复 {approved}：询价公示应在立项后进行，请核对日期",
                f"project {p.id}: price inquiry {inquiry} is before approval {approved}; the inquiry follows "
                "approval, so check the dates",
            )


# ---------------------------------------------------------------------------------------------
# 第三十四条: who builds


@rule("QX34", name="who-builds", title="30万元以下或上级资金项目由申报单位建设，其余由县大数据中心统建",
      kind=Kind.record, profile=PROFILE, cite=[QX34_TEXT], params=SelfBuildParams,
      fails="""
      builder: unit
      budget:
        total_wan: 80                                   # 超过 30 万元，无上级资金
        sources: [{kind: county_budget, amount_wan: 80}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      """,
      passes="""
      builder: data_authority
      budget:
        total_wan: 80
        sources: [{kind: county_budget, amount_wan: 80}]
      milestones:
        approved: {date: 2025-03-01, doc_no: 渠府函〔2025〕18号}
      """)
def qx34(ctx: Context, params: SelfBuildParams) -> Iterator[Problem]:
    """``builder`` is ``unit`` when ``budget.total_wan`` is at most the limit (default 30 万元,
    inclusive) or a funding source is ``superior_fund``, and ``data_authority`` otherwise. It
    is required from ``approved`` and checked whenever given; the data authority's own
    projects may give either value.

    第三十四条: small projects and projects funded from above are built by the declaring
    unit; all others are built centrally by the data centre, so that county money buys one
    shared construction rather than many.
    """
    data_authority = ctx.config.authorities.data_authority
    for p in ctx.projects:
        expected, reason_zh, reason_en = _expected_builder(p, params.self_build_limit_wan)
        if p.builder is None:
            if p.reached(Stage.approved):
                yield problem(
                    p, "builder",
                    f"项目 {p.id} 已立项批复，未填写建设主体（builder）：{reason_zh}，应填写 builder: {expected.value}（{expected.label}）",
                    f"project {p.id} is approved but has no builder: {reason_en}, so set builder: {expected.value}",
                )
        elif p.builder is not expected and p.unit != data_authority:
            yield problem(
                p, "builder",
                f"项目 {p.id} 建设主体为{p.builder.label}（builder: {p.builder.value}）：{reason_zh}，"
                f"应改为 builder: {expected.value}（{expected.label}）",
                f"project {p.id} has builder {p.builder.value}: {reason_en}, so set builder: {expected.value}",
            )


def _expected_builder(p: Project, limit: float) -> tuple[Builder, str, str]:
    total = p.budget.total_wan
    if any(src.kind is FundSource.superior_fund for src in p.budget.sources):
        return Builder.unit, "项目使用向上争取的资金（superior_fund），由项目申报单位组织建设", "it has superior funding"
    if total <= limit:
        return Builder.unit, f"总投资 {total:g} 万元不超过 {limit:g} 万元（含），由项目申报单位组织建设", f"total {total:g} ≤ {limit:g}"
    return (Builder.data_authority, f"总投资 {total:g} 万元超过 {limit:g} 万元且无上级资金，由县大数据中心统筹建设",
            f"total {total:g} > {limit:g} without superior funding")


# ---------------------------------------------------------------------------------------------
# 第三十六条: construction period


@rule("QX36", name="build-period", title="建设周期原则上不超过1年", kind=Kind.record,
      profile=PROFILE, cite=[QX36_TEXT], params=BuildPeriodParams,
      fails="""
      milestones:
        contracted: {date: 2025-04-10, implementation_months: 18}
      """,
      passes="""
      milestones:
        contracted: {date: 2025-04-10, implementation_months: 12}
      """)
def qx36(ctx: Context, params: BuildPeriodParams) -> Iterator[Problem]:
    """A ``contracted`` milestone states ``implementation_months`` and it is at most the limit
    (default 12 months, inclusive).

    第三十六条 caps construction at one year in principle; a contract signed for longer plans
    the overrun in advance.
    """
    limit = params.max_build_months
    for p in ctx.projects:
        contract = p.milestones.contracted
        if contract is None:
            continue
        months = contract.implementation_months
        field_path = "milestones.contracted.implementation_months"
        if months is None:
            yield problem(
                p, field_path,
                f"项目 {p.id} 已签订合同，未填写合同约定的建设周期（implementation_months，月）：请按合同填写，原则上不超过 {limit} 个月",
                f"project {p.id} is contracted but has no implementation_months: add the contract's construction "
                f"period in months (at most {limit})",
            )
        elif months > limit:
            yield problem(
                p, field_path,
                f"项目 {p.id} 合同约定建设周期 {months} 个月，超过 {limit} 个月：建设周期原则上不超过1年，"
                "请调整实施计划，或分期立项",
                f"project {p.id}: implementation_months {months} exceeds {limit}; construction takes at most one "
                "year in principle, so revise the plan or split the project into phases",
            )


@rule("QX36D", name="build-period-overdue", title="合同签订满1年仍未竣工验收", kind=Kind.deadline,
      profile=PROFILE, cite=[QX36_TEXT], params=BuildPeriodParams,
      fails="""
      # today: 2025-12-01
      milestones:
        contracted: {date: 2024-11-30, implementation_months: 12}
      """,
      passes="""
      # today: 2025-12-01
      milestones:
        contracted: {date: 2024-12-01, implementation_months: 12}   # 恰满 12 个月，尚未逾期
      """)
def qx36d(ctx: Context, params: BuildPeriodParams) -> Iterator[Problem]:
    """A project whose ``contracted`` date plus ``max_build_months`` calendar months lies
    before today has ``final_acceptance`` or ``terminated``. Today exactly N months after
    signing is still on time.

    A warning, so that time passing never blocks an unrelated pull request: it tells the data
    centre which projects overran the one-year construction period.
    """
    limit = params.max_build_months
    for p in ctx.projects:
        m = p.milestones
        if m.contracted is None or m.final_acceptance is not None or m.terminated is not None:
            continue
        due = add_months(m.contracted.date, limit)
        if ctx.today > due:
            yield problem(
                p, "milestones.contracted",
                f"项目 {p.id} 合同签订于 {m.contracted.date}，{limit} 个月的建设周期已于 {due} 届满，至今（{ctx.today}）"
                "未竣工验收：请尽快组织验收并登记 final_acceptance，或按第三十七条报批调整、登记 terminated",
                f"project {p.id} was contracted on {m.contracted.date}; the {limit}-month period ended on {due} "
                f"and it is not finally accepted as of {ctx.today}: organise the final acceptance, or record an "
                "approved adjustment (Article 37) or the termination",
            )


# ---------------------------------------------------------------------------------------------
# 第三十七条: no self-adjustment after approval


@rule("QX37", name="no-self-adjustment", title="已审定项目调整须报批并登记", kind=Kind.change,
      profile=PROFILE, cite=[QX37_TEXT],
      fails="""
      # 基准版本已立项，content: 建设统一受理模块
      content: 建设统一受理和电子归档模块
      changes: []
      """,
      passes="""
      content: 建设统一受理和电子归档模块
      changes:
        - date: 2025-06-01
          description: 增加电子归档模块
          approval: {doc_no: 渠府函〔2025〕40号, date: 2025-06-01}
      """)
def qx37(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """For a project approved at base, any change of its budget (``total_wan`` or any other
    budget figure), ``content`` or ``systems`` comes with a new ``changes`` entry that has an
    ``approval``. One finding per changed field.

    第三十七条 forbids any self-made adjustment of an approved project (“不得自行调整变更”);
    a needed change goes through re-approval under the county's investment-project rules,
    and the registry shows that approval next to the change.
    """
    for p in ctx.projects:
        before = approved_before(ctx, p)
        if before is None:
            continue
        changed = _changed_fields(before, p)
        if not changed or any(c.approval is not None for c in new_changes(before, p)):
            continue
        approved = before.milestones.approved
        assert approved is not None  # approved_before returns approved projects only
        for field_path in changed:
            what = _FIELD_LABELS[field_path]
            if field_path == "budget.total_wan":
                what += f"（{before.budget.total_wan:g} → {p.budget.total_wan:g} 万元）"
            yield problem(
                p, field_path,
                f"项目 {p.id} 已于 {approved.date} 审定（{approved.doc_no or '立项批复'}），本次修改了{what}"
                f"（{field_path}），但 changes 中没有带批复的新记录：已审定项目不得自行调整，确需调整的须报批后登记"
                " changes: {date, description, amount_wan, approval: {doc_no, date}}",
                f"project {p.id} was approved at base; {field_path} changed without a new changes entry carrying an "
                "approval: get the change re-approved and add changes: {date, description, amount_wan, approval}",
            )


_FIELD_LABELS = {"budget.total_wan": "投资概算", "budget": "投资构成", "content": "建设内容", "systems": "涉及系统"}


def _changed_fields(before: Project, after: Project) -> list[str]:
    """:func:`changed_scope`, plus ``budget`` when another budget figure changed."""
    changed = changed_scope(before, after)
    if "budget.total_wan" not in changed and before.budget != after.budget:
        changed.insert(0, "budget")
    return changed


# ---------------------------------------------------------------------------------------------
# 第三十八条: trial run before acceptance


@rule("QX38", name="trial-run", title="验收前试运行不少于1个月", kind=Kind.record,
      profile=PROFILE, cite=[QX38_TEXT], params=TrialParams,
      fails="""
      milestones:
        trial_run: {start: 2025-05-01, end: 2025-05-20}    # 20 天
        final_acceptance: {date: 2025-06-10, passed: true}
      """,
      passes="""
      milestones:
        trial_run: {start: 2025-05-01, end: 2025-05-30}    # 30 天（含起止日）
        final_acceptance: {date: 2025-06-10, passed: true}
      """)
def qx38(ctx: Context, params: TrialParams) -> Iterator[Problem]:
    """A project with ``final_acceptance`` had a ``trial_run`` of at least ``min_trial_days``
    days (default 30, counting both the first and the last day) that ended on or before the
    acceptance date. Projects of nature om, operation_service and third_party are not checked.

    Acceptance judges a system that has run in real use. RULES.md applies the rule to every
    project; the article speaks of construction (“项目建设完成后”), so service projects that
    build nothing are left out. The article's “1个月” is kept as the table's day count.
    """
    minimum = params.min_trial_days
    for p in ctx.projects:
        accepted = p.milestones.final_acceptance
        if accepted is None or p.nature in SERVICE_NATURES:
            continue
        trial = p.milestones.trial_run
        if trial is None:
            yield problem(
                p, "milestones.trial_run",
                f"项目 {p.id} 已竣工（履约）验收（{accepted.date}），但未登记试运行（milestones.trial_run）："
                f"建设完成后须试运行不少于 {minimum} 天再验收，请补填 trial_run: {{start, end}}",
                f"project {p.id} was accepted on {accepted.date} without a trial run of at least {minimum} days: "
                "add trial_run: {start, end}",
            )
        elif trial.end is None or trial.end > accepted.date:
            yield problem(
                p, "milestones.trial_run.end",
                f"项目 {p.id} 于 {accepted.date} 验收，试运行结束日期"
                f"{'未填写' if trial.end is None else f' {trial.end} 晚于验收日期'}：试运行结束后方可组织验收，"
                f"请{'填写' if trial.end is None else '核对'} milestones.trial_run.end",
                f"project {p.id}: the trial run must end on or before final acceptance ({accepted.date}): "
                f"{'add' if trial.end is None else 'check'} milestones.trial_run.end",
            )
        elif (days := (trial.end - trial.start).days + 1) < minimum:
            yield problem(
                p, "milestones.trial_run",
                f"项目 {p.id} 试运行 {trial.start} 至 {trial.end} 共 {days} 天，少于 {minimum} 天：试运行时间不低于1个月，"
                "请核对日期，或补足试运行后再验收",
                f"project {p.id}: trial run {trial.start} to {trial.end} lasts {days} days, fewer than {minimum}: "
                "check the dates, or complete the trial run before acceptance",
            )
