"""批复后调整：每部办法都有一条讲已立项项目调整投资、建设内容、涉及系统时要备案还是重新报批
（渠县第三十七条、坡头区第二十一条、大石桥市第十五条、达拉特旗第二十条、金乡县第三十三条）。

条文的差别是数据：比较哪些字段（只算调增的投资、预算中的其他数字、绩效目标），单位可以自行调整
（备案，即新增一条 ``changes``）的限度，问题报在每个字段上还是合并报一次，以及各地的措辞。
这些都写在各配置的一个 :class:`Adjustment` 里；判断只有这里一份。
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from registry import plainclass
from registry.rules.base import Context, Problem, problem
from registry.rules.change import new_changes
from registry.rules.helpers import AMOUNT_TOLERANCE as TOLERANCE
from registry.rules.helpers import approved_before, changed_scope, percent

if TYPE_CHECKING:
    from registry.models import Project
    from registry.models.project import Change


@plainclass.dataclass(frozen=True)
class Text:
    """A message as two ``str.format`` templates. Placeholders: ``id``, ``field`` (the field the
    problem is on), ``what`` (the changed fields' labels), ``reasons`` (why it needs re-approval),
    ``approved_date``, ``approved_doc``, and the budget figures ``old``, ``new``, ``delta``,
    ``moved`` (the share moved, with its comma), ``share``, ``share_wan``."""

    zh: str
    en: str


@plainclass.dataclass(frozen=True)
class Reasons:
    """Why an adjustment is beyond what the unit may do on its own: the budget rises above the
    approved figure; it moves by more than the share; the goals change (when compared)."""

    rise: Text
    share: Text
    goals: Text | None = None


@plainclass.dataclass(frozen=True)
class Adjustment:
    """One regulation's article on adjusting an approved project.

    ``labels``: the fields compared, in report order (``budget.total_wan``, ``content``,
    ``systems``; also ``budget`` — another budget figure changed while the total did not — and
    ``goals``), each with its (zh, en) label template; an en label of ``""`` is the field name.
    ``cuts_free``: a lower total needs nothing (only a rise counts).
    ``missing``: the message when the required ``changes`` entry is missing — one carrying an
    ``approval`` when every adjustment needs re-approval (``reasons`` is None), else any new
    entry; ``missing_beyond`` is appended to it when the adjustment also needs re-approval.
    ``reasons`` and ``reapprove`` (reported on ``reapprove_field``): when the unit may adjust on
    its own within the rule's share, what makes a filed adjustment need re-approval.
    ``each_field``: one problem per changed field, else one on the first listing them all.
    """

    labels: Mapping[str, tuple[str, str]]
    missing: Text
    each_field: bool = True
    cuts_free: bool = False
    reasons: Reasons | None = None
    reapprove: Text | None = None
    reapprove_field: str = "changes"
    missing_beyond: Text | None = None
    separators: tuple[tuple[str, str], tuple[str, str]] = (("、", ", "), ("；", "; "))  # labels, reasons

    def changed(self, before: Project, after: Project) -> list[str]:
        """The compared fields that differ, in the order of :attr:`labels`."""
        found = set(changed_scope(before, after))
        if self.cuts_free and after.budget.total_wan <= before.budget.total_wan + TOLERANCE:
            found.discard("budget.total_wan")
        if "budget.total_wan" not in found and before.budget != after.budget:
            found.add("budget")
        if before.goals != after.goals:
            found.add("goals")
        return [f for f in self.labels if f in found]


def named(labels: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """``{"content": "建设内容"}`` → the :attr:`Adjustment.labels` of an article whose messages
    name each field after its label: ``建设内容（content）`` (the English side: the field)."""
    return {field: (f"{label}（{field}）", "") for field, label in labels.items()}


def adjustments(ctx: Context, article: Adjustment, share: float | None = None) -> Iterator[Problem]:
    """The problems of ``article`` over every project approved at base; ``share`` is the part of
    the approved total the unit may move on its own (None: any adjustment needs re-approval)."""
    for p in ctx.projects:
        before = approved_before(ctx, p)
        if before is None:
            continue
        changed = article.changed(before, p)
        if changed:
            yield from _judge(article, _Figures(before, p, share), changed, new_changes(before, p))


@plainclass.dataclass(frozen=True)
class _Figures:
    before: Project
    after: Project
    share: float | None

    def values(self, lang: int) -> dict[str, Any]:
        old, new = self.before.budget.total_wan, self.after.budget.total_wan
        delta = new - old
        moved = f"{abs(delta) / old:.2%}" if old > 0 else ""  # a base total of 0 has no share (nor divisor)
        approved = self.before.milestones.approved
        share = self.share or 0.0
        return {
            "id": self.after.id, "old": f"{old:g}", "new": f"{new:g}", "delta": f"{delta:+g}",
            "moved": f"{('，', ', ')[lang]}{moved}" if moved else "",
            "share": percent(share), "share_wan": f"{share * old:g}",
            "approved_date": approved.date if approved else "",
            "approved_doc": (approved.doc_no if approved else None) or "立项批复",
        }

    def budget_reason(self, reasons: Reasons) -> Text | None:
        """Why the budget change is beyond self-adjustment, or None when the unit may make it."""
        old, new = self.before.budget.total_wan, self.after.budget.total_wan
        if new > old + TOLERANCE:
            return reasons.rise
        if self.share is not None and abs(new - old) > self.share * old + TOLERANCE:
            return reasons.share
        return None


def _judge(article: Adjustment, figures: _Figures, changed: list[str], fresh: list[Change]) -> Iterator[Problem]:
    approved = any(c.approval for c in fresh)
    if article.reasons is None:  # every adjustment needs re-approval
        if not approved:
            yield from _missing(article, figures, changed, [])
        return
    beyond = [t for t in (figures.budget_reason(article.reasons), _goals(article, changed)) if t is not None]
    if not fresh:
        yield from _missing(article, figures, changed, beyond)
    elif beyond and not approved and article.reapprove is not None:
        yield _problem(article, figures, article.reapprove, article.reapprove_field, changed, beyond)


def _goals(article: Adjustment, changed: list[str]) -> Text | None:
    assert article.reasons is not None
    return article.reasons.goals if "goals" in changed else None


def _missing(article: Adjustment, figures: _Figures, changed: list[str], beyond: list[Text]) -> Iterator[Problem]:
    text = article.missing
    if beyond and article.missing_beyond is not None:
        text = Text(text.zh + article.missing_beyond.zh, text.en + article.missing_beyond.en)
    groups = [[field] for field in changed] if article.each_field else [changed]
    for fields in groups:
        yield _problem(article, figures, text, fields[0], fields, beyond)


def _problem(article: Adjustment, figures: _Figures, text: Text, field: str, fields: list[str],
             reasons: list[Text]) -> Problem:
    zh, en = (_render(article, figures, template, lang, field, fields, reasons)
              for lang, template in enumerate((text.zh, text.en)))
    return problem(figures.after, field, zh, en)


def _render(article: Adjustment, figures: _Figures, template: str, lang: int, field: str, fields: list[str],
            reasons: list[Text]) -> str:
    values = figures.values(lang)
    labels, joins = [], article.separators
    for f in fields:
        label = article.labels[f][lang] or f
        labels.append(label.format(**values))
    why = [(r.zh, r.en)[lang].format(**values) for r in reasons]
    return template.format(**values, field=field, what=joins[0][lang].join(labels), reasons=joins[1][lang].join(why))
