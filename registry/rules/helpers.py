"""Checks that many profile rules share: required documents, target systems, deadlines."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from registry import plainclass
from registry.dates import add_months, month_day_in
from registry.enums import CryptoAssessment, DocumentKind, EvaluationKind, Stage
from registry.findings import Message
from registry.rules.base import Context, Problem, problem
from registry.workdays import Arrangement, Calendar

if TYPE_CHECKING:
    from registry.models import Project, RegistryConfig, System

AMOUNT_TOLERANCE = 0.005  # 万元: amounts are compared to the cent (half of 0.01 万元 = 50 元)


def missing_documents(p: Project, kinds: Iterable[DocumentKind], *, when: str, when_en: str) -> Iterator[Problem]:
    """One problem per document of ``kinds`` the project lacks; ``when`` says at which stage
    (e.g. "立项批复后" / "from approval")."""
    present = p.documents.__dict__  # (a field per kind: read without getattr, asked 100,000s of times)
    for kind in kinds:
        if not present[kind]:  # (a StrEnum member is its text as a key)
            yield problem(
                p, f"documents.{kind.value}",
                f"项目 {p.id} {when}须提供{kind.label}（documents.{kind.value}）：请填写 docs/ 下的文件路径或文件编号",
                f"project {p.id} needs documents.{kind.value} ({when_en}): give a path under docs/ or a document number",
            )


def documents_from(ctx: Context, stage: Stage, kinds: Iterable[DocumentKind], *, when: str,
                   when_en: str) -> Iterator[Problem]:
    """:func:`missing_documents` for every project that has reached ``stage``: the articles that
    want a document with (or from) a step of the procedure."""
    kinds = tuple(kinds)
    for p in ctx.projects_reached(stage):
        yield from missing_documents(p, kinds, when=when, when_en=when_en)


def stage_label(stage: Stage) -> str:
    return f"{stage.label}（{stage.value}）"


def systems_named(ctx: Context, ids: Iterable[str]) -> Iterator[tuple[int, str, System]]:
    """(index, id, system) for the ids that resolve (REG005 reports the others)."""
    for i, sid in enumerate(ids):
        s = ctx.head.system(sid)
        if s is not None:
            yield i, sid, s


def target_systems(ctx: Context, p: Project) -> Iterator[tuple[str, System]]:
    """(field path, system) for ``upgrades`` + ``maintains`` (RULES.md "target systems")."""
    for role in ("upgrades", "maintains"):
        for i, _sid, s in systems_named(ctx, getattr(p.systems, role)):
            yield f"systems.{role}[{i}]", s


def created_systems(ctx: Context, p: Project) -> Iterator[tuple[str, System]]:
    for i, _sid, s in systems_named(ctx, p.systems.creates):
        yield f"systems.creates[{i}]", s


# Fields whose change after approval the profiles regulate (调整项目规模、内容、投资).
SCOPE_FIELDS = ("budget.total_wan", "content", "systems")


def approved_before(ctx: Context, p: Project) -> Project | None:
    """The base revision's version of ``p`` if it was already approved there (change rules)."""
    if ctx.base is None:
        return None
    before = ctx.base.project(p.id)
    return before if before is not None and before.milestones.approved is not None else None


def changed_scope(before: Project, after: Project) -> list[str]:
    """Which of :data:`SCOPE_FIELDS` differ between two versions of a project."""
    changed = []
    if abs(before.budget.total_wan - after.budget.total_wan) > AMOUNT_TOLERANCE:
        changed.append("budget.total_wan")
    if _words(before.content) != _words(after.content):
        changed.append("content")
    if before.systems != after.systems:
        changed.append("systems")
    return changed


def _words(text: str | None) -> str:
    """``text`` without whitespace: re-wrapping a long ``content`` into a YAML block (``>``)
    adds line breaks or spaces, which change nothing in Chinese text and need no re-approval."""
    return "".join((text or "").split())


def evaluations_between(p: Project, kind: EvaluationKind, start: dt.date, end: dt.date) -> list[dt.date]:
    """Dates of the project's ``kind`` evaluations from ``start`` to ``end``, both inclusive
    (self-evaluation windows such as "验收后12个月内" / "12至24个月内")."""
    return sorted(e.date for e in p.evaluations if e.kind is kind and start <= e.date <= end)


def system_shortfalls(s: System, *, duplicates: bool = True) -> list[Message]:
    """Why ``s`` is a system the measures refuse further money or work for (孤网、重复采集、
    密评未通过、重大安全隐患), one reason each; empty when there is none. A system that does not
    share is excused by an approved ``data.sharing_exemption`` (批准保留的不能共享系统).
    ``duplicates=False`` leaves out duplicate collection, for articles that do not name it."""
    reasons = []
    if s.data.shared is not True and s.data.sharing_exemption is None:
        reasons.append(Message("未按要求共享数据（data.shared 不是 true，且没有 sharing_exemption 批准文件）",
                               "does not share its data (data.shared is not true and there is no sharing_exemption)"))
    if duplicates and s.data.duplicate_collection:
        reasons.append(Message("重复采集数据（data.duplicate_collection: true）", "collects data already collected elsewhere"))
    if s.security.crypto_assessment is CryptoAssessment.failed:
        reasons.append(Message("密码应用安全性评估未通过", "failed its commercial-crypto assessment"))
    if s.security.major_risks:
        risks = "；".join(s.security.major_risks)
        reasons.append(Message(f"存在重大安全隐患（{risks}）", f"has open major security risks ({risks})"))
    return reasons


@plainclass.dataclass(frozen=True)
class EvaluationWindow:
    """The months after a passed final acceptance in which a self evaluation is due."""

    accepted: dt.date
    opens: dt.date
    closes: dt.date


def missed_self_evaluation(ctx: Context, p: Project, opens_months: int, closes_months: int) -> EvaluationWindow | None:
    """The window from ``opens_months`` to ``closes_months`` calendar months after ``p``'s passed
    final acceptance (both ends inclusive) when it has closed before today without a
    ``kind: self`` evaluation in it; None when nothing is missed (yet)."""
    accepted = p.milestones.final_acceptance
    if accepted is None or not accepted.passed:
        return None
    opens, closes = add_months(accepted.date, opens_months), add_months(accepted.date, closes_months)
    if ctx.today <= closes or evaluations_between(p, EvaluationKind.self, opens, closes):
        return None
    return EvaluationWindow(accepted.date, opens, closes)


def unaccepted_past(ctx: Context, p: Project, start: dt.date, months: int) -> dt.date | None:
    """The day ``months`` calendar months after ``start`` if today is later and ``p`` is neither
    finally accepted nor terminated (a construction period run out); None otherwise. The day
    itself is still in time."""
    if p.milestones.final_acceptance is not None or p.milestones.terminated is not None:
        return None
    due = add_months(start, months)
    return due if ctx.today > due else None


def late_for_budget_year(ctx: Context, stage: Stage, month_day: str) -> Iterator[tuple[Project, dt.date, dt.date | None]]:
    """(project, deadline, date of ``stage`` or None) for each budgeted project that did not
    reach ``stage`` by ``month_day`` (``MM-DD``, that day included) of the year before its
    budget year ``year`` — the "by October for next year's budget" articles."""
    for p in ctx.projects_reached(Stage.budgeted):
        deadline = month_day_in(p.year - 1, month_day)
        when = p.milestones.date_of(stage)
        if when is None or when > deadline:
            yield p, deadline, when


def percent(share: float) -> str:
    """0.1 → "10%", 0.055 → "5.5%": a parameter is shown as set, not rounded."""
    return f"{share * 100:g}%"


def calendar_of(config: RegistryConfig) -> Calendar:
    """Working days as the registry knows them: its ``calendar:`` arrangements, then
    ``chinesecalendar``."""
    return Calendar({
        int(year): Arrangement(frozenset(a.holidays), frozenset(a.workdays)) for year, a in config.calendar.items()
    })
