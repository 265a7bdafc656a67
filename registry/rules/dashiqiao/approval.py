"""DSQ 规则：第十条至第十二条（办法不分章）：可研和初步设计、评估论证与审核。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    BasisKind,
    Delivery,
    DocumentKind,
    Nature,
    Stage,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.dashiqiao import PROFILE
from registry.rules.dashiqiao.citations import (
    DSQ10_K2_3,
    DSQ11_2_3,
    DSQ12,
)
from registry.rules.dashiqiao.params import MergeLimitParams
from registry.rules.helpers import AMOUNT_TOLERANCE, missing_documents
from registry.rules.precedence import out_of_order

if TYPE_CHECKING:
    from registry.models import Project

_DESIGNED_NATURES = frozenset({Nature.new, Nature.upgrade, Nature.expansion, Nature.rebuild})


_FS_PD = (DocumentKind.feasibility_study, DocumentKind.preliminary_design)


@rule("DSQ10", local=True, name="feasibility-and-design", title="可行性研究报告和初步设计；200万元以下或紧急项目可合并编报",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ10_K2_3], params=MergeLimitParams,
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
        small = p.budget.total_wan < limit - AMOUNT_TOLERANCE
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


@rule("DSQ11", local=True, name="trusted-crypto-cost", title="立项须有安全可靠情况说明、密码应用方案，购买服务项目须有经济性比较",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ11_2_3],
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
    for p in ctx.projects_reached(Stage.approved):
        yield from missing_documents(p, kinds, when="立项批复后", when_en="from approval")
        if p.delivery is Delivery.purchase and p.cost_comparison is None:
            yield problem(
                p, "cost_comparison",
                f"购买服务项目 {p.id} 已立项，缺少自建与购买服务方式的经济性比较：请填写 cost_comparison: {{build_wan: …, purchase_wan: …}}",
                f"purchase project {p.id} is approved without a cost_comparison: add cost_comparison: "
                "{build_wan, purchase_wan} (building versus buying over the system's life)",
            )


@rule("DSQ12", local=True, name="assessed-before-approval", title="批复前须经第三方评估论证和密码应用合法性审核",
      kind=Kind.record, profile=PROFILE.id, cite=[DSQ12],
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
        yield from _preceded(p, Stage.third_party_assessed, "第三方评估论证", "third-party assessment")
        if p.documents.get(DocumentKind.crypto_plan):
            yield from _preceded(p, Stage.crypto_reviewed, "市国家密码管理局密码应用方案合法性审核", "crypto review")


def _preceded(p: Project, stage: Stage, what: str, what_en: str) -> Iterator[Problem]:
    for when, approved in out_of_order(p, stage, Stage.approved):
        if when is None:
            yield problem(
                p, f"milestones.{stage.value}",
                f"项目 {p.id} 已于 {approved} 立项批复，但未登记{what}：批复前须完成该程序，请补登 milestones.{stage.value}（日期和意见编号）",
                f"project {p.id} was approved on {approved} without a {what_en}: it must precede the approval; add "
                f"milestones.{stage.value} (date and reference)",
            )
        else:
            yield problem(
                p, f"milestones.{stage.value}.date",
                f"项目 {p.id} 的{what}日期 {when} 晚于立项批复 {approved}：须先完成{what}再批复，请核对日期",
                f"project {p.id}: {what_en} on {when} is after the approval on {approved}; it must come first, so check "
                "the dates",
            )
