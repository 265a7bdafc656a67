"""里程碑的先后：许多条文规定一个程序须在另一个之前完成——先立项后安排预算（金乡县第二十二条）、
先立项后建设（金乡县第四十四条、达拉特旗第八条）、先评估论证和密码审核后批复（大石桥市第十二条）、
先符合性审查后验收（坡头区第二十二条）、先档案验收后通过项目验收（坡头区第二十三条、达拉特旗第二十二条）。

判断只有这里一份：项目有了后一个里程碑，就须登记前一个，且前一个的日期不晚于后一个（有的条文要求
严格在前，同一天也不行）。各规则只写自己的措辞：问题报在哪个字段上、怎么说。
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from registry.enums import Stage
from registry.rules.base import Context

if TYPE_CHECKING:
    from registry.models import Project


def out_of_order(p: Project, first: Stage, then: Stage, *, same_day: bool = True) -> Iterator[tuple[dt.date | None, dt.date]]:
    """(date of ``first``, date of ``then``), once, when ``p`` has reached ``then`` without
    ``first`` (its date is then None) or with ``first`` dated after ``then`` — or on the same
    day, when ``same_day`` is False (条文要求严格在前的); nothing when the order holds or
    ``then`` is not reached yet."""
    milestones = p.milestones
    later = milestones.date_of(then)
    if later is None:
        return
    earlier = milestones.date_of(first)
    if earlier is None or earlier > later or (earlier == later and not same_day):
        yield earlier, later


def out_of_order_projects(ctx: Context, first: Stage, then: Stage, *, same_day: bool = True,
                          where: Callable[[Project], bool] = lambda p: True) -> Iterator[tuple[Project, dt.date | None, dt.date]]:
    """(project, date of ``first`` or None, date of ``then``) for each project ``where`` admits
    whose milestones are :func:`out_of_order`."""
    for p in ctx.projects:
        if where(p):
            for earlier, later in out_of_order(p, first, then, same_day=same_day):
                yield p, earlier, later


def passed_final_acceptance(p: Project) -> bool:
    """The project has passed its final acceptance (``final_acceptance`` with ``passed: true``)."""
    final = p.milestones.final_acceptance
    return final is not None and final.passed
