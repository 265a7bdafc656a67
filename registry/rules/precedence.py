"""里程碑的先后：许多条文规定一个程序须在另一个之前完成——先立项后安排预算（金乡县第二十二条）、
先立项后建设（金乡县第四十四条、达拉特旗第八条）、先评估论证和密码审核后批复（大石桥市第十二条）、
先符合性审查后验收（坡头区第二十二条）、先档案验收后通过项目验收（坡头区第二十三条、达拉特旗第二十二条）。

判断只有一种：项目有了后一个里程碑，就须登记前一个，且前一个的日期不晚于后一个（有的条文要求
严格在前，同一天也不行）。条文的差别是数据：哪两个里程碑、同一天算不算、问题报在哪个字段上、
各地的措辞。它们写在各规则的一个 :class:`Precedence` 里。
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from registry.enums import Stage
from registry.models import Project
from registry.rules.base import Context, Problem, problem
from registry.rules.helpers import Text


@dataclasses.dataclass(frozen=True)
class Precedence:
    """One article's "``first`` before ``then``".

    ``missing`` (the project reached ``then`` without ``first``) and ``late`` (``first`` is dated
    after ``then``; with ``same_day=False`` also on the same day) are :class:`Text` templates with
    the placeholders ``id``, ``first`` and ``then`` (the two dates; ``first`` is None when
    missing), ``first_stage`` and ``then_stage`` (the :class:`Stage`, e.g. ``{then_stage.label}``)
    and whatever the rule passes on. ``missing_field`` and ``late_field`` are templates of the
    field each problem is reported on, with the same placeholders.
    """

    first: Stage
    then: Stage
    missing: Text
    late: Text
    same_day: bool = True
    missing_field: str = "milestones.{first_stage.value}"
    late_field: str = "milestones.{first_stage.value}.date"

    def out_of_order(self, first: dt.date | None, then: dt.date) -> bool:
        """Whether ``first`` (None: not registered) fails to precede ``then``."""
        if first is None:
            return True
        return first > then if self.same_day else first >= then



def precedence_problems(p: Project, article: Precedence, then: Stage | None = None, **values: Any) -> Iterator[Problem]:
    """The problem of ``p`` under ``article`` (none while ``p`` has not reached its later
    milestone); ``then`` replaces the article's later milestone (rules that check several),
    ``values`` fill the rule's own placeholders."""
    then_stage = then or article.then
    then_date = p.milestones.date_of(then_stage)
    if then_date is None:
        return
    first_date = p.milestones.date_of(article.first)
    if not article.out_of_order(first_date, then_date):
        return
    values = {"id": p.id, "first": first_date, "then": then_date, "first_stage": article.first,
              "then_stage": then_stage, **values}
    text, field = (article.missing, article.missing_field) if first_date is None else (article.late, article.late_field)
    yield problem(p, field.format(**values), text.zh.format(**values), text.en.format(**values))


def precedences(ctx: Context, article: Precedence, where: Callable[[Project], bool] = lambda p: True) -> Iterator[Problem]:
    """:func:`precedence_problems` over every project that ``where`` admits."""
    for p in ctx.projects:
        if where(p):
            yield from precedence_problems(p, article)


def passed_final_acceptance(p: Project) -> bool:
    """The project has passed its final acceptance (``final_acceptance`` with ``passed: true``)."""
    final = p.milestones.final_acceptance
    return final is not None and final.passed
