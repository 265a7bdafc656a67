"""大石桥市规则集（dashiqiao，见 RULES.md）：大石桥市政务信息化项目管理暂行办法（2025年4月15日印发）。

印发文本使用半角标点（``,`` ``(`` ``)`` ``;``），以下各条引文一律照录原文，不改为全角。
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field, model_validator

from registry.dates import add_months, at_least_months, within_months
from registry.enums import (
    BasisKind,
    Delivery,
    Deployment,
    DocumentKind,
    EvaluationKind,
    Nature,
    Platform,
    Stage,
    SystemStatus,
)
from registry.findings import Severity
from registry.models import Project, System
from registry.rules.base import Citation, Context, Kind, NoParams, Params, Problem, problem, rule
from registry.rules.change import new_changes
from registry.rules.helpers import approved_before, changed_scope, evaluations_between, missing_documents

PROFILE = "dashiqiao"

DSQ5 = Citation(
    PROFILE, "第五条",
    "除上级另有规定以及业务特殊需要外,新建的项目应当依托营口市级、省级政务云进行部署,并按营口市要求接入统一政务信息资源库平台。",
)
DSQ5_MIGRATE = Citation(PROFILE, "第五条", "已建的系统,应当逐步向政务云迁移。")
# Quotes spanning two paragraphs or items keep one line break between them.
DSQ6 = Citation(
    PROFILE, "第六条（四）（五）",
    "(四)符合《营口市政务信息共享开放管理办法》要求,能够实现数据共享;\n"
    "(五)网络信息安全(含网络安全、数据安全、个人信息保护、密码管理等)应当与系统同步设计、同步建设、同步评估、同步验收、同步运行。",
)
DSQ10 = Citation(
    PROFILE, "第十条第二款、第三款",
    "需要紧急建设,且符合国家、省、市相关规定的项目,项目单位可以合并编报和审批可行性研究报告和初步设计。\n"
    "对于技术方案简单、建设内容单一或总投资额200万元(不含)以下的项目,项目单位可以合并编报和审批可行性研究报告和初步设计。",
)
DSQ11 = Citation(
    PROFILE, "第十一条（二）（三）",
    "(二)涉及政府购买服务的项目,应当增加自建和购买服务方式经济性比较分析章节;\n"
    "(三)项目采用软硬件产品的安全可靠情况说明、项目安全、密码应用方案等。",
)
DSQ12 = Citation(
    PROFILE, "第十二条",
    "市营商环境建设局应当委托具有资质的第三方中介服务机构,对可行性研究报告或者初步设计进行评估论证后予以批复。"
    "第三方服务中介机构应通过竞争性方式选择确定。市国家密码管理局应当对项目密码应用方案进行合法性审核。",
)
DSQ15 = Citation(
    PROFILE, "第十五条",
    "项目单位应当严格执行已批复的项目初步设计及概算,不得擅自调整项目规模、内容、标准、投资等。"
    "因国家政策、建设条件发生重大变化等原因确需增加投资的,应当报市发展和改革局重新提级论证、报市营商环境建设局重新审批。",
)
DSQ16 = Citation(
    PROFILE, "第十六条",
    "项目批复之日起,到项目验收备案之日止,项目单位应当每3个月向市数据局报送项目实施进展情况。",
)
DSQ17 = Citation(
    PROFILE, "第十七条",
    "初验合格且系统稳定运行3个月以上至6个月内的,可以向市数据局申请竣工验收,由市数据局委托第三方完成竣工验收。\n"
    "提交验收申请报告时应当一并附上项目建设总结、财务报告、监理报告、安全风险评估报告"
    "(包括涉密信息系统安全保密测评报告或者非涉密信息系统网络安全等级保护测评报告等)、密码应用安全性评估报告等材料。",
)
DSQ18 = Citation(PROFILE, "第十八条", "未经竣工验收或竣工验收不合格的项目不得投入使用,不得支付剩余资金建设,不能继续使用政务云资源。")
DSQ19 = Citation(
    PROFILE, "第十九条",
    "项目单位应当在项目通过验收并投入运行后12至24个月内,开展自评价,并将自评价报告报送市数据局和市财政局。",
)

_AMOUNT_TOLERANCE = 0.005  # 万元
_GOV_CLOUDS = frozenset({Deployment.city_cloud, Deployment.province_cloud})
_NOT_YET_ONLINE = frozenset({SystemStatus.planned, SystemStatus.building})


def _unfinished(p: Project) -> bool:
    """Neither finally accepted nor terminated: the project is still building what it creates."""
    return p.milestones.final_acceptance is None and p.milestones.terminated is None


# ---------------------------------------------------------------------------------------------
# 第五条 部署与接入


@rule("DSQ5", name="new-system-on-gov-cloud", title="新建系统依托市级、省级政务云部署并接入统一政务信息资源库平台",
      kind=Kind.record, profile=PROFILE, cite=[DSQ5],
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


@rule("DSQ5W", name="migrate-to-gov-cloud", title="自建机房中运行的系统应逐步向政务云迁移", kind=Kind.record,
      profile=PROFILE, cite=[DSQ5_MIGRATE], severity=Severity.warning,
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


# ---------------------------------------------------------------------------------------------
# 第六条 五同步；第十条至第十二条 可研、初设与批复


@rule("DSQ6", name="security-and-sharing-plans", title="评审时须有等保、密码应用和数据共享方案（五同步）",
      kind=Kind.record, profile=PROFILE, cite=[DSQ6],
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
    for p in ctx.projects:
        if p.reached(Stage.reviewed):
            yield from missing_documents(p, kinds, when="通过评审（reviewed）后", when_en="from review")


class MergeLimitParams(Params):
    merge_limit_wan: float = Field(
        200, gt=0, le=1_000_000,
        description="可合并编报可研和初设的投资上限（万元，不含本数）：总投资额200万元(不含)以下的项目可以合并编报",
    )


_DESIGNED_NATURES = frozenset({Nature.new, Nature.upgrade, Nature.expansion, Nature.rebuild})
_FS_PD = (DocumentKind.feasibility_study, DocumentKind.preliminary_design)


@rule("DSQ10", name="feasibility-and-design", title="可行性研究报告和初步设计；200万元以下或紧急项目可合并编报",
      kind=Kind.record, profile=PROFILE, cite=[DSQ10], params=MergeLimitParams,
      fails="""
      nature: new
      budget: {total_wan: 260}
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      documents:
        implementation_plan: docs/2025-wsj-001/实施方案.pdf   # 200 万元及以上不得合并编报
      """,
      passes="""
      nature: new
      budget: {total_wan: 180}
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      documents:
        implementation_plan: docs/2025-wsj-001/实施方案.pdf
      """)
def dsq10(ctx: Context, params: MergeLimitParams) -> Iterator[Problem]:
    """性质为新建、升级改造、扩建、改建（``nature``：``new``、``upgrade``、``expansion``、``rebuild``）的项目，
    自 ``milestones.approved``（立项批复）起须有 ``documents.feasibility_study``（可行性研究报告）
    和 ``documents.preliminary_design``（初步设计方案）。总投资 ``budget.total_wan`` 低于
    ``merge_limit_wan``（默认 200 万元，不含本数）的，或 ``basis`` 中有 ``kind: urgent``（紧急）依据的，
    可以用 ``documents.implementation_plan``（合并编报可研和初设的实施方案）代替这两份文件。

    第十条只允许两类项目合并编报：需要紧急建设的项目，以及“总投资额200万元(不含)以下”的项目。
    条文中的“技术方案简单、建设内容单一”无法从登记信息判断，不作为合并编报的依据。
    总投资恰好 200 万元或以上的项目，须分别编报可行性研究报告和初步设计。
    """
    limit = params.merge_limit_wan
    for p in ctx.projects:
        if p.nature not in _DESIGNED_NATURES or not p.reached(Stage.approved):
            continue
        missing = [k for k in _FS_PD if not p.documents.get(k)]
        if not missing:
            continue
        urgent = p.has_basis(BasisKind.urgent)
        small = p.budget.total_wan < limit - _AMOUNT_TOLERANCE
        has_plan = bool(p.documents.get(DocumentKind.implementation_plan))
        if (small or urgent) and has_plan:
            continue
        for kind in missing:
            yield _design_problem(p, kind, limit, mergeable=small or urgent, has_plan=has_plan)


def _design_problem(p: Project, kind: DocumentKind, limit: float, *, mergeable: bool, has_plan: bool) -> Problem:
    total = p.budget.total_wan
    if mergeable:
        fix = "请提供该文件，或以合并编报的实施方案（documents.implementation_plan）代替可研和初设"
        fix_en = "add it, or an implementation_plan that merges the feasibility study and the preliminary design"
    elif has_plan:
        fix = f"总投资 {total:g} 万元不在“{limit:g}万元(不含)以下”之列，且非紧急项目，实施方案不能代替可研和初设，请分别编报"
        fix_en = (f"with a total of {total:g} (not below {limit:g}) and no urgent basis, an implementation_plan does not "
                  "replace it; add the document")
    else:
        fix = f"总投资 {total:g} 万元不在“{limit:g}万元(不含)以下”之列，须分别编报可行性研究报告和初步设计"
        fix_en = f"with a total of {total:g} (not below {limit:g}), both documents are required; add it"
    return problem(
        p, f"documents.{kind.value}",
        f"{p.nature.label}项目 {p.id} 已立项，缺少{kind.label}（documents.{kind.value}）：{fix}",
        f"{p.nature.value} project {p.id} is approved without documents.{kind.value}; {fix_en}",
    )


@rule("DSQ11", name="trusted-crypto-cost", title="立项须有安全可靠情况说明、密码应用方案，购买服务项目须有经济性比较",
      kind=Kind.record, profile=PROFILE, cite=[DSQ11],
      fails="""
      delivery: purchase
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      documents:
        crypto_plan: docs/2025-wsj-001/密码应用方案.pdf
      cost_comparison: null
      """,
      passes="""
      delivery: purchase
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      documents:
        crypto_plan: docs/2025-wsj-001/密码应用方案.pdf
        trusted_products_statement: docs/2025-wsj-001/安全可靠情况说明.pdf
      cost_comparison: {build_wan: 320, purchase_wan: 260}
      """)
def dsq11(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自 ``milestones.approved``（立项批复）起，项目须有 ``documents.trusted_products_statement``（安全可靠情况说明）
    和 ``documents.crypto_plan``（密码应用方案）；``delivery: purchase``（政府购买服务）的项目，
    还须填写 ``cost_comparison``（自建与购买服务方式的经济性比较）。

    第十一条规定可行性研究报告和初步设计须包含的内容：（二）涉及政府购买服务的项目，
    须有自建和购买服务方式经济性比较分析；（三）软硬件产品的安全可靠情况说明、项目安全和密码应用方案。
    立项批复以这些内容为依据。
    """
    kinds = [DocumentKind.trusted_products_statement, DocumentKind.crypto_plan]
    for p in ctx.projects:
        if not p.reached(Stage.approved):
            continue
        yield from missing_documents(p, kinds, when="立项批复后", when_en="from approval")
        if p.delivery is Delivery.purchase and p.cost_comparison is None:
            yield problem(
                p, "cost_comparison",
                f"购买服务项目 {p.id} 已立项，缺少自建与购买服务方式的经济性比较：请填写 cost_comparison: {{build_wan: …, purchase_wan: …}}",
                f"purchase project {p.id} is approved without a cost_comparison: add cost_comparison: "
                "{build_wan, purchase_wan} (building versus buying over the system's life)",
            )


@rule("DSQ12", name="assessed-before-approval", title="批复前须经第三方评估论证和密码应用合法性审核",
      kind=Kind.record, profile=PROFILE, cite=[DSQ12],
      fails="""
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      documents:
        crypto_plan: docs/2025-wsj-001/密码应用方案.pdf
      """,
      passes="""
      milestones:
        third_party_assessed: {date: 2025-04-02, ref: 辽咨评〔2025〕88号}
        crypto_reviewed: {date: 2025-04-10, ref: 石密审〔2025〕5号}
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      documents:
        crypto_plan: docs/2025-wsj-001/密码应用方案.pdf
      """)
def dsq12(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """有 ``milestones.approved``（立项批复）的项目，须登记 ``milestones.third_party_assessed``（第三方评估论证），
    且其日期不晚于批复日期；有 ``documents.crypto_plan``（密码应用方案）的项目，还须登记
    ``milestones.crypto_reviewed``（密码应用方案合法性审核），日期同样不晚于批复日期。

    第十二条规定，市营商环境建设局须先委托具有资质的第三方机构对可行性研究报告或初步设计进行评估论证，
    市国家密码管理局对密码应用方案进行合法性审核，然后才予批复。批复日期早于这两个程序，说明程序被跳过。
    """
    for p in ctx.projects:
        approved = p.milestones.date_of(Stage.approved)
        if approved is None:
            continue
        yield from _preceded(p, Stage.third_party_assessed, approved, "第三方评估论证", "third-party assessment")
        if p.documents.get(DocumentKind.crypto_plan):
            yield from _preceded(p, Stage.crypto_reviewed, approved, "市国家密码管理局密码应用方案合法性审核", "crypto review")


def _preceded(p: Project, stage: Stage, approved: dt.date, what: str, what_en: str) -> Iterator[Problem]:
    when = p.milestones.date_of(stage)
    if when is None:
        yield problem(
            p, f"milestones.{stage.value}",
            f"项目 {p.id} 已于 {approved} 立项批复，但未登记{what}：批复前须完成该程序，请补登 milestones.{stage.value}（日期和意见编号）",
            f"project {p.id} was approved on {approved} without a {what_en}: it must precede the approval; add "
            f"milestones.{stage.value} (date and reference)",
        )
    elif when > approved:
        yield problem(
            p, f"milestones.{stage.value}.date",
            f"项目 {p.id} 的{what}日期 {when} 晚于立项批复 {approved}：须先完成{what}再批复，请核对日期",
            f"project {p.id}: {what_en} on {when} is after the approval on {approved}; it must come first, so check "
            "the dates",
        )


# ---------------------------------------------------------------------------------------------
# 第十五条 不得擅自调整


_SCOPE_LABELS = {"budget.total_wan": "增加投资", "content": "调整建设内容", "systems": "调整涉及系统"}


@rule("DSQ15", name="no-unapproved-adjustment", title="批复后增加投资或调整内容须重新审批", kind=Kind.change,
      profile=PROFILE, cite=[DSQ15],
      fails="""
      # 基准版本：已立项，total_wan: 180
      budget: {total_wan: 210}
      changes:
        - {date: 2025-08-01, description: 增加视频汇聚模块, amount_wan: 30}   # 没有 approval
      """,
      passes="""
      budget: {total_wan: 210}
      changes:
        - date: 2025-08-01
          description: 增加视频汇聚模块
          amount_wan: 30
          approval: {doc_no: 石营商审〔2025〕27号, date: 2025-07-28}
      """)
def dsq15(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，如总投资 ``budget.total_wan`` 增加，或 ``content``（建设内容）、
    ``systems``（涉及系统）有任何改动，须在 ``changes`` 中新增一条带 ``approval``（重新审批的批复文号和日期）的变更记录。

    第十五条要求项目单位严格执行已批复的初步设计及概算，不得擅自调整项目规模、内容、标准、投资；
    确需增加投资的，须报市发展和改革局重新论证、报市营商环境建设局重新审批。

    依据说明：只调减总投资的，本规则不要求重新审批（CHG005 仍要求为此登记变更记录）。
    """
    for p in ctx.projects:
        before = approved_before(ctx, p)
        if before is None:
            continue
        changed = [f for f in changed_scope(before, p) if f != "budget.total_wan" or _rose(before, p)]
        if not changed or any(c.approval for c in new_changes(before, p)):
            continue
        for field in changed:
            rise = f"{before.budget.total_wan:g} → {p.budget.total_wan:g}" if field == "budget.total_wan" else ""
            values, values_en = (f"：{rise} 万元", f" ({rise})") if rise else ("", "")
            yield problem(
                p, field,
                f"项目 {p.id} 批复后{_SCOPE_LABELS[field]}（{field}{values}），但没有附重新审批文件的变更记录："
                "不得擅自调整项目规模、内容、投资，请报市发展和改革局重新论证、市营商环境建设局重新审批，"
                "并在 changes 中登记本次调整及 approval（批复文号和日期）",
                f"project {p.id} changed {field}{values_en} after approval without a changes entry carrying approval: get it "
                "re-approved and add changes: {date, description, amount_wan, approval}",
            )


def _rose(before: Project, after: Project) -> bool:
    return after.budget.total_wan > before.budget.total_wan + _AMOUNT_TOLERANCE


# ---------------------------------------------------------------------------------------------
# 第十六条 进展报告


class ProgressParams(Params):
    progress_interval_months: int = Field(
        3, ge=1, le=60, description="报送项目实施进展情况的最长间隔（自然月，恰好满 N 个月仍算按时）",
    )


@rule("DSQ16", name="progress-reports", title="自批复至验收每3个月报送实施进展", kind=Kind.deadline,
      profile=PROFILE, cite=[DSQ16], params=ProgressParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      progress_reports: [2025-07-18]          # 之后超过 3 个月未报送
      """,
      passes="""
      milestones:
        approved: {date: 2025-04-20, doc_no: 石营商审〔2025〕12号}
      progress_reports: [2025-07-18, 2025-10-15]
      """)
def dsq16(ctx: Context, params: ProgressParams) -> Iterator[Problem]:
    """自 ``milestones.approved``（立项批复）起，至 ``milestones.final_acceptance``（竣工验收）或
    ``milestones.terminated``（终止）止（项目未完成的，算到今天），批复日、各次 ``progress_reports``（进展报送日期）
    和截止日之间，相邻两个日期的间隔不得超过 ``progress_interval_months``（默认 3）个自然月；
    距上一次恰好满 N 个月报送的，仍算按时。

    第十六条规定，自项目批复之日起至验收备案之日止，项目单位每3个月向市数据局报送一次项目实施进展情况。
    项目终止后不再报送；早于批复日或晚于截止日的报送日期不计入。
    """
    months = params.progress_interval_months
    for p in ctx.projects:
        start = p.milestones.date_of(Stage.approved)
        if start is None:
            continue
        end, finished = _reporting_end(ctx, p)
        previous = start
        for when in sorted(d for d in p.progress_reports if start < d <= end):
            if not within_months(previous, when, months):
                yield _gap(p, previous, when, months, "next")
            previous = when
        if not within_months(previous, end, months):
            yield _gap(p, previous, end, months, "end" if finished else "today")


def _reporting_end(ctx: Context, p: Project) -> tuple[dt.date, bool]:
    """The day reporting stops (acceptance or termination) and whether it has come; else today."""
    m = p.milestones
    ends = [x.date for x in (m.final_acceptance, m.terminated) if x is not None]
    return (min(ends), True) if ends else (ctx.today, False)


_GAP_EN = {"next": "the next one is dated", "end": "none until the acceptance or termination on", "today": "none as of today,"}


def _gap(p: Project, previous: dt.date, until: dt.date, months: int, kind: str) -> Problem:
    due = add_months(previous, months)
    what = {"next": f"下一次报送在 {until}", "end": f"直至 {until} 验收或终止仍未报送", "today": f"今天 {until} 仍未报送"}[kind]
    fix = ("如已按期报送，请在 progress_reports 中补登报送日期" if kind == "end"
           else "请按期报送，并在 progress_reports 中登记报送日期")
    fix_en = ("if reports were filed, add their dates to progress_reports" if kind == "end"
              else "report to the data bureau and add the date to progress_reports")
    return problem(
        p, "progress_reports",
        f"项目 {p.id} 自 {previous}（批复或上次进展报告）起超过 {months} 个月未向市数据局报送实施进展，应最迟于 {due} 报送，{what}：{fix}",
        f"project {p.id}: no progress report for more than {months} months after {previous} (due by {due}; "
        f"{_GAP_EN[kind]} {until}): {fix_en}",
    )


# ---------------------------------------------------------------------------------------------
# 第十七条至第十九条 验收与自评价


class StableRunParams(Params):
    stable_min_months: int = Field(3, ge=0, le=60, description="初验合格后系统稳定运行的最短期限（自然月，含本数）")
    stable_max_months: int = Field(6, ge=1, le=120, description="初验合格后申请竣工验收的最长期限（自然月，含本数）")

    @model_validator(mode="after")
    def _ordered(self) -> StableRunParams:
        if self.stable_min_months > self.stable_max_months:
            raise ValueError(
                f"stable_min_months（{self.stable_min_months}）不能大于 stable_max_months（{self.stable_max_months}）"
            )
        return self


# Service projects (运维、运营、第三方服务) build nothing: their acceptance is a contract-performance
# acceptance (履约验收), not the completion acceptance (竣工验收) of 第十七条.
_SERVICE_NATURES = frozenset({Nature.om, Nature.operation_service, Nature.third_party})

_ACCEPTANCE_DOCUMENTS = (
    DocumentKind.construction_summary,
    DocumentKind.financial_report,
    DocumentKind.supervision_report,
    DocumentKind.security_assessment,
    DocumentKind.mlps_report,
    DocumentKind.crypto_assessment_report,
)


@rule("DSQ17", name="final-acceptance-window", title="初验合格稳定运行3至6个月后竣工验收，并附验收材料",
      kind=Kind.record, profile=PROFILE, cite=[DSQ17], params=StableRunParams,
      fails="""
      milestones:
        preliminary_acceptance: 2025-06-10
        final_acceptance: {date: 2025-08-20, passed: true, ref: 石数据验〔2025〕6号}   # 仅 2 个多月
      """,
      passes="""
      milestones:
        preliminary_acceptance: 2025-03-10
        final_acceptance: {date: 2025-08-20, passed: true, ref: 石数据验〔2025〕6号}
      documents:
        construction_summary: docs/2024-wsj-002/建设总结.pdf
        financial_report: docs/2024-wsj-002/财务报告.pdf
        supervision_report: docs/2024-wsj-002/监理报告.pdf
        security_assessment: docs/2024-wsj-002/安全风险评估报告.pdf
        mlps_report: docs/2024-wsj-002/等保测评报告.pdf
        crypto_assessment_report: docs/2024-wsj-002/密评报告.pdf
      """)
def dsq17(ctx: Context, params: StableRunParams) -> Iterator[Problem]:
    """有 ``milestones.final_acceptance``（竣工验收）的项目，须登记 ``milestones.preliminary_acceptance``（初步验收），
    且竣工验收日期距初验满 ``stable_min_months`` 个自然月、不超过 ``stable_max_months`` 个自然月（默认 3 和 6，两端均含）；
    还须有 ``documents`` 中的 ``construction_summary``（建设总结报告）、``financial_report``（财务报告）、
    ``supervision_report``（监理报告）、``security_assessment``（安全风险评估报告）、``mlps_report``（等保测评报告）
    和 ``crypto_assessment_report``（密评报告）。性质为 ``om``、``operation_service``、``third_party`` 的项目不检查。

    第十七条规定，初验合格且系统稳定运行“3个月以上至6个月内”的，方可申请竣工验收（“以上”“内”均含本数）；
    申请时须附项目建设总结、财务报告、监理报告、安全风险评估报告（含等级保护测评报告）和密码应用安全性评估报告。

    依据说明：RULES.md 的表格对所有项目适用本规则，但本条规范的是系统建成并稳定运行后的竣工验收，
    并要求附建设总结和监理报告。运行维护、运营服务、第三方服务项目不建设系统，以履约验收结项，
    没有初步验收，因此不在检查之列，与渠县 QX38 的处理一致。
    """
    low, high = params.stable_min_months, params.stable_max_months
    for p in ctx.projects:
        final = p.milestones.final_acceptance
        if final is None or p.nature in _SERVICE_NATURES:
            continue
        yield from _stable_run(p, final.date, low, high)
        yield from missing_documents(p, _ACCEPTANCE_DOCUMENTS, when="竣工验收时", when_en="at final acceptance")


def _stable_run(p: Project, final: dt.date, low: int, high: int) -> Iterator[Problem]:
    pre = p.milestones.date_of(Stage.preliminary_acceptance)
    if pre is None:
        yield problem(
            p, "milestones.preliminary_acceptance",
            f"项目 {p.id} 于 {final} 竣工验收，但未登记初步验收：须初验合格且系统稳定运行 {low} 至 {high} 个月后方可申请竣工验收，"
            "请补登 milestones.preliminary_acceptance",
            f"project {p.id} had its final acceptance on {final} without a preliminary acceptance: add "
            "milestones.preliminary_acceptance",
        )
    elif not at_least_months(pre, final, low):
        yield problem(
            p, "milestones.final_acceptance.date",
            f"项目 {p.id} 初验 {pre} 后仅到 {final} 即竣工验收，稳定运行不足 {low} 个月（最早 {add_months(pre, low)}）："
            "请核对日期，稳定运行期满后再申请竣工验收",
            f"project {p.id}: final acceptance {final} is less than {low} months after the preliminary acceptance {pre} "
            f"(earliest {add_months(pre, low)}): check the dates",
        )
    elif not within_months(pre, final, high):
        yield problem(
            p, "milestones.final_acceptance.date",
            f"项目 {p.id} 初验 {pre} 后至 {final} 才竣工验收，超过 {high} 个月（最迟 {add_months(pre, high)}）："
            f"应在初验后 {high} 个月内申请竣工验收，请核对日期",
            f"project {p.id}: final acceptance {final} is more than {high} months after the preliminary acceptance {pre} "
            f"(latest {add_months(pre, high)}): check the dates",
        )


@rule("DSQ18", name="no-use-before-acceptance", title="未经竣工验收或验收不合格的系统不得投入使用",
      kind=Kind.record, profile=PROFILE, cite=[DSQ18],
      fails="""
      # projects/wsj/2024-wsj-002.yaml: systems: {creates: [wsj-health-code]},
      #   final_acceptance: {date: 2025-08-20, passed: false}
      id: wsj-health-code
      status: operating
      """,
      passes="""
      id: wsj-health-code
      status: trial          # 整改复验通过前保持试运行
      """)
def dsq18(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """项目列入 ``systems.creates`` 的系统，在该项目竣工验收不合格（``milestones.final_acceptance`` 为 ``passed: false``）
    或尚未竣工验收（且未终止）时，``status`` 不得为 ``operating``（运行中）。

    第十八条规定：“未经竣工验收或竣工验收不合格的项目不得投入使用”。

    依据说明：RULES.md 只写了验收不合格的情形；条文同样禁止尚未验收的项目投入使用，因此两种情形都检查。
    竣工验收前的试运行（``trial``）属于建设过程（第十七条要求初验后稳定运行），只有 ``operating`` 才算“投入使用”。
    """
    for s in ctx.systems:
        if s.status is not SystemStatus.operating:
            continue
        for p in ctx.head.projects_creating(s.id):
            yield from _not_yet_in_use(s, p)


def _not_yet_in_use(s: System, p: Project) -> Iterator[Problem]:
    final = p.milestones.final_acceptance
    if p.milestones.terminated is not None or (final is not None and final.passed):
        return
    if final is None:
        why, why_en = f"建设项目 {p.id} 尚未竣工验收", f"its project {p.id} has no final acceptance yet"
    else:
        why, why_en = f"建设项目 {p.id} 于 {final.date} 竣工验收不合格", f"its project {p.id} failed the final acceptance on {final.date}"
    yield problem(
        s, "status",
        f"系统 {s.id}「{s.name}」状态为运行中，但{why}：未经竣工验收或验收不合格的项目不得投入使用，"
        "请将 status 改为 trial（试运行），整改并通过竣工验收后再改为 operating",
        f"system {s.id} is operating but {why_en}: keep it in trial until the project passes final acceptance",
    )


_SELF_EVALUATION_EARLIEST_MONTHS = 12  # "12至24个月内": only the upper end is a parameter in RULES.md


class SelfEvaluationWindowParams(Params):
    self_evaluation_months: int = Field(
        24, ge=_SELF_EVALUATION_EARLIEST_MONTHS, le=120,
        description="项目通过验收后开展自评价的最迟期限（自然月，含本数）；最早为验收后12个月",
    )


@rule("DSQ19", name="self-evaluation", title="通过验收后12至24个月内开展自评价", kind=Kind.deadline,
      profile=PROFILE, cite=[DSQ19], params=SelfEvaluationWindowParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        final_acceptance: {date: 2023-09-20, passed: true, ref: 石数据验〔2023〕3号}
      evaluations:
        - {kind: self, date: 2024-03-01}     # 验收后不足 12 个月，不算
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2023-09-20, passed: true, ref: 石数据验〔2023〕3号}
      evaluations:
        - {kind: self, date: 2025-03-01, ref: 石卫健评〔2025〕2号}
      """)
def dsq19(ctx: Context, params: SelfEvaluationWindowParams) -> Iterator[Problem]:
    """竣工验收合格（``milestones.final_acceptance`` 为 ``passed: true``）的项目，须在验收后满 12 个自然月至 N 个自然月之间
    （N 为 ``self_evaluation_months``，默认 24；两端均含）开展自评价，并在 ``evaluations`` 中登记 ``kind: self``。
    今天已超过期限末日、期限内仍没有自评价的，给出警告；验收后不足 12 个月的自评价不计入。

    第十九条规定，项目通过验收并投入运行后“12至24个月内”开展自评价，此时系统已使用一年左右，能看出成效；
    自评价报告报送市数据局和市财政局。本规则按今天的日期判断是否逾期，因此只给出警告。
    """
    latest = params.self_evaluation_months
    for p in ctx.projects:
        final = p.milestones.final_acceptance
        if final is None or not final.passed:
            continue
        opens = add_months(final.date, _SELF_EVALUATION_EARLIEST_MONTHS)
        closes = add_months(final.date, latest)
        if ctx.today <= closes or evaluations_between(p, EvaluationKind.self, opens, closes):
            continue
        others = [e.date for e in p.evaluations if e.kind is EvaluationKind.self]
        note = f"（已登记的自评价 {'、'.join(map(str, others))} 不在该期间内）" if others else ""
        yield problem(
            p, "evaluations",
            f"项目 {p.id} 于 {final.date} 通过验收，应在验收后 {_SELF_EVALUATION_EARLIEST_MONTHS} 至 {latest} 个月内"
            f"（{opens} 至 {closes}）开展自评价{note}，今天 {ctx.today} 已过期限：请开展自评价并报送市数据局和市财政局，"
            "在 evaluations 中登记 {kind: self, date, ref}",
            f"project {p.id} passed acceptance on {final.date}: a self evaluation was due between {opens} and {closes}; "
            "carry it out, report it to the data and finance bureaus and add evaluations: {kind: self, date, ref}",
        )
