"""JX 规则：第四章 财政预算管理（第二十一条至第二十六条）：立项与预算、责任书、运维经费。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import (
    DocumentKind,
    Nature,
    Stage,
)
from registry.findings import Message
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    documents_from,
    system_shortfalls,
    target_systems,
)
from registry.rules.jinxiang import PROFILE
from registry.rules.jinxiang.citations import (
    JX18,
    JX22,
    JX24,
    JX25,
)
from registry.rules.jinxiang.shared import GOVERNMENT_CLOUDS
from registry.rules.precedence import out_of_order_projects


@rule("JX22", local=True, name="budget-only-for-approved-projects", title="未立项（未入项目库）的项目不安排预算", kind=Kind.record,
      profile=PROFILE.id, cite=[JX18, JX22],
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
    for p, approved, budgeted in out_of_order_projects(ctx, Stage.approved, Stage.budgeted):
        if approved is None:
            yield problem(p, "milestones.budgeted",
                          f"项目 {p.id} 于 {budgeted} 下达预算，但没有立项批复（milestones.approved）：未纳入项目库的项目一律不安排年度预算，"
                          "请补录立项批复文号和日期",
                          f"project {p.id} was budgeted on {budgeted} without approval: no budget outside the project library; "
                          "record the approval (milestones.approved)")
        else:
            yield problem(p, "milestones.budgeted",
                          f"项目 {p.id} 预算下达 {budgeted} 早于立项批复 {approved}：须先立项纳入项目库再安排预算，请核实日期",
                          f"project {p.id} was budgeted on {budgeted}, before its approval on {approved}: approval comes "
                          "first; check the dates")


@rule("JX24", local=True, name="responsibility-letter", title="预算下达后签署项目建设主体责任书", kind=Kind.record,
      profile=PROFILE.id, cite=[JX24],
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
    yield from documents_from(ctx, Stage.budgeted, (DocumentKind.responsibility_letter,),
                              when="预算下达后", when_en="from budget release")


OM_NATURES = frozenset({Nature.om, Nature.operation_service})


@rule("JX25", name="no-om-funds-for-noncompliant-systems", title="不合要求的系统不得申请运行维护经费", kind=Kind.record,
      profile=PROFILE.id, cite=[JX25],
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
    for p in ctx.projects_in_flight:
        if p.nature not in OM_NATURES:
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
