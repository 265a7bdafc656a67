"""变更规则 CHG007–CHG008：本次变更对规则配置的修改，以及全域（整个登记簿）在用系统总量。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.configdiff import config_changes
from registry.findings import Message, Severity
from registry.models.kinds import CONFIG_FILE
from registry.rules.base import CONFIGURATION, Context, Kind, NoParams, Params, Problem, problem, rule
from registry.rules.paramkit import Field
from registry.rules.change import approved, excused, in_use_count, initial_registration, newcomer
from registry.rules.dalad.citations import DLT4
from registry.rules.dashiqiao.citations import DSQ2
from registry.rules.jinxiang.citations import JX4
from registry.rules.potou.citations import PT7, PT8
from registry.rules.profiles import PROFILES
from registry.rules.quxian.citations import QX3, QX10, QX12

if TYPE_CHECKING:
    from registry.models import System


@rule("CHG007", name="config-change", title="变更修改了规则配置", kind=Kind.change, profile="common",
      severity=Severity.warning, cite=[QX3, JX4],
      fails="""
      # 文件 registry.yaml：本次变更新增（目标分支没有）
      disabled_rules:
        - {rule: CHG001, reason: 临时停用}
      """,
      passes="""
      # 文件 registry.yaml
      # 本次变更不改动 profiles、parameters、disabled_rules、authorities 和各单位的审核人、批准人
      disabled_rules: []
      """)
def chg007(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """本次变更修改了 registry.yaml 中决定检查和审核的配置：适用的规则配置（`profiles`）、
    停用的规则（`disabled_rules`）、规则参数（`parameters`）、职能部门（`authorities`）、
    已有单位的类型、主管部门、审核人和批准人（`reviewers`、`approvers`），或默认比较的分支（`base_branch`）。
    每一项修改报告一条警告，写明停用或放宽了什么。只新增单位不报告。

    规则配置决定哪些检查生效。`registry check --base` 按目标分支的配置检查本次变更，
    所以一个变更不能为自己停用或放宽检查；但合并以后，新配置就约束以后的所有变更。
    因此配置的修改本身要让审核人看到，并由数据主管部门审核（CODEOWNERS 把 registry.yaml 交给数据主管部门）。
    """
    if ctx.proposed_config is None or not ctx.wants(CONFIG_FILE):
        return
    for change in config_changes(ctx.config, ctx.proposed_config):
        note = "，放宽了检查或改变了审核权限" if change.loosens else ""
        yield Problem(CONFIGURATION, change.field, Message(
            f"本变更修改了规则配置：{change.message.zh}{note}。本次仍按目标分支的配置检查；合并后新配置约束以后的所有变更，"
            "须经数据主管部门审核",
            f"this change modifies the rule configuration: {change.message.en}. This change is still checked with the "
            "target's configuration; once merged, the new one governs every later change and needs the data authority's review",
        ))


class CountyParams(Params):
    county_total: bool | None = Field(
        None,
        description="是否检查全域（整个登记簿）在用系统总量：不填时按所选规则配置对条文的理解决定（五部办法均适用）；"
                    "true 总是检查，false 不检查",
    )


@rule("CHG008", name="county-only-decrease", title="全域在用政务信息系统总量不因划转而增加", kind=Kind.change,
      profile="common", params=CountyParams, cite=[PT7, QX10, QX12, PT8, DSQ2, DLT4, JX4],
      fails="""
      # 同一次变更：czj 把 czj-archive 划转给 wjw（已写明 transferred_from），又新增 czj-new
      # 基准版本 systems/czj/czj-archive.yaml: unit: czj
      # systems/wjw/czj-archive.yaml: unit: wjw,
      #   transferred_from: {unit: czj, doc_no: 金编办〔2025〕4号, date: 2025-05-01}
      id: czj-new
      unit: czj
      status: building
      """,
      passes="""
      # 基准版本 systems/czj/czj-archive.yaml: unit: czj
      # systems/wjw/czj-archive.yaml: unit: wjw,
      #   transferred_from: {unit: czj, doc_no: 金编办〔2025〕4号, date: 2025-05-01}
      id: czj-new
      unit: czj
      status: building
      new_system_approval: {doc_no: 金政字〔2025〕21号, date: 2025-03-01}
      """)
def chg008(ctx: Context, params: CountyParams) -> Iterator[Problem]:
    """整个登记簿（全县、全区、全市、全旗）的在用系统数：本次变更后减去目标分支中的，
    不得超过新出现的在用系统（目标分支中不存在或不在用）中填写了可用的 `new_system_approval`（与 CHG001 相同：
    文号真实、日期不晚于今天、未被其他单位使用或用超 `count`）的个数；停用日期晚于今天的系统仍计为在用。
    单位之间的划转在全域合计中相互抵消，不能为新增系统腾出名额。问题报告在每个没有批准文件的新增系统上；
    所在单位本身净增、已由 CHG001 报告的新增系统不再重复报告（CHG001 停用时仍报告）。

    CHG001 按单位计数：甲单位把一个系统划转给乙单位，同时新建一个系统，两个单位的数量都“没有增加”，
    全域却多了一个没有批准的系统。

    依据说明：五部办法都把本地区的政务信息系统作为一个整体来管理——渠县第十条“对全县信息化项目实行统一规划、统一建设”、
    第十二条确需新建须经县委县政府审定；坡头区第八条由区政务服务数据管理局建立全区的“政务信息系统目录动态管理机制”，
    第七条“做好增量系统和存量系统的衔接”（划转不是存量系统的减少）；大石桥市第二条“原则上本级不再单独建设系统平台”；
    达拉特旗第四条统筹论证各部门建设需求；金乡县第四条县大数据局负责县级项目的规划、审核和全生命周期备案管理。
    因此本规则在五个配置下默认启用；参数 `county_total` 可以改变（修改参数本身由 CHG007 报告）。
    登记簿首次登记（目标分支中没有任何记录）时不做此项检查。
    """
    wanted = params.county_total
    if wanted is None:
        wanted = any(PROFILES[p].whole_jurisdiction for p in ctx.config.profiles if p in PROFILES)
    if not wanted or initial_registration(ctx):
        return
    base = ctx.base
    assert base is not None, "change rules run only with --base"
    fresh = [s for s in ctx.head.systems if _new_to_the_registry(ctx, s)]
    allowance = sum(1 for s in fresh if approved(ctx, s))
    before = sum(1 for s in base.systems if s.in_use_on(ctx.today))
    after = sum(1 for s in ctx.head.systems if s.in_use_on(ctx.today))
    if after - before <= allowance:
        return
    where = ctx.config.jurisdiction or "本登记簿"
    # A new system whose own unit grows is CHG001's finding already; said twice it is noise.
    per_unit = "CHG001" not in {d.rule for d in ctx.config.disabled_rules}
    for s in fresh:
        if per_unit and _unit_grows(ctx, s.unit):
            continue
        if not approved(ctx, s) and ctx.wants(ctx.head.path_of(s)):
            yield problem(
                s, "status",
                f"{where}在用政务信息系统合计由 {before} 个增至 {after} 个：新增系统 {s.id} 没有 new_system_approval（净增系统的批准文件）。"
                "单位之间的划转在全域合计中相互抵消，不能为新增系统腾出名额；请同时停用或整合一个系统，或填写批准文件",
                f"{where}'s active systems grow from {before} to {after}: new system {s.id} has no new_system_approval. "
                "Transfers between units net to zero across the registry and free no slot: retire or merge a system, "
                "or give the approval",
            )


def _new_to_the_registry(ctx: Context, s: System) -> bool:
    """In use now, and not in use anywhere in the registry at the target (a retirement dated
    after today still counts as in use, as in CHG001)."""
    assert ctx.base is not None
    before = ctx.base.system(s.id)
    return s.in_use_on(ctx.today) and (before is None or not before.in_use_on(ctx.today))


def _unit_grows(ctx: Context, unit: str) -> bool:
    """CHG001's verdict for ``unit``: more active systems than its excused newcomers allow."""
    assert ctx.base is not None
    allowance = sum(1 for n in ctx.head.systems_of(unit) if newcomer(ctx, n) and excused(ctx, n))
    return in_use_count(ctx.head, unit, ctx.today) - in_use_count(ctx.base, unit, ctx.today) - allowance > 0
