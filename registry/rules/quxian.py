"""渠县配置的规则（RULES.md）：渠县信息化项目管理办法（渠府发〔2022〕12号）。

下列引文均照录原文；原文两段之间有换行的，引文中也保留换行，
因此无论怎样规范化空白，引文都与原文一致。
RULES.md 的表格与条文不一致时，规则以条文为准，并在其文档字符串中说明。
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import Field, field_validator

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
from registry.rules.base import Citation, Context, Kind, NoParams, Params, Problem, problem, rule
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


class DeclarationParams(Params):
    declaration_deadline: str = Field(
        "10-31", description="申报截止日（月-日，MM-DD）：安排某年度预算的项目须在上一年度该日（含）前申报（第六条“每年10月底前”）",
    )

    @field_validator("declaration_deadline")
    @classmethod
    def _month_day(cls, value: str) -> str:
        parse_month_day(value)  # raises ValueError with a Chinese message
        return value


class SelfBuildParams(Params):
    self_build_limit_wan: float = Field(
        30, ge=0, le=1_000_000, description="项目单位自行组织建设的投资上限（万元，含本数）；超过且无上级资金的项目由县大数据中心统筹建设（第三十四条）",
    )


class BuildPeriodParams(Params):
    max_build_months: int = Field(
        12, ge=1, le=120, description="建设周期上限（月，含本数），自合同签订日起算（第三十六条“原则上建设周期不超过1年”）",
    )


class TrialParams(Params):
    min_trial_days: int = Field(
        30, ge=1, le=3650, description="试运行最短天数（含起止两日）；竣工（履约）验收前须完成（第三十八条“时间不低于1个月”）",
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
    """已下达预算（到达 `budgeted` 阶段）的项目须登记申报日期 `milestones.declared`，
    且不晚于预算年度 `year` 上一年的申报截止日（`declaration_deadline`，默认 10 月 31 日，当日有效）。

    县大数据中心每年 10 月底前对下一年度的信息化项目摸底征集；
    未申报的项目“不予列入来年支出预算”。有预算却没有按时申报，说明绕过了年度计划。
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
    """自纳入年度计划（`planned`）起，项目须具备：建设依据 `basis`、建设必要性 `necessity`、
    建设内容 `content`、至少一项写明指标和目标值的绩效目标 `goals`、年度运行维护经费 `budget.om_annual_wan`、
    至少一项资金来源 `budget.sources`，以及数据共享方案、信息资源目录、云服务需求方案、等级保护方案、
    密码应用方案五项材料（`documents` 下的 `data_sharing_plan`、`resource_catalog`、`cloud_requirements`、
    `mlps_plan`、`crypto_plan`）。每缺一项报告一个问题。

    第七条列明了申报材料的内容，并规定“申报资料不全……均不列入信息化项目年度建设计划”。

    依据说明：第七条（二）中的可行性研究报告和初步设计方案不在本规则检查，
    而由 QX8 自立项批复起检查，因为第八条允许以实施方案代替二者，
    第九条规定购买服务项目在立项后才编报方案。
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
    """自立项批复（`approved`）起，自行建设（`delivery: build`）的新建、升级改造、扩建、改建项目，
    须有可行性研究报告 `documents.feasibility_study` 和初步设计方案 `documents.preliminary_design`；
    只有建设依据 `basis` 中有一项为 `kind: directive`（上级或县委县政府明确要求）或
    `kind: urgent`（紧急情况）时，才可用实施方案 `documents.implementation_plan` 代替二者。

    第八条要求按基本建设程序编报可研和初步设计；合并编报实施方案，
    是留给上级明确要求或情况紧急的项目的例外，不能成为普通项目的捷径。
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
    """自立项批复（`approved`）起，购买服务（`delivery: purchase`）项目须有服务需求技术方案
    `documents.service_requirements`，并填写成本比较 `cost_comparison`，
    其中购买服务费用 `purchase_wan` 须低于自行建设和运维费用 `build_wan`（相等也不符合）。

    只有在信息系统使用期限内，购买服务的费用明显小于自行建设所需的建设、运维经费时，
    才可采用购买服务方式（第九条（二））；服务需求技术方案中应包含这项经济性比较。
    本规则只核对购买服务是否更便宜，是否“明显”更经济由评审把关。
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
    """在建项目（已纳入年度计划，尚未竣工验收或终止）的 `hardware` 中，
    不得有服务器、存储设备、网络设备、机房、数据中心或私有云（`server`、`storage`、
    `network_device`、`machine_room`、`data_center`、`private_cloud`）。

    计算、存储和服务端网络资源由县云计算中心统一提供（第十三条）；
    部门自建机房、自购服务器，正是本办法要终结的分散建设。
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
    """在建项目（已纳入年度计划，尚未竣工验收或终止）的 `hardware` 中，
    不得有互联网线路（`internet_line`）、专线（`private_line`）或终端安全（`terminal_security`）。

    各部门通过县电子政务网接入互联网、相互联通，终端由电子政务网统一监管；
    单独租用线路或单独采购终端安全防护，就绕开了这张网。
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
    """自预算下达（`budgeted`）起，项目须登记概算询价公示 `milestones.price_inquiry`；
    只要同时登记了询价公示和立项批复，询价公示日期就不得早于 `approved`（同一天可以）。

    项目立项后须在网上进行投资概算初步询价公示，建设方案和预算都以询价结果为基础。

    依据说明：RULES.md 自 `budgeted` 起检查先后顺序；但询价公示早于立项批复，
    一经登记就已是顺序错误，所以从登记时起就检查顺序，而不是等到预算下达。
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
    """投资概算 `budget.total_wan` 不超过上限（`self_build_limit_wan`，默认 30 万元，含本数），
    或资金来源中有上级资金（`superior_fund`）的项目，建设主体 `builder` 应为 `unit`（项目单位自建）；
    其余项目应为 `data_authority`（数据主管部门统建）。自立项批复（`approved`）起必须填写，
    填写了就检查；数据主管部门自己的项目可填写任一值。

    第三十四条：30 万元（含）以下或向上争取资金的项目由项目申报单位组织建设，
    其余由县大数据中心统筹建设，使县级财政资金用于一次共享的建设，而不是分散重复建设。
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
    """已登记合同签订（`contracted`）的项目须填写合同约定的建设周期 `implementation_months`（月），
    且不超过上限（`max_build_months`，默认 12 个月，含本数）。

    第三十六条规定建设周期原则上不超过 1 年；合同约定的工期超过 1 年，等于事先就计划好了超期。
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
    """合同签订日期 `contracted.date` 加上 `max_build_months` 个自然月（默认 12 个月）后的日期早于今天，
    项目仍没有竣工验收 `final_acceptance` 或终止 `terminated` 的，发出警告。
    今天恰好满 N 个月（与签订日同日）时，仍不算逾期。

    只作警告，是为了不让时间推移阻断无关的合并请求；
    它提示县大数据中心哪些项目超出了 1 年的建设周期。
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
    """基准版本中已立项批复的项目，本次变更修改了投资（`budget.total_wan` 或预算中的其他数字）、
    建设内容 `content`（只调整换行、空格的不算）或涉及系统 `systems` 的，
    须在 `changes` 中新增一条带 `approval`（批复文号和日期）的记录。每个被修改的字段报告一个问题。

    第三十七条规定已审定的项目“不得自行调整变更”；确需调整的，
    参照《渠县政府投资项目管理办法》重新报批，登记簿在变更记录中列出这份批复。
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
    """已竣工（履约）验收（`final_acceptance`）的项目须有试运行 `trial_run`：
    试运行不少于 `min_trial_days` 天（默认 30 天，起止两日都计入），且结束日期 `end` 不晚于验收日期。
    性质为运行维护（`om`）、运营服务（`operation_service`）和第三方服务（`third_party`）的项目不检查。

    验收评判的应当是一个经过实际使用的系统。

    依据说明：RULES.md 的表格对所有项目适用本规则；但条文说的是“项目建设完成后”，
    不建设任何东西的服务类项目因此不检查。条文中的“1个月”沿用表格中的天数（默认 30 天）。
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
