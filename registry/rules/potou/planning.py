"""PT 规则：第二章 规划（第六条至第八条）：规划和数据资源目录，运维、升级项目不予立项的情形。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.enums import (
    EXISTING_SYSTEM_NATURES,
    BasisKind,
    CryptoAssessment,
    DocumentKind,
    Stage,
)
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import (
    missing_documents,
    target_systems,
)
from registry.rules.potou import PROFILE
from registry.rules.potou.citations import (
    PT6,
    PT8,
    PT8_1,
    PT8_2,
    PT8_3,
    PT8_4,
)

if TYPE_CHECKING:
    from registry.models import Project, System


@rule("PT6", local=True, name="plan-and-catalogue", title="立项须有政务信息化规划和政务数据资源目录", kind=Kind.record,
      profile=PROFILE.id, cite=[PT6],
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
    for p in ctx.projects_reached(Stage.approved):
        yield from missing_documents(p, [DocumentKind.resource_catalog], when="立项批复后", when_en="from approval")
        if not p.has_basis(BasisKind.plan):
            yield problem(
                p, "basis",
                f"项目 {p.id} 已立项，但建设依据（basis）中没有本单位政务信息化规划：请添加一项 kind: plan 的依据"
                "（规划名称和文号），规划是立项审批的必备条件",
                f"project {p.id} is approved but its basis has no item of kind plan: add the unit's informatization plan",
            )


def _existing_system_targets(ctx: Context, *, active_only: bool = True) -> Iterator[tuple[Project, str, System]]:
    """(project, field, system) for the target systems of in-flight existing-system projects.

    A retired or merged target is PT8.1's finding alone: once a system has left the catalogue,
    its sharing and security state no longer matters, so PT8.2–PT8.4 look at active ones only.
    """
    for p in ctx.projects_in_flight:
        if p.nature in EXISTING_SYSTEM_NATURES:
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
      profile=PROFILE.id, cite=[PT8_1],
      fails="""
      # systems/wjj/wjj-health.yaml: status: operating
      # systems/wjj/wjj-old-his.yaml: status: merged, retired_on: 2024-12-31, merged_into: wjj-health
      nature: om
      milestones: {planned: 2025-01-10}
      systems: {maintains: [wjj-old-his]}
      """,
      passes="""
      # systems/wjj/wjj-health.yaml: status: operating
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
      profile=PROFILE.id, cite=[PT8, PT8_2],
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
      profile=PROFILE.id, cite=[PT8, PT8_3],
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
      profile=PROFILE.id, cite=[PT8, PT8_4],
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
