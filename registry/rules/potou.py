"""坡头配置的规则（RULES.md）：坡头区区级政务信息化服务项目管理办法（试行，征求意见稿）。"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field, field_validator

from registry.dates import add_months, month_day_in, parse_month_day
from registry.enums import (
    EXISTING_SYSTEM_NATURES,
    BasisKind,
    CryptoAssessment,
    DocumentKind,
    EvaluationKind,
    Nature,
    Scope,
    Stage,
    Track,
)
from registry.models import Project, System
from registry.rules.base import Citation, Context, Kind, NoParams, Params, Problem, problem, rule
from registry.rules.change import new_changes
from registry.rules.helpers import (
    approved_before,
    changed_scope,
    evaluations_between,
    missing_documents,
    percent,
    target_systems,
)

PROFILE = "potou"

PT6 = Citation(
    PROFILE, "第六条",
    "区各有关单位应按照数字政府改革建设规划，结合业务发展需要，制定本系统、本单位政务信息化规划和政务数据资源目录，"
    "作为项目立项审批的必备条件。",
)
PT8 = Citation(PROFILE, "第八条", "具有以下情形之一的，相关运行维护、运营以及升级项目原则上不予立项。")
PT8_1 = Citation(
    PROFILE, "第八条（一）",
    "具有以下情形之一的，相关运行维护、运营以及升级项目原则上不予立项。\n（一）未纳入政务信息系统目录的系统。",
)
PT8_2 = Citation(PROFILE, "第八条（二）", "（二）未按要求共享数据资源或重复采集数据的政务信息系统。")
PT8_3 = Citation(PROFILE, "第八条（三）", "（三）不符合密码应用和网络安全要求，或者存在重大安全隐患的政务信息系统。")
PT8_4 = Citation(PROFILE, "第八条（四）", "（四）不符合国家安全可靠应用政策的政务信息系统。")
PT10 = Citation(
    PROFILE, "第十条（二）至（四）",
    "（二）组织评审。区政务服务数据管理局组织公共类项目专家评审后，将项目方案及专家评审意见报送区财政局。"
    "涉及密码应用的项目，由区国家保密局出具密码应用审核意见。\n"
    "（三）资金审核。原“造价审核”整合到“资金审核”环节，"
    "由区财政局组织公共类项目资金审核，出具项目预算审核、资金来源、分年度安排计划的初步意见。\n"
    "（四）报批立项。区政务服务数据管理局综合密码应用审核意见、专家评审意见和区财政局意见，按程序报批后完成立项。",
)
PT11 = Citation(
    PROFILE, "第十一条（二）至（四）",
    "（二）组织评审。区政务服务数据管理局组织开展专业类项目立项初审和专家评审后, 将项目方案及专家评审意见报送区财政局。"
    "涉及密码应用的项目，由区国家保密局出具密码应用审核意见。\n"
    "（三）资金审核。原“造价审核”整合到“资金审核”环节，"
    "由区财政局组织专业类项目资金审核，出具项目预算审核、资金来源、分年度安排计划的初步意见。\n"
    "（四）批复立项。区政务服务数据管理局综合密码应用审核意见、专家评审意见和区财政局意见，出具专业类项目立项审批意见，完成立项。",
)
PT12 = Citation(
    PROFILE, "第十二条",
    "运行维护服务、第三方服务以及政府采购限额以下的基础设施服务、软件开发服务和系统业务运营服务项目，可采取备案制管理。",
)
PT14 = Citation(
    PROFILE, "第十四条",
    "下年度开展的区级政务信息化项目原则上应于本年度9月底前完成立项。国家部委、省委省政府、市委市政府、区委区政府明确要求的除外。",
)
PT21 = Citation(
    PROFILE, "第二十一条第一款",
    "项目总金额未超出批复预算、项目目标不变，主要内容确需调整且资金调整数额不超过项目总金额15%，并符合下列情形之一的，"
    "区各有关单位可以自行调整，同时报区政务服务数据管理局备案。",
)
PT21_OTHERWISE = Citation(PROFILE, "第二十一条第二款", "不符合上述情形的，应当按照相关法律法规，国家、省、市、区有关规定执行。")
PT22 = Citation(
    PROFILE, "第二十二条",
    "区各有关单位承担的专业类项目应在验收前按照数字政府改革建设标准和要求进行符合性审查，经区政务服务数据管理局审核通过后，"
    "由区各有关单位自行组织验收，并将验收报告报送区政务服务数据管理局。采取备案制管理的专业类项目无需进行符合性审查",
)
PT23 = Citation(PROFILE, "第二十三条", "未进行档案验收或者档案验收不合格的，不得通过项目验收。")
PT24 = Citation(
    PROFILE, "第二十四条",
    "区各有关单位应当在项目通过验收后12个月内，对系统运行情况进行应用效果自评价，将评价报告报送区政务服务数据管理局",
)

_AMOUNT_TOLERANCE = 0.005  # 万元: amounts are compared to the cent (half of 0.01 万元 = 50 元)


# ---------------------------------------------------------------------------------------------
# 第六条 立项的必备条件


@rule("PT6", name="plan-and-catalogue", title="立项须有政务信息化规划和政务数据资源目录", kind=Kind.record,
      profile=PROFILE, cite=[PT6],
      fails="""
      milestones:
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
      basis:
        - {title: 区政府常务会议纪要, kind: meeting}
      documents: {}
      """,
      passes="""
      milestones:
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
      basis:
        - {title: 坡头区卫生健康局政务信息化规划（2024—2026年）, kind: plan}
      documents:
        resource_catalog: docs/2025-wjj-001/政务数据资源目录.xlsx
      """)
def pt6(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """自立项批复（`approved`）起，项目须有政务数据资源目录 `documents.resource_catalog`，
    且建设依据 `basis` 中至少有一项 `kind: plan`（本单位政务信息化规划）。

    第六条把本单位的政务信息化规划和政务数据资源目录作为立项审批的“必备条件”：
    没有它们，区政务服务数据管理局就无法判断项目是否符合规划、将共享哪些数据。
    """
    for p in ctx.projects:
        if not p.reached(Stage.approved):
            continue
        yield from missing_documents(p, [DocumentKind.resource_catalog], when="立项批复后", when_en="from approval")
        if not p.has_basis(BasisKind.plan):
            yield problem(
                p, "basis",
                f"项目 {p.id} 已立项，但建设依据（basis）中没有本单位政务信息化规划：请添加一项 kind: plan 的依据"
                "（规划名称和文号），规划是立项审批的必备条件",
                f"project {p.id} is approved but its basis has no item of kind plan: add the unit's informatization plan",
            )


# ---------------------------------------------------------------------------------------------
# 第八条 不予立项的系统（运维、运营、升级项目）


def _existing_system_targets(ctx: Context, *, active_only: bool = True) -> Iterator[tuple[Project, str, System]]:
    """(project, field, system) for the target systems of in-flight existing-system projects.

    A retired or merged target is PT8.1's finding alone: once a system has left the catalogue,
    its sharing and security state no longer matters, so PT8.2–PT8.4 look at active ones only.
    """
    for p in ctx.projects:
        if p.in_flight and p.nature in EXISTING_SYSTEM_NATURES:
            for field, s in target_systems(ctx, p):
                if s.active or not active_only:
                    yield p, field, s


def _on_system(p: Project, field: str, s: System, what: str, what_en: str, fix: str, fix_en: str) -> Problem:
    return problem(
        p, field,
        f"项目 {p.id}（{p.nature.label}）涉及的系统 {s.id}「{s.name}」{what}，第八条规定相关运行维护、运营及升级项目原则上不予立项：{fix}",
        f"project {p.id} ({p.nature.value}) works on system {s.id}, which {what_en}: such projects are not approved "
        f"in principle; {fix_en}",
    )


@rule("PT8.1", name="target-in-catalogue", title="运维、升级项目涉及的系统须在系统目录中", kind=Kind.record,
      profile=PROFILE, cite=[PT8_1],
      fails="""
      # systems/wjj/wjj-old-his.yaml: status: merged, merged_into: wjj-health
      nature: om
      milestones: {planned: 2025-01-10}
      systems: {maintains: [wjj-old-his]}
      """,
      passes="""
      nature: om
      milestones: {planned: 2025-01-10}
      systems: {maintains: [wjj-health]}   # 在用系统
      """)
def pt8_1(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建的存量系统项目（性质为升级改造、扩建、改建、运行维护或运营服务，
    已纳入年度计划，尚未竣工验收或终止）只能针对在用系统：
    其对象系统（`systems.upgrades`、`systems.maintains`）不得是已停用或已整合的系统。

    已停用或已整合的系统已退出政务信息系统目录；继续为它支付运维、运营或升级费用，
    正是第八条（一）所禁止的。（不存在的系统编号由 REG005 检查。）
    """
    for p, field, s in _existing_system_targets(ctx, active_only=False):
        if not s.active:
            fix = f"请从 {field} 中移除该系统" + (f"，改为整合后的系统 {s.merged_into}" if s.merged_into else "")
            fix_en = f"remove it from {field}" + (f" and name {s.merged_into}, the system it was merged into" if s.merged_into else "")
            yield _on_system(p, field, s, f"状态为{s.status.label}，已不在政务信息系统目录中",
                             f"is {s.status.value} and no longer in the catalogue", fix, fix_en)


@rule("PT8.2", name="target-shares-data", title="运维、升级项目涉及的系统须共享数据且不重复采集", kind=Kind.record,
      profile=PROFILE, cite=[PT8, PT8_2],
      fails="""
      # systems/wjj/wjj-health.yaml: data: {shared: false, duplicate_collection: true}
      nature: upgrade
      milestones: {planned: 2025-01-10}
      systems: {upgrades: [wjj-health]}
      """,
      passes="""
      # systems/wjj/wjj-health.yaml: data: {shared: true, duplicate_collection: false}
      nature: upgrade
      milestones: {planned: 2025-01-10}
      systems: {upgrades: [wjj-health]}
      """)
def pt8_2(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建的存量系统项目（性质为升级改造、扩建、改建、运行维护或运营服务，
    已纳入年度计划，尚未竣工验收或终止）中，每个在用的对象系统都须共享数据（`data.shared: true`），
    且不得重复采集其他系统已采集的数据（`data.duplicate_collection` 不为 true）。

    第八条（二）对未按要求共享数据资源或重复采集数据的系统，不安排运维、运营和升级项目。

    依据说明：与渠县第十六条、第十七条不同，坡头的条文没有经批准的例外，
    因此 `sharing_exemption` 在这里不能免除检查；未填写 `data.shared` 的按未共享处理，
    因为申请资金的单位须证明该系统已经共享。
    """
    for p, field, s in _existing_system_targets(ctx):
        if s.data.shared is not True:
            state = "未填写" if s.data.shared is None else "为 false"
            yield _on_system(p, field, s, f"未按要求共享数据资源（data.shared {state}）",
                             "does not share its data (data.shared is not true)",
                             f"请先将系统 {s.id} 接入政务数据共享并在系统记录中填写 data.shared: true",
                             f"first have {s.id} share its data and set data.shared: true in its record")
        if s.data.duplicate_collection:
            yield _on_system(p, field, s, "重复采集其他系统已采集的数据（data.duplicate_collection: true）",
                             "collects data already collected elsewhere",
                             f"请先停止重复采集、改为共享获取，并将系统 {s.id} 的 data.duplicate_collection 改为 false",
                             f"first stop the duplicate collection (obtain the data by sharing) and set "
                             f"data.duplicate_collection: false in {s.id}")


@rule("PT8.3", name="target-secure", title="运维、升级项目涉及的系统须符合密码应用和网络安全要求", kind=Kind.record,
      profile=PROFILE, cite=[PT8, PT8_3],
      fails="""
      # systems/wjj/wjj-health.yaml:
      #   security: {mlps_level: null, crypto_assessment: failed, major_risks: [数据库弱口令]}
      nature: om
      milestones: {planned: 2025-01-10}
      systems: {maintains: [wjj-health]}
      """,
      passes="""
      # systems/wjj/wjj-health.yaml:
      #   security: {mlps_level: 2, crypto_assessment: passed, major_risks: []}
      nature: om
      milestones: {planned: 2025-01-10}
      systems: {maintains: [wjj-health]}
      """)
def pt8_3(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建的存量系统项目（性质为升级改造、扩建、改建、运行维护或运营服务，
    已纳入年度计划，尚未竣工验收或终止）中，每个在用的对象系统都须满足：
    密码应用安全性评估不是未通过（`security.crypto_assessment` 不为 `failed`）；
    已进行网络安全等级保护定级（填写了 `security.mlps_level`）；
    没有未整改的重大安全隐患（`security.major_risks` 为空）。

    第八条（三）：不符合密码应用和网络安全要求、或存在重大安全隐患的系统，
    整改完成前不安排运维、运营或升级项目。密评尚待评估（`pending`）不算未通过，不影响立项。
    """
    for p, field, s in _existing_system_targets(ctx):
        sec = s.security
        if sec.crypto_assessment is CryptoAssessment.failed:
            yield _on_system(p, field, s, "密码应用安全性评估未通过（security.crypto_assessment: failed）",
                             "failed its crypto assessment", "请先完成密码应用整改并重新评估",
                             f"first remedy the crypto application and have {s.id} assessed again")
        if sec.mlps_level is None:
            yield _on_system(p, field, s, "未进行网络安全等级保护定级（security.mlps_level 为空）",
                             "has no multi-level protection grade", f"请先完成定级备案，并在系统 {s.id} 记录中填写 security.mlps_level",
                             f"first have it graded and filed, and set security.mlps_level in {s.id}")
        if sec.major_risks:
            risks = "、".join(sec.major_risks)
            yield _on_system(p, field, s, f"存在未整改的重大安全隐患（{risks}）",
                             f"has open major risks ({'; '.join(sec.major_risks)})",
                             f"请先完成整改，并清空系统 {s.id} 的 security.major_risks",
                             f"first remedy them and empty security.major_risks in {s.id}")


@rule("PT8.4", name="target-trusted-products", title="运维、升级项目涉及的系统须符合安全可靠应用政策", kind=Kind.record,
      profile=PROFILE, cite=[PT8, PT8_4],
      fails="""
      # systems/wjj/wjj-health.yaml: security: {trusted_products: false}
      nature: upgrade
      milestones: {planned: 2025-01-10}
      systems: {upgrades: [wjj-health]}
      """,
      passes="""
      # systems/wjj/wjj-health.yaml: security: {trusted_products: true}
      nature: upgrade
      milestones: {planned: 2025-01-10}
      systems: {upgrades: [wjj-health]}
      """)
def pt8_4(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """在建的存量系统项目（性质为升级改造、扩建、改建、运行维护或运营服务，
    已纳入年度计划，尚未竣工验收或终止）中，每个在用的对象系统都须采用安全可靠的软硬件产品：
    `security.trusted_products: true`。

    第八条（四）对不符合国家安全可靠应用政策的系统不安排资金。
    未填写的按未证明处理：申请资金的单位须写明该系统符合政策。
    """
    for p, field, s in _existing_system_targets(ctx):
        if s.security.trusted_products is not True:
            state = "未填写" if s.security.trusted_products is None else "为 false"
            yield _on_system(p, field, s, f"未符合国家安全可靠应用政策（security.trusted_products {state}）",
                             "does not comply with the secure-and-reliable policy (security.trusted_products is not true)",
                             f"请完成安全可靠替代后，在系统 {s.id} 记录中填写 security.trusted_products: true",
                             f"first replace the non-compliant products, then set security.trusted_products: true in {s.id}")


# ---------------------------------------------------------------------------------------------
# 第十条、第十一条 立项流程


def _uses_crypto(p: Project) -> bool:
    """The project "涉及密码应用": it has a crypto plan or a crypto budget."""
    return bool(p.documents.get(DocumentKind.crypto_plan)) or (p.budget.crypto_wan or 0) > 0


_REVIEW_STEPS = {
    Stage.reviewed: ("专家评审意见", "expert review"),
    Stage.finance_reviewed: ("区财政局资金审核意见", "finance review"),
    Stage.crypto_reviewed: ("区国家保密局密码应用审核意见", "crypto review"),
}


@rule("PT10", name="approval-reviews", title="审批制项目立项前须经专家评审、资金审核和密码应用审核", kind=Kind.record,
      profile=PROFILE, cite=[PT10, PT11],
      fails="""
      track: approval
      budget: {total_wan: 120, crypto_wan: 6}
      milestones:
        reviewed: {date: 2025-02-10, ref: 坡政数评〔2025〕3号}
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
        # 没有 finance_reviewed，涉及密码应用却没有 crypto_reviewed
      """,
      passes="""
      track: approval
      budget: {total_wan: 120, crypto_wan: 6}
      milestones:
        reviewed: {date: 2025-02-10, ref: 坡政数评〔2025〕3号}
        crypto_reviewed: {date: 2025-02-15, ref: 坡密审〔2025〕2号}
        finance_reviewed: {date: 2025-02-20, ref: 坡财审〔2025〕11号}
        approved: {date: 2025-03-01, doc_no: 坡政数〔2025〕8号}
      """)
def pt10(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """审批制（`track: approval`）项目到达立项批复（`approved`）阶段后，须有专家评审 `reviewed`
    和资金审核 `finance_reviewed` 两个里程碑；涉及密码应用（有 `documents.crypto_plan`
    或 `budget.crypto_wan` 大于 0）的，还须有密码应用审核 `crypto_reviewed`。
    这些里程碑的日期都不得晚于立项批复日期（同一天可以）。

    第十条（公共类项目）和第十一条（专业类项目）规定，立项须综合专家评审意见、区财政局意见，
    以及涉及密码应用时区国家保密局的密码应用审核意见。没有这些意见或在取得意见之前就立项，
    就是跳过了程序。备案制项目（第十二条）按简化的备案程序办理，不检查。
    """
    for p in ctx.projects:
        if p.track is not Track.approval or not p.reached(Stage.approved):
            continue
        needed = [Stage.reviewed, Stage.finance_reviewed] + ([Stage.crypto_reviewed] if _uses_crypto(p) else [])
        approved = p.milestones.date_of(Stage.approved)
        for stage in needed:
            yield from _review_before(p, stage, approved)


def _review_before(p: Project, stage: Stage, approved: dt.date | None) -> Iterator[Problem]:
    what, what_en = _REVIEW_STEPS[stage]
    when = p.milestones.date_of(stage)
    if when is None:
        crypto = "（项目涉及密码应用：有密码应用方案或密码应用投入）" if stage is Stage.crypto_reviewed else ""
        yield problem(
            p, f"milestones.{stage.value}",
            f"审批制项目 {p.id} 已立项，但未登记{what}{crypto}：请补登 milestones.{stage.value}（日期和意见编号），"
            "立项须综合该意见",
            f"approval-track project {p.id} is approved without the {what_en}: add milestones.{stage.value} "
            "(date and reference); the approval must rest on it",
        )
    elif approved is not None and when > approved:
        yield problem(
            p, f"milestones.{stage.value}.date",
            f"项目 {p.id} 的{what}日期 {when} 晚于立项批复 {approved}：立项须在取得该意见之后，请核对日期",
            f"project {p.id}: {what_en} on {when} is after the approval on {approved}; the approval follows it, "
            "so check the dates",
        )


# ---------------------------------------------------------------------------------------------
# 第十二条 备案制的适用范围


class FilingParams(Params):
    procurement_threshold_wan: float = Field(
        100, gt=0, le=1_000_000,
        description="政府采购限额标准（万元）：低于此额的基础设施、软件开发和系统业务运营服务项目可采取备案制（第十二条“限额以下”，不含本数）",
    )


_FILING_ANY_AMOUNT = frozenset({Nature.om, Nature.third_party})


@rule("PT12", name="filing-track-scope", title="备案制仅限运维、第三方服务和采购限额以下项目", kind=Kind.record,
      profile=PROFILE, cite=[PT12], params=FilingParams,
      fails="""
      track: filing
      nature: upgrade
      budget: {total_wan: 150}
      """,
      passes="""
      track: filing
      nature: upgrade
      budget: {total_wan: 80}      # 政府采购限额 100 万元以下
      """)
def pt12(ctx: Context, params: FilingParams) -> Iterator[Problem]:
    """备案制（`track: filing`）项目的性质须为运行维护（`om`）或第三方服务（`third_party`），
    否则其投资概算 `budget.total_wan` 须低于政府采购限额（`procurement_threshold_wan`，默认 100 万元，不含本数）。

    第十二条只允许运行维护服务、第三方服务，以及“政府采购限额以下”的基础设施服务、
    软件开发服务和系统业务运营服务项目采取备案制；达到采购限额的项目须按第十条、第十一条走完整的审批程序。

    依据说明：这里的“以下”按政府采购的含义理解：达到限额标准即须政府采购，
    因此投资恰好等于限额的项目也须审批。
    """
    limit = params.procurement_threshold_wan
    for p in ctx.projects:
        if p.track is not Track.filing or p.nature in _FILING_ANY_AMOUNT:
            continue
        if p.budget.total_wan >= limit - _AMOUNT_TOLERANCE:
            yield problem(
                p, "track",
                f"项目 {p.id} 为备案制，但性质为{p.nature.label}且投资 {p.budget.total_wan:g} 万元已达到政府采购限额 {limit:g} 万元："
                "备案制仅适用于运行维护、第三方服务及限额以下项目，请改为审批制（track: approval）并履行评审、资金审核程序",
                f"project {p.id} is on the filing track but is {p.nature.value} with {p.budget.total_wan:g} wan, "
                f"at or above the procurement limit {limit:g}: set track: approval and go through the expert and "
                "finance reviews",
            )


# ---------------------------------------------------------------------------------------------
# 第十四条 立项时限


class ApprovalDeadlineParams(Params):
    approval_deadline: str = Field(
        "09-30", description="上一年度完成立项的截止日（MM-DD，含当日）：下年度项目原则上应于本年度9月底前完成立项",
    )

    @field_validator("approval_deadline")
    @classmethod
    def _month_day(cls, value: str) -> str:
        parse_month_day(value)
        return value


@rule("PT14", name="approval-deadline", title="下年度项目须于本年度9月底前完成立项", kind=Kind.record,
      profile=PROFILE, cite=[PT14], params=ApprovalDeadlineParams,
      fails="""
      id: 2026-wjj-001
      year: 2026
      milestones:
        approved: {date: 2025-10-15, doc_no: 坡政数〔2025〕31号}   # 晚于 2025-09-30
        budgeted: {date: 2026-01-20, amount_wan: 90}
      """,
      passes="""
      id: 2026-wjj-001
      year: 2026
      milestones:
        approved: {date: 2025-09-30, doc_no: 坡政数〔2025〕27号}
        budgeted: {date: 2026-01-20, amount_wan: 90}
      """)
def pt14(ctx: Context, params: ApprovalDeadlineParams) -> Iterator[Problem]:
    """已下达预算（到达 `budgeted` 阶段）的项目须已立项批复（`approved`），
    且批复日期不晚于预算年度 `year` 上一年的立项截止日（`approval_deadline`，默认 9 月 30 日，当日有效）；
    建设依据 `basis` 中有一项为 `kind: directive`（上级明确要求）的项目除外。

    第十四条：下年度项目原则上应于本年度 9 月底前完成立项，未按时立项的原则上不纳入下年度预算。
    例外是国家部委、省委省政府、市委市政府、区委区政府明确要求的项目（`kind: directive`）。
    """
    for p in ctx.projects:
        if not p.reached(Stage.budgeted) or p.has_basis(BasisKind.directive):
            continue
        deadline = month_day_in(p.year - 1, params.approval_deadline)
        approved = p.milestones.date_of(Stage.approved)
        if approved is None:
            yield problem(
                p, "milestones.approved",
                f"项目 {p.id} 已下达 {p.year} 年度预算，但未登记立项批复：{p.year} 年度项目应于 {deadline} 前完成立项，"
                "请补登 milestones.approved；未按时立项的原则上不纳入下年度预算",
                f"project {p.id} is budgeted for {p.year} without an approval: it had to be approved by {deadline}; "
                "add milestones.approved",
            )
        elif approved > deadline:
            yield problem(
                p, "milestones.approved.date",
                f"项目 {p.id} 于 {approved} 立项，晚于 {p.year} 年度项目的立项截止日 {deadline}，却已纳入 {p.year} 年度预算："
                "未按时立项的项目原则上不纳入下年度预算；如属上级或区委区政府明确要求，请在 basis 中添加 kind: directive 的依据",
                f"project {p.id} was approved on {approved}, after the deadline {deadline} for {p.year} projects, yet it "
                "is budgeted: late projects are in principle not budgeted; if a higher authority required it, add a "
                "basis item of kind directive",
            )


# ---------------------------------------------------------------------------------------------
# 第二十一条 立项后调整


class SelfAdjustParams(Params):
    self_adjust_share: float = Field(
        0.15, ge=0, le=1,
        description="单位可自行调整（报备案）的资金调整比例上限（含本数），超过须重新报批：资金调整数额不超过项目总金额15%",
    )


_SCOPE_LABELS = {
    "budget.total_wan": "投资概算",
    "content": "建设内容",
    "systems": "涉及系统",
    "goals": "绩效目标",
}


def _approval_reasons(before: Project, after: Project, share: float) -> list[tuple[str, str]]:
    """Why an adjustment exceeds what the unit may do on its own (zh, en) — empty if it may."""
    reasons = []
    old, new = before.budget.total_wan, after.budget.total_wan
    if new > old + _AMOUNT_TOLERANCE:
        reasons.append((f"投资由 {old:g} 增至 {new:g} 万元，超出批复预算", f"total rises from {old:g} to {new:g} above the approved budget"))
    elif abs(new - old) > share * old + _AMOUNT_TOLERANCE:
        reasons.append((
            f"资金调整 {new - old:+g} 万元，超过原总金额 {old:g} 万元的 {percent(share)}（{share * old:g} 万元）",
            f"the adjustment {new - old:+g} exceeds {percent(share)} of {old:g}",
        ))
    if before.goals != after.goals:
        reasons.append(("项目绩效目标发生变化", "the goals changed"))
    return reasons


@rule("PT21", name="adjustment-filed", title="立项后调整须登记变更，超出自行调整范围须重新报批", kind=Kind.change,
      profile=PROFILE, cite=[PT21, PT21_OTHERWISE], params=SelfAdjustParams,
      fails="""
      # 基准版本：已立项，total_wan: 200
      budget: {total_wan: 160}     # 减少 20%，超过 15%
      changes:
        - {date: 2025-08-01, description: 取消移动端模块, amount_wan: -40}   # 没有 approval
      """,
      passes="""
      # 基准版本：已立项，total_wan: 200
      budget: {total_wan: 180}     # 减少 10%，可自行调整并备案
      changes:
        - {date: 2025-08-01, description: 优化技术方案，取消自建短信网关, amount_wan: -20}
      """)
def pt21(ctx: Context, params: SelfAdjustParams) -> Iterator[Problem]:
    """基准版本中已立项批复的项目，调整了投资概算 `budget.total_wan`、建设内容 `content`、
    涉及系统 `systems` 或绩效目标 `goals` 的，须在 `changes` 中新增记录。
    以下情形还须在新增记录中填写 `approval`（重新报批）：`total_wan` 超过基准版本的数额；
    调整额超过基准版本数额的 `self_adjust_share`（默认 15%，恰为 15% 仍可自行调整）；绩效目标发生变化。

    第二十一条规定，只有在总金额未超出批复预算、项目目标不变、资金调整数额不超过项目总金额 15% 时，
    单位才可自行调整，并报区政务服务数据管理局备案（即 `changes` 记录）；其他情形须重新报批。

    依据说明：RULES.md 的表格只列了投资、内容和系统；条文还要求“项目目标不变”，
    因此绩效目标的变化也须登记，并视为须重新报批。
    """
    for p in ctx.projects:
        before = approved_before(ctx, p)
        if before is None:
            continue
        changed = changed_scope(before, p) + (["goals"] if before.goals != p.goals else [])
        if not changed:
            continue
        fresh = new_changes(before, p)
        if not fresh:
            for field in changed:
                yield problem(
                    p, field,
                    f"项目 {p.id} 立项后调整了{_SCOPE_LABELS[field]}（{field}），但 changes 中没有新增变更记录："
                    "请登记本次调整（日期、内容、金额变化），并报区政务服务数据管理局备案",
                    f"project {p.id} changed {field} after approval without a new changes entry: record and file the adjustment",
                )
            continue
        reasons = _approval_reasons(before, p, params.self_adjust_share)
        if reasons and not any(c.approval for c in fresh):
            zh = "；".join(r[0] for r in reasons)
            en = "; ".join(r[1] for r in reasons)
            yield problem(
                p, "changes",
                f"项目 {p.id} 的调整超出单位自行调整范围（{zh}）：须重新报批，请在本次 changes 记录中填写 approval（批复文号和日期）",
                f"project {p.id}: the adjustment needs re-approval ({en}): give approval in the new changes entry",
            )


# ---------------------------------------------------------------------------------------------
# 第二十二条至第二十四条 验收与评价


@rule("PT22", name="conformity-review", title="审批制专业类项目验收前须经符合性审查", kind=Kind.record,
      profile=PROFILE, cite=[PT22],
      fails="""
      scope: professional
      track: approval
      milestones:
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """,
      passes="""
      scope: professional
      track: approval
      milestones:
        conformity_review: {date: 2025-09-05, ref: 坡政数审〔2025〕14号}
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """)
def pt22(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """审批制（`track: approval`）专业类（`scope: professional`）项目已竣工验收（`final_acceptance`）的，
    须有符合性审查 `conformity_review`，且审查日期早于验收日期（同一天不符合）。

    第二十二条：专业类项目由单位自行组织验收，但验收前须按数字政府改革建设标准和要求
    进行符合性审查，经区政务服务数据管理局审核通过后方可验收；
    备案制专业类项目无需审查，公共类项目由区政务服务数据管理局负责验收。

    依据说明：条文写的是“验收前”和“审核通过后……自行组织验收”，是先后顺序，
    因此审查须严格早于验收，同一天不算。
    """
    for p in ctx.projects:
        final = p.milestones.final_acceptance
        if final is None or p.scope is not Scope.professional or p.track is not Track.approval:
            continue
        review = p.milestones.conformity_review
        if review is None:
            yield problem(
                p, "milestones.conformity_review",
                f"审批制专业类项目 {p.id} 已于 {final.date} 验收，但未登记符合性审查：验收前须经区政务服务数据管理局符合性审查，"
                "请补登 milestones.conformity_review（日期和审查意见编号）",
                f"professional approval-track project {p.id} was accepted on {final.date} without a conformity review: "
                "add milestones.conformity_review (date and reference)",
            )
        elif review.date >= final.date:
            yield problem(
                p, "milestones.conformity_review.date",
                f"项目 {p.id} 的符合性审查日期 {review.date} 不早于验收日期 {final.date}：符合性审查须在验收之前通过，请核对日期",
                f"project {p.id}: conformity review on {review.date} is not before the acceptance on {final.date}; "
                "it must come first, so check the dates",
            )


@rule("PT23", name="archive-before-acceptance", title="通过验收前须完成档案验收", kind=Kind.record,
      profile=PROFILE, cite=[PT23],
      fails="""
      milestones:
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """,
      passes="""
      milestones:
        archive_acceptance: 2025-09-12
        final_acceptance: {date: 2025-09-20, passed: true, ref: 坡卫健验〔2025〕2号}
      """)
def pt23(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已通过的竣工验收（`final_acceptance` 且 `passed: true`）须有档案验收 `archive_acceptance`，
    且档案验收日期不晚于竣工验收日期。

    第二十三条：未进行档案验收或档案验收不合格的，不得通过项目验收。
    档案验收可以与项目验收在同一天进行。
    """
    for p in ctx.projects:
        final = p.milestones.final_acceptance
        if final is None or not final.passed:
            continue
        archive = p.milestones.archive_acceptance
        if archive is None:
            yield problem(
                p, "milestones.archive_acceptance",
                f"项目 {p.id} 于 {final.date} 通过验收，但未登记档案验收：未进行档案验收的不得通过项目验收，"
                "请补登 milestones.archive_acceptance",
                f"project {p.id} passed acceptance on {final.date} without an archive acceptance: add "
                "milestones.archive_acceptance",
            )
        elif archive.date > final.date:
            yield problem(
                p, "milestones.archive_acceptance.date",
                f"项目 {p.id} 的档案验收日期 {archive.date} 晚于验收通过日期 {final.date}：档案验收须在项目验收之前（或当日）完成，请核对日期",
                f"project {p.id}: archive acceptance on {archive.date} is after the acceptance on {final.date}; it "
                "must come first (or on the same day), so check the dates",
            )


class SelfEvaluationParams(Params):
    self_evaluation_months: int = Field(
        12, ge=1, le=120, description="项目通过验收后完成应用效果自评价的期限（自然月，含到期当日）",
    )


@rule("PT24", name="self-evaluation", title="通过验收后12个月内完成应用效果自评价", kind=Kind.deadline,
      profile=PROFILE, cite=[PT24], params=SelfEvaluationParams,
      fails="""
      # 今天 2025-12-01
      milestones:
        final_acceptance: {date: 2024-09-20, passed: true, ref: 坡卫健验〔2024〕2号}
      evaluations: []
      """,
      passes="""
      milestones:
        final_acceptance: {date: 2024-09-20, passed: true, ref: 坡卫健验〔2024〕2号}
      evaluations:
        - {kind: self, date: 2025-08-30, ref: 坡卫健评〔2025〕1号}
      """)
def pt24(ctx: Context, params: SelfEvaluationParams) -> Iterator[Problem]:
    """项目通过竣工验收（`final_acceptance` 且 `passed: true`）后，
    满 `self_evaluation_months` 个自然月（默认 12 个月）时，
    须已有一次应用效果自评价（`evaluations` 中 `kind: self` 的记录），
    日期在验收日至期满日之间（含两端，期满当日完成仍算按期）。

    第二十四条要求项目通过验收后 12 个月内对系统运行情况进行应用效果自评价，
    并将评价报告报送区政务服务数据管理局；它是该局开展后评价、审批下一年度项目的依据（第二十五条）。
    只作警告，是为了不让时间推移阻断无关的合并请求。
    """
    months = params.self_evaluation_months
    for p in ctx.projects:
        final = p.milestones.final_acceptance
        if final is None or not final.passed:
            continue
        due = add_months(final.date, months)
        if ctx.today <= due or evaluations_between(p, EvaluationKind.self, final.date, due):
            continue
        late = [e.date for e in p.evaluations if e.kind is EvaluationKind.self and e.date > due]
        note = f"（已有的自评价 {late[0]} 已逾期）" if late else ""
        yield problem(
            p, "evaluations",
            f"项目 {p.id} 于 {final.date} 通过验收，应在 {months} 个月内（最迟 {due}）完成应用效果自评价{note}，今天 {ctx.today} 仍无按期的自评价："
            "请完成自评价并报送区政务服务数据管理局，在 evaluations 中登记 {kind: self, date, ref}",
            f"project {p.id} passed acceptance on {final.date}: a self evaluation was due by {due} and none is recorded "
            "in time; carry it out, report it to the data bureau and add evaluations: {kind: self, date, ref}",
        )

