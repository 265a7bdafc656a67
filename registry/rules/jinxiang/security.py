"""JX 规则：第八章 网络与信息安全管理（第三十七条至第三十九条）：网络安全预算。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.enums import (
    Nature,
)
from registry.rules.base import Context, Kind, Problem, problem, rule
from registry.rules.helpers import (
    percent,
)
from registry.rules.jinxiang import PROFILE
from registry.rules.jinxiang.citations import (
    JX37,
)
from registry.rules.jinxiang.params import SecurityShareParams


@rule("JX37", local=True, name="security-budget-share", title="新建项目网络安全预算不低于总预算的 5%", kind=Kind.record,
      profile=PROFILE.id, cite=[JX37], params=SecurityShareParams,
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
